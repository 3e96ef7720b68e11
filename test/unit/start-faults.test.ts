/**
 * What stops a start is one clear line and exit code 1 (a second server on the same DATA_DIR, a port
 * in use), and what a crash left behind does not slow the restart (the lock, the jobs our own
 * workers held).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from '../../src/data-dir-lock.js';
import { serviceChain } from '../support/bpmn.js';
import { ROOT, startHarness, TEST_ADMIN } from '../support/harness.js';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'pingpin-start-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `pingpin start` as a child process; resolves once it listens, or with its exit and output. */
function startChild(env: Record<string, string>): Promise<{ listening: boolean; code: number | null; stderr: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
    cwd: ROOT,
    // Its own SQLite registry and embedded engine, whatever the developer's shell (or CI's PostgreSQL) says.
    env: { ...process.env, DATABASE_URL: '', CAMUNDA_REST_ADDRESS: '', HOST: '127.0.0.1', LOG_LEVEL: 'info', BPMN_DIR: 'test/no-such-dir', FORMS_DIR: 'test/no-such-dir', WORKERS: 'false', PINGPIN_ADMIN_PASSWORD: TEST_ADMIN.password, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve) => {
    child.stdout!.on('data', (c: Buffer) => {
      if (c.toString().includes('pingpin listening on port')) resolve({ listening: true, code: null, stderr, stop });
    });
    child.once('exit', (code) => resolve({ listening: false, code, stderr, stop }));
  });
}

describe('a start that cannot go on says why in one line', () => {
  it('refuses a second server on the same DATA_DIR, naming the directory and the holder', async () => {
    const dataDir = fresh();
    const first = await startChild({ DATA_DIR: dataDir, PORT: '0' });
    try {
      expect(first.listening).toBe(true);
      const holder = Number(readFileSync(join(dataDir, LOCK_FILE), 'utf8').split(' ')[0]);
      const second = await startChild({ DATA_DIR: dataDir, PORT: '0' });
      expect(second).toMatchObject({ listening: false, code: 1 });
      expect(second.stderr.trim()).toBe(`pingpin: DATA_DIR ${dataDir} is in use by another pingpin (pid ${holder}); stop it first, or give this one another DATA_DIR`);
    } finally {
      await first.stop();
    }
    // Stopped: the lock is gone and the directory starts again.
    const again = await startChild({ DATA_DIR: dataDir, PORT: '0' });
    expect(again.listening).toBe(true);
    await again.stop();
  }, 60_000);

  it('says a port is in use instead of a stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const child = await startChild({ DATA_DIR: fresh(), PORT: String(port) });
      expect(child).toMatchObject({ listening: false, code: 1 });
      expect(child.stderr.trim()).toBe(`pingpin: port ${port} on 127.0.0.1 is already in use: stop what listens there or set PORT to another port (0 = any free port)`);
    } finally {
      blocker.close();
    }
  }, 60_000);
});

describe('the data directory lock', () => {
  it('is taken over from a holder that is gone, and refused while the holder runs', () => {
    const dataDir = fresh();
    // A pid that is not running (the largest pid Linux hands out is below 2^22).
    writeFileSync(join(dataDir, LOCK_FILE), '4194303 12345\n');
    const lock = lockDataDir(dataDir);
    expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8').split(' ')[0]).toBe(String(process.pid));
    lock.release();
    // A running process (this test's parent) holding it: refused.
    writeFileSync(join(dataDir, LOCK_FILE), `${process.ppid}\n`);
    expect(() => lockDataDir(dataDir)).toThrow(DataDirInUseError);
  });
});

describe('after a crash, jobs our own workers held are workable at once', () => {
  it('releases jobs held under the pingpin- worker names, and leaves external workers their timeout', async () => {
    const dataDir = fresh();
    const model = serviceChain('recovery', ['held-by-us', 'held-elsewhere']);
    const first = await startHarness({ dataDir });
    await first.client.deployResources([{ name: 'recovery.bpmn', content: model }]);
    const pi = await first.client.createProcessInstance({ processDefinitionId: 'recovery', variables: {} });
    const ours = await first.http('POST', '/v2/jobs/activation', { type: 'held-by-us', worker: 'pingpin-held-by-us', timeout: 600_000, maxJobsToActivate: 1, requestTimeout: -1 });
    expect(ours.body.jobs).toHaveLength(1);
    await first.stop();

    // The next start runs workers (none here but the setting): what pingpin- workers held is workable again.
    const second = await startHarness({ dataDir, workers: [] });
    try {
      const jobs = await second.http('POST', '/v2/jobs/search', { filter: { processInstanceKey: pi.processInstanceKey } });
      expect(jobs.body.items).toEqual([expect.objectContaining({ type: 'held-by-us', state: 'TIMED_OUT' })]);
      const again = await second.http('POST', '/v2/jobs/activation', { type: 'held-by-us', worker: 'w', timeout: 600_000, maxJobsToActivate: 1, requestTimeout: -1 });
      expect(again.body.jobs).toHaveLength(1);
      // A job an external worker holds keeps its timeout.
      await second.client.completeJob({ jobKey: again.body.jobs[0].jobKey, variables: {} });
      const theirs = await second.http('POST', '/v2/jobs/activation', { type: 'held-elsewhere', worker: 'external-worker', timeout: 600_000, maxJobsToActivate: 1, requestTimeout: -1 });
      expect(theirs.body.jobs).toHaveLength(1);
    } finally {
      await second.stop();
    }
    const third = await startHarness({ dataDir, workers: [] });
    try {
      const jobs = await third.http('POST', '/v2/jobs/search', { filter: { type: 'held-elsewhere' } });
      expect(jobs.body.items).toEqual([expect.objectContaining({ state: 'CREATED', worker: 'external-worker' })]);
    } finally {
      await third.stop();
    }
  }, 60_000);
});
