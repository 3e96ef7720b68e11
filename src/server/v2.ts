/**
 * The /v2 router: the subset of the Camunda 8.8 Orchestration Cluster REST API that pingpin serves.
 * One route table; every handler goes through `wrap`, which validates path keys and the body and
 * turns what the handler returns (or throws) into the 8.8 answer.
 */
import express, { type Request, type Router } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { EngineCommands, UserTaskChangeset } from '../engine/types.js';
import { formSubmission } from '../forms/submission.js';
import { checkJsonBody, DEFAULT_MAX_VARIABLES_BYTES } from './limits.js';
import { readMultipart } from './multipart.js';
import { canUpdateTask, isTaskParty, type Principal, type TaskParties } from '../identity/access.js';
import { checkAssigneeIsCandidate, hasCandidates, visibleTask as findVisibleTask, type GroupDirectory } from './tasks.js';
import type { KeyedEntity, ReadScope } from '../engine/queries.js';
import { HttpProblem, invalidArgument, problemErrorHandler, sendProblem, type StorageReport } from './problem.js';
import { authenticated, forbidden, mountRoutes, permission, Reply, ResponseGate, route, scoped, scopeIds, type Ctx, type Route } from './routes.js';
import {
  activateJobsBody,
  assertDefaultTenant,
  broadcastSignalBody,
  correlateMessageBody,
  evaluateDecisionBody,
  pinClockBody,
  publishMessageBody,
  assignUserTaskBody,
  completeJobBody,
  completeUserTaskBody,
  createProcessInstanceBody,
  failJobBody,
  operationReferenceBody,
  setVariablesBody,
  throwJobErrorBody,
  updateJobBody,
  updateUserTaskBody,
  userTaskChangeset,
} from './schemas.js';

type Awaitable<T> = T | Promise<T>;

/** 8.8's `truncateValues` query parameter of the variable searches (default true). */
export interface VariableSearchOptions {
  truncateValues?: boolean;
}


/** The read side, as the router uses it (implemented by `Queries` in src/engine/queries.ts). */
export interface QueriesLike {
  searchProcessDefinitions(body: unknown, scope?: ReadScope): Awaitable<unknown>;
  getProcessDefinition(key: string): Awaitable<unknown>;
  getProcessDefinitionXml(key: string): Awaitable<string>;
  searchProcessInstances(body: unknown, scope?: ReadScope): Awaitable<unknown>;
  getProcessInstance(key: string): Awaitable<unknown>;
  searchElementInstances(body: unknown, scope?: ReadScope): Awaitable<unknown>;
  getElementInstance(key: string): Awaitable<unknown>;
  searchUserTasks(body: unknown, scope?: ReadScope): Awaitable<unknown>;
  getUserTask(key: string): Awaitable<unknown>;
  /** The linked form, or undefined when the user task has none (→ 204). */
  getUserTaskForm(key: string): Awaitable<unknown>;
  /** The start form (the none start event's linked form), or undefined when there is none (→ 204). */
  getProcessDefinitionStartForm(processDefinitionKey: string): Awaitable<unknown>;
  /** The linked form's schema and the task's variables, for checking a completion; undefined without a linked form. */
  userTaskFormContext(userTaskKey: string): Awaitable<{ formKey: string; schema: string; variables: Record<string, unknown> } | undefined>;
  searchUserTaskVariables(userTaskKey: string, body: unknown, options?: VariableSearchOptions): Awaitable<unknown>;
  searchVariables(body: unknown, options?: VariableSearchOptions, scope?: ReadScope): Awaitable<unknown>;
  getVariable(key: string): Awaitable<unknown>;
  searchIncidents(body: unknown, scope?: ReadScope): Awaitable<unknown>;
  getIncident(key: string): Awaitable<unknown>;
  searchJobs(body: unknown, scope?: ReadScope): Awaitable<unknown>;
  getForm(key: string): Awaitable<unknown>;
  searchProcessInstanceIncidents(processInstanceKey: string, body: unknown): Awaitable<unknown>;
  /** The process (and instance) an entity key belongs to, or undefined when there is no such entity. */
  ownerOf(entity: KeyedEntity, key: string): Awaitable<{ processDefinitionId: string; processInstanceKey?: string } | undefined>;
  /** Who may see a user task: its process, assignee and candidates (undefined: no such task). */
  userTaskParties(key: string): Awaitable<TaskParties | undefined>;
}

