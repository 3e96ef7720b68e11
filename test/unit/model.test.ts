import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../src/engine/model.js';
import { ModelError } from '../../src/model-error.js';
import { bpmn, io, job } from '../support/bpmn.js';

const reject = async (xml: string) => {
  const err = await parseBpmn(xml, 'm.bpmn').then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ModelError);
  return (err as Error).message;
};

const line = (extra: Parameters<typeof bpmn>[1], flows: Parameters<typeof bpmn>[2] = []) =>
  bpmn('p', [{ id: 'start', kind: 'start' }, ...extra], flows);

describe('BPMN model', () => {
  it('builds nodes, flows and compiled expressions', async () => {
    const [model] = await parseBpmn(
      line([{ id: 't', kind: 'service', ext: job('=kind', '5') + io([['=a', 'b.c']]) }], [{ id: 'f', from: 'start', to: 't' }]),
      'm.bpmn',
    );
    expect(model!.processId).toBe('p');
    expect(model!.nodes.get('p')!.scope!.noneStartId).toBe('start');
    const t = model!.nodes.get('t')!;
    expect(t.type).toBe('SERVICE_TASK');
    expect(t.job!.type.isStatic).toBe(false);
    expect(t.inputs[0]!.target).toEqual(['b', 'c']);
    expect(t.incoming).toEqual(['f']);
  });

  it('records the start form the none start event links, and refuses an external one', async () => {
    const withForm = (ext: string) =>
      bpmn('p', [{ id: 'start', kind: 'start', ext }, { id: 'end', kind: 'end' }], [{ id: 'f', from: 'start', to: 'end' }]);
    const [linked] = await parseBpmn(withForm('<zeebe:formDefinition formId=" start-form " />'), 'm.bpmn');
    expect(linked).toMatchObject({ hasNoneStart: true, startFormId: 'start-form' });
    const [plain] = await parseBpmn(withForm(''), 'm.bpmn');
    expect(plain!.startFormId).toBeUndefined();
    await expect(parseBpmn(withForm('<zeebe:formDefinition externalReference="https://example.org/form" />'), 'm.bpmn')).rejects.toThrow(/link a deployed form by 'formId'/);
  });

  it('rejects unsupported event definitions, naming the element', async () => {
    const msg = await reject(line([{ id: 'comp', kind: 'throw', body: '<bpmn:compensateEventDefinition />' }]));
    expect(msg).toContain('- Element: comp');
    expect(msg).toMatch(/compensation events are not supported/);
  });

  it('rejects multi-instance, execution listeners and job-worker user tasks', async () => {
    expect(await reject(line([{ id: 'mi', kind: 'service', ext: job('x'), body: '<bpmn:multiInstanceLoopCharacteristics />' }]))).toContain('inputCollection');
    expect(await reject(line([{ id: 'loop', kind: 'service', ext: job('x'), body: '<bpmn:standardLoopCharacteristics />' }]))).toContain('standard loops are not supported');
    expect(await reject(line([{ id: 'el', kind: 'service', ext: job('x') + '<zeebe:executionListeners><zeebe:executionListener eventType="start" type="l" /></zeebe:executionListeners>' }]))).toContain('execution listeners');
    expect(await reject(line([{ id: 'ut', kind: 'user' }]))).toContain('zeebe:userTask');
  });

  it('requires a task definition on service tasks and conditions on branching exclusive gateways', async () => {
    expect(await reject(line([{ id: 's', kind: 'service' }]))).toContain("Must have exactly one 'zeebe:taskDefinition'");
    const msg = await reject(
      line(
        [{ id: 'x', kind: 'xor' }, { id: 'a', kind: 'end' }, { id: 'b', kind: 'end' }],
        [{ id: 'f0', from: 'start', to: 'x' }, { id: 'fa', from: 'x', to: 'a', condition: '=true' }, { id: 'fb', from: 'x', to: 'b' }],
      ),
    );
    expect(msg).toContain('- Element: fb');
  });

  it('rejects two none start events, FEEL syntax errors and a missing executable process', async () => {
    expect(await reject(bpmn('p', [{ id: 's1', kind: 'start' }, { id: 's2', kind: 'start' }], []))).toContain('Multiple none start events');
    expect(await reject(line([{ id: 'g', kind: 'script', ext: '<zeebe:script expression="=(" resultVariable="r" />' }]))).toContain('zeebe:script expression');
    expect(await reject(bpmn('p', [{ id: 's', kind: 'start' }], []).replace('isExecutable="true"', 'isExecutable="false"'))).toContain('at least one executable process');
  });

  it('deploys groups and data associations drawn for documentation, ignoring them', async () => {
    const xml = bpmn('p', [{ id: 'start', kind: 'start' }, { id: 't', kind: 'task', body: '<bpmn:dataOutputAssociation id="doa"><bpmn:targetRef>ref</bpmn:targetRef></bpmn:dataOutputAssociation>' }], [
      { id: 'f', from: 'start', to: 't' },
    ])
      .replace('</bpmn:process>', '<bpmn:dataObjectReference id="ref" dataObjectRef="obj" /><bpmn:dataObject id="obj" /><bpmn:group id="g" categoryValueRef="cv" /></bpmn:process>')
      .replace('</bpmn:definitions>', '<bpmn:category id="cat"><bpmn:categoryValue id="cv" value="材料" /></bpmn:category></bpmn:definitions>');
    const [model] = await parseBpmn(xml, 'm.bpmn');
    expect(model!.nodes.get('t')!.type).toBe('TASK');
  });

  it('reports XML that is not BPMN', async () => {
    expect(await reject('<nope')).toContain("'m.bpmn'");
  });
});
