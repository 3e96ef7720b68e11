/**
 * The management period of the management-period workers (not a worker): the variables of
 * `management-period` (docs/procedures.md), the dates of the three-year period (001 附件4 第一条),
 * and how the period's records reach the registry.
 *
 * The registry keeps the period (`registry.managementPeriods`, the `management_periods` table with
 * its assessments and events), not the process variables alone: the start, each assessment filed
 * with the provincial HRSS, each reported event and the benefits stop are rows there, each write on
 * the audit trail. Every write is idempotent in the registry (by certificate; by assessment slot; by
 * event kind and date), so a redelivered job finds the existing row and writes nothing twice.
 */
import { z } from 'zod';
import { chinaInstant } from '../../src/domain/china-time.js';
import { LEVEL_NAMES } from '../../src/domain/levels.js';
import { isValidDate } from '../../src/domain/periods.js';
import { managementPeriodDates, type Application, type ManagementPeriod, type Registry } from '../../src/registry/index.js';
import { bi, CERTIFICATE_CODE, idString, refuse } from '../kit/index.js';

const LEVEL_CHAR_NAMES = LEVEL_NAMES as Record<string, string>;

/**
 * A 22-character certificate code whose level (position 16) is T or S. A well-formed code of another
 * level (a direct recognition, 5…1) gets its own refusal naming the level and the rule, because the
 * management period is for 首席技师 and 特级技师 only (001 四(八); 附件4 第一条) — not "a bad code".
 */
export const certificateCodeSchema = z
  .string({ error: bi('证书编码 certificateCode 应为字符串', 'certificateCode must be a string') })
  .trim()
  .regex(CERTIFICATE_CODE, { error: bi('证书编码 certificateCode 应为 22 位职业技能等级证书编码（DOMAIN.md §3）', 'certificateCode must be a 22-character certificate code') })
  .superRefine((code, ctx) => {
    const level = code[15]!;
    if (level === 'T' || level === 'S') return;
    ctx.addIssue({
      code: 'custom',
      message: bi(
        `证书 ${code} 为${LEVEL_CHAR_NAMES[level]}（${level}）证书：三年管理期只适用于首席技师、特级技师（001 四(八)、附件4 第一条），不开始管理期`,
        `certificate ${code} is of level ${level} (${LEVEL_CHAR_NAMES[level]}): the management period applies to 特级技师 (T) and 首席技师 (S) only (001 四(八), 附件4 第一条); none starts`,
      ),
    });
  })
  .describe('管理期人员的证书编码（22 位，第 16 位为 T 或 S）；也是“管理期事件”消息的关联键');

export const holderSchema = z
  .object(
    {
      applicationId: idString('申报编号 holder.applicationId', 'holder.applicationId'),
      name: z.string({ error: bi('姓名 holder.name 应为字符串', 'holder.name must be a string') }).optional(),
    },
    { error: bi('缺少管理期人员变量 holder {applicationId, name}', 'holder {applicationId, name} is missing or not an object') },
  )
  .describe('管理期人员 {applicationId, name}');

export const recordEnterpriseSchema = z
  .object(
    {
      creditCode: idString('所在单位统一社会信用代码 enterprise.creditCode', 'enterprise.creditCode'),
      name: z.string({ error: bi('所在单位名称 enterprise.name 应为字符串', 'enterprise.name must be a string') }).optional(),
      divisionCode: z
        .string({ error: bi('所在单位行政区划代码 enterprise.divisionCode 应为字符串', 'enterprise.divisionCode must be a string') })
        .regex(/^\d{6}$/, { error: bi('所在单位行政区划代码 enterprise.divisionCode 应为 6 位数字', 'enterprise.divisionCode must be 6 digits') }),
    },
    { error: bi('缺少所在单位变量 enterprise {creditCode, name, divisionCode}', 'enterprise {creditCode, name, divisionCode} is missing or not an object') },
  )
  .describe('所在单位 {creditCode, name, divisionCode, …}：候选组由它计算');

export interface PeriodDates {
  startOn: string;
  endOn: string;
  assessments: { year: number; dueOn: string; dueAt: string }[];
  finalAssessmentDueOn: string;
  finalAssessmentDueAt: string;
}

/**
 * 001 附件4 第一条: three years from the 1st of the month after the approval. The yearly assessment
 * of year n falls due on the n-th anniversary of the start (第五条); the final assessment (四(八)) when
 * the period ends, i.e. on the third anniversary (the last day of the period is the day before).
 */
export function periodDates(approvedOn: string): PeriodDates {
  if (!isValidDate(approvedOn)) throw new Error(`not a date: ${approvedOn}`);
  // The registry computes the dates it stores the same way: one rule, in one place.
  const d = managementPeriodDates(approvedOn);
  return {
    startOn: d.startOn,
    endOn: d.endOn,
    assessments: d.assessmentsDue.map(({ year, dueOn }) => ({ year, dueOn, dueAt: chinaInstant(dueOn) })),
    finalAssessmentDueOn: d.finalAssessmentDueOn,
    finalAssessmentDueAt: chinaInstant(d.finalAssessmentDueOn),
  };
}

/** The holder's application, which must exist and hold this certificate. */
export async function holderApplication(registry: Registry, applicationId: string, certificateCode: string): Promise<Application> {
  const app = await registry.applications.get(applicationId);
  if (!app) throw refuse(`管理期人员的申报 holder.applicationId=${applicationId} 在登记系统中不存在`, `holder.applicationId: application ${applicationId} does not exist in the registry`);
  const cert = await registry.certificates.get(certificateCode);
  if (!cert) throw refuse(`证书 certificateCode=${certificateCode} 在登记系统中不存在`, `certificateCode: certificate ${certificateCode} does not exist in the registry`);
  if (cert.applicationId !== null && cert.applicationId !== applicationId) {
    throw refuse(
      `证书 ${certificateCode}（certificateCode）是申报 ${cert.applicationId} 的证书，不是 holder.applicationId=${applicationId} 的`,
      `certificateCode: certificate ${certificateCode} belongs to application ${cert.applicationId}, not holder.applicationId ${applicationId}`,
    );
  }
  return app;
}

/** The certificate's management period, which pingpin.management.start recorded. */
export async function periodOf(registry: Registry, certificateCode: string): Promise<ManagementPeriod> {
  const period = await registry.managementPeriods.get(certificateCode);
  if (!period) {
    throw refuse(
      `证书 ${certificateCode}（certificateCode）在登记系统中没有管理期记录：须先由 pingpin.management.start 确定管理期`,
      `certificateCode: the registry has no management period of certificate ${certificateCode}; pingpin.management.start records it first`,
    );
  }
  return period;
}
