/**
 * What every repository shares: the Kysely instance, the clock, the personal-data keys, and
 * write(), the one way to change the registry.
 *
 * write() runs the change in one transaction, together with its audit entries, and serializes
 * writers:
 * - SQLite: the transaction begins IMMEDIATE (db.ts), so it holds the database's write lock from
 *   its first statement, across connections and processes; within one process, registries open on
 *   the same file also queue on a per-file mutex, so they take turns instead of retrying BEGIN;
 * - PostgreSQL: the first statement locks the audit head row (SELECT … FOR UPDATE). Every write
 *   takes that lock first, so writes are serialized in one order (no deadlocks), and each sees all
 *   writes committed before it (READ COMMITTED takes a fresh snapshot per statement).
 * Serializing every write keeps the audit chain linear; the registry's write volume (a few
 * thousand records a year per province) is far below what that costs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely, Transaction } from 'kysely';
import { chinaDate } from '../domain/china-time.js';
import { entryHash, type Json } from './audit.js';
import type { DB, DialectName } from './db.js';
import { ConflictError, RegistryError } from './errors.js';
import type { PersonalData } from './personal-data.js';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface WriteContext {
  db: Transaction<DB>;
  /** The transaction's timestamp (ISO, UTC), from the registry clock. */
  at: string;
  /** Today's date in China (Asia/Shanghai) at `at`. */
  today: string;
  by: string;
  /** Appends an audit entry in this transaction. */
  audit(action: string, entityType: string, entityId: string, details?: Record<string, Json | undefined>): Promise<void>;
}

const causes = new AsyncLocalStorage<string>();

/**
 * Registry writes made while fn runs were caused by this user (the clerk whose task completion
 * started the job that writes): their audit entries name them as `details.onBehalfOf`, next to the
 * worker that wrote them. Undefined: nobody (a timer, a start without a user).
 */
export function onBehalfOf<T>(user: string | undefined, fn: () => T): T {
  return user === undefined ? fn() : causes.run(user, fn);
}

class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

const fileMutexes = new Map<string, Mutex>();

export function mutexFor(key: string): Mutex {
  // One per SQLite file for the life of the process (a handful of files at most).
  let m = fileMutexes.get(key);
  if (!m) {
    m = new Mutex();
    fileMutexes.set(key, m);
  }
  return m;
}

export class Core {
  constructor(
    readonly db: Kysely<DB>,
    readonly dialect: DialectName,
    readonly clock: () => Date,
    readonly pd: PersonalData,
    readonly logger: Logger,
    /** SQLite: the per-file mutex; PostgreSQL: none (the database serializes writers, see above). */
    private readonly mutex: Mutex | undefined,
  ) {}

  now(): Date {
    return this.clock();
  }

  today(): string {
    return chinaDate(this.clock());
  }

  /** Runs fn with the registry's write serialization but no transaction (migrations). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex ? this.mutex.run(fn) : fn();
  }

  async write<T>(by: string, fn: (w: WriteContext) => Promise<T>): Promise<T> {
    try {
      return await this.exclusive(() =>
        this.db.transaction().execute(async (trx) => {
          const headQuery = trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
          const head = await (this.dialect === 'postgres' ? headQuery.forUpdate() : headQuery).executeTakeFirstOrThrow();
          let seq = Number(head.seq);
          let hash = head.hash;
          const now = this.clock();
          const at = now.toISOString();
          let appended = 0;
          const cause = causes.getStore();
          const w: WriteContext = {
            db: trx,
            at,
            today: chinaDate(now),
            by,
            audit: async (action, entityType, entityId, details = {}) => {
              const clean = JSON.parse(JSON.stringify(cause !== undefined && details.onBehalfOf === undefined ? { ...details, onBehalfOf: cause } : details)) as Record<string, Json>;
              const entry = { seq: seq + 1, at, actor: by, action, entityType, entityId, details: clean, prevHash: hash };
              const entryHashValue = entryHash(entry);
              await trx
                .insertInto('audit_log')
                .values({
                  seq: entry.seq,
                  at,
                  actor: by,
                  action,
                  entity_type: entityType,
                  entity_id: entityId,
                  details: JSON.stringify(clean),
                  prev_hash: hash,
                  hash: entryHashValue,
                })
                .execute();
              seq = entry.seq;
              hash = entryHashValue;
              appended++;
            },
          };
          const result = await fn(w);
          if (appended === 0) throw new Error('internal error: a registry write must append to the audit trail');
          await trx.updateTable('audit_head').set({ seq, hash }).where('id', '=', 1).execute();
          return result;
        }),
      );
    } catch (err) {
      throw translate(err);
    }
  }
}

/** Database constraint violations that validation did not catch become ConflictErrors. */
function translate(err: unknown): unknown {
  if (err instanceof RegistryError || !(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new ConflictError(`already exists: ${err.message}`);
  }
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return new ConflictError(`refers to a record that does not exist: ${err.message}`);
  if (code === '23514' || code === 'SQLITE_CONSTRAINT_CHECK') return new ConflictError(`violates a registry rule: ${err.message}`);
  return err;
}

export const flag = (b: boolean): 0 | 1 => (b ? 1 : 0);
export const bool = (v: unknown): boolean => Number(v) === 1;
