/**
 * /api/tasklist: what the Tasklist pages (任务中心, issue 11) need beyond Camunda 8.8's /v2 — comments
 * on a task, whom a task may be handed to, saved filters, the processes a user may start, working
 * days to due dates, notifications, a line telling tasks of the same step apart, and the names of
 * groups and people where 8.8 gives ids. One route table built like /v2's (every route declares who
 * may call it; changes are audited), answered in Chinese: every error is an RFC 9457 problem whose
 * `detail` (and `fields`, for wrong input) a clerk can read.
 *
 * A task's comments and candidate assignees are visible to exactly those who may see the task
 * (src/server/tasks.ts, the rule /v2 applies); the rest belongs to the caller alone.
 */
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isoDateToDay, type WorkingDayCalendar } from '../domain/calendar.js';
import { chinaDate } from '../domain/china-time.js';
import { JURISDICTION_NAMES } from '../domain/eligibility.js';
import { LEVEL_NAMES } from '../domain/levels.js';
import { taskVariablesOf } from '../forms/tasklist.js';
import { allowedIds, can, type Principal } from '../identity/access.js';
import { buildDigest, countNewTasks, workingDaysLeft, type DigestSource } from '../notify/digest.js';
import type { TaskComment, TaskFilter, TasklistUserState } from '../registry/index.js';
import { MAX_COMMENT_LENGTH, MAX_FILTER_BYTES, MAX_FILTER_NAME_LENGTH } from '../registry/index.js';
import { HttpProblem, sendProblem, toProblem, type ProblemField, type StorageReport } from './problem.js';
import { authenticated, mountRoutes, Reply, route, type Route } from './routes.js';
import { maySeeTask, visibleTask, type TaskLookup } from './tasks.js';

type Awaitable<T> = T | Promise<T>;

/** The engine's read side as the Tasklist API uses it (Queries in embedded mode). */
export interface TasklistQueries extends TaskLookup {
  startableProcessDefinitions(processDefinitionIds?: readonly string[]): Awaitable<
    { processDefinitionKey: string; processDefinitionId: string; name?: string; version: number; hasStartForm: boolean }[]
  >;
  openTasksOfParty(party: { username: string; groups: readonly string[] }): Awaitable<DigestSource[]>;
  /** Every scope's copy of these variables at the task, values as JSON text; undefined: no such task. */
  userTaskScopeVariables(userTaskKey: string, names: readonly string[]): Awaitable<{ name: string; value: string; scopeKey: string }[] | undefined>;
}

/** Who is who (Identity in embedded mode). */
export interface TasklistPeople {
  candidates(candidateUsers: readonly string[], candidateGroups: readonly string[]): { username: string; name: string }[];
  /** Display names of these users (unknown ones left out). */
  namesOf(usernames: readonly string[]): Map<string, string>;
  /** Display names of these users who are members of one of `groups` (others left out). */
  namesOfGroupMates(usernames: readonly string[], groups: readonly string[]): Map<string, string>;
  /** Names of these groups (unknown ones left out). */
  groupNames(groupIds: readonly string[]): Map<string, string>;
}

/** Where the Tasklist keeps its own records (the registry). */
export interface TasklistStore {
  taskComments: {
    add(input: { userTaskKey: string; processInstanceKey?: string; authorName: string; text: string; by: string }): Promise<TaskComment>;
    list(userTaskKey: string): Promise<TaskComment[]>;
  };
  taskFilters: {
    list(owner: string): Promise<TaskFilter[]>;
    save(input: { name: string; filter: Record<string, unknown>; by: string }): Promise<TaskFilter>;
    update(input: { id: string; name: string; filter: Record<string, unknown>; by: string }): Promise<TaskFilter>;
    remove(input: { id: string; by: string }): Promise<void>;
  };
  tasklistUsers: {
    get(username: string): Promise<TasklistUserState>;
    markSeen(username: string): Promise<string>;
  };
}

export interface TasklistDeps {
  queries: TasklistQueries;
  people: TasklistPeople;
  store: TasklistStore;
  /** The official working-day calendar (config.holidaysDir). */
  calendar: WorkingDayCalendar;
  /** The engine clock (epoch ms): "today" follows a pinned clock. */
  now: () => number;
  logger: Logger;
  storage?: StorageReport;
}

