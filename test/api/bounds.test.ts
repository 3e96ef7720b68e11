/**
 * Hostile input against the real engine: each attack of issue 10 that gave a 500 (or was accepted
 * and broke the data directory) is a 4xx naming the field and the limit, nothing of it is stored,
 * and the engine answers normally afterwards. Dates stored out of range by an earlier version no
 * longer break the searches, and a clock left pinned out of range no longer stops a start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, startHarness, type Harness } from '../support/harness.js';

const BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="bounds" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:serviceTask id="work"><bpmn:extensionElements><zeebe:taskDefinition type="bounds-work"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;

const HUGE = 2 ** 53 - 1;
let h: Harness;
let pi: string;

beforeAll(async () => {
  h = await startHarness();
  await h.client.deployResources([{ name: 'bounds.bpmn', content: BPMN }] as never);
  pi = (await h.http('POST', '/v2/process-instances', { processDefinitionId: 'bounds', variables: { name: 'Anna' } })).body.processInstanceKey;
}, 60_000);
afterAll(() => h?.stop());

const count = async (path: string): Promise<number> => (await h.http('POST', path, {})).body.page.totalItems;

/** The searches that answered 500 after the clock was set to 2^53−1. */
const SEARCHES = ['/v2/process-instances/search', '/v2/element-instances/search', '/v2/jobs/search', '/v2/incidents/search', '/v2/variables/search', '/v2/user-tasks/search'];
async function searchesAnswer(): Promise<void> {
  for (const path of SEARCHES) {
    const r = await h.http('POST', path, {});
    expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(200);
  }
}

