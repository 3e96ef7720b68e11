/**
 * pingpin.campaign.select — 确定建议人选. After `candidate-review`: the applications that are
 * eligible and passed the panel's review become the proposed list `approved` (003 四(二) 建议人选名单;
 * 002 五(一)3 拟入选名单), in the order of `applications`; the others are dropped with their reason.
 * Records each outcome on the application (recommended / not-recommended / ineligible). Applications
 * disqualified or withdrawn meanwhile (e.g. a confirmed fraud) are never proposed. Idempotent.
 */
import { z } from 'zod';
import { actor, bi, idList, loadApplications, refuse, setStatusOnce } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { campaignSchema } from './variables.js';

const TYPE = 'pingpin.campaign.select';

const reviewResult = z.looseObject(
  {
    applicationId: z.string({ error: bi('评审结果的申报编号 applicationId 应为字符串', 'reviewResults[].applicationId must be a string') }).min(1),
    eligible: z.boolean({ error: bi('评审结果的 eligible 应为 true 或 false', 'reviewResults[].eligible must be true or false') }),
    passed: z.boolean({ error: bi('评审结果的 passed 应为 true、false 或空', 'reviewResults[].passed must be true, false or null') }).nullable().optional(),
    score: z.number({ error: bi('评审结果的 score 应为数字或空', 'reviewResults[].score must be a number or null') }).nullable().optional(),
    reasons: z.array(z.string()).nullable().optional(),
  },
  { error: bi('评审结果 reviewResults 的每一项应为对象', 'every item of reviewResults must be an object') },
);

export default defineWorker({
  type: TYPE,
  name: '确定建议人选',
  description: '按参评人员评审结果，把资格审查合格且评审通过的申报列入建议人选名单 approved，其余记录未入选理由；在登记系统中记录每个申报的结果。',
  input: z.object({
    campaign: campaignSchema,
    applications: idList('参评申报 applications', 'applications').describe('参评申报编号（登记参评人员的结果）'),
    reviewResults: z
      .array(reviewResult, { error: bi('评审结果 reviewResults 应为列表（candidate-review 的输出）', 'reviewResults must be a list (the output of candidate-review)') })
      .describe('参评人员评审的结果 [{applicationId, eligible, route, basis, reasons, score, passed}]'),
  }),
  output: z.object({
    approved: z.array(z.string()).describe('建议人选（资格合格且评审通过）的申报编号'),
    dropped: z.array(z.object({ applicationId: z.string(), reason: z.string() })).describe('未入选的申报 [{applicationId, reason}]'),
  }),
  async handler({ campaign, applications, reviewResults }, _job, { registry }) {
    const byId = new Map(reviewResults.map((r) => [r.applicationId, r]));
    const missing = applications.filter((id) => !byId.has(id));
    if (missing.length) {
      throw refuse(`评审结果 reviewResults 缺少申报 ${missing.join('、')} 的结果`, `reviewResults has no result for application(s) ${missing.join(', ')}`);
    }
    const apps = await loadApplications(registry, campaign.id, applications, { zh: '参评申报 applications', en: 'applications' });
    const by = actor(TYPE);
    const approved: string[] = [];
    const dropped: { applicationId: string; reason: string }[] = [];
    for (const app of apps) {
      const r = byId.get(app.id)!;
      if (app.status === 'disqualified' || app.status === 'withdrawn') {
        dropped.push({ applicationId: app.id, reason: app.status === 'disqualified' ? '已被取消评聘资格' : '已撤回申报' });
        continue;
      }
      if (!r.eligible) {
        const reason = `资格审查不合格${r.reasons?.length ? `：${r.reasons.join('；')}` : ''}`;
        await setStatusOnce(registry, app, 'ineligible', reason, by);
        dropped.push({ applicationId: app.id, reason });
      } else if (r.passed === true) {
        await setStatusOnce(registry, app, 'recommended', `评审通过${typeof r.score === 'number' ? `，得分 ${r.score}` : ''}，列入建议人选名单`, by);
        approved.push(app.id);
      } else {
        const reason = r.passed === false ? `评审未通过${typeof r.score === 'number' ? `（得分 ${r.score}）` : ''}` : `评审未完成${r.reasons?.length ? `：${r.reasons.join('；')}` : ''}`;
        await setStatusOnce(registry, app, 'not-recommended', reason, by);
        dropped.push({ applicationId: app.id, reason });
      }
    }
    return { approved, dropped };
  },
});
