/**
 * /api/tasklist (任务中心's own API) and GET /v2/process-definitions/{key}/form, against a real
 * server with a pinned engine clock: comments and assignees follow the task's visibility, filters
 * belong to their user, startable processes follow CREATE_PROCESS_INSTANCE, working days follow the
 * official calendar, notifications count what is offered to the user. Errors are Chinese problems.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpmn } from '../support/bpmn.js';
import { eventually, startHarness, type Harness } from '../support/harness.js';
import { api, type Answer, type User } from './helpers.js';

/** Tuesday 2025-06-10 10:00 in Shanghai. */
const NOW = Date.parse('2025-06-10T10:00:00+08:00');

const reviewModel = (processId: string, startForm: boolean) =>
  bpmn(
    processId,
    [
      { id: 'start', kind: 'start', ...(startForm ? { ext: '<zeebe:formDefinition formId="tl-start-form" />' } : {}) },
      {
        id: 'review',
        kind: 'user',
        name: '市级审核',
        ext: '<zeebe:userTask /><zeebe:formDefinition formId="tl-review-form" /><zeebe:assignmentDefinition candidateGroups="=[&quot;city-&quot; + divisionCode]" /><zeebe:taskSchedule dueDate="=dueAt" />',
      },
      { id: 'end', kind: 'end' },
    ],
    [
      { id: 'f1', from: 'start', to: 'review' },
      { id: 'f2', from: 'review', to: 'end' },
    ],
  );
const startForm = JSON.stringify({ id: 'tl-start-form', type: 'default', schemaVersion: 18, components: [{ type: 'textfield', key: 'divisionCode', label: '区划代码' }] });
const reviewForm = JSON.stringify({ id: 'tl-review-form', type: 'default', schemaVersion: 18, components: [{ type: 'textfield', key: 'opinion', label: '审核意见' }] });

let h: Harness;
let a: ReturnType<typeof api>;
let fuzhou: User;
let fuzhou2: User;
let xiamen: User;
let starter: User;
let nobody: User;
const keys: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness({ pinClockAt: NOW });
  a = api(h.url);
  const deployed = await h.client.deployResources([
    { name: 'tl-start-form.form', content: startForm },
    { name: 'tl-review-form.form', content: reviewForm },
    { name: 'tl-review.bpmn', content: reviewModel('tl-review', true) },
    { name: 'tl-plain.bpmn', content: reviewModel('tl-plain', false) },
  ]);
  for (const p of deployed.processes) keys[p.processDefinitionId] = p.processDefinitionKey;
  fuzhou = await a.createUser('tl_fuzhou', { name: '林福州' });
  fuzhou2 = await a.createUser('tl_fuzhou2', { name: '陈福州' });
  xiamen = await a.createUser('tl_xiamen', { name: '黄厦门' });
  starter = await a.createUser('tl_starter', { name: '企业人事' });
  nobody = await a.createUser('tl_nobody');
  for (const u of [fuzhou, fuzhou2, xiamen, starter, nobody]) await a.assignRole('clerk', u.username);
  await a.createGroup('city-350100', [fuzhou.username, fuzhou2.username]);
  await a.createGroup('city-350200', [xiamen.username]);
  await a.grant('USER', starter.username, 'PROCESS_DEFINITION', 'tl-review', ['CREATE_PROCESS_INSTANCE']);
});
afterAll(async () => {
  await h?.stop();
});

async function newTask(divisionCode = '350100', dueAt: string | null = null, processDefinitionId = 'tl-review'): Promise<{ pi: string; key: string }> {
  const pi = (await a.ok('POST', '/v2/process-instances', { processDefinitionId, variables: { divisionCode, dueAt } })).processInstanceKey as string;
  const key = await eventually(async () => (await a.ok('POST', '/v2/user-tasks/search', { filter: { processInstanceKey: pi } })).items[0]?.userTaskKey as string | undefined);
  return { pi, key };
}

/** A Chinese problem: status, application/problem+json, a detail in Chinese. */
function expectZhProblem(r: Answer, status: number, detail?: RegExp): void {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(r.body.detail).toMatch(/[\u4e00-\u9fff]/);
  if (detail) expect(r.body.detail).toMatch(detail);
}

