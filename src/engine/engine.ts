/**
 * The embedded engine's write side, modeled on Zeebe's stream processor: every command is processed
 * in one SQLite transaction that runs the instance forward until each token rests in a wait state
 * (a job, a user task, an incident) or the instance ends. Element behaviour follows Zeebe's
 * lifecycle (ACTIVATING → ACTIVATED → COMPLETING → COMPLETED, or TERMINATED), element instances form
 * a tree of scopes, and variables follow Zeebe's propagation rules.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { Clock } from './clock.js';
import { EngineError, notFound } from './errors.js';
import { evaluate, evaluateJson, FeelEvaluationError, toJson, type CompiledExpression, type ExpectedType, type Json } from './feel.js';
import { ModelError, parseBpmn, type FlowNode, type Mapping, type ProcessModel } from './model.js';
import { Store } from './store.js';
import type {
  ActivatedJob,
  ActivateJobsRequest,
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
  /** Tokens waiting at parallel joins of this scope: gateway id → flow id → count. */
  joins?: Record<string, Record<string, number>>;
  /** The flow an exclusive gateway chose. */
  selectedFlow?: string;
  jobKey?: number;
  userTaskKey?: number;
  /** Variables handed in by a job or user task completion, applied when the element completes. */
  completionVariables?: Variables;
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
  | { kind: 'complete'; key: number };

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
  private readonly jobWaiters = new Set<JobWaiter>();
  private readonly completionWaiters = new Map<number, CompletionWaiter[]>();
  private dueTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Work to do after the current transaction commits (wake waiters, reschedule). */
  private afterCommit: Array<() => void> = [];
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
      else this.complete(step.key);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Deployment

  async deploy(resources: DeployResource[], tenantId: string = DEFAULT_TENANT): Promise<DeploymentResponse> {
    if (resources.length === 0) throw new EngineError('INVALID_ARGUMENT', 'Expected to deploy at least one resource, but none given', 'CREATE');
    type Parsed =
      | { kind: 'process'; resource: DeployResource; xml: string; models: ProcessModel[]; checksum: string }
      | { kind: 'form'; resource: DeployResource; formId: string; json: string; checksum: string };
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
        problems.push(`'${resource.name}': DMN decisions are not supported by the embedded engine yet`);
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
            if (created) newModels.push([key, model]);
            const processDefinition: DeployedProcess = {
              processDefinitionId: model.processId,
              processDefinitionVersion: version,
              processDefinitionKey: String(key),
              resourceName: p.resource.name,
              tenantId,
            };
            deployments.push({ processDefinition });
          }
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
        for (const [key, model] of newModels) this.models.set(key, model);
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
    return this.command('CREATE_PROCESS_INSTANCE', definition.key, () => {
      const piKey = this.store.nextKey();
      const now = this.clock.now();
      this.store.stmt(
        `INSERT INTO process_instances (key, process_definition_key, process_definition_id, process_definition_name, process_definition_version, process_definition_version_tag, state, start_date, tenant_id)
         VALUES (?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?)`,
      ).run(piKey, definition.key, definition.resource_id, definition.name, definition.version, definition.version_tag, now, definition.tenant_id);
      this.insertElement(piKey, {
        piKey,
        definitionKey: definition.key,
        processId: definition.resource_id,
        elementId: definition.resource_id,
        name: model.name ?? null,
        type: 'PROCESS',
        flowScopeKey: null,
        tenantId: definition.tenant_id,
      });
      for (const [name, value] of Object.entries(request.variables ?? {})) {
        this.setLocalVariable(piKey, piKey, definition.resource_id, definition.tenant_id, name, value);
      }
      this.agenda.push({ kind: 'activate', key: piKey });
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

  cancelProcessInstance(processInstanceKey: string): void {
    const key = parseKey('Process instance', processInstanceKey);
    const pi = this.store.stmt(`SELECT state, parent_process_instance_key FROM process_instances WHERE key = ?`).get(key) as
      | { state: string; parent_process_instance_key: number | null }
      | undefined;
    if (!pi) {
      throw new EngineError('NOT_FOUND', `Expected to cancel a process instance with key '${processInstanceKey}', but no such process was found`);
    }
    if (pi.state !== 'ACTIVE') {
      throw new EngineError('NOT_FOUND', `Expected to cancel a process instance with key '${processInstanceKey}', but no such process was found (it is ${pi.state})`);
    }
    this.command('CANCEL_PROCESS_INSTANCE', key, () => {
      this.terminate(key);
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
    },
  ): void {
    this.store.stmt(
        `INSERT INTO element_instances (key, process_instance_key, process_definition_key, process_definition_id, element_id, element_name, type, flow_scope_key, state, start_date, tenant_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVATING', ?, ?)`,
      )
      .run(key, e.piKey, e.definitionKey, e.processId, e.elementId, e.name, e.type, e.flowScopeKey, this.clock.now(), e.tenantId);
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

  private setState(key: number, state: ElementState): void {
    const ended = state === 'COMPLETED' || state === 'TERMINATED';
    this.store.stmt(`UPDATE element_instances SET state = ?, end_date = ? WHERE key = ?`)
      .run(state, ended ? this.clock.now() : null, key);
  }

  private node(row: ElementRow): FlowNode {
    const node = this.model(row.process_definition_key).nodes.get(row.element_id);
    if (!node) throw new Error(`element ${row.element_id} not in process ${row.process_definition_id}`);
    return node;
  }

  /** Runs a step body; an IncidentRaised parks the element in an incident instead of failing the command. */
  private guarded(row: ElementRow, step: IncidentStep, body: () => void): void {
    try {
      body();
    } catch (err) {
      if (err instanceof IncidentRaised) {
        this.raiseIncident(row, err.errorType, err.message, step, null);
        return;
      }
      throw err;
    }
  }

  private activate(key: number): void {
    const row = this.element(key);
    if (row.state !== 'ACTIVATING') return;
    if (row.type === 'PROCESS') {
      this.setState(key, 'ACTIVATED');
      const model = this.model(row.process_definition_key);
      this.createChild(row, model.nodes.get(model.startEventId)!);
      return;
    }
    const node = this.node(row);
    this.guarded(row, 'ACTIVATE', () => {
      this.applyInputMappings(row, node);
      switch (node.type) {
        case 'SERVICE_TASK':
        case 'SEND_TASK':
        case 'BUSINESS_RULE_TASK':
          this.createJob(row, node);
          this.setState(key, 'ACTIVATED');
          return;
        case 'SCRIPT_TASK':
          if (node.job) {
            this.createJob(row, node);
            this.setState(key, 'ACTIVATED');
            return;
          }
          {
            const value = this.evalExpr(row, node.script!.expression, 'ANY', 'EXTRACT_VALUE_ERROR');
            this.setState(key, 'ACTIVATED');
            this.setRuntime(key, { ...this.runtime(row), completionVariables: { [node.script!.resultVariable]: toJson(value) } });
          }
          break;
        case 'USER_TASK':
          this.createUserTask(row, node);
          this.setState(key, 'ACTIVATED');
          return;
        case 'EXCLUSIVE_GATEWAY': {
          const selected = this.selectFlow(row, node);
          this.setState(key, 'ACTIVATED');
          this.setRuntime(key, { ...this.runtime(row), selectedFlow: selected });
          break;
        }
        default:
          this.setState(key, 'ACTIVATED');
      }
      this.agenda.push({ kind: 'complete', key });
    });
  }

  private complete(key: number): void {
    const row = this.element(key);
    if (row.state !== 'ACTIVATED' && row.state !== 'COMPLETING') return;
    if (row.type === 'PROCESS') {
      this.setState(key, 'COMPLETED');
      this.store.stmt(`UPDATE process_instances SET state = 'COMPLETED', end_date = ? WHERE key = ?`).run(this.clock.now(), key);
      this.finishedInstances.push(key);
      return;
    }
    this.setState(key, 'COMPLETING');
    const node = this.node(row);
    const runtime = this.runtime(row);
    this.guarded({ ...row, state: 'COMPLETING' }, 'COMPLETE', () => {
      this.applyOutputMappings(row, node, runtime.completionVariables);
      this.setState(key, 'COMPLETED');
      const outgoing = node.type === 'EXCLUSIVE_GATEWAY' ? (runtime.selectedFlow ? [runtime.selectedFlow] : []) : node.outgoing;
      for (const flowId of outgoing) this.takeFlow(row, flowId);
      if (outgoing.length === 0) this.maybeCompleteScope(row.flow_scope_key!);
    });
  }

  private createChild(scope: ElementRow, node: FlowNode): void {
    const childKey = this.store.nextKey();
    this.insertElement(childKey, {
      piKey: scope.process_instance_key,
      definitionKey: scope.process_definition_key,
      processId: scope.process_definition_id,
      elementId: node.id,
      name: node.name ?? null,
      type: node.type,
      flowScopeKey: scope.key,
      tenantId: scope.tenant_id,
    });
    this.agenda.push({ kind: 'activate', key: childKey });
  }

  private takeFlow(from: ElementRow, flowId: string): void {
    const model = this.model(from.process_definition_key);
    const flow = model.flows.get(flowId)!;
    const target = model.nodes.get(flow.target)!;
    const scope = this.element(from.flow_scope_key!);
    if (target.type === 'PARALLEL_GATEWAY' && target.incoming.length > 1) {
      const runtime = this.runtime(scope);
      const joins = (runtime.joins ??= {});
      const tokens = (joins[target.id] ??= {});
      tokens[flowId] = (tokens[flowId] ?? 0) + 1;
      if (target.incoming.every((f) => (tokens[f] ?? 0) > 0)) {
        for (const f of target.incoming) {
          tokens[f]! -= 1;
          if (tokens[f] === 0) delete tokens[f];
        }
        if (Object.keys(tokens).length === 0) delete joins[target.id];
        this.setRuntime(scope.key, runtime);
        this.createChild(scope, target);
      } else {
        this.setRuntime(scope.key, runtime);
      }
      return;
    }
    this.createChild(scope, target);
  }

  /** A scope completes when nothing inside it is active and no token waits at a join. */
  private maybeCompleteScope(scopeKey: number): void {
    const active = this.store.stmt(`SELECT 1 FROM element_instances WHERE flow_scope_key = ? AND state NOT IN ('COMPLETED', 'TERMINATED') LIMIT 1`)
      .get(scopeKey);
    if (active) return;
    const scope = this.element(scopeKey);
    const joins = this.runtime(scope).joins;
    if (joins && Object.keys(joins).length > 0) return;
    if (scope.state === 'ACTIVATED') this.agenda.push({ kind: 'complete', key: scopeKey });
  }

  /** Terminates an element instance and everything inside it (cancellation). */
  private terminate(key: number): void {
    const children = this.store.stmt(`SELECT key FROM element_instances WHERE flow_scope_key = ? AND state NOT IN ('COMPLETED', 'TERMINATED')`)
      .all(key) as { key: number }[];
    for (const c of children) this.terminate(c.key);
    const row = this.element(key);
    const runtime = this.runtime(row);
    const now = this.clock.now();
    if (runtime.jobKey !== undefined) {
      this.store.stmt(`UPDATE jobs SET state = 'CANCELED', activatable = 0, end_date = ? WHERE key = ? AND state NOT IN ('COMPLETED', 'CANCELED')`).run(now, runtime.jobKey);
    }
    if (runtime.userTaskKey !== undefined) {
      this.store.stmt(`UPDATE user_tasks SET state = 'CANCELED', completion_date = ? WHERE key = ? AND state = 'CREATED'`).run(now, runtime.userTaskKey);
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
    const document = this.evaluateMappings(node.inputs, this.visibleVariables(row.flow_scope_key!), false);
    for (const [name, value] of Object.entries(document)) {
      this.setLocalVariable(row.key, row.process_instance_key, row.process_definition_id, row.tenant_id, name, value);
    }
  }

  private applyOutputMappings(row: ElementRow, node: FlowNode, completionVariables: Variables | undefined): void {
    if (node.outputs.length === 0) {
      if (completionVariables) this.mergeDocument(row, row.key, completionVariables);
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
    this.mergeDocument(row, row.flow_scope_key!, document);
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
      if (request.variables) {
        for (const [name, value] of Object.entries(request.variables)) {
          this.setLocalVariable(row.key, row.process_instance_key, row.process_definition_id, row.tenant_id, name, value);
        }
      }
      // Catching error events arrives with boundary events; until then every thrown error is unhandled.
      this.raiseIncident(
        row,
        'UNHANDLED_ERROR_EVENT',
        `Expected to throw an error event with the code '${request.errorCode}'${request.errorMessage ? ` with message '${request.errorMessage}'` : ''}, but it was not caught. No error events are available in the scope.`,
        'JOB',
        job.key,
      );
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
    const row = this.store.stmt(
        `SELECT MIN(t) AS due FROM (
           SELECT MIN(deadline) AS t FROM jobs WHERE state = 'ACTIVATED'
           UNION ALL SELECT MIN(recur_at) FROM jobs WHERE recur_at IS NOT NULL)`,
      )
      .get() as { due: number | null };
    if (row.due === null) return;
    // A pinned clock only moves by command, which re-runs due work itself; poll rarely as a safety net.
    const delay = this.clock.isPinned() ? 60_000 : Math.min(Math.max(0, row.due - this.clock.now()), 60_000);
    this.dueTimer = setTimeout(() => this.runDueWork(), delay);
    this.dueTimer.unref();
  }

  private runDueWork(): void {
    if (this.closed) return;
    const now = this.clock.now();
    const timedOut = this.store.stmt(`SELECT key FROM jobs WHERE state = 'ACTIVATED' AND deadline <= ?`).all(now) as { key: number }[];
    const recurring = this.store.stmt(`SELECT key FROM jobs WHERE recur_at IS NOT NULL AND recur_at <= ?`).all(now) as { key: number }[];
    if (timedOut.length === 0 && recurring.length === 0) {
      this.scheduleDueWork();
      return;
    }
    this.command('DUE_WORK', null, () => {
      for (const { key } of timedOut) {
        const job = this.store.stmt(`SELECT type FROM jobs WHERE key = ?`).get(key) as { type: string };
        this.store.stmt(`UPDATE jobs SET state = 'TIMED_OUT', activatable = 1, worker = NULL, deadline = NULL WHERE key = ?`).run(key);
        this.jobTypesMadeAvailable.add(job.type);
      }
      for (const { key } of recurring) {
        const job = this.store.stmt(`SELECT type FROM jobs WHERE key = ?`).get(key) as { type: string };
        this.store.stmt(`UPDATE jobs SET activatable = 1, recur_at = NULL WHERE key = ?`).run(key);
        this.jobTypesMadeAvailable.add(job.type);
      }
    });
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
      const text = typeof v === 'string' ? v : toJson(v);
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
