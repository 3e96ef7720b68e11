/**
 * appraisal-fujian (000 附件3 福建省企业特级技师、首席技师评聘工作指引) end to end: the real model and
 * the models it calls (publicity, candidate-review, certificate-issuance), the DMN, the forms and
 * every worker with the registry, on a pinned engine clock. Every user task is completed with what
 * its form submits (test/support/forms.ts), except the one panel a Tasklist form refuses to submit
 * (see "a panel of 4").
 *
 * - 特级技师: plan with 报备, candidates publicized ≥ 5 working days, a panel of 5, the review with the
 *   内督小组 (whose early "no violation" re-opens the task until the review has ended) and city
 *   supervision only, results publicized, T certificates, appointments, archive;
 * - 首席技师: the same with the provincial and city HRSS supervising jointly, S certificates;
 * - a panel of 4 is sent back to set-up-panel with the reason, then a panel of 5 goes on;
 * - the 内督小组 records a violation during the scoring: the review subprocess is interrupted (scoring
 *   and supervision tasks withdrawn, the round's results void) and redone from a fresh panel set-up;
 * - an objection upheld during the candidates publicity takes that candidate out before the review;
 * - the provincial HRSS concludes "严重不规范，建议重新评审" (首席技师): the round is void and redone;
 * - a violation in the candidates publicity: the candidates are publicized again, then a fresh panel;
 * - a fraud confirmed during the review bans the person (fraud-reported event subprocess): no certificate;
 * - an enterprise without the MOHRSS filing is outside the scope (000 附件3 一(一)): cancelled and archived.
 *
 * The tests share one engine clock and run in order; each reads its publicity windows from the
 * instance, so only the first one depends on the pinned date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Enterprise } from '../../src/registry/index.js';
import { SEED_BY, startProcessHarness, type ProcessHarness, type UserTask } from '../support/process.js';
import { publishFraudReport, publishObjection } from '../support/intake.js';

/** Monday: the tests run one after the other on one engine clock, so they start early in a year with a holiday schedule (2026). */
const PINNED = '2026-03-02T09:00:00+08:00';
const OCC = '6-18-01-01';
const WORK = [{ occupationCode: OCC, related: false, from: '2003-07-01', to: null }];
/** 000 附件3 二(一): 相关职业高级技师 + 高级技师岗位满5年 + 仍从事本职业. */
const SENIOR = { certificates: [{ level: '1', occupationCode: OCC, obtainedOn: '2014-05-01' }], posts: [{ level: '1', from: '2015-01-01', to: null }], workHistory: WORK };
/** 000 附件3 二(二): 特级技师评聘满3年 + 仍从事本职业. */
const SPECIAL = {
  certificates: [
    { level: '1', occupationCode: OCC, obtainedOn: '2012-05-01' },
    { level: 'T', occupationCode: OCC, obtainedOn: '2022-03-01' },
  ],
  posts: [{ level: '1', from: '2013-01-01', to: '2022-02-28' }],
  appointments: [{ level: 'T', appointedOn: '2022-03-01' }],
  workHistory: WORK,
};
/** The MOHRSS evaluator code of the seeded enterprises' filings (000 附件3 一(一) 经人社部备案). */
const MOHRSS_CODE = '0351';
const PANEL5 = ['judge.lin', 'judge.huang', 'judge.zheng', 'judge.xie', 'judge.wu'];
const NAMES: Record<string, string> = {
  'judge.lin': '林评委',
  'judge.huang': '黄评委',
  'judge.zheng': '郑评委',
  'judge.xie': '谢评委',
  'judge.wu': '吴评委',
  'judge.cai': '蔡评委',
};

let h: ProcessHarness;
beforeAll(async () => {
  h = await startProcessHarness({ pinnedAt: PINNED });
}, 60_000);
afterAll(() => h?.stop());

// ------------------------------------------------------------------------------------------------
// helpers

type Level = 'T' | 'S';
interface Seeded {
  ent: Enterprise;
  campaignId: string;
  apps: Array<{ id: string; name: string }>;
  groups: { hr: string; oversight: string; city: string; province: string };
}

