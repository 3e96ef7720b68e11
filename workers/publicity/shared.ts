/**
 * What the publicity (公示) workers share: the message they publish, how they name themselves in the
 * registry's audit trail, bilingual zod messages, and how registry refusals become job failures.
 * Not a worker (workers/index.ts lists the five that are).
 */

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

export { refusal, typeError } from '../shared.js';

/** An ISO instant as `YYYY-MM-DDTHH:mm:ss+08:00` (Asia/Shanghai, no daylight saving). */
export function shanghaiIso(instant: string): string {
  const t = new Date(new Date(instant).getTime() + 8 * 3_600_000).toISOString();
  return `${t.slice(0, 19)}+08:00`;
}
