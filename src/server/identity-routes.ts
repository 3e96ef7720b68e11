/**
 * Identity under /v2, as the Camunda 8.8 Orchestration Cluster serves it: the current user, users,
 * groups, roles, authorizations, plus the audit log search (8.9's shape). Same route machinery and
 * access rules as the engine's table in v2.ts.
 *
 * Nobody changes their own memberships or authorizations: a security administrator cannot make
 * themselves a system administrator (三员分立), they can only give rights to others, on the record.
 */
import express, { type Router } from 'express';
import type { Principal } from '../identity/access.js';
import { PRIVILEGED_RESOURCE_TYPES, type ResourceType } from '../identity/permissions.js';
import type { AuditLog } from '../identity/audit.js';
import {
  authorizationBody,
  createUserBody,
  groupBody,
  roleBody,
  updateNamedBody,
  updateUserBody,
  type Identity,
} from '../identity/identity.js';
import { HttpProblem } from './problem.js';
import { authenticated, mountRoutes, permission, Reply, route, type Route } from './routes.js';

/** 8.8 answers a create with 201 Created and the created entity. */
const created = (body: unknown): Reply => new Reply(201, JSON.stringify(body), 'application/json');

const selfChange = (principal: Principal, what: string): HttpProblem =>
  new HttpProblem(403, 'FORBIDDEN', `Users may not change their own ${what}; ask another administrator (separation of duties)`);

export interface IdentityRouteDeps {
  identity: Identity;
  audit: AuditLog;
}

