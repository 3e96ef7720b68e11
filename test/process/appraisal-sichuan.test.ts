/**
 * appraisal-sichuan (001 四(六)(七), 特级技师) end to end: the real model and the models it calls
 * (candidate-review, publicity, certificate-issuance, management-period), the DMN, the forms and every
 * worker with the registry, on a pinned engine clock. Every user task is completed with what its form
 * submits.
 *
 * - happy path: places reserved for the recommended candidates, the one the unit does not recommend
 *   after the initial review gives its place back, city review, 综评, publicity, 核准, certificates,
 *   and a three-year management period per appointee;
 * - quota exhausted (another campaign of the unit holds a place): back to HR with the reason, no incident;
 * - the city rejects a candidate: its place is released;
 * - the city sends the plan back: HR revises it, the dropped candidate's place is released.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcessHarness, SEED_BY, type ProcessHarness, type UserTask } from '../support/process.js';

const PINNED = '2026-09-01T09:00:00+08:00';
const OCC = '6-18-01-01';
const PANEL = ['expert.zhang', 'expert.huang'];
const WORK = [{ occupationCode: OCC, related: false, from: '2003-07-01', to: null }];
/** 001 附件3 一(二): 高级技师 + 5 years on a 高级技师 post + still in the occupation. */
const QUALIFIED = { certificates: [{ level: '1', occupationCode: OCC, obtainedOn: '2014-05-01' }], posts: [{ level: '1', from: '2015-01-01', to: null }], workHistory: WORK };

let h: ProcessHarness;
beforeAll(async () => {
  h = await startProcessHarness({ pinnedAt: PINNED });
}, 60_000);
afterAll(() => h?.stop());

// ------------------------------------------------------------------------------------------------
// helpers

const waitForTasks = (pi: string, elementId: string, n: number, timeoutMs?: number): Promise<UserTask[]> => h.waitForTasks(pi, elementId, n, timeoutMs);

const taskVariables = (task: UserTask): Promise<Record<string, unknown>> => h.taskVariables(task);

async function calledInstances(pi: string, processDefinitionId: string): Promise<string[]> {
  const keys = new Set(await h.family(pi));
  const res = await h.http('POST', '/v2/process-instances/search', { filter: { processDefinitionId, state: 'ACTIVE' }, page: { limit: 1000 } });
  return (res.body.items as Array<{ processInstanceKey: string }>).map((i) => i.processInstanceKey).filter((k) => keys.has(k));
}

/** 001 四(六): 个人述职、成果展示、面试答辩、综合评议、业绩量化考核. */
const FIVE_ITEMS = [
  { key: 'debrief', weightPercent: 20 },
  { key: 'showcase', weightPercent: 20 },
  { key: 'defence', weightPercent: 20 },
  { key: 'deliberation', weightPercent: 10 },
  { key: 'performance', weightPercent: 30 },
];

const plan = (recommendedApplications: string[], positions = recommendedApplications.length) => ({
  plan: {
    title: '2026年度特级技师初评和拟聘用工作方案',
    occupations: [{ code: OCC, name: '车工', positions }],
    initialReview: {
      conditions: '不低于省级评定条件：高级技师岗位工作满5年、仍从事本职业并具有高级技师等级（001 附件3 一）。',
      method: '个人述职、成果展示、面试答辩、综合评议和业绩量化考核相结合',
      evaluationMethods: FIVE_ITEMS,
      startOn: '2026-09-01',
      endOn: '2026-10-31',
      schedule: '9月初评，10月报市级审核',
    },
    hiring: { positions, managementTargets: '三年管理期内完成两项关键工艺攻关，带徒不少于四名。', payMeasures: '比照本单位正高级职称人员享受同等待遇（001 四(三)）。' },
  },
  recommendedApplications,
  passMark: 70,
});

const PANEL_FORM = {
  panelMembers: [
    { userId: PANEL[0], name: '张评委', role: 'leader', affiliation: 'external', expertise: '机械加工' },
    { userId: PANEL[1], name: '黄评委', role: 'member', affiliation: 'internal' },
  ],
};

const APPOINTMENT = { appointment: { signedOn: '2026-09-20', startOn: '2026-10-01', endOn: '2029-09-30', post: '特级技师（车工）' } };

