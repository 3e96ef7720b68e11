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
 * Safe with pingpin.publicity.close running at the same time: close closes the notice and then counts;
 * this worker decides and then reads the notice and counts. Whichever of the two comes last sees the
 * other's write, so an objection counted open by close is followed by a publish from the decision
 * that leaves none open. Idempotent: a redelivered job finds the objection decided the same way and
 * goes on (a different outcome is refused); publishing again when the first delivery already did is
 * harmless — the catch event takes one message, an extra one expires unused after its time to live.
 */
import { z } from 'zod';
import { defineWorker, NonRetryableError } from '../runtime.js';
import { actorFor, INVESTIGATIONS_DONE, INVESTIGATIONS_DONE_TTL_MS, isIsoDate, refusal, typeError } from './shared.js';

export const TYPE = 'pingpin.publicity.decide-objection';

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
      .refine(isIsoDate, '调查完成日期须为 YYYY-MM-DD / investigatedOn must be a date YYYY-MM-DD')
      .describe('调查完成日期（YYYY-MM-DD）'),
  });

const output = z.object({
  objectionDecision: z
    .object({ objectionId: z.string(), outcome: z.enum(['upheld', 'rejected']), applicationId: z.string().nullable(), investigatedOn: z.string() })
    .describe('异议调查结论 {objectionId, outcome: upheld|rejected, applicationId, investigatedOn}'),
  investigationsDone: z.boolean().describe('公示已结束且再无在调查的异议（已发送 publicity-investigations-done）'),
});

export const decideObjection = defineWorker({
  type: TYPE,
  name: '记录异议调查结论',
  description:
    '在登记簿中记录异议的调查结论（成立/不成立、移出人员、处理意见）；公示已结束且再无在调查的异议时，发送带存活时间的消息 publicity-investigations-done（关联键：公示编号）。重复投递时结论相同则继续，不同则拒绝。',
  input,
  output,
  async handler({ noticeId, objectionId, upheld, affectedApplicationId, resolution, investigatedOn }, job, { registry, publishMessage }) {
    const by = actorFor(TYPE, job.jobKey);
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
    if (objection.outcome === 'pending') {
      objection = await registry.objections
        .decide({ id: objectionId, outcome, resolution, ...(upheld && affectedApplicationId ? { applicationId: affectedApplicationId } : {}), by })
        .catch(async (err: unknown) => {
          const again = await registry.objections.get(objectionId);
          if (again && again.outcome === outcome) return again;
          return refusal(err, '登记簿拒绝记录调查结论', 'the registry refused the outcome');
        });
    } else if (objection.outcome !== outcome) {
      throw new NonRetryableError(
        `异议 ${objectionId} 已于 ${objection.closedAt} 认定为“${objection.outcome === 'upheld' ? '成立' : '不成立'}”，不能改为“${upheld ? '成立' : '不成立'}” / objection ${objectionId} was already decided ${objection.outcome} at ${objection.closedAt}; it cannot become ${outcome}`,
      );
    } else if (upheld && onNotice?.kind !== 'plan' && objection.applicationId !== affectedApplicationId) {
      throw new NonRetryableError(
        `异议 ${objectionId} 已认定移出 ${objection.applicationId}，不能改为 ${affectedApplicationId} / objection ${objectionId} already removes ${objection.applicationId}, not ${affectedApplicationId}`,
      );
    }

    const notice = await registry.notices.get(noticeId);
    const stillOpen = await registry.objections.list({ noticeId, outcome: 'pending' });
    const investigationsDone = notice?.status === 'closed' && stillOpen.length === 0;
    if (investigationsDone) {
      await publishMessage(INVESTIGATIONS_DONE, noticeId, {}, INVESTIGATIONS_DONE_TTL_MS);
      job.log.info({ noticeId }, `notice ${noticeId}: the last objection is decided; ${INVESTIGATIONS_DONE} published`);
    }
    return {
      objectionDecision: { objectionId, outcome, applicationId: objection.applicationId, investigatedOn },
      investigationsDone,
    };
  },
});
