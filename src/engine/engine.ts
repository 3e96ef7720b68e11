/**
 * The embedded engine's write side, modeled on Zeebe's stream processor: every command is processed
 * in one SQLite transaction that runs the instance forward until each token rests in a wait state
 * (a job, a user task, an incident) or the instance ends. Element behaviour follows Zeebe's
 * lifecycle (ACTIVATING → ACTIVATED → COMPLETING → COMPLETED, or TERMINATED), element instances form
 * a tree of scopes, and variables follow Zeebe's propagation rules.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { Clock } from './clock.js';
import { EngineError, notFound } from './errors.js';
import { evaluateDecision, parseDmn } from './dmn/index.js';
import { DecisionEvaluationError, type DecisionEvaluation, type DecisionRequirementsGraph } from './dmn/types.js';
import { evaluate, evaluateJson, FeelEvaluationError, toJson, typeName, type CompiledExpression, type ExpectedType, type Json } from './feel.js';
import { ModelError, parseBpmn, type FlowNode, type Mapping, type ProcessModel } from './model.js';
import { firstOccurrence, nextOccurrence, resolveTimer, type CompiledTimer, type ResolvedTimer } from './timer.js';
import { Store } from './store.js';
import type {
  ActivatedJob,
  ActivateJobsRequest,
  BroadcastSignalRequest,
  BroadcastSignalResponse,
  CorrelateMessageRequest,
  CorrelateMessageResponse,
  EvaluateDecisionRequest,
  EvaluateDecisionResponse,
  PublishMessageRequest,
  PublishMessageResponse,
  CreateProcessInstanceRequest,
  CreateProcessInstanceResponse,
  DeployedForm,
  DeployedProcess,
  DeploymentResponse,
  DeployResource,
  EngineCommands,
  FailJobRequest,
  ThrowJobErrorRequest,
  UpdateJobRequest,
  UserTaskChangeset,
  Variables,
} from './types.js';

export const DEFAULT_TENANT = '<default>';
/** The gateway's default long-polling timeout when a worker sends requestTimeout 0 or none. */
const DEFAULT_LONG_POLL_MS = 10_000;
/** Guards against a model that loops without a wait state (Zeebe would spin forever). */
const DEFAULT_MAX_STEPS_PER_COMMAND = 100_000;

type ElementState = 'ACTIVATING' | 'ACTIVATED' | 'COMPLETING' | 'COMPLETED' | 'TERMINATED';

interface ElementRow {
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

interface Runtime {
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

type SubscriptionRole = 'self' | 'boundary' | 'event-subprocess' | 'gateway' | 'start';

interface SubscriptionRow {
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

interface MessageRow {
  key: number;
  name: string;
  correlation_key: string;
  variables: string;
  correlated: string;
}

interface CatchTarget {
  at: ElementRow;
  catchNode: FlowNode;
  role: 'boundary' | 'event-subprocess';
}

interface JobRow {
  key: number;
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

interface UserTaskRow {
  key: number;
  state: string;
  assignee: string | null;
  element_instance_key: number;
  process_instance_key: number;
  tenant_id: string;
}

interface IncidentRow {
  key: number;
  error_type: string;
  state: string;
  element_instance_key: number;
  process_instance_key: number;
  job_key: number | null;
  step: string | null;
}

interface DefinitionRow {
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

type Step =
  | { kind: 'activate'; key: number }
  | { kind: 'complete'; key: number }
  | { kind: 'correlate-buffered'; subscriptionKey: number };

type IncidentStep = 'ACTIVATE' | 'COMPLETE' | 'JOB';

/** Thrown inside a step to park the element in an incident instead of failing the command. */
class IncidentRaised extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

const isKey = (s: string): boolean => /^\d{1,19}$/.test(s);

function parseKey(what: string, key: string): number {
  if (!isKey(key)) throw new EngineError('INVALID_ARGUMENT', `${what} key '${key}' is not a valid key (a decimal int64)`);
  const n = Number(key);
  if (!Number.isSafeInteger(n)) throw notFound(what, key);
  return n;
}

const iso = (ms: number | null | undefined): string | undefined => (ms == null ? undefined : new Date(ms).toISOString());

interface JobWaiter {
  request: ActivateJobsRequest;
  resolve: (jobs: ActivatedJob[]) => void;
  timer: NodeJS.Timeout;
  done: boolean;
}

interface CompletionWaiter {
  resolve: (variables: Variables) => void;
  reject: (err: Error) => void;
  fetchVariables?: string[];
}

export interface EngineOptions {
  store: Store;
  clock?: Clock;
  logger: Logger;
  /** Element steps one command may take before it is rejected as a loop without a wait state. */
  maxStepsPerCommand?: number;
}

export class Engine implements EngineCommands {
  readonly store: Store;
  readonly clock: Clock;
  private readonly log: Logger;
  private readonly maxSteps: number;
  private readonly models = new Map<number, ProcessModel>();
  /** Parsed DRGs by decision-requirements key. */
  private readonly graphs = new Map<number, DecisionRequirementsGraph>();
  private readonly jobWaiters = new Set<JobWaiter>();
  private readonly completionWaiters = new Map<number, CompletionWaiter[]>();
  private dueTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Work to do after the current transaction commits (wake waiters, reschedule). */
  private afterCommit: Array<() => void> = [];
  /** Undo of in-memory changes made inside a command that rolled back. */
  private onRollback: Array<() => void> = [];
  private agenda: Step[] = [];
  private jobTypesMadeAvailable = new Set<string>();
  private finishedInstances: number[] = [];

  private constructor(options: EngineOptions) {
    this.store = options.store;
    this.clock = options.clock ?? new Clock();
    this.log = options.logger;
    this.maxSteps = options.maxStepsPerCommand ?? DEFAULT_MAX_STEPS_PER_COMMAND;
  }

  /** Opens the engine on a store: loads every deployed process and resumes due work. */
  static async open(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    const rows = engine.store.stmt(`SELECT key, resource_id, resource_name, content FROM resources WHERE kind = 'process'`)
      .all() as DefinitionRow[];
    const byResource = new Map<string, ProcessModel[]>();
    for (const row of rows) {
      const cacheKey = createHash('sha256').update(row.content).digest('hex');
      let models = byResource.get(cacheKey);
      if (!models) {
        models = await parseBpmn(row.content, row.resource_name);
        byResource.set(cacheKey, models);
      }
      const model = models.find((m) => m.processId === row.resource_id);
      if (model) engine.models.set(row.key, model);
    }
    const drgs = engine.store.stmt(`SELECT key, resource_name, content FROM resources WHERE kind = 'decision-requirements'`).all() as DefinitionRow[];
    for (const row of drgs) engine.graphs.set(row.key, await parseDmn(row.content, row.resource_name));
    const pinned = engine.store.getMeta('clock_pinned');
    if (pinned !== undefined) engine.clock.pin(Number(pinned));
    engine.clock.onChange(() => engine.onClockChanged());
    engine.scheduleDueWork();
    return engine;
  }

