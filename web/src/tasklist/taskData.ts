/** Loading one task with everything its page shows. */
import { camunda, api } from '../shared/api/instance';
import type { LinkedForm, TaskVariable, UserTask } from '../shared/api/camunda';
import { innermostVariables } from './variables';
import { dueDay } from './workingDays';

const PAGE = 500;

/** Every variable the task sees, in full (truncateValues=false), all pages. */
export async function loadTaskVariables(userTaskKey: string): Promise<Record<string, unknown>> {
  const items: TaskVariable[] = [];
  for (let from = 0; ; from += PAGE) {
    const r = await camunda.searchUserTaskVariables(userTaskKey, { page: { from, limit: PAGE } });
    const page = (r.items ?? []) as TaskVariable[];
    items.push(...page);
    const total = Number(r.page?.totalItems ?? items.length);
    if (page.length < PAGE || items.length >= total) break;
  }
  return innermostVariables(items.map((v) => ({ name: v.name, value: v.value, scopeKey: v.scopeKey })));
}

/** The linked form's schema (parsed), or undefined when the task has none (204). */
export async function loadTaskForm(userTaskKey: string): Promise<unknown> {
  return parseSchema(await camunda.getUserTaskForm(userTaskKey));
}

export function parseSchema(form: Partial<LinkedForm> | undefined): unknown {
  if (!form || !form.schema) return undefined;
  if (typeof form.schema === 'string') return JSON.parse(form.schema) as unknown;
  return form.schema;
}

export async function loadTask(userTaskKey: string): Promise<UserTask> {
  return camunda.getUserTask(userTaskKey);
}

export async function loadWorkingDaysLeft(task: UserTask): Promise<number | undefined> {
  const day = dueDay(task.dueDate);
  if (!day) return undefined;
  try {
    return (await api.workingDays([day])).items[day];
  } catch {
    return undefined;
  }
}

export async function loadXml(processDefinitionKey: string | undefined): Promise<string | undefined> {
  if (!processDefinitionKey) return undefined;
  const xml = await camunda.getProcessDefinitionXml(processDefinitionKey);
  return typeof xml === 'string' ? xml : undefined;
}
