/**
 * Variables and expressions: the scope chain, visible and local variables, Zeebe's propagation
 * (a variable goes to the nearest scope that has it), input and output mappings, and FEEL
 * evaluation in an element's scope with failures turned into incidents.
 */
import type { Clock } from './clock.js';
import { EngineError } from './errors.js';
import { evaluate, evaluateJson, failureMessage, FeelEvaluationError, type CompiledExpression, type EvalEnv, type ExpectedType, type Json } from '../feel/index.js';
import type { FlowNode, Mapping } from './model.js';
import type { Store } from './store.js';
import type { Variables } from './types.js';
import { IncidentRaised, parseKey, type ElementRow } from './rows.js';
import type { EngineContext } from './context.js';

export class VariableScopes {
  private readonly store: Store;
  private readonly clock: Clock;

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
  }

  env(scopeKey: number): EvalEnv & { variables: Record<string, Json> } {
    return this.envWith(this.visibleVariables(scopeKey));
  }

  /** An evaluation environment over the given variables, with the engine clock and FEEL budget. */
  envWith<V>(variables: Record<string, V>): EvalEnv & { variables: Record<string, V> } {
    return { variables, now: () => this.clock.now(), budget: this.ctx.feelBudget };
  }

  evalExpr(row: ElementRow, expr: CompiledExpression, expected: ExpectedType, errorType: string): unknown {
    try {
      // Static values need no variables; reading the scope chain is the costly part.
      const env = expr.isStatic ? this.envWith({}) : this.env(row.key);
      return evaluate(expr, env, expected);
    } catch (err) {
      if (err instanceof FeelEvaluationError) throw new IncidentRaised(errorType, failureMessage(err, row.element_id));
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

  localVariables(scopeKey: number): Variables {
    const rows = this.store.stmt(`SELECT name, value FROM variables WHERE scope_key = ?`).all(scopeKey) as { name: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.name, JSON.parse(r.value) as Json]));
  }

  rootVariables(piKey: number, names?: string[]): Variables {
    const rows = this.store.stmt(`SELECT name, value FROM variables WHERE scope_key = ?`).all(piKey) as { name: string; value: string }[];
    const out: Variables = {};
    for (const r of rows) {
      if (!names || names.length === 0 || names.includes(r.name)) out[r.name] = JSON.parse(r.value) as Json;
    }
    return out;
  }

  setLocalVariable(scopeKey: number, piKey: number, processId: string, tenantId: string, name: string, value: Json): void {
    const json = JSON.stringify(value ?? null);
    const updated = this.store.stmt(`UPDATE variables SET value = ? WHERE scope_key = ? AND name = ?`).run(json, scopeKey, name);
    if (updated.changes === 0) {
      this.store.stmt(
        `INSERT INTO variables (key, name, value, scope_key, process_instance_key, process_definition_id, tenant_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(this.store.nextKey(), name, json, scopeKey, piKey, processId, tenantId);
    }
  }

  /** Zeebe's propagation: each variable goes to the nearest scope that has it, else the process instance. */
  mergeDocument(row: ElementRow, scopeKey: number, document: Variables): void {
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
  private evaluateMappings(row: ElementRow, mappings: Mapping[], base: Record<string, Json>, mergeNested: boolean): Variables {
    const document: Variables = {};
    for (const m of mappings) {
      const root = m.target[0]!;
      if (mergeNested && m.target.length > 1 && !(root in document)) {
        const existing = base[root];
        if (existing !== null && typeof existing === 'object' && !Array.isArray(existing)) document[root] = existing;
      }
      let value: Json;
      try {
        value = evaluateJson(m.source, this.envWith({ ...base, ...document }));
      } catch (err) {
        if (err instanceof FeelEvaluationError) {
          throw new IncidentRaised('IO_MAPPING_ERROR', `Failed to evaluate the mapping to '${m.target.join('.')}': ${failureMessage(err, row.element_id)}`);
        }
        throw err;
      }
      setPath(document, m.target, value);
    }
    return document;
  }

  applyInputMappings(row: ElementRow, node: FlowNode): void {
    if (node.inputs.length === 0) return;
    // Evaluated in the element's own scope, as Zeebe does: an inner multi-instance instance already
    // holds its inputElement and loopCounter there; for any other element the scope is still empty.
    const document = this.evaluateMappings(row, node.inputs, this.visibleVariables(row.key), false);
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
  applyOutputMappings(row: ElementRow, node: FlowNode, completionVariables: Variables | undefined, propagate = true): void {
    if (node.outputs.length === 0) {
      if (completionVariables && propagate) this.mergeDocument(row, row.key, completionVariables);
      return;
    }
    if (completionVariables) {
      // With output mappings, what the worker returned stays local; only the mapped results propagate.
      for (const [name, value] of Object.entries(completionVariables)) {
        this.setLocalVariable(row.key, row.process_instance_key, row.process_definition_id, row.tenant_id, name, value);
      }
      const runtime = this.ctx.elements.runtime(this.ctx.elements.element(row.key));
      delete runtime.completionVariables;
      this.ctx.elements.setRuntime(row.key, runtime);
    }
    const document = this.evaluateMappings(row, node.outputs, this.visibleVariables(row.key), true);
    if (this.ctx.multiInstance.isInnerInstance(row)) {
      for (const [name, value] of Object.entries(document)) {
        this.setLocalVariable(row.key, row.process_instance_key, row.process_definition_id, row.tenant_id, name, value);
      }
    } else {
      this.mergeDocument(row, row.flow_scope_key!, document);
    }
  }

  setVariables(elementInstanceKey: string, variables: Variables, local = false): void {
    const key = parseKey('Element instance', elementInstanceKey);
    const row = this.store.stmt(`SELECT * FROM element_instances WHERE key = ?`).get(key) as ElementRow | undefined;
    if (!row || row.state === 'COMPLETED' || row.state === 'TERMINATED') {
      throw new EngineError('NOT_FOUND', `Expected to update variables for element with key '${elementInstanceKey}', but no such element was found`);
    }
    this.ctx.command('UPDATE_VARIABLES', key, () => {
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
