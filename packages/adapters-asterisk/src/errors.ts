import { MediaError } from '@switchboard/core';

/** What went wrong, in words that do not depend on the operation. */
export type AriFailure = 'bad-request' | 'not-found' | 'conflict' | 'invalid-state' | 'unprocessable' | 'server-error' | 'unexpected';

/**
 * What an ARI error status means. The same status means different things per
 * operation (rest-api/api-docs/*.json): 404 is always "channel / bridge /
 * playback / recording not found"; 409 is mostly "channel not in a Stasis
 * application" but also "channel id already exists" (originate) and "channel
 * is bridged / recording exists" (record); 412 is "channel in invalid state";
 * 422 is "channel not in Stasis" (bridge addChannel), "channel not in this
 * bridge" (removeChannel), "unknown format" (record) or "endpoint of another
 * type" (redirect).
 */
export function ariFailure(status: number): AriFailure {
  switch (status) {
    case 400:
      return 'bad-request';
    case 404:
      return 'not-found';
    case 409:
      return 'conflict';
    case 412:
      return 'invalid-state';
    case 422:
      return 'unprocessable';
    default:
      return status >= 500 ? 'server-error' : 'unexpected';
  }
}

/**
 * An ARI error reply → the MediaError a command rejects with (the port: a
 * command about a leg that no longer exists rejects with a MediaError). ARI's
 * body is `{"message": "..."}`; the status, the operation and the failure kind
 * go to `details` for logs and for callers that branch on them.
 */
export function mediaErrorFromAri(reply: { status: number; method: string; path: string; body?: unknown }): MediaError {
  // ARI errors are `{"message": …}`, except the allocation failure of ast_ari_response_alloc_failed: `{"error": …}`.
  const body = typeof reply.body === 'object' && reply.body !== null ? (reply.body as { message?: unknown; error?: unknown }) : undefined;
  const message =
    typeof body?.message === 'string'
      ? body.message
      : typeof body?.error === 'string'
        ? body.error
        : typeof reply.body === 'string' && reply.body !== ''
          ? reply.body
          : `HTTP ${reply.status}`;
  const failure = ariFailure(reply.status);
  return new MediaError(`Asterisk refused ${reply.method} ${reply.path}: ${message}`, {
    details: { vendor: 'asterisk', status: reply.status, failure, method: reply.method, path: reply.path, message },
  });
}
