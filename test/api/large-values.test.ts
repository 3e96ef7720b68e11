/**
 * Large variable values. Searches return them cut to 8191 characters with `isTruncated: true`, as
 * 8.8 does; GET /v2/variables/{variableKey} returns them whole. A page of full values
 * (`truncateValues=false`) over the response limit (16 MB) is refused with a 400 naming the limit,
 * and eight concurrent searches over ten 9.9 MB variables keep the process's memory bounded (it
 * went to 1.35 GB before).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, startHarness, type Harness } from '../support/harness.js';

const BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="large" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:serviceTask id="wait"><bpmn:extensionElements><zeebe:taskDefinition type="large-wait"/></bpmn:extensionElements></bpmn:serviceTask>
  </bpmn:process>
</bpmn:definitions>`;

const SIZE = 9_900_000;
const COUNT = 10;
const MB = 1024 * 1024;
let h: Harness;
let pi: string;

beforeAll(async () => {
  h = await startHarness();
  await h.client.deployResources([{ name: 'large.bpmn', content: BPMN }] as never);
  // Over the REST API's 4 MB limit for one command's variables: created in-process, as data an
  // operator's raised limit (or an earlier version) could have let in.
  const value = 'x'.repeat(SIZE);
  const variables = Object.fromEntries(Array.from({ length: COUNT }, (_, i) => [`big${i}`, value]));
  pi = h.running.engine!.createProcessInstance({ processDefinitionId: 'large', variables: { ...variables, small: 'ok' } }).processInstanceKey;
}, 120_000);
afterAll(() => h?.stop());

interface Answer {
  status: number;
  bytes: number;
  /** Parsed when the answer is small; large ones are only counted, so that the client holds nothing. */
  body?: any;
}

/** One request; the answer is counted as it streams in, and parsed only when small. */
function send(method: string, path: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      `${h.url}${path}`,
      { method, headers: { authorization: ADMIN_AUTH, ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) } },
      (res) => {
        let bytes = 0;
        let kept: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes <= 2 * MB) kept.push(chunk);
          else kept = [];
        });
        res.on('end', () => {
          const text = kept.length ? Buffer.concat(kept).toString() : '';
          resolve({ status: res.statusCode!, bytes, body: bytes <= 2 * MB && text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Peak resident memory since the last reset (Linux: VmHWM, reset through clear_refs), else the current. */
function peakRss(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss;
}
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

describe('searches over large values', () => {
  it('cut each value to 8191 characters with isTruncated, as 8.8; GET by key gives the whole value', async () => {
    const r = await send('POST', '/v2/variables/search', { filter: { processInstanceKey: pi }, sort: [{ field: 'name' }] });
    expect(r.status).toBe(200);
    const items = r.body.items as { name: string; value: string; isTruncated: boolean; variableKey: string }[];
    expect(items.map((i) => [i.name, i.value.length, i.isTruncated])).toEqual([
      ...Array.from({ length: COUNT }, (_, i) => [`big${i}`, 8191, true]),
      ['small', 4, false],
    ]);
    expect(items[0]!.value).toBe(`"${'x'.repeat(8190)}`);
    const full = await send('GET', `/v2/variables/${items[0]!.variableKey}`);
    expect(full.status).toBe(200);
    // the whole JSON text of the value ("x…x", quotes escaped) and the other fields
    expect(full.bytes).toBeGreaterThan(SIZE + 4);
    expect(full.bytes).toBeLessThan(SIZE + 300);
  }, 30_000);

  it('refuse a page of full values over the response limit, naming it; a smaller page passes', async () => {
    const r = await send('POST', '/v2/variables/search?truncateValues=false', { filter: { processInstanceKey: pi } });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe(
      'page.limit: the items of this page come to more than 16777216 bytes, the limit of one search response (reached after 1 of at most 100 items); ' +
        'ask for fewer items per page, or search with truncateValues=true and read each large value in full by its key (GET)',
    );
    const one = await send('POST', '/v2/variables/search?truncateValues=false', { filter: { processInstanceKey: pi, name: 'big3' } });
    expect(one.status).toBe(200);
    expect(one.bytes).toBeGreaterThan(SIZE);
  }, 30_000);

  it('page through values sorted by value without copying them into cursors', async () => {
    const names: string[] = [];
    let after: string | undefined;
    for (;;) {
      const r = await send('POST', '/v2/variables/search', { filter: { processInstanceKey: pi }, sort: [{ field: 'value', order: 'DESC' }], page: { limit: 4, ...(after ? { after } : {}) } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.bytes).toBeLessThan(100_000);
      if (r.body.items.length === 0) break;
      names.push(...r.body.items.map((i: { name: string }) => i.name));
      expect(r.body.page.endCursor.length).toBeLessThan(200);
      after = r.body.page.endCursor;
    }
    // '"x…' sorts after '"ok"' in byte order; equal values in key order
    expect(names).toEqual([...Array.from({ length: COUNT }, (_, i) => `big${i}`), 'small']);
    const back = await send('POST', '/v2/variables/search', { filter: { processInstanceKey: pi }, sort: [{ field: 'value', order: 'DESC' }], page: { limit: 3, before: after } });
    expect(back.body.items.map((i: { name: string }) => i.name)).toEqual(['big7', 'big8', 'big9']);
  }, 60_000);

  it('eight concurrent searches of each kind keep the memory bounded', async () => {
    const measured = resetPeak();
    const before = measured ? peakRss() : process.memoryUsage().rss;
    let peak = before;
    const sampler = measured ? undefined : setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const eight = <T>(fn: () => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: 8 }, fn));
    const filter = { filter: { processInstanceKey: pi } };
    const [truncated, full, onePage, byKey] = await Promise.all([
      eight(() => send('POST', '/v2/variables/search', filter)),
      eight(() => send('POST', '/v2/variables/search?truncateValues=false', filter)),
      eight(() => send('POST', '/v2/variables/search?truncateValues=false', { filter: { processInstanceKey: pi, name: 'big5' } })),
      eight(async () => {
        const key = (await send('POST', '/v2/variables/search', { filter: { processInstanceKey: pi, name: 'big7' } })).body.items[0].variableKey as string;
        return send('GET', `/v2/variables/${key}`);
      }),
    ]);
    if (sampler) clearInterval(sampler);
    peak = Math.max(peak, peakRss());
    expect(truncated.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(truncated.every((r) => r.body.items.length === COUNT + 1)).toBe(true);
    expect(full.map((r) => r.status)).toEqual(Array(8).fill(400));
    expect(onePage.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(onePage.every((r) => r.bytes > SIZE)).toBe(true);
    expect(byKey.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(byKey.every((r) => r.bytes > SIZE)).toBe(true);
    const growth = peak - before;
    // 32 requests touching 99 MB of values; 8 answers of 9.9 MB in full at once (80 MB) are the
    // floor. Before the bounds, the same load took the process to 1.35 GB.
    expect(growth, `peak RSS grew by ${Math.round(growth / MB)} MB`).toBeLessThan(400 * MB);
  }, 120_000);
});
