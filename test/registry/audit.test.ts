import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/registry/index.js';
import { backends, BY, campaign, enterprise, harness, idNumber } from './support.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: '时' }], c: true }, u: undefined })).toBe('{"a":{"c":true,"d":[3,{"y":"时","z":null}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow(/cannot hold Infinity/);
  });
});

describe.each(backends())('audit trail on $name', (b) => {
  const h = harness(b);

  async function withHistory() {
    const { registry, store } = await h.fresh();
    const e = await enterprise(registry, 1);
    const cmp = await campaign(registry, e.creditCode);
    await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '甲', idNumber: idNumber(71) }, by: 'hr:a' });
    await registry.campaigns.setStatus({ id: cmp.id, status: 'running', by: 'hr:b' });
    await registry.bans.record({ subject: 'person', idNumber: idNumber(72), reason: 'x', basis: '002 七(四)', decidedOn: '2026-01-05', by: 'province-44' });
    return { registry, store };
  }

  const dropTriggers = (name: string) =>
    name === 'sqlite' ? ['DROP TRIGGER audit_log_no_update', 'DROP TRIGGER audit_log_no_delete'] : ['DROP TRIGGER audit_log_no_change ON audit_log'];

  it('chains every write, in order, with who, what, when and which entity', async () => {
    const { registry } = await withHistory();
    const entries = await registry.audit.list();
    expect(entries.map((e) => [e.seq, e.action, e.actor, e.entityType])).toEqual([
      [1, 'registry.key-registered', 'registry', 'registry'],
      [2, 'enterprise.created', BY, 'enterprise'],
      [3, 'campaign.created', BY, 'campaign'],
      [4, 'application.created', 'hr:a', 'application'],
      [5, 'campaign.status', 'hr:b', 'campaign'],
      [6, 'ban.recorded', 'province-44', 'ban'],
    ]);
    for (let k = 1; k < entries.length; k++) expect(entries[k]!.prevHash).toBe(entries[k - 1]!.hash);
    expect(entries[0]!.prevHash).toBe('0'.repeat(64));
    expect(entries.every((e) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(e.at))).toBe(true);
    expect(await registry.audit.verify()).toEqual({ ok: true, entries: 6, headHash: entries[5]!.hash });
    expect((await registry.audit.list({ afterSeq: 4, limit: 1 })).map((e) => e.seq)).toEqual([5]);
  });

  it('refuses to change or delete entries', async () => {
    const { store } = await withHistory();
    await expect(h.raw(store, `UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`)).rejects.toThrow(/append-only/);
    await expect(h.raw(store, `DELETE FROM audit_log WHERE seq = 3`)).rejects.toThrow(/append-only/);
  });

  it('finds the first entry edited behind its back', async () => {
    const { registry, store } = await withHistory();
    for (const s of dropTriggers(b.name)) await h.raw(store, s);
    await h.raw(store, `UPDATE audit_log SET details = '{"from":"planned","to":"completed"}' WHERE seq = 5`);
    await h.raw(store, `UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`);
    expect(await registry.audit.verify()).toEqual({
      ok: false,
      entries: 2,
      firstBroken: { seq: 3, reason: 'hash does not match the entry: it was changed after it was written' },
    });
  });

  it('notices a rewritten hash, a removed entry and a truncated tail', async () => {
    const { registry, store } = await withHistory();
    for (const s of dropTriggers(b.name)) await h.raw(store, s);
    await h.raw(store, `UPDATE audit_log SET hash = $1 WHERE seq = 4`, ['f'.repeat(64)]);
    expect(await registry.audit.verify()).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: 'hash does not match the entry: it was changed after it was written' } });

    const other = await withHistory();
    for (const s of dropTriggers(b.name)) await h.raw(other.store, s);
    await h.raw(other.store, `DELETE FROM audit_log WHERE seq = 2`);
    expect(await other.registry.audit.verify()).toMatchObject({ ok: false, firstBroken: { seq: 2, reason: 'entry 2 is missing (next is 3)' } });

    const third = await withHistory();
    for (const s of dropTriggers(b.name)) await h.raw(third.store, s);
    await h.raw(third.store, `DELETE FROM audit_log WHERE seq = 6`);
    expect(await third.registry.audit.verify()).toMatchObject({ ok: false, firstBroken: { seq: 6 } });
  });
});
