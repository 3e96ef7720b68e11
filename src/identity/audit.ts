/**
 * The access audit log (网络安全法 §21, 等保2.0 安全审计): every login, every request that changes
 * something and every read of personal data in clear, with who, from where, what, on which keys and
 * the outcome. Append-only (triggers refuse UPDATE and DELETE) and hash-chained like the registry's
 * audit trail:
 *   hash = sha256(canonicalJson({...entry without hash, prevHash}))
 * so a changed, inserted or removed entry breaks the chain at that entry; `verify()` names it.
 * Entries are never purged by the application: they are kept at least the 180 days the law asks.
 * The entry's shape follows Camunda 8.9's audit log (actorId, operationType, entityType, …).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import { EntityQuery, type Entity, type FieldDef, type SearchResult } from '../engine/search.js';
import type { IdentityStore } from './store.js';

export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export const AUDIT_OPERATION_TYPES = [
  'ASSIGN', 'CANCEL', 'COMPLETE', 'CREATE', 'DELETE', 'EVALUATE', 'LOGIN', 'LOGOUT', 'MODIFY', 'READ_PERSONAL_DATA',
  'RESOLVE', 'UNASSIGN', 'UPDATE', 'UNKNOWN',
] as const;
export type AuditOperationType = (typeof AUDIT_OPERATION_TYPES)[number];

export const AUDIT_ENTITY_TYPES = [
  'AUTHORIZATION', 'CLOCK', 'DECISION', 'GROUP', 'INCIDENT', 'JOB', 'MESSAGE', 'PROCESS_INSTANCE', 'RESOURCE', 'ROLE',
  'SESSION', 'SIGNAL', 'USER', 'USER_TASK', 'VARIABLE',
] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

export interface AuditRecord {
  /** Epoch ms (system time, never the engine's pinned clock). */
  timestamp: number;
  actorId: string;
  actorType: 'USER' | 'CLIENT' | 'ANONYMOUS';
  clientAddress: string;
  operationType: AuditOperationType;
  entityType: AuditEntityType;
  entityKey?: string;
  method: string;
  path: string;
  status: number;
  processInstanceKey?: string;
  processDefinitionId?: string;
  elementInstanceKey?: string;
  userTaskKey?: string;
  jobKey?: string;
  incidentKey?: string;
  /** Keys and masked values only; never a password, a token or personal data in clear. */
  details?: Record<string, unknown>;
}

interface AuditRow {
  seq: number;
  timestamp: number;
  actor_id: string;
  actor_type: string;
  client_address: string;
  operation_type: string;
  entity_type: string;
  entity_key: string | null;
  method: string;
  path: string;
  status: number;
  result: string;
  process_instance_key: string | null;
  process_definition_id: string | null;
  element_instance_key: string | null;
  user_task_key: string | null;
  job_key: string | null;
  incident_key: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

const COLUMNS = [
  'seq', 'timestamp', 'actor_id', 'actor_type', 'client_address', 'operation_type', 'entity_type', 'entity_key', 'method', 'path',
  'status', 'result', 'process_instance_key', 'process_definition_id', 'element_instance_key', 'user_task_key', 'job_key',
  'incident_key', 'details', 'prev_hash',
] as const;

/** What the hash covers: every column but the hash itself, by name. */
function rowHash(row: Omit<AuditRow, 'hash'>): string {
  const body: Record<string, unknown> = {};
  for (const c of COLUMNS) body[c] = row[c];
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}

const f = (sql: string, type: FieldDef['type'], values?: readonly string[]): FieldDef => ({ sql, type, ...(values ? { values } : {}) });

const auditEntity: Entity = {
  name: 'Audit log',
  from: 'audit_log t',
  key: 'auditLogKey',
  fields: {
    auditLogKey: f('t.seq', 'key'),
    timestamp: f('t.timestamp', 'date'),
    actorId: f('t.actor_id', 'string'),
    actorType: f('t.actor_type', 'enum', ['USER', 'CLIENT', 'ANONYMOUS']),
    clientAddress: f('t.client_address', 'string'),
    operationType: f('t.operation_type', 'enum', AUDIT_OPERATION_TYPES),
    entityType: f('t.entity_type', 'enum', AUDIT_ENTITY_TYPES),
    entityKey: f('t.entity_key', 'string'),
    method: f('t.method', 'string'),
    path: f('t.path', 'string'),
    status: f('t.status', 'int'),
    result: f('t.result', 'enum', ['SUCCESS', 'FAIL']),
    processInstanceKey: f('t.process_instance_key', 'string'),
    processDefinitionId: f('t.process_definition_id', 'string'),
    elementInstanceKey: f('t.element_instance_key', 'string'),
    userTaskKey: f('t.user_task_key', 'string'),
    jobKey: f('t.job_key', 'string'),
    incidentKey: f('t.incident_key', 'string'),
    details: f('t.details', 'json'),
    prevHash: f('t.prev_hash', 'string'),
    hash: f('t.hash', 'string'),
  },
  filters: Object.fromEntries(
    [
      'auditLogKey', 'timestamp', 'actorId', 'actorType', 'clientAddress', 'operationType', 'entityType', 'entityKey', 'method', 'path',
      'status', 'result', 'processInstanceKey', 'processDefinitionId', 'elementInstanceKey', 'userTaskKey', 'jobKey', 'incidentKey',
    ].map((name) => [name, { mode: 'ops' as const }]),
  ),
  sort: ['auditLogKey', 'timestamp', 'actorId', 'operationType', 'entityType', 'status', 'result'],
};

export type AuditVerification =
  | { ok: true; entries: number; headHash: string }
  | { ok: false; entries: number; firstBroken: { seq: number; reason: string } };

export class AuditLog {
  private readonly query: EntityQuery;

