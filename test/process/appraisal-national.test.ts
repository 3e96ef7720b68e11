/**
 * appraisal-national (003, 特级技师 评聘 pilot) end to end: the real model and the models it calls
 * (candidate-review, publicity, certificate-issuance), the DMN, the forms and every worker with the
 * registry, on a pinned engine clock. Every user task is completed with what its form submits.
 *
 * - happy path: an ineligible candidate is dropped, an objection upheld in the publicity removes a
 *   candidate, the others get 特级技师 certificates (level T at position 16) and appointments, and
 *   the campaign is archived (paper 3 years, electronic 5 years);
 * - fraud: a confirmed report bans the person for five years (registry) and no certificate follows;
 * - an enterprise outside the pilot's scope: the campaign is cancelled and archived;
 * - bad variables: the job fails at once (no retries) naming the variable in Chinese and English;
 * - redelivery: the campaign and fraud workers run twice with the same job give the same result
 *   and record nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Enterprise } from '../../src/registry/index.js';
import campaignArchiveWorker from '../../workers/campaign/archive.js';
import campaignFinalizeListWorker from '../../workers/campaign/finalize-list.js';
import campaignOpenWorker from '../../workers/campaign/open.js';
import campaignRegisterCandidatesWorker from '../../workers/campaign/register-candidates.js';
import campaignSelectWorker from '../../workers/campaign/select.js';
import fraudBanWorker from '../../workers/fraud/ban.js';
import fraudRecordReportWorker from '../../workers/fraud/record-report.js';
import { fraudReportMessage } from '../../workers/intake.js';
import { NonRetryableError, type JobContext, type WorkerDefinition } from '../../workers/runtime.js';
import { startProcessHarness, type ProcessHarness, type UserTask, jobContext } from '../support/process.js';
import { publishFraudReport, publishObjection } from '../support/intake.js';

const PINNED = '2026-09-01T09:00:00+08:00';
const OCC = '6-18-01-01';
const PANEL = ['expert.chen', 'expert.liu'];
const WORK = [{ occupationCode: OCC, related: false, from: '2003-07-01', to: null }];
/** 003 三(一)2: 高级技师 + 5 years on a 高级技师 post + still in the occupation. */
const QUALIFIED = { certificates: [{ level: '1', occupationCode: OCC, obtainedOn: '2014-05-01' }], posts: [{ level: '1', from: '2015-01-01', to: null }], workHistory: WORK };
/** Only 3 years on a 高级技师 post. */
const TOO_SHORT = { certificates: [{ level: '1', occupationCode: OCC, obtainedOn: '2021-05-01' }], posts: [{ level: '1', from: '2023-03-01', to: null }], workHistory: WORK };

let h: ProcessHarness;
beforeAll(async () => {
  h = await startProcessHarness({ pinnedAt: PINNED });
}, 60_000);
afterAll(() => h?.stop());

// ------------------------------------------------------------------------------------------------
// helpers

const waitForTasks = (pi: string, elementId: string, n: number, timeoutMs?: number): Promise<UserTask[]> => h.waitForTasks(pi, elementId, n, timeoutMs);

const taskVariables = (task: UserTask): Promise<Record<string, unknown>> => h.taskVariables(task);

/** The active instance of a called process in the family of `pi`. */
async function calledInstance(pi: string, processDefinitionId: string): Promise<string> {
  const keys = new Set(await h.family(pi));
  const res = await h.http('POST', '/v2/process-instances/search', { filter: { processDefinitionId, state: 'ACTIVE' }, page: { limit: 1000 } });
  const found = (res.body.items as Array<{ processInstanceKey: string }>).find((i) => keys.has(i.processInstanceKey));
  if (!found) throw new Error(`no active ${processDefinitionId} instance under ${pi}`);
  return found.processInstanceKey;
}