export interface V2Deps {
  engine: EngineCommands;
  queries: QueriesLike;
  logger: Logger;
  /** Reported as gateway and broker version by GET /v2/topology. Default '8.8.0'. */
  version?: string;
  /** Used for awaitCompletion when the request gives no requestTimeout (8.8: the cluster's request timeout, 15 s). */
  defaultRequestTimeoutMs?: number;
  /** Limit for JSON bodies. Default 10 MB, or 1 MB more than `maxVariablesBytes` when that is larger. */
  jsonLimitBytes?: number;
  /**
   * Largest JSON (UTF-8 bytes) of the variables of one command; larger is a 400 naming the limit.
   * Default 4 MB, Zeebe's default maximum message size.
   */
  maxVariablesBytes?: number;
  /** Limit for the files of one deployment. Default 50 MB. */
  deploymentLimitBytes?: number;
  /** Zeebe's ZEEBE_CLOCK_CONTROLLED: without it PUT /v2/clock and POST /v2/clock/reset are refused. */
  clockControlled?: boolean;
  /**
   * Bytes of large answers (search pages, full variable values) handed to clients and not yet
   * delivered, past which further large answers wait their turn (see ResponseGate). Default 64 MB.
   */
  maxUndeliveredBytes?: number;
  /** Group membership (Identity), for the rule that a task with candidates is assigned only to one of them. */
  groups?: GroupDirectory;
  /** The engine clock (epoch ms), for FEEL in form rules checked at completion. Default: system time. */
  now?: () => number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
const MB = 1024 * 1024;
/** Four pages of the largest search response (DEFAULT_MAX_RESPONSE_BYTES, 16 MB). */
export const DEFAULT_MAX_UNDELIVERED_BYTES = 64 * MB;

/** `?truncateValues=true|false` of the variable searches. */
function variableSearchOptions(req: Request): VariableSearchOptions {
  const value = req.query.truncateValues;
  if (value === undefined) return {};
  if (value === 'true' || value === 'false') return { truncateValues: value === 'true' };
  throw invalidArgument(`truncateValues: expected true or false, got '${String(value)}'`);
}

/** Strips `null`s: in 8.8 change sets, null means "leave unchanged", just like absence. */
const withoutNulls = <T extends object>(o: T): { [K in keyof T]: Exclude<T[K], null> } =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as { [K in keyof T]: Exclude<T[K], null> };

const EMPTY_USER_TASK_UPDATE =
  'No update data provided. Provide at least an "action" or a non-null value for a supported attribute in the "changeset"';

/** The /v2 engine route table (method, path, access rule, handler), without a server: the access tests read it. */
export function v2Routes(deps: V2Deps): Route[] {
  const { engine, queries } = deps;
  const version = deps.version ?? '8.8.0';
  const defaultRequestTimeoutMs = deps.defaultRequestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const deploymentLimit = deps.deploymentLimitBytes ?? 50 * MB;

  const updateUserTask = (key: string, changeset: z.output<typeof userTaskChangeset> | null | undefined, action: unknown): void => {
    const cs: UserTaskChangeset = withoutNulls(changeset ?? {});
    if (Object.keys(cs).length === 0 && (action === undefined || action === null)) throw invalidArgument(EMPTY_USER_TASK_UPDATE);
    engine.updateUserTask(key, cs);
  };

  /** The process behind a key-addressed entity, for a permission on PROCESS_DEFINITION; noted in the audit entry. */
  const processOf =
    (entity: KeyedEntity) =>
    async (ctx: Ctx<unknown>): Promise<string | undefined> => {
      const owner = await queries.ownerOf(entity, ctx.key);
      if (owner) Object.assign(ctx.audit, owner);
      return owner?.processDefinitionId;
    };

  /** The process a create-instance request names, by id or by key. */
  const processOfRequest = async (ctx: Ctx<z.output<typeof createProcessInstanceBody>>): Promise<string | undefined> =>
    ctx.body.processDefinitionId ?? (ctx.body.processDefinitionKey ? (await queries.ownerOf('processDefinition', ctx.body.processDefinitionKey))?.processDefinitionId : undefined);

  /** What a process-scoped search may return. */
  const scopeOf = (principal: Principal, permissionType: 'READ_PROCESS_DEFINITION' | 'READ_PROCESS_INSTANCE'): ReadScope => ({
    processDefinitionIds: scopeIds(principal, 'PROCESS_DEFINITION', permissionType),
  });

  /** A user task the caller may see, else 403; 404 when there is none (src/server/tasks.ts, shared with /api/tasklist). */
  const visibleTask = (ctx: Ctx<unknown>): Promise<TaskParties> => findVisibleTask(queries, ctx);

  /**
   * A task with a linked form is completed only with what the form could submit (src/forms/
   * submission.ts, the check the demo and the process tests make): fields the caller leaves out are
   * filled from the task's variables, as Tasklist pre-fills the form. 400 otherwise, each wrong field
   * named with its label and a Chinese message for the clerk.
   */
  const checkFormSubmission = async (userTaskKey: string, variables: Record<string, unknown>): Promise<void> => {
    const form = await queries.userTaskFormContext(userTaskKey);
    if (!form) return;
    let schema: Record<string, unknown>;
    try {
      schema = JSON.parse(form.schema) as Record<string, unknown>;
    } catch {
      return; // the engine deploys only forms that parse; nothing to check against otherwise
    }
    const { problems } = formSubmission(schema, variables, form.variables, deps.now ?? Date.now, { asSubmitted: true });
    if (problems.length === 0) return;
    const first = problems[0]!;
    throw new HttpProblem(
      400,
      'INVALID_ARGUMENT',
      `表单校验未通过：${first.label ?? first.path}：${first.message.zh}${problems.length > 1 ? `…（共 ${problems.length} 处）` : ''}`,
      {},
      problems.map((p) => ({ name: p.path, ...(p.label ? { label: p.label } : {}), message: p.message.zh })),
    );
  };

  /** Runs an engine command on behalf of the caller; a service account (a job worker) lets its job's cause carry on. */
  const acting = <T>(principal: Principal, fn: () => T): T => engine.withCause(principal.kind === 'SERVICE' ? undefined : principal.username, fn);

  const clockControl = () => {
    if (!deps.clockControlled) {
      throw new HttpProblem(403, 'FORBIDDEN', 'The engine clock is not controllable: start pingpin with ENGINE_CLOCK_CONTROLLED=true to pin or reset it');
    }
  };

  const PROCESS = 'PROCESS_DEFINITION';
  const routes: Route[] = [
    // Cluster
    route('get', '/topology', { access: authenticated }, ({ req }) => ({
      brokers: [
        {
          nodeId: 0,
          host: req.hostname || 'localhost',
          port: req.socket.localPort ?? 0,
          version,
          partitions: [{ partitionId: 1, role: 'leader', health: 'healthy' }],
        },
      ],
      clusterSize: 1,
      partitionsCount: 1,
      replicationFactor: 1,
      gatewayVersion: version,
      lastCompletedChangeId: '-1',
    })),
    route('get', '/status', { access: authenticated }, () => undefined),

    // Deployments
    route('post', '/deployments', { access: permission('RESOURCE', 'CREATE'), audit: { operationType: 'CREATE', entityType: 'RESOURCE' } }, async ({ req, audit }) => {
      if (!req.is('multipart/form-data')) {
        throw new HttpProblem(415, 'Unsupported Media Type', `Content-Type '${req.headers['content-type'] ?? ''}' is not supported; send multipart/form-data`);
      }
      const { files, fields } = await readMultipart(req, { fileField: 'resources', textFields: ['tenantId'], maxTotalBytes: deploymentLimit });
      if (files.length === 0) throw invalidArgument('No resources provided');
      assertDefaultTenant('Deploy Resources', fields.tenantId);
      const deployed = await engine.deploy(files, fields.tenantId);
      audit.entityKey = deployed.deploymentKey;
      audit.details = { resources: files.map((f) => f.name) };
      return deployed;
    }),

    // Process definitions
    route('post', '/process-definitions/search', { body: 'json', large: true, access: scoped(PROCESS, 'READ_PROCESS_DEFINITION') }, ({ body, principal }) =>
      queries.searchProcessDefinitions(body ?? {}, scopeOf(principal, 'READ_PROCESS_DEFINITION')),
    ),
    route('get', '/process-definitions/:processDefinitionKey', { access: permission(PROCESS, 'READ_PROCESS_DEFINITION', processOf('processDefinition')) }, ({ key }) =>
      queries.getProcessDefinition(key),
    ),
    route('get', '/process-definitions/:processDefinitionKey/form', { access: permission(PROCESS, 'READ_PROCESS_DEFINITION', processOf('processDefinition')) }, async ({ key }) =>
      (await queries.getProcessDefinitionStartForm(key)) ?? undefined,
    ),
    route('get', '/process-definitions/:processDefinitionKey/xml', { large: true, access: permission(PROCESS, 'READ_PROCESS_DEFINITION', processOf('processDefinition')) }, async ({ key }) =>
      new Reply(200, await queries.getProcessDefinitionXml(key), 'text/xml'),
    ),

    // Process instances
    route(
      'post',
      '/process-instances',
      { body: createProcessInstanceBody, access: permission(PROCESS, 'CREATE_PROCESS_INSTANCE', processOfRequest), audit: { operationType: 'CREATE', entityType: 'PROCESS_INSTANCE' } },
      async ({ body: b, audit, principal }) => {
        assertDefaultTenant('Create Process Instance', b.tenantId);
        const created = acting(principal, () =>
          engine.createProcessInstance({
            processDefinitionId: b.processDefinitionId,
            processDefinitionVersion: b.processDefinitionVersion,
            processDefinitionKey: b.processDefinitionKey,
            variables: b.variables,
            tenantId: b.tenantId,
          }),
        );
        Object.assign(audit, { entityKey: created.processInstanceKey, processInstanceKey: created.processInstanceKey, processDefinitionId: created.processDefinitionId });
        if (!b.awaitCompletion) return created;
        const variables = await engine.awaitProcessInstance(
          created.processInstanceKey,
          b.requestTimeout || defaultRequestTimeoutMs,
          b.fetchVariables?.length ? b.fetchVariables : undefined,
        );
        return { ...created, variables };
      },
    ),
    route('post', '/process-instances/search', { body: 'json', large: true, access: scoped(PROCESS, 'READ_PROCESS_INSTANCE') }, ({ body, principal }) =>
      queries.searchProcessInstances(body ?? {}, scopeOf(principal, 'READ_PROCESS_INSTANCE')),
    ),
    route('get', '/process-instances/:processInstanceKey', { access: permission(PROCESS, 'READ_PROCESS_INSTANCE', processOf('processInstance')) }, ({ key }) =>
      queries.getProcessInstance(key),
    ),
    route(
      'post',
      '/process-instances/:processInstanceKey/cancellation',
      { body: operationReferenceBody, access: permission(PROCESS, 'CANCEL_PROCESS_INSTANCE', processOf('processInstance')), audit: { operationType: 'CANCEL', entityType: 'PROCESS_INSTANCE' } },
      ({ key, audit, principal }) => {
        Object.assign(audit, { entityKey: key, processInstanceKey: key });
        acting(principal, () => engine.cancelProcessInstance(key));
      },
    ),
    route('post', '/process-instances/:processInstanceKey/incidents/search', { body: 'json', large: true, access: permission(PROCESS, 'READ_PROCESS_INSTANCE', processOf('processInstance')) }, ({ key, body }) =>
      queries.searchProcessInstanceIncidents(key, body ?? {}),
    ),

    // Element instances
    route('post', '/element-instances/search', { body: 'json', large: true, access: scoped(PROCESS, 'READ_PROCESS_INSTANCE') }, ({ body, principal }) =>
      queries.searchElementInstances(body ?? {}, scopeOf(principal, 'READ_PROCESS_INSTANCE')),
    ),
    route('get', '/element-instances/:elementInstanceKey', { access: permission(PROCESS, 'READ_PROCESS_INSTANCE', processOf('elementInstance')) }, ({ key }) =>
      queries.getElementInstance(key),
    ),
    route(
      'put',
      '/element-instances/:elementInstanceKey/variables',
      { body: setVariablesBody, access: permission(PROCESS, 'UPDATE_PROCESS_INSTANCE', processOf('elementInstance')), audit: { operationType: 'UPDATE', entityType: 'VARIABLE' } },
      ({ key, body, audit, principal }) => {
        Object.assign(audit, { entityKey: key, elementInstanceKey: key, details: { names: Object.keys(body.variables), local: body.local ?? false } });
        acting(principal, () => engine.setVariables(key, body.variables, body.local ?? false));
      },
    ),

    // Jobs: handing out jobs of every type needs the permission on every process
    route('post', '/jobs/activation', { body: activateJobsBody, access: permission(PROCESS, 'UPDATE_PROCESS_INSTANCE'), audit: { operationType: 'UPDATE', entityType: 'JOB' } }, async ({ body: b, signal, audit }) => {
      assertDefaultTenant('Activate Jobs', b.tenantIds);
      const jobs = await engine.activateJobs(
        {
          type: b.type,
          worker: b.worker,
          timeout: b.timeout,
          maxJobsToActivate: b.maxJobsToActivate,
          fetchVariable: b.fetchVariable,
          requestTimeout: b.requestTimeout,
          tenantIds: b.tenantIds,
        },
        signal,
      );
      audit.changed = jobs.length > 0;
      audit.details = { type: b.type, worker: b.worker, jobKeys: jobs.map((j) => j.jobKey) };
      return { jobs };
    }),
    route('post', '/jobs/search', { body: 'json', large: true, access: scoped(PROCESS, 'READ_PROCESS_INSTANCE') }, ({ body, principal }) =>
      queries.searchJobs(body ?? {}, scopeOf(principal, 'READ_PROCESS_INSTANCE')),
    ),
    route(
      'post',
      '/jobs/:jobKey/completion',
      { body: completeJobBody, access: permission(PROCESS, 'UPDATE_PROCESS_INSTANCE', processOf('job')), audit: { operationType: 'COMPLETE', entityType: 'JOB' } },
      ({ key, body, audit, principal }) => {
        Object.assign(audit, { entityKey: key, jobKey: key });
        acting(principal, () => engine.completeJob(key, body?.variables ?? undefined));
      },
    ),
    route(
      'post',
      '/jobs/:jobKey/failure',
      { body: failJobBody, access: permission(PROCESS, 'UPDATE_PROCESS_INSTANCE', processOf('job')), audit: { operationType: 'UPDATE', entityType: 'JOB' } },
      ({ key, body, audit, principal }) => {
        Object.assign(audit, { entityKey: key, jobKey: key, details: { action: 'FAIL', retries: body?.retries ?? 0 } });
        // 8.8 defaults: retries 0 (→ incident), no back-off.
        acting(principal, () =>
          engine.failJob(key, {
            retries: body?.retries ?? 0,
            errorMessage: body?.errorMessage,
            retryBackOff: body?.retryBackOff ?? 0,
            variables: body?.variables,
          }),
        );
      },
    ),
    route(
      'post',
      '/jobs/:jobKey/error',
      { body: throwJobErrorBody, access: permission(PROCESS, 'UPDATE_PROCESS_INSTANCE', processOf('job')), audit: { operationType: 'UPDATE', entityType: 'JOB' } },
      ({ key, body, audit, principal }) => {
        Object.assign(audit, { entityKey: key, jobKey: key, details: { action: 'THROW_ERROR', errorCode: body.errorCode } });
        acting(principal, () =>
          engine.throwJobError(key, {
            errorCode: body.errorCode,
            errorMessage: body.errorMessage ?? undefined,
            variables: body.variables ?? undefined,
          }),
        );
      },
    ),
    route(
      'patch',
      '/jobs/:jobKey',
      { body: updateJobBody, access: permission(PROCESS, 'UPDATE_PROCESS_INSTANCE', processOf('job')), audit: { operationType: 'UPDATE', entityType: 'JOB' } },
      ({ key, body, audit }) => {
        Object.assign(audit, { entityKey: key, jobKey: key, details: { retries: body.changeset.retries ?? undefined, timeout: body.changeset.timeout ?? undefined } });
        engine.updateJob(key, {
          retries: body.changeset.retries ?? undefined,
          timeout: body.changeset.timeout ?? undefined,
        });
      },
    ),

    // User tasks: visible to whoever may read the process's tasks, and to their assignee and candidates
    route('post', '/user-tasks/search', { body: 'json', large: true, access: authenticated }, ({ body, principal }) =>
      queries.searchUserTasks(body ?? {}, {
        processDefinitionIds: scopeIds(principal, PROCESS, 'READ_USER_TASK') ?? undefined,
        taskParty: { username: principal.username, groups: principal.groups },
      }),
    ),
    route('get', '/user-tasks/:userTaskKey', { access: authenticated }, async (ctx) => {
      await visibleTask(ctx);
      return queries.getUserTask(ctx.key);
    }),
    route('get', '/user-tasks/:userTaskKey/form', { access: authenticated }, async (ctx) => {
      await visibleTask(ctx);
      return (await queries.getUserTaskForm(ctx.key)) ?? undefined;
    }),
    route('post', '/user-tasks/:userTaskKey/variables/search', { body: 'json', large: true, access: authenticated }, async (ctx) => {
      await visibleTask(ctx);
      return queries.searchUserTaskVariables(ctx.key, ctx.body ?? {}, variableSearchOptions(ctx.req));
    }),
    route('post', '/user-tasks/:userTaskKey/assignment', { body: assignUserTaskBody, access: authenticated, audit: { operationType: 'ASSIGN', entityType: 'USER_TASK' } }, async (ctx) => {
      const task = await visibleTask(ctx);
      const { key, body, principal, audit } = ctx;
      Object.assign(audit, { entityKey: key, details: { assignee: body.assignee } });
      // Without UPDATE_USER_TASK a party of the task (assignee, candidate) may claim it, or hand it over to
      // another party, while it is unassigned or theirs; taking it from someone else needs the permission.
      // Seeing it through READ_USER_TASK is not being one of its parties.
      if (!canUpdateTask(principal, task)) {
        if (!isTaskParty(principal, task)) throw forbidden('UPDATE_USER_TASK', PROCESS, task.processDefinitionId);
        if (task.assignee && task.assignee !== principal.username) {
          if (body.assignee !== principal.username) throw forbidden('UPDATE_USER_TASK', PROCESS, task.processDefinitionId);
          throw new HttpProblem(409, 'INVALID_STATE', `User task with key '${key}' is already assigned to '${task.assignee}'`);
        }
        // Handing over to someone who is no party: refused below when the task names candidates; a
        // task without candidates is its assignee's alone, so there is nobody to hand it to.
        if (body.assignee !== principal.username && !hasCandidates(task)) throw forbidden('UPDATE_USER_TASK', PROCESS, task.processDefinitionId);
      }
      // A task with candidates goes only to one of them (任务中心: reassign within the candidate group), whoever assigns it.
      // Giving it again to whom it is assigned to changes nothing, so it is no reassignment.
      if (body.assignee !== task.assignee) checkAssigneeIsCandidate(task, body.assignee, deps.groups);
      // 8.8: allowOverride defaults to true.
      engine.assignUserTask(key, body.assignee, body.allowOverride ?? true);
    }),
    route('delete', '/user-tasks/:userTaskKey/assignee', { access: authenticated, audit: { operationType: 'UNASSIGN', entityType: 'USER_TASK' } }, async (ctx) => {
      const task = await visibleTask(ctx);
      ctx.audit.entityKey = ctx.key;
      if (!canUpdateTask(ctx.principal, task) && task.assignee !== ctx.principal.username) throw forbidden('UPDATE_USER_TASK', PROCESS, task.processDefinitionId);
      engine.unassignUserTask(ctx.key);
    }),
    route('patch', '/user-tasks/:userTaskKey', { body: updateUserTaskBody, access: authenticated, audit: { operationType: 'UPDATE', entityType: 'USER_TASK' } }, async (ctx) => {
      const task = await visibleTask(ctx);
      ctx.audit.entityKey = ctx.key;
      if (!canUpdateTask(ctx.principal, task)) throw forbidden('UPDATE_USER_TASK', PROCESS, task.processDefinitionId);
      updateUserTask(ctx.key, ctx.body?.changeset, ctx.body?.action);
    }),
    // Not in 8.8: @camunda8/sdk 8.8's CamundaRestClient.updateUserTask sends the bare changeset to this path.
    route('patch', '/user-tasks/:userTaskKey/update', { body: userTaskChangeset.nullish(), access: authenticated, audit: { operationType: 'UPDATE', entityType: 'USER_TASK' } }, async (ctx) => {
      const task = await visibleTask(ctx);
      ctx.audit.entityKey = ctx.key;
      if (!canUpdateTask(ctx.principal, task)) throw forbidden('UPDATE_USER_TASK', PROCESS, task.processDefinitionId);
      updateUserTask(ctx.key, ctx.body, undefined);
    }),
    route('post', '/user-tasks/:userTaskKey/completion', { body: completeUserTaskBody, access: authenticated, audit: { operationType: 'COMPLETE', entityType: 'USER_TASK' } }, async (ctx) => {
      const task = await visibleTask(ctx);
      ctx.audit.entityKey = ctx.key;
      ctx.audit.details = { variables: Object.keys(ctx.body?.variables ?? {}) };
      // A clerk completes only what they have claimed; UPDATE_USER_TASK completes any task of the process.
      if (!canUpdateTask(ctx.principal, task) && task.assignee !== ctx.principal.username) {
        if (task.assignee) throw new HttpProblem(403, 'FORBIDDEN', `User task with key '${ctx.key}' is assigned to '${task.assignee}'; only the assignee may complete it`);
        throw new HttpProblem(403, 'FORBIDDEN', `User task with key '${ctx.key}' is not assigned; claim it (assign it to yourself) before completing it`);
      }
      await checkFormSubmission(ctx.key, ctx.body?.variables ?? {});
      acting(ctx.principal, () => engine.completeUserTask(ctx.key, ctx.body?.variables ?? undefined));
    }),

    // Variables
    route('post', '/variables/search', { body: 'json', large: true, access: scoped(PROCESS, 'READ_PROCESS_INSTANCE') }, ({ body, req, principal }) =>
      queries.searchVariables(body ?? {}, variableSearchOptions(req), scopeOf(principal, 'READ_PROCESS_INSTANCE')),
    ),
    route('get', '/variables/:variableKey', { large: true, access: scoped(PROCESS, 'READ_PROCESS_INSTANCE') }, async ({ key, principal }) => {
      const variable = (await queries.getVariable(key)) as { processInstanceKey?: string };
      const ids = scopeIds(principal, PROCESS, 'READ_PROCESS_INSTANCE');
      if (ids) {
        // 8.8's variable has no processDefinitionId: its instance names the process.
        const processDefinitionId = variable.processInstanceKey ? (await queries.ownerOf('processInstance', variable.processInstanceKey))?.processDefinitionId : undefined;
        if (processDefinitionId === undefined || !ids.includes(processDefinitionId)) throw forbidden('READ_PROCESS_INSTANCE', PROCESS, processDefinitionId);
      }
      return variable;
    }),

    // Incidents
    route('post', '/incidents/search', { body: 'json', large: true, access: scoped(PROCESS, 'READ_PROCESS_INSTANCE') }, ({ body, principal }) =>
      queries.searchIncidents(body ?? {}, scopeOf(principal, 'READ_PROCESS_INSTANCE')),
    ),
    route('get', '/incidents/:incidentKey', { access: permission(PROCESS, 'READ_PROCESS_INSTANCE', processOf('incident')) }, ({ key }) => queries.getIncident(key)),
    route(
      'post',
      '/incidents/:incidentKey/resolution',
      { body: operationReferenceBody, access: permission(PROCESS, 'UPDATE_PROCESS_INSTANCE', processOf('incident')), audit: { operationType: 'RESOLVE', entityType: 'INCIDENT' } },
      ({ key, audit, principal }) => {
        Object.assign(audit, { entityKey: key, incidentKey: key });
        acting(principal, () => engine.resolveIncident(key));
      },
    ),

    // Messages and signals
    route(
      'post',
      '/messages/publication',
      { body: publishMessageBody, access: permission<z.output<typeof publishMessageBody>>('MESSAGE', 'CREATE', ({ body }) => body.name), audit: { operationType: 'CREATE', entityType: 'MESSAGE' } },
      ({ body: b, audit, principal }) => {
        assertDefaultTenant('Publish Message', b.tenantId);
        const published = acting(principal, () => engine.publishMessage(b));
        Object.assign(audit, { entityKey: published.messageKey, details: { name: b.name, correlationKey: b.correlationKey, messageId: b.messageId } });
        return published;
      },
    ),
    route(
      'post',
      '/messages/correlation',
      { body: correlateMessageBody, access: permission<z.output<typeof correlateMessageBody>>('MESSAGE', 'CREATE', ({ body }) => body.name), audit: { operationType: 'CREATE', entityType: 'MESSAGE' } },
      ({ body: b, audit, principal }) => {
        assertDefaultTenant('Correlate Message', b.tenantId);
        const correlated = acting(principal, () => engine.correlateMessage(b));
        Object.assign(audit, { entityKey: correlated.messageKey, processInstanceKey: correlated.processInstanceKey, details: { name: b.name, correlationKey: b.correlationKey } });
        return correlated;
      },
    ),
    // A signal may start and continue instances of any process: it needs both permissions on every process.
    route(
      'post',
      '/signals/broadcast',
      { body: broadcastSignalBody, access: permission(PROCESS, 'UPDATE_PROCESS_INSTANCE'), audit: { operationType: 'CREATE', entityType: 'SIGNAL' } },
      ({ body: b, principal, audit }) => {
        if (scopeIds(principal, PROCESS, 'CREATE_PROCESS_INSTANCE') !== undefined) throw forbidden('CREATE_PROCESS_INSTANCE', PROCESS);
        assertDefaultTenant('Broadcast Signal', b.tenantId);
        const broadcast = acting(principal, () => engine.broadcastSignal(b));
        Object.assign(audit, { entityKey: broadcast.signalKey, details: { name: b.signalName } });
        return broadcast;
      },
    ),

    // Clock (Zeebe: only with ZEEBE_CLOCK_CONTROLLED)
    route('put', '/clock', { body: pinClockBody, access: permission('SYSTEM', 'UPDATE'), audit: { operationType: 'UPDATE', entityType: 'CLOCK' } }, ({ body, audit }) => {
      clockControl();
      audit.details = { pinnedAt: new Date(body.timestamp).toISOString() };
      engine.pinClock(body.timestamp);
    }),
    route('post', '/clock/reset', { body: operationReferenceBody, access: permission('SYSTEM', 'UPDATE'), audit: { operationType: 'UPDATE', entityType: 'CLOCK' } }, ({ audit }) => {
      clockControl();
      audit.details = { reset: true };
      engine.resetClock();
    }),

    // Decisions
    route(
      'post',
      '/decision-definitions/evaluation',
      { body: evaluateDecisionBody, access: permission<z.output<typeof evaluateDecisionBody>>('DECISION_DEFINITION', 'CREATE_DECISION_INSTANCE', ({ body }) => body.decisionDefinitionId), audit: { operationType: 'EVALUATE', entityType: 'DECISION' } },
      ({ body: b, audit }) => {
        assertDefaultTenant('Evaluate Decision', b.tenantId);
        const evaluated = engine.evaluateDecision(b);
        Object.assign(audit, { entityKey: evaluated.decisionDefinitionKey, details: { decisionDefinitionId: evaluated.decisionDefinitionId } });
        return evaluated;
      },
    ),
  ];
  return routes;
}

export function createV2Router(deps: V2Deps): Router {
  const router = express.Router();
  const maxVariablesBytes = deps.maxVariablesBytes ?? DEFAULT_MAX_VARIABLES_BYTES;
  const jsonLimit = deps.jsonLimitBytes ?? Math.max(10 * MB, maxVariablesBytes + MB);
  router.use(express.json({ limit: jsonLimit, strict: false, type: ['application/json', 'application/*+json'] }));
  router.use(checkJsonBody({ maxVariablesBytes }));
  mountRoutes(router, v2Routes(deps), { gate: new ResponseGate(deps.maxUndeliveredBytes ?? DEFAULT_MAX_UNDELIVERED_BYTES) });
  return router;
}

/** The end of /v2: unknown paths are 404 problems, and every error a problem detail. */
export function v2Fallback(logger: Logger, storage?: StorageReport): Router {
  const router = express.Router();
  router.use((req, res) => sendProblem(req, res, new HttpProblem(404, 'Not Found', `No endpoint ${req.method} ${req.originalUrl.split('?')[0]}`)));
  router.use(problemErrorHandler(logger, storage));
  return router;
}
