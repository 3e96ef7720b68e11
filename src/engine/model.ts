/**
 * BPMN → executable model. Parses with bpmn-moddle and Camunda's zeebe moddle extension (as Modeler
 * does), then checks every element and attribute against what this engine implements. Anything it
 * does not implement rejects the whole resource, naming the element and the construct, so a model is
 * never run half-understood. FEEL is compiled here, once per deployment.
 */
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { compile, FeelSyntaxError, type CompiledExpression } from './feel.js';

export type BpmnElementType =
  | 'PROCESS'
  | 'START_EVENT'
  | 'END_EVENT'
  | 'INTERMEDIATE_THROW_EVENT'
  | 'SERVICE_TASK'
  | 'SEND_TASK'
  | 'BUSINESS_RULE_TASK'
  | 'SCRIPT_TASK'
  | 'USER_TASK'
  | 'MANUAL_TASK'
  | 'TASK'
  | 'EXCLUSIVE_GATEWAY'
  | 'PARALLEL_GATEWAY';

export interface Mapping {
  source: CompiledExpression;
  /** The target path, e.g. `["order", "id"]` for `order.id`. */
  target: string[];
}

export interface JobDefinition {
  type: CompiledExpression;
  retries: CompiledExpression;
  headers: Record<string, string>;
}

export interface UserTaskDefinition {
  formId?: string;
  externalFormReference?: CompiledExpression;
  assignee?: CompiledExpression;
  candidateGroups?: CompiledExpression;
  candidateUsers?: CompiledExpression;
  dueDate?: CompiledExpression;
  followUpDate?: CompiledExpression;
  priority?: CompiledExpression;
  headers: Record<string, string>;
}

export interface ScriptDefinition {
  expression: CompiledExpression;
  resultVariable: string;
}

export interface FlowNode {
  id: string;
  name?: string;
  type: BpmnElementType;
  incoming: string[];
  outgoing: string[];
  defaultFlow?: string;
  inputs: Mapping[];
  outputs: Mapping[];
  job?: JobDefinition;
  userTask?: UserTaskDefinition;
  script?: ScriptDefinition;
}

export interface SequenceFlow {
  id: string;
  name?: string;
  source: string;
  target: string;
  condition?: CompiledExpression;
}

export interface ProcessModel {
  processId: string;
  name?: string;
  versionTag?: string;
  startEventId: string;
  nodes: Map<string, FlowNode>;
  flows: Map<string, SequenceFlow>;
}

/** A reason a resource cannot be deployed. */
export class ModelError extends Error {}

const moddle = new BpmnModdle({ zeebe: zeebeSchema });

/** Elements that carry no execution semantics; Zeebe ignores them and so do we. */
const IGNORED = new Set([
  'bpmn:LaneSet',
  'bpmn:Lane',
  'bpmn:TextAnnotation',
  'bpmn:Association',
  'bpmn:Group',
  'bpmn:Category',
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
  'bpmn:DataStore',
  'zeebe:Properties',
]);

const COMMON = ['$type', 'id', 'name', 'documentation', 'extensionElements'];
const FLOW_NODE = [...COMMON, 'incoming', 'outgoing'];

/** Properties each supported element type may set; anything else is unsupported. */
const ALLOWED_PROPERTIES: Record<string, string[]> = {
  'bpmn:Process': [...COMMON, 'isExecutable', 'flowElements', 'laneSets', 'artifacts', 'processType', 'isClosed'],
  'bpmn:Collaboration': [...COMMON, 'participants', 'messageFlows', 'artifacts'],
  'bpmn:StartEvent': [...FLOW_NODE],
  'bpmn:EndEvent': [...FLOW_NODE],
  'bpmn:IntermediateThrowEvent': [...FLOW_NODE],
  'bpmn:ServiceTask': [...FLOW_NODE],
  'bpmn:SendTask': [...FLOW_NODE],
  'bpmn:BusinessRuleTask': [...FLOW_NODE],
  'bpmn:ScriptTask': [...FLOW_NODE],
  'bpmn:UserTask': [...FLOW_NODE],
  'bpmn:ManualTask': [...FLOW_NODE],
  'bpmn:Task': [...FLOW_NODE],
  'bpmn:ExclusiveGateway': [...FLOW_NODE, 'default', 'gatewayDirection'],
  'bpmn:ParallelGateway': [...FLOW_NODE, 'gatewayDirection'],
  'bpmn:SequenceFlow': [...COMMON, 'sourceRef', 'targetRef', 'conditionExpression'],
};

