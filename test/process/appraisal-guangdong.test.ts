/**
 * appraisal-guangdong (002) end to end: the real model and the models it calls (candidate-review,
 * publicity, certificate-issuance), the DMN, the forms and every worker with the registry, on a
 * pinned engine clock (batch 1 of 2026: 4月启动，7月10日前完成). Every user task is completed with
 * what its form submits.
 *
 * - 特级技师 of a local enterprise: the city's review is final (no provincial task);
 * - 首席技师: the city pre-reviews, the province reviews, the province publicizes the 首席技师 list;
 * - 特级技师 of a 省属备案 enterprise: straight to the province;
 * - the city returns a candidate for supplements (reported and reviewed again) and rejects another;
 * - the batch deadline: reminder 10 working days before (city), escalation at the deadline
 *   (province): urge with a new date, move to batch 2 (new reminder and deadline), terminate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcessHarness, type ProcessHarness, type UserTask } from '../support/process.js';

const PINNED = '2026-04-15T09:00:00+08:00';
const OCC = '6-18-01-01';
const PANEL = ['expert.huang', 'expert.lin'];
const WORK = [{ occupationCode: OCC, related: false, from: '2004-07-01', to: null }];
/** GD-T-1 (002 四(一)1): 高级技师 certificate, then ≥ 1 year in the occupation. */
const T_RECORD = { certificates: [{ level: '1', occupationCode: OCC, obtainedOn: '2020-03-01' }], workHistory: WORK };
/** GD-S-H + GD-S-2 (002 四(二)): 南粤技术能手 and 高级技师 certificate, then ≥ 3 years. */
const S_RECORD = {
  certificates: [{ level: '1', occupationCode: OCC, obtainedOn: '2018-03-01' }],
  workHistory: WORK,
  honors: [{ type: 'technical-expert', tier: 'provincial', awardedOn: '2021-05-01' }],
};
const CITY = 'city-440300';
const PROVINCE = 'province-44';

let h: ProcessHarness;
beforeAll(async () => {
  h = await startProcessHarness({ pinnedAt: PINNED });
}, 60_000);
afterAll(() => h?.stop());

// ------------------------------------------------------------------------------------------------
// helpers

const waitForTasks = (pi: string, elementId: string, n: number, timeoutMs?: number): Promise<UserTask[]> => h.waitForTasks(pi, elementId, n, timeoutMs);

/** Every user task of the family ever created for an element (any state). */
async function tasksEver(pi: string, elementId: string): Promise<UserTask[]> {
  const keys = new Set(await h.family(pi));
  const res = await h.http('POST', '/v2/user-tasks/search', { filter: { elementId }, page: { limit: 1000 } });
  return (res.body.items as UserTask[]).filter((t) => keys.has(t.processInstanceKey));
}

const taskVariables = (task: UserTask): Promise<Record<string, unknown>> => h.taskVariables(task);

async function calledInstance(pi: string, processDefinitionId: string): Promise<string> {
  const keys = new Set(await h.family(pi));
  const res = await h.http('POST', '/v2/process-instances/search', { filter: { processDefinitionId, state: 'ACTIVE' }, page: { limit: 1000 } });
  const found = (res.body.items as Array<{ processInstanceKey: string }>).find((i) => keys.has(i.processInstanceKey));
  if (!found) throw new Error(`no active ${processDefinitionId} instance under ${pi}`);
  return found.processInstanceKey;
}

/** Lets the open publicity window pass without objections; returns its notice id. */
async function passPublicity(pi: string, investigatorGroup: string): Promise<string> {
  await h.waitForElement({ processInstanceKey: pi, elementId: 'window-ends', timeoutMs: 20_000 });
  const vars = await h.variables(await calledInstance(pi, 'publicity'));
  expect(vars.investigatorGroup).toBe(investigatorGroup);
  await h.advanceClock(new Date(Date.parse((vars.window as { endsAt: string }).endsAt) + 9 * 3600_000 + 1000).toISOString());
  return vars.noticeId as string;
}

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(h.now());

