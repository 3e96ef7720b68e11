/**
 * The engine's read side: the search and get endpoints of the Camunda 8.8 Orchestration Cluster
 * REST API v2 over the engine's SQLite state. Each entity is declared once below (response field →
 * SQL expression and type, filters, sort fields); search.ts turns the declarations into request
 * validation, SQL and 8.8-shaped responses. Request bodies arrive unvalidated (raw JSON) and are
 * validated strictly; a bad one throws INVALID_ARGUMENT naming the field and the rule.
 *
 * Where 8.8's two published schemas differ (the OpenAPI spec, as shipped in
 * @camunda8/orchestration-cluster-api, and @camunda/camunda-api-zod-schemas, which Camunda's own
 * web apps use), requests may take either form. Absent values are omitted, not null: both schemas
 * declare those fields optional, not nullable.
 */
import { z } from 'zod';
import type { Database } from 'better-sqlite3';
import {
  EntityQuery,
  filterConditions,
  filterSchema,
  filterString,
  MAX_FILTER_ALTERNATIVES,
  type EntityQueryOptions,
  parseKey,
  type CustomFilter,
  type Entity,
  type FieldDef,
  type Item,
  type SearchResult,
  type Sql,
} from './search.js';
import { EngineError, notFound } from './errors.js';
import type { TaskParties } from '../identity/access.js';

export type { Item, SearchPage, SearchResult } from './search.js';

export interface VariableSearchOptions {
  /** 8.8's `truncateValues` query parameter; default true. */
  truncateValues?: boolean;
}

/**
 * What the caller may read, applied to a search on top of its own filter (the server derives it
 * from the caller's authorizations): `processDefinitionIds` limits results to those processes
 * (absent: every process); `taskParty` also admits user tasks the user is assignee, candidate user
 * or candidate-group member of.
 */
/** An open user task as the Tasklist's notifications list it (see Queries.openTasksOfParty). */
export interface OpenTask {
  userTaskKey: string;
  /** The task's name, else its element id. */
  name: string;
  processName: string;
  processDefinitionId: string;
  processInstanceKey: string;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  /** As the model gave it (ISO 8601 date-time), or null. */
  dueDate: string | null;
  creationDate: string;
}

export interface ReadScope {
  processDefinitionIds?: readonly string[];
  taskParty?: { username: string; groups: readonly string[] };
}

function scopeWhere(scope: ReadScope | undefined, column = 't.process_definition_id'): Sql | undefined {
  if (!scope) return undefined;
  const parts: string[] = [];
  const params: unknown[] = [];
  if (scope.processDefinitionIds === undefined) return undefined;
  if (scope.processDefinitionIds.length) {
    parts.push(`${column} IN (${scope.processDefinitionIds.map(() => '?').join(', ')})`);
    params.push(...scope.processDefinitionIds);
  }
  if (scope.taskParty) {
    const { username, groups } = scope.taskParty;
    parts.push('t.assignee = ?', `EXISTS (SELECT 1 FROM json_each(t.candidate_users) WHERE value = ?)`);
    params.push(username, username);
    if (groups.length) {
      parts.push(`EXISTS (SELECT 1 FROM json_each(t.candidate_groups) WHERE value IN (${groups.map(() => '?').join(', ')}))`);
      params.push(...groups);
    }
  }
  return { sql: parts.length ? `(${parts.join(' OR ')})` : '0', params };
}

/** 8.8's variable size threshold: longer values are truncated in search results (isTruncated). */
export const VARIABLE_PREVIEW_LENGTH = 8191;

// ---------------------------------------------------------------------------------------------
// 8.8 enums

const INSTANCE_STATES = ['ACTIVE', 'COMPLETED', 'TERMINATED'] as const;
const PROCESS_DEFINITION_STATES = ['ACTIVE', 'DRAINING', 'DELETED'] as const;
// prettier-ignore
const ELEMENT_TYPES = [
  'UNSPECIFIED', 'PROCESS', 'SUB_PROCESS', 'EVENT_SUB_PROCESS', 'AD_HOC_SUB_PROCESS',
  'AD_HOC_SUB_PROCESS_INNER_INSTANCE', 'START_EVENT', 'INTERMEDIATE_CATCH_EVENT',
  'INTERMEDIATE_THROW_EVENT', 'BOUNDARY_EVENT', 'END_EVENT', 'SERVICE_TASK', 'RECEIVE_TASK',
  'USER_TASK', 'MANUAL_TASK', 'TASK', 'EXCLUSIVE_GATEWAY', 'INCLUSIVE_GATEWAY', 'PARALLEL_GATEWAY',
  'EVENT_BASED_GATEWAY', 'SEQUENCE_FLOW', 'MULTI_INSTANCE_BODY', 'CALL_ACTIVITY',
  'BUSINESS_RULE_TASK', 'SCRIPT_TASK', 'SEND_TASK', 'UNKNOWN',
] as const;
// prettier-ignore
const USER_TASK_STATES = [
  'CREATING', 'CREATED', 'ASSIGNING', 'UPDATING', 'COMPLETING', 'COMPLETED', 'CANCELING', 'CANCELED', 'FAILED',
] as const;
const INCIDENT_STATES = ['ACTIVE', 'MIGRATED', 'RESOLVED', 'PENDING'] as const;
// prettier-ignore
const INCIDENT_ERROR_TYPES = [
  'UNSPECIFIED', 'UNKNOWN', 'IO_MAPPING_ERROR', 'JOB_NO_RETRIES', 'EXECUTION_LISTENER_NO_RETRIES',
  'TASK_LISTENER_NO_RETRIES', 'AD_HOC_SUB_PROCESS_NO_RETRIES', 'CONDITION_ERROR',
  'EXTRACT_VALUE_ERROR', 'CALLED_ELEMENT_ERROR', 'UNHANDLED_ERROR_EVENT', 'MESSAGE_SIZE_EXCEEDED',
  'CALLED_DECISION_ERROR', 'DECISION_EVALUATION_ERROR', 'FORM_NOT_FOUND', 'RESOURCE_NOT_FOUND',
] as const;
// prettier-ignore
const JOB_STATES = [
  'CANCELED', 'COMPLETED', 'CREATED', 'ERROR_THROWN', 'FAILED', 'MIGRATED', 'RETRIES_UPDATED', 'TIMED_OUT',
] as const;
const JOB_KINDS = ['BPMN_ELEMENT', 'EXECUTION_LISTENER', 'TASK_LISTENER', 'AD_HOC_SUB_PROCESS'] as const;
// prettier-ignore
const JOB_LISTENER_EVENT_TYPES = [
  'ASSIGNING', 'CANCELING', 'COMPLETING', 'CREATING', 'END', 'START', 'UNSPECIFIED', 'UPDATING',
] as const;

