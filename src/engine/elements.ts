/**
 * Element instance rows: inserting and reading them, their runtime JSON, their state changes
 * (an ended element closes its subscriptions), and the loaded model and flow node behind each.
 * These are the primitives every behaviour builds on, so each is written once.
 */
import type { Clock } from './clock.js';
import type { FlowNode, ProcessModel } from './model.js';
import type { Store } from './store.js';
import type { ElementState, ElementRow, Runtime } from './rows.js';
import type { EngineContext } from './context.js';

export class Elements {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly models: Map<number, ProcessModel>;

  constructor(ctx: EngineContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.models = ctx.models;
  }

  model(definitionKey: number): ProcessModel {
    const model = this.models.get(definitionKey);
    if (!model) throw new Error(`process definition ${definitionKey} is not loaded`);
    return model;
  }

  insertElement(
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

  element(key: number): ElementRow {
    const row = this.store.stmt(`SELECT * FROM element_instances WHERE key = ?`).get(key) as ElementRow | undefined;
    if (!row) throw new Error(`element instance ${key} not found`);
    return row;
  }

  runtime(row: ElementRow): Runtime {
    return row.runtime ? (JSON.parse(row.runtime) as Runtime) : {};
  }

  setRuntime(key: number, runtime: Runtime): void {
    this.store.stmt(`UPDATE element_instances SET runtime = ? WHERE key = ?`).run(JSON.stringify(runtime), key);
  }

  updateRuntime(key: number, change: (runtime: Runtime) => void): Runtime {
    const runtime = this.runtime(this.element(key));
    change(runtime);
    this.setRuntime(key, runtime);
    return runtime;
  }

  setState(key: number, state: ElementState): void {
    const ended = state === 'COMPLETED' || state === 'TERMINATED';
    this.store.stmt(`UPDATE element_instances SET state = ?, end_date = ? WHERE key = ?`).run(state, ended ? this.clock.now() : null, key);
    // Subscriptions close with the element instance that owns them.
    if (ended) this.store.stmt(`DELETE FROM subscriptions WHERE element_instance_key = ?`).run(key);
  }

  node(row: ElementRow): FlowNode {
    const node = this.model(row.process_definition_key).nodes.get(row.element_id);
    if (!node) throw new Error(`element ${row.element_id} not in process ${row.process_definition_id}`);
    return node;
  }

  isActive(row: ElementRow): boolean {
    return row.state === 'ACTIVATING' || row.state === 'ACTIVATED' || row.state === 'COMPLETING';
  }
}
