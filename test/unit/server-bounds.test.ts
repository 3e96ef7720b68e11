/**
 * Bounds on everything a client sends to the command endpoints: out of range is a 400 problem
 * naming the field and the limit, and the engine is never called (nothing is stored). Malformed
 * transport (a path that is not UTF-8, a body that does not decompress) is a 400, not a 500.
 */
import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_CLOCK_MS } from '../../src/engine/clock.js';
import { MAX_JSON_DEPTH } from '../../src/server/limits.js';
import { ResponseGate } from '../../src/server/routes.js';
import { MAX_JOB_TIMEOUT_MS, MAX_REQUEST_TIMEOUT_MS } from '../../src/server/schemas.js';
import type { Response } from 'express';
import { call, startServer, type TestServer } from './server-fixtures.js';

const MAX_VARIABLES = 64 * 1024;
let srv: TestServer;
beforeAll(async () => {
  srv = await startServer({ maxVariablesBytes: MAX_VARIABLES });
});
afterAll(() => srv.close());
beforeEach(() => {
  vi.resetAllMocks();
  srv.logs.length = 0;
});

const HUGE = 2 ** 53 - 1;
const K = '2251799813685260';
const long = (n: number) => 'x'.repeat(n);

/** Sends a body as it is (a string: raw JSON text), returns status and problem. */
async function send(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await call(srv.url, method, path, body, headers);
  return res;
}

const engineCalls = () => Object.entries(srv.engine).filter(([name, fn]) => name !== 'withCause' && fn.mock.calls.length > 0).map(([name]) => name);

describe('numbers out of range are a 400 naming the field and the limit', () => {
  const cases: Array<[string, string, string, unknown, RegExp]> = [
    ['clock at 2^53−1', 'PUT', '/v2/clock', { timestamp: HUGE }, new RegExp(`^timestamp: must be at most ${MAX_CLOCK_MS} \\(9999-12-31T23:59:59.999Z\\)`)],
    ['clock before 1970', 'PUT', '/v2/clock', { timestamp: -1 }, /^timestamp: must be >= 0$/],
    [
      'job timeout 2^53−1',
      'POST',
      '/v2/jobs/activation',
      { type: 't', timeout: HUGE, maxJobsToActivate: 1 },
      new RegExp(`^timeout: must be at most ${MAX_JOB_TIMEOUT_MS} ms \\(24 h`),
    ],
    ['long polling 2^53−1', 'POST', '/v2/jobs/activation', { type: 't', timeout: 1000, maxJobsToActivate: 1, requestTimeout: HUGE }, new RegExp(`^requestTimeout: must be at most ${MAX_REQUEST_TIMEOUT_MS} ms`)],
    ['maxJobsToActivate over int32', 'POST', '/v2/jobs/activation', { type: 't', timeout: 1000, maxJobsToActivate: 2 ** 31 }, /^maxJobsToActivate: must be <= 2147483647$/],
    ['job type of 10 000 characters', 'POST', '/v2/jobs/activation', { type: long(10_000), timeout: 1000, maxJobsToActivate: 1 }, /^type: must be at most 8191 characters long$/],
    ['updated timeout 2^53−1', 'PATCH', `/v2/jobs/${K}`, { changeset: { timeout: HUGE } }, new RegExp(`^changeset.timeout: must be at most ${MAX_JOB_TIMEOUT_MS} ms`)],
    ['updated timeout 0 (8.8: greater than 0)', 'PATCH', `/v2/jobs/${K}`, { changeset: { timeout: 0 } }, /^changeset.timeout: must be >= 1$/],
    ['updated retries over int32', 'PATCH', `/v2/jobs/${K}`, { changeset: { retries: 2 ** 31 } }, /^changeset.retries: must be <= 2147483647$/],
    ['failure retries over int32', 'POST', `/v2/jobs/${K}/failure`, { retries: 2 ** 31 }, /^retries: must be <= 2147483647$/],
    ['retry back-off 2^53−1', 'POST', `/v2/jobs/${K}/failure`, { retries: 1, retryBackOff: HUGE }, new RegExp(`^retryBackOff: must be at most ${MAX_JOB_TIMEOUT_MS} ms`)],
    ['error message of 100 000 characters', 'POST', `/v2/jobs/${K}/failure`, { errorMessage: long(100_000) }, /^errorMessage: must be at most 65536 characters long$/],
    [
      'awaitCompletion requestTimeout 2^53−1',
      'POST',
      '/v2/process-instances',
      { processDefinitionId: 'p', awaitCompletion: true, requestTimeout: HUGE },
      new RegExp(`^requestTimeout: must be at most ${MAX_REQUEST_TIMEOUT_MS} ms`),
    ],
    ['process version over int32', 'POST', '/v2/process-instances', { processDefinitionId: 'p', processDefinitionVersion: 2 ** 31 }, /^processDefinitionVersion: must be <= 2147483647$/],
    ['1001 fetchVariables', 'POST', '/v2/process-instances', { processDefinitionId: 'p', fetchVariables: Array.from({ length: 1001 }, (_, i) => `v${i}`) }, /^fetchVariables: must have at most 1000 items$/],
    ['message time to live 2^53−1', 'POST', '/v2/messages/publication', { name: 'm', timeToLive: HUGE }, /^timeToLive: must be at most 2592000000 ms \(30 days\)/],
    ['correlation key of 10 000 characters', 'POST', '/v2/messages/publication', { name: 'm', correlationKey: long(10_000) }, /^correlationKey: must be at most 8191 characters long$/],
    ['1001 candidate users', 'PATCH', `/v2/user-tasks/${K}`, { changeset: { candidateUsers: Array.from({ length: 1001 }, (_, i) => `u${i}`) } }, /^changeset.candidateUsers: must have at most 1000 items$/],
  ];
  it.each(cases)('%s', async (_what, method, path, body, detail) => {
    const res = await send(method, path, body);
    expect(res.status, res.text).toBe(400);
    expect(res.json).toMatchObject({ title: 'INVALID_ARGUMENT', status: 400 });
    expect(res.json.detail).toMatch(detail);
    expect(engineCalls()).toEqual([]);
  });

  it('accepts the bounds themselves', async () => {
    srv.engine.activateJobs.mockResolvedValue([]);
    expect((await send('PUT', '/v2/clock', { timestamp: MAX_CLOCK_MS })).status).toBe(204);
    expect(srv.engine.pinClock).toHaveBeenCalledWith(MAX_CLOCK_MS);
    const activation = await send('POST', '/v2/jobs/activation', { type: 't', timeout: MAX_JOB_TIMEOUT_MS, maxJobsToActivate: 1, requestTimeout: -1 });
    expect(activation.status).toBe(200);
    expect((await send('PATCH', `/v2/jobs/${K}`, { changeset: { timeout: MAX_JOB_TIMEOUT_MS } })).status).toBe(204);
  });
});

