/**
 * FEEL as Zeebe uses it: attribute values that start with `=` are expressions, anything else is a
 * static value. Expressions are parsed once at deployment (syntax errors reject the deployment) and
 * evaluated against the variables visible from a scope. Zeebe's own extension functions (the ones
 * feel-scala ships and feelin lacks) are added here, and `now()` / `today()` read the engine clock.
 *
 * Budgets (a pingpin safety net; Zeebe has none): an expression that can iterate, recurse or
 * backtrack — decided once, from its parse tree, at compile time — is evaluated under a time limit
 * and with bounds on the lists it iterates and the result it builds (see FeelBudget). Exceeding one
 * throws FeelBudgetExceeded, a FeelEvaluationError, so it fails like any other evaluation (an
 * incident). Every other expression is evaluated as before, at no extra cost.
 */
import { randomUUID } from 'node:crypto';
import vm from 'node:vm';
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

/**
 * An evaluation that went over its budget (FeelBudget): time, the size of a list it iterates, its
 * iterations in all, or the size of its result. A pingpin safety net; Zeebe has no such limit.
 */
export class FeelBudgetExceeded extends FeelEvaluationError {
  constructor(
    /** The expression as quoted in messages: `'=count(…)'`, or unary tests without `=`. */
    readonly subject: string,
    /** The budget that was exceeded, with its unit: `1000 ms`, `100000 list elements`. */
    readonly budget: string,
    /** What went over it, when more than the time: `the range 1..10000000 has 10000000 elements`. */
    readonly detail: string | undefined,
    expression: string,
  ) {
    super(`Evaluation of ${subject} exceeded its budget of ${budget}${detail ? ` (${detail})` : ''}`, expression);
  }

  /** The message naming the element whose expression it is. */
  at(elementId: string): string {
    return `Evaluation of ${this.subject} at element '${elementId}' exceeded its budget of ${this.budget}${this.detail ? ` (${this.detail})` : ''}`;
  }
}

/** An evaluation failure as an incident message: a budget failure also names the element. */
export function failureMessage(err: FeelEvaluationError, elementId: string): string {
  return err instanceof FeelBudgetExceeded ? err.at(elementId) : err.message;
}

/**
 * What one guarded FEEL evaluation may use. Zeebe has no such limits; they keep one expression
 * (`count(for i in 1..10000000 return i)`) from blocking the single-threaded engine and from growing
 * the heap until the process dies — at every start again when the expression sits behind a timer.
 */
export interface FeelBudget {
  /**
   * Wall-clock time of one evaluation; for a decision, of the whole decision with the decisions it
   * requires. The event loop, and so every other request, waits at most this long.
   */
  readonly timeMs: number;
  /** Elements a list or range may have when `for`, `some` or `every` iterates it; also list elements and context entries a result may hold in all. */
  readonly maxItems: number;
  /** Iterations (`for`, `some`, `every`, nested and combined) one evaluation may make in all. */
  readonly maxIterations: number;
  /** Characters that the strings of a result may hold together. */
  readonly maxChars: number;
}

/**
 * The defaults, and why:
 * - 1000 ms: an ordinary expression takes tens of microseconds, so this is a margin of four orders
 *   of magnitude, and /health and every other request still answer within about a second.
 * - 100 000 elements per list and 100 000 iterations in all: feelin builds the context of every
 *   iteration (a copy of all visible variables) before the loop's first step, at 5–50 µs per
 *   iteration, so in one second a runaway loop could allocate 100–200 MB before the time budget
 *   stops it. These refuse it before it allocates: `1..10000000` is never built, nor the cartesian
 *   product of `for i in 1..1000, j in 1..1000`. More iterations would not finish within the time
 *   budget anyway, and a list a process iterates comes from its variables: 100 000 elements is about
 *   what a 4 MB record (Zeebe's maximum) holds.
 * - 4 MiB of characters: Zeebe's default maximum message size; a larger result could never be
 *   stored as a variable in Zeebe.
 */
export const DEFAULT_FEEL_BUDGET: FeelBudget = Object.freeze({
  timeMs: 1000,
  maxItems: 100_000,
  maxIterations: 100_000,
  maxChars: 4 * 1024 * 1024,
});

/**
 * How a compiled expression that can iterate, recurse or backtrack is run: under the budget, with
 * each iteration source passed through the guard functions (`exec`, see `rewriteIterations`).
 */
export interface Guard {
  /** The text feelin evaluates: `text` with every iteration source wrapped in a guard function. */
  readonly exec: string;
}

