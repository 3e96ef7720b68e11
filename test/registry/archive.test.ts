import { describe, expect, it } from 'vitest';
import { ConflictError, RetentionError } from '../../src/registry/index.js';
import { backends, BY, campaign, clock, fileObjection, filedEnterprise, harness, idNumber, rejection } from './support.js';

describe.each(backends())('archive on $name', (b) => {
  const h = harness(b);

  it('keeps paper records 3 years and electronic records 5 years, then purges them', async () => {
    const c = clock('2026-06-01T02:00:00.000Z');
    const { registry, store } = await h.fresh(c);
    const e = await filedEnterprise(registry, 1);
    const cmp = await campaign(registry, e.creditCode);
    const person = idNumber(81);
    const app = await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '乙', idNumber: person }, by: BY });
    const notice = await registry.notices.create({
      campaignId: cmp.id,
      kind: 'proposed',
      windowStart: '2026-06-01',
      windowEnd: '2026-06-05',
      endsAt: '2026-06-05T15:59:59.000Z',
      entries: [{ name: '乙', idNumber: person }],
      by: BY,
    });
    await registry.notices.publish({ id: notice.id, by: BY });
    await fileObjection(registry, { noticeId: notice.id, submitter: '丙', contact: '13712345678', text: '请联系 13712345678', applicationId: app.id });
    await registry.intake.file({ kind: 'fraud-report', submissionNumber: 'report-1', campaignId: cmp.id, submitter: '丁', contact: 'ding@example.cn', text: '乙的证明系伪造', applicationId: app.id, by: 'public' });
    const cert = await registry.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: { code: '6-18-01-01', name: '车工' }, holder: { name: '乙', idNumber: person }, issuedOn: '2026-06-20', applicationId: app.id, by: BY });
    await registry.appointments.record({ applicationId: app.id, certificateCode: cert.code, signedOn: '2026-06-25', term: { start: '2026-07-01', end: '2029-06-30' }, post: '首席技师', by: BY });
    await registry.nationalUploads.record({ certificateCode: cert.code, holderName: '乙', idNumber: person, level: 'T', occupation: { code: '6-18-01-01', name: '车工' }, evaluator: { creditCode: e.creditCode, name: e.name }, issuedOn: '2026-06-20', by: BY });

    await expect(registry.archives.archive({ campaignId: cmp.id, retentionClass: 'paper', by: BY })).rejects.toThrow(/is planned: only a completed or cancelled campaign can be archived/);
    await registry.campaigns.setStatus({ id: cmp.id, status: 'completed', by: BY });

    c.set('2026-07-10T03:00:00.000Z');
    const paper = await registry.archives.archive({ campaignId: cmp.id, retentionClass: 'paper', by: 'archivist' });
    expect(paper).toMatchObject({ retentionClass: 'paper', archivedOn: '2026-07-10', retainUntil: '2029-07-10', status: 'archived', content: null });
    const electronic = await registry.archives.archive({ campaignId: cmp.id, retentionClass: 'electronic', by: 'archivist' });
    expect(electronic).toMatchObject({ retentionClass: 'electronic', retainUntil: '2031-07-10', status: 'archived' });
    const content = electronic.content as any;
    expect(content.campaign.id).toBe(cmp.id);
    expect(content.applications).toHaveLength(1);
    expect(content.applications[0].history).toHaveLength(1);
    expect(content.applications[0].appointment).toMatchObject({ certificate_code: cert.code, post: '首席技师' });
    expect(content.notices[0].entries[0].idNumber).toMatch(/^\d{4}\*{10}\d{3}[\dX]$/);
    expect(content.objections).toHaveLength(1);
    expect(content.objections[0]).toMatchObject({ submitter_contact: '*（137****5678）', text: '请联系 137****5678' });
    expect(content.submissions.map((s: { kind: string }) => s.kind).sort()).toEqual(['fraud-report', 'objection']);
    expect(JSON.stringify(content)).not.toContain('13712345678');
    expect(JSON.stringify(content)).not.toContain('ding@example.cn');
    expect(JSON.stringify(content)).not.toMatch(/_enc|v1:/);
    expect(JSON.stringify(content)).not.toContain(person);
    expect(JSON.stringify(content)).not.toContain('applicant_id_enc');
    await expect(registry.archives.archive({ campaignId: cmp.id, retentionClass: 'paper', by: BY })).rejects.toBeInstanceOf(ConflictError);
    expect((await registry.campaigns.get(cmp.id))!.status).toBe('archived');
    await expect(registry.campaigns.setStatus({ id: cmp.id, status: 'running', by: BY })).rejects.toThrow(/is archived/);

    // The day before the end of retention (Asia/Shanghai): refused.
    c.set('2029-07-09T15:59:59.000Z');
    const early = await rejection(registry.archives.purge({ id: paper.id, by: 'archivist' }));
    expect(early).toBeInstanceOf(RetentionError);
    expect(early.message).toMatch(/must be kept until 2029-07-10: paper records are retained at least 3 years \(002 七\(四\)\); today is 2029-07-09/);
    // Midnight in China: allowed.
    c.set('2029-07-09T16:00:00.000Z');
    expect(await registry.archives.purge({ id: paper.id, by: 'archivist' })).toMatchObject({ status: 'purged', purgedOn: '2029-07-10' });
    await expect(registry.archives.purge({ id: paper.id, by: 'archivist' })).rejects.toThrow(/already purged/);

    await expect(registry.archives.purge({ id: electronic.id, by: 'archivist' })).rejects.toThrow(/must be kept until 2031-07-10: electronic records are retained at least 5 years/);
    expect(await registry.applications.get(app.id)).toBeDefined();

    c.set('2031-07-10T01:00:00.000Z');
    const purged = await registry.archives.purge({ id: electronic.id, by: 'archivist' });
    expect(purged).toMatchObject({ status: 'purged', content: null, purgedOn: '2031-07-10' });
    expect(await registry.applications.get(app.id)).toBeUndefined();
    expect(await registry.notices.get(notice.id)).toBeUndefined();
    expect(await h.raw(store, 'SELECT * FROM objections')).toEqual([]);
    // The objection and the fraud report as received go with them, encrypted contacts and all.
    expect(await h.raw(store, 'SELECT * FROM submissions')).toEqual([]);
    expect((await registry.audit.list({ entityType: 'campaign', entityId: cmp.id })).at(-1)!.details).toMatchObject({ removed: { objections: 1, submissions: 2 } });
    // Certificates outlive the campaign; so does the audit trail.
    expect(await registry.certificates.get(cert.code)).toMatchObject({ status: 'valid', applicationId: null });
    expect(await registry.appointments.get(app.id)).toBeUndefined();
    expect(await registry.nationalUploads.get(cert.code)).toMatchObject({ certificateCode: cert.code });
    expect((await registry.archives.list(cmp.id)).map((a) => a.status)).toEqual(['purged', 'purged']);
    expect(await registry.audit.verify()).toMatchObject({ ok: true });
  });

  it('validates the retention class', async () => {
    const { registry } = await h.fresh();
    await expect(registry.archives.archive({ campaignId: 'x', retentionClass: 'forever' as never, by: BY })).rejects.toThrow(
      /retentionClass: must be 'paper' \(kept ≥ 3 years\) or 'electronic' \(kept ≥ 5 years\)/,
    );
    await expect(registry.archives.purge({ id: 'nope', by: BY })).rejects.toThrow(/archive nope does not exist/);
  });
});
