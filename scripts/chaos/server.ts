/**
 * The server under attack: `pingpin start` as a child process on 127.0.0.1, its own DATA_DIR and a
 * fixed port, so it can be SIGKILLed and started again where it was. Also what every scenario needs
 * around it: the administrator's HTTP calls, a deployment, the child's memory from /proc, and
 * `PRAGMA integrity_check` of the data directory's databases.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ADMIN = { username: 'admin', password: 'Chaos-Pass-2026' } as const;
export const ADMIN_AUTH = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`;
export const HOST = '127.0.0.1';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A port nobody listens on now (on the loopback address), kept for every start of one server. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * How the child runs: `dist` (bin/pingpin.js, what `npm start` runs; `npm run chaos` builds it
 * first, as `npm run demo` does) or `tsx` (src/cli.ts through tsx: the working tree as it is, no
 * build, slower to start).
 */
export const SERVER_MODE: 'dist' | 'tsx' = process.env.CHAOS_SERVER === 'tsx' ? 'tsx' : 'dist';

export interface ServerOptions {
  dataDir: string;
  port: number;
  /** WORKERS (default false). */
  workers?: boolean;
  /** Deploy bpmn/ and forms/ at start (default false: the scenario deploys what it needs). */
  models?: boolean;
  /** Extra environment (wins over the defaults). */
  env?: Record<string, string>;
  /** Extra node options (e.g. a small heap). */
  nodeArgs?: string[];
  /** Where the child's output is appended (one file for all its lifetimes). */
  logFile: string;
}

/** Variables of the parent's environment that would point the child elsewhere than its own DATA_DIR. */
const FOREIGN_ENV = /^(DATABASE_URL|CAMUNDA_|ZEEBE_|NATIONAL_REGISTRY|PINGPIN_|ENGINE_CLOCK|WORKERS|BPMN_DIR|FORMS_DIR|PORT|HOST|DATA_DIR|LOG_LEVEL|NODE_OPTIONS)/;

export function childEnv(options: Pick<ServerOptions, 'dataDir' | 'port' | 'workers' | 'models' | 'env'>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !FOREIGN_ENV.test(k)));
  const none = join(ROOT, 'test', 'no-such-dir');
  return {
    ...env,
    HOST,
    PORT: String(options.port),
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'info',
    WORKERS: options.workers ? 'true' : 'false',
    BPMN_DIR: options.models ? join(ROOT, 'bpmn') : none,
    FORMS_DIR: options.models ? join(ROOT, 'forms') : none,
    ENGINE_CLOCK_CONTROLLED: 'true',
    PINGPIN_ADMIN_USERNAME: ADMIN.username,
    PINGPIN_ADMIN_PASSWORD: ADMIN.password,
    NATIONAL_REGISTRY: 'local',
    ...options.env,
  };
}

