/**
 * Publicity notices (公示; ≥ 5 working days: 002 五(一)3, 003 四(三), 000 附件3 三(二)(三)) and the
 * objections filed against them (异议).
 *
 * The published list is public: ID numbers are masked on the way in (an entry's `idNumber` is
 * stored as `4401**********123X`), phone numbers too, and an entry with a clear ID number in any
 * other field is refused. The window itself (working days, 23:59:59 Asia/Shanghai) is computed by
 * the domain calendar; the registry stores it and checks that it is coherent.
 *
 * Objections come from the intake (`intake.ts`): the channel files the submission there first (name,
 * contact and text encrypted, masked forms kept), and `objections.file({submissionId})` links it to
 * the notice, one objection per submission. An objection keeps only the masked display of its
 * submitter (`submitterContact`, e.g. `张*（138****5678）`) and the masked text; the clear ones are read
 * through `intake.getWithContact`, which is audited.
 *
 * Repeatable writes (a job worker redelivered after a crash, a message delivered twice) are keyed:
 * `notices.create` and `objections.file` take an optional caller-supplied `idempotencyKey` (e.g.
 * `pingpin.publicity.publish#<processInstanceKey>`); a repeat with the same content returns the
 * stored row with a `…-repeated` audit entry, a different content under the same key is a
 * ConflictError naming the key and what differs. `objections.decide` is keyed by the objection
 * itself (it is decided once), `notices.close` by the notice.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { chinaDate } from '../../domain/china-time.js';
import type { Json } from '../audit.js';
import type { Core, WriteContext } from '../core.js';
import type { NoticeTable, ObjectionTable } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { maskIdNumber } from '../personal-data.js';
import * as v from '../validation.js';
import type { Submission } from './intake.js';

export const NOTICE_KINDS = [
  /** the appraisal plan, public to all staff (003 四; 002 五(一); 000 附件3 三(一)) */
  'plan',
  /** candidates' basic information and performance (Fujian, 000 附件3 三(二)) */
  'candidates',
  /** the proposed list (拟评聘名单; 003 四(三); 002 五(一)3) */
  'proposed',
  /** the results (000 附件3 三(三); Sichuan provincial publicity, 001 四(六)(七)) */
  'results',
  /** the 首席技师 list published by the provincial HRSS (002 五(二)) */
  'chief-list',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/**
 * The title of a notice created without one, by kind. Migration 0005 gave notices that predate
 * titles the same wording (it keeps its own copy, as a shipped migration must).
 */
export const DEFAULT_NOTICE_TITLES: Readonly<Record<NoticeKind, string>> = {
  plan: '评聘（认定）工作方案公示',
  candidates: '参评人员基本情况和业绩材料公示',
  proposed: '拟评聘人员名单公示',
  results: '评审结果公示',
  'chief-list': '首席技师入选名单公示',
};
export type NoticeStatus = 'draft' | 'published' | 'closed';

export interface NoticeEntry {
  name: string;
  /** Masked: `4401**********123X`. */
  idNumber?: string;
  [key: string]: Json | undefined;
}

export interface Notice {
  id: string;
  campaignId: string;
  kind: NoticeKind;
  /** The title as published (公示标题); derived from the kind for notices made without one. */
  title: string;
  windowStart: string;
  windowEnd: string;
  /** The instant the window closes (23:59:59 Asia/Shanghai of windowEnd), ISO UTC. */
  endsAt: string;
  entries: NoticeEntry[];
  status: NoticeStatus;
  publishedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** The key the notice was created under, if any. */
  idempotencyKey: string | null;
}

/** What `notices.close` returns: the closed notice and, read in the same transaction, its objections still pending. */
export interface ClosedNotice extends Notice {
  openObjections: number;
}

export type ObjectionOutcome = 'pending' | 'upheld' | 'rejected';

