/**
 * Certificates (职业技能等级证书) and their serials (DOMAIN.md §3).
 *
 * The code is category(1) + evaluator code(4) + province(2) + site serial(6) + year(2) + level(1)
 * + serial(6) = 22 characters. A serial is unique per (evaluator, year, level); it comes from a
 * counter row per (evaluatorKey, year, level), advanced by one atomic upsert:
 *   INSERT … VALUES (…, 1) ON CONFLICT DO UPDATE SET last_serial = last_serial + 1
 *     WHERE last_serial < 999999 RETURNING last_serial
 * On SQLite it runs inside BEGIN IMMEDIATE (the write lock is held from the start, across
 * processes); on PostgreSQL the row lock taken by the upsert serializes concurrent allocations and
 * each sees the committed value. issue() allocates and inserts the certificate in the
 * same transaction, so after a crash the counter equals the number of certificates issued: a
 * serial can never be handed out twice, and none is skipped. allocateSerial() alone (for codes
 * printed elsewhere) commits the counter at once: a serial the caller then loses is skipped, never
 * reused.
 *
 * Public reads return the holder's ID number masked; getWithIdNumber() (the issuing worker, for
 * the national query system upload) decrypts it and records the read in the audit trail.
 */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Core, WriteContext } from '../core.js';
import type { CertificateTable } from '../db.js';
import { ConflictError, NotFoundError, SerialExhaustedError, ValidationError } from '../errors.js';
import * as v from '../validation.js';
import { formatCertificateCode as formatCode, type EvaluatorCategory } from '../../domain/certificate-code.js';
import type { Level } from '../../domain/levels.js';
import { evaluatorKeySchema, formatEvaluatorKey } from './enterprises.js';

export const MAX_SERIAL = 999_999;

export interface Certificate {
  code: string;
  holderName: string;
  /** Masked: `4401**********123X`. */
  idNumber: string;
  level: string;
  occupation: { code: string; name: string };
  evaluator: { creditCode: string; evaluatorKey: string; filingLevel: string };
  year: number;
  serial: number;
  issuedOn: string;
  status: 'valid' | 'revoked';
  revokedReason: string | null;
  revokedOn: string | null;
  applicationId: string | null;
  createdAt: string;
}

export interface CertificateWithIdNumber extends Omit<Certificate, 'idNumber'> {
  idNumber: string;
  idNumberMasked: string;
}

export interface AllocatedSerial {
  evaluatorKey: string;
  year: number;
  level: string;
  serial: number;
}

const AllocateSchema = z
  .object({
    evaluatorKey: z.union([evaluatorKeySchema, z.string().regex(/^[YS]\d{12}$/, 'must be an evaluator key: Y or S and 12 digits')], {
      error: 'must be {category, evaluatorCode, province, siteSerial} or the 13-character key',
    }),
    year: v.year,
    level: v.level,
    by: v.actor,
  })
  .strict();
export type AllocateSerialInput = z.input<typeof AllocateSchema>;

const IssueSchema = z
  .object({
    /** The issuing enterprise; its active filing for `level` gives the evaluator part of the code. */
    creditCode: v.creditCode,
    // 5…1 as well as T / S: a unit certifies the levels it recognizes directly (001 附件1 注2, 附件2).
    level: v.campaignLevel,
    occupation: v.occupation,
    holder: z.object({ name: v.text(100), idNumber: v.idNumber }).strict(),
    issuedOn: v.date,
    applicationId: v.entityId.optional(),
    by: v.actor,
  })
  .strict();
export type IssueCertificateInput = z.input<typeof IssueSchema>;

const RevokeSchema = z
  .object({
    code: z.string(),
    reason: v.text(2000),
    revokedOn: v.date,
    by: v.actor,
  })
  .strict();

export function formatCertificateCode(evaluatorKey: string, year: number, level: string, serial: number): string {
  // evaluatorKey = category(1) + evaluator code(4) + province(2) + site serial(6); the domain formats and checks the code.
  return formatCode({
    category: evaluatorKey[0] as EvaluatorCategory,
    evaluatorCode: evaluatorKey.slice(1, 5),
    province: evaluatorKey.slice(5, 7),
    site: evaluatorKey.slice(7, 13),
    year,
    level: level as Level,
    serial,
  });
}

function toCertificate(r: Selectable<CertificateTable>, filingLevel: string): Certificate {
  return {
    code: r.code,
    holderName: r.holder_name,
    idNumber: r.holder_id_masked,
    level: r.level,
    occupation: { code: r.occupation_code, name: r.occupation_name },
    evaluator: { creditCode: r.evaluator_credit_code, evaluatorKey: r.evaluator_key, filingLevel },
    year: Number(r.year),
    serial: Number(r.serial),
    issuedOn: r.issued_on,
    status: r.status as 'valid' | 'revoked',
    revokedReason: r.revoked_reason,
    revokedOn: r.revoked_on,
    applicationId: r.application_id,
    createdAt: r.created_at,
  };
}