/** The identity and audit-log route table, without a server: the access tests read it. */
export function identityRoutes(deps: IdentityRouteDeps): Route[] {
  const { identity, audit } = deps;
  const touchesSelf = (principal: Principal, memberType: 'USER' | 'GROUP' | 'ROLE', memberId: string): boolean =>
    (memberType === 'USER' && memberId === principal.username) ||
    (memberType === 'GROUP' && principal.groups.includes(memberId)) ||
    (memberType === 'ROLE' && principal.roles.includes(memberId));

  /** Changes that touch an administrator (admin, security-admin, auditor) or hand out administration: system administrators only. */
  const reserved = (principal: Principal, privileged: boolean, what: string): void => {
    if (privileged && !principal.roles.includes('admin')) {
      throw new HttpProblem(403, 'FORBIDDEN', `Only a system administrator (role admin) may ${what} (separation of duties: 三员分立)`);
    }
  };
  const grantIsPrivileged = (g: { ownerType: 'USER' | 'GROUP' | 'ROLE'; ownerId: string; resourceType: ResourceType }): boolean =>
    identity.isPrivileged(g.ownerType, g.ownerId) || PRIVILEGED_RESOURCE_TYPES.has(g.resourceType);

  const routes: Route[] = [
    route('get', '/authentication/me', { access: authenticated }, ({ principal }) => ({
      username: principal.username,
      displayName: principal.name || principal.username,
      email: principal.email,
      authorizedComponents: ['tasklist', 'operate', 'identity'],
      tenants: [],
      groups: principal.groups,
      roles: principal.roles,
      salesPlanType: null,
      c8Links: [],
      canLogout: principal.kind === 'USER',
      apiUser: principal.kind === 'SERVICE',
    })),

    // Users
    route('post', '/users', { body: createUserBody, access: permission('USER', 'CREATE'), audit: { operationType: 'CREATE', entityType: 'USER' } }, async ({ body, audit }) => {
      audit.entityKey = body.username;
      return created(await identity.createUser(body));
    }),
    route('post', '/users/search', { body: 'json', access: permission('USER', 'READ') }, ({ body }) => identity.searchUsers(body ?? {})),
    route('get', '/users/:username', { access: permission('USER', 'READ', ({ key }) => key) }, ({ key }) => identity.getUser(key)),
    // 8.8's OpenAPI updates a user with PUT; Camunda's web apps (the zod schemas) with PATCH: both.
    ...(['put', 'patch'] as const).map((method) =>
      route(
        method,
        '/users/:username',
        { body: updateUserBody, access: permission('USER', 'UPDATE', ({ key }) => key), audit: { operationType: 'UPDATE', entityType: 'USER' } },
        async ({ key, body, principal, audit }) => {
          audit.entityKey = key;
          audit.details = { fields: Object.keys(body) };
          reserved(principal, identity.isPrivileged('USER', key), `change user '${key}', who holds an administrator role`);
          return identity.updateUser(key, body);
        },
      ),
    ),
    route('delete', '/users/:username', { access: permission('USER', 'DELETE', ({ key }) => key), audit: { operationType: 'DELETE', entityType: 'USER' } }, ({ key, principal, audit }) => {
      audit.entityKey = key;
      if (key === principal.username) throw selfChange(principal, 'account');
      reserved(principal, identity.isPrivileged('USER', key), `delete user '${key}', who holds an administrator role`);
      identity.deleteUser(key);
    }),

    // Groups
    route('post', '/groups', { body: groupBody, access: permission('GROUP', 'CREATE'), audit: { operationType: 'CREATE', entityType: 'GROUP' } }, ({ body, audit }) => {
      audit.entityKey = body.groupId;
      return created(identity.createGroup(body));
    }),
    route('post', '/groups/search', { body: 'json', access: permission('GROUP', 'READ') }, ({ body }) => identity.searchGroups(body ?? {})),
    route('get', '/groups/:groupId', { access: permission('GROUP', 'READ', ({ key }) => key) }, ({ key }) => identity.getGroup(key)),
    route('put', '/groups/:groupId', { body: updateNamedBody, access: permission('GROUP', 'UPDATE', ({ key }) => key), audit: { operationType: 'UPDATE', entityType: 'GROUP' } }, ({ key, body, principal, audit }) => {
      audit.entityKey = key;
      reserved(principal, identity.isPrivileged('GROUP', key), `change group '${key}', which makes its members administrators`);
      return identity.updateGroup(key, body);
    }),
    route('delete', '/groups/:groupId', { access: permission('GROUP', 'DELETE', ({ key }) => key), audit: { operationType: 'DELETE', entityType: 'GROUP' } }, ({ key, principal, audit }) => {
      audit.entityKey = key;
      reserved(principal, identity.isPrivileged('GROUP', key), `delete group '${key}', which makes its members administrators`);
      identity.deleteGroup(key);
    }),
    route(
      'put',
      '/groups/:groupId/users/:username',
      { access: permission('GROUP', 'UPDATE', ({ params }) => params.groupId), audit: { operationType: 'ASSIGN', entityType: 'GROUP' } },
      ({ params, principal, audit }) => {
        Object.assign(audit, { entityKey: params.groupId, details: { username: params.username } });
        if (params.username === principal.username) throw selfChange(principal, 'group memberships');
        reserved(principal, identity.isPrivileged('GROUP', params.groupId!), `change the members of group '${params.groupId}', which makes its members administrators`);
        identity.addUserToGroup(params.groupId!, params.username!);
      },
    ),
    route(
      'delete',
      '/groups/:groupId/users/:username',
      { access: permission('GROUP', 'UPDATE', ({ params }) => params.groupId), audit: { operationType: 'UNASSIGN', entityType: 'GROUP' } },
      ({ params, principal, audit }) => {
        Object.assign(audit, { entityKey: params.groupId, details: { username: params.username } });
        if (params.username === principal.username) throw selfChange(principal, 'group memberships');
        reserved(principal, identity.isPrivileged('GROUP', params.groupId!), `change the members of group '${params.groupId}', which makes its members administrators`);
        identity.removeUserFromGroup(params.groupId!, params.username!);
      },
    ),
    route('post', '/groups/:groupId/roles/search', { body: 'json', access: permission('GROUP', 'READ', ({ params }) => params.groupId) }, ({ params, body }) =>
      identity.searchGroupRoles(params.groupId!, body ?? {}),
    ),
    route('post', '/groups/:groupId/users/search', { body: 'json', access: permission('GROUP', 'READ', ({ params }) => params.groupId) }, ({ params, body }) =>
      identity.searchGroupUsers(params.groupId!, body ?? {}),
    ),

    // Roles
    route('post', '/roles', { body: roleBody, access: permission('ROLE', 'CREATE'), audit: { operationType: 'CREATE', entityType: 'ROLE' } }, ({ body, audit }) => {
      audit.entityKey = body.roleId;
      return created(identity.createRole(body));
    }),
    route('post', '/roles/search', { body: 'json', access: permission('ROLE', 'READ') }, ({ body }) => identity.searchRoles(body ?? {})),
    route('get', '/roles/:roleId', { access: permission('ROLE', 'READ', ({ key }) => key) }, ({ key }) => identity.getRole(key)),
    route('put', '/roles/:roleId', { body: updateNamedBody, access: permission('ROLE', 'UPDATE', ({ key }) => key), audit: { operationType: 'UPDATE', entityType: 'ROLE' } }, ({ key, body, principal, audit }) => {
      audit.entityKey = key;
      reserved(principal, identity.isPrivileged('ROLE', key), `change role '${key}'`);
      return identity.updateRole(key, body);
    }),
    route('delete', '/roles/:roleId', { access: permission('ROLE', 'DELETE', ({ key }) => key), audit: { operationType: 'DELETE', entityType: 'ROLE' } }, ({ key, principal, audit }) => {
      audit.entityKey = key;
      if (principal.roles.includes(key)) throw selfChange(principal, 'roles');
      reserved(principal, identity.isPrivileged('ROLE', key), `delete role '${key}'`);
      identity.deleteRole(key);
    }),
    ...(['users', 'groups'] as const).flatMap((kind) => {
      const memberType = kind === 'users' ? ('USER' as const) : ('GROUP' as const);
      const param = kind === 'users' ? 'username' : 'groupId';
      return [
        route(
          'put',
          `/roles/:roleId/${kind}/:${param}`,
          { access: permission('ROLE', 'UPDATE', ({ params }) => params.roleId), audit: { operationType: 'ASSIGN', entityType: 'ROLE' } },
          ({ params, principal, audit }) => {
            const memberId = params[param]!;
            Object.assign(audit, { entityKey: params.roleId, details: { memberType, memberId } });
            if (touchesSelf(principal, memberType, memberId)) throw selfChange(principal, 'roles');
            reserved(principal, identity.isPrivileged('ROLE', params.roleId!), `give role '${params.roleId}'`);
            identity.assignRole(params.roleId!, memberType, memberId);
          },
        ),
        route(
          'delete',
          `/roles/:roleId/${kind}/:${param}`,
          { access: permission('ROLE', 'UPDATE', ({ params }) => params.roleId), audit: { operationType: 'UNASSIGN', entityType: 'ROLE' } },
          ({ params, principal, audit }) => {
            const memberId = params[param]!;
            Object.assign(audit, { entityKey: params.roleId, details: { memberType, memberId } });
            if (touchesSelf(principal, memberType, memberId)) throw selfChange(principal, 'roles');
            reserved(principal, identity.isPrivileged('ROLE', params.roleId!), `take role '${params.roleId}' away`);
            identity.unassignRole(params.roleId!, memberType, memberId);
          },
        ),
        route('post', `/roles/:roleId/${kind}/search`, { body: 'json', access: permission('ROLE', 'READ', ({ params }) => params.roleId) }, ({ params, body }) =>
          kind === 'users' ? identity.searchRoleUsers(params.roleId!, body ?? {}) : identity.searchRoleGroups(params.roleId!, body ?? {}),
        ),
      ];
    }),

    // Authorizations
    route(
      'post',
      '/authorizations',
      { body: authorizationBody, access: permission('AUTHORIZATION', 'CREATE'), audit: { operationType: 'CREATE', entityType: 'AUTHORIZATION' } },
      ({ body, principal, audit }) => {
        if (touchesSelf(principal, body.ownerType, body.ownerId)) throw selfChange(principal, 'authorizations');
        reserved(principal, grantIsPrivileged(body), `create an authorization for an administrator or on ${body.resourceType}`);
        const authorization = identity.createAuthorization(body);
        Object.assign(audit, { entityKey: authorization.authorizationKey, details: { ...body } });
        return created(authorization);
      },
    ),
    route('post', '/authorizations/search', { body: 'json', access: permission('AUTHORIZATION', 'READ') }, ({ body }) => identity.searchAuthorizations(body ?? {})),
    route('get', '/authorizations/:authorizationKey', { access: permission('AUTHORIZATION', 'READ') }, ({ key }) => identity.getAuthorization(key)),
    route(
      'put',
      '/authorizations/:authorizationKey',
      { body: authorizationBody, access: permission('AUTHORIZATION', 'UPDATE'), audit: { operationType: 'UPDATE', entityType: 'AUTHORIZATION' } },
      ({ key, body, principal, audit }) => {
        const before = identity.getAuthorization(key);
        if (touchesSelf(principal, before.ownerType, before.ownerId) || touchesSelf(principal, body.ownerType, body.ownerId)) throw selfChange(principal, 'authorizations');
        reserved(principal, grantIsPrivileged(before) || grantIsPrivileged(body), `change an authorization of an administrator or on ${before.resourceType}`);
        Object.assign(audit, { entityKey: key, details: { ...body } });
        identity.updateAuthorization(key, body);
      },
    ),
    route(
      'delete',
      '/authorizations/:authorizationKey',
      { access: permission('AUTHORIZATION', 'DELETE'), audit: { operationType: 'DELETE', entityType: 'AUTHORIZATION' } },
      ({ key, principal, audit }) => {
        const before = identity.getAuthorization(key);
        if (touchesSelf(principal, before.ownerType, before.ownerId)) throw selfChange(principal, 'authorizations');
        reserved(principal, grantIsPrivileged(before), `delete an authorization of an administrator or on ${before.resourceType}`);
        Object.assign(audit, { entityKey: key, details: { ...before } });
        identity.deleteAuthorization(key);
      },
    ),

    // The audit log (8.9's endpoint; pingpin has it already): auditor and admin only
    route('post', '/audit-logs/search', { body: 'json', access: permission('AUDIT_LOG', 'READ') }, ({ body }) => audit.search(body ?? {})),
  ];
  return routes;
}

export function createIdentityRouter(deps: IdentityRouteDeps): Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb', strict: false, type: ['application/json', 'application/*+json'] }));
  mountRoutes(router, identityRoutes(deps));
  return router;
}