const ELEMENT_TYPES: Record<string, BpmnElementType> = {
  'bpmn:StartEvent': 'START_EVENT',
  'bpmn:EndEvent': 'END_EVENT',
  'bpmn:IntermediateThrowEvent': 'INTERMEDIATE_THROW_EVENT',
  'bpmn:ServiceTask': 'SERVICE_TASK',
  'bpmn:SendTask': 'SEND_TASK',
  'bpmn:BusinessRuleTask': 'BUSINESS_RULE_TASK',
  'bpmn:ScriptTask': 'SCRIPT_TASK',
  'bpmn:UserTask': 'USER_TASK',
  'bpmn:ManualTask': 'MANUAL_TASK',
  'bpmn:Task': 'TASK',
  'bpmn:ExclusiveGateway': 'EXCLUSIVE_GATEWAY',
  'bpmn:ParallelGateway': 'PARALLEL_GATEWAY',
};

/** Zeebe extension elements each element type may carry. */
const ALLOWED_EXTENSIONS: Record<string, string[]> = {
  'bpmn:Process': ['zeebe:VersionTag'],
  'bpmn:StartEvent': ['zeebe:FormDefinition'],
  'bpmn:EndEvent': ['zeebe:IoMapping'],
  'bpmn:IntermediateThrowEvent': ['zeebe:IoMapping'],
  'bpmn:ServiceTask': ['zeebe:TaskDefinition', 'zeebe:TaskHeaders', 'zeebe:IoMapping'],
  'bpmn:SendTask': ['zeebe:TaskDefinition', 'zeebe:TaskHeaders', 'zeebe:IoMapping'],
  'bpmn:BusinessRuleTask': ['zeebe:TaskDefinition', 'zeebe:TaskHeaders', 'zeebe:IoMapping'],
  'bpmn:ScriptTask': ['zeebe:Script', 'zeebe:TaskDefinition', 'zeebe:TaskHeaders', 'zeebe:IoMapping'],
  'bpmn:UserTask': [
    'zeebe:UserTask',
    'zeebe:FormDefinition',
    'zeebe:AssignmentDefinition',
    'zeebe:TaskSchedule',
    'zeebe:PriorityDefinition',
    'zeebe:TaskHeaders',
    'zeebe:IoMapping',
  ],
  'bpmn:ManualTask': ['zeebe:IoMapping'],
  'bpmn:Task': ['zeebe:IoMapping'],
  'bpmn:ExclusiveGateway': [],
  'bpmn:ParallelGateway': [],
  'bpmn:SequenceFlow': [],
  'bpmn:Collaboration': [],
};

/** Attributes each zeebe extension element may set. */
const EXTENSION_ATTRIBUTES: Record<string, string[]> = {
  'zeebe:VersionTag': ['value'],
  'zeebe:TaskDefinition': ['type', 'retries'],
  'zeebe:TaskHeaders': ['values'],
  'zeebe:IoMapping': ['inputParameters', 'outputParameters'],
  'zeebe:Script': ['expression', 'resultVariable'],
  'zeebe:UserTask': [],
  'zeebe:FormDefinition': ['formId', 'externalReference', 'bindingType'],
  'zeebe:AssignmentDefinition': ['assignee', 'candidateGroups', 'candidateUsers'],
  'zeebe:TaskSchedule': ['dueDate', 'followUpDate'],
  'zeebe:PriorityDefinition': ['priority'],
};