/** Advances the counter in the caller's transaction; throws when the 999999 serials are used. */
async function nextSerial(w: WriteContext, evaluatorKey: string, year: number, level: string): Promise<number> {
  const row = await w.db
    .insertInto('serial_counters')
    .values({ evaluator_key: evaluatorKey, year, level, last_serial: 1 })
    .onConflict((oc) =>
      oc
        .columns(['evaluator_key', 'year', 'level'])
        .doUpdateSet((eb) => ({ last_serial: eb('serial_counters.last_serial', '+', 1) }))
        .where('serial_counters.last_serial', '<', MAX_SERIAL),
    )
    .returning('last_serial')
    .executeTakeFirst();
  if (!row) {
    throw new SerialExhaustedError(
      `evaluator ${evaluatorKey}: all ${MAX_SERIAL} certificate serials for year ${year}, level ${level} are used (positions 17-22 of the code hold 000001-999999)`,
    );
  }
  return Number(row.last_serial);
}

export class Certificates {
  constructor(private readonly core: Core) {}

  /** The next serial for (evaluator, year, level), 1…999999, committed at once. */
  async allocateSerial(input: AllocateSerialInput): Promise<AllocatedSerial> {
    const i = v.parse('allocateSerial', AllocateSchema, input);
    const evaluatorKey = typeof i.evaluatorKey === 'string' ? i.evaluatorKey : formatEvaluatorKey(i.evaluatorKey);
    return this.core.write(i.by, async (w) => {
      const serial = await nextSerial(w, evaluatorKey, i.year, i.level);
      await w.audit('serial.allocated', 'serial-counter', `${evaluatorKey}/${i.year}/${i.level}`, { serial });
      return { evaluatorKey, year: i.year, level: i.level, serial };
    });
  }

  /**
   * Issues a certificate: checks the enterprise's active filing for the level, allocates the next
   * serial and inserts the certificate in one transaction. With an `applicationId` it is idempotent:
   * when the application already has a certificate, that one is returned (no serial is allocated);
   * when the input contradicts it (another holder, enterprise or occupation), a ConflictError.
   */
  async issue(input: IssueCertificateInput): Promise<Certificate> {
    const i = v.parse('issueCertificate', IssueSchema, input);
    return this.core.write(i.by, async (w) => {
      if (i.applicationId) {
        const app = await w.db.selectFrom('applications').select(['id', 'level']).where('id', '=', i.applicationId).executeTakeFirst();
        if (!app) throw new NotFoundError('application', i.applicationId);
        if (app.level !== i.level) throw new ValidationError('issueCertificate', [{ field: 'level', rule: `must be the application's level (${app.level})` }]);
        // Idempotent by application: a redelivered issuing job gets the certificate issued the first
        // time, whatever happened since (a later issue date, a suspended filing).
        const issued = await w.db.selectFrom('certificates').selectAll().where('application_id', '=', i.applicationId).executeTakeFirst();
        if (issued) {
          const differs = [
            issued.holder_id_hash !== this.core.pd.hash(i.holder.idNumber) && 'holder.idNumber',
            issued.holder_name !== i.holder.name && 'holder.name',
            issued.evaluator_credit_code !== i.creditCode && 'creditCode',
            issued.occupation_code !== i.occupation.code && 'occupation.code',
          ].filter((d): d is string => d !== false);
          if (differs.length > 0) {
            throw new ConflictError(`application ${i.applicationId} already has certificate ${issued.code}, which differs in ${differs.join(', ')}: one application, one certificate`);
          }
          await w.audit('certificate.issue-repeated', 'certificate', issued.code, { applicationId: i.applicationId });
          return toCertificate(issued, issued.level);
        }
      }
      const filing = await w.db
        .selectFrom('evaluator_filings')
        .selectAll()
        .where('credit_code', '=', i.creditCode)
        .where('level', '=', i.level)
        .executeTakeFirst();
      if (!filing) throw new ConflictError(`enterprise ${i.creditCode} has no evaluator filing for level ${i.level}: it cannot issue these certificates`);
      if (filing.status !== 'active') throw new ConflictError(`enterprise ${i.creditCode}: its evaluator filing for level ${i.level} is ${filing.status}`);
      if (i.issuedOn < filing.filed_on) {
        throw new ValidationError('issueCertificate', [{ field: 'issuedOn', rule: `must not be before the evaluator filing (${filing.filed_on})` }]);
      }
      const year = Number(i.issuedOn.slice(0, 4));
      const serial = await nextSerial(w, filing.evaluator_key, year, i.level);
      const code = formatCertificateCode(filing.evaluator_key, year, i.level, serial);
      const holder = this.core.pd.protect(i.holder.idNumber);
      const row = {
        code,
        holder_name: i.holder.name,
        holder_id_hash: holder.hash,
        holder_id_masked: holder.masked,
        holder_id_enc: holder.encrypted,
        level: i.level,
        occupation_code: i.occupation.code,
        occupation_name: i.occupation.name,
        evaluator_credit_code: i.creditCode,
        evaluator_key: filing.evaluator_key,
        year,
        serial,
        issued_on: i.issuedOn,
        status: 'valid',
        revoked_reason: null,
        revoked_on: null,
        application_id: i.applicationId ?? null,
        created_at: w.at,
      };
      await w.db.insertInto('certificates').values(row).execute();
      await w.audit('certificate.issued', 'certificate', code, {
        holder: holder.masked,
        level: i.level,
        occupation: i.occupation.code,
        creditCode: i.creditCode,
        serial,
        applicationId: i.applicationId,
      });
      return toCertificate(row, filing.level);
    });
  }

