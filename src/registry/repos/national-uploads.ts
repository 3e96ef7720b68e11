/**
 * Uploads to the national certificate query system (全国职业技能等级证书查询系统) as the local adapter
 * records them (src/national-registry/local.ts): one row per certificate code. Recording the same
 * certificate again (a worker redelivered) changes nothing and answers `alreadyUploaded: true`, as
 * the national system answers 409 to the HTTP adapter. The record must agree with the certificate
 * it describes (holder, ID number, level, occupation, evaluator, issue date): the national system
 * must never hold a record the registry contradicts.
 *
 * The holder's clear ID number is checked against the certificate's keyed hash and then dropped:
 * only the masked form is stored.
 */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Core } from '../core.js';
import type { NationalUploadTable } from '../db.js';
import { ConflictError, NotFoundError } from '../errors.js';
import * as v from '../validation.js';

export interface NationalUpload {
  certificateCode: string;
  /** The local stand-in for the national system's id: the certificate code. */
  reference: string;
  holderName: string;
  /** Masked: `4401**********123X`. */
  idNumber: string;
  level: string;
  occupation: { code: string; name: string };
  evaluator: { creditCode: string; name: string };
  issuedOn: string;
  uploadedAt: string;
}

const RecordSchema = z
  .object({
    certificateCode: z.preprocess((s) => (typeof s === 'string' ? s.trim().toUpperCase() : s), z.string().regex(/^[YS]\d{14}[X1-5TS]\d{6}$/, 'must be a 22-character certificate code')),
    holderName: v.text(100),
    idNumber: v.idNumber,
    level: v.level,
    occupation: v.occupation,
    evaluator: z.object({ creditCode: v.creditCode, name: v.text(200) }).strict(),
    issuedOn: v.date,
    by: v.actor,
  })
  .strict();
export type RecordNationalUploadInput = z.input<typeof RecordSchema>;

function toUpload(r: Selectable<NationalUploadTable>): NationalUpload {
  return {
    certificateCode: r.certificate_code,
    reference: r.reference,
    holderName: r.holder_name,
    idNumber: r.holder_id_masked,
    level: r.level,
    occupation: { code: r.occupation_code, name: r.occupation_name },
    evaluator: { creditCode: r.evaluator_credit_code, name: r.evaluator_name },
    issuedOn: r.issued_on,
    uploadedAt: r.uploaded_at,
  };
}

export class NationalUploads {
  constructor(private readonly core: Core) {}

  /** Records the upload of a certificate; repeating it returns the first record with `alreadyUploaded`. */
  async record(input: RecordNationalUploadInput): Promise<NationalUpload & { alreadyUploaded: boolean }> {
    const i = v.parse('nationalUploads.record', RecordSchema, input);
    return this.core.write(i.by, async (w) => {
      const cert = await w.db.selectFrom('certificates').selectAll().where('code', '=', i.certificateCode).executeTakeFirst();
      if (!cert) throw new NotFoundError('certificate', i.certificateCode);
      const mismatches: string[] = [];
      if (cert.holder_id_hash !== this.core.pd.hash(i.idNumber)) mismatches.push('idNumber');
      if (cert.holder_name !== i.holderName) mismatches.push('holderName');
      if (cert.level !== i.level) mismatches.push('level');
      if (cert.occupation_code !== i.occupation.code) mismatches.push('occupation.code');
      if (cert.evaluator_credit_code !== i.evaluator.creditCode) mismatches.push('evaluator.creditCode');
      if (cert.issued_on !== i.issuedOn) mismatches.push('issuedOn');
      if (mismatches.length > 0) {
        throw new ConflictError(`certificate ${i.certificateCode}: the upload record differs from the registry in ${mismatches.join(', ')}; the national system must receive what was issued`);
      }
      if (cert.status !== 'valid') throw new ConflictError(`certificate ${i.certificateCode} is ${cert.status}: a revoked certificate is not uploaded`);

      const existing = await w.db.selectFrom('national_uploads').selectAll().where('certificate_code', '=', i.certificateCode).executeTakeFirst();
      if (existing) {
        await w.audit('national-upload.repeated', 'certificate', i.certificateCode);
        return { ...toUpload(existing), alreadyUploaded: true };
      }
      const row = {
        certificate_code: i.certificateCode,
        reference: i.certificateCode,
        holder_name: i.holderName,
        holder_id_masked: cert.holder_id_masked,
        level: i.level,
        occupation_code: i.occupation.code,
        occupation_name: i.occupation.name,
        evaluator_credit_code: i.evaluator.creditCode,
        evaluator_name: i.evaluator.name,
        issued_on: i.issuedOn,
        uploaded_at: w.at,
      };
      await w.db.insertInto('national_uploads').values(row).execute();
      await w.audit('national-upload.recorded', 'certificate', i.certificateCode, { reference: row.reference });
      return { ...toUpload(row), alreadyUploaded: false };
    });
  }

  async get(certificateCode: string): Promise<NationalUpload | undefined> {
    const row = await this.core.db.selectFrom('national_uploads').selectAll().where('certificate_code', '=', certificateCode.trim().toUpperCase()).executeTakeFirst();
    return row && toUpload(row);
  }
}