/** At most this many dates in one working-days request. */
export const MAX_WORKING_DAY_DATES = 200;
/** At most this many tasks in one summaries request (a list page holds at most 100). */
export const MAX_SUMMARY_KEYS = 100;
/** At most this many groups, and as many users, in one names request. */
export const MAX_NAMES = 200;
/** Dates further than this from today are refused (a typo, not a due date; and the count walks day by day). */
const MAX_WORKING_DAY_SPAN = 3660;

// ---------------------------------------------------------------------------------------------
// Input, checked with Chinese messages naming the field

/** Messages for what a schema does not word itself (wrong type, unknown field). */
const zhError: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return '此项为必填项';
      return issue.expected === 'string' ? '应为文字' : issue.expected === 'object' || issue.expected === 'record' ? '应为 JSON 对象' : `类型不正确（应为 ${issue.expected}）`;
    case 'unrecognized_keys':
      return '不是可接受的字段';
    default:
      return '内容不正确';
  }
};

const LABELS: Record<string, string> = { text: '评论内容', name: '名称', filter: '筛选条件', until: '日期', userTaskKeys: '用户任务编号', groups: '组编号', users: '用户名' };

/** Parses a JSON body (or query) with Chinese messages; 400 with `fields` naming each wrong one. */
function parseZh<S extends z.ZodType>(schema: S, input: unknown, what = '请求内容'): z.output<S> {
  const result = schema.safeParse(input, { error: zhError });
  if (result.success) return result.data;
  const fields: ProblemField[] = result.error.issues.flatMap((i) => {
    const names = i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path, k]) : [i.path];
    return names.map((path) => {
      const name = path.map(String).join('.') || '(body)';
      const label = LABELS[String(path[0])];
      return { name, ...(label ? { label } : {}), message: i.message };
    });
  });
  const first = fields[0]!;
  throw new HttpProblem(400, 'INVALID_ARGUMENT', `${what}有误：${first.label ?? first.name}${first.message}${fields.length > 1 ? '…' : ''}`, {}, fields);
}

const commentBody = z.strictObject({
  text: z
    .string()
    .trim()
    .min(1, '此项为必填项')
    .max(MAX_COMMENT_LENGTH, `不能多于 ${MAX_COMMENT_LENGTH} 个字符`),
});

const filterBody = z.strictObject({
  name: z.string().trim().min(1, '此项为必填项').max(MAX_FILTER_NAME_LENGTH, `不能多于 ${MAX_FILTER_NAME_LENGTH} 个字符`),
  filter: z
    .record(z.string(), z.unknown())
    .refine((f) => Buffer.byteLength(JSON.stringify(f), 'utf8') <= MAX_FILTER_BYTES, `不能大于 ${MAX_FILTER_BYTES / 1024} KB（JSON）`),
});

const summariesBody = z.strictObject({
  userTaskKeys: z.array(z.string().regex(/^\d{1,19}$/, '应为用户任务编号（1–19 位数字）')).max(MAX_SUMMARY_KEYS, `一次最多 ${MAX_SUMMARY_KEYS} 个`),
});

const idList = z.array(z.string().min(1, '不能为空').max(256, '不能多于 256 个字符')).max(MAX_NAMES, `一次最多 ${MAX_NAMES} 个`);
const namesBody = z.strictObject({ groups: idList.optional(), users: idList.optional() });

// ---------------------------------------------------------------------------------------------
// What tells one task from another of the same step

/** What a task is about, in a line: the campaign, the enterprise, the candidate (never an ID number). */
export interface TaskSummary {
  campaignId?: string;
  /** 2026 年 · 四川省 · 特级技师 */
  campaignLabel?: string;
  enterpriseName?: string;
  applicationId?: string;
  /** The candidate's name as the forms show it. */
  candidateName?: string;
}

/** The only variables a summary reads: a task's other variables may hold what the caller's list must not show. */
export const SUMMARY_VARIABLES = ['campaign', 'campaignId', 'enterprise', 'applicationId', 'candidates'] as const;

/** The short name a list has room for: the national pilot's full name cites its notice. */
const JURISDICTION_LABELS: Record<string, string> = { ...JURISDICTION_NAMES, national: '全国试点' };

const record = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

