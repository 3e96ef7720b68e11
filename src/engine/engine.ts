/**
 * The embedded engine's write side, modeled on Zeebe's stream processor: every command is processed
 * in one SQLite transaction that runs the instance forward until each token rests in a wait state
 * (a job, a user task, an incident) or the instance ends. Element behaviour follows Zeebe's
 * lifecycle (ACTIVATING → ACTIVATED → COMPLETING → COMPLETED, or TERMINATED), element instances form
 * a tree of scopes, and variables follow Zeebe's propagation rules.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { Clock, isClockTime, MAX_CLOCK_MS } from './clock.js';
import { EngineError } from './errors.js';
import { parseDmn } from '../dmn/index.js';
import type { DecisionRequirementsGraph } from '../dmn/types.js';
import { DEFAULT_FEEL_BUDGET, type FeelBudget, type Json } from '../feel/index.js';
import { parseBpmn, type ProcessModel } from './model.js';
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
  DeploymentResponse,
  DeployResource,
  EngineCommands,
  FailJobRequest,
  ThrowJobErrorRequest,
  UpdateJobRequest,
  UserTaskChangeset,
  Variables,
} from './types.js';
import { DEFAULT_TENANT, type DefinitionRow } from './rows.js';
import type { CommandState, EngineContext } from './context.js';
import { CallActivities } from './call-activity.js';
import { Correlation } from './correlation.js';
import { Decisions } from './decisions.js';
import { Deployment } from './deployment.js';
import { DueWork } from './due-work.js';
import { Elements } from './elements.js';
import { ErrorEvents } from './error-events.js';
import { Gateways } from './gateways.js';
import { Incidents } from './incidents.js';
import { ProcessInstances } from './instances.js';
import { Jobs } from './jobs.js';
import { Lifecycle } from './lifecycle.js';
import { MultiInstance } from './multi-instance.js';
import { Subscriptions } from './subscriptions.js';
import { UserTasks } from './user-tasks.js';
import { VariableScopes } from './variables.js';

export { DEFAULT_TENANT };

/** Guards against a model that loops without a wait state (Zeebe would spin forever). */
const DEFAULT_MAX_STEPS_PER_COMMAND = 100_000;

export interface EngineOptions {
  store: Store;
  clock?: Clock;
  logger: Logger;
  /** Element steps one command may take before it is rejected as a loop without a wait state. */
  maxStepsPerCommand?: number;
  /** Budget of FEEL and DMN evaluations (a pingpin safety net); unset parts take DEFAULT_FEEL_BUDGET. */
  feelBudget?: Partial<FeelBudget>;
}

/**
 * The engine's public face and its command core: every public method is one command (or a read),
 * and `command` runs it in one transaction, drains the agenda of element steps, and afterwards
 * wakes whoever waits for its effects. The behaviours themselves live in their own modules (see
 * context.ts), wired together here.
 */
export class Engine implements EngineCommands {
  readonly store: Store;
  readonly clock: Clock;
  private readonly log: Logger;
  private readonly maxSteps: number;
  private readonly models = new Map<number, ProcessModel>();
  /** Parsed DRGs by decision-requirements key. */
  private readonly graphs = new Map<number, DecisionRequirementsGraph>();
  private closed = false;
  private readonly tx: CommandState = {
    agenda: [],
    afterCommit: [],
    onRollback: [],
    jobTypesMadeAvailable: new Set<string>(),
    finishedInstances: [],
  };
  private readonly ctx: EngineContext;

  private constructor(options: EngineOptions) {
    this.store = options.store;
    this.clock = options.clock ?? new Clock();
    this.log = options.logger;
    this.maxSteps = options.maxStepsPerCommand ?? DEFAULT_MAX_STEPS_PER_COMMAND;
    // The behaviours reach each other through the context at call time, so they can be wired in any order.
    const ctx = {
      store: this.store,
      clock: this.clock,
      log: this.log,
      models: this.models,
      graphs: this.graphs,
      tx: this.tx,
      feelBudget: { ...DEFAULT_FEEL_BUDGET, ...options.feelBudget },
      isClosed: () => this.closed,
      command: <T>(name: string, key: number | null, fn: () => T): T => this.command(name, key, fn),
    } as { -readonly [K in keyof EngineContext]: EngineContext[K] };
    ctx.deployment = new Deployment(ctx);
    ctx.instances = new ProcessInstances(ctx);
    ctx.elements = new Elements(ctx);
    ctx.lifecycle = new Lifecycle(ctx);
    ctx.gateways = new Gateways(ctx);
    ctx.multiInstance = new MultiInstance(ctx);
    ctx.subscriptions = new Subscriptions(ctx);
    ctx.correlation = new Correlation(ctx);
    ctx.errorEvents = new ErrorEvents(ctx);
    ctx.callActivities = new CallActivities(ctx);
    ctx.decisions = new Decisions(ctx);
    ctx.jobs = new Jobs(ctx);
    ctx.userTasks = new UserTasks(ctx);
    ctx.incidents = new Incidents(ctx);
    ctx.variables = new VariableScopes(ctx);
    ctx.dueWork = new DueWork(ctx);
    this.ctx = ctx;
  }

