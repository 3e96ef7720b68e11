/**
 * What 0005 keeps that the registry used to drop, and how publicity writes repeat: a notice's title
 * (derived from its kind for notices made before), the date an objection's investigation concluded,
 * idempotency keys on notices.create and objections.file, a decision recorded once, and
 * notices.close counting the objections still open in its own transaction. Plus the upgrade of a
 * registry written before 0005. On SQLite, and on PostgreSQL when DATABASE_URL is set.
 */
import { join } from 'node:path';
import { Migrator, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { postgresKysely, sqliteKysely, type DB } from '../../src/registry/db.js';
import { ConflictError, DEFAULT_NOTICE_TITLES, ValidationError } from '../../src/registry/index.js';
import { migrations } from '../../src/registry/migrations/index.js';
import { backends, BY, campaign, clock, enterprise, fileObjection, harness, idNumber, rejection, type Store } from './support.js';

// DOMAIN.md §4: posted Monday 2026-09-28, 5 working days → ends 2026-10-09 23:59:59+08:00.
const WINDOW = { windowStart: '2026-09-28', windowEnd: '2026-10-09', endsAt: '2026-10-09T15:59:59.000Z' };
const TITLE = '2026年第二批特级技师评聘拟入选人员名单公示';

describe.each(backends())('publicity records since 0005 on $name', (b) => {
  const h = harness(b);
  // PostgreSQL returns count(*) as a string (bigint).
  const count = async (store: Store, table: string) => Number((await h.raw<{ n: unknown }>(store, `SELECT count(*) AS n FROM ${table}`))[0]!.n);

  async function setup() {
    const c = clock('2026-09-27T02:00:00.000Z');
    const { registry, store } = await h.fresh(c);
    const e = await enterprise(registry, 1);
    const cmp = await campaign(registry, e.creditCode, { batch: 2, deadline: '2026-10-30' });
    const person = idNumber(21, '19750505');
    const app = await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '陈七', idNumber: person }, by: BY });
    const entries = [{ name: '陈七', idNumber: person, applicationId: app.id }];
    return { registry, store, c, cmp, app, person, entries };
  }

  /** A published notice with one objection received at 2026-09-28 10:00 (Beijing). */
  async function withObjection() {
    const s = await setup();
    const notice = await s.registry.notices.create({ campaignId: s.cmp.id, kind: 'proposed', title: TITLE, ...WINDOW, entries: s.entries, by: BY });
    s.c.set('2026-09-28T01:00:00.000Z');
    await s.registry.notices.publish({ id: notice.id, by: BY });
    s.c.set('2026-09-28T02:00:00.000Z');
    const objection = await fileObjection(s.registry, { noticeId: notice.id, applicationId: s.app.id });
    return { ...s, notice, objection };
  }

  it('stores the title, returns it everywhere notices are read, and refuses a clear ID number in it', async () => {
    const { registry, store, cmp, person, entries } = await setup();
    const notice = await registry.notices.create({ campaignId: cmp.id, kind: 'proposed', title: TITLE, ...WINDOW, entries, by: BY });
    expect(notice.title).toBe(TITLE);
    expect(await registry.notices.get(notice.id)).toEqual(notice);
    expect(await registry.notices.list({ campaignId: cmp.id })).toEqual([notice]);
    expect(await h.raw(store, 'SELECT title FROM notices')).toEqual([{ title: TITLE }]);
    const [created] = (await registry.audit.list({ entityType: 'notice', entityId: notice.id })).filter((a) => a.action === 'notice.created');
    expect(created!.details).toMatchObject({ title: TITLE });

    // Without a title: the kind's.
    const plan = await registry.notices.create({ campaignId: cmp.id, kind: 'plan', ...WINDOW, entries: [], by: BY });
    expect(plan.title).toBe('评聘（认定）工作方案公示');
    expect(plan.title).toBe(DEFAULT_NOTICE_TITLES.plan);

    const leak = await rejection(registry.notices.create({ campaignId: cmp.id, kind: 'proposed', title: `关于${person}的公示`, ...WINDOW, entries, by: BY }));
    expect(leak).toBeInstanceOf(ValidationError);
    expect((leak as ValidationError).issues).toEqual([{ field: 'title', rule: 'looks like a clear ID number: a public title must not carry one' }]);
    const empty = await rejection(registry.notices.create({ campaignId: cmp.id, kind: 'proposed', title: '  ', ...WINDOW, entries, by: BY }));
    expect((empty as ValidationError).issues).toEqual([{ field: 'title', rule: 'must not be empty' }]);
    const long = await rejection(registry.notices.create({ campaignId: cmp.id, kind: 'proposed', title: '公'.repeat(201), ...WINDOW, entries, by: BY }));
    expect((long as ValidationError).issues).toEqual([{ field: 'title', rule: 'must be at most 200 characters' }]);

    // The archive keeps it with the notice.
    await registry.campaigns.setStatus({ id: cmp.id, status: 'completed', by: BY });
    const archive = await registry.archives.archive({ campaignId: cmp.id, retentionClass: 'electronic', by: BY });
    expect((archive.content as { notices: Array<{ title: string }> }).notices.map((n) => n.title).sort()).toEqual([TITLE, DEFAULT_NOTICE_TITLES.plan].sort());
  });

  it('creates a notice once under an idempotency key: a repeat returns it, a different notice under the key is refused naming it', async () => {
    const { registry, store, c, cmp, entries } = await setup();
    const key = 'pingpin.publicity.publish#2251799813685251';
    const input = { campaignId: cmp.id, kind: 'proposed' as const, title: TITLE, ...WINDOW, entries, idempotencyKey: key, by: 'pingpin.publicity.publish#2251799813685251' };
    const first = await registry.notices.create(input);
    expect(first.idempotencyKey).toBe(key);
    expect(await registry.notices.byIdempotencyKey(key)).toEqual(first);
    expect(await registry.notices.byIdempotencyKey('another')).toBeUndefined();

    c.set('2026-09-28T01:00:00.000Z');
    const published = await registry.notices.publish({ id: first.id, by: BY });
    // A repeat after the publication returns the notice as it is now (published), making no second one.
    const again = await registry.notices.create(input);
    expect(again).toEqual(published);
    expect(await count(store, 'notices')).toBe(1);
    const actions = (await registry.audit.list({ entityType: 'notice', entityId: first.id })).map((a) => a.action);
    expect(actions).toEqual(['notice.created', 'notice.published', 'notice.create-repeated']);

    const other = await rejection(registry.notices.create({ ...input, title: '另一个公示', entries: [{ name: '孙八' }] }));
    expect(other).toBeInstanceOf(ConflictError);
    expect(other.message).toBe(`notices.create: idempotency key ${key} was used for notice ${first.id} (created 2026-09-27T02:00:00.000Z), which differs in title, entries`);
    const otherWindow = await rejection(registry.notices.create({ ...input, windowStart: '2026-09-29', windowEnd: '2026-10-12', endsAt: '2026-10-12T15:59:59.000Z' }));
    expect(otherWindow.message).toMatch(/differs in window_start, window_end, ends_at$/);

    // Without a key every create is a notice of its own; a bad key names the field and the rule.
    const { idempotencyKey: _k, ...unkeyed } = input;
    await registry.notices.create(unkeyed);
    await registry.notices.create(unkeyed);
    expect(await count(store, 'notices')).toBe(3);
    const blank = await rejection(registry.notices.create({ ...input, idempotencyKey: ' ' }));
    expect((blank as ValidationError).issues).toEqual([{ field: 'idempotencyKey', rule: 'must not be empty' }]);
    const tooLong = await rejection(registry.notices.create({ ...input, idempotencyKey: 'k'.repeat(201) }));
    expect((tooLong as ValidationError).issues).toEqual([{ field: 'idempotencyKey', rule: 'must be at most 200 characters' }]);
  });

  it('files an objection once under an idempotency key, also when the repeat comes after the window', async () => {
    const { registry, store, c, cmp, app, entries } = await setup();
    const notice = await registry.notices.create({ campaignId: cmp.id, kind: 'proposed', title: TITLE, ...WINDOW, entries, by: BY });
    c.set('2026-09-28T01:00:00.000Z');
    await registry.notices.publish({ id: notice.id, by: BY });
    const key = 'pingpin.publicity.record-objection#2251799813685400';
    const submission = await registry.intake.file({ kind: 'objection', submissionNumber: 'web-1', noticeId: notice.id, contact: '13800138000', text: '业绩材料不实', applicationId: app.id, by: 'public' });
    const input = { noticeId: notice.id, submissionId: submission.id, applicationId: app.id, idempotencyKey: key, by: key };
    const first = await registry.objections.file(input);
    expect(first).toMatchObject({ idempotencyKey: key, outcome: 'pending', investigatedOn: null, submitterContact: '未署名（138****8000）', text: '业绩材料不实' });
    expect(await registry.objections.byIdempotencyKey(key)).toEqual(first);

    c.set('2026-10-09T16:00:00.000Z'); // the window has ended: a new objection is refused …
    const late = await registry.intake.file({ kind: 'objection', submissionNumber: 'web-2', noticeId: notice.id, contact: '13800138000', text: '业绩材料不实', applicationId: app.id, by: 'public' });
    await expect(registry.objections.file({ ...input, submissionId: late.id, idempotencyKey: 'pingpin.publicity.record-objection#2251799813685401' })).rejects.toThrow(/publicity period ended at 2026-10-09T15:59:59.000Z/);
    // … a repeat of one received in time is answered.
    expect(await registry.objections.file(input)).toEqual(first);
    c.set('2026-10-12T03:00:00.000Z');
    await registry.notices.close({ id: notice.id, by: BY });
    expect(await registry.objections.file(input)).toEqual(first);
    expect(await count(store, 'objections')).toBe(1);
    expect((await registry.audit.list({ entityType: 'objection', entityId: first.id })).map((a) => a.action)).toEqual(['objection.filed', 'objection.file-repeated', 'objection.file-repeated']);

    const other = await rejection(registry.objections.file({ ...input, submissionId: late.id, applicationId: undefined }));
    expect(other).toBeInstanceOf(ConflictError);
    expect(other.message).toBe(`objections.file: idempotency key ${key} was used for objection ${first.id} (received 2026-09-28T01:00:00.000Z), which differs in submission_id, application_id`);
  });

  it('records the investigation date with the outcome: not before the objection was received, not in the future', async () => {
    const { registry, c, objection } = await withObjection();
    const decide = (investigatedOn: string) => registry.objections.decide({ id: objection.id, outcome: 'rejected', resolution: '经核查材料属实', investigatedOn, by: 'hr:li' });

    // Received 2026-09-28 10:00 in Beijing; the registry clock says 2026-09-30 09:00 in Beijing.
    c.set('2026-09-30T01:00:00.000Z');
    const before = await rejection(decide('2026-09-27'));
    expect(before).toBeInstanceOf(ValidationError);
    expect((before as ValidationError).issues).toEqual([{ field: 'investigatedOn', rule: 'must not be before the objection was received (2026-09-28)' }]);
    const future = await rejection(decide('2026-10-01'));
    expect((future as ValidationError).issues).toEqual([{ field: 'investigatedOn', rule: 'must not be in the future (today is 2026-09-30 in Asia/Shanghai)' }]);
    expect(future.message).toBe('objections.decide: invalid input: investigatedOn: must not be in the future (today is 2026-09-30 in Asia/Shanghai)');
    const notADate = await rejection(decide('2026-09-31'));
    expect((notADate as ValidationError).issues).toEqual([{ field: 'investigatedOn', rule: 'must be a date YYYY-MM-DD' }]);
    expect((await registry.objections.get(objection.id))!.outcome).toBe('pending');

    // Today in Beijing is already 2026-10-01 at 16:30 UTC on 09-30.
    c.set('2026-09-30T16:30:00.000Z');
    const decided = await decide('2026-10-01');
    expect(decided).toMatchObject({ outcome: 'rejected', investigatedOn: '2026-10-01', closedAt: '2026-09-30T16:30:00.000Z' });
    expect(await registry.objections.get(objection.id)).toEqual(decided);
    expect(await registry.objections.list({ noticeId: objection.noticeId })).toEqual([decided]);
    const [entry] = (await registry.audit.list({ entityType: 'objection', entityId: objection.id })).filter((a) => a.action === 'objection.decided');
    expect(entry!.details).toMatchObject({ outcome: 'rejected', investigatedOn: '2026-10-01' });

    // The day it was received is a valid date for a quick investigation.
    const other = await withObjection();
    expect(await other.registry.objections.decide({ id: other.objection.id, outcome: 'upheld', resolution: '经核实异议成立', investigatedOn: '2026-09-28', by: 'hr:li' })).toMatchObject({ investigatedOn: '2026-09-28', applicationId: other.app.id });
  });

  it('decides an objection once: the same decision again returns it, another is refused naming what differs', async () => {
    const { registry, store, c, objection } = await withObjection();
    c.set('2026-09-30T01:00:00.000Z');
    const decision = { id: objection.id, outcome: 'upheld' as const, resolution: '经核实，任职年限不足', investigatedOn: '2026-09-29', by: 'pingpin.publicity.decide-objection#1' };
    const first = await registry.objections.decide(decision);
    c.set('2026-10-01T01:00:00.000Z');
    expect(await registry.objections.decide(decision)).toEqual(first);
    expect(await registry.objections.decide({ ...decision, by: 'pingpin.publicity.decide-objection#2' })).toEqual(first);
    expect((await registry.audit.list({ entityType: 'objection', entityId: objection.id })).map((a) => a.action)).toEqual(['objection.filed', 'objection.decided', 'objection.decide-repeated', 'objection.decide-repeated']);

    const differs = await rejection(registry.objections.decide({ ...decision, outcome: 'rejected', investigatedOn: '2026-09-30' }));
    expect(differs).toBeInstanceOf(ConflictError);
    expect(differs.message).toBe(`objection ${objection.id} is already closed (upheld) at 2026-09-30T01:00:00.000Z; this decision differs in outcome, investigatedOn`);
    const [row] = await h.raw<{ outcome: string; investigated_on: string }>(store, 'SELECT outcome, investigated_on FROM objections');
    expect(row).toEqual({ outcome: 'upheld', investigated_on: '2026-09-29' });
  });

  it('closes and counts the objections still open in one transaction; closing again reports the count as it is now', async () => {
    const { registry, c, notice, objection, app } = await withObjection();
    c.set('2026-10-09T15:59:00.000Z');
    const second = await fileObjection(registry, { noticeId: notice.id, contact: 'x', text: '另一件' });
    await registry.objections.decide({ id: second.id, outcome: 'rejected', resolution: '不成立', investigatedOn: '2026-10-09', by: BY });

    await expect(registry.notices.close({ id: notice.id, by: BY })).rejects.toThrow(/runs until 2026-10-09T15:59:59.000Z; it cannot close earlier/);
    c.set('2026-10-10T01:00:00.000Z');
    const closed = await registry.notices.close({ id: notice.id, by: BY });
    expect(closed).toMatchObject({ status: 'closed', closedAt: '2026-10-10T01:00:00.000Z', openObjections: 1 });
    const [entry] = (await registry.audit.list({ entityType: 'notice', entityId: notice.id })).filter((a) => a.action === 'notice.closed');
    expect(entry!.details).toEqual({ pendingObjections: 1 });
    // Closed: nothing more is filed, so the count can only go down.
    await expect(fileObjection(registry, { noticeId: notice.id, contact: 'x', text: 'late' })).rejects.toThrow(/is closed: objections are received only while it is published/);

    // A redelivered close: the same notice, the count as it is now, a `…repeated` entry, no change.
    c.set('2026-10-11T01:00:00.000Z');
    expect(await registry.notices.close({ id: notice.id, by: BY })).toEqual({ ...closed, openObjections: 1 });
    await registry.objections.decide({ id: objection.id, outcome: 'upheld', resolution: '成立', applicationId: app.id, investigatedOn: '2026-10-10', by: BY });
    const again = await registry.notices.close({ id: notice.id, by: BY });
    expect(again).toEqual({ ...closed, openObjections: 0 });
    expect((await registry.audit.list({ entityType: 'notice', entityId: notice.id })).map((a) => a.action)).toEqual([
      'notice.created',
      'notice.published',
      'notice.closed',
      'notice.close-repeated',
      'notice.close-repeated',
    ]);
    // A draft still cannot be closed.
    const draft = await registry.notices.create({ campaignId: notice.campaignId, kind: 'results', ...WINDOW, entries: [{ name: '陈七' }], by: BY });
    await expect(registry.notices.close({ id: draft.id, by: BY })).rejects.toThrow(/is draft: only a published notice can be closed/);
  });

  it('a decision racing the close: the count the close reports is the one at its own point in the serial order', async () => {
    const { registry, c, notice, objection } = await withObjection();
    c.set('2026-10-10T01:00:00.000Z');
    const [closed] = await Promise.all([
      registry.notices.close({ id: notice.id, by: BY }),
      registry.objections.decide({ id: objection.id, outcome: 'rejected', resolution: '不成立', investigatedOn: '2026-10-09', by: BY }),
    ]);
    const seqOf = async (entityType: string, entityId: string, action: string) => (await registry.audit.list({ entityType, entityId })).find((a) => a.action === action)!.seq;
    const closedFirst = (await seqOf('notice', notice.id, 'notice.closed')) < (await seqOf('objection', objection.id, 'objection.decided'));
    expect(closed.openObjections).toBe(closedFirst ? 1 : 0);
  });

  it('adds 0005 to rows already there: old notices get the title of their kind, old objections no date or key', async () => {
    const store = b.store();
    const db = open(store);
    const all = migrations(b.name);
    const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0005'));
    const provider = (m: typeof all) => ({ getMigrations: async () => m });
    const opts = store.schema ? { migrationTableSchema: store.schema } : {};
    expect((await new Migrator({ db, provider: provider(before), ...opts }).migrateToLatest()).error).toBeUndefined();
    await seedPre0005(db);
    expect((await new Migrator({ db, provider: provider(all), ...opts }).migrateToLatest()).error).toBeUndefined();
    const notices = await db.selectFrom('notices').select(['id', 'kind', 'title', 'idempotency_key']).orderBy('id').execute();
    expect(notices).toEqual([
      { id: 'n-chief-list', kind: 'chief-list', title: '首席技师入选名单公示', idempotency_key: null },
      { id: 'n-plan', kind: 'plan', title: '评聘（认定）工作方案公示', idempotency_key: null },
      { id: 'n-results', kind: 'results', title: '评审结果公示', idempotency_key: null },
    ]);
    const objections = await db.selectFrom('objections').select(['id', 'outcome', 'investigated_on', 'idempotency_key']).execute();
    expect(objections).toEqual([{ id: 'o-1', outcome: 'rejected', investigated_on: null, idempotency_key: null }]);
    // Keys are unique; any number of rows have none.
    const at = '2026-06-01T02:00:00.000Z';
    const notice = (id: string, key: string | null) => ({ id, campaign_id: 'cmp-1', kind: 'results', title: 't', window_start: '2026-06-01', window_end: '2026-06-05', ends_at: '2026-06-05T15:59:59.000Z', entries: '[]', status: 'draft', published_at: null, closed_at: null, created_at: at, updated_at: at, idempotency_key: key });
    await db.insertInto('notices').values([notice('n-4', null), notice('n-5', 'k')]).execute();
    await expect(db.insertInto('notices').values(notice('n-6', 'k')).execute()).rejects.toThrow();
    await db.destroy();
  });
});

