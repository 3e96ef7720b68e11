/**
 * Management periods (管理期, 001 四(八), 附件4): the Sichuan three-year period of a 首席技师 / 特级技师
 * certificate, one per certificate, with its assessments and events. The registry is the filing
 * with the provincial HRSS the rules ask for (第五条, 第十二条); the process `management-period`
 * waits for the dates, its workers write here.
 *
 * - `start`: the period runs three years from the 1st of the month after the approval (第一条); the
 *   registry computes the dates itself from `approvedOn`, so no caller can record an incoherent period.
 *   The yearly assessment of year n falls due on the n-th anniversary of the start (第五条), the final
 *   assessment (四(八)) on the third, the day after the period's last day.
 * - `recordAssessment`: one per slot (year 1–3, final), while the period runs; 优秀 marks the holder
 *   a priority candidate for talent programmes (第五条). The final assessment completes the period.
 * - `recordEvent`: retirement, death, leaving Sichuan, misconduct (第十二条, reported by the unit) and
 *   revocation (第七条、第九条), one per kind and date.
 * - `stopBenefits` (第八条): the benefits stop on retirement, death, leaving Sichuan or revocation;
 *   the period ends then.
 *
 * Every write is repeatable (a job worker redelivered after a crash): the same record again returns
 * the stored one with an `…-repeated` audit entry; a different record in the same place is a
 * ConflictError naming what differs (a correction is a decision for a person, not a retry).
 */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { MANAGEMENT_PERIOD_YEARS, managementPeriodDates } from '../../domain/management-period.js';
import type { Core } from '../core.js';
import type { ManagementAssessmentTable, ManagementEventTable, ManagementPeriodTable } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import * as v from '../validation.js';

// The dates are a domain rule (src/domain/management-period.ts); re-exported for the registry's callers.
export { MANAGEMENT_PERIOD_YEARS, managementPeriodDates };
export const MANAGEMENT_PERIOD_STATUSES = ['running', 'completed', 'ended'] as const;
export type ManagementPeriodStatus = (typeof MANAGEMENT_PERIOD_STATUSES)[number];
export const ASSESSMENT_RESULTS = ['excellent', 'qualified', 'unqualified'] as const;
export type AssessmentResult = (typeof ASSESSMENT_RESULTS)[number];
/** What the unit or the HRSS reports (第十二条) and the revocation (第七条). */
export const MANAGEMENT_EVENT_KINDS = ['retired', 'died', 'left-sichuan', 'misconduct', 'revoked'] as const;
export type ManagementEventKind = (typeof MANAGEMENT_EVENT_KINDS)[number] | 'benefits-stopped';
/** 第八条 (一)–(四). */
export const BENEFITS_STOP_GROUNDS = ['retired', 'died', 'left-sichuan', 'revoked'] as const;
export type BenefitsStopGround = (typeof BENEFITS_STOP_GROUNDS)[number];

export interface ManagementAssessment {
  kind: 'annual' | 'final';
  /** 1–3 for a yearly assessment, null for the final one. */
  year: number | null;
  result: AssessmentResult;
  dutiesPerformance: string;
  comment: string;
  assessedOn: string;
  /** 优秀: a priority candidate for national and provincial talent programmes (第五条). */
  talentProgrammePriority: boolean;
  recordedAt: string;
}

export interface ManagementEvent {
  kind: ManagementEventKind;
  on: string;
  /** For `benefits-stopped`: why (第八条). */
  ground: BenefitsStopGround | null;
  text: string | null;
  recordedAt: string;
}

export interface ManagementPeriod {
  certificateCode: string;
  applicationId: string;
  /** The holder's unit. */
  creditCode: string;
  /** city: recommended through the city HRSS; province: by a provincial department (第九条). */
  recommendedBy: 'city' | 'province';
  approvedOn: string;
  startOn: string;
  /** The last day of the period. */
  endOn: string;
  assessmentsDue: { year: number; dueOn: string }[];
  finalAssessmentDueOn: string;
  status: ManagementPeriodStatus;
  /** When and why the benefits stopped and the period ended early (第八条). */
  ended: { on: string; ground: BenefitsStopGround } | null;
  processInstanceKey: string | null;
  assessments: ManagementAssessment[];
  events: ManagementEvent[];
  createdAt: string;
  updatedAt: string;
}


