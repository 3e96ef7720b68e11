/**
 * direct-recognition (001 附件2) end to end: the real model, the DMN direct-recognition-sichuan, the
 * forms and the workers, on a pinned engine clock.
 *
 * - the plan of a unit below the 附件2 一(一) conditions is sent back with the reasons; corrected, it
 *   goes on to the plan publicity;
 * - a performance weight below 60 % for 技师 / 高级技师 (附件2 二) is refused three times over: by the
 *   form, by the plan check when a submission bypasses the form, and by the recognition worker;
 * - the happy path (plan publicity → filing → recognition → results publicity → certificates →
 *   report) cannot run yet: see the skipped test for what the registry and the shared workers lack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recognitionRecordWorker } from '../../workers/recognition/record.js';
import { describeIssues } from '../../workers/runtime.js';
import { startProcessHarness, type ProcessHarness, type UserTask } from '../support/process.js';

const PINNED = '2026-09-01T09:00:00+08:00';

let h: ProcessHarness;
beforeAll(async () => {
  h = await startProcessHarness({ pinnedAt: PINNED });
}, 60_000);
afterAll(() => h?.stop());

async function taskVariables(task: UserTask): Promise<Record<string, unknown>> {
  const res = await h.http('POST', `/v2/user-tasks/${task.userTaskKey}/variables/search?truncateValues=false`, { filter: {}, page: { limit: 1000 } });
  return Object.fromEntries((res.body.items as Array<{ name: string; value: string }>).map((v) => [v.name, JSON.parse(v.value)]));
}

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
async function start() {
  n += 1;
  const ent = await h.seed.enterprise({ jurisdiction: 'sichuan', n });
  const round = await h.seed.campaign(ent, { id: `DR-2026-${n}` });
  const pi = await h.startProcess('direct-recognition', { campaignId: round.id });
  return { ent, round, pi, hr: `enterprise:${ent.creditCode}:hr`, city: 'city:510100' };
}

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
    const res = await h.http('POST', `/v2/user-tasks/${draft.userTaskKey}/completion`, { variables: { ...rest, performanceWeight: 0.5 } });
    expect(res.status).toBeLessThan(300);
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

  // Blocked outside this model (see the report): the registry holds campaigns, applications and
  // certificates of levels T and S only (src/registry validation `appointedLevel`), so a round of
  // 技师 recognition, its candidates and their level-2 certificates cannot be registered;
  // pingpin.campaign.register-candidates takes T or S only; and pingpin.publicity.publish refuses a
  // notice without entries, which the plan publicity (附件2 四: the plan, not persons) is.
});
