import { afterEach, describe, expect, it } from 'vitest';
import { file, type MediaRef } from '../media/media-ref.js';
import { routingHarness, type RoutingHarness } from '../routing/test-support/routing-harness.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { MediaFileStore } from './media-file-store.js';
import { configuredMediaRefs, MediaLibrary } from './media-library.js';
import { makeMp3, makeWav } from './test-audio.js';

describe.each(storageTargets())('MediaLibrary on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });

  it('namespaces only the tenant’s own uploads; system prompts, other names and other kinds stay as they are', async () => {
    await db.storage.mediaFiles.create(db.tenants.a, { name: 'welcome' }, makeWav());
    await db.storage.mediaFiles.create(db.tenants.b, { name: 'jazz', fileType: 'hold-music' }, makeMp3());
    const library = new MediaLibrary(db.storage);
    await library.load();

    expect(library.resolve(db.tenants.a, file('welcome'))).toEqual(file(`tenants/${db.tenants.a}/welcome`));
    // Tenant b has no "welcome": its ref is the media server's own file, as before.
    expect(library.resolve(db.tenants.b, file('welcome'))).toEqual(file('welcome'));
    expect(library.resolve(db.tenants.a, file('jazz'))).toEqual(file('jazz'));
    const others: MediaRef[] = [file('agent-pause-done'), { kind: 'tone', tone: 'ring' }, { kind: 'digits', digits: '42' }, { kind: 'recording', name: 'welcome' }, { kind: 'tts', text: 'welcome' }];
    for (const ref of others) expect(library.resolve(db.tenants.a, ref)).toBe(ref);
    expect(library.resolveList(db.tenants.b, [file('jazz'), { kind: 'silence', durationMs: 500 }, file('queue-in-line')])).toEqual([
      file(`tenants/${db.tenants.b}/jazz`),
      { kind: 'silence', durationMs: 500 },
      file('queue-in-line'),
    ]);
    expect(library.names(db.tenants.a)).toEqual(['welcome']);
    expect(library.durationOf(`tenants/${db.tenants.a}/welcome`)).toBe(1000);
    expect(configuredMediaRefs.resolve(db.tenants.a, file('welcome'))).toEqual(file('welcome'));
  });

  it('follows uploads, renames and deletes made through the store it observes', async () => {
    const library = new MediaLibrary(db.storage);
    await library.load();
    const store = new MediaFileStore(db.storage, { observers: [library] });
    const upload = await store.upload(db.tenants.a, { name: 'welcome' }, makeWav());
    expect(library.resolve(db.tenants.a, file('welcome'))).toEqual(file(`tenants/${db.tenants.a}/welcome`));

    await store.update(db.tenants.a, upload.id, { name: 'greeting' });
    expect(library.resolve(db.tenants.a, file('welcome'))).toEqual(file('welcome'));
    expect(library.resolve(db.tenants.a, file('greeting'))).toEqual(file(`tenants/${db.tenants.a}/greeting`));

    await store.delete(db.tenants.a, upload.id);
    expect(library.resolve(db.tenants.a, file('greeting'))).toEqual(file('greeting'));
    expect(library.names(db.tenants.a)).toEqual([]);
  });
});

