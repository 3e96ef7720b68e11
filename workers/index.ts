/**
 * Every job worker of pingpin, one module per job type. `npm start` starts them all; the process
 * tests start the same list. The 评聘 procedures' workers arrive with their models.
 */
import type { WorkerDefinition } from './runtime.js';

export const workers: WorkerDefinition[] = [];
