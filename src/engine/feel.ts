/**
 * FEEL as Zeebe uses it: attribute values that start with `=` are expressions, anything else is a
 * static value. Expressions are parsed once at deployment (syntax errors reject the deployment) and
 * evaluated against the variables visible from a scope. Zeebe's own extension functions (the ones
 * feel-scala ships and feelin lacks) are added here, and `now()` / `today()` read the engine clock.
 */
import { randomUUID } from 'node:crypto';
import { evaluate as feelEvaluate, parseExpression, parseUnaryTests, unaryTest as feelUnaryTest } from '@bpmn-io/feelin';
import { DateTime, Duration } from 'luxon';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The subset of FEEL types Zeebe checks expression results against. */
export type ExpectedType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT' | 'DATE_TIME' | 'DURATION' | 'ANY';

export class FeelSyntaxError extends Error {}

/** An expression that failed at runtime or produced a result of the wrong type. */
export class FeelEvaluationError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(message);
  }
}

export interface CompiledExpression {
  /** The original attribute text (with the leading `=` for expressions). */
  readonly source: string;
  readonly isStatic: boolean;
  /** The FEEL text without `=`; for static values the value itself. */
  readonly text: string;
}

/** Names of extension functions, so the parser treats their multi-word names as one identifier. */
const EXTENSION_FUNCTION_NAMES = [
  'get or else',
  'is defined',
  'is empty',
  'is blank',
  'duplicate values',
  'random number',
  'to base64',
  'last day of month',
  'assert',
  'partition',
  'uuid',
  'trim',
  'extract',
] as const;

const PARSE_CONTEXT: Record<string, unknown> = Object.fromEntries(
  EXTENSION_FUNCTION_NAMES.map((n) => [n, () => null]),
);

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
  assertWellFormed(text, parseExpression(text, PARSE_CONTEXT, undefined));
  return { source, isStatic: false, text };
}

/** DMN unary tests (an input entry such as `< 5`, `[1..10]`, `"a","b"`, `not("a")`, `? > 3`). */
export interface CompiledUnaryTests {
  readonly text: string;
  /** The tests are one expression that reads the input value `?` (e.g. `? > 3`, `count(?) > 1`). */
  readonly isInputExpression: boolean;
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
  return { text, isInputExpression: readsInput && errorPosition(parseExpression(text, PARSE_CONTEXT, undefined)) === undefined };
}

type ParseTree = ReturnType<typeof parseExpression>;

function errorPosition(tree: ParseTree): number | undefined {
  let errorAt: number | undefined;
  tree.iterate({
    enter(node) {
      if (errorAt === undefined && node.type.isError) {
        errorAt = node.from;
      }
    },
  });
  return errorAt;
}

function assertWellFormed(text: string, tree: ParseTree): void {
  const errorAt = errorPosition(tree);
  if (errorAt !== undefined) {
    const near = text.slice(errorAt, errorAt + 12);
    throw new FeelSyntaxError(
      `FEEL syntax error at position ${errorAt + 1} in '${text}' (${near === '' ? 'the expression ends too early' : `near '${near}'`})`,
    );
  }
}

/** Tells whether a value is a FEEL expression (`=...`). */
export function isExpression(source: string | undefined): boolean {
  return source !== undefined && source.trim().startsWith('=');
}

class AssertionFailure extends Error {}

/**
 * feelin finds a function's parameter names in its source text, which a minifying loader (tsx)
 * rewrites; `$args` names them explicitly.
 */
function fn<F extends (...args: never[]) => unknown>(args: string[], impl: F): F {
  (impl as unknown as { $args: string[] }).$args = args;
  return impl;
}

/** Whole months between two temporals, as feel-scala's `years and months duration` (feelin gives fractions). */
function yearsAndMonths(from: unknown, to: unknown): Duration | null {
  if (!DateTime.isDateTime(from) || !DateTime.isDateTime(to)) return null;
  const sign = to >= from ? 1 : -1;
  const [a, b] = sign === 1 ? [from, to] : [to, from];
  let months = (b.year - a.year) * 12 + (b.month - a.month);
  if (b.set({ year: a.year, month: a.month }) < a) months -= 1;
  months *= sign;
  return Duration.fromObject({ years: Math.trunc(months / 12), months: months % 12 });
}

