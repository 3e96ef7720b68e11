/**
 * Registry test support: the backends to run on (SQLite always; PostgreSQL when DATABASE_URL is
 * set), a fresh store per test (a temp dir, or a uniquely named PostgreSQL schema dropped after the
 * file), raw access for tampering, a movable clock, and valid identifiers.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach } from 'vitest';
import { creditCodeCheckChar, idNumberCheckChar, openRegistry, type Registry } from '../../src/registry/index.js';

export interface Store {
  backend: 'sqlite' | 'postgres';
  dataDir: string;
  schema?: string;
  databaseUrl?: string;
  secret: string;
}

export interface Clock {
  now: () => Date;
  set(iso: string): void;
  advanceDays(days: number): void;
}

export function clock(start = '2026-05-04T02:00:00.000Z'): Clock {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (iso) => {
      t = new Date(iso).getTime();
    },
    advanceDays: (days) => {
      t += days * 86_400_000;
    },
  };
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A new, empty store (temp dir or PostgreSQL schema). */
  store(): Store;
  /** secret: undefined = the store's own; null = none given (the registry uses DATA_DIR/registry.key). */
  open(store: Store, options?: { now?: () => Date; secret?: string | null }): Promise<Registry>;
  /** Runs SQL directly against the store, bypassing the registry (to tamper, or to look). */
  raw<T = Record<string, unknown>>(store: Store, statement: string, params?: unknown[]): Promise<T[]>;
  cleanup(): Promise<void>;
}

const DATABASE_URL = process.env.DATABASE_URL;

function sqliteBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    store() {
      const dataDir = mkdtempSync(join(tmpdir(), 'pingpin-registry-'));
      dirs.push(dataDir);
      return { backend: 'sqlite', dataDir, secret: randomBytes(32).toString('hex') };
    },
    open(store, options = {}) {
      return openRegistry({ dataDir: store.dataDir, secret: options.secret === null ? undefined : (options.secret ?? store.secret), now: options.now });
    },
    async raw<T>(store: Store, statement: string, params: unknown[] = []) {
      const db = new Database(join(store.dataDir, 'registry.db'), { timeout: 15_000 });
      try {
        const stmt = db.prepare(statement.replace(/\$\d+/g, '?'));
        return (stmt.reader ? stmt.all(...params) : (stmt.run(...params), [])) as T[];
      } finally {
        db.close();
      }
    },
    async cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

