/**
 * direct-recognition (001 附件2) end to end: the real model, the DMN direct-recognition-sichuan, the
 * forms and the workers, on a pinned engine clock, with a registry round of kind `recognition`.
 *
 * - the plan of a unit below the 附件2 一(一) conditions is sent back with the reasons; corrected, it
 *   goes on to the plan publicity;
 * - a performance weight below 60 % for 技师 / 高级技师 (附件2 二) is refused three times over: by the
 *   form, by the plan check when a submission bypasses the form, and by the recognition worker;
 * - the happy path: plan → plan publicity (a notice naming nobody) → HRSS filing → recognition of each
 *   person → results publicity (an upheld objection removes one) → level-2 certificates → the report
 *   to the filing place's skills center, recorded in the registry and read back on redelivery;
 * - an objection upheld against the plan sends the plan back to the unit;
 * - an appraisal campaign is not run as a recognition round, nor a recognition round as an appraisal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Enterprise } from '../../src/registry/index.js';
import campaignArchiveWorker from '../../workers/campaign/archive.js';
import campaignRegisterCandidatesWorker from '../../workers/campaign/register-candidates.js';
import campaignSelectWorker from '../../workers/campaign/select.js';
import publicityDecideObjection from '../../workers/publicity/decide-objection.js';
import publicityPublish from '../../workers/publicity/publish.js';
import recognitionCheckPlanWorker from '../../workers/recognition/check-plan.js';
import recognitionRecordWorker from '../../workers/recognition/record.js';
import recognitionReportWorker from '../../workers/recognition/report.js';
import { describeIssues, type JobContext } from '../../workers/runtime.js';
import { startProcessHarness, type ProcessHarness, type UserTask, jobContext } from '../support/process.js';
import { publishObjection } from '../support/intake.js';

const PINNED = '2026-09-01T09:00:00+08:00';

let h: ProcessHarness;
beforeAll(async () => {
  h = await startProcessHarness({ pinnedAt: PINNED });
}, 60_000);
afterAll(() => h?.stop());

const taskVariables = (task: UserTask): Promise<Record<string, unknown>> => h.taskVariables(task);

/** A 技师 recognition plan of a major contributor's unit (001 附件2 三(三)1). */
const plan = (over: { frontlineSkilledWorkers?: number; performanceWeightPercent?: number } = {}) => ({
  unit: { frontlineSkilledWorkers: over.frontlineSkilledWorkers ?? 2400, systemComplete: true, dedicatedStaff: true },
  targetGroup: 'major-contributor',
  level: '2',
  recognitionPlan: {
    title: '2026年度技师直接认定工作方案',
    occupations: [{ code: '6-18-01-01', name: '车工' }],
    methods: ['performance', 'on-site'],
    workingGroup: '人力资源部牵头成立直接认定工作小组，负责方案制定、材料审核和组织评审。',
    experts: '外聘高级技师三名、本企业正高级工程师两名',
    startOn: '2026-09-15',
    endOn: '2026-11-30',
  },
  performanceWeightPercent: over.performanceWeightPercent ?? 70,
  passMark: 75,
});

let n = 0;
/** A Sichuan unit filed for 技师 and 高级技师 (evaluator key Y000051 + site n), and a 技师 / 高级技师 round. */
async function start(people: Array<{ name: string }> = []) {
  n += 1;
  const ent = await h.seed.enterprise({ jurisdiction: 'sichuan', n });
  for (const level of ['2', '1'] as const) {
    await h.registry.enterprises.fileEvaluator({ creditCode: ent.creditCode, level, category: 'Y', evaluatorCode: '0000', siteSerial: String(n).padStart(6, '0'), authority: 'province', filedOn: '2025-01-10', by: 'test:seed' });
  }
  const round = await h.seed.campaign(ent, { id: `DR-2026-${n}`, kind: 'recognition', levels: ['2', '1'], deadline: '2026-12-31' });
  const apps = [];
  for (const [i, p] of people.entries()) {
    apps.push(await h.registry.applications.create({ campaignId: round.id, level: '2', applicant: h.seed.applicant({ n: n * 100 + i, name: p.name }) as never, by: 'test:seed' }));
  }
  const pi = await h.startProcess('direct-recognition', { campaignId: round.id });
  return { ent, round, apps, pi, hr: `enterprise-${ent.creditCode}-hr`, city: 'city-510100' };
}

