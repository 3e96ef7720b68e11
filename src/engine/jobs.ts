/**
 * Jobs: created for service-like elements, activated by workers (with long polling: waiting
 * workers are served after the command that made jobs of their type available commits), and
 * completed, failed, errored or updated by them.
 */
import type { Clock } from './clock.js';
import { EngineError } from './errors.js';
import type { FlowNode } from './model.js';
import type { Store } from './store.js';
import type { ActivatedJob, ActivateJobsRequest, FailJobRequest, ThrowJobErrorRequest, UpdateJobRequest, Variables } from './types.js';
import { DEFAULT_TENANT, IncidentRaised, parseKey, type ElementRow, type JobRow } from './rows.js';
import type { CommandState, EngineContext } from './context.js';

/** The gateway's default long-polling timeout when a worker sends requestTimeout 0 or none. */
const DEFAULT_LONG_POLL_MS = 10_000;

interface JobWaiter {
  request: ActivateJobsRequest;
  resolve: (jobs: ActivatedJob[]) => void;
  timer: NodeJS.Timeout;
  done: boolean;
}

export class Jobs {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly tx: CommandState;
  private readonly jobWaiters = new Set<JobWaiter>();

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.tx = ctx.tx;
  }

  createJob(row: ElementRow, node: FlowNode): void {
    const def = node.job!;
    const type = this.ctx.variables.evalExpr(row, def.type, 'STRING', 'EXTRACT_VALUE_ERROR') as string;
    if (type.trim() === '') {
      throw new IncidentRaised('EXTRACT_VALUE_ERROR', `Expected result of the expression '${def.type.text}' to be a not-empty string, but was an empty string.`);
    }
    const retriesValue = this.ctx.variables.evalExpr(row, def.retries, 'NUMBER', 'EXTRACT_VALUE_ERROR') as number;
    const retries = Math.trunc(retriesValue);
    const jobKey = this.store.nextKey();
    const version = (this.store.stmt(`SELECT version FROM resources WHERE key = ?`).get(row.process_definition_key) as { version: number }).version;
    this.store.stmt(
        `INSERT INTO jobs (key, type, state, activatable, retries, custom_headers, element_id, element_instance_key, process_instance_key, process_definition_key, process_definition_id, process_definition_version, kind, tenant_id, created_at, caused_by)
         VALUES (?, ?, 'CREATED', 1, ?, ?, ?, ?, ?, ?, ?, ?, 'BPMN_ELEMENT', ?, ?, ?)`,
      )
      .run(jobKey, type, retries, JSON.stringify(def.headers), row.element_id, row.key, row.process_instance_key, row.process_definition_key, row.process_definition_id, version, row.tenant_id, this.clock.now(), this.tx.cause ?? null);
    this.ctx.elements.setRuntime(row.key, { ...this.ctx.elements.runtime(row), jobKey });
    this.tx.jobTypesMadeAvailable.add(type);
  }

  async activateJobs(request: ActivateJobsRequest, signal?: AbortSignal): Promise<ActivatedJob[]> {
    const jobs = this.tryActivate(request);
    const wait = request.requestTimeout === undefined || request.requestTimeout === 0 ? DEFAULT_LONG_POLL_MS : request.requestTimeout;
    if (jobs.length > 0 || wait < 0 || this.ctx.isClosed()) return jobs;
    return new Promise<ActivatedJob[]>((resolve) => {
      const waiter: JobWaiter = {
        request,
        done: false,
        resolve: (found) => {
          if (waiter.done && found.length > 0) return;
          waiter.done = true;
          clearTimeout(waiter.timer);
          this.jobWaiters.delete(waiter);
          resolve(found);
        },
        timer: setTimeout(() => waiter.resolve([]), wait),
      };
      this.jobWaiters.add(waiter);
      signal?.addEventListener('abort', () => waiter.resolve([]), { once: true });
    });
  }

  serveJobWaiters(types: string[]): void {
    for (const waiter of [...this.jobWaiters]) {
      if (waiter.done || !types.includes(waiter.request.type)) continue;
      const jobs = this.tryActivate(waiter.request);
      if (jobs.length > 0) waiter.resolve(jobs);
    }
  }

  private tryActivate(request: ActivateJobsRequest): ActivatedJob[] {
    if (this.ctx.isClosed() || request.maxJobsToActivate <= 0) return [];
    const tenants = request.tenantIds && request.tenantIds.length > 0 ? request.tenantIds : [DEFAULT_TENANT];
    const candidates = this.store.stmt(
        `SELECT * FROM jobs WHERE type = ? AND activatable = 1 AND tenant_id IN (${tenants.map(() => '?').join(',')}) ORDER BY key LIMIT ?`,
      )
      .all(request.type, ...tenants, request.maxJobsToActivate) as JobRow[];
    if (candidates.length === 0) return [];
    return this.ctx.command('ACTIVATE_JOBS', null, () => {
      const now = this.clock.now();
      const deadline = now + request.timeout;
      const worker = request.worker ?? '';
      const update = this.store.stmt(`UPDATE jobs SET state = 'ACTIVATED', activatable = 0, worker = ?, deadline = ? WHERE key = ? AND activatable = 1`);
      const out: ActivatedJob[] = [];
      for (const job of candidates) {
        if (update.run(worker, deadline, job.key).changes === 0) continue;
        let variables = this.ctx.variables.visibleVariables(job.element_instance_key);
        if (request.fetchVariable && request.fetchVariable.length > 0) {
          const wanted = request.fetchVariable;
          variables = Object.fromEntries(Object.entries(variables).filter(([k]) => wanted.includes(k)));
        }
        out.push({
          jobKey: String(job.key),
          type: job.type,
          processDefinitionId: job.process_definition_id,
          processDefinitionVersion: job.process_definition_version,
          processDefinitionKey: String(job.process_definition_key),
          processInstanceKey: String(job.process_instance_key),
          elementId: job.element_id,
          elementInstanceKey: String(job.element_instance_key),
          customHeaders: JSON.parse(job.custom_headers) as Record<string, string>,
          worker,
          retries: job.retries,
          deadline,
          variables,
          tenantId: job.tenant_id,
          kind: 'BPMN_ELEMENT',
          listenerEventType: 'UNSPECIFIED',
        });
      }
      return out;
    });
  }

  private job(jobKey: string, action: string): JobRow {
    const key = parseKey('Job', jobKey);
    const job = this.store.stmt(`SELECT * FROM jobs WHERE key = ?`).get(key) as JobRow | undefined;
    if (!job) throw new EngineError('NOT_FOUND', `Expected to ${action} job with key '${jobKey}', but no such job was found`);
    return job;
  }

  /**
   * As Zeebe: complete, fail and throw-error need the job ACTIVATABLE or ACTIVATED; a finished job
   * is gone (404), a failed one (in back-off or with an incident) or one that threw is 409.
   */
  /** A job finished by a worker passes on the user who caused it to the jobs its completion creates. */
  private inheritingCause<T>(job: JobRow, fn: () => T): T {
    const before = this.tx.cause;
    this.tx.cause ??= job.caused_by ?? undefined;
    try {
      return fn();
    } finally {
      this.tx.cause = before;
    }
  }

  /** Jobs activated by workers whose names start with the prefix become activatable again (see Engine.releaseJobsOfWorkers). */
  releaseJobsOfWorkers(prefix: string): number {
    const held = this.store.stmt(`SELECT key, type FROM jobs WHERE state = 'ACTIVATED' AND substr(worker, 1, ?) = ?`).all(prefix.length, prefix) as { key: number; type: string }[];
    if (held.length === 0) return 0;
    this.ctx.command('RELEASE_JOBS', null, () => {
      for (const job of held) {
        this.store.stmt(`UPDATE jobs SET state = 'TIMED_OUT', activatable = 1, worker = NULL, deadline = NULL WHERE key = ? AND state = 'ACTIVATED'`).run(job.key);
        this.tx.jobTypesMadeAvailable.add(job.type);
      }
    });
    return held.length;
  }

  /** Who caused a job, or undefined (a timer, a start without a user). */
  jobCause(jobKey: string): string | undefined {
    const row = this.store.stmt(`SELECT caused_by FROM jobs WHERE key = ?`).get(parseKey('Job', jobKey)) as { caused_by: string | null } | undefined;
    return row?.caused_by ?? undefined;
  }

  private assertJobOpen(job: JobRow, intent: string, action: string): void {
    if (job.state === 'COMPLETED' || job.state === 'CANCELED') {
      throw new EngineError('NOT_FOUND', `Expected to ${action} job with key '${job.key}', but no such job was found`, intent);
    }
    if (job.state !== 'ACTIVATED' && job.activatable !== 1) {
      throw new EngineError('INVALID_STATE', `Expected to ${action} job with key '${job.key}', but it is in state '${job.state}'`, intent);
    }
  }

  completeJob(jobKey: string, variables: Variables = {}): void {
    const job = this.job(jobKey, 'complete');
    this.assertJobOpen(job, 'COMPLETE', 'complete');
    this.inheritingCause(job, () =>
      this.ctx.command('COMPLETE_JOB', job.key, () => {
        this.store.stmt(`UPDATE jobs SET state = 'COMPLETED', activatable = 0, end_date = ? WHERE key = ?`).run(this.clock.now(), job.key);
        this.ctx.lifecycle.completeWaitState(job.element_instance_key, variables);
      }),
    );
  }

  failJob(jobKey: string, request: FailJobRequest): void {
    const job = this.job(jobKey, 'fail');
    this.assertJobOpen(job, 'FAIL', 'fail');
    const retries = request.retries ?? 0;
    this.inheritingCause(job, () => this.ctx.command('FAIL_JOB', job.key, () => {
      const now = this.clock.now();
      const message = request.errorMessage ?? '';
      if (request.variables && Object.keys(request.variables).length > 0) {
        const row = this.ctx.elements.element(job.element_instance_key);
        for (const [name, value] of Object.entries(request.variables)) {
          this.ctx.variables.setLocalVariable(row.key, row.process_instance_key, row.process_definition_id, row.tenant_id, name, value);
        }
      }
      if (retries > 0) {
        const backoff = request.retryBackOff ?? 0;
        this.store.stmt(`UPDATE jobs SET state = 'FAILED', retries = ?, error_message = ?, worker = NULL, deadline = NULL, activatable = ?, recur_at = ? WHERE key = ?`)
          .run(retries, message, backoff > 0 ? 0 : 1, backoff > 0 ? now + backoff : null, job.key);
        if (backoff <= 0) this.tx.jobTypesMadeAvailable.add(job.type);
      } else {
        this.store.stmt(`UPDATE jobs SET state = 'FAILED', retries = 0, error_message = ?, worker = NULL, deadline = NULL, activatable = 0, recur_at = NULL WHERE key = ?`)
          .run(message, job.key);
        this.ctx.incidents.raiseIncident(this.ctx.elements.element(job.element_instance_key), 'JOB_NO_RETRIES', message || 'No more retries left.', 'JOB', job.key);
      }
    }));
  }

  throwJobError(jobKey: string, request: ThrowJobErrorRequest): void {
    const job = this.job(jobKey, 'throw an error for');
    this.assertJobOpen(job, 'THROW_ERROR', 'throw an error for');
    this.inheritingCause(job, () =>
      this.ctx.command('THROW_JOB_ERROR', job.key, () => {
        this.store.stmt(`UPDATE jobs SET state = 'ERROR_THROWN', activatable = 0, error_code = ?, error_message = ?, worker = NULL, deadline = NULL WHERE key = ?`)
          .run(request.errorCode, request.errorMessage ?? '', job.key);
        const row = this.ctx.elements.element(job.element_instance_key);
        this.ctx.errorEvents.throwError(row, request.errorCode, request.errorMessage ?? '', request.variables ?? {}, job.key);
      }),
    );
  }

  updateJob(jobKey: string, changeset: UpdateJobRequest): void {
    const job = this.job(jobKey, 'update');
    if (job.state === 'COMPLETED' || job.state === 'CANCELED') {
      throw new EngineError('NOT_FOUND', `Expected to update job with key '${jobKey}', but no such job was found (it is ${job.state})`);
    }
    if (changeset.retries !== undefined && changeset.retries < 1) {
      throw new EngineError('INVALID_ARGUMENT', `The value for retries is '${changeset.retries}' but must be greater than 0`, 'UPDATE');
    }
    if (changeset.timeout !== undefined && job.state !== 'ACTIVATED') {
      throw new EngineError('INVALID_ARGUMENT', `Expected to update the timeout of job with key '${jobKey}', but it is not active`, 'UPDATE');
    }
    this.ctx.command('UPDATE_JOB', job.key, () => {
      if (changeset.retries !== undefined) this.store.stmt(`UPDATE jobs SET retries = ? WHERE key = ?`).run(changeset.retries, job.key);
      if (changeset.timeout !== undefined) {
        this.store.stmt(`UPDATE jobs SET deadline = ? WHERE key = ?`).run(this.clock.now() + changeset.timeout, job.key);
      }
    });
  }

  /** Shutdown: every long-polling worker gets an empty answer now. */
  close(): void {
    for (const w of this.jobWaiters) {
      clearTimeout(w.timer);
      w.done = true;
      w.resolve([]);
    }
    this.jobWaiters.clear();
  }
}