describe('variables', () => {
  it(`nested 100 000 deep are a 400 naming the field and the depth limit (${MAX_JSON_DEPTH})`, async () => {
    const n = 100_000;
    const raw = `{"processDefinitionId":"p","variables":{"deep":${'['.repeat(n)}1${']'.repeat(n)}}}`;
    const res = await send('POST', '/v2/process-instances', raw);
    expect(res.status, res.text).toBe(400);
    expect(res.json.detail).toMatch(new RegExp(`^variables\\.deep\\[0\\]…\\(\\d+ levels more\\): nested deeper than ${MAX_JSON_DEPTH} levels`));
    expect(engineCalls()).toEqual([]);
  });

  it('nested objects just past the limit too; up to the limit they pass', async () => {
    const nest = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    // The body is level 1, `variables` level 2, the value of `deep` levels 3 and on.
    const over = await send('PUT', `/v2/element-instances/${K}/variables`, `{"variables":{"deep":${nest(MAX_JSON_DEPTH - 1)}}}`);
    expect(over.status, over.text).toBe(400);
    expect(over.json.detail).toMatch(/nested deeper than 1000 levels/);
    const at = await send('PUT', `/v2/element-instances/${K}/variables`, `{"variables":{"deep":${nest(MAX_JSON_DEPTH - 2)}}}`);
    expect(at.status, at.text).toBe(204);
  });

  it('over the size limit are a 400 naming the limit, on every command that carries them', async () => {
    const big = { blob: long(MAX_VARIABLES) };
    const commands: Array<[string, string, unknown]> = [
      ['POST', '/v2/process-instances', { processDefinitionId: 'p', variables: big }],
      ['PUT', `/v2/element-instances/${K}/variables`, { variables: big }],
      ['POST', `/v2/jobs/${K}/completion`, { variables: big }],
      ['POST', `/v2/jobs/${K}/failure`, { variables: big }],
      ['POST', `/v2/jobs/${K}/error`, { errorCode: 'E', variables: big }],
      ['POST', `/v2/user-tasks/${K}/completion`, { variables: big }],
      ['POST', '/v2/messages/publication', { name: 'm', variables: big }],
      ['POST', '/v2/messages/correlation', { name: 'm', variables: big }],
      ['POST', '/v2/signals/broadcast', { signalName: 's', variables: big }],
      ['POST', '/v2/decision-definitions/evaluation', { decisionDefinitionId: 'd', variables: big }],
    ];
    for (const [method, path, body] of commands) {
      const res = await send(method, path, body);
      expect(res.status, `${path}: ${res.text}`).toBe(400);
      expect(res.json.detail).toBe(`variables: ${MAX_VARIABLES + 11} bytes of JSON, over the limit of ${MAX_VARIABLES} bytes for the variables of one command (Zeebe's maximum message size)`);
    }
    expect(engineCalls()).toEqual([]);
    // Just under passes.
    srv.engine.createProcessInstance.mockReturnValue({ processInstanceKey: K } as never);
    const ok = await send('POST', '/v2/process-instances', { processDefinitionId: 'p', variables: { blob: long(MAX_VARIABLES - 11) } });
    expect(ok.status, ok.text).toBe(200);
  });
});

