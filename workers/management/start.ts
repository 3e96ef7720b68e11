/**
 * pingpin.management.start — 确定三年管理期. The first step of `management-period` (001 四(八),
 * 附件4 第一条): the period runs three years from the 1st of the month after the approval; the unit
 * assesses the holder once a year (第五条) and at the end of the period (四(八) 终期考核). Returns the
 * dates the model's timers wait for and records the period in the registry
 * (`managementPeriods.start`, which computes the same dates). Idempotent by certificate: a
 * redelivered job finds the period it started and returns its dates.
 *
 * Only 特级技师 and 首席技师 have a management period (001 四(八): 建立首席技师、特级技师三年管理期制度).
 * A certificate of another level — a direct recognition's 5…1 (001 附件2) — is refused with no
 * retries, naming its level and the rule (`certificateCodeSchema`; and here, from the registry's
 * certificate, in case a caller bypasses the schema).
 */
import { z } from 'zod';
import { actor, bi, dateString, refuse, registryCall } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { certificateCodeSchema, holderApplication, holderSchema, periodDates, recordEnterpriseSchema } from './period.js';

const TYPE = 'pingpin.management.start';

export default defineWorker({
  type: TYPE,
  name: '确定三年管理期',
  description:
    '按“自被批准的次月1日起计算、管理期限为三年”（001 附件4 第一条）确定管理期起止日期、三次年度考核和终期考核的日期（考核定时器等待这些日期），并在登记系统中记录管理期开始。证书须在登记系统中且未被取消；只适用于特级技师（T）、首席技师（S）证书（001 四(八)），直接认定的 5–1 级证书不予受理。',
  input: z.object({
    certificateCode: certificateCodeSchema,
    holder: holderSchema,
    enterprise: recordEnterpriseSchema,
    approvedOn: dateString('核准日期 approvedOn', 'approvedOn').describe('省级人社部门核准（批准）日期 YYYY-MM-DD'),
    recommendedBy: z
      .enum(['city', 'province'], { error: bi('推荐渠道 recommendedBy 应为 city（市州推荐）或 province（省级部门推荐）', 'recommendedBy must be city or province') })
      .describe('单位的推荐渠道：city 按隶属关系经市（州）人社局；province 省属企业等省级部门推荐的单位（取消等级时跳过市级审核，第九条）'),
  }),
  output: z.object({
    managementPeriod: z
      .object({})
      .describe('管理期 {startOn, endOn, assessments: [{year, dueOn, dueAt}], finalAssessmentDueOn, finalAssessmentDueAt}：dueAt 为考核定时器的时刻（北京时间当日 0 时）'),
  }),
  async handler(i, job, { registry }) {
    await holderApplication(registry, i.holder.applicationId, i.certificateCode);
    const cert = (await registry.certificates.get(i.certificateCode))!;
    if (cert.level !== 'T' && cert.level !== 'S') {
      throw refuse(
        `证书 ${cert.code} 为 ${cert.level} 级证书：三年管理期只适用于首席技师、特级技师（001 四(八)、附件4 第一条），不开始管理期`,
        `certificate ${cert.code} is of level ${cert.level}: the management period applies to 特级技师 (T) and 首席技师 (S) only (001 四(八), 附件4 第一条)`,
      );
    }
    const existing = await registry.managementPeriods.get(i.certificateCode);
    // A redelivery after the revocation still finds its period; a new period never starts on a revoked certificate.
    if (!existing && cert.status === 'revoked') {
      throw refuse(`证书 ${i.certificateCode}（certificateCode）已于 ${cert.revokedOn} 取消，不能开始管理期`, `certificateCode: certificate ${i.certificateCode} was revoked on ${cert.revokedOn}; no management period starts`);
    }
    const stored = await registryCall({ zh: `记录证书 ${i.certificateCode} 的管理期`, en: `record the management period of certificate ${i.certificateCode}` }, () =>
      registry.managementPeriods.start({
        certificateCode: i.certificateCode,
        applicationId: i.holder.applicationId,
        creditCode: i.enterprise.creditCode,
        approvedOn: i.approvedOn,
        recommendedBy: i.recommendedBy,
        // Lets an operator go from the registry to the process; a handler run outside the engine has none.
        ...(/^[1-9]\d{0,18}$/.test(String(job.processInstanceKey)) ? { processInstanceKey: String(job.processInstanceKey) } : {}),
        by: actor(TYPE),
      }),
    );
    return { managementPeriod: periodDates(stored.approvedOn) };
  },
});
