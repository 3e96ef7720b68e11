/**
 * A user task as Tasklist sees it through the 8.8 REST API: the fields of a user task search item
 * that the demo's clerks and the process tests read, and the variables it fills the form with.
 *
 * The variables a user task sees: Camunda 8.8 answers
 * `POST /v2/user-tasks/{key}/variables/search` with every scope's copy of a name (the task's own, a
 * subprocess's, the process instance's); the deduplicated `effective-variables` search came only in
 * 8.9 (camunda/camunda#49162). The task sees the innermost copy: the one with the highest scope key,
 * as a scope is created after the scopes around it and keys only grow within an instance's partition.
 */
/** The fields of a `POST /v2/user-tasks/search` item that callers read (8.8 names). */
export interface UserTask {
  userTaskKey: string;
  elementId: string;
  name?: string;
  processInstanceKey: string;
  processDefinitionId: string;
  candidateGroups?: string[];
  candidateUsers?: string[];
  assignee?: string;
  formKey?: string;
  state: string;
  [key: string]: unknown;
}

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