/** A task's summary from the variables it sees (the innermost copy of each: taskVariablesOf). */
export function taskSummaryOf(vars: Record<string, unknown>): TaskSummary {
  const out: TaskSummary = {};
  const campaign = record(vars.campaign);
  const campaignId = text(campaign?.id) ?? text(vars.campaignId);
  if (campaignId) out.campaignId = campaignId;
  if (campaign) {
    const year = text(campaign.year);
    const jurisdiction = text(campaign.jurisdiction);
    const level = text(campaign.level);
    const label = [year ? `${year} 年` : undefined, jurisdiction ? (JURISDICTION_LABELS[jurisdiction] ?? jurisdiction) : undefined, level ? (LEVEL_NAMES[level as keyof typeof LEVEL_NAMES] ?? level) : undefined]
      .filter(Boolean)
      .join(' · ');
    if (label) out.campaignLabel = label;
  }
  const enterpriseName = text(record(vars.enterprise)?.name);
  if (enterpriseName) out.enterpriseName = enterpriseName;
  const applicationId = text(vars.applicationId);
  if (applicationId) {
    out.applicationId = applicationId;
    const candidates = Array.isArray(vars.candidates) ? vars.candidates : [];
    const name = text(candidates.map(record).find((c) => c && text(c.applicationId) === applicationId)?.name);
    if (name) out.candidateName = name;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Registry errors, in the clerk's words

/** The registry's errors on this API's records, as Chinese problems. */
function fromRegistry(err: unknown): HttpProblem | undefined {
  const code = (err as { code?: unknown }).code;
  if (!(err instanceof Error) || typeof code !== 'string') return undefined;
  switch (code) {
    case 'NOT_FOUND':
      return new HttpProblem(404, 'NOT_FOUND', '未找到该筛选条件（或不属于当前用户）');
    case 'CONFLICT':
      return /already has a filter named/.test(err.message)
        ? new HttpProblem(409, 'ALREADY_EXISTS', '已有同名的筛选条件，请换一个名称', {}, [{ name: 'name', label: '名称', message: '已有同名的筛选条件' }])
        : new HttpProblem(409, 'INVALID_STATE', '与已保存的内容冲突，请刷新后重试');
    case 'VALIDATION':
      return new HttpProblem(400, 'INVALID_ARGUMENT', '请求内容有误');
    default:
      return undefined;
  }
}

const HAN = /[\u4e00-\u9fff]/;

/** Problems raised below this API (body parsing, the route machinery) that are worded in English. */
function inChinese(p: HttpProblem): HttpProblem {
  if (HAN.test(p.message)) return p;
  const zh: Record<number, string> = {
    400: `请求有误：${p.message}`,
    401: '请先登录',
    403: '无权执行此操作',
    404: '未找到请求的对象',
    405: '此路径不支持该请求方法',
    409: '与当前状态冲突，请刷新后重试',
    413: '请求内容过大',
    415: '请求内容须为 JSON（Content-Type: application/json）',
    503: '服务暂时繁忙，请稍后重试',
    507: '服务器磁盘已满，未作任何修改；请联系运维人员',
  };
  return new HttpProblem(p.status, p.title, zh[p.status] ?? `请求失败（${p.status}）`, p.headers, p.fields);
}

// ---------------------------------------------------------------------------------------------
// The table

/** Audited like /v2 changes: a comment is a change to the task's record; filters and the badge are the user's. */
const COMMENT_AUDIT = { operationType: 'CREATE', entityType: 'USER_TASK' } as const;

export function tasklistRoutes(deps: TasklistDeps): Route[] {
  const { queries, store, calendar } = deps;
  const partyOf = (p: Principal) => ({ username: p.username, groups: p.groups });

  const openTasks = async (p: Principal) => queries.openTasksOfParty(partyOf(p));

  return [
    // Comments: whoever may see the task reads and writes them, also after it is completed.
    route('get', '/user-tasks/:userTaskKey/comments', { access: authenticated }, async (ctx) => {
      await visibleTask(queries, ctx, 'zh');
      return { items: await store.taskComments.list(ctx.key) };
    }),
    route('post', '/user-tasks/:userTaskKey/comments', { body: 'json', access: authenticated, audit: COMMENT_AUDIT }, async (ctx) => {
      const task = await visibleTask(queries, ctx, 'zh');
      const { text } = parseZh(commentBody, ctx.body, '评论');
      const comment = await store.taskComments.add({
        userTaskKey: ctx.key,
        ...(task.processInstanceKey ? { processInstanceKey: task.processInstanceKey } : {}),
        authorName: ctx.principal.name || ctx.principal.username,
        text,
        by: ctx.principal.username,
      });
      Object.assign(ctx.audit, { entityKey: ctx.key, details: { comment: comment.id } });
      return new Reply(201, JSON.stringify(comment), 'application/json');
    }),

    // Whom the task may be handed to: its candidate users and the members of its candidate groups.
    route('get', '/user-tasks/:userTaskKey/assignees', { access: authenticated }, async (ctx) => {
      const task = await visibleTask(queries, ctx, 'zh');
      return { items: deps.people.candidates(task.candidateUsers ?? [], task.candidateGroups ?? []) };
    }),

    // One line per task for the list (three 评审打分 rows are three candidates): only the tasks the
    // caller may see; any other key is simply absent, as if there were no such task.
    route('post', '/user-tasks/summaries', { body: 'json', access: authenticated }, async (ctx) => {
      const { userTaskKeys } = parseZh(summariesBody, ctx.body, '摘要请求');
      const items: Record<string, TaskSummary> = {};
      for (const key of new Set(userTaskKeys)) {
        const task = await queries.userTaskParties(key);
        if (!task || !maySeeTask(ctx.principal, task)) continue;
        const variables = await queries.userTaskScopeVariables(key, SUMMARY_VARIABLES);
        if (variables) items[key] = taskSummaryOf(taskVariablesOf(variables));
      }
      return { items };
    }),

    // Names for the ids 8.8 answers with. A group's name is an organisational unit, public within the
    // system; a person's name is shown to their group mates (and to themselves), and to whoever may
    // read every user through /v2/users anyway (USER:READ on *). Anyone else is left out.
    route('post', '/names', { body: 'json', access: authenticated }, ({ body, principal }) => {
      const { groups = [], users = [] } = parseZh(namesBody, body, '名称请求');
      const wanted = [...new Set(users)];
      const userNames = can(principal, 'USER', 'READ') ? deps.people.namesOf(wanted) : deps.people.namesOfGroupMates(wanted, principal.groups);
      if (wanted.includes(principal.username)) userNames.set(principal.username, principal.name || principal.username);
      return { groups: Object.fromEntries(deps.people.groupNames([...new Set(groups)])), users: Object.fromEntries(userNames) };
    }),

    // Saved filters: the caller's own; another user's is not found (its existence is not theirs to know).
    route('get', '/filters', { access: authenticated }, async ({ principal }) => ({ items: await store.taskFilters.list(principal.username) })),
    route('post', '/filters', { body: 'json', access: authenticated, audit: { operationType: 'CREATE', entityType: 'USER' } }, async (ctx) => {
      const b = parseZh(filterBody, ctx.body, '筛选条件');
      const saved = await store.taskFilters.save({ ...b, by: ctx.principal.username });
      Object.assign(ctx.audit, { entityKey: ctx.principal.username, details: { filter: saved.id } });
      return new Reply(201, JSON.stringify(saved), 'application/json');
    }),
    route('put', '/filters/:id', { body: 'json', access: authenticated, audit: { operationType: 'UPDATE', entityType: 'USER' } }, async (ctx) => {
      const b = parseZh(filterBody, ctx.body, '筛选条件');
      Object.assign(ctx.audit, { entityKey: ctx.principal.username, details: { filter: ctx.key } });
      return store.taskFilters.update({ id: ctx.key, ...b, by: ctx.principal.username });
    }),
    route('delete', '/filters/:id', { access: authenticated, audit: { operationType: 'DELETE', entityType: 'USER' } }, async (ctx) => {
      Object.assign(ctx.audit, { entityKey: ctx.principal.username, details: { filter: ctx.key } });
      await store.taskFilters.remove({ id: ctx.key, by: ctx.principal.username });
    }),

    // The processes the caller may start: CREATE_PROCESS_INSTANCE on them (none: an empty list).
    route('get', '/startable-processes', { access: authenticated }, async ({ principal }) => {
      const ids = allowedIds(principal, 'PROCESS_DEFINITION', 'CREATE_PROCESS_INSTANCE');
      const items = await queries.startableProcessDefinitions(ids === '*' ? undefined : [...ids]);
      return { items: items.map((p) => ({ ...p, name: p.name ?? p.processDefinitionId })) };
    }),

    // Working days from today (engine clock, Asia/Shanghai) to each date.
    route('get', '/working-days', { access: authenticated }, ({ req }) => {
      const raw = req.query.until;
      const given = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [])).map((d) => d.trim()).filter(Boolean);
      if (given.length === 0) throw new HttpProblem(400, 'INVALID_ARGUMENT', '请给出日期：?until=YYYY-MM-DD[,YYYY-MM-DD…]', {}, [{ name: 'until', label: '日期', message: '此项为必填项' }]);
      if (given.length > MAX_WORKING_DAY_DATES) {
        throw new HttpProblem(400, 'INVALID_ARGUMENT', `一次最多查询 ${MAX_WORKING_DAY_DATES} 个日期，实为 ${given.length} 个`, {}, [{ name: 'until', label: '日期', message: `最多 ${MAX_WORKING_DAY_DATES} 个` }]);
      }
      const today = chinaDate(deps.now());
      const todayDay = isoDateToDay(today)!;
      const items: Record<string, number | null> = {};
      for (const date of given) {
        const day = isoDateToDay(date);
        if (day === undefined) throw new HttpProblem(400, 'INVALID_ARGUMENT', `日期格式不正确（须为 YYYY-MM-DD 的有效日期）：${date}`, {}, [{ name: 'until', label: '日期', message: `格式不正确（须为 YYYY-MM-DD）：${date}` }]);
        if (Math.abs(day - todayDay) > MAX_WORKING_DAY_SPAN) {
          throw new HttpProblem(400, 'INVALID_ARGUMENT', `日期离今天太远（最多前后 10 年）：${date}`, {}, [{ name: 'until', label: '日期', message: `超出范围：${date}` }]);
        }
        items[date] = workingDaysLeft(calendar, today, date);
      }
      return { today, items };
    }),

    // Notifications: the badge (new tasks offered to me since I last looked) and today's digest.
    route('get', '/notifications', { access: authenticated }, async ({ principal }) => {
      const [tasks, state] = await Promise.all([openTasks(principal), store.tasklistUsers.get(principal.username)]);
      return { seenAt: state.notificationsSeenAt, newTasks: countNewTasks(tasks, state.notificationsSeenAt), digest: buildDigest(tasks, deps.now(), calendar) };
    }),
    route('post', '/notifications/seen', { access: authenticated, audit: { operationType: 'UPDATE', entityType: 'USER' } }, async (ctx) => {
      const at = await store.tasklistUsers.markSeen(ctx.principal.username);
      Object.assign(ctx.audit, { entityKey: ctx.principal.username, details: { notificationsSeenAt: at } });
    }),
  ];
}

