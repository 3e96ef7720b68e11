/**
 * The audit trail: append-only, each entry chained to the one before by
 *   hash = sha256(canonicalJson({seq, at, actor, action, entity: {type, id}, details, prevHash}))
 * where canonical JSON sorts object keys (recursively) and has no whitespace. Changing, inserting
 * or removing any entry breaks the chain at that entry; `registry.audit.verify()` names the first one.
 * Entries carry ids and masked values only, never a clear ID number.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditLogTable, DB } from './db.js';
import { GENESIS_HASH } from './migrations/0001_initial.js';
import { canonicalJson } from '../canonical-json.js';

export { canonicalJson };

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  details: Record<string, Json>;
  prevHash: string;
  hash: string;
}

export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const body = canonicalJson({
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    entity: { type: entry.entityType, id: entry.entityId },
    details: entry.details,
    prevHash: entry.prevHash,
  });
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

export function toAuditEntry(row: AuditLogTable): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    details: JSON.parse(row.details) as Record<string, Json>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export type AuditVerification =
  | { ok: true; entries: number; headHash: string }
  | { ok: false; entries: number; firstBroken: { seq: number; reason: string } };

const BATCH = 1000;

/** Walks the whole chain in order and reports the first entry that does not fit. */
export async function verifyChain(db: Kysely<DB>): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  const broken = (seq: number, reason: string): AuditVerification => ({ ok: false, entries: count, firstBroken: { seq, reason } });
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(BATCH).execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return broken(expectedSeq, `entry ${expectedSeq} is missing (next is ${seq})`);
      if (row.prev_hash !== prevHash) return broken(seq, 'prevHash does not match the hash of the entry before');
      let details: Record<string, Json>;
      try {
        details = JSON.parse(row.details) as Record<string, Json>;
      } catch {
        return broken(seq, 'details are not valid JSON');
      }
      const recomputed = entryHash({ ...toAuditEntry({ ...row, details: '{}' }), details, seq });
      if (recomputed !== row.hash) return broken(seq, 'hash does not match the entry: it was changed after it was written');
      prevHash = row.hash;
      expectedSeq++;
      count++;
    }
    if (rows.length < BATCH) break;
  }
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!head) return broken(expectedSeq, 'the audit head row is missing');
  if (Number(head.seq) !== count || head.hash !== prevHash) {
    return broken(Math.min(Number(head.seq), count) + 1, `the chain ends at entry ${count} but the head records entry ${head.seq}: entries were removed from the end`);
  }
  return { ok: true, entries: count, headHash: prevHash };
}