describe('string and list filters', () => {
  it('a $like of 100 000 characters is a 400 naming the field and the limit', async () => {
    const r = await h.http('POST', '/v2/process-instances/search', { filter: { processDefinitionId: { $like: 'a'.repeat(100_000) } } });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('filter.processDefinitionId.$like: must be at most 8191 characters long');
    const v = await h.http('POST', '/v2/variables/search', { filter: { value: { $like: '*'.repeat(100_000) } } });
    expect(v.status).toBe(400);
    expect(v.body.detail).toBe('filter.value.$like: must be at most 8191 characters long');
  });

  it('a $like at the limit runs', async () => {
    const r = await h.http('POST', '/v2/variables/search', { filter: { value: { $like: `${'\\['.repeat(4095)}*` } } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });

  it('an $in of 100 000 values is a 400 naming the field and the limit', async () => {
    const values = Array.from({ length: 100_000 }, (_, i) => `p${i}`);
    const r = await h.http('POST', '/v2/process-instances/search', { filter: { processDefinitionId: { $in: values } } });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('filter.processDefinitionId.$in: must have at most 1000 items');
    const n = await h.http('POST', '/v2/jobs/search', { filter: { type: { $notIn: values } } });
    expect(n.status).toBe(400);
    expect(n.body.detail).toBe('filter.type.$notIn: must have at most 1000 items');
  });

  it('many lists at the limit in $or are a 400 for the values in all', async () => {
    const list = Array.from({ length: 1000 }, (_, i) => `p${i}`);
    const r = await h.http('POST', '/v2/process-instances/search', { filter: { $or: Array.from({ length: 11 }, () => ({ processDefinitionId: { $in: list } })) } });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('filter: binds 11000 values in all, over the limit of 10000; split the search');
    const alternatives = await h.http('POST', '/v2/process-instances/search', { filter: { $or: Array.from({ length: 101 }, () => ({ state: 'ACTIVE' })) } });
    expect(alternatives.status).toBe(400);
    expect(alternatives.body.detail).toBe('filter.$or: must have at most 100 items');
    const vars = await h.http('POST', '/v2/process-instances/search', { filter: { variables: Array.from({ length: 101 }, () => ({ name: 'name', value: '"Anna"' })) } });
    expect(vars.status).toBe(400);
    expect(vars.body.detail).toBe('filter.variables: must have at most 100 items');
  });

  it('100 alternatives, each with several filters and a long list, still run (SQLite takes their depth)', async () => {
    const list = Array.from({ length: 90 }, (_, i) => `p${i}`);
    const alternative = {
      processDefinitionId: { $in: [...list, 'bounds'], $neq: 'x', $exists: true },
      state: { $in: ['ACTIVE', 'COMPLETED'] },
      processDefinitionVersion: { $gte: 1, $lte: 5 },
      variables: [{ name: 'name', value: { $like: '*' } }],
    };
    const r = await h.http('POST', '/v2/process-instances/search', { filter: { $or: Array.from({ length: 100 }, () => alternative) } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.page.totalItems).toBeGreaterThan(0);
  });

  it('page and sort bounds', async () => {
    const from = await h.http('POST', '/v2/process-instances/search', { page: { from: 2 ** 31 } });
    expect(from.body.detail).toBe('page.from: must be at most 2147483647');
    const cursor = await h.http('POST', '/v2/process-instances/search', { page: { after: 'A'.repeat(10_000) } });
    expect(cursor.body.detail).toBe('page.after: must be at most 4096 characters long');
    const sort = await h.http('POST', '/v2/process-instances/search', { sort: Array.from({ length: 21 }, () => ({ field: 'state' })) });
    expect(sort.body.detail).toBe('sort: must have at most 20 items');
  });
});

describe('variables', () => {
  it('nested 100 000 deep are a 400 naming the field, and nothing is created', async () => {
    const before = await count('/v2/process-instances/search');
    const n = 100_000;
    for (const [open, close] of [
      ['[', ']'],
      ['{"a":', '}'],
    ]) {
      const raw = `{"processDefinitionId":"bounds","variables":{"deep":${open!.repeat(n)}1${close!.repeat(n)}}}`;
      const r = await h.http('POST', '/v2/process-instances', undefined, raw);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.detail).toMatch(/^variables\.deep.*: nested deeper than 1000 levels, the limit for a JSON body$/);
    }
    expect(await count('/v2/process-instances/search')).toBe(before);
  });

  it('nested to the limit travel through the engine and back', async () => {
    const depth = 990;
    const raw = `{"processDefinitionId":"bounds","variables":{"deep":${'{"a":'.repeat(depth)}"bottom"${'}'.repeat(depth)}}}`;
    const r = await h.http('POST', '/v2/process-instances', undefined, raw);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const got = await h.http('POST', '/v2/variables/search?truncateValues=false', { filter: { processInstanceKey: r.body.processInstanceKey, name: 'deep' } });
    expect(got.status).toBe(200);
    expect((got.body.items[0].value as string).endsWith(`"bottom"${'}'.repeat(depth)}`)).toBe(true);
    await h.http('POST', `/v2/process-instances/${r.body.processInstanceKey}/cancellation`, {});
  });

  it('over 4 MB of JSON are a 400 naming the limit, and nothing is created', async () => {
    const before = await count('/v2/process-instances/search');
    const r = await h.http('POST', '/v2/process-instances', { processDefinitionId: 'bounds', variables: { blob: 'x'.repeat(4 * 1024 * 1024) } });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe(`variables: ${4 * 1024 * 1024 + 11} bytes of JSON, over the limit of 4194304 bytes for the variables of one command (Zeebe's maximum message size)`);
    expect(await count('/v2/process-instances/search')).toBe(before);
  });
});

describe('the clock', () => {
  it('at 2^53−1 is a 400 naming the limit, the clock does not move, and the searches still answer', async () => {
    const before = h.running.engine!.clock.now();
    const r = await h.http('PUT', '/v2/clock', { timestamp: HUGE });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe(`timestamp: must be at most 253402300799999 (9999-12-31T23:59:59.999Z) in epoch ms, got ${HUGE}`);
    expect(h.running.engine!.clock.isPinned()).toBe(false);
    expect(h.running.engine!.clock.now() - before).toBeLessThan(60_000);
    // The largest accepted instant: instances and jobs created under it render.
    expect((await h.http('PUT', '/v2/clock', { timestamp: 253402300799999 })).status).toBe(204);
    const late = await h.http('POST', '/v2/process-instances', { processDefinitionId: 'bounds' });
    expect(late.status).toBe(200);
    const jobs = await h.http('POST', '/v2/jobs/activation', { type: 'bounds-work', timeout: 86_400_000, maxJobsToActivate: 10, requestTimeout: -1 });
    expect(jobs.status).toBe(200);
    expect((await h.http('POST', '/v2/clock/reset', {})).status).toBe(204);
    await searchesAnswer();
    const instance = await h.http('GET', `/v2/process-instances/${late.body.processInstanceKey}`);
    expect(instance.body.startDate).toBe('9999-12-31T23:59:59.999Z');
    const deadlines = (await h.http('POST', '/v2/jobs/search', { filter: { processInstanceKey: late.body.processInstanceKey } })).body.items.map((j: { deadline?: string }) => j.deadline);
    // A deadline past year 9999 is shown at the last instant an RFC 3339 date can name.
    expect(deadlines).toEqual(['9999-12-31T23:59:59.999Z']);
    for (const job of jobs.body.jobs as { jobKey: string }[]) await h.http('POST', `/v2/jobs/${job.jobKey}/completion`, {});
  });

  it('dates an earlier version stored out of range no longer break the searches', async () => {
    const db = h.running.engine!.store.db;
    db.prepare('UPDATE process_instances SET start_date = ? WHERE key = ?').run(HUGE, BigInt(pi));
    db.prepare('UPDATE element_instances SET start_date = ? WHERE process_instance_key = ?').run(HUGE, BigInt(pi));
    db.prepare(`UPDATE jobs SET deadline = ?, state = 'ACTIVATED', activatable = 0 WHERE process_instance_key = ?`).run(-HUGE, BigInt(pi));
    await searchesAnswer();
    expect((await h.http('GET', `/v2/process-instances/${pi}`)).body.startDate).toBe('9999-12-31T23:59:59.999Z');
    const job = (await h.http('POST', '/v2/jobs/search', { filter: { processInstanceKey: pi } })).body.items[0];
    expect(job.deadline).toBe('0000-01-01T00:00:00.000Z');
  });
});

describe('jobs', () => {
  it('an activation timeout of 2^53−1 is a 400, and the job stays activatable', async () => {
    const created = await h.http('POST', '/v2/process-instances', { processDefinitionId: 'bounds' });
    const r = await h.http('POST', '/v2/jobs/activation', { type: 'bounds-work', timeout: HUGE, maxJobsToActivate: 1, requestTimeout: -1 });
    expect(r.status).toBe(400);
    expect(r.body.detail).toMatch(/^timeout: must be at most 86400000 ms \(24 h; extend it with PATCH \/v2\/jobs\/\{jobKey\}\), got 9007199254740991$/);
    const ok = await h.http('POST', '/v2/jobs/activation', { type: 'bounds-work', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1 });
    const job = (ok.body.jobs as { jobKey: string; processInstanceKey: string }[]).find((j) => j.processInstanceKey === created.body.processInstanceKey);
    expect(job).toBeDefined();
    const update = await h.http('PATCH', `/v2/jobs/${job!.jobKey}`, { changeset: { timeout: HUGE } });
    expect(update.status).toBe(400);
    expect(update.body.detail).toMatch(/^changeset\.timeout: must be at most 86400000 ms/);
    const deadline = (await h.http('POST', '/v2/jobs/search', { filter: { jobKey: job!.jobKey } })).body.items[0].deadline;
    expect(Date.parse(deadline) - Date.now()).toBeLessThan(61_000);
    expect((await h.http('POST', `/v2/jobs/${job!.jobKey}/completion`, {})).status).toBe(204);
  });
});

describe('transport', () => {
  const raw = (path: string, method: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> =>
    new Promise((resolve, reject) => {
      const req = request(`${h.url}${path}`, { method, headers: { authorization: ADMIN_AUTH, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('%FF in a path is a 400', async () => {
    const r = await raw('/v2/process-instances/%FF', 'GET');
    expect(r.status).toBe(400);
    expect(r.body.detail).toMatch(/^The request path is not valid percent-encoded UTF-8/);
  });

  it('a body claiming gzip or br that is not is a 400', async () => {
    for (const encoding of ['gzip', 'br']) {
      const r = await raw('/v2/process-instances', 'POST', Buffer.from('{"processDefinitionId":"bounds"}'), { 'content-type': 'application/json', 'content-encoding': encoding });
      expect(r.status, encoding).toBe(400);
      expect(r.body.detail).toMatch(/^Request body does not decompress as its Content-Encoding says/);
    }
  });
});

describe('a data directory whose clock was left pinned out of range (by an earlier version)', () => {
  it('starts, on system time, and its searches answer', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pingpin-bounds-'));
    await (await startHarness({ dataDir })).stop();
    const db = new Database(join(dataDir, 'engine.db'));
    db.prepare(`INSERT OR REPLACE INTO meta (name, value) VALUES ('clock_pinned', ?)`).run(String(HUGE));
    db.close();
    const again = await startHarness({ dataDir, config: { clockControlled: true } });
    try {
      expect(again.running.engine!.clock.isPinned()).toBe(false);
      expect((await again.http('POST', '/v2/process-instances/search', {})).status).toBe(200);
    } finally {
      await again.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