// ---------------------------------------------------------------------------------------------
// Shorthands

const key = (sql: string): FieldDef => ({ sql, type: 'key' });
const str = (sql: string): FieldDef => ({ sql, type: 'string' });
const int = (sql: string): FieldDef => ({ sql, type: 'int' });
const bool = (sql: string): FieldDef => ({ sql, type: 'bool' });
const date = (sql: string): FieldDef => ({ sql, type: 'date' });
const isoDate = (sql: string): FieldDef => ({ sql, type: 'isoDate' });
const json = (sql: string): FieldDef => ({ sql, type: 'json' });
const oneOf = (sql: string, values: readonly string[]): FieldDef => ({ sql, type: 'enum', values });

/** A filter on the response field of the same name: bare value only, or bare value or operators. */
const EQ = { mode: 'eq' } as const;
const OPS = { mode: 'ops' } as const;

/** 8.8 element instance states from the engine's lifecycle states. */
const elementState = (alias: string) =>
  `CASE ${alias}.state WHEN 'COMPLETED' THEN 'COMPLETED' WHEN 'TERMINATED' THEN 'TERMINATED' ELSE 'ACTIVE' END`;

const activeIncidentOn = (column: string, keyExpr: string) =>
  `EXISTS (SELECT 1 FROM incidents i WHERE i.${column} = ${keyExpr} AND i.state = 'ACTIVE')`;

/**
 * 8.8's variable value filters, `[{ name, value: string filter }]`: each entry needs a variable of
 * that name among `scope` whose value (its JSON text, as 8.8 compares it) matches.
 */
