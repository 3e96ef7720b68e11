/**
 * DMN 1.3 decisions with Camunda 8.8 (Zeebe / dmn-scala) semantics, as a pure module: no I/O.
 * `parseDmn` compiles a resource into a decision requirements graph at deployment (rejecting what
 * Zeebe rejects and what this engine does not run, with ModelError); `evaluateDecision` evaluates one
 * of its decisions against variables and the engine clock. A sibling of the engine, not part of it:
 * the eligibility rules (src/domain) evaluate the same models without an engine.
 */
export { parseDmn } from './parse.js';
export { evaluateDecision } from './evaluate.js';
export {
  DecisionEvaluationError,
  type Aggregation,
  type Decision,
  type DecisionEvaluation,
  type DecisionRequirementsGraph,
  type DecisionType,
  type EvaluatedDecision,
  type EvaluatedInput,
  type EvaluatedOutput,
  type HitPolicy,
  type MatchedRule,
} from './types.js';
