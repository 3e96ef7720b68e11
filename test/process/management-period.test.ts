/**
 * management-period (001 四(八), 附件4) end to end: the real model, forms and workers on the embedded
 * engine, the clock moved from anniversary to anniversary.
 *
 * - three yearly assessments and the final assessment, each filed in the registry;
 * - a final assessment of 不合格 (四(八) 终期考核) → the revocation procedure (附件4 第七条(五), 第九条);
 * - a certificate of a direct-recognition level (技师, 2) never starts a period (四(八): 首席技师、特级技师
 *   only): refused with no retries, and no model but appraisal-sichuan calls management-period;
 * - 不合格 → revocation through the city (a unit recommended by its city) and straight to the
 *   province (a unit recommended by a provincial department): certificate revoked, benefits stopped;
 * - a reported misconduct the province does not uphold: the period goes on;
 * - retirement (management-event message): benefits stop, the certificate stays valid;
 * - the registry's management_periods record of each, and jobs delivered again writing nothing twice.
 *
 * The tests share one engine clock, which only moves forward: each starts its period from "today".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../src/domain/china-time.js';
import managementRecordAssessmentWorker from '../../workers/management/record-assessment.js';
import managementRecordEventWorker from '../../workers/management/record-event.js';
import { periodDates } from '../../workers/management/period.js';
import managementStartWorker from '../../workers/management/start.js';
import managementStopBenefitsWorker from '../../workers/management/stop-benefits.js';
import { describeIssues, NonRetryableError } from '../../workers/runtime.js';
import { SEED_BY, startProcessHarness, type ProcessHarness, jobContext } from '../support/process.js';

let h: ProcessHarness;

beforeAll(async () => {
  h = await startProcessHarness({ pinnedAt: '2026-11-20T10:00:00+08:00' });
}, 60_000);
afterAll(() => h?.stop());

const CITY = 'city-510100';
const PROVINCE = 'province-51';
const hr = (creditCode: string) => `enterprise-${creditCode}-hr`;
const today = () => chinaDate(h.now());
/** 09:00 Beijing time of a date: when the clerk opens Tasklist on the day a timer fell due. */
const morningOf = (date: string) => `${date}T09:00:00+08:00`;

let n = 0;

/** A Sichuan unit, an appointed 特级技师 with a certificate, and a management period started today. */
async function startPeriod(recommendedBy: 'city' | 'province' = 'city') {
  n += 1;
  const ent = await h.seed.enterprise({ jurisdiction: 'sichuan', n, enterprise: { provinciallyFiled: recommendedBy === 'province' } });
  const campaign = await h.seed.campaign(ent);
  const applicant = h.seed.applicant({ n, name: `管理期人员${n}`, region: '510104' });
  const app = await h.seed.application(campaign.id, applicant, 'T');
  await h.registry.applications.setStatus({ id: app.id, status: 'appointed', why: '已聘任（测试预置）', by: SEED_BY });
  const approvedOn = today();
  const cert = await h.registry.certificates.issue({
    creditCode: ent.creditCode,
    level: 'T',
    occupation: { code: '6-18-01-01', name: '车工' },
    holder: { name: applicant.name, idNumber: applicant.idNumber },
    issuedOn: approvedOn,
    applicationId: app.id,
    by: SEED_BY,
  });
  const pi = await h.startProcess('management-period', {
    certificateCode: cert.code,
    holder: { applicationId: app.id, name: applicant.name },
    enterprise: { creditCode: ent.creditCode, name: ent.name, divisionCode: ent.divisionCode },
    approvedOn,
    recommendedBy,
  });
  return { ent, app, cert, pi, period: periodDates(approvedOn) };
}

/** What a handler threw (fails when it did not). */
async function failure(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the handler to fail');
}

const history = async (applicationId: string) => (await h.registry.applications.get(applicationId))!.history.map((e) => e.why ?? '');

