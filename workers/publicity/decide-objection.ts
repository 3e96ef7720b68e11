/**
 * pingpin.publicity.decide-objection — 记录异议调查结论 (docs/procedures.md `publicity`, event
 * subprocess 异议处理, after the user task investigate-objection).
 *
 * Records the investigator's outcome (form publicity-investigate-objection: `upheld`,
 * `affectedApplicationId` when upheld — none for a plan notice (工作方案公示, which lists nobody) —,
 * `resolution`, `investigatedOn`) on the objection. Then, when
 * the notice is closed and no objection is open any more, publishes `publicity-investigations-done`
 * [noticeId] with a time to live, so the subprocess 公示期 waiting for it (or about to) can end.
 *
 * The registry stores `investigatedOn` with the outcome and refuses a date before the objection was
 * received or after today (Asia/Shanghai, the registry clock).
 *
 * Safe with pingpin.publicity.close running at the same time: close closes the notice and counts in
 * one transaction; this worker decides and then reads the notice and counts. Whichever of the two
 * comes last sees the other's write, so an objection counted open by close is followed by a publish
 * from the decision that leaves none open. Idempotent: the registry answers a redelivered job's
 * decision as a repeat (a different outcome is refused), and the message carries a message id
 * (`publicity-investigations-done:<noticeId>:<objectionId>`), so while the first is buffered a
 * redelivery does not publish it twice; after its time to live one more is harmless — the catch
 * event has taken the first, the extra expires unused.
 */
import { z } from 'zod';
import { isValidDate } from '../../src/domain/periods.js';
import { keyedActor, refusal, typeError } from '../kit/index.js';
import { defineWorker, NonRetryableError } from '../runtime.js';

export const TYPE = 'pingpin.publicity.decide-objection';

/** The message this worker publishes, caught in the subprocess 公示期 [noticeId]. */
export const INVESTIGATIONS_DONE = 'publicity-investigations-done';

/**
 * Time to live of {@link INVESTIGATIONS_DONE}. The catch event opens in the same engine command that
 * completes pingpin.publicity.close; the message only has to outlive the moment between that worker's
 * count and its completion (a redelivered close counts again). One hour is plenty.
 */
export const INVESTIGATIONS_DONE_TTL_MS = 60 * 60 * 1000;

const input = z
  .object({
    noticeId: z.string(typeError('公示编号', 'noticeId')).trim().min(1, '公示编号不能为空 / noticeId must not be empty').describe('公示编号'),
    objectionId: z.string(typeError('异议编号', 'objectionId')).trim().min(1, '异议编号不能为空 / objectionId must not be empty').describe('异议编号（pingpin.publicity.record-objection 返回）'),
    upheld: z.boolean(typeError('调查结论（异议是否成立）', 'upheld')).describe('异议是否成立（表单 objectionOutcome = "upheld"）'),
    affectedApplicationId: z
      .string(typeError('移出名单的人员', 'affectedApplicationId'))
      .trim()
      .nullish()
      .describe('异议成立时移出名单的申报编号（人员公示必填；工作方案公示 plan 不涉及人员，应为空）'),
    resolution: z
      .string(typeError('调查处理意见', 'resolution'))
      .trim()
      .min(10, '调查处理意见至少 10 字 / resolution must have at least 10 characters')
      .max(2000, '调查处理意见最多 2000 字 / resolution must be at most 2000 characters')
      .describe('调查处理意见'),
    investigatedOn: z
      .string(typeError('调查完成日期', 'investigatedOn'))
      .refine(isValidDate, '调查完成日期须为 YYYY-MM-DD / investigatedOn must be a date YYYY-MM-DD')
      .describe('调查完成日期（YYYY-MM-DD）'),
  });

const output = z.object({
  objectionDecision: z
    .object({ objectionId: z.string(), outcome: z.enum(['upheld', 'rejected']), applicationId: z.string().nullable(), investigatedOn: z.string() })
    .describe('异议调查结论 {objectionId, outcome: upheld|rejected, applicationId, investigatedOn}'),
  investigationsDone: z.boolean().describe('公示已结束且再无在调查的异议（已发送 publicity-investigations-done）'),
});

