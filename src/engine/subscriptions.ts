/**
 * Event subscriptions for timers, messages and signals: opened with the element, scope or
 * process definition that catches the event, and what happens when one fires (the waiting element
 * completes, a boundary event or event subprocess starts, a process instance starts).
 */
import type { Clock } from './clock.js';
import { EngineError } from './errors.js';
import { evaluate, failureMessage, FeelEvaluationError, typeName, type CompiledExpression, type Json } from '../feel/index.js';
import type { FlowNode, ProcessModel } from './model.js';
import { firstOccurrence, nextOccurrence, resolveTimer, type CompiledTimer, type ResolvedTimer } from './timer/index.js';
import type { Store } from './store.js';
import type { Variables } from './types.js';
import { IncidentRaised, type ElementRow, type SubscriptionRole, type SubscriptionRow, type DefinitionRow } from './rows.js';
import type { CommandState, EngineContext } from './context.js';

export class Subscriptions {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly tx: CommandState;

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.tx = ctx.tx;
  }

  /** Boundary events of an activity (or multi-instance body) open with it. */
  openBoundarySubscriptions(row: ElementRow, node: FlowNode): void {
    const model = this.ctx.elements.model(row.process_definition_key);
    for (const id of node.boundaryEvents) {
      const boundary = model.nodes.get(id)!;
      if (boundary.event && ['timer', 'message', 'signal'].includes(boundary.event.kind)) {
        this.openSubscription(row, boundary, 'boundary', boundary.interrupting);
      }
    }
  }

  /** Start events of the event subprocesses in a scope open with the scope. */
  openEventSubprocessSubscriptions(row: ElementRow, node: FlowNode): void {
    const model = this.ctx.elements.model(row.process_definition_key);
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
  openSubscription(owner: ElementRow, catchNode: FlowNode, role: SubscriptionRole, interrupting: boolean): void {
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
        const scheduled = this.scheduleTimer(catchNode.id, event.timer!, () => this.ctx.variables.env(owner.key).variables);
        if (!scheduled) return;
        insert('timer', null, null, scheduled.dueAt, scheduled.repetitions, scheduled.timer);
        return;
      }
      case 'message': {
        const name = this.ctx.variables.evalExpr(owner, event.messageName!, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
        const correlationKey = this.correlationKey(owner, event.correlationKey!);
        insert('message', name, correlationKey, null, null, null);
        this.tx.agenda.push({ kind: 'correlate-buffered', subscriptionKey: key });
        return;
      }
      case 'signal': {
        const name = this.ctx.variables.evalExpr(owner, event.signalName!, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
        insert('signal', name, null, null, null, null);
        return;
      }
      default:
        return;
    }
  }

  private correlationKey(owner: ElementRow, expr: CompiledExpression): string {
    const value = this.ctx.variables.evalExpr(owner, expr, 'ANY', 'EXTRACT_VALUE_ERROR');
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
  trigger(sub: SubscriptionRow, variables: Variables): void {
    const model = this.ctx.elements.model(sub.process_definition_key);
    const catchNode = model.nodes.get(sub.catch_element_id)!;
    // Non-interrupting boundary events and event subprocesses keep listening (timers: while the
    // cycle lasts); so do start events of processes.
    const keepsListening = sub.role === 'start' || (!sub.interrupting && (sub.role === 'boundary' || sub.role === 'event-subprocess'));
    if (sub.kind === 'timer' && keepsListening && sub.repetitions !== null && sub.repetitions !== 0) this.rescheduleTimer(sub);
    else if (sub.kind === 'timer' || !keepsListening) this.store.stmt(`DELETE FROM subscriptions WHERE key = ?`).run(sub.key);

    if (sub.role === 'start') {
      const def = this.store.stmt(`SELECT * FROM resources WHERE key = ?`).get(sub.process_definition_key) as DefinitionRow;
      this.ctx.instances.startInstance(def, variables, { startAt: catchNode.id });
      return;
    }
    const owner = this.ctx.elements.element(sub.element_instance_key!);
    if (!this.ctx.elements.isActive(owner)) return;
    switch (sub.role) {
      case 'self':
        this.store.stmt(`DELETE FROM subscriptions WHERE element_instance_key = ?`).run(owner.key);
        this.ctx.lifecycle.completeWaitState(owner.key, variables);
        return;
      case 'gateway': {
        this.store.stmt(`DELETE FROM subscriptions WHERE element_instance_key = ?`).run(owner.key);
        this.ctx.elements.setState(owner.key, 'COMPLETED');
        this.ctx.lifecycle.createChild(this.ctx.elements.element(owner.flow_scope_key!), catchNode, { completionVariables: variables, triggered: true });
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

  triggerBoundary(host: ElementRow, boundary: FlowNode, variables: Variables): void {
    const scope = this.ctx.elements.element(host.flow_scope_key!);
    if (boundary.interrupting) this.ctx.lifecycle.terminate(host.key);
    this.ctx.lifecycle.createChild(scope, boundary, { completionVariables: variables, triggered: true });
  }

  triggerEventSubprocess(scope: ElementRow, start: FlowNode, variables: Variables): void {
    const model = this.ctx.elements.model(scope.process_definition_key);
    const eventSubprocess = model.nodes.get(start.scopeId)!;
    if (start.interrupting) {
      // Once interrupted, no other event subprocess of the scope may start (Zeebe).
      this.store.stmt(`DELETE FROM subscriptions WHERE element_instance_key = ? AND role = 'event-subprocess'`).run(scope.key);
      this.ctx.lifecycle.terminateChildren(scope.key, undefined);
      this.ctx.elements.updateRuntime(scope.key, (r) => delete r.joins);
    }
    this.ctx.lifecycle.createChild(scope, eventSubprocess, { startAt: start.id, startVariables: variables });
  }

  /** Resolves a timer definition now (FEEL in the given variables) into its first due time. */
  private scheduleTimer(elementId: string, timer: CompiledTimer, variables: () => Record<string, Json>): { dueAt: number; repetitions: number; timer: string } | undefined {
    try {
      const resolved = resolveTimer(timer, this.ctx.variables.envWith(timer.expression && !timer.expression.isStatic ? variables() : {}));
      const first = firstOccurrence(resolved, this.clock.now());
      if (!first) return undefined;
      return { dueAt: first.dueAt, repetitions: first.repetitionsLeft, timer: JSON.stringify(resolved) };
    } catch (err) {
      if (err instanceof FeelEvaluationError) throw new IncidentRaised('EXTRACT_VALUE_ERROR', failureMessage(err, elementId));
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
  openStartSubscriptions(definitionKey: number, model: ProcessModel, tenantId: string): void {
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
          scheduled = this.scheduleTimer(id, event.timer!, () => ({}));
        } catch (err) {
          if (err instanceof IncidentRaised) throw new EngineError('INVALID_ARGUMENT', `timer start event '${id}' of '${model.processId}': ${err.message}`, 'CREATE');
          throw err;
        }
        if (!scheduled) continue;
        ({ dueAt, repetitions, timer } = scheduled);
      } else if (event.kind === 'message') {
        name = event.messageName!.text;
      } else if (event.kind === 'signal') {
        name = evaluate(event.signalName!, this.ctx.variables.envWith({}), 'STRING') as string;
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
}