  /** Public read (verification): the holder's ID number is masked. */
  async get(code: string): Promise<Certificate | undefined> {
    const row = await this.core.db.selectFrom('certificates').selectAll().where('code', '=', code.trim().toUpperCase()).executeTakeFirst();
    return row && toCertificate(row, row.level);
  }

  /** Public read: the certificate issued for an application, if any. */
  async byApplication(applicationId: string): Promise<Certificate | undefined> {
    const row = await this.core.db.selectFrom('certificates').selectAll().where('application_id', '=', applicationId).executeTakeFirst();
    return row && toCertificate(row, row.level);
  }

  /** Public read: a holder's certificates, found by ID number (matched by keyed hash). */
  async findByHolder(idNumber: string): Promise<Certificate[]> {
    const clear = v.parse('certificates.findByHolder', z.object({ idNumber: v.idNumber }), { idNumber }).idNumber;
    const rows = await this.core.db
      .selectFrom('certificates')
      .selectAll()
      .where('holder_id_hash', '=', this.core.pd.hash(clear))
      .orderBy('issued_on')
      .orderBy('code')
      .execute();
    return rows.map((r) => toCertificate(r, r.level));
  }

  /** Privileged read for the issuing worker: the clear ID number. The read is audited. */
  async getWithIdNumber(code: string, by: string): Promise<CertificateWithIdNumber> {
    const actor = v.parse('certificates.getWithIdNumber', z.object({ by: v.actor }), { by }).by;
    return this.core.write(actor, async (w) => {
      const row = await w.db.selectFrom('certificates').selectAll().where('code', '=', code.trim().toUpperCase()).executeTakeFirst();
      if (!row) throw new NotFoundError('certificate', code);
      await w.audit('certificate.id-number-read', 'certificate', row.code);
      const pub = toCertificate(row, row.level);
      return { ...pub, idNumber: this.core.pd.decrypt(row.holder_id_enc), idNumberMasked: row.holder_id_masked };
    });
  }

  async revoke(input: z.input<typeof RevokeSchema>): Promise<Certificate> {
    const i = v.parse('certificates.revoke', RevokeSchema, input);
    const code = i.code.trim().toUpperCase();
    return this.core.write(i.by, async (w) => {
      const current = await w.db.selectFrom('certificates').selectAll().where('code', '=', code).executeTakeFirst();
      if (!current) throw new NotFoundError('certificate', code);
      if (current.status === 'revoked') throw new ConflictError(`certificate ${code} was already revoked on ${current.revoked_on}`);
      if (i.revokedOn < current.issued_on) throw new ValidationError('certificates.revoke', [{ field: 'revokedOn', rule: `must not be before the issue date ${current.issued_on}` }]);
      const row = await w.db
        .updateTable('certificates')
        .set({ status: 'revoked', revoked_reason: i.reason, revoked_on: i.revokedOn })
        .where('code', '=', code)
        .returningAll()
        .executeTakeFirstOrThrow();
      await w.audit('certificate.revoked', 'certificate', code, { reason: i.reason, revokedOn: i.revokedOn });
      return toCertificate(row, row.level);
    });
  }

  /** The last serial handed out for (evaluator, year, level); 0 when none. */
  async lastSerial(evaluatorKey: string, year: number, level: string): Promise<number> {
    const row = await this.core.db
      .selectFrom('serial_counters')
      .select('last_serial')
      .where('evaluator_key', '=', evaluatorKey)
      .where('year', '=', year)
      .where('level', '=', level)
      .executeTakeFirst();
    return row ? Number(row.last_serial) : 0;
  }
}
