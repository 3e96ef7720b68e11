/**
 * The identity API as Camunda 8.8 serves it (users, groups, roles, authorizations, the current
 * user), checked against the 8.8 schemas of @camunda/camunda-api-zod-schemas; 8.8's identifier
 * rules; the built-in roles; and separation of duties (三员分立): a security administrator gives
 * rights to others only.
 */
import {
  authorizationSchema,
  createGroupResponseBodySchema,
  createRoleResponseBodySchema,
  createUserResponseBodySchema,
  currentUserSchema,
  getGroupResponseBodySchema,
  groupSchema,
  problemDetailResponseSchema,
  queryAuthorizationsResponseBodySchema,
  queryGroupsByRoleResponseBodySchema,
  queryGroupsResponseBodySchema,
  queryRolesByGroupResponseBodySchema,
  queryRolesResponseBodySchema,
  queryUsersByGroupResponseBodySchema,
  queryUsersByRoleResponseBodySchema,
  queryUsersResponseBodySchema,
  roleSchema,
  updateGroupResponseBodySchema,
  updateRoleResponseBodySchema,
  userSchema,
} from '@camunda/camunda-api-zod-schemas/8.8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { BUILT_IN_ROLES } from '../../src/identity/permissions.js';
import { WORKER_ACCOUNT } from '../../src/runtime.js';
import { serviceChain } from '../support/bpmn.js';
import { startHarness, TEST_ADMIN, type Harness } from '../support/harness.js';
import { api, expectForbidden, PASSWORD, type Answer, type User } from './helpers.js';

let h: Harness;
let a: ReturnType<typeof api>;
beforeAll(async () => {
  h = await startHarness();
  a = api(h.url);
});
afterAll(async () => {
  await h?.stop();
});

/** Parses with the 8.8 schema, refusing fields 8.8 does not have. */
function strictly<T extends z.ZodObject>(schema: T, value: unknown): z.infer<T> {
  return (schema as unknown as z.ZodObject).strict().parse(value) as z.infer<T>;
}
/** A search answer: the 8.8 response schema, and every item strictly. */
function searchResult<I extends z.ZodObject>(schema: z.ZodType, item: I, r: Answer): z.infer<I>[] {
  expect(r.status, r.text).toBe(200);
  schema.parse(r.body);
  return (r.body.items as unknown[]).map((i) => strictly(item, i));
}
function expectProblem(r: Answer, status: number, title: string, detail: RegExp): void {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  problemDetailResponseSchema.parse(r.body);
  expect(r.body.title).toBe(title);
  expect(r.body.detail).toMatch(detail);
}

describe('GET /v2/authentication/me', () => {
  it('answers the 8.8 current user, with groups and roles', async () => {
    const u = await a.createUser('me_user', { name: '王五' });
    await a.createGroup('city-350100', ['me_user']);
    await a.assignRole('clerk', 'me_user');
    const me = await a.call('GET', '/v2/authentication/me', { as: u });
    expect(me.status).toBe(200);
    expect(strictly(currentUserSchema, me.body)).toMatchObject({
      username: 'me_user',
      displayName: '王五',
      email: 'me_user@example.gov.cn',
      groups: ['city-350100'],
      roles: ['clerk'],
      tenants: [],
      canLogout: true,
      apiUser: false,
    });
    const admin = await a.admin('GET', '/v2/authentication/me');
    expect(admin.body).toMatchObject({ username: TEST_ADMIN.username, roles: ['admin'] });
  });
});

