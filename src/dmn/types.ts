/**
 * The compiled form of a DMN 1.3 decision requirements graph (DRG) and the shape of an evaluation
 * result. Parsing lives in parse.ts, evaluation in evaluate.ts; index.ts is the public entry.
 */
import type { CompiledExpression, CompiledUnaryTests, Json } from '../feel/index.js';

export type HitPolicy = 'UNIQUE' | 'FIRST' | 'PRIORITY' | 'ANY' | 'COLLECT' | 'RULE ORDER' | 'OUTPUT ORDER';
export type Aggregation = 'SUM' | 'MIN' | 'MAX' | 'COUNT';

/** Zeebe's DecisionType names, as `decisionDefinitionType` carries them in the REST API. */
export type DecisionType = 'DECISION_TABLE' | 'LITERAL_EXPRESSION';

export interface DecisionInput {
  id: string;
  /** What the audit calls the input: its label, else the expression's first 30 characters (Zeebe). */
  name: string;
  expression: CompiledExpression;
}

export interface DecisionOutput {
  id: string;
  /** The output's `name`: the key in the result context when a table has several outputs. */
  name: string;
  /** What the audit calls the output: its label, else its name (Zeebe favours the label, as Modeler). */
  label: string;
  /**
   * The output values list (`"high","medium","low"`) split into its entries, highest priority
   * first; PRIORITY and OUTPUT ORDER sort by it.
   */
  priorities: string[];
  /** The `defaultOutputEntry`, the output's value when no rule matches. */
  defaultValue?: CompiledExpression;
}

export interface DecisionRule {
  /** The rule's id; '' when the XML has none (Zeebe then synthesizes one from id, version and index). */
  id: string;
  /** 1-based position in the table, as `ruleIndex` in the REST API. */
  index: number;
  /** Unary tests per input; undefined for an empty cell, which matches anything. */
  inputEntries: (CompiledUnaryTests | undefined)[];
  outputEntries: CompiledExpression[];
}

/** "rule 3 ('Rule_1')": Modeler shows rules by row number, the XML and Operate by id. */
export function ruleRef(index: number, id: string): string {
  return id ? `rule ${index} ('${id}')` : `rule ${index}`;
}

export interface DecisionTable {
  type: 'DECISION_TABLE';
  hitPolicy: HitPolicy;
  /** Only meaningful with COLLECT (dmn-scala ignores it otherwise). */
  aggregation?: Aggregation;
  inputs: DecisionInput[];
  outputs: DecisionOutput[];
  rules: DecisionRule[];
}

export interface LiteralExpression {
  type: 'LITERAL_EXPRESSION';
  expression: CompiledExpression;
}

export interface Decision {
  id: string;
  /** The decision's name; its id when the XML gives none. */
  name: string;
  /** `<zeebe:versionTag value="…"/>` in the decision's extension elements. */
  versionTag?: string;
  /**
   * The variable a dependant decision reads this decision's result from: the decision's
   * `<variable name>` if it has one, else its id (dmn-scala's rule).
   */
  resultName: string;
  /** `<variable typeRef>`: dmn-scala checks the decision's result against it. */
  resultType?: string;
  /** Ids of the directly required decisions, in document order. */
  requiredDecisions: string[];
  logic: DecisionTable | LiteralExpression;
}

export interface DecisionRequirementsGraph {
  /** The `definitions` id. */
  decisionRequirementsId: string;
  /** The `definitions` name; its id when the XML gives none. */
  name: string;
  namespace: string;
  resourceName: string;
  /** Every decision, in document order. */
  decisions: readonly Decision[];
  decisionsById: ReadonlyMap<string, Decision>;
}

/*
 * Evaluation results. Field names follow Camunda 8.8's `POST /v2/decision-definitions/evaluation`
 * response (EvaluatedDecisionResult, EvaluatedDecisionInputItem, MatchedDecisionRuleItem,
 * EvaluatedDecisionOutputItem). Two differences the REST layer bridges:
 *  - values (`output`, `inputValue`, `outputValue`) are JSON here; the API carries each as a JSON
 *    *string*, so the REST layer must JSON.stringify them;
 *  - the decision-level fields are named decisionId / decisionName / decisionType here; the API calls
 *    them decisionDefinitionId / decisionDefinitionName / decisionDefinitionType and adds
 *    decisionDefinitionKey, decisionDefinitionVersion and tenantId, which only the caller knows.
 */

export interface EvaluatedInput {
  inputId: string;
  inputName: string;
  inputValue: Json;
}

export interface EvaluatedOutput {
  outputId: string;
  outputName: string;
  outputValue: Json;
}

export interface MatchedRule {
  ruleId: string;
  ruleIndex: number;
  evaluatedOutputs: EvaluatedOutput[];
}

export interface EvaluatedDecision {
  decisionId: string;
  decisionName: string;
  decisionType: DecisionType;
  /** The decision's result; null for the decision whose evaluation failed. */
  output: Json;
  /** Decision tables only; empty for literal expressions. */
  evaluatedInputs: EvaluatedInput[];
  /** Decision tables only: the rules that matched (for FIRST only the first), in rule order. */
  matchedRules: MatchedRule[];
}

export interface DecisionEvaluation {
  decisionId: string;
  decisionName: string;
  /** Not known to this module; the caller fills it from the deployed decision. */
  decisionVersion?: number;
  output: Json;
  /** Every decision evaluated, required decisions first, the requested decision last. */
  evaluatedDecisions: EvaluatedDecision[];
}

/**
 * A failed evaluation, as Zeebe reports it (DECISION_EVALUATION_ERROR incident, or
 * failedDecisionDefinitionId / failureMessage in the REST response).
 */
export class DecisionEvaluationError extends Error {
  constructor(
    message: string,
    /** The decision that failed: the last one in `evaluatedDecisions`, or the requested one. */
    readonly failedDecisionId: string,
    /** What was evaluated up to and including the failed decision (its output null). */
    readonly evaluatedDecisions: EvaluatedDecision[],
    /** The evaluation went over its budget (src/feel FeelBudget): a pingpin limit, not a failure of the decision's logic. */
    readonly budgetExceeded = false,
  ) {
    super(message);
    this.name = 'DecisionEvaluationError';
  }
}