export interface Objection {
  id: string;
  noticeId: string;
  /** Masked: the submitter and contact as they may be shown, `张*（138****5678）` (the clear ones: `intake.getWithContact(submissionId)`). */
  submitterContact: string;
  /** Masked like the submission's text (phone numbers, e-mail addresses and ID numbers). */
  text: string;
  receivedAt: string;
  outcome: ObjectionOutcome;
  investigator: string | null;
  resolution: string | null;
  closedAt: string | null;
  applicationId: string | null;
  /** The date the investigation concluded (YYYY-MM-DD), recorded with the outcome; null while pending or when not given. */
  investigatedOn: string | null;
  /** The key the objection was filed under, if any. */
  idempotencyKey: string | null;
  /** The intake submission it was filed from (objections filed before 0006: the one their contact was moved to). */
  submissionId: string | null;
}

/** The masked display of an objection's submitter, as `objections.submitter_contact` keeps it: `张*（138****5678）`. */
export const objectorDisplay = (s: Pick<Submission, 'submitterMasked' | 'contactMasked'>): string => `${s.submitterMasked ?? '未署名'}（${s.contactMasked ?? '未留联系方式'}）`;

const CLEAR_ID = /\d{17}[\dXx]/;
const PHONE = /^1[3-9]\d{9}$/;

const jsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number().refine(Number.isFinite, 'must be a finite number'), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

function findClearId(value: Json, path: (string | number)[]): (string | number)[] | undefined {
  if (typeof value === 'string') return CLEAR_ID.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) {
      const hit = findClearId(value[k]!, [...path, k]);
      if (hit) return hit;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, x] of Object.entries(value)) {
      const hit = findClearId(x, [...path, k]);
      if (hit) return hit;
    }
  }
  return undefined;
}

const entrySchema = z
  .object({
    name: v.text(100),
    idNumber: v.idNumber.optional(),
    phone: z.string().regex(PHONE, 'must be a mainland mobile number (11 digits)').optional(),
  })
  .catchall(jsonValue)
  .superRefine((entry, ctx) => {
    const { idNumber: _i, ...rest } = entry;
    const hit = findClearId(rest as Json, []);
    if (hit) ctx.addIssue({ code: 'custom', path: hit, message: 'looks like a clear ID number: pass it as idNumber, which is masked before it is stored' });
  });

const id = v.entityId;

/** A caller's key for a write done once: a job, a process instance, a message id. */
const idempotencyKey = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

/** The title is public like the entries: a clear ID number in it is refused (entries mask theirs). */
const title = v.text(200).refine((t) => !CLEAR_ID.test(t), 'looks like a clear ID number: a public title must not carry one');

const CreateNoticeSchema = z
  .object({
    campaignId: id,
    kind: z.enum(NOTICE_KINDS, { error: `must be one of ${NOTICE_KINDS.join(', ')}` }),
    /** Defaults to the kind's title (DEFAULT_NOTICE_TITLES). */
    title: title.optional(),
    windowStart: v.date,
    windowEnd: v.date,
    endsAt: v.timestamp,
    entries: z.array(entrySchema).max(10_000, 'must have at most 10000 entries'),
    idempotencyKey: idempotencyKey.optional(),
    by: v.actor,
  })
  .strict()
  .superRefine((n, ctx) => {
    if (n.windowEnd < n.windowStart) ctx.addIssue({ code: 'custom', path: ['windowEnd'], message: 'must not be before windowStart' });
    if (chinaDate(new Date(n.endsAt)) !== n.windowEnd) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must fall on windowEnd in Asia/Shanghai (e.g. 23:59:59+08:00 of that day)' });
    }
  });
export type CreateNoticeInput = z.input<typeof CreateNoticeSchema>;

const NoticeActionSchema = z.object({ id, by: v.actor }).strict();