describe('users', () => {
  it('create, get, search, update and delete in 8.8 shapes', async () => {
    const created = await a.admin('POST', '/v2/users', { username: 'zhang.san@hrss', password: PASSWORD, name: '张三', email: 'zhangsan@example.gov.cn' });
    expect(created.status).toBe(201);
    expect(strictly(createUserResponseBodySchema, created.body)).toEqual({ username: 'zhang.san@hrss', name: '张三', email: 'zhangsan@example.gov.cn' });
    // The password never comes back, in no shape.
    expect(created.text).not.toContain(PASSWORD);
    await a.ok('POST', '/v2/users', { username: 'li_si', password: PASSWORD, name: '李四', email: '' });

    const got = await a.admin('GET', '/v2/users/zhang.san@hrss');
    expect(strictly(userSchema, got.body)).toEqual({ username: 'zhang.san@hrss', name: '张三', email: 'zhangsan@example.gov.cn' });

    const all = searchResult(queryUsersResponseBodySchema, userSchema, await a.admin('POST', '/v2/users/search', {}));
    expect(all.map((u) => u.username)).toEqual(expect.arrayContaining([TEST_ADMIN.username, 'zhang.san@hrss', 'li_si', WORKER_ACCOUNT]));
    expect(JSON.stringify(all)).not.toMatch(/scrypt|password/i);
    const filtered = await a.admin('POST', '/v2/users/search', { filter: { name: '李四' } });
    expect(searchResult(queryUsersResponseBodySchema, userSchema, filtered)).toEqual([{ username: 'li_si', name: '李四', email: '' }]);
    const paged = await a.admin('POST', '/v2/users/search', { sort: [{ field: 'username', order: 'desc' }], page: { limit: 2 } });
    expect(paged.body.items).toHaveLength(2);
    expect(paged.body.page.totalItems).toBeGreaterThanOrEqual(4);
    expect(paged.body.items[0].username >= paged.body.items[1].username).toBe(true);

    const updated = await a.admin('PUT', '/v2/users/li_si', { name: '李四（市人社局）', email: 'lisi@example.gov.cn' });
    expect(updated.status).toBe(200);
    expect(strictly(userSchema, updated.body)).toEqual({ username: 'li_si', name: '李四（市人社局）', email: 'lisi@example.gov.cn' });

    expect((await a.admin('DELETE', '/v2/users/li_si')).status).toBe(204);
    expectProblem(await a.admin('GET', '/v2/users/li_si'), 404, 'NOT_FOUND', /User with id 'li_si' not found/);
    expectProblem(await a.admin('DELETE', '/v2/users/li_si'), 404, 'NOT_FOUND', /li_si/);
    expectProblem(
      await a.admin('POST', '/v2/users', { username: 'zhang.san@hrss', password: PASSWORD, name: '', email: '' }),
      409,
      'ALREADY_EXISTS',
      /User with id 'zhang.san@hrss' already exists/,
    );
  });

  it('refuses ids 8.8 would refuse, naming the field', async () => {
    expectProblem(await a.admin('POST', '/v2/users', { username: 'zhang-san', password: PASSWORD, name: '', email: '' }), 400, 'INVALID_ARGUMENT', /^username: 'zhang-san' is not a valid id/);
    expectProblem(await a.admin('POST', '/v2/users', { username: 'city:350100', password: PASSWORD, name: '', email: '' }), 400, 'INVALID_ARGUMENT', /^username: /);
    expectProblem(await a.admin('POST', '/v2/users', { password: PASSWORD, name: '', email: '' }), 400, 'INVALID_ARGUMENT', /username/);
    expectProblem(await a.admin('POST', '/v2/users', { username: 'x_ok', password: PASSWORD, email: 'not an email' }), 400, 'INVALID_ARGUMENT', /email/);
    expectProblem(await a.admin('POST', '/v2/groups', { groupId: 'city:350100', name: '福州' }), 400, 'INVALID_ARGUMENT', /^groupId: 'city:350100' is not a valid id; use only letters, digits, _ @ \. -$/);
    expectProblem(await a.admin('POST', '/v2/groups', { groupId: 'enterprise 913501', name: '企业' }), 400, 'INVALID_ARGUMENT', /^groupId: /);
    expectProblem(await a.admin('POST', '/v2/roles', { roleId: 'role/with/slash', name: 'x' }), 400, 'INVALID_ARGUMENT', /^roleId: /);
    expectProblem(
      await a.admin('POST', '/v2/authorizations', { ownerType: 'GROUP', ownerId: 'city:350100', resourceType: 'PROCESS_DEFINITION', resourceId: '*', permissionTypes: ['READ_USER_TASK'] }),
      400,
      'INVALID_ARGUMENT',
      /^ownerId: /,
    );
    // The valid forms of the same ids (DOMAIN.md §6).
    for (const groupId of ['city-350100x', 'enterprise-91350100M000100Y43-hr', 'province-35', 'operators_x']) {
      expect((await a.admin('POST', '/v2/groups', { groupId, name: groupId })).status, groupId).toBe(201);
    }
  });
});