describe('comments on a user task', () => {
  it('are written and read, oldest first, by whoever may see the task, and stay after it completes', async () => {
    const { pi, key } = await newTask();
    const path = `/api/tasklist/user-tasks/${key}/comments`;
    expect((await a.call('GET', path, { as: fuzhou })).body).toEqual({ items: [] });

    const first = await a.call('POST', path, { as: fuzhou, body: { text: '  材料已核对，缺社保证明。 ' } });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ userTaskKey: key, processInstanceKey: pi, author: 'tl_fuzhou', authorName: '林福州', text: '材料已核对，缺社保证明。' });
    expect(first.body.id).toEqual(expect.any(String));
    expect(first.body.createdAt).toBe(new Date(NOW).toISOString());
    expect((await a.call('POST', path, { as: fuzhou2, body: { text: '已电话通知企业补交。' } })).status).toBe(201);

    const listed = await a.call('GET', path, { as: fuzhou2 });
    expect(listed.body.items.map((c: { author: string; text: string }) => [c.author, c.text])).toEqual([
      ['tl_fuzhou', '材料已核对，缺社保证明。'],
      ['tl_fuzhou2', '已电话通知企业补交。'],
    ]);

    // Another city's clerk neither reads nor writes them.
    expectZhProblem(await a.call('GET', path, { as: xiamen }), 403, /无权查看此任务/);
    expectZhProblem(await a.call('POST', path, { as: xiamen, body: { text: '看看' } }), 403);

    // Completed: the history is still there.
    await a.ok('POST', `/v2/user-tasks/${key}/assignment`, { assignee: fuzhou.username });
    expect((await a.call('POST', `/v2/user-tasks/${key}/completion`, { as: fuzhou, body: { variables: { opinion: '同意' } } })).status).toBe(204);
    expect((await a.call('GET', path, { as: fuzhou })).body.items).toHaveLength(2);

    // The audit log names the task and the comment, not its text.
    const audit = await a.ok('POST', '/v2/audit-logs/search', { filter: { userTaskKey: key, operationType: 'CREATE' } }).catch(() => undefined);
    if (audit) expect(JSON.stringify(audit)).not.toContain('社保证明');
  });

  it('are refused in Chinese, naming the field, when empty or too long', async () => {
    const { key } = await newTask();
    const path = `/api/tasklist/user-tasks/${key}/comments`;
    const empty = await a.call('POST', path, { as: fuzhou, body: { text: '   ' } });
    expectZhProblem(empty, 400, /评论内容此项为必填项/);
    expect(empty.body).toMatchObject({ type: 'about:blank', title: 'INVALID_ARGUMENT', status: 400, instance: path });
    expect(empty.body.fields).toEqual([{ name: 'text', label: '评论内容', message: '此项为必填项' }]);
    const long = await a.call('POST', path, { as: fuzhou, body: { text: '评'.repeat(2001) } });
    expectZhProblem(long, 400);
    expect(long.body.fields).toEqual([{ name: 'text', label: '评论内容', message: '不能多于 2000 个字符' }]);
    expect((await a.call('POST', path, { as: fuzhou, body: { text: '评'.repeat(2000) } })).status).toBe(201);
    const extra = await a.call('POST', path, { as: fuzhou, body: { text: '好', author: 'someone' } });
    expectZhProblem(extra, 400);
    expect(extra.body.fields).toEqual([{ name: 'author', message: '不是可接受的字段' }]);
    expectZhProblem(await a.call('POST', path, { as: fuzhou }), 400);
    expectZhProblem(await a.call('GET', '/api/tasklist/user-tasks/999999999/comments', { as: fuzhou }), 404, /未找到用户任务/);
    expectZhProblem(await a.call('GET', '/api/tasklist/user-tasks/abc/comments', { as: fuzhou }), 400);
  });
});

describe('candidate assignees', () => {
  it('are the members of the candidate groups, by username, for whoever may see the task', async () => {
    const { key } = await newTask();
    const r = await a.call('GET', `/api/tasklist/user-tasks/${key}/assignees`, { as: fuzhou });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ items: [{ username: 'tl_fuzhou', name: '林福州' }, { username: 'tl_fuzhou2', name: '陈福州' }] });
    expectZhProblem(await a.call('GET', `/api/tasklist/user-tasks/${key}/assignees`, { as: xiamen }), 403);
  });
});