async function seedCampaign(n: number, names: string[], quota: number) {
  const ent = await h.seed.enterprise({ jurisdiction: 'sichuan', n });
  const cmp = await h.seed.campaign(ent, { levels: ['T'] });
  await h.registry.quotas.set({ creditCode: ent.creditCode, year: 2026, level: 'T', quota, by: SEED_BY });
  const apps: Array<{ id: string; name: string }> = [];
  for (const [i, name] of names.entries()) {
    const applicant = h.seed.applicant({ n: n * 10 + i, name, region: '510104', record: QUALIFIED });
    apps.push({ id: (await h.seed.application(cmp.id, applicant)).id, name });
  }
  const groups = { hr: `enterprise-${ent.creditCode}-hr`, city: 'city-510100', province: 'province-51' };
  return { ent, cmp, apps, groups, quotaKey: { creditCode: ent.creditCode, year: 2026, level: 'T' as const } };
}

async function approvePlan(pi: string, city: string, decision: 'approve' | 'revise' = 'approve', reason = '方案符合要求，同意实施。') {
  const task = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'approve-plan', candidateGroup: city });
  await h.completeUserTask(task, { planDecision: decision, planDecisionReason: reason });
}

/** Panel set up, materials complete, every member scores `score` per item for each candidate. */
async function initialReview(pi: string, hr: string, scores: Record<string, number>) {
  await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: hr }), PANEL_FORM);
  const ids = Object.keys(scores);
  for (const t of await waitForTasks(pi, 'review-materials', ids.length)) await h.completeUserTask(t, { materialsCheck: 'complete' });
  for (const t of await waitForTasks(pi, 'score-candidate', ids.length * PANEL.length)) {
    const v = await taskVariables(t);
    const seed = v.itemScores as Array<{ key: string }>;
    expect(seed.map((s) => s.key)).toEqual(FIVE_ITEMS.map((i) => i.key));
    await h.completeUserTask(t, { itemScores: seed.map((s) => ({ key: s.key, score: scores[v.applicationId as string]! })) }, { as: t.assignee as string });
  }
}

async function recommend(pi: string, hr: string, ids: string[]) {
  const task = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'recommend-list', candidateGroup: hr });
  return h.completeUserTask(task, { recommendedApplications: ids, recommendationNote: '经初评，推荐以上人选报市级审核。' });
}

async function cityReview(pi: string, city: string, decisions: Record<string, 'approve' | 'reject' | 'return'>) {
  const task = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-city', candidateGroup: city });
  const seed = (await taskVariables(task)).cityDecisions as Array<{ applicationId: string }>;
  await h.completeUserTask(task, {
    cityDecisions: seed.map((r) => ({ applicationId: r.applicationId, decision: decisions[r.applicationId]!, ...(decisions[r.applicationId] === 'approve' ? {} : { reason: '业绩材料不足以证明其主持完成的技改项目。' }) })),
    cityReviewComment: '经审核，报省人力资源社会保障厅综评。',
  });
  return seed.map((r) => r.applicationId);
}

const quotaOf = async (key: { creditCode: string; year: number; level: 'T' }) => (await h.registry.quotas.get(key))!;
const reservation = async (id: string) => h.registry.quotas.reservation(id);
const statusOf = async (id: string) => (await h.registry.applications.get(id))!.status;
const cancel = (pi: string) => h.http('POST', `/v2/process-instances/${pi}/cancellation`, {});

// ------------------------------------------------------------------------------------------------