/** A Fujian enterprise in scope (MOHRSS filing for T and S, self-evaluating since 2020, 高级技师 recognition done), a campaign of one level and its applications. */
async function seedFujian(n: number, level: Level, people: Array<{ name: string; record: Record<string, unknown> }>): Promise<Seeded> {
  const ent = await h.seed.enterprise({
    jurisdiction: 'fujian',
    n,
    levels: [],
    enterprise: { selfEvaluationSince: '2020-03-01', seniorRecognitionDone: true, seniorRecognitionOn: '2021-06-30' },
  });
  for (const l of ['T', 'S'] as const) {
    await h.registry.enterprises.fileEvaluator({
      creditCode: ent.creditCode,
      level: l,
      category: 'Y',
      evaluatorCode: MOHRSS_CODE,
      siteSerial: String(n).padStart(6, '0'),
      authority: 'mohrss',
      filedOn: '2025-01-10',
      by: SEED_BY,
    });
  }
  const cmp = await h.seed.campaign(ent, { levels: [level] });
  const apps = [];
  for (const [i, p] of people.entries()) {
    const applicant = h.seed.applicant({ n: n * 10 + i, name: p.name, record: p.record });
    apps.push({ id: (await h.seed.application(cmp.id, applicant, level)).id, name: p.name });
  }
  const c = ent.creditCode;
  return { ent, campaignId: cmp.id, apps, groups: { hr: `enterprise-${c}-hr`, oversight: `enterprise-${c}-oversight`, city: 'city-350100', province: 'province-35' } };
}

const tasksOf = (pi: string, elementId: string): Promise<UserTask[]> => h.tasksOf(pi, elementId);

const waitForTasks = (pi: string, elementId: string, n: number, timeoutMs?: number): Promise<UserTask[]> => h.waitForTasks(pi, elementId, n, timeoutMs);

const taskVariables = (task: UserTask): Promise<Record<string, unknown>> => h.taskVariables(task);

async function instancesOf(pi: string, processDefinitionId: string, state = 'ACTIVE'): Promise<string[]> {
  const keys = new Set(await h.family(pi));
  const res = await h.http('POST', '/v2/process-instances/search', { filter: { processDefinitionId, state }, page: { limit: 1000 } });
  return (res.body.items as Array<{ processInstanceKey: string }>).map((i) => i.processInstanceKey).filter((k) => keys.has(k));
}

/** Waits until a publicity window is open; returns the notice and its window. */
async function openPublicity(pi: string): Promise<{ noticeId: string; endsAt: string; kind: string }> {
  await h.waitForElement({ processInstanceKey: pi, elementId: 'window-ends', timeoutMs: 20_000 });
  const [publicityPi] = await instancesOf(pi, 'publicity');
  if (!publicityPi) throw new Error(`no active publicity under ${pi}`);
  const vars = await h.variables(publicityPi);
  return { noticeId: vars.noticeId as string, endsAt: (vars.window as { endsAt: string }).endsAt, kind: (vars.notice as { kind: string }).kind };
}

/** Moves the clock past the window's end (the next morning). */
async function closeWindow(endsAt: string): Promise<void> {
  await h.advanceClock(new Date(Date.parse(endsAt) + 9 * 3_600_000).toISOString());
}

const PLAN = {
  plan: {
    title: '2026年度特级技师、首席技师评聘实施方案',
    occupations: [{ code: OCC, name: '车工', positions: 3 }],
    structureRatio: '特级技师不超过本企业高级技师总数的10%，首席技师不超过特级技师的20%',
    standards: '遵纪守法、职业道德良好；具有高级技师职业资格并在高级技师岗位工作满5年（000 附件3 二(一)）；首席技师为特级技师评聘满3年（二(二)）。',
    procedure: '制定方案、确定参评人选并公示、评审小组评审（内督小组全程监督）、结果公示、颁证聘任。',
    method: '个人述职、业绩量化考核与面试答辩相结合',
    evaluationMethods: [
      { key: 'debrief', weightPercent: 30 },
      { key: 'performance', weightPercent: 40 },
      { key: 'defence', weightPercent: 30 },
    ],
    measures: '设立技能大师工作室，特级技师享受副高级职称同等待遇，首席技师享受正高级职称同等待遇。',
    startOn: '2026-03-02',
    endOn: '2026-12-31',
    schedule: '3月确定参评人选并公示，4月评审，5月结果公示并颁证聘任',
    publishedOn: '2026-03-02',
    publicationChannel: 'intranet',
    publishedToAllStaff: true,
    filing: { filedWithLevel: 'city', filedWithDivisionCode: '350100', filedOn: '2026-03-02', filingReference: '榕人社备〔2026〕12号' },
  },
  passMark: 70,
};

const member = (userId: string, role: 'leader' | 'deputy' | 'member' = 'member') => ({
  userId,
  name: NAMES[userId] ?? '评委',
  role,
  affiliation: role === 'leader' ? 'external' : 'internal',
  expertise: '机械加工',
});
const panelForm = (ids: string[]) => ({ panelMembers: ids.map((id, i) => member(id, i === 0 ? 'leader' : 'member')) });