  close(): void {
    this.closed = true;
    if (this.dueTimer) clearTimeout(this.dueTimer);
    for (const w of this.jobWaiters) {
      clearTimeout(w.timer);
      w.done = true;
      w.resolve([]);
    }
    this.jobWaiters.clear();
    for (const waiters of this.completionWaiters.values()) {
      for (const w of waiters) w.reject(new EngineError('UNAVAILABLE', 'the engine is shutting down'));
    }
    this.completionWaiters.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Command plumbing

  /** Runs one command in one transaction, then wakes whoever waits for its effects. */
  private command<T>(name: string, key: number | null, fn: () => T): T {
    if (this.closed) throw new EngineError('UNAVAILABLE', 'the engine is shutting down');
    this.agenda = [];
    this.afterCommit = [];
    this.onRollback = [];
    this.jobTypesMadeAvailable.clear();
    this.finishedInstances = [];
    let result: T;
    try {
      result = this.store.transaction(() => {
        const r = fn();
        this.drainAgenda();
        this.store.stmt(`INSERT INTO events (timestamp, value_type, intent, key) VALUES (?, ?, ?, ?)`)
          .run(this.clock.now(), 'COMMAND', name, key);
        return r;
      });
    } catch (err) {
      for (const undo of this.onRollback) undo();
      this.onRollback = [];
      this.agenda = [];
      this.afterCommit = [];
      this.jobTypesMadeAvailable.clear();
      this.finishedInstances = [];
      throw err;
    }
    const types = [...this.jobTypesMadeAvailable];
    const finished = this.finishedInstances;
    const after = this.afterCommit;
    this.afterCommit = [];
    for (const fn of after) fn();
    if (types.length > 0) setImmediate(() => this.serveJobWaiters(types));
    for (const pi of finished) this.notifyCompletion(pi);
    this.scheduleDueWork();
    return result;
  }

  private drainAgenda(): void {
    let steps = 0;
    while (this.agenda.length > 0) {
      if (++steps > this.maxSteps) {
        throw new EngineError(
          'INVALID_STATE',
          `the command ran more than ${this.maxSteps} element steps without reaching a wait state; the model probably loops without a task, timer or event`,
        );
      }
      const step = this.agenda.shift()!;
      if (step.kind === 'activate') this.activate(step.key);
      else if (step.kind === 'complete') this.complete(step.key);
      else this.correlateBuffered(step.subscriptionKey);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Deployment

  async deploy(resources: DeployResource[], tenantId: string = DEFAULT_TENANT): Promise<DeploymentResponse> {
    if (resources.length === 0) throw new EngineError('INVALID_ARGUMENT', 'Expected to deploy at least one resource, but none given', 'CREATE');
    type Parsed =
      | { kind: 'process'; resource: DeployResource; xml: string; models: ProcessModel[]; checksum: string }
      | { kind: 'form'; resource: DeployResource; formId: string; json: string; checksum: string }
      | { kind: 'dmn'; resource: DeployResource; xml: string; graph: DecisionRequirementsGraph; checksum: string };
    const parsed: Parsed[] = [];
    const problems: string[] = [];
    const seen = new Map<string, string>();
    for (const resource of resources) {
      const checksum = createHash('sha256').update(resource.content).digest('hex');
      const text = resource.content.toString('utf8');
      const lower = resource.name.toLowerCase();
      if (lower.endsWith('.bpmn') || lower.endsWith('.xml')) {
        try {
          const models = await parseBpmn(text, resource.name);
          for (const m of models) {
            const other = seen.get(`process:${m.processId}`);
            if (other) problems.push(`Duplicated process id in resources '${other}' and '${resource.name}'`);
            seen.set(`process:${m.processId}`, resource.name);
          }
          parsed.push({ kind: 'process', resource, xml: text, models, checksum });
        } catch (err) {
          if (err instanceof ModelError) problems.push(err.message);
          else throw err;
        }
      } else if (lower.endsWith('.form')) {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (err) {
          problems.push(`'${resource.name}': the form is not valid JSON: ${(err as Error).message}`);
          continue;
        }
        const formId = (json as { id?: unknown } | null)?.id;
        if (typeof formId !== 'string' || formId.trim() === '') {
          problems.push(`'${resource.name}': a form must have a non-empty string 'id' (its formId)`);
          continue;
        }
        const other = seen.get(`form:${formId}`);
        if (other) problems.push(`Duplicated form id in resources '${other}' and '${resource.name}'`);
        seen.set(`form:${formId}`, resource.name);
        parsed.push({ kind: 'form', resource, formId, json: text, checksum });
      } else if (lower.endsWith('.dmn')) {
        try {
          const graph = await parseDmn(text, resource.name);
          for (const d of graph.decisions) {
            const other = seen.get(`decision:${d.id}`);
            if (other) problems.push(`Duplicated decision id '${d.id}' in resources '${other}' and '${resource.name}'`);
            seen.set(`decision:${d.id}`, resource.name);
          }
          parsed.push({ kind: 'dmn', resource, xml: text, graph, checksum });
        } catch (err) {
          if (err instanceof ModelError) problems.push(err.message);
          else throw err;
        }
      } else {
        problems.push(`'${resource.name}': unsupported resource type; expected .bpmn, .dmn or .form`);
      }
    }
    if (problems.length > 0) {
      throw new EngineError('INVALID_ARGUMENT', `Expected to deploy new resources, but encountered the following errors:\n${problems.join('\n')}`, 'CREATE');
    }
    return this.command('DEPLOY', null, () => {
      const deploymentKey = this.store.nextKey();
      const now = this.clock.now();
      this.store.stmt(`INSERT INTO deployments (key, tenant_id, created_at) VALUES (?, ?, ?)`).run(deploymentKey, tenantId, now);
      const deployments: DeploymentResponse['deployments'] = [];
      const newModels: Array<[number, ProcessModel]> = [];
      const newGraphs: Array<[number, DecisionRequirementsGraph]> = [];
      for (const p of parsed) {
        if (p.kind === 'process') {
          for (const model of p.models) {
            const { key, version, created } = this.storeResource(deploymentKey, tenantId, {
              kind: 'process',
              id: model.processId,
              name: model.name ?? null,
              versionTag: model.versionTag ?? null,
              resourceName: p.resource.name,
              content: p.xml,
              checksum: p.checksum,
            });
            if (created) {
              newModels.push([key, model]);
              this.models.set(key, model);
              this.openStartSubscriptions(key, model, tenantId);
            }
            const processDefinition: DeployedProcess = {
              processDefinitionId: model.processId,
              processDefinitionVersion: version,
              processDefinitionKey: String(key),
              resourceName: p.resource.name,
              tenantId,
            };
            deployments.push({ processDefinition });
          }
        } else if (p.kind === 'dmn') {
          deployments.push(...this.storeDecisions(deploymentKey, tenantId, p.resource.name, p.xml, p.graph, p.checksum, newGraphs));
        } else {
          const { key, version } = this.storeResource(deploymentKey, tenantId, {
            kind: 'form',
            id: p.formId,
            name: null,
            versionTag: null,
            resourceName: p.resource.name,
            content: p.json,
            checksum: p.checksum,
          });
          const form: DeployedForm = { formId: p.formId, version, formKey: String(key), resourceName: p.resource.name, tenantId };
          deployments.push({ form });
        }
      }
      this.afterCommit.push(() => {
        for (const [key, graph] of newGraphs) this.graphs.set(key, graph);
      });
      this.onRollback.push(() => {
        for (const [key] of newModels) this.models.delete(key);
      });
      return { deploymentKey: String(deploymentKey), tenantId, deployments };
    });
  }

  /**
   * Zeebe's versioning: a resource equal to the latest version (same checksum and resource name) is
   * that version again; anything else becomes the next version under a new key.
   */
  private storeResource(
    deploymentKey: number,
    tenantId: string,
    r: { kind: string; id: string; name: string | null; versionTag: string | null; resourceName: string; content: string; checksum: string },
  ): { key: number; version: number; created: boolean } {
    const prev = this.store
      .stmt(`SELECT key, version, checksum, resource_name FROM resources WHERE kind = ? AND tenant_id = ? AND resource_id = ? ORDER BY version DESC LIMIT 1`)
      .get(r.kind, tenantId, r.id) as { key: number; version: number; checksum: string; resource_name: string } | undefined;
    if (prev && prev.checksum === r.checksum && prev.resource_name === r.resourceName) {
      return { key: prev.key, version: prev.version, created: false };
    }
    const key = this.store.nextKey();
    const version = (prev?.version ?? 0) + 1;
    this.store
      .stmt(
        `INSERT INTO resources (key, kind, resource_id, name, version, version_tag, resource_name, content, checksum, deployment_key, tenant_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(key, r.kind, r.id, r.name, version, r.versionTag, r.resourceName, r.content, r.checksum, deploymentKey, tenantId);
    return { key, version, created: true };
  }

  /** A DRG and its decisions: new versions of each when the DRG resource changed. */
  private storeDecisions(
    deploymentKey: number,
    tenantId: string,
    resourceName: string,
    xml: string,
    graph: DecisionRequirementsGraph,
    checksum: string,
    newGraphs: Array<[number, DecisionRequirementsGraph]>,
  ): DeploymentResponse['deployments'] {
    const drg = this.storeResource(deploymentKey, tenantId, {
      kind: 'decision-requirements',
      id: graph.decisionRequirementsId,
      name: graph.name,
      versionTag: null,
      resourceName,
      content: xml,
      checksum,
    });
    if (drg.created) newGraphs.push([drg.key, graph]);
    const out: DeploymentResponse['deployments'] = [
      {
        decisionRequirements: {
          decisionRequirementsId: graph.decisionRequirementsId,
          version: drg.version,
          decisionRequirementsName: graph.name,
          tenantId,
          resourceName,
          decisionRequirementsKey: String(drg.key),
        },
      },
    ];
    for (const decision of graph.decisions) {
      // The decision's content points at its DRG; its checksum is the DRG's, so it versions with it.
      const d = this.storeResource(deploymentKey, tenantId, {
        kind: 'decision',
        id: decision.id,
        name: decision.name,
        versionTag: decision.versionTag ?? null,
        resourceName,
        content: String(drg.key),
        checksum: `${checksum}:${drg.key}`,
      });
      out.push({
        decisionDefinition: {
          decisionDefinitionId: decision.id,
          version: d.version,
          name: decision.name,
          tenantId,
          decisionRequirementsId: graph.decisionRequirementsId,
          decisionDefinitionKey: String(d.key),
          decisionRequirementsKey: String(drg.key),
        },
      });
    }
    return out;
  }

  private model(definitionKey: number): ProcessModel {
    const model = this.models.get(definitionKey);
    if (!model) throw new Error(`process definition ${definitionKey} is not loaded`);
    return model;
  }

  // ---------------------------------------------------------------------------------------------
  // Process instances

  createProcessInstance(request: CreateProcessInstanceRequest): CreateProcessInstanceResponse {
    const tenantId = request.tenantId ?? DEFAULT_TENANT;
    let def: DefinitionRow | undefined;
    if (request.processDefinitionKey !== undefined) {
      const key = parseKey('Process definition', request.processDefinitionKey);
      def = this.store.stmt(`SELECT * FROM resources WHERE kind = 'process' AND key = ?`).get(key) as DefinitionRow | undefined;
      if (!def) {
        throw new EngineError('NOT_FOUND', `Expected to find process definition with key '${request.processDefinitionKey}', but none found`);
      }
    } else if (request.processDefinitionId !== undefined) {
      const version = request.processDefinitionVersion ?? -1;
      def = (
        version === -1
          ? this.store.stmt(`SELECT * FROM resources WHERE kind = 'process' AND tenant_id = ? AND resource_id = ? ORDER BY version DESC LIMIT 1`).get(tenantId, request.processDefinitionId)
          : this.store.stmt(`SELECT * FROM resources WHERE kind = 'process' AND tenant_id = ? AND resource_id = ? AND version = ?`).get(tenantId, request.processDefinitionId, version)
      ) as DefinitionRow | undefined;
      if (!def) {
        throw new EngineError(
          'NOT_FOUND',
          version === -1
            ? `Expected to find process definition with process ID '${request.processDefinitionId}', but none found`
            : `Expected to find process definition with process ID '${request.processDefinitionId}' and version '${version}', but none found`,
        );
      }
    } else {
      throw new EngineError('INVALID_ARGUMENT', 'Expected either processDefinitionId or processDefinitionKey, but none given');
    }
    const definition = def;
    const model = this.model(definition.key);
    if (!model.nodes.get(model.processId)!.scope!.noneStartId) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `Expected to create instance of process with none start event, but there is no such event in process '${definition.resource_id}'`,
        'CREATE',
      );
    }
    return this.command('CREATE_PROCESS_INSTANCE', definition.key, () => {
      const piKey = this.startInstance(definition, request.variables ?? {}, {});
      return {
        processDefinitionId: definition.resource_id,
        processDefinitionVersion: definition.version,
        processDefinitionKey: String(definition.key),
        processInstanceKey: String(piKey),
        tenantId: definition.tenant_id,
        variables: {},
      };
    });
  }

  /**
   * Creates a process instance inside the current command: at the none start event, or at an event
   * start event (startAt), or as the child of a call activity (parent).
   */
  private startInstance(
    definition: DefinitionRow,
    variables: Variables,
    options: { startAt?: string; parent?: ElementRow; messageCorrelationKey?: string },
  ): number {
    const model = this.model(definition.key);
    const piKey = this.store.nextKey();
    this.store
      .stmt(
        `INSERT INTO process_instances (key, process_definition_key, process_definition_id, process_definition_name, process_definition_version, process_definition_version_tag, state, start_date,
           parent_process_instance_key, parent_element_instance_key, tenant_id, message_correlation_key)
         VALUES (?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?, ?)`,
      )
      .run(
        piKey,
        definition.key,
        definition.resource_id,
        definition.name,
        definition.version,
        definition.version_tag,
        this.clock.now(),
        options.parent?.process_instance_key ?? null,
        options.parent?.key ?? null,
        definition.tenant_id,
        options.messageCorrelationKey ?? null,
      );
    this.insertElement(piKey, {
      piKey,
      definitionKey: definition.key,
      processId: definition.resource_id,
      elementId: definition.resource_id,
      name: model.name ?? null,
      type: 'PROCESS',
      flowScopeKey: null,
      tenantId: definition.tenant_id,
      runtime: options.startAt ? { startAt: options.startAt } : undefined,
    });
    for (const [name, value] of Object.entries(variables)) {
      this.setLocalVariable(piKey, piKey, definition.resource_id, definition.tenant_id, name, value);
    }
    this.agenda.push({ kind: 'activate', key: piKey });
    return piKey;
  }

  awaitProcessInstance(processInstanceKey: string, timeoutMs: number, fetchVariables?: string[]): Promise<Variables> {
    const key = parseKey('Process instance', processInstanceKey);
    const row = this.store.stmt(`SELECT state FROM process_instances WHERE key = ?`).get(key) as { state: string } | undefined;
    if (!row) return Promise.reject(notFound('Process instance', processInstanceKey));
    if (row.state === 'COMPLETED') return Promise.resolve(this.rootVariables(key, fetchVariables));
    if (row.state === 'TERMINATED') {
      return Promise.reject(new EngineError('INVALID_STATE', `Process instance '${processInstanceKey}' was terminated before it completed`));
    }
    return new Promise<Variables>((resolve, reject) => {
      const waiter: CompletionWaiter = {
        fetchVariables,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        const list = this.completionWaiters.get(key);
        if (list) this.completionWaiters.set(key, list.filter((w) => w !== waiter));
        reject(
          new EngineError(
            'DEADLINE_EXCEEDED',
            `Expected to receive the result of process instance '${processInstanceKey}' within ${timeoutMs} ms, but it did not complete in time; the instance keeps running`,
          ),
        );
      }, timeoutMs);
      const list = this.completionWaiters.get(key) ?? [];
      list.push(waiter);
      this.completionWaiters.set(key, list);
    });
  }

  private notifyCompletion(piKey: number): void {
    const waiters = this.completionWaiters.get(piKey);
    if (!waiters) return;
    this.completionWaiters.delete(piKey);
    const state = (this.store.stmt(`SELECT state FROM process_instances WHERE key = ?`).get(piKey) as { state: string }).state;
    for (const w of waiters) {
      if (state === 'COMPLETED') w.resolve(this.rootVariables(piKey, w.fetchVariables));
      else w.reject(new EngineError('INVALID_STATE', `Process instance '${piKey}' was terminated before it completed`));
    }
  }

  private rootVariables(piKey: number, names?: string[]): Variables {
    const rows = this.store.stmt(`SELECT name, value FROM variables WHERE scope_key = ?`).all(piKey) as { name: string; value: string }[];
    const out: Variables = {};
    for (const r of rows) {
      if (!names || names.length === 0 || names.includes(r.name)) out[r.name] = JSON.parse(r.value) as Json;
    }
    return out;
  }

  /**
   * Cancels a process instance and everything it called. Cancelling a called (child) instance
   * cancels the whole tree from its root, so neither side is left waiting for the other.
   */
  cancelProcessInstance(processInstanceKey: string): void {
    let key = parseKey('Process instance', processInstanceKey);
    const pi = this.store.stmt(`SELECT state, parent_process_instance_key FROM process_instances WHERE key = ?`).get(key) as
      | { state: string; parent_process_instance_key: number | null }
      | undefined;
    if (!pi) {
      throw new EngineError('NOT_FOUND', `Expected to cancel a process instance with key '${processInstanceKey}', but no such process was found`);
    }
    if (pi.state !== 'ACTIVE') {
      throw new EngineError('NOT_FOUND', `Expected to cancel a process instance with key '${processInstanceKey}', but no such process was found (it is ${pi.state})`);
    }
    for (let parent = pi.parent_process_instance_key; parent !== null; ) {
      key = parent;
      parent = (this.store.stmt(`SELECT parent_process_instance_key FROM process_instances WHERE key = ?`).get(parent) as { parent_process_instance_key: number | null }).parent_process_instance_key;
    }
    const root = key;
    this.command('CANCEL_PROCESS_INSTANCE', root, () => {
      this.terminate(root);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Element lifecycle

  private insertElement(
    key: number,
    e: {
      piKey: number;
      definitionKey: number;
      processId: string;
      elementId: string;
      name: string | null;
      type: string;
      flowScopeKey: number | null;
      tenantId: string;
      runtime?: Runtime;
    },
  ): void {
    this.store
      .stmt(
        `INSERT INTO element_instances (key, process_instance_key, process_definition_key, process_definition_id, element_id, element_name, type, flow_scope_key, state, start_date, runtime, tenant_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVATING', ?, ?, ?)`,
      )
      .run(key, e.piKey, e.definitionKey, e.processId, e.elementId, e.name, e.type, e.flowScopeKey, this.clock.now(), e.runtime ? JSON.stringify(e.runtime) : null, e.tenantId);
  }

  private element(key: number): ElementRow {
    const row = this.store.stmt(`SELECT * FROM element_instances WHERE key = ?`).get(key) as ElementRow | undefined;
    if (!row) throw new Error(`element instance ${key} not found`);
    return row;
  }

  private runtime(row: ElementRow): Runtime {
    return row.runtime ? (JSON.parse(row.runtime) as Runtime) : {};
  }

  private setRuntime(key: number, runtime: Runtime): void {
    this.store.stmt(`UPDATE element_instances SET runtime = ? WHERE key = ?`).run(JSON.stringify(runtime), key);
  }

  private updateRuntime(key: number, change: (runtime: Runtime) => void): Runtime {
    const runtime = this.runtime(this.element(key));
    change(runtime);
    this.setRuntime(key, runtime);
    return runtime;
  }

  private setState(key: number, state: ElementState): void {
    const ended = state === 'COMPLETED' || state === 'TERMINATED';
    this.store.stmt(`UPDATE element_instances SET state = ?, end_date = ? WHERE key = ?`).run(state, ended ? this.clock.now() : null, key);
    // Subscriptions close with the element instance that owns them.
    if (ended) this.store.stmt(`DELETE FROM subscriptions WHERE element_instance_key = ?`).run(key);
  }

  private node(row: ElementRow): FlowNode {
    const node = this.model(row.process_definition_key).nodes.get(row.element_id);
    if (!node) throw new Error(`element ${row.element_id} not in process ${row.process_definition_id}`);
    return node;
  }

  private isActive(row: ElementRow): boolean {
    return row.state === 'ACTIVATING' || row.state === 'ACTIVATED' || row.state === 'COMPLETING';
  }

  /**
   * Runs a step body in a savepoint; an IncidentRaised undoes what the step had written (state,
   * subscriptions, jobs, queued steps) and parks the element in an incident instead of failing the
   * command, so resolving the incident re-runs the step from a clean start.
   */
  private guarded(row: ElementRow, step: IncidentStep, body: () => void): void {
    const agendaLength = this.agenda.length;
    try {
      this.store.db.transaction(body)();
    } catch (err) {
      if (err instanceof IncidentRaised) {
        this.agenda.length = agendaLength;
        this.raiseIncident(row, err.errorType, err.message, step, null);
        return;
      }
      throw err;
    }
  }

  private activate(key: number): void {
    const row = this.element(key);
    if (row.state !== 'ACTIVATING') return;
    const node = this.node(row);
    const runtime = this.runtime(row);
    this.guarded(row, 'ACTIVATE', () => {
      if (row.type === 'MULTI_INSTANCE_BODY') {
        this.activateMultiInstanceBody(row, node);
        return;
      }
      const innerOfMultiInstance = this.isInnerInstance(row);
      if (row.type !== 'PROCESS') this.applyInputMappings(row, node);
      // Boundary events attach to the multi-instance body, not to each inner instance.
      if (!innerOfMultiInstance && node.boundaryEvents.length > 0) this.openBoundarySubscriptions(row, node);
      switch (node.type) {
        case 'PROCESS':
        case 'SUB_PROCESS':
        case 'EVENT_SUB_PROCESS': {
          this.setState(key, 'ACTIVATED');
          this.openEventSubprocessSubscriptions(row, node);
          const startId = runtime.startAt ?? node.scope!.noneStartId!;
          this.createChild(row, this.model(row.process_definition_key).nodes.get(startId)!, {
            completionVariables: runtime.startVariables,
            triggered: runtime.startAt !== undefined,
          });
          return;
        }
        case 'SERVICE_TASK':
        case 'SEND_TASK':
          this.createJob(row, node);
          this.setState(key, 'ACTIVATED');
          return;
        case 'BUSINESS_RULE_TASK':
          if (node.job) {
            this.createJob(row, node);
            this.setState(key, 'ACTIVATED');
            return;
          }
          this.evaluateCalledDecision(row, node);
          this.setState(key, 'ACTIVATED');
          break;
        case 'SCRIPT_TASK':
          if (node.job) {
            this.createJob(row, node);
            this.setState(key, 'ACTIVATED');
            return;
          }
          {
            const value = this.evalExpr(row, node.script!.expression, 'ANY', 'EXTRACT_VALUE_ERROR');
            this.setState(key, 'ACTIVATED');
            this.updateRuntime(key, (r) => (r.completionVariables = { [node.script!.resultVariable]: toJson(value) }));
          }
          break;
        case 'USER_TASK':
          this.createUserTask(row, node);
          this.setState(key, 'ACTIVATED');
          return;
        case 'CALL_ACTIVITY':
          this.startCalledProcess(row, node);
          this.setState(key, 'ACTIVATED');
          return;
        case 'RECEIVE_TASK':
          this.setState(key, 'ACTIVATED');
          this.openSubscription(row, node, 'self', true);
          return;
        case 'INTERMEDIATE_CATCH_EVENT':
          this.setState(key, 'ACTIVATED');
          if (runtime.triggered || node.event?.kind === 'link') break;
          this.openSubscription(row, node, 'self', true);
          return;
        case 'EVENT_BASED_GATEWAY': {
          this.setState(key, 'ACTIVATED');
          const model = this.model(row.process_definition_key);
          for (const flowId of node.outgoing) {
            this.openSubscription(row, model.nodes.get(model.flows.get(flowId)!.target)!, 'gateway', true);
          }
          return;
        }
        case 'INTERMEDIATE_THROW_EVENT':
        case 'END_EVENT':
          if (node.job) {
            this.createJob(row, node);
            this.setState(key, 'ACTIVATED');
            return;
          }
          this.setState(key, 'ACTIVATED');
          if (!this.throwEvent(row, node)) return;
          break;
        case 'EXCLUSIVE_GATEWAY': {
          const selected = this.selectFlow(row, node);
          this.setState(key, 'ACTIVATED');
          this.updateRuntime(key, (r) => (r.selectedFlows = selected ? [selected] : []));
          break;
        }
        case 'INCLUSIVE_GATEWAY': {
          const selected = this.selectInclusiveFlows(row, node);
          this.setState(key, 'ACTIVATED');
          this.updateRuntime(key, (r) => (r.selectedFlows = selected));
          break;
        }
        default:
          this.setState(key, 'ACTIVATED');
      }
      this.agenda.push({ kind: 'complete', key });
    });
  }

  /**
   * Throw events act when reached: errors and escalations look for a catch event, signals are
   * broadcast. Returns false when the element must not continue (an error was thrown, or an
   * interrupting catch event took over).
   */
  private throwEvent(row: ElementRow, node: FlowNode): boolean {
    const event = node.event;
    if (!event) return true;
    switch (event.kind) {
      case 'error': {
        const code = this.evalExpr(row, event.errorCode!, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
        this.throwError(row, code, '', {});
        return false;
      }
      case 'escalation': {
        const code = this.evalExpr(row, event.escalationCode!, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
        return this.throwEscalation(row, code);
      }
      case 'signal': {
        const name = this.evalExpr(row, event.signalName!, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
        this.broadcast(name, {}, row.tenant_id);
        return true;
      }
      default:
        return true;
    }
  }

  private complete(key: number): void {
    const row = this.element(key);
    if (row.state !== 'ACTIVATED' && row.state !== 'COMPLETING') return;
    const node = this.node(row);
    if (row.type === 'PROCESS') {
      this.setState(key, 'COMPLETED');
      this.store.stmt(`UPDATE process_instances SET state = 'COMPLETED', end_date = ? WHERE key = ?`).run(this.clock.now(), key);
      this.finishedInstances.push(key);
      this.onCalledProcessCompleted(row);
      return;
    }
    if (row.type === 'MULTI_INSTANCE_BODY') {
      this.completeMultiInstanceBody(row, node);
      return;
    }
    this.setState(key, 'COMPLETING');
    const runtime = this.runtime(row);
    const completing = { ...row, state: 'COMPLETING' as ElementState };
    this.guarded(completing, 'COMPLETE', () => {
      const propagate = node.type !== 'CALL_ACTIVITY' || node.callActivity!.propagateAllChildVariables;
      this.applyOutputMappings(row, node, runtime.completionVariables, propagate);
      const body = this.innerOf(row);
      if (body) {
        this.collectMultiInstanceOutput(row, body, node);
        this.setState(key, 'COMPLETED');
        this.onInnerInstanceCompleted(body, node, row);
        return;
      }
      this.setState(key, 'COMPLETED');
      this.leave(row, node, runtime);
    });
  }

  /** Takes the element's outgoing flows (or, with none, lets its scope complete). */
  private leave(row: ElementRow, node: FlowNode, runtime: Runtime): void {
    const scopeKey = row.flow_scope_key!;
    if (node.type === 'END_EVENT' && node.event?.kind === 'terminate') {
      this.terminateChildren(scopeKey, undefined);
      this.updateRuntime(scopeKey, (r) => delete r.joins);
    }
    if (node.type === 'INTERMEDIATE_THROW_EVENT' && node.event?.kind === 'link') {
      const scopeNode = this.model(row.process_definition_key).nodes.get(node.scopeId)!;
      const target = scopeNode.scope!.linkCatches.get(node.event.linkName!)!;
      this.createChild(this.element(scopeKey), this.model(row.process_definition_key).nodes.get(target)!);
      return;
    }
    const outgoing =
      node.type === 'EXCLUSIVE_GATEWAY' || node.type === 'INCLUSIVE_GATEWAY' ? (runtime.selectedFlows ?? []) : node.type === 'EVENT_BASED_GATEWAY' ? [] : node.outgoing;
    for (const flowId of outgoing) this.takeFlow(row, flowId);
    if (outgoing.length === 0 && node.type !== 'EVENT_BASED_GATEWAY') this.scopeChanged(scopeKey);
    else this.checkInclusiveJoins(scopeKey);
  }

  private createChild(scope: ElementRow, node: FlowNode, runtime?: Runtime): number {
    const childKey = this.store.nextKey();
    this.insertElement(childKey, {
      piKey: scope.process_instance_key,
      definitionKey: scope.process_definition_key,
      processId: scope.process_definition_id,
      elementId: node.id,
      name: node.name ?? null,
      type: node.multiInstance ? 'MULTI_INSTANCE_BODY' : node.type,
      flowScopeKey: scope.key,
      tenantId: scope.tenant_id,
      runtime: runtime && Object.values(runtime).some((v) => v !== undefined) ? runtime : undefined,
    });
    this.agenda.push({ kind: 'activate', key: childKey });
    return childKey;
  }

  private takeFlow(from: ElementRow, flowId: string): void {
    const model = this.model(from.process_definition_key);
    const flow = model.flows.get(flowId)!;
    const target = model.nodes.get(flow.target)!;
    const scope = this.element(from.flow_scope_key!);
    const joins = (target.type === 'PARALLEL_GATEWAY' || target.type === 'INCLUSIVE_GATEWAY') && target.incoming.length > 1;
    if (!joins) {
      this.createChild(scope, target);
      return;
    }
    const runtime = this.updateRuntime(scope.key, (r) => {
      const tokens = ((r.joins ??= {})[target.id] ??= {});
      tokens[flowId] = (tokens[flowId] ?? 0) + 1;
    });
    if (target.type === 'PARALLEL_GATEWAY') {
      const tokens = runtime.joins![target.id]!;
      if (target.incoming.every((f) => (tokens[f] ?? 0) > 0)) this.fireJoin(scope.key, target, target.incoming);
    } else {
      this.checkInclusiveJoins(scope.key);
    }
  }

  /** Consumes one token per flow (extra tokens wait for the next join, as Zeebe) and activates the gateway. */
  private fireJoin(scopeKey: number, gateway: FlowNode, flows: string[]): void {
    this.updateRuntime(scopeKey, (r) => {
      const tokens = r.joins![gateway.id]!;
      for (const f of flows) {
        tokens[f]! -= 1;
        if (tokens[f]! <= 0) delete tokens[f];
      }
      if (Object.keys(tokens).length === 0) delete r.joins![gateway.id];
      if (Object.keys(r.joins!).length === 0) delete r.joins;
    });
    this.createChild(this.element(scopeKey), gateway);
  }

  /**
   * An inclusive join fires once tokens wait at it and nothing still active in the scope can reach
   * it any more (Zeebe's inclusive gateway join). Re-checked whenever the scope changes.
   */
  private checkInclusiveJoins(scopeKey: number): void {
    const scope = this.element(scopeKey);
    const joins = this.runtime(scope).joins;
    if (!joins) return;
    const model = this.model(scope.process_definition_key);
    for (const [gatewayId, tokens] of Object.entries(joins)) {
      const gateway = model.nodes.get(gatewayId)!;
      if (gateway.type !== 'INCLUSIVE_GATEWAY' || Object.keys(tokens).length === 0) continue;
      const upstream = this.upstreamOf(model, gateway);
      const active = this.store
        .stmt(`SELECT element_id FROM element_instances WHERE flow_scope_key = ? AND state IN ('ACTIVATING', 'ACTIVATED', 'COMPLETING')`)
        .all(scopeKey) as { element_id: string }[];
      const otherTokens = Object.entries(joins).some(([g, t]) => g !== gatewayId && Object.keys(t).length > 0 && upstream.has(g));
      if (active.some((a) => upstream.has(a.element_id)) || otherTokens) continue;
      this.fireJoin(scopeKey, gateway, Object.keys(tokens));
    }
  }

  private readonly upstreamCache = new WeakMap<FlowNode, Set<string>>();

  /** Elements from which a token can still reach the gateway (boundary events count through their host). */
  private upstreamOf(model: ProcessModel, gateway: FlowNode): Set<string> {
    let set = this.upstreamCache.get(gateway);
    if (set) return set;
    set = new Set<string>();
    const queue = [gateway.id];
    while (queue.length > 0) {
      const id = queue.pop()!;
      const node = model.nodes.get(id)!;
      for (const flowId of node.incoming) {
        const source = model.flows.get(flowId)!.source;
        if (source !== gateway.id && !set.has(source)) {
          set.add(source);
          queue.push(source);
          const sourceNode = model.nodes.get(source)!;
          if (sourceNode.attachedTo && !set.has(sourceNode.attachedTo)) {
            set.add(sourceNode.attachedTo);
            queue.push(sourceNode.attachedTo);
          }
        }
      }
    }
    this.upstreamCache.set(gateway, set);
    return set;
  }

  /** Something in the scope ended: pending inclusive joins may fire, and the scope may complete. */
  private scopeChanged(scopeKey: number): void {
    this.checkInclusiveJoins(scopeKey);
    this.maybeCompleteScope(scopeKey);
  }

  /** A scope completes when nothing inside it is active and no token waits at a join. */
  private maybeCompleteScope(scopeKey: number): void {
    const active = this.store
      .stmt(`SELECT 1 FROM element_instances WHERE flow_scope_key = ? AND state NOT IN ('COMPLETED', 'TERMINATED') LIMIT 1`)
      .get(scopeKey);
    if (active) return;
    const scope = this.element(scopeKey);
    if (scope.type === 'MULTI_INSTANCE_BODY') return;
    const joins = this.runtime(scope).joins;
    if (joins && Object.keys(joins).length > 0) return;
    if (scope.state === 'ACTIVATED') this.agenda.push({ kind: 'complete', key: scopeKey });
  }

  /** Terminates the active children of a scope (all but `except`). */
  private terminateChildren(scopeKey: number, except: number | undefined): void {
    const children = this.store
      .stmt(`SELECT key FROM element_instances WHERE flow_scope_key = ? AND state NOT IN ('COMPLETED', 'TERMINATED')`)
      .all(scopeKey) as { key: number }[];
    for (const c of children) if (c.key !== except) this.terminate(c.key);
  }

  /** Terminates an element instance and everything inside it, including a called process. */
  private terminate(key: number): void {
    this.terminateChildren(key, undefined);
    const row = this.element(key);
    if (!this.isActive(row)) return;
    const runtime = this.runtime(row);
    const now = this.clock.now();
    if (runtime.jobKey !== undefined) {
      this.store
        .stmt(`UPDATE jobs SET state = 'CANCELED', activatable = 0, recur_at = NULL, end_date = ? WHERE key = ? AND state NOT IN ('COMPLETED', 'CANCELED', 'ERROR_THROWN')`)
        .run(now, runtime.jobKey);
    }
    if (runtime.userTaskKey !== undefined) {
      this.store.stmt(`UPDATE user_tasks SET state = 'CANCELED', completion_date = ? WHERE key = ? AND state = 'CREATED'`).run(now, runtime.userTaskKey);
    }
    if (runtime.childInstanceKey !== undefined) {
      const child = this.store.stmt(`SELECT state FROM process_instances WHERE key = ?`).get(runtime.childInstanceKey) as { state: string } | undefined;
      if (child?.state === 'ACTIVE') this.terminate(runtime.childInstanceKey);
    }
    this.store.stmt(`UPDATE incidents SET state = 'RESOLVED' WHERE element_instance_key = ? AND state = 'ACTIVE'`).run(key);
    this.store.stmt(`UPDATE element_instances SET incident_key = NULL WHERE key = ?`).run(key);
    this.setState(key, 'TERMINATED');
    if (row.type === 'PROCESS') {
      this.store.stmt(`UPDATE process_instances SET state = 'TERMINATED', end_date = ? WHERE key = ?`).run(now, key);
      this.finishedInstances.push(key);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Multi-instance

  private isInnerInstance(row: ElementRow): boolean {
    return this.innerOf(row) !== undefined;
  }

  /** The multi-instance body an inner instance belongs to. */
  private innerOf(row: ElementRow): ElementRow | undefined {
    if (row.flow_scope_key === null || row.type === 'MULTI_INSTANCE_BODY') return undefined;
    const scope = this.element(row.flow_scope_key);
    return scope.type === 'MULTI_INSTANCE_BODY' && scope.element_id === row.element_id ? scope : undefined;
  }

  private activateMultiInstanceBody(row: ElementRow, node: FlowNode): void {
    const mi = node.multiInstance!;
    const items = this.evalExpr(row, mi.inputCollection, 'ARRAY', 'EXTRACT_VALUE_ERROR') as unknown[];
    const collection = items.map(toJson);
    if (mi.outputCollection) {
      this.setLocalVariable(row.key, row.process_instance_key, row.process_definition_id, row.tenant_id, mi.outputCollection, collection.map(() => null));
    }
    this.setState(row.key, 'ACTIVATED');
    if (node.boundaryEvents.length > 0) this.openBoundarySubscriptions(row, node);
    this.updateRuntime(row.key, (r) => (r.multiInstance = { items: collection, created: 0, completed: 0 }));
    if (collection.length === 0) {
      this.agenda.push({ kind: 'complete', key: row.key });
      return;
    }
    const first = mi.sequential ? 1 : collection.length;
    for (let i = 0; i < first; i++) this.createInnerInstance(row, node);
  }

  private createInnerInstance(body: ElementRow, node: FlowNode): void {
    const runtime = this.updateRuntime(body.key, (r) => (r.multiInstance!.created += 1));
    const index = runtime.multiInstance!.created;
    const key = this.store.nextKey();
    this.insertElement(key, {
      piKey: body.process_instance_key,
      definitionKey: body.process_definition_key,
      processId: body.process_definition_id,
      elementId: node.id,
      name: node.name ?? null,
      type: node.type,
      flowScopeKey: body.key,
      tenantId: body.tenant_id,
    });
    const set = (name: string, value: Json) => this.setLocalVariable(key, body.process_instance_key, body.process_definition_id, body.tenant_id, name, value);
    if (node.multiInstance!.inputElement) set(node.multiInstance!.inputElement, runtime.multiInstance!.items[index - 1] ?? null);
    set('loopCounter', index);
    // As Zeebe: an outputElement that names a variable exists locally (null) in each inner instance,
    // so what a worker returns under that name stays with its own instance.
    const outputElement = node.multiInstance!.outputElement;
    if (outputElement && /^[A-Za-z_$][\w$]*$/.test(outputElement.text)) set(outputElement.text, null);
    this.agenda.push({ kind: 'activate', key });
  }

  /** Writes the inner instance's outputElement into the body's output collection, at its input position. */
  private collectMultiInstanceOutput(inner: ElementRow, body: ElementRow, node: FlowNode): void {
    const mi = node.multiInstance!;
    if (!mi.outputCollection || !mi.outputElement) return;
    const value = toJson(this.evalExpr(inner, mi.outputElement, 'ANY', 'EXTRACT_VALUE_ERROR'));
    const loopCounter = (this.visibleVariables(inner.key).loopCounter as number) ?? 1;
    const current = this.store.stmt(`SELECT value FROM variables WHERE scope_key = ? AND name = ?`).get(body.key, mi.outputCollection) as { value: string } | undefined;
    const list = current ? (JSON.parse(current.value) as Json[]) : [];
    list[loopCounter - 1] = value;
    this.setLocalVariable(body.key, body.process_instance_key, body.process_definition_id, body.tenant_id, mi.outputCollection, list);
  }

  private multiInstanceCounters(body: ElementRow, mi: NonNullable<Runtime['multiInstance']>): Record<string, number> {
    const active = (this.store.stmt(`SELECT COUNT(*) AS n FROM element_instances WHERE flow_scope_key = ? AND state IN ('ACTIVATING', 'ACTIVATED', 'COMPLETING')`).get(body.key) as { n: number }).n;
    return { numberOfInstances: mi.items.length, numberOfActiveInstances: active, numberOfCompletedInstances: mi.completed, numberOfTerminatedInstances: 0 };
  }

  /** After an inner instance completed: the completion condition (in that instance's scope, as Zeebe), then the next instance or the body's completion. */
  private onInnerInstanceCompleted(body: ElementRow, node: FlowNode, inner: ElementRow): void {
    const runtime = this.updateRuntime(body.key, (r) => (r.multiInstance!.completed += 1));
    const mi = runtime.multiInstance!;
    const def = node.multiInstance!;
    if (def.completionCondition) {
      let done: unknown;
      try {
        done = evaluate(def.completionCondition, { variables: { ...this.visibleVariables(inner.key), ...this.multiInstanceCounters(body, mi) }, now: () => this.clock.now() }, 'BOOLEAN');
      } catch (err) {
        if (err instanceof FeelEvaluationError) {
          // The body stays active with an incident; resolving re-evaluates by completing it again.
          this.raiseIncident(body, 'EXTRACT_VALUE_ERROR', err.message, 'COMPLETE', null);
          return;
        }
        throw err;
      }
      if (done === true) {
        this.terminateChildren(body.key, undefined);
        this.agenda.push({ kind: 'complete', key: body.key });
        return;
      }
    }
    if (def.sequential && mi.created < mi.items.length) {
      this.createInnerInstance(body, node);
    } else if (mi.completed >= mi.items.length) {
      this.agenda.push({ kind: 'complete', key: body.key });
    }
  }

  private completeMultiInstanceBody(row: ElementRow, node: FlowNode): void {
    const active = this.store
      .stmt(`SELECT 1 FROM element_instances WHERE flow_scope_key = ? AND state IN ('ACTIVATING', 'ACTIVATED', 'COMPLETING') LIMIT 1`)
      .get(row.key);
    if (active) return;
    const mi = node.multiInstance!;
    if (mi.outputCollection) {
      const current = this.store.stmt(`SELECT value FROM variables WHERE scope_key = ? AND name = ?`).get(row.key, mi.outputCollection) as { value: string };
      this.mergeDocument(row, row.flow_scope_key!, { [mi.outputCollection]: JSON.parse(current.value) as Json });
    }
    this.setState(row.key, 'COMPLETED');
    this.leave(row, node, {});
  }

  // ---------------------------------------------------------------------------------------------
  // Event subscriptions: timers, messages and signals

  /** Boundary events of an activity (or multi-instance body) open with it. */
  private openBoundarySubscriptions(row: ElementRow, node: FlowNode): void {
    const model = this.model(row.process_definition_key);
    for (const id of node.boundaryEvents) {
      const boundary = model.nodes.get(id)!;
      if (boundary.event && ['timer', 'message', 'signal'].includes(boundary.event.kind)) {
        this.openSubscription(row, boundary, 'boundary', boundary.interrupting);
      }
    }
  }

  /** Start events of the event subprocesses in a scope open with the scope. */
  private openEventSubprocessSubscriptions(row: ElementRow, node: FlowNode): void {
    const model = this.model(row.process_definition_key);
    for (const id of node.scope?.eventSubprocesses ?? []) {
      const sub = model.nodes.get(id)!;
      const start = [...model.nodes.values()].find((n) => n.scopeId === sub.id && n.type === 'START_EVENT');
      if (start?.event && ['timer', 'message', 'signal'].includes(start.event.kind)) {
        this.openSubscription(row, start, 'event-subprocess', start.interrupting);
      }
    }
  }

  /**
   * Opens a subscription owned by `owner` for `catchNode`. Names, correlation keys and timers are
   * evaluated now, in the owner's scope, as Zeebe does; a buffered message may correlate at once.
   */
  private openSubscription(owner: ElementRow, catchNode: FlowNode, role: SubscriptionRole, interrupting: boolean): void {
    const event = catchNode.event!;
    const key = this.store.nextKey();
    const insert = (kind: string, name: string | null, correlationKey: string | null, dueAt: number | null, repetitions: number | null, timer: string | null) =>
      this.store
        .stmt(
          `INSERT INTO subscriptions (key, kind, role, element_instance_key, process_instance_key, process_definition_key, process_definition_id, catch_element_id, interrupting, name, correlation_key, due_at, repetitions, timer, tenant_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(key, kind, role, owner.key, owner.process_instance_key, owner.process_definition_key, owner.process_definition_id, catchNode.id, interrupting ? 1 : 0, name, correlationKey, dueAt, repetitions, timer, owner.tenant_id, this.clock.now());
    switch (event.kind) {
      case 'timer': {
        const scheduled = this.scheduleTimer(event.timer!, () => this.env(owner.key).variables);
        if (!scheduled) return;
        insert('timer', null, null, scheduled.dueAt, scheduled.repetitions, scheduled.timer);
        return;
      }
      case 'message': {
        const name = this.evalExpr(owner, event.messageName!, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
        const correlationKey = this.correlationKey(owner, event.correlationKey!);
        insert('message', name, correlationKey, null, null, null);
        this.agenda.push({ kind: 'correlate-buffered', subscriptionKey: key });
        return;
      }
      case 'signal': {
        const name = this.evalExpr(owner, event.signalName!, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
        insert('signal', name, null, null, null, null);
        return;
      }
      default:
        return;
    }
  }

  private correlationKey(owner: ElementRow, expr: CompiledExpression): string {
    const value = this.evalExpr(owner, expr, 'ANY', 'EXTRACT_VALUE_ERROR');
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    throw new IncidentRaised(
      'EXTRACT_VALUE_ERROR',
      `Failed to extract the correlation key for '${expr.text}': The value must be either a string or a number, but was '${typeName(value)}'.`,
    );
  }

  /**
   * A subscription fired. What happens depends on what it catches: the waiting element completes;
   * a boundary event or event subprocess starts (interrupting what it belongs to when so defined);
   * an event-based gateway takes the branch; a process start event creates an instance.
   */
  private trigger(sub: SubscriptionRow, variables: Variables): void {
    const model = this.model(sub.process_definition_key);
    const catchNode = model.nodes.get(sub.catch_element_id)!;
    // Non-interrupting boundary events and event subprocesses keep listening (timers: while the
    // cycle lasts); so do start events of processes.
    const keepsListening = sub.role === 'start' || (!sub.interrupting && (sub.role === 'boundary' || sub.role === 'event-subprocess'));
    if (sub.kind === 'timer' && keepsListening && sub.repetitions !== null && sub.repetitions !== 0) this.rescheduleTimer(sub);
    else if (sub.kind === 'timer' || !keepsListening) this.store.stmt(`DELETE FROM subscriptions WHERE key = ?`).run(sub.key);

    if (sub.role === 'start') {
      const def = this.store.stmt(`SELECT * FROM resources WHERE key = ?`).get(sub.process_definition_key) as DefinitionRow;
      this.startInstance(def, variables, { startAt: catchNode.id });
      return;
    }
    const owner = this.element(sub.element_instance_key!);
    if (!this.isActive(owner)) return;
    switch (sub.role) {
      case 'self':
        this.store.stmt(`DELETE FROM subscriptions WHERE element_instance_key = ?`).run(owner.key);
        this.completeWaitState(owner.key, variables);
        return;
      case 'gateway': {
        this.store.stmt(`DELETE FROM subscriptions WHERE element_instance_key = ?`).run(owner.key);
        this.setState(owner.key, 'COMPLETED');
        this.createChild(this.element(owner.flow_scope_key!), catchNode, { completionVariables: variables, triggered: true });
        return;
      }
      case 'boundary':
        this.triggerBoundary(owner, catchNode, variables);
        return;
      case 'event-subprocess':
        this.triggerEventSubprocess(owner, catchNode, variables);
        return;
    }
  }

  private triggerBoundary(host: ElementRow, boundary: FlowNode, variables: Variables): void {
    const scope = this.element(host.flow_scope_key!);
    if (boundary.interrupting) this.terminate(host.key);
    this.createChild(scope, boundary, { completionVariables: variables, triggered: true });
  }

  private triggerEventSubprocess(scope: ElementRow, start: FlowNode, variables: Variables): void {
    const model = this.model(scope.process_definition_key);
    const eventSubprocess = model.nodes.get(start.scopeId)!;
    if (start.interrupting) {
      // Once interrupted, no other event subprocess of the scope may start (Zeebe).
      this.store.stmt(`DELETE FROM subscriptions WHERE element_instance_key = ? AND role = 'event-subprocess'`).run(scope.key);
      this.terminateChildren(scope.key, undefined);
      this.updateRuntime(scope.key, (r) => delete r.joins);
    }
    this.createChild(scope, eventSubprocess, { startAt: start.id, startVariables: variables });
  }

  /** Correlates the oldest live buffered message to a subscription that has just opened. */
  private correlateBuffered(subscriptionKey: number): void {
    const sub = this.store.stmt(`SELECT * FROM subscriptions WHERE key = ?`).get(subscriptionKey) as SubscriptionRow | undefined;
    if (!sub || sub.kind !== 'message') return;
    const messages = this.store
      .stmt(`SELECT * FROM messages WHERE name = ? AND correlation_key = ? AND tenant_id = ? AND expires_at > ? ORDER BY key`)
      .all(sub.name, sub.correlation_key, sub.tenant_id, this.clock.now()) as MessageRow[];
    for (const message of messages) {
      const correlated = JSON.parse(message.correlated) as string[];
      if (correlated.includes(sub.process_definition_id)) continue;
      correlated.push(sub.process_definition_id);
      this.store.stmt(`UPDATE messages SET correlated = ? WHERE key = ?`).run(JSON.stringify(correlated), message.key);
      this.trigger(sub, JSON.parse(message.variables) as Variables);
      return;
    }
  }

  publishMessage(request: PublishMessageRequest): PublishMessageResponse {
    const tenantId = request.tenantId ?? DEFAULT_TENANT;
    const ttl = request.timeToLive ?? 0;
    if (request.messageId) {
      const duplicate = this.store
        .stmt(`SELECT 1 FROM messages WHERE name = ? AND correlation_key = ? AND message_id = ? AND tenant_id = ? AND expires_at > ?`)
        .get(request.name, request.correlationKey ?? '', request.messageId, tenantId, this.clock.now());
      if (duplicate) {
        throw new EngineError(
          'ALREADY_EXISTS',
          `Expected to publish a new message with id '${request.messageId}', but a message with that id was already published`,
          'PUBLISH',
        );
      }
    }
    return this.command('PUBLISH_MESSAGE', null, () => {
      const key = this.store.nextKey();
      const correlatedTo = this.correlate(request.name, request.correlationKey ?? '', request.variables ?? {}, tenantId, false);
      if (ttl > 0) {
        this.store
          .stmt(
            `INSERT INTO messages (key, name, correlation_key, message_id, variables, expires_at, correlated, tenant_id, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(key, request.name, request.correlationKey ?? '', request.messageId ?? null, JSON.stringify(request.variables ?? {}), this.clock.now() + ttl, JSON.stringify(correlatedTo.processIds), tenantId, this.clock.now());
      }
      return { messageKey: String(key), tenantId };
    });
  }

  correlateMessage(request: CorrelateMessageRequest): CorrelateMessageResponse {
    const tenantId = request.tenantId ?? DEFAULT_TENANT;
    return this.command('CORRELATE_MESSAGE', null, () => {
      const key = this.store.nextKey();
      const result = this.correlate(request.name, request.correlationKey ?? '', request.variables ?? {}, tenantId, true);
      if (result.processInstanceKey === undefined) {
        throw new EngineError(
          'NOT_FOUND',
          `Expected to find subscription for message with name '${request.name}' and correlation key '${request.correlationKey ?? ''}', but none was found.`,
          'CORRELATE',
        );
      }
      return { messageKey: String(key), tenantId, processInstanceKey: String(result.processInstanceKey) };
    });
  }

  /**
   * Correlates a message to every waiting subscription with its name and correlation key — at most
   * once per process instance — and starts the processes whose latest version has a matching
   * message start event, unless one started by the same correlation key is still active.
   */
  private correlate(name: string, correlationKey: string, variables: Variables, tenantId: string, onlyFirst: boolean): { processIds: string[]; processInstanceKey?: number } {
    const subs = this.store
      .stmt(`SELECT * FROM subscriptions WHERE kind = 'message' AND name = ? AND correlation_key = ? AND tenant_id = ? ORDER BY key`)
      .all(name, correlationKey, tenantId) as SubscriptionRow[];
    const seen = new Set<number>();
    const processIds = new Set<string>();
    let first: number | undefined;
    for (const sub of subs) {
      if (seen.has(sub.process_instance_key!)) continue;
      seen.add(sub.process_instance_key!);
      processIds.add(sub.process_definition_id);
      first ??= sub.process_instance_key!;
      this.trigger(sub, variables);
      if (onlyFirst) return { processIds: [...processIds], processInstanceKey: first };
    }
    const starts = this.store
      .stmt(`SELECT * FROM subscriptions WHERE kind = 'message' AND role = 'start' AND name = ? AND tenant_id = ? ORDER BY key`)
      .all(name, tenantId) as SubscriptionRow[];
    for (const start of starts) {
      const running = correlationKey !== '' && this.store
        .stmt(`SELECT 1 FROM process_instances WHERE process_definition_id = ? AND state = 'ACTIVE' AND message_correlation_key = ? AND tenant_id = ?`)
        .get(start.process_definition_id, correlationKey, tenantId);
      if (running) continue;
      const def = this.store.stmt(`SELECT * FROM resources WHERE key = ?`).get(start.process_definition_key) as DefinitionRow;
      const piKey = this.startInstance(def, variables, { startAt: start.catch_element_id, messageCorrelationKey: correlationKey || undefined });
      processIds.add(start.process_definition_id);
      first ??= piKey;
      if (onlyFirst) break;
    }
    return { processIds: [...processIds], processInstanceKey: first };
  }

  broadcastSignal(request: BroadcastSignalRequest): BroadcastSignalResponse {
    const tenantId = request.tenantId ?? DEFAULT_TENANT;
    return this.command('BROADCAST_SIGNAL', null, () => {
      const key = this.store.nextKey();
      this.broadcast(request.signalName, request.variables ?? {}, tenantId);
      return { signalKey: String(key), tenantId };
    });
  }

  /** Triggers every signal subscription with the name, and the signal start events. */
  private broadcast(name: string, variables: Variables, tenantId: string): void {
    const subs = this.store
      .stmt(`SELECT * FROM subscriptions WHERE kind = 'signal' AND name = ? AND tenant_id = ? ORDER BY key`)
      .all(name, tenantId) as SubscriptionRow[];
    for (const sub of subs) {
      // An earlier trigger in this broadcast may have closed this one (e.g. by interrupting its owner).
      if (!this.store.stmt(`SELECT 1 FROM subscriptions WHERE key = ?`).get(sub.key)) continue;
      this.trigger(sub, variables);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Timers

  /** Resolves a timer definition now (FEEL in the given variables) into its first due time. */
  private scheduleTimer(timer: CompiledTimer, variables: () => Record<string, Json>): { dueAt: number; repetitions: number; timer: string } | undefined {
    try {
      const resolved = resolveTimer(timer, { variables: timer.expression && !timer.expression.isStatic ? variables() : {}, now: () => this.clock.now() });
      const first = firstOccurrence(resolved, this.clock.now());
      if (!first) return undefined;
      return { dueAt: first.dueAt, repetitions: first.repetitionsLeft, timer: JSON.stringify(resolved) };
    } catch (err) {
      if (err instanceof FeelEvaluationError) throw new IncidentRaised('EXTRACT_VALUE_ERROR', err.message);
      throw err;
    }
  }

  private rescheduleTimer(sub: SubscriptionRow): void {
    const resolved = JSON.parse(sub.timer!) as ResolvedTimer;
    const next = nextOccurrence(resolved, sub.due_at!, sub.repetitions!, this.clock.now());
    if (!next) {
      this.store.stmt(`DELETE FROM subscriptions WHERE key = ?`).run(sub.key);
      return;
    }
    this.store.stmt(`UPDATE subscriptions SET due_at = ?, repetitions = ? WHERE key = ?`).run(next.dueAt, next.repetitionsLeft, sub.key);
  }

  /** Timer, message and signal start events of the latest version replace the previous version's. */
  private openStartSubscriptions(definitionKey: number, model: ProcessModel, tenantId: string): void {
    this.store
      .stmt(`DELETE FROM subscriptions WHERE role = 'start' AND process_definition_id = ? AND tenant_id = ?`)
      .run(model.processId, tenantId);
    for (const id of model.eventStarts) {
      const node = model.nodes.get(id)!;
      const event = node.event!;
      let name: string | null = null;
      let dueAt: number | null = null;
      let repetitions: number | null = null;
      let timer: string | null = null;
      if (event.kind === 'timer') {
        let scheduled;
        try {
          scheduled = this.scheduleTimer(event.timer!, () => ({}));
        } catch (err) {
          if (err instanceof IncidentRaised) throw new EngineError('INVALID_ARGUMENT', `timer start event '${id}' of '${model.processId}': ${err.message}`, 'CREATE');
          throw err;
        }
        if (!scheduled) continue;
        ({ dueAt, repetitions, timer } = scheduled);
      } else if (event.kind === 'message') {
        name = event.messageName!.text;
      } else if (event.kind === 'signal') {
        name = evaluate(event.signalName!, { variables: {}, now: () => this.clock.now() }, 'STRING') as string;
      } else {
        continue;
      }
      this.store
        .stmt(
          `INSERT INTO subscriptions (key, kind, role, element_instance_key, process_instance_key, process_definition_key, process_definition_id, catch_element_id, interrupting, name, correlation_key, due_at, repetitions, timer, tenant_id, created_at)
           VALUES (?, ?, 'start', NULL, NULL, ?, ?, ?, 1, ?, NULL, ?, ?, ?, ?, ?)`,
        )
        .run(this.store.nextKey(), event.kind, definitionKey, model.processId, id, name, dueAt, repetitions, timer, tenantId, this.clock.now());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Errors and escalations

  /**
   * Throws a BPMN error from an element instance: the nearest catch event wins, searching the
   * element's boundary events, then each enclosing scope's event subprocesses and boundary events,
   * and on into the calling process. A catch event with the code beats a catch-all at the same
   * level. Uncaught → UNHANDLED_ERROR_EVENT incident on the thrower.
   */
  private throwError(thrower: ElementRow, code: string, message: string, variables: Variables, jobKey: number | null = null): void {
    const available: string[] = [];
    const found = this.findCatch(thrower, 'error', code, available);
    if (!found) {
      const where = available.length > 0 ? ` Available error events are [${available.join(', ')}]` : ' No error events are available in the scope.';
      const text = `Expected to throw an error event with the code '${code}'${message ? ` with message '${message}'` : ''}, but it was not caught.${where}`;
      // An error end event re-throws when its incident is resolved; a job's error makes the job workable again.
      if (jobKey === null) throw new IncidentRaised('UNHANDLED_ERROR_EVENT', text);
      this.raiseIncident(thrower, 'UNHANDLED_ERROR_EVENT', text, 'JOB', jobKey);
      return;
    }
    this.catchAt(found, variables);
  }

  /** Returns whether the thrower may continue (false when an interrupting catch took over). */
  private throwEscalation(thrower: ElementRow, code: string): boolean {
    const found = this.findCatch(thrower, 'escalation', code, []);
    if (!found) return true; // As Zeebe: an uncaught escalation is no incident; the thrower carries on.
    this.catchAt(found, {});
    return !found.catchNode.interrupting;
  }

  private findCatch(thrower: ElementRow, kind: 'error' | 'escalation', code: string, available: string[]): CatchTarget | undefined {
    let current: ElementRow | undefined = thrower;
    // The thrower's own boundary events count for errors thrown by a job of that activity.
    let includeBoundaries = kind === 'error' && thrower.type !== 'END_EVENT' && thrower.type !== 'INTERMEDIATE_THROW_EVENT';
    while (current) {
      const model = this.model(current.process_definition_key);
      const node = model.nodes.get(current.element_id)!;
      const candidates: Array<{ node: FlowNode; role: 'boundary' | 'event-subprocess' }> = [];
      if (node.scope && current.type !== 'MULTI_INSTANCE_BODY') {
        for (const id of node.scope.eventSubprocesses) {
          const start = [...model.nodes.values()].find((n) => n.scopeId === id && n.type === 'START_EVENT');
          if (start?.event?.kind === kind) candidates.push({ node: start, role: 'event-subprocess' });
        }
      }
      if (includeBoundaries && !this.isInnerInstance(current)) {
        for (const id of node.boundaryEvents) {
          const b = model.nodes.get(id)!;
          if (b.event?.kind === kind) candidates.push({ node: b, role: 'boundary' });
        }
      }
      const codeOf = (n: FlowNode) => (kind === 'error' ? n.event!.errorCode : n.event!.escalationCode)?.text;
      const exact = candidates.find((c) => codeOf(c.node) === code);
      const catchAll = candidates.find((c) => codeOf(c.node) === undefined);
      const hit = exact ?? catchAll;
      if (hit) return { at: current, catchNode: hit.node, role: hit.role };
      for (const c of candidates) {
        const text = codeOf(c.node);
        if (text !== undefined && !available.includes(text)) available.push(text);
      }
      includeBoundaries = true;
      if (current.flow_scope_key !== null) {
        current = this.element(current.flow_scope_key);
      } else {
        // Up into the calling process, at the call activity.
        const pi = this.store.stmt(`SELECT parent_element_instance_key FROM process_instances WHERE key = ?`).get(current.key) as { parent_element_instance_key: number | null } | undefined;
        current = pi?.parent_element_instance_key ? this.element(pi.parent_element_instance_key) : undefined;
      }
    }
    return undefined;
  }

  private catchAt(found: CatchTarget, variables: Variables): void {
    if (found.role === 'boundary') this.triggerBoundary(found.at, found.catchNode, variables);
    else this.triggerEventSubprocess(found.at, found.catchNode, variables);
  }

  // ---------------------------------------------------------------------------------------------
  // Call activities

  private startCalledProcess(row: ElementRow, node: FlowNode): void {
    const call = node.callActivity!;
    const processId = this.evalExpr(row, call.processId, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
    let def: DefinitionRow | undefined;
    if (call.bindingType === 'versionTag') {
      def = this.store
        .stmt(`SELECT * FROM resources WHERE kind = 'process' AND tenant_id = ? AND resource_id = ? AND version_tag = ? ORDER BY version DESC LIMIT 1`)
        .get(row.tenant_id, processId, call.versionTag) as DefinitionRow | undefined;
    } else if (call.bindingType === 'deployment') {
      const own = this.store.stmt(`SELECT deployment_key FROM resources WHERE key = ?`).get(row.process_definition_key) as { deployment_key: number };
      def = this.store
        .stmt(`SELECT * FROM resources WHERE kind = 'process' AND tenant_id = ? AND resource_id = ? AND deployment_key = ? ORDER BY version DESC LIMIT 1`)
        .get(row.tenant_id, processId, own.deployment_key) as DefinitionRow | undefined;
    } else {
      def = this.latestProcess(processId, row.tenant_id);
    }
    if (!def) {
      throw new IncidentRaised(
        'CALLED_ELEMENT_ERROR',
        call.bindingType === 'latest'
          ? `Expected process with BPMN process id '${processId}' to be deployed, but not found.`
          : `Expected process with BPMN process id '${processId}' to be deployed ${call.bindingType === 'versionTag' ? `with version tag '${call.versionTag}'` : 'in the same deployment as the calling process'}, but not found.`,
      );
    }
    const variables = call.propagateAllParentVariables ? this.visibleVariables(row.key) : this.localVariables(row.key);
    const childKey = this.startInstance(def, variables, { parent: row });
    this.updateRuntime(row.key, (r) => (r.childInstanceKey = childKey));
  }

  /** A called process completed: its call activity completes with the child's variables. */
  private onCalledProcessCompleted(processRow: ElementRow): void {
    const pi = this.store.stmt(`SELECT parent_element_instance_key FROM process_instances WHERE key = ?`).get(processRow.key) as { parent_element_instance_key: number | null };
    if (pi.parent_element_instance_key === null) return;
    const caller = this.element(pi.parent_element_instance_key);
    if (!this.isActive(caller)) return;
    this.completeWaitState(caller.key, this.localVariables(processRow.key));
  }

  private localVariables(scopeKey: number): Variables {
    const rows = this.store.stmt(`SELECT name, value FROM variables WHERE scope_key = ?`).all(scopeKey) as { name: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.name, JSON.parse(r.value) as Json]));
  }

  private latestProcess(processId: string, tenantId: string): DefinitionRow | undefined {
    return this.store
      .stmt(`SELECT * FROM resources WHERE kind = 'process' AND tenant_id = ? AND resource_id = ? ORDER BY version DESC LIMIT 1`)
      .get(tenantId, processId) as DefinitionRow | undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Decisions

  private decisionRow(decisionId: string, tenantId: string, binding: { bindingType: string; versionTag?: string; deploymentOf?: number }): DefinitionRow | undefined {
    if (binding.bindingType === 'versionTag') {
      return this.store
        .stmt(`SELECT * FROM resources WHERE kind = 'decision' AND tenant_id = ? AND resource_id = ? AND version_tag = ? ORDER BY version DESC LIMIT 1`)
        .get(tenantId, decisionId, binding.versionTag) as DefinitionRow | undefined;
    }
    if (binding.bindingType === 'deployment' && binding.deploymentOf !== undefined) {
      const own = this.store.stmt(`SELECT deployment_key FROM resources WHERE key = ?`).get(binding.deploymentOf) as { deployment_key: number };
      return this.store
        .stmt(`SELECT * FROM resources WHERE kind = 'decision' AND tenant_id = ? AND resource_id = ? AND deployment_key = ? ORDER BY version DESC LIMIT 1`)
        .get(tenantId, decisionId, own.deployment_key) as DefinitionRow | undefined;
    }
    return this.store
      .stmt(`SELECT * FROM resources WHERE kind = 'decision' AND tenant_id = ? AND resource_id = ? ORDER BY version DESC LIMIT 1`)
      .get(tenantId, decisionId) as DefinitionRow | undefined;
  }

  /** Evaluates a deployed decision; the caller turns failures into incidents or REST answers. */
  private runDecision(decision: DefinitionRow, variables: Variables): { evaluation?: DecisionEvaluation; error?: DecisionEvaluationError; graph: DecisionRequirementsGraph; drgKey: number } {
    const drgKey = Number(decision.content);
    const graph = this.graphs.get(drgKey);
    if (!graph) throw new Error(`decision requirements ${drgKey} are not loaded`);
    try {
      return { evaluation: evaluateDecision(graph, decision.resource_id, variables, () => this.clock.now()), graph, drgKey };
    } catch (err) {
      if (err instanceof DecisionEvaluationError) return { error: err, graph, drgKey };
      throw err;
    }
  }

  /** Business rule task with zeebe:calledDecision: the result becomes the resultVariable. */
  private evaluateCalledDecision(row: ElementRow, node: FlowNode): void {
    const called = node.calledDecision!;
    const decisionId = this.evalExpr(row, called.decisionId, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
    const decision = this.decisionRow(decisionId, row.tenant_id, { ...called, deploymentOf: row.process_definition_key });
    if (!decision) {
      throw new IncidentRaised(
        'CALLED_DECISION_ERROR',
        `Expected to evaluate decision '${decisionId}', but no decision found for id '${decisionId}'${called.bindingType === 'versionTag' ? ` and version tag '${called.versionTag}'` : ''}`,
      );
    }
    const result = this.runDecision(decision, this.visibleVariables(row.key));
    if (result.error) throw new IncidentRaised('DECISION_EVALUATION_ERROR', result.error.message);
    this.updateRuntime(row.key, (r) => (r.completionVariables = { [called.resultVariable]: result.evaluation!.output }));
  }

  evaluateDecision(request: EvaluateDecisionRequest): EvaluateDecisionResponse {
    const tenantId = request.tenantId ?? DEFAULT_TENANT;
    let decision: DefinitionRow | undefined;
    if (request.decisionDefinitionKey !== undefined) {
      const key = parseKey('Decision definition', request.decisionDefinitionKey);
      decision = this.store.stmt(`SELECT * FROM resources WHERE kind = 'decision' AND key = ?`).get(key) as DefinitionRow | undefined;
      if (!decision) {
        throw new EngineError('NOT_FOUND', `Expected to evaluate decision with key '${request.decisionDefinitionKey}', but no such decision found`, 'EVALUATE');
      }
    } else if (request.decisionDefinitionId !== undefined) {
      decision = this.decisionRow(request.decisionDefinitionId, tenantId, { bindingType: 'latest' });
      if (!decision) {
        throw new EngineError('NOT_FOUND', `Expected to evaluate decision '${request.decisionDefinitionId}', but no decision found for id '${request.decisionDefinitionId}'`, 'EVALUATE');
      }
    } else {
      throw new EngineError('INVALID_ARGUMENT', 'Expected either decisionDefinitionId or decisionDefinitionKey, but none given', 'EVALUATE');
    }
    const found = decision;
    const result = this.runDecision(found, request.variables ?? {});
    return this.command('EVALUATE_DECISION', found.key, () => {
      const drg = this.store.stmt(`SELECT resource_id FROM resources WHERE key = ?`).get(result.drgKey) as { resource_id: string };
      const versionOf = (id: string) => {
        const row = this.store
          .stmt(`SELECT key, version FROM resources WHERE kind = 'decision' AND tenant_id = ? AND resource_id = ? AND content = ? ORDER BY version DESC LIMIT 1`)
          .get(found.tenant_id, id, String(result.drgKey)) as { key: number; version: number } | undefined;
        return { key: String(row?.key ?? found.key), version: row?.version ?? found.version };
      };
      const evaluated = result.evaluation?.evaluatedDecisions ?? result.error!.evaluatedDecisions;
      return {
        decisionDefinitionId: found.resource_id,
        decisionDefinitionName: found.name ?? found.resource_id,
        decisionDefinitionVersion: found.version,
        decisionRequirementsId: drg.resource_id,
        output: JSON.stringify(result.evaluation?.output ?? null),
        ...(result.error ? { failedDecisionDefinitionId: result.error.failedDecisionId, failureMessage: result.error.message } : {}),
        tenantId: found.tenant_id,
        decisionDefinitionKey: String(found.key),
        decisionRequirementsKey: String(result.drgKey),
        decisionInstanceKey: String(this.store.nextKey()),
        evaluatedDecisions: evaluated.map((d) => ({
          decisionDefinitionId: d.decisionId,
          decisionDefinitionName: d.decisionName,
          decisionDefinitionVersion: versionOf(d.decisionId).version,
          decisionDefinitionType: d.decisionType,
          output: JSON.stringify(d.output),
          tenantId: found.tenant_id,
          decisionDefinitionKey: versionOf(d.decisionId).key,
          matchedRules: d.matchedRules.map((r) => ({
            ruleId: r.ruleId,
            ruleIndex: r.ruleIndex,
            evaluatedOutputs: r.evaluatedOutputs.map((o) => ({ outputId: o.outputId, outputName: o.outputName, outputValue: JSON.stringify(o.outputValue) })),
          })),
          evaluatedInputs: d.evaluatedInputs.map((i) => ({ inputId: i.inputId, inputName: i.inputName, inputValue: JSON.stringify(i.inputValue) })),
        })),
      };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Clock

  pinClock(timestamp: number): void {
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new EngineError('INVALID_ARGUMENT', `The value for timestamp is '${timestamp}' but must be a non-negative epoch time in milliseconds`);
    }
    this.clock.pin(timestamp);
  }

  resetClock(): void {
    this.clock.reset();
  }

  // ---------------------------------------------------------------------------------------------
  // Expressions, mappings, variables

  private env(scopeKey: number): { variables: Record<string, Json>; now: () => number } {
    return { variables: this.visibleVariables(scopeKey), now: () => this.clock.now() };
  }

  private evalExpr(row: ElementRow, expr: CompiledExpression, expected: ExpectedType, errorType: string): unknown {
    try {
      // Static values need no variables; reading the scope chain is the costly part.
      const env = expr.isStatic ? { variables: {}, now: () => this.clock.now() } : this.env(row.key);
      return evaluate(expr, env, expected);
    } catch (err) {
      if (err instanceof FeelEvaluationError) throw new IncidentRaised(errorType, err.message);
      throw err;
    }
  }

  /** Scope keys from the element up to the process instance, nearest first. */
  private scopeChain(scopeKey: number): number[] {
    const chain: number[] = [];
    let current: number | null = scopeKey;
    const stmt = this.store.stmt(`SELECT flow_scope_key FROM element_instances WHERE key = ?`);
    while (current !== null) {
      chain.push(current);
      const row = stmt.get(current) as { flow_scope_key: number | null } | undefined;
      current = row ? row.flow_scope_key : null;
    }
    return chain;
  }

  visibleVariables(scopeKey: number): Record<string, Json> {
    const chain = this.scopeChain(scopeKey);
    const rows = this.store.stmt(`SELECT name, value, scope_key FROM variables WHERE scope_key IN (${chain.map(() => '?').join(',')})`)
      .all(...chain) as { name: string; value: string; scope_key: number }[];
    const depth = new Map(chain.map((k, i) => [k, i]));
    rows.sort((a, b) => depth.get(b.scope_key)! - depth.get(a.scope_key)!);
    const out: Record<string, Json> = {};
    for (const r of rows) out[r.name] = JSON.parse(r.value) as Json;
    return out;
  }

  private setLocalVariable(scopeKey: number, piKey: number, processId: string, tenantId: string, name: string, value: Json): void {
    const json = JSON.stringify(value ?? null);
    const updated = this.store.stmt(`UPDATE variables SET value = ? WHERE scope_key = ? AND name = ?`).run(json, scopeKey, name);
    if (updated.changes === 0) {
      this.store.stmt(
        `INSERT INTO variables (key, name, value, scope_key, process_instance_key, process_definition_id, tenant_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(this.store.nextKey(), name, json, scopeKey, piKey, processId, tenantId);
    }
  }

  /** Zeebe's propagation: each variable goes to the nearest scope that has it, else the process instance. */
  private mergeDocument(row: ElementRow, scopeKey: number, document: Variables): void {
    const entries = Object.entries(document);
    if (entries.length === 0) return;
    const chain = this.scopeChain(scopeKey);
    const has = this.store.stmt(`SELECT 1 FROM variables WHERE scope_key = ? AND name = ?`);
    for (const [name, value] of entries) {
      const target = chain.find((s) => has.get(s, name)) ?? row.process_instance_key;
      this.setLocalVariable(target, row.process_instance_key, row.process_definition_id, row.tenant_id, name, value);
    }
  }

  /**
   * Evaluates mappings in order into one document, as Zeebe's single context expression does (a
   * later mapping sees the earlier targets). Input mappings build nested targets afresh; output
   * mappings merge a nested target into the existing context value (`mergeNested`).
   */
  private evaluateMappings(mappings: Mapping[], base: Record<string, Json>, mergeNested: boolean): Variables {
    const document: Variables = {};
    for (const m of mappings) {
      const root = m.target[0]!;
      if (mergeNested && m.target.length > 1 && !(root in document)) {
        const existing = base[root];
        if (existing !== null && typeof existing === 'object' && !Array.isArray(existing)) document[root] = existing;
      }
      let value: Json;
      try {
        value = evaluateJson(m.source, { variables: { ...base, ...document }, now: () => this.clock.now() });
      } catch (err) {
        if (err instanceof FeelEvaluationError) {
          throw new IncidentRaised('IO_MAPPING_ERROR', `Failed to evaluate the mapping to '${m.target.join('.')}': ${err.message}`);
        }
        throw err;
      }
      setPath(document, m.target, value);
    }
    return document;
  }

  private applyInputMappings(row: ElementRow, node: FlowNode): void {
    if (node.inputs.length === 0) return;
    // Evaluated in the element's own scope, as Zeebe does: an inner multi-instance instance already
    // holds its inputElement and loopCounter there; for any other element the scope is still empty.
    const document = this.evaluateMappings(node.inputs, this.visibleVariables(row.key), false);
    for (const [name, value] of Object.entries(document)) {
      this.setLocalVariable(row.key, row.process_instance_key, row.process_definition_id, row.tenant_id, name, value);
    }
  }

  /**
   * Without output mappings, completion variables propagate from the element (unless `propagate` is
   * off: a call activity with propagateAllChildVariables=false). With output mappings they stay
   * local and only the mapped results propagate, from the flow scope — or, for an inner instance of
   * a multi-instance, into its own scope, where its outputElement reads them (Zeebe).
   */
  private applyOutputMappings(row: ElementRow, node: FlowNode, completionVariables: Variables | undefined, propagate = true): void {
    if (node.outputs.length === 0) {
      if (completionVariables && propagate) this.mergeDocument(row, row.key, completionVariables);
      return;
    }
    if (completionVariables) {
      // With output mappings, what the worker returned stays local; only the mapped results propagate.
      for (const [name, value] of Object.entries(completionVariables)) {
        this.setLocalVariable(row.key, row.process_instance_key, row.process_definition_id, row.tenant_id, name, value);
      }
      const runtime = this.runtime(this.element(row.key));
      delete runtime.completionVariables;
      this.setRuntime(row.key, runtime);
    }
    const document = this.evaluateMappings(node.outputs, this.visibleVariables(row.key), true);
    if (this.isInnerInstance(row)) {
      for (const [name, value] of Object.entries(document)) {
        this.setLocalVariable(row.key, row.process_instance_key, row.process_definition_id, row.tenant_id, name, value);
      }
    } else {
      this.mergeDocument(row, row.flow_scope_key!, document);
    }
  }

  /** Inclusive fork: every flow whose condition is true; the default flow only when none is. */
  private selectInclusiveFlows(row: ElementRow, node: FlowNode): string[] {
    const model = this.model(row.process_definition_key);
    if (node.outgoing.length === 0) return [];
    const conditional = node.outgoing.map((id) => model.flows.get(id)!).filter((f) => f.id !== node.defaultFlow);
    if (conditional.length === 1 && !conditional[0]!.condition && node.defaultFlow === undefined) return [conditional[0]!.id];
    const taken = conditional.filter((flow) => flow.condition && this.evalExpr(row, flow.condition, 'BOOLEAN', 'EXTRACT_VALUE_ERROR') === true).map((f) => f.id);
    if (taken.length > 0) return taken;
    if (node.defaultFlow) return [node.defaultFlow];
    throw new IncidentRaised('CONDITION_ERROR', 'Expected at least one condition to evaluate to true, or to have a default flow');
  }

  private selectFlow(row: ElementRow, node: FlowNode): string | undefined {
    const model = this.model(row.process_definition_key);
    if (node.outgoing.length === 0) return undefined;
    const conditional = node.outgoing.map((id) => model.flows.get(id)!).filter((f) => f.id !== node.defaultFlow);
    if (conditional.length === 1 && !conditional[0]!.condition && node.defaultFlow === undefined) return conditional[0]!.id;
    for (const flow of conditional) {
      if (!flow.condition) continue;
      const result = this.evalExpr(row, flow.condition, 'BOOLEAN', 'EXTRACT_VALUE_ERROR');
      if (result === true) return flow.id;
    }
    if (node.defaultFlow) return node.defaultFlow;
    throw new IncidentRaised(
      'CONDITION_ERROR',
      "Expected at least one condition to evaluate to true, or to have a default flow",
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Incidents

  private raiseIncident(row: ElementRow, errorType: string, message: string, step: IncidentStep, jobKey: number | null): number {
    const key = this.store.nextKey();
    this.store.stmt(
        `INSERT INTO incidents (key, error_type, error_message, state, element_id, element_instance_key, process_instance_key, process_definition_key, process_definition_id, job_key, step, creation_time, tenant_id)
         VALUES (?, ?, ?, 'ACTIVE', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(key, errorType, message, row.element_id, row.key, row.process_instance_key, row.process_definition_key, row.process_definition_id, jobKey, step, this.clock.now(), row.tenant_id);
    this.store.stmt(`UPDATE element_instances SET incident_key = ? WHERE key = ?`).run(key, row.key);
    this.afterCommit.push(() =>
      this.log.warn({ incidentKey: String(key), errorType, elementId: row.element_id, processInstanceKey: String(row.process_instance_key) }, `incident: ${message}`),
    );
    return key;
  }

  resolveIncident(incidentKey: string): void {
    const key = parseKey('Incident', incidentKey);
    const incident = this.store.stmt(`SELECT * FROM incidents WHERE key = ?`).get(key) as IncidentRow | undefined;
    if (!incident) {
      throw new EngineError('NOT_FOUND', `Expected to resolve incident with key '${incidentKey}', but no such incident was found`);
    }
    if (incident.state !== 'ACTIVE') {
      throw new EngineError('NOT_FOUND', `Expected to resolve incident with key '${incidentKey}', but no such incident was found (it is already resolved)`);
    }
    const job =
      incident.job_key === null ? undefined : (this.store.stmt(`SELECT * FROM jobs WHERE key = ?`).get(incident.job_key) as JobRow);
    if (job && job.retries <= 0) {
      throw new EngineError(
        'INVALID_STATE',
        `Expected to resolve incident with key '${incidentKey}', but job with key '${job.key}' has no retries left. Please update the job retries and retry resolving the incident`,
        'RESOLVE',
      );
    }
    this.command('RESOLVE_INCIDENT', key, () => {
      this.store.stmt(`UPDATE incidents SET state = 'RESOLVED' WHERE key = ?`).run(key);
      this.store.stmt(`UPDATE element_instances SET incident_key = NULL WHERE key = ?`).run(incident.element_instance_key);
      if (job) {
        this.store.stmt(`UPDATE jobs SET state = 'FAILED', activatable = 1, recur_at = NULL, worker = NULL, deadline = NULL WHERE key = ?`).run(job.key);
        this.jobTypesMadeAvailable.add(job.type);
        return;
      }
      if (incident.step === 'ACTIVATE') this.agenda.push({ kind: 'activate', key: incident.element_instance_key });
      else if (incident.step === 'COMPLETE') this.agenda.push({ kind: 'complete', key: incident.element_instance_key });
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Jobs

  private createJob(row: ElementRow, node: FlowNode): void {
    const def = node.job!;
    const type = this.evalExpr(row, def.type, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
    if (type.trim() === '') {
      throw new IncidentRaised('EXTRACT_VALUE_ERROR', `Expected result of the expression '${def.type.text}' to be a not-empty string, but was an empty string.`);
    }
    const retriesValue = this.evalExpr(row, def.retries, 'NUMBER', 'EXTRACT_VALUE_ERROR') as number;
    const retries = Math.trunc(retriesValue);
    const jobKey = this.store.nextKey();
    const version = (this.store.stmt(`SELECT version FROM resources WHERE key = ?`).get(row.process_definition_key) as { version: number }).version;
    this.store.stmt(
        `INSERT INTO jobs (key, type, state, activatable, retries, custom_headers, element_id, element_instance_key, process_instance_key, process_definition_key, process_definition_id, process_definition_version, kind, tenant_id, created_at)
         VALUES (?, ?, 'CREATED', 1, ?, ?, ?, ?, ?, ?, ?, ?, 'BPMN_ELEMENT', ?, ?)`,
      )
      .run(jobKey, type, retries, JSON.stringify(def.headers), row.element_id, row.key, row.process_instance_key, row.process_definition_key, row.process_definition_id, version, row.tenant_id, this.clock.now());
    this.setRuntime(row.key, { ...this.runtime(row), jobKey });
    this.jobTypesMadeAvailable.add(type);
  }

  async activateJobs(request: ActivateJobsRequest, signal?: AbortSignal): Promise<ActivatedJob[]> {
    const jobs = this.tryActivate(request);
    const wait = request.requestTimeout === undefined || request.requestTimeout === 0 ? DEFAULT_LONG_POLL_MS : request.requestTimeout;
    if (jobs.length > 0 || wait < 0 || this.closed) return jobs;
    return new Promise<ActivatedJob[]>((resolve) => {
      const waiter: JobWaiter = {
        request,
        done: false,
        resolve: (found) => {
          if (waiter.done && found.length > 0) return;
          waiter.done = true;
          clearTimeout(waiter.timer);
          this.jobWaiters.delete(waiter);
          resolve(found);
        },
        timer: setTimeout(() => waiter.resolve([]), wait),
      };
      this.jobWaiters.add(waiter);
      signal?.addEventListener('abort', () => waiter.resolve([]), { once: true });
    });
  }

  private serveJobWaiters(types: string[]): void {
    for (const waiter of [...this.jobWaiters]) {
      if (waiter.done || !types.includes(waiter.request.type)) continue;
      const jobs = this.tryActivate(waiter.request);
      if (jobs.length > 0) waiter.resolve(jobs);
    }
  }

  private tryActivate(request: ActivateJobsRequest): ActivatedJob[] {
    if (this.closed || request.maxJobsToActivate <= 0) return [];
    const tenants = request.tenantIds && request.tenantIds.length > 0 ? request.tenantIds : [DEFAULT_TENANT];
    const candidates = this.store.stmt(
        `SELECT * FROM jobs WHERE type = ? AND activatable = 1 AND tenant_id IN (${tenants.map(() => '?').join(',')}) ORDER BY key LIMIT ?`,
      )
      .all(request.type, ...tenants, request.maxJobsToActivate) as JobRow[];
    if (candidates.length === 0) return [];
    return this.command('ACTIVATE_JOBS', null, () => {
      const now = this.clock.now();
      const deadline = now + request.timeout;
      const worker = request.worker ?? '';
      const update = this.store.stmt(`UPDATE jobs SET state = 'ACTIVATED', activatable = 0, worker = ?, deadline = ? WHERE key = ? AND activatable = 1`);
      const out: ActivatedJob[] = [];
      for (const job of candidates) {
        if (update.run(worker, deadline, job.key).changes === 0) continue;
        let variables = this.visibleVariables(job.element_instance_key);
        if (request.fetchVariable && request.fetchVariable.length > 0) {
          const wanted = request.fetchVariable;
          variables = Object.fromEntries(Object.entries(variables).filter(([k]) => wanted.includes(k)));
        }
        out.push({
          jobKey: String(job.key),
          type: job.type,
          processDefinitionId: job.process_definition_id,
          processDefinitionVersion: job.process_definition_version,
          processDefinitionKey: String(job.process_definition_key),
          processInstanceKey: String(job.process_instance_key),
          elementId: job.element_id,
          elementInstanceKey: String(job.element_instance_key),
          customHeaders: JSON.parse(job.custom_headers) as Record<string, string>,
          worker,
          retries: job.retries,
          deadline,
          variables,
          tenantId: job.tenant_id,
          kind: 'BPMN_ELEMENT',
          listenerEventType: 'UNSPECIFIED',
        });
      }
      return out;
    });
  }

  private job(jobKey: string, action: string): JobRow {
    const key = parseKey('Job', jobKey);
    const job = this.store.stmt(`SELECT * FROM jobs WHERE key = ?`).get(key) as JobRow | undefined;
    if (!job) throw new EngineError('NOT_FOUND', `Expected to ${action} job with key '${jobKey}', but no such job was found`);
    return job;
  }

  /**
   * As Zeebe: complete, fail and throw-error need the job ACTIVATABLE or ACTIVATED; a finished job
   * is gone (404), a failed one (in back-off or with an incident) or one that threw is 409.
   */
  private assertJobOpen(job: JobRow, intent: string, action: string): void {
    if (job.state === 'COMPLETED' || job.state === 'CANCELED') {
      throw new EngineError('NOT_FOUND', `Expected to ${action} job with key '${job.key}', but no such job was found`, intent);
    }
    if (job.state !== 'ACTIVATED' && job.activatable !== 1) {
      throw new EngineError('INVALID_STATE', `Expected to ${action} job with key '${job.key}', but it is in state '${job.state}'`, intent);
    }
  }

  completeJob(jobKey: string, variables: Variables = {}): void {
    const job = this.job(jobKey, 'complete');
    this.assertJobOpen(job, 'COMPLETE', 'complete');
    this.command('COMPLETE_JOB', job.key, () => {
      this.store.stmt(`UPDATE jobs SET state = 'COMPLETED', activatable = 0, end_date = ? WHERE key = ?`).run(this.clock.now(), job.key);
      this.completeWaitState(job.element_instance_key, variables);
    });
  }

  private completeWaitState(elementInstanceKey: number, variables: Variables): void {
    const row = this.element(elementInstanceKey);
    const runtime = this.runtime(row);
    runtime.completionVariables = { ...(runtime.completionVariables ?? {}), ...variables };
    this.setRuntime(row.key, runtime);
    this.agenda.push({ kind: 'complete', key: row.key });
  }

  failJob(jobKey: string, request: FailJobRequest): void {
    const job = this.job(jobKey, 'fail');
    this.assertJobOpen(job, 'FAIL', 'fail');
    const retries = request.retries ?? 0;
    this.command('FAIL_JOB', job.key, () => {
      const now = this.clock.now();
      const message = request.errorMessage ?? '';
      if (request.variables && Object.keys(request.variables).length > 0) {
        const row = this.element(job.element_instance_key);
        for (const [name, value] of Object.entries(request.variables)) {
          this.setLocalVariable(row.key, row.process_instance_key, row.process_definition_id, row.tenant_id, name, value);
        }
      }
      if (retries > 0) {
        const backoff = request.retryBackOff ?? 0;
        this.store.stmt(`UPDATE jobs SET state = 'FAILED', retries = ?, error_message = ?, worker = NULL, deadline = NULL, activatable = ?, recur_at = ? WHERE key = ?`)
          .run(retries, message, backoff > 0 ? 0 : 1, backoff > 0 ? now + backoff : null, job.key);
        if (backoff <= 0) this.jobTypesMadeAvailable.add(job.type);
      } else {
        this.store.stmt(`UPDATE jobs SET state = 'FAILED', retries = 0, error_message = ?, worker = NULL, deadline = NULL, activatable = 0, recur_at = NULL WHERE key = ?`)
          .run(message, job.key);
        this.raiseIncident(this.element(job.element_instance_key), 'JOB_NO_RETRIES', message || 'No more retries left.', 'JOB', job.key);
      }
    });
  }

  throwJobError(jobKey: string, request: ThrowJobErrorRequest): void {
    const job = this.job(jobKey, 'throw an error for');
    this.assertJobOpen(job, 'THROW_ERROR', 'throw an error for');
    this.command('THROW_JOB_ERROR', job.key, () => {
      this.store.stmt(`UPDATE jobs SET state = 'ERROR_THROWN', activatable = 0, error_code = ?, error_message = ?, worker = NULL, deadline = NULL WHERE key = ?`)
        .run(request.errorCode, request.errorMessage ?? '', job.key);
      const row = this.element(job.element_instance_key);
      this.throwError(row, request.errorCode, request.errorMessage ?? '', request.variables ?? {}, job.key);
    });
  }

  updateJob(jobKey: string, changeset: UpdateJobRequest): void {
    const job = this.job(jobKey, 'update');
    if (job.state === 'COMPLETED' || job.state === 'CANCELED') {
      throw new EngineError('NOT_FOUND', `Expected to update job with key '${jobKey}', but no such job was found (it is ${job.state})`);
    }
    if (changeset.retries !== undefined && changeset.retries < 1) {
      throw new EngineError('INVALID_ARGUMENT', `The value for retries is '${changeset.retries}' but must be greater than 0`, 'UPDATE');
    }
    if (changeset.timeout !== undefined && job.state !== 'ACTIVATED') {
      throw new EngineError('INVALID_ARGUMENT', `Expected to update the timeout of job with key '${jobKey}', but it is not active`, 'UPDATE');
    }
    this.command('UPDATE_JOB', job.key, () => {
      if (changeset.retries !== undefined) this.store.stmt(`UPDATE jobs SET retries = ? WHERE key = ?`).run(changeset.retries, job.key);
      if (changeset.timeout !== undefined) {
        this.store.stmt(`UPDATE jobs SET deadline = ? WHERE key = ?`).run(this.clock.now() + changeset.timeout, job.key);
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Due work: job timeouts and retry back-offs (timers join here)

  private onClockChanged(): void {
    const now = this.clock.now();
    if (this.clock.isPinned()) this.store.setMeta('clock_pinned', String(now));
    else this.store.setMeta('clock_pinned', undefined);
    this.runDueWork();
  }

  private scheduleDueWork(): void {
    if (this.closed) return;
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueTimer = undefined;
    const row = this.store
      .stmt(
        `SELECT MIN(t) AS due FROM (
           SELECT MIN(deadline) AS t FROM jobs WHERE state = 'ACTIVATED'
           UNION ALL SELECT MIN(recur_at) FROM jobs WHERE recur_at IS NOT NULL
           UNION ALL SELECT MIN(due_at) FROM subscriptions WHERE kind = 'timer'
           UNION ALL SELECT MIN(expires_at) FROM messages)`,
      )
      .get() as { due: number | null };
    if (row.due === null) return;
    // A pinned clock only moves by command, which re-runs due work itself; poll rarely as a safety net.
    const delay = this.clock.isPinned() ? 60_000 : Math.min(Math.max(0, row.due - this.clock.now()), 60_000);
    this.dueTimer = setTimeout(() => this.runDueWork(), delay);
    this.dueTimer.unref();
  }

  /**
   * Everything that fell due by the engine clock: job timeouts, back-offs, timers (also those that
   * fell due while the engine was down) and expired buffered messages. One command each.
   */
  private runDueWork(): void {
    if (this.closed) return;
    for (let round = 0; round < 10_000; round++) {
      const now = this.clock.now();
      const timedOut = this.store.stmt(`SELECT key, type FROM jobs WHERE state = 'ACTIVATED' AND deadline <= ?`).all(now) as { key: number; type: string }[];
      const recurring = this.store.stmt(`SELECT key, type FROM jobs WHERE recur_at IS NOT NULL AND recur_at <= ?`).all(now) as { key: number; type: string }[];
      const expired = this.store.stmt(`SELECT 1 FROM messages WHERE expires_at <= ? LIMIT 1`).get(now);
      if (timedOut.length > 0 || recurring.length > 0 || expired) {
        this.command('DUE_JOBS', null, () => {
          for (const job of timedOut) {
            this.store.stmt(`UPDATE jobs SET state = 'TIMED_OUT', activatable = 1, worker = NULL, deadline = NULL WHERE key = ?`).run(job.key);
            this.jobTypesMadeAvailable.add(job.type);
          }
          for (const job of recurring) {
            this.store.stmt(`UPDATE jobs SET activatable = 1, recur_at = NULL WHERE key = ?`).run(job.key);
            this.jobTypesMadeAvailable.add(job.type);
          }
          this.store.stmt(`DELETE FROM messages WHERE expires_at <= ?`).run(now);
        });
      }
      // Timers one at a time, oldest first: each is its own command, and a cycle may fall due again.
      const timer = this.store.stmt(`SELECT * FROM subscriptions WHERE kind = 'timer' AND due_at <= ? ORDER BY due_at, key LIMIT 1`).get(now) as SubscriptionRow | undefined;
      if (!timer) break;
      try {
        this.command('TRIGGER_TIMER', timer.key, () => this.trigger(timer, {}));
      } catch (err) {
        // A timer that cannot fire must not block the others; it stays and is logged.
        this.log.error({ err, subscriptionKey: String(timer.key) }, 'timer could not be triggered');
        this.store.transaction(() => this.store.stmt(`UPDATE subscriptions SET due_at = ? WHERE key = ?`).run(now + 60_000, timer.key));
      }
    }
    this.scheduleDueWork();
  }

  // ---------------------------------------------------------------------------------------------
  // User tasks

  private createUserTask(row: ElementRow, node: FlowNode): void {
    const def = node.userTask!;
    const asString = (e: CompiledExpression | undefined) =>
      e ? (this.evalExpr(row, e, 'STRING', 'EXTRACT_VALUE_ERROR') as string) : null;
    const asList = (e: CompiledExpression | undefined): string[] => {
      if (!e) return [];
      if (e.isStatic) return e.text.split(',').map((s) => s.trim()).filter(Boolean);
      const v = this.evalExpr(row, e, 'ARRAY', 'EXTRACT_VALUE_ERROR') as unknown[];
      if (v.every((x) => typeof x === 'string')) return v as string[];
      throw new IncidentRaised(
        'EXTRACT_VALUE_ERROR',
        `Expected result of the expression '${e.text}' to be 'ARRAY' containing 'STRING' items, but was 'ARRAY' containing at least one non-'STRING' item.`,
      );
    };
    const asDate = (e: CompiledExpression | undefined): string | null => {
      if (!e) return null;
      const v = this.evalExpr(row, e, 'ANY', 'EXTRACT_VALUE_ERROR');
      if (v === null || v === undefined || v === '') return null;
      // A FEEL date-time is formatted in full: toJson cannot tell midnight UTC from a date.
      const text = typeof v === 'string' ? v : DateTime.isDateTime(v) ? v.toISO() : toJson(v);
      if (typeof text !== 'string' || (typeof v !== 'string' && !/^\d{4}-\d{2}-\d{2}T/.test(text))) {
        throw new IncidentRaised('EXTRACT_VALUE_ERROR', `Expected result of the expression '${e.text}' to be one of '[NULL, DATE_TIME, STRING]', but was '${JSON.stringify(toJson(v))}'.`);
      }
      const ms = Date.parse(text);
      if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
        throw new IncidentRaised('EXTRACT_VALUE_ERROR', `Invalid date-time format '${text}' for expression '${e.text}'.`);
      }
      return new Date(ms).toISOString();
    };
    const assignee = asString(def.assignee);
    const candidateGroups = asList(def.candidateGroups);
    const candidateUsers = asList(def.candidateUsers);
    const dueDate = asDate(def.dueDate);
    const followUpDate = asDate(def.followUpDate);
    let priority = 50;
    if (def.priority) {
      const p = this.evalExpr(row, def.priority, 'NUMBER', 'EXTRACT_VALUE_ERROR') as number;
      if (!Number.isInteger(p) || p < 0 || p > 100) {
        throw new IncidentRaised('EXTRACT_VALUE_ERROR', `Expected priority to be in the range [0,100] but was '${p}'.`);
      }
      priority = p;
    }
    let formKey: number | null = null;
    if (def.formId) {
      const form = this.store.stmt(`SELECT key FROM resources WHERE kind = 'form' AND tenant_id = ? AND resource_id = ? ORDER BY version DESC LIMIT 1`)
        .get(row.tenant_id, def.formId) as { key: number } | undefined;
      if (!form) {
        throw new IncidentRaised(
          'FORM_NOT_FOUND',
          `Expected to find a form with id '${def.formId}', but no form with this id is found, at least a form with this id should be available. To resolve the Incident please deploy a form with the same id`,
        );
      }
      formKey = form.key;
    }
    const externalFormReference = def.externalFormReference ? asString(def.externalFormReference) : null;
    const key = this.store.nextKey();
    const pd = this.store.stmt(`SELECT version FROM resources WHERE key = ?`).get(row.process_definition_key) as { version: number };
    this.store.stmt(
      `INSERT INTO user_tasks (key, state, name, element_id, element_instance_key, process_instance_key, process_definition_key, process_definition_id, process_definition_version,
         assignee, candidate_groups, candidate_users, due_date, follow_up_date, priority, form_key, external_form_reference, custom_headers, creation_date, tenant_id)
       VALUES (?, 'CREATED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      key,
      node.name ?? null,
      row.element_id,
      row.key,
      row.process_instance_key,
      row.process_definition_key,
      row.process_definition_id,
      pd.version,
      assignee,
      JSON.stringify(candidateGroups),
      JSON.stringify(candidateUsers),
      dueDate,
      followUpDate,
      priority,
      formKey,
      externalFormReference,
      JSON.stringify(def.headers),
      this.clock.now(),
      row.tenant_id,
    );
    this.setRuntime(row.key, { ...this.runtime(row), userTaskKey: key });
  }

  private userTask(userTaskKey: string, action: string): UserTaskRow {
    const key = parseKey('User task', userTaskKey);
    const task = this.store.stmt(`SELECT * FROM user_tasks WHERE key = ?`).get(key) as UserTaskRow | undefined;
    if (!task) throw new EngineError('NOT_FOUND', `Expected to ${action} user task with key '${userTaskKey}', but no such user task was found`);
    if (task.state !== 'CREATED') {
      throw new EngineError('INVALID_STATE', `Expected to ${action} user task with key '${userTaskKey}', but it is in state '${task.state}'`);
    }
    return task;
  }

  assignUserTask(userTaskKey: string, assignee: string, allowOverride = true): void {
    const task = this.userTask(userTaskKey, 'assign');
    if (!allowOverride && task.assignee && task.assignee !== assignee) {
      throw new EngineError('INVALID_STATE', `Expected to claim user task with key '${userTaskKey}', but it has already been assigned`, 'CLAIM');
    }
    this.command('ASSIGN_USER_TASK', task.key, () => {
      this.store.stmt(`UPDATE user_tasks SET assignee = ? WHERE key = ?`).run(assignee, task.key);
    });
  }

  unassignUserTask(userTaskKey: string): void {
    const task = this.userTask(userTaskKey, 'unassign');
    this.command('UNASSIGN_USER_TASK', task.key, () => {
      this.store.stmt(`UPDATE user_tasks SET assignee = NULL WHERE key = ?`).run(task.key);
    });
  }

  updateUserTask(userTaskKey: string, changeset: UserTaskChangeset): void {
    const task = this.userTask(userTaskKey, 'update');
    const date = (field: string, v: string | null | undefined): string | null | undefined => {
      if (v === undefined || v === null || v === '') return v === '' ? null : v;
      const ms = Date.parse(v);
      if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(v)) {
        throw new EngineError('INVALID_ARGUMENT', `changeset.${field}: expected an ISO 8601 date-time, but was '${v}'`);
      }
      return new Date(ms).toISOString();
    };
    const dueDate = date('dueDate', changeset.dueDate);
    const followUpDate = date('followUpDate', changeset.followUpDate);
    if (changeset.priority !== undefined && changeset.priority !== null && (!Number.isInteger(changeset.priority) || changeset.priority < 0 || changeset.priority > 100)) {
      throw new EngineError('INVALID_ARGUMENT', `changeset.priority: must be an integer between 0 and 100, but was ${changeset.priority}`);
    }
    this.command('UPDATE_USER_TASK', task.key, () => {
      const set = (column: string, value: unknown) => this.store.stmt(`UPDATE user_tasks SET ${column} = ? WHERE key = ?`).run(value, task.key);
      if (dueDate !== undefined) set('due_date', dueDate);
      if (followUpDate !== undefined) set('follow_up_date', followUpDate);
      if (changeset.candidateGroups !== undefined) set('candidate_groups', JSON.stringify(changeset.candidateGroups ?? []));
      if (changeset.candidateUsers !== undefined) set('candidate_users', JSON.stringify(changeset.candidateUsers ?? []));
      if (changeset.priority !== undefined) set('priority', changeset.priority ?? 50);
    });
  }

  completeUserTask(userTaskKey: string, variables: Variables = {}): void {
    const task = this.userTask(userTaskKey, 'complete');
    this.command('COMPLETE_USER_TASK', task.key, () => {
      this.store.stmt(`UPDATE user_tasks SET state = 'COMPLETED', completion_date = ? WHERE key = ?`).run(this.clock.now(), task.key);
      this.completeWaitState(task.element_instance_key, variables);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Variables

  setVariables(elementInstanceKey: string, variables: Variables, local = false): void {
    const key = parseKey('Element instance', elementInstanceKey);
    const row = this.store.stmt(`SELECT * FROM element_instances WHERE key = ?`).get(key) as ElementRow | undefined;
    if (!row || row.state === 'COMPLETED' || row.state === 'TERMINATED') {
      throw new EngineError('NOT_FOUND', `Expected to update variables for element with key '${elementInstanceKey}', but no such element was found`);
    }
    this.command('UPDATE_VARIABLES', key, () => {
      if (local) {
        for (const [name, value] of Object.entries(variables)) {
          this.setLocalVariable(key, row.process_instance_key, row.process_definition_id, row.tenant_id, name, value);
        }
      } else {
        this.mergeDocument(row, key, variables);
      }
    });
  }
}

/** Sets `path` in `doc`, creating or extending nested contexts (`a.b` = 1 → { a: { b: 1 } }). */
function setPath(doc: Record<string, Json>, path: string[], value: Json): void {
  let target: Record<string, Json> = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const existing = target[k];
    if (existing === null || typeof existing !== 'object' || Array.isArray(existing)) {
      target[k] = {};
    } else {
      target[k] = { ...existing };
    }
    target = target[k] as Record<string, Json>;
  }
  target[path[path.length - 1]!] = value;
}
