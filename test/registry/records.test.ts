/**
 * What 0004 keeps that the registry used to drop: the 聘任协议's number, duties and benefits; the
 * national query system's receipt of an upload; and the rule that disqualified and withdrawn
 * applications stay so. Plus the upgrade of a registry written before 0004 (nothing lost). On
 * SQLite, and on PostgreSQL when DATABASE_URL is set.
 */
import { join } from 'node:path';
import { Migrator, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { postgresKysely, sqliteKysely, type DB } from '../../src/registry/db.js';
import { ConflictError, MAX_ANSWER, ValidationError } from '../../src/registry/index.js';
import { migrations } from '../../src/registry/migrations/index.js';
import { backends, BY, campaign, filedEnterprise, harness, idNumber, rejection, type Store } from './support.js';

const LATHE = { code: '6-18-01-01', name: '车工' };

describe.each(backends())('records kept since 0004 on $name', (b) => {
  const h = harness(b);

  async function withCertificate(n = 1) {
    const { registry, store } = await h.fresh();
    const e = await filedEnterprise(registry, n);
    const cmp = await campaign(registry, e.creditCode);
    const holder = { name: '陈师傅', idNumber: idNumber(91) };
    const app = await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: holder, by: BY });
    const cert = await registry.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: LATHE, holder, issuedOn: '2026-06-01', applicationId: app.id, by: BY });
    const upload = {
      certificateCode: cert.code,
      holderName: holder.name,
      idNumber: holder.idNumber,
      level: 'T' as const,
      occupation: LATHE,
      evaluator: { creditCode: e.creditCode, name: e.name },
      issuedOn: '2026-06-01',
      by: 'worker:upload',
    };
    return { registry, store, e, cmp, app, cert, holder, upload };
  }

  it('keeps the agreement number, duties and benefits of a 聘任协议, and compares them on a repeat', async () => {
    const { registry, store, app, cert } = await withCertificate();
    const input = {
      applicationId: app.id,
      certificateCode: cert.code,
      signedOn: '2026-06-10',
      term: { start: '2026-07-01', end: '2029-06-30' },
      post: '数控车工特级技师岗',
      agreementNumber: 'PR-2026-017',
      duties: '聘期内牵头完成两项关键工艺攻关，带徒不少于四名。',
      benefits: '比照本企业正高级职称人员享受相关待遇。',
      by: 'worker:appointment',
    };
    const first = await registry.appointments.record(input);
    expect(first).toMatchObject({ agreementNumber: 'PR-2026-017', duties: input.duties, benefits: input.benefits, post: '数控车工特级技师岗' });
    expect(await registry.appointments.get(app.id)).toEqual(first);
    expect(await registry.appointments.record(input)).toEqual(first);
    expect(await h.raw(store, 'SELECT agreement_number, duties, benefits FROM appointments')).toEqual([{ agreement_number: 'PR-2026-017', duties: input.duties, benefits: input.benefits }]);
    const audit = await registry.audit.list({ entityType: 'application', entityId: app.id });
    expect(audit.find((a) => a.action === 'appointment.recorded')!.details).toMatchObject({ agreementNumber: 'PR-2026-017', duties: input.duties, benefits: input.benefits });

    const changed = await rejection(registry.appointments.record({ ...input, duties: '另行约定。', benefits: null }));
    expect(changed).toBeInstanceOf(ConflictError);
    expect(changed.message).toMatch(/differs in duties, benefits/);

    const bad = await rejection(registry.appointments.record({ ...input, agreementNumber: 'x'.repeat(51), duties: ' ', benefits: 42 as never }));
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues.map((i) => `${i.field}: ${i.rule}`)).toEqual([
      'agreementNumber: must be at most 50 characters',
      'duties: must not be empty',
      expect.stringMatching(/^benefits: /),
    ]);
  });

  it('records an appointment without the optional fields as null', async () => {
    const { registry, app, cert } = await withCertificate();
    const stored = await registry.appointments.record({ applicationId: app.id, certificateCode: cert.code, signedOn: '2026-06-10', term: { start: '2026-07-01', end: '2029-06-30' }, post: '首席车工', by: BY });
    expect(stored).toMatchObject({ agreementNumber: null, duties: null, benefits: null });
  });

  it('keeps the receipt of an upload: the local one, or what the national system answered over HTTP', async () => {
    const { registry, store, upload, cert } = await withCertificate();
    const local = await registry.nationalUploads.record(upload);
    expect(local.receipt).toEqual({ via: 'local', reference: cert.code, status: 'recorded', receivedAt: local.uploadedAt, httpStatus: null, answer: null });

    const second = await withCertificate(2);
    const answer = JSON.stringify({ id: 'NQ-2026-000123', status: 'accepted', receivedAt: '2026-06-01 10:15:00', holder: { idNumber: second.holder.idNumber } });
    const receipt = { via: 'http' as const, reference: 'NQ-2026-000123', status: 'accepted', receivedAt: '2026-06-01 10:15:00', httpStatus: 201, answer };
    const http = await second.registry.nationalUploads.record({ ...second.upload, receipt });
    expect(http).toMatchObject({ reference: 'NQ-2026-000123', alreadyUploaded: false });
    expect(http.receipt).toMatchObject({ via: 'http', reference: 'NQ-2026-000123', status: 'accepted', receivedAt: '2026-06-01 10:15:00', httpStatus: 201 });
    // The clear ID number never reaches the registry, even inside an answer that quotes it.
    expect(http.receipt.answer).toContain('"id":"NQ-2026-000123"');
    expect(http.receipt.answer).not.toContain(second.holder.idNumber);
    expect(JSON.stringify(await h.raw(second.store, 'SELECT * FROM national_uploads'))).not.toContain(second.holder.idNumber);
    // A repeat (409 after a crash) keeps the first receipt.
    const again = await second.registry.nationalUploads.record({ ...second.upload, receipt: { ...receipt, httpStatus: 409, status: null, answer: '{}' } });
    expect(again).toEqual({ ...http, alreadyUploaded: true });
    const { alreadyUploaded: _, ...stored } = http;
    expect(await second.registry.nationalUploads.get(second.cert.code)).toEqual(stored);
    const audit = await second.registry.audit.list({ entityType: 'certificate', entityId: second.cert.code });
    expect(audit.find((a) => a.action === 'national-upload.recorded')!.details).toMatchObject({ via: 'http', reference: 'NQ-2026-000123', status: 'accepted', httpStatus: 201 });

    // Only an accepted upload is recorded, and a receipt says how it came.
    const refused = await rejection(registry.nationalUploads.record({ ...upload, receipt: { via: 'http', reference: 'x', httpStatus: 422 } }));
    expect((refused as ValidationError).issues).toEqual([{ field: 'receipt.httpStatus', rule: 'must be 2xx or 409: only an accepted upload is recorded' }]);
    const noStatus = await rejection(registry.nationalUploads.record({ ...upload, receipt: { via: 'http', reference: 'x' } }));
    expect((noStatus as ValidationError).issues).toEqual([{ field: 'receipt.httpStatus', rule: 'is required for an HTTP upload (the answer that proves it)' }]);
    const localWithAnswer = await rejection(registry.nationalUploads.record({ ...upload, receipt: { via: 'local', reference: 'x', answer: '{}', httpStatus: 200 } }));
    expect((localWithAnswer as ValidationError).issues.map((i) => i.field).sort()).toEqual(['receipt.answer', 'receipt.httpStatus']);
    const bad = await rejection(registry.nationalUploads.record({ ...upload, receipt: { via: 'ftp' as never, reference: '', httpStatus: 201, answer: 'x'.repeat(MAX_ANSWER + 1), extra: 1 } as never }));
    expect((bad as ValidationError).issues.map((i) => i.field).sort()).toEqual(['receipt.answer', 'receipt.extra', 'receipt.reference', 'receipt.via']);
    expect(await h.raw(store, 'SELECT via, receipt_status FROM national_uploads')).toEqual([{ via: 'local', receipt_status: 'recorded' }]);
  });

  it('keeps disqualified and withdrawn applications so: no status change out of them', async () => {
    const { registry, cmp } = await withCertificate();
    const a = await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '甲', idNumber: idNumber(92) }, by: BY });
    await registry.applications.setStatus({ id: a.id, status: 'eligible', by: BY });
    await registry.applications.setStatus({ id: a.id, status: 'disqualified', why: '弄虚作假（003 六(四)）', by: BY });
    const out = await rejection(registry.applications.setStatus({ id: a.id, status: 'recommended', by: 'worker:select' }));
    expect(out).toBeInstanceOf(ConflictError);
    expect(out.message).toBe(`application ${a.id} is disqualified: it cannot become recommended (disqualified and withdrawn are final; a new application is needed)`);
    // The same status again is a note, not a change (a redelivered ban).
    const noted = await registry.applications.setStatus({ id: a.id, status: 'disqualified', why: '复核维持', by: BY });
    expect(noted.history.map((x) => x.status)).toEqual(['submitted', 'eligible', 'disqualified', 'disqualified']);

    const w = await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '乙', idNumber: idNumber(93) }, by: BY });
    await registry.applications.setStatus({ id: w.id, status: 'withdrawn', why: '本人申请撤回', by: BY });
    for (const status of ['submitted', 'certified', 'disqualified'] as const) {
      await expect(registry.applications.setStatus({ id: w.id, status, by: BY })).rejects.toThrow(new RegExp(`application ${w.id} is withdrawn: it cannot become ${status}`));
    }
    expect((await registry.applications.get(w.id))!.status).toBe('withdrawn');
  });

  it('adds 0004 to rows already there: old uploads are local, old appointments have no number, duties or benefits', async () => {
    const store = b.store();
    const db = open(store);
    const all = migrations(b.name);
    const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0004'));
    const provider = (m: typeof all) => ({ getMigrations: async () => m });
    const opts = store.schema ? { migrationTableSchema: store.schema } : {};
    expect((await new Migrator({ db, provider: provider(before), ...opts }).migrateToLatest()).error).toBeUndefined();
    await seedPre0004(db);
    expect((await new Migrator({ db, provider: provider(all), ...opts }).migrateToLatest()).error).toBeUndefined();
    const uploads = await db.selectFrom('national_uploads').selectAll().execute();
    expect(uploads).toEqual([expect.objectContaining({ certificate_code: 'Y00004400012326T000001', reference: 'Y00004400012326T000001', via: 'local', receipt_status: null, receipt_at: null, http_status: null, answer: null })]);
    const appointments = await db.selectFrom('appointments').selectAll().execute();
    expect(appointments).toEqual([expect.objectContaining({ application_id: 'app-1', post: '首席车工', agreement_number: null, duties: null, benefits: null })]);
    await db.destroy();
  });
});

