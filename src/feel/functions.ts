/**
 * Zeebe's FEEL extension functions: the ones feel-scala ships and feelin lacks, plus `now()` and
 * `today()` reading the engine clock instead of the system's, so that tests and the engine's own
 * clock decide what "now" is.
 */
import { randomUUID } from 'node:crypto';
import { DateTime, Duration } from 'luxon';

/** Names of extension functions, so the parser treats their multi-word names as one identifier. */
export const EXTENSION_FUNCTION_NAMES = [
  'get or else',
  'is defined',
  'is empty',
  'is blank',
  'duplicate values',
  'random number',
  'to base64',
  'last day of month',
  'assert',
  'partition',
  'uuid',
  'trim',
  'extract',
] as const;

class AssertionFailure extends Error {}

/**
 * feelin finds a function's parameter names in its source text, which a minifying loader (tsx)
 * rewrites; `$args` names them explicitly.
 */
export function fn<F extends (...args: never[]) => unknown>(args: string[], impl: F): F {
  (impl as unknown as { $args: string[] }).$args = args;
  return impl;
}

/** Whole months between two temporals, as feel-scala's `years and months duration` (feelin gives fractions). */
function yearsAndMonths(from: unknown, to: unknown): Duration | null {
  if (!DateTime.isDateTime(from) || !DateTime.isDateTime(to)) return null;
  const sign = to >= from ? 1 : -1;
  const [a, b] = sign === 1 ? [from, to] : [to, from];
  let months = (b.year - a.year) * 12 + (b.month - a.month);
  if (b.set({ year: a.year, month: a.month }) < a) months -= 1;
  months *= sign;
  return Duration.fromObject({ years: Math.trunc(months / 12), months: months % 12 });
}

/** Built for each evaluation from the caller's clock, so `now()` is the engine's time, not the system's. */
export function extensionFunctions(now: () => number): Record<string, unknown> {
  return {
    now: fn([], () => DateTime.fromMillis(now(), { zone: 'UTC' })),
    today: fn([], () => DateTime.fromMillis(now(), { zone: 'UTC' }).startOf('day')),
    'get or else': fn(['value', 'default'], (value: unknown, fallback: unknown) => (value === null || value === undefined ? fallback : value)),
    'is defined': fn(['value'], (value: unknown) => value !== null && value !== undefined),
    'is empty': fn(['list'], (list: unknown) => (Array.isArray(list) ? list.length === 0 : null)),
    'is blank': fn(['string'], (s: unknown) => (typeof s === 'string' ? s.trim() === '' : null)),
    trim: fn(['string'], (s: unknown) => (typeof s === 'string' ? s.trim() : null)),
    'duplicate values': fn(['list'], (list: unknown) => {
      if (!Array.isArray(list)) return null;
      const seen = new Set<string>();
      const dup = new Map<string, unknown>();
      for (const v of list) {
        const k = JSON.stringify(v);
        if (seen.has(k)) dup.set(k, v);
        seen.add(k);
      }
      return [...dup.values()];
    }),
    partition: fn(['list', 'size'], (list: unknown, size: unknown) => {
      if (!Array.isArray(list) || typeof size !== 'number' || size < 1) return null;
      const out: unknown[][] = [];
      for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
      return out;
    }),
    'random number': fn([], () => Math.random()),
    uuid: fn([], () => randomUUID()),
    'to base64': fn(['value'], (s: unknown) => (typeof s === 'string' ? Buffer.from(s, 'utf8').toString('base64') : null)),
    'last day of month': fn(['date'], (d: unknown) =>
      DateTime.isDateTime(d) ? d.endOf('month').startOf('day').setZone('UTC', { keepLocalTime: true }) : null,
    ),
    'years and months duration': fn(['from', 'to'], yearsAndMonths),
    extract: fn(['string', 'pattern'], (s: unknown, pattern: unknown) => {
      if (typeof s !== 'string' || typeof pattern !== 'string') return null;
      return [...s.matchAll(new RegExp(pattern, 'g'))].map((m) => m[0]);
    }),
    assert: fn(['value', 'condition', 'cause'], (value: unknown, condition: unknown, message?: unknown) => {
      if (condition !== true) {
        throw new AssertionFailure(
          typeof message === 'string' ? message : `Assertion failure on evaluate the expression: ${String(value)}`,
        );
      }
      return value;
    }),
  };
}

/** Variables win over same-named functions: feel-scala keeps them apart, and `partition + 1` must read the variable. */
export function context(now: () => number, variables: Record<string, unknown>): Record<string, unknown> {
  return { ...extensionFunctions(now), ...variables };
}
