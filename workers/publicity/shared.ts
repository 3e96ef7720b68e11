/**
 * What the publicity (公示) workers share: the message they publish, how they name themselves in the
 * registry's audit trail, bilingual zod messages, and how registry refusals become job failures.
 * Not a worker (workers/index.ts lists the five that are).
 */
import { RegistryError } from '../../src/registry/index.js';
import { NonRetryableError } from '../runtime.js';

/** Published by pingpin.publicity.decide-objection, caught in the subprocess 公示期 [noticeId]. */
export const INVESTIGATIONS_DONE = 'publicity-investigations-done';

/**
 * Time to live of {@link INVESTIGATIONS_DONE}. The catch event opens in the same engine command that
 * completes pingpin.publicity.close; the message only has to outlive the moment between that worker's
 * count and its completion (a redelivered close counts again). One hour is plenty.
 */
export const INVESTIGATIONS_DONE_TTL_MS = 60 * 60 * 1000;

/**
 * The audit actor of a worker acting for one job or instance, e.g.
 * `pingpin.publicity.publish#2251799813685251`. The workers that create registry rows also use it
 * as the rows' idempotency key, so a redelivered job gets back what it created the first time.
 */
export const actorFor = (type: string, key: string): string => `${type}#${key}`;

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

/**
 * A registry refusal (bad input, unknown id, wrong state) cannot be fixed by retrying: fail the job
 * with no retries and say what the registry said. Anything else (the database) is rethrown and retried.
 */
export function refusal(err: unknown, zh: string, en: string): never {
  // ValidationError, NotFoundError, ConflictError, SerialExhaustedError …: every kind but the base one.
  if (err instanceof RegistryError && err.code !== 'REGISTRY_ERROR') {
    throw new NonRetryableError(`${zh}：${err.message} / ${en}: ${err.message}`, { cause: err });
  }
  throw err;
}

/** An ISO instant as `YYYY-MM-DDTHH:mm:ss+08:00` (Asia/Shanghai, no daylight saving). */
export function shanghaiIso(instant: string): string {
  const t = new Date(new Date(instant).getTime() + 8 * 3_600_000).toISOString();
  return `${t.slice(0, 19)}+08:00`;
}
