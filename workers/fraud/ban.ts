/**
 * pingpin.fraud.ban — 取消资格并禁入五年. After the province confirmed a fraud report (弄虚作假,
 * `investigate-fraud` form) in any `appraisal-*` process: the applicant and/or the applying unit
 * loses this year's eligibility and may not apply or take part for five years (003 六(四); Guangdong
 * 002 七(四); Fujian and Sichuan apply the national rule).
 *
 * - person: for each of `fraudApplicationIds`, a ban on the person — identified by the ID number the
 *   registry holds for the application (read privileged and audited; it never enters the process) —
 *   decided on `fraudDecidedOn`; the application is disqualified, and a certificate already issued
 *   for it is revoked (the eligibility it rests on is void);
 * - enterprise: a ban on `fraudCreditCode`; when it is the campaign's enterprise, every application of
 *   the campaign that has no certificate yet is disqualified (certificates already issued are listed
 *   in `fraudOutcome.certificatesToReview` for the province, not revoked automatically).
 *
 * The registry computes the ban's end (decided on + 5 years). No certificate follows a ban:
 * pingpin.campaign.finalize-list leaves disqualified and banned applications out of the list
 * certificate-issuance runs over. Idempotent: a ban with the same decision date and case reference
 * is reused, statuses and revocations are applied once.
 */
import { z } from 'zod';
import { validateCreditCode } from '../../src/domain/validators.js';
import type { ActiveBan, Registry } from '../../src/registry/index.js';
import { campaignSchema, enterpriseSchema, FRAUD_BASIS } from '../campaign/variables.js';
import { actor, bi, dateString, idList, loadApplications, registryCall, today } from '../kit/index.js';
import { defineWorker } from '../runtime.js';

const TYPE = 'pingpin.fraud.ban';

const input = z
  .object({
    campaign: campaignSchema,
    enterprise: enterpriseSchema,
    fraudConfirmed: z
      .literal(true, { error: bi('举报未查实（fraudConfirmed 不为 true），不能取消资格', 'fraudConfirmed must be true: only a confirmed fraud leads to a ban') })
      .describe('调查结论为查实弄虚作假（investigate-fraud 表单）'),
    fraudSubjects: z
      .array(z.enum(['person', 'enterprise'], { error: bi('处理对象 fraudSubjects 的每一项应为 person（申请人）或 enterprise（申报单位）', 'every item of fraudSubjects must be person or enterprise') }), {
        error: bi('处理对象 fraudSubjects 应为列表', 'fraudSubjects must be a list'),
      })
      .min(1, { error: bi('处理对象 fraudSubjects 至少一项', 'fraudSubjects must name at least one subject') })
      .describe('处理对象：person 申请人 / enterprise 申报单位'),
    fraudApplicationIds: idList('涉及的申报 fraudApplicationIds', 'fraudApplicationIds').nullable().optional().describe('弄虚作假的申请人的申报编号（处理对象含申请人时必填）'),
    fraudCreditCode: z
      .string({ error: bi('申报单位统一社会信用代码 fraudCreditCode 应为字符串', 'fraudCreditCode must be a string') })
      .nullable()
      .optional()
      .describe('弄虚作假的申报单位的统一社会信用代码（处理对象含申报单位时必填）'),
    fraudDecidedOn: dateString('处理决定日期 fraudDecidedOn', 'fraudDecidedOn').describe('处理决定日期：禁止期自此起算五年'),
    fraudFindings: z
      .string({ error: bi('调查结论 fraudFindings 应为字符串', 'fraudFindings must be a string') })
      .trim()
      .min(1, { error: bi('调查结论 fraudFindings 不能为空', 'fraudFindings must not be empty') })
      .describe('调查认定的事实'),
  })
  .superRefine((v, ctx) => {
    if (v.fraudSubjects.includes('person') && !(v.fraudApplicationIds && v.fraudApplicationIds.length > 0)) {
      ctx.addIssue({ code: 'custom', path: ['fraudApplicationIds'], message: bi('处理对象含申请人时须指明涉及的申报 fraudApplicationIds', 'fraudApplicationIds is required when fraudSubjects contains person') });
    }
    if (v.fraudSubjects.includes('enterprise')) {
      if (!v.fraudCreditCode) {
        ctx.addIssue({ code: 'custom', path: ['fraudCreditCode'], message: bi('处理对象含申报单位时须填写统一社会信用代码 fraudCreditCode', 'fraudCreditCode is required when fraudSubjects contains enterprise') });
      } else if (!validateCreditCode(v.fraudCreditCode).valid) {
        ctx.addIssue({ code: 'custom', path: ['fraudCreditCode'], message: bi('统一社会信用代码 fraudCreditCode 无效（GB 32100）', 'fraudCreditCode is not a valid unified social credit code (GB 32100)') });
      }
    }
  });

const REASON_MAX = 2000;

/** The case reference a ban's reason starts with: it makes a redelivered job find its own ban. */
const caseRef = (campaignId: string, applicationId?: string) => `弄虚作假（评聘活动 ${campaignId}${applicationId ? `，申报 ${applicationId}` : ''}）：`;

const reasonOf = (ref: string, findings: string) => `${ref}${findings}`.slice(0, REASON_MAX);