const PLAN = {
  plan: {
    title: '2026年第一期特级技师、首席技师评聘工作方案',
    occupations: [{ code: OCC, name: '车工', positions: 3 }],
    conditions: '符合《广东省2024年特级技师、首席技师评聘工作方案》四规定的基本条件，并符合本企业岗位条件。',
    method: '业绩量化考核与面试答辩相结合',
    evaluationMethods: [
      { key: 'performance', weightPercent: 60 },
      { key: 'defence', weightPercent: 40 },
    ],
    organizationMode: 'self',
    startOn: '2026-04-15',
    endOn: '2026-07-05',
    schedule: '4月启动，5月评审，6月公示报备，7月10日前完成',
    appointmentArrangements: '通过评审的人员签订三年聘任协议，比照本企业正高级职称人员享受待遇。',
    publishedOn: '2026-04-15',
    publicationChannel: 'notice-board',
    publishedToAllStaff: true,
  },
  passMark: 70,
};

const EVALUATION_PLAN = {
  evaluationPlan: { submittedOn: '2026-04-16', systemReference: 'GDPJ-2026-0001', reviewStartOn: '2026-04-20', reviewEndOn: '2026-05-31', candidateCount: 2 },
};

const PANEL_FORM = {
  panelMembers: [
    { userId: PANEL[0], name: '黄评委', role: 'leader', affiliation: 'external' },
    { userId: PANEL[1], name: '林评委', role: 'member', affiliation: 'internal' },
  ],
};

const MATERIALS = { resultRoster: true, plan: true, filing: true, reviewRecords: true, publicity: true, applicantMaterials: true };
const REPORT = (level: 'T' | 'S') => ({ resultsReport: { reportedOn: today(), systemReference: 'GDJG-2026-0001', materials: level === 'S' ? { ...MATERIALS, provincialHonours: true } : MATERIALS } });

const APPOINTMENT = { appointment: { signedOn: '2026-06-01', startOn: '2026-06-01', endOn: '2029-05-31', post: '技能领军岗位' } };

async function seedCampaign(n: number, level: 'T' | 'S', people: Array<{ name: string; record: Record<string, unknown> }>, enterprise: Record<string, unknown> = {}) {
  const ent = await h.seed.enterprise({ jurisdiction: 'guangdong', n, enterprise });
  const cmp = await h.seed.campaign(ent, { levels: [level] });
  const apps: Array<{ id: string; idNumber: string; name: string }> = [];
  for (const [i, p] of people.entries()) {
    const applicant = h.seed.applicant({ n: n * 10 + i, name: p.name, record: p.record });
    apps.push({ id: (await h.seed.application(cmp.id, applicant, level)).id, idNumber: applicant.idNumber, name: p.name });
  }
  return { ent, cmp, apps, hr: `enterprise-${ent.creditCode}-hr` };
}

/** Plan, evaluation plan, panel, review (all pass) and the results publicity. */
async function throughPublicity(pi: string, hr: string, count: number): Promise<void> {
  await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-plan', candidateGroup: hr }), PLAN);
  await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'submit-evaluation-plan', candidateGroup: hr }), EVALUATION_PLAN);
  await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: hr }), PANEL_FORM);
  for (const t of await waitForTasks(pi, 'review-materials', count)) await h.completeUserTask(t, { materialsCheck: 'complete' });
  for (const t of await waitForTasks(pi, 'score-candidate', count * PANEL.length)) {
    const seed = (await taskVariables(t)).itemScores as Array<{ key: string }>;
    await h.completeUserTask(t, { itemScores: seed.map((s) => ({ key: s.key, score: 88 })) }, { as: t.assignee as string });
  }
  await passPublicity(pi, hr);
}

type Decision = { decision: 'approve' | 'return' | 'reject'; reason?: string };

/** Completes a review task (review-city / review-province) with a decision per seeded candidate. */
async function review(task: UserTask, listKey: 'cityDecisions' | 'provinceDecisions', decide: (applicationId: string) => Decision, comment: string): Promise<string[]> {
  const seeded = (await taskVariables(task))[listKey] as Array<{ applicationId: string }>;
  await h.completeUserTask(task, {
    [listKey]: seeded.map((row) => ({ applicationId: row.applicationId, ...decide(row.applicationId) })),
    [listKey === 'cityDecisions' ? 'cityReviewComment' : 'provinceReviewComment']: comment,
  });
  return seeded.map((r) => r.applicationId);
}

async function appointAll(pi: string, n: number) {
  for (const t of await waitForTasks(pi, 'record-appointment', n)) await h.completeUserTask(t, APPOINTMENT);
}

const statusOf = async (id: string) => (await h.registry.applications.get(id))!.status;

// ------------------------------------------------------------------------------------------------

