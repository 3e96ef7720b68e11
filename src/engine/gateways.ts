/**
 * Gateways and sequence flows: which outgoing flows an exclusive or inclusive gateway takes, and
 * the joins of parallel and inclusive gateways (tokens counted in the scope's runtime JSON, as
 * Zeebe counts taken flows).
 */
import type { FlowNode, ProcessModel } from './model.js';
import type { Store } from './store.js';
import { IncidentRaised, type ElementRow } from './rows.js';
import type { EngineContext } from './context.js';

export class Gateways {
  private readonly store: Store;
  private readonly upstreamCache = new WeakMap<FlowNode, Set<string>>();

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
  }

  selectFlow(row: ElementRow, node: FlowNode): string | undefined {
    const model = this.ctx.elements.model(row.process_definition_key);
    if (node.outgoing.length === 0) return undefined;
    const conditional = node.outgoing.map((id) => model.flows.get(id)!).filter((f) => f.id !== node.defaultFlow);
    if (conditional.length === 1 && !conditional[0]!.condition && node.defaultFlow === undefined) return conditional[0]!.id;
    for (const flow of conditional) {
      if (!flow.condition) continue;
      const result = this.ctx.variables.evalExpr(row, flow.condition, 'BOOLEAN', 'EXTRACT_VALUE_ERROR');
      if (result === true) return flow.id;
    }
    if (node.defaultFlow) return node.defaultFlow;
    throw new IncidentRaised(
      'CONDITION_ERROR',
      "Expected at least one condition to evaluate to true, or to have a default flow",
    );
  }

  /** Inclusive fork: every flow whose condition is true; the default flow only when none is. */
  selectInclusiveFlows(row: ElementRow, node: FlowNode): string[] {
    const model = this.ctx.elements.model(row.process_definition_key);
    if (node.outgoing.length === 0) return [];
    const conditional = node.outgoing.map((id) => model.flows.get(id)!).filter((f) => f.id !== node.defaultFlow);
    if (conditional.length === 1 && !conditional[0]!.condition && node.defaultFlow === undefined) return [conditional[0]!.id];
    const taken = conditional.filter((flow) => flow.condition && this.ctx.variables.evalExpr(row, flow.condition, 'BOOLEAN', 'EXTRACT_VALUE_ERROR') === true).map((f) => f.id);
    if (taken.length > 0) return taken;
    if (node.defaultFlow) return [node.defaultFlow];
    throw new IncidentRaised('CONDITION_ERROR', 'Expected at least one condition to evaluate to true, or to have a default flow');
  }

  takeFlow(from: ElementRow, flowId: string): void {
    const model = this.ctx.elements.model(from.process_definition_key);
    const flow = model.flows.get(flowId)!;
    const target = model.nodes.get(flow.target)!;
    const scope = this.ctx.elements.element(from.flow_scope_key!);
    const joins = (target.type === 'PARALLEL_GATEWAY' || target.type === 'INCLUSIVE_GATEWAY') && target.incoming.length > 1;
    if (!joins) {
      this.ctx.lifecycle.createChild(scope, target);
      return;
    }
    const runtime = this.ctx.elements.updateRuntime(scope.key, (r) => {
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
    this.ctx.elements.updateRuntime(scopeKey, (r) => {
      const tokens = r.joins![gateway.id]!;
      for (const f of flows) {
        tokens[f]! -= 1;
        if (tokens[f]! <= 0) delete tokens[f];
      }
      if (Object.keys(tokens).length === 0) delete r.joins![gateway.id];
      if (Object.keys(r.joins!).length === 0) delete r.joins;
    });
    this.ctx.lifecycle.createChild(this.ctx.elements.element(scopeKey), gateway);
  }

  /**
   * An inclusive join fires once tokens wait at it and nothing still active in the scope can reach
   * it any more (Zeebe's inclusive gateway join). Re-checked whenever the scope changes.
   */
  checkInclusiveJoins(scopeKey: number): void {
    const scope = this.ctx.elements.element(scopeKey);
    const joins = this.ctx.elements.runtime(scope).joins;
    if (!joins) return;
    const model = this.ctx.elements.model(scope.process_definition_key);
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
}
