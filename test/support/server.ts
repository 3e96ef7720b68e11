/**
 * pingpin started the way `npm start` starts it (`pingpin start --demo-data`: the demo's campaigns and
 * people on a new data directory), in a child process of its own, for the page tests. The source runs
 * through tsx so that a test never runs a stale build; the pages are the built ones (dist/web, which
 * `npm ci` builds).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness.js';

export interface StartedServer {
  url: string;
  dataDir: string;
  admin: { username: string; password: string };
  /** The campaigns the demo data registered (what its log line says). */
  campaigns: Array<{
    campaignId: string;
    process: string;
    level: string;
    enterprise: string;
    creditCode: string;
    clerks: { hr: string; panel: string; oversight: string; city: string; province: string };
  }>;
  /** Everything the server logged (JSON lines), for a failing test to show. */
  log(): string;
  stop(): Promise<void>;
}

interface LogLine {
  msg?: string;
  port?: number;
  campaigns?: StartedServer['campaigns'];
}

export async function startAsNpmStart(options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<StartedServer> {
  if (!existsSync(join(ROOT, 'dist', 'web', 'index.html'))) throw new Error('dist/web is not built: run `npm run build:web` (npm ci does)');
  const dataDir = mkdtempSync(join(tmpdir(), 'pingpin-pages-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--demo-data'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // The registry of the data directory, never CI's shared PostgreSQL.
      DATABASE_URL: '',
      PINGPIN_ADMIN_PASSWORD: 'Pages-Tasklist-2026',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<{ port: number; campaigns: StartedServer['campaigns'] }>((resolve, reject) => {
    let port: number | undefined;
    const timer = setTimeout(() => reject(new Error(`pingpin did not start with its demo data in time:\n${out.slice(-4000)}`)), options.timeoutMs ?? 90_000);
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      out += text;
      pending += text;
      const complete = pending.split('\n');
      pending = complete.pop()!;
      for (const raw of complete) {
        let line: LogLine = {};
        try {
          line = JSON.parse(raw) as LogLine;
        } catch {
          continue; // not a log line
        }
        if (line.msg?.startsWith('pingpin listening on port')) port = line.port;
        if (line.msg?.startsWith('demo data:') && port !== undefined) {
          clearTimeout(timer);
          resolve({ port, campaigns: line.campaigns ?? [] });
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pingpin exited with ${code} before it was ready:\n${out.slice(-4000)}`));
    });
  });
  try {
    const { port, campaigns } = await ready;
    return {
      url: `http://127.0.0.1:${port}`,
      dataDir,
      admin: { username: 'admin', password: 'Pages-Tasklist-2026' },
      campaigns,
      log: () => out,
      async stop() {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
