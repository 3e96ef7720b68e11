/**
 * pingpin's own additions under /api/tasklist (docs/tasklist-api.md): comments, the people a task
 * may be handed to, saved filters, startable processes, working days, notifications, task summaries
 * and names. These have no Camunda schema; their shapes are pingpin's contract.
 */
import type { Http } from '../shared/api/http';

export interface TaskComment {
  id: string;
  userTaskKey: string;
  processInstanceKey: string;
  author: string;
  authorName?: string;
  text: string;
  createdAt: string;
}

export interface AssigneeOption {
  username: string;
  name?: string;
}

export interface SavedFilter {
  id: string;
  name: string;
  filter: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface StartableProcess {
  processDefinitionKey: string;
  processDefinitionId: string;
  name?: string;
  version: number;
  hasStartForm: boolean;
}

export interface WorkingDays {
  today: string;
  items: Record<string, number>;
}

export interface DigestTask {
  userTaskKey: string;
  name?: string;
  processName?: string;
  processInstanceKey: string;
  dueDate?: string;
  workingDaysLeft?: number;
}

export interface Notifications {
  seenAt?: string | null;
  newTasks: number;
  digest: { today: string; overdue: DigestTask[]; dueToday: DigestTask[]; dueSoon: DigestTask[] };
}

/** What tells a task from others of the same step (never an ID number). */
export interface TaskSummaryLine {
  campaignId?: string;
  /** 2026 年 · 四川省 · 特级技师 */
  campaignLabel?: string;
  enterpriseName?: string;
  applicationId?: string;
  candidateName?: string;
}

export interface Names {
  groups: Record<string, string>;
  users: Record<string, string>;
}

/** Server limits per request (docs/tasklist-api.md). */
export const MAX_SUMMARY_KEYS = 100;
export const MAX_NAMES = 200;

const enc = encodeURIComponent;

export function tasklistApi(http: Http) {
  return {
    comments: (key: string) => http.json<{ items: TaskComment[] }>('GET', `/api/tasklist/user-tasks/${enc(key)}/comments`),
    addComment: (key: string, text: string) => http.json<TaskComment>('POST', `/api/tasklist/user-tasks/${enc(key)}/comments`, { text }),
    assignees: (key: string) => http.json<{ items: AssigneeOption[] }>('GET', `/api/tasklist/user-tasks/${enc(key)}/assignees`),
    filters: () => http.json<{ items: SavedFilter[] }>('GET', '/api/tasklist/filters'),
    createFilter: (name: string, filter: unknown) => http.json<SavedFilter>('POST', '/api/tasklist/filters', { name, filter }),
    updateFilter: (id: string, name: string, filter: unknown) => http.json<SavedFilter>('PUT', `/api/tasklist/filters/${enc(id)}`, { name, filter }),
    deleteFilter: (id: string) => http.json<void>('DELETE', `/api/tasklist/filters/${enc(id)}`),
    startable: () => http.json<{ items: StartableProcess[] }>('GET', '/api/tasklist/startable-processes'),
    workingDays: (dates: readonly string[]) => http.json<WorkingDays>('GET', `/api/tasklist/working-days?until=${dates.map(enc).join(',')}`),
    notifications: () => http.json<Notifications>('GET', '/api/tasklist/notifications'),
    markSeen: () => http.json<void>('POST', '/api/tasklist/notifications/seen', {}),
    summaries: (userTaskKeys: readonly string[]) => http.json<{ items: Record<string, TaskSummaryLine> }>('POST', '/api/tasklist/user-tasks/summaries', { userTaskKeys }),
    names: (groups: readonly string[], users: readonly string[]) => http.json<Names>('POST', '/api/tasklist/names', { groups, users }),
  };
}

export type TasklistApi = ReturnType<typeof tasklistApi>;