/** Waits until the publicity window is open; returns its notice id and window. */
async function openPublicity(pi: string): Promise<{ noticeId: string; endsAt: string; publicityPi: string }> {
  await h.waitForElement({ processInstanceKey: pi, elementId: 'window-ends', timeoutMs: 20_000 });
  const publicityPi = await calledInstance(pi, 'publicity');
  const vars = await h.variables(publicityPi);
  return { noticeId: vars.noticeId as string, endsAt: (vars.window as { endsAt: string }).endsAt, publicityPi };
}

const PLAN = {
  plan: {
    title: '2026年度特级技师评聘工作方案',
    occupations: [{ code: OCC, name: '车工', positions: 3 }],
    conditions: '具有高级技师职业资格，在高级技师岗位工作满5年且仍从事本职业（工种）工作（003 三(一)）。',
    method: '个人述职与业绩量化考核相结合，由企业考评机构组织评审',
    evaluationMethods: [
      { key: 'debrief', weightPercent: 40 },
      { key: 'performance', weightPercent: 60 },
    ],
    organizationMode: 'self',
    startOn: '2026-09-01',
    endOn: '2026-12-20',
    schedule: '9月报名评审，随后公示、确定名单、颁证聘任',
    publishedOn: '2026-09-01',
    publicationChannel: 'intranet',
    publishedToAllStaff: true,
  },
  passMark: 70,
};

const PANEL_FORM = {
  panelMembers: [
    { userId: PANEL[0], name: '陈评委', role: 'leader', affiliation: 'external', expertise: '机械加工' },
    { userId: PANEL[1], name: '刘评委', role: 'member', affiliation: 'internal' },
  ],
};

const APPOINTMENT = { appointment: { signedOn: '2026-09-20', startOn: '2026-10-01', endOn: '2029-09-30', post: '特级技师（车工）' } };

/** Drafts the plan, sets up the panel and runs the review: materials complete, every member scores `score` per candidate. */
async function planAndReview(pi: string, hr: string, scores: Record<string, number>): Promise<void> {
  await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-plan', candidateGroup: hr }), PLAN);
  await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'set-up-panel', candidateGroup: hr }), PANEL_FORM);
  const eligible = Object.keys(scores);
  for (const t of await waitForTasks(pi, 'review-materials', eligible.length)) {
    expect(t.candidateGroups).toEqual([hr]);
    await h.completeUserTask(t, { materialsCheck: 'complete' });
  }
  for (const t of await waitForTasks(pi, 'score-candidate', eligible.length * PANEL.length)) {
    const v = await taskVariables(t);
    const seed = v.itemScores as Array<{ key: string }>;
    await h.completeUserTask(t, { itemScores: seed.map((s) => ({ key: s.key, score: scores[v.applicationId as string]! })) }, { as: t.assignee as string });
  }
}

async function seedCampaign(n: number, people: Array<{ name: string; record: Record<string, unknown> }>) {
  const ent = await h.seed.enterprise({ jurisdiction: 'national', n });
  const cmp = await h.seed.campaign(ent, { levels: ['T'] });
  const apps: Array<{ id: string; idNumber: string; name: string }> = [];
  for (const [i, p] of people.entries()) {
    const applicant = h.seed.applicant({ n: n * 10 + i, name: p.name, record: p.record });
    apps.push({ id: (await h.seed.application(cmp.id, applicant)).id, idNumber: applicant.idNumber, name: p.name });
  }
  return { ent, cmp, apps, hr: `enterprise-${ent.creditCode}-hr` };
}

async function appointAll(pi: string, n: number, hr: string) {
  for (const t of await waitForTasks(pi, 'record-appointment', n)) {
    expect(t.candidateGroups).toEqual([hr]);
    await h.completeUserTask(t, APPOINTMENT);
  }
}

const statusOf = async (id: string) => (await h.registry.applications.get(id))!.status;

// ------------------------------------------------------------------------------------------------

