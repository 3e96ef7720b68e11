/**
 * The engine's state in SQLite (better-sqlite3, WAL). Every command runs in one transaction, so a
 * crash between commands loses nothing and a command that fails half-way leaves nothing behind.
 * Keys are Zeebe-shaped: partition 1 in the high bits, a persisted counter below, so they never
 * repeat, also across restarts.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Zeebe encodes the partition id in bits 51+; partition 1 gives 2251799813685249, … */
const KEY_BASE = 2 ** 51;

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS deployments (
  key INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS resources (
  key INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                 -- process | form | decision | decision-requirements
  resource_id TEXT NOT NULL,          -- bpmnProcessId / formId / decisionId
  name TEXT,
  version INTEGER NOT NULL,
  version_tag TEXT,
  resource_name TEXT NOT NULL,
  content TEXT NOT NULL,
  checksum TEXT NOT NULL,
  deployment_key INTEGER NOT NULL,
  tenant_id TEXT NOT NULL,
  UNIQUE (kind, tenant_id, resource_id, version)
);
CREATE INDEX IF NOT EXISTS resources_by_id ON resources (kind, tenant_id, resource_id, version DESC);

CREATE TABLE IF NOT EXISTS process_instances (
  key INTEGER PRIMARY KEY,
  process_definition_key INTEGER NOT NULL,
  process_definition_id TEXT NOT NULL,
  process_definition_name TEXT,
  process_definition_version INTEGER NOT NULL,
  process_definition_version_tag TEXT,
  state TEXT NOT NULL,                -- ACTIVE | COMPLETED | TERMINATED
  start_date INTEGER NOT NULL,
  end_date INTEGER,
  parent_process_instance_key INTEGER,
  parent_element_instance_key INTEGER,
  tenant_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pi_by_state ON process_instances (state);

CREATE TABLE IF NOT EXISTS element_instances (
  key INTEGER PRIMARY KEY,
  process_instance_key INTEGER NOT NULL,
  process_definition_key INTEGER NOT NULL,
  process_definition_id TEXT NOT NULL,
  element_id TEXT NOT NULL,
  element_name TEXT,
  type TEXT NOT NULL,
  flow_scope_key INTEGER,
  state TEXT NOT NULL,                -- ACTIVATING | ACTIVATED | COMPLETING | COMPLETED | TERMINATED
  start_date INTEGER NOT NULL,
  end_date INTEGER,
  incident_key INTEGER,
  runtime TEXT,                       -- element-specific state (JSON)
  tenant_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ei_by_pi ON element_instances (process_instance_key);
CREATE INDEX IF NOT EXISTS ei_by_scope ON element_instances (flow_scope_key, state);

CREATE TABLE IF NOT EXISTS variables (
  key INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  value TEXT NOT NULL,                -- JSON
  scope_key INTEGER NOT NULL,
  process_instance_key INTEGER NOT NULL,
  process_definition_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  UNIQUE (scope_key, name)
);
CREATE INDEX IF NOT EXISTS var_by_pi ON variables (process_instance_key);

CREATE TABLE IF NOT EXISTS jobs (
  key INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  state TEXT NOT NULL,                -- CREATED | ACTIVATED | FAILED | COMPLETED | CANCELED | ERROR_THROWN
  activatable INTEGER NOT NULL,       -- 1 when it may be handed to a worker now
  retries INTEGER NOT NULL,
  worker TEXT,
  deadline INTEGER,
  recur_at INTEGER,                   -- end of a retry back-off
  error_message TEXT,
  error_code TEXT,
  custom_headers TEXT NOT NULL,
  element_id TEXT NOT NULL,
  element_instance_key INTEGER NOT NULL,
  process_instance_key INTEGER NOT NULL,
  process_definition_key INTEGER NOT NULL,
  process_definition_id TEXT NOT NULL,
  process_definition_version INTEGER NOT NULL,
  kind TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  end_date INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_activatable ON jobs (type, activatable, key);
CREATE INDEX IF NOT EXISTS jobs_deadline ON jobs (state, deadline);
CREATE INDEX IF NOT EXISTS jobs_recur ON jobs (recur_at);
CREATE INDEX IF NOT EXISTS jobs_by_pi ON jobs (process_instance_key);

CREATE TABLE IF NOT EXISTS user_tasks (
  key INTEGER PRIMARY KEY,
  state TEXT NOT NULL,                -- CREATED | COMPLETED | CANCELED
  name TEXT,
  element_id TEXT NOT NULL,
  element_instance_key INTEGER NOT NULL,
  process_instance_key INTEGER NOT NULL,
  process_definition_key INTEGER NOT NULL,
  process_definition_id TEXT NOT NULL,
  process_definition_version INTEGER NOT NULL,
  assignee TEXT,
  candidate_groups TEXT NOT NULL,     -- JSON list
  candidate_users TEXT NOT NULL,      -- JSON list
  due_date TEXT,
  follow_up_date TEXT,
  priority INTEGER NOT NULL,
  form_key INTEGER,
  external_form_reference TEXT,
  custom_headers TEXT NOT NULL,
  creation_date INTEGER NOT NULL,
  completion_date INTEGER,
  tenant_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ut_by_state ON user_tasks (state);
CREATE INDEX IF NOT EXISTS ut_by_pi ON user_tasks (process_instance_key);

CREATE TABLE IF NOT EXISTS incidents (
  key INTEGER PRIMARY KEY,
  error_type TEXT NOT NULL,
  error_message TEXT NOT NULL,
  state TEXT NOT NULL,                -- ACTIVE | RESOLVED
  element_id TEXT NOT NULL,
  element_instance_key INTEGER NOT NULL,
  process_instance_key INTEGER NOT NULL,
  process_definition_key INTEGER NOT NULL,
  process_definition_id TEXT NOT NULL,
  job_key INTEGER,
  step TEXT,                          -- the step to run again on resolution
  creation_time INTEGER NOT NULL,
  tenant_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inc_by_state ON incidents (state);
CREATE INDEX IF NOT EXISTS inc_by_pi ON incidents (process_instance_key);
CREATE INDEX IF NOT EXISTS inc_by_element_instance ON incidents (element_instance_key, state);

-- Open event subscriptions: timers, message and signal catches. They close with the element instance
-- that owns them (element_instance_key); process-level start events have none.
CREATE TABLE IF NOT EXISTS subscriptions (
  key INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                 -- timer | message | signal
  role TEXT NOT NULL,                 -- self | boundary | event-subprocess | gateway | start
  element_instance_key INTEGER,
  process_instance_key INTEGER,
  process_definition_key INTEGER NOT NULL,
  process_definition_id TEXT NOT NULL,
  catch_element_id TEXT NOT NULL,     -- the event (or receive task) the subscription triggers
  interrupting INTEGER NOT NULL,
  name TEXT,                          -- message or signal name
  correlation_key TEXT,
  due_at INTEGER,                     -- timers
  repetitions INTEGER,                -- timers: occurrences left after this one (-1 = unbounded)
  timer TEXT,                         -- timers: the resolved definition, for the next occurrence
  tenant_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sub_by_owner ON subscriptions (element_instance_key);
CREATE INDEX IF NOT EXISTS sub_due ON subscriptions (kind, due_at);
CREATE INDEX IF NOT EXISTS sub_by_name ON subscriptions (kind, name, correlation_key);
CREATE INDEX IF NOT EXISTS sub_by_definition ON subscriptions (process_definition_key, role);

-- Published messages buffered for their time to live.
CREATE TABLE IF NOT EXISTS messages (
  key INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  correlation_key TEXT NOT NULL,
  message_id TEXT,
  variables TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  correlated TEXT NOT NULL,           -- JSON list of process ids it already correlated to
  tenant_id TEXT NOT NULL,
  published_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS msg_by_name ON messages (name, correlation_key, expires_at);
CREATE INDEX IF NOT EXISTS msg_expiry ON messages (expires_at);

CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  timestamp INTEGER NOT NULL,
  value_type TEXT NOT NULL,
  intent TEXT NOT NULL,
  key INTEGER,
  process_instance_key INTEGER,
  detail TEXT
);
`;

export type Db = Database.Database;

/**
 * Opens (or creates) a SQLite database the way pingpin keeps its state: WAL, synchronous=NORMAL
 * (survives kill -9; only an OS crash may lose the last commits), foreign keys on, the schema applied
 * and its version (a `meta` table's `schema_version`) checked, so a file of another version is
 * refused instead of misread.
 */
export function openDatabase(path: string, schema: string, schemaVersion: number): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(schema);
  const version = db.prepare(`SELECT value FROM meta WHERE name = 'schema_version'`).get() as { value: string } | undefined;
  if (!version) {
    db.prepare(`INSERT INTO meta (name, value) VALUES ('schema_version', ?)`).run(String(schemaVersion));
  } else if (Number(version.value) !== schemaVersion) {
    db.close();
    throw new Error(`${path}: schema version ${version.value} is not supported (expected ${schemaVersion})`);
  }
  return db;
}

export class Store {
  readonly db: Db;
  private nextKeyValue: number;
  private readonly persistKey: Database.Statement;

  constructor(readonly path: string) {
    this.db = openDatabase(path, SCHEMA, SCHEMA_VERSION);
    this.ensureColumn('process_instances', 'message_correlation_key', 'TEXT');
    // Who caused a job (a clerk completing a task, a user starting an instance), for the registry's audit trail.
    this.ensureColumn('jobs', 'caused_by', 'TEXT');
    // A process's none start event (1/0; NULL: deployed before this was recorded, filled in at open)
    // and the form it links, so the read side can answer hasStartForm and the start form.
    this.ensureColumn('resources', 'none_start', 'INTEGER');
    this.ensureColumn('resources', 'start_form_id', 'TEXT');
    const row = this.db.prepare(`SELECT value FROM meta WHERE name = 'next_key'`).get() as { value: string } | undefined;
    this.nextKeyValue = row ? Number(row.value) : KEY_BASE + 1;
    this.persistKey = this.db.prepare(`INSERT INTO meta (name, value) VALUES ('next_key', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value`);
  }

  /** Adds a column that a newer version needs to a table created by an older one. */
  private ensureColumn(table: string, column: string, type: string): void {
    const columns = this.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
    if (!columns.some((c) => c.name === column)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }

  /**
   * A new key. Must be called inside a transaction: the counter is written in the same transaction,
   * and rolled back with it (see transaction()).
   */
  nextKey(): number {
    if (!this.db.inTransaction) throw new Error('nextKey() outside a transaction');
    return this.nextKeyValue++;
  }

  /**
   * Runs fn in one transaction and persists the key counter with it; on error the in-memory counter
   * is rolled back too, so keys of a failed command are handed out again but never twice committed.
   */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    const keyBefore = this.nextKeyValue;
    try {
      return this.db.transaction(() => {
        const result = fn();
        if (this.nextKeyValue !== keyBefore) this.persistKey.run(String(this.nextKeyValue));
        return result;
      })();
    } catch (err) {
      this.nextKeyValue = keyBefore;
      throw err;
    }
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** A prepared statement, cached: preparing costs more than running on the hot path. */
  stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  getMeta(name: string): string | undefined {
    return (this.db.prepare(`SELECT value FROM meta WHERE name = ?`).get(name) as { value: string } | undefined)?.value;
  }

  setMeta(name: string, value: string | undefined): void {
    if (value === undefined) this.db.prepare(`DELETE FROM meta WHERE name = ?`).run(name);
    else this.db.prepare(`INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value`).run(name, value);
  }

  close(): void {
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}
