/** The local adapter records uploads in the registry, idempotent by certificate code. */
import { describe, expect, it } from 'vitest';
import { createNationalRegistry, LocalNationalRegistry, NationalRegistryError } from '../../src/national-registry/index.js';
import { backends, BY, campaign, filedEnterprise, harness, idNumber } from '../registry/support.js';

describe.each(backends())('local national registry adapter on $name', (b) => {
  const h = harness(b);

  it('records an upload once and answers alreadyUploaded on a repeat; refuses contradicting records', async () => {
    const { registry } = await h.fresh();
    const adapter = createNationalRegistry({ kind: 'local' }, { registry });
    expect(adapter).toBeInstanceOf(LocalNationalRegistry);
    expect(adapter.kind).toBe('local');
    const e = await filedEnterprise(registry, 1);
    const cmp = await campaign(registry, e.creditCode);
    const holder = { name: '周九', idNumber: idNumber(51) };
    const app = await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: holder, by: BY });
    const cert = await registry.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: { code: '6-18-01-01', name: '车工' }, holder, issuedOn: '2026-06-01', applicationId: app.id, by: BY });
    const record = {
      certificateCode: cert.code,
      holderName: holder.name,
      idNumber: holder.idNumber,
      level: 'T',
      occupation: cert.occupation,
      evaluator: { creditCode: e.creditCode, name: e.name },
      issuedOn: cert.issuedOn,
    };
    const first = await adapter.upload(record);
    expect(first).toEqual({ reference: cert.code, alreadyUploaded: false, status: 'recorded', receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/) });
    expect(await adapter.upload(record)).toEqual({ ...first, alreadyUploaded: true });
    expect((await registry.nationalUploads.get(cert.code))!.receipt).toEqual({ via: 'local', reference: cert.code, status: 'recorded', receivedAt: first.receivedAt, httpStatus: null, answer: null });
    const refused = await adapter.upload({ ...record, holderName: '周十' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(NationalRegistryError);
    expect((refused as Error).message).toMatch(/differs from the registry in holderName/);
    const audit = await registry.audit.list({ entityType: 'certificate', entityId: cert.code });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['certificate.issued', BY],
      ['national-upload.recorded', 'national-registry:local'],
      ['national-upload.repeated', 'national-registry:local'],
    ]);
  });
});
