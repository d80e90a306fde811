import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/errors.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { Compliance } from './compliance.js';

describe.each(storageTargets())('Compliance DNC lists and screening on $name', (target) => {
  const db = useStorage(target);
  const by = 'boss';

  async function setup() {
    const fr = await db.storage.tenants.create({ slug: 'fr', name: 'FR', defaultCountry: 'FR' });
    const us = await db.storage.tenants.create({ slug: 'us', name: 'US', defaultCountry: 'US' });
    const pkg = (await db.storage.customerPackages.create(fr.id, { displayName: 'Leads', key: 'LEADS' })).id;
    return { fr: fr.id, us: us.id, pkg, compliance: new Compliance({ storage: db.storage }) };
  }

  it('normalises what people write with the tenant country, and every write reaches the screen at once', async () => {
    const { fr, us, pkg, compliance } = await setup();
    const added = await compliance.dnc.add(fr, { numbers: ['06 11 11 11 11', '+33 6 22 22 22 22', 'call me'], reason: 'asked', by });
    expect(added.added.map((e) => e.number)).toEqual(['+33611111111', '+33622222222']);
    expect(added.skipped).toEqual([{ number: 'call me', reason: 'not a phone number' }]);
    expect(await compliance.mayCall(fr, null, '+33611111111')).toBe(false);
    expect(await compliance.mayCall(fr, null, '0611111111')).toBe(false);
    expect(await compliance.mayCall(fr, pkg, '0611111111')).toBe(true);
    expect(await compliance.mayCall(us, null, '+33611111111')).toBe(true);

    const [entry] = await compliance.dnc.list(fr, { search: '611111111' });
    await compliance.dnc.update(fr, entry!.id, { enabled: false });
    expect(compliance.screen.mayCall(fr, null, '+33611111111')).toBe(true);
    await compliance.dnc.update(fr, entry!.id, { enabled: true });
    expect(compliance.screen.mayCall(fr, null, '+33611111111')).toBe(false);
    await compliance.dnc.update(fr, entry!.id, { reason: 'still asked' });
    expect(compliance.screen.mayCall(fr, null, '+33611111111')).toBe(false);

    const submitted = await compliance.dnc.submit(fr, { customerPackageId: pkg, number: '0633333333', reason: 'agent says so', by: '1001' });
    expect(compliance.screen.mayCall(fr, pkg, '+33633333333')).toBe(true);
    await compliance.dnc.review(fr, submitted.id, { approve: true, by });
    expect(compliance.screen.mayCall(fr, pkg, '+33633333333')).toBe(false);

    await compliance.dnc.remove(fr, entry!.id);
    expect(compliance.screen.mayCall(fr, null, '+33611111111')).toBe(true);
    expect(await compliance.dnc.removeWhere(fr, { customerPackageId: pkg })).toBe(1);
    expect(compliance.screen.mayCall(fr, pkg, '+33633333333')).toBe(true);
    expect(compliance.screen.mayCall(fr, null, '+33622222222')).toBe(false);

    // A fresh engine (a restart) loads the same answers from storage.
    const restarted = new Compliance({ storage: db.storage });
    const result = await restarted.screen.screen(fr, null, ['+33611111111', '+33622222222', '0622222222']);
    expect([...result.verdicts]).toEqual([0, 1, 1]);
  });

  it('imports a CSV stream: bad lines reported with their line, repeats skipped, good lines screened', async () => {
    const { fr, us, pkg, compliance } = await setup();
    await compliance.screen.ready(fr);
    await compliance.dnc.add(fr, { customerPackageId: pkg, numbers: ['0611111111'], by });
    // Another tenant's package is no package of this one.
    await expect(compliance.dnc.import(us, '+14155550100,x', { customerPackageId: pkg, by })).rejects.toBeInstanceOf(ValidationError);
    await expect(compliance.dnc.submit(us, { customerPackageId: 'nope', number: '+14155550100', reason: 'x', by })).rejects.toBeInstanceOf(ValidationError);
    const csv = ['number,reason', '0611111111,again', '0622222222,moved', 'n/a,oops', '', '+33 6 33 33 33 33,"by letter, signed"', '0622222222,twice', `0644444444,${'x'.repeat(501)}`].join('\n');
    const result = await compliance.dnc.import(fr, [Buffer.from(csv)], { customerPackageId: pkg, by });
    expect(result).toMatchObject({
      lines: 6,
      imported: 2,
      skipped: 2,
      firstSkipped: [{ line: 2, number: '+33611111111' }, { line: 7, number: '+33622222222' }],
      errorCount: 2,
      errors: [
        { line: 4, text: 'n/a', message: 'not a phone number' },
        { line: 8, text: '0644444444', message: 'the reason is longer than 500 characters' },
      ],
    });
    expect((await compliance.dnc.list(fr, { customerPackageId: pkg, search: '633333333' }))[0]).toMatchObject({ reason: 'by letter, signed', status: 'enabled' });
    expect([...(await compliance.screen.screen(fr, pkg, ['+33622222222', '+33633333333', '+33644444444'])).verdicts]).toEqual([1, 1, 0]);

    const disabled = await compliance.dnc.import(fr, '0655555555,x', { by, status: 'disabled' });
    expect(disabled.imported).toBe(1);
    expect(compliance.screen.mayCall(fr, null, '+33655555555')).toBe(true);
  });
});