describe('task summaries', () => {
  const campaign = { id: '2025-fujian-T', year: 2025, jurisdiction: 'fujian', level: 'T', batch: null, deadline: '2025-12-31' };
  const candidates = [
    { applicationId: 'APP-1', name: '林一', idNumberMasked: '3501**********0011', occupation: { code: '6-20-01-01', name: '装配钳工' } },
    { applicationId: 'APP-2', name: '陈二', idNumberMasked: '3501**********0022', occupation: null },
  ];
  const elementInstanceOf = async (key: string) => (await a.ok('POST', '/v2/user-tasks/search', { filter: { userTaskKey: key } })).items[0].elementInstanceKey as string;

  it('tell tasks of one step apart by campaign, enterprise and candidate, the innermost copy winning, for the tasks the caller may see', async () => {
    const one = await newTask();
    const two = await newTask();
    const other = await newTask('350200');
    const plain = await newTask();
    for (const t of [one, two, other]) {
      await a.ok('PUT', `/v2/element-instances/${t.pi}/variables`, { variables: { campaign, enterprise: { name: '福建闽江重工股份有限公司', creditCode: '91350100154388060M' }, applicationId: 'APP-1', candidates } });
    }
    // The second task's own scope names the other candidate: that copy is the one the task sees.
    await a.ok('PUT', `/v2/element-instances/${await elementInstanceOf(two.key)}/variables`, { variables: { applicationId: 'APP-2' }, local: true });
    await a.ok('PUT', `/v2/element-instances/${plain.pi}/variables`, { variables: { campaignId: 'FJ-2025-PLAN' } });

    const r = await a.call('POST', '/api/tasklist/user-tasks/summaries', { as: fuzhou, body: { userTaskKeys: [one.key, two.key, other.key, plain.key, '999999999', one.key] } });
    expect(r.status, r.text).toBe(200);
    const common = { campaignId: '2025-fujian-T', campaignLabel: '2025 年 · 福建省 · 特级技师', enterpriseName: '福建闽江重工股份有限公司' };
    // Another city's task and a key with no task are simply absent; never an ID number.
    expect(r.body).toEqual({
      items: {
        [one.key]: { ...common, applicationId: 'APP-1', candidateName: '林一' },
        [two.key]: { ...common, applicationId: 'APP-2', candidateName: '陈二' },
        [plain.key]: { campaignId: 'FJ-2025-PLAN' },
      },
    });
    expect(r.text).not.toContain('**');
    expect((await a.call('POST', '/api/tasklist/user-tasks/summaries', { as: xiamen, body: { userTaskKeys: [one.key, other.key] } })).body.items).toEqual({
      [other.key]: { ...common, applicationId: 'APP-1', candidateName: '林一' },
    });
    expect((await a.call('POST', '/api/tasklist/user-tasks/summaries', { as: nobody, body: { userTaskKeys: [one.key] } })).body).toEqual({ items: {} });
    expect((await a.call('POST', '/api/tasklist/user-tasks/summaries', { as: fuzhou, body: { userTaskKeys: [] } })).body).toEqual({ items: {} });
    // Xiamen's notifications are counted below from none.
    await a.ok('POST', `/v2/process-instances/${other.pi}/cancellation`, {});
  });

  it('refuse more than 100 keys, a key that is not one, and other fields, in Chinese', async () => {
    const many = await a.call('POST', '/api/tasklist/user-tasks/summaries', { as: fuzhou, body: { userTaskKeys: Array.from({ length: 101 }, (_, i) => String(i + 1)) } });
    expectZhProblem(many, 400, /一次最多 100 个/);
    expect(many.body.fields).toEqual([{ name: 'userTaskKeys', label: '用户任务编号', message: '一次最多 100 个' }]);
    const bad = await a.call('POST', '/api/tasklist/user-tasks/summaries', { as: fuzhou, body: { userTaskKeys: ['12', 'abc'] } });
    expectZhProblem(bad, 400);
    expect(bad.body.fields[0]).toMatchObject({ name: 'userTaskKeys.1', label: '用户任务编号' });
    expectZhProblem(await a.call('POST', '/api/tasklist/user-tasks/summaries', { as: fuzhou, body: {} }), 400, /用户任务编号此项为必填项/);
    expectZhProblem(await a.call('POST', '/api/tasklist/user-tasks/summaries', { as: fuzhou, body: { userTaskKeys: [], extra: 1 } }), 400);
  });
});