  private readonly db: IdentityStore['db'];

  constructor(private readonly store: IdentityStore) {
    this.db = store.db;
    this.query = new EntityQuery(store.db, auditEntity);
  }

  /** Appends one entry, chained to the last; returns its sequence number. */
  append(record: AuditRecord): number {
    const db = this.store.db;
    // Its own transaction, not store.tx: an audit entry changes no account, so cached principals stay.
    return this.db.transaction(() => {
      // Chained to the head (kept apart from the entries), not to whatever row is last: an entry cut
      // from the end then stays a visible gap instead of being papered over by the next append.
      const head = this.store.meta('audit_head');
      const last = head ? { seq: Number(head.split(':')[0]), hash: head.split(':')[1]! } : undefined;
      const row: Omit<AuditRow, 'hash'> = {
        seq: (last?.seq ?? 0) + 1,
        timestamp: record.timestamp,
        actor_id: record.actorId,
        actor_type: record.actorType,
        client_address: record.clientAddress,
        operation_type: record.operationType,
        entity_type: record.entityType,
        entity_key: record.entityKey ?? null,
        method: record.method,
        path: record.path,
        status: record.status,
        result: record.status < 400 ? 'SUCCESS' : 'FAIL',
        process_instance_key: record.processInstanceKey ?? null,
        process_definition_id: record.processDefinitionId ?? null,
        element_instance_key: record.elementInstanceKey ?? null,
        user_task_key: record.userTaskKey ?? null,
        job_key: record.jobKey ?? null,
        incident_key: record.incidentKey ?? null,
        details: canonicalJson(record.details ?? {}),
        prev_hash: last?.hash ?? AUDIT_GENESIS_HASH,
      };
      const hash = rowHash(row);
      db.prepare(`INSERT INTO audit_log (${COLUMNS.join(', ')}, hash) VALUES (${COLUMNS.map(() => '?').join(', ')}, ?)`).run(
        ...COLUMNS.map((c) => row[c]),
        hash,
      );
      // The head lets verify() notice entries cut from the end, which a chain alone cannot show.
      this.store.setMeta('audit_head', `${row.seq}:${hash}`);
      return row.seq;
    })();
  }

  /** POST /v2/audit-logs/search: 8.8-style filters (operators), sort and pagination. */
  search(body: unknown): SearchResult {
    return this.query.search(body);
  }

  /** Walks the whole chain in order and names the first entry that does not fit. */
  verify(): AuditVerification {
    let expected = 1;
    let prevHash = AUDIT_GENESIS_HASH;
    const broken = (seq: number, reason: string): AuditVerification => ({ ok: false, entries: expected - 1, firstBroken: { seq, reason } });
    for (const row of this.store.db.prepare(`SELECT * FROM audit_log ORDER BY seq`).iterate() as Iterable<AuditRow>) {
      if (row.seq !== expected) return broken(expected, `entry ${expected} is missing (next is ${row.seq})`);
      if (row.prev_hash !== prevHash) return broken(row.seq, 'prevHash does not match the hash of the entry before');
      if (rowHash(row) !== row.hash) return broken(row.seq, 'hash does not match the entry: it was changed after it was written');
      prevHash = row.hash;
      expected++;
    }
    const head = this.store.meta('audit_head');
    if (head !== undefined) {
      const [seq, hash] = head.split(':');
      if (Number(seq) > expected - 1) return broken(expected, `the chain ends at entry ${expected - 1} but entry ${seq} was written: entries were removed from the end`);
      if (Number(seq) === expected - 1 && hash !== prevHash) return broken(expected - 1, 'the last entry differs from the one written');
    }
    return { ok: true, entries: expected - 1, headHash: prevHash };
  }
}
