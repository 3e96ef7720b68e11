/**
 * Call activities: resolving the called process by its binding, starting it as a child instance,
 * and completing the call activity when the child completes.
 */
import type { FlowNode } from './model.js';
import type { Store } from './store.js';
import { IncidentRaised, type ElementRow, type DefinitionRow } from './rows.js';
import type { EngineContext } from './context.js';

export class CallActivities {
  private readonly store: Store;

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
  }

  startCalledProcess(row: ElementRow, node: FlowNode): void {
    const call = node.callActivity!;
    const processId = this.ctx.variables.evalExpr(row, call.processId, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
    let def: DefinitionRow | undefined;
    if (call.bindingType === 'versionTag') {
      def = this.store
        .stmt(`SELECT * FROM resources WHERE kind = 'process' AND tenant_id = ? AND resource_id = ? AND version_tag = ? ORDER BY version DESC LIMIT 1`)
        .get(row.tenant_id, processId, call.versionTag) as DefinitionRow | undefined;
    } else if (call.bindingType === 'deployment') {
      const own = this.store.stmt(`SELECT deployment_key FROM resources WHERE key = ?`).get(row.process_definition_key) as { deployment_key: number };
      def = this.store
        .stmt(`SELECT * FROM resources WHERE kind = 'process' AND tenant_id = ? AND resource_id = ? AND deployment_key = ? ORDER BY version DESC LIMIT 1`)
        .get(row.tenant_id, processId, own.deployment_key) as DefinitionRow | undefined;
    } else {
      def = this.latestProcess(processId, row.tenant_id);
    }
    if (!def) {
      throw new IncidentRaised(
        'CALLED_ELEMENT_ERROR',
        call.bindingType === 'latest'
          ? `Expected process with BPMN process id '${processId}' to be deployed, but not found.`
          : `Expected process with BPMN process id '${processId}' to be deployed ${call.bindingType === 'versionTag' ? `with version tag '${call.versionTag}'` : 'in the same deployment as the calling process'}, but not found.`,
      );
    }
    const variables = call.propagateAllParentVariables ? this.ctx.variables.visibleVariables(row.key) : this.ctx.variables.localVariables(row.key);
    const childKey = this.ctx.instances.startInstance(def, variables, { parent: row });
    this.ctx.elements.updateRuntime(row.key, (r) => (r.childInstanceKey = childKey));
  }

  /** A called process completed: its call activity completes with the child's variables. */
  onCalledProcessCompleted(processRow: ElementRow): void {
    const pi = this.store.stmt(`SELECT parent_element_instance_key FROM process_instances WHERE key = ?`).get(processRow.key) as { parent_element_instance_key: number | null };
    if (pi.parent_element_instance_key === null) return;
    const caller = this.ctx.elements.element(pi.parent_element_instance_key);
    if (!this.ctx.elements.isActive(caller)) return;
    this.ctx.lifecycle.completeWaitState(caller.key, this.ctx.variables.localVariables(processRow.key));
  }

  private latestProcess(processId: string, tenantId: string): DefinitionRow | undefined {
    return this.store
      .stmt(`SELECT * FROM resources WHERE kind = 'process' AND tenant_id = ? AND resource_id = ? ORDER BY version DESC LIMIT 1`)
      .get(tenantId, processId) as DefinitionRow | undefined;
  }
}
