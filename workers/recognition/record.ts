/**
 * pingpin.recognition.record — 登记直接认定结果. One job per person (the multi-instance over
 * `recognitionResults` in direct-recognition), after the decision `direct-recognition-sichuan` has
 * judged the person (`personDecision`: the conditions met, the unit and the filed plan, the methods,
 * the combined score against the pass mark). Checks the scores the `record-recognition` form
 * submitted and, for 技师 and 高级技师, that the combined score rests on a performance weight of at
 * least 60 % (001 附件2 二) — a weight below that fails the job with no retries, naming the variable,
 * whatever the plan check let through. Records the result on the person's application (registry
 * `applications.setEligibility` and status eligible / ineligible). Idempotent.
 *
 * A person whose application was disqualified or withdrawn while the round ran (the registry refuses
 * to move an application out of those statuses) is skipped, as the campaign workers skip them
 * (`setStatusOnce`): nothing is written, the outcome says `recognized: false` with `excluded` naming
 * the status, so the results publicity, the certificates and the report leave the person out and the
 * round goes on for the others instead of stopping on an incident.
 */
import { z } from 'zod';
import { LEVEL_NAMES } from '../../src/domain/levels.js';
import { actor, bi, idString, refuse, registryCall, setStatusOnce } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { decisionResultSchema, levelSchema, MIN_PERFORMANCE_WEIGHT, percent, performanceWeightSchema, TWO_METHOD_LEVELS } from './plan.js';

const TYPE = 'pingpin.recognition.record';

/** Final application statuses (the registry refuses to leave them): such a person is out of the round. */
const EXCLUDED = { disqualified: '被取消资格', withdrawn: '撤回' } as const;

const score = (zh: string, en: string) =>
  z
    .number({ error: bi(`${zh} ${en} 应为 0–100 的数`, `${en} must be a number from 0 to 100`) })
    .min(0, { error: bi(`${zh} ${en} 不能小于 0`, `${en} must not be negative`) })
    .max(100, { error: bi(`${zh} ${en} 不能大于 100`, `${en} must be at most 100`) });

const input = z
  .object({
    campaign: z.looseObject({ id: idString('直接认定编号 campaign.id', 'campaign.id') }, { error: bi('缺少 campaign（由“开启直接认定”设置）', 'campaign is missing (set by pingpin.recognition.open)') }).describe('本轮直接认定 {id, …}'),
    recognitionResult: z
      .looseObject(
        {
          applicationId: idString('申报编号 recognitionResult.applicationId', 'recognitionResult.applicationId'),
          conditionsMet: z.array(z.string(), { error: bi('满足的认定条件 recognitionResult.conditionsMet 应为条件代码列表', 'recognitionResult.conditionsMet must be a list of condition codes') }).min(1, {
            error: bi('满足的认定条件 recognitionResult.conditionsMet 至少一项', 'recognitionResult.conditionsMet must name at least one condition'),
          }),
          performanceScore: score('业绩评定得分', 'recognitionResult.performanceScore'),
          reviewScore: score('现场评审（答辩）得分', 'recognitionResult.reviewScore').nullable().optional(),
          comment: z.string().nullable().optional(),
        },
        { error: bi('缺少认定评分 recognitionResult（表单 record-recognition 的一行）', 'recognitionResult is missing (one row of the record-recognition form)') },
      )
      .describe('一名人员的认定登记 {applicationId, conditionsMet, performanceScore, reviewScore, comment}（多实例的 inputElement）'),
    personDecision: decisionResultSchema('逐人判定结果 personDecision', 'personDecision'),
    level: levelSchema,
    performanceWeight: performanceWeightSchema,
    passMark: z.number({ error: bi('合格分数 passMark 应为数字', 'passMark must be a number') }).min(0).max(100).nullable().optional().describe('认定方案的合格分数（0–100，选填）'),
  })
  .superRefine((v, ctx) => {
    if (!TWO_METHOD_LEVELS.includes(v.level)) return;
    if (v.performanceWeight === null || v.performanceWeight === undefined) {
      ctx.addIssue({ code: 'custom', path: ['performanceWeight'], message: bi(`直接认定${LEVEL_NAMES[v.level]}须给出业绩评定评分权重 performanceWeight（001 附件2 二）`, `performanceWeight is required for level ${v.level} (001 附件2 二)`) });
    } else if (v.performanceWeight < MIN_PERFORMANCE_WEIGHT) {
      ctx.addIssue({
        code: 'custom',
        path: ['performanceWeight'],
        message: bi(`业绩评定评分权重 performanceWeight 不得低于60%（001 附件2 二），实为 ${percent(v.performanceWeight)}`, `performanceWeight must be at least 0.6 for 技师 and 高级技师 (001 附件2 二), got ${v.performanceWeight}`),
      });
    }
    if (v.recognitionResult.reviewScore === null || v.recognitionResult.reviewScore === undefined) {
      ctx.addIssue({ code: 'custom', path: ['recognitionResult', 'reviewScore'], message: bi(`直接认定${LEVEL_NAMES[v.level]}须有现场评审或答辩得分 recognitionResult.reviewScore（001 附件2 二）`, `recognitionResult.reviewScore is required for level ${v.level} (001 附件2 二)`) });
    }
  });

