/**
 * pingpin.quota.status — 查询推荐名额. Reads the unit's recommendation quota for the campaign's year
 * and level (registry `quotas.get`, set by the province, 001 四(六)) into `quota`, which the plan,
 * plan approval and recommendation forms show and check against. After a round of
 * `pingpin.quota.reserve` that could not place everyone (`quotaReservations` with `reserved: false`),
 * `quotaShortfall` says who is without a place and why, for the HR task the plan goes back to.
 */
import { z } from 'zod';
import { bi } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { quotaCampaignSchema, quotaEnterpriseSchema } from './reservations.js';

const reservation = z.looseObject({
  applicationId: z.string({ error: bi('占用结果的申报编号 quotaReservations[].applicationId 应为字符串', 'quotaReservations[].applicationId must be a string') }),
  reserved: z.boolean({ error: bi('占用结果 quotaReservations[].reserved 应为 true 或 false', 'quotaReservations[].reserved must be true or false') }),
  reason: z.string().nullable().optional(),
});

export default defineWorker({
  type: 'pingpin.quota.status',
  name: '查询推荐名额',
  description:
    '读取省级人力资源社会保障部门为本单位设置的本年度该等级推荐名额及已占用数（001 四(六)），供工作方案、方案审核和推荐名单表单显示和校验；未设置时为空。上一轮占用名额未能全部占上时，quotaShortfall 列出未占上的人选和原因。',
  input: z.object({
    campaign: quotaCampaignSchema,
    enterprise: quotaEnterpriseSchema,
    quotaReservations: z
      .array(reservation, { error: bi('占用结果 quotaReservations 应为列表', 'quotaReservations must be a list') })
      .nullable()
      .optional()
      .describe('上一轮“占用推荐名额”多实例的结果（没有时省略）'),
  }),
  output: z.object({
    quota: z.object({}).nullable().describe('推荐名额 {quota, reserved, available}；省级尚未设置时为 null'),
    quotaShortfall: z
      .object({})
      .nullable()
      .describe('上一轮未占上名额的人选 {applicationIds, reasons, message}；都已占上（或尚未占用）时为 null'),
  }),
  async handler({ campaign, enterprise, quotaReservations }, _job, { registry }) {
    const q = await registry.quotas.get({ creditCode: enterprise.creditCode, year: campaign.year, level: campaign.level });
    const short = (quotaReservations ?? []).filter((r) => !r.reserved);
    const reasons = [...new Set(short.map((r) => r.reason).filter((r): r is string => typeof r === 'string' && r.length > 0))];
    return {
      quota: q ? { quota: q.quota, reserved: q.reserved, available: q.available } : null,
      quotaShortfall:
        short.length === 0
          ? null
          : { applicationIds: short.map((r) => r.applicationId), reasons, message: `${short.length} 名拟推荐人选未能占用推荐名额：${reasons.join('；')}。请调整拟推荐人选。` },
    };
  },
});
