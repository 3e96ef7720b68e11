/** Shared set-up for the server-*.test.ts files: the app over fakes, listening on a free port. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { vi, type Mock } from 'vitest';
import type { EngineCommands } from '../../src/engine/types.js';
import { createApp, type AppDeps, type QueriesLike } from '../../src/server/app.js';

export type Fake<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? Mock<(...args: A) => R> : never };

export const fakeEngine = (): Fake<EngineCommands> => ({
  deploy: vi.fn(),
  createProcessInstance: vi.fn(),
  awaitProcessInstance: vi.fn(),
  cancelProcessInstance: vi.fn(),
  activateJobs: vi.fn(),
  completeJob: vi.fn(),
  failJob: vi.fn(),
  throwJobError: vi.fn(),
  updateJob: vi.fn(),
  assignUserTask: vi.fn(),
  unassignUserTask: vi.fn(),
  updateUserTask: vi.fn(),
  completeUserTask: vi.fn(),
  setVariables: vi.fn(),
  resolveIncident: vi.fn(),
  publishMessage: vi.fn(),
  correlateMessage: vi.fn(),
  broadcastSignal: vi.fn(),
  evaluateDecision: vi.fn(),
  pinClock: vi.fn(),
  resetClock: vi.fn(),
  withCause: vi.fn((_cause: string | undefined, fn: () => unknown) => fn()),
});

export const fakeQueries = (): Fake<QueriesLike> => ({
  searchProcessDefinitions: vi.fn(),
  getProcessDefinition: vi.fn(),
  getProcessDefinitionXml: vi.fn(),
  searchProcessInstances: vi.fn(),
  getProcessInstance: vi.fn(),
  searchElementInstances: vi.fn(),
  getElementInstance: vi.fn(),
  searchUserTasks: vi.fn(),
  getUserTask: vi.fn(),
  getUserTaskForm: vi.fn(),
  getProcessDefinitionStartForm: vi.fn(),
  userTaskFormContext: vi.fn(),
  searchUserTaskVariables: vi.fn(),
  searchVariables: vi.fn(),
  getVariable: vi.fn(),
  searchIncidents: vi.fn(),
  getIncident: vi.fn(),
  searchProcessInstanceIncidents: vi.fn(),
  searchJobs: vi.fn(),
  getForm: vi.fn(),
  ownerOf: vi.fn(),
  // Every task exists for these shape tests; visibility itself is tested against the real engine.
  userTaskParties: vi.fn(() => ({ processDefinitionId: 'process', assignee: null, candidateUsers: [], candidateGroups: [] })),
});

export interface TestServer {
  url: string;
  engine: Fake<EngineCommands>;
  queries: Fake<QueriesLike>;
  /** Every log line the app wrote (JSON-parsed). */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** The app over fakes, with authentication off (these tests are about the REST shapes; access is tested in test/api). */
export async function startServer(options: Partial<Omit<AppDeps, 'engine' | 'queries' | 'logger'>> = {}): Promise<TestServer> {
  const engine = fakeEngine();
  const queries = fakeQueries();
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const app = createApp({ engine: engine as unknown as EngineCommands, queries, logger, auth: { mode: 'none' }, clockControlled: true, ...options });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    engine,
    queries,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** fetch with a JSON body (a string is sent as is, to test malformed JSON). */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; json: any; text: string; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', json, text, headers: res.headers };
}