describe('groups', () => {
  it('create, get, update, search, members, delete in 8.8 shapes', async () => {
    const created = await a.admin('POST', '/v2/groups', { groupId: 'city-350200', name: '厦门市人社局', description: '市级审核' });
    expect(created.status).toBe(201);
    expect(strictly(createGroupResponseBodySchema, created.body)).toEqual({ groupId: 'city-350200', name: '厦门市人社局', description: '市级审核' });
    expect(strictly(getGroupResponseBodySchema, (await a.admin('GET', '/v2/groups/city-350200')).body).name).toBe('厦门市人社局');
    const updated = await a.admin('PUT', '/v2/groups/city-350200', { name: '厦门市人力资源和社会保障局', description: '' });
    expect(updated.status).toBe(200);
    expect(strictly(updateGroupResponseBodySchema, updated.body)).toEqual({ groupId: 'city-350200', name: '厦门市人力资源和社会保障局', description: '' });
    const found = searchResult(queryGroupsResponseBodySchema, groupSchema, await a.admin('POST', '/v2/groups/search', { filter: { groupId: 'city-350200' } }));
    expect(found).toEqual([updated.body]);

    await a.createUser('xm_clerk1');
    await a.createUser('xm_clerk2');
    expect((await a.admin('PUT', '/v2/groups/city-350200/users/xm_clerk1')).status).toBe(204);
    expect((await a.admin('PUT', '/v2/groups/city-350200/users/xm_clerk2')).status).toBe(204);
    expectProblem(await a.admin('PUT', '/v2/groups/city-350200/users/xm_clerk1'), 409, 'ALREADY_EXISTS', /already a member/);
    expectProblem(await a.admin('PUT', '/v2/groups/city-350200/users/no_such_user'), 404, 'NOT_FOUND', /no_such_user/);
    expectProblem(await a.admin('PUT', '/v2/groups/no-such-group/users/xm_clerk1'), 404, 'NOT_FOUND', /no-such-group/);
    const members = await a.admin('POST', '/v2/groups/city-350200/users/search', { sort: [{ field: 'username', order: 'asc' }] });
    expect(members.status).toBe(200);
    queryUsersByGroupResponseBodySchema.parse(members.body);
    expect(members.body.items).toEqual([{ username: 'xm_clerk1' }, { username: 'xm_clerk2' }]);
    expect((await a.call('GET', '/v2/authentication/me', { as: { username: 'xm_clerk1', password: PASSWORD } })).body.groups).toEqual(['city-350200']);

    expect((await a.admin('DELETE', '/v2/groups/city-350200/users/xm_clerk1')).status).toBe(204);
    expectProblem(await a.admin('DELETE', '/v2/groups/city-350200/users/xm_clerk1'), 404, 'NOT_FOUND', /not a member/);
    expect((await a.admin('POST', '/v2/groups/city-350200/users/search', {})).body.items).toEqual([{ username: 'xm_clerk2' }]);

    expect((await a.admin('DELETE', '/v2/groups/city-350200')).status).toBe(204);
    expectProblem(await a.admin('GET', '/v2/groups/city-350200'), 404, 'NOT_FOUND', /Group with id 'city-350200' not found/);
    expect((await a.call('GET', '/v2/authentication/me', { as: { username: 'xm_clerk2', password: PASSWORD } })).body.groups).toEqual([]);
  });
});

