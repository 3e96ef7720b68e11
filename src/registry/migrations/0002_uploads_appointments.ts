/**
 * 0002: national query system uploads, 聘任协议 (appointment) records, and one certificate per
 * application.
 *
 * - `national_uploads`: one row per certificate recorded as uploaded to the national certificate
 *   query system (全国职业技能等级证书查询系统) by the local adapter (src/national-registry/local.ts).
 *   The record as sent, with the holder's ID number masked (the clear number is never stored here).
 * - `appointments`: the signed 聘任协议 of an application (signed on, term, post), at most one per
 *   application.
 * - `certificates_one_per_application`: a unique index on certificates.application_id, so issuing
 *   for an application twice (a worker redelivered after a crash) can never allocate a second
 *   serial. NULLs (certificates issued outside an application) are not compared, on both databases.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export function uploadsAndAppointments(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('national_uploads')
        .addColumn('certificate_code', 'text', (c) => c.primaryKey().references('certificates.code'))
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('holder_name', 'text', (c) => c.notNull())
        .addColumn('holder_id_masked', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('occupation_code', 'text', (c) => c.notNull())
        .addColumn('occupation_name', 'text', (c) => c.notNull())
        .addColumn('evaluator_credit_code', 'text', (c) => c.notNull())
        .addColumn('evaluator_name', 'text', (c) => c.notNull())
        .addColumn('issued_on', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('appointments')
        .addColumn('application_id', 'text', (c) => c.primaryKey().references('applications.id'))
        .addColumn('certificate_code', 'text', (c) => c.references('certificates.code'))
        .addColumn('signed_on', 'text', (c) => c.notNull())
        .addColumn('term_start', 'text', (c) => c.notNull())
        .addColumn('term_end', 'text', (c) => c.notNull())
        .addColumn('post', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addCheckConstraint('appointments_term', sql`term_end > term_start`)
        .execute();
      await db.schema.createIndex('appointments_by_certificate').on('appointments').column('certificate_code').execute();

      await db.schema.createIndex('certificates_one_per_application').on('certificates').column('application_id').unique().execute();
    },
    async down() {
      throw new Error('0002_uploads_appointments cannot be undone: the registry is the system of record');
    },
  };
}
