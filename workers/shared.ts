/**
 * What every worker area shares: the bilingual message forms and how a registry refusal becomes a
 * job that fails at once. Not a worker (workers/index.ts lists those).
 */
import { RegistryError } from '../src/registry/index.js';
import { NonRetryableError } from './runtime.js';

/** "中文 / English": the form of every message a worker gives about a variable. */
export const bi = (zh: string, en: string): string => `${zh} / ${en}`;

/** zod `error` option: the variable is missing or of the wrong type (zh-CN / English). */
export const typeError = (zh: string, en: string) => ({
  error: (issue: { input?: unknown; expected?: unknown }) =>
    issue.input === undefined || issue.input === null
      ? `缺少${zh} / ${en} is missing`
      : `${zh}类型不对，应为 ${String(issue.expected)} / ${en} must be of type ${String(issue.expected)}`,
});

/**
 * A registry refusal (bad input, unknown id, wrong state, quota or serials used up, retention) cannot
 * be fixed by retrying; anything else (a busy database, a lost connection) is transient.
 */
export const isRegistryRefusal = (err: unknown): err is RegistryError => err instanceof RegistryError && err.code !== 'REGISTRY_ERROR';

/** Fails the job with no retries, saying what the registry said, when `err` is a refusal; rethrows anything else (retried). */
export function refusal(err: unknown, zh: string, en: string): never {
  if (isRegistryRefusal(err)) throw new NonRetryableError(`${zh}：${err.message} / ${en}: ${err.message}`, { cause: err });
  throw err;
}