describe('roles', () => {
  it('create, get, update, search, users and groups as members, delete in 8.8 shapes', async () => {
    const created = await a.admin('POST', '/v2/roles', { roleId: 'reviewer', name: '复核员', description: '' });
    expect(created.status).toBe(201);
    expect(strictly(createRoleResponseBodySchema, created.body)).toEqual({ roleId: 'reviewer', name: '复核员', description: '' });
    expect(strictly(roleSchema, (await a.admin('GET', '/v2/roles/reviewer')).body).name).toBe('复核员');
    const updated = await a.admin('PUT', '/v2/roles/reviewer', { name: '复核人员', description: '市级复核' });
    expect(strictly(updateRoleResponseBodySchema, updated.body)).toEqual({ roleId: 'reviewer', name: '复核人员', description: '市级复核' });
    const found = searchResult(queryRolesResponseBodySchema, roleSchema, await a.admin('POST', '/v2/roles/search', { filter: { roleId: 'reviewer' } }));
    expect(found).toEqual([updated.body]);

    const direct = await a.createUser('rv_direct');
    const viaGroup = await a.createUser('rv_group');
    await a.createGroup('reviewers', ['rv_group']);
    await a.grant('ROLE', 'reviewer', 'PROCESS_DEFINITION', '*', ['READ_PROCESS_INSTANCE']);
    expect((await a.admin('PUT', '/v2/roles/reviewer/users/rv_direct')).status).toBe(204);
    expect((await a.admin('PUT', '/v2/roles/reviewer/groups/reviewers')).status).toBe(204);
    expectProblem(await a.admin('PUT', '/v2/roles/reviewer/users/rv_direct'), 409, 'ALREADY_EXISTS', /already has role/);
    const users = await a.admin('POST', '/v2/roles/reviewer/users/search', {});
    queryUsersByRoleResponseBodySchema.parse(users.body);
    expect(users.body.items).toEqual([{ username: 'rv_direct' }]);
    const groups = await a.admin('POST', '/v2/roles/reviewer/groups/search', {});
    queryGroupsByRoleResponseBodySchema.parse(groups.body);
    expect(groups.body.items.map((g: { groupId: string }) => g.groupId)).toEqual(['reviewers']);
    const rolesOfGroup = searchResult(queryRolesByGroupResponseBodySchema, roleSchema, await a.admin('POST', '/v2/groups/reviewers/roles/search', {}));
    expect(rolesOfGroup.map((r) => r.roleId)).toEqual(['reviewer']);

    // The role's authorizations reach its users directly and through their groups.
    for (const u of [direct, viaGroup]) {
      expect((await a.call('POST', '/v2/process-instances/search', { as: u, body: {} })).status, u.username).toBe(200);
      expect((await a.call('GET', '/v2/authentication/me', { as: u })).body.roles).toEqual(['reviewer']);
    }
    expect((await a.admin('DELETE', '/v2/roles/reviewer/groups/reviewers')).status).toBe(204);
    expectForbidden(await a.call('POST', '/v2/process-instances/search', { as: viaGroup, body: {} }), 'READ_PROCESS_INSTANCE');
    expect((await a.admin('DELETE', '/v2/roles/reviewer/users/rv_direct')).status).toBe(204);
    expectProblem(await a.admin('DELETE', '/v2/roles/reviewer/users/rv_direct'), 404, 'NOT_FOUND', /does not have role/);
    expect((await a.admin('DELETE', '/v2/roles/reviewer')).status).toBe(204);
    expectProblem(await a.admin('GET', '/v2/roles/reviewer'), 404, 'NOT_FOUND', /Role with id 'reviewer' not found/);
    // Its authorizations went with it.
    expect((await a.admin('POST', '/v2/authorizations/search', { filter: { ownerType: 'ROLE', ownerId: 'reviewer' } })).body.items).toEqual([]);
  });

  it('has the built-in roles admin, security-admin, auditor, operator, clerk and worker with their authorizations', async () => {
    const roles = searchResult(queryRolesResponseBodySchema, roleSchema, await a.admin('POST', '/v2/roles/search', { page: { limit: 100 } }));
    expect(roles.map((r) => r.roleId)).toEqual(expect.arrayContaining(['admin', 'security-admin', 'auditor', 'operator', 'clerk', 'worker']));
    for (const role of BUILT_IN_ROLES) {
      const r = await a.admin('POST', '/v2/authorizations/search', { filter: { ownerType: 'ROLE', ownerId: role.roleId }, page: { limit: 100 } });
      const grants = (r.body.items as { resourceType: string; resourceId: string; permissionTypes: string[] }[]).map((g) => [g.resourceType, g.resourceId, [...g.permissionTypes].sort()]);
      expect(grants.sort(), role.roleId).toEqual(role.grants.map((g) => [g.resourceType, g.resourceId, [...g.permissionTypes].sort()]).sort());
    }
    expect((await a.admin('POST', '/v2/roles/clerk/users/search', {})).status).toBe(200);
    expect((await a.admin('POST', '/v2/roles/worker/users/search', {})).body.items).toEqual([{ username: WORKER_ACCOUNT }]);
  });
});

