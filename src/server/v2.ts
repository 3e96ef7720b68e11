/**
 * The /v2 router: the subset of the Camunda 8.8 Orchestration Cluster REST API that pingpin serves.
 * One route table; every handler goes through `wrap`, which validates path keys and the body and
 * turns what the handler returns (or throws) into the 8.8 answer.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { EngineCommands, UserTaskChangeset } from '../engine/types.js';
import { readMultipart } from './multipart.js';
import { HttpProblem, invalidArgument, problemErrorHandler, sendProblem } from './problem.js';
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
  invalidKeyMessage,
  isKey,
  operationReferenceBody,
  parseOrThrow,
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
  searchProcessDefinitions(body: unknown): Awaitable<unknown>;
  getProcessDefinition(key: string): Awaitable<unknown>;
  getProcessDefinitionXml(key: string): Awaitable<string>;
  searchProcessInstances(body: unknown): Awaitable<unknown>;
  getProcessInstance(key: string): Awaitable<unknown>;
  searchElementInstances(body: unknown): Awaitable<unknown>;
  getElementInstance(key: string): Awaitable<unknown>;
  searchUserTasks(body: unknown): Awaitable<unknown>;
  getUserTask(key: string): Awaitable<unknown>;
  /** The linked form, or undefined when the user task has none (→ 204). */
  getUserTaskForm(key: string): Awaitable<unknown>;
  searchUserTaskVariables(userTaskKey: string, body: unknown, options?: VariableSearchOptions): Awaitable<unknown>;
  searchVariables(body: unknown, options?: VariableSearchOptions): Awaitable<unknown>;
  getVariable(key: string): Awaitable<unknown>;
  searchIncidents(body: unknown): Awaitable<unknown>;
  getIncident(key: string): Awaitable<unknown>;
  searchJobs(body: unknown): Awaitable<unknown>;
  getForm(key: string): Awaitable<unknown>;
  searchProcessInstanceIncidents(processInstanceKey: string, body: unknown): Awaitable<unknown>;
}

export interface V2Deps {
  engine: EngineCommands;
  queries: QueriesLike;
  logger: Logger;
  /** Reported as gateway and broker version by GET /v2/topology. Default '8.8.0'. */
  version?: string;
  /** Used for awaitCompletion when the request gives no requestTimeout (8.8: the cluster's request timeout, 15 s). */
  defaultRequestTimeoutMs?: number;
  /** Limit for JSON bodies. Default 10 MB. */
  jsonLimitBytes?: number;
  /** Limit for the files of one deployment. Default 50 MB. */
  deploymentLimitBytes?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
const MB = 1024 * 1024;

/** A non-default answer: another status, or a non-JSON body. Handlers return JSON (200) or nothing (204) otherwise. */
class Reply {
  constructor(
    readonly status: number,
    readonly body?: string,
    readonly contentType?: string,
  ) {}
}

interface Ctx<B> {
  /** The (validated) key path parameter, '' for routes without one. */
  key: string;
  /** The validated body, or the raw parsed JSON for routes without a schema. */
  body: B;
  req: Request;
  /** Aborts when the client goes away before the answer is sent. */
  signal: AbortSignal;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface Route {
  method: Method;
  path: string;
  /** Schema of a JSON body; `'json'` = JSON passed through unchecked (searches); absent = no body. */
  body?: z.ZodType | 'json';
  handle(ctx: Ctx<never>): unknown;
}

function route<S extends z.ZodType>(method: Method, path: string, body: S, handle: (ctx: Ctx<z.output<S>>) => unknown): Route;
function route(method: Method, path: string, body: 'json' | undefined, handle: (ctx: Ctx<unknown>) => unknown): Route;
function route(method: Method, path: string, body: z.ZodType | 'json' | undefined, handle: (ctx: Ctx<never>) => unknown): Route {
  return { method, path, body, handle };
}

/** `?truncateValues=true|false` of the variable searches. */
function variableSearchOptions(req: Request): VariableSearchOptions {
  const value = req.query.truncateValues;
  if (value === undefined) return {};
  if (value === 'true' || value === 'false') return { truncateValues: value === 'true' };
  throw invalidArgument(`truncateValues: expected true or false, got '${String(value)}'`);
}

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

function wrap(r: Route) {
  return async (req: Request, res: Response): Promise<void> => {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });

    let key = '';
    for (const [name, value] of Object.entries(req.params as Record<string, string>)) {
      if (!isKey(value)) throw invalidArgument(invalidKeyMessage(name, value));
      key = value;
    }

    let body: unknown = undefined;
    if (r.body !== undefined) {
      if (req.body === undefined && hasBody(req)) {
        throw new HttpProblem(415, 'Unsupported Media Type', `Content-Type '${req.headers['content-type'] ?? ''}' is not supported; send application/json`);
      }
      body = r.body === 'json' ? req.body : parseOrThrow(r.body, req.body);
    }

