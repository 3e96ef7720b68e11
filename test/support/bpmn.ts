/**
 * A small BPMN writer for engine tests: elements and flows in, BPMN XML out (no diagram layout;
 * the engine ignores DI). Keeps each test's model readable next to its assertions.
 */
export interface El {
  id: string;
  kind:
    | 'start'
    | 'end'
    | 'service'
    | 'send'
    | 'user'
    | 'script'
    | 'manual'
    | 'task'
    | 'xor'
    | 'and'
    | 'or'
    | 'events'
    | 'throw'
    | 'catch'
    | 'boundary'
    | 'receive'
    | 'call'
    | 'rule'
    | 'sub'
    | 'eventSub';
  name?: string;
  /** zeebe extension XML placed inside <bpmn:extensionElements>. */
  ext?: string;
  /** Extra attributes on the element, e.g. `default="f3"`. */
  attrs?: string;
  /** Raw child XML: an event definition, loop characteristics … */
  body?: string;
  /** Boundary events: the activity they sit on. */
  attachedTo?: string;
  /** Subprocesses: what is inside. */
  inner?: { elements: El[]; flows: Flow[] };
}

export interface Flow {
  id: string;
  from: string;
  to: string;
  condition?: string;
}

const TAG: Record<El['kind'], string> = {
  start: 'startEvent',
  end: 'endEvent',
  service: 'serviceTask',
  send: 'sendTask',
  user: 'userTask',
  script: 'scriptTask',
  manual: 'manualTask',
  task: 'task',
  xor: 'exclusiveGateway',
  and: 'parallelGateway',
  or: 'inclusiveGateway',
  events: 'eventBasedGateway',
  throw: 'intermediateThrowEvent',
  catch: 'intermediateCatchEvent',
  boundary: 'boundaryEvent',
  receive: 'receiveTask',
  call: 'callActivity',
  rule: 'businessRuleTask',
  sub: 'subProcess',
  eventSub: 'subProcess',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function elementsXml(elements: El[], flows: Flow[]): string {
  const els = elements
    .map((e) => {
      const tag = TAG[e.kind];
      const ext = e.ext ? `<bpmn:extensionElements>${e.ext}</bpmn:extensionElements>` : '';
      const inc = flows.filter((f) => f.to === e.id).map((f) => `<bpmn:incoming>${f.id}</bpmn:incoming>`).join('');
      const out = flows.filter((f) => f.from === e.id).map((f) => `<bpmn:outgoing>${f.id}</bpmn:outgoing>`).join('');
      const attached = e.attachedTo ? ` attachedToRef="${e.attachedTo}"` : '';
      const triggered = e.kind === 'eventSub' ? ' triggeredByEvent="true"' : '';
      const inner = e.inner ? elementsXml(e.inner.elements, e.inner.flows) : '';
      return `<bpmn:${tag} id="${e.id}" name="${esc(e.name ?? e.id)}"${attached}${triggered} ${e.attrs ?? ''}>${ext}${inc}${out}${e.body ?? ''}${inner}</bpmn:${tag}>`;
    })
    .join('\n');
  const fls = flows
    .map((f) =>
      f.condition
        ? `<bpmn:sequenceFlow id="${f.id}" sourceRef="${f.from}" targetRef="${f.to}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${esc(f.condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>`
        : `<bpmn:sequenceFlow id="${f.id}" sourceRef="${f.from}" targetRef="${f.to}" />`,
    )
    .join('\n');
  return `${els}\n${fls}`;
}

/**
 * A BPMN document with one executable process. `roots` are extra root elements (messages, errors,
 * signals, escalations) that events reference.
 */
export function bpmn(processId: string, elements: El[], flows: Flow[], roots = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="defs_${processId}" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
<bpmn:process id="${processId}" name="${processId}" isExecutable="true">
${elementsXml(elements, flows)}
</bpmn:process>
${roots}
</bpmn:definitions>`;
}

/** A message with a correlation key (FEEL) for `messageRef`. */
export const message = (id: string, name: string, correlationKey?: string) =>
  `<bpmn:message id="${id}" name="${esc(name)}">${
    correlationKey ? `<bpmn:extensionElements><zeebe:subscription correlationKey="${esc(correlationKey)}" /></bpmn:extensionElements>` : ''
  }</bpmn:message>`;

export const timer = (kind: 'timeDate' | 'timeDuration' | 'timeCycle', value: string) =>
  `<bpmn:timerEventDefinition><bpmn:${kind} xsi:type="bpmn:tFormalExpression">${esc(value)}</bpmn:${kind}></bpmn:timerEventDefinition>`;

/** A linear chain of elements joined by flows f1, f2, …; returns elements and flows. */
export function chain(...elements: El[]): { elements: El[]; flows: Flow[] } {
  const flows: Flow[] = [];
  for (let i = 1; i < elements.length; i++) {
    const from = elements[i - 1]!;
    const to = elements[i]!;
    flows.push({ id: `f_${from.id}_${to.id}`, from: from.id, to: to.id });
  }
  return { elements, flows };
}

/** A zeebe:taskDefinition extension. */
export const job = (type: string, retries?: string) =>
  `<zeebe:taskDefinition type="${esc(type)}"${retries ? ` retries="${esc(retries)}"` : ''} />`;

export const io = (inputs: Array<[string, string]>, outputs: Array<[string, string]> = []) =>
  `<zeebe:ioMapping>${inputs.map(([s, t]) => `<zeebe:input source="${esc(s)}" target="${t}" />`).join('')}${outputs
    .map(([s, t]) => `<zeebe:output source="${esc(s)}" target="${t}" />`)
    .join('')}</zeebe:ioMapping>`;

/** A linear process: start → each service task type in order → end. */
export function serviceChain(processId: string, types: string[]): string {
  const els: El[] = [{ id: 'start', kind: 'start' }];
  const flows: Flow[] = [];
  let prev = 'start';
  types.forEach((t, i) => {
    const id = `task${i + 1}`;
    els.push({ id, kind: 'service', ext: job(t) });
    flows.push({ id: `f${i + 1}`, from: prev, to: id });
    prev = id;
  });
  els.push({ id: 'end', kind: 'end' });
  flows.push({ id: 'f_end', from: prev, to: 'end' });
  return bpmn(processId, els, flows);
}
