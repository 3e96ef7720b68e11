/**
 * Budgets of FEEL and DMN evaluation (a pingpin safety net; Zeebe has none): which expressions are
 * guarded (decided from the parse tree at compile time), that guarded ones give the results feelin
 * gives, and that each budget — time, list size, iterations, result size, a decision's deadline —
 * fails the evaluation with FeelBudgetExceeded naming the expression and the budget.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate as feelinEvaluate } from '@bpmn-io/feelin';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { Store } from '../../src/engine/store.js';
import { bpmn, chain } from '../support/bpmn.js';
import { parseDmn, evaluateDecision, DecisionEvaluationError } from '../../src/dmn/index.js';
import {
  compile,
  compileUnaryTests,
  DEFAULT_FEEL_BUDGET,
  evaluate,
  evaluateUnaryTests,
  failureMessage,
  FeelBudgetExceeded,
  FeelEvaluationError,
  type FeelBudget,
} from '../../src/feel/index.js';

const now = () => Date.parse('2026-03-01T00:00:00Z');
const env = (variables: Record<string, unknown> = {}, budget: Partial<FeelBudget> = {}) => ({
  variables,
  now,
  budget: { ...DEFAULT_FEEL_BUDGET, ...budget },
});

function budgetError(source: string, variables: Record<string, unknown> = {}, budget: Partial<FeelBudget> = {}): FeelBudgetExceeded {
  try {
    evaluate(compile(source), env(variables, budget));
  } catch (err) {
    if (err instanceof FeelBudgetExceeded) return err;
    throw err;
  }
  throw new Error(`${source} stayed within its budget`);
}

/** Exponential recursion: a function passed to itself, no lists at all. */
const RECURSION_BOMB = '={f: function(n, g) if n = 0 then 0 else g(n - 1, g) + g(n - 1, g), r: f(60, f)}.r';

describe('which expressions are guarded', () => {
  it('leaves plain expressions unguarded', () => {
    for (const source of ['=a + 1', '=groups.hr', '=if x > 3 then "a" else "b"', '=items[item.ok]', '=count(items)', '=string join(names, ", ")', '=now()', '=date("2026-01-01") + duration("P1D")']) {
      expect(compile(source).guard, source).toBeUndefined();
    }
  });

  it('guards iteration, function definitions, costly built-ins and filters inside filters', () => {
    for (const source of [
      '=for i in 1..n return i',
      '=some x in items satisfies x > 1',
      '=every x in items satisfies x > 1',
      '={f: function(x) x + 1}.f(1)',
      '=matches(s, "(a+)+$")',
      '=replace(s, "a", "b")',
      '=split(s, ",")',
      '=extract(s, "[0-9]+")',
      '=distinct values(items)',
      '=union(a, b)',
      '=items[count(items[item > 1]) > 0]',
    ]) {
      expect(compile(source).guard, source).toBeDefined();
    }
  });

  it('guards unary tests the same way', () => {
    expect(compileUnaryTests('< 5').guard).toBeUndefined();
    expect(compileUnaryTests('"a","b"').guard).toBeUndefined();
    expect(compileUnaryTests('? > count(for i in 1..3 return i)').guard).toBeDefined();
    expect(compileUnaryTests('matches(?, "^[a-z]+$")').guard).toBeDefined();
  });
});

describe('guarded expressions evaluate as feelin does', () => {
  const variables = { n: 4, items: [3, 1, 2], s: 'a,b,c', names: ['x', 'y'], m: 0, zero: 0 };
  it.each([
    'for i in 1..n return i * 2',
    'for i in n..1 return i',
    'for i in 1..0 return i',
    'for i in 1..zero return i',
    'for i in [1..3) return i',
    'for i in (1..3] return i',
    'for i in ]1..3] return i',
    'for x in "a".."e" return x',
    'for x in items return x + 1',
    'for i in 1..2, j in i..3 return [i, j]',
    'for i in 1..3 return if i = 1 then 1 else partial[-1] * i',
    'some x in items satisfies x > 2',
    'every x in 1..n satisfies x > 0',
    'count(for i in 1..n return for j in 1..i return j)',
    'items[count(items[item > 1]) > 0]',
    'for x in null return x',
    'sort(items, function(a, b) a < b)',
    'split(s, ",")',
  ])('%s', (text) => {
    const expected = feelinEvaluate(text, variables).value;
    expect(compile(`=${text}`).guard).toBeDefined();
    expect(evaluate(compile(`=${text}`), env(variables))).toEqual(expected);
  });

  it('fails the same way where feelin fails', () => {
    expect(() => evaluate(compile('=for x in @"2020-01-01"..@"2020-01-03" return x'), env())).toThrow(FeelEvaluationError);
    expect(() => evaluate(compile('=for x in @"2020-01-01"..@"2020-01-03" return x'), env())).not.toThrow(FeelBudgetExceeded);
  });
});