function open(store: Store): Kysely<DB> {
  return store.backend === 'sqlite' ? sqliteKysely(join(store.dataDir, 'registry.db')) : postgresKysely(store.databaseUrl!, { schema: store.schema! }).db;
}

/** An enterprise, a campaign, three notices of different kinds and a decided objection, written as before 0005. */
async function seedPre0005(db: Kysely<any>): Promise<void> {
  const at = '2026-06-01T02:00:00.000Z';
  const cc = '91440300000000001X';
  await db.insertInto('enterprises').values({ credit_code: cc, name: '企业', division_code: '440300', province: '44', above_scale: 1, large: 0, provincially_filed: 0, chain_leader: 0, self_evaluation_since: null, senior_recognition_done: 0, senior_recognition_on: null, created_at: at, updated_at: at }).execute();
  await db.insertInto('campaigns').values({ id: 'cmp-1', jurisdiction: 'guangdong', credit_code: cc, levels: '["T"]', year: 2026, batch: 1, deadline: '2026-07-10', status: 'running', process_instance_key: null, created_at: at, updated_at: at }).execute();
  for (const kind of ['results', 'plan', 'chief-list']) {
    await db
      .insertInto('notices')
      .values({ id: `n-${kind}`, campaign_id: 'cmp-1', kind, window_start: '2026-06-01', window_end: '2026-06-05', ends_at: '2026-06-05T15:59:59.000Z', entries: '[]', status: 'closed', published_at: at, closed_at: '2026-06-06T01:00:00.000Z', created_at: at, updated_at: at })
      .execute();
  }
  await db
    .insertInto('objections')
    .values({ id: 'o-1', notice_id: 'n-results', submitter_contact: 'x', text: 'y', received_at: at, outcome: 'rejected', investigator: 'hr', resolution: '不成立', closed_at: '2026-06-03T01:00:00.000Z', application_id: null })
    .execute();
}
