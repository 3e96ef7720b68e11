/**
 * PINGPIN_AUTH=none (local work on a loopback address): every request works without credentials,
 * is still audited, as ANONYMOUS, and every start warns that authentication is off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type Running } from '../../src/runtime.js';
import { serviceChain } from '../support/bpmn.js';
import { ADMIN_AUTH, TEST_HASH_COST, testConfig } from '../support/harness.js';
import { api } from './helpers.js';

const dataDir = mkdtempSync(join(tmpdir(), 'pingpin-auth-none-'));
let running: Running;
let a: ReturnType<typeof api>;
const logs: { level: number; msg: string; host?: string }[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  running = await start(testConfig(dataDir, { auth: 'none' }), logger, { hashCost: TEST_HASH_COST });
  a = api(running.url);
});
afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('PINGPIN_AUTH=none', () => {
  it('warns at start that authentication is off', () => {
    const warning = logs.find((l) => /authentication is OFF/.test(l.msg));
    expect(warning).toBeDefined();
    expect(warning!.level).toBe(40); // warn
    expect(warning!.host).toBe('127.0.0.1');
  });

  it('serves every request without credentials', async () => {
    expect((await a.call('GET', '/v2/topology')).status).toBe(200);
    const form = new FormData();
    form.append('resources', new Blob([serviceChain('anonymous-process', ['anon-work'])]), 'anonymous-process.bpmn');
    expect((await a.call('POST', '/v2/deployments', { form })).status).toBe(200);
    const created = await a.call('POST', '/v2/process-instances', { body: { processDefinitionId: 'anonymous-process' } });
    expect(created.status).toBe(200);
    const found = await a.call('POST', '/v2/process-instances/search', { body: { filter: { processInstanceKey: created.body.processInstanceKey } } });
    expect(found.body.items).toHaveLength(1);
    const me = await a.call('GET', '/v2/authentication/me');
    expect(me.body).toMatchObject({ username: 'anonymous', canLogout: true });
    // Credentials change nothing: there is no login to check them against.
    expect((await a.call('POST', '/v2/audit-logs/search', { as: 'Basic Zm9vOmJhcg==', body: {} })).status).toBe(200);
    expect((await a.call('GET', '/login')).status).toBe(404);
  });

  it('audits every change as ANONYMOUS', async () => {
    await a.call('POST', '/v2/process-instances', { body: { processDefinitionId: 'anonymous-process' }, as: ADMIN_AUTH });
    const entries = running.audit!.search({ filter: { operationType: 'CREATE' }, sort: [{ field: 'auditLogKey', order: 'asc' }] }).items as {
      actorId: string;
      actorType: string;
      entityType: string;
      status: number;
    }[];
    expect(entries.map((e) => [e.entityType, e.actorId, e.actorType, e.status])).toEqual([
      ['RESOURCE', 'anonymous', 'ANONYMOUS', 200],
      ['PROCESS_INSTANCE', 'anonymous', 'ANONYMOUS', 200],
      ['PROCESS_INSTANCE', 'anonymous', 'ANONYMOUS', 200],
    ]);
    expect(running.audit!.verify()).toMatchObject({ ok: true });
  });
});