/** Lets the engine clock run past the window of the campaign's published notice of `kind`; returns the notice. */
async function passWindow(pi: string, campaignId: string, kind: string) {
  const deadline = Date.now() + 15_000;
  let notice;
  while (!(notice = (await h.registry.notices.list({ campaignId })).find((x) => x.kind === kind && x.status === 'published'))) {
    if (Date.now() > deadline) throw new Error(`no published ${kind} notice for ${campaignId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await h.waitForElement({ processInstanceKey: pi, elementId: 'window-ends', timeoutMs: 20_000 });
  await h.advanceClock(new Date(new Date(notice.endsAt).getTime() + 60_000).toISOString());
  return notice;
}

/** An anonymous objection, filed with the registry's intake and published by reference (workers/intake.ts). */
const objection = (noticeId: string, text: string, applicationId?: string) => publishObjection(h, noticeId, { contact: '13800138000', text, ...(applicationId ? { applicationId } : {}) });

/** Today on the engine clock in Asia/Shanghai, the day the registry takes as today. */
const shanghaiToday = () => new Date(h.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/** What form file-recognition-plan submits when the city files the plan. */
const FILED = { recognitionFilingDecision: 'file', recognitionFiledOn: '2026-09-15', recognitionFilingNumber: '成人社直认备〔2026〕12号', recognitionFilingComment: '方案经公示无异议，准予备案。' };

/** What form certificate-record-appointment submits. */
const APPOINTMENT = {
  appointment: {
    signedOn: '2026-11-03',
    agreementNumber: 'SC-DR-2026-001',
    startOn: '2026-11-03',
    endOn: '2029-11-02',
    post: '数控车工技师岗',
    duties: '承担数控车削关键工序操作，带徒传技。',
    benefits: '按本企业技师岗位标准享受相关待遇。',
  },
};

const recognitionJob = (over: Partial<JobContext> = {}): JobContext => jobContext({ jobKey: '2251799813699001', processInstanceKey: '2251799813699000', elementId: 'report', ...over });

describe('direct-recognition', () => {
  it('a plan below the unit conditions comes back with the reasons; corrected, it goes to the plan publicity', async () => {
    const { pi, hr, round } = await start();
    let draft = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-recognition-plan', candidateGroup: hr });
    expect(await taskVariables(draft)).toMatchObject({ enterprise: { divisionCode: '510100' }, campaign: { id: round.id, jurisdiction: 'sichuan' } });
    expect((await h.registry.campaigns.get(round.id))!).toMatchObject({ status: 'running', processInstanceKey: pi });
    await h.completeUserTask(draft, plan({ frontlineSkilledWorkers: 800 }));

    draft = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-recognition-plan', candidateGroup: hr });
    const check = (await taskVariables(draft)).recognitionCheck as { eligible: boolean; reasons: string[]; conditions: Array<{ code: string }> };
    expect(check.eligible).toBe(false);
    expect(check.reasons).toEqual(['SC-DR-U-1：一线技能职工人数低于1000人（001 附件2 一(一)）']);
    // The conditions the persons will be judged on are known from the plan (附件2 三(三)1).
    expect(check.conditions.map((c) => c.code)).toEqual(['SC-DR-3-2-1', 'SC-DR-3-2-2', 'SC-DR-3-2-3', 'SC-DR-3-2-4']);

    await h.completeUserTask(draft, plan());
    await expect
      .poll(async () => (await h.http('POST', '/v2/element-instances/search', { filter: { processInstanceKey: pi, elementId: 'plan-publicity' } })).body.items.length)
      .toBe(1);
    const vars = await h.variables(pi);
    expect(vars.recognitionCheck).toMatchObject({ eligible: true, reasons: [], basis: ['SC-DR-U-1', 'SC-DR-U-2', 'SC-DR-U-3', 'SC-DR-M-2'] });
    expect(vars.performanceWeight).toBe(0.7);
    await h.http('POST', `/v2/process-instances/${pi}/cancellation`, {});
  }, 60_000);

  it('a performance weight below 60 % for 技师: refused by the form, and by the plan check when the form is bypassed', async () => {
    const { pi, hr } = await start();
    let draft = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-recognition-plan', candidateGroup: hr });
    await expect(h.completeUserTask(draft, plan({ performanceWeightPercent: 55 }))).rejects.toThrow(/performanceWeightPercent/);

    // A client that does not use the form (or a form edited without the rule) submits 50 %.
    const { performanceWeightPercent: _drop, ...rest } = plan();
    // pingpin's /v2 checks the form on completion; a Camunda cluster does not, so the plan check must.
    const res = await h.http('POST', `/v2/user-tasks/${draft.userTaskKey}/completion`, { variables: { ...rest, performanceWeight: 0.5 } });
    expect(res.status).toBe(400);
    h.completeBypassingForm(draft, { ...rest, performanceWeight: 0.5 });
    draft = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-recognition-plan', candidateGroup: hr });
    const back = await taskVariables(draft);
    expect(back.recognitionCheck).toMatchObject({ eligible: false, reasons: ['SC-DR-M-2：业绩评定评分权重不得低于60%，方案为 50%（001 附件2 二）'] });
    // The decision itself says so as well (DMN scDrMethod).
    expect((back.recognitionPlanDecision as { reasons: string[] }).reasons).toContain('SC-DR-M-2：业绩评定评分权重不得低于60%（001 附件2 二）');
    const publicity = await h.http('POST', '/v2/element-instances/search', { filter: { processInstanceKey: pi, elementId: 'plan-publicity' } });
    expect(publicity.body.items).toEqual([]);
    await h.http('POST', `/v2/process-instances/${pi}/cancellation`, {});
  }, 60_000);

  it('the recognition worker refuses a weight below 60 % for 技师 with no retries, naming the variable in Chinese and English', () => {
    const parsed = recognitionRecordWorker.input.safeParse({
      campaign: { id: 'DR-2026-1' },
      recognitionResult: { applicationId: 'A1', conditionsMet: ['SC-DR-3-2-1'], performanceScore: 90, reviewScore: 80 },
      personDecision: { eligible: false, basis: [], conditions: [], combinedScore: 86, reasons: [] },
      level: '2',
      performanceWeight: 0.5,
    });
    expect(parsed.success).toBe(false);
    const message = describeIssues(parsed.error!);
    expect(message).toContain('performanceWeight: 业绩评定评分权重 performanceWeight 不得低于60%（001 附件2 二），实为 50% / performanceWeight must be at least 0.6');
    // Levels 5–3 have no weight rule (附件2 二: 业绩评定、技术比武等方式).
    expect(
      recognitionRecordWorker.input.safeParse({
        campaign: { id: 'DR-2026-1' },
        recognitionResult: { applicationId: 'A1', conditionsMet: ['SC-DR-2-3-1'], performanceScore: 90 },
        personDecision: { eligible: true, basis: [], conditions: [], combinedScore: null, reasons: [] },
        level: '3',
        performanceWeight: null,
      }).success,
    ).toBe(true);
  });

  it('happy path: plan publicity, filing, recognition, results publicity, level-2 certificates, report to the skills center', async () => {
    const { ent, round, apps, pi, hr, city } = await start([{ name: '刘建国' }, { name: '陈志强' }, { name: '杨帆' }]);
    const [liu, chen, yang] = apps as [(typeof apps)[0], (typeof apps)[0], (typeof apps)[0]];
    const draft = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-recognition-plan', candidateGroup: hr });
    await h.completeUserTask(draft, plan());

    // 附件2 四: the plan is publicized first — a notice of the plan that names nobody.
    const planNotice = await passWindow(pi, round.id, 'plan');
    expect(planNotice).toMatchObject({ kind: 'plan', entries: [] });
    const filing = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'file-recognition-plan', candidateGroup: city });
    expect((await taskVariables(filing)).publicityResult).toMatchObject({ noticeId: planNotice.id, removedApplications: [], objections: [] });
    await h.completeUserTask(filing, FILED);

    // Recognition: the round's 技师 applications are the candidates; each is scored and judged.
    const record = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'record-recognition', candidateGroup: hr });
    const rv = await taskVariables(record);
    // In the order the registry lists them (filed in the same instant here: by id).
    const order = [...apps].sort((a, b) => (a.id < b.id ? -1 : 1));
    const byOrder = <T,>(rows: T[], id: (row: T) => string) => [...rows].sort((a, b) => order.findIndex((x) => x.id === id(a)) - order.findIndex((x) => x.id === id(b)));
    expect(rv.candidates).toEqual(order.map((a) => expect.objectContaining({ applicationId: a.id, name: a.applicant.name, idNumberMasked: a.applicant.idNumber })));
    expect(rv.recognitionResults).toEqual(order.map((a) => ({ applicationId: a.id })));
    expect((await h.registry.applications.get(liu.id))!.status).toBe('in-review');
    await h.completeUserTask(record, {
      recognitionResults: byOrder(
        [
          { applicationId: liu.id, conditionsMet: ['SC-DR-3-2-1'], performanceScore: 90, reviewScore: 80, comment: '主持数控车削工艺攻关，成果显著。' },
          { applicationId: chen.id, conditionsMet: ['SC-DR-3-2-2'], performanceScore: 85, reviewScore: 90, comment: '' },
          { applicationId: yang.id, conditionsMet: ['SC-DR-3-2-1'], performanceScore: 60, reviewScore: 60, comment: '' },
        ],
        (r) => r.applicationId,
      ),
      recognitionRecordedOn: '2026-09-20',
    });

    // Results publicity of the two recognized; an objection against 陈志强 is upheld.
    const resultsNotice = await (async () => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const found = (await h.registry.notices.list({ campaignId: round.id })).find((x) => x.kind === 'results' && x.status === 'published');
        if (found) return found;
        if (Date.now() > deadline) throw new Error('no results notice');
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // 杨帆 (combined 60, below the pass mark 75) is not on it.
    expect(resultsNotice.entries.map((e) => [e.applicationId, e.name, e.summary])).toEqual(
      byOrder(
        [
          [liu.id, '刘建国', '拟直接认定为技师，综合评分 87'],
          [chen.id, '陈志强', '拟直接认定为技师，综合评分 86.5'],
        ],
        (r) => r[0]!,
      ),
    );
    const outcomes = (await h.variables(pi)).recognitionOutcomes as Array<{ applicationId: string; recognized: boolean; combinedScore: number }>;
    expect(outcomes.map((o) => [o.applicationId, o.recognized, o.combinedScore])).toEqual(
      byOrder(
        [
          [liu.id, true, 87],
          [chen.id, true, 86.5],
          [yang.id, false, 60],
        ],
        (r) => r[0] as string,
      ),
    );
    expect((await h.registry.applications.get(yang.id))!.status).toBe('ineligible');
    await h.waitForElement({ processInstanceKey: pi, elementId: 'window-ends', timeoutMs: 20_000 });
    await objection(resultsNotice.id, '反映陈志强申报的技术攻关成果系他人完成，请核实。', chen.id);
    const investigate = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'investigate-objection', candidateGroup: hr });
    await h.completeUserTask(investigate, {
      objectionOutcome: 'upheld',
      affectedApplicationId: chen.id,
      // The registry takes no investigation dated before the objection or after today (Asia/Shanghai).
      investigatedOn: shanghaiToday(),
      resolution: '经核实，该攻关成果的主要完成人另有其人，异议成立，不予直接认定。',
    });
    await h.advanceClock(new Date(new Date(resultsNotice.endsAt).getTime() + 60_000).toISOString());

    // Certificates and appointment for 刘建国 only: level 2 at position 16 (001 附件1 注2).
    const appoint = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'record-appointment', candidateGroup: hr });
    await h.completeUserTask(appoint, APPOINTMENT);
    const vars = await h.waitForCompletion(pi, 20_000);
    expect(vars.approved).toEqual([liu.id]);
    expect(vars.publicityRemoved).toEqual([{ applicationId: chen.id, reason: `公示期间异议成立（公示 ${resultsNotice.id}）` }]);
    const certificates = vars.certificates as Array<{ applicationId: string; certificateCode: string }>;
    const code = `Y000051${String(n).padStart(6, '0')}262000001`;
    expect(certificates).toEqual([{ applicationId: liu.id, certificateCode: code }]);
    expect(code[15]).toBe('2');
    const cert = (await h.registry.certificates.byApplication(liu.id))!;
    expect(cert).toMatchObject({ code, level: '2', serial: 1, holderName: '刘建国', occupation: { code: '6-18-01-01', name: '车工' } });
    expect(await h.registry.nationalUploads.get(code)).toMatchObject({ level: '2' });
    expect((await h.registry.applications.get(chen.id))!.status).toBe('rejected');
    expect(await h.registry.certificates.byApplication(chen.id)).toBeUndefined();

    // 附件2 四: the data reported to the filing place's skills center, recorded in the registry.
    const report = await h.registry.skillsCenterReports.get(round.id);
    expect(report).toMatchObject({
      campaignId: round.id,
      creditCode: ent.creditCode,
      recipient: { divisionCode: '510100', name: '备案地（510100）职业技能鉴定中心' },
      filing: { filingNumber: FILED.recognitionFilingNumber, filedOn: '2026-09-15' },
      records: [{ applicationId: liu.id, certificateCode: code, holderName: '刘建国', level: '2', combinedScore: 87, conditionsMet: ['SC-DR-3-2-1'] }],
    });
    expect(report!.records[0]!.idNumber).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
    expect(vars.recognitionReport).toMatchObject({ reportId: `skills-center-report:${round.id}`, reportedOn: report!.reportedOn, alreadyReported: false, records: [{ certificateCode: code, level: '2', levelName: '技师', name: '刘建国' }] });

    // A redelivered report job reads the report back instead of sending a second one.
    const input = recognitionReportWorker.input.parse(vars);
    await h.advanceClock(new Date(h.now().getTime() + 3 * 86_400_000).toISOString());
    const again = (await recognitionReportWorker.handler(input, recognitionJob(), h.services)) as { recognitionReport: Record<string, unknown> };
    expect(again.recognitionReport).toEqual({ ...(vars.recognitionReport as object), alreadyReported: true });
    // Read back, not written again: one report in the audit trail.
    expect((await h.registry.audit.list({ entityType: 'campaign', entityId: round.id })).filter((a) => a.action.startsWith('skills-center-report')).map((a) => a.action)).toEqual([
      'skills-center-report.recorded',
    ]);
    expect((await h.registry.campaigns.get(round.id))!.status).toBe('archived');
  }, 120_000);

  it('an objection upheld against the plan publicity (it names nobody) sends the plan back to the unit', async () => {
    const { pi, hr, round } = await start();
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-recognition-plan', candidateGroup: hr }), plan());
    const deadline = Date.now() + 15_000;
    let notice;
    while (!(notice = (await h.registry.notices.list({ campaignId: round.id })).find((x) => x.kind === 'plan' && x.status === 'published'))) {
      if (Date.now() > deadline) throw new Error('no plan notice');
      await new Promise((r) => setTimeout(r, 50));
    }
    await h.waitForElement({ processInstanceKey: pi, elementId: 'window-ends', timeoutMs: 20_000 });
    await objection(notice.id, '方案未明确技师现场评审的评审专家组成，且未征求职工代表意见。');
    const investigate = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'investigate-objection', candidateGroup: hr });
    expect((await taskVariables(investigate)).notice).toMatchObject({ kind: 'plan', entries: [] });
    // Completed through the form: upheld, and nobody to name — the form hides the person to remove
    // for a plan notice (it lists nobody), so what it submits is what decide-objection accepts.
    const investigatedOn = shanghaiToday();
    const submitted = await h.completeUserTask(investigate, { objectionOutcome: 'upheld', investigatedOn, resolution: '经核实，方案确未明确现场评审专家组成，异议成立，退回修改后重新公示。' });
    expect(submitted).toMatchObject({ upheld: true, investigatedOn });
    expect(submitted).not.toHaveProperty('affectedApplicationId');
    const objections = await (async () => {
      for (let i = 0; i < 200; i++) {
        const os = await h.registry.objections.list({ noticeId: notice.id });
        if (os[0]?.outcome === 'upheld') return os;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the objection was not decided');
    })();
    expect(objections).toMatchObject([{ outcome: 'upheld', applicationId: null, investigatedOn }]);
    // A plan notice lists nobody: naming a person to remove is refused, naming the variable.
    const decision = { noticeId: notice.id, objectionId: objections[0]!.id, upheld: true, affectedApplicationId: 'A-1', resolution: '经核实，异议成立，退回修改后重新公示。', investigatedOn };
    await expect(publicityDecideObjection.handler(decision, recognitionJob({ elementId: 'decide-objection' }), h.services)).rejects.toThrow(
      /affectedApplicationId 应为空，实为 A-1 \/ affectedApplicationId must be empty for plan notice/,
    );
    await h.advanceClock(new Date(new Date(notice.endsAt).getTime() + 60_000).toISOString());

    const back = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-recognition-plan', candidateGroup: hr });
    const vars = await taskVariables(back);
    expect(vars.publicityResult).toMatchObject({ noticeId: notice.id, removedApplications: [], objections: [{ applicationId: null, outcome: 'upheld' }] });
    const filings = await h.http('POST', '/v2/element-instances/search', { filter: { processInstanceKey: pi, elementId: 'file-recognition-plan' } });
    expect(filings.body.items).toEqual([]);
    await h.http('POST', `/v2/process-instances/${pi}/cancellation`, {});
  }, 90_000);

  it('keeps appraisals and recognition rounds apart, naming the campaign kind in Chinese and English', async () => {
    // An appraisal campaign started as a direct recognition: an incident on the first step.
    n += 1;
    const ent: Enterprise = await h.seed.enterprise({ jurisdiction: 'sichuan', n });
    const appraisal = await h.seed.campaign(ent, { id: `SC-2026-${n}`, levels: ['T'] });
    const pi = await h.startProcess('direct-recognition', { campaignId: appraisal.id });
    const incident = await h.waitForIncident({ processInstanceKey: pi, elementId: 'open-recognition' });
    expect(incident.errorType).toBe('JOB_NO_RETRIES');
    expect(incident.errorMessage).toContain(`不是职业技能等级直接认定（kind 应为 recognition，001 附件2）`);
    expect(incident.errorMessage).toContain(`is an appraisal campaign (levels T), not a direct-recognition round`);
    await h.http('POST', `/v2/process-instances/${pi}/cancellation`, {});

    // The shared campaign steps take either kind, each at its own levels.
    const shared = campaignRegisterCandidatesWorker.input;
    expect(shared.safeParse({ campaign: { id: 'DR', kind: 'recognition', jurisdiction: 'sichuan', level: '2', year: 2026 } }).success).toBe(true);
    expect(shared.safeParse({ campaign: { id: 'SC', jurisdiction: 'sichuan', level: 'T', year: 2026 } }).success).toBe(true);
    const tInRound = shared.safeParse({ campaign: { id: 'DR', kind: 'recognition', jurisdiction: 'sichuan', level: 'T', year: 2026 } });
    expect(describeIssues(tInRound.error!)).toContain('campaign.level: 直接认定（campaign.kind = recognition）等级 campaign.level 应为 5、4、3、2 或 1');
    expect(describeIssues(tInRound.error!)).toContain('campaign.level must be 5, 4, 3, 2 or 1 for a direct recognition');
    const twoInAppraisal = shared.safeParse({ campaign: { id: 'SC', jurisdiction: 'sichuan', level: '2', year: 2026 } });
    expect(describeIssues(twoInAppraisal.error!)).toContain('campaign.level: 评聘（campaign.kind = appraisal）等级 campaign.level 应为 T（特级技师）或 S（首席技师），不能为 2');
    const roundElsewhere = campaignArchiveWorker.input.safeParse({ campaign: { id: 'DR', kind: 'recognition', jurisdiction: 'guangdong', year: 2026 } });
    expect(describeIssues(roundElsewhere.error!)).toContain('campaign.jurisdiction: 直接认定（campaign.kind = recognition）按四川省工作指引办理（001 附件2）');
    // A step only appraisals have refuses a recognition round by its kind.
    const select = campaignSelectWorker.input.safeParse({ campaign: { id: 'DR', kind: 'recognition', jurisdiction: 'sichuan', level: '2', year: 2026 } });
    expect(select.success).toBe(false);
    expect(describeIssues(select.error!)).toContain('campaign.kind: 本步骤只办理特级技师、首席技师评聘（campaign.kind 应为 appraisal）');

    // A plan at a level the round was not registered for would find nobody: the plan check says so.
    const check = (await recognitionCheckPlanWorker.handler(
      recognitionCheckPlanWorker.input.parse({
        recognitionPlanDecision: { eligible: true, basis: ['SC-DR-U-1', 'SC-DR-U-2', 'SC-DR-U-3'], conditions: [{ code: 'SC-DR-2-3-1', text: '…' }], reasons: [] },
        level: '3',
        targetGroup: 'high-performer',
        performanceWeight: null,
        campaign: { id: 'DR', levels: ['2', '1'] },
        recognitionPlan: { methods: ['performance'] },
      }),
      recognitionJob(),
      h.services,
    )) as { recognitionCheck: { eligible: boolean; reasons: string[] } };
    expect(check.recognitionCheck).toMatchObject({ eligible: false, reasons: ['SC-DR：本轮直接认定登记的等级为 技师（2）、高级技师（1），方案的认定等级高级工（3）不在其中'] });

    // Only a plan notice may name nobody (附件2 四); a list of people may not be empty.
    const notice = (kind: string, entries: unknown[]) => publicityPublish.input.safeParse({ campaign: { id: 'DR' }, notice: { kind, title: '公示标题', entries }, days: 5, investigatorGroup: 'g' });
    expect(notice('plan', []).success).toBe(true);
    expect(describeIssues(notice('results', []).error!)).toContain('notice.entries: 公示名单至少一人（results 类公示的是人员；只有工作方案公示 plan 可以不列人员）');
    expect(describeIssues(notice('plan', [{ applicationId: 'A1', name: '张三' }]).error!)).toContain('notice.entries: 工作方案公示（plan）不列人员');
  }, 60_000);
});

describe('direct-recognition: people out of the round, and what the plan form shows', () => {
  /** The FEEL of the draft-recognition-plan form's components, evaluated as the form would on a task's variables. */
  async function planForm(variables: Record<string, unknown>) {
    const { readFileSync } = await import('node:fs');
    const { compile, evaluate } = await import('../../src/feel/index.js');
    const form = JSON.parse(readFileSync(new URL('../../forms/draft-recognition-plan.form', import.meta.url), 'utf8')) as { components: Array<Record<string, unknown>> };
    const byId = (id: string) => form.components.find((c) => c.id === id)!;
    const feel = (source: string) => evaluate(compile(source.startsWith('=') ? source : `=${source}`), { variables, now: () => h.now().getTime() });
    const table = byId('Table_planObjections') as { conditional: { hide: string }; dataSource: string };
    const text = byId('Text_planObjections') as { text: string };
    const shown = feel(/^\{\{#if (.*?)\}\}/s.exec(text.text)![1]!);
    return { tableHidden: feel(table.conditional.hide), rows: feel(table.dataSource), textShown: shown, checkText: (byId('Text_3') as { text: string }).text };
  }

  it('an applicant withdrawn before the recognition and one disqualified after the certificate: the round completes for the others', async () => {
    const { round, apps, pi, hr, city } = await start([{ name: '王立新' }, { name: '赵德明' }, { name: '孙海涛' }]);
    const [wang, zhao, sun] = apps as [(typeof apps)[0], (typeof apps)[0], (typeof apps)[0]];
    const draft = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-recognition-plan', candidateGroup: hr });
    // First time round: nothing came back, so the form shows no objection and no failed check.
    expect(await planForm(await h.taskVariables(draft))).toMatchObject({ tableHidden: true, textShown: false });
    await h.completeUserTask(draft, plan());
    await passWindow(pi, round.id, 'plan');
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'file-recognition-plan', candidateGroup: city }), FILED);

    // 王立新 withdraws while the scores are being recorded: final in the registry.
    const record = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'record-recognition', candidateGroup: hr });
    await h.registry.applications.setStatus({ id: wang.id, status: 'withdrawn', why: '本人申请撤回直接认定申报', by: 'test:applicant' });
    const order = [...apps].sort((a, b) => (a.id < b.id ? -1 : 1));
    const scores: Record<string, { performanceScore: number; reviewScore: number }> = {
      [wang.id]: { performanceScore: 95, reviewScore: 90 },
      [zhao.id]: { performanceScore: 88, reviewScore: 85 },
      [sun.id]: { performanceScore: 86, reviewScore: 84 },
    };
    await h.completeUserTask(record, {
      recognitionResults: order.map((a) => ({ applicationId: a.id, conditionsMet: ['SC-DR-3-2-1'], ...scores[a.id]!, comment: '' })),
      recognitionRecordedOn: '2026-09-20',
    });

    // Not recognized, nothing written over the withdrawal, and not on the results notice.
    const results = await passWindow(pi, round.id, 'results');
    expect(results.entries.map((e) => e.applicationId).sort()).toEqual([zhao.id, sun.id].sort());
    const outcomes = (await h.variables(pi)).recognitionOutcomes as Array<{ applicationId: string; recognized: boolean; excluded: { status: string; reason: string } | null }>;
    const wangOutcome = outcomes.find((o) => o.applicationId === wang.id)!;
    expect(wangOutcome).toMatchObject({ recognized: false, excluded: { status: 'withdrawn', reason: '申报已撤回，不予直接认定 / application withdrawn: not recognized' } });
    expect(outcomes.filter((o) => o.applicationId !== wang.id).map((o) => [o.recognized, o.excluded])).toEqual([
      [true, null],
      [true, null],
    ]);
    const wangNow = (await h.registry.applications.get(wang.id))!;
    expect(wangNow.status).toBe('withdrawn');
    expect(wangNow.eligibility).toBeNull();
    expect(wangNow.history.at(-1)!.why).toBe('本人申请撤回直接认定申报');

    // Certificates for 赵德明 and 孙海涛; 赵德明 is disqualified before the appointment is recorded.
    const appointments = await h.waitForTasks(pi, 'record-appointment', 2, 20_000);
    const of = async (task: UserTask) => (await h.taskVariables(task)).applicationId as string;
    const zhaoTask = (await Promise.all(appointments.map(async (t) => [t, await of(t)] as const))).find(([, id]) => id === zhao.id)![0];
    const sunTask = appointments.find((t) => t !== zhaoTask)!;
    expect((await h.registry.applications.get(zhao.id))!.status).toBe('certified');
    await h.registry.applications.setStatus({ id: zhao.id, status: 'disqualified', why: '经查提供虚假业绩材料，取消资格', by: 'test:province' });
    await h.completeUserTask(zhaoTask, { appointment: { ...APPOINTMENT.appointment, agreementNumber: 'SC-DR-2026-101' } });
    await h.completeUserTask(sunTask, { appointment: { ...APPOINTMENT.appointment, agreementNumber: 'SC-DR-2026-102' } });

    const vars = await h.waitForCompletion(pi, 30_000);
    const certificates = vars.certificates as Array<{ applicationId: string; certificateCode: string }>;
    expect(certificates.map((c) => c.applicationId).sort()).toEqual([zhao.id, sun.id].sort());
    const zhaoCode = certificates.find((c) => c.applicationId === zhao.id)!.certificateCode;
    const sunCode = certificates.find((c) => c.applicationId === sun.id)!.certificateCode;
    // 赵德明: no appointment, still disqualified; 孙海涛 appointed.
    expect((await h.registry.applications.get(zhao.id))!.status).toBe('disqualified');
    expect(await h.registry.appointments.get(zhao.id)).toBeUndefined();
    expect((await h.registry.applications.get(sun.id))!.status).toBe('appointed');
    // The report names 孙海涛 only and says why 赵德明 is not in it.
    const report = (await h.registry.skillsCenterReports.get(round.id))!;
    expect(report.records.map((r) => [r.applicationId, r.certificateCode])).toEqual([[sun.id, sunCode]]);
    expect(vars.recognitionReport).toMatchObject({
      reported: true,
      records: [{ applicationId: sun.id, certificateCode: sunCode }],
      skipped: [{ applicationId: zhao.id, certificateCode: zhaoCode, reason: '申报已被取消资格，不报送 / not reported: application disqualified' }],
      alreadyReported: false,
    });
    expect((await h.registry.campaigns.get(round.id))!.status).toBe('archived');

    // Nobody left to report (a round whose every certificate holder left): nothing recorded, no incident.
    const none = (await recognitionReportWorker.handler(
      recognitionReportWorker.input.parse({ ...vars, campaign: { id: `${round.id}-none` }, certificates: [{ applicationId: zhao.id, certificateCode: zhaoCode }] }),
      recognitionJob(),
      h.services,
    )) as { recognitionReport: Record<string, unknown> };
    expect(none.recognitionReport).toMatchObject({ reported: false, records: [], skipped: [{ applicationId: zhao.id }] });
    expect(await h.registry.skillsCenterReports.get(`${round.id}-none`)).toBeUndefined();

    // Direct recognition (levels 5…1) never starts a management period (001 四(八): 特级技师、首席技师 only).
    expect(await h.registry.managementPeriods.get(sunCode)).toBeUndefined();
    const periods = await h.http('POST', '/v2/process-instances/search', { filter: { processDefinitionId: 'management-period' } });
    expect(periods.body.items).toEqual([]);
  }, 120_000);

  it('the plan form shows why the plan came back: an upheld objection in the plan publicity, or a failed plan check', async () => {
    const { pi, hr, round } = await start();
    // A failed check: the form says it failed and lists the reasons (recognitionCheck.reasons).
    await h.completeUserTask(await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-recognition-plan', candidateGroup: hr }), plan({ frontlineSkilledWorkers: 800 }));
    const failed = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-recognition-plan', candidateGroup: hr });
    const failedVars = await h.taskVariables(failed);
    const afterCheck = await planForm(failedVars);
    expect(afterCheck).toMatchObject({ tableHidden: true, textShown: false });
    expect(afterCheck.checkText).toContain('{{#if recognitionCheck.eligible = false}}**方案核验未通过，已退回修改**');
    expect(failedVars.recognitionCheck).toMatchObject({ eligible: false, reasons: ['SC-DR-U-1：一线技能职工人数低于1000人（001 附件2 一(一)）'] });

    // An upheld objection to the plan publicity.
    await h.completeUserTask(failed, plan());
    let notice;
    const deadline = Date.now() + 15_000;
    while (!(notice = (await h.registry.notices.list({ campaignId: round.id })).find((x) => x.kind === 'plan' && x.status === 'published'))) {
      if (Date.now() > deadline) throw new Error('no plan notice');
      await new Promise((r) => setTimeout(r, 50));
    }
    await h.waitForElement({ processInstanceKey: pi, elementId: 'window-ends', timeoutMs: 20_000 });
    await objection(notice.id, '方案未明确高级技师现场评审的评分细则。');
    const investigate = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'investigate-objection', candidateGroup: hr });
    // Completed through the form, investigated today on the engine clock (earlier tests moved it on).
    await h.completeUserTask(investigate, {
      objectionOutcome: 'upheld',
      investigatedOn: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(h.now()),
      resolution: '经核实，方案确未明确现场评审评分细则，异议成立，退回修改后重新公示。',
    });
    for (let i = 0; i < 200 && (await h.registry.objections.list({ noticeId: notice.id }))[0]?.outcome !== 'upheld'; i++) await new Promise((r) => setTimeout(r, 50));
    await h.advanceClock(new Date(new Date(notice.endsAt).getTime() + 60_000).toISOString());
    const back = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-recognition-plan', candidateGroup: hr });
    const shown = await planForm(await h.taskVariables(back));
    expect(shown.tableHidden).toBe(false);
    expect(shown.textShown).toBe(true);
    const rows = shown.rows as Array<{ receivedAt: string; closedAt: string; resolution: string }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.receivedAt).toMatch(/^2026-/);
    // The investigator's resolution, carried in publicityResult.
    expect(rows[0]!.resolution).toBe('经核实，方案确未明确现场评审评分细则，异议成立，退回修改后重新公示。');
    await h.http('POST', `/v2/process-instances/${pi}/cancellation`, {});
  }, 90_000);
});
