/**
 * Direct recognition (直接认定, Sichuan 001 附件2) in the registry (migration 0003): rounds of kind
 * `recognition` at levels 5…1, their applications, evaluator filings and certificates at those
 * levels (position 16 of the code, 001 附件1 注2), quotas still T / S only, the report to the filing
 * place's skills center, and the upgrade of a registry written before 0003.
 */
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { postgresKysely, sqliteKysely } from '../../src/registry/db.js';
import { migrationProvider } from '../../src/registry/migrations/index.js';
import { ConflictError, ValidationError, type Registry } from '../../src/registry/index.js';
import { backends, BY, campaign, creditCode, enterprise, harness, idNumber, rejection, type Store } from './support.js';

const SICHUAN = '510100';

async function sichuanUnit(registry: Registry, n = 1, levels: Array<'2' | '1'> = ['2', '1']) {
  const e = await enterprise(registry, n, { divisionCode: SICHUAN });
  for (const level of levels) {
    await registry.enterprises.fileEvaluator({ creditCode: e.creditCode, level, category: 'Y', evaluatorCode: '0000', siteSerial: '000777', authority: 'province', filedOn: '2025-03-01', by: BY });
  }
  return (await registry.enterprises.get(e.creditCode))!;
}

const round = (registry: Registry, creditCodeValue: string, overrides: Record<string, unknown> = {}) =>
  campaign(registry, creditCodeValue, { id: 'dr-2026-1', kind: 'recognition', jurisdiction: 'sichuan', levels: ['2', '1'], batch: undefined, deadline: '2026-12-31', ...overrides });

const OCCUPATION = { code: '6-18-01-01', name: '车工' };

