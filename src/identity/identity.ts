/**
 * Identity of the embedded engine, as Camunda 8.8's Orchestration Cluster has it: users, groups,
 * roles, authorizations; authentication with lockout; browser sessions. The one writer of
 * identity.db's accounts (the audit log is written by AuditLog).
 *
 * Time here is the system clock (injectable for tests), never the engine's: a pinned engine clock
 * must not keep a locked account locked or a session alive.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { EngineError } from '../engine/errors.js';
import { EntityQuery, filterList, filterString, type CustomFilter, type Entity, type SearchResult } from '../engine/search.js';
import type { Principal } from './access.js';
import { hashPassword, passwordPolicyViolation, verifyPassword, type HashCost } from './passwords.js';
import {
  BUILT_IN_ROLES,
  ID_PATTERN,
  MAX_ID_LENGTH,
  OWNER_TYPES,
  PRIVILEGED_RESOURCE_TYPES,
  PRIVILEGED_ROLES,
  PERMISSIONS_BY_RESOURCE,
  RESOURCE_TYPES,
  USERNAME_PATTERN,
  WILDCARD,
  type Grant,
  type OwnerType,
  type PermissionType,
  type ResourceType,
} from './permissions.js';
import type { IdentityStore } from './store.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60_000;
export const SESSION_IDLE_MS = 30 * 60_000;
/** A session ends after this long even when used (a browser left logged in overnight). */
export const SESSION_MAX_MS = 12 * 60 * 60_000;
/** How long a verified Basic credential is remembered, so API clients do not pay scrypt per request. */
const CREDENTIAL_CACHE_MS = 5 * 60_000;

export interface UserRow {
  username: string;
  name: string;
  email: string;
  kind: 'USER' | 'SERVICE';
  password_hash: string;
  must_change_password: number;
  failed_logins: number;
  locked_until: number | null;
  password_changed_at: number;
  created_at: number;
}

export type LoginResult =
  | { ok: true; username: string; mustChangePassword: boolean }
  | { ok: false; reason: 'invalid' | 'locked' };

export interface Session {
  username: string;
  csrfToken: string;
  createdAt: number;
}

export interface IdentityOptions {
  now?: () => number;
  /** scrypt cost; tests lower it. */
  hashCost?: HashCost;
}

const invalid = (message: string) => new EngineError('INVALID_ARGUMENT', message);
const notFound = (what: string, id: string) => new EngineError('NOT_FOUND', `${what} with id '${id}' not found`);
const exists = (what: string, id: string) => new EngineError('ALREADY_EXISTS', `${what} with id '${id}' already exists`);