describe('names', () => {
  it('name any existing group, and only the people who share a group with the caller (and the caller)', async () => {
    await a.ok('PUT', '/v2/groups/city-350100', { name: '福州市人力资源和社会保障局', description: '' });
    const body = { groups: ['city-350100', 'city-350200', 'no-such-group'], users: ['tl_fuzhou', 'tl_fuzhou2', 'tl_xiamen', 'tl_nobody', 'no_such_user'] };
    const r = await a.call('POST', '/api/tasklist/names', { as: fuzhou, body });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ groups: { 'city-350100': '福州市人力资源和社会保障局', 'city-350200': 'city-350200' }, users: { tl_fuzhou: '林福州', tl_fuzhou2: '陈福州' } });
    expect((await a.call('POST', '/api/tasklist/names', { as: xiamen, body })).body.users).toEqual({ tl_xiamen: '黄厦门' });
    // In no group: only themselves.
    expect((await a.call('POST', '/api/tasklist/names', { as: nobody, body })).body.users).toEqual({ tl_nobody: 'tl_nobody' });
    // Whoever may read every user (USER:READ on *) may read their names here too.
    expect((await a.admin('POST', '/api/tasklist/names', { users: body.users })).body).toEqual({
      groups: {},
      users: { tl_fuzhou: '林福州', tl_fuzhou2: '陈福州', tl_xiamen: '黄厦门', tl_nobody: 'tl_nobody' },
    });
    expect((await a.call('POST', '/api/tasklist/names', { as: fuzhou, body: {} })).body).toEqual({ groups: {}, users: {} });
  });

  it('refuse more than 200 of either, and anything but lists of ids, in Chinese', async () => {
    const many = await a.call('POST', '/api/tasklist/names', { as: fuzhou, body: { users: Array.from({ length: 201 }, (_, i) => `u${i}`) } });
    expectZhProblem(many, 400, /一次最多 200 个/);
    expect(many.body.fields).toEqual([{ name: 'users', label: '用户名', message: '一次最多 200 个' }]);
    expectZhProblem(await a.call('POST', '/api/tasklist/names', { as: fuzhou, body: { groups: 'city-350100' } }), 400);
    expectZhProblem(await a.call('POST', '/api/tasklist/names', { as: fuzhou, body: { groups: [''] } }), 400, /不能为空/);
    expectZhProblem(await a.call('POST', '/api/tasklist/names', { as: fuzhou, body: { roles: [] } }), 400);
  });
});

describe('saved filters', () => {
  it('are kept per user: create, list, update, delete; names unique per user; another user’s is not found', async () => {
    const filter = { state: 'CREATED', candidateGroup: 'city-350100', sort: [{ field: 'dueDate', order: 'ASC' }] };
    const created = await a.call('POST', '/api/tasklist/filters', { as: fuzhou, body: { name: '本市待办', filter } });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: '本市待办', filter, createdAt: new Date(NOW).toISOString(), updatedAt: new Date(NOW).toISOString() });
    const id = created.body.id as string;

    expectZhProblem(await a.call('POST', '/api/tasklist/filters', { as: fuzhou, body: { name: '本市待办', filter: {} } }), 409, /同名/);
    // Another user may use the same name.
    expect((await a.call('POST', '/api/tasklist/filters', { as: fuzhou2, body: { name: '本市待办', filter: {} } })).status).toBe(201);

    expect((await a.call('GET', '/api/tasklist/filters', { as: fuzhou })).body.items.map((f: { id: string }) => f.id)).toEqual([id]);
    const updated = await a.call('PUT', `/api/tasklist/filters/${id}`, { as: fuzhou, body: { name: '本市逾期', filter: { ...filter, overdue: true } } });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({ id, name: '本市逾期', filter: { overdue: true } });

    for (const [method, body] of [['PUT', { name: 'x', filter: {} }], ['DELETE', undefined]] as const) {
      expectZhProblem(await a.call(method, `/api/tasklist/filters/${id}`, { as: xiamen, body }), 404, /未找到该筛选条件/);
    }
    expect((await a.call('DELETE', `/api/tasklist/filters/${id}`, { as: fuzhou })).status).toBe(204);
    expect((await a.call('GET', '/api/tasklist/filters', { as: fuzhou })).body.items).toEqual([]);
    expectZhProblem(await a.call('DELETE', `/api/tasklist/filters/${id}`, { as: fuzhou }), 404);
  });

  it('refuse a bad name or filter in Chinese', async () => {
    const long = await a.call('POST', '/api/tasklist/filters', { as: fuzhou, body: { name: '名'.repeat(41), filter: {} } });
    expectZhProblem(long, 400);
    expect(long.body.fields).toEqual([{ name: 'name', label: '名称', message: '不能多于 40 个字符' }]);
    const big = await a.call('POST', '/api/tasklist/filters', { as: fuzhou, body: { name: '大', filter: { x: 'y'.repeat(4100) } } });
    expectZhProblem(big, 400);
    expect(big.body.fields[0]).toMatchObject({ name: 'filter', label: '筛选条件' });
    const notObject = await a.call('POST', '/api/tasklist/filters', { as: fuzhou, body: { name: '数组', filter: [1] } });
    expectZhProblem(notObject, 400);
    expect(notObject.body.fields[0]).toMatchObject({ name: 'filter', message: '应为 JSON 对象' });
    expectZhProblem(await a.call('POST', '/api/tasklist/filters', { as: fuzhou, body: { filter: {} } }), 400, /名称此项为必填项/);
  });
});