const today = () => h.now().toISOString().slice(0, 10);
const SUPERVISION = (on = today()) => ({ supervision: { methods: ['onsite', 'attend'], supervisedOn: on, opinion: 'compliant', comment: '评审组织规范，程序完整。' } });
const NO_VIOLATION = { oversightFinding: 'no-violation', oversightConfirmation: true, oversightComment: '全程监督，未发现违规。' };
const APPOINTMENT = (level: Level) => {
  const start = today();
  const end = `${Number(start.slice(0, 4)) + 3}${start.slice(4)}`;
  return { appointment: { signedOn: start, startOn: start, endOn: end, post: `${level === 'S' ? '首席技师' : '特级技师'}（车工）` } };
};

/** Materials complete for every candidate in `scores`, then every panel member scores each of them. */
async function review(pi: string, hr: string, panel: string[], scores: Record<string, number>): Promise<void> {
  const ids = Object.keys(scores);
  for (const t of await waitForTasks(pi, 'review-materials', ids.length)) {
    expect(t.candidateGroups).toEqual([hr]);
    await h.completeUserTask(t, { materialsCheck: 'complete' });
  }
  const scoring = await waitForTasks(pi, 'score-candidate', ids.length * panel.length);
  expect(new Set(scoring.map((t) => t.assignee))).toEqual(new Set(panel));
  for (const t of scoring) {
    const v = await taskVariables(t);
    const seed = v.itemScores as Array<{ key: string }>;
    await h.completeUserTask(t, { itemScores: seed.map((s) => ({ key: s.key, score: scores[v.applicationId as string]! })) }, { as: t.assignee as string });
  }
  // The 内督小组 signs off after the review has ended (an earlier "no violation" reopens its task).
  await h.waitForElement({ processInstanceKey: pi, elementId: 'candidate-review', state: 'COMPLETED' });
}

/** The review subprocess has ended: the result selection ran. */
const reviewEnded = (pi: string) => h.waitForElement({ processInstanceKey: pi, elementId: 'review', state: 'COMPLETED', timeoutMs: 20_000 });

/** After the review: results publicity (no objection), the list confirmed, appointments signed. */
async function publicizeConfirmAppoint(pi: string, s: Seeded, level: Level, expected: string[]): Promise<Record<string, unknown>> {
  const results = await openPublicity(pi);
  expect(results.kind).toBe('results');
  expect((await h.registry.notices.get(results.noticeId))!.entries.map((e) => e.applicationId)).toEqual(expected);
  await closeWindow(results.endsAt);
  const confirm = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'confirm-list', candidateGroup: s.groups.hr });
  expect((await taskVariables(confirm)).approved).toEqual(expected);
  await h.completeUserTask(confirm, { listConfirmedOn: today(), listConfirmation: true });
  for (const t of await waitForTasks(pi, 'record-appointment', expected.length)) await h.completeUserTask(t, APPOINTMENT(level));
  return h.waitForCompletion(pi, 30_000);
}

/** Certificates of the right level, from the MOHRSS-filed evaluator, uploaded, appointed; the campaign archived. */
async function expectCertified(vars: Record<string, unknown>, s: Seeded, n: number, level: Level, ids: string[]): Promise<void> {
  const certificates = vars.certificates as Array<{ applicationId: string; certificateCode: string }>;
  expect(certificates.map((c) => c.applicationId)).toEqual(ids);
  for (const c of certificates) {
    // Y + MOHRSS code + 35 (Fujian) + site serial + 26 + level + serial (DOMAIN.md §3)
    expect(c.certificateCode).toMatch(new RegExp(`^Y${MOHRSS_CODE}35${String(n).padStart(6, '0')}26${level}\\d{6}$`));
    expect(await h.registry.certificates.get(c.certificateCode)).toMatchObject({ level, status: 'valid', applicationId: c.applicationId });
    expect(await h.registry.nationalUploads.get(c.certificateCode)).toBeDefined();
    expect(await h.registry.appointments.get(c.applicationId)).toMatchObject({ certificateCode: c.certificateCode, post: `${level === 'S' ? '首席技师' : '特级技师'}（车工）` });
    expect((await h.registry.applications.get(c.applicationId))!.status).toBe('appointed');
  }
  expect((await h.registry.campaigns.get(s.campaignId))!.status).toBe('archived');
  expect((await h.registry.archives.list(s.campaignId)).map((a) => a.retentionClass).sort()).toEqual(['electronic', 'paper']);
}

/** Plan (with 报备), candidates publicized 5 working days without objection. */
async function planAndPublicizeCandidates(pi: string, s: Seeded): Promise<{ noticeId: string; endsAt: string }> {
  const plan = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-plan', candidateGroup: s.groups.hr });
  await h.completeUserTask(plan, PLAN);
  const publicity = await openPublicity(pi);
  expect(publicity.kind).toBe('candidates');
  return publicity;
}

// ------------------------------------------------------------------------------------------------