function sameCase(bans: ActiveBan[], ref: string, decidedOn: string, subject: 'person' | 'enterprise'): ActiveBan | undefined {
  return bans.find((b) => b.subject === subject && b.decidedOn === decidedOn && b.reason.startsWith(ref));
}

async function revokeIfIssued(registry: Registry, applicationId: string, reason: string, on: string, by: string): Promise<string | undefined> {
  const cert = await registry.certificates.byApplication(applicationId);
  if (!cert || cert.status === 'revoked') return cert?.code;
  const revokedOn = on < cert.issuedOn ? cert.issuedOn : on;
  await registryCall({ zh: '撤销证书', en: `revoke certificate ${cert.code}` }, () => registry.certificates.revoke({ code: cert.code, reason: reason.slice(0, REASON_MAX), revokedOn, by }));
  return cert.code;
}

export default defineWorker({
  type: TYPE,
  name: '取消资格并禁入五年',
  description:
    '弄虚作假查实后：对申请人（按登记系统中该申报的身份证号）和/或申报单位登记禁止记录（取消本年度评审资格，五年内不得申请或参与评审申报，003 六(四)、002 七(四)），取消相关申报的资格；申请人已获证书的予以撤销。',
  input,
  output: z.object({
    fraudOutcome: z
      .object({
        bans: z.array(z.object({ banId: z.string(), subject: z.string(), who: z.string(), until: z.string() })),
        disqualifiedApplications: z.array(z.string()),
        revokedCertificates: z.array(z.string()),
        certificatesToReview: z.array(z.string()),
      })
      .describe('处理结果 {bans: [{banId, subject, who, until}], disqualifiedApplications, revokedCertificates, certificatesToReview}'),
  }),
  async handler(i, job, services) {
    const { registry } = services;
    const by = actor(TYPE);
    const basis = FRAUD_BASIS[i.campaign.jurisdiction];
    const bans: { banId: string; subject: 'person' | 'enterprise'; who: string; until: string }[] = [];
    const disqualified: string[] = [];
    const revoked: string[] = [];
    const toReview: string[] = [];
    const on = i.fraudDecidedOn > today(services) ? i.fraudDecidedOn : today(services);

    if (i.fraudSubjects.includes('person')) {
      const apps = await loadApplications(registry, i.campaign.id, i.fraudApplicationIds ?? [], { zh: '涉及的申报 fraudApplicationIds', en: 'fraudApplicationIds' });
      for (const app of apps) {
        const person = await registry.applications.getWithIdNumber(app.id, `${by}:${job.elementId}`);
        const ref = caseRef(i.campaign.id, app.id);
        const existing = sameCase(await registry.bans.active({ idNumber: person.idNumber, asOf: i.fraudDecidedOn }), ref, i.fraudDecidedOn, 'person');
        const ban =
          existing ??
          (await registryCall({ zh: '登记禁止记录', en: 'record the ban' }, () =>
            registry.bans.record({ subject: 'person', idNumber: person.idNumber, reason: reasonOf(ref, i.fraudFindings), basis, decidedOn: i.fraudDecidedOn, by }),
          ));
        bans.push({ banId: ban.id, subject: 'person', who: ban.idNumber ?? app.applicant.idNumber, until: ban.until });
        const why = `本人弄虚作假，取消本年度评审资格，五年内不得申请或参与评审申报（${basis}），禁止期至 ${ban.until}`;
        // Withdrawn is final too (the registry refuses to move it): the ban above still binds the person.
        if (app.status !== 'disqualified' && app.status !== 'withdrawn') await registry.applications.setStatus({ id: app.id, status: 'disqualified', why, by });
        disqualified.push(app.id);
        const code = await revokeIfIssued(registry, app.id, `${why}；${i.fraudFindings}`, on, by);
        if (code) revoked.push(code);
      }
    }

    if (i.fraudSubjects.includes('enterprise')) {
      const creditCode = i.fraudCreditCode!.trim().toUpperCase();
      const ref = caseRef(i.campaign.id);
      const existing = sameCase(await registry.bans.active({ creditCode, asOf: i.fraudDecidedOn }), ref, i.fraudDecidedOn, 'enterprise');
      const ban =
        existing ??
        (await registryCall({ zh: '登记禁止记录', en: 'record the ban' }, () =>
          registry.bans.record({ subject: 'enterprise', creditCode, reason: reasonOf(ref, i.fraudFindings), basis, decidedOn: i.fraudDecidedOn, by }),
        ));
      bans.push({ banId: ban.id, subject: 'enterprise', who: creditCode, until: ban.until });
      if (creditCode === i.enterprise.creditCode.trim().toUpperCase()) {
        const why = `申报单位弄虚作假，取消本年度评审资格，五年内不得申请或参与评审申报（${basis}），禁止期至 ${ban.until}`;
        for (const app of await registry.applications.list({ campaignId: i.campaign.id })) {
          const cert = await registry.certificates.byApplication(app.id);
          if (cert) {
            if (cert.status === 'valid' && !revoked.includes(cert.code)) toReview.push(cert.code);
            continue;
          }
          if (app.status !== 'disqualified' && app.status !== 'withdrawn') await registry.applications.setStatus({ id: app.id, status: 'disqualified', why, by });
          if (!disqualified.includes(app.id)) disqualified.push(app.id);
        }
      }
    }

    return { fraudOutcome: { bans, disqualifiedApplications: disqualified, revokedCertificates: revoked, certificatesToReview: toReview } };
  },
});
