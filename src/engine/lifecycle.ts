/**
 * Element lifecycle, as Zeebe's BPMN behaviours: activate each element type (ACTIVATING →
 * ACTIVATED), complete it (COMPLETING → COMPLETED) and leave by its outgoing flows, complete a scope
 * when nothing in it is active, and terminate an element with everything inside it. The per-type
 * work (jobs, user tasks, subscriptions, multi-instance…) is delegated to its own module.
 */
import type { Clock } from './clock.js';
import { toJson } from '../feel/index.js';
import type { FlowNode } from './model.js';
import type { Store } from './store.js';
import type { Variables } from './types.js';
import { IncidentRaised, type ElementState, type ElementRow, type Runtime, type IncidentStep } from './rows.js';
import type { CommandState, EngineContext } from './context.js';

export class Lifecycle {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly tx: CommandState;

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.tx = ctx.tx;
  }

  /**
   * Runs a step body in a savepoint; an IncidentRaised undoes what the step had written (state,
   * subscriptions, jobs, queued steps) and parks the element in an incident instead of failing the
   * command, so resolving the incident re-runs the step from a clean start.
   */
  private guarded(row: ElementRow, step: IncidentStep, body: () => void): void {
    const agendaLength = this.tx.agenda.length;
    try {
      this.store.db.transaction(body)();
    } catch (err) {
      if (err instanceof IncidentRaised) {
        this.tx.agenda.length = agendaLength;
        this.ctx.incidents.raiseIncident(row, err.errorType, err.message, step, null);
        return;
      }
      throw err;
    }
  }

  activate(key: number): void {
    const row = this.ctx.elements.element(key);
    if (row.state !== 'ACTIVATING') return;
    const node = this.ctx.elements.node(row);
    const runtime = this.ctx.elements.runtime(row);
    this.guarded(row, 'ACTIVATE', () => {
      if (row.type === 'MULTI_INSTANCE_BODY') {
        this.ctx.multiInstance.activateMultiInstanceBody(row, node);
        return;
      }
      const innerOfMultiInstance = this.ctx.multiInstance.isInnerInstance(row);
      if (row.type !== 'PROCESS') this.ctx.variables.applyInputMappings(row, node);
      // Boundary events attach to the multi-instance body, not to each inner instance.
      if (!innerOfMultiInstance && node.boundaryEvents.length > 0) this.ctx.subscriptions.openBoundarySubscriptions(row, node);
      switch (node.type) {
        case 'PROCESS':
        case 'SUB_PROCESS':
        case 'EVENT_SUB_PROCESS': {
          this.ctx.elements.setState(key, 'ACTIVATED');
          this.ctx.subscriptions.openEventSubprocessSubscriptions(row, node);
          const startId = runtime.startAt ?? node.scope!.noneStartId!;
          this.createChild(row, this.ctx.elements.model(row.process_definition_key).nodes.get(startId)!, {
            completionVariables: runtime.startVariables,
            triggered: runtime.startAt !== undefined,
          });
          return;
        }
        case 'SERVICE_TASK':
        case 'SEND_TASK':
          this.ctx.jobs.createJob(row, node);
          this.ctx.elements.setState(key, 'ACTIVATED');
          return;
        case 'BUSINESS_RULE_TASK':
          if (node.job) {
            this.ctx.jobs.createJob(row, node);
            this.ctx.elements.setState(key, 'ACTIVATED');
            return;
          }
          this.ctx.decisions.evaluateCalledDecision(row, node);
          this.ctx.elements.setState(key, 'ACTIVATED');
          break;
        case 'SCRIPT_TASK':
          if (node.job) {
            this.ctx.jobs.createJob(row, node);
            this.ctx.elements.setState(key, 'ACTIVATED');
            return;
          }
          {
            const value = this.ctx.variables.evalExpr(row, node.script!.expression, 'ANY', 'EXTRACT_VALUE_ERROR');
            this.ctx.elements.setState(key, 'ACTIVATED');
            this.ctx.elements.updateRuntime(key, (r) => (r.completionVariables = { [node.script!.resultVariable]: toJson(value) }));
          }
          break;
        case 'USER_TASK':
          this.ctx.userTasks.createUserTask(row, node);
          this.ctx.elements.setState(key, 'ACTIVATED');
          return;
        case 'CALL_ACTIVITY':
          this.ctx.callActivities.startCalledProcess(row, node);
          this.ctx.elements.setState(key, 'ACTIVATED');
          return;
        case 'RECEIVE_TASK':
          this.ctx.elements.setState(key, 'ACTIVATED');
          this.ctx.subscriptions.openSubscription(row, node, 'self', true);
          return;
        case 'INTERMEDIATE_CATCH_EVENT':
          this.ctx.elements.setState(key, 'ACTIVATED');
          if (runtime.triggered || node.event?.kind === 'link') break;
          this.ctx.subscriptions.openSubscription(row, node, 'self', true);
          return;
        case 'EVENT_BASED_GATEWAY': {
          this.ctx.elements.setState(key, 'ACTIVATED');
          const model = this.ctx.elements.model(row.process_definition_key);
          for (const flowId of node.outgoing) {
            this.ctx.subscriptions.openSubscription(row, model.nodes.get(model.flows.get(flowId)!.target)!, 'gateway', true);
          }
          return;
        }
        case 'INTERMEDIATE_THROW_EVENT':
        case 'END_EVENT':
          if (node.job) {
            this.ctx.jobs.createJob(row, node);
            this.ctx.elements.setState(key, 'ACTIVATED');
            return;
          }
          this.ctx.elements.setState(key, 'ACTIVATED');
          if (!this.ctx.errorEvents.throwEvent(row, node)) return;
          break;
        case 'EXCLUSIVE_GATEWAY': {
          const selected = this.ctx.gateways.selectFlow(row, node);
          this.ctx.elements.setState(key, 'ACTIVATED');
          this.ctx.elements.updateRuntime(key, (r) => (r.selectedFlows = selected ? [selected] : []));
          break;
        }
        case 'INCLUSIVE_GATEWAY': {
          const selected = this.ctx.gateways.selectInclusiveFlows(row, node);
          this.ctx.elements.setState(key, 'ACTIVATED');
          this.ctx.elements.updateRuntime(key, (r) => (r.selectedFlows = selected));
          break;
        }
        default:
          this.ctx.elements.setState(key, 'ACTIVATED');
      }
      this.tx.agenda.push({ kind: 'complete', key });
    });
  }

  complete(key: number): void {
    const row = this.ctx.elements.element(key);
    if (row.state !== 'ACTIVATED' && row.state !== 'COMPLETING') return;
    const node = this.ctx.elements.node(row);
    if (row.type === 'PROCESS') {
      this.ctx.elements.setState(key, 'COMPLETED');
      this.store.stmt(`UPDATE process_instances SET state = 'COMPLETED', end_date = ? WHERE key = ?`).run(this.clock.now(), key);
      this.tx.finishedInstances.push(key);
      this.ctx.callActivities.onCalledProcessCompleted(row);
      return;
    }
    if (row.type === 'MULTI_INSTANCE_BODY') {
      this.ctx.multiInstance.completeMultiInstanceBody(row, node);
      return;
    }
    this.ctx.elements.setState(key, 'COMPLETING');
    const runtime = this.ctx.elements.runtime(row);
    const completing = { ...row, state: 'COMPLETING' as ElementState };
    this.guarded(completing, 'COMPLETE', () => {
      const propagate = node.type !== 'CALL_ACTIVITY' || node.callActivity!.propagateAllChildVariables;
      this.ctx.variables.applyOutputMappings(row, node, runtime.completionVariables, propagate);
      const body = this.ctx.multiInstance.innerOf(row);
      if (body) {
        this.ctx.multiInstance.collectMultiInstanceOutput(row, body, node);
        this.ctx.elements.setState(key, 'COMPLETED');
        this.ctx.multiInstance.onInnerInstanceCompleted(body, node, row);
        return;
      }
      this.ctx.elements.setState(key, 'COMPLETED');
      this.leave(row, node, runtime);
    });
  }

  /** Takes the element's outgoing flows (or, with none, lets its scope complete). */
  leave(row: ElementRow, node: FlowNode, runtime: Runtime): void {
    const scopeKey = row.flow_scope_key!;
    if (node.type === 'END_EVENT' && node.event?.kind === 'terminate') {
      this.terminateChildren(scopeKey, undefined);
      this.ctx.elements.updateRuntime(scopeKey, (r) => delete r.joins);
    }
    if (node.type === 'INTERMEDIATE_THROW_EVENT' && node.event?.kind === 'link') {
      const scopeNode = this.ctx.elements.model(row.process_definition_key).nodes.get(node.scopeId)!;
      const target = scopeNode.scope!.linkCatches.get(node.event.linkName!)!;
      this.createChild(this.ctx.elements.element(scopeKey), this.ctx.elements.model(row.process_definition_key).nodes.get(target)!);
      return;
    }
    const outgoing =
      node.type === 'EXCLUSIVE_GATEWAY' || node.type === 'INCLUSIVE_GATEWAY' ? (runtime.selectedFlows ?? []) : node.type === 'EVENT_BASED_GATEWAY' ? [] : node.outgoing;
    for (const flowId of outgoing) this.ctx.gateways.takeFlow(row, flowId);
    if (outgoing.length === 0 && node.type !== 'EVENT_BASED_GATEWAY') this.scopeChanged(scopeKey);
    else this.ctx.gateways.checkInclusiveJoins(scopeKey);
  }

  createChild(scope: ElementRow, node: FlowNode, runtime?: Runtime): number {
    const childKey = this.store.nextKey();
    this.ctx.elements.insertElement(childKey, {
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
    this.tx.agenda.push({ kind: 'activate', key: childKey });
    return childKey;
  }

  /** Something in the scope ended: pending inclusive joins may fire, and the scope may complete. */
  private scopeChanged(scopeKey: number): void {
    this.ctx.gateways.checkInclusiveJoins(scopeKey);
    this.maybeCompleteScope(scopeKey);
  }

  /** A scope completes when nothing inside it is active and no token waits at a join. */
  private maybeCompleteScope(scopeKey: number): void {
    const active = this.store
      .stmt(`SELECT 1 FROM element_instances WHERE flow_scope_key = ? AND state NOT IN ('COMPLETED', 'TERMINATED') LIMIT 1`)
      .get(scopeKey);
    if (active) return;
    const scope = this.ctx.elements.element(scopeKey);
    if (scope.type === 'MULTI_INSTANCE_BODY') return;
    const joins = this.ctx.elements.runtime(scope).joins;
    if (joins && Object.keys(joins).length > 0) return;
    if (scope.state === 'ACTIVATED') this.tx.agenda.push({ kind: 'complete', key: scopeKey });
  }

  /** Terminates the active children of a scope (all but `except`). */
  terminateChildren(scopeKey: number, except: number | undefined): void {
    const children = this.store
      .stmt(`SELECT key FROM element_instances WHERE flow_scope_key = ? AND state NOT IN ('COMPLETED', 'TERMINATED')`)
      .all(scopeKey) as { key: number }[];
    for (const c of children) if (c.key !== except) this.terminate(c.key);
  }

  /** Terminates an element instance and everything inside it, including a called process. */
  terminate(key: number): void {
    this.terminateChildren(key, undefined);
    const row = this.ctx.elements.element(key);
    if (!this.ctx.elements.isActive(row)) return;
    const runtime = this.ctx.elements.runtime(row);
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
    this.ctx.elements.setState(key, 'TERMINATED');
    if (row.type === 'PROCESS') {
      this.store.stmt(`UPDATE process_instances SET state = 'TERMINATED', end_date = ? WHERE key = ?`).run(now, key);
      this.tx.finishedInstances.push(key);
    }
  }

  completeWaitState(elementInstanceKey: number, variables: Variables): void {
    const row = this.ctx.elements.element(elementInstanceKey);
    const runtime = this.ctx.elements.runtime(row);
    runtime.completionVariables = { ...(runtime.completionVariables ?? {}), ...variables };
    this.ctx.elements.setRuntime(row.key, runtime);
    this.tx.agenda.push({ kind: 'complete', key: row.key });
  }
}