/** Wording for constructs a process owner may reasonably try, so the rejection says what to do. */
const UNSUPPORTED_HINTS: Record<string, string> = {
  'zeebe:ExecutionListeners': 'execution listeners are not supported by the embedded engine',
  'zeebe:TaskListeners': 'task listeners are not supported by the embedded engine',
  'zeebe:UserTaskForm': 'embedded user task forms (zeebe:userTaskForm) belong to job-worker user tasks, which are not supported; link a deployed form with zeebe:formDefinition formId',
  'zeebe:LoopCharacteristics': 'multi-instance is not supported yet',
  'zeebe:CalledElement': 'call activities are not supported yet',
  'zeebe:CalledDecision': 'business rule tasks calling a DMN decision are not supported yet',
};

type ModdleElement = { $type: string; id?: string; [key: string]: unknown };

interface Issue {
  elementId: string;
  message: string;
}

function ownKeys(el: ModdleElement): string[] {
  return Object.keys(el).filter((k) => !k.startsWith('$') || k === '$type');
}

function describe(el: ModdleElement): string {
  return el.$type.replace(/^bpmn:/, '');
}

/**
 * Parses a BPMN resource into executable process models. Throws ModelError listing every problem
 * (element id and what is wrong) when anything cannot be executed exactly as Zeebe would.
 */
