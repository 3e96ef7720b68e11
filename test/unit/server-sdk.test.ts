/**
 * The real clients against the app (engine and queries faked): @camunda8/sdk's CamundaRestClient
 * (how pingpin's workers talk) and @camunda8/orchestration-cluster-api with strict response validation
 * (the 8.8 spec's own schemas checking our answers).
 */
import { createCamundaClient } from '@camunda8/orchestration-cluster-api';
import { Camunda8 } from '@camunda8/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineError } from '../../src/engine/errors.js';
import type { ActivatedJob, CreateProcessInstanceResponse, DeploymentResponse } from '../../src/engine/types.js';
import { startServer, type TestServer } from './server-fixtures.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(() => srv.close());
beforeEach(() => vi.resetAllMocks());

const deployment: DeploymentResponse = {
  deploymentKey: '2251799813685248',
  tenantId: '<default>',
  deployments: [
    { processDefinition: { processDefinitionId: 'order', processDefinitionVersion: 1, processDefinitionKey: '2251799813685249', resourceName: 'order.bpmn', tenantId: '<default>' } },
  ],
};
const created: CreateProcessInstanceResponse = {
  processDefinitionId: 'order',
  processDefinitionVersion: 1,
  processDefinitionKey: '2251799813685249',
  processInstanceKey: '2251799813685251',
  tenantId: '<default>',
  variables: {},
};
const job: ActivatedJob = {
  jobKey: '2251799813685260',
  type: 'ship',
  processDefinitionId: 'order',
  processDefinitionVersion: 1,
  processDefinitionKey: '2251799813685249',
  processInstanceKey: '2251799813685251',
  elementId: 'Ship',
  elementInstanceKey: '2251799813685259',
  customHeaders: {},
  worker: 'w',
  retries: 3,
  deadline: 1_750_000_000_000,
  variables: { n: 1 },
  tenantId: '<default>',
  kind: 'BPMN_ELEMENT',
  listenerEventType: 'UNSPECIFIED',
};

describe('@camunda8/sdk CamundaRestClient', () => {
  const client = () =>
    new Camunda8({
      ZEEBE_REST_ADDRESS: srv.url,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      CAMUNDA_LOG_LEVEL: 'none',
    } as never).getCamundaRestClient();

  it('deploys, starts, completes and fails through the SDK', async () => {
    const c8 = client();
    srv.engine.deploy.mockResolvedValue(deployment);
    const deployed = await c8.deployResources([{ name: 'order.bpmn', content: '<bpmn/>' }]);
    expect(deployed.processes[0]?.processDefinitionKey).toBe('2251799813685249');
    expect(srv.engine.deploy).toHaveBeenCalledWith([{ name: 'order.bpmn', content: Buffer.from('<bpmn/>') }], '<default>');

    srv.engine.createProcessInstance.mockReturnValue(created);
    const pi = await c8.createProcessInstance({ processDefinitionId: 'order', variables: { amount: 3 } });
    expect(pi.processInstanceKey).toBe(created.processInstanceKey);
    expect(srv.engine.createProcessInstance).toHaveBeenCalledWith({ processDefinitionId: 'order', variables: { amount: 3 }, tenantId: '<default>' });

    srv.engine.awaitProcessInstance.mockResolvedValue({ total: 9 });
    const done = await c8.createProcessInstanceWithResult({ processDefinitionId: 'order', variables: {} });
    expect(done.variables).toEqual({ total: 9 });

    await c8.completeJob({ jobKey: job.jobKey, variables: { ok: true } });
    expect(srv.engine.completeJob).toHaveBeenCalledWith(job.jobKey, { ok: true });
    await c8.failJob({ jobKey: job.jobKey, errorMessage: 'boom', retries: 1, retryBackOff: 0 });
    expect(srv.engine.failJob).toHaveBeenCalledWith(job.jobKey, { errorMessage: 'boom', retries: 1, retryBackOff: 0 });
    await c8.errorJob({ jobKey: job.jobKey, errorCode: 'E1', errorMessage: 'bad', variables: { why: 'x' } });
    expect(srv.engine.throwJobError).toHaveBeenCalledWith(job.jobKey, { errorCode: 'E1', errorMessage: 'bad', variables: { why: 'x' } });

    srv.engine.activateJobs.mockResolvedValue([job]);
    const jobs = await c8.activateJobs({ type: 'ship', worker: 'w', timeout: 30_000, maxJobsToActivate: 5, requestTimeout: 1000 });
    expect(jobs.map((j) => j.jobKey)).toEqual([job.jobKey]);
  });

  it('user task commands through the SDK, including its PATCH …/update quirk', async () => {
    const c8 = client();
    const K = '2251799813685270';
    await c8.assignUserTask({ userTaskKey: K, assignee: 'anna' });
    expect(srv.engine.assignUserTask).toHaveBeenCalledWith(K, 'anna', true);
    await c8.unassignUserTask({ userTaskKey: K });
    expect(srv.engine.unassignUserTask).toHaveBeenCalledWith(K);
    await c8.updateUserTask({ userTaskKey: K, changeset: { dueDate: '2025-07-01T10:00:00.000Z', candidateGroups: ['hr'] } });
    expect(srv.engine.updateUserTask).toHaveBeenCalledWith(K, { dueDate: '2025-07-01T10:00:00.000Z', candidateGroups: ['hr'] });
    await c8.completeUserTask({ userTaskKey: K, variables: { approved: true } });
    expect(srv.engine.completeUserTask).toHaveBeenCalledWith(K, { approved: true });
    await c8.resolveIncident('2251799813685280');
    expect(srv.engine.resolveIncident).toHaveBeenCalledWith('2251799813685280');
  });

  it('surfaces problem details as HTTP errors', async () => {
    const c8 = client();
    srv.engine.completeJob.mockImplementation(() => {
      throw new EngineError('NOT_FOUND', "Expected to complete job with key '1', but no such job was found");
    });
    await expect(c8.completeJob({ jobKey: '1', variables: {} })).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('@camunda8/orchestration-cluster-api with strict response validation', () => {
  const client = () =>
    createCamundaClient({
      config: { CAMUNDA_REST_ADDRESS: srv.url, CAMUNDA_AUTH_STRATEGY: 'NONE', CAMUNDA_SDK_VALIDATION: 'req:none,res:strict', CAMUNDA_SDK_LOG_LEVEL: 'silent' } as never,
    });

  it('accepts our topology, deployment, creation and activation answers', async () => {
    const c = client();
    const topology = await c.getTopology();
    expect(topology.brokers?.[0]?.partitions[0]?.role).toBe('leader');

    srv.engine.deploy.mockResolvedValue(deployment);
    const deployed = await c.createDeployment({ resources: [new File(['<bpmn/>'], 'order.bpmn')] });
    expect(deployed.deploymentKey).toBe(deployment.deploymentKey);
    expect(srv.engine.deploy).toHaveBeenCalledWith([{ name: 'order.bpmn', content: Buffer.from('<bpmn/>') }], '<default>');

    srv.engine.createProcessInstance.mockReturnValue(created);
    const pi = await c.createProcessInstance({ processDefinitionId: 'order' } as never);
    expect(pi.processInstanceKey).toBe(created.processInstanceKey);

    srv.engine.activateJobs.mockResolvedValue([job]);
    const activated = await c.activateJobs({ type: 'ship', timeout: 1000, maxJobsToActivate: 1 } as never);
    expect(activated.jobs).toHaveLength(1);

    await c.completeJob({ jobKey: job.jobKey, variables: {} } as never);
    expect(srv.engine.completeJob).toHaveBeenCalledWith(job.jobKey, {});
  });
});
