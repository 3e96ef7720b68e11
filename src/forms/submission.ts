/**
 * What a Camunda form (form-js, Tasklist) would submit, so that process tests (through
 * test/support/forms.ts) and `pingpin demo` (src/demo/clerk.ts) complete user tasks with exactly
 * the variables a clerk could send. Pure: no I/O, FEEL from the engine's evaluator.
 *
 * - only fields of the form: every key submitted is a field's key (groups and dynamic lists with a
 *   `path` nest their fields under it); display-only components (text, html, image, spacer,
 *   separator, button, iframe, table, document preview) submit nothing;
 * - fields the caller does not give are filled as the form would: the task's variable of that key
 *   (Tasklist pre-fills the form with it), else the field's `defaultValue`, else its empty value
 *   ('' for text fields, false for a checkbox, [] for a checklist or tag list, null otherwise);
 *   `expression` fields are computed with FEEL;
 * - a field hidden by its `conditional.hide` FEEL condition (evaluated on the task's variables and
 *   the submission) or `disabled` submits nothing, and giving it a value is an error;
 * - the field's rules hold: `validate.required`, `minLength` / `maxLength`, `min` / `max`,
 *   `pattern`, `validationType` email / phone; the value's type fits the component (number,
 *   boolean, date / time strings); radio, select, checklist and tag list values come from the
 *   field's static `values`.
 *
 * Validation rules given as FEEL (`=…`) are not evaluated (noted in `skipped`).
 *
 * Every problem is reported twice over: `problems` are structured (the field's path and label, the
 * rule, the message in English and in Chinese — the server answers clerks with the Chinese one,
 * next to the field it names), `issues` are the same as English lines for people reading a log or
 * a test failure (`path（label）: message`).
 */
import { compile, evaluate } from '../feel/index.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = Record<string, unknown>;

interface Component extends Obj {
  type: string;
  key?: string;
  path?: string;
  label?: string;
  components?: Component[];
}

/** One thing wrong with a submission. */
export interface FormIssue {
  /** The field's key, nested as submitted: `filing.unitName`, `itemScores[0].score`. */
  path: string;
  /** The field's label in the form, when it has one. */
  label?: string;
  /** The rule broken: required, min, max, minLength, maxLength, pattern, email, phone, decimalDigits, values, format, type, unknownField, hidden, disabled, expression. */
  rule: string;
  message: { en: string; zh: string };
}

export interface FormSubmission {
  /** The variables the form submits (what to complete the task with). */
  variables: Record<string, unknown>;
  /** Everything wrong with the submission, as English lines `path（label）: message`; empty when the form would submit it. */
  issues: string[];
  /** The same problems, structured, with Chinese messages for clerks. */
  problems: FormIssue[];
  /** Rules that could not be checked (FEEL validation values). */
  skipped: string[];
}

