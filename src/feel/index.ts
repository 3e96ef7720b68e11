/**
 * FEEL as Zeebe uses it: attribute values that start with `=` are expressions, anything else is a
 * static value. Expressions are parsed once at deployment (syntax errors reject the deployment) and
 * evaluated against the variables visible from a scope. A sibling of the engine, not part of it:
 * forms and the eligibility rules evaluate FEEL too, without an engine.
 *
 * The parts: errors.ts (what fails), functions.ts (Zeebe's extension functions), budget.ts (the
 * limits on expressions that can iterate, recurse or backtrack), syntax.ts (parsing as both
 * compilation and the budget need it). This module compiles and evaluates, and is the entry point.
 */
import { evaluate as feelEvaluate, parseExpression, parseUnaryTests, unaryTest as feelUnaryTest } from '@bpmn-io/feelin';
import { DateTime, Duration } from 'luxon';
import { DEFAULT_FEEL_BUDGET, guardFor, GuardRun, isTimeout, quote, withinTime, type FeelBudget, type Guard } from './budget.js';
import { FeelBudgetExceeded, FeelEvaluationError, FeelSyntaxError } from './errors.js';
import { context, extensionFunctions } from './functions.js';
import { assertWellFormed, errorPosition, PARSE_CONTEXT } from './syntax.js';

export { DEFAULT_FEEL_BUDGET, type FeelBudget, type Guard } from './budget.js';
export { failureMessage, FeelBudgetExceeded, FeelEvaluationError, FeelSyntaxError } from './errors.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The subset of FEEL types Zeebe checks expression results against. */
export type ExpectedType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT' | 'DATE_TIME' | 'DURATION' | 'ANY';

export interface CompiledExpression {
  /** The original attribute text (with the leading `=` for expressions). */
  readonly source: string;
  readonly isStatic: boolean;
  /** The FEEL text without `=`; for static values the value itself. */
  readonly text: string;
  /** Present when the expression can iterate, recurse or backtrack: it then runs under the budget. */
  readonly guard?: Guard;
}

/** Parses an attribute value. Throws FeelSyntaxError with a position when the FEEL is malformed. */
export function compile(source: string): CompiledExpression {
  const trimmed = source.trim();
  if (!trimmed.startsWith('=')) {
    return { source, isStatic: true, text: source };
  }
  const text = trimmed.slice(1).trim();
  if (text === '') {
    throw new FeelSyntaxError('the expression after "=" is empty');
  }
  const tree = parseExpression(text, PARSE_CONTEXT, undefined);
  assertWellFormed(text, tree);
  const guard = guardFor(text, tree, 'expression');
  return guard ? { source, isStatic: false, text, guard } : { source, isStatic: false, text };
}

/** DMN unary tests (an input entry such as `< 5`, `[1..10]`, `"a","b"`, `not("a")`, `? > 3`). */
export interface CompiledUnaryTests {
  readonly text: string;
  /** The tests are one expression that reads the input value `?` (e.g. `? > 3`, `count(?) > 1`). */
  readonly isInputExpression: boolean;
  /** As for CompiledExpression. */
  readonly guard?: Guard;
}

/** Parses unary tests once. Throws FeelSyntaxError with a position when they are malformed. */
export function compileUnaryTests(text: string): CompiledUnaryTests {
  const tree = parseUnaryTests(text, PARSE_CONTEXT, undefined);
  assertWellFormed(text, tree);
  let readsInput = false;
  tree.iterate({
    enter(node) {
      if (node.name === '?') readsInput = true;
    },
  });
  const asExpression = readsInput ? parseExpression(text, PARSE_CONTEXT, undefined) : undefined;
  const isInputExpression = asExpression !== undefined && errorPosition(asExpression) === undefined;
  const guard = isInputExpression ? guardFor(text, asExpression, 'expression') : guardFor(text, tree, 'unaryTests');
  return guard ? { text, isInputExpression, guard } : { text, isInputExpression };
}

/** Tells whether a value is a FEEL expression (`=...`). */
export function isExpression(source: string | undefined): boolean {
  return source !== undefined && source.trim().startsWith('=');
}

/** Converts a FEEL value to JSON the way Zeebe stores variables: temporals become ISO strings. */
export function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (Duration.isDuration(value)) {
    return value.shiftTo('years', 'months', 'days', 'hours', 'minutes', 'seconds').normalize().toISO() ?? null;
  }
  if (DateTime.isDateTime(value)) {
    return String(feelEvaluate('string(v)', { v: value }).value);
  }
  if (typeof value === 'function') return null;
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toJson(v);
    return out;
  }
  return null;
}

/** Zeebe's (feel-scala's) wording for the warnings people see most, so incidents read the same. */
function formatWarning(w: { type: string; message: string }): string {
  const missing = /^Variable '(.+)' not found$/.exec(w.message);
  if (w.type === 'NO_VARIABLE_FOUND' && missing) return `[NO_VARIABLE_FOUND] No variable found with name '${missing[1]}'`;
  return `[${w.type}] ${w.message}`;
}

export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return 'STRING';
  if (typeof value === 'number') return 'NUMBER';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (Array.isArray(value)) return 'ARRAY';
  if (Duration.isDuration(value)) return 'DURATION';
  if (DateTime.isDateTime(value)) return 'DATE_TIME';
  return 'OBJECT';
}

export interface EvalEnv {
  /** JSON variables; DMN also passes FEEL values (e.g. a required decision's date result). */
  variables: Record<string, unknown>;
  now: () => number;
  /** The budget of a guarded evaluation; DEFAULT_FEEL_BUDGET when not given. */
  budget?: FeelBudget;
  /**
   * A deadline (`performance.now()` milliseconds) shared by several evaluations, as the ones of one
   * decision: each fails once it has passed, and a guarded one may run only until then.
   */
  deadline?: number;
}

