/** Every /v2 route reaches the right engine/queries method with the converted arguments, and answers as 8.8 does. */
import {
  activateJobsResponseBodySchema,
  createProcessInstanceResponseBodySchema,
  getTopologyResponseBodySchema,
} from '@camunda/camunda-api-zod-schemas/8.8';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActivatedJob, CreateProcessInstanceResponse } from '../../src/engine/types.js';
import { call, startServer, type TestServer } from './server-fixtures.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer({ version: '8.8.0' });
});
afterAll(() => srv.close());
beforeEach(() => vi.resetAllMocks());

const created: CreateProcessInstanceResponse = {
  processDefinitionId: 'order',
  processDefinitionVersion: 2,
  processDefinitionKey: '2251799813685249',
  processInstanceKey: '2251799813685251',
  tenantId: '<default>',
  variables: {},
};

const job: ActivatedJob = {
  jobKey: '2251799813685260',
  type: 'ship',
  processDefinitionId: 'order',
  processDefinitionVersion: 2,
  processDefinitionKey: '2251799813685249',
  processInstanceKey: '2251799813685251',
  elementId: 'Ship',
  elementInstanceKey: '2251799813685259',
  customHeaders: { carrier: 'dhl' },
  worker: 'w1',
  retries: 3,
  deadline: 1_750_000_000_000,
  variables: { a: 1 },
  tenantId: '<default>',
  kind: 'BPMN_ELEMENT',
  listenerEventType: 'UNSPECIFIED',
};

describe('queries routes', () => {
  const K = '2251799813685249';
  const search = { filter: { state: 'ACTIVE' }, page: { limit: 5 } };
  const reply = { items: [], page: { totalItems: 0 } };
  // With authentication off the caller may read every process, which the searches receive as their scope.
  const ALL = { processDefinitionIds: undefined };
  const TASKS = { processDefinitionIds: undefined, taskParty: { username: 'anonymous', groups: [] } };
  it.each([
    ['POST', '/process-definitions/search', 'searchProcessDefinitions', search, [search, ALL]],
    ['GET', `/process-definitions/${K}`, 'getProcessDefinition', undefined, [K]],
    ['POST', '/process-instances/search', 'searchProcessInstances', search, [search, ALL]],
    ['GET', `/process-instances/${K}`, 'getProcessInstance', undefined, [K]],
    ['POST', '/element-instances/search', 'searchElementInstances', search, [search, ALL]],
    ['GET', `/element-instances/${K}`, 'getElementInstance', undefined, [K]],
    ['POST', '/user-tasks/search', 'searchUserTasks', search, [search, TASKS]],
    ['GET', `/user-tasks/${K}`, 'getUserTask', undefined, [K]],
    ['POST', `/user-tasks/${K}/variables/search`, 'searchUserTaskVariables', search, [K, search, {}]],
    ['POST', '/variables/search', 'searchVariables', search, [search, {}, ALL]],
    ['GET', `/variables/${K}`, 'getVariable', undefined, [K]],
    ['POST', '/incidents/search', 'searchIncidents', search, [search, ALL]],
    ['GET', `/incidents/${K}`, 'getIncident', undefined, [K]],
    ['POST', '/jobs/search', 'searchJobs', search, [search, ALL]],
  ] as const)('%s %s → queries.%s', async (method, path, fn, body, args) => {
    srv.queries[fn].mockReturnValue(reply);
    const res = await call(srv.url, method, `/v2${path}`, body);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.json).toEqual(reply);
    expect(srv.queries[fn]).toHaveBeenCalledExactlyOnceWith(...args);
  });

  it('passes an empty object to a search without a body', async () => {
    srv.queries.searchProcessInstances.mockReturnValue(reply);
    const res = await call(srv.url, 'POST', '/v2/process-instances/search');
    expect(res.status).toBe(200);
    expect(srv.queries.searchProcessInstances).toHaveBeenCalledWith({}, ALL);
  });

  it('passes truncateValues of the variable searches on, and rejects a non-boolean', async () => {
    srv.queries.searchVariables.mockReturnValue(reply);
    srv.queries.searchUserTaskVariables.mockReturnValue(reply);
    await call(srv.url, 'POST', '/v2/variables/search?truncateValues=false', {});
    expect(srv.queries.searchVariables).toHaveBeenCalledWith({}, { truncateValues: false }, { processDefinitionIds: undefined });
    await call(srv.url, 'POST', `/v2/user-tasks/${K}/variables/search?truncateValues=true`);
    expect(srv.queries.searchUserTaskVariables).toHaveBeenCalledWith(K, {}, { truncateValues: true });
    const bad = await call(srv.url, 'POST', '/v2/variables/search?truncateValues=no', {});
    expect(bad).toMatchObject({ status: 400, json: { detail: "truncateValues: expected true or false, got 'no'" } });
  });

  it('awaits async query results', async () => {
    srv.queries.getIncident.mockResolvedValue({ incidentKey: K });
    expect((await call(srv.url, 'GET', `/v2/incidents/${K}`)).json).toEqual({ incidentKey: K });
  });

  it('GET process definition XML answers text/xml', async () => {
    srv.queries.getProcessDefinitionXml.mockReturnValue('<definitions/>');
    const res = await call(srv.url, 'GET', `/v2/process-definitions/${K}/xml`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/xml/);
    expect(res.text).toBe('<definitions/>');
    expect(srv.queries.getProcessDefinitionXml).toHaveBeenCalledWith(K);
  });

  it('GET user task form: 200 with the form, 204 without one', async () => {
    const form = { formKey: '1', tenantId: '<default>', formId: 'f', schema: '{}', version: 1 };
    srv.queries.getUserTaskForm.mockReturnValueOnce(form).mockReturnValueOnce(undefined);
    expect(await call(srv.url, 'GET', `/v2/user-tasks/${K}/form`)).toMatchObject({ status: 200, json: form });
    expect(await call(srv.url, 'GET', `/v2/user-tasks/${K}/form`)).toMatchObject({ status: 204, text: '' });
  });
});

