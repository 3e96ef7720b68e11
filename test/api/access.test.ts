/**
 * Access control, table-driven over every route the server answers: the /v2 engine table (v2.ts),
 * the identity table (identity-routes.ts), the Tasklist's table (tasklist-routes.ts, /api/tasklist),
 * the session endpoints and GET /health. For each route:
 * nobody (no credentials) gets 401 with a Basic challenge; a user without grants gets a 403
 * problem naming the missing permission (or, on routes open to every user, their documented
 * answer); and a user holding exactly the needed authorization, created through
 * POST /v2/authorizations, succeeds. A route added to a table without a row here fails the
 * coverage test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionRoutes } from '../../src/server/auth.js';
import { identityRoutes } from '../../src/server/identity-routes.js';
import { tasklistRoutes } from '../../src/server/tasklist-routes.js';
import { v2Routes } from '../../src/server/v2.js';
import { bpmn, chain, job, message } from '../support/bpmn.js';
import { eventually, startHarness, type Harness } from '../support/harness.js';
import { api, expectForbidden, expectUnauthorized, sessionCookieOf, type Answer, type User } from './helpers.js';

type Grant = readonly [resourceType: string, resourceId: string, permissions: readonly string[]];

interface Req {
  path: string;
  body?: unknown;
  /** A multipart body (made anew for every request). */
  form?: () => FormData;
  /** Keys the prepare step made, for `check`. */
  keys?: Record<string, string>;
}

interface Row {
  /** `METHOD /path` exactly as the route table declares it. */
  route: string;
  /** Creates what the request acts on (as the administrator) and returns the concrete request. */
  prepare: () => Promise<Req>;
  /** Who succeeds: a user with exactly these grants, the candidate clerk of the task, or any logged-in user. */
  right: readonly Grant[] | 'candidate' | 'any';
  ok: number;
  /** [resourceType, permission] the clerk without grants is refused for (routes not open to any user). */
  denied?: readonly [string, string];
  /** Not enough: other grants (another process, half of what is needed) or the candidate clerk → 403 naming the permission. */
  notEnough?: readonly { as: readonly Grant[] | 'candidate'; permission: string }[];
  /** The documented answer to a clerk without grants on a route open to every user (other than `ok`). */
  clerk?: (r: Answer, req: Req) => void;
  check?: (r: Answer, req: Req) => void;
}

const PD = 'PROCESS_DEFINITION';
const onTask = (...p: string[]): Grant => [PD, 'access-task', p];
const onJob = (...p: string[]): Grant => [PD, 'access-job', p];
const all = (resourceType: string, ...p: string[]): Grant => [resourceType, '*', p];

const taskModel = bpmn(
  'access-task',
  [
    { id: 'start', kind: 'start' },
    {
      id: 'review',
      kind: 'user',
      name: '审核',
      ext: '<zeebe:userTask /><zeebe:formDefinition formId="access-form" /><zeebe:assignmentDefinition candidateGroups="access-clerks" />',
    },
    { id: 'end', kind: 'end' },
  ],
  [
    { id: 'f1', from: 'start', to: 'review' },
    { id: 'f2', from: 'review', to: 'end' },
  ],
);
const form = JSON.stringify({ id: 'access-form', type: 'default', schemaVersion: 18, components: [{ type: 'textfield', key: 'note', label: '备注' }] });
const jobModel = (() => {
  const { elements, flows } = chain({ id: 'start', kind: 'start' }, { id: 'work', kind: 'service', ext: job('access-work') }, { id: 'end', kind: 'end' });
  return bpmn('access-job', elements, flows);
})();
const messageModel = (() => {
  const { elements, flows } = chain(
    { id: 'start', kind: 'start' },
    { id: 'wait', kind: 'catch', body: '<bpmn:messageEventDefinition messageRef="msg" />' },
    { id: 'end', kind: 'end' },
  );
  return bpmn('access-msg', elements, flows, message('msg', 'access-corr', '=key'));
})();
const dmn = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'dmn', 'literal-expressions.dmn'), 'utf8');

let h: Harness;
let a: ReturnType<typeof api>;
/** A clerk with the clerk role and no group: no grants at all. */
let nobody: User;
/** A clerk in the task's candidate group access-clerks. */
let candidate: User;
const definitionKeys: Record<string, string> = {};

const usersByGrants = new Map<string, Promise<User>>();
/** A user holding exactly these authorizations (created once per set, through /v2/authorizations). */
function userWith(grants: readonly Grant[]): Promise<User> {
  const id = JSON.stringify(grants);
  let user = usersByGrants.get(id);
  if (!user) {
    const username = `granted_${usersByGrants.size + 1}`;
    user = (async () => {
      const u = await a.createUser(username);
      for (const [resourceType, resourceId, permissions] of grants) await a.grant('USER', username, resourceType, resourceId, [...permissions]);
      return u;
    })();
    usersByGrants.set(id, user);
  }
  return user;
}

const asUser = (who: readonly Grant[] | 'candidate'): Promise<User> => (who === 'candidate' ? Promise.resolve(candidate) : userWith(who));

function send(req: Req, method: string, as?: User): Promise<Answer> {
  return a.call(method, req.path, { as, ...(req.form ? { form: req.form() } : req.body !== undefined ? { body: req.body } : {}) });
}

// ---------------------------------------------------------------------------------------------
// Fixtures: each row's prepare makes its own instance, task, job or identity entity.

