import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import { makeMp3, makeWav } from '../../media-files/test-audio.js';
import { storageTargets, useStorage } from '../test-support.js';

describe.each(storageTargets())('MediaFileRepository on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });

  it('stores a file with what its content measures, and gives the bytes back unchanged', async () => {
    const wav = makeWav({ sampleRate: 8000, frames: 20_000 });
    const file = await db.storage.mediaFiles.create(db.tenants.a, { name: 'welcome', description: ' Greeting ' }, wav);
    expect(file).toEqual({
      id: expect.any(String),
      tenantId: db.tenants.a,
      name: 'welcome',
      fileType: 'voice',
      musicCategory: '',
      description: 'Greeting',
      format: 'wav',
      durationMs: 2500,
      sizeBytes: wav.length,
      sampleRate: 8000,
      channels: 1,
      sha256: createHash('sha256').update(wav).digest('hex'),
      createdAt: db.clock.now(),
      updatedAt: db.clock.now(),
    });
    expect(await db.storage.mediaFiles.getById(db.tenants.a, file.id)).toEqual(file);
    const bytes = await db.storage.mediaFiles.content(db.tenants.a, file.id);
    expect(Buffer.compare(bytes, Buffer.from(wav))).toBe(0);
  });

  it('keeps a 5 MB file byte for byte', async () => {
    const mp3 = makeMp3({ frames: 12_000, id3v2: 1000 });
    expect(mp3.length).toBeGreaterThan(5_000_000);
    const file = await db.storage.mediaFiles.create(db.tenants.a, { name: 'long-music', fileType: 'hold-music' }, mp3);
    expect(file).toMatchObject({ format: 'mp3', sampleRate: 44_100, durationMs: Math.round((12_000 * 1152 * 1000) / 44_100) });
    expect(Buffer.compare(await db.storage.mediaFiles.content(db.tenants.a, file.id), Buffer.from(mp3))).toBe(0);
  });

  it('refuses bad names, bad content and a taken name, storing nothing', async () => {
    await expect(db.storage.mediaFiles.create(db.tenants.a, { name: 'has space' }, makeWav())).rejects.toBeInstanceOf(ValidationError);
    await expect(db.storage.mediaFiles.create(db.tenants.a, { name: 'x.wav' }, makeWav())).rejects.toBeInstanceOf(ValidationError);
    await expect(db.storage.mediaFiles.create(db.tenants.a, { name: 'text' }, new TextEncoder().encode('not audio'))).rejects.toThrow(/this is text, not audio/);
    await db.storage.mediaFiles.create(db.tenants.a, { name: 'welcome' }, makeWav());
    const taken = await db.storage.mediaFiles.create(db.tenants.a, { name: 'welcome' }, makeMp3()).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(ConflictError);
    expect((taken as ConflictError).details).toMatchObject({ field: 'name' });
    // The same name in another tenant is another file.
    await expect(db.storage.mediaFiles.create(db.tenants.b, { name: 'welcome' }, makeMp3())).resolves.toMatchObject({ format: 'mp3' });
    expect(await db.storage.knex('media_file_contents').count({ n: '*' })).toEqual([{ n: 2 }]);
  });

  it('searches name and description, filters by type and music category, and lists the categories', async () => {
    await db.storage.mediaFiles.create(db.tenants.a, { name: 'welcome', description: 'Morning greeting' }, makeWav());
    await db.storage.mediaFiles.create(db.tenants.a, { name: 'jazz-1', fileType: 'hold-music', musicCategory: 'Jazz' }, makeMp3());
    await db.storage.mediaFiles.create(db.tenants.a, { name: 'jazz-2', fileType: 'hold-music', musicCategory: 'jazz', description: '100% smooth' }, makeMp3());
    await db.storage.mediaFiles.create(db.tenants.a, { name: 'rock', fileType: 'hold-music', musicCategory: 'Rock' }, makeMp3());
    await db.storage.mediaFiles.create(db.tenants.b, { name: 'jazz-b', fileType: 'hold-music', musicCategory: 'Jazz' }, makeMp3());
    const names = async (query: Parameters<typeof db.storage.mediaFiles.list>[1]) => (await db.storage.mediaFiles.list(db.tenants.a, query)).map((f) => f.name);
    expect(await names({})).toEqual(['jazz-1', 'jazz-2', 'rock', 'welcome']);
    expect(await names({ search: 'MORNING' })).toEqual(['welcome']);
    expect(await names({ search: 'JAZZ' })).toEqual(['jazz-1', 'jazz-2']);
    expect(await names({ search: '100%' })).toEqual(['jazz-2']);
    expect(await names({ search: '%' })).toEqual(['jazz-2']);
    expect(await names({ fileType: 'voice' })).toEqual(['welcome']);
    expect(await names({ fileType: 'hold-music', musicCategory: 'JAZZ' })).toEqual(['jazz-1', 'jazz-2']);
    expect(await names({ limit: 2, offset: 1 })).toEqual(['jazz-2', 'rock']);
    expect(await db.storage.mediaFiles.musicCategories(db.tenants.a)).toEqual(['Jazz', 'Rock', 'jazz']);
    await expect(db.storage.mediaFiles.list(db.tenants.a, { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('changes only the metadata a patch names; renames onto a taken name conflict; other tenants see nothing', async () => {
    const welcome = await db.storage.mediaFiles.create(db.tenants.a, { name: 'welcome' }, makeWav());
    await db.storage.mediaFiles.create(db.tenants.a, { name: 'goodbye' }, makeWav());
    await db.clock.advance(1000);
    const changed = await db.storage.mediaFiles.update(db.tenants.a, welcome.id, { fileType: 'hold-music', musicCategory: 'Calm' });
    expect(changed).toMatchObject({ name: 'welcome', fileType: 'hold-music', musicCategory: 'Calm', durationMs: welcome.durationMs, sha256: welcome.sha256, updatedAt: welcome.createdAt + 1000 });
    await expect(db.storage.mediaFiles.update(db.tenants.a, welcome.id, { name: 'goodbye' })).rejects.toBeInstanceOf(ConflictError);
    await expect(db.storage.mediaFiles.update(db.tenants.a, welcome.id, { name: 'no/slash' })).rejects.toBeInstanceOf(ValidationError);
    await expect(db.storage.mediaFiles.update(db.tenants.b, welcome.id, { description: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.mediaFiles.content(db.tenants.b, welcome.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.mediaFiles.delete(db.tenants.b, welcome.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.storage.mediaFiles.findByName(db.tenants.b, 'welcome')).toBeUndefined();
  });

  it('deletes the file with its content', async () => {
    const file = await db.storage.mediaFiles.create(db.tenants.a, { name: 'welcome' }, makeWav());
    await db.storage.mediaFiles.delete(db.tenants.a, file.id);
    expect(await db.storage.mediaFiles.findById(db.tenants.a, file.id)).toBeUndefined();
    await expect(db.storage.mediaFiles.content(db.tenants.a, file.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.storage.knex('media_file_contents').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
