/**
 * Engine conformance through @camunda8/sdk against a server on a random port: the same client our
 * workers and Camunda Modeler use. Each test deploys its own process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineWorker } from '../../workers/runtime.js';
import { bpmn, io, job, serviceChain } from '../support/bpmn.js';
import { eventually, startHarness, type Harness } from '../support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const deploy = (name: string, xml: string) => h.client.deployResources([{ name, content: xml }]);

async function activate(type: string, max = 10) {
  return h.client.activateJobs({ type, worker: 'test', timeout: 60_000, maxJobsToActivate: max, requestTimeout: -1 } as never);
}

async function userTasks(filter: Record<string, unknown>) {
  const r = await h.http('POST', '/v2/user-tasks/search', { filter });
  expect(r.status).toBe(200);
  return r.body.items as Array<Record<string, any>>;
}

async function incidents(processInstanceKey: string) {
  const r = await h.http('POST', '/v2/incidents/search', { filter: { processInstanceKey } });
  expect(r.status).toBe(200);
  return r.body.items as Array<Record<string, any>>;
}

async function instanceState(key: string): Promise<string> {
  const r = await h.http('GET', `/v2/process-instances/${key}`);
  expect(r.status).toBe(200);
  return r.body.state as string;
}

async function variables(processInstanceKey: string): Promise<Record<string, unknown>> {
  const r = await h.http('POST', '/v2/variables/search', { filter: { processInstanceKey } });
  expect(r.status).toBe(200);
  return Object.fromEntries((r.body.items as Array<{ name: string; value: string; scopeKey: string }>)
    .filter((v) => v.scopeKey === processInstanceKey)
    .map((v) => [v.name, JSON.parse(v.value)]));
}

describe('deployment', () => {
  it('versions a changed resource and returns the existing version for an unchanged one', async () => {
    const first = await deploy('versioned.bpmn', serviceChain('versioned', ['v-a']));
    expect(first.processes).toHaveLength(1);
    const p1 = first.processes[0]!;
    expect(p1).toMatchObject({ processDefinitionId: 'versioned', processDefinitionVersion: 1, resourceName: 'versioned.bpmn' });
    expect(p1.processDefinitionKey).toMatch(/^\d+$/);

    const again = await deploy('versioned.bpmn', serviceChain('versioned', ['v-a']));
    expect(again.processes[0]).toMatchObject({ processDefinitionVersion: 1, processDefinitionKey: p1.processDefinitionKey });

    const changed = await deploy('versioned.bpmn', serviceChain('versioned', ['v-a', 'v-b']));
    expect(changed.processes[0]!.processDefinitionVersion).toBe(2);
    expect(changed.processes[0]!.processDefinitionKey).not.toBe(p1.processDefinitionKey);

    const xml = await h.http('GET', `/v2/process-definitions/${p1.processDefinitionKey}/xml`);
    expect(xml.status).toBe(200);
    expect(xml.body).toContain('v-a');
    expect(xml.body).not.toContain('v-b');
  });

  it('rejects malformed XML with 400 naming the resource', async () => {
    const err = await deploy('broken.bpmn', '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="x">').catch((e) => e);
    expect(err.statusCode).toBe(400);
    expect(err.detail).toContain("'broken.bpmn'");
  });

  it('rejects the whole deployment when one element is unsupported, naming the element', async () => {
    const timer = bpmn(
      'with-timer',
      [
        { id: 'start', kind: 'start' },
        { id: 'wait', kind: 'throw', body: '<bpmn:compensateEventDefinition />' },
        { id: 'end', kind: 'end' },
      ],
      [
        { id: 'f1', from: 'start', to: 'wait' },
        { id: 'f2', from: 'wait', to: 'end' },
      ],
    );
    const r = await h.client
      .deployResources([
        { name: 'fine.bpmn', content: serviceChain('fine-but-not-deployed', ['x']) },
        { name: 'timer.bpmn', content: timer },
      ])
      .catch((e) => e);
    expect(r.statusCode).toBe(400);
    expect(r.detail).toContain('wait');
    expect(r.detail).toMatch(/compensation events are not supported/);
    const defs = await h.http('POST', '/v2/process-definitions/search', { filter: { processDefinitionId: 'fine-but-not-deployed' } });
    expect(defs.body.items).toHaveLength(0);
  });

  it('rejects a FEEL syntax error at deployment, naming the element and attribute', async () => {
    const xml = bpmn('bad-feel', [
      { id: 'start', kind: 'start' },
      { id: 'calc', kind: 'script', ext: '<zeebe:script expression="=a +" resultVariable="r" />' },
    ], [{ id: 'f1', from: 'start', to: 'calc' }]);
    const err = await deploy('bad-feel.bpmn', xml).catch((e) => e);
    expect(err.statusCode).toBe(400);
    expect(err.detail).toContain('calc');
    expect(err.detail).toContain('zeebe:script expression');
  });
});

describe('process instances and jobs', () => {
  it('runs a process to the end with a real SDK job worker, and awaits its result', async () => {
    await deploy('sdk-worker.bpmn', serviceChain('sdk-worker', ['sw-add', 'sw-double']));
    const worker = h.client.createJobWorker({
      type: 'sw-add',
      worker: 'adder',
      timeout: 30_000,
      maxJobsToActivate: 5,
      pollIntervalMs: 50,
      jobHandler: (j) => j.complete({ sum: (j.variables as any).a + (j.variables as any).b }),
    });
    const worker2 = h.client.createJobWorker({
      type: 'sw-double',
      worker: 'doubler',
      timeout: 30_000,
      maxJobsToActivate: 5,
      pollIntervalMs: 50,
      jobHandler: (j) => j.complete({ doubled: (j.variables as any).sum * 2 }),
    });
    try {
      const result = await h.client.createProcessInstanceWithResult({
        processDefinitionId: 'sdk-worker',
        variables: { a: 2, b: 3 },
        requestTimeout: 10_000,
      } as never);
      expect((result as any).variables).toEqual({ a: 2, b: 3, sum: 5, doubled: 10 });
      expect(await instanceState((result as any).processInstanceKey)).toBe('COMPLETED');
    } finally {
      await worker.stop();
      await worker2.stop();
    }
  });

  it('starts workers declared with defineWorker and fails invalid input into an incident naming the field', async () => {
    await h.stop();
    const greet = defineWorker({
      type: 'dw-greet',
      input: z.object({ name: z.string().min(1, '姓名不能为空') }),
      handler: ({ name }) => ({ greeting: `你好，${name}` }),
    });
    h = await startHarness({ workers: [greet] });
    await deploy('dw.bpmn', serviceChain('dw', ['dw-greet']));
    const ok = await h.client.createProcessInstance({ processDefinitionId: 'dw', variables: { name: '李工' } });
    await eventually(async () => (await instanceState(ok.processInstanceKey)) === 'COMPLETED');
    expect(await variables(ok.processInstanceKey)).toMatchObject({ greeting: '你好，李工' });

    const bad = await h.client.createProcessInstance({ processDefinitionId: 'dw', variables: { name: '' } });
    const [incident] = await eventually(async () => {
      const list = await incidents(bad.processInstanceKey);
      return list.length > 0 ? list : undefined;
    });
    expect(incident).toMatchObject({ errorType: 'JOB_NO_RETRIES', elementId: 'task1' });
    expect(incident!.errorMessage).toContain('name: 姓名不能为空');
  });

  it('passes custom headers, fetches only requested variables, and long-polls until a job arrives', async () => {
    const xml = bpmn('headers', [
      { id: 'start', kind: 'start' },
      { id: 'work', kind: 'service', ext: `${job('hd-work', '=2 + 3')}<zeebe:taskHeaders><zeebe:header key="level" value="T" /></zeebe:taskHeaders>` },
      { id: 'end', kind: 'end' },
    ], [{ id: 'f1', from: 'start', to: 'work' }, { id: 'f2', from: 'work', to: 'end' }]);
    await deploy('headers.bpmn', xml);
    const polling = h.http('POST', '/v2/jobs/activation', { type: 'hd-work', timeout: 10_000, maxJobsToActivate: 1, requestTimeout: 5_000, fetchVariable: ['keep'] });
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await h.client.createProcessInstance({ processDefinitionId: 'headers', variables: { keep: 1, drop: 2 } });
    const r = await polling;
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(r.status).toBe(200);
    expect(r.body.jobs).toHaveLength(1);
    expect(r.body.jobs[0]).toMatchObject({ type: 'hd-work', retries: 5, customHeaders: { level: 'T' }, variables: { keep: 1 } });
    expect(r.body.jobs[0].variables).not.toHaveProperty('drop');
  });

  it('makes a timed-out job activatable again', async () => {
    await deploy('timeout.bpmn', serviceChain('timeout', ['to-work']));
    await h.client.createProcessInstance({ processDefinitionId: 'timeout', variables: {} });
    const first = await h.client.activateJobs({ type: 'to-work', worker: 'slow', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1 } as never);
    expect(first).toHaveLength(1);
    expect(await activate('to-work')).toHaveLength(0);
    const clock = h.running.engine!.clock;
    clock.pin(Date.now() + 61_000);
    try {
      const again = await eventually(async () => {
        const jobs = await activate('to-work');
        return jobs.length > 0 ? jobs : undefined;
      });
      expect(again[0]!.jobKey).toBe(first[0]!.jobKey);
      expect(again[0]!.retries).toBe(3);
      const jobs = await h.http('POST', '/v2/jobs/search', { filter: { jobKey: first[0]!.jobKey } });
      expect(jobs.body.items[0].worker).toBe('test');
    } finally {
      clock.reset();
    }
  });

  it('raises JOB_NO_RETRIES with the worker message, refuses to resolve without retries, and continues once retries are raised', async () => {
    await deploy('failing.bpmn', serviceChain('failing', ['fl-work']));
    const pi = await h.client.createProcessInstance({ processDefinitionId: 'failing', variables: {} });
    const [j] = await activate('fl-work');
    await h.client.failJob({ jobKey: j!.jobKey, retries: 0, errorMessage: '国家查询系统无响应', retryBackOff: 0 });
    const [incident] = await incidents(pi.processInstanceKey);
    expect(incident).toMatchObject({ errorType: 'JOB_NO_RETRIES', errorMessage: '国家查询系统无响应', state: 'ACTIVE', jobKey: j!.jobKey });
    const instance = await h.http('GET', `/v2/process-instances/${pi.processInstanceKey}`);
    expect(instance.body.hasIncident).toBe(true);

    const refused = await h.http('POST', `/v2/incidents/${incident!.incidentKey}/resolution`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('has no retries left');

    await h.client.updateJob({ jobKey: j!.jobKey, retries: 2 });
    const resolved = await h.http('POST', `/v2/incidents/${incident!.incidentKey}/resolution`);
    expect(resolved.status).toBe(204);
    const [again] = await activate('fl-work');
    expect(again!.jobKey).toBe(j!.jobKey);
    expect(again!.retries).toBe(2);
    await h.client.completeJob({ jobKey: again!.jobKey, variables: {} });
    expect(await instanceState(pi.processInstanceKey)).toBe('COMPLETED');
    expect((await incidents(pi.processInstanceKey))[0]!.state).toBe('RESOLVED');
  });

  it('holds a failed job back for its retry back-off', async () => {
    await deploy('backoff.bpmn', serviceChain('backoff', ['bo-work']));
    await h.client.createProcessInstance({ processDefinitionId: 'backoff', variables: {} });
    const [j] = await activate('bo-work');
    await h.client.failJob({ jobKey: j!.jobKey, retries: 2, errorMessage: 'busy', retryBackOff: 60_000 });
    expect(await activate('bo-work')).toHaveLength(0);
    const clock = h.running.engine!.clock;
    clock.pin(Date.now() + 61_000);
    try {
      const [again] = await eventually(async () => {
        const jobs = await activate('bo-work');
        return jobs.length ? jobs : undefined;
      });
      expect(again).toMatchObject({ jobKey: j!.jobKey, retries: 2 });
    } finally {
      clock.reset();
    }
  });

  it('turns an uncaught BPMN error into an UNHANDLED_ERROR_EVENT incident naming the code', async () => {
    await deploy('err.bpmn', serviceChain('err', ['er-work']));
    const pi = await h.client.createProcessInstance({ processDefinitionId: 'err', variables: {} });
    const [j] = await activate('er-work');
    await h.client.errorJob({ jobKey: j!.jobKey, errorCode: 'INELIGIBLE', errorMessage: '不符合申报条件', variables: {} });
    const [incident] = await incidents(pi.processInstanceKey);
    expect(incident!.errorType).toBe('UNHANDLED_ERROR_EVENT');
    expect(incident!.errorMessage).toContain("'INELIGIBLE'");
  });

  it('answers 404 for unknown keys and ids, and 400 for malformed JSON', async () => {
    const unknownJob = await h.http('POST', '/v2/jobs/2251799813999999/completion', { variables: {} });
    expect(unknownJob.status).toBe(404);
    expect(unknownJob.headers.get('content-type')).toContain('application/problem+json');
    expect(unknownJob.body).toMatchObject({ status: 404, title: 'NOT_FOUND' });

    const unknownProcess = await h.client.createProcessInstance({ processDefinitionId: 'does-not-exist', variables: {} }).catch((e) => e);
    expect(unknownProcess.statusCode).toBe(404);
    expect(unknownProcess.detail).toContain('does-not-exist');

    const malformed = await h.http('POST', '/v2/process-instances', undefined, '{"processDefinitionId": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.status).toBe(400);

    const unknownField = await h.http('POST', '/v2/process-instances', { processDefinitionId: 'x', colour: 'red' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.detail).toContain('colour');

    const badKey = await h.http('GET', '/v2/process-instances/not-a-key');
    expect(badKey.status).toBe(400);
  });

  it('cancels an instance: its job and user task are canceled and the instance is TERMINATED', async () => {
    const xml = bpmn('cancel', [
      { id: 'start', kind: 'start' },
      { id: 'fork', kind: 'and' },
      { id: 'work', kind: 'service', ext: job('cx-work') },
      { id: 'review', kind: 'user', ext: '<zeebe:userTask />' },
    ], [
      { id: 'f1', from: 'start', to: 'fork' },
      { id: 'f2', from: 'fork', to: 'work' },
      { id: 'f3', from: 'fork', to: 'review' },
    ]);
    await deploy('cancel.bpmn', xml);
    const pi = await h.client.createProcessInstance({ processDefinitionId: 'cancel', variables: {} });
    await h.client.cancelProcessInstance({ processInstanceKey: pi.processInstanceKey });
    expect(await instanceState(pi.processInstanceKey)).toBe('TERMINATED');
    expect(await activate('cx-work')).toHaveLength(0);
    const [task] = await userTasks({ processInstanceKey: pi.processInstanceKey });
    expect(task!.state).toBe('CANCELED');
    const again = await h.http('POST', `/v2/process-instances/${pi.processInstanceKey}/cancellation`, {});
    expect(again.status).toBe(404);
  });
});

describe('user tasks', () => {
  const reviewModel = bpmn('review-process', [
    { id: 'start', kind: 'start' },
    {
      id: 'review',
      kind: 'user',
      name: '企业评审',
      ext: `<zeebe:userTask /><zeebe:formDefinition formId="review-form" /><zeebe:assignmentDefinition candidateGroups="=[&quot;enterprise-&quot; + creditCode + &quot;-hr&quot;]" />
        <zeebe:taskSchedule dueDate="=&quot;2026-12-01T17:00:00+08:00&quot;" /><zeebe:priorityDefinition priority="=70" />`,
    },
    { id: 'end', kind: 'end' },
  ], [{ id: 'f1', from: 'start', to: 'review' }, { id: 'f2', from: 'review', to: 'end' }]);
  const form = JSON.stringify({
    id: 'review-form',
    type: 'default',
    schemaVersion: 18,
    components: [{ type: 'radio', key: 'approved', label: '是否通过', values: [{ label: '通过', value: true }, { label: '不通过', value: false }] }],
  });

  it('is found by candidate group, assigned, and completed with variables that reach the process', async () => {
    await h.client.deployResources([
      { name: 'review-form.form', content: form },
      { name: 'review.bpmn', content: reviewModel },
    ]);
    const pi = await h.client.createProcessInstance({ processDefinitionId: 'review-process', variables: { creditCode: '91350100M000100Y43' } });
    const tasks = await userTasks({ candidateGroup: 'enterprise-91350100M000100Y43-hr', state: 'CREATED' });
    const task = tasks.find((t) => t.processInstanceKey === pi.processInstanceKey)!;
    expect(task).toMatchObject({
      name: '企业评审',
      elementId: 'review',
      candidateGroups: ['enterprise-91350100M000100Y43-hr'],
      priority: 70,
      dueDate: '2026-12-01T09:00:00.000Z',
    });
    expect(await userTasks({ candidateGroup: 'enterprise-other-hr', processInstanceKey: pi.processInstanceKey })).toHaveLength(0);

    const formRes = await h.http('GET', `/v2/user-tasks/${task.userTaskKey}/form`);
    expect(formRes.status).toBe(200);
    expect(formRes.body.formId).toBe('review-form');

    // A task with candidates goes only to one of them (pingpin's Tasklist rule): two members of the group.
    const group = 'enterprise-91350100M000100Y43-hr';
    expect((await h.http('POST', '/v2/groups', { groupId: group, name: group })).status).toBeLessThan(300);
    for (const username of ['hr_wang', 'hr_li']) {
      expect((await h.http('POST', '/v2/users', { username, password: 'Hr-Member-Pass-1', name: username, email: `${username}@example.gov.cn` })).status).toBeLessThan(300);
      expect((await h.http('PUT', `/v2/groups/${group}/users/${username}`)).status).toBeLessThan(300);
    }
    await h.client.assignTask({ userTaskKey: task.userTaskKey, assignee: 'hr_wang' } as never);
    const claimed = await h.http('POST', `/v2/user-tasks/${task.userTaskKey}/assignment`, { assignee: 'hr_li', allowOverride: false });
    expect(claimed.status).toBe(409);
    expect((await userTasks({ assignee: 'hr_wang', processInstanceKey: pi.processInstanceKey }))).toHaveLength(1);

    await h.client.completeUserTask({ userTaskKey: task.userTaskKey, variables: { approved: true } });
    expect(await instanceState(pi.processInstanceKey)).toBe('COMPLETED');
    expect(await variables(pi.processInstanceKey)).toMatchObject({ approved: true, creditCode: '91350100M000100Y43' });
    const completed = await h.http('GET', `/v2/user-tasks/${task.userTaskKey}`);
    expect(completed.body.state).toBe('COMPLETED');
    const twice = await h.http('POST', `/v2/user-tasks/${task.userTaskKey}/completion`, { variables: {} });
    expect(twice.status).toBe(409);
  });

  it('lists a task variable once per scope, as 8.8 does (no effective-variables deduplication)', async () => {
    const model = bpmn('scoped-review', [
      { id: 'start', kind: 'start' },
      { id: 'review', kind: 'user', name: '复核', ext: `<zeebe:userTask />${io([['="任务内"', 'stage'], ['=1', 'round']])}` },
      { id: 'end', kind: 'end' },
    ], [{ id: 'f1', from: 'start', to: 'review' }, { id: 'f2', from: 'review', to: 'end' }]);
    await deploy('scoped-review.bpmn', model);
    const pi = await h.client.createProcessInstance({ processDefinitionId: 'scoped-review', variables: { stage: '流程级', creditCode: 'c' } });
    const [task] = await eventually(async () => {
      const found = await userTasks({ processInstanceKey: pi.processInstanceKey });
      if (!found.length) throw new Error('no task yet');
      return found;
    });
    const res = await h.http('POST', `/v2/user-tasks/${task!.userTaskKey}/variables/search?truncateValues=false`, { page: { limit: 100 } });
    expect(res.status).toBe(200);
    const items = res.body.items as Array<{ name: string; value: string; scopeKey: string }>;
    const stage = items.filter((v) => v.name === 'stage').map((v) => [v.scopeKey === pi.processInstanceKey ? 'process' : 'task', JSON.parse(v.value)]);
    expect(stage.sort()).toEqual([['process', '流程级'], ['task', '任务内']]);
    expect(items.filter((v) => v.name === 'creditCode')).toHaveLength(1);
    expect(res.body.page.totalItems).toBe(items.length);
    // What Tasklist shows: the innermost copy.
    const { taskVariablesOf } = await import('../../src/forms/tasklist.js');
    expect(taskVariablesOf(items)).toEqual({ stage: '任务内', round: 1, creditCode: 'c' });
  });

  it('raises FORM_NOT_FOUND when the linked form is not deployed, and continues once it is', async () => {
    const xml = reviewModel.replaceAll('review-form', 'late-form').replaceAll('review-process', 'late-review');
    await deploy('late-review.bpmn', xml);
    const pi = await h.client.createProcessInstance({ processDefinitionId: 'late-review', variables: { creditCode: 'x' } });
    const [incident] = await incidents(pi.processInstanceKey);
    expect(incident, incident?.errorMessage).toMatchObject({ errorType: 'FORM_NOT_FOUND', elementId: 'review' });
    await h.client.deployResources([{ name: 'late-form.form', content: form.replace('review-form', 'late-form') }]);
    expect((await h.http('POST', `/v2/incidents/${incident!.incidentKey}/resolution`)).status).toBe(204);
    expect(await userTasks({ processInstanceKey: pi.processInstanceKey })).toHaveLength(1);
  });
});

describe('gateways, scripts and variables', () => {
  const routing = bpmn('routing', [
    { id: 'start', kind: 'start' },
    { id: 'which', kind: 'xor', attrs: 'default="toOther"' },
    { id: 'high', kind: 'service', ext: job('rt-high') },
    { id: 'low', kind: 'service', ext: job('rt-low') },
    { id: 'other', kind: 'service', ext: job('rt-other') },
  ], [
    { id: 'f0', from: 'start', to: 'which' },
    { id: 'toHigh', from: 'which', to: 'high', condition: '=score >= 80' },
    { id: 'toLow', from: 'which', to: 'low', condition: '=score < 60' },
    { id: 'toOther', from: 'which', to: 'other' },
  ]);

  it('routes on the first true condition and falls back to the default flow', async () => {
    await deploy('routing.bpmn', routing);
    for (const [score, type] of [[90, 'rt-high'], [30, 'rt-low'], [70, 'rt-other']] as const) {
      const pi = await h.client.createProcessInstance({ processDefinitionId: 'routing', variables: { score } });
      const jobs = await activate(type);
      expect(jobs.map((j) => j.processInstanceKey)).toEqual([pi.processInstanceKey]);
    }
  });

  it('raises an incident when a condition cannot be evaluated, and re-evaluates on resolution', async () => {
    await deploy('routing.bpmn', routing);
    const pi = await h.client.createProcessInstance({ processDefinitionId: 'routing', variables: {} });
    const [incident] = await incidents(pi.processInstanceKey);
    expect(incident).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'which' });
    expect(incident!.errorMessage).toContain("Expected result of the expression 'score >= 80' to be 'BOOLEAN', but was 'NULL'");
    expect(incident!.errorMessage).toContain("[NO_VARIABLE_FOUND]");
    const set = await h.http('PUT', `/v2/element-instances/${pi.processInstanceKey}/variables`, { variables: { score: 95 } });
    expect(set.status).toBe(204);
    expect((await h.http('POST', `/v2/incidents/${incident!.incidentKey}/resolution`)).status).toBe(204);
    const jobs = await activate('rt-high');
    expect(jobs.map((j) => j.processInstanceKey)).toContain(pi.processInstanceKey);
  });

  it('raises CONDITION_ERROR when no condition is true and there is no default flow', async () => {
    const xml = bpmn('no-default', [
      { id: 'start', kind: 'start' },
      { id: 'which', kind: 'xor' },
      { id: 'a', kind: 'end' },
      { id: 'b', kind: 'end' },
    ], [
      { id: 'f0', from: 'start', to: 'which' },
      { id: 'fa', from: 'which', to: 'a', condition: '=x = 1' },
      { id: 'fb', from: 'which', to: 'b', condition: '=x = 2' },
    ]);
    await deploy('no-default.bpmn', xml);
    const pi = await h.client.createProcessInstance({ processDefinitionId: 'no-default', variables: { x: 3 } });
    const [incident] = await incidents(pi.processInstanceKey);
    expect(incident).toMatchObject({
      errorType: 'CONDITION_ERROR',
      errorMessage: 'Expected at least one condition to evaluate to true, or to have a default flow',
    });
  });

  it('forks and joins parallel branches, completing only when both arrived', async () => {
    const xml = bpmn('parallel', [
      { id: 'start', kind: 'start' },
      { id: 'fork', kind: 'and' },
      { id: 'left', kind: 'service', ext: job('pl-left') },
      { id: 'right', kind: 'service', ext: job('pl-right') },
      { id: 'join', kind: 'and' },
      { id: 'after', kind: 'service', ext: job('pl-after') },
      { id: 'end', kind: 'end' },
    ], [
      { id: 'f1', from: 'start', to: 'fork' },
      { id: 'f2', from: 'fork', to: 'left' },
      { id: 'f3', from: 'fork', to: 'right' },
      { id: 'f4', from: 'left', to: 'join' },
      { id: 'f5', from: 'right', to: 'join' },
      { id: 'f6', from: 'join', to: 'after' },
      { id: 'f7', from: 'after', to: 'end' },
    ]);
    await deploy('parallel.bpmn', xml);
    const pi = await h.client.createProcessInstance({ processDefinitionId: 'parallel', variables: {} });
    const [left] = await activate('pl-left');
    const [right] = await activate('pl-right');
    await h.client.completeJob({ jobKey: left!.jobKey, variables: { l: 1 } });
    expect(await activate('pl-after')).toHaveLength(0);
    await h.client.completeJob({ jobKey: right!.jobKey, variables: { r: 2 } });
    const [after] = await activate('pl-after');
    expect(after!.variables).toMatchObject({ l: 1, r: 2 });
    await h.client.completeJob({ jobKey: after!.jobKey, variables: {} });
    expect(await instanceState(pi.processInstanceKey)).toBe('COMPLETED');
    const elements = await h.http('POST', '/v2/element-instances/search', { filter: { processInstanceKey: pi.processInstanceKey, elementId: 'join' } });
    expect(elements.body.items).toHaveLength(1);
  });

  it('applies input mappings as locals, output mappings to the parent, and propagates job variables', async () => {
    const xml = bpmn('mapping', [
      { id: 'start', kind: 'start' },
      {
        id: 'work',
        kind: 'service',
        ext: job('mp-work') + io([['=applicant.name', 'who'], ['=upper case(who)', 'shout'], ['=1', 'cfg.retries']], [['=result * 10', 'scaled'], ['=who', 'summary.name']]),
      },
      { id: 'plain', kind: 'service', ext: job('mp-plain') },
      { id: 'calc', kind: 'script', ext: '<zeebe:script expression="=scaled + 1" resultVariable="total" />' },
      { id: 'end', kind: 'end' },
    ], [
      { id: 'f1', from: 'start', to: 'work' },
      { id: 'f2', from: 'work', to: 'plain' },
      { id: 'f3', from: 'plain', to: 'calc' },
      { id: 'f4', from: 'calc', to: 'end' },
    ]);
    await deploy('mapping.bpmn', xml);
    const pi = await h.client.createProcessInstance({
      processDefinitionId: 'mapping',
      variables: { applicant: { name: 'zhang' }, summary: { level: 'T' }, list: [1, 'two', null, { x: true }] },
    });
    const [j] = await activate('mp-work');
    expect(j!.variables).toMatchObject({ who: 'zhang', shout: 'ZHANG', cfg: { retries: 1 } });
    await h.client.completeJob({ jobKey: j!.jobKey, variables: { result: 4, unmapped: true } });
    const [p] = await activate('mp-plain');
    await h.client.completeJob({ jobKey: p!.jobKey, variables: { list: [3], fromPlain: 'yes' } });
    expect(await instanceState(pi.processInstanceKey)).toBe('COMPLETED');
    const vars = await variables(pi.processInstanceKey);
    expect(vars).toEqual({
      applicant: { name: 'zhang' },
      summary: { level: 'T', name: 'zhang' },
      scaled: 40,
      list: [3],
      fromPlain: 'yes',
      total: 41,
    });
  });
});
