/**
 * The demo's people, created through the identity API (`/v2/users`, `/v2/groups`, `/v2/roles`,
 * `/v2/authorizations`) by the administrator, as an HRSS security administrator would set them up:
 * one clerk per candidate group (enterprise HR, panel, 内督小组, city, province), the panel's experts,
 * an operator who watches the instances and moves the demo's clock, and the public channel that
 * brings objections and fraud reports in. Every user task is then done as its clerk, through the
 * same access checks a real clerk meets.
 */
import { groupIds, OPERATORS_GROUP } from '../domain/groups.js';
import { DemoError, Rest, type RestOptions } from './clerk.js';
import { EXPERTS } from './scenarios.js';
import type { SeededCampaign } from './seed.js';

/** Every demo user's password (printed at the end, so the result can be explored in the pages). */
export const DEMO_PASSWORD = 'Demo-Pass-2026';
export const DEMO_OPERATOR = 'demo_operator';
export const PUBLIC_CHANNEL = 'public_channel';

const GROUP_NAMES: Record<string, string> = { hr: '人力资源部门', panel: '评审专家组', oversight: '内部监督小组' };

/** `enterprise-<code>-hr` → `hr_<code>`, `city-440100` → `city_440100`: usernames may not hold `-`. */
export const clerkOf = (groupId: string): string => {
  const m = /^enterprise-(.+)-(hr|panel|oversight)$/.exec(groupId);
  return m ? `${m[2]}_${m[1]}` : groupId.replace(/-/g, '_');
};

export interface Staff {
  /** A REST client that acts as this user. */
  as(username: string): Rest;
  /** The clerk who works on a task of these candidate groups. */
  clerkFor(candidateGroups: readonly string[] | undefined): string | undefined;
  users: string[];
}

const basic = (username: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${username}:${DEMO_PASSWORD}`).toString('base64')}` });

/** One step of setting the demo's people up, as the identity API (8.8) names it. */
export type StaffStep =
  | { kind: 'group'; groupId: string; name: string }
  | { kind: 'user'; username: string; name: string }
  | { kind: 'member'; groupId: string; username: string }
  | { kind: 'role'; roleId: string; username: string }
  | { kind: 'authorization'; ownerId: string; ownerType: 'USER' | 'GROUP'; resourceType: string; resourceId: string; permissionTypes: string[] };

/** Everything the administrator creates for the demo's people, in order (pure: no I/O). */
export function staffPlan(seeded: SeededCampaign[]): { steps: StaffStep[]; groups: Map<string, string>; users: string[] } {
  const groups = new Map<string, string>(); // group id → display name
  const processesOfHr = new Map<string, Set<string>>();
  for (const s of seeded) {
    const g = groupIds(s.enterprise);
    for (const kind of ['hr', 'panel', 'oversight'] as const) groups.set(g[kind], `${s.enterprise.name}${GROUP_NAMES[kind]}`);
    groups.set(g.city, `${g.city.slice(5)} 市级人社部门`);
    groups.set(g.province, `${g.province.slice(9)} 省级人社部门`);
    processesOfHr.set(g.hr, new Set([...(processesOfHr.get(g.hr) ?? []), `appraisal-${s.jurisdiction}`]));
  }
  groups.set(OPERATORS_GROUP, '运维人员');

  const steps: StaffStep[] = [];
  const users: string[] = [];
  for (const [groupId, name] of groups) {
    steps.push({ kind: 'group', groupId, name });
    if (groupId === OPERATORS_GROUP) continue;
    const username = clerkOf(groupId);
    steps.push({ kind: 'user', username, name: `${name}经办人` }, { kind: 'member', groupId, username }, { kind: 'role', roleId: 'clerk', username });
    users.push(username);
  }
  // The panel's experts: assignees of their own scoring tasks, members of every demo panel.
  for (const [username, name] of EXPERTS) {
    steps.push({ kind: 'user', username, name }, { kind: 'role', roleId: 'clerk', username });
    for (const groupId of groups.keys()) if (groupId.endsWith('-panel')) steps.push({ kind: 'member', groupId, username });
    users.push(username);
  }
  // Enterprise HR opens its own campaigns: CREATE_PROCESS_INSTANCE on its jurisdiction's procedure.
  for (const [groupId, processes] of processesOfHr) {
    for (const processId of processes) {
      steps.push({ kind: 'authorization', ownerId: groupId, ownerType: 'GROUP', resourceType: 'PROCESS_DEFINITION', resourceId: processId, permissionTypes: ['CREATE_PROCESS_INSTANCE'] });
    }
  }
  // The operator watches every instance (role operator) and moves the demo's clock (SYSTEM UPDATE).
  steps.push(
    { kind: 'user', username: DEMO_OPERATOR, name: '演示运维人员' },
    { kind: 'role', roleId: 'operator', username: DEMO_OPERATOR },
    { kind: 'member', groupId: OPERATORS_GROUP, username: DEMO_OPERATOR },
    { kind: 'authorization', ownerId: DEMO_OPERATOR, ownerType: 'USER', resourceType: 'SYSTEM', resourceId: '*', permissionTypes: ['UPDATE'] },
  );
  users.push(DEMO_OPERATOR);
  // The public channel (公示异议、举报受理) publishes the two messages the public sends, nothing else.
  steps.push({ kind: 'user', username: PUBLIC_CHANNEL, name: '公众异议与举报受理渠道' });
  for (const message of ['publicity-objection', 'fraud-reported']) {
    steps.push({ kind: 'authorization', ownerId: PUBLIC_CHANNEL, ownerType: 'USER', resourceType: 'MESSAGE', resourceId: message, permissionTypes: ['CREATE'] });
  }
  users.push(PUBLIC_CHANNEL);
  return { steps, groups, users };
}

