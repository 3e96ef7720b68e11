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
  /** Raw HTTP against /v2 as the administrator (or `headers.authorization`), for what the SDK does not expose or to send malformed input. */
  http(method: string, path: string, body?: unknown, raw?: string, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/** The repository root (where bpmn/, forms/ and config/ are). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The administrator every test server starts with (PINGPIN_ADMIN_PASSWORD in a real start). */
export const TEST_ADMIN = { username: 'admin', password: 'Harness-Pass-1' } as const;

/** A cheap scrypt cost for tests: the same code path, a fraction of the production cost. */
export const TEST_HASH_COST = { N: 2 ** 10, r: 8, p: 1 } as const;

export const basicAuth = (username: string, password: string): string => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
export const ADMIN_AUTH = basicAuth(TEST_ADMIN.username, TEST_ADMIN.password);

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
    auth: 'on',
    adminUsername: TEST_ADMIN.username,
    adminPassword: TEST_ADMIN.password,
    // Tests move the engine clock over the API, as the demo does.
    clockControlled: true,
    ...overrides,
  };
}

/** The SDK's REST client as the administrator (or another user), as an API client would configure it. */
export function restClient(url: string, user: { username: string; password: string } = TEST_ADMIN): CamundaRestClient {
  return new CamundaRestClient({
    config: {
      ZEEBE_REST_ADDRESS: url,
      CAMUNDA_AUTH_STRATEGY: 'BASIC',
      CAMUNDA_BASIC_AUTH_USERNAME: user.username,
      CAMUNDA_BASIC_AUTH_PASSWORD: user.password,
      CAMUNDA_LOG_LEVEL: 'none',
    },
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
    { workers: options.workers, pinClockAt: options.pinClockAt, hashCost: TEST_HASH_COST },
  );
  const client = restClient(running.url);
  return {
    running,
    client,
    url: running.url,
    dataDir,
    async http(method, path, body, raw, headers = {}) {
      const res = await fetch(`${running.url}${path}`, {
        method,
        headers: {
          authorization: ADMIN_AUTH,
          ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
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