function checkId(field: string, value: unknown, pattern = ID_PATTERN): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${field}: must be a non-empty string`);
  if (value.length > MAX_ID_LENGTH) throw invalid(`${field}: must be at most ${MAX_ID_LENGTH} characters`);
  if (!pattern.test(value)) {
    const allowed = pattern === USERNAME_PATTERN ? 'letters, digits, _ @ .' : 'letters, digits, _ @ . -';
    throw invalid(`${field}: '${value}' is not a valid id; use only ${allowed}`);
  }
  return value;
}

const text = (field: string, max: number) =>
  z.string({ error: `${field}: must be a string` }).max(max, `${field}: must be at most ${max} characters`);

const email = z
  .string({ error: 'email: must be a string' })
  .max(254, 'email: must be at most 254 characters')
  .refine((v) => v === '' || /^[^\s@]+@[^\s@]+$/.test(v), 'email: must be an email address such as name@example.gov.cn');

export const createUserBody = z.strictObject({
  username: z.string({ error: 'username: is required' }),
  password: z.string({ error: 'password: is required' }),
  name: text('name', 200).optional(),
  email: email.optional(),
  /**
   * pingpin's addition: ask for a new password at the first login. Default false, as 8.8 creates
   * users (a script that works against a cluster must work here); an administrator creating an
   * account for a person sets it.
   */
  mustChangePassword: z.boolean().optional(),
});
export const updateUserBody = z.strictObject({
  /** Camunda's web apps send the username again; it cannot change. */
  username: z.string().optional(),
  password: z.string().optional(),
  name: text('name', 200).optional(),
  email: email.optional(),
  mustChangePassword: z.boolean().optional(),
});
export const groupBody = z.strictObject({ groupId: z.string({ error: 'groupId: is required' }), name: text('name', 200), description: text('description', 1000).optional() });
export const roleBody = z.strictObject({ roleId: z.string({ error: 'roleId: is required' }), name: text('name', 200), description: text('description', 1000).optional() });
export const updateNamedBody = z.strictObject({ name: text('name', 200), description: text('description', 1000).optional() });
export const authorizationBody = z.strictObject({
  ownerId: z.string({ error: 'ownerId: is required' }),
  ownerType: z.enum(OWNER_TYPES, { error: `ownerType: must be one of ${OWNER_TYPES.join(', ')}` }),
  resourceId: z.string({ error: 'resourceId: is required' }),
  resourceType: z.enum(RESOURCE_TYPES, { error: `resourceType: must be one of ${RESOURCE_TYPES.join(', ')}` }),
  permissionTypes: z.array(z.string()).min(1, 'permissionTypes: must name at least one permission'),
});

// ---------------------------------------------------------------------------------------------
// Searches (declared like the engine's entities in src/engine/queries.ts)

const str = (sql: string) => ({ sql, type: 'string' as const });
const OPS = { mode: 'ops' } as const;
const EQ = { mode: 'eq' } as const;

const userEntity: Entity = {
  name: 'User',
  from: 'users t',
  key: 'username',
  fields: { username: str('t.username'), name: str('t.name'), email: str('t.email') },
  filters: { username: OPS, name: OPS, email: OPS },
  sort: ['username', 'name', 'email'],
};
const groupEntity: Entity = {
  name: 'Group',
  from: 'groups t',
  key: 'groupId',
  fields: { groupId: str('t.group_id'), name: str('t.name'), description: str('t.description') },
  filters: { groupId: OPS, name: OPS },
  sort: ['groupId', 'name'],
};
const roleEntity: Entity = {
  name: 'Role',
  from: 'roles t',
  key: 'roleId',
  fields: { roleId: str('t.role_id'), name: str('t.name'), description: str('t.description') },
  filters: { roleId: OPS, name: OPS },
  sort: ['roleId', 'name'],
};
const memberEntity: Entity = {
  name: 'Member',
  from: 'users t',
  key: 'username',
  fields: { username: str('t.username') },
  sort: ['username'],
};
/** 8.8 spells the resource id filter `resourceIds` (OpenAPI) and `resourceId` (web apps' schemas), both a list. */
const resourceIdsFilter: CustomFilter = {
  schema: filterList(filterString),
  compile: (ids: string[]) => ({ sql: ids.length ? `t.resource_id IN (${ids.map(() => '?').join(', ')})` : '0', params: ids }),
};
const authorizationEntity: Entity = {
  name: 'Authorization',
  from: 'authorizations t',
  key: 'authorizationKey',
  fields: {
    authorizationKey: { sql: 't.key', type: 'key' },
    ownerId: str('t.owner_id'),
    ownerType: { sql: 't.owner_type', type: 'enum', values: OWNER_TYPES },
    resourceType: { sql: 't.resource_type', type: 'enum', values: RESOURCE_TYPES },
    resourceId: str('t.resource_id'),
    permissionTypes: { sql: 't.permission_types', type: 'json' },
  },
  filters: { ownerId: EQ, ownerType: EQ, resourceType: EQ, resourceIds: resourceIdsFilter, resourceId: resourceIdsFilter },
  sort: ['ownerId', 'ownerType', 'resourceId', 'resourceType'],
};

interface AuthorizationRow {
  key: number;
  owner_type: OwnerType;
  owner_id: string;
  resource_type: ResourceType;
  resource_id: string;
  permission_types: string;
}

const authorizationItem = (r: AuthorizationRow) => ({
  authorizationKey: String(r.key),
  ownerId: r.owner_id,
  ownerType: r.owner_type,
  resourceType: r.resource_type,
  resourceId: r.resource_id,
  permissionTypes: JSON.parse(r.permission_types) as PermissionType[],
});

export class Identity {
  private readonly now: () => number;
  private readonly hashCost?: HashCost;
  /** HMAC(username:password) → expiry: Basic credentials verified recently (memory only). */
  private readonly verified = new Map<string, number>();
  private readonly cacheKey = randomBytes(32);
  private dummyHash?: Promise<string>;
  private readonly principals = new Map<string, { generation: number; principal: Principal | undefined }>();
  /** Checks of the same credentials under way: the workers' first requests after a start share one scrypt run. */
  private readonly checking = new Map<string, Promise<boolean>>();
  private readonly q: Record<'users' | 'groups' | 'roles' | 'members' | 'authorizations', EntityQuery>;

  constructor(
    readonly store: IdentityStore,
    options: IdentityOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.hashCost = options.hashCost;
    const db = store.db;
    this.q = {
      users: new EntityQuery(db, userEntity),
      groups: new EntityQuery(db, groupEntity),
      roles: new EntityQuery(db, roleEntity),
      members: new EntityQuery(db, memberEntity),
      authorizations: new EntityQuery(db, authorizationEntity),
    };
  }

  private get db() {
    return this.store.db;
  }

  // -------------------------------------------------------------------------------------------
  // Start-up

  /** Creates the built-in roles and their authorizations once, on an empty identity database. */
  ensureBuiltInRoles(): void {
    this.store.tx(() => {
      if (this.store.meta('built_in_roles') === '1') return;
      for (const role of BUILT_IN_ROLES) {
        if (!this.roleRow(role.roleId)) this.db.prepare(`INSERT INTO roles (role_id, name, description) VALUES (?, ?, ?)`).run(role.roleId, role.name, role.description);
        for (const g of role.grants) this.insertAuthorization('ROLE', role.roleId, g);
      }
      this.store.setMeta('built_in_roles', '1');
    });
  }

  hasUsers(): boolean {
    return this.db.prepare(`SELECT 1 FROM users WHERE kind = 'USER' LIMIT 1`).get() !== undefined;
  }

  /**
   * The first administrator (first start on an empty DATA_DIR). A password chosen by nobody
   * (generated) must be changed at the first login.
   */
  async createInitialAdmin(username: string, password: string, mustChangePassword: boolean): Promise<void> {
    await this.createUser({ username, password, name: '系统管理员', mustChangePassword });
    this.assignRole('admin', 'USER', username);
  }

  /**
   * The app's own job workers log in as this service account. Its password is new at every start
   * and only ever held in memory, so there is no secret to leak from disk or logs.
   */
  async ensureServiceAccount(username: string, roleId: string, password: string): Promise<void> {
    checkId('username', username, USERNAME_PATTERN);
    const hash = await hashPassword(password, this.hashCost);
    this.store.tx(() => {
      const at = this.now();
      if (this.userRow(username)) {
        this.db.prepare(`UPDATE users SET password_hash = ?, kind = 'SERVICE', must_change_password = 0, failed_logins = 0, locked_until = NULL, password_changed_at = ? WHERE username = ?`).run(hash, at, username);
      } else {
        this.db
          .prepare(`INSERT INTO users (username, name, email, kind, password_hash, must_change_password, password_changed_at, created_at) VALUES (?, ?, '', 'SERVICE', ?, 0, ?, ?)`)
          .run(username, '作业执行程序（服务账户）', hash, at, at);
      }
      this.db.prepare(`INSERT OR IGNORE INTO role_members (role_id, member_type, member_id) VALUES (?, 'USER', ?)`).run(roleId, username);
    });
    this.forgetCredentials();
  }

  // -------------------------------------------------------------------------------------------
  // Authentication

  private userRow(username: string): UserRow | undefined {
    return this.db.prepare(`SELECT * FROM users WHERE username = ?`).get(username) as UserRow | undefined;
  }

  /**
   * Checks a username and password. Five failures in a row lock the account for 15 minutes; the
   * answer for an unknown user, a wrong password and a locked account is told apart only to the
   * caller (for the audit log), never to the client.
   */
  async login(username: string, password: string): Promise<LoginResult> {
    const user = typeof username === 'string' && username.length <= MAX_ID_LENGTH ? this.userRow(username) : undefined;
    if (!user) {
      // As slow as a real check, so timing does not tell which usernames exist.
      this.dummyHash ??= hashPassword('x'.repeat(16), this.hashCost);
      await verifyPassword(password, await this.dummyHash);
      return { ok: false, reason: 'invalid' };
    }
    const now = this.now();
    if (user.locked_until !== null && user.locked_until > now) {
      // The same work as any other answer, so a locked account does not answer faster than the rest.
      await verifyPassword(password, user.password_hash);
      return { ok: false, reason: 'locked' };
    }
    const cacheKey = createHmac('sha256', this.cacheKey).update(`${username}\u0000${password}\u0000${user.password_hash}`).digest('hex');
    const cached = this.verified.get(cacheKey);
    let ok = cached !== undefined && cached > now;
    if (!ok) {
      let check = this.checking.get(cacheKey);
      if (!check) {
        check = verifyPassword(password, user.password_hash).finally(() => this.checking.delete(cacheKey));
        this.checking.set(cacheKey, check);
      }
      ok = await check;
    }
    if (!ok) {
      // A service account's secret is 144 random bits, which guessing cannot find; locking it would
      // only let anyone who knows its name stop the job workers.
      if (user.kind === 'SERVICE') return { ok: false, reason: 'invalid' };
      this.store.tx(() => {
        const failed = (this.userRow(username)?.failed_logins ?? 0) + 1;
        if (failed >= MAX_FAILED_LOGINS) this.db.prepare(`UPDATE users SET failed_logins = 0, locked_until = ? WHERE username = ?`).run(now + LOCKOUT_MS, username);
        else this.db.prepare(`UPDATE users SET failed_logins = ? WHERE username = ?`).run(failed, username);
      });
      return { ok: false, reason: 'invalid' };
    }
    if (cached === undefined) {
      if (this.verified.size > 10_000) this.verified.clear();
      this.verified.set(cacheKey, now + CREDENTIAL_CACHE_MS);
    }
    if (user.failed_logins !== 0 || user.locked_until !== null) this.db.prepare(`UPDATE users SET failed_logins = 0, locked_until = NULL WHERE username = ?`).run(username);
    return { ok: true, username, mustChangePassword: user.must_change_password === 1 };
  }

  private forgetCredentials(): void {
    this.verified.clear();
  }

  /** A user changing their own password: the current one must be right, the new one pass the policy. */
  async changeOwnPassword(username: string, current: string, next: string): Promise<void> {
    const check = await this.login(username, current);
    if (!check.ok) throw invalid(check.reason === 'locked' ? '账户已锁定，请 15 分钟后再试' : 'currentPassword: 当前密码不正确');
    if (current === next) throw invalid('newPassword: 新密码不能与当前密码相同');
    await this.setPassword(username, next, false);
  }

  private async setPassword(username: string, password: string, mustChange: boolean): Promise<void> {
    const violation = passwordPolicyViolation(password, username);
    if (violation) throw invalid(`password: ${violation}`);
    const hash = await hashPassword(password, this.hashCost);
    this.store.tx(() => {
      const r = this.db
        .prepare(`UPDATE users SET password_hash = ?, must_change_password = ?, failed_logins = 0, locked_until = NULL, password_changed_at = ? WHERE username = ?`)
        .run(hash, mustChange ? 1 : 0, this.now(), username);
      if (r.changes === 0) throw notFound('User', username);
      // A new password ends every session opened with the old one.
      this.db.prepare(`DELETE FROM sessions WHERE username = ?`).run(username);
    });
    this.forgetCredentials();
  }

  // -------------------------------------------------------------------------------------------
  // Sessions (the web pages' cookie)

  private static tokenHash(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  createSession(username: string): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const at = this.now();
    this.store.tx(() => {
      // Expired sessions are swept whenever a new one opens, so the table stays small.
      this.db.prepare(`DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?`).run(at - SESSION_IDLE_MS, at - SESSION_MAX_MS);
      this.db.prepare(`INSERT INTO sessions (id_hash, username, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`).run(Identity.tokenHash(token), username, csrfToken, at, at);
    });
    return { token, session: { username, csrfToken, createdAt: at } };
  }

  /** The live session of a cookie value (and it is kept alive), or undefined when none or idle too long. */
  session(token: string): Session | undefined {
    const id = Identity.tokenHash(token);
    const row = this.db.prepare(`SELECT * FROM sessions WHERE id_hash = ?`).get(id) as
      | { username: string; csrf_token: string; created_at: number; last_seen_at: number }
      | undefined;
    if (!row) return undefined;
    const now = this.now();
    if (now - row.last_seen_at > SESSION_IDLE_MS || now - row.created_at > SESSION_MAX_MS) {
      this.db.prepare(`DELETE FROM sessions WHERE id_hash = ?`).run(id);
      return undefined;
    }
    // Written at most once a minute: a busy page does not write on every request.
    if (now - row.last_seen_at > 60_000) {
      try {
        this.db.prepare(`UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`).run(now, id);
      } catch {
        // A full disk must not lock people out of reading: the session just is not extended this time.
      }
    }
    return { username: row.username, csrfToken: row.csrf_token, createdAt: row.created_at };
  }

  endSession(token: string): void {
    this.db.prepare(`DELETE FROM sessions WHERE id_hash = ?`).run(Identity.tokenHash(token));
  }

  // -------------------------------------------------------------------------------------------
  // The principal

  /** Everything granted to a user: directly, through groups, through roles (theirs and their groups'). */
  principal(username: string): Principal | undefined {
    // Every request asks: answered from memory until an account, membership or authorization changes.
    const cached = this.principals.get(username);
    if (cached && cached.generation === this.store.generation) return cached.principal;
    const principal = this.loadPrincipal(username);
    if (this.principals.size > 10_000) this.principals.clear();
    this.principals.set(username, { generation: this.store.generation, principal });
    return principal;
  }

  private loadPrincipal(username: string): Principal | undefined {
    const user = this.userRow(username);
    if (!user) return undefined;
    const groups = (this.db.prepare(`SELECT group_id FROM group_members WHERE username = ? ORDER BY group_id`).all(username) as { group_id: string }[]).map((r) => r.group_id);
    const roles = (
      this.db
        .prepare(
          `SELECT DISTINCT role_id FROM role_members
            WHERE (member_type = 'USER' AND member_id = ?)
               OR (member_type = 'GROUP' AND member_id IN (SELECT group_id FROM group_members WHERE username = ?))
            ORDER BY role_id`,
        )
        .all(username, username) as { role_id: string }[]
    ).map((r) => r.role_id);
    const owners: [OwnerType, string][] = [['USER', username], ...groups.map((g): [OwnerType, string] => ['GROUP', g]), ...roles.map((r): [OwnerType, string] => ['ROLE', r])];
    const rows = this.db
      .prepare(`SELECT * FROM authorizations WHERE ${owners.map(() => '(owner_type = ? AND owner_id = ?)').join(' OR ')}`)
      .all(...owners.flat()) as AuthorizationRow[];
    return {
      username,
      name: user.name,
      email: user.email,
      kind: user.kind,
      groups,
      roles,
      grants: rows.map((r) => ({ resourceType: r.resource_type, resourceId: r.resource_id, permissionTypes: JSON.parse(r.permission_types) as PermissionType[] })),
      mustChangePassword: user.must_change_password === 1,
    };
  }

  /** The groups a user is a member of (undefined: no such user); the task rules' GroupDirectory. */
  groupsOf(username: string): readonly string[] | undefined {
    return this.principal(username)?.groups;
  }

  /**
   * The people a user task may be given to (Tasklist's assignee picker): the candidate users that
   * are accounts, and every member of the candidate groups; persons only (no service accounts),
   * by username.
   */
  candidates(candidateUsers: readonly string[], candidateGroups: readonly string[]): { username: string; name: string }[] {
    if (candidateUsers.length === 0 && candidateGroups.length === 0) return [];
    return this.db
      .prepare(
        `SELECT username, name FROM users
          WHERE kind = 'USER'
            AND (username IN (SELECT value FROM json_each(?))
                 OR username IN (SELECT username FROM group_members WHERE group_id IN (SELECT value FROM json_each(?))))
          ORDER BY username`,
      )
      .all(JSON.stringify(candidateUsers), JSON.stringify(candidateGroups)) as { username: string; name: string }[];
  }

  /** Display names of these users (an unknown one is left out). */
  namesOf(usernames: readonly string[]): Map<string, string> {
    if (usernames.length === 0) return new Map();
    const rows = this.db.prepare(`SELECT username, name FROM users WHERE username IN (SELECT value FROM json_each(?))`).all(JSON.stringify(usernames)) as {
      username: string;
      name: string;
    }[];
    return new Map(rows.map((r) => [r.username, r.name]));
  }

  /**
   * Display names of these users that are members of at least one of `groups` (an unknown user, or
   * one in none of them, is left out): whose names the Tasklist shows a clerk — their own group's.
   */
  namesOfGroupMates(usernames: readonly string[], groups: readonly string[]): Map<string, string> {
    if (usernames.length === 0 || groups.length === 0) return new Map();
    const rows = this.db
      .prepare(
        `SELECT u.username, u.name FROM users u
          WHERE u.username IN (SELECT value FROM json_each(?))
            AND EXISTS (SELECT 1 FROM group_members m WHERE m.username = u.username AND m.group_id IN (SELECT value FROM json_each(?)))`,
      )
      .all(JSON.stringify(usernames), JSON.stringify(groups)) as { username: string; name: string }[];
    return new Map(rows.map((r) => [r.username, r.name]));
  }

  /** Names of these groups (an unknown one is left out). */
  groupNames(groupIds: readonly string[]): Map<string, string> {
    if (groupIds.length === 0) return new Map();
    const rows = this.db.prepare(`SELECT group_id AS id, name FROM groups WHERE group_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(groupIds)) as {
      id: string;
      name: string;
    }[];
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /**
   * Every person's username and groups (not service accounts): whom the daily digest goes to,
   * each with the groups their tasks come through.
   */
  people(): { username: string; groups: string[] }[] {
    const rows = this.db
      .prepare(`SELECT u.username, g.group_id FROM users u LEFT JOIN group_members g ON g.username = u.username WHERE u.kind = 'USER' ORDER BY u.username, g.group_id`)
      .all() as { username: string; group_id: string | null }[];
    const out = new Map<string, string[]>();
    for (const r of rows) {
      const groups = out.get(r.username) ?? [];
      if (r.group_id) groups.push(r.group_id);
      out.set(r.username, groups);
    }
    return [...out].map(([username, groups]) => ({ username, groups }));
  }

  // -------------------------------------------------------------------------------------------
  // Users

  async createUser(input: z.output<typeof createUserBody>): Promise<{ username: string; name: string; email: string }> {
    const username = checkId('username', input.username, USERNAME_PATTERN);
    const violation = passwordPolicyViolation(input.password, username);
    if (violation) throw invalid(`password: ${violation}`);
    if (this.userRow(username)) throw exists('User', username);
    const hash = await hashPassword(input.password, this.hashCost);
    const at = this.now();
    this.store.tx(() => {
      if (this.userRow(username)) throw exists('User', username);
      this.db
        .prepare(`INSERT INTO users (username, name, email, kind, password_hash, must_change_password, password_changed_at, created_at) VALUES (?, ?, ?, 'USER', ?, ?, ?, ?)`)
        .run(username, input.name ?? '', input.email ?? '', hash, input.mustChangePassword === true ? 1 : 0, at, at);
    });
    return { username, name: input.name ?? '', email: input.email ?? '' };
  }

  getUser(username: string): { username: string; name: string; email: string } {
    const u = this.userRow(username);
    if (!u) throw notFound('User', username);
    return { username: u.username, name: u.name, email: u.email };
  }

  async updateUser(username: string, input: z.output<typeof updateUserBody>): Promise<{ username: string; name: string; email: string }> {
    if (!this.userRow(username)) throw notFound('User', username);
    if (input.username !== undefined && input.username !== username) throw invalid(`username: a user cannot be renamed ('${username}' in the path, '${input.username}' in the body)`);
    if (input.password !== undefined) await this.setPassword(username, input.password, input.mustChangePassword ?? false);
    this.store.tx(() => {
      if (input.name !== undefined) this.db.prepare(`UPDATE users SET name = ? WHERE username = ?`).run(input.name, username);
      if (input.email !== undefined) this.db.prepare(`UPDATE users SET email = ? WHERE username = ?`).run(input.email, username);
      if (input.password === undefined && input.mustChangePassword !== undefined) {
        // An administrator forcing a password change: the user's sessions end now.
        this.db.prepare(`UPDATE users SET must_change_password = ? WHERE username = ?`).run(input.mustChangePassword ? 1 : 0, username);
        if (input.mustChangePassword) this.db.prepare(`DELETE FROM sessions WHERE username = ?`).run(username);
      }
    });
    this.forgetCredentials();
    return this.getUser(username);
  }

  deleteUser(username: string): void {
    this.store.tx(() => {
      if (!this.userRow(username)) throw notFound('User', username);
      this.keepingAnAdmin(`User '${username}' cannot be deleted`, () => {
        this.db.prepare(`DELETE FROM role_members WHERE member_type = 'USER' AND member_id = ?`).run(username);
        this.db.prepare(`DELETE FROM authorizations WHERE owner_type = 'USER' AND owner_id = ?`).run(username);
        this.db.prepare(`DELETE FROM users WHERE username = ?`).run(username);
      });
    });
    this.forgetCredentials();
  }

  searchUsers(body: unknown): SearchResult {
    return this.q.users.search(body);
  }

  // -------------------------------------------------------------------------------------------
  // Groups

  private groupRow(groupId: string) {
    return this.db.prepare(`SELECT group_id AS groupId, name, description FROM groups WHERE group_id = ?`).get(groupId) as
      | { groupId: string; name: string; description: string }
      | undefined;
  }

  createGroup(input: z.output<typeof groupBody>) {
    const groupId = checkId('groupId', input.groupId);
    return this.store.tx(() => {
      if (this.groupRow(groupId)) throw exists('Group', groupId);
      this.db.prepare(`INSERT INTO groups (group_id, name, description) VALUES (?, ?, ?)`).run(groupId, input.name, input.description ?? '');
      return this.groupRow(groupId)!;
    });
  }

  getGroup(groupId: string) {
    const g = this.groupRow(groupId);
    if (!g) throw notFound('Group', groupId);
    return g;
  }

  updateGroup(groupId: string, input: z.output<typeof updateNamedBody>) {
    return this.store.tx(() => {
      this.getGroup(groupId);
      this.db.prepare(`UPDATE groups SET name = ?, description = ? WHERE group_id = ?`).run(input.name, input.description ?? '', groupId);
      return this.groupRow(groupId)!;
    });
  }

  deleteGroup(groupId: string): void {
    this.store.tx(() => {
      this.getGroup(groupId);
      this.keepingAnAdmin(`Group '${groupId}' cannot be deleted`, () => {
        this.db.prepare(`DELETE FROM role_members WHERE member_type = 'GROUP' AND member_id = ?`).run(groupId);
        this.db.prepare(`DELETE FROM authorizations WHERE owner_type = 'GROUP' AND owner_id = ?`).run(groupId);
        this.db.prepare(`DELETE FROM groups WHERE group_id = ?`).run(groupId);
      });
    });
  }

  searchGroups(body: unknown): SearchResult {
    return this.q.groups.search(body);
  }

  addUserToGroup(groupId: string, username: string): void {
    this.store.tx(() => {
      this.getGroup(groupId);
      this.getUser(username);
      const r = this.db.prepare(`INSERT OR IGNORE INTO group_members (group_id, username) VALUES (?, ?)`).run(groupId, username);
      if (r.changes === 0) throw new EngineError('ALREADY_EXISTS', `User '${username}' is already a member of group '${groupId}'`);
    });
  }

  removeUserFromGroup(groupId: string, username: string): void {
    this.store.tx(() => {
      this.getGroup(groupId);
      this.keepingAnAdmin(`User '${username}' cannot be removed from group '${groupId}'`, () => {
        const r = this.db.prepare(`DELETE FROM group_members WHERE group_id = ? AND username = ?`).run(groupId, username);
        if (r.changes === 0) throw new EngineError('NOT_FOUND', `User '${username}' is not a member of group '${groupId}'`);
      });
    });
  }

  searchGroupUsers(groupId: string, body: unknown): SearchResult {
    this.getGroup(groupId);
    return this.q.members.search(body, { where: { sql: `t.username IN (SELECT username FROM group_members WHERE group_id = ?)`, params: [groupId] } });
  }

  // -------------------------------------------------------------------------------------------
  // Roles

  private roleRow(roleId: string) {
    return this.db.prepare(`SELECT role_id AS roleId, name, description FROM roles WHERE role_id = ?`).get(roleId) as
      | { roleId: string; name: string; description: string }
      | undefined;
  }

  createRole(input: z.output<typeof roleBody>) {
    const roleId = checkId('roleId', input.roleId);
    return this.store.tx(() => {
      if (this.roleRow(roleId)) throw exists('Role', roleId);
      this.db.prepare(`INSERT INTO roles (role_id, name, description) VALUES (?, ?, ?)`).run(roleId, input.name, input.description ?? '');
      return this.roleRow(roleId)!;
    });
  }

  getRole(roleId: string) {
    const r = this.roleRow(roleId);
    if (!r) throw notFound('Role', roleId);
    return r;
  }

  updateRole(roleId: string, input: z.output<typeof updateNamedBody>) {
    return this.store.tx(() => {
      this.getRole(roleId);
      this.db.prepare(`UPDATE roles SET name = ?, description = ? WHERE role_id = ?`).run(input.name, input.description ?? '', roleId);
      return this.roleRow(roleId)!;
    });
  }

  deleteRole(roleId: string): void {
    this.store.tx(() => {
      this.getRole(roleId);
      // Deleting it would take the role from every administrator at once.
      if (roleId === 'admin') throw new EngineError('INVALID_STATE', `Role 'admin' cannot be deleted`);
      this.db.prepare(`DELETE FROM authorizations WHERE owner_type = 'ROLE' AND owner_id = ?`).run(roleId);
      this.db.prepare(`DELETE FROM roles WHERE role_id = ?`).run(roleId);
    });
  }

  searchRoles(body: unknown): SearchResult {
    return this.q.roles.search(body);
  }

  assignRole(roleId: string, memberType: 'USER' | 'GROUP', memberId: string): void {
    this.store.tx(() => {
      this.getRole(roleId);
      if (memberType === 'USER') this.getUser(memberId);
      else this.getGroup(memberId);
      const r = this.db.prepare(`INSERT OR IGNORE INTO role_members (role_id, member_type, member_id) VALUES (?, ?, ?)`).run(roleId, memberType, memberId);
      if (r.changes === 0) throw new EngineError('ALREADY_EXISTS', `${memberType === 'USER' ? 'User' : 'Group'} '${memberId}' already has role '${roleId}'`);
    });
  }

  unassignRole(roleId: string, memberType: 'USER' | 'GROUP', memberId: string): void {
    this.store.tx(() => {
      this.getRole(roleId);
      const r = this.db.prepare(`DELETE FROM role_members WHERE role_id = ? AND member_type = ? AND member_id = ?`).run(roleId, memberType, memberId);
      if (r.changes === 0) throw new EngineError('NOT_FOUND', `${memberType === 'USER' ? 'User' : 'Group'} '${memberId}' does not have role '${roleId}'`);
      // Somebody must stay able to administer the system.
      if (roleId === 'admin' && this.adminsOtherThan(undefined) === 0) throw new EngineError('INVALID_STATE', `The last member of role 'admin' cannot be removed`);
    });
  }

  /** Runs a change that may take the admin role from someone, refusing it when it leaves no administrator (inside a transaction). */
  private keepingAnAdmin(refusal: string, change: () => void): void {
    const before = this.adminsOtherThan(undefined);
    change();
    if (before > 0 && this.adminsOtherThan(undefined) === 0) throw new EngineError('INVALID_STATE', `${refusal}: it would leave no user with role 'admin'`);
  }

  private adminsOtherThan(username: string | undefined): number {
    return (this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM users u WHERE u.kind = 'USER' AND (u.username IS NOT ?) AND (
            EXISTS (SELECT 1 FROM role_members m WHERE m.role_id = 'admin' AND m.member_type = 'USER' AND m.member_id = u.username)
         OR EXISTS (SELECT 1 FROM role_members m JOIN group_members g ON g.group_id = m.member_id
                     WHERE m.role_id = 'admin' AND m.member_type = 'GROUP' AND g.username = u.username))`,
      )
      .get(username ?? null) as { n: number }).n;
  }

  searchRoleUsers(roleId: string, body: unknown): SearchResult {
    this.getRole(roleId);
    return this.q.members.search(body, { where: { sql: `t.username IN (SELECT member_id FROM role_members WHERE role_id = ? AND member_type = 'USER')`, params: [roleId] } });
  }

  searchRoleGroups(roleId: string, body: unknown): SearchResult {
    this.getRole(roleId);
    return this.q.groups.search(body, { where: { sql: `t.group_id IN (SELECT member_id FROM role_members WHERE role_id = ? AND member_type = 'GROUP')`, params: [roleId] } });
  }

  searchGroupRoles(groupId: string, body: unknown): SearchResult {
    this.getGroup(groupId);
    return this.q.roles.search(body, { where: { sql: `t.role_id IN (SELECT role_id FROM role_members WHERE member_type = 'GROUP' AND member_id = ?)`, params: [groupId] } });
  }

  /**
   * Whether an owner is (or makes its members) an administrator: a privileged role, a group holding
   * one or privileged grants, a user holding one through either.
   */
  isPrivileged(ownerType: OwnerType, id: string): boolean {
    if (ownerType === 'ROLE') return PRIVILEGED_ROLES.has(id);
    const roles =
      ownerType === 'USER'
        ? (this.principal(id)?.roles ?? [])
        : (this.db.prepare(`SELECT role_id FROM role_members WHERE member_type = 'GROUP' AND member_id = ?`).all(id) as { role_id: string }[]).map((r) => r.role_id);
    if (roles.some((r) => PRIVILEGED_ROLES.has(r))) return true;
    const grants =
      ownerType === 'USER'
        ? (this.principal(id)?.grants ?? [])
        : (this.db.prepare(`SELECT resource_type AS resourceType FROM authorizations WHERE owner_type = 'GROUP' AND owner_id = ?`).all(id) as { resourceType: ResourceType }[]);
    return grants.some((g) => PRIVILEGED_RESOURCE_TYPES.has(g.resourceType));
  }

  // -------------------------------------------------------------------------------------------
  // Authorizations

  private checkGrant(input: { ownerType: OwnerType; ownerId: string; resourceType: ResourceType; resourceId: string; permissionTypes: string[] }): Grant {
    checkId('ownerId', input.ownerId, input.ownerType === 'USER' ? USERNAME_PATTERN : ID_PATTERN);
    if (input.resourceId !== WILDCARD) checkId('resourceId', input.resourceId);
    const allowed = PERMISSIONS_BY_RESOURCE[input.resourceType] as readonly string[];
    const wrong = input.permissionTypes.filter((p) => !allowed.includes(p));
    if (wrong.length) throw invalid(`permissionTypes: ${wrong.join(', ')} ${wrong.length > 1 ? 'are' : 'is'} not a permission of ${input.resourceType}; use ${allowed.join(', ')}`);
    const exists =
      input.ownerType === 'USER' ? this.userRow(input.ownerId) : input.ownerType === 'GROUP' ? this.groupRow(input.ownerId) : this.roleRow(input.ownerId);
    if (!exists) throw notFound(input.ownerType === 'USER' ? 'User' : input.ownerType === 'GROUP' ? 'Group' : 'Role', input.ownerId);
    return { resourceType: input.resourceType, resourceId: input.resourceId, permissionTypes: [...new Set(input.permissionTypes)] as PermissionType[] };
  }

  private insertAuthorization(ownerType: OwnerType, ownerId: string, g: Grant): string {
    const key = this.store.nextKey();
    this.db
      .prepare(`INSERT INTO authorizations (key, owner_type, owner_id, resource_type, resource_id, permission_types) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(key, ownerType, ownerId, g.resourceType, g.resourceId, JSON.stringify(g.permissionTypes));
    return String(key);
  }

  createAuthorization(input: z.output<typeof authorizationBody>): { authorizationKey: string } {
    return this.store.tx(() => {
      const grant = this.checkGrant(input);
      const same = this.db
        .prepare(`SELECT key FROM authorizations WHERE owner_type = ? AND owner_id = ? AND resource_type = ? AND resource_id = ?`)
        .get(input.ownerType, input.ownerId, grant.resourceType, grant.resourceId);
      if (same) throw new EngineError('ALREADY_EXISTS', `${input.ownerType} '${input.ownerId}' already has an authorization on ${grant.resourceType} '${grant.resourceId}'; update it instead`);
      return { authorizationKey: this.insertAuthorization(input.ownerType, input.ownerId, grant) };
    });
  }

  private authorizationRow(key: string): AuthorizationRow {
    const row = /^\d+$/.test(key) ? (this.db.prepare(`SELECT * FROM authorizations WHERE key = ?`).get(BigInt(key)) as AuthorizationRow | undefined) : undefined;
    if (!row) throw new EngineError('NOT_FOUND', `Authorization with key '${key}' not found`);
    return row;
  }

  getAuthorization(key: string) {
    return authorizationItem(this.authorizationRow(key));
  }

  updateAuthorization(key: string, input: z.output<typeof authorizationBody>): void {
    this.store.tx(() => {
      const row = this.authorizationRow(key);
      const grant = this.checkGrant(input);
      this.db
        .prepare(`UPDATE authorizations SET owner_type = ?, owner_id = ?, resource_type = ?, resource_id = ?, permission_types = ? WHERE key = ?`)
        .run(input.ownerType, input.ownerId, grant.resourceType, grant.resourceId, JSON.stringify(grant.permissionTypes), row.key);
    });
  }

  deleteAuthorization(key: string): void {
    this.store.tx(() => {
      const row = this.authorizationRow(key);
      this.db.prepare(`DELETE FROM authorizations WHERE key = ?`).run(row.key);
    });
  }

  searchAuthorizations(body: unknown): SearchResult {
    return this.q.authorizations.search(body);
  }
}