/** The /v2 call that makes a step (what the administrator would send). */
export function staffRequest(step: StaffStep): { method: string; path: string; body?: unknown } {
  switch (step.kind) {
    case 'group':
      return { method: 'POST', path: '/v2/groups', body: { groupId: step.groupId, name: step.name, description: '' } };
    case 'user':
      // 8.8's CreateUserRequest: a user created through the API keeps the password it was given.
      return { method: 'POST', path: '/v2/users', body: { username: step.username, name: step.name, email: `${step.username}@demo.pingpin.invalid`, password: DEMO_PASSWORD } };
    case 'member':
      return { method: 'PUT', path: `/v2/groups/${step.groupId}/users/${step.username}` };
    case 'role':
      return { method: 'PUT', path: `/v2/roles/${step.roleId}/users/${step.username}` };
    case 'authorization': {
      const { kind: _kind, ...body } = step;
      return { method: 'POST', path: '/v2/authorizations', body };
    }
  }
}

export async function provisionStaff(admin: Rest, seeded: SeededCampaign[], restOptions: Omit<RestOptions, 'headers'>): Promise<Staff> {
  const { steps, groups, users } = staffPlan(seeded);
  for (const step of steps) {
    const { method, path, body } = staffRequest(step);
    const res = await admin.call(method, path, body);
    // 409: already there (a demo run against a data directory that has them is refused earlier, but be idempotent).
    if (res.status >= 300 && res.status !== 409) {
      const detail = typeof res.body === 'object' && res.body ? (res.body.detail ?? res.body.title) : String(res.body);
      throw new DemoError(`创建演示用户失败：${method} ${path} 返回 HTTP ${res.status}：${detail}`, `setting up the demo's users failed: ${method} ${path} answered HTTP ${res.status}: ${detail}`);
    }
  }

  const clients = new Map<string, Rest>();
  return {
    users,
    as(username) {
      let rest = clients.get(username);
      if (!rest) {
        rest = new Rest({ ...restOptions, headers: () => basic(username) });
        clients.set(username, rest);
      }
      return rest;
    },
    clerkFor(candidateGroups) {
      const group = candidateGroups?.find((g) => groups.has(g) && g !== OPERATORS_GROUP);
      if (group) return clerkOf(group);
      return candidateGroups?.includes(OPERATORS_GROUP) ? DEMO_OPERATOR : undefined;
    },
  };
}
