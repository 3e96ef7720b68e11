/**
 * pingpin.campaign.apply-publicity — 公示结果处理. After a `publicity` call: the applications whose
 * objection was upheld (`publicityResult.removedApplications`) leave the list and are recorded as
 * rejected; the others are recorded as publicized and stay in `approved`. Applications disqualified
 * or withdrawn in the meantime also leave. Works for every notice kind (results, chief-list,
 * candidates) and for both campaign kinds (appraisal; direct recognition, whose `campaign` has no
 * single level). Idempotent.
 */
import { z } from 'zod';
import { actor, bi, idList, idString, loadApplications, setStatusOnce } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { campaignOfAnyKindSchema } from './variables.js';

const TYPE = 'pingpin.campaign.apply-publicity';

export default defineWorker({
  type: TYPE,
  name: '公示结果处理',
  description: '按公示结果把异议成立的申报移出名单（登记为不通过），其余登记为已公示并留在 approved；期间被取消资格或撤回的申报也移出。',
  input: z.object({
    campaign: campaignOfAnyKindSchema({ level: 'optional' }),
    approved: idList('公示名单 approved', 'approved').describe('公示前的名单（申报编号）'),
    publicityResult: z
      .looseObject(
        {
          noticeId: idString('公示编号 publicityResult.noticeId', 'publicityResult.noticeId'),
          removedApplications: idList('异议成立移出的申报 publicityResult.removedApplications', 'publicityResult.removedApplications').default([]),
        },
        { error: bi('缺少公示结果 publicityResult（publicity 的输出）', 'publicityResult is missing or not an object (the output of publicity)') },
      )
      .describe('公示结果 {noticeId, window, removedApplications, objections}（publicity 调用的输出）'),
  }),
  output: z.object({
    approved: z.array(z.string()).describe('公示后仍在名单中的申报编号'),
    publicityRemoved: z.array(z.object({ applicationId: z.string(), reason: z.string() })).describe('移出名单的申报 [{applicationId, reason}]'),
  }),
  async handler({ campaign, approved, publicityResult }, _job, { registry }) {
    const removed = new Set(publicityResult.removedApplications);
    const apps = await loadApplications(registry, campaign.id, approved, { zh: '公示名单 approved', en: 'approved' });
    const by = actor(TYPE);
    const stay: string[] = [];
    const publicityRemoved: { applicationId: string; reason: string }[] = [];
    for (const app of apps) {
      if (removed.has(app.id)) {
        const reason = `公示期间异议成立（公示 ${publicityResult.noticeId}）`;
        await setStatusOnce(registry, app, 'rejected', reason, by);
        publicityRemoved.push({ applicationId: app.id, reason });
      } else if (app.status === 'disqualified' || app.status === 'withdrawn' || app.status === 'rejected') {
        publicityRemoved.push({ applicationId: app.id, reason: app.status === 'disqualified' ? '已被取消评聘资格' : app.status === 'withdrawn' ? '已撤回申报' : '已不通过' });
      } else {
        await setStatusOnce(registry, app, 'publicized', `公示期满无异议（公示 ${publicityResult.noticeId}）`, by);
        stay.push(app.id);
      }
    }
    return { approved: stay, publicityRemoved };
  },
});
