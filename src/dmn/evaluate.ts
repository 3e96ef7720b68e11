/**
 * Evaluates a decision of a compiled DRG the way Zeebe's DMN engine (dmn-scala) does: required
 * decisions first (depth-first, in the order the decision lists them), each result visible to its
 * direct dependants under the required decision's result name; then the decision table or literal
 * expression; then the decision's `<variable typeRef>` check. Failures are worded as Zeebe words them
 * ("Expected to evaluate decision '…', but …", with dmn-scala's reason).
 *
 * Like dmn-scala, an input's allowed values (`inputValues`) and the inputs' and outputs' typeRefs are
 * not enforced: a value outside the list simply matches whichever rules it matches.
 *
 * A decision evaluation runs under a budget (a pingpin safety net): its FEEL evaluations share one
 * deadline, `budget.timeMs` after the start, and each guarded one also has the budget's size limits.
 */
import { DateTime, Duration } from 'luxon';
import { DEFAULT_FEEL_BUDGET, evaluate, evaluateUnaryTests, FeelBudgetExceeded, FeelEvaluationError, toJson, type EvalEnv, type FeelBudget, type Json } from '../feel/index.js';
import {
  DecisionEvaluationError,
  ruleRef,
  type Decision,
  type DecisionEvaluation,
  type DecisionOutput,
  type DecisionRequirementsGraph,
  type DecisionRule,
  type DecisionTable,
  type EvaluatedDecision,
} from './types.js';

/** Why a decision failed, in dmn-scala's words; becomes the "but …" part of Zeebe's message. */
class Failure extends Error {
  constructor(
    message: string,
    readonly budgetExceeded = false,
  ) {
    super(message);
  }
}

/** One matched rule with its evaluated output entries (FEEL values, in output order). */
interface Hit {
  rule: DecisionRule;
  values: unknown[];
}

/** How many FEEL time budgets one whole decision (all its tables and rules) may take. */
export const DECISION_TIME_FACTOR = 5;

/**
 * Evaluates `decisionId` with `variables`; `now` is the engine clock for FEEL's now() / today().
 * Throws DecisionEvaluationError when the decision (or one it requires) cannot be evaluated, also
 * when it goes over `budget` (then with `budgetExceeded`).
 */
export function evaluateDecision(
  graph: DecisionRequirementsGraph,
  decisionId: string,
  variables: Record<string, Json>,
  now: () => number,
  budget: FeelBudget = DEFAULT_FEEL_BUDGET,
): DecisionEvaluation {
  const evaluatedDecisions: EvaluatedDecision[] = [];
  const failure = (reason: string, failedDecisionId: string, budgetExceeded = false) =>
    new DecisionEvaluationError(`Expected to evaluate decision '${decisionId}', but ${reason}`, failedDecisionId, evaluatedDecisions, budgetExceeded);
  // The whole decision may take DECISION_TIME_FACTOR budgets (each guarded expression still only one):
  // a table of many guarded rules on a loaded 2-core server took over one budget in the chaos runs
  // and raised incidents for decisions that were fine.
  const deadline = performance.now() + budget.timeMs * DECISION_TIME_FACTOR;

  const target = graph.decisionsById.get(decisionId);
  if (!target) throw failure(`no decision found with id '${decisionId}'`, decisionId);

  // Each decision is evaluated once, even when several dependants require it (dmn-scala evaluates and
  // audits it once per dependant; the results are the same).
  const results = new Map<string, unknown>();
  const evaluateOne = (decision: Decision): unknown => {
    if (results.has(decision.id)) return results.get(decision.id);
    const scope: Record<string, unknown> = { ...variables };
    for (const id of decision.requiredDecisions) {
      const required = graph.decisionsById.get(id)!; // parseDmn checked that it exists
      scope[required.resultName] = evaluateOne(required);
    }
    const record: EvaluatedDecision = {
      decisionId: decision.id,
      decisionName: decision.name,
      decisionType: decision.logic.type,
      output: null,
      evaluatedInputs: [],
      matchedRules: [],
    };
    // Recorded before its logic runs so that a failing decision is the last one, as in Zeebe.
    evaluatedDecisions.push(record);
    const env: EvalEnv = { variables: scope, now, budget, deadline };
    const logic = decision.logic;
    const value =
      logic.type === 'DECISION_TABLE' ? evaluateTable(logic, env, record) : feel(() => evaluate(logic.expression, env));
    record.output = toJson(value);
    checkResultType(decision, value);
    results.set(decision.id, value);
    return value;
  };

  let value: unknown;
  try {
    value = evaluateOne(target);
  } catch (err) {
    if (!(err instanceof Failure)) throw err;
    const failedDecisionId = evaluatedDecisions.at(-1)?.decisionId ?? decisionId;
    // Zeebe names only the requested decision; say which required decision failed so it can be fixed.
    const where = failedDecisionId === decisionId ? '' : ` (in required decision '${failedDecisionId}')`;
    throw failure(`${err.message}${where}`, failedDecisionId, err.budgetExceeded);
  }
  return { decisionId, decisionName: target.name, output: toJson(value), evaluatedDecisions };
}