describe.each(backends())('direct recognition on $name', (b) => {
  const h = harness(b);

  it('holds recognition rounds at levels 5…1 and keeps appraisals at T and S, naming the field and the rule', async () => {
    const { registry } = await h.fresh();
    const e = await sichuanUnit(registry);
    const r = await round(registry, e.creditCode);
    expect(r).toMatchObject({ id: 'dr-2026-1', kind: 'recognition', jurisdiction: 'sichuan', levels: ['2', '1'], batch: null, status: 'planned' });
    expect(await registry.campaigns.get(r.id)).toEqual(r);
    // An appraisal campaign is still an appraisal unless told otherwise.
    expect((await campaign(registry, e.creditCode, { id: 'sc-2026-t', jurisdiction: 'sichuan', batch: undefined, levels: ['T'] })).kind).toBe('appraisal');

    const t = await rejection(round(registry, e.creditCode, { id: 'dr-bad-1', levels: ['2', 'T'] }));
    expect(t).toBeInstanceOf(ValidationError);
    expect((t as ValidationError).issues).toEqual([
      { field: 'levels.1', rule: "must be 5, 4, 3, 2 or 1 (初级工…高级技师) for a direct recognition (kind 'recognition', 001 附件2 一(三)); T is appointed by appraisal" },
    ]);
    const two = await rejection(campaign(registry, e.creditCode, { id: 'sc-bad', jurisdiction: 'sichuan', batch: undefined, levels: ['2'] }));
    expect((two as ValidationError).issues).toEqual([
      { field: 'levels.0', rule: "must be T (特级技师) or S (首席技师) for an appraisal campaign (kind 'appraisal'); 2 is for a direct recognition (kind 'recognition')" },
    ]);
    const gd = await rejection(round(registry, e.creditCode, { id: 'dr-gd', jurisdiction: 'guangdong', batch: 1 }));
    expect((gd as ValidationError).issues).toEqual([{ field: 'jurisdiction', rule: "must be sichuan for a direct recognition (kind 'recognition' follows Sichuan's 001 附件2)" }]);
    const x = await rejection(round(registry, e.creditCode, { id: 'dr-x', levels: ['X'], kind: 'promotion' }));
    expect((x as ValidationError).issues.map((i) => i.field).sort()).toEqual(['kind', 'levels.0']);
    expect((x as ValidationError).issues.find((i) => i.field === 'levels.0')!.rule).toMatch(/must be T \(特级技师\) or S \(首席技师\) for an appraisal, or 5, 4, 3, 2, 1/);
  });

  it('takes applications at the round level, files evaluators and issues level-2 certificates; quotas stay T / S', async () => {
    const { registry } = await h.fresh();
    const e = await sichuanUnit(registry);
    expect(e.filings.map((f) => f.level).sort()).toEqual(['1', '2']);
    const r = await round(registry, e.creditCode);
    const app = await registry.applications.create({ campaignId: r.id, level: '2', applicant: { name: '赵技师', idNumber: idNumber(31, '19880506'), occupation: OCCUPATION }, by: BY });
    expect(app).toMatchObject({ campaignId: r.id, level: '2', status: 'submitted' });
    const notOfRound = await rejection(registry.applications.create({ campaignId: r.id, level: '3', applicant: { name: '钱', idNumber: idNumber(32) }, by: BY }));
    expect((notOfRound as ValidationError).issues).toEqual([{ field: 'level', rule: "must be one of the campaign's levels (2, 1)" }]);
    const apprentice = await rejection(registry.applications.create({ campaignId: r.id, level: 'X' as never, applicant: { name: '孙', idNumber: idNumber(33) }, by: BY }));
    expect((apprentice as ValidationError).issues[0]).toMatchObject({ field: 'level' });

    const cert = await registry.certificates.issue({ creditCode: e.creditCode, level: '2', occupation: OCCUPATION, holder: { name: '赵技师', idNumber: idNumber(31, '19880506') }, issuedOn: '2026-11-02', applicationId: app.id, by: BY });
    // Position 16 is the level: 2 技师 (001 附件1 注2).
    expect(cert.code).toBe('Y000051000777262000001');
    expect(cert.code[15]).toBe('2');
    expect(cert).toMatchObject({ level: '2', serial: 1, year: 2026, applicationId: app.id });
    // Idempotent by application, and a 高级技师 certificate has its own serials.
    expect((await registry.certificates.issue({ creditCode: e.creditCode, level: '2', occupation: OCCUPATION, holder: { name: '赵技师', idNumber: idNumber(31, '19880506') }, issuedOn: '2026-11-03', applicationId: app.id, by: BY })).code).toBe(cert.code);
    const senior = await registry.certificates.issue({ creditCode: e.creditCode, level: '1', occupation: OCCUPATION, holder: { name: '周', idNumber: idNumber(34) }, issuedOn: '2026-11-02', by: BY });
    expect(senior.code).toBe('Y000051000777261000001');
    // No filing for 高级工: no certificate.
    await expect(registry.certificates.issue({ creditCode: e.creditCode, level: '3', occupation: OCCUPATION, holder: { name: '吴', idNumber: idNumber(35) }, issuedOn: '2026-11-02', by: BY })).rejects.toThrow(/no evaluator filing for level 3/);

    const quota = await rejection(registry.quotas.set({ creditCode: e.creditCode, year: 2026, level: '2', quota: 3, by: BY } as never));
    expect(quota).toBeInstanceOf(ValidationError);
    expect((quota as ValidationError).issues).toEqual([{ field: 'level', rule: 'must be T (特级技师) or S (首席技师)' }]);
  });

  it('records the report to the filing-place skills center once per round and reads it back', async () => {
    const { registry } = await h.fresh();
    const e = await sichuanUnit(registry);
    const r = await round(registry, e.creditCode);
    const apps = [];
    for (const [n, name] of [[41, '郑'], [42, '王']] as const) {
      const app = await registry.applications.create({ campaignId: r.id, level: '2', applicant: { name, idNumber: idNumber(n), occupation: OCCUPATION }, by: BY });
      const cert = await registry.certificates.issue({ creditCode: e.creditCode, level: '2', occupation: OCCUPATION, holder: { name, idNumber: idNumber(n) }, issuedOn: '2026-11-02', applicationId: app.id, by: BY });
      apps.push({ app, cert });
    }
    const input = {
      campaignId: r.id,
      recipient: { divisionCode: SICHUAN, name: '备案地（510100）职业技能鉴定中心' },
      filing: { filingNumber: '川人社直认备〔2026〕3号', filedOn: '2026-09-20' },
      reportedOn: '2026-11-05',
      records: apps.map(({ app, cert }, i) => ({ applicationId: app.id, certificateCode: cert.code, combinedScore: 85 + i, conditionsMet: ['SC-DR-3-2-1'] })),
      by: BY,
    };
    const first = await registry.skillsCenterReports.record(input);
    expect(first).toMatchObject({ campaignId: r.id, creditCode: e.creditCode, alreadyReported: false, reportedOn: '2026-11-05', filing: { filingNumber: '川人社直认备〔2026〕3号', filedOn: '2026-09-20' } });
    expect(first.records).toEqual(
      apps.map(({ app, cert }, i) => ({
        applicationId: app.id,
        certificateCode: cert.code,
        holderName: cert.holderName,
        idNumber: cert.idNumber,
        level: '2',
        occupation: OCCUPATION,
        combinedScore: 85 + i,
        conditionsMet: ['SC-DR-3-2-1'],
      })),
    );
    expect(first.records[0]!.idNumber).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
    const { alreadyReported: _a, ...stored } = first;
    expect(await registry.skillsCenterReports.get(r.id)).toEqual(stored);

    // Redelivered (even on another day): the first report, not a second one.
    const again = await registry.skillsCenterReports.record({ ...input, reportedOn: '2026-11-06' });
    expect(again).toMatchObject({ alreadyReported: true, reportedOn: '2026-11-05' });
    await expect(registry.skillsCenterReports.record({ ...input, records: input.records.slice(0, 1) })).rejects.toBeInstanceOf(ConflictError);
    expect((await registry.audit.list({ entityType: 'campaign', entityId: r.id })).map((a) => a.action)).toEqual(['campaign.created', 'skills-center-report.recorded', 'skills-center-report.repeated']);

    // Bad input names the field and the rule.
    const swapped = await rejection(
      registry.skillsCenterReports.record({ ...input, campaignId: r.id, records: [{ applicationId: apps[0]!.app.id, certificateCode: apps[1]!.cert.code }] }),
    );
    // (the round is reported already; a fresh round shows the record checks)
    expect(swapped).toBeInstanceOf(ConflictError);
    const r2 = await round(registry, e.creditCode, { id: 'dr-2026-2' });
    const a2 = await registry.applications.create({ campaignId: r2.id, level: '2', applicant: { name: '冯', idNumber: idNumber(43), occupation: OCCUPATION }, by: BY });
    const wrongCert = await rejection(registry.skillsCenterReports.record({ ...input, campaignId: r2.id, records: [{ applicationId: a2.id, certificateCode: apps[0]!.cert.code }] }));
    expect((wrongCert as ValidationError).issues).toEqual([{ field: 'records.0.certificateCode', rule: `must be the certificate issued for application ${a2.id}; ${apps[0]!.cert.code} is not` }]);
    const otherRound = await rejection(registry.skillsCenterReports.record({ ...input, campaignId: r2.id }));
    expect((otherRound as ValidationError).issues[0]).toMatchObject({ field: 'records.0.applicationId' });
    const empty = await rejection(registry.skillsCenterReports.record({ ...input, campaignId: r2.id, records: [], reportedOn: '2026-13-01' }));
    expect((empty as ValidationError).issues.map((i) => i.field).sort()).toEqual(['records', 'reportedOn']);
    const appraisal = await campaign(registry, e.creditCode, { id: 'sc-2026', jurisdiction: 'sichuan', batch: undefined, levels: ['T'] });
    const notRound = await rejection(registry.skillsCenterReports.record({ ...input, campaignId: appraisal.id }));
    expect((notRound as ValidationError).issues).toEqual([{ field: 'campaignId', rule: "must be a direct-recognition round (kind 'recognition', 001 附件2 四); sc-2026 is an appraisal campaign" }]);
    expect(await registry.skillsCenterReports.get(r2.id)).toBeUndefined();
  });

  it('upgrades a registry written before 0003: filings, campaigns, keys and indexes kept, the level check widened', async () => {
    const store: Store = h.backend.store();
    // The registry as 0002 left it, with an enterprise, its T / S filings and a campaign.
    const { db } = b.name === 'sqlite' ? { db: sqliteKysely(join(store.dataDir, 'registry.db')) } : postgresKysely(store.databaseUrl!, { schema: store.schema });
    try {
      if (store.schema) await db.schema.createSchema(store.schema).ifNotExists().execute();
      const migrator = new Migrator({ db, provider: migrationProvider(b.name), ...(store.schema ? { migrationTableSchema: store.schema } : {}) });
      const { error } = await migrator.migrateTo('0002_uploads_appointments');
      expect(error).toBeUndefined();
      const code = creditCode(9, SICHUAN);
      const at = '2025-01-01T00:00:00.000Z';
      await db
        .insertInto('enterprises')
        .values({ credit_code: code, name: '老企业', division_code: SICHUAN, province: '51', above_scale: 1, large: 1, provincially_filed: 0, chain_leader: 0, self_evaluation_since: null, senior_recognition_done: 0, senior_recognition_on: null, created_at: at, updated_at: at })
        .execute();
      for (const level of ['T', 'S']) {
        await db
          .insertInto('evaluator_filings')
          .values({ credit_code: code, level, category: 'Y', evaluator_code: '0000', province: '51', site_serial: '000009', evaluator_key: 'Y000051000009', authority: 'province', filed_on: '2025-01-10', status: 'active', updated_at: at })
          .execute();
      }
      await db
        .insertInto('campaigns')
        .values({ id: 'old-sc', jurisdiction: 'sichuan', credit_code: code, levels: '["T"]', year: 2025, batch: null, deadline: '2025-10-30', status: 'completed', process_instance_key: null, created_at: at, updated_at: at } as never)
        .execute();
    } finally {
      await db.destroy();
    }

    const registry = await h.reopen(store);
    const e = (await registry.enterprises.get(creditCode(9, SICHUAN)))!;
    expect(e.filings.map((f) => [f.level, f.evaluatorKey, f.status, f.filedOn])).toEqual([
      ['S', 'Y000051000009', 'active', '2025-01-10'],
      ['T', 'Y000051000009', 'active', '2025-01-10'],
    ]);
    expect(await registry.campaigns.get('old-sc')).toMatchObject({ kind: 'appraisal', levels: ['T'], status: 'completed' });
    await registry.enterprises.fileEvaluator({ creditCode: e.creditCode, level: '2', category: 'Y', evaluatorCode: '0000', siteSerial: '000009', authority: 'province', filedOn: '2026-01-10', by: BY });
    expect((await registry.enterprises.get(e.creditCode))!.filings.map((f) => f.level)).toEqual(['2', 'S', 'T']);

    // The database itself still refuses what the registry would (a level outside the ladder, a
    // second filing for the same level, a campaign of an unknown kind).
    const insertFiling = (level: string) =>
      h.raw(
        store,
        `INSERT INTO evaluator_filings (credit_code, level, category, evaluator_code, province, site_serial, evaluator_key, authority, filed_on, status, updated_at) VALUES ($1, $2, 'Y', '0000', '51', '000009', 'Y000051000009', 'province', '2026-01-10', 'active', '2026-01-10T00:00:00.000Z')`,
        [e.creditCode, level],
      );
    await expect(insertFiling('X')).rejects.toThrow(/check/i);
    await expect(insertFiling('T')).rejects.toThrow(/unique|primary/i);
    await insertFiling('1');
    await expect(h.raw(store, `UPDATE campaigns SET kind = 'promotion' WHERE id = 'old-sc'`)).rejects.toThrow(/check/i);
    if (b.name === 'sqlite') {
      const idx = await h.raw<{ name: string }>(store, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'evaluator_filings' AND name = 'evaluator_filings_by_key'`);
      expect(idx).toHaveLength(1);
      const fks = await h.raw<{ table: string; from: string; to: string }>(store, `SELECT "table", "from", "to" FROM pragma_foreign_key_list('evaluator_filings')`);
      expect(fks).toEqual([{ table: 'enterprises', from: 'credit_code', to: 'credit_code' }]);
      expect(await h.raw(store, 'PRAGMA foreign_key_check')).toEqual([]);
    } else {
      const idx = await h.raw<{ indexname: string }>(store, `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'evaluator_filings' ORDER BY indexname`);
      expect(idx.map((i) => i.indexname)).toContain('evaluator_filings_by_key');
      await expect(
        h.raw(store, `INSERT INTO evaluator_filings (credit_code, level, category, evaluator_code, province, site_serial, evaluator_key, authority, filed_on, status, updated_at) VALUES ('91510100NOTTHERE0X', '5', 'Y', '0000', '51', '000009', 'Y000051000009', 'province', '2026-01-10', 'active', 'x')`),
      ).rejects.toThrow(/foreign key/i);
    }
  });
});
