/**
 * 0004: what the workers were given but the registry dropped.
 *
 * - `appointments`: the 聘任协议's number, the post's duties and tasks (001 附件4 第二条(六)) and the
 *   agreed benefits (003 五(二); 002 六(一)), all optional as on the form. Existing rows get NULL.
 * - `national_uploads`: the receipt of the national certificate query system — how it was sent
 *   (`via` local / http; existing rows were all written by the local adapter), the system's own
 *   status and time as it answered them, and for HTTP the status code and the answer (ID numbers
 *   masked, truncated) — so an operator can prove an upload from the registry alone.
 * - `management_periods` (001 四(八), 附件4): the Sichuan three-year management period of a 首席技师 /
 *   特级技师 certificate, one per certificate, with its yearly and final assessments
 *   (`management_assessments`, one per slot: year-1, year-2, year-3, final) and its events
 *   (`management_events`: retirement, death, leaving Sichuan, misconduct, revocation, benefits
 *   stopped; one per certificate, kind and date, which is what makes a redelivered job a repeat).
 */
import { sql, type Kysely, type Migration } from 'kysely';

export function records(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('appointments').addColumn('agreement_number', 'text').execute();
      await db.schema.alterTable('appointments').addColumn('duties', 'text').execute();
      await db.schema.alterTable('appointments').addColumn('benefits', 'text').execute();

      // One column per statement: SQLite's ALTER TABLE adds one at a time. The CHECKs sit on the
      // columns (SQLite cannot add a table constraint to an existing table).
      await db.schema
        .alterTable('national_uploads')
        .addColumn('via', 'text', (c) => c.notNull().defaultTo('local').check(sql`via IN ('local', 'http')`))
        .execute();
      await db.schema.alterTable('national_uploads').addColumn('receipt_status', 'text').execute();
      await db.schema.alterTable('national_uploads').addColumn('receipt_at', 'text').execute();
      await db.schema
        .alterTable('national_uploads')
        .addColumn('http_status', 'integer', (c) => c.check(sql`http_status BETWEEN 100 AND 599`))
        .execute();
      await db.schema.alterTable('national_uploads').addColumn('answer', 'text').execute();

      await db.schema
        .createTable('management_periods')
        .addColumn('certificate_code', 'text', (c) => c.primaryKey().references('certificates.code'))
        .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
        .addColumn('credit_code', 'text', (c) => c.notNull().references('enterprises.credit_code'))
        .addColumn('recommended_by', 'text', (c) => c.notNull().check(sql`recommended_by IN ('city', 'province')`))
        .addColumn('approved_on', 'text', (c) => c.notNull())
        .addColumn('start_on', 'text', (c) => c.notNull())
        .addColumn('end_on', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('running', 'completed', 'ended')`))
        .addColumn('ended_on', 'text')
        .addColumn('end_ground', 'text', (c) => c.check(sql`end_ground IN ('retired', 'died', 'left-sichuan', 'revoked')`))
        .addColumn('process_instance_key', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addCheckConstraint('management_periods_dates', sql`start_on > approved_on AND end_on > start_on`)
        .addCheckConstraint('management_periods_end', sql`(status = 'ended') = (ended_on IS NOT NULL AND end_ground IS NOT NULL)`)
        .execute();
      await db.schema.createIndex('management_periods_by_application').on('management_periods').column('application_id').execute();
      await db.schema.createIndex('management_periods_by_enterprise').on('management_periods').columns(['credit_code', 'status']).execute();

      await db.schema
        .createTable('management_assessments')
        .addColumn('certificate_code', 'text', (c) => c.notNull().references('management_periods.certificate_code'))
        .addColumn('slot', 'text', (c) => c.notNull().check(sql`slot IN ('year-1', 'year-2', 'year-3', 'final')`))
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('annual', 'final')`))
        .addColumn('year', 'integer')
        .addColumn('result', 'text', (c) => c.notNull().check(sql`result IN ('excellent', 'qualified', 'unqualified')`))
        .addColumn('duties_performance', 'text', (c) => c.notNull())
        .addColumn('comment', 'text', (c) => c.notNull())
        .addColumn('assessed_on', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('management_assessments_pk', ['certificate_code', 'slot'])
        .addCheckConstraint(
          'management_assessments_slot',
          sql`(kind = 'final' AND year IS NULL AND slot = 'final') OR (kind = 'annual' AND year BETWEEN 1 AND 3 AND slot = 'year-' || CAST(year AS TEXT))`,
        )
        .execute();

      await db.schema
        .createTable('management_events')
        .addColumn('certificate_code', 'text', (c) => c.notNull().references('management_periods.certificate_code'))
        // The order events were recorded in (1, 2, … per period): several can share a timestamp.
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('retired', 'died', 'left-sichuan', 'misconduct', 'revoked', 'benefits-stopped')`))
        .addColumn('occurred_on', 'text', (c) => c.notNull())
        .addColumn('ground', 'text', (c) => c.check(sql`ground IN ('retired', 'died', 'left-sichuan', 'revoked')`))
        .addColumn('text', 'text')
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('management_events_pk', ['certificate_code', 'kind', 'occurred_on'])
        .addUniqueConstraint('management_events_order', ['certificate_code', 'seq'])
        .addCheckConstraint('management_events_ground', sql`(kind = 'benefits-stopped') = (ground IS NOT NULL)`)
        .execute();
    },
    async down() {
      throw new Error('0004_records cannot be undone: the registry is the system of record');
    },
  };
}
