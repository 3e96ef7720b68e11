/**
 * Who may do what: a principal (the authenticated user with everything granted to them directly,
 * through their groups and through their roles and their groups' roles) and the checks the server
 * makes against it. Pure: no I/O, so the rules are tested without a server.
 */
import { WILDCARD, type Grant, type PermissionType, type ResourceType } from './permissions.js';

export interface Principal {
  username: string;
  name: string;
  email: string;
  /** USER: a person; SERVICE: a service account (the app's own job workers). */
  kind: 'USER' | 'SERVICE';
  groups: string[];
  roles: string[];
  grants: Grant[];
  /** Until the password is changed, only changing it, `me` and logging out are allowed. */
  mustChangePassword: boolean;
}

/** Every resource id of the type (`'*'`), or the ids a grant names. */
export type AllowedIds = typeof WILDCARD | ReadonlySet<string>;

export function allowedIds(principal: Principal, resourceType: ResourceType, permission: PermissionType): AllowedIds {
  const ids = new Set<string>();
  for (const g of principal.grants) {
    if (g.resourceType !== resourceType || !g.permissionTypes.includes(permission)) continue;
    if (g.resourceId === WILDCARD) return WILDCARD;
    ids.add(g.resourceId);
  }
  return ids;
}

/** Whether the principal holds the permission on this resource id, or, without an id, on every id. */
export function can(principal: Principal, resourceType: ResourceType, permission: PermissionType, resourceId?: string): boolean {
  const ids = allowedIds(principal, resourceType, permission);
  if (ids === WILDCARD) return true;
  return resourceId !== undefined && ids.has(resourceId);
}

/** Whether the principal holds the permission on at least one id of the type. */
export function canAny(principal: Principal, resourceType: ResourceType, permission: PermissionType): boolean {
  const ids = allowedIds(principal, resourceType, permission);
  return ids === WILDCARD || ids.size > 0;
}

/** The parts of a user task that decide who may see and work on it. */
export interface TaskParties {
  processDefinitionId: string;
  /** For the audit entry; not part of the rule. */
  processInstanceKey?: string;
  assignee?: string | null;
  candidateUsers?: readonly string[] | null;
  candidateGroups?: readonly string[] | null;
}

/**
 * Tasklist's rule, made stricter than 8.8's: without a general user-task permission on the task's
 * process, a user sees and works on a task only as its assignee, a candidate user or a member of a
 * candidate group.
 */
export function isTaskParty(principal: Principal, task: TaskParties): boolean {
  if (task.assignee === principal.username) return true;
  if (task.candidateUsers?.includes(principal.username)) return true;
  return task.candidateGroups?.some((g) => principal.groups.includes(g)) ?? false;
}

export function canReadTask(principal: Principal, task: TaskParties): boolean {
  return can(principal, 'PROCESS_DEFINITION', 'READ_USER_TASK', task.processDefinitionId) || isTaskParty(principal, task);
}

export function canUpdateTask(principal: Principal, task: TaskParties): boolean {
  return can(principal, 'PROCESS_DEFINITION', 'UPDATE_USER_TASK', task.processDefinitionId);
}