export interface CompiledExpression {
  /** The original attribute text (with the leading `=` for expressions). */
  readonly source: string;
  readonly isStatic: boolean;
  /** The FEEL text without `=`; for static values the value itself. */
  readonly text: string;
  /** Present when the expression can iterate, recurse or backtrack: it then runs under the budget. */
  readonly guard?: Guard;
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

// ---------------------------------------------------------------------------------------------
// Budgets: which expressions are guarded (at compile time) and how they run
// ---------------------------------------------------------------------------------------------

type SyntaxNode = ParseTree['topNode'];

/** Nodes that iterate (`for`, `some`, `every`) or can recurse (a function can be passed to itself). */
const ITERATING_NODES = new Set(['ForExpression', 'QuantifiedExpression', 'FunctionDefinition']);

/**
 * Built-ins whose cost is not linear in their input: regular expressions can backtrack
 * exponentially (`matches("aaaa…!", "(a+)+$")`), `union` and `distinct values` compare every pair.
 */
const COSTLY_FUNCTIONS = new Set(['matches', 'replace', 'split', 'extract', 'union', 'distinct values']);

/** The guard functions that `rewriteIterations` wraps iteration sources in. */
const ITERATE_FN = '__pingpin_iterate';
const RANGE_FN = '__pingpin_range';

/**
 * Decides from the parse tree whether an expression needs a budget: when it iterates (`for`,
 * `some`, `every`), defines a function (which can recurse), calls a built-in that can take
 * super-linear time, or filters inside a filter (`a[count(b[…]) > 0]` is quadratic). Anything else
 * — paths, arithmetic, comparisons, a single filter, ordinary function calls — takes time linear in
 * the expression and its variables and runs unguarded.
 */
function guardFor(text: string, tree: ParseTree, mode: 'expression' | 'unaryTests'): Guard | undefined {
  let needed = false;
  let filters = 0;
  tree.iterate({
    enter(node) {
      if (needed) return false;
      if (ITERATING_NODES.has(node.name)) needed = true;
      else if (node.name === 'VariableName' && COSTLY_FUNCTIONS.has(text.slice(node.from, node.to).replace(/\s+/g, ' '))) needed = true;
      else if (node.name === 'FilterExpression') {
        if (filters > 0) needed = true;
        filters++;
      }
      return undefined;
    },
    leave(node) {
      if (node.name === 'FilterExpression') filters--;
    },
  });
  if (!needed) return undefined;
  return { exec: rewriteIterations(text, tree, mode) };
}

/**
 * feelin builds the whole list an iteration goes over (`1..10000000`) before its first step, and
 * offers no hook into it. So the text it evaluates wraps each iteration source in a guard function:
 * `for i in 1..n return i` becomes `for i in __pingpin_range(1, n) return i`, and `x in items`
 * becomes `x in __pingpin_iterate(items)`. The guards check a list's or range's size before it is
 * built and count the iterations (see GuardRun). If the rewritten text would not parse as the
 * original does, the original is kept: the time and result budgets still apply.
 */
function rewriteIterations(text: string, tree: ParseTree, mode: 'expression' | 'unaryTests'): string {
  let rewritable = true;
  const render = (node: SyntaxNode): string => {
    let out = '';
    let pos = node.from;
    for (let child = node.firstChild; child; child = child.nextSibling) {
      out += text.slice(pos, child.from) + (child.name === 'IterationContext' ? iteration(child) : render(child));
      pos = child.to;
    }
    return out + text.slice(pos, node.to);
  };
  const iteration = (node: SyntaxNode): string => {
    const parts: SyntaxNode[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) parts.push(child);
    if (parts.length === 2) return `${RANGE_FN}(${render(parts[0]!)}, ${render(parts[1]!)})`;
    if (parts.length !== 1) rewritable = false;
    return `${ITERATE_FN}(${render(node)})`;
  };
  const exec = render(tree.topNode);
  if (!rewritable) return text;
  const reparsed = mode === 'expression' ? parseExpression(exec, PARSE_CONTEXT, undefined) : parseUnaryTests(exec, PARSE_CONTEXT, undefined);
  return errorPosition(reparsed) === undefined ? exec : text;
}

/** The vm timeout interrupts the synchronous evaluation it runs, outer-realm code included. */
const sandbox = vm.createContext({ run: null as (() => unknown) | null });
const runner = new vm.Script('run()');
let insideTimeLimit = false;

/**
 * Runs `work` and interrupts it after `ms` milliseconds (ERR_SCRIPT_EXECUTION_TIMEOUT). It starts
 * a watchdog thread each time, 0.1–0.5 ms, hence only for guarded expressions. Nested calls run
 * under the outer limit; a limit the vm cannot take (Infinity, NaN, over 2³² − 1 ms) is none.
 */
function withinTime<T>(ms: number, work: () => T): T {
  if (insideTimeLimit || !(ms < 2 ** 32 - 1)) return work();
  insideTimeLimit = true;
  sandbox.run = work;
  try {
    return runner.runInContext(sandbox, { timeout: Math.max(1, Math.ceil(ms)) }) as T;
  } finally {
    sandbox.run = null;
    insideTimeLimit = false;
  }
}

/** The timeout error comes from the vm's realm: no `instanceof Error`. */
const isTimeout = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';

/** How an expression is quoted in budget messages: long ones are shortened. */
function quote(text: string, isExpression: boolean): string {
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return `'${isExpression ? '=' : ''}${shown}'`;
}

/** One guarded evaluation: its budget, and the iterations it has made so far. */
class GuardRun {
  private iterations = 0;

