/**
 * What the certificate workers share: their audit actor, the certificate code's shape, and (from
 * workers/shared.ts) the bilingual zod messages and how registry refusals become job failures. Not a worker (workers/index.ts lists the three that are).
 */

/** The audit actor of the certificate workers: the job type. */
export const actorFor = (type: string): string => type;

export { refusal, typeError } from '../shared.js';

/** The 22-character certificate code (DOMAIN.md §3). */
export const CERTIFICATE_CODE = /^[YS]\d{14}[X1-5TS]\d{6}$/;