describe('budgets', () => {
  it('refuses a range longer than the list budget before building it', () => {
    const err = budgetError('=count(for i in 1..10000000 return i)');
    expect(err.message).toBe(
      "Evaluation of '=count(for i in 1..10000000 return i)' exceeded its budget of 100000 list elements (the range 1..10000000 has 10000000 elements)",
    );
    expect(err).toBeInstanceOf(FeelEvaluationError);
    // A range bound by a variable, and an interval, are checked the same way.
    expect(budgetError('=for i in 1..n return i', { n: 200_000 }).budget).toBe('100000 list elements');
    expect(budgetError('=for i in [1..n] return i', { n: 200_000 }).detail).toBe('the range 1..200000 has 200000 elements');
    expect(budgetError('=every i in 1..n satisfies i > 0', { n: 1e300 }).budget).toBe('100000 list elements');
  });

  it('refuses a range that never ends (feelin steps by one until it meets the end exactly)', () => {
    expect(budgetError('=for i in 0.5..3 return i').detail).toBe('the range 0.5..3 never reaches its end');
    expect(budgetError('=for i in (0..0] return i').detail).toBe('the range 0..0 never reaches its end');
  });

  it('refuses a list longer than the list budget', () => {
    expect(budgetError('=for x in items return x', { items: [1, 2, 3, 4] }, { maxItems: 3 }).detail).toBe('it iterates over a list of 4');
  });

  it('counts iterations in all, nested and combined', () => {
    const err = budgetError('=for i in 1..100, j in 1..100 return 1', {}, { maxIterations: 5000 });
    expect(err.message).toBe("Evaluation of '=for i in 1..100, j in 1..100 return 1' exceeded its budget of 5000 iterations");
    expect(budgetError('=for i in 1..100 return for j in 1..100 return 1', {}, { maxIterations: 5000 }).budget).toBe('5000 iterations');
    expect(budgetError('=for i in 1..3 return for j in 1..3 return 1', {}, { maxIterations: 11 }).budget).toBe('11 iterations');
    expect(evaluate(compile('=for i in 1..3 return for j in 1..3 return 1'), env({}, { maxIterations: 12 }))).toHaveLength(3);
    // By default a cartesian product of a million is refused while it is being built.
    expect(budgetError('=for i in 1..1000, j in 1..1000 return 1').budget).toBe('100000 iterations');
  });

  it('interrupts an evaluation that runs out of time: recursion, regular expressions', () => {
    const err = budgetError(RECURSION_BOMB, {}, { timeMs: 50 });
    expect(err.message).toBe(`Evaluation of '${RECURSION_BOMB}' exceeded its budget of 50 ms`);
    const redos = budgetError('=matches(s, "^(a+)+$")', { s: `${'a'.repeat(40)}!` }, { timeMs: 50 });
    expect(redos.budget).toBe('50 ms');
  });

  it('measures the result: list elements and context entries, and characters', () => {
    expect(budgetError('=string join(for i in 1..100 return "0123456789")', {}, { maxChars: 999 }).detail).toBe('in its result');
    expect(budgetError('=for i in 1..10 return {a: i, b: i}', {}, { maxItems: 25 }).budget).toBe('25 list elements');
    // `partial` is the list being built: a result that contains itself is refused, not expanded forever.
    expect(budgetError('=for i in 1..3 return partial').budget).toBe('100000 list elements');
  });

  it('names the element in incident messages', () => {
    const err = budgetError('=count(for i in 1..10000000 return i)');
    expect(failureMessage(err, 'bomb')).toBe(
      "Evaluation of '=count(for i in 1..10000000 return i)' at element 'bomb' exceeded its budget of 100000 list elements (the range 1..10000000 has 10000000 elements)",
    );
    const plain = new FeelEvaluationError('Failed to evaluate expression', 'x');
    expect(failureMessage(plain, 'bomb')).toBe('Failed to evaluate expression');
  });

  it('shortens a long expression in the message', () => {
    const long = `=count(for i in 1..10000000 return i) + ${'1 + '.repeat(100)}1`;
    expect(budgetError(long).subject).toMatch(/^'=count\(for i in 1\.\.10000000 return i\) \+ 1 \+ .{100,}…'$/);
  });

  it('takes a limit the vm cannot take (Infinity) as none', () => {
    expect(evaluate(compile('=for i in 1..3 return i'), env({}, { timeMs: Number.POSITIVE_INFINITY }))).toEqual([1, 2, 3]);
  });

  it('guards unary tests', () => {
    const tests = compileUnaryTests('? < count(for i in 1..10000000 return i)');
    expect(() => evaluateUnaryTests(tests, 3, env())).toThrow(FeelBudgetExceeded);
    expect(evaluateUnaryTests(compileUnaryTests('? < count(for i in 1..10 return i)'), 3, env())).toBe(true);
  });
});

