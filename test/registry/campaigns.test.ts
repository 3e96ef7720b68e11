import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/registry/index.js';
import { backends, BY, campaign, clock, enterprise, harness, idNumber, rejection } from './support.js';

describe.each(backends())('campaigns and applications on $name', (b) => {
  const h = harness(b);

  it('creates campaigns with jurisdiction rules and runs them through their statuses', async () => {
    const c = clock('2026-04-01T01:00:00.000Z');
    const { registry } = await h.fresh(c);
    const e = await enterprise(registry, 1);
    const gd = await campaign(registry, e.creditCode, { id: 'gd-2026-1' });
    expect(gd).toMatchObject({ id: 'gd-2026-1', jurisdiction: 'guangdong', levels: ['T', 'S'], year: 2026, batch: 1, status: 'planned', processInstanceKey: null, createdAt: '2026-04-01T01:00:00.000Z' });

    const noBatch = await rejection(campaign(registry, e.creditCode, { batch: null }));
    expect((noBatch as ValidationError).issues).toEqual([{ field: 'batch', rule: 'must be 1 or 2 for Guangdong (two batches a year, 002 三)' }]);
    const batchElsewhere = await rejection(campaign(registry, e.creditCode, { jurisdiction: 'fujian', batch: 2 }));
    expect((batchElsewhere as ValidationError).issues[0]!.field).toBe('batch');
    const bad = await rejection(campaign(registry, e.creditCode, { jurisdiction: 'beijing', levels: ['T', 'T'], deadline: '2027-01-01', batch: 1 }));
    expect((bad as ValidationError).issues.map((i) => i.field).sort()).toEqual(['jurisdiction', 'levels']);
    await expect(campaign(registry, e.creditCode, { id: 'gd-2026-1' })).rejects.toBeInstanceOf(ConflictError);
    await expect(campaign(registry, e.creditCode, { deadline: '2027-01-01' })).rejects.toThrow(/deadline: must be in the campaign year 2026/);

    const fj = await campaign(registry, e.creditCode, { jurisdiction: 'fujian', batch: undefined, levels: ['T'] });
    expect(fj.batch).toBeNull();

    const key = '2251799813685249';
    expect((await registry.campaigns.attachProcessInstance({ id: gd.id, processInstanceKey: key, by: BY })).processInstanceKey).toBe(key);
    await registry.campaigns.attachProcessInstance({ id: gd.id, processInstanceKey: key, by: BY });
    await expect(registry.campaigns.attachProcessInstance({ id: gd.id, processInstanceKey: '2251799813685250', by: BY })).rejects.toBeInstanceOf(ConflictError);
    await expect(registry.campaigns.attachProcessInstance({ id: gd.id, processInstanceKey: '-1', by: BY })).rejects.toThrow(/processInstanceKey: must be a process instance key/);

    c.advanceDays(1);
    const running = await registry.campaigns.setStatus({ id: gd.id, status: 'running', by: BY });
    expect(running).toMatchObject({ status: 'running', updatedAt: '2026-04-02T01:00:00.000Z' });
    await expect(registry.campaigns.setStatus({ id: gd.id, status: 'archived', by: BY })).rejects.toThrow(/status: is set to 'archived' by archive\(\)/);
    await expect(registry.campaigns.setStatus({ id: 'nope', status: 'running', by: BY })).rejects.toBeInstanceOf(NotFoundError);

    expect((await registry.campaigns.list({ creditCode: e.creditCode, year: 2026 })).map((x) => x.id).sort()).toEqual([gd.id, fj.id].sort());
    expect((await registry.campaigns.list({ status: 'running' })).map((x) => x.id)).toEqual([gd.id]);
    expect(await registry.campaigns.get('nope')).toBeUndefined();
  });

  it('stores applications with a masked ID number and the clear one only for privileged reads', async () => {
    const { registry, store } = await h.fresh();
    const e = await enterprise(registry, 1);
    const cmp = await campaign(registry, e.creditCode);
    const person = idNumber(12, '19790214');
    const app = await registry.applications.create({
      campaignId: cmp.id,
      level: 'T',
      applicant: { name: '李四', idNumber: person, occupation: { code: '6-18-01-01', name: '车工' }, seniorSince: '2018-06-30', honours: ['全国技术能手'] },
      by: 'hr:wang',
    });
    const masked = `${person.slice(0, 4)}**********${person.slice(14)}`;
    expect(app.applicant).toEqual({ name: '李四', idNumber: masked, occupation: { code: '6-18-01-01', name: '车工' }, seniorSince: '2018-06-30', honours: ['全国技术能手'] });
    expect(app.status).toBe('submitted');
    expect(app.history).toEqual([{ seq: 1, status: 'submitted', by: 'hr:wang', at: app.createdAt, why: null }]);
    expect(await registry.applications.get(app.id)).toEqual(app);

    // Nothing in the table holds the clear number.
    const rows = await h.raw<Record<string, unknown>>(store, 'SELECT * FROM applications');
    expect(JSON.stringify(rows)).not.toContain(person);

    const privileged = await registry.applications.getWithIdNumber(app.id, 'worker:eligibility');
    expect(privileged.idNumber).toBe(person);
    const audit = await registry.audit.list({ entityType: 'application', entityId: app.id });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['application.created', 'hr:wang'],
      ['application.id-number-read', 'worker:eligibility'],
    ]);
    expect(JSON.stringify(audit)).not.toContain(person);

    // One application per person, campaign and level.
    await expect(registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '李四', idNumber: person.toLowerCase() }, by: BY })).rejects.toBeInstanceOf(ConflictError);
    const s = await registry.applications.create({ campaignId: cmp.id, level: 'S', applicant: { name: '李四', idNumber: person }, by: BY });
    expect(s.level).toBe('S');
  });

  it('validates applications against the campaign', async () => {
    const { registry } = await h.fresh();
    const e = await enterprise(registry, 1);
    const cmp = await campaign(registry, e.creditCode, { levels: ['T'] });
    const good = idNumber(1);
    const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const err = await rejection(registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '王五', idNumber: wrongCheck }, by: BY }));
    expect((err as ValidationError).issues).toEqual([{ field: 'applicant.idNumber', rule: 'has a wrong check digit (GB 11643, ISO 7064 MOD 11-2)' }]);
    const badDate = await rejection(registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '王五', idNumber: idNumber(1, '19800230') }, by: BY }));
    expect((badDate as ValidationError).issues[0]!.rule).toMatch(/real birth date/);
    const level = await rejection(registry.applications.create({ campaignId: cmp.id, level: 'S', applicant: { name: '王五', idNumber: good }, by: BY }));
    expect((level as ValidationError).issues).toEqual([{ field: 'level', rule: "must be one of the campaign's levels (T)" }]);
    await expect(registry.applications.create({ campaignId: 'nope', level: 'T', applicant: { name: '王五', idNumber: good }, by: BY })).rejects.toBeInstanceOf(NotFoundError);
    await registry.campaigns.setStatus({ id: cmp.id, status: 'completed', by: BY });
    await expect(registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '王五', idNumber: good }, by: BY })).rejects.toThrow(/is completed: applications are accepted only/);
    expect(await registry.applications.list({ campaignId: cmp.id })).toEqual([]);
  });

  it('records eligibility and every status change with who, when and why', async () => {
    const c = clock('2026-04-10T02:00:00.000Z');
    const { registry } = await h.fresh(c);
    const e = await enterprise(registry, 1);
    const cmp = await campaign(registry, e.creditCode);
    const app = await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '赵六', idNumber: idNumber(5) }, by: 'hr:wang' });
    const result = { eligible: true, route: 'GD-T-1', flags: [], years: 1.5, facts: { seniorSince: '2024-01-01', nested: { ok: null } } };
    expect((await registry.applications.setEligibility({ id: app.id, result, by: 'worker:eligibility' })).eligibility).toEqual(result);
    c.advanceDays(2);
    await registry.applications.setStatus({ id: app.id, status: 'eligible', by: 'worker:eligibility' });
    c.advanceDays(3);
    const recommended = await registry.applications.setStatus({ id: app.id, status: 'recommended', why: '评审小组 5/5 同意', by: 'panel:chen' });
    expect(recommended.status).toBe('recommended');
    expect(recommended.history).toEqual([
      { seq: 1, status: 'submitted', by: 'hr:wang', at: '2026-04-10T02:00:00.000Z', why: null },
      { seq: 2, status: 'eligible', by: 'worker:eligibility', at: '2026-04-12T02:00:00.000Z', why: null },
      { seq: 3, status: 'recommended', by: 'panel:chen', at: '2026-04-15T02:00:00.000Z', why: '评审小组 5/5 同意' },
    ]);
    await expect(registry.applications.setStatus({ id: app.id, status: 'promoted' as never, by: BY })).rejects.toThrow(/status: must be one of submitted/);
    await expect(registry.applications.setStatus({ id: 'nope', status: 'eligible', by: BY })).rejects.toBeInstanceOf(NotFoundError);
    await expect(registry.applications.setEligibility({ id: app.id, result: { n: Number.NaN }, by: BY })).rejects.toBeInstanceOf(ValidationError);
    const listed = await registry.applications.list({ campaignId: cmp.id, status: 'recommended' });
    expect(listed).toEqual([recommended]);
  });
});
