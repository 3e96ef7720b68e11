/**
 * pingpin.certificate.record-appointment — 登记聘任协议 (docs/procedures.md `certificate-issuance` step 4).
 *
 * Records the appointment agreement (聘任协议) the HR clerk entered in the user task record-appointment
 * (form certificate-record-appointment, docs/forms.md): `appointment.signedOn` → signed on,
 * `appointment.startOn` / `appointment.endOn` → the term, `appointment.post` → the post, and the
 * optional `appointment.agreementNumber`, `duties` and `benefits`, on the application and its
 * certificate. The application moves to `appointed`. Optional fields left empty on the form are
 * recorded as absent (null), not as empty text.
 *
 * Idempotent by application: recording the same appointment again returns the stored one; a
 * different one for the same application is refused (a correction is a decision, not a retry).
 *
 * An application disqualified or withdrawn after its certificate was issued (a fraud finding, the
 * applicant's own decision) is final in the registry: it is not appointed. Nothing is recorded, the
 * result says so (`appointmentRecord: null`, `appointmentSkipped`) and the round goes on for the
 * others, as the campaign workers skip such applications.
 *
 * No management period starts here: certificate-issuance serves every level, including the
 * direct-recognition levels 5…1, while the management period is for 特级技师 and 首席技师 only (001
 * 四(八)); appraisal-sichuan calls management-period itself, and pingpin.management.start refuses any
 * other level.
 */
import { z } from 'zod';
import { isValidDate } from '../../src/domain/periods.js';
import { CERTIFICATE_CODE, refusal, typeError } from '../kit/index.js';
import { defineWorker } from '../runtime.js';

/** The job type; also this worker's audit actor (the certificate workers name themselves by the bare job type, workers/kit/registry.ts). */
export const TYPE = 'pingpin.certificate.record-appointment';

const date = (zh: string, en: string) => z.string(typeError(zh, en)).refine(isValidDate, `${zh}须为 YYYY-MM-DD / ${en} must be a date YYYY-MM-DD`);
const optionalText = (zh: string, en: string, max: number) =>
  z.string(typeError(zh, en)).trim().max(max, `${zh}最多 ${max} 字 / ${en} must be at most ${max} characters`).nullish();

const input = z.object({
  applicationId: z.string(typeError('申报编号', 'applicationId')).trim().min(1, '申报编号不能为空 / applicationId must not be empty').describe('被聘人员的申报编号'),
  certificateCode: z
    .string(typeError('证书编码', 'certificateCode'))
    .trim()
    .toUpperCase()
    .regex(CERTIFICATE_CODE, '证书编码须为 22 位（DOMAIN.md §3） / certificateCode must be a 22-character certificate code')
    .describe('证书编码'),
  appointment: z
    .object(
      {
        signedOn: date('协议签订日期', 'appointment.signedOn'),
        agreementNumber: optionalText('协议编号', 'appointment.agreementNumber', 50),
        startOn: date('聘期开始日期', 'appointment.startOn'),
        endOn: date('聘期结束日期', 'appointment.endOn'),
        post: z
          .string(typeError('聘任岗位', 'appointment.post'))
          .trim()
          .min(2, '聘任岗位至少 2 字 / appointment.post must have at least 2 characters')
          .max(50, '聘任岗位最多 50 字 / appointment.post must be at most 50 characters'),
        duties: optionalText('岗位职责与任务', 'appointment.duties', 2000),
        benefits: optionalText('待遇约定', 'appointment.benefits', 1000),
      },
      typeError('聘任协议', 'appointment'),
    )
    .superRefine((a, ctx) => {
      if (a.endOn <= a.startOn) ctx.addIssue({ code: 'custom', path: ['endOn'], message: '聘期结束日期须晚于开始日期 / appointment.endOn must be after appointment.startOn' });
    })
    .describe('聘任协议（表单 certificate-record-appointment）{signedOn, agreementNumber, startOn, endOn, post, duties, benefits}'),
});

