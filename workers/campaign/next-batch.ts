/**
 * pingpin.campaign.next-batch — 转入第二期评聘. Guangdong (002 三): when the province decides at the
 * first batch's deadline (07-10) that the enterprise's appraisal moves to the second batch, the
 * campaign continues with batch 2 and its deadline 10-30 of the same year; the move is recorded in
 * the registry's audit trail of the campaign. Returns the updated `campaign` (the timers of the
 * second batch are computed from it by pingpin.campaign.deadline-dates). Idempotent: a campaign
 * already in batch 2 is returned as it is.
 */
import { z } from 'zod';
import { actor, bi, refuse, registryCall } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { campaignSchema } from './variables.js';

const TYPE = 'pingpin.campaign.next-batch';

/** 002 三: 第一期 7月10日前完成；第二期 10月30日前完成. */
export const GUANGDONG_BATCH_DEADLINES: Record<1 | 2, string> = { 1: '07-10', 2: '10-30' };

export default defineWorker({
  type: TYPE,
  name: '转入第二期评聘',
  description: '广东：第一期完成时限届满、省级决定转入第二期时，评聘活动改为第二期，完成时限改为当年 10 月 30 日（002 三），在登记系统中留痕，返回更新后的 campaign。',
  input: z.object({
    campaign: campaignSchema,
    escalation: z
      .looseObject({ note: z.string().nullable().optional() }, { error: bi('逾期处理记录 escalation 应为对象', 'escalation must be an object') })
      .nullable()
      .optional()
      .describe('省级逾期处理记录（deadline-escalation 表单），其说明写入登记系统'),
  }),
  output: z.object({ campaign: z.object({ id: z.string(), batch: z.number(), deadline: z.string() }).describe('转入第二期后的评聘活动（batch 2，deadline 当年 10-30）') }),
  async handler({ campaign, escalation }, _job, { registry }) {
    if (campaign.jurisdiction !== 'guangdong') {
      throw refuse(`只有广东省评聘分两期（002 三），评聘活动 ${campaign.id} 为 ${campaign.jurisdiction}`, `campaign.jurisdiction: only Guangdong campaigns have batches (002 三), not ${campaign.jurisdiction}`);
    }
    if (campaign.batch === 2) return { campaign };
    if (campaign.batch !== 1) throw refuse(`评聘活动 ${campaign.id} 的批次 campaign.batch 应为 1`, `campaign.batch must be 1 to move to the second batch`);
    const deadline = `${campaign.year}-${GUANGDONG_BATCH_DEADLINES[2]}`;
    const stored = await registry.campaigns.get(campaign.id);
    if (!stored) throw refuse(`评聘活动 ${campaign.id} 在登记系统中不存在`, `campaign.id: campaign ${campaign.id} does not exist`);
    // The registry has no batch update yet; the move is recorded in the campaign's audit trail, once.
    const why = `转入第二期评聘，完成时限 ${deadline}（002 三）${escalation?.note ? `：${escalation.note}` : ''}`.slice(0, 1000);
    const recorded = (await registry.audit.list({ entityType: 'campaign', entityId: campaign.id })).some(
      (e) => e.action === 'campaign.status' && (e.details as { why?: unknown } | null)?.why === why,
    );
    if (stored.status === 'running' && !recorded) {
      await registryCall({ zh: '记录转入第二期', en: 'record the move to the second batch' }, () =>
        registry.campaigns.setStatus({ id: campaign.id, status: 'running', why, by: actor(TYPE) }),
      );
    }
    return { campaign: { ...campaign, batch: 2, deadline } };
  },
});
