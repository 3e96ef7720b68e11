/**
 * pingpin.certificate.issue — 颁发证书 (docs/procedures.md `certificate-issuance` step 1; DOMAIN.md §3).
 *
 * Issues the appointee's certificate through `registry.certificates.issue`: the enterprise's active
 * evaluator filing for the level gives the first 13 characters (category, evaluator code — `0000`
 * when filed with the province —, site province, site serial), then the year of issue, the level
 * (`T` / `S`, or `5`…`1` for a direct-recognition round) and the next serial of (evaluator, year, level), allocated in the same transaction.
 * Issued today (Asia/Shanghai, the engine clock); holder, ID number and occupation come from the
 * application (the clear ID number through the registry's privileged, audited read). The
 * application moves to `certified`.
 *
 * Idempotent by application: a redelivered job finds the application's certificate and returns it;
 * the registry never allocates a second serial for an application.
 */
import { z } from 'zod';
import type { Certificate } from '../../src/registry/index.js';
import { refusal, today, typeError } from '../kit/index.js';
import { defineWorker, NonRetryableError } from '../runtime.js';

/** The job type; also this worker's audit actor (the certificate workers name themselves by the bare job type, workers/kit/registry.ts). */
export const TYPE = 'pingpin.certificate.issue';

/** Applications in these states were never on the list: issuing for one is a caller's error (an incident). */
const EXCLUDED = new Set(['ineligible', 'not-recommended', 'rejected']);
/**
 * Applications that left the round after the list was final (a confirmed fraud report, 003 六(四);
 * the applicant withdrawing): a business outcome, not an error. No certificate; the model ends at
 * `issuance-skipped` with `certificateCode = null`.
 */
const LEFT = new Set(['withdrawn', 'disqualified']);

const input = z.object({
  campaign: z
    .object(
      {
        id: z.string(typeError('评聘活动编号', 'campaign.id')).trim().min(1, '评聘活动编号不能为空 / campaign.id must not be empty'),
        // 5…1 too: a direct-recognition round (001 附件2) certifies 初级工…高级技师 (001 附件1 注2).
        level: z.enum(['T', 'S', '5', '4', '3', '2', '1'], {
          error: '等级 campaign.level 须为 T（特级技师）、S（首席技师）（评聘），或 5、4、3、2、1（初级工至高级技师，直接认定） / campaign.level must be T or S (appraisal) or 5, 4, 3, 2, 1 (direct recognition)',
        }),
      },
      typeError('评聘活动', 'campaign'),
    )
    .describe('评聘活动或直接认定（读取 id、level：T 特级技师 / S 首席技师；直接认定 5 初级工 … 1 高级技师）'),
  enterprise: z
    .object({ creditCode: z.string(typeError('企业统一社会信用代码', 'enterprise.creditCode')).trim().min(1, '企业统一社会信用代码不能为空 / enterprise.creditCode must not be empty') }, typeError('企业', 'enterprise'))
    .describe('企业（读取 creditCode：其考评机构备案决定证书编码前 13 位）'),
  applicationId: z.string(typeError('申报编号', 'applicationId')).trim().min(1, '申报编号不能为空 / applicationId must not be empty').describe('被聘人员的申报编号（登记簿）'),
});

const output = z.object({
  certificateCode: z.string().nullable().describe('证书编码（22 位，DOMAIN.md §3）；申报已被取消资格或撤回时为 null（不颁证）'),
  issueSkipped: z.object({ status: z.string(), reason: z.string() }).nullable().describe('未颁证的原因 {status, reason}；颁证时为 null'),
  certificate: z
    .object({ code: z.string(), level: z.string(), year: z.number(), serial: z.number(), issuedOn: z.string(), evaluatorKey: z.string() })
    .nullable()
    .describe('证书 {code, level, year, serial, issuedOn, evaluatorKey}（不含个人信息）；未颁证时为 null'),
});

const publicView = (c: Certificate) => ({ code: c.code, level: c.level, year: c.year, serial: c.serial, issuedOn: c.issuedOn, evaluatorKey: c.evaluator.evaluatorKey });

