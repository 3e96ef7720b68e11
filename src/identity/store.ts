/**
 * identity.db: users, groups, roles, authorizations, sessions and the audit log of the embedded
 * engine (SQLite, WAL). Kept apart from engine.db so that the audit log and the accounts can be
 * backed up, retained and inspected on their own, and an engine restore never rolls back who may
 * log in or what was recorded.
 */
import type Database from 'better-sqlite3';
import { openDatabase } from '../engine/store.js';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  kind TEXT NOT NULL,                     -- USER | SERVICE
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,                   -- epoch ms
  password_changed_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS groups (
  group_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS group_members (
  group_id TEXT NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
  username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
  PRIMARY KEY (group_id, username)
);
CREATE INDEX IF NOT EXISTS group_members_by_user ON group_members (username);

CREATE TABLE IF NOT EXISTS roles (
  role_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS role_members (
  role_id TEXT NOT NULL REFERENCES roles (role_id) ON DELETE CASCADE,
  member_type TEXT NOT NULL,              -- USER | GROUP
  member_id TEXT NOT NULL,
  PRIMARY KEY (role_id, member_type, member_id)
);
CREATE INDEX IF NOT EXISTS role_members_by_member ON role_members (member_type, member_id);

CREATE TABLE IF NOT EXISTS authorizations (
  key INTEGER PRIMARY KEY,
  owner_type TEXT NOT NULL,               -- USER | GROUP | ROLE
  owner_id TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  permission_types TEXT NOT NULL          -- JSON array
);
CREATE INDEX IF NOT EXISTS authorizations_by_owner ON authorizations (owner_type, owner_id);

CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT PRIMARY KEY,               -- sha256 of the cookie value: a stolen database opens no session
  username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (username);

CREATE TABLE IF NOT EXISTS audit_log (
  seq INTEGER PRIMARY KEY,
  timestamp INTEGER NOT NULL,
  actor_id TEXT NOT NULL,
  actor_type TEXT NOT NULL,               -- USER | CLIENT | ANONYMOUS
  client_address TEXT NOT NULL,
  operation_type TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_key TEXT,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  result TEXT NOT NULL,                   -- SUCCESS | FAIL
  process_instance_key TEXT,
  process_definition_id TEXT,
  element_instance_key TEXT,
  user_task_key TEXT,
  job_key TEXT,
  incident_key TEXT,
  details TEXT NOT NULL,                  -- JSON object
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit_log (timestamp);
CREATE INDEX IF NOT EXISTS audit_by_actor ON audit_log (actor_id, seq);
CREATE INDEX IF NOT EXISTS audit_by_pi ON audit_log (process_instance_key);

-- Append-only: the database itself refuses to change or remove an entry.
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

export class IdentityStore {
  readonly db: Database.Database;

  constructor(readonly path: string) {
    this.db = openDatabase(path, SCHEMA, SCHEMA_VERSION);
  }

  /** Bumped by every change of accounts, memberships and authorizations (what principals are made of). */
  generation = 0;

  /** Runs fn in one transaction that may change accounts (caches of principals are dropped). */
  tx<T>(fn: () => T): T {
    this.generation++;
    return this.db.transaction(fn)();
  }

  meta(name: string): string | undefined {
    return (this.db.prepare(`SELECT value FROM meta WHERE name = ?`).get(name) as { value: string } | undefined)?.value;
  }

  setMeta(name: string, value: string): void {
    this.db.prepare(`INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`).run(name, value);
  }

  /** Zeebe-shaped keys (partition 1 in the high bits) for authorizations, increasing across restarts. */
  nextKey(): number {
    const n = Number(this.meta('key_counter') ?? '0') + 1;
    this.setMeta('key_counter', String(n));
    return 2 ** 51 + n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
