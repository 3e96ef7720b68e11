/**
 * pingpin.quota.reserve — 占用推荐名额. One job per recommended candidate (the multi-instance over
 * `recommendedApplications` in appraisal-sichuan): reserves one of the unit's recommendation places
 * for the campaign's year and level (001 四(六); registry `quotas.reserve`, keyed by the application
 * id). A candidate who already holds a place keeps it (a redelivered job, or a plan sent back and
 * submitted again). No place left, or no quota set by the province, is not an incident: the job
 * completes with `reserved: false` and the reason, and the model sends the plan back to HR.
 */
import { z } from 'zod';
import { LEVEL_NAMES } from '../../src/domain/levels.js';
import { NotFoundError, QuotaExceededError } from '../../src/registry/index.js';
import { actor, refuse, registryCall } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { applicationIdSchema, quotaCampaignSchema, quotaEnterpriseSchema, reservationState } from './reservations.js';

const TYPE = 'pingpin.quota.reserve';

export default defineWorker({
  type: TYPE,
  name: '占用推荐名额',
  description:
    '为一名拟推荐人选占用本单位本年度该等级的推荐名额（001 四(六)），以申报编号为占用编号，重复执行不重复占用。名额已满或未设置时不产生事故，返回 reserved=false 及原因，由流程退回用人单位修改方案。',
  input: z.object({ applicationId: applicationIdSchema, campaign: quotaCampaignSchema, enterprise: quotaEnterpriseSchema }),
  output: z.object({
    quotaReservation: z
      .object({})
      .describe('占用结果 {applicationId, reservationId, reserved, reason, quota, reservedCount}：reserved=false 时 reason 说明名额已满或未设置'),
  }),
  async handler({ applicationId, campaign, enterprise }, _job, { registry }) {
    const key = { creditCode: enterprise.creditCode, year: campaign.year, level: campaign.level };
    const app = await registry.applications.get(applicationId);
    if (!app) throw refuse(`申报编号 applicationId=${applicationId} 在登记系统中不存在`, `applicationId: application ${applicationId} does not exist in the registry`);
    if (app.campaignId !== campaign.id) {
      throw refuse(`申报 ${applicationId}（applicationId）属于另一评聘活动 ${app.campaignId}`, `applicationId: application ${applicationId} belongs to campaign ${app.campaignId}, not ${campaign.id}`);
    }
    const result = (reservationId: string | null, reason: string | null, quota?: { quota: number; reserved: number }) => ({
      quotaReservation: { applicationId, reservationId, reserved: reservationId !== null, reason, quota: quota?.quota ?? null, reservedCount: quota?.reserved ?? null },
    });
    const state = await reservationState(registry, applicationId);
    if (state.active) return result(state.active.id, null, await registry.quotas.get(key));
    const reserved = await registryCall({ zh: '占用推荐名额', en: 'reserve a recommendation place' }, async () => {
      try {
        return await registry.quotas.reserve({ reservationId: state.nextId, ...key, by: actor(TYPE) });
      } catch (err) {
        // Exhausted or not set: an answer for HR, not a failure.
        if (err instanceof QuotaExceededError || err instanceof NotFoundError) return undefined;
        throw err;
      }
    });
    const quota = await registry.quotas.get(key);
    if (reserved) return result(reserved.id, null, quota);
    const label = `${campaign.year} 年${LEVEL_NAMES[campaign.level]}`;
    const reason = quota
      ? `推荐名额已用完：本单位${label}推荐名额 ${quota.quota} 名，已占用 ${quota.reserved} 名（001 四(六)）`
      : `省级人力资源社会保障部门尚未为本单位设置${label}推荐名额（001 四(六)）`;
    return result(null, reason, quota);
  },
});
