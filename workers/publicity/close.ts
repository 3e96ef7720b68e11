/**
 * pingpin.publicity.close — 结束公示 (docs/procedures.md `publicity` step 2.2).
 *
 * Runs when the timer 公示期满 fires at `window.endsAt`: closes the notice in the registry (which
 * refuses before `endsAt`: the period runs in full), which counts the objections still under
 * investigation in the same transaction → `openObjections`. Once the notice is closed no objection
 * can be filed any more, so every objection counted as open is decided later, and the decision that
 * leaves none open publishes `publicity-investigations-done` (pingpin.publicity.decide-objection).
 * Idempotent: for a redelivered job the registry returns the closed notice with the count as it is
 * now (it can only have gone down; a decision that brought it to 0 has published the message).
 */
import { z } from 'zod';
import { keyedActor, refusal, typeError } from '../kit/index.js';
import { defineWorker, NonRetryableError } from '../runtime.js';

export const TYPE = 'pingpin.publicity.close';

const input = z.object({
  noticeId: z.string(typeError('公示编号', 'noticeId')).trim().min(1, '公示编号不能为空 / noticeId must not be empty').describe('公示编号（pingpin.publicity.publish 返回）'),
});

const output = z.object({
  openObjections: z.number().describe('公示结束时仍在调查中的异议件数；大于 0 时等待 publicity-investigations-done'),
  noticeClosedAt: z.string().describe('公示关闭时间（ISO 8601 UTC）'),
});

export default defineWorker({
  type: TYPE,
  name: '结束公示',
  description: '公示期满后在登记簿中关闭公示（期满前登记簿拒绝关闭，作业按退避重试），并统计仍在调查中的异议件数。重复投递时公示已关闭，只重新统计。',
  input,
  output,
  async handler({ noticeId }, job, { registry, now }) {
    const notice = await registry.notices.get(noticeId);
    if (!notice) throw new NonRetryableError(`公示 noticeId=${noticeId} 在登记簿中不存在 / notice ${noticeId} is not in the registry`);
    if (notice.status === 'draft') throw new NonRetryableError(`公示 ${noticeId} 尚未发布，不能结束 / notice ${noticeId} was never published`);
    if (notice.status === 'published' && now().toISOString() <= notice.endsAt) {
      // The timer fired at the very instant the period ends: retried after the back-off (the registry
      // would refuse the close, which would fail the job for good).
      throw new Error(`公示 ${noticeId} 的公示期到 ${notice.endsAt} 才结束，稍后重试 / the publicity period of notice ${noticeId} runs until ${notice.endsAt}; retrying`);
    }
    // Closes and counts the objections still under investigation in one registry transaction; a
    // notice already closed (a redelivered job) is returned with the count as it is now.
    const closed = await registry.notices
      .close({ id: noticeId, by: keyedActor(TYPE, job.processInstanceKey) })
      .catch((err: unknown) => refusal(err, '登记簿拒绝关闭公示', 'the registry refused to close the notice'));
    job.log.info({ noticeId, openObjections: closed.openObjections }, `notice ${noticeId} closed with ${closed.openObjections} objection(s) under investigation`);
    return { openObjections: closed.openObjections, noticeClosedAt: closed.closedAt ?? now().toISOString() };
  },
});
