/**
 * The rules on user tasks that both the 8.8 API (/v2, v2.ts) and the Tasklist's own API
 * (/api/tasklist, tasklist-routes.ts) apply, so that a task's comments and assignees are visible to
 * exactly those who may see the task itself.
 */
import { canReadTask, canUpdateTask, type Principal, type TaskParties } from '../identity/access.js';
import { HttpProblem } from './problem.js';
import { forbidden, type Ctx } from './routes.js';

type Awaitable<T> = T | Promise<T>;

/** Where the task rules look a task up (Queries in embedded mode). */
export interface TaskLookup {
  /** Who may see a user task: its process, assignee and candidates (undefined: no such task). */
  userTaskParties(key: string): Awaitable<TaskParties | undefined>;
}

/** Who belongs to which group (Identity in embedded mode). */
export interface GroupDirectory {
  /** The groups a user is a member of; undefined when there is no such user. */
  groupsOf(username: string): readonly string[] | undefined;
}

/** The messages of the problems the task rules raise: 8.8's English on /v2, Chinese on /api/tasklist. */
export type Wording = 'en' | 'zh';

/**
 * Whether the caller may see the task: its assignee, a candidate, or READ_USER_TASK on its process —
 * or UPDATE_USER_TASK, as whoever may update a process's tasks may also find them.
 */
export const maySeeTask = (principal: Principal, task: TaskParties): boolean => canReadTask(principal, task) || canUpdateTask(principal, task);

/**
 * A user task the caller may see (maySeeTask), else 403; 404 when there is none. Names the task in
 * the request's audit entry.
 */
export async function visibleTask(tasks: TaskLookup, ctx: Ctx<unknown>, wording: Wording = 'en', key = ctx.key): Promise<TaskParties> {
  const task = await tasks.userTaskParties(key);
  if (!task) throw new HttpProblem(404, 'NOT_FOUND', wording === 'zh' ? `未找到用户任务 ${key}` : `User task with key '${key}' not found`);
  Object.assign(ctx.audit, { userTaskKey: key, processDefinitionId: task.processDefinitionId, processInstanceKey: task.processInstanceKey });
  if (!maySeeTask(ctx.principal, task)) {
    if (wording === 'zh') throw new HttpProblem(403, 'FORBIDDEN', '无权查看此任务：只有任务的办理人、候选人和候选组成员可以查看');
    throw forbidden('READ_USER_TASK', 'PROCESS_DEFINITION', task.processDefinitionId);
  }
  return task;
}

/** Whether the task names candidates at all (a task without any may be given to anyone who may update it). */
export const hasCandidates = (task: TaskParties): boolean => (task.candidateUsers?.length ?? 0) > 0 || (task.candidateGroups?.length ?? 0) > 0;

/**
 * Whether `username` is one of the task's parties by candidacy: a candidate user, or a member of a
 * candidate group (looked up in the directory; a user it does not know is in no group).
 */
export function isCandidate(task: TaskParties, username: string, directory: GroupDirectory | undefined): boolean {
  if (task.candidateUsers?.includes(username)) return true;
  const groups = task.candidateGroups ?? [];
  if (groups.length === 0 || !directory) return false;
  const memberOf = directory.groupsOf(username) ?? [];
  return groups.some((g) => memberOf.includes(g));
}

/**
 * The reassignment rule (任务中心, issue 11): a task with candidates is given only to one of them —
 * a candidate user or a member of a candidate group. 400 naming the rule otherwise. Without a
 * directory (no identity: a server over fakes) group membership cannot be told, so only candidate
 * users are checked against.
 */
export function checkAssigneeIsCandidate(task: TaskParties, assignee: string, directory: GroupDirectory | undefined): void {
  if (!hasCandidates(task)) return;
  if (isCandidate(task, assignee, directory)) return;
  if (!directory && (task.candidateGroups?.length ?? 0) > 0) return;
  const rule = (task.candidateGroups?.length ?? 0) > 0 ? '只能转交给本任务候选组的成员' : '只能转交给本任务的候选人';
  const names = [...(task.candidateUsers ?? []).map((u) => `候选人 ${u}`), ...(task.candidateGroups ?? []).map((g) => `候选组 ${g}`)].join('、');
  throw new HttpProblem(400, 'INVALID_ARGUMENT', `${rule}：${assignee} 不是本任务的候选人，也不是其候选组（${names}）的成员`, {}, [
    { name: 'assignee', label: '办理人', message: `${rule}（${names}）` },
  ]);
}