/** The end of /api/tasklist: unknown paths, and every error, as Chinese problems. */
function tasklistErrors(logger: Logger, storage?: StorageReport): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let problem = fromRegistry(err) ?? toProblem(err);
    if (!problem && storage?.report(err)) problem = new HttpProblem(507, 'INSUFFICIENT_STORAGE', '服务器磁盘已满，未作任何修改；请联系运维人员');
    if (!problem) {
      logger.error({ err, method: req.method, url: req.originalUrl }, 'unexpected error while handling request');
      problem = new HttpProblem(500, 'Internal Server Error', '服务器内部错误，请稍后重试或联系运维人员');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(req, res, inChinese(problem));
  };
}

export function createTasklistRouter(deps: TasklistDeps): Router {
  const router = express.Router();
  // Bodies are a comment or a filter (≤ 4 KB); 64 KB leaves room for JSON escapes and nothing more.
  router.use(express.json({ limit: '64kb', type: ['application/json', 'application/*+json'] }));
  mountRoutes(router, tasklistRoutes(deps), {
    methodNotAllowed: (method, allowed) => new HttpProblem(405, 'Method Not Allowed', `此路径不支持 ${method} 请求，请使用 ${allowed.join('、')}`, { Allow: allowed.join(', ') }),
  });
  router.use((req, res) => sendProblem(req, res, new HttpProblem(404, 'Not Found', `没有这个接口：${req.method} ${req.originalUrl.split('?')[0]}`)));
  router.use(tasklistErrors(deps.logger, deps.storage));
  return router;
}