async function assess(pi: string, creditCode: string, elementId: 'annual-assessment' | 'final-assessment', result: 'excellent' | 'qualified' | 'unqualified', on: string) {
  const task = await h.waitForUserTask({ processInstanceKey: pi, elementId, candidateGroup: hr(creditCode) });
  await h.completeUserTask(task, {
    dutiesPerformance: '牵头完成数控车削工艺攻关两项，带徒四名，承担省级技能评价咨询任务。',
    assessmentResult: result,
    assessmentComment: result === 'unqualified' ? '未完成岗位职责任务，考核不合格。' : '履职良好。',
    assessedOn: on,
  });
}

/** Moves the clock to the morning of year `year`'s assessment date, when its timer has fired. */
async function toAssessment(pi: string, period: ReturnType<typeof periodDates>, year: number) {
  await h.waitForElement({ processInstanceKey: pi, elementId: 'wait-anniversary' });
  await h.advanceClock(morningOf(period.assessments[year - 1]!.dueOn));
}

describe('management-period', () => {
  it('three yearly assessments on the anniversaries and the final assessment, filed in the registry', async () => {
    const { ent, app, cert, pi, period } = await startPeriod();
    expect(period).toMatchObject({ startOn: '2026-12-01', endOn: '2029-11-30', finalAssessmentDueOn: '2029-12-01' });
    expect(period.assessments.map((a) => a.dueAt)).toEqual(['2027-12-01T00:00:00+08:00', '2028-12-01T00:00:00+08:00', '2029-12-01T00:00:00+08:00']);

    // Nothing falls due before the first anniversary.
    await h.waitForElement({ processInstanceKey: pi, elementId: 'wait-anniversary' });
    await h.advanceClock('2027-11-30T23:00:00+08:00');
    await new Promise((r) => setTimeout(r, 300));
    const early = await h.http('POST', '/v2/user-tasks/search', { filter: { elementId: 'annual-assessment', state: 'CREATED', candidateGroup: hr(ent.creditCode) } });
    expect((early.body as { items: unknown[] }).items).toEqual([]);

    await toAssessment(pi, period, 1);
    await assess(pi, ent.creditCode, 'annual-assessment', 'excellent', '2027-12-01');
    await toAssessment(pi, period, 2);
    await assess(pi, ent.creditCode, 'annual-assessment', 'qualified', '2028-12-01');
    await toAssessment(pi, period, 3);
    await assess(pi, ent.creditCode, 'annual-assessment', 'qualified', '2029-12-01');
    await assess(pi, ent.creditCode, 'final-assessment', 'qualified', '2029-12-02');

    const vars = await h.waitForCompletion(pi);
    expect(vars.assessments).toEqual([
      { kind: 'annual', year: 1, result: 'excellent', assessedOn: '2027-12-01', talentProgrammePriority: true, filed: true },
      { kind: 'annual', year: 2, result: 'qualified', assessedOn: '2028-12-01', talentProgrammePriority: false, filed: true },
      { kind: 'annual', year: 3, result: 'qualified', assessedOn: '2029-12-01', talentProgrammePriority: false, filed: true },
    ]);
    expect(vars.finalAssessment).toMatchObject({ kind: 'final', year: null, result: 'qualified' });
    expect(vars.benefits).toBeUndefined();

    // The registry holds the period, not only the process: dates, the four assessments, completed.
    const record = (await h.registry.managementPeriods.get(cert.code))!;
    expect(record).toMatchObject({
      applicationId: app.id,
      creditCode: ent.creditCode,
      recommendedBy: 'city',
      startOn: '2026-12-01',
      endOn: '2029-11-30',
      finalAssessmentDueOn: '2029-12-01',
      status: 'completed',
      ended: null,
      processInstanceKey: pi,
      events: [],
    });
    expect(record.assessments.map((a) => [a.kind, a.year, a.result, a.assessedOn, a.talentProgrammePriority])).toEqual([
      ['annual', 1, 'excellent', '2027-12-01', true],
      ['annual', 2, 'qualified', '2028-12-01', false],
      ['annual', 3, 'qualified', '2029-12-01', false],
      ['final', null, 'qualified', '2029-12-02', false],
    ]);
    expect(record.assessments[0]).toMatchObject({ dutiesPerformance: expect.stringContaining('数控车削工艺攻关'), comment: '履职良好。' });
    expect((await h.registry.audit.list({ entityType: 'management-period', entityId: cert.code })).map((e) => [e.action, e.actor])).toEqual([
      ['management-period.started', 'worker:pingpin.management.start'],
      ...Array.from({ length: 4 }, () => ['management-period.assessment', 'worker:pingpin.management.record-assessment']),
    ]);
    // The application's history is not where the period lives any more.
    expect((await history(app.id)).filter((w) => w.startsWith('【管理期'))).toEqual([]);
    expect((await h.registry.certificates.get(cert.code))!.status).toBe('valid');
  }, 60_000);

  it('不合格 → the unit proposes, the city reviews, the province revokes: certificate revoked, benefits stopped', async () => {
    const { ent, app, cert, pi, period } = await startPeriod('city');
    await toAssessment(pi, period, 1);
    await assess(pi, ent.creditCode, 'annual-assessment', 'unqualified', period.assessments[0]!.dueOn);

    const propose = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'propose-revocation', candidateGroup: hr(ent.creditCode) });
    await h.completeUserTask(propose, {
      revocationGround: 'unqualified-assessment',
      revocationFacts: '管理期第一年度考核不合格，未完成签订的岗位职责任务。',
      revocationProposedOn: period.assessments[0]!.dueOn,
    });
    const review = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-revocation', candidateGroup: CITY });
    await h.completeUserTask(review, { revocationCityDecision: 'agree', revocationCityOpinion: '情况属实，同意取消，报人社厅审定。' });
    const decide = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'decide-revocation', candidateGroup: PROVINCE });
    const decidedOn = today();
    await h.completeUserTask(decide, {
      revocationDecision: 'revoke',
      revocationDecidedOn: decidedOn,
      revocationDocumentNumber: '川人社函〔2027〕1号',
      revocationDecisionReason: '年度考核不合格，取消其特级技师等级，解除评聘并取消相关待遇。',
    });

    const vars = await h.waitForCompletion(pi);
    expect(vars.revocation).toMatchObject({ ground: 'unqualified-assessment', cityDecision: 'agree', decidedOn, documentNumber: '川人社函〔2027〕1号' });
    expect(vars.benefits).toEqual({ stopped: true, ground: 'revoked', stoppedOn: decidedOn });
    const revoked = (await h.registry.certificates.get(cert.code))!;
    expect(revoked).toMatchObject({ status: 'revoked', revokedOn: decidedOn });
    expect(revoked.revokedReason).toContain('（五）管理期内年度考核不合格');
    const after = (await h.registry.applications.get(app.id))!;
    expect(after.status).toBe('revoked');
    const record = (await h.registry.managementPeriods.get(cert.code))!;
    expect(record).toMatchObject({ status: 'ended', ended: { on: decidedOn, ground: 'revoked' } });
    expect(record.assessments.map((a) => [a.year, a.result])).toEqual([[1, 'unqualified']]);
    expect(record.events.map((e) => [e.kind, e.on, e.ground])).toEqual([
      ['revoked', decidedOn, null],
      ['benefits-stopped', decidedOn, 'revoked'],
    ]);
    expect(record.events[0]!.text).toContain('（五）管理期内年度考核不合格');
    // The period ended with the revocation: no second year is waited for.
    expect(await h.state(pi)).toBe('COMPLETED');
  }, 60_000);

  it('不合格 in a unit recommended by a provincial department: straight to the province (附件4 第九条)', async () => {
    const { ent, app, cert, pi, period } = await startPeriod('province');
    await toAssessment(pi, period, 1);
    await assess(pi, ent.creditCode, 'annual-assessment', 'unqualified', period.assessments[0]!.dueOn);
    const propose = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'propose-revocation', candidateGroup: hr(ent.creditCode) });
    await h.completeUserTask(propose, {
      revocationGround: 'unqualified-assessment',
      revocationFacts: '管理期第一年度考核不合格，未履行岗位职责。',
      revocationProposedOn: period.assessments[0]!.dueOn,
    });
    const decide = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'decide-revocation', candidateGroup: PROVINCE });
    await h.completeUserTask(decide, { revocationDecision: 'revoke', revocationDecidedOn: today(), revocationDecisionReason: '考核不合格，取消等级。' });
    const vars = await h.waitForCompletion(pi);
    expect(vars.revocation).toMatchObject({ ground: 'unqualified-assessment', cityDecision: null });
    expect((await h.registry.certificates.get(cert.code))!.status).toBe('revoked');
    expect((await h.registry.applications.get(app.id))!.status).toBe('revoked');
    const cityTasks = await h.http('POST', '/v2/element-instances/search', { filter: { processInstanceKey: pi, elementId: 'review-revocation' } });
    expect((cityTasks.body as { items: unknown[] }).items).toEqual([]);
  }, 60_000);

  it('reported misconduct the province does not uphold: the period goes on', async () => {
    const { ent, app, cert, pi, period } = await startPeriod('city');
    await h.waitForElement({ processInstanceKey: pi, elementId: 'wait-anniversary' });
    await h.publish('management-event', cert.code, { event: { kind: 'misconduct', on: today(), text: '群众举报其擅自离岗三个月。' } });
    const propose = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'propose-revocation', candidateGroup: hr(ent.creditCode) });
    await h.completeUserTask(propose, { revocationGround: 'dereliction', revocationFacts: '经查，该同志经批准外出培训，不属擅自离职。', revocationProposedOn: today() });
    const review = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-revocation', candidateGroup: CITY });
    await h.completeUserTask(review, { revocationCityDecision: 'disagree', revocationCityOpinion: '举报不实，不同意取消。' });
    const decide = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'decide-revocation', candidateGroup: PROVINCE });
    await h.completeUserTask(decide, { revocationDecision: 'retain', revocationDecidedOn: today(), revocationDecisionReason: '举报不实，不予取消。' });

    await h.waitForElement({ processInstanceKey: pi, elementId: 'revocation-retained', state: 'COMPLETED' });
    expect(await h.state(pi)).toBe('ACTIVE');
    expect((await h.registry.certificates.get(cert.code))!.status).toBe('valid');
    const record = (await h.registry.managementPeriods.get(cert.code))!;
    expect(record.status).toBe('running');
    expect(record.events).toEqual([expect.objectContaining({ kind: 'misconduct', on: today(), text: '群众举报其擅自离岗三个月。' })]);
    expect((await h.registry.applications.get(app.id))!.status).toBe('appointed');
    // The yearly assessment still falls due.
    await toAssessment(pi, period, 1);
    await h.waitForUserTask({ processInstanceKey: pi, elementId: 'annual-assessment', candidateGroup: hr(ent.creditCode) });
    await h.harness.http('POST', `/v2/process-instances/${pi}/cancellation`, {});
  }, 60_000);

  it('retirement (management-event): the benefits stop, the certificate stays valid', async () => {
    const { app, cert, pi } = await startPeriod('city');
    await h.waitForElement({ processInstanceKey: pi, elementId: 'wait-anniversary' });
    const on = today();
    await h.publish('management-event', cert.code, { event: { kind: 'retired', on, text: '达到法定退休年龄，办理退休手续。' } });
    const vars = await h.waitForCompletion(pi);
    expect(vars.benefitsStop).toEqual({ ground: 'retired', on, text: '达到法定退休年龄，办理退休手续。' });
    expect(vars.benefits).toEqual({ stopped: true, ground: 'retired', stoppedOn: on });
    expect(vars.revocation).toBeUndefined();
    expect((await h.registry.certificates.get(cert.code))!.status).toBe('valid');
    const after = (await h.registry.applications.get(app.id))!;
    expect(after.status).toBe('appointed');
    const record = (await h.registry.managementPeriods.get(cert.code))!;
    expect(record).toMatchObject({ status: 'ended', ended: { on, ground: 'retired' } });
    expect(record.events.map((e) => [e.kind, e.on, e.ground, e.text])).toEqual([
      ['retired', on, null, '达到法定退休年龄，办理退休手续。'],
      ['benefits-stopped', on, 'retired', '达到法定退休年龄，办理退休手续。'],
    ]);

    // Every job delivered again (a worker that crashed before completing): the registry finds the
    // rows it wrote and writes nothing twice.
    const job = jobContext({ jobKey: '1', processInstanceKey: pi, elementId: 'redelivered' });
    const holder = { applicationId: app.id, name: app.applicant.name };
    const start = await managementStartWorker.handler(
      { certificateCode: cert.code, holder, enterprise: { creditCode: record.creditCode, divisionCode: '510104' }, approvedOn: record.approvedOn, recommendedBy: 'city' },
      job,
      h.services,
    );
    expect(start.managementPeriod).toMatchObject({ startOn: record.startOn, endOn: record.endOn });
    const event = { kind: 'retired' as const, on, text: '达到法定退休年龄，办理退休手续。' };
    expect(await managementRecordEventWorker.handler({ certificateCode: cert.code, holder, event }, job, h.services)).toEqual({ managementEvent: { kind: 'retired', on, recorded: true } });
    expect(await managementStopBenefitsWorker.handler({ certificateCode: cert.code, holder, benefitsStop: { ground: 'retired', on, text: event.text } }, job, h.services)).toEqual({ benefits: vars.benefits });
    expect(await h.registry.managementPeriods.get(cert.code)).toEqual(record);
    expect((await h.registry.audit.list({ entityType: 'management-period', entityId: cert.code })).map((e) => e.action)).toEqual([
      'management-period.started',
      'management-period.event',
      'management-period.benefits-stopped',
      'management-period.start-repeated',
      'management-period.event-repeated',
      'management-period.benefits-stop-repeated',
    ]);
    // A different event in the same place is a contradiction, not a retry: no retries, both languages.
    const other = await failure(() => managementRecordEventWorker.handler({ certificateCode: cert.code, holder, event: { ...event, text: '另一说明。' } }, job, h.services));
    expect(other).toBeInstanceOf(NonRetryableError);
    expect(other.message).toMatch(/登记系统拒绝登记证书 .* 的管理期事件（退休） \/ the registry refused to record the retired event of certificate .*: .*differs in text/);
  }, 60_000);

  it('files an assessment once when its job is delivered again', async () => {
    const { app, cert, pi, period } = await startPeriod('city');
    await h.waitForElement({ processInstanceKey: pi, elementId: 'wait-anniversary' });
    const job = jobContext({ jobKey: '2', processInstanceKey: pi, elementId: 'redelivered' });
    const input = {
      certificateCode: cert.code,
      holder: { applicationId: app.id },
      assessmentKind: 'annual' as const,
      assessmentYear: 1,
      dutiesPerformance: '牵头完成数控车削工艺攻关两项，带徒四名。',
      assessmentResult: 'qualified' as const,
      assessmentComment: '履职良好。',
      assessedOn: period.assessments[0]!.dueOn,
    };
    const first = await managementRecordAssessmentWorker.handler(input, job, h.services);
    expect(first).toEqual({ assessment: { kind: 'annual', year: 1, result: 'qualified', assessedOn: period.assessments[0]!.dueOn, talentProgrammePriority: false, filed: true } });
    expect(await managementRecordAssessmentWorker.handler(input, job, h.services)).toEqual(first);
    expect((await h.registry.managementPeriods.get(cert.code))!.assessments).toHaveLength(1);
    const changed = await failure(() => managementRecordAssessmentWorker.handler({ ...input, assessmentResult: 'excellent' }, job, h.services));
    expect(changed).toBeInstanceOf(NonRetryableError);
    expect(changed.message).toContain('differs in result');
    await h.harness.http('POST', `/v2/process-instances/${pi}/cancellation`, {});
  }, 60_000);

  it('final assessment 不合格 (四(八) 终期考核) → revocation: the unit proposes, the city reviews, the province revokes', async () => {
    const { ent, app, cert, pi, period } = await startPeriod('city');
    for (const year of [1, 2, 3]) {
      await toAssessment(pi, period, year);
      await assess(pi, ent.creditCode, 'annual-assessment', 'qualified', period.assessments[year - 1]!.dueOn);
    }
    // The final assessment (its own form, final-assessment): 不合格 there is the same revocation ground (五) as a yearly one.
    await assess(pi, ent.creditCode, 'final-assessment', 'unqualified', period.finalAssessmentDueOn);

    const propose = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'propose-revocation', candidateGroup: hr(ent.creditCode) });
    const taskVars = await h.taskVariables(propose);
    expect(taskVars.revocationTrigger).toEqual({ source: 'final-assessment', assessmentResult: 'unqualified', assessmentComment: '未完成岗位职责任务，考核不合格。' });
    await h.completeUserTask(propose, {
      revocationGround: 'unqualified-assessment',
      revocationFacts: '管理期终期考核不合格，三年管理期岗位职责任务未完成。',
      revocationProposedOn: period.finalAssessmentDueOn,
    });
    const review = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-revocation', candidateGroup: CITY });
    await h.completeUserTask(review, { revocationCityDecision: 'agree', revocationCityOpinion: '情况属实，同意取消，报人社厅审定。' });
    const decide = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'decide-revocation', candidateGroup: PROVINCE });
    const decidedOn = today();
    await h.completeUserTask(decide, { revocationDecision: 'revoke', revocationDecidedOn: decidedOn, revocationDecisionReason: '终期考核不合格，取消其特级技师等级，解除评聘并取消相关待遇。' });

    const vars = await h.waitForCompletion(pi);
    expect(vars.finalAssessment).toMatchObject({ kind: 'final', year: null, result: 'unqualified', filed: true });
    expect(vars.revocation).toMatchObject({ ground: 'unqualified-assessment', cityDecision: 'agree', decidedOn });
    expect(vars.benefits).toEqual({ stopped: true, ground: 'revoked', stoppedOn: decidedOn });
    expect((await h.registry.certificates.get(cert.code))!).toMatchObject({ status: 'revoked', revokedOn: decidedOn });
    expect((await h.registry.applications.get(app.id))!.status).toBe('revoked');
    const record = (await h.registry.managementPeriods.get(cert.code))!;
    expect(record.assessments.map((a) => [a.kind, a.year, a.result])).toEqual([
      ['annual', 1, 'qualified'],
      ['annual', 2, 'qualified'],
      ['annual', 3, 'qualified'],
      ['final', null, 'unqualified'],
    ]);
    // Ended by the revocation, not completed as a period whose final assessment passed.
    expect(record).toMatchObject({ status: 'ended', ended: { on: decidedOn, ground: 'revoked' } });
    expect(record.events.map((e) => e.kind)).toEqual(['revoked', 'benefits-stopped']);
    // The normal end of the period was not reached.
    const done = await h.http('POST', '/v2/element-instances/search', { filter: { processInstanceKey: pi, elementId: 'period-body-done' } });
    expect((done.body as { items: unknown[] }).items).toEqual([]);
  }, 90_000);

  it('a 技师 (level 2) certificate of a direct recognition never starts a management period (001 四(八))', async () => {
    n += 1;
    const ent = await h.seed.enterprise({ jurisdiction: 'sichuan', n });
    await h.registry.enterprises.fileEvaluator({ creditCode: ent.creditCode, level: '2', category: 'Y', evaluatorCode: '0000', siteSerial: String(n).padStart(6, '0'), authority: 'province', filedOn: '2025-01-10', by: SEED_BY });
    const round = await h.seed.campaign(ent, { id: `DR-MP-${n}`, kind: 'recognition', levels: ['2'] });
    const applicant = h.seed.applicant({ n, name: `技师${n}`, region: '510104' });
    const app = await h.registry.applications.create({ campaignId: round.id, level: '2', applicant: applicant as never, by: SEED_BY });
    const cert = await h.registry.certificates.issue({
      creditCode: ent.creditCode,
      level: '2',
      occupation: { code: '6-18-01-01', name: '车工' },
      holder: { name: applicant.name, idNumber: applicant.idNumber },
      issuedOn: today(),
      applicationId: app.id,
      by: SEED_BY,
    });
    expect(cert.code[15]).toBe('2');
    const variables = {
      certificateCode: cert.code,
      holder: { applicationId: app.id, name: applicant.name },
      enterprise: { creditCode: ent.creditCode, name: ent.name, divisionCode: ent.divisionCode },
      approvedOn: today(),
      recommendedBy: 'city',
    };
    const pi = await h.startProcess('management-period', variables);
    const incident = await h.waitForIncident({ processInstanceKey: pi, elementId: 'start-period' });
    expect(incident.errorType).toBe('JOB_NO_RETRIES');
    expect(incident.errorMessage).toContain(`certificateCode: 证书 ${cert.code} 为技师（2）证书：三年管理期只适用于首席技师、特级技师（001 四(八)、附件4 第一条），不开始管理期`);
    expect(incident.errorMessage).toContain('the management period applies to 特级技师 (T) and 首席技师 (S) only');
    expect(await h.registry.managementPeriods.get(cert.code)).toBeUndefined();
    await h.harness.http('POST', `/v2/process-instances/${pi}/cancellation`, {});

    // A caller that bypasses the schema meets the same refusal from the registry's certificate.
    const job = jobContext({ jobKey: '3', processInstanceKey: pi, elementId: 'start-period' });
    const direct = await failure(() => managementStartWorker.handler({ ...variables, recommendedBy: 'city' as const }, job, h.services));
    expect(direct).toBeInstanceOf(NonRetryableError);
    expect(direct.message).toContain('三年管理期只适用于首席技师、特级技师（001 四(八)、附件4 第一条）');
    expect(await h.registry.managementPeriods.get(cert.code)).toBeUndefined();
    // A malformed code is still "not a certificate code", not a level question.
    expect(describeIssues(managementStartWorker.input.safeParse({ ...variables, certificateCode: 'Y0000' }).error!)).toContain('certificateCode: 证书编码 certificateCode 应为 22 位职业技能等级证书编码');

    // Only appraisal-sichuan (特级技师 / 首席技师) calls management-period; certificate-issuance and
    // direct-recognition (levels 5…1) never reach it.
    const bpmnDir = join(import.meta.dirname, '../../bpmn');
    const callers = readdirSync(bpmnDir)
      .filter((f) => f.endsWith('.bpmn') && /calledElement processId="management-period"/.test(readFileSync(join(bpmnDir, f), 'utf8')))
      .sort();
    expect(callers).toEqual(['appraisal-sichuan.bpmn']);
  }, 60_000);

  it('refuses a bad event with no retries, naming the variable in Chinese and English', async () => {
    const { cert, pi } = await startPeriod('city');
    await h.waitForElement({ processInstanceKey: pi, elementId: 'wait-anniversary' });
    await h.publish('management-event', cert.code, { event: { kind: 'resigned', on: today(), text: '辞职' } });
    const incident = await h.waitForIncident({ processInstanceKey: pi, elementId: 'record-event' });
    expect(incident.errorMessage).toContain('event.kind');
    expect(incident.errorMessage).toContain('事件类型');
    const jobs = await h.http('POST', '/v2/jobs/search', { filter: { processInstanceKey: pi, elementId: 'record-event' } });
    expect((jobs.body as { items: Array<{ retries: number }> }).items[0]!.retries).toBe(0);
    // The period itself is untouched.
    expect(await h.state(pi)).toBe('ACTIVE');
    await h.harness.http('POST', `/v2/process-instances/${pi}/cancellation`, {});
  }, 60_000);
});
