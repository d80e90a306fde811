import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../logging/logger.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { MediaFileStore } from './media-file-store.js';
import { MediaLibrary } from './media-library.js';
import { MediaPublisher } from './media-publisher.js';
import { makeMp3, makeWav } from './test-audio.js';
import { parseWav } from './wav.js';

describe.each(storageTargets())('MediaPublisher on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });
  let dir: string;
  let logger: MemoryLogger;
  const running: MediaPublisher[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-publish-'));
    logger = new MemoryLogger();
  });
  afterEach(async () => {
    for (const publisher of running.splice(0)) await publisher.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A publisher on the directory, and the store that tells it (and a media library) of every change, as createSwitchboard wires them. */
  function start() {
    const publisher = new MediaPublisher({ storage: db.storage, dir, logger, clock: db.clock });
    running.push(publisher);
    const library = new MediaLibrary(db.storage);
    const store = new MediaFileStore(db.storage, { observers: [publisher, library], logger });
    return { publisher, store, library };
  }

  const published = (tenantId: string, name: string) => join(dir, 'tenants', tenantId, `${name}.wav`);
  const readWav = async (tenantId: string, name: string) => parseWav(await readFile(published(tenantId, name)));

  it('writes an uploaded WAV or MP3 as an 8 kHz mono 16-bit WAV of the same duration, in the tenant’s folder', async () => {
    const { store } = start();
    const voice = await store.upload(db.tenants.a, { name: 'welcome' }, makeWav({ sampleRate: 16_000, channels: 2, frames: 24_000 }));
    const music = await store.upload(db.tenants.a, { name: 'jazz', fileType: 'hold-music' }, makeMp3({ frames: 100 }));

    expect(await readWav(db.tenants.a, 'welcome')).toMatchObject({ codec: 'pcm', sampleRate: 8000, channels: 1, bitsPerSample: 16, durationMs: voice.durationMs, dataLength: 12_000 * 2 });
    expect(voice.durationMs).toBe(1500);
    // 100 frames of 1152 samples at 44.1 kHz: 115 200 samples, 20 898 at 8 kHz.
    expect(await readWav(db.tenants.a, 'jazz')).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16, dataLength: 20_898 * 2, durationMs: music.durationMs });
    // Only finished files are in the folder: each beside the SHA-256 of what it was made from.
    expect((await readdir(join(dir, 'tenants', db.tenants.a))).sort()).toEqual(['jazz.wav', 'jazz.wav.sha256', 'welcome.wav', 'welcome.wav.sha256']);
    expect(await readFile(`${published(db.tenants.a, 'welcome')}.sha256`, 'utf8')).toContain(voice.sha256);
  });

  it('moves the file when the media file is renamed and removes it when it is deleted', async () => {
    const { store, publisher } = start();
    const file = await store.upload(db.tenants.a, { name: 'welcome' }, makeWav({ sampleRate: 22_050 }));
    const bytes = await readFile(published(db.tenants.a, 'welcome'));

    await store.update(db.tenants.a, file.id, { name: 'greeting' });
    expect(existsSync(published(db.tenants.a, 'welcome'))).toBe(false);
    expect(existsSync(`${published(db.tenants.a, 'welcome')}.sha256`)).toBe(false);
    expect(Buffer.compare(await readFile(published(db.tenants.a, 'greeting')), bytes)).toBe(0);
    expect(publisher.pathOf(db.tenants.a, 'greeting')).toBe(published(db.tenants.a, 'greeting'));

    await store.delete(db.tenants.a, file.id);
    expect(existsSync(published(db.tenants.a, 'greeting'))).toBe(false);
    // The tenant's folder goes with its last file.
    expect(existsSync(join(dir, 'tenants', db.tenants.a))).toBe(false);
  });

  it('keeps two tenants’ files of the same name apart', async () => {
    const { store } = start();
    const a = await store.upload(db.tenants.a, { name: 'welcome' }, makeWav({ frames: 8000 }));
    await store.upload(db.tenants.b, { name: 'welcome' }, makeWav({ frames: 24_000 }));
    expect((await readWav(db.tenants.a, 'welcome')).durationMs).toBe(1000);
    expect((await readWav(db.tenants.b, 'welcome')).durationMs).toBe(3000);

    await store.delete(db.tenants.a, a.id);
    expect(existsSync(published(db.tenants.a, 'welcome'))).toBe(false);
    expect((await readWav(db.tenants.b, 'welcome')).durationMs).toBe(3000);
  });

  it('reconciles at start: rewrites what is missing or stale, removes what storage no longer has, leaves other files alone', async () => {
    const first = start();
    await first.store.upload(db.tenants.a, { name: 'welcome' }, makeWav());
    await first.store.upload(db.tenants.a, { name: 'menu' }, makeWav({ frames: 16_000 }));
    await first.store.upload(db.tenants.b, { name: 'music' }, makeMp3({ frames: 50 }));
    await first.publisher.close();

    // While Switchboard was down: a file was lost, one was replaced by other content, a media
    // file was deleted from storage, and leftovers of a tenant that no longer has files remain.
    await unlink(published(db.tenants.a, 'welcome'));
    await writeFile(`${published(db.tenants.b, 'music')}.sha256`, 'an older upload\n');
    const menu = await db.storage.mediaFiles.findByName(db.tenants.a, 'menu');
    await db.storage.mediaFiles.delete(db.tenants.a, menu!.id);
    await mkdir(join(dir, 'tenants', 'gone-tenant'), { recursive: true });
    await writeFile(join(dir, 'tenants', 'gone-tenant', 'old.wav'), 'stale');
    // The media server's own prompts share the directory; a reconcile never touches them.
    await writeFile(join(dir, 'agent-pause-done.wav'), 'system prompt');
    await writeFile(join(dir, 'tenants', db.tenants.a, 'README'), 'not ours');

    const { publisher } = start();
    expect(await publisher.reconcile()).toEqual({ written: 2, unchanged: 0, removed: 2, failed: 0 });
    expect((await readWav(db.tenants.a, 'welcome')).sampleRate).toBe(8000);
    expect((await readWav(db.tenants.b, 'music')).sampleRate).toBe(8000);
    expect(existsSync(published(db.tenants.a, 'menu'))).toBe(false);
    expect(existsSync(join(dir, 'tenants', 'gone-tenant'))).toBe(false);
    expect(await readFile(join(dir, 'agent-pause-done.wav'), 'utf8')).toBe('system prompt');
    expect(await readFile(join(dir, 'tenants', db.tenants.a, 'README'), 'utf8')).toBe('not ours');

    // A second pass finds nothing to do.
    expect(await publisher.reconcile()).toEqual({ written: 0, unchanged: 2, removed: 0, failed: 0 });
  });

  it('keeps an upload that could not be published, logs why, and repairs it on the retry a minute later', async () => {
    const { store, publisher, library } = start();
    // Something in the way of the tenant's folder: a file where the folder should be.
    await mkdir(join(dir, 'tenants'), { recursive: true });
    await writeFile(join(dir, 'tenants', db.tenants.a), 'in the way');

    const file = await store.upload(db.tenants.a, { name: 'welcome' }, makeWav());
    expect(await db.storage.mediaFiles.getById(db.tenants.a, file.id)).toEqual(file);
    expect(library.has(db.tenants.a, 'welcome')).toBe(true);
    expect(logger.records.find((r) => r.level === 'warn')).toMatchObject({ message: expect.stringContaining('could not update the published media file'), object: { tenantId: db.tenants.a, mediaFile: 'welcome' } });

    await unlink(join(dir, 'tenants', db.tenants.a));
    await db.clock.advance(60_000);
    await publisher.idle();
    expect((await readWav(db.tenants.a, 'welcome')).sampleRate).toBe(8000);
  });

  it('starts in the background and can be waited for', async () => {
    await db.storage.mediaFiles.create(db.tenants.a, { name: 'welcome' }, makeWav());
    const { publisher } = start();
    publisher.start();
    await publisher.idle();
    expect((await readWav(db.tenants.a, 'welcome')).channels).toBe(1);
  });
});
