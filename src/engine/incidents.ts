/**
 * Incidents: raised where a step cannot go on (the element waits), and resolved by command,
 * which re-runs the step or makes the job workable again.
 */
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import { EngineError } from './errors.js';
import type { Store } from './store.js';
import { parseKey, type ElementRow, type JobRow, type IncidentRow, type IncidentStep } from './rows.js';
import type { CommandState, EngineContext } from './context.js';

export class Incidents {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly tx: CommandState;

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.tx = ctx.tx;
  }

  raiseIncident(row: ElementRow, errorType: string, message: string, step: IncidentStep, jobKey: number | null): number {
    const key = this.store.nextKey();
    this.store.stmt(
        `INSERT INTO incidents (key, error_type, error_message, state, element_id, element_instance_key, process_instance_key, process_definition_key, process_definition_id, job_key, step, creation_time, tenant_id)
         VALUES (?, ?, ?, 'ACTIVE', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(key, errorType, message, row.element_id, row.key, row.process_instance_key, row.process_definition_key, row.process_definition_id, jobKey, step, this.clock.now(), row.tenant_id);
    this.store.stmt(`UPDATE element_instances SET incident_key = ? WHERE key = ?`).run(key, row.key);
    this.tx.afterCommit.push(() =>
      this.log.warn({ incidentKey: String(key), errorType, elementId: row.element_id, processInstanceKey: String(row.process_instance_key) }, `incident: ${message}`),
    );
    return key;
  }

  resolveIncident(incidentKey: string): void {
    const key = parseKey('Incident', incidentKey);
    const incident = this.store.stmt(`SELECT * FROM incidents WHERE key = ?`).get(key) as IncidentRow | undefined;
    if (!incident) {
      throw new EngineError('NOT_FOUND', `Expected to resolve incident with key '${incidentKey}', but no such incident was found`);
    }
    if (incident.state !== 'ACTIVE') {
      throw new EngineError('NOT_FOUND', `Expected to resolve incident with key '${incidentKey}', but no such incident was found (it is already resolved)`);
    }
    const job =
      incident.job_key === null ? undefined : (this.store.stmt(`SELECT * FROM jobs WHERE key = ?`).get(incident.job_key) as JobRow);
    if (job && job.retries <= 0) {
      throw new EngineError(
        'INVALID_STATE',
        `Expected to resolve incident with key '${incidentKey}', but job with key '${job.key}' has no retries left. Please update the job retries and retry resolving the incident`,
        'RESOLVE',
      );
    }
    this.ctx.command('RESOLVE_INCIDENT', key, () => {
      this.store.stmt(`UPDATE incidents SET state = 'RESOLVED' WHERE key = ?`).run(key);
      this.store.stmt(`UPDATE element_instances SET incident_key = NULL WHERE key = ?`).run(incident.element_instance_key);
      if (job) {
        this.store.stmt(`UPDATE jobs SET state = 'FAILED', activatable = 1, recur_at = NULL, worker = NULL, deadline = NULL WHERE key = ?`).run(job.key);
        this.tx.jobTypesMadeAvailable.add(job.type);
        return;
      }
      if (incident.step === 'ACTIVATE') this.tx.agenda.push({ kind: 'activate', key: incident.element_instance_key });
      else if (incident.step === 'COMPLETE') this.tx.agenda.push({ kind: 'complete', key: incident.element_instance_key });
    });
  }
}