export default defineWorker({
  type: TYPE,
  name: '登记直接认定结果',
  description:
    '登记一名人员的直接认定结果：核对认定评分，技师、高级技师的综合评分须以不低于60%的业绩评定权重计算（001 附件2 二，低于60%的不予受理并产生事故），并将决策 direct-recognition-sichuan 的判定记入该人员的申报（通过 / 不通过）。申报已被取消资格或已撤回的，不再登记，结果记为未获认定并注明原因（excluded），其余人员照常进行。',
  input,
  output: z.object({
    recognitionOutcome: z
      .object({})
      .describe('认定结果 {applicationId, recognized, combinedScore, performanceScore, reviewScore, basis, reasons, excluded}：多实例输出元素；excluded {status, reason} 表示申报已被取消资格或已撤回，未予认定、未登记'),
  }),
  async handler(i, job, { registry }) {
    const { recognitionResult: r, personDecision: d } = i;
    const app = await registry.applications.get(r.applicationId);
    if (!app) throw refuse(`申报 recognitionResult.applicationId=${r.applicationId} 在登记系统中不存在`, `recognitionResult.applicationId: application ${r.applicationId} does not exist`);
    if (app.campaignId !== i.campaign.id) {
      throw refuse(`申报 ${r.applicationId}（recognitionResult.applicationId）不属于本轮直接认定 ${i.campaign.id}`, `recognitionResult.applicationId: application ${r.applicationId} belongs to ${app.campaignId}, not ${i.campaign.id}`);
    }
    const combinedScore = TWO_METHOD_LEVELS.includes(i.level) ? Math.round((r.performanceScore * i.performanceWeight! + r.reviewScore! * (1 - i.performanceWeight!)) * 100) / 100 : r.performanceScore;
    const outcome = {
      applicationId: r.applicationId,
      recognized: d.eligible,
      level: i.level,
      combinedScore,
      performanceScore: r.performanceScore,
      reviewScore: r.reviewScore ?? null,
      performanceWeight: i.performanceWeight ?? null,
      conditionsMet: r.conditionsMet,
      basis: d.basis,
      reasons: d.reasons,
    };
    // Final in the registry: writing the result or a status would be refused (an incident for the
    // whole round); the person is simply out, and the outcome says why.
    const excludedOutcome = (status: keyof typeof EXCLUDED) => {
      job.log.info({ applicationId: app.id, status }, `application ${app.id} is ${status}: not recognized, nothing recorded`);
      const reason = `申报已${EXCLUDED[status]}，不予直接认定 / application ${status}: not recognized`;
      return { recognitionOutcome: { ...outcome, recognized: false, reasons: [...d.reasons, reason], excluded: { status, reason } } };
    };
    const isExcluded = (status: string): status is keyof typeof EXCLUDED => Object.hasOwn(EXCLUDED, status);
    if (isExcluded(app.status)) return excludedOutcome(app.status);

    const by = actor(TYPE);
    const result = { directRecognition: outcome };
    const status = d.eligible ? 'eligible' : 'ineligible';
    const why = d.eligible
      ? `直接认定为${LEVEL_NAMES[i.level]}：综合评分 ${combinedScore}（001 附件2）`
      : `未予直接认定为${LEVEL_NAMES[i.level]}：${d.reasons.join('；')}`.slice(0, 2000);
    try {
      if (JSON.stringify(app.eligibility) !== JSON.stringify(result)) {
        await registryCall({ zh: '记录直接认定结果', en: 'record the recognition result' }, () => registry.applications.setEligibility({ id: app.id, result, by }));
      }
      // setStatusOnce: a redelivered job writes nothing twice, and a status no step may undo stays.
      await registryCall({ zh: '记录申报状态', en: 'record the application status' }, () => setStatusOnce(registry, app, status, why, by));
    } catch (err) {
      // Withdrawn or disqualified between the read above and the write: the same skip, not an incident.
      const now = await registry.applications.get(app.id);
      if (now && isExcluded(now.status)) return excludedOutcome(now.status);
      throw err;
    }
    return { recognitionOutcome: { ...outcome, excluded: null } };
  },
});
