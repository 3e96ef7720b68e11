/**
 * pingpin.campaign.apply-review — 登记审核结论. Guangdong (002 五(二)2): after one round of the HRSS
 * review of the reported results, applies the city's and the province's per-candidate decisions
 * (`review-city` / `review-province` forms: approve 通过 / return 退回补正 / reject 不通过):
 *
 * - route: 省属备案 enterprise → the province only; otherwise 特级技师 → the city (final), 首席技师 →
 *   the city's pre-review, then the province for those the city approved;
 * - the final stage's approvals join `reviewPassed` (recorded as approved), rejections join
 *   `reviewRejected` (recorded as rejected), returns become the next round's `reviewPending` (the
 *   enterprise supplements and reports them again), with the reasons in `reviewReturned`;
 * - every decision goes into `reviewLog`; the round's decision lists are consumed (set to null), so a
 *   stage skipped in the next round cannot be read twice.
 *
 * Idempotent (statuses are recorded once per reason; the outputs depend only on the inputs).
 */
import { z } from 'zod';
import type { Application, ApplicationStatus } from '../../src/registry/index.js';
import { actor, bi, idList, loadApplications, refuse, setStatusesOnce } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { campaignSchema, enterpriseSchema } from './variables.js';

const TYPE = 'pingpin.campaign.apply-review';

const STAGE = { city: '市级', province: '省级' } as const;

/** Keeps the order of `ids`, without repeats. */
const distinct = (ids: Iterable<string>): string[] => [...new Set(ids)];
type Stage = keyof typeof STAGE;

const decisions = (zh: string, en: string) =>
  z
    .array(
      z.looseObject(
        {
          applicationId: z.string({ error: bi(`${zh}的申报编号应为字符串`, `${en}[].applicationId must be a string`) }).min(1),
          decision: z.enum(['approve', 'return', 'reject'], { error: bi(`${zh}的结论应为 approve、return 或 reject`, `${en}[].decision must be approve, return or reject`) }),
          reason: z.string({ error: bi(`${zh}的理由应为字符串`, `${en}[].reason must be a string`) }).nullable().optional(),
        },
        { error: bi(`${zh}的每一项应为对象`, `every item of ${en} must be an object`) },
      ),
      { error: bi(`${zh}应为列表`, `${en} must be a list`) },
    )
    .nullable()
    .optional();

const outcome = z.looseObject({ applicationId: z.string(), stage: z.string().optional(), reason: z.string().nullable().optional() });

