/**
 * What the pages show instead of ids: a summary line per task, the names of groups and people.
 * Each id is asked for once and kept until the page is reloaded (logging out reloads it): a list
 * refreshed every 15 s asks again only for the tasks and people that are new on it. An id the server
 * leaves out (a task or person the user may not see, an unknown group) is shown as it is.
 */
import { useEffect, useReducer } from 'react';
import { api } from '../shared/api/instance';
import { MAX_NAMES, MAX_SUMMARY_KEYS, type TaskSummaryLine } from './api';

/** null: asked for, nothing to show. */
type Known<T> = Map<string, T | null>;

const groupNames: Known<string> = new Map();
const userNames: Known<string> = new Map();
const summaries: Known<TaskSummaryLine> = new Map();
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((l) => l());

const missing = <T,>(known: Known<T>, ids: readonly (string | null | undefined)[]): string[] =>
  [...new Set(ids)].filter((id): id is string => !!id && !known.has(id));

/** Asks for the ids `lists` lack, `size` of each at a time; on failure forgets them, so that the next change asks again. */
async function fill(lists: { known: Known<unknown>; ids: string[] }[], size: number, ask: (chunks: string[][]) => Promise<Record<string, unknown>[]>): Promise<void> {
  const longest = Math.max(0, ...lists.map((l) => l.ids.length));
  if (longest === 0) return;
  // Marked before asking, so that two renders do not ask twice.
  for (const { known, ids } of lists) for (const id of ids) known.set(id, null);
  try {
    for (let i = 0; i < longest; i += size) {
      const answers = await ask(lists.map((l) => l.ids.slice(i, i + size)));
      answers.forEach((answer, n) => {
        for (const [id, value] of Object.entries(answer)) lists[n]!.known.set(id, value ?? null);
      });
    }
  } catch {
    for (const { known, ids } of lists) for (const id of ids) if (known.get(id) === null) known.delete(id);
  }
  changed();
}

export async function loadNames(groups: readonly string[], users: readonly string[]): Promise<void> {
  await fill(
    [
      { known: groupNames, ids: missing(groupNames, groups) },
      { known: userNames, ids: missing(userNames, users) },
    ],
    MAX_NAMES,
    async ([g, u]) => {
      const r = await api.names(g!, u!);
      return [r.groups, r.users];
    },
  );
}

export async function loadSummaries(userTaskKeys: readonly string[]): Promise<void> {
  await fill([{ known: summaries, ids: missing(summaries, userTaskKeys) }], MAX_SUMMARY_KEYS, async ([keys]) => [(await api.summaries(keys!)).items]);
}

/** Re-renders the component when names or summaries arrive. */
function useLookupUpdates(): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    listeners.add(bump);
    return () => {
      listeners.delete(bump);
    };
  }, []);
}

export interface NameLookup {
  /** The group's name, or its id while unknown. */
  group(id: string): string;
  /** The person's name, or the username while unknown or not to be shown. */
  user(username: string): string;
  /** Whether a name (not just the id) is known. */
  hasGroup(id: string): boolean;
  hasUser(username: string): boolean;
}

export function useNames(groups: readonly string[], users: readonly (string | null | undefined)[]): NameLookup {
  useLookupUpdates();
  const wanted = [...new Set(groups)].join('\n') + '\u0000' + [...new Set(users.filter(Boolean))].join('\n');
  useEffect(() => {
    void loadNames(groups, users.filter((u): u is string => !!u));
    // `wanted` is the inputs' content: a new array with the same ids asks for nothing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wanted]);
  return {
    group: (id) => groupNames.get(id) || id,
    user: (username) => userNames.get(username) || username,
    hasGroup: (id) => !!groupNames.get(id),
    hasUser: (username) => !!userNames.get(username),
  };
}

export function useSummaries(userTaskKeys: readonly string[]): (userTaskKey: string) => TaskSummaryLine | undefined {
  useLookupUpdates();
  const wanted = userTaskKeys.join(',');
  useEffect(() => {
    void loadSummaries(userTaskKeys);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wanted]);
  return (key) => summaries.get(key) ?? undefined;
}

/**
 * What a list row says about the task: who (the candidate, else the enterprise) and which campaign —
 * "王建川 · 2026-sichuan-T" as one line; the full wording for `title`.
 */
export function summaryText(s: TaskSummaryLine | undefined): { who?: string; campaign?: string; text: string; title: string } | undefined {
  if (!s) return undefined;
  const who = s.candidateName ?? s.enterpriseName;
  const campaign = s.campaignId;
  const text = [who, campaign].filter(Boolean).join(' · ');
  if (!text) return undefined;
  const title = [
    s.candidateName ? `参评人员 ${s.candidateName}${s.applicationId ? `（申报编号 ${s.applicationId}）` : ''}` : undefined,
    s.enterpriseName ? `企业 ${s.enterpriseName}` : undefined,
    s.campaignLabel || s.campaignId ? `评聘活动 ${[s.campaignLabel, s.campaignId].filter(Boolean).join('，编号 ')}` : undefined,
  ]
    .filter(Boolean)
    .join('；');
  return { ...(who ? { who } : {}), ...(campaign ? { campaign } : {}), text, title };
}
