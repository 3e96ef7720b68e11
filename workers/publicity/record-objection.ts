/**
 * pingpin.publicity.record-objection — 登记异议 (docs/procedures.md `publicity`, event subprocess 异议处理).
 *
 * The message `publicity-objection` [noticeId] carries `objection {ref, submitterMasked,
 * contactMasked, text, applicationId?}`: the channel filed the objection with the registry's intake
 * first (name, contact and text encrypted there) and publishes only the reference and masked forms
 * (workers/intake.ts). This worker checks the message — no personal data in clear, a reference to the
 * registry's objection submission for this notice, the registry's masked forms — and files the
 * objection from the submission against the notice (`objections.file({submissionId})`), then assigns
 * it to the investigator group. An objection the channel received after the window (or reaching a
 * notice already closed) is not received: `accepted = false` with the reason in `objectionRefusal`,
 * and nothing is recorded; so is a second message for a submission already filed. An `applicationId`
 * that is not on the notice is left out (the investigator names the person affected).
 *
 * Idempotent by job: the objection is filed under the idempotency key
 * `pingpin.publicity.record-objection#<jobKey>` (also the audit actor); a redelivered job gets the
 * objection it filed back from the registry (even after the window has ended) instead of filing it
 * twice or refusing it.
 */
import { z } from 'zod';
import type { Notice, Objection, Submission } from '../../src/registry/index.js';
import { objectionMessageSchema, receivedSubmission } from '../intake.js';
import { keyedActor, refusal, typeError } from '../kit/index.js';
import { defineWorker, NonRetryableError } from '../runtime.js';

export const TYPE = 'pingpin.publicity.record-objection';

const input = z.object({
  noticeId: z.string(typeError('公示编号', 'noticeId')).trim().min(1, '公示编号不能为空 / noticeId must not be empty').describe('公示编号（消息关联键）'),
  objection: objectionMessageSchema,
  investigatorGroup: z.string(typeError('异议调查候选组', 'investigatorGroup')).trim().min(1, '异议调查候选组不能为空 / investigatorGroup must not be empty').describe('异议调查人员的候选组（登记为异议的调查人）'),
});

const output = z.object({
  objectionId: z.string().nullable().describe('异议编号（登记簿）；不予受理时为 null'),
  accepted: z.boolean().describe('是否受理：公示期内为 true；公示期满后为 false'),
  objectionRefusal: z.string().nullable().describe('不予受理的理由'),
});

export default defineWorker({
  type: TYPE,
  name: '登记异议',
  description:
    '核对异议消息（只带登记簿受理编号和脱敏信息，明文个人信息即拒收），在登记簿中把受理的异议登记到公示并交调查候选组；公示期满后收到或公示已关闭的异议、已登记过的受理编号不予受理（accepted=false）。按作业幂等：重复投递时沿用已登记的异议。',
  input,
  output,
  async handler({ noticeId, objection, investigatorGroup }, job, { registry }) {
    const by = keyedActor(TYPE, job.jobKey);
    // One job files one objection: the job is the key the registry files it under, so a redelivered
    // job gets the same objection back (even after the window has ended) instead of filing it twice.
    const idempotencyKey = by;
    const refuse = (zh: string, en: string) => {
      job.log.info({ noticeId, ref: objection.ref }, `objection not received: ${en}`);
      return { objectionId: null, accepted: false, objectionRefusal: `${zh} / ${en}` };
    };

    const notice = await registry.notices.get(noticeId);
    if (!notice) throw new NonRetryableError(`公示 noticeId=${noticeId} 在登记簿中不存在 / notice ${noticeId} is not in the registry`);
    const submission = await receivedSubmission(registry, { variable: 'objection', ...objection }, { kind: 'objection', noticeId });
    const applicationId = submission.applicationId;
    const onNotice = applicationId ? notice.entries.some((e) => e.applicationId === applicationId) : false;
    if (applicationId && !onNotice) job.log.warn({ noticeId, applicationId }, 'the objection names an application that is not on the notice; recorded without it');

    /** Not received: filed already from another message, received after the window, or the notice closed. */
    const notReceived = async (n: Notice, s: Submission): Promise<ReturnType<typeof refuse> | undefined> => {
      const filed = await registry.objections.bySubmission(s.id);
      if (filed && filed.idempotencyKey !== idempotencyKey) {
        return refuse(`受理编号 ${s.id} 已登记为异议 ${filed.id}，不再重复受理`, `submission ${s.id} was already filed as objection ${filed.id}; not received again`);
      }
      if (filed) return undefined;
      if (s.receivedAt > n.endsAt) return refuse(`公示期已于 ${n.windowEnd} 结束，异议不予受理`, `the publicity period ended on ${n.windowEnd} (${n.endsAt}); the objection is not received`);
      if (n.status !== 'published') return refuse(`公示已于 ${n.closedAt ?? n.windowEnd} 关闭，异议未及登记，不予受理`, `the notice was closed at ${n.closedAt ?? n.endsAt} before the objection was filed; it is not received`);
      return undefined;
    };
    const early = await notReceived(notice, submission);
    if (early) return early;

    // The registry judges the window again in its own transaction and answers a repeat first.
    let o: Objection;
    try {
      o = await registry.objections.file({ noticeId, submissionId: submission.id, ...(onNotice ? { applicationId: applicationId! } : {}), idempotencyKey, by });
    } catch (err) {
      const again = await registry.notices.get(noticeId);
      const late = again && (await notReceived(again, submission));
      if (late) return late;
      return refusal(err, '登记簿拒绝登记异议', 'the registry refused the objection');
    }
    // A first delivery that crashed between filing and assigning left it unassigned.
    if (o.investigator === null && o.outcome === 'pending') {
      await registry.objections.assign({ id: o.id, investigator: investigatorGroup, by }).catch((err: unknown) => refusal(err, '登记簿拒绝指定调查人', 'the registry refused the investigator'));
    }
    job.log.info({ noticeId, objectionId: o.id }, `objection ${o.id} recorded against notice ${noticeId}`);
    return { objectionId: o.id, accepted: true, objectionRefusal: null };
  },
});