/**
 * Evaluates a compiled expression. A static value is returned as its string. A runtime failure or a
 * result of the wrong type throws FeelEvaluationError with Zeebe's wording, including the
 * evaluation's warnings so that a person can see which variable was missing.
 */
export function evaluate(expr: CompiledExpression, env: EvalEnv, expected: ExpectedType = 'ANY'): unknown {
  if (expr.isStatic) {
    return staticValue(expr, expected);
  }
  if (env.deadline !== undefined) checkDeadline(env, expr.text, true);
  const result = expr.guard
    ? guarded(expr.text, expr.guard, quote(expr.text, true), env, undefined, (text, ctx) => feelEvaluate(text, ctx))
    : run(expr.text, () => feelEvaluate(expr.text, context(env.now, env.variables)));
  const value = result.value;
  if (expected !== 'ANY' && typeName(value) !== expected) {
    const warnings = result.warnings.length
      ? ` The evaluation reported the following warnings:\n${result.warnings.map(formatWarning).join('\n')}`
      : '';
    throw new FeelEvaluationError(
      `Expected result of the expression '${expr.text}' to be '${expected}', but was '${typeName(value)}'.${warnings}`,
      expr.text,
    );
  }
  return value;
}

/**
 * Evaluates unary tests against an input value (`?`), as a DMN input entry is matched: true, false
 * or null (no match). Runtime failures throw FeelEvaluationError like `evaluate`.
 */
export function evaluateUnaryTests(tests: CompiledUnaryTests, input: unknown, env: EvalEnv): unknown {
  if (env.deadline !== undefined) checkDeadline(env, tests.text, tests.isInputExpression);
  const evaluation = tests.isInputExpression ? feelEvaluate : feelUnaryTest;
  const result = tests.guard
    ? guarded(tests.text, tests.guard, quote(tests.text, tests.isInputExpression), env, { '?': input }, (text, c) => evaluation(text, c))
    : run(tests.text, () => evaluation(tests.text, { ...context(env.now, env.variables), '?': input }));
  if (tests.isInputExpression) {
    // feel-scala takes an expression over `?` as a condition: a non-boolean result is null, no match.
    // feelin would compare that result with the input, so `? > 3` would match a null input.
    return typeof result.value === 'boolean' ? result.value : null;
  }
  return result.value;
}

type FeelResult = { value: unknown; warnings: { type: string; message: string }[] };

/** A shared deadline (a decision's) that has passed fails every evaluation after it. */
function checkDeadline(env: EvalEnv, text: string, isExpression: boolean): void {
  if (performance.now() >= env.deadline!) {
    const budget = env.budget ?? DEFAULT_FEEL_BUDGET;
    throw new FeelBudgetExceeded(quote(text, isExpression), `${budget.timeMs} ms`, 'the time ran out before it', text);
  }
}

/**
 * Runs a guarded expression: its iteration sources checked by the guard functions, interrupted
 * when its time is up, and its result measured against the budget.
 */
function guarded(
  text: string,
  guard: Guard,
  subject: string,
  env: EvalEnv,
  extra: Record<string, unknown> | undefined,
  evaluation: (text: string, ctx: Record<string, unknown>) => FeelResult,
): FeelResult {
  const budget = env.budget ?? DEFAULT_FEEL_BUDGET;
  const guardRun = new GuardRun(budget, text, subject);
  // One object literal: feelin copies this context at every iteration, and a copy of an object
  // that had properties added afterwards is markedly slower.
  const ctx = { ...extensionFunctions(env.now), ...env.variables, ...extra, ...guardRun.functions() };
  const ms = env.deadline === undefined ? budget.timeMs : Math.min(budget.timeMs, env.deadline - performance.now());
  const result = run(text, () => {
    try {
      return withinTime(ms, () => evaluation(guard.exec, ctx));
    } catch (err) {
      if (isTimeout(err)) throw guardRun.timeExceeded();
      throw err;
    }
  });
  guardRun.checkResult(result.value);
  return result;
}

/** Runs feelin, turning exceptions and failed function invocations into FeelEvaluationError. */
function run(text: string, evaluation: () => FeelResult): FeelResult {
  let result: FeelResult;
  try {
    result = evaluation();
  } catch (err) {
    if (err instanceof FeelBudgetExceeded) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new FeelEvaluationError(`Failed to evaluate expression '${text}': ${detail}`, text);
  }
  const failure = result.warnings.find((w) => w.type === 'FUNCTION_INVOCATION_FAILURE');
  if (failure) {
    throw new FeelEvaluationError(`Failed to evaluate expression '${text}': ${failure.message}`, text);
  }
  return result;
}

function staticValue(expr: CompiledExpression, expected: ExpectedType): unknown {
  const text = expr.text;
  switch (expected) {
    case 'NUMBER': {
      const n = Number(text.trim());
      if (text.trim() === '' || !Number.isFinite(n)) {
        throw new FeelEvaluationError(`Expected a number but found '${text}'`, text);
      }
      return n;
    }
    case 'BOOLEAN':
      if (text.trim() === 'true') return true;
      if (text.trim() === 'false') return false;
      throw new FeelEvaluationError(`Expected a boolean but found '${text}'`, text);
    default:
      return text;
  }
}

/** Evaluates and converts to JSON in one step (mappings, script results). */
export function evaluateJson(expr: CompiledExpression, env: EvalEnv): Json {
  return toJson(evaluate(expr, env, 'ANY'));
}
