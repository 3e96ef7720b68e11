/**
 * Appointments (聘任协议) of appointees: signed on, term (start and end date), post, and — optional,
 * as on the form — the agreement's number, the post's duties and tasks (001 附件4 第二条(六)) and
 * the agreed benefits (003 五(二); 002 六(一)); at most one per application. Recording the same appointment again (a worker redelivered) returns the stored
 * one; recording a different one for the same application is a ConflictError naming what differs
 * (a correction is a decision for a person, not a retry).
 */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Core } from '../core.js';
import type { AppointmentTable } from '../db.js';
import { ConflictError, NotFoundError } from '../errors.js';
import * as v from '../validation.js';

export interface Appointment {
  applicationId: string;
  certificateCode: string | null;
  signedOn: string;
  term: { start: string; end: string };
  post: string;
  /** 协议编号, when the agreement has one. */
  agreementNumber: string | null;
  /** 岗位职责与任务: what the appointee must accomplish in the term. */
  duties: string | null;
  /** 待遇约定: the benefits agreed. */
  benefits: string | null;
  createdAt: string;
}

/** Optional text: absent and null are the same (nothing agreed); an empty string is refused, so a caller's bug does not pass for "nothing". */
const optionalText = (max: number) => v.text(max).nullish();

const RecordSchema = z
  .object({
    applicationId: v.entityId,
    /** The certificate the appointment rests on (its application must be this one). */
    certificateCode: z.preprocess((s) => (typeof s === 'string' ? s.trim().toUpperCase() : s), z.string().min(1)).optional(),
    signedOn: v.date,
    term: z.object({ start: v.date, end: v.date }).strict(),
    post: v.text(200),
    agreementNumber: optionalText(50),
    duties: optionalText(2000),
    benefits: optionalText(1000),
    by: v.actor,
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.term.end <= a.term.start) ctx.addIssue({ code: 'custom', path: ['term', 'end'], message: 'must be after term.start' });
  });
export type RecordAppointmentInput = z.input<typeof RecordSchema>;

function toAppointment(r: Selectable<AppointmentTable>): Appointment {
  return {
    applicationId: r.application_id,
    certificateCode: r.certificate_code,
    signedOn: r.signed_on,
    term: { start: r.term_start, end: r.term_end },
    post: r.post,
    agreementNumber: r.agreement_number,
    duties: r.duties,
    benefits: r.benefits,
    createdAt: r.created_at,
  };
}

export class Appointments {
  constructor(private readonly core: Core) {}

  async record(input: RecordAppointmentInput): Promise<Appointment> {
    const i = v.parse('appointments.record', RecordSchema, input);
    return this.core.write(i.by, async (w) => {
      const app = await w.db.selectFrom('applications').select('id').where('id', '=', i.applicationId).executeTakeFirst();
      if (!app) throw new NotFoundError('application', i.applicationId);
      if (i.certificateCode !== undefined) {
        const cert = await w.db.selectFrom('certificates').select(['code', 'application_id']).where('code', '=', i.certificateCode).executeTakeFirst();
        if (!cert) throw new NotFoundError('certificate', i.certificateCode);
        if (cert.application_id !== i.applicationId) {
          throw new ConflictError(`certificate ${i.certificateCode} was issued for ${cert.application_id === null ? 'no application' : `application ${cert.application_id}`}, not ${i.applicationId}`);
        }
      }
      const row = {
        application_id: i.applicationId,
        certificate_code: i.certificateCode ?? null,
        signed_on: i.signedOn,
        term_start: i.term.start,
        term_end: i.term.end,
        post: i.post,
        agreement_number: i.agreementNumber ?? null,
        duties: i.duties ?? null,
        benefits: i.benefits ?? null,
        created_at: w.at,
      };
      const existing = await w.db.selectFrom('appointments').selectAll().where('application_id', '=', i.applicationId).executeTakeFirst();
      if (existing) {
        const differs = (['certificate_code', 'signed_on', 'term_start', 'term_end', 'post', 'agreement_number', 'duties', 'benefits'] as const).filter((k) => existing[k] !== row[k]);
        if (differs.length > 0) {
          throw new ConflictError(`application ${i.applicationId} already has an appointment recorded at ${existing.created_at}, which differs in ${differs.join(', ')}`);
        }
        await w.audit('appointment.record-repeated', 'application', i.applicationId);
        return toAppointment(existing);
      }
      await w.db.insertInto('appointments').values(row).execute();
      await w.audit('appointment.recorded', 'application', i.applicationId, {
        certificateCode: row.certificate_code,
        signedOn: row.signed_on,
        term: { start: row.term_start, end: row.term_end },
        post: row.post,
        agreementNumber: row.agreement_number,
        duties: row.duties,
        benefits: row.benefits,
      });
      return toAppointment(row);
    });
  }

  async get(applicationId: string): Promise<Appointment | undefined> {
    const row = await this.core.db.selectFrom('appointments').selectAll().where('application_id', '=', applicationId).executeTakeFirst();
    return row && toAppointment(row);
  }

  /** The appointment resting on a certificate, if any. */
  async byCertificate(certificateCode: string): Promise<Appointment | undefined> {
    const row = await this.core.db.selectFrom('appointments').selectAll().where('certificate_code', '=', certificateCode.trim().toUpperCase()).executeTakeFirst();
    return row && toAppointment(row);
  }
}
