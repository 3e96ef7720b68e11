/**
 * Timers, messages, signals, errors, escalations, scopes, call activities, multi-instance and
 * gateways, driven through the REST API with @camunda8/sdk where it has the call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpmn, chain, job, message, timer, type El } from '../support/bpmn.js';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
const T0 = Date.parse('2026-09-28T02:00:00Z');

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const deploy = async (name: string, xml: string) => {
  const r = await h.client.deployResources([{ name, content: xml }]).catch((e) => e);
  if (r instanceof Error) throw new Error(`deployment of ${name} failed: ${(r as any).detail ?? r.message}`);
  return r;
};
const start = (processDefinitionId: string, variables: Record<string, unknown> = {}) =>
  h.client.createProcessInstance({ processDefinitionId, variables });
const activate = (type: string) =>
  h.client.activateJobs({ type, worker: 'test', timeout: 60_000, maxJobsToActivate: 50, requestTimeout: -1 } as never);
const pin = async (ms: number) => expect((await h.http('PUT', '/v2/clock', { timestamp: ms })).status).toBe(204);

async function state(key: string): Promise<string> {
  return (await h.http('GET', `/v2/process-instances/${key}`)).body.state;
}
async function elements(processInstanceKey: string): Promise<Array<{ elementId: string; state: string; type: string }>> {
  const r = await h.http('POST', '/v2/element-instances/search', { filter: { processInstanceKey }, page: { limit: 1000 } });
  return r.body.items;
}
const active = async (pi: string) => (await elements(pi)).filter((e) => e.state === 'ACTIVE').map((e) => e.elementId).sort();
const completed = async (pi: string) => (await elements(pi)).filter((e) => e.state === 'COMPLETED').map((e) => e.elementId);
async function vars(pi: string): Promise<Record<string, unknown>> {
  const r = await h.http('POST', '/v2/variables/search', { filter: { processInstanceKey: pi }, page: { limit: 1000 } });
  return Object.fromEntries((r.body.items as any[]).filter((v) => v.scopeKey === pi).map((v) => [v.name, JSON.parse(v.value)]));
}
async function incidents(pi: string) {
  return (await h.http('POST', '/v2/incidents/search', { filter: { processInstanceKey: pi, state: 'ACTIVE' } })).body.items as any[];
}
async function userTask(pi: string, elementId?: string) {
  const r = await h.http('POST', '/v2/user-tasks/search', { filter: { processInstanceKey: pi, state: 'CREATED', ...(elementId ? { elementId } : {}) } });
  return r.body.items[0] as { userTaskKey: string; elementId: string } | undefined;
}
async function completeJob(type: string, pi: string, variables: Record<string, unknown> = {}) {
  const jobs = await activate(type);
  const j = jobs.find((x) => x.processInstanceKey === pi);
  expect(j, `a '${type}' job for ${pi}`).toBeDefined();
  await h.client.completeJob({ jobKey: j!.jobKey, variables: variables as never });
  return j!;
}

const userTaskEl = (id: string): El => ({ id, kind: 'user', ext: '<zeebe:userTask />' });
const serviceEl = (id: string, type = id): El => ({ id, kind: 'service', ext: job(type) });

describe('timers', () => {
  it('fires an intermediate timer when the pinned clock passes it, and now() reads the same clock', async () => {
    await pin(T0);
    const { elements: els, flows } = chain(
      { id: 'start', kind: 'start' },
      { id: 'wait', kind: 'catch', body: timer('timeDuration', 'PT1H') },
      { id: 'stamp', kind: 'script', ext: '<zeebe:script expression="=string(now())" resultVariable="firedAt" />' },
      { id: 'end', kind: 'end' },
    );
    await deploy('timer-catch.bpmn', bpmn('timer-catch', els, flows));
    const pi = await start('timer-catch');
    expect(await active(pi.processInstanceKey)).toEqual(['wait']);
    await pin(T0 + 59 * 60_000);
    expect(await state(pi.processInstanceKey)).toBe('ACTIVE');
    await pin(T0 + 60 * 60_000);
    expect(await state(pi.processInstanceKey)).toBe('COMPLETED');
    expect((await vars(pi.processInstanceKey)).firedAt).toBe('2026-09-28T03:00:00Z');
  });

  it('interrupts a user task with a timer boundary and repeats a non-interrupting cycle', async () => {
    await pin(T0);
    const xml = bpmn(
      'timer-boundary',
      [
        { id: 'start', kind: 'start' },
        userTaskEl('review'),
        { id: 'end', kind: 'end' },
        { id: 'deadline', kind: 'boundary', attachedTo: 'review', body: timer('timeDate', '=date and time("2026-10-09T23:59:59+08:00")') },
        serviceEl('escalate'),
        { id: 'remind', kind: 'boundary', attachedTo: 'review', attrs: 'cancelActivity="false"', body: timer('timeCycle', 'R2/P1D') },
        serviceEl('reminder'),
        { id: 'endR', kind: 'end' },
      ],
      [
        { id: 'f1', from: 'start', to: 'review' },
        { id: 'f2', from: 'review', to: 'end' },
        { id: 'f3', from: 'deadline', to: 'escalate' },
        { id: 'f4', from: 'remind', to: 'reminder' },
        { id: 'f5', from: 'reminder', to: 'endR' },
      ],
    );
    await deploy('timer-boundary.bpmn', xml);
    const pi = await start('timer-boundary');
    await pin(T0 + 86_400_000);
    await pin(T0 + 2 * 86_400_000);
    await pin(T0 + 3 * 86_400_000);
    const reminders = (await activate('reminder')).filter((j) => j.processInstanceKey === pi.processInstanceKey);
    expect(reminders).toHaveLength(2); // R2: two repetitions, then the cycle is exhausted
    expect(await userTask(pi.processInstanceKey)).toBeDefined();
    await pin(Date.parse('2026-10-09T16:00:00Z'));
    expect(await userTask(pi.processInstanceKey)).toBeUndefined();
    expect(await active(pi.processInstanceKey)).toEqual(['escalate', 'reminder', 'reminder'].sort());
  });

  it('starts instances from a timer start event', async () => {
    await pin(T0);
    const { elements: els, flows } = chain({ id: 'tick', kind: 'start', body: timer('timeCycle', 'R2/PT10M') }, serviceEl('tick-work'));
    await deploy('timer-start.bpmn', bpmn('timer-start', els, flows));
    await pin(T0 + 10 * 60_000);
    await pin(T0 + 20 * 60_000);
    await pin(T0 + 30 * 60_000);
    const r = await h.http('POST', '/v2/process-instances/search', { filter: { processDefinitionId: 'timer-start' } });
    expect(r.body.page.totalItems).toBe(2);
  });
});

describe('messages', () => {
  const roots = message('m_obj', 'objection', '=noticeId');
  const model = () => {
    const { elements: els, flows } = chain(
      { id: 'start', kind: 'start' },
      { id: 'wait', kind: 'catch', body: '<bpmn:messageEventDefinition messageRef="m_obj" />' },
      { id: 'end', kind: 'end' },
    );
    return bpmn('msg-catch', els, flows, roots);
  };

  it('correlates a published message to a waiting catch event and merges its variables', async () => {
    await deploy('msg-catch.bpmn', model());
    const pi = await start('msg-catch', { noticeId: 'N-1' });
    const other = await start('msg-catch', { noticeId: 'N-2' });
    await h.client.publishMessage({ name: 'objection', correlationKey: 'N-1', variables: { objection: '材料不实' }, timeToLive: 0 } as never);
    expect(await state(pi.processInstanceKey)).toBe('COMPLETED');
    expect(await state(other.processInstanceKey)).toBe('ACTIVE');
    expect((await vars(pi.processInstanceKey)).objection).toBe('材料不实');
  });

  it('buffers a message for its time to live and refuses a duplicate message id', async () => {
    await deploy('msg-catch.bpmn', model());
    const first = await h.http('POST', '/v2/messages/publication', { name: 'objection', correlationKey: 'N-9', timeToLive: 60_000, messageId: 'obj-1', variables: { n: 1 } });
    expect(first.status).toBe(200);
    expect(first.body.messageKey).toMatch(/^\d+$/);
    const dup = await h.http('POST', '/v2/messages/publication', { name: 'objection', correlationKey: 'N-9', timeToLive: 60_000, messageId: 'obj-1' });
    expect(dup.status).toBe(409);
    const pi = await start('msg-catch', { noticeId: 'N-9' });
    expect(await state(pi.processInstanceKey)).toBe('COMPLETED');
    expect((await vars(pi.processInstanceKey)).n).toBe(1);
    // The buffered message was used by this process once; a second instance does not get it again.
    const second = await start('msg-catch', { noticeId: 'N-9' });
    expect(await state(second.processInstanceKey)).toBe('ACTIVE');
  });

  it('answers 404 to a correlation with no waiting subscription, and correlates when one waits', async () => {
    await deploy('msg-catch.bpmn', model());
    const none = await h.http('POST', '/v2/messages/correlation', { name: 'objection', correlationKey: 'nobody' });
    expect(none.status).toBe(404);
    const pi = await start('msg-catch', { noticeId: 'N-3' });
    const r = await h.http('POST', '/v2/messages/correlation', { name: 'objection', correlationKey: 'N-3' });
    expect(r.status).toBe(200);
    expect(r.body.processInstanceKey).toBe(pi.processInstanceKey);
  });

  it('runs a non-interrupting message event subprocess each time, and an interrupting one once', async () => {
    const xml = bpmn(
      'msg-esp',
      [
        { id: 'start', kind: 'start' },
        userTaskEl('work'),
        { id: 'end', kind: 'end' },
        {
          id: 'onObjection',
          kind: 'eventSub',
          inner: chain(
            { id: 'objStart', kind: 'start', attrs: 'isInterrupting="false"', body: '<bpmn:messageEventDefinition messageRef="m_obj" />' },
            serviceEl('investigate'),
            { id: 'objEnd', kind: 'end' },
          ),
        },
        {
          id: 'onWithdraw',
          kind: 'eventSub',
          inner: chain(
            { id: 'wStart', kind: 'start', body: '<bpmn:messageEventDefinition messageRef="m_w" />' },
            { id: 'wEnd', kind: 'end' },
          ),
        },
      ],
      [
        { id: 'f1', from: 'start', to: 'work' },
        { id: 'f2', from: 'work', to: 'end' },
      ],
      roots + message('m_w', 'withdraw', '=noticeId'),
    );
    await deploy('msg-esp.bpmn', xml);
    const pi = await start('msg-esp', { noticeId: 'E-1' });
    await h.client.publishMessage({ name: 'objection', correlationKey: 'E-1', variables: {}, timeToLive: 0 } as never);
    await h.client.publishMessage({ name: 'objection', correlationKey: 'E-1', variables: {}, timeToLive: 0 } as never);
    expect((await active(pi.processInstanceKey)).filter((e) => e === 'investigate')).toHaveLength(2);
    expect(await userTask(pi.processInstanceKey)).toBeDefined();
    await h.client.publishMessage({ name: 'withdraw', correlationKey: 'E-1', variables: {}, timeToLive: 0 } as never);
    expect(await state(pi.processInstanceKey)).toBe('COMPLETED');
    expect(await userTask(pi.processInstanceKey)).toBeUndefined();
  });

  it('starts a process from a message start event, once per correlation key while it runs', async () => {
    const { elements: els, flows } = chain(
      { id: 'report', kind: 'start', body: '<bpmn:messageEventDefinition messageRef="m_fraud" />' },
      userTaskEl('investigate'),
      { id: 'end', kind: 'end' },
    );
    await deploy('msg-start.bpmn', bpmn('msg-start', els, flows, message('m_fraud', 'fraud-reported')));
    await h.client.publishMessage({ name: 'fraud-reported', correlationKey: 'C-1', variables: { who: 'x' }, timeToLive: 0 } as never);
    await h.client.publishMessage({ name: 'fraud-reported', correlationKey: 'C-1', variables: {}, timeToLive: 0 } as never);
    await h.client.publishMessage({ name: 'fraud-reported', correlationKey: 'C-2', variables: {}, timeToLive: 0 } as never);
    const r = await h.http('POST', '/v2/process-instances/search', { filter: { processDefinitionId: 'msg-start' } });
    expect(r.body.page.totalItems).toBe(2);
  });

  it('takes the first event of an event-based gateway and closes the other', async () => {
    await pin(T0);
    const xml = bpmn(
      'race',
      [
        { id: 'start', kind: 'start' },
        { id: 'gw', kind: 'events' },
        { id: 'answer', kind: 'catch', body: '<bpmn:messageEventDefinition messageRef="m_ans" />' },
        { id: 'late', kind: 'catch', body: timer('timeDuration', 'P5D') },
        { id: 'endA', kind: 'end' },
        { id: 'endL', kind: 'end' },
      ],
      [
        { id: 'f1', from: 'start', to: 'gw' },
        { id: 'f2', from: 'gw', to: 'answer' },
        { id: 'f3', from: 'gw', to: 'late' },
        { id: 'f4', from: 'answer', to: 'endA' },
        { id: 'f5', from: 'late', to: 'endL' },
      ],
      message('m_ans', 'answer', '=caseId'),
    );
    await deploy('race.bpmn', xml);
    const a = await start('race', { caseId: 'A' });
    const b = await start('race', { caseId: 'B' });
    await h.client.publishMessage({ name: 'answer', correlationKey: 'A', variables: {}, timeToLive: 0 } as never);
    await pin(T0 + 6 * 86_400_000);
    expect(await completed(a.processInstanceKey)).toContain('endA');
    expect(await completed(a.processInstanceKey)).not.toContain('endL');
    expect(await completed(b.processInstanceKey)).toContain('endL');
  });
});

describe('signals', () => {
  it('broadcasts to catch events and signal start events', async () => {
    const roots = '<bpmn:signal id="s_stop" name="stop-all" />';
    const a = chain({ id: 'start', kind: 'start' }, { id: 'wait', kind: 'catch', body: '<bpmn:signalEventDefinition signalRef="s_stop" />' }, { id: 'end', kind: 'end' });
    await deploy('sig-catch.bpmn', bpmn('sig-catch', a.elements, a.flows, roots));
    const b = chain({ id: 'sstart', kind: 'start', body: '<bpmn:signalEventDefinition signalRef="s_stop" />' }, serviceEl('sig-started'));
    await deploy('sig-start.bpmn', bpmn('sig-start', b.elements, b.flows, roots));
    const one = await start('sig-catch');
    const two = await start('sig-catch');
    const r = await h.http('POST', '/v2/signals/broadcast', { signalName: 'stop-all', variables: { reason: 'policy' } });
    expect(r.status).toBe(200);
    expect(await state(one.processInstanceKey)).toBe('COMPLETED');
    expect(await state(two.processInstanceKey)).toBe('COMPLETED');
    const started = await activate('sig-started');
    expect(started.length).toBeGreaterThanOrEqual(1);
    expect(started[0]!.variables).toMatchObject({ reason: 'policy' });
  });
});

describe('signal throw', () => {
  it('broadcasts from an intermediate signal throw event and an end event, interrupting a boundary', async () => {
    const roots = '<bpmn:signal id="s_halt" name="halt-review" />';
    const waiter = bpmn(
      'sig-waiter',
      [
        { id: 'start', kind: 'start' },
        userTaskEl('review'),
        { id: 'end', kind: 'end' },
        { id: 'halted', kind: 'boundary', attachedTo: 'review', body: '<bpmn:signalEventDefinition signalRef="s_halt" />' },
        { id: 'endH', kind: 'end' },
      ],
      [
        { id: 'f1', from: 'start', to: 'review' },
        { id: 'f2', from: 'review', to: 'end' },
        { id: 'f3', from: 'halted', to: 'endH' },
      ],
      roots,
    );
    await deploy('sig-waiter.bpmn', waiter);
    const thrower = chain({ id: 'start', kind: 'start' }, { id: 'shout', kind: 'throw', body: '<bpmn:signalEventDefinition signalRef="s_halt" />' }, { id: 'end', kind: 'end' });
    await deploy('sig-thrower.bpmn', bpmn('sig-thrower', thrower.elements, thrower.flows, roots));
    const w = await start('sig-waiter');
    expect(await userTask(w.processInstanceKey)).toBeDefined();
    const t = await start('sig-thrower');
    expect(await state(t.processInstanceKey)).toBe('COMPLETED');
    expect(await state(w.processInstanceKey)).toBe('COMPLETED');
    expect(await completed(w.processInstanceKey)).toContain('endH');
  });
});

describe('errors, escalations and termination', () => {
  const errors = '<bpmn:error id="e_inel" name="ineligible" errorCode="INELIGIBLE" /><bpmn:error id="e_any" name="any" />';

  it('catches a job error on a boundary event with its variables, preferring the matching code', async () => {
    const xml = bpmn(
      'err-boundary',
      [
        { id: 'start', kind: 'start' },
        serviceEl('check'),
        { id: 'ok', kind: 'end' },
        { id: 'caught', kind: 'boundary', attachedTo: 'check', body: '<bpmn:errorEventDefinition errorRef="e_inel" />' },
        { id: 'catchAll', kind: 'boundary', attachedTo: 'check', body: '<bpmn:errorEventDefinition />' },
        serviceEl('reject'),
        serviceEl('other'),
      ],
      [
        { id: 'f1', from: 'start', to: 'check' },
        { id: 'f2', from: 'check', to: 'ok' },
        { id: 'f3', from: 'caught', to: 'reject' },
        { id: 'f4', from: 'catchAll', to: 'other' },
      ],
      errors,
    );
    await deploy('err-boundary.bpmn', xml);
    const pi = await start('err-boundary');
    const [j] = (await activate('check')).filter((x) => x.processInstanceKey === pi.processInstanceKey);
    await h.client.errorJob({ jobKey: j!.jobKey, errorCode: 'INELIGIBLE', errorMessage: '不符合条件', variables: { reasons: ['年限不足'] } });
    const [r] = (await activate('reject')).filter((x) => x.processInstanceKey === pi.processInstanceKey);
    expect(r!.variables).toMatchObject({ reasons: ['年限不足'] });
    const pi2 = await start('err-boundary');
    const [j2] = (await activate('check')).filter((x) => x.processInstanceKey === pi2.processInstanceKey);
    await h.client.errorJob({ jobKey: j2!.jobKey, errorCode: 'SOMETHING_ELSE', errorMessage: '', variables: {} });
    expect((await activate('other')).map((x) => x.processInstanceKey)).toContain(pi2.processInstanceKey);
  });

  it('catches an error thrown in a called process on the call activity, cancelling the child', async () => {
    const child = chain({ id: 'cstart', kind: 'start' }, serviceEl('child-work'), { id: 'fail', kind: 'end', body: '<bpmn:errorEventDefinition errorRef="e_inel" />' });
    await deploy('child.bpmn', bpmn('child', child.elements, child.flows, errors));
    const parent = bpmn(
      'parent',
      [
        { id: 'start', kind: 'start' },
        { id: 'call', kind: 'call', ext: '<zeebe:calledElement processId="child" propagateAllChildVariables="true" />' },
        { id: 'end', kind: 'end' },
        { id: 'onError', kind: 'boundary', attachedTo: 'call', body: '<bpmn:errorEventDefinition errorRef="e_inel" />' },
        { id: 'handled', kind: 'end' },
      ],
      [
        { id: 'f1', from: 'start', to: 'call' },
        { id: 'f2', from: 'call', to: 'end' },
        { id: 'f3', from: 'onError', to: 'handled' },
      ],
      errors,
    );
    await deploy('parent.bpmn', parent);
    const pi = await start('parent', { applicant: '王' });
    const jobs = await activate('child-work');
    const childJob = jobs.find((x) => (x.variables as any).applicant === '王');
    expect(childJob).toBeDefined();
    const children = await h.http('POST', '/v2/process-instances/search', { filter: { parentProcessInstanceKey: pi.processInstanceKey } });
    expect(children.body.items).toHaveLength(1);
    await h.client.completeJob({ jobKey: childJob!.jobKey, variables: { result: 'x' } });
    expect(await state(pi.processInstanceKey)).toBe('COMPLETED');
    expect(await completed(pi.processInstanceKey)).toContain('handled');
    expect(await state(children.body.items[0].processInstanceKey)).toBe('TERMINATED');
  });

  it('raises UNHANDLED_ERROR_EVENT listing the available codes when nothing matches', async () => {
    const xml = bpmn(
      'err-unhandled',
      [
        { id: 'start', kind: 'start' },
        serviceEl('uh'),
        { id: 'end', kind: 'end' },
        { id: 'caught', kind: 'boundary', attachedTo: 'uh', body: '<bpmn:errorEventDefinition errorRef="e_inel" />' },
        { id: 'endC', kind: 'end' },
      ],
      [
        { id: 'f1', from: 'start', to: 'uh' },
        { id: 'f2', from: 'uh', to: 'end' },
        { id: 'f3', from: 'caught', to: 'endC' },
      ],
      errors,
    );
    await deploy('err-unhandled.bpmn', xml);
    const pi = await start('err-unhandled');
    const [j] = (await activate('uh')).filter((x) => x.processInstanceKey === pi.processInstanceKey);
    await h.client.errorJob({ jobKey: j!.jobKey, errorCode: 'OTHER', errorMessage: '', variables: {} });
    const [incident] = await incidents(pi.processInstanceKey);
    expect(incident.errorType).toBe('UNHANDLED_ERROR_EVENT');
    expect(incident.errorMessage).toContain('Available error events are [INELIGIBLE]');
  });

  it('catches an escalation without interrupting, and terminates a scope with a terminate end event', async () => {
    const xml = bpmn(
      'esc',
      [
        { id: 'start', kind: 'start' },
        {
          id: 'sub',
          kind: 'sub',
          inner: {
            elements: [
              { id: 'sstart', kind: 'start' },
              { id: 'fork', kind: 'and' },
              { id: 'raise', kind: 'throw', body: '<bpmn:escalationEventDefinition escalationRef="esc_1" />' },
              userTaskEl('slow'),
              { id: 'stop', kind: 'end', body: '<bpmn:terminateEventDefinition />' },
            ],
            flows: [
              { id: 's1', from: 'sstart', to: 'fork' },
              { id: 's2', from: 'fork', to: 'raise' },
              { id: 's3', from: 'fork', to: 'slow' },
              { id: 's4', from: 'raise', to: 'stop' },
            ],
          },
        },
        { id: 'after', kind: 'end' },
        { id: 'onEsc', kind: 'boundary', attachedTo: 'sub', attrs: 'cancelActivity="false"', body: '<bpmn:escalationEventDefinition escalationRef="esc_1" />' },
        serviceEl('notify'),
      ],
      [
        { id: 'f1', from: 'start', to: 'sub' },
        { id: 'f2', from: 'sub', to: 'after' },
        { id: 'f3', from: 'onEsc', to: 'notify' },
      ],
      '<bpmn:escalation id="esc_1" name="late" escalationCode="LATE" />',
    );
    await deploy('esc.bpmn', xml);
    const pi = await start('esc');
    // The escalation was caught beside the subprocess; the terminate end event then ended the subprocess, killing 'slow'.
    expect(await userTask(pi.processInstanceKey)).toBeUndefined();
    expect(await completed(pi.processInstanceKey)).toEqual(expect.arrayContaining(['stop', 'sub', 'after', 'onEsc']));
    expect(await active(pi.processInstanceKey)).toEqual(['notify']);
  });
});

describe('call activities', () => {
  it('passes variables down and back up, and cancelling either side cancels the other', async () => {
    const child = chain({ id: 'cs', kind: 'start' }, userTaskEl('childTask'), { id: 'ce', kind: 'end' });
    await deploy('callee.bpmn', bpmn('callee', child.elements, child.flows));
    const parent = chain(
      { id: 'start', kind: 'start' },
      { id: 'call', kind: 'call', ext: '<zeebe:calledElement processId="=calleeId" propagateAllChildVariables="false" /><zeebe:ioMapping><zeebe:output source="=verdict" target="childVerdict" /></zeebe:ioMapping>' },
      { id: 'end', kind: 'end' },
    );
    await deploy('caller.bpmn', bpmn('caller', parent.elements, parent.flows));
    const pi = await start('caller', { calleeId: 'callee', applicant: 'li' });
    const kids = (await h.http('POST', '/v2/process-instances/search', { filter: { parentProcessInstanceKey: pi.processInstanceKey } })).body.items;
    expect(kids).toHaveLength(1);
    const childKey = kids[0].processInstanceKey as string;
    expect(await vars(childKey)).toMatchObject({ applicant: 'li', calleeId: 'callee' });
    const task = await userTask(childKey);
    await h.client.completeUserTask({ userTaskKey: task!.userTaskKey, variables: { verdict: 'ok', noise: 1 } });
    expect(await state(pi.processInstanceKey)).toBe('COMPLETED');
    const v = await vars(pi.processInstanceKey);
    expect(v.childVerdict).toBe('ok');
    expect(v).not.toHaveProperty('noise');

    const pi2 = await start('caller', { calleeId: 'callee' });
    const kid2 = (await h.http('POST', '/v2/process-instances/search', { filter: { parentProcessInstanceKey: pi2.processInstanceKey } })).body.items[0].processInstanceKey;
    expect((await h.http('POST', `/v2/process-instances/${kid2}/cancellation`, {})).status).toBe(204);
    expect(await state(pi2.processInstanceKey)).toBe('TERMINATED');
    expect(await state(kid2)).toBe('TERMINATED');

    const pi3 = await start('caller', { calleeId: 'no-such-process' });
    const [incident] = await incidents(pi3.processInstanceKey);
    expect(incident.errorType).toBe('CALLED_ELEMENT_ERROR');
    expect(incident.errorMessage).toContain("'no-such-process'");
  });
});

describe('multi-instance', () => {
  const mi = (sequential: boolean, extra = '') =>
    `<bpmn:multiInstanceLoopCharacteristics${sequential ? ' isSequential="true"' : ''}><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=members" inputElement="member" outputCollection="scores" outputElement="=score" /></bpmn:extensionElements>${extra}</bpmn:multiInstanceLoopCharacteristics>`;

  it('runs parallel instances and collects outputs in input order whatever the completion order', async () => {
    const { elements: els, flows } = chain(
      { id: 'start', kind: 'start' },
      { id: 'score', kind: 'user', ext: '<zeebe:userTask /><zeebe:assignmentDefinition assignee="=member" />', body: mi(false) },
      { id: 'end', kind: 'end' },
    );
    await deploy('mi-par.bpmn', bpmn('mi-par', els, flows));
    const pi = await start('mi-par', { members: ['a', 'b', 'c'] });
    const tasks = (await h.http('POST', '/v2/user-tasks/search', { filter: { processInstanceKey: pi.processInstanceKey, state: 'CREATED' } })).body.items as any[];
    expect(tasks.map((t) => t.assignee).sort()).toEqual(['a', 'b', 'c']);
    const by = (a: string) => tasks.find((t) => t.assignee === a).userTaskKey;
    await h.client.completeUserTask({ userTaskKey: by('c'), variables: { score: 3 } });
    await h.client.completeUserTask({ userTaskKey: by('a'), variables: { score: 1 } });
    await h.client.completeUserTask({ userTaskKey: by('b'), variables: { score: 2 } });
    expect(await state(pi.processInstanceKey)).toBe('COMPLETED');
    expect((await vars(pi.processInstanceKey)).scores).toEqual([1, 2, 3]);
  });

  it('runs sequentially, stops on the completion condition, and completes at once on an empty collection', async () => {
    const { elements: els, flows } = chain(
      { id: 'start', kind: 'start' },
      { id: 'score', kind: 'service', ext: job('mi-seq'), body: mi(true, '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">=numberOfCompletedInstances &gt;= 2</bpmn:completionCondition>') },
      { id: 'end', kind: 'end' },
    );
    await deploy('mi-seq.bpmn', bpmn('mi-seq', els, flows));
    const pi = await start('mi-seq', { members: ['x', 'y', 'z'] });
    const first = await completeJob('mi-seq', pi.processInstanceKey, { score: 10 });
    expect(first.variables).toMatchObject({ member: 'x', loopCounter: 1 });
    const second = await completeJob('mi-seq', pi.processInstanceKey, { score: 20 });
    expect(second.variables).toMatchObject({ member: 'y', loopCounter: 2 });
    expect(await state(pi.processInstanceKey)).toBe('COMPLETED');
    expect((await vars(pi.processInstanceKey)).scores).toEqual([10, 20, null]);
    const empty = await start('mi-seq', { members: [] });
    expect(await state(empty.processInstanceKey)).toBe('COMPLETED');
  });
});

describe('gateways and links', () => {
  it('forks an inclusive gateway on every true condition and joins only the taken branches', async () => {
    const xml = bpmn(
      'incl',
      [
        { id: 'start', kind: 'start' },
        { id: 'fork', kind: 'or', attrs: 'default="fNone"' },
        serviceEl('a', 'incl-a'),
        serviceEl('b', 'incl-b'),
        serviceEl('c', 'incl-c'),
        { id: 'join', kind: 'or' },
        serviceEl('after', 'incl-after'),
        { id: 'end', kind: 'end' },
      ],
      [
        { id: 'f0', from: 'start', to: 'fork' },
        { id: 'fA', from: 'fork', to: 'a', condition: '=x > 1' },
        { id: 'fB', from: 'fork', to: 'b', condition: '=x > 2' },
        { id: 'fNone', from: 'fork', to: 'c' },
        { id: 'jA', from: 'a', to: 'join' },
        { id: 'jB', from: 'b', to: 'join' },
        { id: 'jC', from: 'c', to: 'join' },
        { id: 'f9', from: 'join', to: 'after' },
        { id: 'f10', from: 'after', to: 'end' },
      ],
    );
    await deploy('incl.bpmn', xml);
    const pi = await start('incl', { x: 3 });
    expect(await active(pi.processInstanceKey)).toEqual(['a', 'b']);
    await completeJob('incl-a', pi.processInstanceKey);
    expect(await active(pi.processInstanceKey)).toEqual(['b']);
    await completeJob('incl-b', pi.processInstanceKey);
    expect(await active(pi.processInstanceKey)).toEqual(['after']);
    const low = await start('incl', { x: 0 });
    expect(await active(low.processInstanceKey)).toEqual(['c']);
    await completeJob('incl-c', low.processInstanceKey);
    expect(await active(low.processInstanceKey)).toEqual(['after']);
  });

  it('jumps from a link throw to the link catch of the same name', async () => {
    const xml = bpmn(
      'links',
      [
        { id: 'start', kind: 'start' },
        { id: 'goTo', kind: 'throw', body: '<bpmn:linkEventDefinition name="page2" />' },
        { id: 'landing', kind: 'catch', body: '<bpmn:linkEventDefinition name="page2" />' },
        { id: 'end', kind: 'end' },
      ],
      [
        { id: 'f1', from: 'start', to: 'goTo' },
        { id: 'f2', from: 'landing', to: 'end' },
      ],
    );
    await deploy('links.bpmn', xml);
    const pi = await start('links');
    expect(await state(pi.processInstanceKey)).toBe('COMPLETED');
    expect(await completed(pi.processInstanceKey)).toEqual(expect.arrayContaining(['goTo', 'landing', 'end']));
  });
});

describe('cancellation and event subprocesses', () => {
  it('closes subscriptions and jobs of a cancelled instance, down into its subprocess', async () => {
    await pin(T0);
    const xml = bpmn(
      'cancel-subs',
      [
        { id: 'start', kind: 'start' },
        {
          id: 'sub',
          kind: 'sub',
          inner: chain({ id: 'ss', kind: 'start' }, { id: 'wait', kind: 'receive', attrs: 'messageRef="m_c"' }, { id: 'se', kind: 'end' }),
        },
        { id: 'end', kind: 'end' },
        { id: 'late', kind: 'boundary', attachedTo: 'sub', body: timer('timeDuration', 'PT1H') },
        serviceEl('late-work'),
      ],
      [
        { id: 'f1', from: 'start', to: 'sub' },
        { id: 'f2', from: 'sub', to: 'end' },
        { id: 'f3', from: 'late', to: 'late-work' },
      ],
      message('m_c', 'cancel-me', '=k'),
    );
    await deploy('cancel-subs.bpmn', xml);
    const pi = await start('cancel-subs', { k: 'K1' });
    expect(await active(pi.processInstanceKey)).toEqual(['sub', 'wait']);
    await h.client.cancelProcessInstance({ processInstanceKey: pi.processInstanceKey });
    expect((await h.http('POST', '/v2/messages/correlation', { name: 'cancel-me', correlationKey: 'K1' })).status).toBe(404);
    await pin(T0 + 2 * 3_600_000);
    expect((await activate('late-work')).filter((j) => j.processInstanceKey === pi.processInstanceKey)).toHaveLength(0);
    expect(await active(pi.processInstanceKey)).toEqual([]);
    expect(await state(pi.processInstanceKey)).toBe('TERMINATED');
  });

  it('catches a job error in an error event subprocess of the process, and a timer event subprocess runs beside the work', async () => {
    await pin(T0);
    const xml = bpmn(
      'esp-error',
      [
        { id: 'start', kind: 'start' },
        serviceEl('risky'),
        { id: 'end', kind: 'end' },
        {
          id: 'onError',
          kind: 'eventSub',
          inner: chain({ id: 'es', kind: 'start', body: '<bpmn:errorEventDefinition errorRef="e_fraud" />' }, serviceEl('handle-fraud'), { id: 'ee', kind: 'end' }),
        },
        {
          id: 'reminder',
          kind: 'eventSub',
          inner: chain({ id: 'ts', kind: 'start', attrs: 'isInterrupting="false"', body: timer('timeDuration', 'P1D') }, serviceEl('remind-hr'), { id: 'te', kind: 'end' }),
        },
      ],
      [
        { id: 'f1', from: 'start', to: 'risky' },
        { id: 'f2', from: 'risky', to: 'end' },
      ],
      '<bpmn:error id="e_fraud" name="fraud" errorCode="FRAUD" />',
    );
    await deploy('esp-error.bpmn', xml);
    const pi = await start('esp-error');
    await pin(T0 + 86_400_000);
    expect(await active(pi.processInstanceKey)).toEqual(['remind-hr', 'reminder', 'risky']);
    const [j] = (await activate('risky')).filter((x) => x.processInstanceKey === pi.processInstanceKey);
    await h.client.errorJob({ jobKey: j!.jobKey, errorCode: 'FRAUD', errorMessage: '材料造假', variables: { evidence: 'x' } });
    expect(await active(pi.processInstanceKey)).toEqual(['handle-fraud', 'onError']);
    const [handler] = (await activate('handle-fraud')).filter((x) => x.processInstanceKey === pi.processInstanceKey);
    expect(handler!.variables).toMatchObject({ evidence: 'x' });
    await h.client.completeJob({ jobKey: handler!.jobKey, variables: {} });
    expect(await state(pi.processInstanceKey)).toBe('COMPLETED');
  });
});

describe('incidents on events', () => {
  it('parks an uncaught error end event in an incident and re-throws it on resolution', async () => {
    const roots = '<bpmn:error id="e_x" name="x" errorCode="X" />';
    const xml = bpmn(
      'err-end',
      [
        { id: 'start', kind: 'start' },
        {
          id: 'sub',
          kind: 'sub',
          inner: chain({ id: 'ss', kind: 'start' }, { id: 'boom', kind: 'end', body: '<bpmn:errorEventDefinition errorRef="e_x" />' }),
        },
        { id: 'end', kind: 'end' },
      ],
      [
        { id: 'f1', from: 'start', to: 'sub' },
        { id: 'f2', from: 'sub', to: 'end' },
      ],
      roots,
    );
    await deploy('err-end.bpmn', xml);
    const pi = await start('err-end');
    const [incident] = await incidents(pi.processInstanceKey);
    expect(incident).toMatchObject({ errorType: 'UNHANDLED_ERROR_EVENT', elementId: 'boom' });
    expect((await h.http('POST', `/v2/incidents/${incident.incidentKey}/resolution`)).status).toBe(204);
    const [again] = await incidents(pi.processInstanceKey);
    expect(again.incidentKey).not.toBe(incident.incidentKey);
    expect(again.elementId).toBe('boom');
  });

  it('parks a receive task whose correlation key cannot be evaluated, and opens the subscription once fixed', async () => {
    const { elements: els, flows } = chain({ id: 'start', kind: 'start' }, { id: 'wait', kind: 'receive', attrs: 'messageRef="m_k"' }, { id: 'end', kind: 'end' });
    await deploy('bad-key.bpmn', bpmn('bad-key', els, flows, message('m_k', 'keyed', '=order.id')));
    const pi = await start('bad-key', {});
    const [incident] = await incidents(pi.processInstanceKey);
    expect(incident.errorType).toBe('EXTRACT_VALUE_ERROR');
    expect(incident.errorMessage).toContain('correlation key');
    await h.http('PUT', `/v2/element-instances/${pi.processInstanceKey}/variables`, { variables: { order: { id: 'O-7' } } });
    expect((await h.http('POST', `/v2/incidents/${incident.incidentKey}/resolution`)).status).toBe(204);
    expect((await h.http('POST', '/v2/messages/correlation', { name: 'keyed', correlationKey: 'O-7' })).status).toBe(200);
    expect(await state(pi.processInstanceKey)).toBe('COMPLETED');
  });
});

describe('multi-instance scopes', () => {
  it('keeps each inner instance output apart and evaluates the completion condition in the inner scope', async () => {
    const loop = (extra = '') =>
      `<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[1, 2]" inputElement="item" outputCollection="scores" outputElement="=score" /></bpmn:extensionElements>${extra}</bpmn:multiInstanceLoopCharacteristics>`;
    const xml = bpmn(
      'mi-sub',
      [
        { id: 'start', kind: 'start' },
        { id: 'each', kind: 'sub', body: loop(), inner: chain({ id: 'is', kind: 'start' }, serviceEl('mi-sub-work'), userTaskEl('confirm'), { id: 'ie', kind: 'end' }) },
        { id: 'end', kind: 'end' },
      ],
      [
        { id: 'f1', from: 'start', to: 'each' },
        { id: 'f2', from: 'each', to: 'end' },
      ],
    );
    await deploy('mi-sub.bpmn', xml);
    const pi = await start('mi-sub');
    for (const j of (await activate('mi-sub-work')).filter((x) => x.processInstanceKey === pi.processInstanceKey)) {
      await h.client.completeJob({ jobKey: j.jobKey, variables: { score: (j.variables as { item: number }).item * 10 } });
    }
    const tasks = (await h.http('POST', '/v2/user-tasks/search', { filter: { processInstanceKey: pi.processInstanceKey, state: 'CREATED' } })).body.items as any[];
    for (const t of tasks) await h.client.completeUserTask({ userTaskKey: t.userTaskKey, variables: {} });
    expect(await state(pi.processInstanceKey)).toBe('COMPLETED');
    const v = await vars(pi.processInstanceKey);
    expect(v.scores).toEqual([10, 20]);
    expect(v).not.toHaveProperty('score');

    const { elements: els, flows } = chain(
      { id: 'start', kind: 'start' },
      {
        id: 'work',
        kind: 'service',
        ext: job('mi-cond'),
        body: '<bpmn:multiInstanceLoopCharacteristics isSequential="true"><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[1, 2, 3]" inputElement="item" /></bpmn:extensionElements><bpmn:completionCondition xsi:type="bpmn:tFormalExpression">=item = 2</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics>',
      },
      { id: 'end', kind: 'end' },
    );
    await deploy('mi-cond.bpmn', bpmn('mi-cond', els, flows));
    const pi2 = await start('mi-cond');
    await completeJob('mi-cond', pi2.processInstanceKey);
    await completeJob('mi-cond', pi2.processInstanceKey);
    expect(await state(pi2.processInstanceKey)).toBe('COMPLETED');
  });
});

describe('multi-instance input mappings', () => {
  it('sees the input element and loop counter of its own inner instance', async () => {
    const { elements: els, flows } = chain(
      { id: 'start', kind: 'start' },
      {
        id: 'each',
        kind: 'service',
        ext: job('mi-input') + '<zeebe:ioMapping><zeebe:input source="=item.id + &quot;#&quot; + string(loopCounter)" target="label" /></zeebe:ioMapping>',
        body: '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[{id: &quot;a&quot;}, {id: &quot;b&quot;}]" inputElement="item" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>',
      },
      { id: 'end', kind: 'end' },
    );
    await deploy('mi-input.bpmn', bpmn('mi-input', els, flows));
    const pi = await start('mi-input');
    const jobs = (await activate('mi-input')).filter((j) => j.processInstanceKey === pi.processInstanceKey);
    expect(jobs.map((j) => (j.variables as { label: string }).label).sort()).toEqual(['a#1', 'b#2']);
  });
});
