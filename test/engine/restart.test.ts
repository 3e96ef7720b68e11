/**
 * Durability: pingpin runs as a real child process; it is killed with SIGKILL between commands and
 * restarted on the same data directory, and the instance continues where it stood. Also checks
 * SIGTERM shuts down cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bpmn, chain, serviceChain, timer } from '../support/bpmn.js';
import { ADMIN_AUTH, restClient, TEST_ADMIN } from '../support/harness.js';

const root = join(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'pingpin-restart-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `pingpin start` on a free port and resolves once it logs the port it listens on. */
function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
    cwd: root,
    env: {
      ...process.env,
      // Its own SQLite registry (CI's PostgreSQL holds another data directory's key) and embedded engine.
      DATABASE_URL: '',
      CAMUNDA_REST_ADDRESS: '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      BPMN_DIR: 'test/no-such-dir',
      FORMS_DIR: 'test/no-such-dir',
      PINGPIN_ADMIN_USERNAME: TEST_ADMIN.username,
      PINGPIN_ADMIN_PASSWORD: TEST_ADMIN.password,
      // The pinned clock must survive the crash, which Zeebe allows only with the clock controllable.
      ENGINE_CLOCK_CONTROLLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`pingpin did not start:\n${out}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${m[1]}` });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`pingpin exited with ${code}:\n${out}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));

describe('kill -9 and restart', () => {
  it('continues a running instance, its jobs and variables, with keys that never repeat', async () => {
    const first = await startChild();
    let client = restClient(first.url);
    await client.deployResources([{ name: 'durable.bpmn', content: serviceChain('durable', ['d-one', 'd-two']) }]);
    const pi = await client.createProcessInstance({ processDefinitionId: 'durable', variables: { applicant: '张三' } });
    const [one] = await client.activateJobs({ type: 'd-one', worker: 'w', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1 } as never);
    await client.completeJob({ jobKey: one!.jobKey, variables: { score: 88 } });

    first.child.kill('SIGKILL');
    await exited(first.child);

    const second = await startChild();
    client = restClient(second.url);
    const [two] = await client.activateJobs({ type: 'd-two', worker: 'w', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1 } as never);
    expect(two).toBeDefined();
    expect(two!.processInstanceKey).toBe(pi.processInstanceKey);
    expect(two!.variables).toEqual({ applicant: '张三', score: 88 });
    await client.completeJob({ jobKey: two!.jobKey, variables: {} });
    const state = await fetch(`${second.url}/v2/process-instances/${pi.processInstanceKey}`, { headers: { authorization: ADMIN_AUTH } }).then((r) => r.json() as Promise<{ state: string }>);
    expect(state.state).toBe('COMPLETED');

    const next = await client.createProcessInstance({ processDefinitionId: 'durable', variables: {} });
    expect(BigInt(next.processInstanceKey)).toBeGreaterThan(BigInt(two!.jobKey));

    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
  }, 60_000);

  it('keeps timers across a crash: a pinned clock stays pinned, and a timer due while down fires at start', async () => {
    const first = await startChild();
    let client = restClient(first.url);
    const put = (url: string, ms: number) =>
      fetch(`${url}/v2/clock`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: ADMIN_AUTH }, body: JSON.stringify({ timestamp: ms }) });
    const stateOf = async (url: string, key: string) => ((await fetch(`${url}/v2/process-instances/${key}`, { headers: { authorization: ADMIN_AUTH } }).then((r) => r.json())) as { state: string }).state;
    const { elements, flows } = chain({ id: 'start', kind: 'start' }, { id: 'wait', kind: 'catch', body: timer('timeDuration', 'PT1H') }, { id: 'end', kind: 'end' });
    await client.deployResources([{ name: 'sleepy.bpmn', content: bpmn('sleepy', elements, flows) }]);
    const t0 = Date.parse('2026-09-28T02:00:00Z');
    expect((await put(first.url, t0)).status).toBe(204);
    const pinned = await client.createProcessInstance({ processDefinitionId: 'sleepy', variables: {} });
    first.child.kill('SIGKILL');
    await exited(first.child);

    const second = await startChild();
    client = restClient(second.url);
    expect(await stateOf(second.url, pinned.processInstanceKey)).toBe('ACTIVE');
    expect((await put(second.url, t0 + 3_600_000)).status).toBe(204);
    expect(await stateOf(second.url, pinned.processInstanceKey)).toBe('COMPLETED');

    // Back on real time: a 1-second timer falls due while the engine is down.
    expect((await fetch(`${second.url}/v2/clock/reset`, { method: 'POST', headers: { authorization: ADMIN_AUTH } })).status).toBe(204);
    const quick = chain({ id: 'start', kind: 'start' }, { id: 'wait', kind: 'catch', body: timer('timeDuration', 'PT1S') }, { id: 'end', kind: 'end' });
    await client.deployResources([{ name: 'quick.bpmn', content: bpmn('quick', quick.elements, quick.flows) }]);
    const real = await client.createProcessInstance({ processDefinitionId: 'quick', variables: {} });
    second.child.kill('SIGKILL');
    await exited(second.child);
    await new Promise((r) => setTimeout(r, 1_500));

    const third = await startChild();
    let s = '';
    for (let i = 0; i < 100 && s !== 'COMPLETED'; i++) {
      s = await stateOf(third.url, real.processInstanceKey);
      if (s !== 'COMPLETED') await new Promise((r) => setTimeout(r, 50));
    }
    expect(s).toBe('COMPLETED');
    third.child.kill('SIGTERM');
    expect(await exited(third.child)).toBe(0);
  }, 60_000);
});
