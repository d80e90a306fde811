import { MediaError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { mediaErrorFromAri } from './errors.js';

describe('mediaErrorFromAri', () => {
  it('turns ARI error replies into MediaErrors with the status and its meaning', () => {
    const gone = mediaErrorFromAri({ status: 404, method: 'POST', path: '/channels/abc/answer', body: { message: 'Channel not found' } });
    expect(gone).toBeInstanceOf(MediaError);
    expect(gone.code).toBe('MEDIA');
    expect(gone.message).toBe('Asterisk refused POST /channels/abc/answer: Channel not found');
    expect(gone.details).toMatchObject({ vendor: 'asterisk', status: 404, failure: 'not-found' });

    expect(mediaErrorFromAri({ status: 409, method: 'POST', path: '/channels/abc/play', body: { message: 'Channel not in Stasis application' } }).details).toMatchObject({
      failure: 'conflict',
    });
    expect(mediaErrorFromAri({ status: 422, method: 'POST', path: '/bridges/b/addChannel', body: { message: 'Channel not in Stasis application' } }).details).toMatchObject({
      failure: 'unprocessable',
    });
    expect(mediaErrorFromAri({ status: 412, method: 'POST', path: '/channels/abc/hold' }).details).toMatchObject({ failure: 'invalid-state', message: 'HTTP 412' });
    expect(mediaErrorFromAri({ status: 500, method: 'GET', path: '/channels', body: 'Internal Server Error' }).details).toMatchObject({ failure: 'server-error' });
    // ast_ari_response_alloc_failed answers {"error": …}, not {"message": …}.
    expect(mediaErrorFromAri({ status: 500, method: 'POST', path: '/channels', body: { error: 'Allocation failed' } }).details).toMatchObject({
      failure: 'server-error',
      message: 'Allocation failed',
    });
  });
});
