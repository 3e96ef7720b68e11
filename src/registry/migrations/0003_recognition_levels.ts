/**
 * 0003: Sichuan direct recognition (职业技能等级直接认定, 001 附件2) in the registry.
 *
 * - `campaigns.kind`: `appraisal` (评聘 of 特级技师 / 首席技师, levels T and S; every campaign before
 *   this migration) or `recognition` (a direct-recognition round, levels 5…1, 001 附件2 一(三)). The
 *   repository checks a campaign's levels against its kind; `levels` is JSON, so no CHECK can.
 * - `evaluator_filings.level` may now be 5…1 as well as T and S: a unit issues 技师 / 高级技师
 *   certificates under its filing for that level (001 附件1 注2: code position 16 is `5`…`1`, `T`,
 *   `S`). PostgreSQL drops and re-adds the CHECK; SQLite cannot alter a CHECK, so the table is
 *   rebuilt (rows, primary key, foreign key to enterprises and the evaluator-key index kept).
 *   Quotas stay T / S: Sichuan's recommendation quotas are for 特级技师 / 首席技师 only (001 四(六)).
 * - `skills_center_reports`: the report of a round's recognition data to the skills center of the
 *   filing place (备案地职业技能鉴定中心, 001 附件2 四), one per round.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../db.js';

const FILING_LEVELS = sql.raw(`level IN ('T', 'S', '5', '4', '3', '2', '1')`);

export function recognitionLevels(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('campaigns')
        .addColumn('kind', 'text', (c) => c.notNull().defaultTo('appraisal').check(sql`kind IN ('appraisal', 'recognition')`))
        .execute();

      if (dialect === 'postgres') {
        // 0001 declared the CHECK on the column, so PostgreSQL named it; find it rather than guess.
        const checks = await sql<{ conname: string }>`
          SELECT conname FROM pg_constraint
          WHERE conrelid = 'evaluator_filings'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%level%'`.execute(db);
        for (const { conname } of checks.rows) await sql`ALTER TABLE evaluator_filings DROP CONSTRAINT ${sql.id(conname)}`.execute(db);
        await sql`ALTER TABLE evaluator_filings ADD CONSTRAINT evaluator_filings_level CHECK (${FILING_LEVELS})`.execute(db);
      } else {
        // SQLite: the documented 12-step rebuild, inside the migration's transaction. No table
        // references evaluator_filings, so foreign keys can stay on while the old table is dropped.
        await db.schema
          .createTable('evaluator_filings_0003')
          .addColumn('credit_code', 'text', (c) => c.notNull().references('enterprises.credit_code'))
          .addColumn('level', 'text', (c) => c.notNull().check(FILING_LEVELS))
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
        const columns = sql.raw('credit_code, level, category, evaluator_code, province, site_serial, evaluator_key, authority, filed_on, status, updated_at');
        await sql`INSERT INTO evaluator_filings_0003 (${columns}) SELECT ${columns} FROM evaluator_filings`.execute(db);
        await db.schema.dropTable('evaluator_filings').execute();
        await db.schema.alterTable('evaluator_filings_0003').renameTo('evaluator_filings').execute();
        await db.schema.createIndex('evaluator_filings_by_key').on('evaluator_filings').column('evaluator_key').execute();
      }

      await db.schema
        .createTable('skills_center_reports')
        .addColumn('campaign_id', 'text', (c) => c.primaryKey().references('campaigns.id'))
        .addColumn('credit_code', 'text', (c) => c.notNull().references('enterprises.credit_code'))
        .addColumn('recipient_division_code', 'text', (c) => c.notNull())
        .addColumn('recipient_name', 'text', (c) => c.notNull())
        .addColumn('filing_number', 'text')
        .addColumn('filed_on', 'text')
        .addColumn('reported_on', 'text', (c) => c.notNull())
        .addColumn('records', 'text', (c) => c.notNull())
        .addColumn('record_count', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down() {
      throw new Error('0003_recognition_levels cannot be undone: the registry is the system of record');
    },
  };
}