export default defineWorker({
  type: TYPE,
  name: '登记审核结论',
  description:
    '广东：登记一轮人社部门审核（市级审核/初审、省级审核）的逐人结论：终审通过的计入 reviewPassed，不通过的计入 reviewRejected，退回补正的作为下一轮待审名单 reviewPending（企业补正后重新报备）；结论写入 reviewLog。',
  input: z.object({
    campaign: campaignSchema,
    enterprise: enterpriseSchema,
    reviewPending: idList('本轮待审名单 reviewPending', 'reviewPending').describe('本轮报送审核的申报编号'),
    reviewPassed: idList('已通过审核的名单 reviewPassed', 'reviewPassed').default([]).describe('此前各轮终审通过的申报编号'),
    reviewRejected: z.array(outcome).default([]).describe('此前各轮审核不通过的申报 [{applicationId, stage, reason}]'),
    reviewRound: z.number({ error: bi('审核轮次 reviewRound 应为数字', 'reviewRound must be a number') }).int().min(1).default(1).describe('审核轮次（从 1 开始）'),
    reviewLog: z.array(z.looseObject({})).default([]).describe('各轮审核结论记录'),
    cityDecisions: decisions('市级审核结论 cityDecisions', 'cityDecisions').describe('市级审核逐人结论（review-city 表单）'),
    provinceDecisions: decisions('省级审核结论 provinceDecisions', 'provinceDecisions').describe('省级审核逐人结论（review-province 表单）'),
    cityReviewComment: z.string().nullable().optional().describe('市级审核意见'),
    provinceReviewComment: z.string().nullable().optional().describe('省级审核意见'),
  }),
  output: z.object({
    reviewPassed: z.array(z.string()).describe('终审通过的申报编号（累计）'),
    reviewPending: z.array(z.string()).describe('退回补正、下一轮重新报送的申报编号（为空则审核结束）'),
    reviewReturned: z.array(z.object({ applicationId: z.string(), stage: z.string(), reason: z.string() })).describe('本轮退回补正的申报 [{applicationId, stage, reason}]'),
    reviewRejected: z.array(z.object({ applicationId: z.string(), stage: z.string(), reason: z.string() })).describe('审核不通过的申报（累计）'),
    reviewRound: z.number().describe('下一轮的轮次'),
    reviewLog: z.array(z.object({ round: z.number(), stage: z.string(), applicationId: z.string(), decision: z.string(), reason: z.string().nullable(), comment: z.string().nullable() })).describe('各轮审核结论记录'),
    cityDecisions: z.null().describe('已登记，置空'),
    provinceDecisions: z.null().describe('已登记，置空'),
  }),
  async handler(i, _job, { registry }) {
    const route: Stage[] = i.enterprise.provinciallyFiled === true ? ['province'] : i.campaign.level === 'T' ? ['city'] : ['city', 'province'];
    const given: Record<Stage, Map<string, { decision: 'approve' | 'return' | 'reject'; reason?: string | null }>> = {
      city: new Map((i.cityDecisions ?? []).map((d) => [d.applicationId, d])),
      province: new Map((i.provinceDecisions ?? []).map((d) => [d.applicationId, d])),
    };
    const pending = new Set(i.reviewPending);
    for (const stage of ['city', 'province'] as const) {
      const stray = [...given[stage].keys()].filter((id) => !pending.has(id) || !route.includes(stage));
      if (stray.length) {
        throw refuse(
          `${STAGE[stage]}审核结论 ${stage}Decisions 含有不在本轮待审名单或不应由${STAGE[stage]}审核的申报：${stray.join('、')}`,
          `${stage}Decisions has decisions for application(s) not under ${stage} review in this round: ${stray.join(', ')}`,
        );
      }
    }
    const apps = await loadApplications(registry, i.campaign.id, i.reviewPending, { zh: '本轮待审名单 reviewPending', en: 'reviewPending' });
    const by = actor(TYPE);
    const round = i.reviewRound;
    const passed: string[] = [];
    const returned: { applicationId: string; stage: Stage; reason: string }[] = [];
    const rejected: { applicationId: string; stage: Stage; reason: string }[] = [];
    const log: Record<string, unknown>[] = [];
    const comment = { city: i.cityReviewComment ?? null, province: i.provinceReviewComment ?? null };

    for (const app of apps as Application[]) {
      // One job may write two entries for an application (a city pre-review, then the province's
      // decision): planned first, written together by setStatusesOnce.
      const writes: { status: ApplicationStatus | null; why: string }[] = [];
      for (const [n, stage] of route.entries()) {
        const d = given[stage].get(app.id);
        if (!d) {
          throw refuse(
            `${STAGE[stage]}审核结论 ${stage}Decisions 缺少申报 ${app.id}（第 ${round} 轮）`,
            `${stage}Decisions has no decision for application ${app.id} (round ${round})`,
          );
        }
        const reason = d.reason?.trim() || null;
        const final = n === route.length - 1;
        log.push({ round, stage, applicationId: app.id, decision: d.decision, reason, comment: comment[stage] });
        if (d.decision === 'reject') {
          writes.push({ status: 'rejected', why: `${STAGE[stage]}审核不通过${reason ? `：${reason}` : ''}（第 ${round} 轮）` });
          rejected.push({ applicationId: app.id, stage, reason: reason ?? '' });
          break;
        }
        if (d.decision === 'return') {
          writes.push({ status: null, why: `${STAGE[stage]}审核退回补正${reason ? `：${reason}` : ''}（第 ${round} 轮）` });
          returned.push({ applicationId: app.id, stage, reason: reason ?? '' });
          break;
        }
        if (final) {
          writes.push({ status: 'approved', why: `${STAGE[stage]}审核通过（第 ${round} 轮）` });
          passed.push(app.id);
        } else {
          writes.push({ status: null, why: `${STAGE[stage]}初审通过，报送省级审核（第 ${round} 轮）` });
        }
      }
      await setStatusesOnce(registry, app, writes, by);
    }
    return {
      reviewPassed: distinct([...i.reviewPassed, ...passed]),
      reviewPending: returned.map((r) => r.applicationId),
      reviewReturned: returned,
      reviewRejected: [...i.reviewRejected, ...rejected],
      reviewRound: round + 1,
      reviewLog: [...i.reviewLog, ...log],
      cityDecisions: null,
      provinceDecisions: null,
    };
  },
});