describe('startable processes', () => {
  it('are the latest versions of the processes the user holds CREATE_PROCESS_INSTANCE on', async () => {
    const r = await a.call('GET', '/api/tasklist/startable-processes', { as: starter });
    expect(r.status, r.text).toBe(200);
    expect(r.body.items).toEqual([{ processDefinitionKey: keys['tl-review'], processDefinitionId: 'tl-review', name: 'tl-review', version: 1, hasStartForm: true }]);
    expect((await a.call('GET', '/api/tasklist/startable-processes', { as: nobody })).body).toEqual({ items: [] });
    const all = (await a.call('GET', '/api/tasklist/startable-processes', { as: { username: 'admin', password: 'Harness-Pass-1' } })).body.items as { processDefinitionId: string; hasStartForm: boolean }[];
    expect(all.find((p) => p.processDefinitionId === 'tl-plain')).toMatchObject({ hasStartForm: false });
  });
});

describe('GET /v2/process-definitions/{key}/form', () => {
  it('answers the start form in 8.8 shape, 204 without one, 404 for an unknown definition', async () => {
    const r = await a.call('GET', `/v2/process-definitions/${keys['tl-review']}/form`, { as: 'Basic ' + Buffer.from('admin:Harness-Pass-1').toString('base64') });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ formKey: expect.stringMatching(/^\d+$/), formId: 'tl-start-form', version: 1, tenantId: '<default>', schema: startForm });
    expect((await a.admin('GET', `/v2/process-definitions/${keys['tl-plain']}/form`)).status).toBe(204);
    const unknown = await a.admin('GET', '/v2/process-definitions/2251799813999999/form');
    expect(unknown.status).toBe(404);
    expect(unknown.body.title).toBe('NOT_FOUND');
    expect((await a.ok('GET', `/v2/process-definitions/${keys['tl-review']}`)).hasStartForm).toBe(true);
    expect((await a.ok('GET', `/v2/process-definitions/${keys['tl-plain']}`)).hasStartForm).toBe(false);
    const withForm = await a.ok('POST', '/v2/process-definitions/search', { filter: { hasStartForm: true } });
    expect(withForm.items.map((p: { processDefinitionId: string }) => p.processDefinitionId)).toContain('tl-review');
    expect(withForm.items.map((p: { processDefinitionId: string }) => p.processDefinitionId)).not.toContain('tl-plain');
  });

  it('serves the latest version of the linked form', async () => {
    const v2 = JSON.stringify({ ...JSON.parse(startForm), components: [{ type: 'textfield', key: 'divisionCode', label: '行政区划代码' }] });
    await h.client.deployResources([{ name: 'tl-start-form.form', content: v2 }]);
    const r = await a.admin('GET', `/v2/process-definitions/${keys['tl-review']}/form`);
    expect(r.body).toMatchObject({ formId: 'tl-start-form', version: 2, schema: v2 });
  });
});

