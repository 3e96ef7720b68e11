/**
 * Chinese for @bpmn-io/form-js (1.x), whose viewer hard-codes English.
 *
 * - Validation messages: the viewer's `validator` service (form-js-viewer `Validator`) returns
 *   English strings; `chineseValidatorModule` is an additional module that wraps that service so
 *   every result is translated before the form shows it or `validate()` / `submit()` return it.
 *   Two messages come from components, not the validator ('Date and time must both be entered.',
 *   the document preview's): `translateFormJsMessage` knows them too, and the DOM translator below
 *   catches them on screen.
 * - Other visible strings (placeholders, aria-labels, table paging, dynamic-list buttons …):
 *   `translateFormJsUi`, applied by `observeFormJsUi` to the rendered form (text nodes and the
 *   placeholder / aria-label / title / alt attributes), since form-js offers no i18n hook for them.
 * - The date picker (flatpickr): `localizeDatePicker` switches it to Mandarin.
 */
import flatpickr from 'flatpickr';
import { Mandarin } from 'flatpickr/dist/l10n/zh.js';

type Rule = [RegExp, (...groups: string[]) => string];

/** Every message the form-js 1.x validator (and the datetime / document-preview components) produce. */
const MESSAGE_RULES: Rule[] = [
  [/^Field is required\.$/, () => '此项为必填项。'],
  [/^Value is not a number\.$/, () => '请输入数字。'],
  [/^Value is expected to be an integer\.$/, () => '请输入整数。'],
  [/^Value is expected to have at most (\d+) decimal digits?\.$/, (n) => `最多保留 ${n} 位小数。`],
  [/^Please select a valid value, the two nearest valid values are (.+) and (.+)\.$/, (a, b) => `请输入有效值，最接近的两个有效值为 ${a} 和 ${b}。`],
  [/^Field must match pattern ([\s\S]*)\.$/, (p) => `格式不正确（应符合 ${p}）。`],
  [/^Field must have minimum value of (.+)\.$/, (n) => `不能小于 ${n}。`],
  [/^Field must have maximum value of (.+)\.$/, (n) => `不能大于 ${n}。`],
  [/^Min validation value is not a valid number\.$/, () => '表单的最小值设置不是有效数字。'],
  [/^Max validation value is not a valid number\.$/, () => '表单的最大值设置不是有效数字。'],
  [/^Field must have minimum length of (\d+)\.$/, (n) => `长度不能少于 ${n} 个字符。`],
  [/^Field must have maximum length of (\d+)\.$/, (n) => `长度不能超过 ${n} 个字符。`],
  [/^Field must be a valid\s+international phone number\. \(e\.g\. \+\d+\)$/, () => '请输入有效的国际电话号码（例如 +8613800138000）。'],
  [/^Field must be a valid email\.$/, () => '请输入有效的电子邮箱地址。'],
  [/^Date and time must both be entered\.$/, () => '日期和时间须同时填写。'],
  [/^Document reference is not defined\.$/, () => '未指定文档。'],
  [/^Unable to download document$/, () => '无法下载文档'],
];

/** A form-js message in Chinese; a message that is not form-js's own (the form's Chinese `patternErrorMessage`) stays. */
export function translateFormJsMessage(message: string): string {
  for (const [re, to] of MESSAGE_RULES) {
    const m = re.exec(message);
    if (m) return to(...m.slice(1));
  }
  return message;
}

export function translateFormJsMessages(messages: readonly string[]): string[] {
  return messages.map(translateFormJsMessage);
}

/** The viewer's other English, exact strings and patterns. */
const UI_EXACT: Record<string, string> = {
  Search: '搜索',
  Select: '请选择',
  'No results': '无匹配结果',
  'All values selected': '已全部选择',
  'Skip to search': '跳到搜索',
  'Remove tag': '移除',
  'Nothing to show.': '暂无数据。',
  'No content to show.': '暂无内容。',
  'Previous page': '上一页',
  'Next page': '下一页',
  Increment: '增加',
  Decrement: '减少',
  Browse: '浏览',
  'No files selected': '未选择文件',
  'Add new': '新增',
  Collapse: '收起',
  'Click to remove sorting': '点击取消排序',
  'This is an image placeholder': '图片占位',
  ' of ': ' / ',
};

