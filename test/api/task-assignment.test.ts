/**
 * Reassignment within the task's parties (任务中心, issue 11): a task with candidates is assigned
 * only to a candidate user or a member of a candidate group — whoever assigns it —; a party without
 * UPDATE_USER_TASK may hand an unassigned task, or their own, to another party; taking a task from
 * someone else still needs UPDATE_USER_TASK.
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
      { id: 'review', kind: 'user', name: '市级审核', ext: `<zeebe:userTask />${assignment}` },
      { id: 'end', kind: 'end' },
    ],
    [
      { id: 'f1', from: 'start', to: 'review' },
      { id: 'f2', from: 'review', to: 'end' },
    ],
  );

let h: Harness;
let a: ReturnType<typeof api>;
let li: User;
let chen: User;
let lin: User;
let xiamen: User;
let solo: User;
let supervisor: User;

beforeAll(async () => {
  h = await startHarness();
  a = api(h.url);
  await h.client.deployResources([
    { name: 'hand-over.bpmn', content: model('hand-over', '<zeebe:assignmentDefinition candidateGroups="city-350100" candidateUsers="ha_solo" />') },
    { name: 'hand-over-users.bpmn', content: model('hand-over-users', '<zeebe:assignmentDefinition candidateUsers="ha_solo, ha_li" />') },
    { name: 'hand-over-none.bpmn', content: model('hand-over-none', '') },
  ]);
  li = await a.createUser('ha_li');
  chen = await a.createUser('ha_chen');
  lin = await a.createUser('ha_lin');
  xiamen = await a.createUser('ha_xiamen');
  solo = await a.createUser('ha_solo');
  supervisor = await a.createUser('ha_supervisor');
  for (const u of [li, chen, lin, xiamen, solo]) await a.assignRole('clerk', u.username);
  await a.createGroup('city-350100', [li.username, chen.username, lin.username]);
  await a.createGroup('city-350200', [xiamen.username]);
  await a.grant('USER', supervisor.username, 'PROCESS_DEFINITION', 'hand-over', ['READ_USER_TASK', 'UPDATE_USER_TASK']);
});
afterAll(async () => {
  await h?.stop();
});

async function newTask(processDefinitionId = 'hand-over'): Promise<string> {
  const pi = (await a.ok('POST', '/v2/process-instances', { processDefinitionId, variables: {} })).processInstanceKey as string;
  return eventually(async () => (await a.ok('POST', '/v2/user-tasks/search', { filter: { processInstanceKey: pi } })).items[0]?.userTaskKey as string | undefined);
}

const assign = (key: string, as: User | string, assignee: string) => a.call('POST', `/v2/user-tasks/${key}/assignment`, { as, body: { assignee } });
const assigneeOf = async (key: string) => (await a.ok('GET', `/v2/user-tasks/${key}`)).assignee as string | undefined;

describe('a party without UPDATE_USER_TASK', () => {
  it('hands an unassigned task to a colleague of the candidate group, and their own task on to another', async () => {
    const key = await newTask();
    expect((await assign(key, li, chen.username)).status).toBe(204);
    expect(await assigneeOf(key)).toBe(chen.username);
    // The new assignee hands it on: to a member, or to the candidate user.
    expect((await assign(key, chen, lin.username)).status).toBe(204);
    expect((await assign(key, lin, solo.username)).status).toBe(204);
    expect(await assigneeOf(key)).toBe(solo.username);
    // Claiming one's own task again changes nothing.
    expect((await assign(key, solo, solo.username)).status).toBe(204);
  });

  it('does not take a task assigned to someone else, for themselves or for another', async () => {
    const key = await newTask();
    expect((await assign(key, li, li.username)).status).toBe(204);
    const forSelf = await assign(key, chen, chen.username);
    expect(forSelf.status).toBe(409);
    expect(forSelf.body.detail).toMatch(/already assigned to 'ha_li'/);
    expectForbidden(await assign(key, chen, lin.username), 'UPDATE_USER_TASK', 'PROCESS_DEFINITION');
    expect(await assigneeOf(key)).toBe(li.username);
  });

  it('cannot hand it to someone outside the candidates: a 400 problem naming the rule in Chinese', async () => {
    const key = await newTask();
    const r = await assign(key, li, xiamen.username);
    expect(r.status, r.text).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body).toMatchObject({ type: 'about:blank', title: 'INVALID_ARGUMENT', status: 400, instance: `/v2/user-tasks/${key}/assignment` });
    expect(r.body.detail).toMatch(/^只能转交给本任务候选组的成员：ha_xiamen 不是/);
    expect(r.body.fields).toEqual([{ name: 'assignee', label: '办理人', message: expect.stringMatching(/^只能转交给本任务候选组的成员（候选人 ha_solo、候选组 city-350100）$/) }]);
    // Nor to an account that does not exist.
    expect((await assign(key, li, 'nobody_here')).status).toBe(400);
    expect(await assigneeOf(key)).toBeUndefined();
  });

  it('of a task with candidate users only, hands it only to another candidate user', async () => {
    const key = await newTask('hand-over-users');
    const r = await assign(key, solo, chen.username);
    expect(r.status).toBe(400);
    expect(r.body.detail).toMatch(/^只能转交给本任务的候选人/);
    expect((await assign(key, solo, li.username)).status).toBe(204);
    expect(await assigneeOf(key)).toBe(li.username);
  });
});

describe('a user with UPDATE_USER_TASK', () => {
  it('takes or gives a task within its candidates, not outside them', async () => {
    const key = await newTask();
    expect((await assign(key, li, li.username)).status).toBe(204);
    expect((await assign(key, supervisor, chen.username)).status).toBe(204);
    expect(await assigneeOf(key)).toBe(chen.username);
    expect((await assign(key, supervisor, xiamen.username)).status).toBe(400);
    expect((await a.admin('POST', `/v2/user-tasks/${key}/assignment`, { assignee: supervisor.username })).status).toBe(400);
    expect(await assigneeOf(key)).toBe(chen.username);
  });

  it('assigns a task without candidates to anyone, as 8.8 does', async () => {
    const key = await newTask('hand-over-none');
    expect((await a.admin('POST', `/v2/user-tasks/${key}/assignment`, { assignee: xiamen.username })).status).toBe(204);
    expect(await assigneeOf(key)).toBe(xiamen.username);
    // Its assignee cannot give it away: without candidates there is no other party.
    expectForbidden(await assign(key, xiamen, li.username), 'UPDATE_USER_TASK');
  });
});
