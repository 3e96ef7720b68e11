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
import { serviceChain } from '../support/bpmn.js';
import { restClient } from '../support/harness.js';

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
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', BPMN_DIR: 'test/no-such-dir', FORMS_DIR: 'test/no-such-dir' },
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
    const state = await fetch(`${second.url}/v2/process-instances/${pi.processInstanceKey}`).then((r) => r.json() as Promise<{ state: string }>);
    expect(state.state).toBe('COMPLETED');

    const next = await client.createProcessInstance({ processDefinitionId: 'durable', variables: {} });
    expect(BigInt(next.processInstanceKey)).toBeGreaterThan(BigInt(two!.jobKey));

    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
  }, 60_000);
});
