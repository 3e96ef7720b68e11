/**
 * The official Camunda 8.8 client (@camunda8/orchestration-cluster-api), pointed at this origin's
 * /v2 and made to use our fetch (session cookie, CSRF, 401 → login). Request and response types are
 * the client's, generated from the 8.8 OpenAPI; `Unbrand` widens its branded key types (UserTaskKey …)
 * to the plain strings a page holds in its URL. (The client's own `Loose` misses optional keys.)
 */
import {
  createCamundaClientLoose,
  type CamundaUserResult,
  type CreateProcessInstanceResult,
  type FormResult,
  type ProcessDefinitionResult,
  type ProcessDefinitionSearchQuery,
  type ProcessDefinitionSearchQueryResult,
  type UserTaskFilter,
  type UserTaskResult,
  type UserTaskSearchQuery,
  type UserTaskSearchQueryResult,
  type UserTaskVariableSearchQueryRequest,
  type VariableSearchQueryResult,
  type VariableSearchResult,
} from '@camunda8/orchestration-cluster-api';
import type { Http } from './http';

/** Branded strings → string, deeply (distributing over unions, so `Key | null | undefined` works). */
export type Unbrand<T> = T extends string ? string : T extends readonly (infer U)[] ? Unbrand<U>[] : T extends object ? { [K in keyof T]: Unbrand<T[K]> } : T;

export type UserTask = Unbrand<UserTaskResult>;
export type UserTaskQuery = Unbrand<UserTaskSearchQuery>;
export type UserTaskFilterBody = Unbrand<UserTaskFilter>;
export type UserTaskPage = Unbrand<UserTaskSearchQueryResult>;
export type ProcessDefinition = Unbrand<ProcessDefinitionResult>;
export type ProcessDefinitionQuery = Unbrand<ProcessDefinitionSearchQuery>;
export type ProcessDefinitionPage = Unbrand<ProcessDefinitionSearchQueryResult>;
export type TaskVariable = Unbrand<VariableSearchResult>;
export type TaskVariableQuery = Unbrand<UserTaskVariableSearchQueryRequest>;
export type TaskVariablePage = Unbrand<VariableSearchQueryResult>;
export type CurrentUser = Unbrand<CamundaUserResult>;
export type LinkedForm = Unbrand<FormResult>;
export type CreatedInstance = Unbrand<CreateProcessInstanceResult>;

/** Our pages read what the server has now: never wait for eventual consistency. */
const NOW = { consistency: { waitUpToMs: 0 } } as const;

export function createOfficialClient(http: Http, origin: string) {
  return createCamundaClientLoose({
    config: {
      CAMUNDA_REST_ADDRESS: origin,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      // A clerk clicks again; the client must not repeat a completion on its own.
      CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS: 1,
      CAMUNDA_SDK_BACKPRESSURE_PROFILE: 'LEGACY',
      CAMUNDA_SDK_LOG_LEVEL: 'silent',
      CAMUNDA_SDK_VALIDATION: 'none',
    },
    // No process.env in a browser; the config above is all there is.
    env: {},
    fetch: (input: RequestInfo | URL, init?: RequestInit) => http.fetch(input, init),
  });
}

// The client's parameter types, widened the same way (its loose variant types them from the strict ones).
type AnyArgs = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The /v2 calls the pages make, typed with the 8.8 schemas. */
export function createCamunda(http: Http, origin: string) {
  const c = createOfficialClient(http, origin);
  const call = async <T,>(p: Promise<unknown>): Promise<T> => (await p) as T;
  return {
    raw: c,
    getAuthentication: () => call<CurrentUser>(c.getAuthentication()),
    searchUserTasks: (body: UserTaskQuery) => call<UserTaskPage>(c.searchUserTasks(body as AnyArgs, NOW)),
    getUserTask: (userTaskKey: string) => call<UserTask>(c.getUserTask({ userTaskKey }, NOW)),
    /** The linked form, or undefined when the task has none (204). */
    getUserTaskForm: async (userTaskKey: string) => {
      const form = await call<Partial<LinkedForm> | undefined>(c.getUserTaskForm({ userTaskKey }, NOW));
      return form && form.schema !== undefined ? (form as LinkedForm) : undefined;
    },
    searchUserTaskVariables: (userTaskKey: string, body: TaskVariableQuery) =>
      call<TaskVariablePage>(c.searchUserTaskVariables({ userTaskKey, truncateValues: false, ...(body as AnyArgs) }, NOW)),
    assignUserTask: (userTaskKey: string, assignee: string, allowOverride: boolean) => call<void>(c.assignUserTask({ userTaskKey, assignee, allowOverride })),
    unassignUserTask: (userTaskKey: string) => call<void>(c.unassignUserTask({ userTaskKey })),
    completeUserTask: (userTaskKey: string, variables: Record<string, unknown>) => call<void>(c.completeUserTask({ userTaskKey, variables })),
    getProcessDefinitionXml: (processDefinitionKey: string) => call<string>(c.getProcessDefinitionXml({ processDefinitionKey }, NOW)),
    getStartProcessForm: async (processDefinitionKey: string) => {
      const form = await call<Partial<LinkedForm> | undefined>(c.getStartProcessForm({ processDefinitionKey }, NOW));
      return form && form.schema !== undefined ? (form as LinkedForm) : undefined;
    },
    searchProcessDefinitions: (body: ProcessDefinitionQuery) => call<ProcessDefinitionPage>(c.searchProcessDefinitions(body as AnyArgs, NOW)),
    createProcessInstance: (processDefinitionKey: string, variables: Record<string, unknown>) =>
      call<CreatedInstance>(c.createProcessInstance({ processDefinitionKey, variables } as AnyArgs)),
  };
}

export type Camunda = ReturnType<typeof createCamunda>;
