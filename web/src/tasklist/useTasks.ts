/** Data hooks of the task list: the current list page, the four counts, refreshed every 15 s and on focus. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { camunda, api } from '../shared/api/instance';
import type { UserTask } from '../shared/api/camunda';
import { chineseMessage, isApiError } from '../shared/api/errors';
import { buildSearch, LIST_KINDS, type ListKind, type TaskFilters, type TaskSort, type Viewer } from './query';
import { dueDay } from './workingDays';

export const REFRESH_MS = 15_000;

export interface ListState {
  items: UserTask[];
  total: number;
  counts: Partial<Record<ListKind, number>>;
  workingDays: Record<string, number>;
  loading: boolean;
  error?: string;
  refreshedAt?: Date;
}

/** Re-run `fn` every `ms` and when the window gets focus again (no page reload). */
export function useAutoRefresh(fn: () => void, ms = REFRESH_MS): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') ref.current();
    }, ms);
    const onFocus = () => ref.current();
    window.addEventListener('focus', onFocus);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', onFocus);
    };
  }, [ms]);
}

export function useTaskList(kind: ListKind, filters: TaskFilters, sort: TaskSort, page: number, pageSize: number, viewer: Viewer) {
  const [state, setState] = useState<ListState>({ items: [], total: 0, counts: {}, workingDays: {}, loading: true });
  const generation = useRef(0);

  const load = useCallback(
    async (quiet: boolean) => {
      const gen = ++generation.current;
      if (!quiet) setState((s) => ({ ...s, loading: true }));
      try {
        const body = buildSearch(kind, filters, sort, { from: (page - 1) * pageSize, limit: pageSize }, viewer);
        const listPromise = body ? camunda.searchUserTasks(body) : Promise.resolve({ items: [] as UserTask[], page: { totalItems: 0 } });
        const countPromises = LIST_KINDS.map(async (k) => {
          const b = buildSearch(k, filters, sort, { from: 0, limit: 1 }, viewer);
          if (!b) return [k, 0] as const;
          const r = await camunda.searchUserTasks(b);
          return [k, Number(r.page?.totalItems ?? 0)] as const;
        });
        const [list, ...counts] = await Promise.all([listPromise, ...countPromises]);
        const items = (list.items ?? []) as UserTask[];
        const days = [...new Set(items.map((t) => dueDay(t.dueDate)).filter((d): d is string => !!d))];
        let workingDays: Record<string, number> = {};
        if (days.length) {
          try {
            workingDays = (await api.workingDays(days)).items;
          } catch {
            workingDays = {};
          }
        }
        if (gen !== generation.current) return;
        setState({ items, total: Number(list.page?.totalItems ?? items.length), counts: Object.fromEntries(counts), workingDays, loading: false, refreshedAt: new Date() });
      } catch (err) {
        if (gen !== generation.current || (isApiError(err) && err.redirecting)) return;
        setState((s) => ({ ...s, loading: false, error: chineseMessage(err) }));
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [kind, JSON.stringify(filters), sort.field, sort.order, page, pageSize, viewer.username, viewer.groups.join(',')],
  );

  useEffect(() => {
    void load(false);
  }, [load]);
  useAutoRefresh(() => void load(true));

  return { ...state, reload: () => load(true) };
}
