/**
 * Job variables with bilingual errors, labelled by their `.describe()` texts: the workers of
 * candidate-review and enterprise-filing (workers/eligibility, workers/review, workers/filing) build
 * their inputs this way.
 *
 * `jobVariables(shape)` is `z.object(shape)` whose parse reports every problem in Chinese and English
 * with the variable's Chinese name (its `.describe()` text up to the first punctuation), e.g.
 *
 *   applicationId: 申报编号：缺少必填字段 / Invalid input: expected string, received undefined
 *
 * so the incident the runtime raises (workers/runtime.ts: `<path>: <message>`) names the variable in
 * both languages. Messages a schema gives itself (refinements) are used as they are: write them
 * bilingual with `bi(zh, en)` (messages.ts).
 */
import { z } from 'zod';
import { zhCnErrorMap } from '../../src/domain/applicant.js';
import { validateCreditCode, validateDivisionCode, type ValidationResult } from '../../src/domain/validators.js';
import { bi } from './messages.js';

const english = z.locales.en().localeError;

/** The Chinese label of a `.describe()` text: up to the first `：，。；（(`. */
function labelOf(schema: z.ZodType | undefined): string | undefined {
  const text = schema?.description;
  if (!text) return undefined;
  const cut = text.split(/[：，。；（(]/)[0]!.trim();
  return cut || undefined;
}

/** Steps into optional / nullable / default / pipe wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const def = (s as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } } })._zod.def;
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else break;
  }
  return s;
}

/** The labels of the schemas along `path` (the described ones), outermost first. */
function labelsAlong(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const labels: string[] = [];
  let current: z.ZodType | undefined = root;
  for (const key of path) {
    if (!current) break;
    const inner = unwrap(current);
    const def = (inner as unknown as { _zod: { def: { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType } } })._zod.def;
    let next: z.ZodType | undefined;
    if (def.type === 'object' && typeof key === 'string') next = def.shape?.[key];
    else if (def.type === 'array' && typeof key === 'number') next = def.element;
    else if (def.type === 'record') next = def.valueType;
    current = next;
    const label = labelOf(next) ?? (next ? labelOf(unwrap(next)) : undefined);
    if (label && labels.at(-1) !== label) labels.push(label);
  }
  return labels;
}

/** A zod error map: `<中文名>：<中文说明> / <English message>`. */
export function bilingualErrorMap(root: z.ZodType): z.core.$ZodErrorMap {
  return (issue) => {
    const zh = zhCnErrorMap(issue);
    const en = english(issue);
    const zhText = typeof zh === 'string' ? zh : zh?.message;
    const enText = typeof en === 'string' ? en : en?.message;
    const labels = labelsAlong(root, issue.path ?? []);
    return `${labels.length ? `${labels.join('›')}：` : ''}${zhText ?? '取值无效'} / ${enText ?? 'Invalid input'}`;
  };
}

/**
 * `z.object(shape)` (unknown variables are dropped; `refine` adds rules across variables) whose
 * `safeParse` / `parse` use {@link bilingualErrorMap}. The runtime fetches exactly the shape's
 * top-level variables.
 */
export function jobVariables<Shape extends z.ZodRawShape>(
  shape: Shape,
  /** Rules across variables; report each with `ctx.addIssue({code: 'custom', path, message: bi(zh, en)})`. */
  refine?: (value: z.output<z.ZodObject<Shape>>, ctx: z.RefinementCtx) => void,
): z.ZodObject<Shape> {
  const schema = refine ? z.object(shape).superRefine(refine) : z.object(shape);
  const map = bilingualErrorMap(schema);
  const safeParse = schema.safeParse.bind(schema);
  const parse = schema.parse.bind(schema);
  Object.assign(schema, {
    safeParse: (data: unknown, params?: z.core.ParseContext<z.core.$ZodIssue>) => safeParse(data, { error: map, ...params }),
    parse: (data: unknown, params?: z.core.ParseContext<z.core.$ZodIssue>) => parse(data, { error: map, ...params }),
  });
  return schema;
}

/** 'YYYY-MM-DD' and a real calendar date. */
export const isoDate = (zh: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, bi(`${zh}应为 YYYY-MM-DD 格式的日期`, 'must be a date YYYY-MM-DD'))
    .refine((v) => {
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
    }, bi(`${zh}不是有效的日历日期`, 'is not a valid calendar date'))
    .describe(zh);

/** A string checked by a domain validator (validators.ts), its issues as `message / detail`. */
const validated = (validate: (v: string) => ValidationResult<unknown>) =>
  z.string().superRefine((v, ctx) => {
    for (const e of validate(v).errors) ctx.addIssue({ code: 'custom', message: bi(e.message, e.detail) });
  });

/** 统一社会信用代码 (GB 32100, check character included). */
export const creditCode = (zh = '统一社会信用代码') => validated(validateCreditCode).describe(zh);

/** 行政区划代码 (GB/T 2260, 6 digits, a real province prefix). */
export const divisionCode = (zh = '行政区划代码') => validated(validateDivisionCode).describe(zh);
