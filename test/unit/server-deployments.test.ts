/** POST /v2/deployments: multipart/form-data with file parts named `resources`. */
import { formDeploymentSchema, processDeploymentSchema } from '@camunda/camunda-api-zod-schemas/8.8';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeploymentResponse } from '../../src/engine/types.js';
import { call, startServer, type TestServer } from './server-fixtures.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer({ deploymentLimitBytes: 64 * 1024 });
});
afterAll(() => srv.close());
beforeEach(() => vi.resetAllMocks());

const BPMN = '<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions id="d">…评聘…</bpmn:definitions>';
const FORM = JSON.stringify({ id: 'approve', components: [] });

const deployment: DeploymentResponse = {
  deploymentKey: '2251799813685248',
  tenantId: '<default>',
  deployments: [
    { processDefinition: { processDefinitionId: 'order', processDefinitionVersion: 1, processDefinitionKey: '2251799813685249', resourceName: '评聘.bpmn', tenantId: '<default>' } },
    { form: { formId: 'approve', version: 1, formKey: '2251799813685250', resourceName: 'approve.form', tenantId: '<default>' } },
  ],
};

async function deploy(fill: (fd: FormData) => void): Promise<Awaited<ReturnType<typeof call>>> {
  const fd = new FormData();
  fill(fd);
  const res = await fetch(`${srv.url}/v2/deployments`, { method: 'POST', body: fd });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

describe('POST /v2/deployments', () => {
  it('hands every file (name + bytes) and the tenant to engine.deploy, answering its response', async () => {
    srv.engine.deploy.mockResolvedValue(deployment);
    const binary = Buffer.from([0, 255, 1, 254, 13, 10, 45, 45]); // bytes that must survive untouched
    const res = await deploy((fd) => {
      fd.append('resources', new Blob([BPMN], { type: 'application/octet-stream' }), '评聘.bpmn');
      fd.append('resources', new Blob([FORM], { type: 'application/json' }), 'approve.form');
      fd.append('resources', new Blob([binary]), 'raw.bin');
      fd.append('tenantId', '<default>');
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual(deployment);
    processDeploymentSchema.strict().parse(res.json.deployments[0].processDefinition);
    formDeploymentSchema.strict().parse(res.json.deployments[1].form);

    expect(srv.engine.deploy).toHaveBeenCalledOnce();
    const [resources, tenantId] = srv.engine.deploy.mock.calls[0]!;
    expect(tenantId).toBe('<default>');
    expect(resources.map((r) => r.name)).toEqual(['评聘.bpmn', 'approve.form', 'raw.bin']);
    expect(resources[0]!.content.toString('utf8')).toBe(BPMN);
    expect(resources[1]!.content.toString('utf8')).toBe(FORM);
    expect(Buffer.compare(resources[2]!.content, binary)).toBe(0);
  });

  it('leaves the tenant to the engine when none is sent', async () => {
    srv.engine.deploy.mockResolvedValue(deployment);
    await deploy((fd) => fd.append('resources', new Blob([BPMN]), 'a.bpmn'));
    expect(srv.engine.deploy).toHaveBeenCalledWith([expect.objectContaining({ name: 'a.bpmn' })], undefined);
  });

  it('400 when no resource is sent', async () => {
    const res = await deploy((fd) => fd.append('tenantId', '<default>'));
    expect(res).toMatchObject({ status: 400, json: { title: 'INVALID_ARGUMENT', detail: 'No resources provided', instance: '/v2/deployments' } });
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(srv.engine.deploy).not.toHaveBeenCalled();
  });

  it('400 for a part with another name', async () => {
    const res = await deploy((fd) => fd.append('resource', new Blob([BPMN]), 'a.bpmn'));
    expect(res).toMatchObject({ status: 400, json: { detail: expect.stringMatching(/^resource: unknown multipart part/) } });
    const res2 = await deploy((fd) => {
      fd.append('resources', new Blob([BPMN]), 'a.bpmn');
      fd.append('comment', 'hi');
    });
    expect(res2).toMatchObject({ status: 400, json: { detail: expect.stringMatching(/^comment: unknown multipart part/) } });
    expect(srv.engine.deploy).not.toHaveBeenCalled();
  });

  it('400 for another tenant (multi-tenancy disabled)', async () => {
    const res = await deploy((fd) => {
      fd.append('resources', new Blob([BPMN]), 'a.bpmn');
      fd.append('tenantId', 'acme');
    });
    expect(res).toMatchObject({
      status: 400,
      json: { detail: "Expected to handle request Deploy Resources with tenant identifier 'acme', but multi-tenancy is disabled" },
    });
  });

  it('413 over the size limit', async () => {
    const res = await deploy((fd) => {
      fd.append('resources', new Blob(['x'.repeat(40 * 1024)]), 'a.bpmn');
      fd.append('resources', new Blob(['y'.repeat(40 * 1024)]), 'b.bpmn');
    });
    expect(res).toMatchObject({ status: 413, json: { title: 'Payload Too Large' } });
    expect(srv.engine.deploy).not.toHaveBeenCalled();
  });

  it('415 for a JSON body, 400 for a multipart body without boundary', async () => {
    expect(await call(srv.url, 'POST', '/v2/deployments', { resources: [] })).toMatchObject({ status: 415, json: { title: 'Unsupported Media Type' } });
    expect(await call(srv.url, 'POST', '/v2/deployments', 'x', { 'content-type': 'multipart/form-data' })).toMatchObject({
      status: 400,
      json: { detail: expect.stringMatching(/^Malformed multipart request/) },
    });
  });

  it('maps an engine rejection of the resources', async () => {
    const { EngineError } = await import('../../src/engine/errors.js');
    srv.engine.deploy.mockRejectedValue(new EngineError('INVALID_ARGUMENT', "Command 'CREATE' rejected: 'a.bpmn': no process"));
    const res = await deploy((fd) => fd.append('resources', new Blob(['<x/>']), 'a.bpmn'));
    expect(res).toMatchObject({ status: 400, json: { title: 'INVALID_ARGUMENT', detail: "Command 'CREATE' rejected: 'a.bpmn': no process" } });
  });
});