  /** Opens the engine on a store: loads every deployed process and resumes due work. */
  static async open(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    const rows = engine.store.stmt(`SELECT key, resource_id, resource_name, content, none_start FROM resources WHERE kind = 'process'`)
      .all() as (DefinitionRow & { none_start: number | null })[];
    // Processes deployed before start forms were recorded: what their start event says, from the model.
    const recordStart = engine.store.stmt(`UPDATE resources SET none_start = ?, start_form_id = ? WHERE key = ?`);
    const byResource = new Map<string, ProcessModel[]>();
    for (const row of rows) {
      const cacheKey = createHash('sha256').update(row.content).digest('hex');
      let models = byResource.get(cacheKey);
      if (!models) {
        models = await parseBpmn(row.content, row.resource_name);
        byResource.set(cacheKey, models);
      }
      const model = models.find((m) => m.processId === row.resource_id);
      if (model) {
        engine.models.set(row.key, model);
        if (row.none_start === null) recordStart.run(model.hasNoneStart ? 1 : 0, model.startFormId ?? null, row.key);
      }
    }
    const drgs = engine.store.stmt(`SELECT key, resource_name, content FROM resources WHERE kind = 'decision-requirements'`).all() as DefinitionRow[];
    for (const row of drgs) engine.graphs.set(row.key, await parseDmn(row.content, row.resource_name));
    const pinned = engine.store.getMeta('clock_pinned');
    if (pinned !== undefined) {
      // A clock pinned out of range by an earlier version (before PUT /v2/clock was bounded) is not
      // restored: every date written under it would be one no response can render.
      if (isClockTime(Number(pinned))) engine.clock.pin(Number(pinned));
      else {
        engine.log.warn({ pinned }, `the engine clock was left pinned at ${pinned} ms, out of range (0 to ${MAX_CLOCK_MS}); it runs on system time again`);
        engine.store.setMeta('clock_pinned', undefined);
      }
    }
    engine.clock.onChange(() => engine.ctx.dueWork.onClockChanged());
    engine.ctx.dueWork.scheduleDueWork();
    return engine;
  }

  close(): void {
    this.closed = true;
    this.ctx.dueWork.close();
    this.ctx.jobs.close();
    this.ctx.instances.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Command plumbing

  /** Runs one command in one transaction, then wakes whoever waits for its effects. */
  private command<T>(name: string, key: number | null, fn: () => T): T {
    if (this.closed) throw new EngineError('UNAVAILABLE', 'the engine is shutting down');
    this.tx.agenda = [];
    this.tx.afterCommit = [];
    this.tx.onRollback = [];
    this.tx.jobTypesMadeAvailable.clear();
    this.tx.finishedInstances = [];
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
      for (const undo of this.tx.onRollback) undo();
      this.tx.onRollback = [];
      this.tx.agenda = [];
      this.tx.afterCommit = [];
      this.tx.jobTypesMadeAvailable.clear();
      this.tx.finishedInstances = [];
      throw err;
    }
    const types = [...this.tx.jobTypesMadeAvailable];
    const finished = this.tx.finishedInstances;
    const after = this.tx.afterCommit;
    this.tx.afterCommit = [];
    for (const fn of after) fn();
    if (types.length > 0) setImmediate(() => this.ctx.jobs.serveJobWaiters(types));
    for (const pi of finished) this.ctx.instances.notifyCompletion(pi);
    this.ctx.dueWork.scheduleDueWork();
    return result;
  }