/** Runs a FEEL evaluation; its failure ("Failed to evaluate expression 'x': …") becomes the reason. */
function feel<T>(evaluation: () => T): T {
  try {
    return evaluation();
  } catch (err) {
    if (!(err instanceof FeelEvaluationError)) throw err;
    throw new Failure(err.message.charAt(0).toLowerCase() + err.message.slice(1), err instanceof FeelBudgetExceeded);
  }
}

const show = (value: unknown): string => JSON.stringify(toJson(value));

function evaluateTable(table: DecisionTable, env: EvalEnv, record: EvaluatedDecision): unknown {
  const inputValues = table.inputs.map((input) => feel(() => evaluate(input.expression, env)));
  record.evaluatedInputs = table.inputs.map((input, i) => ({
    inputId: input.id,
    inputName: input.name,
    inputValue: toJson(inputValues[i]),
  }));

  // Every rule is checked, even under FIRST, so an input entry that fails fails the table (dmn-scala).
  const matched = table.rules.filter((rule) => matches(rule, inputValues, env));
  if (matched.length === 0) {
    // dmn-scala: no match gives the outputs' default entries, else null — for every hit policy,
    // COLLECT and its aggregations included (not [] or 0).
    return defaultOutput(table.outputs, env);
  }
  const hits: Hit[] = (table.hitPolicy === 'FIRST' ? matched.slice(0, 1) : matched).map((rule) => ({
    rule,
    values: rule.outputEntries.map((entry) => feel(() => evaluate(entry, env))),
  }));
  record.matchedRules = hits.map(({ rule, values }) => ({
    ruleId: rule.id,
    ruleIndex: rule.index,
    evaluatedOutputs: table.outputs.map((output, i) => ({
      outputId: output.id,
      outputName: output.label,
      outputValue: toJson(values[i]),
    })),
  }));
  return applyHitPolicy(table, hits);
}

/** A rule matches when each input entry's unary tests are true for its input value; null is no match. */
function matches(rule: DecisionRule, inputValues: unknown[], env: EvalEnv): boolean {
  return rule.inputEntries.every((entry, i) => {
    if (entry === undefined) return true;
    const result = feel(() => evaluateUnaryTests(entry, inputValues[i], env));
    if (result === true) return true;
    if (result === false || result === null || result === undefined) return false;
    throw new Failure(`input entry must return true, false, or null, but found '${show(result)}' (${ruleRef(rule.index, rule.id)})`);
  });
}

function defaultOutput(outputs: DecisionOutput[], env: EvalEnv): unknown {
  const defaults = outputs.flatMap((o) => (o.defaultValue ? [[o.name, feel(() => evaluate(o.defaultValue!, env))] as const] : []));
  if (defaults.length === 0) return null;
  if (defaults.length === 1) return defaults[0]![1];
  return Object.fromEntries(defaults);
}

/** A rule's result: the value of a single output, else a context of output name → value. */
function hitValue(outputs: DecisionOutput[], hit: Hit): unknown {
  return outputs.length === 1 ? hit.values[0] : Object.fromEntries(outputs.map((o, i) => [o.name, hit.values[i]]));
}

const rulesOf = (hits: Hit[]) => hits.map((h) => ruleRef(h.rule.index, h.rule.id)).join(', ');

function applyHitPolicy(table: DecisionTable, hits: Hit[]): unknown {
  const values = hits.map((hit) => hitValue(table.outputs, hit));
  switch (table.hitPolicy) {
    case 'UNIQUE':
      if (hits.length > 1) {
        throw new Failure(`multiple values aren't allowed for UNIQUE hit policy. found: '${show(values)}' (matched ${rulesOf(hits)})`);
      }
      return values[0];
    case 'ANY': {
      const distinct = [...new Map(values.map((v) => [show(v), v])).values()];
      if (distinct.length > 1) {
        throw new Failure(`different values aren't allowed for ANY hit policy. found: '${show(distinct)}' (matched ${rulesOf(hits)})`);
      }
      return values[0];
    }
    case 'FIRST':
      return values[0];
    case 'PRIORITY':
      return hitValue(table.outputs, byPriority(table.outputs, hits)[0]!);
    case 'OUTPUT ORDER':
      return byPriority(table.outputs, hits).map((hit) => hitValue(table.outputs, hit));
    case 'RULE ORDER':
      return values;
    case 'COLLECT':
      return collect(table, hits, values);
  }
}