const FileObjectionSchema = z
  .object({
    noticeId: id,
    /** The intake submission (`intake.file`) the objection comes from: its submitter, contact and text. */
    submissionId: id,
    /** The application it concerns, when it is on the notice: the one the submission names. */
    applicationId: id.optional(),
    idempotencyKey: idempotencyKey.optional(),
    by: v.actor,
  })
  .strict();
export type FileObjectionInput = z.input<typeof FileObjectionSchema>;

const AssignSchema = z.object({ id, investigator: v.actor, by: v.actor }).strict();
const DecideSchema = z
  .object({
    id,
    outcome: z.enum(['upheld', 'rejected'], { error: "must be 'upheld' or 'rejected'" }),
    resolution: v.text(10_000),
    /** The application the objection turned out to concern, when the investigation found it. */
    applicationId: id.optional(),
    /** The date the investigation concluded: not before the objection was received, not after today (Asia/Shanghai). */
    investigatedOn: v.date.optional(),
    by: v.actor,
  })
  .strict();
export type DecideObjectionInput = z.input<typeof DecideSchema>;

function maskEntry(entry: Record<string, Json>): NoticeEntry {
  const out: Record<string, Json> = { ...entry };
  if (typeof out.idNumber === 'string') out.idNumber = maskIdNumber(out.idNumber);
  if (typeof out.phone === 'string') out.phone = `${out.phone.slice(0, 3)}****${out.phone.slice(7)}`;
  return out as NoticeEntry;
}

function toNotice(r: Selectable<NoticeTable>): Notice {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    kind: r.kind as NoticeKind,
    title: r.title,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    endsAt: r.ends_at,
    entries: JSON.parse(r.entries) as NoticeEntry[],
    status: r.status as NoticeStatus,
    publishedAt: r.published_at,
    closedAt: r.closed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    idempotencyKey: r.idempotency_key,
  };
}

function toObjection(r: Selectable<ObjectionTable>): Objection {
  return {
    id: r.id,
    noticeId: r.notice_id,
    submitterContact: r.submitter_contact,
    text: r.text,
    receivedAt: r.received_at,
    outcome: r.outcome as ObjectionOutcome,
    investigator: r.investigator,
    resolution: r.resolution,
    closedAt: r.closed_at,
    applicationId: r.application_id,
    investigatedOn: r.investigated_on,
    idempotencyKey: r.idempotency_key,
    submissionId: r.submission_id,
  };
}

/** The columns of `stored` that differ from `wanted` (what a keyed repeat must not change). */
function differing<T extends object>(stored: T, wanted: T, columns: readonly (keyof T)[]): string[] {
  return columns.filter((c) => stored[c] !== wanted[c]).map(String);
}

