/**
 * pingpin.publicity.result — 汇总公示结果 (docs/procedures.md `publicity` step 3).
 *
 * Reads the closed notice and its objections from the registry and returns `publicityResult
 * {noticeId, window, removedApplications, objections}`: `removedApplications` are the applications
 * named by upheld objections (each once, in the order the objections were received); `objections`
 * lists every objection received in the window with its outcome and the date its investigation
 * concluded — no submitter, contact or text (personal data of the objector stays in the registry).
 * Reads only; idempotent.
 */
import { z } from 'zod';
import { chinaDateTime } from '../../src/domain/china-time.js';
import { typeError } from '../kit/index.js';
import { defineWorker, NonRetryableError } from '../runtime.js';

export const TYPE = 'pingpin.publicity.result';

const input = z.object({
  noticeId: z.string(typeError('公示编号', 'noticeId')).trim().min(1, '公示编号不能为空 / noticeId must not be empty').describe('公示编号'),
  days: z.number(typeError('公示天数', 'days')).int('公示天数须为整数 / days must be an integer').nullish().describe('公示期（工作日数），写入结果的 window.days'),
});

const output = z.object({
  publicityResult: z
    .object({
      noticeId: z.string(),
      window: z.object({ startDate: z.string(), endDate: z.string(), endsAt: z.string(), days: z.number().optional() }),
      removedApplications: z.array(z.string()),
      objections: z.array(
        z.object({ objectionId: z.string(), receivedAt: z.string(), applicationId: z.string().nullable(), outcome: z.enum(['upheld', 'rejected']), closedAt: z.string().nullable(), investigatedOn: z.string().nullable(), resolution: z.string().nullable() }),
      ),
      closedAt: z.string().nullable(),
    })
    .describe('公示结果 {noticeId, window, removedApplications（异议成立移出的申报编号）, objections（受理的异议及结论、调查完成日期 investigatedOn、调查处理意见 resolution）, closedAt}'),
});

export default defineWorker({
  type: TYPE,
  name: '汇总公示结果',
  description: '从登记簿读取已结束的公示及其异议，汇总公示结果：异议成立的人员列入 removedApplications。只读，可重复执行。',
  input,
  output,
  async handler({ noticeId, days }, _job, { registry }) {
    const notice = await registry.notices.get(noticeId);
    if (!notice) throw new NonRetryableError(`公示 noticeId=${noticeId} 在登记簿中不存在 / notice ${noticeId} is not in the registry`);
    const objections = await registry.objections.list({ noticeId });
    const pending = objections.filter((o) => o.outcome === 'pending');
    if (notice.status !== 'closed' || pending.length > 0) {
      // The model ends the subprocess 公示期 only after both; this guards the result against a model change.
      throw new NonRetryableError(
        `公示 ${noticeId} 尚未结束（状态 ${notice.status}，${pending.length} 件异议仍在调查），不能汇总结果 / notice ${noticeId} is ${notice.status} with ${pending.length} objection(s) under investigation: no result yet`,
      );
    }
    const removed: string[] = [];
    for (const o of objections) if (o.outcome === 'upheld' && o.applicationId && !removed.includes(o.applicationId)) removed.push(o.applicationId);
    return {
      publicityResult: {
        noticeId,
        window: { startDate: notice.windowStart, endDate: notice.windowEnd, endsAt: chinaDateTime(notice.endsAt), ...(days ? { days } : {}) },
        removedApplications: removed,
        objections: objections.map((o) => ({ objectionId: o.id, receivedAt: o.receivedAt, applicationId: o.applicationId, outcome: o.outcome, closedAt: o.closedAt, investigatedOn: o.investigatedOn, resolution: o.resolution })),
        closedAt: notice.closedAt,
      },
    };
  },
});