function collect(table: DecisionTable, hits: Hit[], values: unknown[]): unknown {
  if (table.aggregation === undefined) return values;
  if (table.aggregation === 'COUNT') return hits.length;
  // parseDmn rejects aggregation over several outputs, so each hit has one value.
  const numbers = hits.map((hit) => {
    const n = hit.values[0];
    if (typeof n !== 'number') throw new Failure(`expected number but found '${show(n)}' (${ruleRef(hit.rule.index, hit.rule.id)})`);
    return n;
  });
  switch (table.aggregation) {
    case 'SUM':
      return decimalSum(numbers);
    case 'MIN':
      return Math.min(...numbers);
    case 'MAX':
      return Math.max(...numbers);
  }
}

/**
 * Sorts hits by the outputs' values lists (first output first, then the next); a value not in its
 * list ranks after all listed ones; ties keep rule order. dmn-scala compares concatenated index
 * strings, which is the same order while a list has fewer than ten values.
 */
function byPriority(outputs: DecisionOutput[], hits: Hit[]): Hit[] {
  const rank = (hit: Hit) => outputs.map((o, i) => priorityOf(o.priorities, hit.values[i]));
  const ranks = new Map(hits.map((hit) => [hit, rank(hit)]));
  return [...hits].sort((a, b) => {
    const ra = ranks.get(a)!;
    const rb = ranks.get(b)!;
    const i = ra.findIndex((r, k) => r !== rb[k]);
    return i < 0 ? 0 : ra[i]! - rb[i]!;
  });
}

function priorityOf(priorities: string[], value: unknown): number {
  const index =
    typeof value === 'string'
      ? priorities.indexOf(value)
      : typeof value === 'number'
        ? priorities.findIndex((p) => p.trim() !== '' && Number(p) === value)
        : -1; // dmn-scala ranks only strings and numbers
  return index < 0 ? Number.POSITIVE_INFINITY : index;
}

/**
 * feel-scala sums decimals exactly (0.1 + 0.2 = 0.3); binary floating point would not. Sums at the
 * largest number of decimal places among the addends, as integers, when that is exact.
 */
function decimalSum(numbers: number[]): number {
  const plain = numbers.reduce((s, n) => s + n, 0);
  const places = Math.max(...numbers.map((n) => (/e/i.test(String(n)) ? 99 : (String(n).split('.')[1]?.length ?? 0))));
  if (places > 15) return plain;
  const scale = 10 ** places;
  const total = numbers.reduce((s, n) => s + Math.round(n * scale), 0);
  return Number.isSafeInteger(total) ? total / scale : plain;
}

/** dmn-scala checks a decision's result against its `<variable typeRef>`; null always passes. */
const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  date: (v) => temporalType(v) === 'date',
  time: (v) => temporalType(v) === 'time',
  dateTime: (v) => temporalType(v) === 'dateTime',
  dayTimeDuration: (v) => temporalType(v) === 'dayTimeDuration',
  yearMonthDuration: (v) => temporalType(v) === 'yearMonthDuration',
};

function checkResultType(decision: Decision, value: unknown): void {
  if (!decision.resultType || value === null || value === undefined) return;
  const type = decision.resultType.replace('feel:', '');
  const check = TYPE_CHECKS[type];
  if (check && !check(value)) throw new Failure(`expected '${type}' but found '${show(value)}'`);
}

/** feelin represents temporals with luxon; this tells them apart the way feelin's own typing does. */
function temporalType(v: unknown): string | undefined {
  if (Duration.isDuration(v)) return v.years !== 0 || v.months !== 0 ? 'yearMonthDuration' : 'dayTimeDuration';
  if (!DateTime.isDateTime(v)) return undefined;
  if (v.year === 1900 && v.month === 1 && v.day === 1) return 'time';
  const midnight = v.hour === 0 && v.minute === 0 && v.second === 0 && v.millisecond === 0;
  return midnight && v.zone.type === 'fixed' && v.offset === 0 ? 'date' : 'dateTime';
}
