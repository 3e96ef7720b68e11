/**
 * What a list shows, as an 8.8 `POST /v2/user-tasks/search` body. Pure: the page's state in, the
 * request body out, so it is tested without a browser.
 */
import type { UserTaskFilterBody, UserTaskQuery } from '../shared/api/camunda';

export type ListKind = 'mine' | 'unclaimed' | 'completed' | 'all';

export const LIST_KINDS: readonly ListKind[] = ['mine', 'unclaimed', 'completed', 'all'];

export const LIST_LABELS: Record<ListKind, string> = {
  mine: '我的待办',
  unclaimed: '待认领',
  completed: '已完成',
  all: '全部',
};

/** The filter form (and what a saved filter keeps). Dates are ISO dates (YYYY-MM-DD), inclusive. */
export interface TaskFilters {
  processDefinitionId?: string;
  campaignId?: string;
  creditCode?: string;
  candidateGroup?: string;
  dueFrom?: string;
  dueTo?: string;
}

export type SortField = 'dueDate' | 'followUpDate' | 'priority' | 'creationDate';
export type SortOrder = 'ASC' | 'DESC';
export interface TaskSort {
  field: SortField;
  order: SortOrder;
}

export const SORT_LABELS: Record<SortField, string> = {
  dueDate: '到期日期',
  followUpDate: '跟进日期',
  priority: '优先级',
  creationDate: '创建时间',
};

export const DEFAULT_SORT: TaskSort = { field: 'dueDate', order: 'ASC' };

export interface Viewer {
  username: string;
  groups: readonly string[];
}

export interface PageRequest {
  from: number;
  limit: number;
}

/** `$like` takes `*` and `?` as wildcards and `\` as escape: a value to match literally must escape them. */
export function escapeLike(value: string): string {
  return value.replace(/[\\*?]/g, (c) => `\\${c}`);
}

/** Local midnight of an ISO date (YYYY-MM-DD), as an ISO timestamp; the day after when `next`. */
export function dayStart(isoDate: string, next = false): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + (next ? 1 : 0)).toISOString();
}

function clean(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/** The filter part of the search, or null when the list cannot hold anything (待认领 with no groups). */
export function buildFilter(kind: ListKind, filters: TaskFilters, viewer: Viewer): UserTaskFilterBody | null {
  const filter: UserTaskFilterBody = {};
  const group = clean(filters.candidateGroup);
  switch (kind) {
    case 'mine':
      filter.state = 'CREATED';
      filter.assignee = viewer.username;
      break;
    case 'completed':
      filter.state = 'COMPLETED';
      filter.assignee = viewer.username;
      break;
    case 'unclaimed': {
      filter.state = 'CREATED';
      filter.assignee = { $exists: false };
      if (group) {
        if (!viewer.groups.includes(group)) return null;
      } else {
        if (viewer.groups.length === 0) return null;
        filter.candidateGroup = viewer.groups.length === 1 ? viewer.groups[0]! : { $in: [...viewer.groups] };
      }
      break;
    }
    case 'all':
      break;
  }
  if (group) filter.candidateGroup = group;
  const processDefinitionId = clean(filters.processDefinitionId);
  if (processDefinitionId) filter.processDefinitionId = processDefinitionId;
  const variables: NonNullable<UserTaskFilterBody['processInstanceVariables']> = [];
  const campaignId = clean(filters.campaignId);
  if (campaignId) variables.push({ name: 'campaignId', value: JSON.stringify(campaignId) });
  const creditCode = clean(filters.creditCode)?.replace(/[\s-]/g, '').toUpperCase();
  if (creditCode) variables.push({ name: 'enterprise', value: { $like: `*"creditCode":"${escapeLike(creditCode)}"*` } });
  if (variables.length) filter.processInstanceVariables = variables;
  const dueFrom = clean(filters.dueFrom);
  const dueTo = clean(filters.dueTo);
  if (dueFrom || dueTo) {
    filter.dueDate = {
      ...(dueFrom ? { $gte: dayStart(dueFrom) } : {}),
      ...(dueTo ? { $lt: dayStart(dueTo, true) } : {}),
    };
  }
  return filter;
}

export function buildSearch(kind: ListKind, filters: TaskFilters, sort: TaskSort, page: PageRequest, viewer: Viewer): UserTaskQuery | null {
  const filter = buildFilter(kind, filters, viewer);
  if (!filter) return null;
  const order: UserTaskQuery['sort'] = [{ field: sort.field, order: sort.order }];
  // A stable order within equal values, so that paging neither repeats nor skips a task.
  if (sort.field !== 'creationDate') order.push({ field: 'creationDate', order: 'ASC' });
  return { filter, sort: order, page: { from: page.from, limit: page.limit } };
}

/** A saved filter's `filter` (what /api/tasklist/filters keeps) — the list, the filters and the order. */
export interface SavedFilterBody {
  list?: ListKind;
  filters: TaskFilters;
  sort?: TaskSort;
}

export function toSavedFilter(list: ListKind, filters: TaskFilters, sort: TaskSort): SavedFilterBody {
  const kept: TaskFilters = {};
  for (const [k, v] of Object.entries(filters) as [keyof TaskFilters, string | undefined][]) {
    const c = clean(v);
    if (c) kept[k] = c;
  }
  return { list, filters: kept, sort };
}

export function fromSavedFilter(body: unknown): SavedFilterBody {
  const b = (body && typeof body === 'object' ? body : {}) as Partial<SavedFilterBody>;
  const filters: TaskFilters = {};
  const src = (b.filters && typeof b.filters === 'object' ? b.filters : {}) as Record<string, unknown>;
  for (const k of ['processDefinitionId', 'campaignId', 'creditCode', 'candidateGroup', 'dueFrom', 'dueTo'] as const) {
    if (typeof src[k] === 'string') filters[k] = src[k];
  }
  const list = LIST_KINDS.includes(b.list as ListKind) ? (b.list as ListKind) : undefined;
  const sort = b.sort && (Object.keys(SORT_LABELS) as string[]).includes(b.sort.field) && (b.sort.order === 'ASC' || b.sort.order === 'DESC') ? { field: b.sort.field, order: b.sort.order } : undefined;
  return { list, filters, sort };
}