function variablesFilter(scope: string): CustomFilter {
  const value = filterSchema({ type: 'string', mode: 'ops' });
  const schema = z.array(z.strictObject({ name: filterString, value })).max(MAX_FILTER_ALTERNATIVES);
  return {
    schema,
    compile: (entries: z.infer<typeof schema>) => {
      const parts: string[] = [];
      const params: unknown[] = [];
      for (const entry of entries) {
        const cond = filterConditions('v.value', 'string', entry.value);
        parts.push(`EXISTS (SELECT 1 FROM variables v WHERE ${scope} AND v.name = ? AND ${cond.sql})`);
        params.push(entry.name, ...cond.params);
      }
      return { sql: parts.length ? parts.join(' AND ') : '1', params };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Entities

const processDefinition: Entity = {
  name: 'Process definition',
  from: 'resources t',
  where: `t.kind = 'process'`,
  key: 'processDefinitionKey',
  fields: {
    processDefinitionKey: key('t.key'),
    processDefinitionId: str('t.resource_id'),
    name: str('t.name'),
    version: int('t.version'),
    versionTag: str('t.version_tag'),
    resourceName: str('t.resource_name'),
    tenantId: str('t.tenant_id'),
    // the none start event links a form (recorded at deployment, see Store and Deployments)
    hasStartForm: bool('(t.start_form_id IS NOT NULL)'),
    // not in the 8.8 OpenAPI spec, but required by camunda-api-zod-schemas' 8.8 processDefinitionSchema
    state: oneOf(`'ACTIVE'`, PROCESS_DEFINITION_STATES),
  },
  filters: {
    processDefinitionKey: EQ,
    processDefinitionId: OPS,
    name: OPS,
    version: EQ,
    versionTag: EQ,
    resourceName: EQ,
    tenantId: EQ,
    hasStartForm: EQ,
    state: EQ,
    isLatestVersion: {
      mode: 'eq',
      type: 'bool',
      sql: `t.version = (SELECT MAX(r.version) FROM resources r
              WHERE r.kind = t.kind AND r.tenant_id = t.tenant_id AND r.resource_id = t.resource_id)`,
    },
  },
  sort: ['processDefinitionKey', 'name', 'resourceName', 'version', 'versionTag', 'processDefinitionId', 'tenantId'],
};

const processInstance: Entity = {
  name: 'Process instance',
  from: 'process_instances t',
  key: 'processInstanceKey',
  fields: {
    processInstanceKey: key('t.key'),
    processDefinitionId: str('t.process_definition_id'),
    // required by 8.8; falls back to the id for unnamed processes, as Operate shows them
    processDefinitionName: str(`COALESCE(NULLIF(t.process_definition_name, ''), t.process_definition_id)`),
    processDefinitionVersion: int('t.process_definition_version'),
    processDefinitionVersionTag: str('t.process_definition_version_tag'),
    processDefinitionKey: key('t.process_definition_key'),
    parentProcessInstanceKey: key('t.parent_process_instance_key'),
    parentElementInstanceKey: key('t.parent_element_instance_key'),
    startDate: date('t.start_date'),
    endDate: date('t.end_date'),
    state: oneOf('t.state', INSTANCE_STATES),
    hasIncident: bool(activeIncidentOn('process_instance_key', 't.key')),
    tenantId: str('t.tenant_id'),
  },
  relations: {
    elementInstance: { from: 'element_instances e', on: `e.process_instance_key = t.key AND e.type <> 'PROCESS'` },
    incident: { from: 'incidents i', on: `i.process_instance_key = t.key AND i.state = 'ACTIVE'` },
  },
  filters: {
    processInstanceKey: OPS,
    processDefinitionId: OPS,
    processDefinitionName: OPS,
    processDefinitionVersion: OPS,
    processDefinitionVersionTag: OPS,
    processDefinitionKey: OPS,
    parentProcessInstanceKey: OPS,
    parentElementInstanceKey: OPS,
    startDate: OPS,
    endDate: OPS,
    state: OPS,
    hasIncident: EQ,
    tenantId: OPS,
    variables: variablesFilter('v.process_instance_key = t.key'),
    // the engine has no batch operations: no instance belongs to one
    batchOperationKey: { mode: 'ops', type: 'string', sql: 'NULL' },
    batchOperationId: { mode: 'ops', type: 'string', sql: 'NULL' },
    // instances with an active incident with this message (hash: Java's String.hashCode, as 8.8)
    errorMessage: { mode: 'ops', type: 'string', sql: 'i.error_message', via: 'incident' },
    incidentErrorHashCode: { mode: 'ops', type: 'int', sql: 'pingpin_java_hash(i.error_message)', via: 'incident' },
    hasRetriesLeft: {
      mode: 'eq',
      type: 'bool',
      sql: `EXISTS (SELECT 1 FROM jobs j WHERE j.process_instance_key = t.key AND j.state = 'FAILED' AND j.retries > 0)`,
    },
    // instances with an element instance matching all of these
    elementId: { mode: 'ops', type: 'string', sql: 'e.element_id', via: 'elementInstance' },
    elementInstanceState: {
      mode: 'ops',
      type: 'enum',
      values: INSTANCE_STATES,
      sql: elementState('e'),
      via: 'elementInstance',
    },
    hasElementInstanceIncident: {
      mode: 'eq',
      type: 'bool',
      sql: activeIncidentOn('element_instance_key', 'e.key'),
      via: 'elementInstance',
    },
    tags: {
      schema: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_\-:.]{0,99}$/, { error: 'must be a tag' })).max(10),
      // instances have all the given tags; the engine stores none
      compile: (tags: string[]) => ({ sql: tags.length ? '0' : '1', params: [] }),
    },
  },
  or: true,
  sort: [
    'processInstanceKey',
    'processDefinitionId',
    'processDefinitionName',
    'processDefinitionVersion',
    'processDefinitionVersionTag',
    'processDefinitionKey',
    'parentProcessInstanceKey',
    'parentElementInstanceKey',
    'startDate',
    'endDate',
    'state',
    'hasIncident',
    'tenantId',
  ],
};

const elementInstance: Entity = {
  name: 'Element instance',
  from: 'element_instances t',
  // the process instance itself is not an element instance in 8.8 (Operate's flow node instances)
  where: `t.type <> 'PROCESS'`,
  key: 'elementInstanceKey',
  fields: {
    elementInstanceKey: key('t.key'),
    processInstanceKey: key('t.process_instance_key'),
    processDefinitionId: str('t.process_definition_id'),
    processDefinitionKey: key('t.process_definition_key'),
    elementId: str('t.element_id'),
    // required by 8.8; unnamed elements show their id
    elementName: str(`COALESCE(NULLIF(t.element_name, ''), t.element_id)`),
    type: oneOf('t.type', ELEMENT_TYPES),
    state: oneOf(elementState('t'), INSTANCE_STATES),
    startDate: date('t.start_date'),
    endDate: date('t.end_date'),
    hasIncident: bool(activeIncidentOn('element_instance_key', 't.key')),
    incidentKey: key(
      `(SELECT i.key FROM incidents i WHERE i.element_instance_key = t.key AND i.state = 'ACTIVE' ORDER BY i.key LIMIT 1)`,
    ),
    tenantId: str('t.tenant_id'),
  },
  filters: {
    elementInstanceKey: EQ,
    processInstanceKey: EQ,
    processDefinitionId: EQ,
    processDefinitionKey: EQ,
    elementId: EQ,
    elementName: EQ,
    type: EQ,
    state: OPS,
    startDate: OPS,
    endDate: OPS,
    hasIncident: EQ,
    incidentKey: EQ,
    tenantId: EQ,
    // the flow scope: the process instance key for top-level elements
    elementInstanceScopeKey: { mode: 'eq', type: 'key', sql: 't.flow_scope_key' },
  },
  sort: [
    'elementInstanceKey',
    'processInstanceKey',
    'processDefinitionKey',
    'processDefinitionId',
    'startDate',
    'endDate',
    'elementId',
    'elementName',
    'type',
    'state',
    'incidentKey',
    'tenantId',
  ],
};

