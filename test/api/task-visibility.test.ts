/**
 * Better than Tasklist 8.8, where candidate groups do not limit visibility: without a general
 * user-task permission a clerk sees, claims and completes only the tasks of their groups (or where
 * they are a candidate user or the assignee), and completes only what they have claimed. Enforced
 * by the server in the search and in every task operation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpmn } from '../support/bpmn.js';
import { eventually, startHarness, type Harness } from '../support/harness.js';
import { api, expectForbidden, type User } from './helpers.js';

const model = (processId: string, assignment: string) =>
  bpmn(
    processId,
    [
      { id: 'start', kind: 'start' },
      { id: 'review', kind: 'user', name: '市级审核', ext: `<zeebe:userTask /><zeebe:formDefinition formId="city-form" />${assignment}` },
      { id: 'end', kind: 'end' },
    ],
    [
      { id: 'f1', from: 'start', to: 'review' },
      { id: 'f2', from: 'review', to: 'end' },
    ],
  );
const form = JSON.stringify({ id: 'city-form', type: 'default', schemaVersion: 18, components: [{ type: 'textfield', key: 'opinion', label: '审核意见' }] });

let h: Harness;
let a: ReturnType<typeof api>;
let fuzhou: User; // clerk of city-350100
let fuzhou2: User; // another clerk of city-350100
let xiamen: User; // clerk of city-350200
let solo: User; // a candidate user, in no group
let reader: User; // READ_USER_TASK on city-review, in no group
let operator: User; // the built-in operator role

beforeAll(async () => {
  h = await startHarness();
  a = api(h.url);
  await h.client.deployResources([
    { name: 'city-form.form', content: form },
    { name: 'city-review.bpmn', content: model('city-review', '<zeebe:assignmentDefinition candidateGroups="=[&quot;city-&quot; + divisionCode]" />') },
    { name: 'solo-review.bpmn', content: model('solo-review', '<zeebe:assignmentDefinition candidateUsers="clerk_solo" />') },
  ]);
  fuzhou = await a.createUser('clerk_fuzhou');
  fuzhou2 = await a.createUser('clerk_fuzhou2');
  xiamen = await a.createUser('clerk_xiamen');
  solo = await a.createUser('clerk_solo');
  reader = await a.createUser('task_reader');
  operator = await a.createUser('ops_wang');
  for (const u of [fuzhou, fuzhou2, xiamen, solo]) await a.assignRole('clerk', u.username);
  await a.assignRole('operator', operator.username);
  await a.createGroup('city-350100', [fuzhou.username, fuzhou2.username]);
  await a.createGroup('city-350200', [xiamen.username]);
  await a.grant('USER', reader.username, 'PROCESS_DEFINITION', 'city-review', ['READ_USER_TASK']);
});
afterAll(async () => {
  await h?.stop();
});

async function newTask(processDefinitionId = 'city-review', divisionCode = '350100'): Promise<{ pi: string; key: string }> {
  const pi = (await a.ok('POST', '/v2/process-instances', { processDefinitionId, variables: { divisionCode, phone: '13800000000' } })).processInstanceKey as string;
  const key = await eventually(async () => (await a.ok('POST', '/v2/user-tasks/search', { filter: { processInstanceKey: pi } })).items[0]?.userTaskKey as string | undefined);
  return { pi, key };
}

const search = async (as: User, filter: Record<string, unknown> = {}) => {
  const r = await a.call('POST', '/v2/user-tasks/search', { as, body: { filter, page: { limit: 100 } } });
  expect(r.status, r.text).toBe(200);
  return (r.body.items as { userTaskKey: string }[]).map((t) => t.userTaskKey);
};
const state = async (key: string) => (await a.ok('GET', `/v2/user-tasks/${key}`)).state as string;

describe('a task of city-350100', () => {
  it('is invisible and untouchable for the clerk of city-350200', async () => {
    const { pi, key } = await newTask();
    expect(await search(xiamen)).not.toContain(key);
    expect(await search(xiamen, { processInstanceKey: pi })).toEqual([]);
    // Naming the group in the filter does not widen what the clerk may see.
    expect(await search(xiamen, { candidateGroup: 'city-350100' })).toEqual([]);

    for (const [method, path, body] of [
      ['GET', `/v2/user-tasks/${key}`, undefined],
      ['GET', `/v2/user-tasks/${key}/form`, undefined],
      ['POST', `/v2/user-tasks/${key}/variables/search`, {}],
      ['POST', `/v2/user-tasks/${key}/assignment`, { assignee: xiamen.username }],
      ['POST', `/v2/user-tasks/${key}/completion`, { variables: { opinion: '同意' } }],
      ['DELETE', `/v2/user-tasks/${key}/assignee`, undefined],
    ] as const) {
      expectForbidden(await a.call(method, path, { as: xiamen, body }), 'READ_USER_TASK', 'PROCESS_DEFINITION');
    }
    expect(await state(key)).toBe('CREATED');
    expect((await a.ok('GET', `/v2/user-tasks/${key}`)).assignee).toBeUndefined();
  });

  it('is seen, claimed and completed by a clerk of city-350100, who cannot give it away or complete it unclaimed', async () => {
    const { pi, key } = await newTask();
    expect(await search(fuzhou)).toContain(key);
    expect(await search(fuzhou, { processInstanceKey: pi })).toEqual([key]);
    expect(await search(fuzhou, { candidateGroup: 'city-350100', state: 'CREATED' })).toContain(key);
    expect((await a.call('GET', `/v2/user-tasks/${key}`, { as: fuzhou })).body).toMatchObject({ userTaskKey: key, candidateGroups: ['city-350100'] });
    expect((await a.call('GET', `/v2/user-tasks/${key}/form`, { as: fuzhou })).body.formId).toBe('city-form');
    const vars = await a.call('POST', `/v2/user-tasks/${key}/variables/search`, { as: fuzhou, body: {} });
    expect(vars.status).toBe(200);
    expect(vars.body.items.map((v: { name: string }) => v.name)).toContain('divisionCode');

    // Handing it to someone outside its candidate group is refused (to a colleague: test/api/task-assignment.test.ts).
    const outside = await a.call('POST', `/v2/user-tasks/${key}/assignment`, { as: fuzhou, body: { assignee: xiamen.username } });
    expect(outside.status, outside.text).toBe(400);
    expect(outside.body.detail).toMatch(/只能转交给本任务候选组的成员/);
    // Completing needs the task claimed first.
    const early = await a.call('POST', `/v2/user-tasks/${key}/completion`, { as: fuzhou, body: { variables: { opinion: '同意' } } });
    expect(early.status).toBe(403);
    expect(early.body.title).toBe('FORBIDDEN');
    expect(early.body.detail).toMatch(/not assigned; claim it/);
    expect(await state(key)).toBe('CREATED');

    expect((await a.call('POST', `/v2/user-tasks/${key}/assignment`, { as: fuzhou, body: { assignee: fuzhou.username } })).status).toBe(204);
    expect((await a.ok('GET', `/v2/user-tasks/${key}`)).assignee).toBe(fuzhou.username);

    // The colleague in the same group can neither take it over nor complete it.
    const takeover = await a.call('POST', `/v2/user-tasks/${key}/assignment`, { as: fuzhou2, body: { assignee: fuzhou2.username } });
    expect(takeover.status).toBe(409);
    expect(takeover.body.detail).toMatch(/already assigned to 'clerk_fuzhou'/);
    const theirs = await a.call('POST', `/v2/user-tasks/${key}/completion`, { as: fuzhou2, body: {} });
    expect(theirs.status).toBe(403);
    expect(theirs.body.detail).toMatch(/only the assignee may complete it/);
    expect((await a.call('DELETE', `/v2/user-tasks/${key}/assignee`, { as: fuzhou2 })).status).toBe(403);

    expect((await a.call('POST', `/v2/user-tasks/${key}/completion`, { as: fuzhou, body: { variables: { opinion: '同意' } } })).status).toBe(204);
    expect(await state(key)).toBe('COMPLETED');
    expect((await a.ok('GET', `/v2/process-instances/${pi}`)).state).toBe('COMPLETED');
  });

  it('can be handed back by its assignee', async () => {
    const { key } = await newTask();
    expect((await a.call('POST', `/v2/user-tasks/${key}/assignment`, { as: fuzhou, body: { assignee: fuzhou.username } })).status).toBe(204);
    expect((await a.call('DELETE', `/v2/user-tasks/${key}/assignee`, { as: fuzhou })).status).toBe(204);
    expect((await a.ok('GET', `/v2/user-tasks/${key}`)).assignee).toBeUndefined();
  });

  it('is seen by a user with READ_USER_TASK on the process without being a candidate, who may not claim or complete it', async () => {
    const { pi, key } = await newTask();
    const other = await newTask('solo-review');
    const seen = await search(reader);
    expect(seen).toContain(key);
    // The grant names city-review only.
    expect(seen).not.toContain(other.key);
    expect(await search(reader, { processInstanceKey: pi })).toEqual([key]);
    expect((await a.call('GET', `/v2/user-tasks/${key}`, { as: reader })).status).toBe(200);
    expectForbidden(await a.call('GET', `/v2/user-tasks/${other.key}`, { as: reader }), 'READ_USER_TASK');

    // Reading is not working on it: claiming is for the task's parties or UPDATE_USER_TASK.
    expectForbidden(await a.call('POST', `/v2/user-tasks/${key}/assignment`, { as: reader, body: { assignee: reader.username } }), 'UPDATE_USER_TASK');
    expectForbidden(await a.call('POST', `/v2/user-tasks/${key}/assignment`, { as: operator, body: { assignee: operator.username } }), 'UPDATE_USER_TASK');
    expect((await a.call('POST', `/v2/user-tasks/${key}/completion`, { as: reader, body: {} })).status).toBe(403);
    expect(await state(key)).toBe('CREATED');
    // The operator reads every task (built-in role), the clerk of the other city still none.
    expect(await search(operator, { processInstanceKey: pi })).toEqual([key]);
  });

  it('is worked on by a user with UPDATE_USER_TASK on the process: assign to anyone, complete', async () => {
    const supervisor = await a.createUser('supervisor_li');
    await a.grant('USER', supervisor.username, 'PROCESS_DEFINITION', 'city-review', ['READ_USER_TASK', 'UPDATE_USER_TASK']);
    const { key } = await newTask();
    expect((await a.call('POST', `/v2/user-tasks/${key}/assignment`, { as: supervisor, body: { assignee: fuzhou2.username } })).status).toBe(204);
    expect(await search(fuzhou2)).toContain(key);
    expect((await a.call('POST', `/v2/user-tasks/${key}/completion`, { as: supervisor, body: {} })).status).toBe(204);
    expect(await state(key)).toBe('COMPLETED');
  });
});

describe('a task with a candidate user', () => {
  it('is seen, claimed and completed by that user and by nobody else without a permission', async () => {
    const { pi, key } = await newTask('solo-review');
    for (const other of [fuzhou, xiamen, reader]) {
      expect(await search(other, { processInstanceKey: pi })).toEqual([]);
      expectForbidden(await a.call('GET', `/v2/user-tasks/${key}`, { as: other }), 'READ_USER_TASK');
    }
    expect(await search(solo, { processInstanceKey: pi })).toEqual([key]);
    expect(await search(solo, { candidateUser: solo.username })).toContain(key);
    expect((await a.call('POST', `/v2/user-tasks/${key}/completion`, { as: solo, body: {} })).status).toBe(403);
    expect((await a.call('POST', `/v2/user-tasks/${key}/assignment`, { as: solo, body: { assignee: solo.username } })).status).toBe(204);
    expect((await a.call('POST', `/v2/user-tasks/${key}/completion`, { as: solo, body: { variables: { opinion: '属实' } } })).status).toBe(204);
    expect(await state(key)).toBe('COMPLETED');
  });

  it('is not assigned outside its candidates, not even by an administrator', async () => {
    const { pi, key } = await newTask('solo-review');
    const r = await a.admin('POST', `/v2/user-tasks/${key}/assignment`, { assignee: xiamen.username });
    expect(r.status, r.text).toBe(400);
    expect(r.body).toMatchObject({ title: 'INVALID_ARGUMENT', fields: [{ name: 'assignee', label: '办理人' }] });
    expect(r.body.detail).toMatch(/只能转交给本任务的候选人/);
    expect(await search(xiamen, { processInstanceKey: pi })).toEqual([]);
  });
});
