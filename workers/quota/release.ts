/**
 * pingpin.quota.release — 释放推荐名额. Gives back the recommendation place an application holds
 * (registry `quotas.release`): for candidates the unit does not recommend after the initial review,
 * candidates the city rejects, and candidates dropped when a plan is revised (001 四(六)). An
 * application that holds no place (never reserved, or released before: a redelivered job) is left as
 * it is. Idempotent.
 */
import { z } from 'zod';
import { actor, registryCall } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { applicationIdSchema, reservationState } from './reservations.js';

const TYPE = 'pingpin.quota.release';

export default defineWorker({
  type: TYPE,
  name: '释放推荐名额',
  description:
    '释放一项申报占用的推荐名额（001 四(六)）：用人单位未推荐、市级审核不通过或修改方案后不再推荐的人选。未占用或已释放的不作处理，重复执行结果相同。',
  input: z.object({ applicationId: applicationIdSchema }),
  output: z.object({
    quotaRelease: z.object({}).describe('释放结果 {applicationId, reservationId, released}：released=false 表示该申报未占用名额'),
  }),
  async handler({ applicationId }, _job, { registry }) {
    const state = await reservationState(registry, applicationId);
    if (!state.active) {
      return { quotaRelease: { applicationId, reservationId: state.last?.id ?? null, released: state.last !== undefined } };
    }
    const active = state.active;
    const r = await registryCall({ zh: '释放推荐名额', en: 'release the recommendation place' }, () => registry.quotas.release({ reservationId: active.id, by: actor(TYPE) }));
    return { quotaRelease: { applicationId, reservationId: r.id, released: true } };
  },
});
