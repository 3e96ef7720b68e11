/** POST /v2/jobs/activation long-polls: the engine gets an AbortSignal that fires when the client leaves. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActivatedJob } from '../../src/engine/types.js';
import { startServer, type TestServer } from './server-fixtures.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(() => srv.close());
beforeEach(() => {
  vi.resetAllMocks();
  srv.logs.length = 0;
});

const body = JSON.stringify({ type: 'ship', timeout: 30_000, maxJobsToActivate: 10, requestTimeout: 60_000 });
const post = (signal?: AbortSignal) =>
  fetch(`${srv.url}/v2/jobs/activation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });

describe('job activation long polling', () => {
  it('aborts the signal when the client disconnects, and writes nothing', async () => {
    let seen: AbortSignal | undefined;
    const engineSawAbort = new Promise<void>((resolve) => {
      srv.engine.activateJobs.mockImplementation(
        (_request, signal) =>
          new Promise<ActivatedJob[]>((res) => {
            seen = signal;
            signal?.addEventListener('abort', () => {
              res([]);
              resolve();
            });
          }),
      );
    });

    const client = new AbortController();
    const pending = post(client.signal).catch((e: unknown) => e);
    await vi.waitFor(() => expect(srv.engine.activateJobs).toHaveBeenCalledOnce());
    expect(seen?.aborted).toBe(false);

    client.abort();
    await engineSawAbort;
    expect(seen?.aborted).toBe(true);
    expect(await pending).toBeInstanceOf(Error);
    expect(srv.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it('does not report an engine rejection caused by the abort as a server error', async () => {
    srv.engine.activateJobs.mockImplementation(
      (_request, signal) =>
        new Promise<ActivatedJob[]>((_res, rej) => signal?.addEventListener('abort', () => rej(new DOMException('aborted', 'AbortError')))),
    );
    const client = new AbortController();
    const pending = post(client.signal).catch((e: unknown) => e);
    await vi.waitFor(() => expect(srv.engine.activateJobs).toHaveBeenCalledOnce());
    client.abort();
    await pending;
    await new Promise((r) => setTimeout(r, 50));
    expect(srv.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it('answers once the engine has jobs, without aborting the signal', async () => {
    let seen: AbortSignal | undefined;
    srv.engine.activateJobs.mockImplementation(async (_request, signal) => {
      seen = signal;
      await new Promise((r) => setTimeout(r, 30));
      return [];
    });
    const res = await post();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ jobs: [] });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen?.aborted).toBe(false);
  });
});