let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}`;

async function startInstance(processDefinitionId: string, variables: Record<string, unknown> = {}): Promise<string> {
  const r = await a.ok('POST', '/v2/process-instances', { processDefinitionId, variables });
  return r.processInstanceKey as string;
}

async function startTask(variables: Record<string, unknown> = {}): Promise<{ pi: string; task: string }> {
  const pi = await startInstance('access-task', variables);
  const task = await eventually(async () => {
    const r = await a.ok('POST', '/v2/user-tasks/search', { filter: { processInstanceKey: pi } });
    return r.items[0]?.userTaskKey as string | undefined;
  });
  return { pi, task };
}

async function assignedTask(): Promise<{ pi: string; task: string }> {
  const t = await startTask();
  await a.ok('POST', `/v2/user-tasks/${t.task}/assignment`, { assignee: candidate.username });
  return t;
}

async function activatedJob(): Promise<{ pi: string; job: string }> {
  const pi = await startInstance('access-job');
  const r = await a.ok('POST', '/v2/jobs/activation', { type: 'access-work', worker: 'admin', timeout: 600_000, maxJobsToActivate: 100, requestTimeout: -1 });
  const found = (r.jobs as { jobKey: string; processInstanceKey: string }[]).find((j) => j.processInstanceKey === pi);
  expect(found, 'the job of the new instance is activated').toBeDefined();
  return { pi, job: found!.jobKey };
}

async function incident(): Promise<{ pi: string; incident: string; job: string }> {
  const { pi, job: jobKey } = await activatedJob();
  await a.ok('POST', `/v2/jobs/${jobKey}/failure`, { retries: 0, errorMessage: 'failed for the access test' });
  const key = await eventually(async () => (await a.ok('POST', '/v2/incidents/search', { filter: { processInstanceKey: pi } })).items[0]?.incidentKey as string | undefined);
  return { pi, incident: key, job: jobKey };
}

const named = async (kind: 'users' | 'groups' | 'roles', id: string, members: { users?: string[]; groups?: string[] } = {}) => {
  if (kind === 'users') await a.createUser(id);
  else await a.ok('POST', `/v2/${kind}`, { [kind === 'groups' ? 'groupId' : 'roleId']: id, name: id, description: '' });
  for (const u of members.users ?? []) {
    await a.createUser(u);
    await a.ok('PUT', `/v2/${kind}/${id}/users/${u}`);
  }
  for (const g of members.groups ?? []) {
    await named('groups', g);
    await a.ok('PUT', `/v2/${kind}/${id}/groups/${g}`);
  }
};

const itemsOf = (r: Answer) => r.body.items as Record<string, unknown>[];

// ---------------------------------------------------------------------------------------------
// The table

const rows: Row[] = [
  // Cluster
  { route: 'GET /v2/topology', right: 'any', ok: 200, prepare: async () => ({ path: '/v2/topology' }), check: (r) => expect(r.body.clusterSize).toBe(1) },
  { route: 'GET /v2/status', right: 'any', ok: 204, prepare: async () => ({ path: '/v2/status' }) },

  // Deployments
  {
    route: 'POST /v2/deployments',
    right: [all('RESOURCE', 'CREATE')],
    denied: ['RESOURCE', 'CREATE'],
    ok: 200,
    prepare: async () => ({
      path: '/v2/deployments',
      form: () => {
        const fd = new FormData();
        fd.append('resources', new Blob([jobModel], { type: 'application/octet-stream' }), 'access-job.bpmn');
        return fd;
      },
    }),
    check: (r) => expect(r.body.deployments).toHaveLength(1),
  },

  // Process definitions
  {
    route: 'POST /v2/process-definitions/search',
    right: [onTask('READ_PROCESS_DEFINITION')],
    denied: [PD, 'READ_PROCESS_DEFINITION'],
    ok: 200,
    prepare: async () => ({ path: '/v2/process-definitions/search', body: {} }),
    // A grant on one process shows that process only.
    check: (r) => expect(itemsOf(r).map((i) => i.processDefinitionId)).toEqual(['access-task']),
  },
  {
    route: 'GET /v2/process-definitions/:processDefinitionKey',
    right: [onTask('READ_PROCESS_DEFINITION')],
    denied: [PD, 'READ_PROCESS_DEFINITION'],
    notEnough: [{ as: [onJob('READ_PROCESS_DEFINITION')], permission: 'READ_PROCESS_DEFINITION' }],
    ok: 200,
    prepare: async () => ({ path: `/v2/process-definitions/${definitionKeys['access-task']}` }),
    check: (r) => expect(r.body.processDefinitionId).toBe('access-task'),
  },
  {
    route: 'GET /v2/process-definitions/:processDefinitionKey/form',
    right: [onTask('READ_PROCESS_DEFINITION')],
    denied: [PD, 'READ_PROCESS_DEFINITION'],
    notEnough: [{ as: [onJob('READ_PROCESS_DEFINITION')], permission: 'READ_PROCESS_DEFINITION' }],
    // access-task's start event links no form
    ok: 204,
    prepare: async () => ({ path: `/v2/process-definitions/${definitionKeys['access-task']}/form` }),
  },
  {
    route: 'GET /v2/process-definitions/:processDefinitionKey/xml',
    right: [onTask('READ_PROCESS_DEFINITION')],
    denied: [PD, 'READ_PROCESS_DEFINITION'],
    notEnough: [{ as: [onJob('READ_PROCESS_DEFINITION')], permission: 'READ_PROCESS_DEFINITION' }],
    ok: 200,
    prepare: async () => ({ path: `/v2/process-definitions/${definitionKeys['access-task']}/xml` }),
    check: (r) => expect(r.text).toContain('<bpmn:process id="access-task"'),
  },

  // Process instances
  {
    route: 'POST /v2/process-instances',
    right: [onJob('CREATE_PROCESS_INSTANCE')],
    denied: [PD, 'CREATE_PROCESS_INSTANCE'],
    notEnough: [{ as: [onTask('CREATE_PROCESS_INSTANCE')], permission: 'CREATE_PROCESS_INSTANCE' }],
    ok: 200,
    prepare: async () => ({ path: '/v2/process-instances', body: { processDefinitionId: 'access-job', variables: {} } }),
    check: (r) => expect(r.body.processDefinitionId).toBe('access-job'),
  },
  {
    route: 'POST /v2/process-instances/search',
    right: [onTask('READ_PROCESS_INSTANCE')],
    denied: [PD, 'READ_PROCESS_INSTANCE'],
    ok: 200,
    prepare: async () => {
      await startInstance('access-job');
      await startTask();
      return { path: '/v2/process-instances/search', body: {} };
    },
    check: (r) => {
      expect(itemsOf(r).length).toBeGreaterThan(0);
      expect(new Set(itemsOf(r).map((i) => i.processDefinitionId))).toEqual(new Set(['access-task']));
    },
  },
  {
    route: 'GET /v2/process-instances/:processInstanceKey',
    right: [onTask('READ_PROCESS_INSTANCE')],
    denied: [PD, 'READ_PROCESS_INSTANCE'],
    notEnough: [{ as: [onJob('READ_PROCESS_INSTANCE')], permission: 'READ_PROCESS_INSTANCE' }],
    ok: 200,
    prepare: async () => ({ path: `/v2/process-instances/${(await startTask()).pi}` }),
  },
  {
    route: 'POST /v2/process-instances/:processInstanceKey/cancellation',
    right: [onTask('CANCEL_PROCESS_INSTANCE')],
    denied: [PD, 'CANCEL_PROCESS_INSTANCE'],
    notEnough: [{ as: [onTask('UPDATE_PROCESS_INSTANCE')], permission: 'CANCEL_PROCESS_INSTANCE' }],
    ok: 204,
    prepare: async () => {
      const { pi } = await startTask();
      return { path: `/v2/process-instances/${pi}/cancellation`, body: {}, keys: { pi } };
    },
  },
  {
    route: 'POST /v2/process-instances/:processInstanceKey/incidents/search',
    right: [onJob('READ_PROCESS_INSTANCE')],
    denied: [PD, 'READ_PROCESS_INSTANCE'],
    ok: 200,
    prepare: async () => ({ path: `/v2/process-instances/${(await incident()).pi}/incidents/search`, body: {} }),
    check: (r) => expect(itemsOf(r)).toHaveLength(1),
  },

  // Element instances
  {
    route: 'POST /v2/element-instances/search',
    right: [onTask('READ_PROCESS_INSTANCE')],
    denied: [PD, 'READ_PROCESS_INSTANCE'],
    ok: 200,
    prepare: async () => ({ path: '/v2/element-instances/search', body: {} }),
    check: (r) => {
      expect(itemsOf(r).length).toBeGreaterThan(0);
      expect(new Set(itemsOf(r).map((i) => i.processDefinitionId))).toEqual(new Set(['access-task']));
    },
  },
  {
    route: 'GET /v2/element-instances/:elementInstanceKey',
    right: [onTask('READ_PROCESS_INSTANCE')],
    denied: [PD, 'READ_PROCESS_INSTANCE'],
    notEnough: [{ as: [onJob('READ_PROCESS_INSTANCE')], permission: 'READ_PROCESS_INSTANCE' }],
    ok: 200,
    prepare: async () => {
      const { pi } = await startTask();
      const r = await a.ok('POST', '/v2/element-instances/search', { filter: { processInstanceKey: pi, elementId: 'review' } });
      return { path: `/v2/element-instances/${r.items[0].elementInstanceKey}` };
    },
    check: (r) => expect(r.body.elementId).toBe('review'),
  },
  {
    route: 'PUT /v2/element-instances/:elementInstanceKey/variables',
    right: [onTask('UPDATE_PROCESS_INSTANCE')],
    denied: [PD, 'UPDATE_PROCESS_INSTANCE'],
    notEnough: [{ as: [onTask('READ_PROCESS_INSTANCE')], permission: 'UPDATE_PROCESS_INSTANCE' }],
    ok: 204,
    prepare: async () => ({ path: `/v2/element-instances/${(await startTask()).pi}/variables`, body: { variables: { note: '已补正' } } }),
  },

  // Jobs
  {
    route: 'POST /v2/jobs/activation',
    right: [all(PD, 'UPDATE_PROCESS_INSTANCE')],
    denied: [PD, 'UPDATE_PROCESS_INSTANCE'],
    // Jobs of a type may belong to any process: a grant on one process is not enough.
    notEnough: [{ as: [onJob('UPDATE_PROCESS_INSTANCE')], permission: 'UPDATE_PROCESS_INSTANCE' }],
    ok: 200,
    prepare: async () => {
      await startInstance('access-job');
      return { path: '/v2/jobs/activation', body: { type: 'access-work', worker: 'row', timeout: 600_000, maxJobsToActivate: 1, requestTimeout: -1 } };
    },
    check: (r) => expect(r.body.jobs).toHaveLength(1),
  },
  {
    route: 'POST /v2/jobs/search',
    right: [onJob('READ_PROCESS_INSTANCE')],
    denied: [PD, 'READ_PROCESS_INSTANCE'],
    ok: 200,
    prepare: async () => ({ path: '/v2/jobs/search', body: {} }),
    check: (r) => {
      expect(itemsOf(r).length).toBeGreaterThan(0);
      expect(new Set(itemsOf(r).map((i) => i.processDefinitionId))).toEqual(new Set(['access-job']));
    },
  },
  ...(
    [
      ['POST /v2/jobs/:jobKey/completion', (k: string) => `/v2/jobs/${k}/completion`, { variables: { done: true } }],
      ['POST /v2/jobs/:jobKey/failure', (k: string) => `/v2/jobs/${k}/failure`, { retries: 2, errorMessage: 'transient' }],
      ['POST /v2/jobs/:jobKey/error', (k: string) => `/v2/jobs/${k}/error`, { errorCode: 'ACCESS_TEST' }],
      ['PATCH /v2/jobs/:jobKey', (k: string) => `/v2/jobs/${k}`, { changeset: { retries: 5 } }],
    ] as const
  ).map(
    ([route, path, body]): Row => ({
      route,
      right: [onJob('UPDATE_PROCESS_INSTANCE')],
      denied: [PD, 'UPDATE_PROCESS_INSTANCE'],
      notEnough: [{ as: [onTask('UPDATE_PROCESS_INSTANCE')], permission: 'UPDATE_PROCESS_INSTANCE' }],
      ok: 204,
      prepare: async () => ({ path: path((await activatedJob()).job), body }),
    }),
  ),

  // User tasks: open to every user, narrowed to the task's parties (or READ_/UPDATE_USER_TASK)
  {
    route: 'POST /v2/user-tasks/search',
    right: 'candidate',
    ok: 200,
    prepare: async () => {
      const t = await startTask();
      return { path: '/v2/user-tasks/search', body: { filter: { processInstanceKey: t.pi } }, keys: t };
    },
    clerk: (r) => {
      expect(r.status).toBe(200);
      expect(r.body.items).toEqual([]);
      expect(r.body.page.totalItems).toBe(0);
    },
    check: (r, req) => expect(itemsOf(r).map((i) => i.userTaskKey)).toEqual([req.keys!.task]),
  },
  {
    route: 'GET /v2/user-tasks/:userTaskKey',
    right: 'candidate',
    denied: [PD, 'READ_USER_TASK'],
    notEnough: [{ as: [onJob('READ_USER_TASK')], permission: 'READ_USER_TASK' }],
    ok: 200,
    prepare: async () => ({ path: `/v2/user-tasks/${(await startTask()).task}` }),
    check: (r) => expect(r.body.candidateGroups).toEqual(['access-clerks']),
  },
  {
    route: 'GET /v2/user-tasks/:userTaskKey/form',
    right: 'candidate',
    denied: [PD, 'READ_USER_TASK'],
    ok: 200,
    prepare: async () => ({ path: `/v2/user-tasks/${(await startTask()).task}/form` }),
    check: (r) => expect(r.body.formId).toBe('access-form'),
  },
  {
    route: 'POST /v2/user-tasks/:userTaskKey/variables/search',
    right: 'candidate',
    denied: [PD, 'READ_USER_TASK'],
    ok: 200,
    prepare: async () => ({ path: `/v2/user-tasks/${(await startTask({ note: '材料齐全' })).task}/variables/search`, body: {} }),
    check: (r) => expect(itemsOf(r).map((i) => i.name)).toContain('note'),
  },
  {
    route: 'POST /v2/user-tasks/:userTaskKey/assignment',
    right: 'candidate',
    denied: [PD, 'READ_USER_TASK'],
    ok: 204,
    prepare: async () => ({ path: `/v2/user-tasks/${(await startTask()).task}/assignment`, body: { assignee: 'candidate' } }),
  },
  {
    route: 'DELETE /v2/user-tasks/:userTaskKey/assignee',
    right: 'candidate',
    denied: [PD, 'READ_USER_TASK'],
    ok: 204,
    prepare: async () => ({ path: `/v2/user-tasks/${(await assignedTask()).task}/assignee` }),
  },
  {
    route: 'PATCH /v2/user-tasks/:userTaskKey',
    right: [onTask('READ_USER_TASK', 'UPDATE_USER_TASK')],
    denied: [PD, 'READ_USER_TASK'],
    // Being a candidate lets a clerk claim and complete, not change the task.
    notEnough: [{ as: 'candidate', permission: 'UPDATE_USER_TASK' }],
    ok: 204,
    prepare: async () => ({ path: `/v2/user-tasks/${(await startTask()).task}`, body: { changeset: { priority: 80 } } }),
  },
  {
    route: 'PATCH /v2/user-tasks/:userTaskKey/update',
    right: [onTask('READ_USER_TASK', 'UPDATE_USER_TASK')],
    denied: [PD, 'READ_USER_TASK'],
    notEnough: [{ as: 'candidate', permission: 'UPDATE_USER_TASK' }],
    ok: 204,
    prepare: async () => ({ path: `/v2/user-tasks/${(await startTask()).task}/update`, body: { priority: 80 } }),
  },
  {
    route: 'POST /v2/user-tasks/:userTaskKey/completion',
    right: 'candidate',
    denied: [PD, 'READ_USER_TASK'],
    ok: 204,
    prepare: async () => ({ path: `/v2/user-tasks/${(await assignedTask()).task}/completion`, body: { variables: { note: '同意' } } }),
  },

  // Variables
  {
    route: 'POST /v2/variables/search',
    right: [onTask('READ_PROCESS_INSTANCE')],
    denied: [PD, 'READ_PROCESS_INSTANCE'],
    ok: 200,
    prepare: async () => {
      const job = await startInstance('access-job', { secret: 'of another process' });
      const t = await startTask({ visible: 'yes' });
      return { path: '/v2/variables/search', body: { filter: { processInstanceKey: { $in: [job, t.pi] } } } };
    },
    // Only the variables of the process the grant names.
    check: (r) => expect(itemsOf(r).map((i) => i.name)).toEqual(['visible']),
  },
  {
    route: 'GET /v2/variables/:variableKey',
    right: [onTask('READ_PROCESS_INSTANCE')],
    denied: [PD, 'READ_PROCESS_INSTANCE'],
    notEnough: [{ as: [onJob('READ_PROCESS_INSTANCE')], permission: 'READ_PROCESS_INSTANCE' }],
    ok: 200,
    prepare: async () => {
      const { pi } = await startTask({ note: '待核' });
      const r = await a.ok('POST', '/v2/variables/search', { filter: { processInstanceKey: pi, name: 'note' } });
      return { path: `/v2/variables/${r.items[0].variableKey}` };
    },
    check: (r) => expect(r.body.value).toBe('"待核"'),
  },

  // Incidents
  {
    route: 'POST /v2/incidents/search',
    right: [onJob('READ_PROCESS_INSTANCE')],
    denied: [PD, 'READ_PROCESS_INSTANCE'],
    ok: 200,
    prepare: async () => {
      await incident();
      return { path: '/v2/incidents/search', body: {} };
    },
    check: (r) => expect(itemsOf(r).length).toBeGreaterThan(0),
  },
  {
    route: 'GET /v2/incidents/:incidentKey',
    right: [onJob('READ_PROCESS_INSTANCE')],
    denied: [PD, 'READ_PROCESS_INSTANCE'],
    notEnough: [{ as: [onTask('READ_PROCESS_INSTANCE')], permission: 'READ_PROCESS_INSTANCE' }],
    ok: 200,
    prepare: async () => ({ path: `/v2/incidents/${(await incident()).incident}` }),
  },
  {
    route: 'POST /v2/incidents/:incidentKey/resolution',
    right: [onJob('UPDATE_PROCESS_INSTANCE')],
    denied: [PD, 'UPDATE_PROCESS_INSTANCE'],
    notEnough: [{ as: [onJob('READ_PROCESS_INSTANCE')], permission: 'UPDATE_PROCESS_INSTANCE' }],
    ok: 204,
    prepare: async () => {
      const i = await incident();
      // As Zeebe: a job incident resolves once the job has retries again.
      await a.ok('PATCH', `/v2/jobs/${i.job}`, { changeset: { retries: 1 } });
      return { path: `/v2/incidents/${i.incident}/resolution`, body: {} };
    },
  },

  // Messages and signals
  {
    route: 'POST /v2/messages/publication',
    right: [['MESSAGE', 'access-note', ['CREATE']]],
    denied: ['MESSAGE', 'CREATE'],
    notEnough: [{ as: [['MESSAGE', 'another-message', ['CREATE']]], permission: 'CREATE' }],
    ok: 200,
    prepare: async () => ({ path: '/v2/messages/publication', body: { name: 'access-note', correlationKey: unique('note-'), timeToLive: 0 } }),
  },
  {
    route: 'POST /v2/messages/correlation',
    right: [['MESSAGE', 'access-corr', ['CREATE']]],
    denied: ['MESSAGE', 'CREATE'],
    ok: 200,
    prepare: async () => {
      const key = unique('corr-');
      const pi = await startInstance('access-msg', { key });
      return { path: '/v2/messages/correlation', body: { name: 'access-corr', correlationKey: key }, keys: { pi } };
    },
    check: (r, req) => expect(r.body.processInstanceKey).toBe(req.keys!.pi),
  },
  {
    route: 'POST /v2/signals/broadcast',
    right: [all(PD, 'UPDATE_PROCESS_INSTANCE', 'CREATE_PROCESS_INSTANCE')],
    denied: [PD, 'UPDATE_PROCESS_INSTANCE'],
    notEnough: [{ as: [all(PD, 'UPDATE_PROCESS_INSTANCE')], permission: 'CREATE_PROCESS_INSTANCE' }],
    ok: 200,
    prepare: async () => ({ path: '/v2/signals/broadcast', body: { signalName: 'access-signal' } }),
  },

  // Decisions
  {
    route: 'POST /v2/decision-definitions/evaluation',
    right: [['DECISION_DEFINITION', 'fullName', ['CREATE_DECISION_INSTANCE']]],
    denied: ['DECISION_DEFINITION', 'CREATE_DECISION_INSTANCE'],
    notEnough: [{ as: [['DECISION_DEFINITION', 'reviewDeadline', ['CREATE_DECISION_INSTANCE']]], permission: 'CREATE_DECISION_INSTANCE' }],
    ok: 200,
    prepare: async () => ({ path: '/v2/decision-definitions/evaluation', body: { decisionDefinitionId: 'fullName', variables: { firstName: '张', lastName: '三' } } }),
    check: (r) => expect(r.body.output).toBe('"张 三"'),
  },

  // Clock (last of the engine rows: the pin is undone by the reset row)
  {
    route: 'PUT /v2/clock',
    right: [all('SYSTEM', 'UPDATE')],
    denied: ['SYSTEM', 'UPDATE'],
    ok: 204,
    prepare: async () => ({ path: '/v2/clock', body: { timestamp: Date.now() + 60_000 } }),
    check: () => expect(h.running.engine!.clock.isPinned()).toBe(true),
  },
  {
    route: 'POST /v2/clock/reset',
    right: [all('SYSTEM', 'UPDATE')],
    denied: ['SYSTEM', 'UPDATE'],
    ok: 204,
    prepare: async () => ({ path: '/v2/clock/reset', body: {} }),
    check: () => expect(h.running.engine!.clock.isPinned()).toBe(false),
  },

  // Identity
  {
    route: 'GET /v2/authentication/me',
    right: 'any',
    ok: 200,
    prepare: async () => ({ path: '/v2/authentication/me' }),
    check: (r) => expect(r.body).toMatchObject({ username: 'nobody', roles: [], groups: [] }),
  },
  {
    route: 'POST /v2/users',
    right: [all('USER', 'CREATE')],
    denied: ['USER', 'CREATE'],
    ok: 201,
    prepare: async () => ({ path: '/v2/users', body: { username: 'made_by_row', password: 'Another-Pass-7', name: '新用户', email: 'new@example.gov.cn' } }),
    check: (r) => expect(r.body).toEqual({ username: 'made_by_row', name: '新用户', email: 'new@example.gov.cn' }),
  },
  { route: 'POST /v2/users/search', right: [all('USER', 'READ')], denied: ['USER', 'READ'], ok: 200, prepare: async () => ({ path: '/v2/users/search', body: {} }) },
  {
    route: 'GET /v2/users/:username',
    right: [['USER', 'read_me', ['READ']]],
    denied: ['USER', 'READ'],
    notEnough: [{ as: [['USER', 'someone_else', ['READ']]], permission: 'READ' }],
    ok: 200,
    prepare: async () => {
      await named('users', 'read_me');
      return { path: '/v2/users/read_me' };
    },
    check: (r) => expect(r.body.username).toBe('read_me'),
  },
  // PUT as 8.8's OpenAPI has it, PATCH as Camunda's web apps (the zod schemas) send it.
  ...(['PUT', 'PATCH'] as const).map(
    (method): Row => ({
      route: `${method} /v2/users/:username`,
      right: [['USER', `update_${method.toLowerCase()}`, ['UPDATE']]],
      denied: ['USER', 'UPDATE'],
      notEnough: [{ as: [['USER', 'someone_else', ['UPDATE']]], permission: 'UPDATE' }],
      ok: 200,
      prepare: async () => {
        await named('users', `update_${method.toLowerCase()}`);
        return { path: `/v2/users/update_${method.toLowerCase()}`, body: { name: '改名' } };
      },
      check: (r) => expect(r.body.name).toBe('改名'),
    }),
  ),
  {
    route: 'DELETE /v2/users/:username',
    right: [all('USER', 'DELETE')],
    denied: ['USER', 'DELETE'],
    ok: 204,
    prepare: async () => {
      await named('users', 'delete_me');
      return { path: '/v2/users/delete_me' };
    },
  },
  {
    route: 'POST /v2/groups',
    right: [all('GROUP', 'CREATE')],
    denied: ['GROUP', 'CREATE'],
    ok: 201,
    prepare: async () => ({ path: '/v2/groups', body: { groupId: 'made-by-row', name: '新组', description: '' } }),
    check: (r) => expect(r.body).toEqual({ groupId: 'made-by-row', name: '新组', description: '' }),
  },
  { route: 'POST /v2/groups/search', right: [all('GROUP', 'READ')], denied: ['GROUP', 'READ'], ok: 200, prepare: async () => ({ path: '/v2/groups/search', body: {} }) },
  {
    route: 'GET /v2/groups/:groupId',
    right: [['GROUP', 'read-group', ['READ']]],
    denied: ['GROUP', 'READ'],
    notEnough: [{ as: [['GROUP', 'access-clerks', ['READ']]], permission: 'READ' }],
    ok: 200,
    prepare: async () => {
      await named('groups', 'read-group');
      return { path: '/v2/groups/read-group' };
    },
  },
  {
    route: 'PUT /v2/groups/:groupId',
    right: [all('GROUP', 'UPDATE')],
    denied: ['GROUP', 'UPDATE'],
    ok: 200,
    prepare: async () => {
      await named('groups', 'update-group');
      return { path: '/v2/groups/update-group', body: { name: '改名', description: '说明' } };
    },
  },
  {
    route: 'DELETE /v2/groups/:groupId',
    right: [all('GROUP', 'DELETE')],
    denied: ['GROUP', 'DELETE'],
    ok: 204,
    prepare: async () => {
      await named('groups', 'delete-group');
      return { path: '/v2/groups/delete-group' };
    },
  },
  {
    route: 'PUT /v2/groups/:groupId/users/:username',
    right: [['GROUP', 'member-group', ['UPDATE']]],
    denied: ['GROUP', 'UPDATE'],
    ok: 204,
    prepare: async () => {
      await named('groups', 'member-group');
      await named('users', 'member_a');
      return { path: '/v2/groups/member-group/users/member_a' };
    },
  },
  {
    route: 'DELETE /v2/groups/:groupId/users/:username',
    right: [['GROUP', 'unmember-group', ['UPDATE']]],
    denied: ['GROUP', 'UPDATE'],
    ok: 204,
    prepare: async () => {
      await named('groups', 'unmember-group', { users: ['member_b'] });
      return { path: '/v2/groups/unmember-group/users/member_b' };
    },
  },
  {
    route: 'POST /v2/groups/:groupId/users/search',
    right: [['GROUP', 'search-group', ['READ']]],
    denied: ['GROUP', 'READ'],
    ok: 200,
    prepare: async () => {
      await named('groups', 'search-group', { users: ['member_c'] });
      return { path: '/v2/groups/search-group/users/search', body: {} };
    },
    check: (r) => expect(r.body.items).toEqual([{ username: 'member_c' }]),
  },
  {
    route: 'POST /v2/groups/:groupId/roles/search',
    right: [['GROUP', 'roles-group', ['READ']]],
    denied: ['GROUP', 'READ'],
    notEnough: [{ as: [['GROUP', 'search-group', ['READ']]], permission: 'READ' }],
    ok: 200,
    prepare: async () => {
      await named('roles', 'group-roles-role', { groups: ['roles-group'] });
      return { path: '/v2/groups/roles-group/roles/search', body: {} };
    },
    check: (r) => expect(itemsOf(r).map((g) => g.roleId)).toEqual(['group-roles-role']),
  },
  {
    route: 'POST /v2/roles',
    right: [all('ROLE', 'CREATE')],
    denied: ['ROLE', 'CREATE'],
    ok: 201,
    prepare: async () => ({ path: '/v2/roles', body: { roleId: 'made-by-row', name: '新角色', description: '' } }),
    check: (r) => expect(r.body).toEqual({ roleId: 'made-by-row', name: '新角色', description: '' }),
  },
  { route: 'POST /v2/roles/search', right: [all('ROLE', 'READ')], denied: ['ROLE', 'READ'], ok: 200, prepare: async () => ({ path: '/v2/roles/search', body: {} }) },
  {
    route: 'GET /v2/roles/:roleId',
    right: [['ROLE', 'operator', ['READ']]],
    denied: ['ROLE', 'READ'],
    notEnough: [{ as: [['ROLE', 'auditor', ['READ']]], permission: 'READ' }],
    ok: 200,
    prepare: async () => ({ path: '/v2/roles/operator' }),
  },
  {
    route: 'PUT /v2/roles/:roleId',
    right: [all('ROLE', 'UPDATE')],
    denied: ['ROLE', 'UPDATE'],
    ok: 200,
    prepare: async () => {
      await named('roles', 'update-role');
      return { path: '/v2/roles/update-role', body: { name: '改名', description: '说明' } };
    },
  },
  {
    route: 'DELETE /v2/roles/:roleId',
    right: [all('ROLE', 'DELETE')],
    denied: ['ROLE', 'DELETE'],
    ok: 204,
    prepare: async () => {
      await named('roles', 'delete-role');
      return { path: '/v2/roles/delete-role' };
    },
  },
  {
    route: 'PUT /v2/roles/:roleId/users/:username',
    right: [['ROLE', 'member-role', ['UPDATE']]],
    denied: ['ROLE', 'UPDATE'],
    ok: 204,
    prepare: async () => {
      await named('roles', 'member-role');
      await named('users', 'role_member_a');
      return { path: '/v2/roles/member-role/users/role_member_a' };
    },
  },
  {
    route: 'DELETE /v2/roles/:roleId/users/:username',
    right: [['ROLE', 'unmember-role', ['UPDATE']]],
    denied: ['ROLE', 'UPDATE'],
    ok: 204,
    prepare: async () => {
      await named('roles', 'unmember-role', { users: ['role_member_b'] });
      return { path: '/v2/roles/unmember-role/users/role_member_b' };
    },
  },
  {
    route: 'POST /v2/roles/:roleId/users/search',
    right: [['ROLE', 'search-role', ['READ']]],
    denied: ['ROLE', 'READ'],
    ok: 200,
    prepare: async () => {
      await named('roles', 'search-role', { users: ['role_member_c'] });
      return { path: '/v2/roles/search-role/users/search', body: {} };
    },
    check: (r) => expect(r.body.items).toEqual([{ username: 'role_member_c' }]),
  },
  {
    route: 'PUT /v2/roles/:roleId/groups/:groupId',
    right: [['ROLE', 'group-role', ['UPDATE']]],
    denied: ['ROLE', 'UPDATE'],
    ok: 204,
    prepare: async () => {
      await named('roles', 'group-role');
      await named('groups', 'role-group-a');
      return { path: '/v2/roles/group-role/groups/role-group-a' };
    },
  },
  {
    route: 'DELETE /v2/roles/:roleId/groups/:groupId',
    right: [['ROLE', 'ungroup-role', ['UPDATE']]],
    denied: ['ROLE', 'UPDATE'],
    ok: 204,
    prepare: async () => {
      await named('roles', 'ungroup-role', { groups: ['role-group-b'] });
      return { path: '/v2/roles/ungroup-role/groups/role-group-b' };
    },
  },
  {
    route: 'POST /v2/roles/:roleId/groups/search',
    right: [['ROLE', 'group-search-role', ['READ']]],
    denied: ['ROLE', 'READ'],
    ok: 200,
    prepare: async () => {
      await named('roles', 'group-search-role', { groups: ['role-group-c'] });
      return { path: '/v2/roles/group-search-role/groups/search', body: {} };
    },
    check: (r) => expect(itemsOf(r).map((g) => g.groupId)).toEqual(['role-group-c']),
  },
  {
    route: 'POST /v2/authorizations',
    right: [all('AUTHORIZATION', 'CREATE')],
    denied: ['AUTHORIZATION', 'CREATE'],
    ok: 201,
    prepare: async () => {
      await named('groups', 'authz-create-group');
      return { path: '/v2/authorizations', body: { ownerType: 'GROUP', ownerId: 'authz-create-group', resourceType: 'RESOURCE', resourceId: '*', permissionTypes: ['READ'] } };
    },
    check: (r) => expect(r.body.authorizationKey).toMatch(/^\d+$/),
  },
  {
    route: 'POST /v2/authorizations/search',
    right: [all('AUTHORIZATION', 'READ')],
    denied: ['AUTHORIZATION', 'READ'],
    ok: 200,
    prepare: async () => ({ path: '/v2/authorizations/search', body: { filter: { ownerType: 'ROLE', ownerId: 'auditor' } } }),
    check: (r) => expect(itemsOf(r).map((i) => [i.resourceType, i.permissionTypes])).toEqual([['AUDIT_LOG', ['READ']]]),
  },
  ...(['GET', 'PUT', 'DELETE'] as const).map(
    (method): Row => ({
      route: `${method} /v2/authorizations/:authorizationKey`,
      right: [all('AUTHORIZATION', method === 'GET' ? 'READ' : method === 'PUT' ? 'UPDATE' : 'DELETE')],
      denied: ['AUTHORIZATION', method === 'GET' ? 'READ' : method === 'PUT' ? 'UPDATE' : 'DELETE'],
      ok: method === 'GET' ? 200 : 204,
      prepare: async () => {
        const group = unique('authz-group-');
        await named('groups', group);
        const key = await a.grant('GROUP', group, 'PROCESS_DEFINITION', 'access-task', ['READ_PROCESS_INSTANCE']);
        return {
          path: `/v2/authorizations/${key}`,
          ...(method === 'PUT'
            ? { body: { ownerType: 'GROUP', ownerId: group, resourceType: 'PROCESS_DEFINITION', resourceId: 'access-task', permissionTypes: ['READ_PROCESS_INSTANCE', 'READ_USER_TASK'] } }
            : {}),
        };
      },
      check: (r) => {
        if (method === 'GET') expect(r.body).toMatchObject({ ownerType: 'GROUP', resourceType: 'PROCESS_DEFINITION', permissionTypes: ['READ_PROCESS_INSTANCE'] });
      },
    }),
  ),
  {
    route: 'POST /v2/audit-logs/search',
    right: [all('AUDIT_LOG', 'READ')],
    denied: ['AUDIT_LOG', 'READ'],
    ok: 200,
    prepare: async () => ({ path: '/v2/audit-logs/search', body: { page: { limit: 5 } } }),
    check: (r) => expect(itemsOf(r)).toHaveLength(5),
  },

  // The Tasklist's own API (/api/tasklist): a task's comments and assignees for whoever may see the
  // task (refused in Chinese to others); everything else is the caller's own.
  {
    route: 'GET /api/tasklist/user-tasks/:userTaskKey/comments',
    right: 'candidate',
    clerk: zhForbidden,
    ok: 200,
    prepare: async () => ({ path: `/api/tasklist/user-tasks/${(await startTask()).task}/comments` }),
    check: (r) => expect(r.body).toEqual({ items: [] }),
  },
  {
    route: 'POST /api/tasklist/user-tasks/:userTaskKey/comments',
    right: 'candidate',
    clerk: zhForbidden,
    ok: 201,
    prepare: async () => ({ path: `/api/tasklist/user-tasks/${(await startTask()).task}/comments`, body: { text: '请补充材料' } }),
    check: (r) => expect(r.body).toMatchObject({ author: 'candidate', text: '请补充材料' }),
  },
  {
    route: 'GET /api/tasklist/user-tasks/:userTaskKey/assignees',
    right: 'candidate',
    clerk: zhForbidden,
    ok: 200,
    prepare: async () => ({ path: `/api/tasklist/user-tasks/${(await startTask()).task}/assignees` }),
    check: (r) => expect(r.body.items).toEqual([{ username: 'candidate', name: 'candidate' }]),
  },
  {
    // Open to every user, but a task the caller may not see is left out of the answer.
    route: 'POST /api/tasklist/user-tasks/summaries',
    right: 'candidate',
    clerk: (r) => {
      expect(r.status, r.text).toBe(200);
      expect(r.body).toEqual({ items: {} });
    },
    ok: 200,
    prepare: async () => {
      const { task } = await startTask({ campaignId: 'access-campaign', applicationId: 'A-1', candidates: [{ applicationId: 'A-1', name: '王建川', idNumberMasked: '5101**********1234' }] });
      return { path: '/api/tasklist/user-tasks/summaries', body: { userTaskKeys: [task] }, keys: { task } };
    },
    check: (r, req) => expect(r.body).toEqual({ items: { [req.keys!.task!]: { campaignId: 'access-campaign', applicationId: 'A-1', candidateName: '王建川' } } }),
  },
  {
    // Group names for anyone; a person's name only for their group mates and themselves.
    route: 'POST /api/tasklist/names',
    right: 'any',
    ok: 200,
    prepare: async () => ({ path: '/api/tasklist/names', body: { groups: ['access-clerks', 'no-such-group'], users: ['candidate', 'nobody', 'no_such_user'] } }),
    check: (r) => expect(r.body).toEqual({ groups: { 'access-clerks': 'access-clerks' }, users: { nobody: 'nobody' } }),
  },
  { route: 'GET /api/tasklist/filters', right: 'any', ok: 200, prepare: async () => ({ path: '/api/tasklist/filters' }), check: (r) => expect(r.body.items).toEqual(expect.any(Array)) },
  {
    route: 'POST /api/tasklist/filters',
    right: 'any',
    ok: 201,
    prepare: async () => ({ path: '/api/tasklist/filters', body: { name: unique('筛选'), filter: { state: 'CREATED' } } }),
  },
  {
    route: 'PUT /api/tasklist/filters/:id',
    right: 'any',
    ok: 200,
    prepare: async () => ({ path: `/api/tasklist/filters/${await nobodysFilter()}`, body: { name: unique('改名'), filter: {} } }),
  },
  { route: 'DELETE /api/tasklist/filters/:id', right: 'any', ok: 204, prepare: async () => ({ path: `/api/tasklist/filters/${await nobodysFilter()}` }) },
  {
    route: 'GET /api/tasklist/startable-processes',
    right: 'any',
    ok: 200,
    prepare: async () => ({ path: '/api/tasklist/startable-processes' }),
    // Without CREATE_PROCESS_INSTANCE anywhere: nothing to start.
    check: (r) => expect(r.body).toEqual({ items: [] }),
  },
  {
    route: 'GET /api/tasklist/working-days',
    right: 'any',
    ok: 200,
    prepare: async () => ({ path: '/api/tasklist/working-days?until=2030-01-02' }),
    check: (r) => expect(r.body.items).toHaveProperty(['2030-01-02']),
  },
  {
    route: 'GET /api/tasklist/notifications',
    right: 'any',
    ok: 200,
    prepare: async () => ({ path: '/api/tasklist/notifications' }),
    check: (r) => expect(r.body).toMatchObject({ newTasks: 0, digest: { overdue: [], dueToday: [], dueSoon: [] } }),
  },
  { route: 'POST /api/tasklist/notifications/seen', right: 'any', ok: 204, prepare: async () => ({ path: '/api/tasklist/notifications/seen' }) },
];

/** A 403 problem in Chinese: the Tasklist API's answer to a user who may not see the task. */
function zhForbidden(r: Answer): void {
  expect(r.status, r.text).toBe(403);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(r.body.title).toBe('FORBIDDEN');
  expect(r.body.detail).toMatch(/无权查看此任务/);
}

/** A filter saved by the clerk without grants (who runs the `any` rows). */
async function nobodysFilter(): Promise<string> {
  const r = await a.call('POST', '/api/tasklist/filters', { as: nobody, body: { name: unique('我的'), filter: {} } });
  expect(r.status, r.text).toBe(201);
  return r.body.id as string;
}

/** The endpoints outside the route tables: public, or authenticated by their own rules. */
const sessionRows: Record<string, () => Promise<void>> = {
  'GET /health': async () => {
    const r = await a.call('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('UP');
  },
  'GET /login': async () => {
    const r = await a.call('GET', '/login');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.text).toMatch(/<form[^>]+method="post"/);
  },
  'POST /login': async () => {
    const wrong = await a.call('POST', '/login', { body: { username: candidate.username, password: 'Wrong-Pass-1' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const right = await a.call('POST', '/login', { body: candidate });
    expect(right.status).toBe(200);
    expect(right.body).toMatchObject({ username: 'candidate', mustChangePassword: false });
    const me = await a.call('GET', '/v2/authentication/me', { cookie: sessionCookieOf(right.headers) });
    expect(me.body.username).toBe('candidate');
  },
  'POST /logout': async () => {
    expect((await a.call('POST', '/logout')).status).toBe(204);
    const { cookie, csrf } = await a.login(candidate);
    const forged = await a.call('POST', '/logout', { cookie });
    expect(forged.status).toBe(403);
    expect((await a.call('GET', '/v2/authentication/me', { cookie })).status).toBe(200);
    expect((await a.call('POST', '/logout', { cookie, headers: { 'x-csrf-token': csrf } })).status).toBe(204);
    expectUnauthorized(await a.call('GET', '/v2/authentication/me', { cookie }));
  },
  'GET /login/password': async () => {
    const anonymous = await a.call('GET', '/login/password');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login');
    const { cookie } = await a.login(candidate);
    const page = await a.call('GET', '/login/password', { cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="newPassword"');
  },
  'POST /login/password': async () => {
    expectUnauthorized(await a.call('POST', '/login/password', { body: { currentPassword: candidate.password, newPassword: 'Changed-Pass-9' } }));
    const { cookie } = await a.login(candidate);
    const forged = await a.call('POST', '/login/password', { cookie, body: { currentPassword: candidate.password, newPassword: 'Changed-Pass-9' } });
    expect(forged.status).toBe(403);
    expect(forged.body.detail).toMatch(/CSRF/);
  },
};

beforeAll(async () => {
  h = await startHarness();
  a = api(h.url);
  const deployed = await h.client.deployResources([
    { name: 'access-form.form', content: form },
    { name: 'access-task.bpmn', content: taskModel },
    { name: 'access-job.bpmn', content: jobModel },
    { name: 'access-msg.bpmn', content: messageModel },
    { name: 'literal-expressions.dmn', content: dmn },
  ]);
  for (const p of deployed.processes) definitionKeys[p.processDefinitionId] = p.processDefinitionKey;
  // No role at all: the clerk role reads the process definitions (tested on its own below).
  nobody = await a.createUser('nobody');
  candidate = await a.createUser('candidate');
  await a.assignRole('clerk', 'candidate');
  await a.createGroup('access-clerks', ['candidate']);
});
afterAll(async () => {
  await h?.stop();
});

describe('the access table', () => {
  it('has a row for every route the server declares, and no row for a route it does not', () => {
    const declared = [
      ...v2Routes({} as never).map((r) => `${r.method.toUpperCase()} /v2${r.path}`),
      ...identityRoutes({} as never).map((r) => `${r.method.toUpperCase()} /v2${r.path}`),
      ...tasklistRoutes({} as never).map((r) => `${r.method.toUpperCase()} /api/tasklist${r.path}`),
      ...(sessionRoutes({ mode: 'on', identity: {} as never, audit: {} as never, logger: pino({ level: 'silent' }) }) as unknown as {
        stack: { route?: { path: string; methods: Record<string, boolean> } }[];
      }).stack.flatMap((l) => (l.route ? Object.keys(l.route.methods).map((m) => `${m.toUpperCase()} ${l.route!.path}`) : [])),
      'GET /health',
    ];
    expect(new Set(declared).size).toBe(declared.length);
    const covered = [...rows.map((r) => r.route), ...Object.keys(sessionRows)];
    expect(new Set(covered).size, 'a route has two rows').toBe(covered.length);
    expect([...covered].sort()).toEqual([...declared].sort());
  });

  it('refuses a wrong Basic password like no credentials at all, and a malformed Authorization header', async () => {
    expectUnauthorized(await a.call('POST', '/v2/process-instances/search', { as: { username: 'no_such_user', password: 'Whatever-1' }, body: {} }));
    expectUnauthorized(await a.call('POST', '/v2/process-instances/search', { as: 'Bearer abc', body: {} }));
    expectUnauthorized(await a.call('GET', '/v2/no-such-endpoint'));
    // A browser's fetch (Sec-Fetch-Mode) gets the 401 without a Basic challenge, so no password dialog pops up.
    const fromPage = await fetch(`${h.url}/v2/user-tasks/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(fromPage.status).toBe(401);
    expect(fromPage.headers.get('www-authenticate')).toBeNull();
  });

  it('lets the clerk role read the procedures (definitions, diagrams, start forms) and nothing of their instances', async () => {
    const key = definitionKeys['access-task'];
    const asClerk = (method: string, path: string, body?: unknown) => send({ path, ...(body ? { body } : {}) }, method, candidate);
    expect((await asClerk('POST', '/v2/process-definitions/search', {})).status).toBe(200);
    expect((await asClerk('GET', `/v2/process-definitions/${key}`)).status).toBe(200);
    expect((await asClerk('GET', `/v2/process-definitions/${key}/xml`)).status).toBe(200);
    expect((await asClerk('GET', `/v2/process-definitions/${key}/form`)).status).toBe(204);
    expectForbidden(await asClerk('POST', '/v2/process-instances/search', {}), 'READ_PROCESS_INSTANCE', PD);
    expectForbidden(await asClerk('POST', '/v2/process-instances', { processDefinitionKey: key }), 'CREATE_PROCESS_INSTANCE', PD);
  });

  for (const row of rows) {
    it(row.route, async () => {
      const req = await row.prepare();
      const method = row.route.split(' ')[0]!;

      expectUnauthorized(await send(req, method));

      const asNobody = await send(req, method, nobody);
      if (row.right === 'any') {
        expect(asNobody.status, asNobody.text).toBe(row.ok);
        row.check?.(asNobody, req);
        return;
      }
      if (row.denied) expectForbidden(asNobody, row.denied[1], row.denied[0]);
      else row.clerk!(asNobody, req);

      for (const n of row.notEnough ?? []) expectForbidden(await send(req, method, await asUser(n.as)), n.permission);

      const ok = await send(req, method, await asUser(row.right));
      expect(ok.status, ok.text).toBe(row.ok);
      row.check?.(ok, req);
    });
  }

  for (const [route, check] of Object.entries(sessionRows)) it(route, check);
});