function postgresBackend(url: string): Backend {
  const dirs: string[] = [];
  const schemas: string[] = [];
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  return {
    name: 'postgres',
    store() {
      const dataDir = mkdtempSync(join(tmpdir(), 'pingpin-registry-pg-'));
      dirs.push(dataDir);
      const schema = `reg_test_${process.pid}_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return { backend: 'postgres', dataDir, schema, databaseUrl: url, secret: randomBytes(32).toString('hex') };
    },
    open(store, options = {}) {
      return openRegistry({ dataDir: store.dataDir, databaseUrl: url, schema: store.schema, secret: options.secret === null ? undefined : (options.secret ?? store.secret), now: options.now });
    },
    async raw<T>(store: Store, statement: string, params: unknown[] = []) {
      const client = await admin.connect();
      try {
        await client.query(`SET search_path TO ${store.schema}`);
        return (await client.query(statement, params)).rows as T[];
      } finally {
        await client.query('RESET search_path').catch(() => undefined);
        client.release();
      }
    },
    async cleanup() {
      for (const s of schemas.splice(0)) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await admin.end();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** The backends every registry test runs on: SQLite, and PostgreSQL when DATABASE_URL is set. */
export function backends(): Backend[] {
  return DATABASE_URL ? [sqliteBackend(), postgresBackend(DATABASE_URL)] : [sqliteBackend()];
}

export const backendNames = (): ('sqlite' | 'postgres')[] => (DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite']);

export function backend(name: 'sqlite' | 'postgres'): Backend {
  if (name === 'sqlite') return sqliteBackend();
  if (!DATABASE_URL) throw new Error('DATABASE_URL is not set');
  return postgresBackend(DATABASE_URL);
}

// ---- identifiers

/** A valid unified social credit code (GB 32100) in division 440300 (Shenzhen) unless told otherwise. */
export function creditCode(n: number, division = '440300'): string {
  const body = `91${division}${String(n).padStart(9, '0')}`;
  return body + creditCodeCheckChar(body);
}

/** A valid resident ID number (GB 11643). */
export function idNumber(n: number, birth = '19800101', region = '440301'): string {
  const body = `${region}${birth}${String(n % 1000).padStart(3, '0')}`;
  return body + idNumberCheckChar(body);
}

export const BY = 'test:operator';

// ---- fixtures

export async function enterprise(registry: Registry, n = 1, overrides: Record<string, unknown> = {}) {
  const division = (overrides.divisionCode as string | undefined) ?? '440300';
  return registry.enterprises.create({
    creditCode: creditCode(n, division),
    name: `测试企业${n}有限公司`,
    divisionCode: division,
    aboveScale: true,
    by: BY,
    ...overrides,
  });
}

/** An enterprise filed with the provincial HRSS for T and S (evaluator key Y000044 + site). */
export async function filedEnterprise(registry: Registry, n = 1, site = '000123') {
  const e = await enterprise(registry, n);
  for (const level of ['T', 'S'] as const) {
    await registry.enterprises.fileEvaluator({
      creditCode: e.creditCode,
      level,
      category: 'Y',
      evaluatorCode: '0000',
      siteSerial: site,
      authority: 'province',
      filedOn: '2025-01-10',
      by: BY,
    });
  }
  return (await registry.enterprises.get(e.creditCode))!;
}

export async function campaign(registry: Registry, creditCodeValue: string, overrides: Record<string, unknown> = {}) {
  return registry.campaigns.create({
    jurisdiction: 'guangdong',
    creditCode: creditCodeValue,
    levels: ['T', 'S'],
    year: 2026,
    batch: 1,
    deadline: '2026-07-10',
    by: BY,
    ...overrides,
  });
}

let submissions = 0;

/**
 * An objection as its channel takes it in: filed with the intake (contact encrypted), then filed
 * against the notice from the submission, as pingpin.publicity.record-objection does.
 */
export async function fileObjection(
  registry: Registry,
  input: { noticeId: string; contact?: string; submitter?: string; text?: string; applicationId?: string; idempotencyKey?: string; by?: string },
) {
  const { idempotencyKey, by = 'public', contact = '13900000000', text = '业绩材料不实', ...rest } = input;
  const submission = await registry.intake.file({ kind: 'objection', submissionNumber: `test-${++submissions}`, contact, text, ...rest, by: 'channel' });
  return registry.objections.file({
    noticeId: input.noticeId,
    submissionId: submission.id,
    ...(input.applicationId ? { applicationId: input.applicationId } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
    by,
  });
}

// ---- child processes (other connections to the same database)

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  stderr: string;
}

export const CHILD = new URL('./fixtures/child.ts', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

let childArgs: Promise<string[]> | undefined;
const bundles: string[] = [];

function removeBundles(): void {
  childArgs = undefined;
  for (const f of bundles.splice(0)) rmSync(f, { force: true });
}

/**
 * How to start the child: bundled once with esbuild (there through tsx and vite) into
 * node_modules/.cache, so each child starts in a fraction of a second; under tsx when esbuild is
 * not there.
 */
function childCommand(): Promise<string[]> {
  childArgs ??= (async () => {
    try {
      const esbuild = await import('esbuild');
      const outfile = join(ROOT, 'node_modules', '.cache', 'pingpin-registry-test', `child-${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
      await esbuild.build({ entryPoints: [CHILD], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent' });
      bundles.push(outfile);
      return [outfile];
    } catch {
      return ['--import', 'tsx', CHILD];
    }
  })();
  return childArgs;
}

/** Runs test/registry/fixtures/child.ts with the task in its environment. */
export async function runChild(store: Store, task: Record<string, unknown>, onLine?: (line: string, kill: () => void) => void): Promise<ChildResult> {
  const args = await childCommand();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, REGISTRY_CHILD: JSON.stringify({ store, task }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let stderr = '';
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        onLine?.(line, () => child.kill('SIGKILL'));
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, lines, stderr }));
  });
}

// ---- per-test stores

/** Call inside a describe: fresh() opens a registry on a new store; all are closed after each test. */
export function harness(b: Backend) {
  const opened: Registry[] = [];
  afterEach(async () => {
    for (const r of opened.splice(0)) await r.close();
  });
  afterAll(async () => {
    removeBundles();
    await b.cleanup();
  });
  return {
    backend: b,
    async fresh(c?: Clock): Promise<{ registry: Registry; store: Store }> {
      const store = b.store();
      const registry = await b.open(store, { now: c?.now });
      opened.push(registry);
      return { registry, store };
    },
    async reopen(store: Store, c?: Clock, secret?: string | null): Promise<Registry> {
      const registry = await b.open(store, { now: c?.now, secret });
      opened.push(registry);
      return registry;
    },
    raw: b.raw.bind(b),
  };
}

/** Awaits p and returns what it threw (fails when it did not throw). */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}
