/**
 * The engine's stored shapes and small shared helpers: the rows of element instances,
 * subscriptions, jobs, user tasks, incidents and definitions as SQLite returns them, the runtime
 * JSON an element instance carries, the agenda's steps, and key parsing. Every behaviour module
 * reads these, so they live apart from any one of them.
 */
import { EngineError, notFound } from './errors.js';
import type { FlowNode } from './model.js';
import type { Json } from '../feel/index.js';
import type { Variables } from './types.js';

export const DEFAULT_TENANT = '<default>';

export type ElementState = 'ACTIVATING' | 'ACTIVATED' | 'COMPLETING' | 'COMPLETED' | 'TERMINATED';

export interface ElementRow {
  key: number;
  process_instance_key: number;
  process_definition_key: number;
  process_definition_id: string;
  element_id: string;
  type: string;
  flow_scope_key: number | null;
  state: ElementState;
  incident_key: number | null;
  runtime: string | null;
  tenant_id: string;
}

export interface Runtime {
  /** Tokens waiting at joins (parallel and inclusive) of this scope: gateway id → flow id → count. */
  joins?: Record<string, Record<string, number>>;
  /** The flows a gateway chose. */
  selectedFlows?: string[];
  jobKey?: number;
  userTaskKey?: number;
  /** The process instance a call activity started. */
  childInstanceKey?: number;
  /** Variables handed in by a job, user task, message or called process, applied when the element completes. */
  completionVariables?: Variables;
  /** A catch event created already triggered (boundary, event-based gateway branch, event start). */
  triggered?: boolean;
  /** Scopes started by an event: the start event to begin at, and the event's variables. */
  startAt?: string;
  startVariables?: Variables;
  multiInstance?: { items: Json[]; created: number; completed: number };
}

export type SubscriptionRole = 'self' | 'boundary' | 'event-subprocess' | 'gateway' | 'start';

export interface SubscriptionRow {
  key: number;
  kind: 'timer' | 'message' | 'signal';
  role: SubscriptionRole;
  element_instance_key: number | null;
  process_instance_key: number | null;
  process_definition_key: number;
  process_definition_id: string;
  catch_element_id: string;
  interrupting: number;
  name: string | null;
  correlation_key: string | null;
  due_at: number | null;
  repetitions: number | null;
  timer: string | null;
  tenant_id: string;
}

export interface MessageRow {
  key: number;
  name: string;
  correlation_key: string;
  variables: string;
  correlated: string;
}

export interface CatchTarget {
  at: ElementRow;
  catchNode: FlowNode;
  role: 'boundary' | 'event-subprocess';
}

export interface JobRow {
  key: number;
  /** The user on whose behalf the job was created (see EngineCommands.withCause). */
  caused_by: string | null;
  type: string;
  state: string;
  activatable: number;
  retries: number;
  worker: string | null;
  deadline: number | null;
  recur_at: number | null;
  error_message: string | null;
  custom_headers: string;
  element_id: string;
  element_instance_key: number;
  process_instance_key: number;
  process_definition_key: number;
  process_definition_id: string;
  process_definition_version: number;
  tenant_id: string;
}

export interface UserTaskRow {
  key: number;
  state: string;
  assignee: string | null;
  element_instance_key: number;
  process_instance_key: number;
  tenant_id: string;
}

export interface IncidentRow {
  key: number;
  error_type: string;
  state: string;
  element_instance_key: number;
  process_instance_key: number;
  job_key: number | null;
  step: string | null;
}

export interface DefinitionRow {
  key: number;
  resource_id: string;
  name: string | null;
  version: number;
  version_tag: string | null;
  resource_name: string;
  checksum: string;
  tenant_id: string;
  content: string;
}

export type Step =
  | { kind: 'activate'; key: number }
  | { kind: 'complete'; key: number }
  | { kind: 'correlate-buffered'; subscriptionKey: number };

export type IncidentStep = 'ACTIVATE' | 'COMPLETE' | 'JOB';

/** Thrown inside a step to park the element in an incident instead of failing the command. */
export class IncidentRaised extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

export const isKey = (s: string): boolean => /^\d{1,19}$/.test(s);

export function parseKey(what: string, key: string): number {
  if (!isKey(key)) throw new EngineError('INVALID_ARGUMENT', `${what} key '${key}' is not a valid key (a decimal int64)`);
  const n = Number(key);
  if (!Number.isSafeInteger(n)) throw notFound(what, key);
  return n;
}

export const iso = (ms: number | null | undefined): string | undefined => (ms == null ? undefined : new Date(ms).toISOString());