describe('working days', () => {
  it('counts working days from today (the engine clock, Asia/Shanghai) with the official calendar', async () => {
    const r = await a.call('GET', '/api/tasklist/working-days?until=2025-06-10,2025-06-11,2025-06-09,2025-06-14,2025-06-16,2025-05-30', { as: nobody });
    expect(r.status, r.text).toBe(200);
    // 2025-05-31 to 06-02 is the Dragon Boat holiday (端午节).
    expect(r.body).toEqual({ today: '2025-06-10', items: { '2025-06-10': 0, '2025-06-11': 1, '2025-06-09': -1, '2025-06-14': 3, '2025-06-16': 4, '2025-05-30': -6 } });
  });

  it('refuses a missing, malformed or excessive date list in Chinese', async () => {
    expectZhProblem(await a.call('GET', '/api/tasklist/working-days', { as: nobody }), 400);
    const bad = await a.call('GET', '/api/tasklist/working-days?until=2025-02-30', { as: nobody });
    expectZhProblem(bad, 400, /日期格式不正确/);
    expect(bad.body.fields[0]).toMatchObject({ name: 'until' });
    const many = Array.from({ length: 201 }, (_, i) => `2025-07-${String((i % 28) + 1).padStart(2, '0')}`).join(',');
    expectZhProblem(await a.call('GET', `/api/tasklist/working-days?until=${many}`, { as: nobody }), 400, /最多查询 200 个日期/);
  });
});

describe('notifications', () => {
  it('count new tasks offered to me since I last looked, and digest my due and overdue tasks', async () => {
    const before = await a.call('GET', '/api/tasklist/notifications', { as: xiamen });
    expect(before.status, before.text).toBe(200);
    expect(before.body).toMatchObject({ seenAt: null, newTasks: 0, digest: { today: '2025-06-10', overdue: [], dueToday: [], dueSoon: [] } });

    const overdue = await newTask('350200', '2025-06-09T18:00:00+08:00');
    const today = await newTask('350200', '2025-06-10T18:00:00+08:00');
    const soon = await newTask('350200', '2025-06-13T18:00:00+08:00');
    await newTask('350200', '2025-06-30T18:00:00+08:00');
    await newTask('350200');
    await newTask('350100', '2025-06-09T18:00:00+08:00'); // another city's

    const r = await a.call('GET', '/api/tasklist/notifications', { as: xiamen });
    expect(r.body.newTasks).toBe(5);
    expect(r.body.digest.overdue).toEqual([
      { userTaskKey: overdue.key, name: '市级审核', processName: 'tl-review', processInstanceKey: overdue.pi, dueDate: '2025-06-09T10:00:00.000Z', workingDaysLeft: -1 },
    ]);
    expect(r.body.digest.dueToday.map((t: { userTaskKey: string }) => t.userTaskKey)).toEqual([today.key]);
    expect(r.body.digest.dueToday[0].workingDaysLeft).toBe(0);
    expect(r.body.digest.dueSoon).toEqual([expect.objectContaining({ userTaskKey: soon.key, workingDaysLeft: 3 })]);

    // Claimed by someone else: no longer offered to me, nor in my digest.
    expect((await a.call('POST', `/api/tasklist/notifications/seen`, { as: xiamen })).status).toBe(204);
    const seen = await a.call('GET', '/api/tasklist/notifications', { as: xiamen });
    expect(seen.body.seenAt).toBe(new Date(NOW).toISOString());
    expect(seen.body.newTasks).toBe(0);
    await a.ok('PUT', '/v2/clock', { timestamp: NOW + 60_000 });
    await newTask('350200');
    expect((await a.call('GET', '/api/tasklist/notifications', { as: xiamen })).body.newTasks).toBe(1);
    expect((await a.call('GET', '/api/tasklist/notifications', { as: fuzhou })).body.digest.overdue.length).toBeGreaterThan(0);
    await a.ok('PUT', '/v2/clock', { timestamp: NOW });
  });
});

describe('the /api/tasklist router', () => {
  it('answers unknown paths and methods with Chinese problems, and nobody without a login', async () => {
    expectZhProblem(await a.call('GET', '/api/tasklist/nothing-here', { as: nobody }), 404);
    const wrongMethod = await a.call('PATCH', '/api/tasklist/filters', { as: nobody, body: {} });
    expectZhProblem(wrongMethod, 405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
    expect((await a.call('GET', '/api/tasklist/filters')).status).toBe(401);
    const notJson = await a.call('POST', '/api/tasklist/filters', { as: nobody, headers: { 'content-type': 'application/json' }, body: undefined });
    expectZhProblem(notJson, 400);
  });
});
