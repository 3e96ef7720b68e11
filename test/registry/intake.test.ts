/**
 * The intake (0006): objections and fraud reports filed by their channel before any message is
 * published, the submitter's name, contact and text encrypted at rest with only masked forms in
 * ordinary reads, idempotent on the channel's submission number, and read in clear only through an
 * audited privileged read. Plus the upgrade of objections filed before 0006, whose contact was kept
 * in clear. On SQLite, and on PostgreSQL when DATABASE_URL is set.
 */
import { join } from 'node:path';
import { Migrator, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { postgresKysely, sqliteKysely, type DB } from '../../src/registry/db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../src/registry/index.js';
import { migrations } from '../../src/registry/migrations/index.js';
import { backends, BY, campaign, clock, enterprise, harness, idNumber, rejection, type Store } from './support.js';

const WINDOW = { windowStart: '2026-09-28', windowEnd: '2026-10-09', endsAt: '2026-10-09T15:59:59.000Z' };

describe.each(backends())('intake on $name', (b) => {
  const h = harness(b);

  async function setup() {
    const c = clock('2026-09-28T01:00:00.000Z');
    const { registry, store } = await h.fresh(c);
    const e = await enterprise(registry, 1);
    const cmp = await campaign(registry, e.creditCode, { batch: 2, deadline: '2026-10-30' });
    const person = idNumber(21, '19750505');
    const app = await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '陈七', idNumber: person }, by: BY });
    const notice = await registry.notices.create({ campaignId: cmp.id, kind: 'results', ...WINDOW, entries: [{ name: '陈七', applicationId: app.id }], by: BY });
    await registry.notices.publish({ id: notice.id, by: BY });
    return { registry, store, c, cmp, app, person, notice };
  }

  it('keeps the name, the contact and the text encrypted at rest and returns masked forms', async () => {
    const { registry, store, notice, app, person } = await setup();
    const text = `陈七的业绩材料不实，我的电话 13812345678，陈七身份证 ${person}，可发邮件 li.si@example.cn`;
    const s = await registry.intake.file({ kind: 'objection', submissionNumber: 'YY-2026-0001', noticeId: notice.id, submitter: '李四', contact: '13812345678', text, applicationId: app.id, by: 'channel:web' });
    expect(s).toEqual({
      id: expect.any(String),
      kind: 'objection',
      submissionNumber: 'YY-2026-0001',
      noticeId: notice.id,
      campaignId: null,
      applicationId: app.id,
      creditCode: null,
      submitterMasked: '李*',
      contactMasked: '138****5678',
      text: `陈七的业绩材料不实，我的电话 138****5678，陈七身份证 ${person.slice(0, 4)}**********${person.slice(14)}，可发邮件 l***@example.cn`,
      receivedAt: '2026-09-28T01:00:00.000Z',
    });
    expect(await registry.intake.get(s.id)).toEqual(s);
    expect(await registry.intake.bySubmissionNumber('YY-2026-0001')).toEqual(s);
    expect(await registry.intake.list({ noticeId: notice.id })).toEqual([s]);

    // At rest: no clear phone, name, e-mail address or ID number in the row.
    const [row] = await h.raw<Record<string, string | null>>(store, 'SELECT * FROM submissions');
    const raw = JSON.stringify(row);
    for (const clear of ['13812345678', '李四', 'li.si@example.cn', person]) expect(raw).not.toContain(clear);
    expect(row!.contact_enc).toMatch(/^v1:/);
    expect(row!.submitter_enc).toMatch(/^v1:/);
    expect(row!.text_enc).toMatch(/^v1:/);
    expect(row).toMatchObject({ contact_masked: '138****5678', submitter_masked: '李*' });
    // Nor in the audit trail.
    const audit = await registry.audit.list({ entityType: 'submission', entityId: s.id });
    expect(audit.map((a) => a.action)).toEqual(['submission.filed']);
    expect(JSON.stringify(audit)).not.toMatch(/13812345678|李四/);

    // An anonymous fraud report about the campaign and an enterprise, with no contact.
    const report = await registry.intake.file({ kind: 'fraud-report', submissionNumber: 'JB-2026-0001', campaignId: notice.campaignId, creditCode: (await registry.campaigns.get(notice.campaignId))!.creditCode, text: '该单位伪造业绩证明', by: 'channel:web' });
    expect(report).toMatchObject({ kind: 'fraud-report', noticeId: null, campaignId: notice.campaignId, submitterMasked: null, contactMasked: null, text: '该单位伪造业绩证明' });
    expect(await registry.intake.list({ campaignId: notice.campaignId })).toEqual([report]);
  });

  it('files a submission once per submission number; another content under the number is refused naming it', async () => {
    const { registry, store, c, notice, app } = await setup();
    const input = { kind: 'objection' as const, submissionNumber: 'YY-2026-0002', noticeId: notice.id, submitter: '王五', contact: 'wang@example.cn', text: '材料不实', applicationId: app.id, by: 'channel:web' };
    const first = await registry.intake.file(input);
    c.set('2026-09-29T01:00:00.000Z');
    expect(await registry.intake.file(input)).toEqual(first);
    expect((await h.raw(store, 'SELECT id FROM submissions')).length).toBe(1);
    expect((await registry.audit.list({ entityType: 'submission', entityId: first.id })).map((a) => a.action)).toEqual(['submission.filed', 'submission.file-repeated']);

    const other = await rejection(registry.intake.file({ ...input, contact: '13900000000', text: '另一件' }));
    expect(other).toBeInstanceOf(ConflictError);
    // Named by field, never by value: the message must not carry the contact either.
    expect(other.message).toBe(`intake.file: submission number YY-2026-0002 was used for submission ${first.id} (received 2026-09-28T01:00:00.000Z), which differs in contact, text`);
  });

  it('reads the name, contact and text in clear only through the privileged read, which is audited', async () => {
    const { registry, notice } = await setup();
    const s = await registry.intake.file({ kind: 'objection', submissionNumber: 'YY-2026-0003', noticeId: notice.id, submitter: '赵六', contact: '010-12345678', text: '请致电 010-12345678', by: 'channel:web' });
    expect(s).toMatchObject({ submitterMasked: '赵*', contactMasked: '010****5678', text: '请致电 010****5678' });
    const clear = await registry.intake.getWithContact(s.id, 'hr:investigator');
    expect(clear).toEqual({ ...s, submitter: '赵六', contact: '010-12345678', textAsSubmitted: '请致电 010-12345678' });
    const reads = (await registry.audit.list({ entityType: 'submission', entityId: s.id })).filter((a) => a.action === 'submission.contact-read');
    expect(reads).toEqual([expect.objectContaining({ actor: 'hr:investigator', details: {} })]);
    await expect(registry.intake.getWithContact('nope', 'hr:investigator')).rejects.toBeInstanceOf(NotFoundError);
    await expect(registry.intake.getWithContact(s.id, ' ')).rejects.toBeInstanceOf(ValidationError);
    expect(await registry.audit.verify()).toMatchObject({ ok: true });
  });

  it('wants a notice and a contact for an objection, a campaign for a fraud report', async () => {
    const { registry, cmp, notice } = await setup();
    const objection = await rejection(registry.intake.file({ kind: 'objection', submissionNumber: 'x-1', text: 't', campaignId: cmp.id, by: 'channel' }));
    expect((objection as ValidationError).issues).toEqual([
      { field: 'noticeId', rule: 'is required for an objection (the notice it is against)' },
      { field: 'campaignId', rule: 'is not given for an objection: its notice names the campaign' },
      { field: 'contact', rule: 'is required for an objection (the investigator answers the objector)' },
    ]);
    const report = await rejection(registry.intake.file({ kind: 'fraud-report', submissionNumber: 'x-2', text: 't', noticeId: notice.id, by: 'channel' }));
    expect((report as ValidationError).issues).toEqual([
      { field: 'campaignId', rule: 'is required for a fraud report (the campaign it is about)' },
      { field: 'noticeId', rule: 'is not given for a fraud report' },
    ]);
    const kind = await rejection(registry.intake.file({ kind: 'complaint' as never, submissionNumber: 'x-3', text: 't', by: 'channel' }));
    expect((kind as ValidationError).issues[0]).toEqual({ field: 'kind', rule: 'must be one of objection, fraud-report' });
    await expect(registry.intake.file({ kind: 'objection', submissionNumber: 'x-4', noticeId: 'nope', contact: 'c', text: 't', by: 'channel' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(registry.intake.file({ kind: 'fraud-report', submissionNumber: 'x-5', campaignId: 'nope', text: 't', by: 'channel' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('moves the clear contacts of objections filed before 0006 into the intake, encrypted, when the registry opens', async () => {
    const store = b.store();
    const db = open(store);
    const all = migrations(b.name);
    const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0006'));
    const opts = store.schema ? { migrationTableSchema: store.schema } : {};
    expect((await new Migrator({ db, provider: { getMigrations: async () => before }, ...opts }).migrateToLatest()).error).toBeUndefined();
    await seedPre0006(db);
    await db.destroy();

    const registry = await b.open(store, { now: () => new Date('2026-07-01T02:00:00.000Z') });
    try {
      const named = (await registry.objections.get('o-named'))!;
      const anonymous = (await registry.objections.get('o-anonymous'))!;
      expect(named).toMatchObject({ submitterContact: '车***（139****0000）', text: '材料不实，回电 139****0000', outcome: 'rejected', submissionId: expect.any(String) });
      expect(anonymous).toMatchObject({ submitterContact: '未署名（z***@example.com）', text: '另一件' });
      const s = (await registry.intake.get(named.submissionId!))!;
      expect(s).toMatchObject({ kind: 'objection', submissionNumber: 'legacy-objection:o-named', noticeId: 'n-results', submitterMasked: '车***', contactMasked: '139****0000', receivedAt: '2026-06-01T02:00:00.000Z' });
      expect(await registry.intake.getWithContact(s.id, 'hr')).toMatchObject({ submitter: '车间职工', contact: '13900000000', textAsSubmitted: '材料不实，回电 13900000000' });
      expect((await registry.intake.getWithContact(anonymous.submissionId!, 'hr')).submitter).toBeNull();

      const raw = JSON.stringify([...(await b.raw(store, 'SELECT * FROM objections')), ...(await b.raw(store, 'SELECT * FROM submissions'))]);
      expect(raw).not.toMatch(/13900000000|zhang@example\.com|车间职工/);
      expect((await registry.audit.list({ entityType: 'objection' })).map((a) => [a.action, a.entityId, a.actor])).toEqual([
        ['objection.contact-protected', 'o-anonymous', 'registry'],
        ['objection.contact-protected', 'o-named', 'registry'],
      ]);
    } finally {
      await registry.close();
    }
    // Opening again finds nothing left to move and writes nothing.
    const again = await b.open(store);
    try {
      expect((await again.audit.list({ entityType: 'objection' })).length).toBe(2);
      expect(await again.audit.verify()).toMatchObject({ ok: true });
    } finally {
      await again.close();
    }
  });
});

function open(store: Store): Kysely<DB> {
  return store.backend === 'sqlite' ? sqliteKysely(join(store.dataDir, 'registry.db')) : postgresKysely(store.databaseUrl!, { schema: store.schema! }).db;
}

/** A notice with two objections written as before 0006: the contact in clear in `submitter_contact`. */
async function seedPre0006(db: Kysely<any>): Promise<void> {
  const at = '2026-06-01T02:00:00.000Z';
  const cc = '91440300000000001X';
  await db.insertInto('enterprises').values({ credit_code: cc, name: '企业', division_code: '440300', province: '44', above_scale: 1, large: 0, provincially_filed: 0, chain_leader: 0, self_evaluation_since: null, senior_recognition_done: 0, senior_recognition_on: null, created_at: at, updated_at: at }).execute();
  await db.insertInto('campaigns').values({ id: 'cmp-1', jurisdiction: 'guangdong', credit_code: cc, levels: '["T"]', year: 2026, batch: 1, deadline: '2026-07-10', status: 'running', process_instance_key: null, created_at: at, updated_at: at, kind: 'appraisal' }).execute();
  await db
    .insertInto('notices')
    .values({ id: 'n-results', campaign_id: 'cmp-1', kind: 'results', title: '评审结果公示', window_start: '2026-06-01', window_end: '2026-06-05', ends_at: '2026-06-05T15:59:59.000Z', entries: '[]', status: 'closed', published_at: at, closed_at: '2026-06-06T01:00:00.000Z', created_at: at, updated_at: at, idempotency_key: null })
    .execute();
  const objection = (id: string, contact: string, text: string, receivedAt: string) => ({
    id,
    notice_id: 'n-results',
    submitter_contact: contact,
    text,
    received_at: receivedAt,
    outcome: 'rejected',
    investigator: 'hr',
    resolution: '不成立',
    closed_at: '2026-06-03T01:00:00.000Z',
    application_id: null,
    investigated_on: null,
    idempotency_key: null,
  });
  await db
    .insertInto('objections')
    .values([objection('o-named', '车间职工（13900000000）', '材料不实，回电 13900000000', at), objection('o-anonymous', '未署名（zhang@example.com）', '另一件', '2026-06-01T01:00:00.000Z')])
    .execute();
}