describe('appraisal-national', () => {
  it('runs the pilot: ineligible dropped, objection upheld removes one, T certificates for the others, archived', async () => {
    const { ent, cmp, apps, hr } = await seedCampaign(1, [
      { name: '王建国', record: QUALIFIED },
      { name: '李卫东', record: QUALIFIED },
      { name: '赵不足', record: TOO_SHORT },
      { name: '孙有异', record: QUALIFIED },
    ]);
    const [wang, li, zhao, sun] = apps as [(typeof apps)[0], (typeof apps)[0], (typeof apps)[0], (typeof apps)[0]];
    const pi = await h.startProcess('appraisal-national', { campaignId: cmp.id });

    await expect.poll(async () => (await h.registry.campaigns.get(cmp.id))!.processInstanceKey).toBe(pi);
    expect((await h.registry.campaigns.get(cmp.id))!.status).toBe('running');

    await planAndReview(pi, hr, { [wang.id]: 90, [li.id]: 85, [sun.id]: 80 });
    const afterReview = await h.variables(pi);
    expect(afterReview.campaign).toMatchObject({ id: cmp.id, jurisdiction: 'national', level: 'T', year: 2026 });
    expect(afterReview.groups).toEqual({
      hr,
      panel: `enterprise-${ent.creditCode}-panel`,
      oversight: `enterprise-${ent.creditCode}-oversight`,
      city: 'city-320500',
      province: 'province-32',
    });
    expect(afterReview.prerequisites).toMatchObject({ met: true, basis: ['NAT-E-1'] });

    // Publicity of the proposed list (≥ 5 working days, 003 四(三)); an objection against 孙 is upheld.
    const { noticeId, endsAt } = await openPublicity(pi);
    expect(endsAt).toBe('2026-09-07T23:59:59+08:00');
    const proposed = await h.registry.notices.get(noticeId);
    const applications = (await h.variables(pi)).applications as string[];
    const inOrder = (...ids: string[]) => applications.filter((id) => ids.includes(id));
    expect(proposed!.entries.map((e) => e.applicationId)).toEqual(inOrder(wang.id, li.id, sun.id));
    expect(await statusOf(zhao.id)).toBe('ineligible');
    await publishObjection(h, noticeId, { contact: '13800000000', text: '孙某业绩材料中的技改项目并非本人主持。', applicationId: sun.id });
    const inquiry = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'investigate-objection', candidateGroup: hr });
    // The investigation concludes on 09-03 (the registry takes no investigation dated in the future).
    await h.advanceClock('2026-09-03T10:00:00+08:00');
    await h.completeUserTask(inquiry, { objectionOutcome: 'upheld', affectedApplicationId: sun.id, investigatedOn: '2026-09-03', resolution: '经核实，该技改项目由他人主持，申报材料与事实不符，异议成立。' });
    await h.advanceClock('2026-09-08T09:00:00+08:00');

    const confirm = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'confirm-list', candidateGroup: hr });
    expect((await taskVariables(confirm)).approved).toEqual(inOrder(wang.id, li.id));
    await h.completeUserTask(confirm, { listConfirmedOn: '2026-09-08', listConfirmation: true });

    await appointAll(pi, 2, hr);
    const vars = await h.waitForCompletion(pi, 30_000);

    const certificates = vars.certificates as Array<{ applicationId: string; certificateCode: string }>;
    expect(certificates.map((c) => c.applicationId)).toEqual(inOrder(wang.id, li.id));
    for (const c of certificates) {
      expect(c.certificateCode).toMatch(/^Y000032000001[0-9]{2}T\d{6}$/);
      expect(c.certificateCode[15]).toBe('T');
      expect(c.certificateCode.slice(13, 15)).toBe('26');
      const cert = await h.registry.certificates.get(c.certificateCode);
      expect(cert).toMatchObject({ level: 'T', status: 'valid', applicationId: c.applicationId });
      expect(await h.registry.nationalUploads.get(c.certificateCode)).toBeDefined();
    }
    expect(new Set(certificates.map((c) => c.certificateCode)).size).toBe(2);
    expect(await statusOf(wang.id)).toBe('appointed');
    expect(await statusOf(li.id)).toBe('appointed');
    expect(await statusOf(zhao.id)).toBe('ineligible');
    expect(await statusOf(sun.id)).toBe('rejected');
    expect(await h.registry.certificates.byApplication(zhao.id)).toBeUndefined();
    expect(await h.registry.certificates.byApplication(sun.id)).toBeUndefined();
    expect(vars.dropped).toEqual([{ applicationId: zhao.id, reason: expect.stringContaining('资格审查不合格') }]);
    expect(vars.publicityRemoved).toEqual([{ applicationId: sun.id, reason: expect.stringContaining('异议成立') }]);

    // Archived under both retention classes (002 七(四) / the national pilot keeps records alike).
    expect((await h.registry.campaigns.get(cmp.id))!.status).toBe('archived');
    const archives = await h.registry.archives.list(cmp.id);
    expect(archives.map((a) => [a.retentionClass, a.archivedOn, a.retainUntil]).sort()).toEqual([
      ['electronic', '2026-09-08', '2031-09-08'],
      ['paper', '2026-09-08', '2029-09-08'],
    ]);
    expect(vars.archives).toHaveLength(2);
  }, 120_000);

  it('bans a person whose fraud is confirmed for five years; no certificate follows', async () => {
    const { cmp, apps, hr } = await seedCampaign(2, [
      { name: '周正直', record: QUALIFIED },
      { name: '吴作假', record: QUALIFIED },
    ]);
    const [zhou, wu] = apps as [(typeof apps)[0], (typeof apps)[0]];
    const pi = await h.startProcess('appraisal-national', { campaignId: cmp.id });
    await planAndReview(pi, hr, { [zhou.id]: 88, [wu.id]: 86 });
    const { endsAt } = await openPublicity(pi);
    await h.advanceClock(new Date(Date.parse(endsAt) + 10 * 3600_000).toISOString());
    const confirm = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'confirm-list', candidateGroup: hr });

    // A report reaches the province while the enterprise is confirming the list.
    const submission = await publishFraudReport(h, cmp.id, { applicationId: wu.id, text: '吴某的高级技师岗位聘任证明系伪造。', reporter: '周明', contact: '13700001111' });
    const investigation = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'investigate-fraud', candidateGroup: 'province-32' });
    // The province sees the reference and the masked reporter; name and phone stay in the registry.
    const seen = await taskVariables(investigation);
    expect(seen.report).toEqual({ ref: submission.id, reporterMasked: '周*', contactMasked: '137****1111', text: '吴某的高级技师岗位聘任证明系伪造。', applicationId: wu.id });
    expect(seen.reportReceivedAt).toBe(submission.receivedAt);
    expect(JSON.stringify(seen)).not.toMatch(/13700001111|周明/);
    const decidedOn = h.now().toISOString().slice(0, 10);
    await h.completeUserTask(investigation, {
      fraudFinding: 'confirmed',
      fraudSubjects: ['person'],
      fraudApplicationIds: [wu.id],
      fraudDecidedOn: decidedOn,
      fraudFindings: '经调查，吴某提交的高级技师岗位聘任证明系伪造，属弄虚作假。',
    });
    await expect.poll(() => statusOf(wu.id), { timeout: 10_000 }).toBe('disqualified');
    // The fraud handling's variables stay in its own scope.
    expect(Object.keys(await h.variables(pi))).not.toContain('fraudFinding');

    // The list the HR confirms still names him; the final check leaves him out.
    expect([...((await taskVariables(confirm)).approved as string[])].sort()).toEqual([zhou.id, wu.id].sort());
    await h.completeUserTask(confirm, { listConfirmedOn: decidedOn, listConfirmation: true });
    await appointAll(pi, 1, hr);
    const vars = await h.waitForCompletion(pi, 30_000);

    expect((vars.certificates as Array<{ applicationId: string }>).map((c) => c.applicationId)).toEqual([zhou.id]);
    expect(await h.registry.certificates.byApplication(wu.id)).toBeUndefined();
    expect(vars.excludedApplications).toEqual([{ applicationId: wu.id, reason: expect.stringContaining('弄虚作假') }]);

    // The ban: this year lost, five years from the decision (003 六(四)), found by the ID number.
    const until = `${Number(decidedOn.slice(0, 4)) + 5}${decidedOn.slice(4)}`;
    const [ban] = await h.registry.bans.active({ idNumber: wu.idNumber, asOf: decidedOn });
    expect(ban).toMatchObject({ subject: 'person', basis: '003 六(四)', decidedOn, until, effect: 'banned' });
    expect(ban!.reason).toContain(cmp.id);
    expect(await h.registry.bans.active({ idNumber: wu.idNumber, asOf: '2026-01-02' })).toHaveLength(1); // this year's eligibility is lost
    const lastDay = new Date(Date.parse(`${until}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(await h.registry.bans.active({ idNumber: wu.idNumber, asOf: lastDay })).toHaveLength(1);
    expect(await h.registry.bans.active({ idNumber: wu.idNumber, asOf: until })).toHaveLength(0);
    expect(await h.registry.bans.active({ idNumber: zhou.idNumber, asOf: decidedOn })).toHaveLength(0);
  }, 120_000);

  it('refuses a fraud report that carries the reporter in clear, or that the registry does not back: no investigation opens', async () => {
    const { cmp, apps } = await seedCampaign(9, [{ name: '郑立新', record: QUALIFIED }]);
    const zheng = apps[0]!;
    const pi = await h.startProcess('appraisal-national', { campaignId: cmp.id });
    // A channel that skipped the intake: the reporter's name and phone in the message.
    await h.publish('fraud-reported', cmp.id, { report: { applicationId: zheng.id, text: `郑立新的证明系伪造，身份证 ${zheng.idNumber}`, reporter: '王某某', contact: '13712345678' } });
    const incident = await h.waitForIncident({ processInstanceKey: pi, elementId: 'record-report' });
    expect(incident.errorType).toBe('JOB_NO_RETRIES');
    expect(incident.errorMessage).toContain("report.reporter: 举报不得在流程变量中携带明文举报人姓名（report.reporter）：渠道须先向登记簿受理（registry.intake.file）登记，消息只带受理编号 ref 和脱敏信息 / report.reporter is personal data in clear");
    expect(incident.errorMessage).toContain('report.contact: 举报不得在流程变量中携带明文联系方式（report.contact）');
    expect(incident.errorMessage).toContain(`report.text 含明文公民身份号码（${zheng.idNumber.slice(0, 4)}**********${zheng.idNumber.slice(14)}）`);
    expect(incident.errorMessage).toContain('report.ref: 缺少举报受理编号 / report.ref is missing');
    for (const clear of ['13712345678', zheng.idNumber, '王某某']) expect(incident.errorMessage).not.toContain(clear);
    const open = await h.http('POST', '/v2/user-tasks/search', { filter: { processInstanceKey: pi, elementId: 'investigate-fraud' } });
    expect((open.body as { items: unknown[] }).items).toEqual([]);

    // The reference must be the registry's report about this campaign, with the registry's masked forms.
    const report = await h.registry.intake.file({ kind: 'fraud-report', submissionNumber: 'JB-national-9', campaignId: cmp.id, submitter: '王某某', contact: '13712345678', text: '郑立新的证明系伪造。', applicationId: zheng.id, by: 'channel:test' });
    const message = fraudReportMessage(report).report;
    const job = jobContext({ processInstanceKey: pi });
    expect(await fraudRecordReportWorker.handler({ campaignId: cmp.id, report: message }, job, h.services)).toEqual({ reportReceivedAt: report.receivedAt });
    await expect(fraudRecordReportWorker.handler({ campaignId: 'another-campaign', report: message }, job, h.services)).rejects.toThrow(
      `受理编号 report.ref=${report.id} 是弄虚作假举报（评聘活动 ${cmp.id}），不是针对评聘活动 another-campaign 的弄虚作假举报`,
    );
    await expect(fraudRecordReportWorker.handler({ campaignId: cmp.id, report: { ...message, ref: 'nope' } }, job, h.services)).rejects.toThrow('受理编号 report.ref=nope 在登记簿中不存在');
    await expect(fraudRecordReportWorker.handler({ campaignId: cmp.id, report: { ...message, reporterMasked: null } }, job, h.services)).rejects.toThrow(
      `消息与登记簿受理记录 ${report.id} 不一致（report.reporterMasked）：消息须按受理记录生成 / the message differs from the registry's submission ${report.id} in report.reporterMasked: build it from the submission`,
    );
    expect(fraudRecordReportWorker.input.safeParse({ campaignId: cmp.id, report: { ...message, text: '请联系 jubao@example.cn' } }).error!.issues[0]!.message).toContain(
      'report.text holds an e-mail address in clear (j***@example.cn)',
    );
    await h.http('POST', `/v2/process-instances/${pi}/cancellation`, {});
  }, 60_000);

  it('cancels and archives the campaign of an enterprise outside the pilot (not filed)', async () => {
    const ent: Enterprise = await h.seed.enterprise({ jurisdiction: 'national', n: 3, levels: [] });
    const cmp = await h.seed.campaign(ent, { levels: ['T'] });
    const pi = await h.startProcess('appraisal-national', { campaignId: cmp.id });
    const vars = await h.waitForCompletion(pi, 20_000);
    expect(vars.prerequisites).toMatchObject({ met: false, reasons: [expect.stringContaining('NAT-E-1')] });
    const stored = (await h.registry.campaigns.get(cmp.id))!;
    expect(stored.status).toBe('archived');
    const archives = await h.registry.archives.list(cmp.id);
    expect(archives).toHaveLength(2);
    const snapshot = archives.find((a) => a.retentionClass === 'electronic')!.content as { campaign: { status: string } };
    expect(snapshot.campaign.status).toBe('cancelled');
  }, 60_000);

  it('fails at once, naming the variable in Chinese and English, on bad variables', async () => {
    const missing = await h.startProcess('appraisal-national', { campaignId: 'no-such-campaign' });
    const incident = await h.waitForIncident({ processInstanceKey: missing, elementId: 'open-campaign', timeoutMs: 5_000 });
    expect(incident.errorType).toBe('JOB_NO_RETRIES');
    expect(incident.errorMessage).toContain('评聘活动 campaignId=no-such-campaign 在登记系统中不存在');
    expect(incident.errorMessage).toContain('campaignId: campaign no-such-campaign does not exist');

    const ent = await h.seed.enterprise({ jurisdiction: 'guangdong', n: 9 });
    const other = await h.seed.campaign(ent, { levels: ['T'] });
    const wrong = await h.startProcess('appraisal-national', { campaignId: other.id });
    const refused = await h.waitForIncident({ processInstanceKey: wrong, elementId: 'open-campaign', timeoutMs: 5_000 });
    expect(refused.errorMessage).toMatch(/登记为广东省.*jurisdiction: campaign .* is a guangdong campaign/);

    const job = jobContext();
    const parsed = campaignSelectWorker.input.safeParse({ campaign: { id: 'x', jurisdiction: 'national', level: 'Q', year: 2026 }, applications: ['a'], reviewResults: 'none' });
    expect(parsed.success).toBe(false);
    const messages = parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toContain('campaign.level: 评聘等级 campaign.level 应为 T（特级技师）或 S（首席技师） / campaign.level must be T or S');
    expect(messages).toContain('reviewResults: 评审结果 reviewResults 应为列表（candidate-review 的输出） / reviewResults must be a list (the output of candidate-review)');
    const ban = fraudBanWorker.input.safeParse({
      campaign: { id: 'x', jurisdiction: 'national', level: 'T', year: 2026 },
      enterprise: { creditCode: 'X' },
      fraudConfirmed: true,
      fraudSubjects: ['enterprise'],
      fraudCreditCode: '91320500000000001X',
      fraudDecidedOn: '2026-02-30',
      fraudFindings: '材料造假',
    });
    expect(ban.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(
      expect.arrayContaining([
        'fraudDecidedOn: 处理决定日期 fraudDecidedOn不是有效日期 / fraudDecidedOn is not a valid calendar date',
        expect.stringMatching(/^fraudCreditCode: 统一社会信用代码 fraudCreditCode 无效（GB 32100） \/ fraudCreditCode is not a valid/),
      ]),
    );
    // A select whose results miss an application is refused without retries.
    const { cmp, apps } = await seedCampaign(8, [{ name: '钱某', record: QUALIFIED }]);
    await expect(
      run(campaignSelectWorker, { campaign: { id: cmp.id, jurisdiction: 'national', level: 'T', year: 2026 }, applications: [apps[0]!.id], reviewResults: [] }, job),
    ).rejects.toBeInstanceOf(NonRetryableError);
  }, 60_000);

  it('gives the same result and records nothing twice when a job is delivered again', async () => {
    const { ent, cmp, apps } = await seedCampaign(7, [{ name: '甲', record: QUALIFIED }, { name: '乙', record: QUALIFIED }]);
    const [a, b] = apps as [(typeof apps)[0], (typeof apps)[0]];
    const job = jobContext({ processInstanceKey: '2251799813699999' });
    const opened = await run(campaignOpenWorker, { campaignId: cmp.id }, job);
    expect(await run(campaignOpenWorker, { campaignId: cmp.id }, job)).toEqual(opened);
    const { campaign, enterprise } = opened as { campaign: Record<string, unknown>; enterprise: Record<string, unknown> };
    const registered = await run(campaignRegisterCandidatesWorker, { campaign }, job);
    expect(await run(campaignRegisterCandidatesWorker, { campaign }, job)).toEqual(registered);
    expect((await h.registry.applications.get(a.id))!.history.filter((e) => e.status === 'in-review')).toHaveLength(1);

    const fraud = {
      campaign,
      enterprise,
      fraudConfirmed: true,
      fraudSubjects: ['person', 'enterprise'],
      fraudApplicationIds: [b.id],
      fraudCreditCode: ent.creditCode,
      fraudDecidedOn: h.now().toISOString().slice(0, 10),
      fraudFindings: '申报材料中的业绩证明系伪造。',
    };
    const first = (await run(fraudBanWorker, fraud, job)) as { fraudOutcome: { bans: Array<{ banId: string }> } };
    const second = (await run(fraudBanWorker, fraud, job)) as { fraudOutcome: { bans: Array<{ banId: string }> } };
    expect(second.fraudOutcome.bans.map((x) => x.banId)).toEqual(first.fraudOutcome.bans.map((x) => x.banId));
    expect(await h.registry.bans.active({ idNumber: b.idNumber, asOf: fraud.fraudDecidedOn })).toHaveLength(1);
    expect(await h.registry.bans.active({ creditCode: ent.creditCode, asOf: fraud.fraudDecidedOn })).toHaveLength(1);
    // The enterprise's ban disqualifies the whole campaign: nobody is left for certificates.
    const final = await run(campaignFinalizeListWorker, { campaign, enterprise, approved: [a.id, b.id] }, job);
    expect(final).toMatchObject({ approved: [] });
    expect(await run(campaignFinalizeListWorker, { campaign, enterprise, approved: [a.id, b.id] }, job)).toEqual(final);
    expect((await h.registry.applications.get(b.id))!.history.filter((e) => e.status === 'disqualified')).toHaveLength(1);

    const archived = await run(campaignArchiveWorker, { campaign, archiveOutcome: 'cancelled', archiveReason: '申报单位弄虚作假' }, job);
    expect(await run(campaignArchiveWorker, { campaign, archiveOutcome: 'cancelled', archiveReason: '申报单位弄虚作假' }, job)).toEqual(archived);
    expect(await h.registry.archives.list(cmp.id)).toHaveLength(2);
  }, 60_000);
});


/** Runs a worker's handler as the runtime does: input parsed by its schema, then the handler. */
async function run(def: WorkerDefinition, variables: Record<string, unknown>, job: JobContext): Promise<Record<string, unknown>> {
  const parsed = def.input.safeParse(JSON.parse(JSON.stringify(variables)));
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return JSON.parse(JSON.stringify(await def.handler(parsed.data, job, h.services))) as Record<string, unknown>;
}

