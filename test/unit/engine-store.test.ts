import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { Store } from '../../src/engine/store.js';
import { bpmn, serviceChain } from '../support/bpmn.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const open = async (dir: string) => {
  const store = new Store(join(dir, 'engine.db'));
  return { store, engine: await Engine.open({ store, logger: pino({ level: 'silent' }), maxStepsPerCommand: 2_000 }) };
};

describe('store and commands', () => {
  it('hands out Zeebe-shaped keys that keep increasing across a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pingpin-keys-'));
    dirs.push(dir);
    let { store, engine } = await open(dir);
    const d = await engine.deploy([{ name: 'k.bpmn', content: Buffer.from(serviceChain('k', ['k'])) }]);
    expect(d.deploymentKey).toBe(String(2 ** 51 + 1));
    const first = engine.createProcessInstance({ processDefinitionId: 'k' });
    engine.close();
    store.close();
    ({ store, engine } = await open(dir));
    const second = engine.createProcessInstance({ processDefinitionId: 'k' });
    expect(BigInt(second.processInstanceKey)).toBeGreaterThan(BigInt(first.processInstanceKey));
    const jobs = await engine.activateJobs({ type: 'k', timeout: 1000, maxJobsToActivate: 10, requestTimeout: -1 });
    expect(jobs.map((j) => j.processInstanceKey).sort()).toEqual([first.processInstanceKey, second.processInstanceKey].sort());
    engine.close();
    store.close();
  });

  it('leaves nothing behind when a command fails half-way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pingpin-atomic-'));
    dirs.push(dir);
    const { store, engine } = await open(dir);
    // A loop without a wait state: the command gives up and rolls back instead of spinning forever.
    const loop = bpmn('loop', [
      { id: 'start', kind: 'start' },
      { id: 'merge', kind: 'xor' },
      { id: 'inc', kind: 'script', ext: '<zeebe:script expression="=n + 1" resultVariable="n" />' },
    ], [
      { id: 'f1', from: 'start', to: 'merge' },
      { id: 'f2', from: 'merge', to: 'inc' },
      { id: 'f3', from: 'inc', to: 'merge' },
    ]);
    await engine.deploy([{ name: 'loop.bpmn', content: Buffer.from(loop) }]);
    const count = (table: string) => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const before = { pi: count('process_instances'), ei: count('element_instances'), v: count('variables') };
    expect(() => engine.createProcessInstance({ processDefinitionId: 'loop', variables: { n: 0 } })).toThrow(/without reaching a wait state/);
    expect({ pi: count('process_instances'), ei: count('element_instances'), v: count('variables') }).toEqual(before);
    // and the engine keeps working, with no key handed out twice
    await engine.deploy([{ name: 'ok.bpmn', content: Buffer.from(serviceChain('ok', ['ok'])) }]);
    const pi = engine.createProcessInstance({ processDefinitionId: 'ok' });
    expect(store.db.prepare(`SELECT COUNT(*) AS n FROM element_instances WHERE key = ?`).get(Number(pi.processInstanceKey))).toEqual({ n: 1 });
    engine.close();
    store.close();
  });
});