const DISPLAY_ONLY = new Set(['text', 'html', 'image', 'spacer', 'separator', 'button', 'iframe', 'table', 'documentPreview']);
const EMAIL = /^[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const PHONE = /^\+?\d[\d\s()-]{4,}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$/;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

function emptyValue(c: Component): unknown {
  switch (c.type) {
    case 'textfield':
    case 'textarea':
      return '';
    case 'checkbox':
      return false;
    case 'checklist':
    case 'taglist':
      return [];
    default:
      return null;
  }
}

function feelTrue(expression: unknown, context: Obj, now: () => number): boolean | undefined {
  if (typeof expression !== 'string' || !expression.trim()) return undefined;
  const source = expression.trim().startsWith('=') ? expression : `=${expression}`;
  try {
    return evaluate(compile(source), { variables: context, now }) === true;
  } catch {
    return undefined;
  }
}

function feelValue(expression: string, context: Obj, now: () => number): unknown {
  try {
    return evaluate(compile(expression.trim().startsWith('=') ? expression : `=${expression}`), { variables: context, now });
  } catch {
    return null;
  }
}

function staticValues(c: Component): unknown[] | undefined {
  return Array.isArray(c.values) ? (c.values as Array<{ value: unknown }>).map((v) => v.value) : undefined;
}

const labelOf = (c: Component): string | undefined => (typeof c.label === 'string' && c.label.trim() ? c.label : undefined);

/** The labels of a field's static options, for a clerk ("必须是下列选项之一：通过、不通过"). */
const optionLabels = (c: Component): string =>
  Array.isArray(c.values) ? (c.values as Array<{ label?: unknown; value: unknown }>).map((v) => (typeof v.label === 'string' && v.label ? v.label : JSON.stringify(v.value))).join('、') : '';

export interface SubmissionOptions {
  /**
   * `submitted` is what a form sent (the server checking a completion), not a caller's answers: it
   * carries the values of expression fields, which form-js computes and submits. Each must be the
   * value the form computes; without this option, giving one is an error (the form computes it).
   */
  asSubmitted?: boolean;
}

/** JSON equality, numbers within rounding (FEEL and JavaScript may compute a decimal a hair apart). */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => sameValue(a[k], b[k]));
  }
  return a === b;
}

/**
 * Checks a submission against a form schema and fills it as the form would. `taskVariables` are
 * the variables visible at the task (Tasklist pre-fills fields with them); `now` the engine clock.
 */
