/**
 * 0005: what the publicity workers were given but the registry dropped, and keys for their repeats.
 *
 * - `notices.title`: the notice's title as published (公示标题). Rows written before this migration
 *   had none; they get a title derived from their kind (the same wording the investigation form
 *   shows for the kind), so every notice has one and nothing has to treat an old row specially.
 *   The derived titles are written out here rather than imported: a shipped migration must not
 *   change when the repository's wording does.
 * - `objections.investigated_on`: the date the investigation concluded (调查完成日期), recorded with
 *   the outcome. NULL for objections still pending and for those decided before this migration.
 * - `notices.idempotency_key`, `objections.idempotency_key`: a caller-supplied key (a worker's job
 *   or process instance, a message id) under which a create/file is done once; a repeat with the same
 *   content returns the stored row, a different content is refused. NULL for rows made without one
 *   (unique indexes admit any number of NULLs on both SQLite and PostgreSQL).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../db.js';

/** Titles for notices that predate `title`, by kind (as of 0005). */
const TITLES_0005: Record<string, string> = {
  plan: '评聘（认定）工作方案公示',
  candidates: '参评人员基本情况和业绩材料公示',
  proposed: '拟评聘人员名单公示',
  results: '评审结果公示',
  'chief-list': '首席技师入选名单公示',
};

export function noticeRecords(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      // SQLite adds a NOT NULL column only with a default; '' is replaced at once for every existing
      // row, and the repository always writes a title. PostgreSQL drops the default afterwards, so a
      // row written around the repository without a title is refused there.
      await db.schema
        .alterTable('notices')
        .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      const cases = Object.entries(TITLES_0005).map(([kind, title]) => sql`WHEN ${sql.lit(kind)} THEN ${sql.lit(title)}`);
      await sql`UPDATE notices SET title = CASE kind ${sql.join(cases, sql` `)} ELSE ${sql.lit('公示')} END`.execute(db);
      if (dialect === 'postgres') await sql`ALTER TABLE notices ALTER COLUMN title DROP DEFAULT`.execute(db);

      await db.schema.alterTable('notices').addColumn('idempotency_key', 'text').execute();
      await db.schema.createIndex('notices_by_idempotency_key').on('notices').column('idempotency_key').unique().execute();

      await db.schema.alterTable('objections').addColumn('investigated_on', 'text').execute();
      await db.schema.alterTable('objections').addColumn('idempotency_key', 'text').execute();
      await db.schema.createIndex('objections_by_idempotency_key').on('objections').column('idempotency_key').unique().execute();
    },
  };
}
