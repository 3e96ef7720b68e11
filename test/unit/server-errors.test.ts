/** Request validation and error answers: RFC 9457 problem details as 8.8 sends them. */
import { problemDetailResponseSchema } from '@camunda/camunda-api-zod-schemas/8.8';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineError, type RejectionKind } from '../../src/engine/errors.js';
import { call, startServer, type TestServer } from './server-fixtures.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer({ jsonLimitBytes: 1024 });
});
afterAll(() => srv.close());
beforeEach(() => {
  vi.resetAllMocks();
  srv.logs.length = 0;
});

/** Sends, checks the problem+json envelope, returns the problem. */
async function problem(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  const res = await call(srv.url, method, path, body, headers);
  expect(res.type).toMatch(/^application\/problem\+json/);
  const p = problemDetailResponseSchema.strict().parse(res.json);
  expect(p.status).toBe(res.status);
  expect(p.type).toBe('about:blank');
  expect(p.instance).toBe(path.split('?')[0]);
  return p;
}

const JOB = '/v2/jobs/2251799813685260';

describe('body validation (400 INVALID_ARGUMENT naming the field)', () => {
  it('rejects an unknown property', async () => {
    const p = await problem('POST', `${JOB}/completion`, { variables: {}, variabels: {} });
    expect(p).toMatchObject({ status: 400, title: 'INVALID_ARGUMENT' });
    expect(p.detail).toBe('variabels: unknown property (not part of this 8.8 request)');
    expect(srv.engine.completeJob).not.toHaveBeenCalled();
  });

  it('rejects an unknown nested property', async () => {
    const p = await problem('PATCH', JOB, { changeset: { retries: 1, deadline: 5 } });
    expect(p.detail).toBe('changeset.deadline: unknown property (not part of this 8.8 request)');
  });

  it('rejects a wrong type', async () => {
    const p = await problem('POST', '/v2/process-instances', { processDefinitionId: 42 });
    expect(p).toMatchObject({ status: 400, title: 'INVALID_ARGUMENT' });
    expect(p.detail).toBe('processDefinitionId: expected a string, got a number');
  });

  it('names every offending field at once', async () => {
    const p = await problem('POST', '/v2/jobs/activation', { type: 'x', timeout: 1.5, maxJobsToActivate: 0, fetchVariable: ['a', 3] });
    expect(p.detail).toBe(
      'timeout: expected an integer, got a non-integer number; maxJobsToActivate: must be >= 1; fetchVariable[1]: expected a string, got a number',
    );
  });

  it('rejects a missing required field', async () => {
    const p = await problem('POST', '/v2/user-tasks/1/assignment', {});
    expect(p.detail).toBe('assignee: is required (expected a string)');
  });

  it('rejects a missing required body', async () => {
    const p = await problem('POST', '/v2/user-tasks/1/assignment');
    expect(p.detail).toBe('request body: is required (expected an object)');
  });

  it('rejects a body that is not an object', async () => {
    const p = await problem('POST', '/v2/jobs/1/error', [1, 2]);
    expect(p.detail).toBe('request body: expected an object, got an array');
  });

  it('rejects variables that are not an object', async () => {
    const p = await problem('PUT', '/v2/element-instances/1/variables', { variables: [1] });
    expect(p.detail).toBe('variables: expected an object, got an array');
  });

  it('rejects empty variables for PUT …/variables as 8.8 does', async () => {
    const p = await problem('PUT', '/v2/element-instances/1/variables', { variables: {} });
    expect(p.detail).toBe('variables: No variables provided');
  });

  it('requires exactly one of processDefinitionId / processDefinitionKey', async () => {
    expect((await problem('POST', '/v2/process-instances', { variables: {} })).detail).toBe(
      'request body: At least one of [processDefinitionId, processDefinitionKey] is required',
    );
    expect((await problem('POST', '/v2/process-instances', { processDefinitionId: 'a', processDefinitionKey: '1' })).detail).toBe(
      'request body: Only one of [processDefinitionId, processDefinitionKey] is allowed',
    );
  });

  it('rejects a body key that is not an int64', async () => {
    const p = await problem('POST', '/v2/process-instances', { processDefinitionKey: 'order' });
    expect(p.detail).toMatch(/^processDefinitionKey: expected a decimal int64 key string but got 'order'/);
  });

  it('rejects start instructions, runtime instructions and tags as unsupported', async () => {
    const base = { processDefinitionId: 'order' };
    expect((await problem('POST', '/v2/process-instances', { ...base, startInstructions: [{ elementId: 'Task' }] })).detail).toMatch(
      /^startInstructions: start instructions are not supported/,
    );
    expect(
      (await problem('POST', '/v2/process-instances', { ...base, runtimeInstructions: [{ type: 'TERMINATE_PROCESS_INSTANCE', afterElementId: 'a' }] }))
        .detail,
    ).toMatch(/^runtimeInstructions: runtime instructions are not supported/);
    expect((await problem('POST', '/v2/process-instances', { ...base, tags: ['vip'] })).detail).toMatch(/^tags: process instance tags are not supported/);
    expect(srv.engine.createProcessInstance).not.toHaveBeenCalled();
  });

  it('rejects a non-empty job result as unsupported', async () => {
    const p = await problem('POST', `${JOB}/completion`, { result: { type: 'userTask', denied: true } });
    expect(p.detail).toMatch(/^result: job results .* are not supported by this engine$/);
  });

  it('rejects an empty job update and an empty user task update with 8.8 messages', async () => {
    expect((await problem('PATCH', JOB, { changeset: { retries: null } })).detail).toBe('changeset: At least one of [retries, timeout] is required');
    expect((await problem('PATCH', '/v2/user-tasks/1', { changeset: {} })).detail).toBe(
      'No update data provided. Provide at least an "action" or a non-null value for a supported attribute in the "changeset"',
    );
  });

  it('rejects a malformed date and an out-of-range priority in a user task change set', async () => {
    const p = await problem('PATCH', '/v2/user-tasks/1', { changeset: { dueDate: 'tomorrow', priority: 101 } });
    expect(p.detail).toMatch(/^changeset\.dueDate: .*; changeset\.priority: must be <= 100$/);
  });

  it('rejects an operationReference that is not a positive integer', async () => {
    expect((await problem('POST', '/v2/incidents/1/resolution', { operationReference: 0 })).detail).toBe('operationReference: must be >= 1');
    expect((await problem('POST', '/v2/incidents/1/resolution', { operationReference: true })).detail).toBe(
      'operationReference: expected a positive int64 integer',
    );
  });
});

