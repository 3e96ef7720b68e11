/**
 * The demo's clerks: everything they do goes through the Orchestration Cluster REST API (`/v2`),
 * the same calls Tasklist makes, so the demo runs unchanged against the embedded engine or a
 * Camunda 8.8 cluster. A user task is found by element id (and candidate group) within a campaign's
 * family of instances, its form is read (`/v2/user-tasks/{key}/form`) with the task's variables,
 * and it is completed with what the form would submit (src/forms/submission.ts): a clerk's answer
 * that the form would refuse stops the demo with the form's complaints.
 */
import { formSubmission } from '../forms/submission.js';
import { taskVariablesOf, type TaskVariableItem, type UserTask } from '../forms/tasklist.js';
import { PUBLIC_CHANNEL, type Staff } from './people.js';

export type { UserTask };

export interface Incident {
  incidentKey: string;
  processInstanceKey: string;
  processDefinitionId?: string;
  elementId: string;
  errorType: string;
  errorMessage: string;
  state: string;
}

export interface ElementInstance {
  elementInstanceKey: string;
  processInstanceKey: string;
  elementId: string;
  elementName?: string;
  type: string;
  state: string;
}

export interface ProcessInstance {
  processInstanceKey: string;
  processDefinitionId: string;
  parentProcessInstanceKey?: string;
  state: string;
}

/** Stops the demo: what went wrong, in Chinese and English, with the engine's own words quoted. */
export class DemoError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${zh}\n${en}`);
  }
}

export interface RestOptions {
  /** Base address of the REST API (without `/v2`). */
  baseUrl: string;
  /** Extra headers (e.g. a bearer token against a secured cluster). */
  headers?: () => Promise<Record<string, string>> | Record<string, string>;
  /** Called with every request and its answer (tests record the demo's calls with it). */
  onRequest?: (request: RestRequest, response: { status: number; body: unknown }) => void;
  /** What sends the requests (default: the global fetch); `npm run chaos` gives one that outlasts a server restart. */
  fetch?: typeof fetch;
}

/** A request as the demo sends it: `path` without the query string, `query` its parameters. */
export interface RestRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

export class Rest {
  constructor(private readonly options: RestOptions) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { accept: 'application/json', ...(await this.options.headers?.()) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await (this.options.fetch ?? fetch)(`${this.options.baseUrl.replace(/\/+$/, '')}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    if (this.options.onRequest) {
      const url = new URL(path, 'http://demo');
      this.options.onRequest({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), ...(body !== undefined ? { body } : {}) }, { status: res.status, body: parsed });
    }
    return { status: res.status, body: parsed };
  }

  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const res = await this.call(method, path, body);
    if (res.status >= 300) {
      const detail = typeof res.body === 'object' && res.body ? (res.body.detail ?? res.body.title ?? JSON.stringify(res.body)) : String(res.body);
      throw new DemoError(`REST 调用失败：${method} ${path} 返回 HTTP ${res.status}：${detail}`, `REST call failed: ${method} ${path} answered HTTP ${res.status}: ${detail}`);
    }
    return res.body;
  }

  /** A search with every page. */
  async search<T>(path: string, filter: Record<string, unknown>): Promise<T[]> {
    const items: T[] = [];
    let after: string | undefined;
    for (;;) {
      const body = (await this.ok('POST', path, { filter, page: { limit: 1000, ...(after ? { after } : {}) } })) as { items: T[]; page?: { endCursor?: string } };
      items.push(...body.items);
      if (body.items.length < 1000 || !body.page?.endCursor) return items;
      after = body.page.endCursor;
    }
  }
}

const parseVariables = (items: Array<{ name: string; value: string }>): Record<string, unknown> =>
  Object.fromEntries(items.map((v) => [v.name, JSON.parse(v.value) as unknown]));