describe('authorizations', () => {
  it('create, get, search, update and delete in 8.8 shapes', async () => {
    await a.createGroup('province-44');
    const body = { ownerType: 'GROUP', ownerId: 'province-44', resourceType: 'PROCESS_DEFINITION', resourceId: 'appraisal-guangdong', permissionTypes: ['READ_USER_TASK'] };
    const created = await a.admin('POST', '/v2/authorizations', body);
    expect(created.status).toBe(201);
    expect(Object.keys(created.body)).toEqual(['authorizationKey']);
    const key = created.body.authorizationKey as string;
    expect(key).toMatch(/^\d+$/);

    const got = await a.admin('GET', `/v2/authorizations/${key}`);
    expect(strictly(authorizationSchema, got.body)).toEqual({ ...body, authorizationKey: key });
    const found = searchResult(
      queryAuthorizationsResponseBodySchema,
      authorizationSchema,
      await a.admin('POST', '/v2/authorizations/search', { filter: { ownerId: 'province-44', resourceType: 'PROCESS_DEFINITION', resourceId: ['appraisal-guangdong'] } }),
    );
    expect(found).toEqual([got.body]);
    expect((await a.admin('POST', '/v2/authorizations/search', { filter: { ownerId: 'province-44', resourceIds: ['another-process'] } })).body.items).toEqual([]);

    const changed = { ...body, permissionTypes: ['READ_USER_TASK', 'UPDATE_USER_TASK', 'READ_PROCESS_INSTANCE'] };
    expect((await a.admin('PUT', `/v2/authorizations/${key}`, changed)).status).toBe(204);
    expect((await a.admin('GET', `/v2/authorizations/${key}`)).body.permissionTypes).toEqual(changed.permissionTypes);

    expectProblem(await a.admin('POST', '/v2/authorizations', body), 409, 'ALREADY_EXISTS', /already has an authorization/);
    expectProblem(
      await a.admin('POST', '/v2/authorizations', { ...body, resourceId: 'other', permissionTypes: ['READ_USER_TASK', 'ACCESS'] }),
      400,
      'INVALID_ARGUMENT',
      /^permissionTypes: ACCESS is not a permission of PROCESS_DEFINITION/,
    );
    expectProblem(await a.admin('POST', '/v2/authorizations', { ...body, resourceType: 'PROCESS' }), 400, 'INVALID_ARGUMENT', /resourceType/);
    expectProblem(await a.admin('POST', '/v2/authorizations', { ...body, ownerId: 'no-such-group' }), 404, 'NOT_FOUND', /no-such-group/);

    expect((await a.admin('DELETE', `/v2/authorizations/${key}`)).status).toBe(204);
    expectProblem(await a.admin('GET', `/v2/authorizations/${key}`), 404, 'NOT_FOUND', /not found/);
    expectProblem(await a.admin('GET', '/v2/authorizations/12x'), 400, 'INVALID_ARGUMENT', /authorizationKey/);
  });
});

