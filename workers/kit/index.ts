/**
 * The workers' kit: what every worker area uses besides the runtime (runtime.ts: `defineWorker`,
 * `NonRetryableError`) and the services (services.ts). Not a worker (workers/index.ts lists those).
 *
 * - messages.ts      `bi` (中文 / English), `typeError`, `refuse`, `JURISDICTION_NAMES`
 * - fields.ts        zod field builders named by the variable: `idString`, `idList`, `dateString`,
 *                    `CERTIFICATE_CODE`
 * - job-variables.ts `jobVariables` (inputs labelled by `.describe()`), `isoDate`, `creditCode`,
 *                    `divisionCode`
 * - registry.ts      audit actors and idempotency keys (`actor`, `keyedActor`), registry refusals
 *                    (`registryCall`, `refusal`), `setStatusOnce`, `loadApplications`, `clip`
 * - clock.ts         `today` on the engine clock (dates: src/domain/china-time.ts)
 */
export { today } from './clock.js';
export { CERTIFICATE_CODE, dateString, idList, idString } from './fields.js';
export { bilingualErrorMap, creditCode, divisionCode, isoDate, jobVariables } from './job-variables.js';
export { bi, JURISDICTION_NAMES, refuse, typeError } from './messages.js';
export { actor, clip, isRegistryRefusal, keyedActor, loadApplications, refusal, registryCall, setStatusesOnce, setStatusOnce } from './registry.js';
