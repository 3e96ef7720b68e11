/**
 * Camunda 8.8's resource-based authorization model: resource types, the permissions each one takes,
 * and the built-in roles pingpin creates at first start. An authorization grants an owner (user,
 * group or role) a set of permissions on one resource id of a type, or on every id (`*`).
 *
 * AUDIT_LOG is not in 8.8 (it arrives with 8.9's audit log); pingpin serves its audit log already
 * and protects it the way 8.9 does.
 */

export const RESOURCE_TYPES = [
  'AUDIT_LOG',
  'AUTHORIZATION',
  'BATCH',
  'COMPONENT',
  'DECISION_DEFINITION',
  'DECISION_REQUIREMENTS_DEFINITION',
  'DOCUMENT',
  'GROUP',
  'MAPPING_RULE',
  'MESSAGE',
  'PROCESS_DEFINITION',
  'RESOURCE',
  'ROLE',
  'SYSTEM',
  'TENANT',
  'USER',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** The permissions 8.8 defines for each resource type (a create/update naming another one is refused). */
export const PERMISSIONS_BY_RESOURCE = {
  AUDIT_LOG: ['READ'],
  AUTHORIZATION: ['CREATE', 'READ', 'UPDATE', 'DELETE'],
  BATCH: [
    'CREATE',
    'CREATE_BATCH_OPERATION_CANCEL_PROCESS_INSTANCE',
    'CREATE_BATCH_OPERATION_DELETE_PROCESS_INSTANCE',
    'CREATE_BATCH_OPERATION_MIGRATE_PROCESS_INSTANCE',
    'CREATE_BATCH_OPERATION_MODIFY_PROCESS_INSTANCE',
    'CREATE_BATCH_OPERATION_RESOLVE_INCIDENT',
    'CREATE_BATCH_OPERATION_DELETE_DECISION_INSTANCE',
    'CREATE_BATCH_OPERATION_DELETE_DECISION_DEFINITION',
    'CREATE_BATCH_OPERATION_DELETE_PROCESS_DEFINITION',
    'READ',
    'UPDATE',
  ],
  COMPONENT: ['ACCESS'],
  DECISION_DEFINITION: ['CREATE_DECISION_INSTANCE', 'READ_DECISION_DEFINITION', 'READ_DECISION_INSTANCE', 'DELETE_DECISION_INSTANCE'],
  DECISION_REQUIREMENTS_DEFINITION: ['READ'],
  DOCUMENT: ['CREATE', 'READ', 'DELETE'],
  GROUP: ['CREATE', 'READ', 'UPDATE', 'DELETE'],
  MAPPING_RULE: ['CREATE', 'READ', 'UPDATE', 'DELETE'],
  MESSAGE: ['CREATE', 'READ'],
  PROCESS_DEFINITION: [
    'CREATE_PROCESS_INSTANCE',
    'READ_PROCESS_DEFINITION',
    'READ_PROCESS_INSTANCE',
    'READ_USER_TASK',
    'UPDATE_PROCESS_INSTANCE',
    'UPDATE_USER_TASK',
    'CANCEL_PROCESS_INSTANCE',
    'MODIFY_PROCESS_INSTANCE',
    'DELETE_PROCESS_INSTANCE',
  ],
  RESOURCE: ['CREATE', 'READ', 'DELETE_DRD', 'DELETE_FORM', 'DELETE_PROCESS', 'DELETE_RESOURCE'],
  ROLE: ['CREATE', 'READ', 'UPDATE', 'DELETE'],
  SYSTEM: ['READ', 'READ_USAGE_METRIC', 'UPDATE'],
  TENANT: ['CREATE', 'READ', 'UPDATE', 'DELETE'],
  USER: ['CREATE', 'READ', 'UPDATE', 'DELETE'],
} as const satisfies Record<ResourceType, readonly string[]>;

export type PermissionType = (typeof PERMISSIONS_BY_RESOURCE)[ResourceType][number];
export const PERMISSION_TYPES = [...new Set(Object.values(PERMISSIONS_BY_RESOURCE).flat())] as PermissionType[];

/** 8.8's owner types; pingpin has users, groups and roles (no OIDC clients or mapping rules). */
export const OWNER_TYPES = ['USER', 'GROUP', 'ROLE'] as const;
export type OwnerType = (typeof OWNER_TYPES)[number];

export const WILDCARD = '*';

export interface Grant {
  resourceType: ResourceType;
  resourceId: string;
  permissionTypes: PermissionType[];
}

const all = (resourceType: ResourceType): Grant => ({
  resourceType,
  resourceId: WILDCARD,
  permissionTypes: [...PERMISSIONS_BY_RESOURCE[resourceType]] as PermissionType[],
});
const some = (resourceType: ResourceType, ...permissionTypes: PermissionType[]): Grant => ({ resourceType, resourceId: WILDCARD, permissionTypes });

export interface BuiltInRole {
  roleId: string;
  name: string;
  description: string;
  grants: Grant[];
}

/**
 * The roles created at first start (docs/security.md says what each may and may not do). `admin`,
 * `security-admin` and `auditor` are the 三员 of 等保2.0: the system administrator runs the system,
 * the security administrator manages who may do what, the auditor reads what everybody did; the
 * security administrator cannot touch processes, and the auditor can change nothing.
 */
export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  {
    roleId: 'admin',
    name: '系统管理员',
    description: 'System administrator: every permission on every resource.',
    grants: RESOURCE_TYPES.map(all),
  },
  {
    roleId: 'security-admin',
    name: '安全管理员',
    description: 'Users, groups, roles and authorizations; nothing else.',
    grants: [all('USER'), all('GROUP'), all('ROLE'), all('AUTHORIZATION')],
  },
  {
    roleId: 'auditor',
    name: '安全审计员',
    description: 'Reads the audit log; nothing else.',
    grants: [some('AUDIT_LOG', 'READ')],
  },
  {
    roleId: 'operator',
    name: '运维人员',
    description: 'Reads every process, instance, task and decision; resolves incidents, updates retries and variables, cancels instances.',
    grants: [
      some(
        'PROCESS_DEFINITION',
        'READ_PROCESS_DEFINITION',
        'READ_PROCESS_INSTANCE',
        'READ_USER_TASK',
        'UPDATE_PROCESS_INSTANCE',
        'CANCEL_PROCESS_INSTANCE',
      ),
      some('DECISION_DEFINITION', 'READ_DECISION_DEFINITION', 'READ_DECISION_INSTANCE'),
      some('DECISION_REQUIREMENTS_DEFINITION', 'READ'),
      some('RESOURCE', 'READ'),
      some('MESSAGE', 'READ'),
      some('SYSTEM', 'READ'),
    ],
  },
  {
    roleId: 'clerk',
    name: '经办人员',
    description: 'Sees, claims and completes the user tasks of their candidate groups (or assigned to them); reads the procedures (process definitions and their diagrams), not their instances.',
    // The procedures are public documents; the Tasklist shows a task in its diagram and filters by procedure.
    grants: [some('PROCESS_DEFINITION', 'READ_PROCESS_DEFINITION')],
  },
  {
    roleId: 'worker',
    name: '作业执行程序',
    description: 'Job workers (service accounts): activate, complete and fail jobs, publish messages, evaluate decisions.',
    grants: [
      some('PROCESS_DEFINITION', 'READ_PROCESS_DEFINITION', 'READ_PROCESS_INSTANCE', 'UPDATE_PROCESS_INSTANCE'),
      some('MESSAGE', 'CREATE'),
      some('DECISION_DEFINITION', 'CREATE_DECISION_INSTANCE', 'READ_DECISION_DEFINITION'),
    ],
  },
];

/**
 * The 三员 roles. Making someone one of them, or changing one of their holders, is reserved to a
 * system administrator: a security administrator manages everybody else, not the people who check on them.
 */
export const PRIVILEGED_ROLES: ReadonlySet<string> = new Set(['admin', 'security-admin', 'auditor']);
/** Grants on these types make their holder an administrator of identity, the audit log or the system. */
export const PRIVILEGED_RESOURCE_TYPES: ReadonlySet<ResourceType> = new Set(['AUTHORIZATION', 'USER', 'GROUP', 'ROLE', 'AUDIT_LOG', 'SYSTEM']);

/** 8.8's identifier rule for group, role and other ids: letters, digits, `_ @ . -`. */
export const ID_PATTERN = /^[A-Za-z0-9_@.-]+$/;
/** Usernames: the same without `-`. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_@.]+$/;
export const MAX_ID_LENGTH = 256;