describe('decisions under a budget', () => {
  const dmn = (literal: string, tableInput = 'x') => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="budget" name="budget" namespace="http://pingpin/test">
  <decision id="bomb" name="Bomb">
    <literalExpression><text>${literal}</text></literalExpression>
  </decision>
  <decision id="table" name="Table">
    <decisionTable hitPolicy="COLLECT">
      <input id="in1"><inputExpression typeRef="number"><text>${tableInput}</text></inputExpression></input>
      <output id="out1" name="r" typeRef="number" />
      <rule id="r1"><inputEntry><text>&gt; 0</text></inputEntry><outputEntry><text>1</text></outputEntry></rule>
      <rule id="r2"><inputEntry><text>&gt; 1</text></inputEntry><outputEntry><text>2</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>`;

  function failure(graphXml: string, decisionId: string, budget: Partial<FeelBudget> = {}, variables = {}) {
    return parseDmn(graphXml, 'budget.dmn').then((graph) => {
      try {
        evaluateDecision(graph, decisionId, variables, now, { ...DEFAULT_FEEL_BUDGET, ...budget });
      } catch (err) {
        if (err instanceof DecisionEvaluationError) return err;
        throw err;
      }
      throw new Error('the decision stayed within its budget');
    });
  }

  it('fails a decision whose expression goes over the budget, naming the decision and the budget', async () => {
    const err = await failure(dmn('count(for i in 1..10000000 return i)'), 'bomb');
    expect(err.budgetExceeded).toBe(true);
    expect(err.message).toBe(
      "Expected to evaluate decision 'bomb', but evaluation of '=count(for i in 1..10000000 return i)' exceeded its budget of 100000 list elements (the range 1..10000000 has 10000000 elements)",
    );
    const slow = await failure(dmn(RECURSION_BOMB.slice(1)), 'bomb', { timeMs: 50 });
    expect(slow.budgetExceeded).toBe(true);
    expect(slow.message).toContain('exceeded its budget of 50 ms');
  });

  it('shares one deadline among all the evaluations of a decision', async () => {
    // Each input evaluation is cheap; the deadline has passed before the table runs.
    const err = await failure(dmn('1'), 'table', { timeMs: 0 }, { x: 2 });
    expect(err.budgetExceeded).toBe(true);
    expect(err.message).toBe("Expected to evaluate decision 'table', but evaluation of '=x' exceeded its budget of 0 ms (the time ran out before it)");
  });

  it('leaves ordinary failures as they were', async () => {
    const graph = await parseDmn(dmn('assert(1, false, "nope")'), 'budget.dmn');
    try {
      evaluateDecision(graph, 'bomb', {}, now);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DecisionEvaluationError);
      expect((err as DecisionEvaluationError).budgetExceeded).toBe(false);
    }
    expect(evaluateDecision(graph, 'table', { x: 2 }, now).output).toEqual([1, 2]);
  });
});

describe('the engine option feelBudget', () => {
  it('sets the budget of the engine\'s evaluations; unset parts keep their defaults', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pingpin-budget-option-'));
    const store = new Store(join(dir, 'engine.db'));
    const engine = await Engine.open({ store, logger: pino({ level: 'silent' }), feelBudget: { timeMs: 50, maxItems: 10 } });
    try {
      const { elements, flows } = chain(
        { id: 'start', kind: 'start' },
        { id: 'calc', kind: 'script', ext: '<zeebe:script expression="=for i in 1..n return i" resultVariable="r" />' },
        { id: 'end', kind: 'end' },
      );
      await engine.deploy([{ name: 'option.bpmn', content: Buffer.from(bpmn('option', elements, flows)) }]);
      const small = engine.createProcessInstance({ processDefinitionId: 'option', variables: { n: 10 } });
      const big = engine.createProcessInstance({ processDefinitionId: 'option', variables: { n: 11 } });
      const messages = store.stmt(`SELECT process_instance_key AS pi, error_message AS message FROM incidents`).all() as { pi: number; message: string }[];
      expect(messages).toEqual([
        {
          pi: Number(big.processInstanceKey),
          message: "Evaluation of '=for i in 1..n return i' at element 'calc' exceeded its budget of 10 list elements (the range 1..11 has 11 elements)",
        },
      ]);
      expect(messages.some((m) => m.pi === Number(small.processInstanceKey))).toBe(false);
    } finally {
      engine.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
