/**
 * Decisions: business rule tasks with zeebe:calledDecision and the evaluateDecision command, both
 * on the DRGs loaded at deployment.
 */
import type { Clock } from './clock.js';
import { EngineError } from './errors.js';
import { evaluateDecision } from '../dmn/index.js';
import { DecisionEvaluationError, type DecisionEvaluation, type DecisionRequirementsGraph } from '../dmn/types.js';
import type { FlowNode } from './model.js';
import type { Store } from './store.js';
import type { EvaluateDecisionRequest, EvaluateDecisionResponse, Variables } from './types.js';
import { DEFAULT_TENANT, IncidentRaised, parseKey, type ElementRow, type DefinitionRow } from './rows.js';
import type { EngineContext } from './context.js';

export class Decisions {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly graphs: Map<number, DecisionRequirementsGraph>;

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.graphs = ctx.graphs;
  }

  private decisionRow(decisionId: string, tenantId: string, binding: { bindingType: string; versionTag?: string; deploymentOf?: number }): DefinitionRow | undefined {
    if (binding.bindingType === 'versionTag') {
      return this.store
        .stmt(`SELECT * FROM resources WHERE kind = 'decision' AND tenant_id = ? AND resource_id = ? AND version_tag = ? ORDER BY version DESC LIMIT 1`)
        .get(tenantId, decisionId, binding.versionTag) as DefinitionRow | undefined;
    }
    if (binding.bindingType === 'deployment' && binding.deploymentOf !== undefined) {
      const own = this.store.stmt(`SELECT deployment_key FROM resources WHERE key = ?`).get(binding.deploymentOf) as { deployment_key: number };
      return this.store
        .stmt(`SELECT * FROM resources WHERE kind = 'decision' AND tenant_id = ? AND resource_id = ? AND deployment_key = ? ORDER BY version DESC LIMIT 1`)
        .get(tenantId, decisionId, own.deployment_key) as DefinitionRow | undefined;
    }
    return this.store
      .stmt(`SELECT * FROM resources WHERE kind = 'decision' AND tenant_id = ? AND resource_id = ? ORDER BY version DESC LIMIT 1`)
      .get(tenantId, decisionId) as DefinitionRow | undefined;
  }

  /** Evaluates a deployed decision; the caller turns failures into incidents or REST answers. */
  private runDecision(decision: DefinitionRow, variables: Variables): { evaluation?: DecisionEvaluation; error?: DecisionEvaluationError; graph: DecisionRequirementsGraph; drgKey: number } {
    const drgKey = Number(decision.content);
    const graph = this.graphs.get(drgKey);
    if (!graph) throw new Error(`decision requirements ${drgKey} are not loaded`);
    try {
      return { evaluation: evaluateDecision(graph, decision.resource_id, variables, () => this.clock.now(), this.ctx.feelBudget), graph, drgKey };
    } catch (err) {
      if (err instanceof DecisionEvaluationError) return { error: err, graph, drgKey };
      throw err;
    }
  }

  /** Business rule task with zeebe:calledDecision: the result becomes the resultVariable. */
  evaluateCalledDecision(row: ElementRow, node: FlowNode): void {
    const called = node.calledDecision!;
    const decisionId = this.ctx.variables.evalExpr(row, called.decisionId, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
    const decision = this.decisionRow(decisionId, row.tenant_id, { ...called, deploymentOf: row.process_definition_key });
    if (!decision) {
      throw new IncidentRaised(
        'CALLED_DECISION_ERROR',
        `Expected to evaluate decision '${decisionId}', but no decision found for id '${decisionId}'${called.bindingType === 'versionTag' ? ` and version tag '${called.versionTag}'` : ''}`,
      );
    }
    const result = this.runDecision(decision, this.ctx.variables.visibleVariables(row.key));
    if (result.error) {
      // A budget failure names the element too; Zeebe's own failures are worded as Zeebe words them.
      const at = result.error.budgetExceeded ? ` (at element '${row.element_id}')` : '';
      throw new IncidentRaised('DECISION_EVALUATION_ERROR', `${result.error.message}${at}`);
    }
    this.ctx.elements.updateRuntime(row.key, (r) => (r.completionVariables = { [called.resultVariable]: result.evaluation!.output }));
  }

  evaluateDecision(request: EvaluateDecisionRequest): EvaluateDecisionResponse {
    const tenantId = request.tenantId ?? DEFAULT_TENANT;
    let decision: DefinitionRow | undefined;
    if (request.decisionDefinitionKey !== undefined) {
      const key = parseKey('Decision definition', request.decisionDefinitionKey);
      decision = this.store.stmt(`SELECT * FROM resources WHERE kind = 'decision' AND key = ?`).get(key) as DefinitionRow | undefined;
      if (!decision) {
        throw new EngineError('NOT_FOUND', `Expected to evaluate decision with key '${request.decisionDefinitionKey}', but no such decision found`, 'EVALUATE');
      }
    } else if (request.decisionDefinitionId !== undefined) {
      decision = this.decisionRow(request.decisionDefinitionId, tenantId, { bindingType: 'latest' });
      if (!decision) {
        throw new EngineError('NOT_FOUND', `Expected to evaluate decision '${request.decisionDefinitionId}', but no decision found for id '${request.decisionDefinitionId}'`, 'EVALUATE');
      }
    } else {
      throw new EngineError('INVALID_ARGUMENT', 'Expected either decisionDefinitionId or decisionDefinitionKey, but none given', 'EVALUATE');
    }
    const found = decision;
    const result = this.runDecision(found, request.variables ?? {});
    // Over its budget (a pingpin limit) the request is refused, rather than answered as a failed decision.
    if (result.error?.budgetExceeded) throw new EngineError('INVALID_ARGUMENT', result.error.message, 'EVALUATE');
    return this.ctx.command('EVALUATE_DECISION', found.key, () => {
      const drg = this.store.stmt(`SELECT resource_id FROM resources WHERE key = ?`).get(result.drgKey) as { resource_id: string };
      const versionOf = (id: string) => {
        const row = this.store
          .stmt(`SELECT key, version FROM resources WHERE kind = 'decision' AND tenant_id = ? AND resource_id = ? AND content = ? ORDER BY version DESC LIMIT 1`)
          .get(found.tenant_id, id, String(result.drgKey)) as { key: number; version: number } | undefined;
        return { key: String(row?.key ?? found.key), version: row?.version ?? found.version };
      };
      const evaluated = result.evaluation?.evaluatedDecisions ?? result.error!.evaluatedDecisions;
      return {
        decisionDefinitionId: found.resource_id,
        decisionDefinitionName: found.name ?? found.resource_id,
        decisionDefinitionVersion: found.version,
        decisionRequirementsId: drg.resource_id,
        output: JSON.stringify(result.evaluation?.output ?? null),
        ...(result.error ? { failedDecisionDefinitionId: result.error.failedDecisionId, failureMessage: result.error.message } : {}),
        tenantId: found.tenant_id,
        decisionDefinitionKey: String(found.key),
        decisionRequirementsKey: String(result.drgKey),
        decisionInstanceKey: String(this.store.nextKey()),
        evaluatedDecisions: evaluated.map((d) => ({
          decisionDefinitionId: d.decisionId,
          decisionDefinitionName: d.decisionName,
          decisionDefinitionVersion: versionOf(d.decisionId).version,
          decisionDefinitionType: d.decisionType,
          output: JSON.stringify(d.output),
          tenantId: found.tenant_id,
          decisionDefinitionKey: versionOf(d.decisionId).key,
          matchedRules: d.matchedRules.map((r) => ({
            ruleId: r.ruleId,
            ruleIndex: r.ruleIndex,
            evaluatedOutputs: r.evaluatedOutputs.map((o) => ({ outputId: o.outputId, outputName: o.outputName, outputValue: JSON.stringify(o.outputValue) })),
          })),
          evaluatedInputs: d.evaluatedInputs.map((i) => ({ inputId: i.inputId, inputName: i.inputName, inputValue: JSON.stringify(i.inputValue) })),
        })),
      };
    });
  }
}
