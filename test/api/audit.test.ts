/**
 * The access audit log: logins (failed ones too), changes and denied attempts are recorded with
 * who, from where, what, on which keys and the outcome; the auditor searches them with filters and
 * pagination; the chain verifies, and a record changed, removed from the middle or cut from the end
 * in the SQLite file is found by verify().
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpmn } from '../support/bpmn.js';
import { eventually, startHarness, TEST_ADMIN, type Harness } from '../support/harness.js';
import { api, expectForbidden, PASSWORD, type User } from './helpers.js';

interface Entry {
  auditLogKey: string;
  timestamp: string;
  actorId: string;
  actorType: string;
  clientAddress: string;
  operationType: string;
  entityType: string;
  entityKey?: string;
  method: string;
  path: string;
  status: number;
  result: string;
  processInstanceKey?: string;
  processDefinitionId?: string;
  userTaskKey?: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

let h: Harness;
let a: ReturnType<typeof api>;
let auditor: User;
let clerk: User;
let pi: string;
let task: string;

const search = async (body: unknown, as: User = auditor) => {
  const r = await a.call('POST', '/v2/audit-logs/search', { as, body });
  expect(r.status, r.text).toBe(200);
  return r.body as { items: Entry[]; page: { totalItems: number } };
};

beforeAll(async () => {
  h = await startHarness();
  a = api(h.url);
  auditor = await a.createUser('auditor_sun');
  await a.assignRole('auditor', auditor.username);
  clerk = await a.createUser('audit_clerk');
  await a.assignRole('clerk', clerk.username);
  await a.createGroup('city-350100', [clerk.username]);
  await h.client.deployResources([
    {
      name: 'audited.bpmn',
      content: bpmn(
        'audited',
        [
          { id: 'start', kind: 'start' },
          { id: 'review', kind: 'user', ext: '<zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="city-350100" />' },
          { id: 'end', kind: 'end' },
        ],
        [
          { id: 'f1', from: 'start', to: 'review' },
          { id: 'f2', from: 'review', to: 'end' },
        ],
      ),
    },
  ]);

  // The changes to find again: an instance started by the administrator, a task claimed and completed
  // by the clerk, failed logins, a denied request.
  pi = (await a.ok('POST', '/v2/process-instances', { processDefinitionId: 'audited', variables: { phone: '13912345678' } })).processInstanceKey;
  task = await eventually(async () => (await a.ok('POST', '/v2/user-tasks/search', { filter: { processInstanceKey: pi } })).items[0]?.userTaskKey as string | undefined);
  expect((await a.call('POST', `/v2/user-tasks/${task}/assignment`, { as: clerk, body: { assignee: clerk.username } })).status).toBe(204);
  expect((await a.call('POST', `/v2/user-tasks/${task}/completion`, { as: clerk, body: { variables: { opinion: '同意' } } })).status).toBe(204);
  expect((await a.call('POST', '/login', { body: { username: clerk.username, password: 'Wrong-Pass-1' } })).status).toBe(401);
  expect((await a.call('GET', '/v2/topology', { as: { username: 'no_such_user', password: 'Wrong-Pass-2' } })).status).toBe(401);
  expect((await a.call('POST', '/login', { body: clerk })).status).toBe(200);
  expectForbidden(await a.call('POST', '/v2/process-instances', { as: clerk, body: { processDefinitionId: 'audited' } }), 'CREATE_PROCESS_INSTANCE');
  // Entries are written when the answer has gone out: wait for the last one.
  await eventually(async () => (await search({ filter: { actorId: clerk.username, status: 403 } })).items.length === 1);
});
afterAll(async () => {
  await h?.stop();
});

describe('POST /v2/audit-logs/search', () => {
  it('answers who did what, from where, on which keys, with what outcome', async () => {
    const { items } = await search({ filter: { actorId: clerk.username }, sort: [{ field: 'auditLogKey', order: 'asc' }] });
    const brief = items.map((e) => [e.operationType, e.entityType, e.method, e.status, e.result]);
    expect(brief).toEqual([
      ['ASSIGN', 'USER_TASK', 'POST', 204, 'SUCCESS'],
      ['COMPLETE', 'USER_TASK', 'POST', 204, 'SUCCESS'],
      ['LOGIN', 'SESSION', 'POST', 401, 'FAIL'],
      ['LOGIN', 'SESSION', 'POST', 200, 'SUCCESS'],
      ['CREATE', 'PROCESS_INSTANCE', 'POST', 403, 'FAIL'],
    ]);
    const completed = items[1]!;
    expect(completed).toMatchObject({
      actorId: 'audit_clerk',
      actorType: 'USER',
      path: `/v2/user-tasks/${task}/completion`,
      entityKey: task,
      userTaskKey: task,
      processDefinitionId: 'audited',
      details: { variables: ['opinion'] },
    });
    expect(completed.clientAddress).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(Date.parse(completed.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(items[2]).toMatchObject({ actorType: 'ANONYMOUS', path: '/login', details: { method: 'FORM', reason: 'invalid' } });

    const started = (await search({ filter: { actorId: TEST_ADMIN.username, operationType: 'CREATE', entityType: 'PROCESS_INSTANCE' } })).items;
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ status: 200, result: 'SUCCESS', entityKey: pi, processInstanceKey: pi, processDefinitionId: 'audited' });
    // Keys and names only: the variable's value (a phone number) is not in the log.
    expect(JSON.stringify(await search({ page: { limit: 1000 } }))).not.toContain('13912345678');
  });

  it('records failed logins, also of users who do not exist, and never a password', async () => {
    const { items } = await search({ filter: { operationType: 'LOGIN', result: 'FAIL' } });
    expect(items.map((e) => [e.actorId, e.details.method, e.details.reason])).toEqual(
      expect.arrayContaining([
        ['audit_clerk', 'FORM', 'invalid'],
        ['no_such_user', 'BASIC', 'invalid'],
      ]),
    );
    const everything = JSON.stringify(await search({ page: { limit: 1000 } }));
    for (const secret of ['Wrong-Pass-1', 'Wrong-Pass-2', PASSWORD, TEST_ADMIN.password]) expect(everything).not.toContain(secret);
  });

  it('filters with 8.8 operators and pages', async () => {
    const all = await search({ page: { limit: 1000 } });
    expect(all.page.totalItems).toBe(all.items.length);
    const first = await search({ sort: [{ field: 'auditLogKey', order: 'asc' }], page: { limit: 2 } });
    expect(first.items).toHaveLength(2);
    expect(first.page.totalItems).toBe(all.page.totalItems);
    const next = await search({ sort: [{ field: 'auditLogKey', order: 'asc' }], page: { from: 2, limit: 2 } });
    expect(Number(next.items[0]!.auditLogKey)).toBe(Number(first.items[1]!.auditLogKey) + 1);
    const failures = await search({ filter: { actorId: { $in: [clerk.username, 'no_such_user'] }, status: { $gte: 400 } } });
    expect(failures.items.map((e) => e.status).sort()).toEqual([401, 401, 403]);
    const assigns = await search({ filter: { operationType: { $in: ['ASSIGN', 'COMPLETE'] }, userTaskKey: task } });
    expect(assigns.items.map((e) => e.operationType).sort()).toEqual(['ASSIGN', 'COMPLETE']);
    const bad = await a.call('POST', '/v2/audit-logs/search', { as: auditor, body: { filter: { operationType: 'STEAL' } } });
    expect(bad.status).toBe(400);
  });

  it('is refused to a clerk and to anyone without AUDIT_LOG:READ', async () => {
    expectForbidden(await a.call('POST', '/v2/audit-logs/search', { as: clerk, body: {} }), 'READ', 'AUDIT_LOG');
  });
});

describe('the hash chain', () => {
  const file = () => join(h.dataDir, 'identity.db');

  it('verifies, and the database refuses to change or remove an entry', () => {
    const result = h.running.audit!.verify();
    expect(result).toMatchObject({ ok: true });
    expect(result.entries).toBeGreaterThan(5);
    const db = new Database(file());
    try {
      expect(() => db.prepare(`UPDATE audit_log SET actor_id = 'mallory' WHERE seq = 1`).run()).toThrow(/append-only/);
      expect(() => db.prepare(`DELETE FROM audit_log WHERE seq = 1`).run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('names the entry changed, removed or cut from the end behind the triggers', async () => {
    const audit = h.running.audit!;
    const db = new Database(file());
    try {
      db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
      const target = db.prepare(`SELECT seq FROM audit_log WHERE actor_id = 'audit_clerk' AND operation_type = 'COMPLETE'`).get() as { seq: number };

      // Someone else completed the task, says the database.
      db.prepare(`UPDATE audit_log SET actor_id = 'mallory' WHERE seq = ?`).run(target.seq);
      const changed = audit.verify();
      expect(changed).toMatchObject({ ok: false, firstBroken: { seq: target.seq } });
      expect(changed.ok === false && changed.firstBroken.reason).toMatch(/changed after it was written/);
      db.prepare(`UPDATE audit_log SET actor_id = 'audit_clerk' WHERE seq = ?`).run(target.seq);
      expect(audit.verify()).toMatchObject({ ok: true });

      // An entry taken out of the middle.
      const row = db.prepare(`SELECT * FROM audit_log WHERE seq = ?`).get(target.seq) as Record<string, unknown>;
      db.prepare(`DELETE FROM audit_log WHERE seq = ?`).run(target.seq);
      expect(audit.verify()).toMatchObject({ ok: false, firstBroken: { seq: target.seq, reason: `entry ${target.seq} is missing (next is ${target.seq + 1})` } });
      const columns = Object.keys(row);
      db.prepare(`INSERT INTO audit_log (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...columns.map((c) => row[c]));
      const restored = audit.verify();
      expect(restored).toMatchObject({ ok: true });

      // The last entry cut off: the chain alone would still look whole.
      const last = db.prepare(`SELECT MAX(seq) AS seq FROM audit_log`).get() as { seq: number };
      db.prepare(`DELETE FROM audit_log WHERE seq = ?`).run(last.seq);
      const cut = audit.verify();
      expect(cut.ok).toBe(false);
      expect(cut.ok === false && cut.firstBroken.reason).toMatch(new RegExp(`chain ends at entry ${last.seq - 1} but entry ${last.seq} was written: entries were removed from the end`));
    } finally {
      db.close();
    }
  });
});
