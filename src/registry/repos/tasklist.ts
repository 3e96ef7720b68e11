/**
 * What the Tasklist (任务中心) keeps beside the engine: comments on user tasks, each user's saved
 * filters, and each user's notification state (when they last looked, the day of their last daily
 * digest). The engine knows nothing of these; the server checks who may see the task before it
 * calls here, the repository checks the shape and owns the tables.
 *
 * Comments are history: they are never changed or removed, and stay after the task completes.
 * Their text is not copied into the audit trail (it may name people); the entry names the comment.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Core } from '../core.js';
import type { TaskCommentTable, TaskFilterTable } from '../db.js';
import { ConflictError, NotFoundError } from '../errors.js';
import * as v from '../validation.js';

export const MAX_COMMENT_LENGTH = 2000;
export const MAX_FILTER_NAME_LENGTH = 40;
/** The serialized filter (UTF-8 bytes of its JSON). */
export const MAX_FILTER_BYTES = 4096;

export interface TaskComment {
  id: string;
  userTaskKey: string;
  processInstanceKey: string | null;
  author: string;
  authorName: string;
  text: string;
  createdAt: string;
}

export interface TaskFilter {
  id: string;
  name: string;
  filter: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

const key = z.string().regex(/^\d{1,19}$/, 'must be an int64 key (decimal digits)');
const id = v.entityId;

const AddCommentSchema = z
  .object({
    userTaskKey: key,
    processInstanceKey: key.optional(),
    authorName: z.string().max(200, 'must be at most 200 characters'),
    text: z.string().trim().min(1, 'must not be empty').max(MAX_COMMENT_LENGTH, `must be at most ${MAX_COMMENT_LENGTH} characters`),
    by: v.actor,
  })
  .strict();

const filterObject = z
  .record(z.string(), z.unknown())
  .refine((f) => Buffer.byteLength(JSON.stringify(f), 'utf8') <= MAX_FILTER_BYTES, `must be at most ${MAX_FILTER_BYTES} bytes as JSON`);
const filterName = z.string().trim().min(1, 'must not be empty').max(MAX_FILTER_NAME_LENGTH, `must be at most ${MAX_FILTER_NAME_LENGTH} characters`);

const SaveFilterSchema = z.object({ name: filterName, filter: filterObject, by: v.actor }).strict();
const UpdateFilterSchema = z.object({ id, name: filterName, filter: filterObject, by: v.actor }).strict();
const DeleteFilterSchema = z.object({ id, by: v.actor }).strict();

const toComment = (r: Selectable<TaskCommentTable>): TaskComment => ({
  id: r.id,
  userTaskKey: r.user_task_key,
  processInstanceKey: r.process_instance_key,
  author: r.author,
  authorName: r.author_name,
  text: r.text,
  createdAt: r.created_at,
});

const toFilter = (r: Selectable<TaskFilterTable>): TaskFilter => ({
  id: r.id,
  name: r.name,
  filter: JSON.parse(r.filter) as Record<string, unknown>,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class TaskComments {
  constructor(private readonly core: Core) {}

  /** Adds a comment by `by` (its author) to a user task; the server has checked that they may see it. */
  async add(input: z.input<typeof AddCommentSchema>): Promise<TaskComment> {
    const i = v.parse('taskComments.add', AddCommentSchema, input);
    return this.core.write(i.by, async (w) => {
      const last = await w.db.selectFrom('task_comments').select((eb) => eb.fn.max('seq').as('seq')).where('user_task_key', '=', i.userTaskKey).executeTakeFirst();
      const row = {
        id: randomUUID(),
        user_task_key: i.userTaskKey,
        process_instance_key: i.processInstanceKey ?? null,
        author: i.by,
        author_name: i.authorName,
        text: i.text,
        created_at: w.at,
        seq: Number(last?.seq ?? 0) + 1,
      };
      await w.db.insertInto('task_comments').values(row).execute();
      await w.audit('task-comment.added', 'task-comment', row.id, { userTaskKey: i.userTaskKey, processInstanceKey: i.processInstanceKey, length: i.text.length });
      return toComment(row);
    });
  }

  /** The comments of a user task, oldest first. */
  async list(userTaskKey: string): Promise<TaskComment[]> {
    const k = v.parse('taskComments.list', key, userTaskKey);
    const rows = await this.core.db.selectFrom('task_comments').selectAll().where('user_task_key', '=', k).orderBy('seq').execute();
    return rows.map(toComment);
  }
}

export class TaskFilters {
  constructor(private readonly core: Core) {}

  /** The filters `owner` saved, by name. */
  async list(owner: string): Promise<TaskFilter[]> {
    const o = v.parse('taskFilters.list', v.actor, owner);
    const rows = await this.core.db.selectFrom('task_filters').selectAll().where('owner', '=', o).orderBy('name').orderBy('id').execute();
    return rows.map(toFilter);
  }

  async save(input: z.input<typeof SaveFilterSchema>): Promise<TaskFilter> {
    const i = v.parse('taskFilters.save', SaveFilterSchema, input);
    return this.core.write(i.by, async (w) => {
      await this.checkNameFree(w.db, i.by, i.name);
      const row = { id: randomUUID(), owner: i.by, name: i.name, filter: JSON.stringify(i.filter), created_at: w.at, updated_at: w.at };
      await w.db.insertInto('task_filters').values(row).execute();
      await w.audit('task-filter.saved', 'task-filter', row.id, { owner: i.by });
      return toFilter(row);
    });
  }

  /** Replaces name and filter of one of `by`'s filters; another user's filter is not found. */
  async update(input: z.input<typeof UpdateFilterSchema>): Promise<TaskFilter> {
    const i = v.parse('taskFilters.update', UpdateFilterSchema, input);
    return this.core.write(i.by, async (w) => {
      const current = await w.db.selectFrom('task_filters').selectAll().where('id', '=', i.id).where('owner', '=', i.by).executeTakeFirst();
      if (!current) throw new NotFoundError('task filter', i.id);
      if (current.name !== i.name) await this.checkNameFree(w.db, i.by, i.name);
      const row = await w.db
        .updateTable('task_filters')
        .set({ name: i.name, filter: JSON.stringify(i.filter), updated_at: w.at })
        .where('id', '=', i.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await w.audit('task-filter.updated', 'task-filter', i.id, { owner: i.by });
      return toFilter(row);
    });
  }

  async remove(input: z.input<typeof DeleteFilterSchema>): Promise<void> {
    const i = v.parse('taskFilters.remove', DeleteFilterSchema, input);
    await this.core.write(i.by, async (w) => {
      const gone = await w.db.deleteFrom('task_filters').where('id', '=', i.id).where('owner', '=', i.by).returning('id').executeTakeFirst();
      if (!gone) throw new NotFoundError('task filter', i.id);
      await w.audit('task-filter.deleted', 'task-filter', i.id, { owner: i.by });
    });
  }

  private async checkNameFree(db: Core['db'], owner: string, name: string): Promise<void> {
    const taken = await db.selectFrom('task_filters').select('id').where('owner', '=', owner).where('name', '=', name).executeTakeFirst();
    if (taken) throw new ConflictError(`taskFilters: ${owner} already has a filter named ${JSON.stringify(name)} (${taken.id})`);
  }
}

export interface TasklistUserState {
  notificationsSeenAt: string | null;
  digestSentOn: string | null;
}

const DigestSentSchema = z.object({ username: v.actor, on: v.date, by: v.actor }).strict();

/** Per-user notification state: when the badge was last cleared, the day of the last digest. */
export class TasklistUsers {
  constructor(private readonly core: Core) {}

  async get(username: string): Promise<TasklistUserState> {
    const u = v.parse('tasklistUsers.get', v.actor, username);
    const row = await this.core.db.selectFrom('tasklist_users').selectAll().where('username', '=', u).executeTakeFirst();
    return { notificationsSeenAt: row?.notifications_seen_at ?? null, digestSentOn: row?.digest_sent_on ?? null };
  }

  /** The notifications are seen now (the registry clock: the engine's, in embedded mode). */
  async markSeen(username: string): Promise<string> {
    const u = v.parse('tasklistUsers.markSeen', v.actor, username);
    return this.core.write(u, async (w) => {
      await w.db
        .insertInto('tasklist_users')
        .values({ username: u, notifications_seen_at: w.at, digest_sent_on: null })
        .onConflict((oc) => oc.column('username').doUpdateSet({ notifications_seen_at: w.at }))
        .execute();
      await w.audit('tasklist.notifications-seen', 'tasklist-user', u, { at: w.at });
      return w.at;
    });
  }

  /**
   * Records that `username`'s digest of day `on` was sent. Once per day: false (nothing written)
   * when that day's, or a later one's, was already recorded — another server sent it first.
   */
  async recordDigestSent(input: z.input<typeof DigestSentSchema>): Promise<boolean> {
    const i = v.parse('tasklistUsers.recordDigestSent', DigestSentSchema, input);
    const current = await this.get(i.username);
    if (current.digestSentOn !== null && current.digestSentOn >= i.on) return false;
    return this.core.write(i.by, async (w) => {
      const row = await w.db.selectFrom('tasklist_users').select('digest_sent_on').where('username', '=', i.username).executeTakeFirst();
      if (row?.digest_sent_on && row.digest_sent_on >= i.on) {
        await w.audit('tasklist.digest-repeated', 'tasklist-user', i.username, { on: i.on });
        return false;
      }
      await w.db
        .insertInto('tasklist_users')
        .values({ username: i.username, notifications_seen_at: null, digest_sent_on: i.on })
        .onConflict((oc) => oc.column('username').doUpdateSet({ digest_sent_on: i.on }))
        .execute();
      await w.audit('tasklist.digest-sent', 'tasklist-user', i.username, { on: i.on });
      return true;
    });
  }
}
