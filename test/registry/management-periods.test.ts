/**
 * Sichuan management periods (001 四(八), 附件4): the period of a certificate with its dates, yearly
 * and final assessments, events and the benefits stop; every write repeatable (a redelivered job)
 * and every contradiction refused. On SQLite, and on PostgreSQL when DATABASE_URL is set.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/registry/index.js';
import { backends, BY, campaign, filedEnterprise, harness, idNumber, rejection } from './support.js';

const LATHE = { code: '6-18-01-01', name: '车工' };
const W = 'worker:pingpin.management.test';

describe.each(backends())('management periods on $name', (b) => {
  const h = harness(b);

  /** An enterprise, an appointed holder with a T certificate issued 2026-11-20. */
  async function withCertificate(n = 1) {
    const { registry, store } = await h.fresh();
    const e = await filedEnterprise(registry, n);
    const cmp = await campaign(registry, e.creditCode);
    const holder = { name: '王师傅', idNumber: idNumber(71) };
    const app = await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: holder, by: BY });
    const cert = await registry.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: LATHE, holder, issuedOn: '2026-11-20', applicationId: app.id, by: BY });
    const start = { certificateCode: cert.code, applicationId: app.id, creditCode: e.creditCode, approvedOn: '2026-11-20', recommendedBy: 'city' as const, by: W };
    return { registry, store, e, cmp, app, cert, holder, start };
  }

  const assessment = (certificateCode: string, over: Record<string, unknown> = {}) => ({
    certificateCode,
    kind: 'annual' as const,
    year: 1,
    result: 'excellent' as const,
    dutiesPerformance: '牵头完成数控车削工艺攻关两项，带徒四名。',
    comment: '履职优秀。',
    assessedOn: '2027-12-01',
    by: W,
    ...over,
  });

  it('starts a period three years from the 1st of the month after the approval; a repeat returns it, a different one is a conflict', async () => {
    const { registry, app, cert, e, start } = await withCertificate();
    const period = await registry.managementPeriods.start({ ...start, processInstanceKey: '2251799813685249' });
    expect(period).toMatchObject({
      certificateCode: cert.code,
      applicationId: app.id,
      creditCode: e.creditCode,
      recommendedBy: 'city',
      approvedOn: '2026-11-20',
      startOn: '2026-12-01',
      endOn: '2029-11-30',
      assessmentsDue: [
        { year: 1, dueOn: '2027-12-01' },
        { year: 2, dueOn: '2028-12-01' },
        { year: 3, dueOn: '2029-12-01' },
      ],
      finalAssessmentDueOn: '2029-12-01',
      status: 'running',
      ended: null,
      processInstanceKey: '2251799813685249',
      assessments: [],
      events: [],
    });
    // Redelivered (another job of the same process, or the same job again): the same period.
    expect(await registry.managementPeriods.start({ ...start, certificateCode: cert.code.toLowerCase() })).toEqual(period);
    expect(await registry.managementPeriods.get(cert.code)).toEqual(period);
    expect(await registry.managementPeriods.byApplication(app.id)).toEqual([period]);
    expect(await registry.managementPeriods.list({ creditCode: e.creditCode, status: 'running' })).toEqual([period]);
    expect(await registry.managementPeriods.list({ status: 'ended' })).toEqual([]);
    expect((await registry.audit.list({ entityType: 'management-period', entityId: cert.code })).map((a) => a.action)).toEqual([
      'management-period.started',
      'management-period.start-repeated',
    ]);

    const other = await rejection(registry.managementPeriods.start({ ...start, approvedOn: '2026-10-20', recommendedBy: 'province' }));
    expect(other).toBeInstanceOf(ConflictError);
    expect(other.message).toMatch(new RegExp(`certificate ${cert.code} already has a management period .* differs in approvedOn, recommendedBy`));
  });

  it('refuses a period for a revoked, unknown or foreign certificate, and names every bad field', async () => {
    const { registry, cmp, cert, start } = await withCertificate();
    const bad = await rejection(
      registry.managementPeriods.start({ ...start, certificateCode: 'Y00004400012326X000001', creditCode: '91440300000000000X', approvedOn: '2026-02-30', recommendedBy: 'county' as never, by: ' ' }),
    );
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues.map((i) => i.field).sort()).toEqual(['approvedOn', 'by', 'certificateCode', 'creditCode', 'recommendedBy']);
    expect(bad.message).toMatch(/certificateCode: must be a 22-character certificate code of level T \(特级技师\) or S \(首席技师\)/);

    await expect(registry.managementPeriods.start({ ...start, certificateCode: 'Y00004400012326T999999' })).rejects.toBeInstanceOf(NotFoundError);
    const other = await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '李', idNumber: idNumber(72) }, by: BY });
    const foreign = await rejection(registry.managementPeriods.start({ ...start, applicationId: other.id }));
    expect(foreign.message).toMatch(new RegExp(`certificate ${cert.code} was issued for application ${start.applicationId}, not ${other.id}`));

    await registry.certificates.revoke({ code: cert.code, reason: '测试：取消等级', revokedOn: '2026-11-21', by: BY });
    const revoked = await rejection(registry.managementPeriods.start(start));
    expect(revoked).toBeInstanceOf(ConflictError);
    expect(revoked.message).toMatch(/was revoked on 2026-11-21: no management period starts/);
    expect(await registry.managementPeriods.get(cert.code)).toBeUndefined();
  });

  it('files one assessment per year and one final; the final completes the period', async () => {
    const { registry, cert, start } = await withCertificate();
    // No period yet: nothing to file against.
    await expect(registry.managementPeriods.recordAssessment(assessment(cert.code))).rejects.toBeInstanceOf(NotFoundError);
    await registry.managementPeriods.start(start);

    const first = await registry.managementPeriods.recordAssessment(assessment(cert.code));
    expect(first.assessments).toEqual([
      expect.objectContaining({ kind: 'annual', year: 1, result: 'excellent', assessedOn: '2027-12-01', talentProgrammePriority: true, dutiesPerformance: '牵头完成数控车削工艺攻关两项，带徒四名。', comment: '履职优秀。' }),
    ]);
    expect(await registry.managementPeriods.recordAssessment(assessment(cert.code))).toEqual(first);
    const changed = await rejection(registry.managementPeriods.recordAssessment(assessment(cert.code, { result: 'qualified', comment: '合格。' })));
    expect(changed).toBeInstanceOf(ConflictError);
    expect(changed.message).toMatch(/the assessment of year 1 was recorded at .* differs in result, comment/);

    const bad = await rejection(registry.managementPeriods.recordAssessment(assessment(cert.code, { year: 4, result: 'good', dutiesPerformance: '', assessedOn: '2027-13-01' })));
    expect((bad as ValidationError).issues.map((i) => i.field).sort()).toEqual(['assessedOn', 'dutiesPerformance', 'result', 'year']);
    const noYear = await rejection(registry.managementPeriods.recordAssessment(assessment(cert.code, { year: undefined })));
    expect((noYear as ValidationError).issues).toEqual([{ field: 'year', rule: 'is required for a yearly assessment (1, 2 or 3)' }]);
    const finalWithYear = await rejection(registry.managementPeriods.recordAssessment(assessment(cert.code, { kind: 'final', year: 3 })));
    expect((finalWithYear as ValidationError).issues).toEqual([{ field: 'year', rule: 'must be left out for the final assessment' }]);
    const early = await rejection(registry.managementPeriods.recordAssessment(assessment(cert.code, { year: 2, assessedOn: '2026-11-30' })));
    expect(early).toBeInstanceOf(ValidationError);
    expect((early as ValidationError).issues).toEqual([{ field: 'assessedOn', rule: 'must not be before the management period starts (2026-12-01)' }]);

    await registry.managementPeriods.recordAssessment(assessment(cert.code, { year: 3, result: 'qualified', assessedOn: '2029-12-01' }));
    await registry.managementPeriods.recordAssessment(assessment(cert.code, { year: 2, result: 'unqualified', assessedOn: '2028-12-01' }));
    const done = await registry.managementPeriods.recordAssessment(assessment(cert.code, { kind: 'final', year: null, result: 'qualified', assessedOn: '2029-12-02' }));
    expect(done.status).toBe('completed');
    expect(done.assessments.map((a) => [a.kind, a.year, a.result, a.talentProgrammePriority])).toEqual([
      ['annual', 1, 'excellent', true],
      ['annual', 2, 'unqualified', false],
      ['annual', 3, 'qualified', false],
      ['final', null, 'qualified', false],
    ]);
    // The final assessment repeated still answers; nothing new is filed into a completed period.
    expect((await registry.managementPeriods.recordAssessment(assessment(cert.code, { kind: 'final', year: null, result: 'qualified', assessedOn: '2029-12-02' }))).status).toBe('completed');
  });

  it('records events once per kind and date, stops the benefits once, and then accepts nothing new', async () => {
    const { registry, store, cert, start } = await withCertificate();
    await registry.managementPeriods.start(start);
    const misconduct = { certificateCode: cert.code, kind: 'misconduct' as const, on: '2027-03-02', text: '群众举报其擅自离岗三个月。', by: W };
    const withEvent = await registry.managementPeriods.recordEvent(misconduct);
    expect(withEvent.events).toEqual([expect.objectContaining({ kind: 'misconduct', on: '2027-03-02', ground: null, text: '群众举报其擅自离岗三个月。' })]);
    expect(await registry.managementPeriods.recordEvent(misconduct)).toEqual(withEvent);
    const otherText = await rejection(registry.managementPeriods.recordEvent({ ...misconduct, text: '另一份举报。' }));
    expect(otherText).toBeInstanceOf(ConflictError);
    expect(otherText.message).toMatch(/the misconduct event of 2027-03-02 was recorded at .* differs in text/);
    const bad = await rejection(registry.managementPeriods.recordEvent({ ...misconduct, kind: 'resigned' as never, on: 'tomorrow', text: '' }));
    expect((bad as ValidationError).issues.map((i) => i.field).sort()).toEqual(['kind', 'on', 'text']);
    const beforeApproval = await rejection(registry.managementPeriods.recordEvent({ ...misconduct, on: '2026-11-19' }));
    expect((beforeApproval as ValidationError).issues).toEqual([{ field: 'on', rule: 'must not be before the approval that started the management period (2026-11-20)' }]);
    const badGround = await rejection(registry.managementPeriods.stopBenefits({ certificateCode: cert.code, ground: 'misconduct' as never, on: '2027-05-01', by: W }));
    expect((badGround as ValidationError).issues.map((i) => i.field)).toEqual(['ground']);

    const stop = { certificateCode: cert.code, ground: 'retired' as const, on: '2027-05-01', text: '达到法定退休年龄。', by: W };
    await registry.managementPeriods.recordEvent({ certificateCode: cert.code, kind: 'retired', on: '2027-05-01', text: '达到法定退休年龄。', by: W });
    const ended = await registry.managementPeriods.stopBenefits(stop);
    expect(ended).toMatchObject({ status: 'ended', ended: { on: '2027-05-01', ground: 'retired' } });
    expect(ended.events.map((e) => [e.kind, e.on, e.ground])).toEqual([
      ['misconduct', '2027-03-02', null],
      ['retired', '2027-05-01', null],
      ['benefits-stopped', '2027-05-01', 'retired'],
    ]);
    expect(await registry.managementPeriods.stopBenefits(stop)).toEqual(ended);
    const again = await rejection(registry.managementPeriods.stopBenefits({ ...stop, ground: 'died', on: '2027-06-01' }));
    expect(again).toBeInstanceOf(ConflictError);
    expect(again.message).toMatch(/ended on 2027-05-01 \(benefits stopped: retired\); it cannot stop again on 2027-06-01 \(died\)/);
    const late = await rejection(registry.managementPeriods.recordEvent({ ...misconduct, on: '2027-07-01' }));
    expect(late.message).toMatch(/ended on 2027-05-01 \(retired\): a misconduct event can no longer be recorded/);
    const lateAssessment = await rejection(registry.managementPeriods.recordAssessment(assessment(cert.code)));
    expect(lateAssessment.message).toMatch(/is ended \(retired on 2027-05-01\): the assessment of year 1 can no longer be recorded/);
    expect(await registry.managementPeriods.list({ status: 'ended' })).toHaveLength(1);

    // What the database itself refuses, whatever a caller bypassing the repository tries.
    await expect(h.raw(store, `INSERT INTO management_assessments (certificate_code, slot, kind, year, result, duties_performance, comment, assessed_on, recorded_at) VALUES ($1, 'year-2', 'annual', 3, 'qualified', 'x', 'x', '2028-12-01', 'x')`, [cert.code])).rejects.toThrow(
      /CHECK|check/,
    );
    await expect(h.raw(store, `UPDATE management_periods SET status = 'running' WHERE certificate_code = $1`, [cert.code])).rejects.toThrow(/CHECK|check/);
    expect(await registry.audit.verify()).toMatchObject({ ok: true });
  });
});