describe('uploaded media on the simulator', () => {
  let h: RoutingHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const names = (media: unknown) => (media as MediaRef[]).map((ref) => (ref.kind === 'file' ? ref.name : ref.kind));

  it('plays a tenant’s uploads from its own folder wherever routing and the queue play configured media, for as long as they last', async () => {
    h = await routingHarness({
      agents: ['101'],
      groups: [
        {
          name: 'Sales',
          number: '600',
          members: [{ agentNumber: '101', kind: 'static' }],
          queue: { entryAnnouncement: file('welcome'), waitingMusic: file('jazz'), holdMusic: file('jazz'), announceAgentNumber: true, agentNumberVoiceBefore: file('agent-is'), agentNumberVoiceAfter: file('welcome') },
        },
      ],
    });
    const tenant = h.tenantId;
    await h.sb.mediaFiles.upload(tenant, { name: 'welcome' }, makeWav({ frames: 16_000 })); // 2 s
    await h.sb.mediaFiles.upload(tenant, { name: 'jazz', fileType: 'hold-music' }, makeMp3());
    // A tenant's file named like a system prompt does not replace the prompt the feature code plays.
    await h.sb.mediaFiles.upload(tenant, { name: 'agent-pause-done' }, makeWav());
    const broadcast = await h.add('voice-broadcasts', { name: 'Hello', media: [file('welcome'), file('closed')], destination: { kind: 'agent-group', groupNumber: '600' } });
    await h.add('dids', { numbers: ['+33140000000'], name: 'Paris', destination: { kind: 'voice-broadcast', broadcastId: broadcast } });
    await h.sb.acd.login(h.tenantId, '101');
    h.sb.simulator!.setExtension('101', { answer: 10_000 });

    const callId = h.dial('+33140000000');
    await h.advance(12_000);
    const pbx = h.sb.simulator!;
    const plays = pbx.trace().filter((t) => t.callId === callId && t.kind === 'command' && t.name === 'play');
    const own = (name: string) => `tenants/${tenant}/${name}`;
    expect(plays.map((t) => names(t.detail?.media))).toEqual([
      [own('welcome'), 'closed'], // the broadcast: "closed" is no upload of the tenant's, so the media server's own
      [own('welcome')], // the queue's entry announcement
      [own('jazz')], // then its waiting music
    ]);
    // The upload plays its real 2 s, the unknown file the simulator's default 3 s.
    expect(plays[1]!.at - plays[0]!.at).toBe(5_000);

    await h.advance(10_000);
    expect(names(pbx.trace().filter((t) => t.callId === callId && t.name === 'play').at(-1)?.detail?.media)).toEqual(['agent-is', 'digits', own('welcome')]);
    await h.advance(10_000);
    await h.sb.acd.hold(tenant, '101');
    expect(pbx.trace().filter((t) => t.callId === callId && t.name === 'hold').map((t) => t.detail?.music)).toEqual([file(own('jazz'))]);

    pbx.placeCall({ from: { extension: '101' }, to: '*74' });
    await h.advance(5_000);
    const featurePlays = pbx.trace().filter((t) => t.callId !== callId && t.kind === 'command' && t.name === 'play');
    expect(featurePlays.map((t) => names(t.detail?.media))).toContainEqual(['agent-pause-done']);
  });

  it('puts parked callers and blacklisted callers on the tenant’s uploaded hold music', async () => {
    h = await routingHarness({ agents: ['1001'], phone: { answer: 1_000 } });
    const tenant = h.tenantId;
    await h.sb.mediaFiles.upload(tenant, { name: 'jazz', fileType: 'hold-music' }, makeMp3());
    await h.store.putSettings(tenant, { defaultHoldMusic: file('jazz'), blacklistTreatment: { kind: 'hold-music', maxMs: 10_000 } });
    await h.add('dids', { numbers: ['+33140000000'], name: 'Line', destination: { kind: 'agent', agentNumber: '1001' } });
    await h.sb.storage.blacklist.add(tenant, { numbers: ['+33600000001'], status: 'enabled', reason: 'abuse', by: 'admin' });
    await h.sb.acd.login(tenant, '1001');
    const pbx = h.sb.simulator!;

    const customer = h.dial('+33140000000', { from: '+33612345678', script: { talkMs: 600_000 } });
    await h.advance(10_000);
    pbx.placeCall({ from: { extension: '1001' }, to: '900', script: { patienceMs: 600_000 } });
    await h.advance(5_000);
    expect(pbx.call(customer)!.trace.filter((t) => t.name === 'hold').map((t) => t.detail?.music)).toEqual([file(`tenants/${tenant}/jazz`)]);

    const blocked = h.dial('+33140000000', { from: '+33600000001', script: { patienceMs: 600_000 } });
    await h.advance(5_000);
    expect(pbx.call(blocked)!.trace.filter((t) => t.name === 'play').map((t) => names(t.detail?.media))).toEqual([[`tenants/${tenant}/jazz`]]);
  });
});
