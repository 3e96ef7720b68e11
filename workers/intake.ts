/**
 * The messages of the public channels — an objection to a publicity notice (`publicity-objection`)
 * and a fraud report (`fraud-reported`) — and how the workers that receive them check them. Not a
 * worker (workers/index.ts lists those).
 *
 * A channel (the public page, a clerk taking a letter or a call, the demo) files what it received
 * with the registry's intake first (`registry.intake.file`: the submitter's name, contact and text
 * encrypted, masked forms kept, under the channel's submission number) and publishes only the
 * reference and the masked forms, built here from the submission:
 *
 *   publicity-objection [noticeId]  {objection: {ref, submitterMasked, contactMasked, text, applicationId?}}
 *   fraud-reported [campaignId]     {report: {ref, reporterMasked, contactMasked, text, applicationId?, creditCode?}}
 *
 * `text` is the submission's masked text. The receiving worker refuses a message that carries
 * personal data in clear — a `contact`, `submitter`, `reporter`, `phone` or `idNumber` field, or a
 * phone number, e-mail address or ID number in any field — with a bilingual incident that names the
 * field and never the value, and a message whose reference is not the registry's submission of that
 * kind for that notice / campaign, or whose masked forms differ from the registry's.
 */
import { z } from 'zod';
import { findPersonalDataIn, personalDataName, maskPersonalData } from '../src/domain/personal-data.js';
import type { Submission, SubmissionKind } from '../src/registry/index.js';
import { bi, refuse, typeError } from './kit/index.js';
import { NonRetryableError } from './runtime.js';

// Type literals, not interfaces: they fit the workers' input types, which admit (and then refuse) other keys.
export type ObjectionMessage = {
  /** The intake submission's id. */
  ref: string;
  submitterMasked: string | null;
  contactMasked: string | null;
  /** Masked text. */
  text: string;
  applicationId?: string;
};

export type FraudReportMessage = {
  ref: string;
  reporterMasked: string | null;
  contactMasked: string | null;
  text: string;
  applicationId?: string;
  creditCode?: string;
};

/** The variables of `publicity-objection` for a submission the intake filed. */
export function objectionMessage(s: Submission): { objection: ObjectionMessage } {
  return { objection: { ref: s.id, submitterMasked: s.submitterMasked, contactMasked: s.contactMasked, text: s.text, ...(s.applicationId ? { applicationId: s.applicationId } : {}) } };
}

/** The variables of `fraud-reported` for a submission the intake filed. */
export function fraudReportMessage(s: Submission): { report: FraudReportMessage } {
  return {
    report: {
      ref: s.id,
      reporterMasked: s.submitterMasked,
      contactMasked: s.contactMasked,
      text: s.text,
      ...(s.applicationId ? { applicationId: s.applicationId } : {}),
      ...(s.creditCode ? { creditCode: s.creditCode } : {}),
    },
  };
}

/** Fields an older channel sent with personal data in clear: refused by name. */
const CLEAR_FIELDS: Record<string, string> = {
  submitter: '异议人姓名',
  reporter: '举报人姓名',
  name: '姓名',
  contact: '联系方式',
  phone: '电话号码',
  mobile: '手机号码',
  tel: '电话号码',
  email: '电子邮箱',
  idNumber: '公民身份号码',
};

const text = (zh: string, en: string, max: number) =>
  z
    .string(typeError(zh, en))
    .trim()
    .min(1, bi(`${zh}不能为空`, `${en} must not be empty`))
    .max(max, bi(`${zh}最多 ${max} 字`, `${en} must be at most ${max} characters`));

const masked = (zh: string, en: string) => z.string(typeError(zh, en)).trim().max(100, bi(`${zh}最多 100 字`, `${en} must be at most 100 characters`)).nullish();

/**
 * A message object of a public channel: the given fields, nothing else, and no personal data in clear
 * anywhere in it. The clear-data check runs even when other fields are wrong, so an old-style message
 * (`{submitter, contact, …}` without `ref`) is refused for what matters most.
 */
function channelMessage<S extends z.ZodRawShape>(variable: string, zh: string, shape: S) {
  return z.looseObject(shape, typeError(zh, variable)).check(
    z.superRefine(
      (value: Record<string, unknown>, ctx) => {
        if (!value || typeof value !== 'object' || Array.isArray(value)) return;
        for (const key of Object.keys(value)) {
          if (key in shape) continue;
          const clear = CLEAR_FIELDS[key];
          ctx.addIssue({
            code: 'custom',
            path: [key],
            input: value,
            message: clear
              ? bi(
                  `${zh}不得在流程变量中携带明文${clear}（${variable}.${key}）：渠道须先向登记簿受理（registry.intake.file）登记，消息只带受理编号 ref 和脱敏信息`,
                  `${variable}.${key} is personal data in clear, which must not enter process variables: the channel files the submission with the registry's intake (registry.intake.file) and publishes only its ref and masked forms`,
                )
              : bi(`${zh}不应有字段 ${variable}.${key}`, `${variable}.${key} is not a field of the message`),
          });
        }
        const hit = findPersonalDataIn(value);
        if (hit) {
          const [kindZh, kindEn] = personalDataName(hit.kind);
          const at = [variable, ...hit.path].join('.');
          ctx.addIssue({
            code: 'custom',
            path: hit.path,
            input: value,
            message: bi(
              `${at} 含明文${kindZh}（${maskPersonalData(hit.value)}）：个人信息只存于登记簿（加密），消息只能带脱敏信息；请用登记簿受理返回的脱敏文本`,
              `${at} holds ${kindEn} in clear (${maskPersonalData(hit.value)}): personal data stays in the registry, encrypted, and messages carry masked forms only; use the masked text the registry's intake returned`,
            ),
          });
        }
      },
      { when: () => true },
    ),
  );
}

