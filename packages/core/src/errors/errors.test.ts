import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError, MediaError, NotFoundError, SwitchboardError, ValidationError, isSwitchboardError } from './errors.js';
import { parseOrThrow } from './zod.js';

describe('SwitchboardError', () => {
  it('carries a stable code, its class name and the cause', () => {
    const cause = new Error('socket closed');
    const error = new MediaError('originate failed', { cause, details: { callId: 'x' } });
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error.code).toBe('MEDIA');
    expect(error.name).toBe('MediaError');
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toMatchObject({ code: 'MEDIA', details: { callId: 'x' } });
    expect(new NotFoundError('Tenant', 'acme').message).toBe('Tenant acme not found');
    expect(new ConflictError('dup').code).toBe('CONFLICT');
    expect(isSwitchboardError(new Error('plain'))).toBe(false);
  });

  it('parseOrThrow names every bad field with its path', () => {
    const schema = z.object({ port: z.number().int(), media: z.enum(['sim', 'freeswitch']) });
    try {
      parseOrThrow(schema, { port: 'x', media: 'pots' }, 'configuration', 'config');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const issues = (error as ValidationError).issues;
      expect(issues.map((i) => i.path)).toEqual(['config.port', 'config.media']);
      expect((error as ValidationError).message).toContain('config.port');
    }
  });
});