describe('tenants (multi-tenancy disabled)', () => {
  it('accepts <default> and rejects any other tenant as 8.8 does', async () => {
    const p = await problem('POST', '/v2/process-instances', { processDefinitionId: 'order', tenantId: 'acme' });
    expect(p).toMatchObject({
      status: 400,
      title: 'INVALID_ARGUMENT',
      detail: "Expected to handle request Create Process Instance with tenant identifier 'acme', but multi-tenancy is disabled",
    });
  });

  it('checks the tenants of a job activation', async () => {
    const p = await problem('POST', '/v2/jobs/activation', { type: 't', timeout: 1000, maxJobsToActivate: 1, tenantIds: ['<default>', 'acme'] });
    expect(p.detail).toBe('Expected to handle request Activate Jobs with tenant identifiers [<default>, acme], but multi-tenancy is disabled');
    expect(srv.engine.activateJobs).not.toHaveBeenCalled();
  });
});

describe('path keys', () => {
  it.each([
    ['GET', '/v2/process-instances/order', 'processInstanceKey', 'order'],
    ['POST', '/v2/jobs/12a/completion', 'jobKey', '12a'],
    ['GET', '/v2/user-tasks/99999999999999999999', 'userTaskKey', '99999999999999999999'],
    ['DELETE', '/v2/user-tasks/1.5/assignee', 'userTaskKey', '1.5'],
  ])('%s %s → 400', async (method, path, name, value) => {
    const p = await problem(method, path);
    expect(p).toMatchObject({
      status: 400,
      title: 'INVALID_ARGUMENT',
      detail: `The provided ${name} '${value}' is not a valid key. Expected a numeric value. Did you pass an entity id instead of an entity key?`,
    });
  });
});

