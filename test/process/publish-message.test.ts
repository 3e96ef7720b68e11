/**
 * WorkerServices.publishMessage with a messageId (src/runtime.ts): the engine keeps one message of
 * that id while it is buffered (Zeebe), so a job delivered again publishes nothing twice, and the
 * second publish resolves instead of failing the job with the engine's 409.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpmn, message, type El } from '../support/bpmn.js';
import { startProcessHarness, type ProcessHarness } from '../support/process.js';

// A message start event: every message that correlates starts an instance, which ends at once.
const ELEMENTS: El[] = [
  { id: 'start', kind: 'start', name: '收到', body: '<bpmn:messageEventDefinition messageRef="m_ping" />' },
  { id: 'end', kind: 'end', name: '结束' },
];
const MODEL = bpmn('publish-once', ELEMENTS, [{ id: 'f1', from: 'start', to: 'end' }], message('m_ping', 'publish-once-ping'));

let h: ProcessHarness;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pingpin-publish-once-'));
  writeFileSync(join(dir, 'publish-once.bpmn'), MODEL);
  h = await startProcessHarness({ workers: [], pinnedAt: '2026-11-20T10:00:00+08:00', bpmnDir: dir, formsDir: dir });
}, 30_000);

afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function instances(): Promise<number> {
  const res = await h.http('POST', '/v2/process-instances/search', { filter: { processDefinitionId: 'publish-once' } });
  return (res.body as { items: unknown[] }).items.length;
}

describe('publishMessage with a messageId', () => {
  it('publishes once however often it is called with the same id, and resolves each time', async () => {
    await h.services.publishMessage('publish-once-ping', 'N-1', {}, 60_000, 'publish-once-ping:N-1');
    await h.services.publishMessage('publish-once-ping', 'N-1', {}, 60_000, 'publish-once-ping:N-1');
    await expect.poll(instances).toBe(1);
    // Without an id each publish is a message of its own (what a redelivered job must avoid).
    await h.services.publishMessage('publish-once-ping', 'N-2', {}, 60_000);
    await h.services.publishMessage('publish-once-ping', 'N-2', {}, 60_000);
    await expect.poll(instances).toBe(3);
    // Another id is another message.
    await h.services.publishMessage('publish-once-ping', 'N-1', {}, 60_000, 'publish-once-ping:N-1:second');
    await expect.poll(instances).toBe(4);
  });

  it('still fails on what is not a duplicate', async () => {
    await expect(h.services.publishMessage('', 'N-3', {}, 60_000, 'x')).rejects.toThrow();
  });
});
