/**
 * Input validation for the registry: zod schemas of the identifiers the registry stores (GB 32100
 * credit codes, GB 11643 ID numbers, GB/T 2260 division codes, dates) and `parse()`, which turns
 * zod issues into a ValidationError that names each field and its rule.
 */
import { z } from 'zod';
import { PROVINCE_CODES } from '../domain/divisions.js';
import { APPOINTED_LEVELS, LEVELS, RECOGNITION_LEVELS } from '../domain/levels.js';
import { creditCodeCheckChar, idNumberCheckChar } from '../domain/validators.js';
import { ValidationError, type FieldIssue } from './errors.js';

// ---------------------------------------------------------------------------------------------
// Identifiers

// The check characters and the province list are the domain's (src/domain), the one source of truth.
export { creditCodeCheckChar, idNumberCheckChar } from '../domain/validators.js';
export { PROVINCE_CODES } from '../domain/divisions.js';

export function isValidDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const upper = (s: unknown) => (typeof s === 'string' ? s.trim().toUpperCase() : s);

export const creditCode = z.preprocess(
  upper,
  z
    .string()
    .regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, { error: 'must be a unified social credit code: 18 characters from 0-9 and A-Z without I, O, S, V, Z (GB 32100)', abort: true })
    .refine((s) => creditCodeCheckChar(s.slice(0, 17)) === s[17], 'has a wrong check character (GB 32100)'),
);

export const idNumber = z.preprocess(
  upper,
  z
    .string()
    .regex(/^\d{17}[\dX]$/, { error: 'must be a resident ID number: 17 digits and a check digit or X (GB 11643)', abort: true })
    .refine((s) => isValidDate(`${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`), { error: 'must contain a real birth date at positions 7-14 (GB 11643)', abort: true })
    .refine((s) => idNumberCheckChar(s.slice(0, 17)) === s[17], 'has a wrong check digit (GB 11643, ISO 7064 MOD 11-2)'),
);

export const province = z.enum(PROVINCE_CODES as [string, ...string[]], { error: 'must be a province code of GB/T 2260 (2 digits, e.g. 44 Guangdong, 51 Sichuan, 35 Fujian)' });

export const divisionCode = z
  .string()
  .regex(/^\d{6}$/, { error: 'must be an administrative division code: 6 digits (GB/T 2260)', abort: true })
  .refine((s) => (PROVINCE_CODES as readonly string[]).includes(s.slice(0, 2)), 'must start with a province code of GB/T 2260');

export const date = z.string().refine(isValidDate, 'must be a date YYYY-MM-DD');

export const timestamp = z.iso.datetime({ error: 'must be an ISO 8601 timestamp in UTC, e.g. 2026-10-09T15:59:59.000Z' });

export const level = z.enum(LEVELS, { error: `must be a skill level: one of ${LEVELS.join(' ')}` });

export const appointedLevel = z.enum(['T', 'S'], { error: 'must be T (特级技师) or S (首席技师)' });

/** 初级工…高级技师: what a unit may recognize directly (001 附件2 一(三)). */
export const recognitionLevel = z.enum(RECOGNITION_LEVELS, { error: 'must be 5, 4, 3, 2 or 1 (初级工…高级技师; 001 附件2 一(三))' });

/**
 * A level the registry runs campaigns, applications, evaluator filings and certificates for: T or S
 * (评聘) or 5…1 (直接认定, 001 附件2). 学徒工 (X) is the employer's own and not handled here.
 */
export const campaignLevel = z.enum([...APPOINTED_LEVELS, ...RECOGNITION_LEVELS], {
  error: 'must be T (特级技师) or S (首席技师) for an appraisal, or 5, 4, 3, 2, 1 (初级工…高级技师) for a direct recognition',
});

export const year = z.number().int('must be a whole number').min(2000, 'must be 2000 or later').max(2099, 'must be 2099 or earlier');

export const actor = z.string().trim().min(1, 'must name who does this (a user id or worker name)').max(200, 'must be at most 200 characters');

export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const occupation = z.object({
  code: z.string().regex(/^\d-\d{2}-\d{2}-\d{2}(-\d{2})?$/, 'must be an occupation code of the occupational classification, e.g. 6-18-01-01'),
  name: text(100),
});

/** Process instance keys are int64 decimal strings (Zeebe); numbers are accepted and converted. */
export const processInstanceKey = z.preprocess(
  (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v),
  z.string().regex(/^[1-9]\d{0,18}$/, 'must be a process instance key: a positive whole number as a decimal string'),
);

export const entityId = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

// ---------------------------------------------------------------------------------------------
// Parsing

function describe(issue: z.core.$ZodIssue): FieldIssue[] {
  const field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({ field: field ? `${field}.${k}` : k, rule: 'is not a known field' }));
  }
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    return [{ field, rule: `is required (${issue.expected})` }];
  }
  return [{ field, rule: issue.message }];
}

/** Validates input against schema, or throws a ValidationError naming every bad field and its rule. */
export function parse<S extends z.ZodType>(operation: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(operation, result.error.issues.flatMap(describe));
}
