/**
 * What the certificate workers share: bilingual zod messages and how registry refusals become job
 * failures. Not a worker (workers/index.ts lists the three that are).
 */
import { RegistryError } from '../../src/registry/index.js';
import { NonRetryableError } from '../runtime.js';

/** The audit actor of the certificate workers: the job type. */
export const actorFor = (type: string): string => type;

/** zod `error` option: the variable is missing or of the wrong type (zh-CN / English). */
export const typeError = (zh: string, en: string) => ({
  error: (issue: { input?: unknown; expected?: unknown }) =>
    issue.input === undefined || issue.input === null
      ? `缺少${zh} / ${en} is missing`
      : `${zh}类型不对，应为 ${String(issue.expected)} / ${en} must be of type ${String(issue.expected)}`,
});

/** YYYY-MM-DD that is a real calendar date. */
export const isIsoDate = (s: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

/** The 22-character certificate code (DOMAIN.md §3). */
export const CERTIFICATE_CODE = /^[YS]\d{14}[X1-5TS]\d{6}$/;

/**
 * A registry refusal (bad input, unknown id, wrong state, serials used up) cannot be fixed by
 * retrying: fail the job with no retries and say what the registry said. Anything else (the
 * database) is rethrown and retried.
 */
export function refusal(err: unknown, zh: string, en: string): never {
  if (err instanceof RegistryError && err.code !== 'REGISTRY_ERROR') {
    throw new NonRetryableError(`${zh}：${err.message} / ${en}: ${err.message}`, { cause: err });
  }
  throw err;
}
