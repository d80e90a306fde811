import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../errors/errors.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { MediaFileStore } from './media-file-store.js';
import { mediaFileUses } from './referrers.js';
import { makeMp3, makeWav } from './test-audio.js';
import { parseWav } from './wav.js';

const file = (name: string) => ({ kind: 'file' as const, name });

describe.each(storageTargets())('MediaFileStore on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });

  it('refuses an upload over the size limit before looking at it', async () => {
    const store = new MediaFileStore(db.storage, { maxBytes: 10_000 });
    const error = await store.upload(db.tenants.a, { name: 'big' }, makeWav({ frames: 8000 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual({ reason: 'too-large', maxBytes: 10_000 });
    await expect(store.upload(db.tenants.a, { name: 'small' }, makeWav({ frames: 4000 }))).resolves.toMatchObject({ durationMs: 500 });
  });

  it('finds every place that plays a file: IVR prompts, broadcasts, queue music and announcements, the blacklist treatment', async () => {
    const ivr = await db.storage.ivrMenus.create(db.tenants.a, {
      name: 'Main',
      prompts: [{ media: file('welcome') }, { media: file('menu') }],
      invalidPrompt: [file('welcome')],
    });
    const broadcast = await db.storage.voiceBroadcasts.create(db.tenants.a, { name: 'Closed', media: [file('closed'), { kind: 'silence', durationMs: 500 }] });
    await db.storage.agentGroups.create(db.tenants.a, { name: 'Sales', number: '600', queue: { holdMusic: file('jazz'), periodicAnnouncement: file('menu'), periodicAnnouncementSec: 30 } });
    await db.storage.routingSettings.put(db.tenants.a, { blacklistTreatment: { kind: 'voice', media: [file('go-away')] } });
    // Another tenant's configuration never counts.
    await db.storage.voiceBroadcasts.create(db.tenants.b, { name: 'B', media: [file('welcome')] });

    const uses = await mediaFileUses(db.storage, db.tenants.a);
    expect(uses).toEqual(
      expect.arrayContaining([
        { kind: 'ivr', id: ivr.id, name: 'Main', field: 'prompts.0.media', mediaName: 'welcome' },
        { kind: 'ivr', id: ivr.id, name: 'Main', field: 'prompts.1.media', mediaName: 'menu' },
        { kind: 'ivr', id: ivr.id, name: 'Main', field: 'invalidPrompt.0', mediaName: 'welcome' },
        { kind: 'voice-broadcast', id: broadcast.id, name: 'Closed', field: 'media.0', mediaName: 'closed' },
        { kind: 'agent-group', id: '600', name: 'Sales', field: 'queue.holdMusic', mediaName: 'jazz' },
        { kind: 'agent-group', id: '600', name: 'Sales', field: 'queue.periodicAnnouncement', mediaName: 'menu' },
        { kind: 'settings', id: 'routing', name: 'routing settings', field: 'blacklistTreatment.media.0', mediaName: 'go-away' },
      ]),
    );
    expect(uses).toHaveLength(7);
  });

  it('refuses to delete or rename a file something plays, listing the referrers; frees it once they let go', async () => {
    const store = new MediaFileStore(db.storage);
    const menu = await store.upload(db.tenants.a, { name: 'menu' }, makeWav());
    const ivr = await db.storage.ivrMenus.create(db.tenants.a, { name: 'Main', prompts: [{ media: file('menu') }] });
    await db.storage.agentGroups.create(db.tenants.a, { name: 'Sales', number: '600', queue: { entryAnnouncement: file('menu') } });

    const refused = await store.delete(db.tenants.a, menu.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).message).toBe('Cannot delete media file "menu": still played by ivr "Main" (prompts.0.media); agent-group "Sales" (queue.entryAnnouncement)');
    expect((refused as ConflictError).details).toEqual({
      referrers: [
        { kind: 'ivr', id: ivr.id, name: 'Main', field: 'prompts.0.media' },
        { kind: 'agent-group', id: '600', name: 'Sales', field: 'queue.entryAnnouncement' },
      ],
    });
    expect(await store.usage(db.tenants.a, menu.id)).toHaveLength(2);
    await expect(store.update(db.tenants.a, menu.id, { name: 'menu-2' })).rejects.toThrow(/Cannot rename media file "menu"/);
    // Other changes (and a "rename" to the same name) are fine.
    await expect(store.update(db.tenants.a, menu.id, { name: 'menu', description: 'Main menu' })).resolves.toMatchObject({ description: 'Main menu' });

    await db.storage.ivrMenus.delete(db.tenants.a, ivr.id);
    const group = await db.storage.agentGroups.getByNumber(db.tenants.a, '600');
    await db.storage.agentGroups.update(db.tenants.a, group.id, { queue: { entryAnnouncement: null } });
    await store.delete(db.tenants.a, menu.id);
    expect(await store.list(db.tenants.a)).toEqual([]);
  });

  it('gives the stored bytes for the preview and a WAV for the download', async () => {
    const store = new MediaFileStore(db.storage);
    const wav = makeWav({ formatCode: 6, bitsPerSample: 8 });
    const voice = await store.upload(db.tenants.a, { name: 'voice' }, wav);
    const music = await store.upload(db.tenants.a, { name: 'music', fileType: 'hold-music' }, makeMp3({ frames: 10, channels: 2 }));
    expect(Buffer.compare((await store.content(db.tenants.a, voice.id)).bytes, Buffer.from(wav))).toBe(0);

    const stored = await store.wav(db.tenants.a, voice.id);
    expect(stored.byteLength).toBe(wav.length);
    const decoded = await store.wav(db.tenants.a, music.id);
    const parts: Uint8Array[] = [];
    for await (const chunk of decoded.chunks) parts.push(chunk);
    expect(parseWav(Buffer.concat(parts))).toMatchObject({ codec: 'pcm', bitsPerSample: 16, channels: 2, sampleRate: 44_100, dataLength: 10 * 1152 * 4 });
  });
});