export async function parseBpmn(xml: string, resourceName: string): Promise<ProcessModel[]> {
  let definitions: ModdleElement;
  let warnings: { message: string }[];
  try {
    const result = await moddle.fromXML(xml, 'bpmn:Definitions');
    definitions = result.rootElement as unknown as ModdleElement;
    warnings = result.warnings;
  } catch (err) {
    throw new ModelError(
      `'${resourceName}': the XML is not a valid BPMN 2.0 document: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const issues: Issue[] = warnings.map((w) => ({
    elementId: resourceName,
    message: w.message.split('\n').filter((l) => !/^\s*(line|column):/.test(l)).join(' ').replace(/\s+/g, ' '),
  }));
  const rootElements = (definitions.rootElements as ModdleElement[] | undefined) ?? [];
  const processes: ModdleElement[] = [];
  for (const root of rootElements) {
    if (root.$type === 'bpmn:Process') {
      if (root.isExecutable !== false) processes.push(root);
    } else if (root.$type === 'bpmn:Collaboration') {
      checkProperties(root, issues);
    } else {
      issues.push({
        elementId: root.id ?? resourceName,
        message: `${describe(root)} is not supported yet`,
      });
    }
  }
  if (processes.length === 0 && issues.length === 0) {
    issues.push({ elementId: resourceName, message: 'Must contain at least one executable process' });
  }
  const models: ProcessModel[] = [];
  for (const process of processes) {
    const model = buildProcess(process, issues);
    if (model) models.push(model);
  }
  if (issues.length > 0) {
    // Zeebe's validation output format, so operators see the same text as from a real cluster.
    const byElement = new Map<string, string[]>();
    for (const i of issues) byElement.set(i.elementId, [...(byElement.get(i.elementId) ?? []), i.message]);
    const lines = [...byElement].map(([id, messages]) => `- Element: ${id}\n${messages.map((m) => `    - ERROR: ${m}`).join('\n')}`);
    throw new ModelError(`'${resourceName}': ${lines.join('\n')}`);
  }
  return models;
}

function checkProperties(el: ModdleElement, issues: Issue[]): boolean {
  const allowed = ALLOWED_PROPERTIES[el.$type];
  if (!allowed) {
    issues.push({ elementId: el.id ?? '?', message: `${describe(el)} is not supported yet` });
    return false;
  }
  let ok = true;
  for (const key of ownKeys(el)) {
    if (allowed.includes(key)) continue;
    const value = el[key] as ModdleElement | ModdleElement[] | undefined;
    const what =
      key === 'eventDefinitions' && Array.isArray(value) && value[0]
        ? `${describe(value[0])} on ${describe(el)}`
        : key === 'loopCharacteristics'
          ? 'multi-instance / loop characteristics'
          : `attribute '${key}' on ${describe(el)}`;
    issues.push({ elementId: el.id ?? '?', message: `${what} is not supported yet` });
    ok = false;
  }
  return ok;
}

function extensions(el: ModdleElement, issues: Issue[]): Map<string, ModdleElement> {
  const found = new Map<string, ModdleElement>();
  const ext = el.extensionElements as { values?: ModdleElement[] } | undefined;
  const allowed = ALLOWED_EXTENSIONS[el.$type] ?? [];
  for (const value of ext?.values ?? []) {
    if (IGNORED.has(value.$type)) continue;
    if (!value.$type.startsWith('zeebe:')) continue; // other vendors' extensions carry no Zeebe semantics
    if (!allowed.includes(value.$type)) {
      const hint = UNSUPPORTED_HINTS[value.$type];
      issues.push({
        elementId: el.id ?? '?',
        message: hint ?? `extension element '${value.$type}' on ${describe(el)} is not supported`,
      });
      continue;
    }
    if (found.has(value.$type)) {
      issues.push({ elementId: el.id ?? '?', message: `Must have at most one '${value.$type}' extension element` });
      continue;
    }
    const attrs = EXTENSION_ATTRIBUTES[value.$type] ?? [];
    for (const key of ownKeys(value)) {
      if (key !== '$type' && !attrs.includes(key)) {
        issues.push({
          elementId: el.id ?? '?',
          message: `attribute '${key}' of '${value.$type}' is not supported`,
        });
      }
    }
    found.set(value.$type, value);
  }
  return found;
}

function expr(elementId: string, attribute: string, source: string | undefined, issues: Issue[]): CompiledExpression | undefined {
  if (source === undefined) return undefined;
  try {
    return compile(source);
  } catch (err) {
    if (err instanceof FeelSyntaxError) {
      issues.push({ elementId, message: `${attribute}: ${err.message}` });
      return undefined;
    }
    throw err;
  }
}

function mappings(
  elementId: string,
  kind: 'input' | 'output',
  params: ModdleElement[] | undefined,
  issues: Issue[],
): Mapping[] {
  const out: Mapping[] = [];
  for (const p of params ?? []) {
    const target = typeof p.target === 'string' ? p.target.trim() : '';
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(target)) {
      issues.push({ elementId, message: `${kind} mapping target '${target}' is not a valid variable name or path` });
      continue;
    }
    const sourceText = typeof p.source === 'string' && p.source.trim() !== '' ? p.source : '=null';
    const source = expr(elementId, `${kind} mapping '${target}' source`, sourceText, issues);
    if (source) out.push({ source, target: target.split('.') });
  }
  return out;
}

function headers(ext: Map<string, ModdleElement>): Record<string, string> {
  const h: Record<string, string> = {};
  const values = (ext.get('zeebe:TaskHeaders')?.values as ModdleElement[] | undefined) ?? [];
  for (const v of values) h[String(v.key)] = String(v.value ?? '');
  return h;
}

function buildProcess(process: ModdleElement, issues: Issue[]): ProcessModel | undefined {
  const processId = process.id ?? '';
  const before = issues.length;
  checkProperties(process, issues);
  const processExt = extensions(process, issues);
  const nodes = new Map<string, FlowNode>();
  const flows = new Map<string, SequenceFlow>();
  const flowElements = (process.flowElements as ModdleElement[] | undefined) ?? [];

  for (const el of flowElements) {
    if (IGNORED.has(el.$type)) continue;
    const id = el.id ?? '?';
    if (!checkProperties(el, issues)) continue;
    if (el.$type === 'bpmn:SequenceFlow') {
      extensions(el, issues);
      const source = (el.sourceRef as ModdleElement | undefined)?.id;
      const target = (el.targetRef as ModdleElement | undefined)?.id;
      if (!source || !target) {
        issues.push({ elementId: id, message: 'sequence flow must have a sourceRef and a targetRef' });
        continue;
      }
      const body = (el.conditionExpression as ModdleElement | undefined)?.body as string | undefined;
      const condition = body === undefined ? undefined : expr(id, 'conditionExpression', body, issues);
      if (condition && condition.isStatic) {
        issues.push({ elementId: id, message: `condition '${body}' must be a FEEL expression starting with '='` });
      }
      flows.set(id, { id, name: el.name as string | undefined, source, target, condition });
      continue;
    }
    const type = ELEMENT_TYPES[el.$type];
    if (!type) continue; // checkProperties already reported it
    const ext = extensions(el, issues);
    const io = ext.get('zeebe:IoMapping');
    const node: FlowNode = {
      id,
      name: el.name as string | undefined,
      type,
      incoming: [],
      outgoing: [],
      defaultFlow: (el.default as ModdleElement | undefined)?.id,
      inputs: mappings(id, 'input', io?.inputParameters as ModdleElement[] | undefined, issues),
      outputs: mappings(id, 'output', io?.outputParameters as ModdleElement[] | undefined, issues),
    };
    const taskDef = ext.get('zeebe:TaskDefinition');
    if (taskDef) {
      const type = taskDef.type as string | undefined;
      if (!type || type.trim() === '') {
        issues.push({ elementId: id, message: "zeebe:taskDefinition must have a non-empty 'type'" });
      }
      const t = expr(id, 'zeebe:taskDefinition type', type ?? '', issues);
      const r = expr(id, 'zeebe:taskDefinition retries', (taskDef.retries as string | undefined) ?? '3', issues);
      if (t && r) node.job = { type: t, retries: r, headers: headers(ext) };
    }
    switch (el.$type) {
      case 'bpmn:ServiceTask':
      case 'bpmn:SendTask':
      case 'bpmn:BusinessRuleTask':
        if (!taskDef) {
          issues.push({ elementId: id, message: "Must have exactly one 'zeebe:taskDefinition' extension element" });
        }
        break;
      case 'bpmn:ScriptTask': {
        const script = ext.get('zeebe:Script');
        if (script && taskDef) {
          issues.push({ elementId: id, message: "Must have either 'zeebe:script' or 'zeebe:taskDefinition', not both" });
        } else if (script) {
          const resultVariable = (script.resultVariable as string | undefined)?.trim();
          if (!resultVariable) issues.push({ elementId: id, message: "zeebe:script must have a 'resultVariable'" });
          const e = expr(id, 'zeebe:script expression', script.expression as string | undefined, issues);
          if (!script.expression) issues.push({ elementId: id, message: "zeebe:script must have an 'expression'" });
          else if (e && e.isStatic) issues.push({ elementId: id, message: "zeebe:script expression must start with '='" });
          if (e && resultVariable) node.script = { expression: e, resultVariable };
        } else if (!taskDef) {
          issues.push({ elementId: id, message: "Must have either one 'zeebe:script' or one 'zeebe:taskDefinition' extension element" });
        }
        break;
      }
      case 'bpmn:UserTask':
        node.userTask = buildUserTask(id, ext, issues);
        break;
      default:
        break;
    }
    nodes.set(id, node);
  }

  for (const flow of flows.values()) {
    const source = nodes.get(flow.source);
    const target = nodes.get(flow.target);
    if (!source || !target) {
      if (!issues.some((i) => i.elementId === flow.source || i.elementId === flow.target)) {
        issues.push({ elementId: flow.id, message: 'sequence flow connects elements that are not in the same process' });
      }
      continue;
    }
    source.outgoing.push(flow.id);
    target.incoming.push(flow.id);
  }

  const starts: FlowNode[] = [];
  for (const node of nodes.values()) {
    switch (node.type) {
      case 'START_EVENT':
        starts.push(node);
        if (node.incoming.length > 0) issues.push({ elementId: node.id, message: 'a start event must not have incoming sequence flows' });
        break;
      case 'END_EVENT':
        if (node.outgoing.length > 0) issues.push({ elementId: node.id, message: 'an end event must not have outgoing sequence flows' });
        break;
      case 'EXCLUSIVE_GATEWAY':
        if (node.defaultFlow !== undefined) {
          const def = flows.get(node.defaultFlow);
          if (!def || def.source !== node.id) {
            issues.push({ elementId: node.id, message: 'the default flow must be an outgoing sequence flow of the gateway' });
          } else if (def.condition) {
            issues.push({ elementId: def.id, message: 'a default flow must not have a condition' });
          }
        }
        if (node.outgoing.length > 1) {
          for (const fid of node.outgoing) {
            const f = flows.get(fid);
            if (f && !f.condition && fid !== node.defaultFlow) {
              issues.push({ elementId: fid, message: 'a sequence flow leaving an exclusive gateway with several outgoing flows must have a condition unless it is the default flow' });
            }
          }
        }
        break;
      default:
        break;
    }
    if (node.type !== 'EXCLUSIVE_GATEWAY') {
      for (const fid of node.outgoing) {
        if (flows.get(fid)?.condition) {
          issues.push({ elementId: fid, message: `conditional sequence flows are only supported on exclusive gateways, not on ${node.type}` });
        }
      }
    }
  }
  if (starts.length === 0) {
    issues.push({ elementId: processId, message: 'Must have exactly one none start event' });
  } else if (starts.length > 1) {
    issues.push({ elementId: processId, message: `Multiple none start events are not allowed (${starts.map((s) => s.id).join(', ')})` });
  }
  if (issues.length > before) return undefined;
  return {
    processId,
    name: process.name as string | undefined,
    versionTag: processExt.get('zeebe:VersionTag')?.value as string | undefined,
    startEventId: starts[0]!.id,
    nodes,
    flows,
  };
}

function buildUserTask(id: string, ext: Map<string, ModdleElement>, issues: Issue[]): UserTaskDefinition | undefined {
  if (!ext.has('zeebe:UserTask')) {
    issues.push({
      elementId: id,
      message: 'job-worker user tasks are not supported: mark the task as a Camunda user task (<zeebe:userTask/>)',
    });
    return undefined;
  }
  const form = ext.get('zeebe:FormDefinition');
  const assignment = ext.get('zeebe:AssignmentDefinition');
  const schedule = ext.get('zeebe:TaskSchedule');
  const priority = ext.get('zeebe:PriorityDefinition');
  const def: UserTaskDefinition = { headers: headers(ext) };
  if (form) {
    const bindingType = (form.bindingType as string | undefined) ?? 'latest';
    if (bindingType !== 'latest') {
      issues.push({ elementId: id, message: `form binding type '${bindingType}' is not supported yet (only 'latest')` });
    }
    if (form.formId && form.externalReference) {
      issues.push({ elementId: id, message: "zeebe:formDefinition must have either 'formId' or 'externalReference', not both" });
    } else if (typeof form.formId === 'string' && form.formId.trim() !== '') {
      def.formId = form.formId.trim();
    } else if (typeof form.externalReference === 'string' && form.externalReference.trim() !== '') {
      def.externalFormReference = expr(id, 'zeebe:formDefinition externalReference', form.externalReference, issues);
    } else {
      issues.push({ elementId: id, message: "zeebe:formDefinition must have a 'formId' or an 'externalReference'" });
    }
  }
  const opt = (el: ModdleElement | undefined, attr: string, label: string) => {
    const v = el?.[attr];
    return typeof v === 'string' && v.trim() !== '' ? expr(id, label, v, issues) : undefined;
  };
  def.assignee = opt(assignment, 'assignee', 'zeebe:assignmentDefinition assignee');
  def.candidateGroups = opt(assignment, 'candidateGroups', 'zeebe:assignmentDefinition candidateGroups');
  def.candidateUsers = opt(assignment, 'candidateUsers', 'zeebe:assignmentDefinition candidateUsers');
  def.dueDate = opt(schedule, 'dueDate', 'zeebe:taskSchedule dueDate');
  def.followUpDate = opt(schedule, 'followUpDate', 'zeebe:taskSchedule followUpDate');
  def.priority = opt(priority, 'priority', 'zeebe:priorityDefinition priority');
  return def;
}
