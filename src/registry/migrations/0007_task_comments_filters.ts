/**
 * 0007: what the Tasklist (任务中心) keeps beside the engine, for the clerks.
 *
 * - `task_comments`: comments on a user task (who, when, what), kept after the task completes as
 *   part of its history. The engine's user task key and process instance key are int64 keys, TEXT
 *   as everywhere in the registry. The author's display name is copied at the time of writing, so
 *   the history reads as it was written even after the account is renamed or removed.
 * - `task_filters`: saved task-list filters, one set per user; names unique per user. The filter is
 *   the page's JSON (opaque to the server, bounded in size by the API).
 * - `tasklist_users`: per-user Tasklist state: when the notifications were last seen (the badge
 *   counts new tasks after it), and the China date of the last daily digest sent (so a restart on
 *   the same day does not send it again). No row until the user first needs one.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export function taskCommentsAndFilters(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('task_comments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_task_key', 'text', (c) => c.notNull())
        .addColumn('process_instance_key', 'text')
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('author_name', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addCheckConstraint('task_comments_text', sql`length(text) BETWEEN 1 AND 2000`)
        .execute();
      await db.schema.createIndex('task_comments_by_task').on('task_comments').columns(['user_task_key', 'seq']).unique().execute();

      await db.schema
        .createTable('task_filters')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('filter', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('task_filters_by_owner_name').on('task_filters').columns(['owner', 'name']).unique().execute();

      await db.schema
        .createTable('tasklist_users')
        .addColumn('username', 'text', (c) => c.primaryKey())
        .addColumn('notifications_seen_at', 'text')
        .addColumn('digest_sent_on', 'text')
        .execute();
    },
    async down() {
      throw new Error('0007_task_comments_filters cannot be undone: the registry is the system of record');
    },
  };
}