/**
 * What the clerks see and do through the REST API. `rest` watches the instances (the demo's
 * operator); with `staff`, each user task is read, claimed and completed as its own clerk (the
 * assignee, or the clerk of its candidate group), and messages come in through the public channel.
 */
export class Clerk {
  constructor(
    readonly rest: Rest,
    /** The engine clock (epoch ms): forms compute `today()` and FEEL `now()` with it. */
    readonly now: () => number,
    readonly staff?: Staff,
  ) {}

  /** The REST client of the user who works on this task (or the operator's, without staff). */
  private restFor(task: UserTask, as?: string): { rest: Rest; username?: string } {
    if (!this.staff) return { rest: this.rest };
    const username = as || task.assignee || this.staff.clerkFor(task.candidateGroups);
    if (!username) {
      throw new DemoError(`用户任务 ${task.elementId} 没有候选组或办理人，演示不知道该由谁办理`, `user task ${task.elementId} has no candidate group or assignee: the demo does not know whose task it is`);
    }
    return { rest: this.staff.as(username), username };
  }

  /** `as`: the user who starts it (enterprise HR opens its own campaign). */
  async startProcess(processDefinitionId: string, variables: Record<string, unknown>, options: { as?: string } = {}): Promise<string> {
    const rest = this.staff && options.as ? this.staff.as(options.as) : this.rest;
    const res = (await rest.ok('POST', '/v2/process-instances', { processDefinitionId, variables })) as { processInstanceKey: string | number };
    return String(res.processInstanceKey);
  }

  /** The instance and every instance it called, transitively. */
  async family(processInstanceKey: string): Promise<ProcessInstance[]> {
    // A cluster's queries are eventually consistent: a just-created instance may not be found for a moment.
    const res = await this.rest.call('GET', `/v2/process-instances/${processInstanceKey}`);
    if (res.status >= 300 && res.status !== 404) await this.rest.ok('GET', `/v2/process-instances/${processInstanceKey}`);
    const root: ProcessInstance = res.status === 404 ? { processInstanceKey, processDefinitionId: '', state: 'ACTIVE' } : (res.body as ProcessInstance);
    const all: ProcessInstance[] = [root];
    for (let i = 0; i < all.length; i++) {
      const children = await this.rest.search<ProcessInstance>('/v2/process-instances/search', { parentProcessInstanceKey: all[i]!.processInstanceKey });
      all.push(...children);
    }
    return all;
  }

  /** The open (CREATED) user tasks of a family. */
  async openTasks(keys: Set<string>): Promise<UserTask[]> {
    const tasks = await this.rest.search<UserTask>('/v2/user-tasks/search', { state: 'CREATED' });
    return tasks.filter((t) => keys.has(String(t.processInstanceKey))).sort((a, b) => (BigInt(a.userTaskKey) < BigInt(b.userTaskKey) ? -1 : 1));
  }

  async activeIncidents(keys: Set<string>): Promise<Incident[]> {
    const incidents = await this.rest.search<Incident>('/v2/incidents/search', { state: 'ACTIVE' });
    return incidents.filter((i) => keys.has(String(i.processInstanceKey)));
  }

  async activeElements(processInstanceKey: string, elementId?: string): Promise<ElementInstance[]> {
    return this.rest.search<ElementInstance>('/v2/element-instances/search', { processInstanceKey, state: 'ACTIVE', ...(elementId ? { elementId } : {}) });
  }

  async elementReached(processInstanceKey: string, elementId: string, state: 'ACTIVE' | 'COMPLETED'): Promise<boolean> {
    return (await this.rest.search<ElementInstance>('/v2/element-instances/search', { processInstanceKey, elementId, state })).length > 0;
  }

  /** An instance's root-scope variables. */
  async variables(processInstanceKey: string): Promise<Record<string, unknown>> {
    const items = await this.rest.search<{ name: string; value: string; scopeKey: string }>('/v2/variables/search?truncateValues=false', { processInstanceKey });
    return parseVariables(items.filter((v) => String(v.scopeKey) === String(processInstanceKey)));
  }