    let result: unknown;
    try {
      result = await r.handle({ key, body: body as never, req, signal: controller.signal });
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    }
    if (res.headersSent || controller.signal.aborted) return; // nobody left to answer
    if (result === undefined) res.status(204).end();
    else if (result instanceof Reply) {
      res.status(result.status);
      if (result.contentType) res.type(result.contentType);
      res.send(result.body);
    } else res.status(200).json(result);
  };
}

/** Strips `null`s: in 8.8 change sets, null means "leave unchanged", just like absence. */
const withoutNulls = <T extends object>(o: T): { [K in keyof T]: Exclude<T[K], null> } =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as { [K in keyof T]: Exclude<T[K], null> };

const EMPTY_USER_TASK_UPDATE =
  'No update data provided. Provide at least an "action" or a non-null value for a supported attribute in the "changeset"';

export function createV2Router(deps: V2Deps): Router {
  const { engine, queries, logger } = deps;
  const version = deps.version ?? '8.8.0';
  const defaultRequestTimeoutMs = deps.defaultRequestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const deploymentLimit = deps.deploymentLimitBytes ?? 50 * MB;

  const updateUserTask = (key: string, changeset: z.output<typeof userTaskChangeset> | null | undefined, action: unknown): void => {
    const cs: UserTaskChangeset = withoutNulls(changeset ?? {});
    if (Object.keys(cs).length === 0 && (action === undefined || action === null)) throw invalidArgument(EMPTY_USER_TASK_UPDATE);
    engine.updateUserTask(key, cs);
  };

  const routes: Route[] = [
    // Cluster
    route('get', '/topology', undefined, ({ req }) => ({
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
    route('get', '/status', undefined, () => undefined),

    // Deployments
    route('post', '/deployments', undefined, async ({ req }) => {
      if (!req.is('multipart/form-data')) {
        throw new HttpProblem(415, 'Unsupported Media Type', `Content-Type '${req.headers['content-type'] ?? ''}' is not supported; send multipart/form-data`);
      }
      const { files, fields } = await readMultipart(req, { fileField: 'resources', textFields: ['tenantId'], maxTotalBytes: deploymentLimit });
      if (files.length === 0) throw invalidArgument('No resources provided');
      assertDefaultTenant('Deploy Resources', fields.tenantId);
      return engine.deploy(files, fields.tenantId);
    }),

    // Process definitions
    route('post', '/process-definitions/search', 'json', ({ body }) => queries.searchProcessDefinitions(body ?? {})),
    route('get', '/process-definitions/:processDefinitionKey', undefined, ({ key }) => queries.getProcessDefinition(key)),
    route('get', '/process-definitions/:processDefinitionKey/xml', undefined, async ({ key }) =>
      new Reply(200, await queries.getProcessDefinitionXml(key), 'text/xml'),
    ),

    // Process instances
    route('post', '/process-instances', createProcessInstanceBody, async ({ body: b }) => {
      assertDefaultTenant('Create Process Instance', b.tenantId);
      const created = engine.createProcessInstance({
        processDefinitionId: b.processDefinitionId,
        processDefinitionVersion: b.processDefinitionVersion,
        processDefinitionKey: b.processDefinitionKey,
        variables: b.variables,
        tenantId: b.tenantId,
      });
      if (!b.awaitCompletion) return created;
      const variables = await engine.awaitProcessInstance(
        created.processInstanceKey,
        b.requestTimeout || defaultRequestTimeoutMs,
        b.fetchVariables?.length ? b.fetchVariables : undefined,
      );
      return { ...created, variables };
    }),
    route('post', '/process-instances/search', 'json', ({ body }) => queries.searchProcessInstances(body ?? {})),
    route('get', '/process-instances/:processInstanceKey', undefined, ({ key }) => queries.getProcessInstance(key)),
    route('post', '/process-instances/:processInstanceKey/cancellation', operationReferenceBody, ({ key }) => {
      engine.cancelProcessInstance(key);
    }),

    // Element instances
    route('post', '/element-instances/search', 'json', ({ body }) => queries.searchElementInstances(body ?? {})),
    route('get', '/element-instances/:elementInstanceKey', undefined, ({ key }) => queries.getElementInstance(key)),
    route('put', '/element-instances/:elementInstanceKey/variables', setVariablesBody, ({ key, body }) => {
      engine.setVariables(key, body.variables, body.local ?? false);
    }),

    // Jobs
    route('post', '/jobs/activation', activateJobsBody, async ({ body: b, signal }) => {
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
      return { jobs };
    }),
    route('post', '/jobs/search', 'json', ({ body }) => queries.searchJobs(body ?? {})),
    route('post', '/jobs/:jobKey/completion', completeJobBody, ({ key, body }) => {
      engine.completeJob(key, body?.variables ?? undefined);
    }),
    route('post', '/jobs/:jobKey/failure', failJobBody, ({ key, body }) => {
      // 8.8 defaults: retries 0 (→ incident), no back-off.
      engine.failJob(key, {
        retries: body?.retries ?? 0,
        errorMessage: body?.errorMessage,
        retryBackOff: body?.retryBackOff ?? 0,
        variables: body?.variables,
      });
    }),
    route('post', '/jobs/:jobKey/error', throwJobErrorBody, ({ key, body }) => {
      engine.throwJobError(key, {
        errorCode: body.errorCode,
        errorMessage: body.errorMessage ?? undefined,
        variables: body.variables ?? undefined,
      });
    }),
    route('patch', '/jobs/:jobKey', updateJobBody, ({ key, body }) => {
      engine.updateJob(key, {
        retries: body.changeset.retries ?? undefined,
        timeout: body.changeset.timeout ?? undefined,
      });
    }),

    // User tasks
    route('post', '/user-tasks/search', 'json', ({ body }) => queries.searchUserTasks(body ?? {})),
    route('get', '/user-tasks/:userTaskKey', undefined, ({ key }) => queries.getUserTask(key)),
    route('get', '/user-tasks/:userTaskKey/form', undefined, async ({ key }) => (await queries.getUserTaskForm(key)) ?? undefined),
    route('post', '/user-tasks/:userTaskKey/assignment', assignUserTaskBody, ({ key, body }) => {
      // 8.8: allowOverride defaults to true.
      engine.assignUserTask(key, body.assignee, body.allowOverride ?? true);
    }),
    route('delete', '/user-tasks/:userTaskKey/assignee', undefined, ({ key }) => {
      engine.unassignUserTask(key);
    }),
    route('patch', '/user-tasks/:userTaskKey', updateUserTaskBody, ({ key, body }) => {
      updateUserTask(key, body?.changeset, body?.action);
    }),
    // Not in 8.8: @camunda8/sdk 8.8's CamundaRestClient.updateUserTask sends the bare changeset to this path.
    route('patch', '/user-tasks/:userTaskKey/update', userTaskChangeset.nullish(), ({ key, body }) => {
      updateUserTask(key, body, undefined);
    }),
    route('post', '/user-tasks/:userTaskKey/completion', completeUserTaskBody, ({ key, body }) => {
      engine.completeUserTask(key, body?.variables ?? undefined);
    }),
    route('post', '/user-tasks/:userTaskKey/variables/search', 'json', ({ key, body, req }) =>
      queries.searchUserTaskVariables(key, body ?? {}, variableSearchOptions(req)),
    ),

    // Variables
    route('post', '/variables/search', 'json', ({ body, req }) => queries.searchVariables(body ?? {}, variableSearchOptions(req))),
    route('get', '/variables/:variableKey', undefined, ({ key }) => queries.getVariable(key)),

    // Incidents
    route('post', '/incidents/search', 'json', ({ body }) => queries.searchIncidents(body ?? {})),
    route('get', '/incidents/:incidentKey', undefined, ({ key }) => queries.getIncident(key)),
    route('post', '/messages/publication', publishMessageBody, ({ body: b }) => {
      assertDefaultTenant('Publish Message', b.tenantId);
      return engine.publishMessage(b);
    }),
    route('post', '/messages/correlation', correlateMessageBody, ({ body: b }) => {
      assertDefaultTenant('Correlate Message', b.tenantId);
      return engine.correlateMessage(b);
    }),
    route('post', '/signals/broadcast', broadcastSignalBody, ({ body: b }) => {
      assertDefaultTenant('Broadcast Signal', b.tenantId);
      return engine.broadcastSignal(b);
    }),
    route('put', '/clock', pinClockBody, ({ body }) => {
      engine.pinClock(body.timestamp);
    }),
    route('post', '/clock/reset', operationReferenceBody, () => {
      engine.resetClock();
    }),
    route('post', '/decision-definitions/evaluation', evaluateDecisionBody, ({ body: b }) => {
      assertDefaultTenant('Evaluate Decision', b.tenantId);
      return engine.evaluateDecision(b);
    }),
    route('post', '/process-instances/:processInstanceKey/incidents/search', 'json', ({ key, body }) =>
      queries.searchProcessInstanceIncidents(key, body ?? {}),
    ),
    route('post', '/incidents/:incidentKey/resolution', operationReferenceBody, ({ key }) => {
      engine.resolveIncident(key);
    }),
  ];

  const router = express.Router();
  router.use(express.json({ limit: deps.jsonLimitBytes ?? 10 * MB, strict: false, type: ['application/json', 'application/*+json'] }));
  for (const r of routes) router[r.method](r.path, wrap(r));

  // A known path with another method: 405, with the methods that do exist.
  const methodsByPath = new Map<string, string[]>();
  for (const r of routes) methodsByPath.set(r.path, [...(methodsByPath.get(r.path) ?? []), r.method.toUpperCase()]);
  for (const [path, methods] of methodsByPath) {
    router.all(path, (req, res) =>
      sendProblem(req, res, new HttpProblem(405, 'Method Not Allowed', `${req.method} is not supported on this path; use ${methods.join(', ')}`, { Allow: methods.join(', ') })),
    );
  }
  router.use((req, res) => sendProblem(req, res, new HttpProblem(404, 'Not Found', `No endpoint ${req.method} ${req.originalUrl.split('?')[0]}`)));
  router.use(problemErrorHandler(logger));
  return router;
}
