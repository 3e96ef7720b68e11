/**
 * FEEL bombs against the running server (a pingpin safety net; Zeebe has no such budget): an
 * expression over its budget becomes the incident any evaluation failure becomes, naming the
 * element, the expression and the budget; /health still answers meanwhile; a decision over its
 * budget is a 400; and a data directory whose bomb sits behind a timer that falls due while the
 * server is down starts normally and shows the incident.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpmn, chain, io, job, timer } from '../support/bpmn.js';
import { eventually, startHarness, type Harness } from '../support/harness.js';

/** Builds a ten-million-element list: refused before it is built (list budget). */
const RANGE_BOMB = '=count(for i in 1..10000000 return i)';
/** Exponential recursion without lists: stopped by the time budget (1000 ms by default). */
const TIME_BOMB = '={f: function(n, g) if n = 0 then 0 else g(n - 1, g) + g(n - 1, g), r: f(60, f)}.r';

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const script = (id: string, expression: string) => ({ id, kind: 'script' as const, ext: `<zeebe:script expression="${attr(expression)}" resultVariable="r" />` });

async function incidentsOf(h: Harness, processInstanceKey: string): Promise<any[]> {
  return (await h.http('POST', '/v2/incidents/search', { filter: { processInstanceKey } })).body.items;
}

