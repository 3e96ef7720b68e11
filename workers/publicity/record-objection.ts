/**
 * pingpin.publicity.record-objection — 登记异议 (docs/procedures.md `publicity`, event subprocess 异议处理).
 *
 * Files the objection the message `publicity-objection` [noticeId] brought (`objection {submitter,
 * contact, text, applicationId?}`) against the notice and assigns it to the investigator group.
 * After the window (or once the notice is closed) it is not received: `accepted = false` with the
 * reason in `objectionRefusal`, and nothing is recorded. An `applicationId` that is not on the notice
 * is left out (the investigator names the person affected).
 *
 * Idempotent by job: the objection is filed under the idempotency key
 * `pingpin.publicity.record-objection#<jobKey>` (also the audit actor); a redelivered job gets the
 * objection it filed back from the registry (even after the window has ended) instead of filing it
 * twice or refusing it.
 */
import { z } from 'zod';
import type { Notice, Objection } from '../../src/registry/index.js';
import { defineWorker, NonRetryableError } from '../runtime.js';
import { actorFor, refusal, typeError } from './shared.js';

export const TYPE = 'pingpin.publicity.record-objection';

const input = z.object({
  noticeId: z.string(typeError('公示编号', 'noticeId')).trim().min(1, '公示编号不能为空 / noticeId must not be empty').describe('公示编号（消息关联键）'),
  objection: z
    .object(
      {
        submitter: z.string(typeError('异议人', 'objection.submitter')).trim().max(50, '异议人姓名或单位最多 50 字 / objection.submitter must be at most 50 characters').nullish(),
        contact: z.string(typeError('异议人联系方式', 'objection.contact')).trim().min(1, '异议人联系方式不能为空 / objection.contact must not be empty').max(100, '联系方式最多 100 字 / objection.contact must be at most 100 characters'),
        text: z.string(typeError('异议内容', 'objection.text')).trim().min(1, '异议内容不能为空 / objection.text must not be empty').max(5000, '异议内容最多 5000 字 / objection.text must be at most 5000 characters'),
        applicationId: z.string(typeError('异议所涉申报编号', 'objection.applicationId')).trim().nullish(),
      },
      typeError('异议', 'objection'),
    )
    .describe('异议 {submitter, contact, text, applicationId?}（消息 publicity-objection 携带）'),
  investigatorGroup: z.string(typeError('异议调查候选组', 'investigatorGroup')).trim().min(1, '异议调查候选组不能为空 / investigatorGroup must not be empty').describe('异议调查人员的候选组（登记为异议的调查人）'),
});

const output = z.object({
  objectionId: z.string().nullable().describe('异议编号（登记簿）；不予受理时为 null'),
  accepted: z.boolean().describe('是否受理：公示期内为 true；公示期满后为 false'),
  objectionRefusal: z.string().nullable().describe('不予受理的理由'),
});

export const recordObjection = defineWorker({
  type: TYPE,
  name: '登记异议',
  description: '在登记簿中登记公示期内收到的异议并交调查候选组；公示期满或公示已关闭后收到的异议不予受理（accepted=false）。按作业幂等：重复投递时沿用已登记的异议。',
  input,
  output,
  async handler({ noticeId, objection, investigatorGroup }, job, { registry, now }) {
    const by = actorFor(TYPE, job.jobKey);
    // One job files one objection: the job is the key the registry files it under, so a redelivered
    // job gets the same objection back (even after the window has ended) instead of filing it twice.
    const idempotencyKey = by;
    const refuse = (zh: string, en: string) => {
      job.log.info({ noticeId }, `objection not received: ${en}`);
      return { objectionId: null, accepted: false, objectionRefusal: `${zh} / ${en}` };
    };
    const ended = (n: Notice) => n.status !== 'published' || now().toISOString() > n.endsAt;

    const notice = await registry.notices.get(noticeId);
    if (!notice) throw new NonRetryableError(`公示 noticeId=${noticeId} 在登记簿中不存在 / notice ${noticeId} is not in the registry`);
    const onNotice = objection.applicationId ? notice.entries.some((e) => e.applicationId === objection.applicationId) : false;
    if (objection.applicationId && !onNotice) job.log.warn({ noticeId, applicationId: objection.applicationId }, 'the objection names an application that is not on the notice; recorded without it');

    // No window check here: a repeat must find its objection after the window too. The registry
    // answers a repeat first and refuses a new objection once the window has ended.
    let o: Objection;
    try {
      o = await registry.objections.file({
        noticeId,
        submitterContact: `${objection.submitter || '未署名'}（${objection.contact}）`,
        text: objection.text,
        ...(onNotice ? { applicationId: objection.applicationId! } : {}),
        idempotencyKey,
        by,
      });
    } catch (err) {
      // Not received because the window has ended (and not because the key is taken): the registry is the judge.
      const again = await registry.notices.get(noticeId);
      if (again && ended(again) && !(await registry.objections.byIdempotencyKey(idempotencyKey))) {
        return refuse(`公示期已于 ${again.windowEnd} 结束，异议不予受理`, `the publicity period ended on ${again.windowEnd} (${again.endsAt}); the objection is not received`);
      }
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
