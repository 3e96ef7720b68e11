/**
 * Starts pingpin in-process on a random port with a fresh data directory, and gives tests the same
 * SDK client our workers use (retries off, so a failing call fails at once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CamundaRestClient } from '@camunda8/sdk';
import pino from 'pino';
import type { Config } from '../../src/config.js';
import { start, type Running } from '../../src/runtime.js';
import type { WorkerDefinition } from '../../workers/runtime.js';

export interface Harness {
  running: Running;
  client: CamundaRestClient;
  url: string;
  dataDir: string;
  /** Raw HTTP against /v2, for what the SDK does not expose or to send malformed input. */
  http(method: string, path: string, body?: unknown, raw?: string): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/** The repository root (where bpmn/, forms/ and config/ are). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function testConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logLevel: 'silent',
    mode: 'embedded',
    resourceDirs: [],
    startWorkers: false,
    modelsDir: join(ROOT, 'bpmn'),
    nationalRegistry: { kind: 'local' },
    holidaysDir: join(ROOT, 'config', 'holidays'),
    holidaysWeekendsOnly: false,
    ...overrides,
  };
}

export function restClient(url: string): CamundaRestClient {
  return new CamundaRestClient({
    config: { ZEEBE_REST_ADDRESS: url, CAMUNDA_AUTH_STRATEGY: 'NONE', CAMUNDA_LOG_LEVEL: 'none' },
    retry: { limit: 0 },
  } as ConstructorParameters<typeof CamundaRestClient>[0]);
}

export async function startHarness(
  options: { dataDir?: string; workers?: WorkerDefinition[]; config?: Partial<Config>; pinClockAt?: number; logLevel?: string } = {},
): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pingpin-test-'));
  const running = await start(
    testConfig(dataDir, { startWorkers: options.workers !== undefined, ...options.config }),
    pino({ level: options.logLevel ?? 'silent' }),
    { workers: options.workers, pinClockAt: options.pinClockAt },
  );
  const client = restClient(running.url);
  return {
    running,
    client,
    url: running.url,
    dataDir,
    async http(method, path, body, raw) {
      const res = await fetch(`${running.url}${path}`, {
        method,
        headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async stop() {
      await running.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Polls until fn returns a truthy value (engine effects after a worker acts are asynchronous). An
 * error fn throws is retried until the time is up, unless `fatal` says it ends the polling at once.
 */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 5000,
  fatal: (err: unknown) => boolean = () => false,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      if (fatal(err)) throw err;
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