describe('separation of duties (三员分立)', () => {
  let sec: User;
  beforeAll(async () => {
    sec = await a.createUser('sec_admin');
    await a.assignRole('security-admin', 'sec_admin');
    await a.createGroup('security-team', ['sec_admin']);
    await a.createUser('new_clerk');
    await a.createGroup('city-350300');
  });

  it('a security administrator cannot give themselves anything, directly, through their groups or their roles', async () => {
    const refused = (r: Answer) => expectProblem(r, 403, 'FORBIDDEN', /may not change their own .*separation of duties/);
    refused(await a.call('PUT', '/v2/roles/admin/users/sec_admin', { as: sec }));
    refused(await a.call('PUT', '/v2/roles/admin/groups/security-team', { as: sec }));
    refused(await a.call('PUT', '/v2/groups/city-350300/users/sec_admin', { as: sec }));
    refused(await a.call('DELETE', '/v2/groups/security-team/users/sec_admin', { as: sec }));
    for (const [ownerType, ownerId] of [
      ['USER', 'sec_admin'],
      ['ROLE', 'security-admin'],
      ['GROUP', 'security-team'],
    ] as const) {
      refused(await a.call('POST', '/v2/authorizations', { as: sec, body: { ownerType, ownerId, resourceType: 'RESOURCE', resourceId: '*', permissionTypes: ['CREATE'] } }));
    }
    // Nor move someone else's authorization to themselves, or change their roles' ones.
    const others = await a.grant('USER', 'new_clerk', 'PROCESS_DEFINITION', '*', ['READ_USER_TASK']);
    refused(await a.call('PUT', `/v2/authorizations/${others}`, { as: sec, body: { ownerType: 'USER', ownerId: 'sec_admin', resourceType: 'PROCESS_DEFINITION', resourceId: '*', permissionTypes: ['READ_USER_TASK'] } }));
    const own = (await a.admin('POST', '/v2/authorizations/search', { filter: { ownerType: 'ROLE', ownerId: 'security-admin', resourceType: 'USER' } })).body.items[0].authorizationKey;
    refused(await a.call('DELETE', `/v2/authorizations/${own}`, { as: sec }));
    refused(await a.call('DELETE', '/v2/roles/security-admin', { as: sec }));
    expect((await a.call('GET', '/v2/authentication/me', { as: sec })).body).toMatchObject({ roles: ['security-admin'], groups: ['security-team'] });
  });

  it('a security administrator manages the rights of others, and nothing else', async () => {
    expect((await a.call('PUT', '/v2/groups/city-350300/users/new_clerk', { as: sec })).status).toBe(204);
    expect((await a.call('PUT', '/v2/roles/clerk/users/new_clerk', { as: sec })).status).toBe(204);
    const granted = await a.call('POST', '/v2/authorizations', { as: sec, body: { ownerType: 'GROUP', ownerId: 'city-350300', resourceType: 'PROCESS_DEFINITION', resourceId: 'appraisal-fujian', permissionTypes: ['CREATE_PROCESS_INSTANCE'] } });
    expect(granted.status).toBe(201);
    expect((await a.call('POST', '/v2/users', { as: sec, body: { username: 'made_by_sec', password: PASSWORD, name: '', email: '' } })).status).toBe(201);

    const form = new FormData();
    form.append('resources', new Blob([serviceChain('sec-deploy', ['x'])]), 'sec-deploy.bpmn');
    expectForbidden(await a.call('POST', '/v2/deployments', { as: sec, form }), 'CREATE', 'RESOURCE');
    expectForbidden(await a.call('POST', '/v2/process-instances/search', { as: sec, body: {} }), 'READ_PROCESS_INSTANCE');
    expectForbidden(await a.call('POST', '/v2/audit-logs/search', { as: sec, body: {} }), 'READ', 'AUDIT_LOG');
    expectForbidden(await a.call('PUT', '/v2/clock', { as: sec, body: { timestamp: 0 } }), 'UPDATE', 'SYSTEM');
  });

  it('an auditor reads the audit log and nothing else', async () => {
    const auditor = await a.createUser('auditor_zhao');
    await a.assignRole('auditor', 'auditor_zhao');
    const r = await a.call('POST', '/v2/audit-logs/search', { as: auditor, body: { page: { limit: 1 } } });
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    expect((await a.call('GET', '/v2/authentication/me', { as: auditor })).status).toBe(200);
    for (const [method, path, body, permission] of [
      ['POST', '/v2/users/search', {}, 'READ'],
      ['POST', '/v2/authorizations/search', {}, 'READ'],
      ['POST', '/v2/process-instances/search', {}, 'READ_PROCESS_INSTANCE'],
      ['POST', '/v2/process-definitions/search', {}, 'READ_PROCESS_DEFINITION'],
      ['POST', '/v2/variables/search', {}, 'READ_PROCESS_INSTANCE'],
      ['POST', '/v2/process-instances', { processDefinitionId: 'x' }, 'CREATE_PROCESS_INSTANCE'],
      ['POST', '/v2/clock/reset', {}, 'UPDATE'],
      ['PUT', '/v2/users/auditor_zhao', { name: 'x' }, 'UPDATE'],
    ] as const) {
      expectForbidden(await a.call(method, path, { as: auditor, body }), permission);
    }
    // What the auditor can see in the task list: nothing (no groups, no task permission).
    expect((await a.call('POST', '/v2/user-tasks/search', { as: auditor, body: {} })).body.items).toEqual([]);
  });

  it('an operator reads processes and cancels, but neither deploys nor manages users nor reads the audit log', async () => {
    const op = await a.createUser('operator_qian');
    await a.assignRole('operator', 'operator_qian');
    await h.client.deployResources([{ name: 'op-process.bpmn', content: serviceChain('op-process', ['op-work']) }]);
    const pi = (await a.ok('POST', '/v2/process-instances', { processDefinitionId: 'op-process' })).processInstanceKey as string;
    expect((await a.call('POST', '/v2/process-instances/search', { as: op, body: { filter: { processInstanceKey: pi } } })).body.items).toHaveLength(1);
    expectForbidden(await a.call('POST', '/v2/process-instances', { as: op, body: { processDefinitionId: 'op-process' } }), 'CREATE_PROCESS_INSTANCE');
    expectForbidden(await a.call('POST', '/v2/users/search', { as: op, body: {} }), 'READ', 'USER');
    expectForbidden(await a.call('POST', '/v2/audit-logs/search', { as: op, body: {} }), 'READ', 'AUDIT_LOG');
    expect((await a.call('POST', `/v2/process-instances/${pi}/cancellation`, { as: op, body: {} })).status).toBe(204);
  });

  it('keeps an administrator from deleting their own account, and the system from losing its last administrator', async () => {
    expectProblem(await a.admin('DELETE', `/v2/users/${TEST_ADMIN.username}`), 403, 'FORBIDDEN', /own account/);
    expectProblem(await a.admin('DELETE', `/v2/roles/admin/users/${TEST_ADMIN.username}`), 403, 'FORBIDDEN', /own roles/);
    // Two administrators: one may take the other's role away. One left: nobody may.
    const second = await a.createUser('second_admin');
    await a.assignRole('admin', 'second_admin');
    expect((await a.call('DELETE', `/v2/roles/admin/users/${TEST_ADMIN.username}`, { as: second })).status).toBe(204);
    // A security administrator may not touch an administrator at all (三员分立) …
    const reserved = (r: Answer) => expectProblem(r, 403, 'FORBIDDEN', /Only a system administrator \(role admin\)/);
    reserved(await a.call('DELETE', '/v2/roles/admin/users/second_admin', { as: sec }));
    reserved(await a.call('DELETE', '/v2/users/second_admin', { as: sec }));
    reserved(await a.call('PUT', '/v2/users/second_admin', { as: sec, body: { password: 'Taken-Over-1' } }));
    reserved(await a.call('DELETE', '/v2/roles/admin', { as: sec }));
    // … and the last administrator cannot lose the role, even by the engine's own identity calls.
    const identity = h.running.identity!;
    expect(() => identity.unassignRole('admin', 'USER', 'second_admin')).toThrow(/admin/);
    expect(() => identity.deleteUser('second_admin')).toThrow(/admin/);
    expect(() => identity.deleteRole('admin')).toThrow(/admin/);
    expect((await a.call('GET', '/v2/authentication/me', { as: second })).body.roles).toEqual(['admin']);
    expect((await a.call('PUT', `/v2/roles/admin/users/${TEST_ADMIN.username}`, { as: second })).status).toBe(204);
    // Deleting the admin role is refused even while administrators remain: it would take the role from all of them.
    expectProblem(await a.call('DELETE', '/v2/roles/admin', { as: second }), 403, 'FORBIDDEN', /own roles/);
    expect(() => h.running.identity!.deleteRole('admin')).toThrow(/admin/);
    expect((await a.admin('GET', '/v2/authentication/me')).body.roles).toEqual(['admin']);
  });

  it('keeps the last administrator when the group that makes them one changes', async () => {
    // A fresh server: its only administrator holds the role through a group.
    const other = await startHarness();
    try {
      const b = api(other.url);
      const sec2 = await b.createUser('sec_two');
      await b.assignRole('security-admin', 'sec_two');
      const boss = await b.createUser('boss');
      await b.createGroup('admins', ['boss']);
      await b.ok('PUT', '/v2/roles/admin/groups/admins');
      await b.call('DELETE', `/v2/roles/admin/users/${TEST_ADMIN.username}`, { as: boss });
      expect((await b.admin('GET', '/v2/authentication/me')).body.roles).toEqual([]);
      // The group makes its members administrators: only an administrator may change it …
      const reserved = (r: Answer) => expectProblem(r, 403, 'FORBIDDEN', /Only a system administrator \(role admin\)/);
      reserved(await b.call('DELETE', '/v2/groups/admins/users/boss', { as: sec2 }));
      reserved(await b.call('DELETE', '/v2/groups/admins', { as: sec2 }));
      reserved(await b.call('DELETE', '/v2/roles/admin/groups/admins', { as: sec2 }));
      // … and not even the engine's own identity calls leave the system without one.
      const identity = other.running.identity!;
      expect(() => identity.removeUserFromGroup('admins', 'boss')).toThrow(/admin/);
      expect(() => identity.deleteGroup('admins')).toThrow(/admin/);
      expect(() => identity.unassignRole('admin', 'GROUP', 'admins')).toThrow(/admin/);
      expect((await b.call('GET', '/v2/authentication/me', { as: boss })).body.roles).toEqual(['admin']);
    } finally {
      await other.stop();
    }
  });
});
