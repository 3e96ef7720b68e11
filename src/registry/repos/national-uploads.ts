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
 *
 * Each record keeps its receipt (0004), so the registry alone proves an upload: `via` local (the
 * local adapter; the reference is the certificate code, the status `recorded`) or http (what the
 * national system answered: its reference, status and time, the HTTP status — 2xx, or 409 when it
 * already had the certificate — and the answer itself, ID numbers masked). The first receipt stays:
 * a repeat returns it.
 */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Core } from '../core.js';
import type { NationalUploadTable } from '../db.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { maskIdNumber } from '../personal-data.js';
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
  receipt: NationalUploadReceiptRecord;
}

/** What the national query system answered to the upload (the local adapter's own receipt for `local`). */
export interface NationalUploadReceiptRecord {
  via: 'local' | 'http';
  /** The national system's id for the record (the certificate code for `local`). */
  reference: string;
  /** The national system's status of the record as it answered it (`recorded` for `local`), if any. */
  status: string | null;
  /** When the national system says it received the record, as it wrote it (`local`: the registry's time). */
  receivedAt: string | null;
  /** HTTP: the status code of the answer (2xx, or 409: it already had the certificate). */
  httpStatus: number | null;
  /** HTTP: the answer's body, ID numbers masked, at most MAX_ANSWER characters. */
  answer: string | null;
}

/** Longest stored answer: enough for any receipt, bounded against an answer that is a whole page. */
export const MAX_ANSWER = 4000;

const ID_NUMBER_IN_TEXT = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;

const ReceiptSchema = z
  .object({
    via: z.enum(['local', 'http'], { error: 'must be local or http' }),
    reference: v.text(200),
    status: v.text(100).nullish(),
    receivedAt: v.text(100).nullish(),
    httpStatus: z.number().int('must be a whole number').min(100, 'must be an HTTP status code').max(599, 'must be an HTTP status code').nullish(),
    answer: z.string().max(MAX_ANSWER, `must be at most ${MAX_ANSWER} characters`).nullish(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.via === 'http') {
      if (r.httpStatus === null || r.httpStatus === undefined) ctx.addIssue({ code: 'custom', path: ['httpStatus'], message: 'is required for an HTTP upload (the answer that proves it)' });
      else if (!(r.httpStatus >= 200 && r.httpStatus < 300) && r.httpStatus !== 409) {
        ctx.addIssue({ code: 'custom', path: ['httpStatus'], message: 'must be 2xx or 409: only an accepted upload is recorded' });
      }
    } else {
      if (r.httpStatus !== null && r.httpStatus !== undefined) ctx.addIssue({ code: 'custom', path: ['httpStatus'], message: 'is only for an HTTP upload' });
      if (r.answer !== null && r.answer !== undefined) ctx.addIssue({ code: 'custom', path: ['answer'], message: 'is only for an HTTP upload' });
    }
  });

const RecordSchema = z
  .object({
    certificateCode: z.preprocess((s) => (typeof s === 'string' ? s.trim().toUpperCase() : s), z.string().regex(/^[YS]\d{14}[X1-5TS]\d{6}$/, 'must be a 22-character certificate code')),
    holderName: v.text(100),
    idNumber: v.idNumber,
    level: v.level,
    occupation: v.occupation,
    evaluator: z.object({ creditCode: v.creditCode, name: v.text(200) }).strict(),
    issuedOn: v.date,
    /** Absent: the local adapter's own receipt. */
    receipt: ReceiptSchema.optional(),
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
    receipt: {
      via: r.via as 'local' | 'http',
      reference: r.reference,
      status: r.receipt_status,
      receivedAt: r.receipt_at,
      httpStatus: r.http_status === null ? null : Number(r.http_status),
      answer: r.answer,
    },
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
        await w.audit('national-upload.repeated', 'certificate', i.certificateCode, i.receipt ? { via: i.receipt.via, reference: i.receipt.reference } : {});
        return { ...toUpload(existing), alreadyUploaded: true };
      }
      const receipt = i.receipt ?? { via: 'local' as const, reference: i.certificateCode, status: 'recorded', receivedAt: w.at };
      const row = {
        certificate_code: i.certificateCode,
        reference: receipt.reference,
        holder_name: i.holderName,
        holder_id_masked: cert.holder_id_masked,
        level: i.level,
        occupation_code: i.occupation.code,
        occupation_name: i.occupation.name,
        evaluator_credit_code: i.evaluator.creditCode,
        evaluator_name: i.evaluator.name,
        issued_on: i.issuedOn,
        uploaded_at: w.at,
        via: receipt.via,
        receipt_status: receipt.status ?? null,
        receipt_at: receipt.receivedAt ?? null,
        http_status: receipt.httpStatus ?? null,
        // The adapter masks ID numbers already; masking here too keeps a clear number out of the
        // registry whatever the caller did.
        answer: receipt.answer === null || receipt.answer === undefined ? null : receipt.answer.replace(ID_NUMBER_IN_TEXT, (m) => maskIdNumber(m.toUpperCase())),
      };
      await w.db.insertInto('national_uploads').values(row).execute();
      await w.audit('national-upload.recorded', 'certificate', i.certificateCode, {
        via: row.via,
        reference: row.reference,
        status: row.receipt_status,
        receivedAt: row.receipt_at,
        httpStatus: row.http_status,
      });
      return { ...toUpload(row), alreadyUploaded: false };
    });
  }

  async get(certificateCode: string): Promise<NationalUpload | undefined> {
    const row = await this.core.db.selectFrom('national_uploads').selectAll().where('certificate_code', '=', certificateCode.trim().toUpperCase()).executeTakeFirst();
    return row && toUpload(row);
  }
}
