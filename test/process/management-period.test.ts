/**
 * management-period (001 四(八), 附件4) end to end: the real model, forms and workers on the embedded
 * engine, the clock moved from anniversary to anniversary.
 *
 * - three yearly assessments and the final assessment, each filed in the registry;
 * - 不合格 → revocation through the city (a unit recommended by its city) and straight to the
 *   province (a unit recommended by a provincial department): certificate revoked, benefits stopped;
 * - a reported misconduct the province does not uphold: the period goes on;
 * - retirement (management-event message): benefits stop, the certificate stays valid.
 *
 * The tests share one engine clock, which only moves forward: each starts its period from "today".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInShanghai } from '../../src/domain/validators.js';
import { periodDates } from '../../workers/management/shared.js';
import { SEED_BY, startProcessHarness, type ProcessHarness } from '../support/process.js';

let h: ProcessHarness;

beforeAll(async () => {
  h = await startProcessHarness({ pinnedAt: '2026-11-20T10:00:00+08:00' });
}, 60_000);
afterAll(() => h?.stop());

const CITY = 'city:510100';
const PROVINCE = 'province:51';
const hr = (creditCode: string) => `enterprise:${creditCode}:hr`;
const today = () => todayInShanghai(h.now());
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
  const cert = await h.registry.issueCertificate({
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

    const notes = await history(app.id);
    expect(notes.filter((w) => w.startsWith('【管理期·'))).toHaveLength(5);
    expect(notes.find((w) => w.startsWith('【管理期·开始】'))).toContain('2026-12-01 至 2029-11-30');
    expect(notes.find((w) => w.startsWith('【管理期·第1年度考核】'))).toContain('优先作为国家和省人才计划的推荐对象');
    expect(notes.find((w) => w.startsWith('【管理期·终期考核】'))).toContain('合格');
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
    expect(after.history.map((e) => e.why ?? '').find((w) => w.startsWith('【管理期·停止激励待遇】'))).toContain('（四）被取消首席技师、特级技师等级');
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
    expect((await history(app.id)).find((w) => w.startsWith('【管理期·事件 misconduct'))).toContain('擅自离岗');
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
    const notes = after.history.map((e) => e.why ?? '');
    expect(notes.find((w) => w.startsWith('【管理期·事件 retired'))).toContain('退休');
    expect(notes.find((w) => w.startsWith('【管理期·停止激励待遇】'))).toContain('（一）退休');
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