const userTask: Entity = {
  name: 'User task',
  from: 'user_tasks t',
  key: 'userTaskKey',
  fields: {
    userTaskKey: key('t.key'),
    name: str('t.name'),
    state: oneOf('t.state', USER_TASK_STATES),
    assignee: str('t.assignee'),
    elementId: str('t.element_id'),
    elementInstanceKey: key('t.element_instance_key'),
    candidateGroups: json('t.candidate_groups'),
    candidateUsers: json('t.candidate_users'),
    processDefinitionId: str('t.process_definition_id'),
    processDefinitionKey: key('t.process_definition_key'),
    processInstanceKey: key('t.process_instance_key'),
    processDefinitionVersion: int('t.process_definition_version'),
    processName: str(
      `COALESCE((SELECT NULLIF(r.name, '') FROM resources r WHERE r.key = t.process_definition_key), t.process_definition_id)`,
    ),
    formKey: key('t.form_key'),
    creationDate: date('t.creation_date'),
    completionDate: date('t.completion_date'),
    followUpDate: isoDate('t.follow_up_date'),
    dueDate: isoDate('t.due_date'),
    tenantId: str('t.tenant_id'),
    externalFormReference: str('t.external_form_reference'),
    customHeaders: json('t.custom_headers'),
    priority: int('t.priority'),
  },
  filters: {
    userTaskKey: EQ,
    state: OPS,
    assignee: OPS,
    // tasks where some candidate matches
    candidateGroup: { mode: 'ops', type: 'string', sql: 't.candidate_groups', list: true },
    candidateUser: { mode: 'ops', type: 'string', sql: 't.candidate_users', list: true },
    priority: OPS,
    name: EQ,
    elementId: EQ,
    elementInstanceKey: EQ,
    processDefinitionId: EQ,
    processDefinitionKey: EQ,
    processInstanceKey: EQ,
    tenantId: OPS,
    creationDate: OPS,
    completionDate: OPS,
    followUpDate: OPS,
    dueDate: OPS,
    processInstanceVariables: variablesFilter('v.scope_key = t.process_instance_key'),
    localVariables: variablesFilter('v.scope_key = t.element_instance_key'),
  },
  sort: ['creationDate', 'completionDate', 'followUpDate', 'dueDate', 'priority', 'name'],
};

const VARIABLE_SORT = ['value', 'name', 'tenantId', 'variableKey', 'scopeKey', 'processInstanceKey', ['fullValue', 'value']] as const;

const variable: Entity = {
  name: 'Variable',
  from: 'variables t',
  key: 'variableKey',
  fields: {
    variableKey: key('t.key'),
    name: str('t.name'),
    // Searches return the first VARIABLE_PREVIEW_LENGTH characters (as 8.8, by characters, so never
    // inside a surrogate pair) and isTruncated; GET /v2/variables/{key} the whole value.
    value: { sql: 't.value', type: 'string', preview: { length: VARIABLE_PREVIEW_LENGTH, flag: 'isTruncated' } },
    scopeKey: key('t.scope_key'),
    processInstanceKey: key('t.process_instance_key'),
    tenantId: str('t.tenant_id'),
  },
  filters: {
    variableKey: OPS,
    name: OPS,
    value: OPS,
    scopeKey: OPS,
    processInstanceKey: OPS,
    tenantId: EQ,
    // SQLite's length() counts characters, as truncateValue does
    isTruncated: { mode: 'eq', type: 'bool', sql: `length(t.value) > ${VARIABLE_PREVIEW_LENGTH}` },
  },
  sort: VARIABLE_SORT,
};

/**
 * The variables visible at a user task (searched with TASK_SCOPE_VARIABLES as source): those of its
 * element instance, of each flow scope up to the process instance, and of the process instance.
 * As in Camunda 8.8, a name set in several of these scopes comes back once per scope (each item
 * carries its `scopeKey`); the innermost copy is the one the task sees. Deduplicating is 8.9's
 * `effective-variables/search` (camunda/camunda#49162), which 8.8 does not have.
 */
const userTaskVariable: Entity = { ...variable, filters: { name: OPS }, sort: VARIABLE_SORT };

/**
 * Parameters: the task's element instance key, its process instance key twice. The process
 * instance is also seeded as the outermost scope, so its variables are seen even if the flow
 * scope chain stops short of it; each scope counts once.
 */
const TASK_SCOPE_VARIABLES = `(
  WITH RECURSIVE scope(key, depth) AS (
    SELECT ?, 0
    UNION ALL
    SELECT ?, 1000
    UNION ALL
    SELECT e.flow_scope_key, scope.depth + 1 FROM element_instances e JOIN scope ON e.key = scope.key
    WHERE e.flow_scope_key IS NOT NULL AND e.process_instance_key = ? AND scope.depth < 1000
  )
  SELECT v.* FROM variables v WHERE v.scope_key IN (SELECT key FROM scope)
) t`;

