/**
 * Budgets, a pingpin safety net (Zeebe has none): an expression that can iterate, recurse or
 * backtrack — decided once, from its parse tree, at compile time — is evaluated under a time limit
 * and with bounds on the lists it iterates and the result it builds. Exceeding one throws
 * FeelBudgetExceeded, a FeelEvaluationError, so it fails like any other evaluation (an incident).
 * Every other expression is evaluated as before, at no extra cost.
 */
import vm from 'node:vm';
import { evaluate as feelEvaluate, parseExpression, parseUnaryTests } from '@bpmn-io/feelin';
import { FeelBudgetExceeded } from './errors.js';
import { fn } from './functions.js';
import { errorPosition, PARSE_CONTEXT, type ParseTree, type SyntaxNode } from './syntax.js';

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
export function guardFor(text: string, tree: ParseTree, mode: 'expression' | 'unaryTests'): Guard | undefined {
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
export function withinTime<T>(ms: number, work: () => T): T {
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
export const isTimeout = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';

/** How an expression is quoted in budget messages: long ones are shortened. */
export function quote(text: string, isExpression: boolean): string {
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return `'${isExpression ? '=' : ''}${shown}'`;
}

/** One guarded evaluation: its budget, and the iterations it has made so far. */
export class GuardRun {
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
