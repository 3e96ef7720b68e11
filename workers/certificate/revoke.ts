/**
 * pingpin.certificate.revoke — 注销证书（取消等级）. 001 附件4 第七条、第九条: when the provincial HRSS
 * decides to revoke a 首席技师 / 特级技师 level (the `decide-revocation` task of `management-period`),
 * the certificate is revoked in the registry (`certificates.revoke`, with the ground, the decision and
 * its date) and the holder's application becomes `revoked`. The unit's appointment ends with it
 * (解除评聘) and the benefits stop (pingpin.management.stop-benefits, 第八条(四)).
 *
 * Idempotent by certificate: a certificate already revoked is returned as it is (a redelivered job).
 */
import { z } from 'zod';
import { isValidDate } from '../../src/domain/periods.js';
import { CERTIFICATE_CODE, refusal, typeError } from '../kit/index.js';
import { defineWorker, NonRetryableError } from '../runtime.js';

/** The job type; also this worker's audit actor (the certificate workers name themselves by the bare job type, workers/kit/registry.ts). */
export const TYPE = 'pingpin.certificate.revoke';

/** The grounds of 001 附件4 第七条 (the options of forms/propose-revocation.form). */
export const REVOCATION_GROUNDS = {
  'political-ethics': '（一）丧失或违背首席技师、特级技师所必须具备的思想政治条件和职业道德标准',
  'fraud-plagiarism': '（二）弄虚作假、剽窃他人成果等学术不端行为',
  'expulsion-criminal': '（三）受到开除党籍或行政开除处分，或构成犯罪被依法追究刑事责任',
  dereliction: '（四）擅自离职、不履行规定职责，工作渎职、失职，造成严重损失或不良影响',
  'unqualified-assessment': '（五）管理期内年度考核不合格',
  'other-legal': '（六）法律法规规定的其他情况',
} as const;

type Ground = keyof typeof REVOCATION_GROUNDS;
const GROUND_KEYS = Object.keys(REVOCATION_GROUNDS) as [Ground, ...Ground[]];

const input = z.object({
  certificateCode: z
    .string(typeError('证书编码', 'certificateCode'))
    .trim()
    .toUpperCase()
    .regex(CERTIFICATE_CODE, '证书编码须为 22 位（DOMAIN.md §3） / certificateCode must be a 22-character certificate code')
    .describe('被取消等级人员的证书编码'),
  revocationGround: z
    .enum(GROUND_KEYS, { error: `取消情形 revocationGround 须为 ${GROUND_KEYS.join('、')} 之一（001 附件4 第七条） / revocationGround must be one of ${GROUND_KEYS.join(', ')}` })
    .describe('取消情形（001 附件4 第七条；表单 propose-revocation）'),
  revocationDecidedOn: z
    .string(typeError('审定日期', 'revocationDecidedOn'))
    .refine(isValidDate, '审定日期须为 YYYY-MM-DD / revocationDecidedOn must be a date YYYY-MM-DD')
    .describe('人力资源社会保障厅审定取消的日期（表单 decide-revocation）'),
  revocationDecisionReason: z
    .string(typeError('审定意见', 'revocationDecisionReason'))
    .trim()
    .min(2, '审定意见至少 2 字 / revocationDecisionReason must have at least 2 characters')
    .max(2000, '审定意见最多 2000 字 / revocationDecisionReason must be at most 2000 characters')
    .describe('审定意见（表单 decide-revocation）'),
  revocationDocumentNumber: z
    .string(typeError('文号', 'revocationDocumentNumber'))
    .trim()
    .max(50, '文号最多 50 字 / revocationDocumentNumber must be at most 50 characters')
    .nullish()
    .describe('审定文号（选填）'),
});

export default defineWorker({
  type: TYPE,
  name: '注销证书（取消等级）',
  description:
    '人力资源社会保障厅审定取消首席技师、特级技师等级后（001 附件4 第七条、第九条），在登记系统中注销证书（记录取消情形、审定意见和日期），申报状态记为“已取消”。证书已注销的原样返回，重复执行结果相同。',
  input,
  output: z.object({
    revokedCertificate: z.object({}).describe('已注销的证书 {certificateCode, revokedOn, reason}'),
  }),
  async handler(i, _job, { registry }) {
    const by = TYPE;
    const current = await registry.certificates.get(i.certificateCode).catch((err: unknown) => refusal(err, '读取证书失败', 'cannot read the certificate'));
    if (!current) {
      throw new NonRetryableError(`证书 certificateCode=${i.certificateCode} 在登记系统中不存在 / certificateCode: certificate ${i.certificateCode} does not exist in the registry`);
    }
    const reason = `取消等级：${REVOCATION_GROUNDS[i.revocationGround]}（001 附件4 第七条）。${i.revocationDocumentNumber ? `文号 ${i.revocationDocumentNumber}。` : ''}${i.revocationDecisionReason}`.slice(0, 2000);
    const cert =
      current.status === 'revoked'
        ? current
        : await registry.certificates
            .revoke({ code: current.code, reason, revokedOn: i.revocationDecidedOn < current.issuedOn ? current.issuedOn : i.revocationDecidedOn, by })
            .catch((err: unknown) => refusal(err, '登记系统拒绝注销证书', 'the registry refused to revoke the certificate'));
    if (cert.applicationId) {
      const app = await registry.applications.get(cert.applicationId);
      if (app && app.status !== 'revoked') {
        await registry.applications
          .setStatus({ id: app.id, status: 'revoked', why: `证书 ${cert.code} ${reason}`.slice(0, 2000), by })
          .catch((err: unknown) => refusal(err, '登记系统拒绝记录申报状态', 'the registry refused to record the application status'));
      }
    }
    return { revokedCertificate: { certificateCode: cert.code, revokedOn: cert.revokedOn, reason: cert.revokedReason } };
  },
});
