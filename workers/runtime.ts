/**
 * Runs job workers with @camunda8/sdk's REST job worker, the same way against the embedded engine
 * and against a Camunda 8.8 cluster. Each worker declares the variables it reads as a zod schema:
 * a job whose variables break the schema fails at once with no retries (an incident that names the
 * field and the rule, for an operator to fix and resolve); a handler that throws is retried with
 * back-off. No job is ever dropped silently.
 */
import type { CamundaRestClient } from '@camunda8/sdk';
import type { IProcessVariables } from '@camunda8/sdk/dist/zeebe/types.js';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { onBehalfOf } from '../src/registry/index.js';
import type { WorkerServices } from './services.js';

/**
 * Worker names of pingpin's own workers, reserved: at start the embedded engine makes jobs held under
 * these names workable again (their holder died with the last process), while external workers keep
 * Zeebe's timeout semantics.
 */
export const IN_PROCESS_WORKER_PREFIX = 'pingpin-';

export interface JobContext {
  jobKey: string;
  processInstanceKey: string;
  elementId: string;
  retries: number;
  customHeaders: Record<string, unknown>;
  log: Logger;
}

export interface WorkerDefinition<S extends z.ZodType = z.ZodType> {
  /** The zeebe:taskDefinition type this worker serves. */
  type: string;
  /**
   * The variables the worker reads; only these are fetched. Give each field a zh-CN `.describe()`:
   * the element template (npm run templates) lists them with their types and whether they are required.
   */
  input: S;
  /** zh-CN name of the step, e.g. 颁发证书: the element template's name in Modeler's template chooser. */
  name?: string;
  /** zh-CN: what the worker does and what it relies on (one or two sentences), for the element template. */
  description?: string;
  /**
   * The variables the handler returns, as a zod object with a `.describe()` per field. Documentation
   * only (the element template lists them); the handler's result is not checked against it.
   */
  output?: z.ZodType;
  /** zeebe:taskDefinition retries the element template sets (default 3). */
  retries?: number;
  /** Returns the variables to merge into the process. */
  handler(input: z.infer<S>, job: JobContext, services: WorkerServices): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** How long a job may run before the engine hands it to another worker (ms). */
  timeoutMs?: number;
  /** Back-off before a failed job is retried (ms). */
  retryBackOffMs?: number;
  maxJobsToActivate?: number;
}

/**
 * Thrown by a handler when retrying cannot help (a refusal that names what is wrong, e.g. the national
 * system answering 4xx, or the registry refusing the input): the job fails with no retries left, so
 * the incident shows the message at once instead of after the back-offs.
 */
export class NonRetryableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}

/** Keeps the schema's inferred type at the definition site. */
export const defineWorker = <S extends z.ZodType>(definition: WorkerDefinition<S>): WorkerDefinition<S> => definition;

/** Turns zod issues into one line per field, e.g. "candidate.idNumber: 校验位错误". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(variables)'}: ${i.message}`).join('; ');
}

/** Top-level variable names a schema reads, so the worker fetches only those. */
function fetchVariablesOf(schema: z.ZodType): string[] | undefined {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : undefined;
}

export interface RunningWorkers {
  stop(): Promise<void>;
}

export function startWorkers(client: CamundaRestClient, definitions: WorkerDefinition[], logger: Logger, services: WorkerServices): RunningWorkers {
  const running = definitions.map((def) => {
    const log = logger.child({ worker: def.type });
    return client.createJobWorker({
      type: def.type,
      worker: `${IN_PROCESS_WORKER_PREFIX}${def.type}`,
      timeout: def.timeoutMs ?? 60_000,
      maxJobsToActivate: def.maxJobsToActivate ?? 8,
      fetchVariable: fetchVariablesOf(def.input),
      pollIntervalMs: 100,
      requestTimeout: 10_000,
      jobHandler: async (job) => {
        const variables = JSON.parse(JSON.stringify(job.variables ?? {})) as unknown;
        const parsed = def.input.safeParse(variables);
        if (!parsed.success) {
          const message = `invalid input for '${def.type}': ${describeIssues(parsed.error)}`;
          log.warn({ jobKey: job.jobKey, processInstanceKey: job.processInstanceKey }, message);
          return job.fail({ errorMessage: message, retries: 0, retryBackOff: 0 });
        }
        try {
          const context = {
            jobKey: job.jobKey,
            processInstanceKey: job.processInstanceKey,
            elementId: job.elementId,
            retries: job.retries,
            customHeaders: JSON.parse(JSON.stringify(job.customHeaders ?? {})) as Record<string, unknown>,
            log: log.child({ jobKey: job.jobKey }),
          };
          const output = await onBehalfOf(services.causeOf?.(job.jobKey), () => def.handler(parsed.data, context, services));
          return job.complete(output as IProcessVariables);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          log.error({ jobKey: job.jobKey, err }, `job failed: ${message}`);
          if (err instanceof NonRetryableError) return job.fail({ errorMessage: message, retries: 0, retryBackOff: 0 });
          return job.fail({ errorMessage: message, retries: Math.max(0, job.retries - 1), retryBackOff: def.retryBackOffMs ?? 5_000 });
        }
      },
    });
  });
  if (definitions.length > 0) logger.info({ types: definitions.map((d) => d.type) }, `started ${definitions.length} job workers`);
  return {
    async stop() {
      await Promise.all(running.map((w) => w.stop(10_000).catch(() => undefined)));
    },
  };
}
