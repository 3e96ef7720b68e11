// @vitest-environment jsdom
/** Small pieces of the form-js wrapper: counting errors, the headings of a form's markdown. */
import { describe, expect, it } from 'vitest';
import { countErrors, demoteHeadings } from '../src/shared/forms/FormView';

describe('countErrors', () => {
  it('counts each invalid field instance once, repeated fields once per repetition', () => {
    expect(countErrors({})).toBe(0);
    expect(countErrors({ name: ['此项为必填项。'], score: [['不能大于 100。'], ['此项为必填项。']] })).toBe(3);
    expect(countErrors({ score: { 1: ['不能大于 100。'] } })).toBe(1);
  });
});

describe('demoteHeadings', () => {
  it("puts a form's headings under the page's h1 and h2, without jumps", () => {
    const div = document.createElement('div');
    div.innerHTML = '<h1>评审打分</h1><h3>参评人员</h3><h3>资格判定结果</h3>';
    const stop = demoteHeadings(div);
    expect([...div.querySelectorAll('h1, h3')].map((h) => h.getAttribute('aria-level'))).toEqual(['3', '4', '4']);
    stop();
  });
});