/** A request with a raw path (fetch would normalize it) and raw body bytes. */
function raw(path: string, method: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${srv.url}${path}`, { method, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('malformed transport is a 400, not a 500', () => {
  it('a path parameter that is not percent-encoded UTF-8 (%FF)', async () => {
    for (const path of ['/v2/process-instances/%FF', '/v2/process-definitions/%E0%A4%A/xml', '/v2/variables/%FF']) {
      const res = await raw(path, 'GET');
      expect(res.status, path).toBe(400);
      expect(res.json).toMatchObject({ title: 'Bad Request', detail: expect.stringMatching(/^The request path is not valid percent-encoded UTF-8/) });
    }
    expect(srv.logs.filter((l) => l.level === 50)).toEqual([]);
  });

  it.each(['gzip', 'br', 'deflate'])('a body claiming Content-Encoding %s that is not', async (encoding) => {
    const res = await raw('/v2/process-instances', 'POST', Buffer.from('{"processDefinitionId":"p"}'), { 'content-type': 'application/json', 'content-encoding': encoding });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ title: 'Bad Request', detail: expect.stringMatching(/^Request body does not decompress as its Content-Encoding says/) });
    expect(engineCalls()).toEqual([]);
    expect(srv.logs.filter((l) => l.level === 50)).toEqual([]);
  });

  it('a body that is gzip indeed is read', async () => {
    srv.engine.createProcessInstance.mockReturnValue({ processInstanceKey: K } as never);
    const res = await raw('/v2/process-instances', 'POST', gzipSync('{"processDefinitionId":"p"}'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
  });

  it('a JSON body over the limit is a 413 naming the limit', async () => {
    // The body limit is 1 MB over the variables limit, and at least 10 MB.
    const res = await send('POST', '/v2/process-instances/search', JSON.stringify({ filter: {}, pad: long(10 * 1024 * 1024 + 1) }));
    expect(res.status).toBe(413);
    expect(res.json.detail).toBe('Request body exceeds the limit of 10485760 bytes');
  });
});

describe('ResponseGate: large answers not yet delivered stay under a bound', () => {
  /** A response that is "delivered" when the test says so. */
  const response = () => Object.assign(new EventEmitter(), { destroy: vi.fn(function (this: EventEmitter) { this.emit('close'); }) });
  const never = new AbortController().signal;

  it('lets one answer be produced at a time, and waits while the undelivered ones are over the limit', async () => {
    const gate = new ResponseGate(100);
    const first = (await gate.enter(never))!;
    let second: unknown;
    const waiting = gate.enter(never).then((t) => (second = t));
    await new Promise((r) => setImmediate(r));
    expect(second).toBeUndefined(); // the first one is still being produced
    const res = response();
    first.hold(res as unknown as Response, 150);
    first.leave();
    await new Promise((r) => setImmediate(r));
    expect(second).toBeUndefined(); // 150 bytes undelivered, over 100
    expect(gate.undelivered).toBe(150);
    res.emit('close');
    await waiting;
    expect(second).toBeDefined();
    expect(gate.undelivered).toBe(0);
    (second as { leave(): void }).leave();
  });

  it('answers 503 with Retry-After when the wait is too long, and gives up quietly when the client leaves', async () => {
    const gate = new ResponseGate(0, 20);
    const first = (await gate.enter(never))!;
    first.hold(response() as unknown as Response, 1);
    first.leave();
    await expect(gate.enter(never)).rejects.toMatchObject({ status: 503, title: 'UNAVAILABLE', headers: { 'Retry-After': '1' } });
    const client = new AbortController();
    const gone = gate.enter(client.signal);
    client.abort();
    expect(await gone).toBeUndefined();
  });

  it('drops an answer its client does not take in time, so a stalled reader cannot hold the gate shut', async () => {
    const gate = new ResponseGate(0, 1000, 10, 20);
    const turn = (await gate.enter(never))!;
    const res = response();
    turn.hold(res as unknown as Response, 10);
    turn.leave();
    expect(gate.undelivered).toBe(10);
    await new Promise((r) => setTimeout(r, 50));
    expect(res.destroy).toHaveBeenCalled();
    expect(gate.undelivered).toBe(0);
    (await gate.enter(never))!.leave();
  });
});