describe('transport-level errors', () => {
  it('malformed JSON → 400 naming the parse error', async () => {
    const p = await problem('POST', '/v2/jobs/activation', '{"type": "a",');
    expect(p).toMatchObject({ status: 400, title: 'Bad Request' });
    expect(p.detail).toMatch(/^Request body is not valid JSON: .*JSON/);
  });

  it('a body over the limit → 413', async () => {
    const p = await problem('POST', '/v2/process-instances', { processDefinitionId: 'x', variables: { big: 'x'.repeat(2000) } });
    expect(p).toMatchObject({ status: 413, title: 'Payload Too Large' });
  });

  it('a non-JSON body → 415', async () => {
    const p = await problem('POST', `${JOB}/completion`, 'variables=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(p).toMatchObject({ status: 415, title: 'Unsupported Media Type' });
  });

  it('an unknown route under /v2 → 404', async () => {
    const p = await problem('GET', '/v2/nope?x=1');
    expect(p).toMatchObject({ status: 404, title: 'Not Found', detail: 'No endpoint GET /v2/nope' });
  });

  it('a known path with another method → 405 with Allow', async () => {
    const res = await call(srv.url, 'PUT', '/v2/user-tasks/1');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, PATCH');
    expect(res.json).toMatchObject({ title: 'Method Not Allowed' });
  });
});

describe('engine errors', () => {
  it.each([
    ['INVALID_ARGUMENT', 400],
    ['NOT_FOUND', 404],
    ['INVALID_STATE', 409],
    ['ALREADY_EXISTS', 409],
    ['DEADLINE_EXCEEDED', 504],
    ['UNAVAILABLE', 503],
  ] as Array<[RejectionKind, number]>)('%s → %i', async (kind, status) => {
    srv.engine.completeJob.mockImplementation(() => {
      throw new EngineError(kind, `rejected: ${kind}`);
    });
    const p = await problem('POST', `${JOB}/completion`, {});
    expect(p).toEqual({ type: 'about:blank', title: kind, status, detail: `rejected: ${kind}`, instance: `${JOB}/completion` });
  });

  it('maps async rejections and query errors too', async () => {
    srv.queries.getProcessInstance.mockRejectedValue(new EngineError('NOT_FOUND', "Process instance with key '1' not found"));
    expect(await problem('GET', '/v2/process-instances/1')).toMatchObject({ status: 404, title: 'NOT_FOUND', detail: "Process instance with key '1' not found" });
    srv.queries.searchJobs.mockImplementation(() => {
      throw new EngineError('INVALID_ARGUMENT', 'filter.foo: unknown property');
    });
    expect(await problem('POST', '/v2/jobs/search', { filter: { foo: 1 } })).toMatchObject({ status: 400, detail: 'filter.foo: unknown property' });
  });

  it('awaitCompletion timing out → 504 DEADLINE_EXCEEDED', async () => {
    srv.engine.createProcessInstance.mockReturnValue({
      processDefinitionId: 'p',
      processDefinitionVersion: 1,
      processDefinitionKey: '1',
      processInstanceKey: '2',
      tenantId: '<default>',
      variables: {},
    });
    srv.engine.awaitProcessInstance.mockRejectedValue(new EngineError('DEADLINE_EXCEEDED', 'timed out'));
    expect(await problem('POST', '/v2/process-instances', { processDefinitionId: 'p', awaitCompletion: true })).toMatchObject({
      status: 504,
      title: 'DEADLINE_EXCEEDED',
    });
  });

  it('an unexpected error → 500 without internals, logged with pino', async () => {
    srv.engine.cancelProcessInstance.mockImplementation(() => {
      throw new TypeError('secret internal detail');
    });
    const res = await call(srv.url, 'POST', '/v2/process-instances/1/cancellation');
    expect(res.status).toBe(500);
    expect(res.json).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Unexpected error occurred during the request processing',
      instance: '/v2/process-instances/1/cancellation',
    });
    expect(res.text).not.toMatch(/secret|TypeError|at /);
    const logged = srv.logs.find((l) => l.level === 50);
    expect(logged).toMatchObject({ method: 'POST', url: '/v2/process-instances/1/cancellation', err: { type: 'TypeError', message: 'secret internal detail' } });
  });
});
