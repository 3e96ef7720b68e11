/**
 * pingpin.fraud.record-report — 核对举报受理. The first step of the `fraud-reported` event subprocess
 * of every `appraisal-*` process, before the province investigates.
 *
 * The message `fraud-reported` [campaignId] carries `report {ref, reporterMasked, contactMasked,
 * text, applicationId?, creditCode?}`: the channel filed the report with the registry's intake first
 * (the reporter's name, contact and text encrypted there) and publishes only the reference and masked
 * forms (workers/intake.ts). This worker checks that message before anyone sees it in Tasklist: no
 * personal data in clear (a `reporter` or `contact` field, a phone number, e-mail address or ID number
 * in any field), and a reference to the registry's fraud report about this campaign whose masked forms
 * the message repeats. Anything else fails the job with no retries: an incident naming the field
 * (never its value), for an operator to take up with the channel. Reads only; returns when the
 * report was received (`reportReceivedAt`, from the registry).
 */
import { z } from 'zod';
import { fraudReportMessageSchema, receivedSubmission } from '../intake.js';
import { idString } from '../kit/index.js';
import { defineWorker } from '../runtime.js';

export const TYPE = 'pingpin.fraud.record-report';

const input = z.object({
  campaignId: idString('评聘活动编号 campaignId', 'campaignId').describe('评聘活动编号（启动变量，消息 fraud-reported 的关联键）'),
  report: fraudReportMessageSchema,
});

const output = z.object({
  reportReceivedAt: z.string().describe('登记簿受理举报的时间（ISO 8601，UTC）'),
});

export default defineWorker({
  type: TYPE,
  name: '核对举报受理',
  description:
    '核对弄虚作假举报消息：只带登记簿受理编号和脱敏信息（明文姓名、联系方式、电话号码、身份证号即拒收），受理编号须是登记簿中针对本评聘活动的举报且脱敏信息一致；不符时作业立即失败（不重试）。只读。',
  input,
  output,
  async handler({ campaignId, report }, job, { registry }) {
    const submission = await receivedSubmission(registry, { variable: 'report', ...report, submitterMasked: report.reporterMasked }, { kind: 'fraud-report', campaignId });
    job.log.info({ campaignId, ref: submission.id }, `fraud report ${submission.id} about campaign ${campaignId} checked`);
    return { reportReceivedAt: submission.receivedAt };
  },
});