describe('cluster', () => {
  it('GET /v2/topology describes one healthy leader, per the 8.8 schema', async () => {
    const res = await call(srv.url, 'GET', '/v2/topology');
    expect(res.status).toBe(200);
    expect(getTopologyResponseBodySchema.strict().parse(res.json)).toMatchObject({
      clusterSize: 1,
      partitionsCount: 1,
      replicationFactor: 1,
      gatewayVersion: '8.8.0',
      brokers: [{ nodeId: 0, host: '127.0.0.1', port: Number(new URL(srv.url).port), version: '8.8.0', partitions: [{ partitionId: 1, role: 'leader', health: 'healthy' }] }],
    });
  });

  it('GET /v2/status answers 204', async () => {
    expect((await call(srv.url, 'GET', '/v2/status')).status).toBe(204);
  });
});

describe('process instances', () => {
  it('creates by id and version, answering the engine response (8.8 schema)', async () => {
    srv.engine.createProcessInstance.mockReturnValue(created);
    const res = await call(srv.url, 'POST', '/v2/process-instances', {
      processDefinitionId: 'order',
      processDefinitionVersion: 2,
      variables: { amount: 12.5, customer: { id: 'c1' } },
      tenantId: '<default>',
      operationReference: 7,
      startInstructions: [],
      fetchVariables: ['x'],
    });
    expect(res.status).toBe(200);
    expect(createProcessInstanceResponseBodySchema.strict().parse(res.json)).toEqual(created);
    expect(srv.engine.createProcessInstance).toHaveBeenCalledExactlyOnceWith({
      processDefinitionId: 'order',
      processDefinitionVersion: 2,
      variables: { amount: 12.5, customer: { id: 'c1' } },
      tenantId: '<default>',
    });
    expect(srv.engine.awaitProcessInstance).not.toHaveBeenCalled();
  });

  it('creates by key', async () => {
    srv.engine.createProcessInstance.mockReturnValue(created);
    await call(srv.url, 'POST', '/v2/process-instances', { processDefinitionKey: created.processDefinitionKey });
    expect(srv.engine.createProcessInstance).toHaveBeenCalledWith({ processDefinitionKey: created.processDefinitionKey });
  });

  it('with awaitCompletion waits for the result and answers its variables', async () => {
    srv.engine.createProcessInstance.mockReturnValue(created);
    srv.engine.awaitProcessInstance.mockResolvedValue({ total: 42 });
    const res = await call(srv.url, 'POST', '/v2/process-instances', {
      processDefinitionId: 'order',
      awaitCompletion: true,
      requestTimeout: 2500,
      fetchVariables: ['total'],
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ...created, variables: { total: 42 } });
    expect(srv.engine.awaitProcessInstance).toHaveBeenCalledExactlyOnceWith(created.processInstanceKey, 2500, ['total']);
  });

  it('with awaitCompletion and no requestTimeout uses the default, and all variables for an empty fetchVariables', async () => {
    srv.engine.createProcessInstance.mockReturnValue(created);
    srv.engine.awaitProcessInstance.mockResolvedValue({});
    await call(srv.url, 'POST', '/v2/process-instances', { processDefinitionId: 'order', awaitCompletion: true, requestTimeout: 0, fetchVariables: [] });
    expect(srv.engine.awaitProcessInstance).toHaveBeenCalledWith(created.processInstanceKey, 15_000, undefined);
  });

  it('cancels (204), with or without a body', async () => {
    const K = created.processInstanceKey;
    expect((await call(srv.url, 'POST', `/v2/process-instances/${K}/cancellation`, { operationReference: 3 })).status).toBe(204);
    expect((await call(srv.url, 'POST', `/v2/process-instances/${K}/cancellation`)).status).toBe(204);
    expect(srv.engine.cancelProcessInstance).toHaveBeenCalledTimes(2);
    expect(srv.engine.cancelProcessInstance).toHaveBeenCalledWith(K);
  });
});

