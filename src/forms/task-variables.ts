/**
 * What Tasklist fills a form with: the variables a user task sees. Camunda 8.8 answers
 * `POST /v2/user-tasks/{key}/variables/search` with every scope's copy of a name (the task's own, a
 * subprocess's, the process instance's); the deduplicated `effective-variables` search came only in
 * 8.9 (camunda/camunda#49162). The task sees the innermost copy: the one with the highest scope key,
 * as a scope is created after the scopes around it and keys only grow within an instance's partition.
 */
export interface TaskVariableItem {
  name: string;
  /** JSON text (search with truncateValues=false). */
  value: string;
  scopeKey: string;
}

export function taskVariablesOf(items: readonly TaskVariableItem[]): Record<string, unknown> {
  const innermost = new Map<string, TaskVariableItem>();
  for (const v of items) {
    const seen = innermost.get(v.name);
    if (!seen || BigInt(v.scopeKey) > BigInt(seen.scopeKey)) innermost.set(v.name, v);
  }
  return Object.fromEntries([...innermost.values()].map((v) => [v.name, JSON.parse(v.value) as unknown]));
}