const certificateCode = z.preprocess(
  (s) => (typeof s === 'string' ? s.trim().toUpperCase() : s),
  z.string().regex(/^[YS]\d{14}[TS]\d{6}$/, 'must be a 22-character certificate code of level T (特级技师) or S (首席技师)'),
);

const StartSchema = z
  .object({
    certificateCode,
    applicationId: v.entityId,
    creditCode: v.creditCode,
    approvedOn: v.date,
    recommendedBy: z.enum(['city', 'province'], { error: 'must be city or province' }),
    processInstanceKey: v.processInstanceKey.optional(),
    by: v.actor,
  })
  .strict();
export type StartManagementPeriodInput = z.input<typeof StartSchema>;

const AssessmentSchema = z
  .object({
    certificateCode,
    kind: z.enum(['annual', 'final'], { error: 'must be annual or final' }),
    year: z.number().int('must be a whole number').min(1, 'must be 1, 2 or 3').max(3, 'must be 1, 2 or 3').nullish(),
    result: z.enum(ASSESSMENT_RESULTS, { error: `must be one of ${ASSESSMENT_RESULTS.join(', ')}` }),
    dutiesPerformance: v.text(3000),
    comment: v.text(2000),
    assessedOn: v.date,
    by: v.actor,
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.kind === 'annual' && (a.year === null || a.year === undefined)) ctx.addIssue({ code: 'custom', path: ['year'], message: 'is required for a yearly assessment (1, 2 or 3)' });
    if (a.kind === 'final' && a.year !== null && a.year !== undefined) ctx.addIssue({ code: 'custom', path: ['year'], message: 'must be left out for the final assessment' });
  });
export type RecordAssessmentInput = z.input<typeof AssessmentSchema>;

const EventSchema = z
  .object({
    certificateCode,
    kind: z.enum(MANAGEMENT_EVENT_KINDS, { error: `must be one of ${MANAGEMENT_EVENT_KINDS.join(', ')}` }),
    on: v.date,
    text: v.text(3000),
    by: v.actor,
  })
  .strict();
export type RecordManagementEventInput = z.input<typeof EventSchema>;

const StopBenefitsSchema = z
  .object({
    certificateCode,
    ground: z.enum(BENEFITS_STOP_GROUNDS, { error: `must be one of ${BENEFITS_STOP_GROUNDS.join(', ')} (001 附件4 第八条)` }),
    on: v.date,
    text: v.text(3000).nullish(),
    by: v.actor,
  })
  .strict();
export type StopBenefitsInput = z.input<typeof StopBenefitsSchema>;

const ListSchema = z
  .object({ creditCode: v.creditCode.optional(), status: z.enum(MANAGEMENT_PERIOD_STATUSES, { error: `must be one of ${MANAGEMENT_PERIOD_STATUSES.join(', ')}` }).optional() })
  .strict();

function toAssessment(r: Selectable<ManagementAssessmentTable>): ManagementAssessment {
  return {
    kind: r.kind as 'annual' | 'final',
    year: r.year === null ? null : Number(r.year),
    result: r.result as AssessmentResult,
    dutiesPerformance: r.duties_performance,
    comment: r.comment,
    assessedOn: r.assessed_on,
    talentProgrammePriority: r.result === 'excellent',
    recordedAt: r.recorded_at,
  };
}

function toEvent(r: Selectable<ManagementEventTable>): ManagementEvent {
  return { kind: r.kind as ManagementEventKind, on: r.occurred_on, ground: r.ground as BenefitsStopGround | null, text: r.text, recordedAt: r.recorded_at };
}

const SLOT_ORDER = ['year-1', 'year-2', 'year-3', 'final'];

