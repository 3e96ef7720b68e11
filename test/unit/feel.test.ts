import { describe, expect, it } from 'vitest';
import { compile, evaluate, evaluateJson, FeelEvaluationError, FeelSyntaxError, toJson } from '../../src/feel/index.js';

const env = (variables: Record<string, any> = {}, now = Date.parse('2026-09-28T02:00:00Z')) => ({ variables, now: () => now });

describe('FEEL', () => {
  it('treats values without "=" as static strings and values with "=" as expressions', () => {
    expect(compile('payment').isStatic).toBe(true);
    expect(evaluate(compile('payment'), env(), 'STRING')).toBe('payment');
    expect(evaluate(compile('3'), env(), 'NUMBER')).toBe(3);
    expect(evaluate(compile('= a + 1'), env({ a: 2 }))).toBe(3);
  });

  it('rejects syntax errors at compile time with a position', () => {
    expect(() => compile('=a +')).toThrow(FeelSyntaxError);
    expect(() => compile('=')).toThrow(/empty/);
    expect(() => compile('=if x then')).toThrow(/position/);
  });

  it('reports a type mismatch in Zeebe wording, with the missing variable', () => {
    const run = () => evaluate(compile('=score >= 80'), env(), 'BOOLEAN');
    expect(run).toThrow(FeelEvaluationError);
    expect(run).toThrow("Expected result of the expression 'score >= 80' to be 'BOOLEAN', but was 'NULL'.");
    expect(run).toThrow("[NO_VARIABLE_FOUND] No variable found with name 'score'");
    expect(() => evaluate(compile('=1'), env(), 'STRING')).toThrow("to be 'STRING', but was 'NUMBER'");
  });

  it('has the Camunda extension functions Zeebe adds', () => {
    const e = (x: string, v: Record<string, any> = {}) => evaluateJson(compile(`=${x}`), env(v));
    expect(e('get or else(missing, "默认")')).toBe('默认');
    expect(e('is defined(x)', { x: 1 })).toBe(true);
    expect(e('is empty([])')).toBe(true);
    expect(e('is blank("  ")')).toBe(true);
    expect(e('trim("  a ")')).toBe('a');
    expect(e('duplicate values([1, 2, 1])')).toEqual([1]);
    expect(e('partition([1, 2, 3], 2)')).toEqual([[1, 2], [3]]);
    expect(e('years and months duration(date("2020-01-31"), date("2026-11-21"))')).toBe('P6Y9M');
    expect(e('to base64("特")')).toBe(Buffer.from('特').toString('base64'));
    expect(e('last day of month(date("2028-02-10"))')).toBe('2028-02-29');
    expect(e('extract("a1b22", "[0-9]+")')).toEqual(['1', '22']);
    expect(() => evaluateJson(compile('=assert(x, x > 0)'), env({ x: -1 }))).toThrow(FeelEvaluationError);
  });

  it('lets a variable win over a same-named function, as feel-scala keeps them apart', () => {
    expect(evaluateJson(compile('=partition + 1'), env({ partition: 3 }))).toBe(4);
  });

  it('does not offer from json / to json, which Zeebe 8.8 (feel-scala 1.19) lacks', () => {
    expect(() => evaluate(compile('=to json({a: 1})'), env(), 'STRING')).toThrow(FeelEvaluationError);
  });

  it('reads now() and today() from the engine clock', () => {
    expect(evaluateJson(compile('=now()'), env())).toBe('2026-09-28T02:00:00Z');
    expect(evaluateJson(compile('=today()'), env())).toBe('2026-09-28');
  });

  it('keeps JSON values as given and turns temporals into ISO strings', () => {
    const value = { n: 1.5, s: '串', b: false, z: null, l: [1, { x: [] }] };
    expect(evaluateJson(compile('=v'), env({ v: value }))).toEqual(value);
    expect(evaluateJson(compile('=date("2026-10-09")'), env())).toBe('2026-10-09');
    expect(evaluateJson(compile('=duration("P5D")'), env())).toBe('P5D');
    expect(toJson(Number.NaN)).toBeNull();
  });
});