async function countPending(db: WriteContext['db'], noticeId: string): Promise<number> {
  const row = await db
    .selectFrom('objections')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('notice_id', '=', noticeId)
    .where('outcome', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export class Notices {
  constructor(private readonly core: Core) {}

  /**
   * A draft notice; its entries are masked now, before anything is stored. With an
   * `idempotencyKey`, a repeat (same campaign, kind, title, window and entries) returns the notice
   * made under that key, whatever its status now; anything else under the key is a ConflictError.
   */
  async create(input: CreateNoticeInput): Promise<Notice> {
    const i = v.parse('notices.create', CreateNoticeSchema, input);
    return this.core.write(i.by, async (w) => {
      const row = {
        id: randomUUID(),
        campaign_id: i.campaignId,
        kind: i.kind,
        title: i.title ?? DEFAULT_NOTICE_TITLES[i.kind],
        window_start: i.windowStart,
        window_end: i.windowEnd,
        ends_at: new Date(i.endsAt).toISOString(),
        entries: JSON.stringify(i.entries.map(maskEntry)),
        status: 'draft',
        published_at: null,
        closed_at: null,
        created_at: w.at,
        updated_at: w.at,
        idempotency_key: i.idempotencyKey ?? null,
      };
      if (i.idempotencyKey !== undefined) {
        // Looked up before anything else: a repeat is answered even if the campaign has moved on.
        const prior = await w.db.selectFrom('notices').selectAll().where('idempotency_key', '=', i.idempotencyKey).executeTakeFirst();
        if (prior) {
          const differs = differing(prior, row, ['campaign_id', 'kind', 'title', 'window_start', 'window_end', 'ends_at', 'entries']);
          if (differs.length > 0) {
            throw new ConflictError(`notices.create: idempotency key ${i.idempotencyKey} was used for notice ${prior.id} (created ${prior.created_at}), which differs in ${differs.join(', ')}`);
          }
          await w.audit('notice.create-repeated', 'notice', prior.id, { idempotencyKey: i.idempotencyKey });
          return toNotice(prior);
        }
      }
      const campaign = await w.db.selectFrom('campaigns').select('id').where('id', '=', i.campaignId).executeTakeFirst();
      if (!campaign) throw new NotFoundError('campaign', i.campaignId);
      await w.db.insertInto('notices').values(row).execute();
      await w.audit('notice.created', 'notice', row.id, {
        campaignId: i.campaignId,
        kind: i.kind,
        title: row.title,
        windowStart: i.windowStart,
        windowEnd: i.windowEnd,
        endsAt: row.ends_at,
        entries: i.entries.length,
        idempotencyKey: i.idempotencyKey,
      });
      return toNotice(row);
    });
  }

  async publish(input: z.input<typeof NoticeActionSchema>): Promise<Notice> {
    const i = v.parse('notices.publish', NoticeActionSchema, input);
    return this.core.write(i.by, async (w) => {
      const current = await w.db.selectFrom('notices').selectAll().where('id', '=', i.id).executeTakeFirst();
      if (!current) throw new NotFoundError('notice', i.id);
      if (current.status !== 'draft') throw new ConflictError(`notice ${i.id} is ${current.status}: only a draft can be published`);
      if (w.at > current.ends_at) throw new ConflictError(`notice ${i.id}: its window ended at ${current.ends_at}; make a new notice with a new window`);
      const row = await w.db
        .updateTable('notices')
        .set({ status: 'published', published_at: w.at, updated_at: w.at })
        .where('id', '=', i.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await w.audit('notice.published', 'notice', i.id);
      return toNotice(row);
    });
  }

  /**
   * Closes a published notice once its window has ended (the period must run in full) and reports,
   * in the same transaction, how many of its objections are still under investigation
   * (`openObjections`). Closing does not wait for them: the window's end is fixed (the period runs
   * exactly), and closing is what stops new objections; since objections are filed only while the
   * notice is published and writes are serialized, the count cannot grow afterwards — the caller
   * waits for exactly these. Closing a closed notice again (a redelivered job) returns it with the
   * count as it is now and an `notice.close-repeated` audit entry.
   */
  async close(input: z.input<typeof NoticeActionSchema>): Promise<ClosedNotice> {
    const i = v.parse('notices.close', NoticeActionSchema, input);
    return this.core.write(i.by, async (w) => {
      const current = await w.db.selectFrom('notices').selectAll().where('id', '=', i.id).executeTakeFirst();
      if (!current) throw new NotFoundError('notice', i.id);
      if (current.status === 'closed') {
        const openObjections = await countPending(w.db, i.id);
        await w.audit('notice.close-repeated', 'notice', i.id, { pendingObjections: openObjections });
        return { ...toNotice(current), openObjections };
      }
      if (current.status !== 'published') throw new ConflictError(`notice ${i.id} is ${current.status}: only a published notice can be closed`);
      if (w.at <= current.ends_at) throw new ConflictError(`notice ${i.id}: the publicity period runs until ${current.ends_at}; it cannot close earlier`);
      const openObjections = await countPending(w.db, i.id);
      const row = await w.db.updateTable('notices').set({ status: 'closed', closed_at: w.at, updated_at: w.at }).where('id', '=', i.id).returningAll().executeTakeFirstOrThrow();
      await w.audit('notice.closed', 'notice', i.id, { pendingObjections: openObjections });
      return { ...toNotice(row), openObjections };
    });
  }

  async get(noticeId: string): Promise<Notice | undefined> {
    const row = await this.core.db.selectFrom('notices').selectAll().where('id', '=', noticeId).executeTakeFirst();
    return row && toNotice(row);
  }

  /** The notice created under `key`, if any (a worker looking for what its first delivery did). */
  async byIdempotencyKey(key: string): Promise<Notice | undefined> {
    const k = v.parse('notices.byIdempotencyKey', idempotencyKey, key);
    const row = await this.core.db.selectFrom('notices').selectAll().where('idempotency_key', '=', k).executeTakeFirst();
    return row && toNotice(row);
  }

  async list(filter: { campaignId: string; status?: NoticeStatus }): Promise<Notice[]> {
    const f = v.parse('notices.list', z.object({ campaignId: id, status: z.enum(['draft', 'published', 'closed']).optional() }).strict(), filter);
    let q = this.core.db.selectFrom('notices').selectAll().where('campaign_id', '=', f.campaignId).orderBy('created_at').orderBy('id');
    if (f.status) q = q.where('status', '=', f.status);
    return (await q.execute()).map(toNotice);
  }
}

export class Objections {
  constructor(private readonly core: Core) {}

  /**
   * Files the objection of an intake submission against its notice: the notice must still be
   * published and the submission must have been received by the end of the window (`endsAt`) — the
   * time the channel received it counts, not the time it is filed here. The objection keeps the
   * masked display of the submitter and the masked text; it is received when the submission was.
   * One objection per submission: another one for the same submission is a ConflictError naming the
   * objection. With an `idempotencyKey`, a repeat (same notice, submission and application) returns
   * the objection filed under that key — even once the notice is closed —; anything else under the
   * key is a ConflictError.
   */
  async file(input: FileObjectionInput): Promise<Objection> {
    const i = v.parse('objections.file', FileObjectionSchema, input);
    return this.core.write(i.by, async (w) => {
      if (i.idempotencyKey !== undefined) {
        const prior = await w.db.selectFrom('objections').selectAll().where('idempotency_key', '=', i.idempotencyKey).executeTakeFirst();
        if (prior) {
          const wanted = { ...prior, notice_id: i.noticeId, submission_id: i.submissionId, application_id: i.applicationId ?? null };
          const differs = differing(prior, wanted, ['notice_id', 'submission_id', 'application_id']);
          if (differs.length > 0) {
            throw new ConflictError(`objections.file: idempotency key ${i.idempotencyKey} was used for objection ${prior.id} (received ${prior.received_at}), which differs in ${differs.join(', ')}`);
          }
          await w.audit('objection.file-repeated', 'objection', prior.id, { idempotencyKey: i.idempotencyKey });
          return toObjection(prior);
        }
      }
      const submission = await w.db.selectFrom('submissions').selectAll().where('id', '=', i.submissionId).executeTakeFirst();
      if (!submission) throw new NotFoundError('submission', i.submissionId);
      if (submission.kind !== 'objection' || submission.notice_id !== i.noticeId) {
        throw new ValidationError('objections.file', [{ field: 'submissionId', rule: `must be an objection submitted against notice ${i.noticeId} (submission ${i.submissionId} is a ${submission.kind}${submission.notice_id ? ` against notice ${submission.notice_id}` : ''})` }]);
      }
      if (i.applicationId !== undefined && i.applicationId !== submission.application_id) {
        throw new ValidationError('objections.file', [{ field: 'applicationId', rule: `must be the application the submission names (${submission.application_id ?? 'none'})` }]);
      }
      const linked = await w.db.selectFrom('objections').select(['id', 'received_at']).where('submission_id', '=', i.submissionId).executeTakeFirst();
      if (linked) throw new ConflictError(`objections.file: submission ${i.submissionId} was already filed as objection ${linked.id}`);
      const notice = await w.db.selectFrom('notices').selectAll().where('id', '=', i.noticeId).executeTakeFirst();
      if (!notice) throw new NotFoundError('notice', i.noticeId);
      if (notice.status !== 'published') throw new ConflictError(`notice ${i.noticeId} is ${notice.status}: objections are received only while it is published`);
      if (submission.received_at > notice.ends_at) {
        throw new ConflictError(`notice ${i.noticeId}: the publicity period ended at ${notice.ends_at}; submission ${i.submissionId} was received at ${submission.received_at}`);
      }
      if (i.applicationId) await this.checkApplication('objections.file', w.db, notice.id, i.applicationId);
      const row = {
        id: randomUUID(),
        notice_id: i.noticeId,
        submitter_contact: objectorDisplay({ submitterMasked: submission.submitter_masked, contactMasked: submission.contact_masked }),
        text: submission.text,
        received_at: submission.received_at,
        outcome: 'pending',
        investigator: null,
        resolution: null,
        closed_at: null,
        application_id: i.applicationId ?? null,
        investigated_on: null,
        idempotency_key: i.idempotencyKey ?? null,
        submission_id: i.submissionId,
      };
      await w.db.insertInto('objections').values(row).execute();
      await w.audit('objection.filed', 'objection', row.id, { noticeId: i.noticeId, submissionId: i.submissionId, applicationId: i.applicationId, idempotencyKey: i.idempotencyKey });
      return toObjection(row);
    });
  }

  async assign(input: z.input<typeof AssignSchema>): Promise<Objection> {
    const i = v.parse('objections.assign', AssignSchema, input);
    return this.core.write(i.by, async (w) => {
      const current = await w.db.selectFrom('objections').select('outcome').where('id', '=', i.id).executeTakeFirst();
      if (!current) throw new NotFoundError('objection', i.id);
      if (current.outcome !== 'pending') throw new ConflictError(`objection ${i.id} is closed (${current.outcome})`);
      const row = await w.db.updateTable('objections').set({ investigator: i.investigator }).where('id', '=', i.id).returningAll().executeTakeFirstOrThrow();
      await w.audit('objection.assigned', 'objection', i.id, { investigator: i.investigator });
      return toObjection(row);
    });
  }

  /**
   * Records the investigation's outcome. An objection is decided once: the same decision again (a
   * redelivered job: same outcome, resolution, date and — when given — application) returns it with
   * an `objection.decide-repeated` audit entry; another one is a ConflictError naming what differs.
   */
  async decide(input: DecideObjectionInput): Promise<Objection> {
    const i = v.parse('objections.decide', DecideSchema, input);
    return this.core.write(i.by, async (w) => {
      const current = await w.db.selectFrom('objections').selectAll().where('id', '=', i.id).executeTakeFirst();
      if (!current) throw new NotFoundError('objection', i.id);
      if (current.outcome !== 'pending') {
        const differs = [
          ...(current.outcome !== i.outcome ? ['outcome'] : []),
          ...(current.resolution !== i.resolution ? ['resolution'] : []),
          ...(current.investigated_on !== (i.investigatedOn ?? null) ? ['investigatedOn'] : []),
          ...(i.applicationId !== undefined && current.application_id !== i.applicationId ? ['applicationId'] : []),
        ];
        if (differs.length > 0) {
          throw new ConflictError(`objection ${i.id} is already closed (${current.outcome}) at ${current.closed_at}; this decision differs in ${differs.join(', ')}`);
        }
        await w.audit('objection.decide-repeated', 'objection', i.id, { outcome: i.outcome });
        return toObjection(current);
      }
      if (i.investigatedOn !== undefined) {
        // Dates are compared as China dates: the day the objection arrived and today, in Asia/Shanghai.
        const receivedOn = chinaDate(new Date(current.received_at));
        if (i.investigatedOn < receivedOn) {
          throw new ValidationError('objections.decide', [{ field: 'investigatedOn', rule: `must not be before the objection was received (${receivedOn})` }]);
        }
        if (i.investigatedOn > w.today) {
          throw new ValidationError('objections.decide', [{ field: 'investigatedOn', rule: `must not be in the future (today is ${w.today} in Asia/Shanghai)` }]);
        }
      }
      if (i.applicationId) await this.checkApplication('objections.decide', w.db, current.notice_id, i.applicationId);
      const row = await w.db
        .updateTable('objections')
        .set({
          outcome: i.outcome,
          resolution: i.resolution,
          closed_at: w.at,
          investigator: current.investigator ?? w.by,
          application_id: i.applicationId ?? current.application_id,
          investigated_on: i.investigatedOn ?? null,
        })
        .where('id', '=', i.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await w.audit('objection.decided', 'objection', i.id, { outcome: i.outcome, applicationId: row.application_id, investigatedOn: i.investigatedOn });
      return toObjection(row);
    });
  }

  /** The affected application must exist and belong to the notice's campaign. */
  private async checkApplication(operation: string, db: WriteContext['db'], noticeId: string, applicationId: string): Promise<void> {
    const notice = await db.selectFrom('notices').select('campaign_id').where('id', '=', noticeId).executeTakeFirstOrThrow();
    const app = await db.selectFrom('applications').select('campaign_id').where('id', '=', applicationId).executeTakeFirst();
    if (!app) throw new NotFoundError('application', applicationId);
    if (app.campaign_id !== notice.campaign_id) {
      throw new ValidationError(operation, [{ field: 'applicationId', rule: `must be an application of the notice's campaign ${notice.campaign_id}` }]);
    }
  }

  async get(objectionId: string): Promise<Objection | undefined> {
    const row = await this.core.db.selectFrom('objections').selectAll().where('id', '=', objectionId).executeTakeFirst();
    return row && toObjection(row);
  }

  /** The objection filed under `key`, if any. */
  async byIdempotencyKey(key: string): Promise<Objection | undefined> {
    const k = v.parse('objections.byIdempotencyKey', idempotencyKey, key);
    const row = await this.core.db.selectFrom('objections').selectAll().where('idempotency_key', '=', k).executeTakeFirst();
    return row && toObjection(row);
  }

  /** The objection filed from an intake submission, if any. */
  async bySubmission(submissionId: string): Promise<Objection | undefined> {
    const k = v.parse('objections.bySubmission', id, submissionId);
    const row = await this.core.db.selectFrom('objections').selectAll().where('submission_id', '=', k).executeTakeFirst();
    return row && toObjection(row);
  }

  async list(filter: { noticeId: string; outcome?: ObjectionOutcome }): Promise<Objection[]> {
    const f = v.parse('objections.list', z.object({ noticeId: id, outcome: z.enum(['pending', 'upheld', 'rejected']).optional() }).strict(), filter);
    let q = this.core.db.selectFrom('objections').selectAll().where('notice_id', '=', f.noticeId).orderBy('received_at').orderBy('id');
    if (f.outcome) q = q.where('outcome', '=', f.outcome);
    return (await q.execute()).map(toObjection);
  }
}

/**
 * Links an objection filed before 0006 to the submission its clear contact was moved to, keeping only
 * the masked forms on the objection. Only `Intake.adoptLegacy` calls it, inside its own write.
 */
export async function linkLegacyObjection(w: WriteContext, objectionId: string, submission: Submission): Promise<void> {
  await w.db
    .updateTable('objections')
    .set({ submission_id: submission.id, submitter_contact: objectorDisplay(submission), text: submission.text })
    .where('id', '=', objectionId)
    .where('submission_id', 'is', null)
    .execute();
}
