/**
 * DMN through the REST API: deployment and versioning, POST /v2/decision-definitions/evaluation
 * with the evaluated decisions and matched rules as 8.8 answers, and business rule tasks with
 * zeebe:calledDecision (result variable, DECISION_EVALUATION_ERROR and CALLED_DECISION_ERROR).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateDecisionResponseBodySchema } from '@camunda/camunda-api-zod-schemas/8.8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpmn, chain } from '../support/bpmn.js';
import { startHarness, type Harness } from '../support/harness.js';

const dmn = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'dmn', 'eligibility-fujian.dmn'), 'utf8');
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const senior = { skillLevel: '高级技师', yearsAsSeniorTechnician: 6, certificates: ['a', 'b'] };

describe('decisions', () => {
  it('deploys a DRG with its decisions, and a changed DRG as the next version', async () => {
    const first = await h.client.deployResources([{ name: 'eligibility-fujian.dmn', content: dmn }]);
    expect(first.decisions.map((d) => d.decisionDefinitionId).sort()).toEqual(['certificateCount', 'eligibility-fujian-T']);
    expect(first.decisionRequirements[0]).toMatchObject({ decisionRequirementsId: 'eligibility-fujian', version: 1 });
    const same = await h.client.deployResources([{ name: 'eligibility-fujian.dmn', content: dmn }]);
    expect(same.decisions.find((d) => d.decisionDefinitionId === 'eligibility-fujian-T')!.version).toBe(
      first.decisions.find((d) => d.decisionDefinitionId === 'eligibility-fujian-T')!.version,
    );
    const changed = await h.client.deployResources([{ name: 'eligibility-fujian.dmn', content: dmn.replace('取得高级技师资格不满三年', '取得高级技师资格未满三年') }]);
    const v2 = changed.decisions.find((d) => d.decisionDefinitionId === 'eligibility-fujian-T')!;
    expect(v2.version).toBe(2);
  });

  it('evaluates by id with required decisions first and the matched rules, in 8.8 shape', async () => {
    const r = await h.http('POST', '/v2/decision-definitions/evaluation', {
      decisionDefinitionId: 'eligibility-fujian-T',
      variables: { ...senior, yearsAsSeniorTechnician: 2 },
    });
    expect(r.status).toBe(200);
    expect(() => evaluateDecisionResponseBodySchema.parse(r.body)).not.toThrow();
    expect(JSON.parse(r.body.output)).toEqual({ eligible: false, reason: '取得高级技师资格未满三年' });
    expect(r.body.evaluatedDecisions.map((d: any) => d.decisionDefinitionId)).toEqual(['certificateCount', 'eligibility-fujian-T']);
    const table = r.body.evaluatedDecisions[1];
    expect(table.decisionDefinitionType).toBe('DECISION_TABLE');
    expect(table.matchedRules[0].ruleIndex).toBe(2);
    expect(table.evaluatedInputs.map((i: any) => JSON.parse(i.inputValue))).toEqual(['高级技师', 2, 2]);
    expect(r.body.failedDecisionDefinitionId).toBeUndefined();
  });

  it('reports a failing decision in the answer, and 404 for an unknown one', async () => {
    const r = await h.http('POST', '/v2/decision-definitions/evaluation', { decisionDefinitionId: 'eligibility-fujian-T', variables: { skillLevel: '高级技师' } });
    expect(r.status).toBe(200);
    expect(r.body.failedDecisionDefinitionId).toBe('certificateCount');
    expect(r.body.failureMessage).toContain('缺少证书信息');
    const missing = await h.http('POST', '/v2/decision-definitions/evaluation', { decisionDefinitionId: 'nope' });
    expect(missing.status).toBe(404);
    const bad = await h.http('POST', '/v2/decision-definitions/evaluation', { variables: {} });
    expect(bad.status).toBe(400);
  });

  it('runs a business rule task into its result variable, and raises incidents for failures', async () => {
    const { elements, flows } = chain(
      { id: 'start', kind: 'start' },
      { id: 'decide', kind: 'rule', ext: '<zeebe:calledDecision decisionId="=decisionId" resultVariable="eligibility" />' },
      { id: 'end', kind: 'end' },
    );
    await h.client.deployResources([{ name: 'decide.bpmn', content: bpmn('decide-process', elements, flows) }]);
    const ok = await h.client.createProcessInstanceWithResult({ processDefinitionId: 'decide-process', variables: { ...senior, decisionId: 'eligibility-fujian-T' } } as never);
    expect((ok as any).variables.eligibility).toEqual({ eligible: true, reason: '符合福建省特级技师申报条件' });

    const failing = await h.client.createProcessInstance({ processDefinitionId: 'decide-process', variables: { skillLevel: '高级技师', decisionId: 'eligibility-fujian-T' } });
    const inc = (await h.http('POST', '/v2/incidents/search', { filter: { processInstanceKey: failing.processInstanceKey } })).body.items;
    expect(inc[0]).toMatchObject({ errorType: 'DECISION_EVALUATION_ERROR', elementId: 'decide' });
    expect(inc[0].errorMessage).toContain('缺少证书信息');

    const unknown = await h.client.createProcessInstance({ processDefinitionId: 'decide-process', variables: { decisionId: 'eligibility-mars-T' } });
    const inc2 = (await h.http('POST', '/v2/incidents/search', { filter: { processInstanceKey: unknown.processInstanceKey } })).body.items;
    expect(inc2[0]).toMatchObject({ errorType: 'CALLED_DECISION_ERROR' });
    expect(inc2[0].errorMessage).toContain("'eligibility-mars-T'");
  });
});