function toPeriod(r: Selectable<ManagementPeriodTable>, assessments: Selectable<ManagementAssessmentTable>[], events: Selectable<ManagementEventTable>[]): ManagementPeriod {
  const dates = managementPeriodDates(r.approved_on);
  return {
    certificateCode: r.certificate_code,
    applicationId: r.application_id,
    creditCode: r.credit_code,
    recommendedBy: r.recommended_by as 'city' | 'province',
    approvedOn: r.approved_on,
    startOn: r.start_on,
    endOn: r.end_on,
    assessmentsDue: dates.assessmentsDue,
    finalAssessmentDueOn: dates.finalAssessmentDueOn,
    status: r.status as ManagementPeriodStatus,
    ended: r.ended_on !== null && r.end_ground !== null ? { on: r.ended_on, ground: r.end_ground as BenefitsStopGround } : null,
    processInstanceKey: r.process_instance_key,
    assessments: [...assessments].sort((a, b) => SLOT_ORDER.indexOf(a.slot) - SLOT_ORDER.indexOf(b.slot)).map(toAssessment),
    // Recorded order: the order things were reported in (dates may be reported late).
    events: [...events].sort((a, b) => Number(a.seq) - Number(b.seq)).map(toEvent),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

type Db = Core['db'];

export class ManagementPeriods {
  constructor(private readonly core: Core) {}

  /** Starts the period of a certificate; starting it again (same approval, unit, channel) returns it. */
  async start(input: StartManagementPeriodInput): Promise<ManagementPeriod> {
    const i = v.parse('managementPeriods.start', StartSchema, input);
    return this.core.write(i.by, async (w) => {
      const cert = await w.db.selectFrom('certificates').select(['code', 'application_id', 'status', 'revoked_on']).where('code', '=', i.certificateCode).executeTakeFirst();
      if (!cert) throw new NotFoundError('certificate', i.certificateCode);
      if (cert.application_id !== null && cert.application_id !== i.applicationId) {
        throw new ConflictError(`certificate ${i.certificateCode} was issued for application ${cert.application_id}, not ${i.applicationId}`);
      }
      const existing = await w.db.selectFrom('management_periods').selectAll().where('certificate_code', '=', i.certificateCode).executeTakeFirst();
      if (existing) {
        const differs = [
          existing.application_id !== i.applicationId && 'applicationId',
          existing.credit_code !== i.creditCode && 'creditCode',
          existing.approved_on !== i.approvedOn && 'approvedOn',
          existing.recommended_by !== i.recommendedBy && 'recommendedBy',
        ].filter((x): x is string => x !== false);
        if (differs.length > 0) {
          throw new ConflictError(`certificate ${i.certificateCode} already has a management period started at ${existing.created_at}, which differs in ${differs.join(', ')}`);
        }
        await w.audit('management-period.start-repeated', 'management-period', i.certificateCode);
        return (await this.load(w.db, i.certificateCode))!;
      }
      if (cert.status === 'revoked') throw new ConflictError(`certificate ${i.certificateCode} was revoked on ${cert.revoked_on}: no management period starts`);
      if (!(await w.db.selectFrom('applications').select('id').where('id', '=', i.applicationId).executeTakeFirst())) throw new NotFoundError('application', i.applicationId);
      if (!(await w.db.selectFrom('enterprises').select('credit_code').where('credit_code', '=', i.creditCode).executeTakeFirst())) throw new NotFoundError('enterprise', i.creditCode);
      const dates = managementPeriodDates(i.approvedOn);
      await w.db
        .insertInto('management_periods')
        .values({
          certificate_code: i.certificateCode,
          application_id: i.applicationId,
          credit_code: i.creditCode,
          recommended_by: i.recommendedBy,
          approved_on: i.approvedOn,
          start_on: dates.startOn,
          end_on: dates.endOn,
          status: 'running',
          ended_on: null,
          end_ground: null,
          process_instance_key: i.processInstanceKey ?? null,
          created_at: w.at,
          updated_at: w.at,
        })
        .execute();
      await w.audit('management-period.started', 'management-period', i.certificateCode, {
        applicationId: i.applicationId,
        creditCode: i.creditCode,
        recommendedBy: i.recommendedBy,
        approvedOn: i.approvedOn,
        startOn: dates.startOn,
        endOn: dates.endOn,
        processInstanceKey: i.processInstanceKey ?? null,
      });
      return (await this.load(w.db, i.certificateCode))!;
    });
  }

  /** Files a yearly or the final assessment (第五条, 四(八)). */
  async recordAssessment(input: RecordAssessmentInput): Promise<ManagementPeriod> {
    const i = v.parse('managementPeriods.recordAssessment', AssessmentSchema, input);
    return this.core.write(i.by, async (w) => {
      const period = await this.period(w.db, i.certificateCode);
      const year = i.kind === 'annual' ? i.year! : null;
      const slot = year === null ? 'final' : `year-${year}`;
      const label = year === null ? 'the final assessment' : `the assessment of year ${year}`;
      const row = {
        certificate_code: i.certificateCode,
        slot,
        kind: i.kind,
        year,
        result: i.result,
        duties_performance: i.dutiesPerformance,
        comment: i.comment,
        assessed_on: i.assessedOn,
        recorded_at: w.at,
      };
      const existing = await w.db.selectFrom('management_assessments').selectAll().where('certificate_code', '=', i.certificateCode).where('slot', '=', slot).executeTakeFirst();
      if (existing) {
        const differs = (['result', 'duties_performance', 'comment', 'assessed_on'] as const).filter((k) => existing[k] !== row[k]);
        if (differs.length > 0) {
          throw new ConflictError(`management period of certificate ${i.certificateCode}: ${label} was recorded at ${existing.recorded_at} and differs in ${differs.join(', ')}`);
        }
        await w.audit('management-period.assessment-repeated', 'management-period', i.certificateCode, { slot });
        return (await this.load(w.db, i.certificateCode))!;
      }
      if (period.status !== 'running') {
        throw new ConflictError(`management period of certificate ${i.certificateCode} is ${period.status}${period.ended_on ? ` (${period.end_ground} on ${period.ended_on})` : ''}: ${label} can no longer be recorded`);
      }
      if (i.assessedOn < period.start_on) {
        throw new ValidationError('managementPeriods.recordAssessment', [{ field: 'assessedOn', rule: `must not be before the management period starts (${period.start_on})` }]);
      }
      await w.db.insertInto('management_assessments').values(row).execute();
      if (i.kind === 'final') {
        await w.db.updateTable('management_periods').set({ status: 'completed', updated_at: w.at }).where('certificate_code', '=', i.certificateCode).execute();
      }
      await w.audit('management-period.assessment', 'management-period', i.certificateCode, { slot, result: i.result, assessedOn: i.assessedOn, talentProgrammePriority: i.result === 'excellent' });
      return (await this.load(w.db, i.certificateCode))!;
    });
  }

  /** Records what the unit or the HRSS reported (第十二条) or the revocation (第七条、第九条). */
  async recordEvent(input: RecordManagementEventInput): Promise<ManagementPeriod> {
    const i = v.parse('managementPeriods.recordEvent', EventSchema, input);
    return this.core.write(i.by, async (w) => {
      const period = await this.period(w.db, i.certificateCode);
      const row = { certificate_code: i.certificateCode, seq: 0, kind: i.kind, occurred_on: i.on, ground: null, text: i.text, recorded_at: w.at };
      const repeated = await this.repeatedEvent(w.db, row, `management period of certificate ${i.certificateCode}: the ${i.kind} event of ${i.on}`);
      if (repeated) {
        await w.audit('management-period.event-repeated', 'management-period', i.certificateCode, { kind: i.kind, on: i.on });
        return (await this.load(w.db, i.certificateCode))!;
      }
      this.checkOpen(period, 'managementPeriods.recordEvent', i.on, `a ${i.kind} event`);
      await w.db.insertInto('management_events').values({ ...row, seq: await this.nextSeq(w.db, i.certificateCode) }).execute();
      await w.db.updateTable('management_periods').set({ updated_at: w.at }).where('certificate_code', '=', i.certificateCode).execute();
      await w.audit('management-period.event', 'management-period', i.certificateCode, { kind: i.kind, on: i.on });
      return (await this.load(w.db, i.certificateCode))!;
    });
  }

  /** Stops the benefits (第八条) and ends the period. */
  async stopBenefits(input: StopBenefitsInput): Promise<ManagementPeriod> {
    const i = v.parse('managementPeriods.stopBenefits', StopBenefitsSchema, input);
    return this.core.write(i.by, async (w) => {
      const period = await this.period(w.db, i.certificateCode);
      const row = { certificate_code: i.certificateCode, seq: 0, kind: 'benefits-stopped', occurred_on: i.on, ground: i.ground, text: i.text ?? null, recorded_at: w.at };
      if (period.status === 'ended') {
        // Ended already: the same stop again is a redelivery; any other is a contradiction.
        if (period.ended_on === i.on && period.end_ground === i.ground) {
          const same = await this.repeatedEvent(w.db, row, `management period of certificate ${i.certificateCode}: the benefits stop of ${i.on}`);
          if (same) {
            await w.audit('management-period.benefits-stop-repeated', 'management-period', i.certificateCode, { ground: i.ground, on: i.on });
            return (await this.load(w.db, i.certificateCode))!;
          }
        }
        throw new ConflictError(`management period of certificate ${i.certificateCode} ended on ${period.ended_on} (benefits stopped: ${period.end_ground}); it cannot stop again on ${i.on} (${i.ground})`);
      }
      this.checkOpen(period, 'managementPeriods.stopBenefits', i.on, 'a benefits stop');
      await w.db.insertInto('management_events').values({ ...row, seq: await this.nextSeq(w.db, i.certificateCode) }).execute();
      await w.db
        .updateTable('management_periods')
        .set({ status: 'ended', ended_on: i.on, end_ground: i.ground, updated_at: w.at })
        .where('certificate_code', '=', i.certificateCode)
        .execute();
      await w.audit('management-period.benefits-stopped', 'management-period', i.certificateCode, { ground: i.ground, on: i.on });
      return (await this.load(w.db, i.certificateCode))!;
    });
  }

  async get(certificateCodeValue: string): Promise<ManagementPeriod | undefined> {
    return this.load(this.core.db, certificateCodeValue.trim().toUpperCase());
  }

  /** The periods of an application's certificates (one, in practice). */
  async byApplication(applicationId: string): Promise<ManagementPeriod[]> {
    const rows = await this.core.db.selectFrom('management_periods').select('certificate_code').where('application_id', '=', applicationId).orderBy('created_at').execute();
    return Promise.all(rows.map(async (r) => (await this.load(this.core.db, r.certificate_code))!));
  }

  async list(filter: z.input<typeof ListSchema> = {}): Promise<ManagementPeriod[]> {
    const f = v.parse('managementPeriods.list', ListSchema, filter);
    let q = this.core.db.selectFrom('management_periods').select('certificate_code').orderBy('start_on').orderBy('certificate_code');
    if (f.creditCode) q = q.where('credit_code', '=', f.creditCode);
    if (f.status) q = q.where('status', '=', f.status);
    const rows = await q.execute();
    return Promise.all(rows.map(async (r) => (await this.load(this.core.db, r.certificate_code))!));
  }

  private async period(db: Db, code: string): Promise<Selectable<ManagementPeriodTable>> {
    const period = await db.selectFrom('management_periods').selectAll().where('certificate_code', '=', code).executeTakeFirst();
    if (!period) throw new NotFoundError('management period of certificate', code);
    return period;
  }

  /** Events belong to a period that has not ended, and do not predate its approval. */
  private checkOpen(period: Selectable<ManagementPeriodTable>, operation: string, on: string, what: string): void {
    if (period.status === 'ended') {
      throw new ConflictError(`management period of certificate ${period.certificate_code} ended on ${period.ended_on} (${period.end_ground}): ${what} can no longer be recorded`);
    }
    if (on < period.approved_on) throw new ValidationError(operation, [{ field: 'on', rule: `must not be before the approval that started the management period (${period.approved_on})` }]);
  }

  /** True when the same event is stored (a repeat); throws when another one is stored in its place. */
  private async repeatedEvent(db: Db, row: Selectable<ManagementEventTable>, label: string): Promise<boolean> {
    const existing = await db
      .selectFrom('management_events')
      .selectAll()
      .where('certificate_code', '=', row.certificate_code)
      .where('kind', '=', row.kind)
      .where('occurred_on', '=', row.occurred_on)
      .executeTakeFirst();
    if (!existing) return false;
    const differs = (['ground', 'text'] as const).filter((k) => existing[k] !== row[k]);
    if (differs.length > 0) throw new ConflictError(`${label} was recorded at ${existing.recorded_at} and differs in ${differs.join(', ')}`);
    return true;
  }

  /** Writes are serialized (core.ts), so max + 1 cannot race. */
  private async nextSeq(db: Db, code: string): Promise<number> {
    const last = await db.selectFrom('management_events').select((eb) => eb.fn.max('seq').as('seq')).where('certificate_code', '=', code).executeTakeFirst();
    return Number(last?.seq ?? 0) + 1;
  }

  private async load(db: Db, code: string): Promise<ManagementPeriod | undefined> {
    const row = await db.selectFrom('management_periods').selectAll().where('certificate_code', '=', code).executeTakeFirst();
    if (!row) return undefined;
    const assessments = await db.selectFrom('management_assessments').selectAll().where('certificate_code', '=', code).execute();
    const events = await db.selectFrom('management_events').selectAll().where('certificate_code', '=', code).execute();
    return toPeriod(row, assessments, events);
  }
}