  constructor(
    private readonly budget: FeelBudget,
    private readonly text: string,
    private readonly subject: string,
  ) {}

  exceeded(budget: string, detail?: string): FeelBudgetExceeded {
    return new FeelBudgetExceeded(this.subject, budget, detail, this.text);
  }

  timeExceeded(): FeelBudgetExceeded {
    return this.exceeded(`${this.budget.timeMs} ms`);
  }

  /** The guard functions, added to the evaluation context (after the variables, so they win). */
  functions(): Record<string, unknown> {
    return {
      // `x in source`: a list or range, checked and counted; anything else as feelin takes it.
      [ITERATE_FN]: fn(['source'], (source: unknown) => this.source(source)),
      // `x in start..end`: feelin takes `start` alone when `end` is falsy, else the range start..end.
      [RANGE_FN]: fn(['start', 'end'], (start: unknown, end: unknown) => {
        if (!end) return this.source(start);
        if (typeof start === 'number' && typeof end === 'number') return this.count(this.numbers(start, end, true, true));
        // String ranges ("a".."z") have at most 52 elements; other ranges cannot be iterated. feelin decides.
        return feelEvaluate('for x in start..end return x', { start, end }).value;
      }),
    };
  }

  private source(source: unknown): unknown {
    if (Array.isArray(source)) return this.count(source);
    if (isRange(source) && typeof source.start === 'number' && typeof source.end === 'number') {
      return this.count(this.numbers(source.start, source.end, source['start included'] === true, source['end included'] === true));
    }
    return source;
  }

  private count(list: unknown[]): unknown[] {
    if (list.length > this.budget.maxItems) {
      throw this.exceeded(`${this.budget.maxItems} list elements`, `it iterates over a list of ${list.length}`);
    }
    this.iterations += list.length;
    if (this.iterations > this.budget.maxIterations) {
      throw this.exceeded(`${this.budget.maxIterations} iterations`);
    }
    return list;
  }

  /**
   * The numbers feelin's range start..end iterates (its own algorithm, quirks included: it steps by
   * one until it meets `end` exactly, so `0.5..3` never ends), refused before it is built when it
   * is longer than the budget.
   */
  private numbers(start: number, end: number, startIncluded: boolean, endIncluded: boolean): number[] {
    const range = `the range ${start}..${end}`;
    const size = Math.abs(end - start) + 1;
    if (!(size <= this.budget.maxItems)) {
      throw this.exceeded(`${this.budget.maxItems} list elements`, `${range} has ${Number.isFinite(size) ? Math.floor(size) : 'infinitely many'} elements`);
    }
    const direction = start > end ? -1 : 1;
    const out: number[] = [];
    let steps = 0;
    for (let i = start; ; i += direction) {
      if (++steps > size + 1) throw this.exceeded(`${this.budget.maxItems} list elements`, `${range} never reaches its end`);
      if (i === 0 && !startIncluded) continue;
      if (i === end && !endIncluded) break;
      out.push(i);
      if (i === end) break;
    }
    return out;
  }

  /** The result's list elements and context entries, and its strings' characters, within the budget. */
  checkResult(value: unknown): void {
    let items = 0;
    let chars = 0;
    const pending: unknown[] = [value];
    while (pending.length > 0) {
      const v = pending.pop();
      if (typeof v === 'string') {
        chars += v.length;
        if (chars > this.budget.maxChars) throw this.exceeded(`${this.budget.maxChars} characters`, 'in its result');
      } else if (Array.isArray(v)) {
        items += v.length;
        if (items > this.budget.maxItems) throw this.exceeded(`${this.budget.maxItems} list elements`, 'in its result');
        for (const e of v) pending.push(e);
      } else if (v !== null && typeof v === 'object' && isPlainObject(v)) {
        const values = Object.values(v);
        items += values.length;
        if (items > this.budget.maxItems) throw this.exceeded(`${this.budget.maxItems} list elements`, 'in its result');
        for (const e of values) pending.push(e);
      }
    }
  }
}

interface RangeLike {
  start: unknown;
  end: unknown;
  'start included': unknown;
  'end included': unknown;
}

/** feelin's Range (not exported): start, end, their inclusion, and map/includes functions. */
function isRange(v: unknown): v is RangeLike {
  return v !== null && typeof v === 'object' && 'start included' in v && 'end included' in v && typeof (v as { map?: unknown }).map === 'function';
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
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