export default defineWorker({
  type: TYPE,
  name: '颁发证书',
  description:
    '按企业考评机构备案在登记簿中颁发证书：编码 = 类别 + 考评机构代码 + 省份 + 站点序号 + 年份 + 等级 + 流水号（22 位，同一机构、年份、等级流水号不重复）。按申报幂等：重复投递时返回已颁发的证书。',
  input,
  output,
  async handler({ campaign, enterprise, applicationId }, job, services) {
    const { registry } = services;
    const by = TYPE;
    const application = await registry.applications.get(applicationId);
    if (!application) throw new NonRetryableError(`申报 applicationId=${applicationId} 在登记簿中不存在 / application ${applicationId} is not in the registry`);
    if (application.campaignId !== campaign.id) {
      throw new NonRetryableError(`申报 ${applicationId} 属于评聘活动 ${application.campaignId}，不属于 campaign.id=${campaign.id} / application ${applicationId} belongs to campaign ${application.campaignId}, not ${campaign.id}`);
    }

    let certificate = await registry.certificates.byApplication(applicationId);
    if (!certificate && LEFT.has(application.status)) {
      const last = application.history[application.history.length - 1];
      const reason = last?.why ?? application.status;
      job.log.info({ applicationId, status: application.status }, `application ${applicationId} is ${application.status}: no certificate`);
      return { certificateCode: null, certificate: null, issueSkipped: { status: application.status, reason } };
    }
    if (!certificate) {
      if (application.level !== campaign.level) {
        throw new NonRetryableError(`申报 ${applicationId} 的等级为 ${application.level}，与 campaign.level=${campaign.level} 不符 / application ${applicationId} is for level ${application.level}, not campaign.level ${campaign.level}`);
      }
      if (EXCLUDED.has(application.status)) {
        throw new NonRetryableError(`申报 ${applicationId} 的状态为 ${application.status}，不能颁发证书 / application ${applicationId} is ${application.status}: no certificate`);
      }
      const record = await registry.campaigns.get(campaign.id);
      if (record && record.creditCode !== enterprise.creditCode.toUpperCase()) {
        throw new NonRetryableError(`评聘活动 ${campaign.id} 属于企业 ${record.creditCode}，不是 enterprise.creditCode=${enterprise.creditCode} / campaign ${campaign.id} belongs to ${record.creditCode}, not ${enterprise.creditCode}`);
      }
      const occupation = application.applicant.occupation as { code?: unknown; name?: unknown } | null | undefined;
      if (!occupation || typeof occupation.code !== 'string' || typeof occupation.name !== 'string') {
        throw new NonRetryableError(`申报 ${applicationId} 未载明职业（工种）{code, name}，无法颁发证书 / application ${applicationId} names no occupation {code, name}`);
      }
      const withId = await registry.applications.getWithIdNumber(applicationId, by);
      certificate = await registry.certificates
        .issue({
          creditCode: enterprise.creditCode,
          level: application.level,
          occupation: { code: occupation.code, name: occupation.name },
          holder: { name: withId.applicant.name, idNumber: withId.idNumber },
          issuedOn: today(services),
          applicationId,
          by,
        })
        .catch((err: unknown) => refusal(err, `登记簿拒绝为申报 ${applicationId} 颁发证书`, `the registry refused to issue the certificate of application ${applicationId}`));
      job.log.info({ applicationId, certificateCode: certificate.code }, `certificate ${certificate.code} issued`);
    } else if (certificate.evaluator.creditCode !== enterprise.creditCode.toUpperCase()) {
      throw new NonRetryableError(
        `申报 ${applicationId} 已有企业 ${certificate.evaluator.creditCode} 颁发的证书 ${certificate.code}，不是 enterprise.creditCode=${enterprise.creditCode} / application ${applicationId} already has certificate ${certificate.code} of ${certificate.evaluator.creditCode}`,
      );
    }

    if (!['certified', 'appointed', 'revoked'].includes(application.status)) {
      // A disqualified or withdrawn application is refused by the registry: no retry changes that.
      await registry.applications
        .setStatus({ id: applicationId, status: 'certified', why: `颁发证书 ${certificate.code}`, by })
        .catch((err: unknown) => refusal(err, `登记簿拒绝将申报 ${applicationId} 记为已颁证`, `the registry refused to mark application ${applicationId} certified`));
    }
    return { certificateCode: certificate.code, certificate: publicView(certificate), issueSkipped: null };
  },
});