const UI_RULES: Rule[] = [
  [/^Click to sort by (.+) ascending$/, (l) => `点击按“${l}”升序排列`],
  [/^Click to sort by (.+) descending$/, (l) => `点击按“${l}”降序排列`],
  [/^Download (.+)$/, (f) => `下载 ${f}`],
  [/^Expand all \((\d+)\)$/, (n) => `全部展开（${n}）`],
  [/^Remove list item (\d+)$/, (n) => `删除第 ${n} 项`],
  [/^(\d+) files selected$/, (n) => `已选择 ${n} 个文件`],
  // the date field's placeholder: the browser locale's date pattern (zh-CN: yyyy/mm/dd)
  [/^yyyy([/.-])mm\1dd$/, (sep) => `年${sep}月${sep}日`],
  [/^(mm|dd)([/.-])(dd|mm)\2yyyy$/, (a, sep, b) => `${a === 'mm' ? '月' : '日'}${sep}${b === 'mm' ? '月' : '日'}${sep}年`],
];

/** A visible viewer string in Chinese, or undefined when it is not one of form-js's. */
export function translateFormJsUi(text: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(UI_EXACT, text)) return UI_EXACT[text];
  const trimmed = text.trim();
  if (trimmed !== text && Object.prototype.hasOwnProperty.call(UI_EXACT, trimmed)) return text.replace(trimmed, UI_EXACT[trimmed]!);
  for (const [re, to] of [...UI_RULES, ...MESSAGE_RULES]) {
    const m = re.exec(trimmed);
    if (m) return text.replace(trimmed, to(...m.slice(1)));
  }
  return undefined;
}

interface ValidatorLike {
  validateField?: (field: unknown, value: unknown) => string[];
  validateFieldInstance?: (fieldInstance: unknown, value: unknown) => string[];
}

/**
 * An additional module for `new Form({ additionalModules: [chineseValidatorModule] })`: at start it
 * wraps the `validator` service's two methods so that their results are Chinese.
 */
export const chineseValidatorModule = {
  __init__: [
    [
      'validator',
      (validator: ValidatorLike) => {
        wrapValidator(validator);
      },
    ],
  ],
};

export function wrapValidator(validator: ValidatorLike): void {
  for (const method of ['validateField', 'validateFieldInstance'] as const) {
    const original = validator[method];
    if (typeof original !== 'function') continue;
    validator[method] = (a: unknown, b: unknown) => translateFormJsMessages(original.call(validator, a, b));
  }
}

const ATTRIBUTES = ['placeholder', 'aria-label', 'title', 'alt'] as const;

/** Translate a subtree once: text nodes and the labelling attributes. */
export function translateFormJsDom(root: Node): void {
  const doc = root.ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root, 1 | 4); // elements and text
  let node: Node | null = root;
  while (node) {
    if (node.nodeType === 3) {
      const parent = node.parentElement;
      if (!parent || !parent.closest('.fjs-powered-by')) {
        const to = translateFormJsUi(node.nodeValue ?? '');
        if (to !== undefined && to !== node.nodeValue) node.nodeValue = to;
      }
    } else if (node.nodeType === 1) {
      const el = node as Element;
      if (!el.closest('.fjs-powered-by')) {
        for (const attr of ATTRIBUTES) {
          const v = el.getAttribute(attr);
          if (v) {
            const to = translateFormJsUi(v);
            if (to !== undefined && to !== v) el.setAttribute(attr, to);
          }
        }
      }
    }
    node = walker.nextNode();
  }
}

/** Keep a rendered form's English away: translate now and whenever form-js re-renders. Returns the stop function. */
export function observeFormJsUi(container: HTMLElement): () => void {
  translateFormJsDom(container);
  const observer = new MutationObserver((records) => {
    observer.disconnect();
    for (const r of records) {
      if (r.type === 'characterData') translateFormJsDom(r.target);
      else if (r.type === 'attributes') translateFormJsDom(r.target);
      else r.addedNodes.forEach((n) => translateFormJsDom(n));
    }
    observer.observe(container, OPTIONS);
  });
  const OPTIONS: MutationObserverInit = { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: [...ATTRIBUTES] };
  observer.observe(container, OPTIONS);
  return () => observer.disconnect();
}

let localized = false;
/** The date picker's month and weekday names and labels in Chinese (flatpickr's own Mandarin locale). */
export function localizeDatePicker(): void {
  if (localized) return;
  localized = true;
  // Mandarin lacks the picker's aria labels; the day cells' aria-label format is a config option.
  flatpickr.localize({ ...Mandarin, monthAriaLabel: '月份', yearAriaLabel: '年份', hourAriaLabel: '时', minuteAriaLabel: '分', toggleTitle: '点击切换', weekAbbreviation: '周' });
  flatpickr.setDefaults({ ariaDateFormat: 'Y年n月j日' });
}
