/**
 * Issuing by application is idempotent (a worker redelivered after a crash gets the same
 * certificate, no second serial); uploads to the national system as the local adapter records them;
 * 聘任协议 records. On SQLite, and on PostgreSQL when DATABASE_URL is set.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/registry/index.js';
import { backends, BY, campaign, filedEnterprise, harness, idNumber, rejection } from './support.js';

const LATHE = { code: '6-18-01-01', name: '车工' };

describe.each(backends())('issuance records on $name', (b) => {
  const h = harness(b);

  async function withApplication(n = 1) {
    const { registry, store } = await h.fresh();
    const e = await filedEnterprise(registry, n);
    const cmp = await campaign(registry, e.creditCode);
    const holder = { name: '陈师傅', idNumber: idNumber(81) };
    const app = await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: holder, by: BY });
    return { registry, store, e, cmp, app, holder };
  }

  it('issues one certificate per application: a repeated issue returns the first, allocates nothing', async () => {
    const { registry, store, e, app, holder } = await withApplication();
    const input = { creditCode: e.creditCode, level: 'T' as const, occupation: LATHE, holder, issuedOn: '2026-06-01', applicationId: app.id, by: 'worker:issue' };
    const first = await registry.certificates.issue(input);
    // Redelivered the next day, after the filing was suspended: still the same certificate.
    await registry.enterprises.setFilingStatus({ creditCode: e.creditCode, level: 'T', status: 'suspended', by: BY });
    const again = await registry.certificates.issue({ ...input, issuedOn: '2026-06-02' });
    expect(again).toEqual(first);
    expect(await registry.certificates.lastSerial(first.evaluator.evaluatorKey, 2026, 'T')).toBe(1);
    expect(await h.raw(store, 'SELECT code FROM certificates')).toHaveLength(1);
    expect(await registry.certificates.byApplication(app.id)).toEqual(first);
    expect((await registry.audit.list({ entityType: 'certificate', entityId: first.code })).map((a) => a.action)).toEqual(['certificate.issued', 'certificate.issue-repeated']);

    // The same application with another holder is a contradiction, not a retry.
    const other = await rejection(registry.certificates.issue({ ...input, holder: { name: '陈师傅', idNumber: idNumber(82) } }));
    expect(other).toBeInstanceOf(ConflictError);
    expect(other.message).toMatch(new RegExp(`application ${app.id} already has certificate ${first.code}, which differs in holder.idNumber`));

    // Parallel redeliveries: still one certificate.
    await registry.enterprises.setFilingStatus({ creditCode: e.creditCode, level: 'T', status: 'active', by: BY });
    const cmp2 = await campaign(registry, e.creditCode, { batch: 2 });
    const app2 = await registry.applications.create({ campaignId: cmp2.id, level: 'T', applicant: { name: '林', idNumber: idNumber(83) }, by: BY });
    const all = await Promise.all(Array.from({ length: 8 }, () => registry.certificates.issue({ ...input, holder: { name: '林', idNumber: idNumber(83) }, applicationId: app2.id })));
    expect(new Set(all.map((c) => c.code)).size).toBe(1);
    expect(await registry.certificates.lastSerial(first.evaluator.evaluatorKey, 2026, 'T')).toBe(2);
  });

  it('refuses a second certificate for an application at the database too', async () => {
    const { registry, store, e, app, holder } = await withApplication();
    await registry.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: LATHE, holder, issuedOn: '2026-06-01', applicationId: app.id, by: BY });
    const sql = `INSERT INTO certificates (code, holder_name, holder_id_hash, holder_id_masked, holder_id_enc, level, occupation_code, occupation_name, evaluator_credit_code, evaluator_key, year, serial, issued_on, status, application_id, created_at)
      VALUES ('Y00004400012326T000009', 'x', 'h', 'm', 'e', 'T', '6-18-01-01', '车工', $1, 'Y000044000123', 2026, 9, '2026-06-01', 'valid', $2, '2026-06-01T00:00:00.000Z')`;
    await expect(h.raw(store, sql, [e.creditCode, app.id])).rejects.toThrow(/unique|UNIQUE/);
  });

  it('records national uploads once per certificate, masked, and refuses records that contradict the certificate', async () => {
    const { registry, store, e, app, holder } = await withApplication();
    const cert = await registry.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: LATHE, holder, issuedOn: '2026-06-01', applicationId: app.id, by: BY });
    const record = {
      certificateCode: cert.code,
      holderName: holder.name,
      idNumber: holder.idNumber,
      level: 'T' as const,
      occupation: LATHE,
      evaluator: { creditCode: e.creditCode, name: e.name },
      issuedOn: '2026-06-01',
      by: 'worker:upload',
    };
    const first = await registry.nationalUploads.record(record);
    expect(first).toMatchObject({ certificateCode: cert.code, reference: cert.code, idNumber: cert.idNumber, alreadyUploaded: false, evaluator: { name: e.name } });
    const again = await registry.nationalUploads.record({ ...record, certificateCode: cert.code.toLowerCase() });
    expect(again).toEqual({ ...first, alreadyUploaded: true });
    const { alreadyUploaded: _, ...stored } = first;
    expect(await registry.nationalUploads.get(cert.code)).toEqual(stored);
    expect(JSON.stringify(await h.raw(store, 'SELECT * FROM national_uploads'))).not.toContain(holder.idNumber);
    expect((await registry.audit.list({ entityType: 'certificate', entityId: cert.code })).map((a) => a.action)).toEqual([
      'certificate.issued',
      'national-upload.recorded',
      'national-upload.repeated',
    ]);

    const wrong = await rejection(registry.nationalUploads.record({ ...record, idNumber: idNumber(99), issuedOn: '2026-06-02' }));
    expect(wrong).toBeInstanceOf(ConflictError);
    expect(wrong.message).toMatch(/differs from the registry in idNumber, issuedOn/);
    await expect(registry.nationalUploads.record({ ...record, certificateCode: 'Y00004400012326T999999' })).rejects.toBeInstanceOf(NotFoundError);
    const bad = await rejection(registry.nationalUploads.record({ ...record, certificateCode: 'nope', idNumber: '1' }));
    expect((bad as ValidationError).issues.map((i) => i.field).sort()).toEqual(['certificateCode', 'idNumber']);
  });

  it('records one 聘任协议 per application; a repeat returns it, a different one is a conflict', async () => {
    const { registry, e, app, holder } = await withApplication();
    const cert = await registry.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: LATHE, holder, issuedOn: '2026-06-01', applicationId: app.id, by: BY });
    const input = { applicationId: app.id, certificateCode: cert.code, signedOn: '2026-06-10', term: { start: '2026-07-01', end: '2029-06-30' }, post: '首席车工', by: 'worker:appointment' };
    const first = await registry.appointments.record(input);
    expect(first).toMatchObject({ applicationId: app.id, certificateCode: cert.code, signedOn: '2026-06-10', term: { start: '2026-07-01', end: '2029-06-30' }, post: '首席车工' });
    expect(await registry.appointments.record(input)).toEqual(first);
    expect(await registry.appointments.get(app.id)).toEqual(first);
    expect(await registry.appointments.byCertificate(cert.code)).toEqual(first);
    expect((await registry.audit.list({ entityType: 'application', entityId: app.id })).map((a) => a.action)).toContain('appointment.record-repeated');

    const changed = await rejection(registry.appointments.record({ ...input, post: '车间主任' }));
    expect(changed).toBeInstanceOf(ConflictError);
    expect(changed.message).toMatch(/differs in post/);

    const bad = await rejection(registry.appointments.record({ ...input, signedOn: '2026-13-01', term: { start: '2026-07-01', end: '2026-07-01' }, post: ' ' }));
    expect((bad as ValidationError).issues.map((i) => i.field).sort()).toEqual(['post', 'signedOn', 'term.end']);
    await expect(registry.appointments.record({ ...input, applicationId: 'missing' })).rejects.toBeInstanceOf(NotFoundError);

    // The certificate must be the application's own.
    const other = await registry.applications.create({ campaignId: app.campaignId, level: 'T', applicant: { name: '何', idNumber: idNumber(84) }, by: BY });
    const foreign = await rejection(registry.appointments.record({ ...input, applicationId: other.id }));
    expect(foreign.message).toMatch(new RegExp(`certificate ${cert.code} was issued for application ${app.id}, not ${other.id}`));
    expect(await registry.audit.verify()).toMatchObject({ ok: true });
  });
});