describe('appraisal-sichuan', () => {
  it('特级技师: quota reserved, initial review, city review, 综评, publicity, 核准, certificates and a management period per appointee', async () => {
    const { ent, cmp, apps, groups, quotaKey } = await seedCampaign(1, ['王建川', '李蜀明', '赵天府'], 3);
    const [wang, li, zhao] = apps as [(typeof apps)[0], (typeof apps)[0], (typeof apps)[0]];
    const pi = await h.startProcess('appraisal-sichuan', { campaignId: cmp.id });

    const draft = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-plan', candidateGroup: groups.hr });
    const shown = await taskVariables(draft);
    expect(shown.quota).toEqual({ quota: 3, reserved: 0, available: 3 });
    expect(shown.prerequisites).toMatchObject({ met: true });
    expect((shown.candidates as Array<{ applicationId: string }>).map((c) => c.applicationId).sort()).toEqual(apps.map((a) => a.id).sort());
    const submitted = await h.completeUserTask(draft, plan([wang.id, li.id, zhao.id]));
    expect((submitted.scoringItems as Array<{ key: string; weight: number }>).map((s) => s.key)).toEqual(['debrief', 'showcase', 'defence', 'deliberation', 'performance']);

    await approvePlan(pi, groups.city);
    // Every recommended candidate holds a place, keyed by the application id (001 四(六)).
    expect(await quotaOf(quotaKey)).toMatchObject({ quota: 3, reserved: 3 });
    for (const a of apps) expect(await reservation(a.id)).toMatchObject({ status: 'reserved' });

    await initialReview(pi, groups.hr, { [wang.id]: 92, [li.id]: 86, [zhao.id]: 60 });
    await h.waitForUserTask({ processInstanceKey: pi, elementId: 'recommend-list', candidateGroup: groups.hr });
    const results = (await h.variables(pi)).reviewResults as Array<{ applicationId: string; passed: boolean; score: number }>;
    expect(results.find((r) => r.applicationId === zhao.id)).toMatchObject({ passed: false });

    const list = await recommend(pi, groups.hr, [wang.id, li.id]);
    expect(list.notRecommendedApplications).toEqual([zhao.id]);
    await cityReview(pi, groups.city, { [wang.id]: 'approve', [li.id]: 'approve' });
    // 赵 was not recommended after the initial review: the place goes back.
    expect(await reservation(zhao.id)).toMatchObject({ status: 'released' });
    expect(await quotaOf(quotaKey)).toMatchObject({ reserved: 2 });

    const comprehensive = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'comprehensive-review', candidateGroup: groups.province });
    const seeded = (await taskVariables(comprehensive)).comprehensiveDecisions as Array<{ applicationId: string }>;
    expect(seeded.map((r) => r.applicationId).sort()).toEqual([wang.id, li.id].sort());
    await h.completeUserTask(comprehensive, {
      comprehensiveDecisions: seeded.map((r) => ({ applicationId: r.applicationId, decision: 'pass' })),
      comprehensiveReviewOn: '2026-09-02',
      comprehensiveParticipants: '省人社厅、省国资委、用人单位',
      comprehensiveComment: '综评通过，予以公示。',
    });

    // Results publicity by the province: 5 working days from 09-01 (Tue) → ends 09-07 23:59:59.
    await h.waitForElement({ processInstanceKey: pi, elementId: 'window-ends', timeoutMs: 20_000 });
    const [publicityPi] = await calledInstances(pi, 'publicity');
    const pubVars = await h.variables(publicityPi!);
    expect(pubVars.window).toMatchObject({ endsAt: '2026-09-07T23:59:59+08:00' });
    expect(pubVars.investigatorGroup).toBe(groups.province);
    const notice = await h.registry.notices.get(pubVars.noticeId as string);
    expect(notice).toMatchObject({ kind: 'results' });
    expect(notice!.entries.map((e) => e.applicationId).sort()).toEqual([wang.id, li.id].sort());
    await h.advanceClock('2026-09-08T09:00:00+08:00');

    const approval = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'approve-appointment', candidateGroup: groups.province });
    const toApprove = (await taskVariables(approval)).approvalDecisions as Array<{ applicationId: string }>;
    await h.completeUserTask(approval, {
      approvalDecisions: toApprove.map((r) => ({ applicationId: r.applicationId, decision: 'approve' })),
      approvedOn: '2026-09-10',
      approvalDocumentNumber: '川人社核〔2026〕8号',
      approvalComment: '同意聘任。',
    });

    for (const t of await waitForTasks(pi, 'record-appointment', 2)) await h.completeUserTask(t, APPOINTMENT);

    // One management period per appointee, from 2026-10-01 (the 1st of the month after 核准, 附件4 第一条).
    await expect.poll(async () => (await calledInstances(pi, 'management-period')).length, { timeout: 20_000 }).toBe(2);
    const periods = await calledInstances(pi, 'management-period');
    const held = new Set<string>();
    for (const mp of periods) {
      await h.waitForElement({ processInstanceKey: mp, elementId: 'wait-anniversary' });
      const v = await h.variables(mp);
      expect(v.managementPeriod).toMatchObject({ startOn: '2026-10-01', endOn: '2029-09-30' });
      expect(v.recommendedBy).toBe('city');
      expect(v.approvedOn).toBe('2026-09-10');
      expect(v.enterprise).toMatchObject({ creditCode: ent.creditCode });
      expect(v.plan).toBeUndefined(); // only what the period needs is passed on
      held.add((v.holder as { applicationId: string }).applicationId);
      const cert = await h.registry.certificates.get(v.certificateCode as string);
      expect(cert).toMatchObject({ level: 'T', status: 'valid', applicationId: (v.holder as { applicationId: string }).applicationId });
    }
    expect([...held].sort()).toEqual([wang.id, li.id].sort());

    const vars = await h.variables(pi);
    expect((vars.certificates as unknown[]).length).toBe(2);
    expect(await statusOf(wang.id)).toBe('appointed');
    expect(await statusOf(li.id)).toBe('appointed');
    expect((await h.registry.campaigns.get(cmp.id))!.status).toBe('archived');
    expect(await quotaOf(quotaKey)).toMatchObject({ reserved: 2 });
    expect(await h.state(pi)).toBe('ACTIVE'); // until the management periods end
    await cancel(pi);
  }, 120_000);

  it('quota exhausted: back to HR with the reason (no incident); the revised plan fits', async () => {
    const { cmp, apps, groups, quotaKey, ent } = await seedCampaign(2, ['钱成都', '孙绵阳'], 2);
    const [qian, sun] = apps as [(typeof apps)[0], (typeof apps)[0]];
    // Another 特级技师 campaign of the unit this year already holds one of the two places.
    const other = await h.seed.campaign(ent, { levels: ['T'], id: `${cmp.id}-other` });
    const otherApp = await h.seed.application(other.id, h.seed.applicant({ n: 29, name: '周德阳', region: '510104', record: QUALIFIED }));
    await h.registry.quotas.reserve({ reservationId: otherApp.id, ...quotaKey, by: SEED_BY });

    const pi = await h.startProcess('appraisal-sichuan', { campaignId: cmp.id });
    let draft = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-plan', candidateGroup: groups.hr });
    expect((await taskVariables(draft)).quota).toEqual({ quota: 2, reserved: 1, available: 1 });
    await h.completeUserTask(draft, plan([qian.id, sun.id]));

    // One place for two: the plan comes back to HR, with who is short and why.
    draft = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-plan', candidateGroup: groups.hr });
    const back = await taskVariables(draft);
    expect(back.quota).toEqual({ quota: 2, reserved: 2, available: 0 });
    const shortfall = back.quotaShortfall as { applicationIds: string[]; reasons: string[] };
    expect(shortfall.applicationIds).toHaveLength(1);
    expect(shortfall.reasons[0]).toContain('推荐名额已用完');
    expect((await h.http('POST', '/v2/incidents/search', { filter: { state: 'ACTIVE' } })).body.items).toEqual([]);
    const holder = [qian.id, sun.id].find((id) => !shortfall.applicationIds.includes(id))!;

    // HR recommends one candidate only; a place is held for exactly one.
    await h.completeUserTask(draft, plan([shortfall.applicationIds[0]!]));
    await h.waitForUserTask({ processInstanceKey: pi, elementId: 'approve-plan', candidateGroup: groups.city });
    expect(await quotaOf(quotaKey)).toMatchObject({ quota: 2, reserved: 2 });
    expect(await reservation(holder)).toMatchObject({ status: 'released' });
    expect(await reservation(shortfall.applicationIds[0]!)).toMatchObject({ status: 'reserved' });
    expect((await h.variables(pi)).quotaReservations).toEqual([expect.objectContaining({ applicationId: shortfall.applicationIds[0], reserved: true })]);
    await cancel(pi);
  }, 60_000);

  it('the city rejects a candidate: its place is released', async () => {
    const { cmp, apps, groups, quotaKey } = await seedCampaign(3, ['吴乐山', '郑宜宾'], 2);
    const [wu, zheng] = apps as [(typeof apps)[0], (typeof apps)[0]];
    const pi = await h.startProcess('appraisal-sichuan', { campaignId: cmp.id });
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-plan', candidateGroup: groups.hr }), plan([wu.id, zheng.id]));
    await approvePlan(pi, groups.city);
    await initialReview(pi, groups.hr, { [wu.id]: 90, [zheng.id]: 88 });
    await recommend(pi, groups.hr, [wu.id, zheng.id]);
    expect(await quotaOf(quotaKey)).toMatchObject({ reserved: 2 });
    await cityReview(pi, groups.city, { [wu.id]: 'approve', [zheng.id]: 'reject' });

    const comprehensive = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'comprehensive-review', candidateGroup: groups.province });
    expect(((await taskVariables(comprehensive)).comprehensiveDecisions as Array<{ applicationId: string }>).map((r) => r.applicationId)).toEqual([wu.id]);
    expect(await reservation(zheng.id)).toMatchObject({ status: 'released' });
    expect(await reservation(wu.id)).toMatchObject({ status: 'reserved' });
    expect(await quotaOf(quotaKey)).toMatchObject({ quota: 2, reserved: 1 });
    await cancel(pi);
  }, 60_000);

  it('首席技师 (001 四(七)): only in a unit already running 特级技师 评聘; list and hiring plan to the city together, then 综评', async () => {
    // A unit that never ran 特级技师 评聘 may not appoint 首席技师 (001 附件3 二): cancelled and archived.
    const fresh = await h.seed.enterprise({ jurisdiction: 'sichuan', n: 5 });
    const refused = await h.seed.campaign(fresh, { levels: ['S'] });
    const refusedPi = await h.startProcess('appraisal-sichuan', { campaignId: refused.id });
    const done = await h.waitForCompletion(refusedPi, 20_000);
    expect(done.prerequisites).toMatchObject({ met: false });
    expect((await h.registry.campaigns.get(refused.id))!.status).toBe('archived');

    const ent = await h.seed.enterprise({ jurisdiction: 'sichuan', n: 6 });
    const special = await h.seed.campaign(ent, { levels: ['T'], id: 'SC-T-2025-6', year: 2025, deadline: '2025-10-30' });
    await h.registry.campaigns.setStatus({ id: special.id, status: 'completed', why: '2025 年特级技师评聘完成', by: SEED_BY });
    const cmp = await h.seed.campaign(ent, { levels: ['S'] });
    const applicant = h.seed.applicant({ n: 61, name: '何首席', region: '510104', record: QUALIFIED });
    const app = await h.seed.application(cmp.id, applicant, 'S');
    const groups = { hr: `enterprise-${ent.creditCode}-hr`, city: 'city-510100', province: 'province-51' };
    const pi = await h.startProcess('appraisal-sichuan', { campaignId: cmp.id });

    const draft = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-plan', candidateGroup: groups.hr });
    expect(await taskVariables(draft)).toMatchObject({ campaign: { level: 'S' }, quota: null, prerequisites: { met: true } });
    await h.completeUserTask(draft, plan([app.id]));
    // No 首席技师 quota set: nothing is reserved; the unit decides its list first (no 初评 approval before it).
    await initialReview(pi, groups.hr, { [app.id]: 95 });
    await recommend(pi, groups.hr, [app.id]);
    expect(await reservation(app.id)).toBeUndefined();
    await approvePlan(pi, groups.city);
    await cityReview(pi, groups.city, { [app.id]: 'approve' });
    const comprehensive = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'comprehensive-review', candidateGroup: groups.province });
    expect(((await taskVariables(comprehensive)).comprehensiveDecisions as Array<{ applicationId: string }>).map((r) => r.applicationId)).toEqual([app.id]);
    await cancel(pi);
  }, 60_000);

  it('the city sends the plan back: HR revises it and the dropped candidate’s place is released', async () => {
    const { cmp, apps, groups, quotaKey } = await seedCampaign(4, ['冯自贡', '陈泸州'], 2);
    const [feng, chen] = apps as [(typeof apps)[0], (typeof apps)[0]];
    const pi = await h.startProcess('appraisal-sichuan', { campaignId: cmp.id });
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-plan', candidateGroup: groups.hr }), plan([feng.id, chen.id]));
    await approvePlan(pi, groups.city, 'revise', '拟聘用方案的薪酬待遇配套措施不具体，请细化后重新报送。');

    const again = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-plan', candidateGroup: groups.hr });
    const shown = await taskVariables(again);
    expect(shown).toMatchObject({ planDecision: 'revise', planDecisionReason: '拟聘用方案的薪酬待遇配套措施不具体，请细化后重新报送。' });
    expect(shown.quota).toEqual({ quota: 2, reserved: 2, available: 0 });
    expect(shown.quotaShortfall).toBeNull();
    await h.completeUserTask(again, plan([feng.id]));

    // The reviewer's task opens empty the second time (its decision is mapped to null on entry).
    const second = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'approve-plan', candidateGroup: groups.city });
    expect((await taskVariables(second)).planDecision).toBeNull();
    expect(await reservation(chen.id)).toMatchObject({ status: 'released' });
    expect(await reservation(feng.id)).toMatchObject({ status: 'reserved' });
    expect(await quotaOf(quotaKey)).toMatchObject({ reserved: 1 });
    await h.completeUserTask(second, { planDecision: 'approve', planDecisionReason: '修改后的方案符合要求。' });
    await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: groups.hr });
    // The candidate review runs over the recommended candidate only.
    await cancel(pi);
  }, 60_000);
});