const incident: Entity = {
  name: 'Incident',
  from: 'incidents t',
  key: 'incidentKey',
  fields: {
    incidentKey: key('t.key'),
    processDefinitionKey: key('t.process_definition_key'),
    processDefinitionId: str('t.process_definition_id'),
    processInstanceKey: key('t.process_instance_key'),
    errorType: oneOf('t.error_type', INCIDENT_ERROR_TYPES),
    errorMessage: str('t.error_message'),
    elementId: str('t.element_id'),
    elementInstanceKey: key('t.element_instance_key'),
    creationTime: date('t.creation_time'),
    state: oneOf('t.state', INCIDENT_STATES),
    jobKey: key('t.job_key'),
    tenantId: str('t.tenant_id'),
  },
  filters: {
    incidentKey: EQ,
    processDefinitionKey: EQ,
    processDefinitionId: EQ,
    processInstanceKey: EQ,
    errorType: OPS,
    errorMessage: EQ,
    elementId: EQ,
    elementInstanceKey: EQ,
    creationTime: OPS,
    state: OPS,
    jobKey: EQ,
    tenantId: EQ,
  },
  sort: [
    'incidentKey',
    'processDefinitionKey',
    'processDefinitionId',
    'processInstanceKey',
    'errorType',
    'errorMessage',
    'elementId',
    'elementInstanceKey',
    'creationTime',
    'state',
    'jobKey',
    'tenantId',
  ],
};

const job: Entity = {
  name: 'Job',
  from: 'jobs t',
  key: 'jobKey',
  fields: {
    jobKey: key('t.key'),
    type: str('t.type'),
    // Zeebe's job record defaults: empty strings, not absent
    worker: str(`COALESCE(t.worker, '')`),
    // 8.8 has no ACTIVATED job state: activation is a job batch event, the job stays CREATED
    state: oneOf(`CASE t.state WHEN 'ACTIVATED' THEN 'CREATED' ELSE t.state END`, JOB_STATES),
    kind: oneOf('t.kind', JOB_KINDS),
    listenerEventType: oneOf(`'UNSPECIFIED'`, JOB_LISTENER_EVENT_TYPES),
    retries: int('t.retries'),
    isDenied: bool('0'),
    deniedReason: str(`''`),
    hasFailedWithRetriesLeft: bool(`t.state = 'FAILED' AND t.retries > 0`),
    errorCode: str(`COALESCE(t.error_code, '')`),
    errorMessage: str(`COALESCE(t.error_message, '')`),
    customHeaders: json('t.custom_headers'),
    deadline: date('t.deadline'),
    endTime: date('t.end_date'),
    processDefinitionId: str('t.process_definition_id'),
    processDefinitionKey: key('t.process_definition_key'),
    processInstanceKey: key('t.process_instance_key'),
    elementId: str('t.element_id'),
    elementInstanceKey: key('t.element_instance_key'),
    tenantId: str('t.tenant_id'),
  },
  filters: {
    jobKey: OPS,
    type: OPS,
    worker: OPS,
    state: OPS,
    kind: OPS,
    listenerEventType: OPS,
    retries: OPS,
    isDenied: { mode: 'eq', field: 'isDenied', nullable: true },
    deniedReason: OPS,
    hasFailedWithRetriesLeft: EQ,
    errorCode: OPS,
    errorMessage: OPS,
    deadline: { mode: 'ops', field: 'deadline', nullable: true },
    endTime: OPS,
    processDefinitionId: OPS,
    processDefinitionKey: OPS,
    processInstanceKey: OPS,
    elementId: OPS,
    elementInstanceKey: OPS,
    tenantId: OPS,
  },
  sort: [
    'jobKey',
    'type',
    'worker',
    'state',
    'kind',
    'listenerEventType',
    'retries',
    'isDenied',
    'deniedReason',
    'hasFailedWithRetriesLeft',
    'errorCode',
    'errorMessage',
    'customHeaders',
    'deadline',
    'endTime',
    'processDefinitionId',
    'processDefinitionKey',
    'processInstanceKey',
    'elementId',
    'elementInstanceKey',
    'tenantId',
  ],
};

/** GET /v2/forms/{formKey} and GET /v2/user-tasks/{key}/form; the schema is the form's JSON text. */
const form: Entity = {
  name: 'Form',
  from: 'resources t',
  where: `t.kind = 'form'`,
  key: 'formKey',
  fields: {
    formKey: key('t.key'),
    formId: str('t.resource_id'),
    version: int('t.version'),
    tenantId: str('t.tenant_id'),
    schema: str('t.content'),
  },
};