describe('element instances', () => {
  it('PUT variables (204) with local defaulting to false', async () => {
    const K = '2251799813685259';
    expect((await call(srv.url, 'PUT', `/v2/element-instances/${K}/variables`, { variables: { a: [1, 2] } })).status).toBe(204);
    expect(srv.engine.setVariables).toHaveBeenLastCalledWith(K, { a: [1, 2] }, false);
    await call(srv.url, 'PUT', `/v2/element-instances/${K}/variables`, { variables: { b: null }, local: true, operationReference: '12' });
    expect(srv.engine.setVariables).toHaveBeenLastCalledWith(K, { b: null }, true);
  });
});

describe('jobs', () => {
  const K = job.jobKey;
  it('activates, answering {jobs} per the 8.8 schema', async () => {
    srv.engine.activateJobs.mockResolvedValue([job]);
    const request = { type: 'ship', worker: 'w1', timeout: 60_000, maxJobsToActivate: 5, fetchVariable: ['a'], requestTimeout: 20_000, tenantIds: ['<default>'] };
    const res = await call(srv.url, 'POST', '/v2/jobs/activation', request);
    expect(res.status).toBe(200);
    activateJobsResponseBodySchema.parse(res.json);
    expect(res.json).toEqual({ jobs: [job] });
    expect(srv.engine.activateJobs).toHaveBeenCalledExactlyOnceWith(request, expect.any(AbortSignal));
  });

  it('completes (204) with variables, null variables or no body', async () => {
    expect((await call(srv.url, 'POST', `/v2/jobs/${K}/completion`, { variables: { ok: true } })).status).toBe(204);
    expect(srv.engine.completeJob).toHaveBeenLastCalledWith(K, { ok: true });
    expect((await call(srv.url, 'POST', `/v2/jobs/${K}/completion`, { variables: null, result: null })).status).toBe(204);
    expect(srv.engine.completeJob).toHaveBeenLastCalledWith(K, undefined);
    expect((await call(srv.url, 'POST', `/v2/jobs/${K}/completion`)).status).toBe(204);
    expect(srv.engine.completeJob).toHaveBeenCalledTimes(3);
  });

  it('fails (204) with the 8.8 defaults for retries and back-off', async () => {
    expect((await call(srv.url, 'POST', `/v2/jobs/${K}/failure`, { retries: 2, errorMessage: 'boom', retryBackOff: 1000, variables: { x: 1 } })).status).toBe(204);
    expect(srv.engine.failJob).toHaveBeenLastCalledWith(K, { retries: 2, errorMessage: 'boom', retryBackOff: 1000, variables: { x: 1 } });
    await call(srv.url, 'POST', `/v2/jobs/${K}/failure`, {});
    expect(srv.engine.failJob).toHaveBeenLastCalledWith(K, { retries: 0, retryBackOff: 0 });
  });

  it('throws an error (204)', async () => {
    expect((await call(srv.url, 'POST', `/v2/jobs/${K}/error`, { errorCode: 'NO_STOCK', errorMessage: null, variables: { y: 2 } })).status).toBe(204);
    expect(srv.engine.throwJobError).toHaveBeenCalledWith(K, { errorCode: 'NO_STOCK', errorMessage: undefined, variables: { y: 2 } });
  });

  it('updates (204), nulls meaning "unchanged"', async () => {
    expect((await call(srv.url, 'PATCH', `/v2/jobs/${K}`, { changeset: { retries: 5, timeout: null }, operationReference: 1 })).status).toBe(204);
    expect(srv.engine.updateJob).toHaveBeenCalledWith(K, { retries: 5, timeout: undefined });
  });
});