  /** The variables the task sees, as Tasklist fills the form with them (src/forms/tasklist.ts). */
  async taskVariables(task: UserTask): Promise<Record<string, unknown>> {
    return taskVariablesOf(await this.restFor(task).rest.search<TaskVariableItem>(`/v2/user-tasks/${task.userTaskKey}/variables/search?truncateValues=false`, {}));
  }

  async form(task: UserTask): Promise<Record<string, unknown> | undefined> {
    // 204: the task has no linked form. 404: the task is not (yet) on the cluster's read side, which
    // this endpoint reads (eventually consistent in 8.8): look again for a while.
    const { rest } = this.restFor(task);
    let res = await rest.call('GET', `/v2/user-tasks/${task.userTaskKey}/form`);
    for (let i = 0; res.status === 404 && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 250));
      res = await rest.call('GET', `/v2/user-tasks/${task.userTaskKey}/form`);
    }
    if (res.status === 204) return undefined;
    if (res.status !== 200) throw new DemoError(`读取用户任务 ${task.elementId} 的表单失败：HTTP ${res.status}`, `reading the form of user task ${task.elementId} failed: HTTP ${res.status}`);
    // 8.8 sends the form's JSON as a string (the OpenAPI spec said object until camunda/camunda#47743): take either.
    const schema = (res.body as { schema: string | Record<string, unknown> }).schema;
    return (typeof schema === 'string' ? JSON.parse(schema) : schema) as Record<string, unknown>;
  }

  /**
   * Completes a task with what its form submits: the clerk's answers checked against the form and
   * the rest filled as Tasklist fills it. The clerk claims the task first, as Tasklist asks (`as`:
   * who, e.g. a panel member scoring their own; default the clerk of its candidate group).
   */
  async complete(task: UserTask, answers: Record<string, unknown>, options: { as?: string; taskVariables?: Record<string, unknown> } = {}): Promise<Record<string, unknown>> {
    const schema = await this.form(task);
    let variables = answers;
    if (schema) {
      const result = formSubmission(schema, answers, options.taskVariables ?? (await this.taskVariables(task)), this.now);
      if (result.issues.length) {
        throw new DemoError(
          `用户任务 ${task.elementId}（${task.name ?? ''}）：表单 ${String(schema.id)} 不接受演示填写的内容：\n  ${result.issues.join('\n  ')}`,
          `user task ${task.elementId}: form ${String(schema.id)} would not submit the demo's answers:\n  ${result.issues.join('\n  ')}`,
        );
      }
      variables = result.variables;
    } else if (Object.keys(answers).length > 0) {
      throw new DemoError(`用户任务 ${task.elementId} 没有表单，无法提交内容`, `user task ${task.elementId} has no form, so nothing can be submitted with it`);
    }
    const { rest, username } = this.restFor(task, options.as);
    const assignee = username ?? options.as;
    if (assignee) await rest.ok('POST', `/v2/user-tasks/${task.userTaskKey}/assignment`, { assignee, allowOverride: true });
    await rest.ok('POST', `/v2/user-tasks/${task.userTaskKey}/completion`, { variables });
    return variables;
  }

  /** `messageId`: the sender's own reference, so the engine refuses a second publication of it (409) while the first is buffered. */
  async publish(name: string, correlationKey: string, variables: Record<string, unknown>, options: { timeToLiveMs?: number; messageId?: string } = {}): Promise<void> {
    const rest = this.staff ? this.staff.as(PUBLIC_CHANNEL) : this.rest;
    await rest.ok('POST', '/v2/messages/publication', {
      name,
      correlationKey,
      variables,
      ...(options.timeToLiveMs !== undefined ? { timeToLive: options.timeToLiveMs } : {}),
      ...(options.messageId !== undefined ? { messageId: options.messageId } : {}),
    });
  }
}