const ref = (zh: string, variable: string) => text(`${zh}受理编号`, `${variable}.ref`, 100).describe('登记簿受理编号（registry.intake.file 返回的 id）');

export const objectionMessageSchema = channelMessage('objection', '异议', {
  ref: ref('异议', 'objection'),
  submitterMasked: masked('异议人（脱敏）', 'objection.submitterMasked'),
  contactMasked: masked('异议人联系方式（脱敏）', 'objection.contactMasked'),
  text: text('异议内容', 'objection.text', 10_000),
  applicationId: z.string(typeError('异议所涉申报编号', 'objection.applicationId')).trim().nullish(),
}).describe('异议 {ref, submitterMasked, contactMasked, text, applicationId?}（消息 publicity-objection 携带；ref 为登记簿受理编号，姓名和联系方式只有脱敏形式）');

export const fraudReportMessageSchema = channelMessage('report', '举报', {
  ref: ref('举报', 'report'),
  reporterMasked: masked('举报人（脱敏）', 'report.reporterMasked'),
  contactMasked: masked('举报人联系方式（脱敏）', 'report.contactMasked'),
  text: text('举报内容', 'report.text', 10_000),
  applicationId: z.string(typeError('举报所涉申报编号', 'report.applicationId')).trim().nullish(),
  creditCode: z.string(typeError('举报所涉单位统一社会信用代码', 'report.creditCode')).trim().nullish(),
}).describe('举报 {ref, reporterMasked, contactMasked, text, applicationId?, creditCode?}（消息 fraud-reported 携带；ref 为登记簿受理编号，姓名和联系方式只有脱敏形式）');

const KIND_NAMES: Record<SubmissionKind, string> = { objection: '异议', 'fraud-report': '弄虚作假举报' };

/**
 * The registry's submission a message refers to, checked: it exists, is of `kind`, belongs to the
 * notice or campaign the message was correlated to, and the message's masked forms are the
 * registry's. Anything else fails the job at once (an operator looks at the channel).
 */
export async function receivedSubmission(
  registry: { intake: { get(id: string): Promise<Submission | undefined> } },
  message: { variable: 'objection' | 'report'; ref: string; submitterMasked?: string | null; contactMasked?: string | null; text: string; applicationId?: string | null; creditCode?: string | null },
  expected: { kind: 'objection'; noticeId: string } | { kind: 'fraud-report'; campaignId: string },
): Promise<Submission> {
  const v = message.variable;
  const s = await registry.intake.get(message.ref);
  if (!s) {
    throw refuse(`受理编号 ${v}.ref=${message.ref} 在登记簿中不存在：渠道须先向登记簿受理登记`, `${v}.ref: submission ${message.ref} is not in the registry: the channel must file it with the registry's intake first`);
  }
  const [target, targetZh] = expected.kind === 'objection' ? [expected.noticeId, '公示'] : [expected.campaignId, '评聘活动'];
  const filedFor = expected.kind === 'objection' ? s.noticeId : s.campaignId;
  if (s.kind !== expected.kind || filedFor !== target) {
    throw new NonRetryableError(
      bi(
        `受理编号 ${v}.ref=${message.ref} 是${KIND_NAMES[s.kind]}（${s.noticeId ? `公示 ${s.noticeId}` : `评聘活动 ${s.campaignId}`}），不是针对${targetZh} ${target} 的${KIND_NAMES[expected.kind]}`,
        `${v}.ref: submission ${message.ref} is a ${s.kind} for ${s.noticeId ? `notice ${s.noticeId}` : `campaign ${s.campaignId}`}, not a ${expected.kind} for ${expected.kind === 'objection' ? 'notice' : 'campaign'} ${target}`,
      ),
    );
  }
  const differs = [
    ...((message.submitterMasked ?? null) !== s.submitterMasked ? [v === 'objection' ? 'submitterMasked' : 'reporterMasked'] : []),
    ...((message.contactMasked ?? null) !== s.contactMasked ? ['contactMasked'] : []),
    ...(message.text !== s.text ? ['text'] : []),
    ...(message.applicationId && message.applicationId !== s.applicationId ? ['applicationId'] : []),
    ...(message.creditCode && message.creditCode !== s.creditCode ? ['creditCode'] : []),
  ];
  if (differs.length > 0) {
    throw new NonRetryableError(
      bi(
        `消息与登记簿受理记录 ${message.ref} 不一致（${differs.map((f) => `${v}.${f}`).join('、')}）：消息须按受理记录生成`,
        `the message differs from the registry's submission ${message.ref} in ${differs.map((f) => `${v}.${f}`).join(', ')}: build it from the submission`,
      ),
    );
  }
  return s;
}