function extensionFunctions(now: () => number): Record<string, unknown> {
  return {
    now: fn([], () => DateTime.fromMillis(now(), { zone: 'UTC' })),
    today: fn([], () => DateTime.fromMillis(now(), { zone: 'UTC' }).startOf('day')),
    'get or else': fn(['value', 'default'], (value: unknown, fallback: unknown) => (value === null || value === undefined ? fallback : value)),
    'is defined': fn(['value'], (value: unknown) => value !== null && value !== undefined),
    'is empty': fn(['list'], (list: unknown) => (Array.isArray(list) ? list.length === 0 : null)),
    'is blank': fn(['string'], (s: unknown) => (typeof s === 'string' ? s.trim() === '' : null)),
    trim: fn(['string'], (s: unknown) => (typeof s === 'string' ? s.trim() : null)),
    'duplicate values': fn(['list'], (list: unknown) => {
      if (!Array.isArray(list)) return null;
      const seen = new Set<string>();
      const dup = new Map<string, unknown>();
      for (const v of list) {
        const k = JSON.stringify(v);
        if (seen.has(k)) dup.set(k, v);
        seen.add(k);
      }
      return [...dup.values()];
    }),
    partition: fn(['list', 'size'], (list: unknown, size: unknown) => {
      if (!Array.isArray(list) || typeof size !== 'number' || size < 1) return null;
      const out: unknown[][] = [];
      for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
      return out;
    }),
    'random number': fn([], () => Math.random()),
    uuid: fn([], () => randomUUID()),
    'to base64': fn(['value'], (s: unknown) => (typeof s === 'string' ? Buffer.from(s, 'utf8').toString('base64') : null)),
    'last day of month': fn(['date'], (d: unknown) =>
      DateTime.isDateTime(d) ? d.endOf('month').startOf('day').setZone('UTC', { keepLocalTime: true }) : null,
    ),
    'years and months duration': fn(['from', 'to'], yearsAndMonths),
    extract: fn(['string', 'pattern'], (s: unknown, pattern: unknown) => {
      if (typeof s !== 'string' || typeof pattern !== 'string') return null;
      return [...s.matchAll(new RegExp(pattern, 'g'))].map((m) => m[0]);
    }),
    assert: fn(['value', 'condition', 'cause'], (value: unknown, condition: unknown, message?: unknown) => {
      if (condition !== true) {
        throw new AssertionFailure(
          typeof message === 'string' ? message : `Assertion failure on evaluate the expression: ${String(value)}`,
        );
      }
      return value;
    }),
  };
}

/** Variables win over same-named functions: feel-scala keeps them apart, and `partition + 1` must read the variable. */
function context(now: () => number, variables: Record<string, unknown>): Record<string, unknown> {
  return { ...extensionFunctions(now), ...variables };
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
  const result = run(expr.text, () => feelEvaluate(expr.text, context(env.now, env.variables)));
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
  const ctx = { ...context(env.now, env.variables), '?': input };
  if (tests.isInputExpression) {
    // feel-scala takes an expression over `?` as a condition: a non-boolean result is null, no match.
    // feelin would compare that result with the input, so `? > 3` would match a null input.
    const value = run(tests.text, () => feelEvaluate(tests.text, ctx)).value;
    return typeof value === 'boolean' ? value : null;
  }
  return run(tests.text, () => feelUnaryTest(tests.text, ctx)).value;
}

type FeelResult = { value: unknown; warnings: { type: string; message: string }[] };

/** Runs feelin, turning exceptions and failed function invocations into FeelEvaluationError. */
function run(text: string, evaluation: () => FeelResult): FeelResult {
  let result: FeelResult;
  try {
    result = evaluation();
  } catch (err) {
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
