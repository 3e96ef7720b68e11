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
 */
import { compile, evaluate } from '../engine/feel.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = Record<string, unknown>;

interface Component extends Obj {
  type: string;
  key?: string;
  path?: string;
  label?: string;
  components?: Component[];
}

export interface FormSubmission {
  /** The variables the form submits (what to complete the task with). */
  variables: Record<string, unknown>;
  /** Everything wrong with the submission; empty when the form would submit it. */
  issues: string[];
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

const describe = (c: Component, path: string) => `${path}${c.label ? `（${String(c.label)}）` : ''}`;

/**
 * Checks a submission against a form schema and fills it as the form would. `taskVariables` are
 * the variables visible at the task (Tasklist pre-fills fields with them); `now` the engine clock.
 */
export function formSubmission(
  schema: Obj,
  submitted: Record<string, unknown>,
  taskVariables: Record<string, unknown> = {},
  now: () => number = Date.now,
): FormSubmission {
  const issues: string[] = [];
  const skipped: string[] = [];
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
            if (given[key] !== undefined) issues.push(`${describe(c, path)}: is hidden by its condition, so the form submits nothing for it`);
            continue;
          }
          if (c.type === 'group') {
            const inner = given[key];
            if (inner !== undefined && !isObj(inner)) {
              issues.push(`${describe(c, path)}: must be an object of the group's fields`);
              continue;
            }
            out[key] = level(c.components ?? [], inner ?? {}, isObj(prefill[key]) ? (prefill[key] as Obj) : {}, `${path}.`, itemContext);
          } else {
            const items = given[key] ?? prefill[key] ?? [];
            if (!Array.isArray(items)) {
              issues.push(`${describe(c, path)}: must be a list`);
              continue;
            }
            out[key] = items.map((item, i) => {
              if (!isObj(item)) {
                issues.push(`${path}[${i}]: must be an object of the list's fields`);
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
          if (has) issues.push(`${describe(c, path)}: is ${hidden ? 'hidden by its condition' : 'disabled'}, so the form submits nothing for it`);
          continue;
        }
        if (c.type === 'expression') {
          if (has) issues.push(`${describe(c, path)}: is an expression field; the form computes it`);
          else if (typeof c.expression === 'string') out[c.key] = feelValue(c.expression, { ...context(), ...(itemContext ?? {}) }, now);
          continue;
        }
        const value = has ? given[c.key] : prefill[c.key] !== undefined ? prefill[c.key] : c.defaultValue !== undefined ? c.defaultValue : emptyValue(c);
        out[c.key] = value;
        check(c, path, value, has);
      }
    };
    visit(components, false);
    for (const key of Object.keys(given)) {
      if (!known.has(key)) issues.push(`${prefix}${key}: is not a field of the form (fields here: ${[...known].join(', ') || 'none'})`);
    }
    return out;
  };

  const check = (c: Component, path: string, value: unknown, given: boolean) => {
    const v = (c.validate ?? {}) as Obj;
    const name = describe(c, path);
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
      issues.push(`${name}: is required${given ? '' : ' and was not given'}`);
      return;
    }
    if (isEmpty(value)) return;
    switch (c.type) {
      case 'number': {
        const serialized = c.serializeToString === true;
        const n = typeof value === 'number' ? value : serialized && typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
        if (!Number.isFinite(n)) {
          issues.push(`${name}: must be a number${serialized ? ' (or a numeric string)' : ''}, is ${JSON.stringify(value)}`);
          return;
        }
        if (!feel('min') && typeof v.min === 'number' && n < v.min) issues.push(`${name}: must be at least ${v.min}, is ${n}`);
        if (!feel('max') && typeof v.max === 'number' && n > v.max) issues.push(`${name}: must be at most ${v.max}, is ${n}`);
        if (typeof c.decimalDigits === 'number' && !Number.isInteger(n * 10 ** c.decimalDigits)) issues.push(`${name}: may have at most ${c.decimalDigits} decimal digits`);
        return;
      }
      case 'checkbox':
        if (typeof value !== 'boolean') issues.push(`${name}: must be true or false, is ${JSON.stringify(value)}`);
        return;
      case 'checklist':
      case 'taglist': {
        if (!Array.isArray(value)) {
          issues.push(`${name}: must be a list of the field's values`);
          return;
        }
        const allowed = staticValues(c);
        if (allowed) for (const item of value) if (!allowed.some((a) => JSON.stringify(a) === JSON.stringify(item))) issues.push(`${name}: ${JSON.stringify(item)} is not one of ${JSON.stringify(allowed)}`);
        return;
      }
      case 'radio':
      case 'select': {
        const allowed = staticValues(c);
        if (allowed && !allowed.some((a) => JSON.stringify(a) === JSON.stringify(value))) issues.push(`${name}: ${JSON.stringify(value)} is not one of ${JSON.stringify(allowed)}`);
        return;
      }
      case 'datetime': {
        const sub = String(c.subtype ?? 'date');
        const re = sub === 'date' ? DATE : sub === 'time' ? TIME : DATETIME;
        if (typeof value !== 'string' || !re.test(value)) issues.push(`${name}: must be a ${sub} (${sub === 'date' ? 'YYYY-MM-DD' : sub === 'time' ? 'HH:mm' : 'YYYY-MM-DDTHH:mm'}), is ${JSON.stringify(value)}`);
        return;
      }
      case 'textfield':
      case 'textarea': {
        if (typeof value !== 'string') {
          issues.push(`${name}: must be text, is ${JSON.stringify(value)}`);
          return;
        }
        if (!feel('minLength') && typeof v.minLength === 'number' && value.length < v.minLength) issues.push(`${name}: must have at least ${v.minLength} characters, has ${value.length}`);
        if (!feel('maxLength') && typeof v.maxLength === 'number' && value.length > v.maxLength) issues.push(`${name}: must have at most ${v.maxLength} characters, has ${value.length}`);
        if (typeof v.pattern === 'string' && v.pattern && !feel('pattern')) {
          // form-js tests the pattern as given (not anchored), like `new RegExp(pattern).test(value)`.
          let re: RegExp | undefined;
          try {
            re = new RegExp(v.pattern);
          } catch {
            issues.push(`${name}: the form's pattern ${v.pattern} is not a valid regular expression`);
          }
          if (re && !re.test(value)) issues.push(`${name}: must match ${v.pattern}${typeof v.patternErrorMessage === 'string' ? ` (${v.patternErrorMessage})` : ''}, is ${JSON.stringify(value)}`);
        }
        if (v.validationType === 'email' && !EMAIL.test(value)) issues.push(`${name}: must be an e-mail address, is ${JSON.stringify(value)}`);
        if (v.validationType === 'phone' && !PHONE.test(value)) issues.push(`${name}: must be a phone number, is ${JSON.stringify(value)}`);
        return;
      }
      default:
        return;
    }
  };

  const variables = level((schema.components as Component[] | undefined) ?? [], submitted, taskVariables, '', undefined);
  return { variables, issues, skipped };
}