export function childCommand(nodeArgs: string[] = []): string[] {
  if (SERVER_MODE === 'dist' && !existsSync(join(ROOT, 'dist', 'src', 'cli.js'))) throw new Error('dist/ is not built: run `npm run build` (npm run chaos does), or CHAOS_SERVER=tsx to run src/ through tsx');
  return SERVER_MODE === 'dist' ? [...nodeArgs, join(ROOT, 'bin', 'pingpin.js'), 'start'] : [...nodeArgs, '--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'start'];
}

/** Servers still running and clean-ups still due (the tmpfs), for an interrupted run (SIGINT, SIGTERM). */
const running = new Set<ChildProcess>();
export const cleanups = new Set<() => void>();

/** Kills every server still running and runs the clean-ups still due; for a run that is interrupted. */
export function abandon(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // best effort: the process is ending
    }
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One lifetime of the server process. */
export class ServerChild {
  readonly url: string;
  readonly spawnedAt = performance.now();
  /** performance.now() when it logged that it listens / when /health first said UP. */
  listeningAt?: number;
  upAt?: number;
  /** Jobs it released at start (held by the workers of an earlier lifetime), as it logs them. */
  released?: number;
  stderr = '';
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private exit?: Exit;
  private out = '';

  constructor(readonly options: ServerOptions) {
    this.url = `http://${HOST}:${options.port}`;
    this.child = spawn(process.execPath, childCommand(options.nodeArgs), { cwd: ROOT, env: childEnv(options), stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this.child);
    appendFileSync(options.logFile, `\n=== ${new Date().toISOString()} start pid ${this.child.pid} (${SERVER_MODE}) ===\n`);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        running.delete(this.child);
        this.exit = { code, signal };
        appendFileSync(options.logFile, `=== pid ${this.child.pid} exited code ${code} signal ${signal} ===\n`);
        resolve(this.exit);
      }),
    );
    this.child.stdout!.on('data', (chunk: Buffer) => {
      appendFileSync(options.logFile, chunk);
      if (this.listeningAt === undefined) {
        this.out = (this.out + chunk.toString()).slice(-8192);
        this.released ??= Number(/"released":(\d+)/.exec(this.out)?.[1] ?? NaN) || undefined;
        if (this.out.includes('pingpin listening on port')) this.listeningAt = performance.now();
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      appendFileSync(options.logFile, chunk);
      this.stderr += chunk.toString();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** Waits until /health says UP (the models deployed, the workers started); throws when the child exits first. */
  async ready(timeoutMs = 60_000): Promise<this> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.exit) throw new Error(`the server exited (code ${this.exit.code}, signal ${this.exit.signal}) before it was UP: ${this.stderr.trim().split('\n').slice(-3).join(' | ')} (log: ${this.options.logFile})`);
      const h = await health(this.url, 1000).catch(() => undefined);
      if (h?.status === 'UP') {
        this.upAt = performance.now();
        this.listeningAt ??= this.upAt;
        return this;
      }
      if (performance.now() > deadline) throw new Error(`the server was not UP within ${timeoutMs} ms (log: ${this.options.logFile})`);
      await sleep(25);
    }
  }

  /** kill -9, and wait until it is gone. */
  async kill9(): Promise<void> {
    if (this.exit) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (a clean stop); resolves with the exit code. */
  async stop(): Promise<Exit> {
    if (!this.exit) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** VmRSS and VmHWM (peak) of the child, in bytes, from /proc (undefined once it is gone). */
  memory(): { rss: number; hwm: number } | undefined {
    return procMemory(this.pid);
  }
}

export function procMemory(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Samples a process's resident memory every `everyMs` until stopped; `peak` is the largest seen. */
export class RssSampler {
  peak = 0;
  samples = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(
    private readonly pid: () => number,
    everyMs = 20,
  ) {
    const sample = () => {
      const m = procMemory(this.pid());
      if (m && Number.isFinite(m.rss)) {
        this.peak = Math.max(this.peak, m.rss);
        this.samples++;
      }
    };
    sample();
    this.timer = setInterval(sample, everyMs);
  }
  stop(): number {
    clearInterval(this.timer);
    return this.peak;
  }
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export async function health(url: string, timeoutMs = 5000): Promise<{ httpStatus: number; status: string; reason?: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await res.json().catch(() => ({}))) as { status?: string; reason?: string };
  return { httpStatus: res.status, status: body.status ?? '?', ...(body.reason ? { reason: body.reason } : {}), ms: performance.now() - t0 };
}

export interface HttpAnswer {
  status: number;
  body: any;
  bytes: number;
}

/** One call to the REST API as the administrator. */
export async function http(url: string, method: string, path: string, body?: unknown, timeoutMs = 120_000): Promise<HttpAnswer> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: ADMIN_AUTH, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, bytes: Buffer.byteLength(text) };
}

/** Deploys BPMN/DMN resources through POST /v2/deployments (multipart, as the SDK does). */
export async function deploy(url: string, resources: Array<{ name: string; content: string }>): Promise<HttpAnswer> {
  const form = new FormData();
  for (const r of resources) form.append('resources', new Blob([r.content], { type: 'application/octet-stream' }), r.name);
  const res = await fetch(`${url}/v2/deployments`, { method: 'POST', headers: { authorization: ADMIN_AUTH }, body: form, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  if (res.status !== 200) throw new Error(`deployment of ${resources.map((r) => r.name).join(', ')} answered ${res.status}: ${text.slice(0, 300)}`);
  return { status: res.status, body: parsed, bytes: text.length };
}

export const DATABASES = ['engine.db', 'identity.db', 'registry.db'] as const;

/** `PRAGMA integrity_check` of each database present in the directory (the server must be stopped). */
export function integrityCheck(dataDir: string, names: readonly string[] = DATABASES): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const path = join(dataDir, name);
    if (!existsSync(path)) {
      out[name] = 'missing';
      continue;
    }
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
      out[name] = rows.map((r) => r.integrity_check).join('; ');
    } finally {
      db.close();
    }
  }
  return out;
}

/** A seeded pseudo-random generator (mulberry32): the same seed, the same kill moments. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
