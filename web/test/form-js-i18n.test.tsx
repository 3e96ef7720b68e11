// @vitest-environment jsdom
/**
 * form-js's messages in Chinese: every message its validator can produce (read from the installed
 * package's source, evaluated with sample values), the component messages, and the viewer's UI
 * strings; then a real form-js Form with the Chinese validator module.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Form } from '@bpmn-io/form-js';
import { chineseValidatorModule, translateFormJsDom, translateFormJsMessage, translateFormJsUi } from '../src/shared/i18n/form-js';

const HAN = /[\u4e00-\u9fff]/;
const require = createRequire(import.meta.url);
const viewerSource = readFileSync(require.resolve('@bpmn-io/form-js-viewer').replace(/index\.cjs$/, 'index.es.js'), 'utf8');

/** Every `errors.push(<expression>)` in the viewer (the validator's helpers and the components'). */
function pushedExpressions(): string[] {
  const out: string[] = [];
  const re = /errors\.push\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(viewerSource))) {
    // the argument runs to the matching parenthesis
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    let quote: string | null = null;
    for (; i < viewerSource.length && depth > 0; i++) {
      const c = viewerSource[i]!;
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === "'" || c === '"' || c === '`') quote = c;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
    }
    out.push(viewerSource.slice(start, i - 1));
  }
  return out;
}

/** The English messages each expression yields with a range of sample values. */
function sampleMessages(expression: string): string[] {
  const samples = [
    { decimalDigits: 0, previousValue: 5, nextValue: 10, validation: { pattern: '^[0-9]{6}$', min: 0, max: 100, minLength: 5, maxLength: 200 } },
    { decimalDigits: 1, previousValue: 0.5, nextValue: 1, validation: { pattern: '[A-Z]+', min: -3.5, max: 1e3, minLength: 1, maxLength: 18 } },
    { decimalDigits: 3, previousValue: 2.25, nextValue: 2.5, validation: { pattern: '.*', min: 1, max: 2, minLength: 10, maxLength: 11 } },
  ];
  const evaluate = new Function('decimalDigits', 'previousValue', 'nextValue', 'validation', `return (${expression});`) as (...a: unknown[]) => unknown;
  return samples.map((s) => String(evaluate(s.decimalDigits, s.previousValue, s.nextValue, s.validation)));
}

describe('form-js validation messages', () => {
  const expressions = pushedExpressions();

  it('finds the validator in the installed form-js', () => {
    // runNumberValidation (3), runPresetValidation (10), the document preview (1)
    expect(expressions.length).toBeGreaterThanOrEqual(14);
    expect(viewerSource).toContain("validator: ['type', Validator]");
  });

  it.each(expressions.map((e) => [e.replace(/\s+/g, ' ').slice(0, 90), e]))('translates every message of errors.push(%s)', (_name, expression) => {
    for (const english of sampleMessages(expression)) {
      const chinese = translateFormJsMessage(english);
      expect(chinese, english).not.toBe(english);
      expect(chinese, english).toMatch(HAN);
      expect(chinese, english).not.toMatch(/\b(Field|Value|must|Please|is|valid)\b/);
    }
  });

  it('keeps the numbers and the pattern in the Chinese text', () => {
    expect(translateFormJsMessage('Field must have maximum value of 100.')).toBe('不能大于 100。');
    expect(translateFormJsMessage('Field must have minimum value of 0.')).toBe('不能小于 0。');
    expect(translateFormJsMessage('Field must have minimum length of 5.')).toBe('长度不能少于 5 个字符。');
    expect(translateFormJsMessage('Field must have maximum length of 18.')).toBe('长度不能超过 18 个字符。');
    expect(translateFormJsMessage('Value is expected to have at most 1 decimal digit.')).toBe('最多保留 1 位小数。');
    expect(translateFormJsMessage('Value is expected to have at most 2 decimal digits.')).toBe('最多保留 2 位小数。');
    expect(translateFormJsMessage('Value is expected to be an integer.')).toBe('请输入整数。');
    expect(translateFormJsMessage('Please select a valid value, the two nearest valid values are 0.5 and 1.')).toBe('请输入有效值，最接近的两个有效值为 0.5 和 1。');
    expect(translateFormJsMessage('Field must match pattern ^\\d{18}$.')).toBe('格式不正确（应符合 ^\\d{18}$）。');
    expect(translateFormJsMessage('Field is required.')).toBe('此项为必填项。');
    expect(translateFormJsMessage('Field must be a valid email.')).toBe('请输入有效的电子邮箱地址。');
    expect(translateFormJsMessage('Field must be a valid  international phone number. (e.g. +4930664040900)')).toMatch(/^请输入有效的国际电话号码/);
    expect(translateFormJsMessage('Value is not a number.')).toBe('请输入数字。');
  });

  it('translates the messages the components add themselves', () => {
    expect(viewerSource).toContain("'Date and time must both be entered.'");
    expect(translateFormJsMessage('Date and time must both be entered.')).toBe('日期和时间须同时填写。');
    expect(translateFormJsMessage('Unable to download document')).toBe('无法下载文档');
  });

  it("leaves a form's own (Chinese) patternErrorMessage alone", () => {
    expect(translateFormJsMessage('格式应为 GD-2026-T-01')).toBe('格式应为 GD-2026-T-01');
  });
});

