/**
 * Reports of a direct-recognition round's evaluation data to the skills center of the place where
 * the unit's plan was filed (备案地职业技能鉴定中心, 001 附件2 四: 直接认定结果经单位公示后，按规定颁发证书、
 * 任职聘用，并将直接认定的评价数据同步报送备案地职业技能鉴定中心). One report per round: recording it
 * again (a worker redelivered) changes nothing and answers `alreadyReported: true`, with the first
 * report. A report that contradicts the one recorded (other certificates) is refused: the skills
 * center must never have received something the registry does not hold.
 *
 * Every record must describe a certificate the registry issued for an application of the round, at
 * the application's level; holder names and masked ID numbers are taken from the certificate, never
 * from the caller (the clear ID number is not stored here).
 */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Core } from '../core.js';
import type { SkillsCenterReportTable } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import * as v from '../validation.js';

export interface SkillsCenterReportRecord {
  applicationId: string;
  certificateCode: string;
  holderName: string;
  /** Masked: `5101**********123X`. */
  idNumber: string;
  level: string;
  occupation: { code: string; name: string };
  combinedScore: number | null;
  conditionsMet: string[];
}

export interface SkillsCenterReport {
  campaignId: string;
  creditCode: string;
  recipient: { divisionCode: string; name: string };
  filing: { filingNumber: string | null; filedOn: string | null };
  reportedOn: string;
  records: SkillsCenterReportRecord[];
  createdAt: string;
}

const RecordSchema = z
  .object({
    campaignId: v.entityId,
    recipient: z.object({ divisionCode: v.divisionCode, name: v.text(200) }).strict(),
    filing: z.object({ filingNumber: v.text(100).nullable().default(null), filedOn: v.date.nullable().default(null) }).strict().default({ filingNumber: null, filedOn: null }),
    reportedOn: v.date,
    records: z
      .array(
        z
          .object({
            applicationId: v.entityId,
            certificateCode: z.preprocess((s) => (typeof s === 'string' ? s.trim().toUpperCase() : s), z.string().regex(/^[YS]\d{14}[X1-5TS]\d{6}$/, 'must be a 22-character certificate code')),
            combinedScore: z.number().min(0, 'must be from 0 to 100').max(100, 'must be from 0 to 100').nullable().default(null),
            conditionsMet: z.array(v.text(50)).max(50, 'must have at most 50 conditions').default([]),
          })
          .strict(),
      )
      .min(1, 'must list at least one recognized person (a round without certificates has nothing to report)')
      .max(10_000, 'must have at most 10000 records')
      .refine((r) => new Set(r.map((x) => x.applicationId)).size === r.length, 'must not list an application twice'),
    by: v.actor,
  })
  .strict();
export type RecordSkillsCenterReportInput = z.input<typeof RecordSchema>;

function toReport(r: Selectable<SkillsCenterReportTable>): SkillsCenterReport {
  return {
    campaignId: r.campaign_id,
    creditCode: r.credit_code,
    recipient: { divisionCode: r.recipient_division_code, name: r.recipient_name },
    filing: { filingNumber: r.filing_number, filedOn: r.filed_on },
    reportedOn: r.reported_on,
    records: JSON.parse(r.records) as SkillsCenterReportRecord[],
    createdAt: r.created_at,
  };
}

const codesOf = (records: readonly { certificateCode: string }[]) => records.map((r) => r.certificateCode).sort().join(',');

export class SkillsCenterReports {
  constructor(private readonly core: Core) {}

  /** Records the report of a recognition round; repeating it returns the first record with `alreadyReported`. */
  async record(input: RecordSkillsCenterReportInput): Promise<SkillsCenterReport & { alreadyReported: boolean }> {
    const i = v.parse('skillsCenterReports.record', RecordSchema, input);
    return this.core.write(i.by, async (w) => {
      const campaign = await w.db.selectFrom('campaigns').selectAll().where('id', '=', i.campaignId).executeTakeFirst();
      if (!campaign) throw new NotFoundError('campaign', i.campaignId);
      if (campaign.kind !== 'recognition') {
        throw new ValidationError('skillsCenterReports.record', [
          { field: 'campaignId', rule: `must be a direct-recognition round (kind 'recognition', 001 附件2 四); ${i.campaignId} is an ${campaign.kind} campaign` },
        ]);
      }

      const existing = await w.db.selectFrom('skills_center_reports').selectAll().where('campaign_id', '=', i.campaignId).executeTakeFirst();
      if (existing) {
        const first = toReport(existing);
        if (codesOf(first.records) !== codesOf(i.records)) {
          throw new ConflictError(`recognition round ${i.campaignId} was already reported on ${first.reportedOn} with other certificates (${codesOf(first.records)}); a round is reported once`);
        }
        await w.audit('skills-center-report.repeated', 'campaign', i.campaignId);
        return { ...first, alreadyReported: true };
      }

      const records: SkillsCenterReportRecord[] = [];
      for (const [index, r] of i.records.entries()) {
        const at = (field: string) => `records.${index}.${field}`;
        const app = await w.db.selectFrom('applications').select(['id', 'campaign_id', 'level']).where('id', '=', r.applicationId).executeTakeFirst();
        if (!app) throw new NotFoundError('application', r.applicationId);
        if (app.campaign_id !== i.campaignId) {
          throw new ValidationError('skillsCenterReports.record', [{ field: at('applicationId'), rule: `must be an application of round ${i.campaignId}; ${r.applicationId} belongs to ${app.campaign_id}` }]);
        }
        const cert = await w.db.selectFrom('certificates').selectAll().where('code', '=', r.certificateCode).executeTakeFirst();
        if (!cert) throw new NotFoundError('certificate', r.certificateCode);
        if (cert.application_id !== r.applicationId) {
          throw new ValidationError('skillsCenterReports.record', [{ field: at('certificateCode'), rule: `must be the certificate issued for application ${r.applicationId}; ${r.certificateCode} is not` }]);
        }
        if (cert.status !== 'valid') throw new ConflictError(`certificate ${r.certificateCode} is ${cert.status}: a revoked certificate is not reported as recognized`);
        records.push({
          applicationId: r.applicationId,
          certificateCode: cert.code,
          holderName: cert.holder_name,
          idNumber: cert.holder_id_masked,
          level: cert.level,
          occupation: { code: cert.occupation_code, name: cert.occupation_name },
          combinedScore: r.combinedScore,
          conditionsMet: r.conditionsMet,
        });
      }

      const row = {
        campaign_id: i.campaignId,
        credit_code: campaign.credit_code,
        recipient_division_code: i.recipient.divisionCode,
        recipient_name: i.recipient.name,
        filing_number: i.filing.filingNumber,
        filed_on: i.filing.filedOn,
        reported_on: i.reportedOn,
        records: JSON.stringify(records),
        record_count: records.length,
        created_at: w.at,
      };
      await w.db.insertInto('skills_center_reports').values(row).execute();
      await w.audit('skills-center-report.recorded', 'campaign', i.campaignId, {
        recipient: i.recipient,
        reportedOn: i.reportedOn,
        certificates: records.map((r) => r.certificateCode),
      });
      return { ...toReport(row), alreadyReported: false };
    });
  }

  async get(campaignId: string): Promise<SkillsCenterReport | undefined> {
    const row = await this.core.db.selectFrom('skills_center_reports').selectAll().where('campaign_id', '=', campaignId).executeTakeFirst();
    return row && toReport(row);
  }
}
