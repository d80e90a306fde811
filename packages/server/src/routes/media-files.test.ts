import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav } from '@switchboard/core';
import { hashPassword } from '../auth/passwords.js';
import { declaredUpload, startTestServer } from '../test-support/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

const MAX_BYTES = 50_000;

/** A mono 16-bit PCM WAV with a tone: `frames` samples at `rate`. */
function wav(frames: number, rate = 8000): Uint8Array {
  const out = Buffer.alloc(44 + frames * 2);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + frames * 2, 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(frames * 2, 40);
  for (let i = 0; i < frames; i++) out.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8000), 44 + i * 2);
  return out;
}

/** An MP3 of `frames` silent MPEG-1 layer III frames, 32 kHz, 32 kbit/s, stereo: 144 bytes and 36 ms each. */
function mp3(frames: number): Uint8Array {
  const frame = Buffer.alloc(144);
  frame.set([0xff, 0xfb, 0x18, 0x00]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

async function tenantWithAdmin(s: Server, slug: string): Promise<string> {
  const tenant = await s.switchboard.storage.tenants.create({ slug, name: slug });
  await s.switchboard.storage.users.create(tenant.id, { username: 'boss', passwordHash: await hashPassword('boss-password-123'), role: 'tenant_admin' });
  await s.switchboard.storage.users.create(tenant.id, { username: 'sup', passwordHash: await hashPassword('sup-password-1234'), role: 'supervisor' });
  return s.login('boss', 'boss-password-123', slug);
}

describe('media files over HTTP', () => {
  let s: Server;
  let token: string;
  let other: string;

  const upload = async (fields: Record<string, string>, file: { bytes: Uint8Array; filename: string; type?: string } | undefined, as = token) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.filename);
    const response = await fetch(`${s.url}/api/v1/media-files`, { method: 'POST', headers: { authorization: `Bearer ${as}` }, body: form });
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.json() };
  };
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', demo: 'false', mediaMaxBytes: String(MAX_BYTES) });
    token = await tenantWithAdmin(s, 'acme');
    other = await tenantWithAdmin(s, 'globex');
  });
  afterAll(() => s.close());

  it('uploads a WAV, measuring it; lists, searches and filters; other tenants see nothing', async () => {
    const created = await upload({ name: 'welcome', description: 'Morning greeting' }, { bytes: wav(12_000), filename: 'Welcome Message.WAV', type: 'audio/x-wav' });
    expect(created).toMatchObject({
      status: 201,
      body: { id: expect.any(String), name: 'welcome', fileType: 'voice', format: 'wav', durationMs: 1500, sampleRate: 8000, channels: 1, sizeBytes: 24_044, description: 'Morning greeting' },
    });
    expect(created.body.tenantId).toBeUndefined();
    // No name given: it comes from the file name. The type comes from the content, whatever the name says.
    const music = await upload({ fileType: 'hold-music', musicCategory: 'Jazz' }, { bytes: mp3(100), filename: 'Smooth jazz (edit).wav', type: 'audio/wav' });
    expect(music).toMatchObject({ status: 201, body: { name: 'Smooth-jazz-edit', format: 'mp3', durationMs: 3600, sampleRate: 32_000, channels: 2, musicCategory: 'Jazz' } });

    const list = async (query: string, as = token) => (await s.call('GET', `/api/v1/media-files${query}`, { token: as })).body.items.map((f: { name: string }) => f.name);
    expect(await list('')).toEqual(['Smooth-jazz-edit', 'welcome']);
    expect(await list('?search=morning')).toEqual(['welcome']);
    expect(await list('?fileType=hold-music&musicCategory=jazz')).toEqual(['Smooth-jazz-edit']);
    expect((await s.call('GET', '/api/v1/media-files/categories', { token })).body).toEqual({ items: ['Jazz'] });
    expect(await list('', other)).toEqual([]);
    expect((await s.call('GET', `/api/v1/media-files/${created.body.id}`, { token: other })).status).toBe(404);
    expect((await s.call('GET', `/api/v1/media-files/${created.body.id}`, { token })).body).toEqual(created.body);
    expect((await upload({ name: 'welcome' }, { bytes: wav(100), filename: 'x.wav' })).status).toBe(409);
  });

  it('refuses a text file named .wav with 400 problem+json saying why, and a body that is not multipart with 415', async () => {
    const text = await upload({ name: 'fake' }, { bytes: new TextEncoder().encode('just some notes, saved as .wav\n'), filename: 'fake.wav', type: 'audio/wav' });
    expect(text).toMatchObject({ status: 400, type: expect.stringContaining('application/problem+json'), body: { code: 'VALIDATION', detail: expect.stringContaining('this is text, not audio'), errors: [{ path: 'file' }] } });
    const truncated = wav(8000).subarray(0, 10_000);
    expect((await upload({ name: 'cut' }, { bytes: truncated, filename: 'cut.wav' })).body.detail).toMatch(/truncated/);
    expect((await upload({ name: 'bad name!' }, { bytes: wav(100), filename: 'x.wav' })).body.errors[0].path).toBe('body.name');
    expect((await upload({ name: 'nofile' }, undefined)).body).toMatchObject({ status: 400, detail: expect.stringContaining('No file') });
    const json = await s.call('POST', '/api/v1/media-files', { token, body: { name: 'x' } });
    expect(json).toMatchObject({ status: 415, body: { title: 'Unsupported media type' } });
    const supervisor = await s.login('sup', 'sup-password-1234', 'acme');
    expect((await upload({ name: 'by-sup' }, { bytes: wav(100), filename: 'x.wav' }, supervisor)).status).toBe(403);
  });

  it('refuses an upload over the size limit with 413 while it streams, and keeps serving', async () => {
    const big = wav(30_000); // 60 KB > 50 KB
    const refused = await upload({ name: 'big' }, { bytes: big, filename: 'big.wav' });
    expect(refused).toMatchObject({ status: 413, body: { title: 'Payload too large', detail: `The file is larger than the limit of ${MAX_BYTES} bytes` } });
    expect((await s.call('GET', '/api/v1/media-files?search=big', { token })).body.items).toEqual([]);
    // Declared too large up front: refused before a byte of the body is read.
    const declared = await declaredUpload(`${s.url}/api/v1/media-files`, token, MAX_BYTES + 2 * 1024 * 1024);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ code: 'VALIDATION', status: 413 });
    expect((await upload({ name: 'small' }, { bytes: wav(1000), filename: 'small.wav' })).status).toBe(201);
  });

  it('previews the stored bytes with their type, Range requests and revalidation', async () => {
    const bytes = wav(4000);
    const { body: file } = await upload({ name: 'preview' }, { bytes, filename: 'p.wav' });
    const whole = await get(`/api/v1/media-files/${file.id}/content`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    const etag = whole.headers.get('etag')!;
    expect(etag).toBe(`"${file.sha256}"`);

    const first = await get(`/api/v1/media-files/${file.id}/content`, { range: 'bytes=0-99' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`);
    expect(Buffer.from(await first.arrayBuffer()).equals(Buffer.from(bytes.subarray(0, 100)))).toBe(true);
    const tail = await get(`/api/v1/media-files/${file.id}/content`, { range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(Buffer.from(bytes.subarray(bytes.length - 10)))).toBe(true);
    const open = await get(`/api/v1/media-files/${file.id}/content`, { range: `bytes=${bytes.length - 4}-` });
    expect(open.headers.get('content-range')).toBe(`bytes ${bytes.length - 4}-${bytes.length - 1}/${bytes.length}`);
    await open.arrayBuffer();
    const outside = await get(`/api/v1/media-files/${file.id}/content`, { range: `bytes=${bytes.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    expect((await get(`/api/v1/media-files/${file.id}/content`, { 'if-none-match': etag })).status).toBe(304);
    const stale = await get(`/api/v1/media-files/${file.id}/content`, { range: 'bytes=0-9', 'if-range': '"other"' });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
  });

  it('downloads as WAV: a WAV as stored, an MP3 decoded to 16-bit PCM', async () => {
    const bytes = wav(2000);
    const { body: voice } = await upload({ name: 'dl-voice' }, { bytes, filename: 'v.wav' });
    const stored = await get(`/api/v1/media-files/${voice.id}/download.wav`);
    expect(stored.headers.get('content-type')).toBe('audio/wav');
    expect(stored.headers.get('content-disposition')).toMatch(/^attachment; filename="?dl-voice\.wav"?$/);
    expect(Buffer.from(await stored.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);

    const { body: music } = await upload({ name: 'dl-music', fileType: 'hold-music' }, { bytes: mp3(50), filename: 'm.mp3' });
    const decoded = await get(`/api/v1/media-files/${music.id}/download.wav`);
    expect(decoded.status).toBe(200);
    const out = new Uint8Array(await decoded.arrayBuffer());
    expect(Number(decoded.headers.get('content-length'))).toBe(out.length);
    expect(parseWav(out)).toMatchObject({ codec: 'pcm', bitsPerSample: 16, sampleRate: 32_000, channels: 2, durationMs: music.durationMs, dataLength: 50 * 1152 * 4 });
    // The preview of an MP3 is the MP3.
    expect((await get(`/api/v1/media-files/${music.id}/content`)).headers.get('content-type')).toBe('audio/mpeg');
  });

  it('refuses to delete or rename a file an IVR plays, listing it, and deletes it once free', async () => {
    const { body: file } = await upload({ name: 'main-menu' }, { bytes: wav(800), filename: 'm.wav' });
    const ivr = await s.call('POST', '/api/v1/ivr-menus', { token, body: { name: 'Main', prompts: [{ media: { kind: 'file', name: 'main-menu' } }], keys: [{ input: '1', destination: { kind: 'hangup' } }] } });
    expect(ivr.status).toBe(201);

    const refused = await s.call('DELETE', `/api/v1/media-files/${file.id}`, { token });
    expect(refused).toMatchObject({ status: 409, type: expect.stringContaining('problem+json'), body: { code: 'CONFLICT', detail: 'Cannot delete media file "main-menu": still played by ivr "Main" (prompts.0.media)' } });
    expect((await s.call('GET', `/api/v1/media-files/${file.id}/usage`, { token })).body.items).toEqual([{ kind: 'ivr', id: ivr.body.id, name: 'Main', field: 'prompts.0.media' }]);
    expect((await s.call('PATCH', `/api/v1/media-files/${file.id}`, { token, body: { name: 'renamed' } })).status).toBe(409);
    expect((await s.call('PATCH', `/api/v1/media-files/${file.id}`, { token, body: { description: 'The main menu' } })).body).toMatchObject({ name: 'main-menu', description: 'The main menu' });

    expect((await s.call('DELETE', `/api/v1/ivr-menus/${ivr.body.id}`, { token })).status).toBe(204);
    expect((await s.call('DELETE', `/api/v1/media-files/${file.id}`, { token })).status).toBe(204);
    expect((await s.call('GET', `/api/v1/media-files/${file.id}`, { token })).status).toBe(404);
  });

  it('describes the upload as multipart/form-data in the OpenAPI document', async () => {
    const doc = (await s.call('GET', '/api/v1/openapi.json')).body;
    const post = doc.paths['/api/v1/media-files'].post;
    const form = post.requestBody.content['multipart/form-data'];
    expect(form.schema.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(form.schema.properties.fileType.enum).toEqual(['voice', 'hold-music']);
    expect(form.encoding.file.contentType).toContain('audio/mpeg');
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '400', '409', '413', '415']));
    expect(doc.paths['/api/v1/media-files/{id}/download.wav'].get.responses['200'].content['audio/wav']).toBeDefined();
  });
});