describe('user tasks', () => {
  const K = '2251799813685270';
  it('assigns (204); allowOverride defaults to true; action is ignored', async () => {
    expect((await call(srv.url, 'POST', `/v2/user-tasks/${K}/assignment`, { assignee: 'anna', action: 'assign' })).status).toBe(204);
    expect(srv.engine.assignUserTask).toHaveBeenLastCalledWith(K, 'anna', true);
    await call(srv.url, 'POST', `/v2/user-tasks/${K}/assignment`, { assignee: 'ben', allowOverride: false });
    expect(srv.engine.assignUserTask).toHaveBeenLastCalledWith(K, 'ben', false);
  });

  it('unassigns (204)', async () => {
    expect((await call(srv.url, 'DELETE', `/v2/user-tasks/${K}/assignee`)).status).toBe(204);
    expect(srv.engine.unassignUserTask).toHaveBeenCalledWith(K);
  });

  it('updates (204): nulls dropped, "" and [] kept (they clear)', async () => {
    const res = await call(srv.url, 'PATCH', `/v2/user-tasks/${K}`, {
      changeset: { dueDate: '2025-07-01T10:00:00+02:00', followUpDate: '', candidateGroups: [], candidateUsers: null, priority: 80 },
      action: 'escalate',
    });
    expect(res.status).toBe(204);
    expect(srv.engine.updateUserTask).toHaveBeenCalledWith(K, { dueDate: '2025-07-01T10:00:00+02:00', followUpDate: '', candidateGroups: [], priority: 80 });
  });

  it('updates with only an action (empty changeset)', async () => {
    expect((await call(srv.url, 'PATCH', `/v2/user-tasks/${K}`, { action: 'touch' })).status).toBe(204);
    expect(srv.engine.updateUserTask).toHaveBeenCalledWith(K, {});
  });

  it('accepts the bare changeset @camunda8/sdk sends to PATCH …/update', async () => {
    expect((await call(srv.url, 'PATCH', `/v2/user-tasks/${K}/update`, { priority: 10 })).status).toBe(204);
    expect(srv.engine.updateUserTask).toHaveBeenCalledWith(K, { priority: 10 });
  });

  it('completes (204) with or without variables', async () => {
    expect((await call(srv.url, 'POST', `/v2/user-tasks/${K}/completion`, { variables: { approved: true }, action: 'complete' })).status).toBe(204);
    expect(srv.engine.completeUserTask).toHaveBeenLastCalledWith(K, { approved: true });
    expect((await call(srv.url, 'POST', `/v2/user-tasks/${K}/completion`)).status).toBe(204);
    expect(srv.engine.completeUserTask).toHaveBeenLastCalledWith(K, undefined);
  });
});

describe('incidents', () => {
  it('resolves (204)', async () => {
    const K = '2251799813685280';
    expect((await call(srv.url, 'POST', `/v2/incidents/${K}/resolution`)).status).toBe(204);
    expect((await call(srv.url, 'POST', `/v2/incidents/${K}/resolution`, null)).status).toBe(204);
    expect(srv.engine.resolveIncident).toHaveBeenCalledTimes(2);
    expect(srv.engine.resolveIncident).toHaveBeenCalledWith(K);
  });
});
