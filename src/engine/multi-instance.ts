/**
 * Multi-instance activities: the body element holds the input collection and counters, inner
 * instances carry inputElement and loopCounter, and the body completes when all inner instances
 * did or the completion condition holds (Zeebe's multi-instance body behaviour).
 */
import type { Clock } from './clock.js';
import { evaluate, failureMessage, FeelEvaluationError, toJson, type Json } from '../feel/index.js';
import type { FlowNode } from './model.js';
import type { Store } from './store.js';
import type { ElementRow, Runtime } from './rows.js';
import type { CommandState, EngineContext } from './context.js';

export class MultiInstance {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly tx: CommandState;

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.tx = ctx.tx;
  }

  isInnerInstance(row: ElementRow): boolean {
    return this.innerOf(row) !== undefined;
  }

  /** The multi-instance body an inner instance belongs to. */
  innerOf(row: ElementRow): ElementRow | undefined {
    if (row.flow_scope_key === null || row.type === 'MULTI_INSTANCE_BODY') return undefined;
    const scope = this.ctx.elements.element(row.flow_scope_key);
    return scope.type === 'MULTI_INSTANCE_BODY' && scope.element_id === row.element_id ? scope : undefined;
  }

  activateMultiInstanceBody(row: ElementRow, node: FlowNode): void {
    const mi = node.multiInstance!;
    const items = this.ctx.variables.evalExpr(row, mi.inputCollection, 'ARRAY', 'EXTRACT_VALUE_ERROR') as unknown[];
    const collection = items.map(toJson);
    if (mi.outputCollection) {
      this.ctx.variables.setLocalVariable(row.key, row.process_instance_key, row.process_definition_id, row.tenant_id, mi.outputCollection, collection.map(() => null));
    }
    this.ctx.elements.setState(row.key, 'ACTIVATED');
    if (node.boundaryEvents.length > 0) this.ctx.subscriptions.openBoundarySubscriptions(row, node);
    this.ctx.elements.updateRuntime(row.key, (r) => (r.multiInstance = { items: collection, created: 0, completed: 0 }));
    if (collection.length === 0) {
      this.tx.agenda.push({ kind: 'complete', key: row.key });
      return;
    }
    const first = mi.sequential ? 1 : collection.length;
    for (let i = 0; i < first; i++) this.createInnerInstance(row, node);
  }

  private createInnerInstance(body: ElementRow, node: FlowNode): void {
    const runtime = this.ctx.elements.updateRuntime(body.key, (r) => (r.multiInstance!.created += 1));
    const index = runtime.multiInstance!.created;
    const key = this.store.nextKey();
    this.ctx.elements.insertElement(key, {
      piKey: body.process_instance_key,
      definitionKey: body.process_definition_key,
      processId: body.process_definition_id,
      elementId: node.id,
      name: node.name ?? null,
      type: node.type,
      flowScopeKey: body.key,
      tenantId: body.tenant_id,
    });
    const set = (name: string, value: Json) => this.ctx.variables.setLocalVariable(key, body.process_instance_key, body.process_definition_id, body.tenant_id, name, value);
    if (node.multiInstance!.inputElement) set(node.multiInstance!.inputElement, runtime.multiInstance!.items[index - 1] ?? null);
    set('loopCounter', index);
    // As Zeebe: an outputElement that names a variable exists locally (null) in each inner instance,
    // so what a worker returns under that name stays with its own instance.
    const outputElement = node.multiInstance!.outputElement;
    if (outputElement && /^[A-Za-z_$][\w$]*$/.test(outputElement.text)) set(outputElement.text, null);
    this.tx.agenda.push({ kind: 'activate', key });
  }

  /** Writes the inner instance's outputElement into the body's output collection, at its input position. */
  collectMultiInstanceOutput(inner: ElementRow, body: ElementRow, node: FlowNode): void {
    const mi = node.multiInstance!;
    if (!mi.outputCollection || !mi.outputElement) return;
    const value = toJson(this.ctx.variables.evalExpr(inner, mi.outputElement, 'ANY', 'EXTRACT_VALUE_ERROR'));
    const loopCounter = (this.ctx.variables.visibleVariables(inner.key).loopCounter as number) ?? 1;
    const current = this.store.stmt(`SELECT value FROM variables WHERE scope_key = ? AND name = ?`).get(body.key, mi.outputCollection) as { value: string } | undefined;
    const list = current ? (JSON.parse(current.value) as Json[]) : [];
    list[loopCounter - 1] = value;
    this.ctx.variables.setLocalVariable(body.key, body.process_instance_key, body.process_definition_id, body.tenant_id, mi.outputCollection, list);
  }

  private multiInstanceCounters(body: ElementRow, mi: NonNullable<Runtime['multiInstance']>): Record<string, number> {
    const active = (this.store.stmt(`SELECT COUNT(*) AS n FROM element_instances WHERE flow_scope_key = ? AND state IN ('ACTIVATING', 'ACTIVATED', 'COMPLETING')`).get(body.key) as { n: number }).n;
    return { numberOfInstances: mi.items.length, numberOfActiveInstances: active, numberOfCompletedInstances: mi.completed, numberOfTerminatedInstances: 0 };
  }

  /** After an inner instance completed: the completion condition (in that instance's scope, as Zeebe), then the next instance or the body's completion. */
  onInnerInstanceCompleted(body: ElementRow, node: FlowNode, inner: ElementRow): void {
    const runtime = this.ctx.elements.updateRuntime(body.key, (r) => (r.multiInstance!.completed += 1));
    const mi = runtime.multiInstance!;
    const def = node.multiInstance!;
    if (def.completionCondition) {
      let done: unknown;
      try {
        done = evaluate(def.completionCondition, this.ctx.variables.envWith({ ...this.ctx.variables.visibleVariables(inner.key), ...this.multiInstanceCounters(body, mi) }), 'BOOLEAN');
      } catch (err) {
        if (err instanceof FeelEvaluationError) {
          // The body stays active with an incident; resolving re-evaluates by completing it again.
          this.ctx.incidents.raiseIncident(body, 'EXTRACT_VALUE_ERROR', failureMessage(err, body.element_id), 'COMPLETE', null);
          return;
        }
        throw err;
      }
      if (done === true) {
        this.ctx.lifecycle.terminateChildren(body.key, undefined);
        this.tx.agenda.push({ kind: 'complete', key: body.key });
        return;
      }
    }
    if (def.sequential && mi.created < mi.items.length) {
      this.createInnerInstance(body, node);
    } else if (mi.completed >= mi.items.length) {
      this.tx.agenda.push({ kind: 'complete', key: body.key });
    }
  }

  completeMultiInstanceBody(row: ElementRow, node: FlowNode): void {
    const active = this.store
      .stmt(`SELECT 1 FROM element_instances WHERE flow_scope_key = ? AND state IN ('ACTIVATING', 'ACTIVATED', 'COMPLETING') LIMIT 1`)
      .get(row.key);
    if (active) return;
    const mi = node.multiInstance!;
    if (mi.outputCollection) {
      const current = this.store.stmt(`SELECT value FROM variables WHERE scope_key = ? AND name = ?`).get(row.key, mi.outputCollection) as { value: string };
      this.ctx.variables.mergeDocument(row, row.flow_scope_key!, { [mi.outputCollection]: JSON.parse(current.value) as Json });
    }
    this.ctx.elements.setState(row.key, 'COMPLETED');
    this.ctx.lifecycle.leave(row, node, {});
  }
}