  private drainAgenda(): void {
    let steps = 0;
    while (this.tx.agenda.length > 0) {
      if (++steps > this.maxSteps) {
        throw new EngineError(
          'INVALID_STATE',
          `the command ran more than ${this.maxSteps} element steps without reaching a wait state; the model probably loops without a task, timer or event`,
        );
      }
      const step = this.tx.agenda.shift()!;
      if (step.kind === 'activate') this.ctx.lifecycle.activate(step.key);
      else if (step.kind === 'complete') this.ctx.lifecycle.complete(step.key);
      else this.ctx.correlation.correlateBuffered(step.subscriptionKey);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Commands: each delegates to the behaviour that owns it

  deploy(resources: DeployResource[], tenantId: string = DEFAULT_TENANT): Promise<DeploymentResponse> {
    return this.ctx.deployment.deploy(resources, tenantId);
  }

  createProcessInstance(request: CreateProcessInstanceRequest): CreateProcessInstanceResponse {
    return this.ctx.instances.createProcessInstance(request);
  }

  awaitProcessInstance(processInstanceKey: string, timeoutMs: number, fetchVariables?: string[]): Promise<Variables> {
    return this.ctx.instances.awaitProcessInstance(processInstanceKey, timeoutMs, fetchVariables);
  }

  cancelProcessInstance(processInstanceKey: string): void {
    this.ctx.instances.cancelProcessInstance(processInstanceKey);
  }

  publishMessage(request: PublishMessageRequest): PublishMessageResponse {
    return this.ctx.correlation.publishMessage(request);
  }

  correlateMessage(request: CorrelateMessageRequest): CorrelateMessageResponse {
    return this.ctx.correlation.correlateMessage(request);
  }

  broadcastSignal(request: BroadcastSignalRequest): BroadcastSignalResponse {
    return this.ctx.correlation.broadcastSignal(request);
  }

  evaluateDecision(request: EvaluateDecisionRequest): EvaluateDecisionResponse {
    return this.ctx.decisions.evaluateDecision(request);
  }

  pinClock(timestamp: number): void {
    if (!isClockTime(timestamp)) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `The value for timestamp is '${timestamp}' but must be an epoch time in milliseconds from 0 to ${MAX_CLOCK_MS} (9999-12-31T23:59:59.999Z)`,
      );
    }
    this.clock.pin(timestamp);
  }

  resetClock(): void {
    this.clock.reset();
  }

  withCause<T>(cause: string | undefined, fn: () => T): T {
    const before = this.tx.cause;
    if (cause !== undefined) this.tx.cause = cause;
    try {
      return fn();
    } finally {
      this.tx.cause = before;
    }
  }

  /**
   * At start: jobs that workers of this name prefix held when the last process died are workable
   * again at once (as if their timeout had passed). Only for the server's own in-process workers,
   * which cannot outlive it; external workers keep Zeebe's timeout semantics. Returns how many.
   */
  releaseJobsOfWorkers(prefix: string): number {
    return this.ctx.jobs.releaseJobsOfWorkers(prefix);
  }

  /** The user on whose behalf a job was created (the registry names them next to the worker). */
  jobCause(jobKey: string): string | undefined {
    return this.ctx.jobs.jobCause(jobKey);
  }

  visibleVariables(scopeKey: number): Record<string, Json> {
    return this.ctx.variables.visibleVariables(scopeKey);
  }

  resolveIncident(incidentKey: string): void {
    this.ctx.incidents.resolveIncident(incidentKey);
  }

  activateJobs(request: ActivateJobsRequest, signal?: AbortSignal): Promise<ActivatedJob[]> {
    return this.ctx.jobs.activateJobs(request, signal);
  }

  completeJob(jobKey: string, variables: Variables = {}): void {
    this.ctx.jobs.completeJob(jobKey, variables);
  }

  failJob(jobKey: string, request: FailJobRequest): void {
    this.ctx.jobs.failJob(jobKey, request);
  }

  throwJobError(jobKey: string, request: ThrowJobErrorRequest): void {
    this.ctx.jobs.throwJobError(jobKey, request);
  }

  updateJob(jobKey: string, changeset: UpdateJobRequest): void {
    this.ctx.jobs.updateJob(jobKey, changeset);
  }

  assignUserTask(userTaskKey: string, assignee: string, allowOverride = true): void {
    this.ctx.userTasks.assignUserTask(userTaskKey, assignee, allowOverride);
  }

  unassignUserTask(userTaskKey: string): void {
    this.ctx.userTasks.unassignUserTask(userTaskKey);
  }

  updateUserTask(userTaskKey: string, changeset: UserTaskChangeset): void {
    this.ctx.userTasks.updateUserTask(userTaskKey, changeset);
  }

  completeUserTask(userTaskKey: string, variables: Variables = {}): void {
    this.ctx.userTasks.completeUserTask(userTaskKey, variables);
  }

  setVariables(elementInstanceKey: string, variables: Variables, local = false): void {
    this.ctx.variables.setVariables(elementInstanceKey, variables, local);
  }
}