describe('FEEL budgets in the running server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('turns a bomb into an incident naming the element, the expression and the budget, while /health answers', async () => {
    const { elements, flows } = chain({ id: 'start', kind: 'start' }, script('bomb', TIME_BOMB), { id: 'end', kind: 'end' });
    await h.client.deployResources([{ name: 'time-bomb.bpmn', content: bpmn('time-bomb', elements, flows) }]);

    const started = h.client.createProcessInstance({ processDefinitionId: 'time-bomb', variables: {} });
    // Sent while the bomb runs: answered once its budget stops it, not after the bomb would end (never).
    await new Promise((r) => setTimeout(r, 50));
    const health = await fetch(`${h.url}/health`);
    expect(health.status).toBe(200);
    const pi = await started;
    const [incident] = await incidentsOf(h, pi.processInstanceKey);
    expect(incident).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'bomb', state: 'ACTIVE' });
    expect(incident.errorMessage).toBe(`Evaluation of '${TIME_BOMB}' at element 'bomb' exceeded its budget of 1000 ms`);
  });

  it('fails mappings and conditions with their own error types', async () => {
    const mapping = chain(
      { id: 'start', kind: 'start' },
      { id: 'work', kind: 'service', ext: job('budget-work') + io([], [[RANGE_BOMB, 'n']]) },
      { id: 'end', kind: 'end' },
    );
    await h.client.deployResources([{ name: 'mapping-bomb.bpmn', content: bpmn('mapping-bomb', mapping.elements, mapping.flows) }]);
    const pi = await h.client.createProcessInstance({ processDefinitionId: 'mapping-bomb', variables: {} });
    const jobs = await h.client.activateJobs({ type: 'budget-work', worker: 'test', maxJobsToActivate: 1, timeout: 60_000 } as never);
    await h.client.completeJob({ jobKey: (jobs as any)[0].jobKey, variables: {} });
    const [mapped] = await eventually(async () => {
      const items = await incidentsOf(h, pi.processInstanceKey);
      return items.length > 0 && items;
    });
    expect(mapped).toMatchObject({ errorType: 'IO_MAPPING_ERROR', elementId: 'work' });
    expect(mapped.errorMessage).toBe(
      "Failed to evaluate the mapping to 'n': Evaluation of '=count(for i in 1..10000000 return i)' at element 'work' exceeded its budget of 100000 list elements (the range 1..10000000 has 10000000 elements)",
    );

    const gateway = {
      elements: [
        { id: 'start', kind: 'start' as const },
        { id: 'which', kind: 'xor' as const },
        { id: 'a', kind: 'end' as const },
        { id: 'b', kind: 'end' as const },
      ],
      flows: [
        { id: 'f0', from: 'start', to: 'which' },
        { id: 'toA', from: 'which', to: 'a', condition: `${RANGE_BOMB} > 0` },
        { id: 'toB', from: 'which', to: 'b', condition: '=true' },
      ],
    };
    await h.client.deployResources([{ name: 'condition-bomb.bpmn', content: bpmn('condition-bomb', gateway.elements, gateway.flows) }]);
    const gpi = await h.client.createProcessInstance({ processDefinitionId: 'condition-bomb', variables: {} });
    const [condition] = await incidentsOf(h, gpi.processInstanceKey);
    expect(condition).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'which' });
    expect(condition.errorMessage).toContain("at element 'which' exceeded its budget of 100000 list elements");
  });

  it('answers 400 for a decision over its budget, and raises DECISION_EVALUATION_ERROR in a business rule task', async () => {
    const dmn = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="budget-drg" name="budget" namespace="http://pingpin/test">
  <decision id="bombDecision" name="Bomb"><literalExpression><text>${attr(RANGE_BOMB.slice(1))}</text></literalExpression></decision>
</definitions>`;
    await h.client.deployResources([{ name: 'budget.dmn', content: dmn }]);
    const r = await h.http('POST', '/v2/decision-definitions/evaluation', { decisionDefinitionId: 'bombDecision', variables: {} });
    expect(r.status).toBe(400);
    expect(r.body.detail).toContain("Expected to evaluate decision 'bombDecision', but evaluation of '=count(for i in 1..10000000 return i)' exceeded its budget of 100000 list elements");

    const { elements, flows } = chain(
      { id: 'start', kind: 'start' },
      { id: 'decide', kind: 'rule', ext: '<zeebe:calledDecision decisionId="bombDecision" resultVariable="r" />' },
      { id: 'end', kind: 'end' },
    );
    await h.client.deployResources([{ name: 'decide-bomb.bpmn', content: bpmn('decide-bomb', elements, flows) }]);
    const pi = await h.client.createProcessInstance({ processDefinitionId: 'decide-bomb', variables: {} });
    const [incident] = await incidentsOf(h, pi.processInstanceKey);
    expect(incident).toMatchObject({ errorType: 'DECISION_EVALUATION_ERROR', elementId: 'decide' });
    expect(incident.errorMessage).toContain("Expected to evaluate decision 'bombDecision', but evaluation of");
    expect(incident.errorMessage).toContain("exceeded its budget of 100000 list elements (the range 1..10000000 has 10000000 elements) (at element 'decide')");
  });
});

describe('a bomb behind a timer', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pingpin-budget-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lets the data directory start normally and shows the incidents, when the timer falls due while the server is down', async () => {
    const t0 = Date.parse('2026-03-02T08:00:00Z');
    const first = await startHarness({ dataDir, pinClockAt: t0 });
    const elements = [
      { id: 'start', kind: 'start' as const },
      { id: 'wait', kind: 'catch' as const, body: timer('timeDuration', 'PT1H') },
      { id: 'fork', kind: 'and' as const },
      script('rangeBomb', RANGE_BOMB),
      script('timeBomb', TIME_BOMB),
      { id: 'endA', kind: 'end' as const },
      { id: 'endB', kind: 'end' as const },
    ];
    const flows = [
      { id: 'f1', from: 'start', to: 'wait' },
      { id: 'f2', from: 'wait', to: 'fork' },
      { id: 'f3', from: 'fork', to: 'rangeBomb' },
      { id: 'f4', from: 'fork', to: 'timeBomb' },
      { id: 'f5', from: 'rangeBomb', to: 'endA' },
      { id: 'f6', from: 'timeBomb', to: 'endB' },
    ];
    await first.client.deployResources([{ name: 'timer-bomb.bpmn', content: bpmn('timer-bomb', elements, flows) }]);
    const pi = await first.client.createProcessInstance({ processDefinitionId: 'timer-bomb', variables: {} });
    expect(await incidentsOf(first, pi.processInstanceKey)).toEqual([]);
    await first.stop();

    // Two hours later: the timer is due when the engine opens, so the bombs go off during the start.
    const second = await startHarness({ dataDir, pinClockAt: t0 + 2 * 3_600_000 });
    try {
      expect((await fetch(`${second.url}/health`)).status).toBe(200);
      const incidents = await incidentsOf(second, pi.processInstanceKey);
      expect(incidents.map((i) => [i.elementId, i.errorType]).sort()).toEqual([
        ['rangeBomb', 'EXTRACT_VALUE_ERROR'],
        ['timeBomb', 'EXTRACT_VALUE_ERROR'],
      ]);
      expect(incidents.find((i) => i.elementId === 'timeBomb').errorMessage).toContain('exceeded its budget of 1000 ms');
      expect(incidents.find((i) => i.elementId === 'rangeBomb').errorMessage).toContain('exceeded its budget of 100000 list elements');
    } finally {
      await second.stop();
    }
    // And once more: nothing left to fire, the directory starts as any other.
    const third = await startHarness({ dataDir });
    try {
      expect((await fetch(`${third.url}/health`)).status).toBe(200);
      expect(await incidentsOf(third, pi.processInstanceKey)).toHaveLength(2);
    } finally {
      await third.stop();
    }
  });
});