describe('form-js viewer UI strings', () => {
  it.each([
    ['Search', '搜索'],
    ['Select', '请选择'],
    ['No results', '无匹配结果'],
    ['All values selected', '已全部选择'],
    ['Previous page', '上一页'],
    ['Next page', '下一页'],
    ['Increment', '增加'],
    ['Decrement', '减少'],
    ['Nothing to show.', '暂无数据。'],
    ['Add new', '新增'],
    ['Collapse', '收起'],
    ['Expand all (3)', '全部展开（3）'],
    ['Remove list item 2', '删除第 2 项'],
    ['Click to sort by 姓名 ascending', '点击按“姓名”升序排列'],
    ['No files selected', '未选择文件'],
    ['yyyy/mm/dd', '年/月/日'],
  ])('%s → %s', (english, chinese) => {
    expect(translateFormJsUi(english)).toBe(chinese);
  });

  it('leaves other text (the forms are Chinese) and the bpmn.io watermark alone', () => {
    expect(translateFormJsUi('评审意见')).toBeUndefined();
    const root = document.createElement('div');
    root.innerHTML = '<input placeholder="Search"><a class="fjs-powered-by" title="Powered by bpmn.io">bpmn.io</a><span> of </span><button aria-label="Next page"></button>';
    translateFormJsDom(root);
    expect(root.querySelector('input')!.getAttribute('placeholder')).toBe('搜索');
    expect(root.querySelector('a')!.getAttribute('title')).toBe('Powered by bpmn.io');
    expect(root.querySelector('span')!.textContent).toBe(' / ');
    expect(root.querySelector('button')!.getAttribute('aria-label')).toBe('下一页');
  });
});

describe('the Chinese validator module in a real form-js Form', () => {
  const schema = {
    type: 'default',
    components: [
      { type: 'textfield', id: 'name', key: 'name', label: '姓名', validate: { required: true, minLength: 2 } },
      { type: 'number', id: 'score', key: 'score', label: '得分', decimalDigits: 1, validate: { required: true, min: 0, max: 100 } },
      { type: 'textfield', id: 'email', key: 'email', label: '邮箱', validate: { validationType: 'email' } },
    ],
  };

  it('validate() and submit() give Chinese messages', async () => {
    const container = document.createElement('div');
    document.body.appendChild(container);
    const form = new Form({ container, additionalModules: [chineseValidatorModule] });
    await form.importSchema(schema, { name: 'a', score: 150, email: 'x@' });
    const errors = form.validate() as Record<string, string[]>;
    expect(errors).toEqual({ name: ['长度不能少于 2 个字符。'], score: ['不能大于 100。'], email: ['请输入有效的电子邮箱地址。'] });
    await form.importSchema(schema, {});
    const result = form.submit();
    expect(result.errors).toMatchObject({ name: ['此项为必填项。'], score: ['此项为必填项。'] });
    form.destroy();
  });
});