export default defineWorker({
  type: TYPE,
  name: '记录异议调查结论',
  description:
    '在登记簿中记录异议的调查结论（成立/不成立、移出人员、处理意见）；公示已结束且再无在调查的异议时，发送带存活时间的消息 publicity-investigations-done（关联键：公示编号）。重复投递时结论相同则继续，不同则拒绝。',
  input,
  output,
  async handler({ noticeId, objectionId, upheld, affectedApplicationId, resolution, investigatedOn }, job, { registry, publishMessage }) {
    const by = keyedActor(TYPE, job.jobKey);
    const outcome = upheld ? 'upheld' : 'rejected';
    let objection = await registry.objections.get(objectionId);
    if (!objection) throw new NonRetryableError(`异议 objectionId=${objectionId} 在登记簿中不存在 / objection ${objectionId} is not in the registry`);
    if (objection.noticeId !== noticeId) {
      throw new NonRetryableError(`异议 ${objectionId} 不属于公示 ${noticeId}（属于 ${objection.noticeId}） / objection ${objectionId} belongs to notice ${objection.noticeId}, not ${noticeId}`);
    }
    // Whom an upheld objection removes depends on the notice: a list of people names one of them; a
    // plan notice (工作方案公示) lists nobody, and its upheld objection goes back to the plan.
    const onNotice = await registry.notices.get(noticeId);
    if (onNotice?.kind === 'plan') {
      if (affectedApplicationId) {
        throw new NonRetryableError(
          `工作方案公示 ${noticeId} 不列人员，异议成立也不移出人员：affectedApplicationId 应为空，实为 ${affectedApplicationId} / affectedApplicationId must be empty for plan notice ${noticeId}, which lists nobody; got ${affectedApplicationId}`,
        );
      }
    } else if (upheld && !affectedApplicationId) {
      throw new NonRetryableError('affectedApplicationId: 异议成立时须指明移出名单的人员 / affectedApplicationId is required when the objection is upheld');
    }
    // The registry decides an objection once: the same decision again (a redelivered job) returns it,
    // another one is refused — said here in the investigator's terms.
    objection = await registry.objections
      .decide({ id: objectionId, outcome, resolution, investigatedOn, ...(upheld && affectedApplicationId ? { applicationId: affectedApplicationId } : {}), by })
      .catch(async (err: unknown) => {
        const again = await registry.objections.get(objectionId);
        if (again && again.outcome !== 'pending' && again.outcome !== outcome) {
          throw new NonRetryableError(
            `异议 ${objectionId} 已于 ${again.closedAt} 认定为“${again.outcome === 'upheld' ? '成立' : '不成立'}”，不能改为“${upheld ? '成立' : '不成立'}” / objection ${objectionId} was already decided ${again.outcome} at ${again.closedAt}; it cannot become ${outcome}`,
            { cause: err },
          );
        }
        if (again && again.outcome === 'upheld' && upheld && onNotice?.kind !== 'plan' && again.applicationId !== affectedApplicationId) {
          throw new NonRetryableError(
            `异议 ${objectionId} 已认定移出 ${again.applicationId}，不能改为 ${affectedApplicationId} / objection ${objectionId} already removes ${again.applicationId}, not ${affectedApplicationId}`,
            { cause: err },
          );
        }
        return refusal(err, '登记簿拒绝记录调查结论', 'the registry refused the outcome');
      });

    const notice = await registry.notices.get(noticeId);
    const stillOpen = await registry.objections.list({ noticeId, outcome: 'pending' });
    const investigationsDone = notice?.status === 'closed' && stillOpen.length === 0;
    if (investigationsDone) {
      // The message id makes a redelivered job publish nothing twice while the first message is still
      // buffered (its time to live). It names the objection whose decision left none open: after the
      // close no objection is filed, so normally only one decision publishes; two decisions that both
      // see none open each publish their own (the catch event takes one, the other expires unused),
      // and a publish whose id is still buffered from an earlier one is never mistaken for this one.
      await publishMessage(INVESTIGATIONS_DONE, noticeId, {}, INVESTIGATIONS_DONE_TTL_MS, `${INVESTIGATIONS_DONE}:${noticeId}:${objectionId}`);
      job.log.info({ noticeId }, `notice ${noticeId}: the last objection is decided; ${INVESTIGATIONS_DONE} published`);
    }
    return {
      objectionDecision: { objectionId, outcome, applicationId: objection.applicationId, investigatedOn: objection.investigatedOn ?? investigatedOn },
      investigationsDone,
    };
  },
});
