/**
 * "Today" for a worker: the date in China on the engine clock (`services.now()`: the pinned clock in
 * embedded mode, which tests and demos move; the system clock against a cluster), never from Date.
 * The date arithmetic itself is the domain's: src/domain/china-time.ts.
 */
import { chinaDate } from '../../src/domain/china-time.js';
import type { WorkerServices } from '../services.js';

/** Today (`YYYY-MM-DD`, Asia/Shanghai) on the engine clock. */
export const today = (services: Pick<WorkerServices, 'now'>): string => chinaDate(services.now());