describe('appraisal-guangdong', () => {
  it('特级技师 of a local enterprise: the city review is final, T certificates', async () => {
    const { ent, cmp, apps, hr } = await seedCampaign(11, 'T', [
      { name: '陈技能', record: T_RECORD },
      { name: '何匠心', record: T_RECORD },
    ]);
    const pi = await h.startProcess('appraisal-guangdong', { campaignId: cmp.id });
    await throughPublicity(pi, hr, 2);

    const report = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'report-results', candidateGroup: hr });
    await h.completeUserTask(report, REPORT('T'));
    const city = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-city', candidateGroup: CITY });
    const seeded = await review(city, 'cityDecisions', () => ({ decision: 'approve' }), '材料齐全，符合特级技师条件，审核通过。');
    expect([...seeded].sort()).toEqual(apps.map((a) => a.id).sort());

    await appointAll(pi, 2);
    const vars = await h.waitForCompletion(pi, 30_000);
    expect(await tasksEver(pi, 'review-province')).toHaveLength(0);
    expect(await tasksEver(pi, 'deadline-reminder')).toHaveLength(0);

    const certificates = vars.certificates as Array<{ applicationId: string; certificateCode: string }>;
    expect(certificates.map((c) => c.applicationId).sort()).toEqual(apps.map((a) => a.id).sort());
    for (const c of certificates) {
      expect(c.certificateCode).toMatch(/^Y000044000011\d{2}T\d{6}$/);
      expect(await statusOf(c.applicationId)).toBe('appointed');
    }
    expect(vars.reviewLog).toEqual(
      expect.arrayContaining(apps.map((a) => expect.objectContaining({ round: 1, stage: 'city', applicationId: a.id, decision: 'approve' }))),
    );
    expect(vars.prerequisites).toMatchObject({ met: true, basis: ['GD-E-1', 'GD-E-2'] });
    expect(vars.campaign).toMatchObject({ jurisdiction: 'guangdong', level: 'T', batch: 1, deadline: '2026-07-10' });
    expect(vars.reminderAt).toBe('2026-06-26T09:00:00+08:00'); // the 10th working day before Friday 07-10
    expect(vars.deadlineAt).toBe('2026-07-10T23:59:59+08:00');
    expect(vars.resultsReport).toMatchObject({ materials: MATERIALS });
    expect((await h.registry.campaigns.get(cmp.id))!.status).toBe('archived');
    expect(ent.provinciallyFiled).toBe(false);
  }, 120_000);

  it('首席技师: city pre-review, province review, 首席技师 list published by the province, S certificates', async () => {
    const { cmp, apps, hr } = await seedCampaign(12, 'S', [
      { name: '梁首席', record: S_RECORD },
      { name: '罗领军', record: S_RECORD },
    ]);
    const [liang, luo] = apps as [(typeof apps)[0], (typeof apps)[0]];
    const pi = await h.startProcess('appraisal-guangdong', { campaignId: cmp.id });
    await throughPublicity(pi, hr, 2);

    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'report-results', candidateGroup: hr }), REPORT('S'));
    await review(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-city', candidateGroup: CITY }), 'cityDecisions', () => ({ decision: 'approve' }), '初审通过，报省技能中心审核。');
    const province = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-province', candidateGroup: PROVINCE });
    expect((await taskVariables(province)).cityReviewComment).toBe('初审通过，报省技能中心审核。');
    await review(province, 'provinceDecisions', (id) => (id === liang.id ? { decision: 'approve' } : { decision: 'reject', reason: '省级以上表彰与参评职业不相关' }), '审核完成。');

    // The 首席技师 list, publicized by the province (002 五(二)2②).
    const noticeId = await passPublicity(pi, PROVINCE);
    const notice = (await h.registry.notices.get(noticeId))!;
    expect(notice.kind).toBe('chief-list');
    expect(notice.entries.map((e) => e.applicationId)).toEqual([liang.id]);

    await appointAll(pi, 1);
    const vars = await h.waitForCompletion(pi, 30_000);
    const certificates = vars.certificates as Array<{ applicationId: string; certificateCode: string }>;
    expect(certificates).toHaveLength(1);
    expect(certificates[0]!.applicationId).toBe(liang.id);
    expect(certificates[0]!.certificateCode).toMatch(/^Y000044000012\d{2}S\d{6}$/);
    expect(certificates[0]!.certificateCode[15]).toBe('S');
    expect(await statusOf(luo.id)).toBe('rejected');
    expect(vars.reviewRejected).toEqual([{ applicationId: luo.id, stage: 'province', reason: '省级以上表彰与参评职业不相关' }]);
    expect((vars.reviewLog as unknown[]).length).toBe(4); // city ×2, province ×2
  }, 120_000);

  it('特级技师 of a 省属备案 enterprise: reviewed by the province, not the city', async () => {
    const { cmp, apps, hr } = await seedCampaign(13, 'T', [{ name: '冯省属', record: T_RECORD }], { provinciallyFiled: true });
    const pi = await h.startProcess('appraisal-guangdong', { campaignId: cmp.id });
    await throughPublicity(pi, hr, 1);
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'report-results', candidateGroup: hr }), REPORT('T'));
    const province = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-province', candidateGroup: PROVINCE });
    const vars = await taskVariables(province);
    expect(vars.provinceDecisions).toEqual([{ applicationId: apps[0]!.id }]);
    expect(vars.cityReviewComment).toBeNull();
    await review(province, 'provinceDecisions', () => ({ decision: 'approve' }), '省属备案企业特级技师材料审核通过。');
    await appointAll(pi, 1);
    const done = await h.waitForCompletion(pi, 30_000);
    expect(await tasksEver(pi, 'review-city')).toHaveLength(0);
    expect(await tasksEver(pi, 'publicize-chief-list')).toHaveLength(0);
    expect((done.certificates as Array<{ certificateCode: string }>)[0]!.certificateCode).toMatch(/^Y000044000013\d{2}T\d{6}$/);
  }, 120_000);

  it('the city returns a candidate for supplements (reported and reviewed again) and rejects another', async () => {
    const { cmp, apps, hr } = await seedCampaign(14, 'T', [
      { name: '郑通过', record: T_RECORD },
      { name: '谢补正', record: T_RECORD },
      { name: '韩不过', record: T_RECORD },
    ]);
    const [zheng, xie, han] = apps as [(typeof apps)[0], (typeof apps)[0], (typeof apps)[0]];
    const pi = await h.startProcess('appraisal-guangdong', { campaignId: cmp.id });
    await throughPublicity(pi, hr, 3);

    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'report-results', candidateGroup: hr }), REPORT('T'));
    const first = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-city', candidateGroup: CITY });
    await review(
      first,
      'cityDecisions',
      (id) => (id === zheng.id ? { decision: 'approve' } : id === xie.id ? { decision: 'return', reason: '缺少工作年限证明，请补正' } : { decision: 'reject', reason: '业绩材料不足以支撑特级技师' }),
      '一人退回补正，一人不通过。',
    );

    // Returned: the enterprise reports again (the form opens afresh for the reviewer), the city reviews only him.
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'report-results', candidateGroup: hr }), REPORT('T'));
    const second = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-city', candidateGroup: CITY });
    const again = await taskVariables(second);
    expect(again.cityDecisions).toEqual([{ applicationId: xie.id }]);
    expect(again.cityReviewComment).toBeNull();
    expect(again.reviewReturned).toEqual([{ applicationId: xie.id, stage: 'city', reason: '缺少工作年限证明，请补正' }]);
    await review(second, 'cityDecisions', () => ({ decision: 'approve' }), '补正材料齐全，审核通过。');

    await appointAll(pi, 2);
    const vars = await h.waitForCompletion(pi, 30_000);
    expect((vars.certificates as Array<{ applicationId: string }>).map((c) => c.applicationId).sort()).toEqual([zheng.id, xie.id].sort());
    expect(await statusOf(han.id)).toBe('rejected');
    expect(await h.registry.certificates.byApplication(han.id)).toBeUndefined();
    expect(vars.reviewLog).toHaveLength(4);
    expect(vars.reviewLog).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ round: 1, stage: 'city', applicationId: zheng.id, decision: 'approve' }),
        expect.objectContaining({ round: 1, stage: 'city', applicationId: xie.id, decision: 'return', reason: '缺少工作年限证明，请补正' }),
        expect.objectContaining({ round: 1, stage: 'city', applicationId: han.id, decision: 'reject' }),
        expect.objectContaining({ round: 2, stage: 'city', applicationId: xie.id, decision: 'approve' }),
      ]),
    );
    const history = (await h.registry.applications.get(xie.id))!.history.map((e) => e.why ?? '');
    expect(history.some((w) => w.includes('市级审核退回补正：缺少工作年限证明'))).toBe(true);
    expect(history.some((w) => w.includes('市级审核通过（第 2 轮）'))).toBe(true);
  }, 120_000);

  it('the batch deadline: reminder (city) 10 working days before, escalation (province) at the deadline: urge, next batch, terminate', async () => {
    const { cmp, hr } = await seedCampaign(15, 'T', [{ name: '曾逾期', record: T_RECORD }]);
    const pi = await h.startProcess('appraisal-guangdong', { campaignId: cmp.id });
    const plan = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-plan', candidateGroup: hr });

    // 10 working days before Friday 2026-07-10: Friday 06-26, 09:00.
    await h.advanceClock('2026-06-26T08:59:00+08:00');
    await new Promise((r) => setTimeout(r, 300));
    expect(await tasksEver(pi, 'deadline-reminder')).toHaveLength(0);
    await h.advanceClock('2026-06-26T09:00:01+08:00');
    const reminder = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'deadline-reminder', candidateGroup: CITY });
    expect((await taskVariables(reminder)).reminderAt).toBe('2026-06-26T09:00:00+08:00');
    await h.completeUserTask(reminder, { reminder: { remindedOn: '2026-06-26', channel: 'phone', expectedCompletionOn: '2026-07-08', note: '已电话督促企业抓紧制定方案。' } });

    // At the deadline's end the province decides; the enterprise's task is still open (non-interrupting).
    await h.advanceClock('2026-07-11T00:00:00+08:00');
    let escalation = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'deadline-escalation', candidateGroup: PROVINCE });
    expect((await taskVariables(escalation)).reminder).toMatchObject({ channel: 'phone' });
    expect((await tasksEver(pi, 'draft-plan')).filter((t) => t.state === 'CREATED').map((t) => t.userTaskKey)).toEqual([plan.userTaskKey]);
    await h.completeUserTask(escalation, { escalation: { decision: 'urge', newDeadline: '2026-07-20', note: '督促企业于7月20日前完成。' } });

    // The urged date passes: the province decides again, now moving the campaign to batch 2.
    await h.advanceClock('2026-07-21T00:00:00+08:00');
    escalation = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'deadline-escalation', candidateGroup: PROVINCE });
    expect((await taskVariables(escalation)).escalation).toBeNull(); // the form opens afresh
    await h.completeUserTask(escalation, { escalation: { decision: 'next-batch', note: '转入第二期评聘。' } });
    await expect.poll(async () => (await h.variables(pi)).campaign, { timeout: 10_000 }).toMatchObject({ batch: 2, deadline: '2026-10-30' });
    const vars = await h.variables(pi);
    expect(vars.reminderAt).toBe('2026-10-16T09:00:00+08:00');
    expect(vars.deadlineAt).toBe('2026-10-30T23:59:59+08:00');

    await h.advanceClock('2026-10-16T09:00:01+08:00');
    const second = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'next-deadline-reminder', candidateGroup: CITY });
    expect((await taskVariables(second)).reminder).toBeNull();
    await h.completeUserTask(second, { reminder: { remindedOn: '2026-10-16', channel: 'document', note: '书面通知企业第二期完成时限。' } });

    await h.advanceClock('2026-10-31T00:00:00+08:00');
    escalation = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'deadline-escalation', candidateGroup: PROVINCE });
    await h.completeUserTask(escalation, { escalation: { decision: 'terminate', note: '两期均未完成，终止本期评聘。' } });

    const done = await h.waitForCompletion(pi, 20_000);
    expect(done.archives).toHaveLength(2);
    expect((await tasksEver(pi, 'draft-plan')).every((t) => t.state !== 'CREATED')).toBe(true);
    const stored = (await h.registry.campaigns.get(cmp.id))!;
    expect(stored.status).toBe('archived');
    const snapshot = (await h.registry.archives.list(cmp.id)).find((a) => a.retentionClass === 'electronic')!.content as { campaign: { status: string } };
    expect(snapshot.campaign.status).toBe('cancelled');
    const audit = await h.registry.audit.list({ entityType: 'campaign', entityId: cmp.id });
    expect(audit.some((e) => JSON.stringify(e.details).includes('转入第二期评聘'))).toBe(true);
    expect(audit.some((e) => JSON.stringify(e.details).includes('终止本期评聘'))).toBe(true);
  }, 120_000);
});