describe('appraisal-fujian', () => {
  it('特级技师: candidates publicized, panel of 5, 内督小组 and city supervision, results publicized, T certificates', async () => {
    const s = await seedFujian(1, 'T', [
      { name: '陈振华', record: SENIOR },
      { name: '林海峰', record: SENIOR },
    ]);
    const [chen, lin] = s.apps as [Seeded['apps'][0], Seeded['apps'][0]];
    const pi = await h.startProcess('appraisal-fujian', { campaignId: s.campaignId, level: 'T' });

    const { noticeId, endsAt } = await planAndPublicizeCandidates(pi, s);
    const vars0 = await h.variables(pi);
    expect(vars0.prerequisites).toMatchObject({ met: true });
    expect(vars0.plan).toMatchObject({ filing: { filedWithLevel: 'city', filedWithDivisionCode: '350100' }, publishedToAllStaff: true });
    expect(vars0.scoringItems).toEqual([
      { key: 'debrief', label: '个人述职', weight: 0.3 },
      { key: 'performance', label: '业绩量化考核', weight: 0.4 },
      { key: 'defence', label: '面试答辩', weight: 0.3 },
    ]);
    // 5 working days from Monday 2026-03-02 (000 附件3 三(二)1)
    expect(endsAt).toBe('2026-03-06T23:59:59+08:00');
    // Applications filed at the same (pinned) instant: the registry's order is the process's order.
    const both = vars0.applications as string[];
    expect(new Set(both)).toEqual(new Set([chen.id, lin.id]));
    const notice = await h.registry.notices.get(noticeId);
    expect(notice).toMatchObject({ kind: 'candidates', status: 'published' });
    expect(notice!.entries.map((e) => e.applicationId)).toEqual(both);
    expect(notice!.entries[0]!.summary).toContain('车工（6-18-01-01）');
    // Nobody sets up the panel before the publicity has ended.
    expect(await tasksOf(pi, 'set-up-panel')).toEqual([]);
    await closeWindow(endsAt);

    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: s.groups.hr }), panelForm(PANEL5));

    // The review subprocess: candidate-review, the 内督小组 and the city HRSS in parallel; no provincial supervision for 特级技师.
    const oversight = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'oversight-review', candidateGroup: s.groups.oversight });
    const city = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'supervise-review', candidateGroup: s.groups.city });
    expect(await tasksOf(pi, 'supervise-review-province')).toEqual([]);
    await h.completeUserTask(city, SUPERVISION());
    // "No violation" while the review is still running re-opens the 内督小组's task: it supervises to the end.
    await h.completeUserTask(oversight, NO_VIOLATION);
    const again = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'oversight-review', candidateGroup: s.groups.oversight });
    expect(again.userTaskKey).not.toBe(oversight.userTaskKey);
    expect((await taskVariables(again)).oversightFinding).toBeNull();

    await review(pi, s.groups.hr, PANEL5, { [chen.id]: 88, [lin.id]: 82 });
    await h.waitForElement({ processInstanceKey: pi, elementId: 'candidate-review', state: 'COMPLETED' });
    expect(await h.state(pi)).toBe('ACTIVE');
    expect(await instancesOf(pi, 'publicity')).toEqual([]);
    await h.completeUserTask(again, NO_VIOLATION);
    await reviewEnded(pi);

    const vars = await publicizeConfirmAppoint(pi, s, 'T', both);
    await expectCertified(vars, s, 1, 'T', both);
    expect(vars.oversight).toMatchObject({ finding: 'no-violation', confirmed: true });
    expect(vars.citySupervision).toMatchObject({ opinion: 'compliant', methods: ['onsite', 'attend'] });
    expect(vars.provinceSupervision).toBeUndefined();
    expect((vars.reviewResults as Array<{ passed: boolean }>).map((r) => r.passed)).toEqual([true, true]);
    expect(vars.reviewRedos).toBeUndefined();
  }, 120_000);

  it('首席技师: the provincial and city HRSS supervise jointly, S certificates', async () => {
    const s = await seedFujian(2, 'S', [{ name: '黄志强', record: SPECIAL }]);
    const [huang] = s.apps as [Seeded['apps'][0]];
    const pi = await h.startProcess('appraisal-fujian', { campaignId: s.campaignId, level: 'S' });
    const { endsAt } = await planAndPublicizeCandidates(pi, s);
    await closeWindow(endsAt);
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: s.groups.hr }), panelForm(PANEL5));

    const city = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'supervise-review', candidateGroup: s.groups.city });
    const province = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'supervise-review-province', candidateGroup: s.groups.province });
    expect(province.candidateGroups).toEqual(['province-35']);
    await review(pi, s.groups.hr, PANEL5, { [huang.id]: 91 });
    await h.completeUserTask(province, { supervision: { methods: ['documents', 'online'], supervisedOn: today(), opinion: 'rectify', comment: '个别评分记录签名不全，限期补正。' } });
    await h.completeUserTask(city, SUPERVISION());
    // The review has ended, but the 内督小组 has not signed off yet: the subprocess waits for it.
    await h.waitForElement({ processInstanceKey: pi, elementId: 'candidate-review', state: 'COMPLETED' });
    expect((await h.variables(pi)).approved).toBeUndefined();
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'oversight-review', candidateGroup: s.groups.oversight }), NO_VIOLATION);
    await reviewEnded(pi);

    const vars = await publicizeConfirmAppoint(pi, s, 'S', [huang.id]);
    await expectCertified(vars, s, 2, 'S', [huang.id]);
    expect(vars.campaign).toMatchObject({ jurisdiction: 'fujian', level: 'S' });
    expect(vars.citySupervision).toMatchObject({ opinion: 'compliant' });
    expect(vars.provinceSupervision).toMatchObject({ opinion: 'rectify', methods: ['documents', 'online'] });
    expect((vars.reviewResults as Array<{ route: string; basis: string[] }>)[0]).toMatchObject({ route: 'standard' });
  }, 120_000);

  it('a panel of 4 is sent back to set-up-panel with the reason, then a panel of 5 goes on', async () => {
    const s = await seedFujian(3, 'T', [{ name: '郑国平', record: SENIOR }]);
    const [zheng] = s.apps as [Seeded['apps'][0]];
    const pi = await h.startProcess('appraisal-fujian', { campaignId: s.campaignId, level: 'T' });
    const { endsAt } = await planAndPublicizeCandidates(pi, s);
    await closeWindow(endsAt);

    const first = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: s.groups.hr });
    const four = PANEL5.slice(0, 4);
    // The Tasklist form itself refuses a Fujian panel of 4 (its guard checkPanelSize) ...
    await expect(h.completeUserTask(first, panelForm(four))).rejects.toThrow(/checkPanelSize/);
    // ... and so does pingpin's /v2 (the form is checked on completion):
    const refused = await h.http('POST', `/v2/user-tasks/${first.userTaskKey}/completion`, {
      variables: { panelMembers: panelForm(four).panelMembers, panel: four, panelNote: '' },
    });
    expect(refused.status).toBe(400);
    // ... so the 4 come past the form (an HR system completing the task on a Camunda cluster, which checks
    // no forms): pingpin.review.check-panel refuses them and the model sends the task back with the reason.
    h.completeBypassingForm(first, { panelMembers: panelForm(four).panelMembers, panel: four, panelNote: '' });
    const back = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: s.groups.hr });
    expect(back.userTaskKey).not.toBe(first.userTaskKey);
    const shown = await taskVariables(back);
    expect(shown.panelCheck).toEqual({ ok: false, reasons: [expect.stringContaining('现有 4 名成员，少于 5 名')] });
    expect(shown.panelMembers).toHaveLength(4); // the form opens with the last entry, to be completed
    const form = JSON.stringify(await h.formOf(back));
    expect(form).toContain('panelCheck.reasons'); // the form shows the reasons when panelCheck.ok = false
    expect(await instancesOf(pi, 'candidate-review')).toEqual([]);

    await h.completeUserTask(back, panelForm([...four, 'judge.wu']));
    await h.waitForElement({ processInstanceKey: pi, elementId: 'candidate-review' });
    expect((await h.variables(pi)).panelCheck).toEqual({ ok: true, reasons: [] });
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'supervise-review', candidateGroup: s.groups.city }), SUPERVISION());
    await review(pi, s.groups.hr, PANEL5, { [zheng.id]: 80 });
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'oversight-review', candidateGroup: s.groups.oversight }), NO_VIOLATION);
    await reviewEnded(pi);
    const vars = await publicizeConfirmAppoint(pi, s, 'T', [zheng.id]);
    await expectCertified(vars, s, 3, 'T', [zheng.id]);
  }, 120_000);

  it('the 内督小组 records a violation: the review is interrupted and redone from a fresh panel set-up', async () => {
    const s = await seedFujian(4, 'T', [{ name: '谢明辉', record: SENIOR }]);
    const [xie] = s.apps as [Seeded['apps'][0]];
    const pi = await h.startProcess('appraisal-fujian', { campaignId: s.campaignId, level: 'T' });
    const { endsAt } = await planAndPublicizeCandidates(pi, s);
    await closeWindow(endsAt);
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: s.groups.hr }), panelForm(PANEL5));

    // Round 1: the city supervises, materials are checked, two members score ...
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'supervise-review', candidateGroup: s.groups.city }), SUPERVISION());
    await h.completeUserTask((await waitForTasks(pi, 'review-materials', 1))[0]!, { materialsCheck: 'complete' });
    const scoring = await waitForTasks(pi, 'score-candidate', 5);
    for (const t of scoring.slice(0, 2)) {
      const seed = (await taskVariables(t)).itemScores as Array<{ key: string }>;
      await h.completeUserTask(t, { itemScores: seed.map((i) => ({ key: i.key, score: 95 })) }, { as: t.assignee as string });
    }
    const [round1Review] = await instancesOf(pi, 'candidate-review');
    // ... when the 内督小组 finds that a member scored his own apprentice.
    const oversight = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'oversight-review', candidateGroup: s.groups.oversight });
    await h.completeUserTask(oversight, {
      oversightFinding: 'violation',
      violationStage: 'scoring',
      violationApplications: [xie.id],
      violationDescription: '评审专家吴评委系参评人员谢明辉的师傅，未按规定回避即参与评审打分。',
      oversightComment: '本轮评审结果作废，须更换评审专家后重新评审。',
    });

    // The review subprocess is interrupted: every task of the round is withdrawn, the called review terminated.
    const back = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: s.groups.hr });
    await h.waitForElement({ processInstanceKey: pi, elementId: 'review', state: 'TERMINATED' });
    expect(await h.state(round1Review!)).toBe('TERMINATED');
    for (const id of ['score-candidate', 'supervise-review', 'oversight-review']) expect(await tasksOf(pi, id)).toEqual([]);
    const redo = await h.variables(pi);
    expect(redo.reviewRedo).toEqual({
      source: 'oversight',
      stage: 'scoring',
      applications: [xie.id],
      reason: '评审专家吴评委系参评人员谢明辉的师傅，未按规定回避即参与评审打分。',
      comment: '本轮评审结果作废，须更换评审专家后重新评审。',
    });
    expect(redo.reviewRedos).toEqual([redo.reviewRedo]);
    expect(redo.reviewResults).toBeUndefined(); // the round's results never left the subprocess
    expect(redo.oversight).toMatchObject({ finding: 'violation', stage: 'scoring' });

    // Round 2: a fresh panel without the member concerned; everything is done again.
    const panel2 = [...PANEL5.slice(0, 4), 'judge.cai'];
    expect((await taskVariables(back)).panelMembers).toHaveLength(5); // the last panel, to be changed
    await h.completeUserTask(back, panelForm(panel2));
    const [round2Review] = await instancesOf(pi, 'candidate-review');
    expect(round2Review).not.toBe(round1Review);
    const oversight2 = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'oversight-review', candidateGroup: s.groups.oversight });
    expect((await taskVariables(oversight2)).oversightFinding).toBeNull(); // a fresh task, not last round's answer
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'supervise-review', candidateGroup: s.groups.city }), SUPERVISION());
    await review(pi, s.groups.hr, panel2, { [xie.id]: 84 });
    await h.completeUserTask(oversight2, NO_VIOLATION);
    await reviewEnded(pi);

    const vars = await publicizeConfirmAppoint(pi, s, 'T', [xie.id]);
    await expectCertified(vars, s, 4, 'T', [xie.id]);
    expect(vars.reviewResults).toEqual([expect.objectContaining({ applicationId: xie.id, eligible: true, passed: true })]);
    expect(vars.panel).toEqual(panel2);
    expect(vars.reviewRedos).toHaveLength(1);
    expect(vars.oversight).toMatchObject({ finding: 'no-violation' });
  }, 120_000);

  it('an objection upheld during the candidates publicity takes that candidate out before the review', async () => {
    const s = await seedFujian(5, 'T', [
      { name: '吴建新', record: SENIOR },
      { name: '蔡文彬', record: SENIOR },
    ]);
    const [wu, cai] = s.apps as [Seeded['apps'][0], Seeded['apps'][0]];
    const pi = await h.startProcess('appraisal-fujian', { campaignId: s.campaignId, level: 'T' });
    const { noticeId, endsAt } = await planAndPublicizeCandidates(pi, s);

    await publishObjection(h, noticeId, { submitter: '车间职工', contact: '13900000000', text: '蔡文彬申报的技术革新成果系班组集体完成，业绩材料不实。', applicationId: cai.id });
    const inquiry = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'investigate-objection', candidateGroup: s.groups.hr });
    await h.completeUserTask(inquiry, {
      objectionOutcome: 'upheld',
      affectedApplicationId: cai.id,
      investigatedOn: today(),
      resolution: '经调查核实，该技术革新成果由班组集体完成，个人业绩材料不实，异议成立，取消其参评资格。',
    });
    await closeWindow(endsAt);

    const panel = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: s.groups.hr });
    const vars1 = await h.variables(pi);
    expect(vars1.candidatesPublicity).toMatchObject({ noticeId, removedApplications: [cai.id] });
    expect(vars1.applications).toEqual([wu.id]);
    expect((vars1.candidates as Array<{ applicationId: string }>).map((c) => c.applicationId)).toEqual([wu.id]);
    expect((await h.registry.applications.get(cai.id))!.status).toBe('rejected');
    expect((await h.registry.applications.get(wu.id))!.status).toBe('publicized');

    await h.completeUserTask(panel, panelForm(PANEL5));
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'supervise-review', candidateGroup: s.groups.city }), SUPERVISION());
    await review(pi, s.groups.hr, PANEL5, { [wu.id]: 86 }); // only 吴 is reviewed
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'oversight-review', candidateGroup: s.groups.oversight }), NO_VIOLATION);
    await reviewEnded(pi);

    const vars = await publicizeConfirmAppoint(pi, s, 'T', [wu.id]);
    await expectCertified(vars, s, 5, 'T', [wu.id]);
    expect(await h.registry.certificates.byApplication(cai.id)).toBeUndefined();
    expect((await h.registry.applications.get(cai.id))!.status).toBe('rejected');
  }, 120_000);

  it('the provincial HRSS finds the review seriously irregular: the review is redone (首席技师)', async () => {
    const s = await seedFujian(6, 'S', [{ name: '林国栋', record: SPECIAL }]);
    const [lin] = s.apps as [Seeded['apps'][0]];
    const pi = await h.startProcess('appraisal-fujian', { campaignId: s.campaignId, level: 'S' });
    const { endsAt } = await planAndPublicizeCandidates(pi, s);
    await closeWindow(endsAt);
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: s.groups.hr }), panelForm(PANEL5));

    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'supervise-review', candidateGroup: s.groups.city }), SUPERVISION());
    const province = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'supervise-review-province', candidateGroup: s.groups.province });
    await h.completeUserTask(province, {
      supervision: { methods: ['attend'], supervisedOn: today(), opinion: 'non-compliant', comment: '评审小组未按实施方案规定的评审办法组织面试答辩，程序严重不规范。' },
    });
    const back = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: s.groups.hr });
    for (const id of ['review-materials', 'oversight-review', 'supervise-review']) expect(await tasksOf(pi, id)).toEqual([]);
    expect((await h.variables(pi)).reviewRedo).toEqual({
      source: 'province',
      stage: null,
      applications: [],
      reason: '评审小组未按实施方案规定的评审办法组织面试答辩，程序严重不规范。',
      comment: null,
    });

    await h.completeUserTask(back, panelForm(PANEL5));
    const province2 = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'supervise-review-province', candidateGroup: s.groups.province });
    expect((await taskVariables(province2)).supervision).toBeNull(); // last round's conclusion is not pre-filled
    await review(pi, s.groups.hr, PANEL5, { [lin.id]: 90 });
    await h.completeUserTask(province2, { supervision: { methods: ['attend'], supervisedOn: today(), opinion: 'compliant', comment: '整改后重新组织评审，程序规范。' } });
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'supervise-review', candidateGroup: s.groups.city }), SUPERVISION());
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'oversight-review', candidateGroup: s.groups.oversight }), NO_VIOLATION);
    await reviewEnded(pi);
    const vars = await publicizeConfirmAppoint(pi, s, 'S', [lin.id]);
    await expectCertified(vars, s, 6, 'S', [lin.id]);
    expect(vars.provinceSupervision).toMatchObject({ opinion: 'compliant', comment: '整改后重新组织评审，程序规范。' });
    expect((vars.reviewRedos as unknown[]).length).toBe(1);
  }, 120_000);

  it('a violation in the candidates publicity: the candidates are publicized again before a fresh panel', async () => {
    const s = await seedFujian(7, 'T', [{ name: '郭春生', record: SENIOR }]);
    const [guo] = s.apps as [Seeded['apps'][0]];
    const pi = await h.startProcess('appraisal-fujian', { campaignId: s.campaignId, level: 'T' });
    const first = await planAndPublicizeCandidates(pi, s);
    await closeWindow(first.endsAt);
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: s.groups.hr }), panelForm(PANEL5));
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'oversight-review', candidateGroup: s.groups.oversight }), {
      oversightFinding: 'violation',
      violationStage: 'publicity',
      violationDescription: '参评人员业绩材料未在本单位公示，仅公示了姓名，不符合公示要求。',
    });

    // Back to the candidates publicity (a new notice), then the panel again.
    const second = await openPublicity(pi);
    expect(second.kind).toBe('candidates');
    expect(second.noticeId).not.toBe(first.noticeId);
    expect((await h.registry.notices.get(second.noticeId))!.entries.map((e) => e.applicationId)).toEqual([guo.id]);
    expect(await tasksOf(pi, 'set-up-panel')).toEqual([]);
    await closeWindow(second.endsAt);
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: s.groups.hr }), panelForm(PANEL5));
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'supervise-review', candidateGroup: s.groups.city }), SUPERVISION());
    await review(pi, s.groups.hr, PANEL5, { [guo.id]: 78 });
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'oversight-review', candidateGroup: s.groups.oversight }), NO_VIOLATION);
    await reviewEnded(pi);
    const vars = await publicizeConfirmAppoint(pi, s, 'T', [guo.id]);
    await expectCertified(vars, s, 7, 'T', [guo.id]);
    expect(vars.candidatesPublicity).toMatchObject({ noticeId: second.noticeId });
    expect(vars.reviewRedos).toEqual([expect.objectContaining({ source: 'oversight', stage: 'publicity' })]);
  }, 120_000);

  it('a fraud confirmed during the review: the person is banned and gets no certificate', async () => {
    const s = await seedFujian(8, 'T', [
      { name: '邱德胜', record: SENIOR },
      { name: '何永福', record: SENIOR },
    ]);
    const [qiu, he] = s.apps as [Seeded['apps'][0], Seeded['apps'][0]];
    const pi = await h.startProcess('appraisal-fujian', { campaignId: s.campaignId, level: 'T' });
    const { endsAt } = await planAndPublicizeCandidates(pi, s);
    await closeWindow(endsAt);
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: s.groups.hr }), panelForm(PANEL5));
    for (const t of await waitForTasks(pi, 'review-materials', 2)) await h.completeUserTask(t, { materialsCheck: 'complete' });
    await waitForTasks(pi, 'score-candidate', 10);

    await publishFraudReport(h, s.campaignId, { applicationId: he.id, text: '何某的高级技师岗位聘任证明系伪造。', reporter: '实名举报人', contact: 'jubao@example.cn' });
    const investigation = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'investigate-fraud', candidateGroup: s.groups.province });
    await h.completeUserTask(investigation, {
      fraudFinding: 'confirmed',
      fraudSubjects: ['person'],
      fraudApplicationIds: [he.id],
      fraudDecidedOn: today(),
      fraudFindings: '经调查，何某提交的高级技师岗位聘任证明系伪造，属弄虚作假。',
    });
    await expect.poll(async () => (await h.registry.applications.get(he.id))!.status, { timeout: 10_000 }).toBe('disqualified');
    expect(Object.keys(await h.variables(pi))).not.toContain('fraudFinding'); // the report's variables stay in its scope

    for (const t of await tasksOf(pi, 'score-candidate')) {
      const seed = (await taskVariables(t)).itemScores as Array<{ key: string }>;
      await h.completeUserTask(t, { itemScores: seed.map((i) => ({ key: i.key, score: 85 })) }, { as: t.assignee as string });
    }
    await h.waitForElement({ processInstanceKey: pi, elementId: 'candidate-review', state: 'COMPLETED' });
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'supervise-review', candidateGroup: s.groups.city }), SUPERVISION());
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'oversight-review', candidateGroup: s.groups.oversight }), NO_VIOLATION);
    await reviewEnded(pi);
    const vars = await publicizeConfirmAppoint(pi, s, 'T', [qiu.id]);
    await expectCertified(vars, s, 8, 'T', [qiu.id]);
    expect(await h.registry.certificates.byApplication(he.id)).toBeUndefined();
    expect((await h.registry.applications.get(he.id))!.status).toBe('disqualified');
  }, 120_000);

  it('an enterprise not filed with MOHRSS is outside the scope: the campaign is cancelled and archived', async () => {
    // Filed with the provincial HRSS only (evaluator code 0000), not with MOHRSS (000 附件3 一(一)).
    const ent = await h.seed.enterprise({ jurisdiction: 'fujian', n: 9, enterprise: { selfEvaluationSince: '2020-03-01', seniorRecognitionDone: true, seniorRecognitionOn: '2021-06-30' } });
    const cmp = await h.seed.campaign(ent, { levels: ['T'] });
    const pi = await h.startProcess('appraisal-fujian', { campaignId: cmp.id });
    const vars = await h.waitForCompletion(pi);
    expect(vars.prerequisites).toMatchObject({ met: false, reasons: [expect.stringContaining('FJ-E-1')] });
    await h.waitForElement({ processInstanceKey: pi, elementId: 'end-out-of-scope', state: 'COMPLETED' });
    expect(await tasksOf(pi, 'draft-plan')).toEqual([]);
    expect((await h.registry.campaigns.get(cmp.id))!.status).toBe('archived');
  }, 60_000);
});