export function formSubmission(
  schema: Obj,
  submitted: Record<string, unknown>,
  taskVariables: Record<string, unknown> = {},
  now: () => number = Date.now,
  options: SubmissionOptions = {},
): FormSubmission {
  const problems: FormIssue[] = [];
  const skipped: string[] = [];
  /** Records a problem of field `c` (or of a bare path, for items and unknown keys). */
  const problem = (c: Component | undefined, path: string, rule: string, en: string, zh: string) => {
    const label = c ? labelOf(c) : undefined;
    problems.push({ path, ...(label ? { label } : {}), rule, message: { en, zh } });
  };
  const context = (): Obj => ({ ...taskVariables, ...submitted });

  /** Validates one level (the form, a group path, a dynamic list item) and returns what it submits. */
  const level = (components: Component[], given: Obj, prefill: Obj, prefix: string, itemContext: Obj | undefined): Obj => {
    const out: Obj = {};
    const known = new Set<string>();
    const visit = (list: Component[], hiddenAbove: boolean) => {
      for (const c of list) {
        const hidden = hiddenAbove || feelTrue((c.conditional as Obj | undefined)?.hide, { ...context(), ...(itemContext ?? {}) }, now) === true;
        if (c.type === 'group' && !c.path) {
          visit(c.components ?? [], hidden);
          continue;
        }
        if (c.type === 'group' || c.type === 'dynamiclist') {
          const key = String(c.path ?? '');
          if (!key) {
            visit(c.components ?? [], hidden);
            continue;
          }
          known.add(key);
          const path = `${prefix}${key}`;
          if (hidden) {
            if (given[key] !== undefined) problem(c, path, 'hidden', 'is hidden by its condition, so the form submits nothing for it', '此项按条件隐藏，表单不提交它，不应填写');
            continue;
          }
          if (c.type === 'group') {
            const inner = given[key];
            if (inner !== undefined && !isObj(inner)) {
              problem(c, path, 'type', "must be an object of the group's fields", '应为该分组各字段组成的对象');
              continue;
            }
            out[key] = level(c.components ?? [], inner ?? {}, isObj(prefill[key]) ? (prefill[key] as Obj) : {}, `${path}.`, itemContext);
          } else {
            const items = given[key] ?? prefill[key] ?? [];
            if (!Array.isArray(items)) {
              problem(c, path, 'type', 'must be a list', '应为列表');
              continue;
            }
            out[key] = items.map((item, i) => {
              if (!isObj(item)) {
                problem(undefined, `${path}[${i}]`, 'type', "must be an object of the list's fields", '列表中的每一项应为各字段组成的对象');
                return item;
              }
              // form-js exposes the row as `this` (and the enclosing data as `parent`, the 1-based index path as `i`).
              return level(c.components ?? [], item, {}, `${path}[${i}].`, { ...item, this: item, parent: given, i: [i + 1] });
            });
          }
          continue;
        }
        if (!c.key || DISPLAY_ONLY.has(c.type)) continue;
        known.add(c.key);
        const path = `${prefix}${c.key}`;
        const has = given[c.key] !== undefined;
        if (hidden || c.disabled === true) {
          if (has) {
            if (hidden) problem(c, path, 'hidden', 'is hidden by its condition, so the form submits nothing for it', '此项按条件隐藏，表单不提交它，不应填写');
            else problem(c, path, 'disabled', 'is disabled, so the form submits nothing for it', '此项不可编辑，表单不提交它，不应填写');
          }
          continue;
        }
        if (c.type === 'expression') {
          const computed = typeof c.expression === 'string' ? feelValue(c.expression, { ...context(), ...(itemContext ?? {}) }, now) : undefined;
          if (has && !(options.asSubmitted && sameValue(given[c.key], computed ?? null))) {
            if (options.asSubmitted) problem(c, path, 'expression', `is an expression field; the form computes ${JSON.stringify(computed ?? null)}, not ${JSON.stringify(given[c.key])}`, '与表单自动计算的结果不一致');
            else problem(c, path, 'expression', 'is an expression field; the form computes it', '此项由表单自动计算，不应填写');
          } else if (computed !== undefined) out[c.key] = computed;
          continue;
        }
        const value = has ? given[c.key] : prefill[c.key] !== undefined ? prefill[c.key] : c.defaultValue !== undefined ? c.defaultValue : emptyValue(c);
        out[c.key] = value;
        check(c, path, value, has);
      }
    };
    visit(components, false);
    for (const key of Object.keys(given)) {
      if (!known.has(key)) problem(undefined, `${prefix}${key}`, 'unknownField', `is not a field of the form (fields here: ${[...known].join(', ') || 'none'})`, '不是表单中的字段，不能提交');
    }
    return out;
  };

  const check = (c: Component, path: string, value: unknown, given: boolean) => {
    const v = (c.validate ?? {}) as Obj;
    const issue = (rule: string, en: string, zh: string) => problem(c, path, rule, en, zh);
    const feel = (rule: string) => {
      const r = v[rule];
      if (typeof r === 'string' && r.trim().startsWith('=')) {
        skipped.push(`${path}: ${rule} ${r}`);
        return true;
      }
      return false;
    };
    // form-js: null, '', [] and an unchecked checkbox do not satisfy `required`.
    if (v.required === true && (isEmpty(value) || (c.type === 'checkbox' && value === false))) {
      issue('required', `is required${given ? '' : ' and was not given'}`, '此项为必填项');
      return;
    }
    if (isEmpty(value)) return;
    switch (c.type) {
      case 'number': {
        const serialized = c.serializeToString === true;
        const n = typeof value === 'number' ? value : serialized && typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
        if (!Number.isFinite(n)) {
          issue('type', `must be a number${serialized ? ' (or a numeric string)' : ''}, is ${JSON.stringify(value)}`, '必须是数字');
          return;
        }
        if (!feel('min') && typeof v.min === 'number' && n < v.min) issue('min', `must be at least ${v.min}, is ${n}`, `不能小于 ${v.min}`);
        if (!feel('max') && typeof v.max === 'number' && n > v.max) issue('max', `must be at most ${v.max}, is ${n}`, `不能大于 ${v.max}`);
        if (typeof c.decimalDigits === 'number' && !Number.isInteger(n * 10 ** c.decimalDigits)) {
          issue('decimalDigits', `may have at most ${c.decimalDigits} decimal digits`, c.decimalDigits === 0 ? '必须是整数' : `最多 ${c.decimalDigits} 位小数`);
        }
        return;
      }
      case 'checkbox':
        if (typeof value !== 'boolean') issue('type', `must be true or false, is ${JSON.stringify(value)}`, '必须是“是”或“否”');
        return;
      case 'checklist':
      case 'taglist': {
        if (!Array.isArray(value)) {
          issue('type', "must be a list of the field's values", '应为选项列表');
          return;
        }
        const allowed = staticValues(c);
        if (allowed) {
          for (const item of value) {
            if (!allowed.some((a) => JSON.stringify(a) === JSON.stringify(item))) issue('values', `${JSON.stringify(item)} is not one of ${JSON.stringify(allowed)}`, `必须是下列选项之一：${optionLabels(c)}`);
          }
        }
        return;
      }
      case 'radio':
      case 'select': {
        const allowed = staticValues(c);
        if (allowed && !allowed.some((a) => JSON.stringify(a) === JSON.stringify(value))) {
          issue('values', `${JSON.stringify(value)} is not one of ${JSON.stringify(allowed)}`, `必须是下列选项之一：${optionLabels(c)}`);
        }
        return;
      }
      case 'datetime': {
        const sub = String(c.subtype ?? 'date');
        const re = sub === 'date' ? DATE : sub === 'time' ? TIME : DATETIME;
        const format = sub === 'date' ? 'YYYY-MM-DD' : sub === 'time' ? 'HH:mm' : 'YYYY-MM-DDTHH:mm';
        if (typeof value !== 'string' || !re.test(value)) {
          issue('format', `must be a ${sub} (${format}), is ${JSON.stringify(value)}`, `格式不正确（须为${sub === 'date' ? '日期' : sub === 'time' ? '时间' : '日期时间'} ${format}）`);
        }
        return;
      }
      case 'textfield':
      case 'textarea': {
        if (typeof value !== 'string') {
          issue('type', `must be text, is ${JSON.stringify(value)}`, '应为文字');
          return;
        }
        if (!feel('minLength') && typeof v.minLength === 'number' && value.length < v.minLength) {
          issue('minLength', `must have at least ${v.minLength} characters, has ${value.length}`, `不能少于 ${v.minLength} 个字符`);
        }
        if (!feel('maxLength') && typeof v.maxLength === 'number' && value.length > v.maxLength) {
          issue('maxLength', `must have at most ${v.maxLength} characters, has ${value.length}`, `不能多于 ${v.maxLength} 个字符`);
        }
        if (typeof v.pattern === 'string' && v.pattern && !feel('pattern')) {
          // form-js tests the pattern as given (not anchored), like `new RegExp(pattern).test(value)`.
          let re: RegExp | undefined;
          try {
            re = new RegExp(v.pattern);
          } catch {
            issue('pattern', `the form's pattern ${v.pattern} is not a valid regular expression`, '表单的格式规则有误，请联系流程管理员');
          }
          if (re && !re.test(value)) {
            const own = typeof v.patternErrorMessage === 'string' && v.patternErrorMessage.trim() ? v.patternErrorMessage : undefined;
            issue('pattern', `must match ${v.pattern}${own ? ` (${own})` : ''}, is ${JSON.stringify(value)}`, own ?? `格式不正确（须符合 ${v.pattern}）`);
          }
        }
        if (v.validationType === 'email' && !EMAIL.test(value)) issue('email', `must be an e-mail address, is ${JSON.stringify(value)}`, '格式不正确（须为电子邮箱地址）');
        if (v.validationType === 'phone' && !PHONE.test(value)) issue('phone', `must be a phone number, is ${JSON.stringify(value)}`, '格式不正确（须为电话号码）');
        return;
      }
      default:
        return;
    }
  };

  const variables = level((schema.components as Component[] | undefined) ?? [], submitted, taskVariables, '', undefined);
  const issues = problems.map((p) => `${p.path}${p.label ? `（${p.label}）` : ''}: ${p.message.en}`);
  return { variables, issues, problems, skipped };
}
