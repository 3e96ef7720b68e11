/**
 * 0001: the registry's first schema. Tables, keys, checks, indexes, the audit trail's head row and
 * the triggers that keep audit_log append-only. Types follow db.ts: TEXT dates and timestamps,
 * INTEGER 0/1 flags, TEXT JSON.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../db.js';

/** Hash of the (absent) entry before the first: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

export function initial(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      const flag = (name: string) => sql.raw(`${name} IN (0, 1)`);

      await db.schema
        .createTable('meta')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      // ---- audit trail
      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addCheckConstraint('audit_head_single_row', sql`id = 1`)
        .execute();
      await db.insertInto('audit_head').values({ id: 1, seq: 0, hash: GENESIS_HASH }).execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('entity_type', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_by_entity').on('audit_log').columns(['entity_type', 'entity_id', 'seq']).execute();

      // ---- enterprises and their evaluator filings
      await db.schema
        .createTable('enterprises')
        .addColumn('credit_code', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('division_code', 'text', (c) => c.notNull())
        .addColumn('province', 'text', (c) => c.notNull())
        .addColumn('above_scale', 'integer', (c) => c.notNull())
        .addColumn('large', 'integer', (c) => c.notNull())
        .addColumn('provincially_filed', 'integer', (c) => c.notNull())
        .addColumn('chain_leader', 'integer', (c) => c.notNull())
        .addColumn('self_evaluation_since', 'text')
        .addColumn('senior_recognition_done', 'integer', (c) => c.notNull())
        .addColumn('senior_recognition_on', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addCheckConstraint('enterprises_flags', sql`${flag('above_scale')} AND ${flag('large')} AND ${flag('provincially_filed')} AND ${flag('chain_leader')} AND ${flag('senior_recognition_done')}`)
        .execute();

      await db.schema
        .createTable('evaluator_filings')
        .addColumn('credit_code', 'text', (c) => c.notNull().references('enterprises.credit_code'))
        .addColumn('level', 'text', (c) => c.notNull().check(sql`level IN ('T', 'S')`))
        .addColumn('category', 'text', (c) => c.notNull().check(sql`category IN ('Y', 'S')`))
        .addColumn('evaluator_code', 'text', (c) => c.notNull())
        .addColumn('province', 'text', (c) => c.notNull())
        .addColumn('site_serial', 'text', (c) => c.notNull())
        .addColumn('evaluator_key', 'text', (c) => c.notNull())
        .addColumn('authority', 'text', (c) => c.notNull().check(sql`authority IN ('province', 'mohrss')`))
        .addColumn('filed_on', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('active', 'suspended', 'revoked')`))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('evaluator_filings_pk', ['credit_code', 'level'])
        .execute();
      await db.schema.createIndex('evaluator_filings_by_key').on('evaluator_filings').column('evaluator_key').execute();

      // ---- campaigns, applications
      await db.schema
        .createTable('campaigns')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('jurisdiction', 'text', (c) => c.notNull().check(sql`jurisdiction IN ('national', 'guangdong', 'fujian', 'sichuan')`))
        .addColumn('credit_code', 'text', (c) => c.notNull().references('enterprises.credit_code'))
        .addColumn('levels', 'text', (c) => c.notNull())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('batch', 'integer')
        .addColumn('deadline', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('process_instance_key', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('campaigns_by_enterprise').on('campaigns').columns(['credit_code', 'year']).execute();

      await db.schema
        .createTable('applications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id'))
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('applicant_name', 'text', (c) => c.notNull())
        .addColumn('applicant_id_hash', 'text', (c) => c.notNull())
        .addColumn('applicant_id_masked', 'text', (c) => c.notNull())
        .addColumn('applicant_id_enc', 'text', (c) => c.notNull())
        .addColumn('applicant', 'text', (c) => c.notNull())
        .addColumn('eligibility', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('applications_one_per_person', ['campaign_id', 'applicant_id_hash', 'level'])
        .execute();
      await db.schema.createIndex('applications_by_person').on('applications').column('applicant_id_hash').execute();

      await db.schema
        .createTable('application_history')
        .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('by', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('why', 'text')
        .addPrimaryKeyConstraint('application_history_pk', ['application_id', 'seq'])
        .execute();

      // ---- publicity notices and objections
      await db.schema
        .createTable('notices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('window_start', 'text', (c) => c.notNull())
        .addColumn('window_end', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text', (c) => c.notNull())
        .addColumn('entries', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('draft', 'published', 'closed')`))
        .addColumn('published_at', 'text')
        .addColumn('closed_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('notices_by_campaign').on('notices').column('campaign_id').execute();

      await db.schema
        .createTable('objections')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('notice_id', 'text', (c) => c.notNull().references('notices.id'))
        .addColumn('submitter_contact', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome IN ('pending', 'upheld', 'rejected')`))
        .addColumn('investigator', 'text')
        .addColumn('resolution', 'text')
        .addColumn('closed_at', 'text')
        .addColumn('application_id', 'text', (c) => c.references('applications.id'))
        .execute();
      await db.schema.createIndex('objections_by_notice').on('objections').column('notice_id').execute();

      // ---- certificates and their serial counters
      await db.schema
        .createTable('certificates')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('holder_name', 'text', (c) => c.notNull())
        .addColumn('holder_id_hash', 'text', (c) => c.notNull())
        .addColumn('holder_id_masked', 'text', (c) => c.notNull())
        .addColumn('holder_id_enc', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('occupation_code', 'text', (c) => c.notNull())
        .addColumn('occupation_name', 'text', (c) => c.notNull())
        .addColumn('evaluator_credit_code', 'text', (c) => c.notNull().references('enterprises.credit_code'))
        .addColumn('evaluator_key', 'text', (c) => c.notNull())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('serial', 'integer', (c) => c.notNull().check(sql`serial BETWEEN 1 AND 999999`))
        .addColumn('issued_on', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('valid', 'revoked')`))
        .addColumn('revoked_reason', 'text')
        .addColumn('revoked_on', 'text')
        .addColumn('application_id', 'text', (c) => c.references('applications.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('certificates_serial_once', ['evaluator_key', 'year', 'level', 'serial'])
        .execute();
      await db.schema.createIndex('certificates_by_holder').on('certificates').column('holder_id_hash').execute();

      await db.schema
        .createTable('serial_counters')
        .addColumn('evaluator_key', 'text', (c) => c.notNull())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('last_serial', 'integer', (c) => c.notNull().check(sql`last_serial BETWEEN 0 AND 999999`))
        .addPrimaryKeyConstraint('serial_counters_pk', ['evaluator_key', 'year', 'level'])
        .execute();

      // ---- bans (003 六(四); 002 七(四))
      await db.schema
        .createTable('bans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject', 'text', (c) => c.notNull().check(sql`subject IN ('person', 'enterprise')`))
        .addColumn('id_hash', 'text')
        .addColumn('id_masked', 'text')
        .addColumn('credit_code', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('basis', 'text', (c) => c.notNull())
        .addColumn('decided_on', 'text', (c) => c.notNull())
        .addColumn('disqualified_year', 'integer', (c) => c.notNull())
        .addColumn('until', 'text', (c) => c.notNull())
        .addColumn('lifted_on', 'text')
        .addColumn('lift_reason', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'bans_subject',
          sql`(subject = 'person' AND id_hash IS NOT NULL AND credit_code IS NULL) OR (subject = 'enterprise' AND credit_code IS NOT NULL AND id_hash IS NULL)`,
        )
        .execute();
      await db.schema.createIndex('bans_by_person').on('bans').column('id_hash').execute();
      await db.schema.createIndex('bans_by_enterprise').on('bans').column('credit_code').execute();

      // ---- Sichuan recommendation quotas (001 四(六))
      await db.schema
        .createTable('quotas')
        .addColumn('credit_code', 'text', (c) => c.notNull().references('enterprises.credit_code'))
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull().check(sql`level IN ('T', 'S')`))
        .addColumn('quota', 'integer', (c) => c.notNull())
        .addColumn('reserved', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('quotas_pk', ['credit_code', 'year', 'level'])
        .addCheckConstraint('quotas_bounds', sql`quota >= 0 AND reserved >= 0 AND reserved <= quota`)
        .execute();

      await db.schema
        .createTable('quota_reservations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('credit_code', 'text', (c) => c.notNull())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('reserved', 'released')`))
        .addColumn('reserved_at', 'text', (c) => c.notNull())
        .addColumn('released_at', 'text')
        .addForeignKeyConstraint('quota_reservations_quota', ['credit_code', 'year', 'level'], 'quotas', ['credit_code', 'year', 'level'])
        .execute();

      // ---- archive (002 七(四))
      await db.schema
        .createTable('archives')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id'))
        .addColumn('retention_class', 'text', (c) => c.notNull().check(sql`retention_class IN ('paper', 'electronic')`))
        .addColumn('archived_on', 'text', (c) => c.notNull())
        .addColumn('retain_until', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('archived', 'purged')`))
        .addColumn('content', 'text')
        .addColumn('purged_on', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('archives_one_per_class', ['campaign_id', 'retention_class'])
        .execute();

      // ---- audit_log is append-only. The hash chain detects what gets past these (someone who
      // drops the triggers, or edits the file); the triggers stop mistakes and casual edits.
      if (dialect === 'sqlite') {
        await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db);
        await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db);
      } else {
        await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`.execute(db);
        await sql`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
        await sql`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(db);
      }
    },
    async down() {
      throw new Error('0001_initial cannot be undone: the registry is the system of record');
    },
  };
}