function open(store: Store): Kysely<DB> {
  return store.backend === 'sqlite' ? sqliteKysely(join(store.dataDir, 'registry.db')) : postgresKysely(store.databaseUrl!, { schema: store.schema! }).db;
}

/** One enterprise, campaign, application, certificate, upload and appointment, written as before 0004. */
async function seedPre0004(db: Kysely<any>): Promise<void> {
  const at = '2026-06-01T02:00:00.000Z';
  const cc = '91440300000000001X';
  await db.insertInto('enterprises').values({ credit_code: cc, name: '企业', division_code: '440300', province: '44', above_scale: 1, large: 0, provincially_filed: 0, chain_leader: 0, self_evaluation_since: null, senior_recognition_done: 0, senior_recognition_on: null, created_at: at, updated_at: at }).execute();
  await db.insertInto('campaigns').values({ id: 'cmp-1', jurisdiction: 'guangdong', credit_code: cc, levels: '["T"]', year: 2026, batch: 1, deadline: '2026-07-10', status: 'running', process_instance_key: null, created_at: at, updated_at: at }).execute();
  await db.insertInto('applications').values({ id: 'app-1', campaign_id: 'cmp-1', level: 'T', applicant_name: '丁', applicant_id_hash: 'h', applicant_id_masked: 'm', applicant_id_enc: 'e', applicant: '{}', eligibility: null, status: 'appointed', created_at: at, updated_at: at }).execute();
  const code = 'Y00004400012326T000001';
  await db.insertInto('certificates').values({ code, holder_name: '丁', holder_id_hash: 'h', holder_id_masked: 'm', holder_id_enc: 'e', level: 'T', occupation_code: '6-18-01-01', occupation_name: '车工', evaluator_credit_code: cc, evaluator_key: 'Y000044000123', year: 2026, serial: 1, issued_on: '2026-06-01', status: 'valid', revoked_reason: null, revoked_on: null, application_id: 'app-1', created_at: at }).execute();
  await db.insertInto('national_uploads').values({ certificate_code: code, reference: code, holder_name: '丁', holder_id_masked: 'm', level: 'T', occupation_code: '6-18-01-01', occupation_name: '车工', evaluator_credit_code: cc, evaluator_name: '企业', issued_on: '2026-06-01', uploaded_at: at }).execute();
  await db.insertInto('appointments').values({ application_id: 'app-1', certificate_code: code, signed_on: '2026-06-10', term_start: '2026-07-01', term_end: '2029-06-30', post: '首席车工', created_at: at }).execute();
}