const SKIPPED: Record<string, string> = { disqualified: '已被取消资格', withdrawn: '已撤回' };

const output = z.object({
  appointmentSkipped: z
    .object({ status: z.string(), reason: z.string() })
    .nullable()
    .describe('申报已被取消资格或已撤回而未登记聘任时的说明 {status, reason}；正常登记时为 null'),
  appointmentRecord: z
    .object({
      applicationId: z.string(),
      certificateCode: z.string(),
      signedOn: z.string(),
      term: z.object({ start: z.string(), end: z.string() }),
      post: z.string(),
      agreementNumber: z.string().nullable(),
      duties: z.string().nullable(),
      benefits: z.string().nullable(),
      recordedAt: z.string(),
    })
    .nullable()
    .describe('已登记的聘任协议 {applicationId, certificateCode, signedOn, term {start, end}, post, agreementNumber, duties, benefits, recordedAt}；申报已被取消资格或已撤回时为 null'),
});

export default defineWorker({
  type: TYPE,
  name: '登记聘任协议',
  description:
    '将签订的聘任协议（签订日期、聘期、岗位，以及选填的协议编号、岗位职责与任务、待遇约定）登记到申报和证书上，申报状态改为已聘任。按申报幂等：重复投递返回已登记的协议，内容不同则拒绝。申报已被取消资格或已撤回的不予聘任，不登记并在 appointmentSkipped 中说明。',
  input,
  output,
  async handler({ applicationId, certificateCode, appointment }, job, { registry }) {
    const by = TYPE;
    const current = await registry.applications.get(applicationId);
    const skipped = current ? SKIPPED[current.status] : undefined;
    if (current && skipped) {
      // The registry would refuse `appointed` (final statuses): an incident would hold up the whole round.
      job.log.info({ applicationId, certificateCode, status: current.status }, `application ${applicationId} is ${current.status}: not appointed, nothing recorded`);
      return {
        appointmentRecord: null,
        appointmentSkipped: { status: current.status, reason: `申报 ${applicationId} ${skipped}，不予聘任，未登记聘任协议 / application ${applicationId} is ${current.status}: not appointed, no appointment recorded` },
      };
    }
    // An optional field the clerk left empty arrives as '' (or null): nothing was agreed there.
    const given = (s: string | null | undefined) => (s ? s : null);
    const stored = await registry.appointments
      .record({
        applicationId,
        certificateCode,
        signedOn: appointment.signedOn,
        term: { start: appointment.startOn, end: appointment.endOn },
        post: appointment.post,
        agreementNumber: given(appointment.agreementNumber),
        duties: given(appointment.duties),
        benefits: given(appointment.benefits),
        by,
      })
      .catch((err: unknown) => refusal(err, `登记簿拒绝登记申报 ${applicationId} 的聘任协议`, `the registry refused the appointment of application ${applicationId}`));
    const application = await registry.applications.get(applicationId);
    if (application && application.status !== 'appointed' && application.status !== 'revoked') {
      await registry.applications
        .setStatus({ id: applicationId, status: 'appointed', why: `聘任协议 ${appointment.signedOn} 签订，聘期 ${appointment.startOn} 至 ${appointment.endOn}`, by })
        .catch((err: unknown) => refusal(err, `登记簿拒绝将申报 ${applicationId} 记为已聘任`, `the registry refused to mark application ${applicationId} appointed`));
    }
    job.log.info({ applicationId, certificateCode }, `appointment of ${applicationId} recorded`);
    return {
      appointmentSkipped: null,
      appointmentRecord: {
        applicationId,
        certificateCode: stored.certificateCode ?? certificateCode,
        signedOn: stored.signedOn,
        term: stored.term,
        post: stored.post,
        agreementNumber: stored.agreementNumber,
        duties: stored.duties,
        benefits: stored.benefits,
        recordedAt: stored.createdAt,
      },
    };
  },
});