/** Java's String.hashCode (UTF-16 code units), which 8.8's incidentErrorHashCode is. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

// ---------------------------------------------------------------------------------------------

export type KeyedEntity = 'processDefinition' | 'processInstance' | 'elementInstance' | 'job' | 'incident' | 'userTask';

const OWNER_OF: Record<KeyedEntity, string> = {
  processDefinition: `SELECT resource_id AS id, NULL AS pi FROM resources WHERE key = ? AND kind = 'process'`,
  processInstance: `SELECT process_definition_id AS id, key AS pi FROM process_instances WHERE key = ?`,
  elementInstance: `SELECT process_definition_id AS id, process_instance_key AS pi FROM element_instances WHERE key = ?`,
  job: `SELECT process_definition_id AS id, process_instance_key AS pi FROM jobs WHERE key = ?`,
  incident: `SELECT process_definition_id AS id, process_instance_key AS pi FROM incidents WHERE key = ?`,
  userTask: `SELECT process_definition_id AS id, process_instance_key AS pi FROM user_tasks WHERE key = ?`,
};

export class Queries {
  private readonly processDefinitions: EntityQuery;
  private readonly processInstances: EntityQuery;
  private readonly elementInstances: EntityQuery;
  private readonly userTasks: EntityQuery;
  private readonly variables: EntityQuery;
  private readonly userTaskVariables: EntityQuery;
  private readonly incidents: EntityQuery;
  private readonly jobs: EntityQuery;
  private readonly forms: EntityQuery;

  /** `options.maxResponseBytes`: the most one search response may hold (DEFAULT_MAX_RESPONSE_BYTES, 16 MB). */
  constructor(
    private readonly db: Database,
    options: EntityQueryOptions = {},
  ) {
    db.function('pingpin_java_hash', { deterministic: true }, (s: unknown) =>
      typeof s === 'string' ? javaStringHash(s) : null,
    );
    this.processDefinitions = new EntityQuery(db, processDefinition, options);
    this.processInstances = new EntityQuery(db, processInstance, options);
    this.elementInstances = new EntityQuery(db, elementInstance, options);
    this.userTasks = new EntityQuery(db, userTask, options);
    this.variables = new EntityQuery(db, variable, options);
    this.userTaskVariables = new EntityQuery(db, userTaskVariable, options);
    this.incidents = new EntityQuery(db, incident, options);
    this.jobs = new EntityQuery(db, job, options);
    this.forms = new EntityQuery(db, form, options);
  }

  /** POST /v2/process-definitions/search */
  searchProcessDefinitions(body: unknown, scope?: ReadScope): SearchResult {
    return this.processDefinitions.search(body, { where: scopeWhere(scope, 't.resource_id') });
  }

  /** GET /v2/process-definitions/{processDefinitionKey} */
  getProcessDefinition(processDefinitionKey: string): Item {
    return this.processDefinitions.get(processDefinitionKey);
  }

  /** GET /v2/process-definitions/{processDefinitionKey}/xml (text/xml) */
  getProcessDefinitionXml(processDefinitionKey: string): string {
    const row = this.db
      .prepare(`SELECT content FROM resources WHERE key = ? AND kind = 'process'`)
      .get(parseKey('processDefinitionKey', processDefinitionKey)) as { content: string } | undefined;
    if (!row) throw notFound(processDefinition.name, processDefinitionKey);
    return row.content;
  }

  /**
   * GET /v2/process-definitions/{processDefinitionKey}/form: the start form, or undefined when the
   * none start event links none (204). The form is the latest deployed version of the linked id, as
   * for a user task's linked form (binding type `latest`), looked up when asked: a form deployed
   * after its process is found, and a new version of the form is served at once.
   */
  getProcessDefinitionStartForm(processDefinitionKey: string): Item | undefined {
    const row = this.db
      .prepare(`SELECT start_form_id AS formId, tenant_id AS tenantId FROM resources WHERE key = ? AND kind = 'process'`)
      .get(parseKey('processDefinitionKey', processDefinitionKey)) as { formId: string | null; tenantId: string } | undefined;
    if (!row) throw notFound(processDefinition.name, processDefinitionKey);
    if (row.formId === null) return undefined;
    const latest = this.db
      .prepare(`SELECT key FROM resources WHERE kind = 'form' AND tenant_id = ? AND resource_id = ? ORDER BY version DESC LIMIT 1`)
      .get(row.tenantId, row.formId) as { key: number } | undefined;
    const result = latest && this.forms.find(BigInt(latest.key));
    if (!result) throw new EngineError('NOT_FOUND', `Form with id '${row.formId}' (the start form of process definition '${processDefinitionKey}') not found: deploy it`);
    return result;
  }

  /**
   * The latest version of each process that a user may start (a none start event), for the
   * Tasklist's start page. `processDefinitionIds` undefined: every process.
   */
  startableProcessDefinitions(processDefinitionIds?: readonly string[]): { processDefinitionKey: string; processDefinitionId: string; name?: string; version: number; hasStartForm: boolean }[] {
    if (processDefinitionIds && processDefinitionIds.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT t.key, t.resource_id, t.name, t.version, t.start_form_id FROM resources t
          WHERE t.kind = 'process' AND t.none_start IS NOT 0
            AND t.version = (SELECT MAX(r.version) FROM resources r WHERE r.kind = t.kind AND r.tenant_id = t.tenant_id AND r.resource_id = t.resource_id)
            ${processDefinitionIds ? `AND t.resource_id IN (SELECT value FROM json_each(?))` : ''}
          ORDER BY t.resource_id, t.tenant_id`,
      )
      .all(...(processDefinitionIds ? [JSON.stringify(processDefinitionIds)] : [])) as { key: number; resource_id: string; name: string | null; version: number; start_form_id: string | null }[];
    return rows.map((r) => ({
      processDefinitionKey: String(r.key),
      processDefinitionId: r.resource_id,
      ...(r.name !== null ? { name: r.name } : {}),
      version: r.version,
      hasStartForm: r.start_form_id !== null,
    }));
  }

  /** POST /v2/process-instances/search */
  searchProcessInstances(body: unknown, scope?: ReadScope): SearchResult {
    return this.processInstances.search(body, { where: scopeWhere(scope) });
  }

  /** GET /v2/process-instances/{processInstanceKey} */
  getProcessInstance(processInstanceKey: string): Item {
    return this.processInstances.get(processInstanceKey);
  }

  /** POST /v2/element-instances/search */
  searchElementInstances(body: unknown, scope?: ReadScope): SearchResult {
    return this.elementInstances.search(body, { where: scopeWhere(scope) });
  }

  /** GET /v2/element-instances/{elementInstanceKey} */
  getElementInstance(elementInstanceKey: string): Item {
    return this.elementInstances.get(elementInstanceKey);
  }

  /** POST /v2/user-tasks/search */
  searchUserTasks(body: unknown, scope?: ReadScope): SearchResult {
    return this.userTasks.search(body, { where: scopeWhere(scope) });
  }

  /** GET /v2/user-tasks/{userTaskKey} */
  getUserTask(userTaskKey: string): Item {
    return this.userTasks.get(userTaskKey);
  }

  /** GET /v2/user-tasks/{userTaskKey}/form: undefined when the task has no (embedded/linked) form (204). */
  getUserTaskForm(userTaskKey: string): Item | undefined {
    const task = this.userTasks.get(userTaskKey);
    if (task.formKey === undefined) return undefined;
    const formKey = task.formKey as string;
    const result = this.forms.find(BigInt(formKey));
    if (!result) throw notFound(form.name, formKey);
    return result;
  }

  /** POST /v2/user-tasks/{userTaskKey}/variables/search (8.8: every scope's copy of each name, see TASK_SCOPE_VARIABLES) */
  searchUserTaskVariables(userTaskKey: string, body: unknown, options: VariableSearchOptions = {}): SearchResult {
    const task = this.db
      .prepare(`SELECT element_instance_key AS scope, process_instance_key AS pi FROM user_tasks WHERE key = ?`)
      .get(parseKey('userTaskKey', userTaskKey)) as { scope: number; pi: number } | undefined;
    if (!task) throw notFound(userTask.name, userTaskKey);
    return this.userTaskVariables.search(body, {
      source: { sql: TASK_SCOPE_VARIABLES, params: [task.scope, task.pi, task.pi] },
      truncateValues: options.truncateValues,
    });
  }

  /**
   * What a completion of the task is checked against: the linked form's schema (JSON text) and the
   * variables the task sees (the innermost copy of each name: the highest scope key, see
   * TASK_SCOPE_VARIABLES). Undefined when there is no such open task or it links no deployed form.
   */
  userTaskFormContext(userTaskKey: string): { formKey: string; schema: string; variables: Record<string, unknown> } | undefined {
    if (!/^\d{1,19}$/.test(userTaskKey)) return undefined;
    const task = this.db
      .prepare(`SELECT element_instance_key AS scope, process_instance_key AS pi, form_key AS formKey, state FROM user_tasks WHERE key = ?`)
      .get(BigInt(userTaskKey)) as { scope: number; pi: number; formKey: number | null; state: string } | undefined;
    // A task no longer open is refused by the engine, as it says (INVALID_STATE), not by its form.
    if (!task || task.formKey === null || task.state !== 'CREATED') return undefined;
    const form = this.db.prepare(`SELECT content FROM resources WHERE key = ? AND kind = 'form'`).get(task.formKey) as { content: string } | undefined;
    if (!form) return undefined;
    const rows = this.db.prepare(`SELECT t.name, t.value, t.scope_key AS scopeKey FROM ${TASK_SCOPE_VARIABLES}`).all(task.scope, task.pi, task.pi) as {
      name: string;
      value: string;
      scopeKey: number;
    }[];
    const innermost = new Map<string, { value: string; scopeKey: number }>();
    for (const r of rows) {
      const seen = innermost.get(r.name);
      if (!seen || r.scopeKey > seen.scopeKey) innermost.set(r.name, r);
    }
    return {
      formKey: String(task.formKey),
      schema: form.content,
      variables: Object.fromEntries([...innermost].map(([name, v]) => [name, JSON.parse(v.value) as unknown])),
    };
  }

  /**
   * Every scope's copy of these variables at a user task, in full, as
   * `POST /v2/user-tasks/{key}/variables/search` answers them (the caller picks the innermost: see
   * taskVariablesOf in src/forms/tasklist.ts); undefined when there is no such task. For the
   * Tasklist's row summaries, which read a few names of many tasks.
   */
  userTaskScopeVariables(userTaskKey: string, names: readonly string[]): { name: string; value: string; scopeKey: string }[] | undefined {
    if (!/^\d{1,19}$/.test(userTaskKey)) return undefined;
    const task = this.db.prepare(`SELECT element_instance_key AS scope, process_instance_key AS pi FROM user_tasks WHERE key = ?`).get(BigInt(userTaskKey)) as
      | { scope: number; pi: number }
      | undefined;
    if (!task) return undefined;
    const rows = this.db
      .prepare(`SELECT t.name, t.value, t.scope_key AS scopeKey FROM ${TASK_SCOPE_VARIABLES} WHERE t.name IN (SELECT value FROM json_each(?))`)
      .all(task.scope, task.pi, task.pi, JSON.stringify(names)) as { name: string; value: string; scopeKey: number | bigint }[];
    return rows.map((r) => ({ name: r.name, value: r.value, scopeKey: String(r.scopeKey) }));
  }

  /** POST /v2/variables/search[?truncateValues=false] */
  searchVariables(body: unknown, options: VariableSearchOptions = {}, scope?: ReadScope): SearchResult {
    return this.variables.search(body, { ...options, where: scopeWhere(scope) });
  }

  /** GET /v2/variables/{variableKey}: the full value, no isTruncated */
  getVariable(variableKey: string): Item {
    return this.variables.get(variableKey);
  }

  /** POST /v2/incidents/search */
  searchIncidents(body: unknown, scope?: ReadScope): SearchResult {
    return this.incidents.search(body, { where: scopeWhere(scope) });
  }

  /** POST /v2/process-instances/{processInstanceKey}/incidents/search */
  searchProcessInstanceIncidents(processInstanceKey: string, body: unknown): SearchResult {
    const key = parseKey('processInstanceKey', processInstanceKey);
    if (!this.processInstances.find(key)) throw notFound(processInstance.name, processInstanceKey);
    return this.incidents.search(body, { where: { sql: 't.process_instance_key = ?', params: [key] } });
  }

  /** GET /v2/incidents/{incidentKey} */
  getIncident(incidentKey: string): Item {
    return this.incidents.get(incidentKey);
  }

  /** POST /v2/jobs/search */
  searchJobs(body: unknown, scope?: ReadScope): SearchResult {
    return this.jobs.search(body, { where: scopeWhere(scope) });
  }

  /** The process (and instance) an entity key belongs to, for the server's authorization checks and audit; undefined when there is none. */
  ownerOf(entity: KeyedEntity, key: string): { processDefinitionId: string; processInstanceKey?: string } | undefined {
    if (!/^\d{1,19}$/.test(key)) return undefined;
    const row = this.db.prepare(OWNER_OF[entity]).get(BigInt(key)) as { id: string; pi: number | null } | undefined;
    return row && { processDefinitionId: row.id, ...(row.pi !== null ? { processInstanceKey: String(row.pi) } : {}) };
  }

  /** Who may see a user task: its process, assignee and candidates; undefined when there is no such task. */
  userTaskParties(userTaskKey: string): TaskParties | undefined {
    if (!/^\d{1,19}$/.test(userTaskKey)) return undefined;
    const row = this.db
      .prepare(`SELECT process_definition_id AS id, process_instance_key AS pi, assignee, candidate_users AS users, candidate_groups AS groups FROM user_tasks WHERE key = ?`)
      .get(BigInt(userTaskKey)) as { id: string; pi: number; assignee: string | null; users: string; groups: string } | undefined;
    if (!row) return undefined;
    return {
      processDefinitionId: row.id,
      processInstanceKey: String(row.pi),
      assignee: row.assignee,
      candidateUsers: JSON.parse(row.users) as string[],
      candidateGroups: JSON.parse(row.groups) as string[],
    };
  }

  /**
   * The open (CREATED) user tasks a user works on: assigned to them, or unassigned with them as a
   * candidate user or a member of a candidate group (what the Tasklist's notifications and daily
   * digest count; READ_USER_TASK on a process is not being a party). Oldest first, at most `limit`.
   */
  openTasksOfParty(party: { username: string; groups: readonly string[] }, limit = 10_000): OpenTask[] {
    const groups = party.groups.length ? `OR EXISTS (SELECT 1 FROM json_each(t.candidate_groups) WHERE value IN (SELECT value FROM json_each(?)))` : '';
    const rows = this.db
      .prepare(
        `SELECT t.key, t.name, t.element_id, t.process_instance_key, t.process_definition_id, t.assignee, t.due_date, t.creation_date,
                t.candidate_groups, t.candidate_users,
                COALESCE((SELECT NULLIF(r.name, '') FROM resources r WHERE r.key = t.process_definition_key), t.process_definition_id) AS process_name
           FROM user_tasks t
          WHERE t.state = 'CREATED'
            AND (t.assignee = ?
                 OR (t.assignee IS NULL AND (EXISTS (SELECT 1 FROM json_each(t.candidate_users) WHERE value = ?) ${groups})))
          ORDER BY t.key LIMIT ?`,
      )
      .all(party.username, party.username, ...(party.groups.length ? [JSON.stringify(party.groups)] : []), limit) as {
      key: number;
      name: string | null;
      element_id: string;
      process_instance_key: number;
      process_definition_id: string;
      assignee: string | null;
      due_date: string | null;
      creation_date: number;
      candidate_groups: string;
      candidate_users: string;
      process_name: string;
    }[];
    return rows.map((r) => ({
      userTaskKey: String(r.key),
      name: r.name ?? r.element_id,
      processName: r.process_name,
      processDefinitionId: r.process_definition_id,
      processInstanceKey: String(r.process_instance_key),
      assignee: r.assignee,
      candidateGroups: JSON.parse(r.candidate_groups) as string[],
      candidateUsers: JSON.parse(r.candidate_users) as string[],
      dueDate: r.due_date,
      creationDate: new Date(r.creation_date).toISOString(),
    }));
  }

  /**
   * A deployed form by key, in the shape of 8.8's FormResult (as GET /v2/user-tasks/{key}/form).
   * 8.8 has no GET /v2/forms/{formKey}; this serves a route for it if we want one.
   */
  getForm(formKey: string): Item {
    return this.forms.get(formKey);
  }
}
