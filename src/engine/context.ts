/**
 * What the behaviour modules share: the store and clock, the loaded models and DRGs, the state of
 * the command being processed, and each other. The Engine builds one context and hands it to every
 * behaviour; modules reach each other through it (`ctx.jobs.createJob(…)`) rather than by importing
 * one another, so the only imports between them are types and there is no import cycle at runtime.
 */
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { DecisionRequirementsGraph } from '../dmn/types.js';
import type { FeelBudget } from '../feel/index.js';
import type { ProcessModel } from './model.js';
import type { Store } from './store.js';
import type { Step } from './rows.js';
import type { CallActivities } from './call-activity.js';
import type { Correlation } from './correlation.js';
import type { Decisions } from './decisions.js';
import type { Deployment } from './deployment.js';
import type { DueWork } from './due-work.js';
import type { Elements } from './elements.js';
import type { ErrorEvents } from './error-events.js';
import type { Gateways } from './gateways.js';
import type { Incidents } from './incidents.js';
import type { ProcessInstances } from './instances.js';
import type { Jobs } from './jobs.js';
import type { Lifecycle } from './lifecycle.js';
import type { MultiInstance } from './multi-instance.js';
import type { Subscriptions } from './subscriptions.js';
import type { UserTasks } from './user-tasks.js';
import type { VariableScopes } from './variables.js';

/** The state of the command in progress; the engine core resets it for every command. */
export interface CommandState {
  /** Element steps still to run in this command (activate, complete, correlate a buffered message). */
  agenda: Step[];
  /** Work to do after the current transaction commits (wake waiters, reschedule). */
  afterCommit: Array<() => void>;
  /** Undo of in-memory changes made inside a command that rolled back. */
  onRollback: Array<() => void>;
  /** Job types that got workable jobs: their long-polling workers are served after commit. */
  jobTypesMadeAvailable: Set<string>;
  /** Process instances that completed or terminated: their awaiters are answered after commit. */
  finishedInstances: number[];
  /** The user on whose behalf the current command runs (recorded on the jobs it creates). */
  cause?: string;
}

export interface EngineContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Logger;
  readonly models: Map<number, ProcessModel>;
  /** Parsed DRGs by decision-requirements key. */
  readonly graphs: Map<number, DecisionRequirementsGraph>;
  readonly tx: CommandState;
  /** What one guarded FEEL evaluation, or one decision, may use (src/feel/budget.ts). */
  readonly feelBudget: FeelBudget;
  isClosed(): boolean;
  /** Runs one command in one transaction (the engine core's `command`). */
  command<T>(name: string, key: number | null, fn: () => T): T;

  readonly deployment: Deployment;
  readonly instances: ProcessInstances;
  readonly elements: Elements;
  readonly lifecycle: Lifecycle;
  readonly gateways: Gateways;
  readonly multiInstance: MultiInstance;
  readonly subscriptions: Subscriptions;
  readonly correlation: Correlation;
  readonly errorEvents: ErrorEvents;
  readonly callActivities: CallActivities;
  readonly decisions: Decisions;
  readonly jobs: Jobs;
  readonly userTasks: UserTasks;
  readonly incidents: Incidents;
  readonly variables: VariableScopes;
  readonly dueWork: DueWork;
}
