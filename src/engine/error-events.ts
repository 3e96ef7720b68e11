/**
 * Throw events and BPMN errors and escalations: finding the nearest catch event up the scope
 * tree and into calling processes, and the incident when an error is not caught. (EngineError,
 * the engine's command rejections, is a different thing and lives in errors.ts.)
 */
import type { FlowNode } from './model.js';
import type { Store } from './store.js';
import type { Variables } from './types.js';
import { IncidentRaised, type ElementRow, type CatchTarget } from './rows.js';
import type { EngineContext } from './context.js';

export class ErrorEvents {
  private readonly store: Store;

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
  }

  /**
   * Throw events act when reached: errors and escalations look for a catch event, signals are
   * broadcast. Returns false when the element must not continue (an error was thrown, or an
   * interrupting catch event took over).
   */
  throwEvent(row: ElementRow, node: FlowNode): boolean {
    const event = node.event;
    if (!event) return true;
    switch (event.kind) {
      case 'error': {
        const code = this.ctx.variables.evalExpr(row, event.errorCode!, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
        this.throwError(row, code, '', {});
        return false;
      }
      case 'escalation': {
        const code = this.ctx.variables.evalExpr(row, event.escalationCode!, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
        return this.throwEscalation(row, code);
      }
      case 'signal': {
        const name = this.ctx.variables.evalExpr(row, event.signalName!, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
        this.ctx.correlation.broadcast(name, {}, row.tenant_id);
        return true;
      }
      default:
        return true;
    }
  }

  /**
   * Throws a BPMN error from an element instance: the nearest catch event wins, searching the
   * element's boundary events, then each enclosing scope's event subprocesses and boundary events,
   * and on into the calling process. A catch event with the code beats a catch-all at the same
   * level. Uncaught → UNHANDLED_ERROR_EVENT incident on the thrower.
   */
  throwError(thrower: ElementRow, code: string, message: string, variables: Variables, jobKey: number | null = null): void {
    const available: string[] = [];
    const found = this.findCatch(thrower, 'error', code, available);
    if (!found) {
      const where = available.length > 0 ? ` Available error events are [${available.join(', ')}]` : ' No error events are available in the scope.';
      const text = `Expected to throw an error event with the code '${code}'${message ? ` with message '${message}'` : ''}, but it was not caught.${where}`;
      // An error end event re-throws when its incident is resolved; a job's error makes the job workable again.
      if (jobKey === null) throw new IncidentRaised('UNHANDLED_ERROR_EVENT', text);
      this.ctx.incidents.raiseIncident(thrower, 'UNHANDLED_ERROR_EVENT', text, 'JOB', jobKey);
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
      const model = this.ctx.elements.model(current.process_definition_key);
      const node = model.nodes.get(current.element_id)!;
      const candidates: Array<{ node: FlowNode; role: 'boundary' | 'event-subprocess' }> = [];
      if (node.scope && current.type !== 'MULTI_INSTANCE_BODY') {
        for (const id of node.scope.eventSubprocesses) {
          const start = [...model.nodes.values()].find((n) => n.scopeId === id && n.type === 'START_EVENT');
          if (start?.event?.kind === kind) candidates.push({ node: start, role: 'event-subprocess' });
        }
      }
      if (includeBoundaries && !this.ctx.multiInstance.isInnerInstance(current)) {
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
        current = this.ctx.elements.element(current.flow_scope_key);
      } else {
        // Up into the calling process, at the call activity.
        const pi = this.store.stmt(`SELECT parent_element_instance_key FROM process_instances WHERE key = ?`).get(current.key) as { parent_element_instance_key: number | null } | undefined;
        current = pi?.parent_element_instance_key ? this.ctx.elements.element(pi.parent_element_instance_key) : undefined;
      }
    }
    return undefined;
  }

  private catchAt(found: CatchTarget, variables: Variables): void {
    if (found.role === 'boundary') this.ctx.subscriptions.triggerBoundary(found.at, found.catchNode, variables);
    else this.ctx.subscriptions.triggerEventSubprocess(found.at, found.catchNode, variables);
  }
}
