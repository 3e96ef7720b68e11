/**
 * BPMN → executable model. Parses with bpmn-moddle and Camunda's zeebe moddle extension (as Modeler
 * does), then checks every element and attribute against what this engine implements. Anything it
 * does not implement rejects the whole resource, naming the element and the construct, so a model is
 * never run half-understood. FEEL (and timer values) are compiled here, once per deployment.
 */
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { compile, FeelSyntaxError, type CompiledExpression } from '../feel/index.js';
import { ModelError } from '../model-error.js';
import { compileTimer, type CompiledTimer, type TimerKind } from './timer/index.js';

export type BpmnElementType =
  | 'PROCESS'
  | 'SUB_PROCESS'
  | 'EVENT_SUB_PROCESS'
  | 'START_EVENT'
  | 'END_EVENT'
  | 'INTERMEDIATE_THROW_EVENT'
  | 'INTERMEDIATE_CATCH_EVENT'
  | 'BOUNDARY_EVENT'
  | 'SERVICE_TASK'
  | 'SEND_TASK'
  | 'RECEIVE_TASK'
  | 'BUSINESS_RULE_TASK'
  | 'SCRIPT_TASK'
  | 'USER_TASK'
  | 'MANUAL_TASK'
  | 'TASK'
  | 'CALL_ACTIVITY'
  | 'EXCLUSIVE_GATEWAY'
  | 'PARALLEL_GATEWAY'
  | 'INCLUSIVE_GATEWAY'
  | 'EVENT_BASED_GATEWAY'
  | 'MULTI_INSTANCE_BODY';

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

export type EventKind = 'none' | 'timer' | 'message' | 'error' | 'escalation' | 'signal' | 'terminate' | 'link';

export interface EventDefinition {
  kind: EventKind;
  timer?: CompiledTimer;
  /** Message name (may be FEEL) and correlation key (FEEL; absent on process-level message starts). */
  messageName?: CompiledExpression;
  correlationKey?: CompiledExpression;
  /** Error code: static on catch events (absent = catch all), may be FEEL on throw events. */
  errorCode?: CompiledExpression;
  escalationCode?: CompiledExpression;
  signalName?: CompiledExpression;
  linkName?: string;
}

export interface MultiInstanceDefinition {
  sequential: boolean;
  inputCollection: CompiledExpression;
  inputElement?: string;
  outputCollection?: string;
  outputElement?: CompiledExpression;
  completionCondition?: CompiledExpression;
}

export interface CallActivityDefinition {
  processId: CompiledExpression;
  propagateAllChildVariables: boolean;
  propagateAllParentVariables: boolean;
  bindingType: 'latest' | 'deployment' | 'versionTag';
  versionTag?: string;
}

export interface CalledDecisionDefinition {
  decisionId: CompiledExpression;
  resultVariable: string;
  bindingType: 'latest' | 'deployment' | 'versionTag';
  versionTag?: string;
}

/** A process, subprocess or event subprocess: what runs inside it. */
export interface ScopeDefinition {
  /** The none start event (absent in event subprocesses, whose start event is triggered). */
  noneStartId?: string;
  /** Event subprocesses directly inside this scope. */
  eventSubprocesses: string[];
  /** Link catch events in this scope by link name. */
  linkCatches: Map<string, string>;
}

export interface FlowNode {
  id: string;
  name?: string;
  type: BpmnElementType;
  /** The id of the process or subprocess this element is directly inside. */
  scopeId: string;
  incoming: string[];
  outgoing: string[];
  defaultFlow?: string;
  inputs: Mapping[];
  outputs: Mapping[];
  job?: JobDefinition;
  userTask?: UserTaskDefinition;
  script?: ScriptDefinition;
  event?: EventDefinition;
  /** Boundary events: the activity they are attached to. */
  attachedTo?: string;
  /** Start events: the linked form's id (`zeebe:formDefinition formId`), the process's start form. */
  formId?: string;
  /** Boundary events (cancelActivity) and event subprocess start events (isInterrupting). */
  interrupting: boolean;
  /** Activities: ids of the boundary events attached to them. */
  boundaryEvents: string[];
  scope?: ScopeDefinition;
  multiInstance?: MultiInstanceDefinition;
  callActivity?: CallActivityDefinition;
  calledDecision?: CalledDecisionDefinition;
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
  /** Every element, in every scope; the process itself is the node with id = processId. */
  nodes: Map<string, FlowNode>;
  flows: Map<string, SequenceFlow>;
  /** Start events of the process that create instances on an event (timer, message, signal). */
  eventStarts: string[];
  /** Whether the process has a none start event (CreateProcessInstance can start it). */
  hasNoneStart: boolean;
  /** The form linked from the none start event (`zeebe:formDefinition formId`), its start form. */
  startFormId?: string;
}

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

/** Root elements that only serve as references from events. */
const DEFINITIONS = new Set(['bpmn:Message', 'bpmn:Error', 'bpmn:Escalation', 'bpmn:Signal']);

const COMMON = ['$type', 'id', 'name', 'documentation', 'extensionElements', 'modelerTemplate', 'modelerTemplateVersion', 'modelerTemplateIcon'];
const FLOW_NODE = [...COMMON, 'incoming', 'outgoing'];
/** Data associations are drawn for documentation; like Zeebe we deploy them and ignore them. */
const DATA = ['dataInputAssociations', 'dataOutputAssociations', 'properties'];
const ACTIVITY = [...FLOW_NODE, ...DATA, 'loopCharacteristics', 'default'];
const EVENT = [...FLOW_NODE, ...DATA, 'eventDefinitions'];
const SCOPE = [...ACTIVITY, 'flowElements', 'artifacts', 'laneSets', 'triggeredByEvent'];

/** Properties each supported element type may set; anything else is unsupported. */
const ALLOWED_PROPERTIES: Record<string, string[]> = {
  'bpmn:Process': [...COMMON, 'isExecutable', 'flowElements', 'laneSets', 'artifacts', 'processType', 'isClosed'],
  'bpmn:Collaboration': [...COMMON, 'participants', 'messageFlows', 'artifacts'],
  'bpmn:StartEvent': [...EVENT, 'isInterrupting'],
  'bpmn:EndEvent': EVENT,
  'bpmn:IntermediateThrowEvent': EVENT,
  'bpmn:IntermediateCatchEvent': EVENT,
  'bpmn:BoundaryEvent': [...EVENT, 'attachedToRef', 'cancelActivity'],
  'bpmn:ServiceTask': ACTIVITY,
  'bpmn:SendTask': ACTIVITY,
  'bpmn:ReceiveTask': [...ACTIVITY, 'messageRef'],
  'bpmn:BusinessRuleTask': ACTIVITY,
  'bpmn:ScriptTask': ACTIVITY,
  'bpmn:UserTask': ACTIVITY,
  'bpmn:ManualTask': ACTIVITY,
  'bpmn:Task': ACTIVITY,
  'bpmn:CallActivity': ACTIVITY,
  'bpmn:SubProcess': SCOPE,
  'bpmn:ExclusiveGateway': [...FLOW_NODE, 'default', 'gatewayDirection'],
  'bpmn:InclusiveGateway': [...FLOW_NODE, 'default', 'gatewayDirection'],
  'bpmn:ParallelGateway': [...FLOW_NODE, 'gatewayDirection'],
  'bpmn:EventBasedGateway': [...FLOW_NODE, 'gatewayDirection', 'eventGatewayType', 'instantiate'],
  'bpmn:SequenceFlow': [...COMMON, 'sourceRef', 'targetRef', 'conditionExpression'],
};

const ELEMENT_TYPES: Record<string, BpmnElementType> = {
  'bpmn:StartEvent': 'START_EVENT',
  'bpmn:EndEvent': 'END_EVENT',
  'bpmn:IntermediateThrowEvent': 'INTERMEDIATE_THROW_EVENT',
  'bpmn:IntermediateCatchEvent': 'INTERMEDIATE_CATCH_EVENT',
  'bpmn:BoundaryEvent': 'BOUNDARY_EVENT',
  'bpmn:ServiceTask': 'SERVICE_TASK',
  'bpmn:SendTask': 'SEND_TASK',
  'bpmn:ReceiveTask': 'RECEIVE_TASK',
  'bpmn:BusinessRuleTask': 'BUSINESS_RULE_TASK',
  'bpmn:ScriptTask': 'SCRIPT_TASK',
  'bpmn:UserTask': 'USER_TASK',
  'bpmn:ManualTask': 'MANUAL_TASK',
  'bpmn:Task': 'TASK',
  'bpmn:CallActivity': 'CALL_ACTIVITY',
  'bpmn:SubProcess': 'SUB_PROCESS',
  'bpmn:ExclusiveGateway': 'EXCLUSIVE_GATEWAY',
  'bpmn:InclusiveGateway': 'INCLUSIVE_GATEWAY',
  'bpmn:ParallelGateway': 'PARALLEL_GATEWAY',
  'bpmn:EventBasedGateway': 'EVENT_BASED_GATEWAY',
};

const JOB_EXTENSIONS = ['zeebe:TaskDefinition', 'zeebe:TaskHeaders', 'zeebe:IoMapping'];

/** Zeebe extension elements each element type may carry. */
const ALLOWED_EXTENSIONS: Record<string, string[]> = {
  'bpmn:Process': ['zeebe:VersionTag'],
  'bpmn:StartEvent': ['zeebe:FormDefinition', 'zeebe:IoMapping'],
  'bpmn:EndEvent': JOB_EXTENSIONS,
  'bpmn:IntermediateThrowEvent': JOB_EXTENSIONS,
  'bpmn:IntermediateCatchEvent': ['zeebe:IoMapping'],
  'bpmn:BoundaryEvent': ['zeebe:IoMapping'],
  'bpmn:ServiceTask': [...JOB_EXTENSIONS],
  'bpmn:SendTask': [...JOB_EXTENSIONS],
  'bpmn:ReceiveTask': ['zeebe:IoMapping'],
  'bpmn:BusinessRuleTask': [...JOB_EXTENSIONS, 'zeebe:CalledDecision'],
  'bpmn:ScriptTask': [...JOB_EXTENSIONS, 'zeebe:Script'],
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
  'bpmn:CallActivity': ['zeebe:CalledElement', 'zeebe:IoMapping'],
  'bpmn:SubProcess': ['zeebe:IoMapping'],
  'bpmn:ExclusiveGateway': [],
  'bpmn:InclusiveGateway': [],
  'bpmn:ParallelGateway': [],
  'bpmn:EventBasedGateway': [],
  'bpmn:SequenceFlow': [],
  'bpmn:Collaboration': [],
  'bpmn:Message': ['zeebe:Subscription'],
  'bpmn:MultiInstanceLoopCharacteristics': ['zeebe:LoopCharacteristics'],
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
  'zeebe:Subscription': ['correlationKey'],
  'zeebe:LoopCharacteristics': ['inputCollection', 'inputElement', 'outputCollection', 'outputElement'],
  'zeebe:CalledElement': ['processId', 'propagateAllChildVariables', 'propagateAllParentVariables', 'bindingType', 'versionTag'],
  'zeebe:CalledDecision': ['decisionId', 'resultVariable', 'bindingType', 'versionTag'],
};

/** Wording for constructs a process owner may reasonably try, so the rejection says what to do. */
const UNSUPPORTED_HINTS: Record<string, string> = {
  'zeebe:ExecutionListeners': 'execution listeners are not supported by the embedded engine',
  'zeebe:TaskListeners': 'task listeners are not supported by the embedded engine',
  'zeebe:UserTaskForm':
    'embedded user task forms (zeebe:userTaskForm) belong to job-worker user tasks, which are not supported; link a deployed form with zeebe:formDefinition formId',
  'zeebe:JobPriorityDefinition': 'job priorities are not supported by the embedded engine',
  'zeebe:LinkedResources': 'linked resources are not supported by the embedded engine',
  'bpmn:AdHocSubProcess': 'ad-hoc subprocesses are not supported by the embedded engine',
  'bpmn:Transaction': 'transaction subprocesses are not supported (Zeebe does not support them either)',
  'bpmn:ComplexGateway': 'complex gateways are not supported (Zeebe does not support them either)',
  'bpmn:CompensateEventDefinition': 'compensation events are not supported by the embedded engine',
  'bpmn:ConditionalEventDefinition': 'conditional events are not supported by the embedded engine',
  'bpmn:CancelEventDefinition': 'cancel events are not supported (Zeebe does not support them either)',
  'bpmn:StandardLoopCharacteristics': 'standard loops are not supported (Zeebe does not support them either); use multi-instance',
};

type ModdleElement = { $type: string; id?: string; $parent?: ModdleElement; [key: string]: unknown };

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
 * (element id and what is wrong, in Zeebe's validation format) when anything cannot be executed
 * exactly as Zeebe would.
 */
export async function parseBpmn(xml: string, resourceName: string): Promise<ProcessModel[]> {
  let definitions: ModdleElement;
  let warnings: { message: string }[];
  try {
    const result = await moddle.fromXML(xml, 'bpmn:Definitions');
    definitions = result.rootElement as unknown as ModdleElement;
    warnings = result.warnings;
  } catch (err) {
    throw new ModelError(`'${resourceName}': the XML is not a valid BPMN 2.0 document: ${(err as Error).message.split('\n')[0]}`);
  }
  const issues: Issue[] = warnings.map((w) => ({
    elementId: resourceName,
    message: w.message
      .split('\n')
      .filter((l) => !/^\s*(line|column):/.test(l))
      .join(' ')
      .replace(/\s+/g, ' '),
  }));
  const rootElements = (definitions.rootElements as ModdleElement[] | undefined) ?? [];
  const processes: ModdleElement[] = [];
  for (const root of rootElements) {
    if (root.$type === 'bpmn:Process') {
      if (root.isExecutable !== false) processes.push(root);
    } else if (root.$type === 'bpmn:Collaboration') {
      checkProperties(root, issues);
    } else if (IGNORED.has(root.$type)) {
      continue; // e.g. the bpmn:category Modeler writes for every group
    } else if (DEFINITIONS.has(root.$type)) {
      if (root.$type === 'bpmn:Message') extensions(root, issues);
    } else {
      issues.push({ elementId: root.id ?? resourceName, message: UNSUPPORTED_HINTS[root.$type] ?? `${describe(root)} is not supported yet` });
    }
  }
  if (processes.length === 0 && issues.length === 0) {
    issues.push({ elementId: resourceName, message: 'Must contain at least one executable process' });
  }
  const models: ProcessModel[] = [];
  for (const process of processes) {
    const model = new ProcessBuilder(process, issues).build();
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
    issues.push({ elementId: el.id ?? '?', message: UNSUPPORTED_HINTS[el.$type] ?? `${describe(el)} is not supported yet` });
    return false;
  }
  let ok = true;
  for (const key of ownKeys(el)) {
    if (allowed.includes(key)) continue;
    issues.push({ elementId: el.id ?? '?', message: `attribute '${key}' on ${describe(el)} is not supported yet` });
    ok = false;
  }
  return ok;
}

function extensions(el: ModdleElement, issues: Issue[], ownerId = el.id): Map<string, ModdleElement> {
  const found = new Map<string, ModdleElement>();
  const ext = el.extensionElements as { values?: ModdleElement[] } | undefined;
  const allowed = ALLOWED_EXTENSIONS[el.$type] ?? [];
  el = { $type: el.$type, id: ownerId };
  for (const value of ext?.values ?? []) {
    if (IGNORED.has(value.$type)) continue;
    if (!value.$type.startsWith('zeebe:')) continue; // other vendors' extensions carry no Zeebe semantics
    if (!allowed.includes(value.$type)) {
      issues.push({
        elementId: el.id ?? '?',
        message: UNSUPPORTED_HINTS[value.$type] ?? `extension element '${value.$type}' on ${describe(el)} is not supported`,
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
        issues.push({ elementId: el.id ?? '?', message: `attribute '${key}' of '${value.$type}' is not supported` });
      }
    }
    found.set(value.$type, value);
  }
  return found;
}

const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

class ProcessBuilder {
  private readonly nodes = new Map<string, FlowNode>();
  private readonly flows = new Map<string, SequenceFlow>();
  private readonly processId: string;
  private readonly before: number;

  constructor(
    private readonly process: ModdleElement,
    private readonly issues: Issue[],
  ) {
    this.processId = process.id ?? '';
    this.before = issues.length;
  }

  private issue(elementId: string, message: string): void {
    this.issues.push({ elementId, message });
  }

  private expr(elementId: string, attribute: string, source: string | undefined): CompiledExpression | undefined {
    if (source === undefined) return undefined;
    try {
      return compile(source);
    } catch (err) {
      if (err instanceof FeelSyntaxError) {
        this.issue(elementId, `${attribute}: ${err.message}`);
        return undefined;
      }
      throw err;
    }
  }

  /** A FEEL expression that must be one (starts with '='), e.g. conditions and input collections. */
  private feel(elementId: string, attribute: string, source: string | undefined): CompiledExpression | undefined {
    const e = this.expr(elementId, attribute, source);
    if (e && e.isStatic) this.issue(elementId, `${attribute} '${source}' must be a FEEL expression starting with '='`);
    return e && !e.isStatic ? e : undefined;
  }

  build(): ProcessModel | undefined {
    const process = this.process;
    checkProperties(process, this.issues);
    const processExt = extensions(process, this.issues);
    const root: FlowNode = {
      id: this.processId,
      name: process.name as string | undefined,
      type: 'PROCESS',
      scopeId: this.processId,
      incoming: [],
      outgoing: [],
      inputs: [],
      outputs: [],
      interrupting: true,
      boundaryEvents: [],
    };
    this.nodes.set(root.id, root);
    root.scope = this.buildScope(root, process);

    const eventStarts: string[] = [];
    for (const node of this.nodes.values()) {
      if (node.type === 'START_EVENT' && node.scopeId === this.processId && node.event && node.event.kind !== 'none') {
        eventStarts.push(node.id);
      }
    }
    if (!root.scope.noneStartId && eventStarts.length === 0) {
      this.issue(this.processId, 'Must have at least one start event');
    }
    if (this.issues.length > this.before) return undefined;
    return {
      processId: this.processId,
      name: process.name as string | undefined,
      versionTag: processExt.get('zeebe:VersionTag')?.value as string | undefined,
      nodes: this.nodes,
      flows: this.flows,
      eventStarts,
      hasNoneStart: root.scope.noneStartId !== undefined,
      ...(root.scope.noneStartId && this.nodes.get(root.scope.noneStartId)?.formId ? { startFormId: this.nodes.get(root.scope.noneStartId)!.formId } : {}),
    };
  }

  /** Builds the elements directly inside a process or subprocess. */
  private buildScope(scopeNode: FlowNode, container: ModdleElement): ScopeDefinition {
    const scope: ScopeDefinition = { eventSubprocesses: [], linkCatches: new Map() };
    const elements = ((container.flowElements as ModdleElement[] | undefined) ?? []).filter((e) => !IGNORED.has(e.$type));
    const localNodes: FlowNode[] = [];
    const localFlows: SequenceFlow[] = [];
    for (const el of elements) {
      if (!checkProperties(el, this.issues)) continue;
      if (el.$type === 'bpmn:SequenceFlow') {
        const flow = this.buildFlow(el);
        if (flow) localFlows.push(flow);
        continue;
      }
      const node = this.buildNode(el, scopeNode.id);
      if (node) localNodes.push(node);
    }
    for (const flow of localFlows) {
      const source = this.nodes.get(flow.source);
      const target = this.nodes.get(flow.target);
      if (!source || !target || source.scopeId !== scopeNode.id || target.scopeId !== scopeNode.id) {
        if (!this.issues.some((i) => i.elementId === flow.source || i.elementId === flow.target)) {
          this.issue(flow.id, 'a sequence flow must connect two elements of the same process or subprocess');
        }
        continue;
      }
      source.outgoing.push(flow.id);
      target.incoming.push(flow.id);
      this.flows.set(flow.id, flow);
    }
    const noneStarts: string[] = [];
    const linkThrows = new Map<string, string>();
    for (const node of localNodes) {
      this.validateNode(node, scopeNode);
      if (node.type === 'START_EVENT' && (!node.event || node.event.kind === 'none')) noneStarts.push(node.id);
      if (node.type === 'EVENT_SUB_PROCESS') scope.eventSubprocesses.push(node.id);
      if (node.event?.kind === 'link' && node.event.linkName) {
        if (node.type === 'INTERMEDIATE_CATCH_EVENT') {
          if (scope.linkCatches.has(node.event.linkName)) {
            this.issue(node.id, `Multiple intermediate catch link event definitions with the same name '${node.event.linkName}' are not allowed`);
          }
          scope.linkCatches.set(node.event.linkName, node.id);
        } else {
          linkThrows.set(node.id, node.event.linkName);
        }
      }
    }
    for (const [throwId, name] of linkThrows) {
      if (!scope.linkCatches.has(name)) this.issue(throwId, `Can't find a catch link event with the name '${name}' in the same scope`);
    }
    if (scopeNode.type === 'EVENT_SUB_PROCESS') {
      const starts = localNodes.filter((n) => n.type === 'START_EVENT');
      if (starts.length !== 1 || !starts[0]!.event || starts[0]!.event.kind === 'none') {
        this.issue(scopeNode.id, 'An event subprocess must have exactly one start event with an event definition (timer, message, error, escalation or signal)');
      }
    } else if (noneStarts.length > 1) {
      this.issue(scopeNode.id, `Multiple none start events are not allowed (${noneStarts.join(', ')})`);
    } else if (scopeNode.type === 'SUB_PROCESS' && noneStarts.length === 0) {
      this.issue(scopeNode.id, 'An embedded subprocess must have exactly one none start event');
    }
    if (scopeNode.type === 'SUB_PROCESS') {
      const eventStarts = localNodes.filter((n) => n.type === 'START_EVENT' && n.event && n.event.kind !== 'none');
      for (const s of eventStarts) this.issue(s.id, 'Start events with an event definition are only allowed in event subprocesses and at the process level');
    }
    scope.noneStartId = noneStarts[0];
    return scope;
  }

  private buildFlow(el: ModdleElement): SequenceFlow | undefined {
    const id = el.id ?? '?';
    extensions(el, this.issues);
    const source = (el.sourceRef as ModdleElement | undefined)?.id;
    const target = (el.targetRef as ModdleElement | undefined)?.id;
    if (!source || !target) {
      this.issue(id, 'sequence flow must have a sourceRef and a targetRef');
      return undefined;
    }
    const body = (el.conditionExpression as ModdleElement | undefined)?.body as string | undefined;
    const condition = body === undefined ? undefined : this.feel(id, 'condition', body);
    return { id, name: el.name as string | undefined, source, target, condition };
  }

  private buildNode(el: ModdleElement, scopeId: string): FlowNode | undefined {
    const id = el.id ?? '?';
    let type = ELEMENT_TYPES[el.$type];
    if (!type) return undefined;
    if (el.$type === 'bpmn:SubProcess' && el.triggeredByEvent === true) type = 'EVENT_SUB_PROCESS';
    const ext = extensions(el, this.issues);
    const io = ext.get('zeebe:IoMapping');
    const node: FlowNode = {
      id,
      name: el.name as string | undefined,
      type,
      scopeId,
      incoming: [],
      outgoing: [],
      defaultFlow: (el.default as ModdleElement | undefined)?.id,
      inputs: this.mappings(id, 'input', io?.inputParameters as ModdleElement[] | undefined),
      outputs: this.mappings(id, 'output', io?.outputParameters as ModdleElement[] | undefined),
      interrupting: true,
      boundaryEvents: [],
    };
    this.nodes.set(id, node);

    const eventDefinitions = (el.eventDefinitions as ModdleElement[] | undefined) ?? [];
    if (eventDefinitions.length > 1) {
      this.issue(id, 'Multiple event definitions on one event are not supported (Zeebe does not support them either)');
    } else if (eventDefinitions.length === 1) {
      node.event = this.buildEvent(node, eventDefinitions[0]!);
    }
    if (el.$type === 'bpmn:ReceiveTask') {
      node.event = { kind: 'message', ...this.messageRef(id, el.messageRef as ModdleElement | undefined, true) };
    }
    if (type === 'BOUNDARY_EVENT') {
      const attached = (el.attachedToRef as ModdleElement | undefined)?.id;
      if (!attached) this.issue(id, 'a boundary event must be attached to an activity');
      node.attachedTo = attached;
      node.interrupting = el.cancelActivity !== false;
    }
    if (type === 'START_EVENT') node.interrupting = el.isInterrupting !== false;

    const taskDef = ext.get('zeebe:TaskDefinition');
    if (taskDef) {
      const jobType = nonEmpty(taskDef.type);
      if (!jobType) this.issue(id, "zeebe:taskDefinition must have a non-empty 'type'");
      const t = this.expr(id, 'zeebe:taskDefinition type', jobType ?? '');
      const r = this.expr(id, 'zeebe:taskDefinition retries', nonEmpty(taskDef.retries) ?? '3');
      if (t && r) node.job = { type: t, retries: r, headers: this.headers(ext) };
    }
    const loop = el.loopCharacteristics as ModdleElement | undefined;
    if (loop) node.multiInstance = this.buildMultiInstance(node, loop);

    switch (el.$type) {
      case 'bpmn:ServiceTask':
      case 'bpmn:SendTask':
        if (!taskDef) this.issue(id, "Must have exactly one 'zeebe:taskDefinition' extension element");
        break;
      case 'bpmn:BusinessRuleTask': {
        const called = ext.get('zeebe:CalledDecision');
        if (called && taskDef) this.issue(id, "Must have either 'zeebe:calledDecision' or 'zeebe:taskDefinition', not both");
        else if (called) node.calledDecision = this.buildCalledDecision(id, called);
        else if (!taskDef) this.issue(id, "Must have either one 'zeebe:calledDecision' or one 'zeebe:taskDefinition' extension element");
        break;
      }
      case 'bpmn:ScriptTask': {
        const script = ext.get('zeebe:Script');
        if (script && taskDef) {
          this.issue(id, "Must have either 'zeebe:script' or 'zeebe:taskDefinition', not both");
        } else if (script) {
          const resultVariable = nonEmpty(script.resultVariable)?.trim();
          if (!resultVariable) this.issue(id, "zeebe:script must have a 'resultVariable'");
          const e = nonEmpty(script.expression) ? this.feel(id, 'zeebe:script expression', script.expression as string) : undefined;
          if (!nonEmpty(script.expression)) this.issue(id, "zeebe:script must have an 'expression'");
          if (e && resultVariable) node.script = { expression: e, resultVariable };
        } else if (!taskDef) {
          this.issue(id, "Must have either one 'zeebe:script' or one 'zeebe:taskDefinition' extension element");
        }
        break;
      }
      case 'bpmn:UserTask':
        node.userTask = this.buildUserTask(id, ext);
        break;
      case 'bpmn:StartEvent':
        node.formId = this.startForm(id, ext.get('zeebe:FormDefinition'));
        break;
      case 'bpmn:CallActivity':
        node.callActivity = this.buildCallActivity(id, ext.get('zeebe:CalledElement'));
        break;
      case 'bpmn:SubProcess':
        node.scope = this.buildScope(node, el);
        break;
      case 'bpmn:EndEvent':
      case 'bpmn:IntermediateThrowEvent':
        if (taskDef && node.event?.kind !== 'message') {
          this.issue(id, "zeebe:taskDefinition is only allowed on message throw events");
        }
        if (node.event?.kind === 'message' && !taskDef) {
          this.issue(id, "A message throw event must have a 'zeebe:taskDefinition' (a job worker sends the message)");
        }
        break;
      default:
        break;
    }
    return node;
  }

  private buildEvent(node: FlowNode, def: ModdleElement): EventDefinition | undefined {
    const id = node.id;
    const allowedOn: Record<string, BpmnElementType[]> = {
      'bpmn:TimerEventDefinition': ['START_EVENT', 'INTERMEDIATE_CATCH_EVENT', 'BOUNDARY_EVENT'],
      'bpmn:MessageEventDefinition': ['START_EVENT', 'INTERMEDIATE_CATCH_EVENT', 'BOUNDARY_EVENT', 'INTERMEDIATE_THROW_EVENT', 'END_EVENT'],
      'bpmn:ErrorEventDefinition': ['START_EVENT', 'BOUNDARY_EVENT', 'END_EVENT'],
      'bpmn:EscalationEventDefinition': ['START_EVENT', 'BOUNDARY_EVENT', 'INTERMEDIATE_THROW_EVENT', 'END_EVENT'],
      'bpmn:SignalEventDefinition': ['START_EVENT', 'INTERMEDIATE_CATCH_EVENT', 'BOUNDARY_EVENT', 'INTERMEDIATE_THROW_EVENT', 'END_EVENT'],
      'bpmn:TerminateEventDefinition': ['END_EVENT'],
      'bpmn:LinkEventDefinition': ['INTERMEDIATE_CATCH_EVENT', 'INTERMEDIATE_THROW_EVENT'],
    };
    const allowed = allowedOn[def.$type];
    if (!allowed) {
      this.issue(id, UNSUPPORTED_HINTS[def.$type] ?? `${describe(def)} is not supported yet`);
      return undefined;
    }
    if (!allowed.includes(node.type)) {
      this.issue(id, `${describe(def)} on ${node.type.toLowerCase().replaceAll('_', ' ')} is not supported`);
      return undefined;
    }
    const isThrow = node.type === 'END_EVENT' || node.type === 'INTERMEDIATE_THROW_EVENT';
    switch (def.$type) {
      case 'bpmn:TimerEventDefinition': {
        const kinds: TimerKind[] = ['timeDate', 'timeDuration', 'timeCycle'];
        const present = kinds.filter((k) => def[k] !== undefined);
        if (present.length !== 1) {
          this.issue(id, 'a timer must have exactly one of timeDate, timeDuration or timeCycle');
          return undefined;
        }
        const kind = present[0]!;
        if (kind === 'timeCycle' && node.type === 'INTERMEDIATE_CATCH_EVENT') {
          this.issue(id, 'an intermediate timer catch event must have a timeDate or timeDuration, not a timeCycle');
        }
        if (kind === 'timeDuration' && node.type === 'START_EVENT' && node.scopeId === this.processId) {
          this.issue(id, 'a timer start event of a process must have a timeDate or timeCycle, not a timeDuration');
        }
        const body = ((def[kind] as ModdleElement).body as string | undefined) ?? '';
        try {
          const startEventOfProcess = node.type === 'START_EVENT' && node.scopeId === this.processId;
          return { kind: 'timer', timer: compileTimer(kind, body, { startEventOfProcess }) };
        } catch (err) {
          this.issue(id, (err as Error).message);
          return undefined;
        }
      }
      case 'bpmn:MessageEventDefinition':
        return { kind: 'message', ...this.messageRef(id, def.messageRef as ModdleElement | undefined, !isThrow && !(node.type === 'START_EVENT' && node.scopeId === this.processId)) };
      case 'bpmn:ErrorEventDefinition': {
        const error = def.errorRef as ModdleElement | undefined;
        const code = nonEmpty(error?.errorCode);
        if (isThrow) {
          if (!code) {
            this.issue(id, 'An error end event must reference an error with an errorCode');
            return undefined;
          }
          return { kind: 'error', errorCode: this.expr(id, 'errorCode', code) };
        }
        if (code && code.trim().startsWith('=')) this.issue(id, 'The errorCode of an error catch event must be static, not an expression');
        return { kind: 'error', errorCode: code ? compile(code) : undefined };
      }
      case 'bpmn:EscalationEventDefinition': {
        const escalation = def.escalationRef as ModdleElement | undefined;
        const code = nonEmpty(escalation?.escalationCode);
        if (isThrow) {
          if (!code) {
            this.issue(id, 'An escalation throw event must reference an escalation with an escalationCode');
            return undefined;
          }
          return { kind: 'escalation', escalationCode: this.expr(id, 'escalationCode', code) };
        }
        if (code && code.trim().startsWith('=')) this.issue(id, 'The escalationCode of an escalation catch event must be static, not an expression');
        return { kind: 'escalation', escalationCode: code ? compile(code) : undefined };
      }
      case 'bpmn:SignalEventDefinition': {
        const signal = def.signalRef as ModdleElement | undefined;
        const name = nonEmpty(signal?.name);
        if (!name) {
          this.issue(id, 'A signal event must reference a signal with a name');
          return undefined;
        }
        return { kind: 'signal', signalName: this.expr(id, 'signal name', name) };
      }
      case 'bpmn:TerminateEventDefinition':
        return { kind: 'terminate' };
      case 'bpmn:LinkEventDefinition': {
        const name = nonEmpty(def.name);
        if (!name) {
          this.issue(id, 'A link event must have a name');
          return undefined;
        }
        return { kind: 'link', linkName: name };
      }
      default:
        return undefined;
    }
  }

  private messageRef(
    id: string,
    message: ModdleElement | undefined,
    needsCorrelationKey: boolean,
  ): Pick<EventDefinition, 'messageName' | 'correlationKey'> {
    const name = nonEmpty(message?.name);
    if (!name) {
      this.issue(id, 'Must reference a message with a name');
      return {};
    }
    const subscription = (message!.extensionElements as { values?: ModdleElement[] } | undefined)?.values?.find((v) => v.$type === 'zeebe:Subscription');
    const key = nonEmpty(subscription?.correlationKey);
    if (needsCorrelationKey && !key) {
      this.issue(id, `The message '${name}' must have a correlation key (zeebe:subscription correlationKey)`);
    }
    return {
      messageName: this.expr(id, 'message name', name),
      correlationKey: key ? this.feel(id, 'correlationKey', key) : undefined,
    };
  }

  private buildMultiInstance(node: FlowNode, loop: ModdleElement): MultiInstanceDefinition | undefined {
    const id = node.id;
    if (loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
      this.issue(id, UNSUPPORTED_HINTS[loop.$type] ?? `${describe(loop)} is not supported`);
      return undefined;
    }
    for (const key of ownKeys(loop)) {
      if (!['$type', 'id', 'isSequential', 'completionCondition', 'extensionElements'].includes(key)) {
        this.issue(id, `attribute '${key}' of the multi-instance loop is not supported`);
      }
    }
    // Modeler writes zeebe:loopCharacteristics inside the loop element's extensionElements.
    const zeebeLoop = extensions(loop, this.issues, id).get('zeebe:LoopCharacteristics');
    const input = nonEmpty(zeebeLoop?.inputCollection);
    if (!input) {
      this.issue(id, "A multi-instance activity must have an inputCollection (zeebe:loopCharacteristics)");
      return undefined;
    }
    const inputCollection = this.feel(id, 'inputCollection', input);
    const outputCollection = nonEmpty(zeebeLoop?.outputCollection)?.trim();
    const outputElementText = nonEmpty(zeebeLoop?.outputElement);
    if (outputCollection && !outputElementText) this.issue(id, 'outputElement is required when outputCollection is set');
    if (!outputCollection && outputElementText) this.issue(id, 'outputCollection is required when outputElement is set');
    const outputElement = outputElementText ? this.feel(id, 'outputElement', outputElementText) : undefined;
    const conditionBody = (loop.completionCondition as ModdleElement | undefined)?.body as string | undefined;
    const completionCondition = conditionBody ? this.feel(id, 'completionCondition', conditionBody) : undefined;
    if (!inputCollection) return undefined;
    return {
      sequential: loop.isSequential === true,
      inputCollection,
      inputElement: nonEmpty(zeebeLoop?.inputElement)?.trim(),
      outputCollection,
      outputElement,
      completionCondition,
    };
  }

  private bindingType(id: string, el: ModdleElement): { bindingType: 'latest' | 'deployment' | 'versionTag'; versionTag?: string } {
    const bindingType = (nonEmpty(el.bindingType) ?? 'latest') as string;
    if (!['latest', 'deployment', 'versionTag'].includes(bindingType)) {
      this.issue(id, `binding type '${bindingType}' is not one of latest, deployment, versionTag`);
      return { bindingType: 'latest' };
    }
    const versionTag = nonEmpty(el.versionTag);
    if (bindingType === 'versionTag' && !versionTag) this.issue(id, "binding type 'versionTag' needs a versionTag");
    return { bindingType: bindingType as 'latest' | 'deployment' | 'versionTag', versionTag };
  }

  private buildCallActivity(id: string, called: ModdleElement | undefined): CallActivityDefinition | undefined {
    const processId = nonEmpty(called?.processId);
    if (!called || !processId) {
      this.issue(id, "Must have a 'zeebe:calledElement' with a processId");
      return undefined;
    }
    const e = this.expr(id, 'zeebe:calledElement processId', processId);
    if (!e) return undefined;
    return {
      processId: e,
      // Zeebe propagates all child variables unless told not to.
      propagateAllChildVariables: called.propagateAllChildVariables !== false,
      propagateAllParentVariables: called.propagateAllParentVariables !== false,
      ...this.bindingType(id, called),
    };
  }

  private buildCalledDecision(id: string, called: ModdleElement): CalledDecisionDefinition | undefined {
    const decisionId = nonEmpty(called.decisionId);
    const resultVariable = nonEmpty(called.resultVariable)?.trim();
    if (!decisionId) this.issue(id, "zeebe:calledDecision must have a 'decisionId'");
    if (!resultVariable) this.issue(id, "zeebe:calledDecision must have a 'resultVariable'");
    const e = decisionId ? this.expr(id, 'zeebe:calledDecision decisionId', decisionId) : undefined;
    if (!e || !resultVariable) return undefined;
    return { decisionId: e, resultVariable, ...this.bindingType(id, called) };
  }

  private mappings(elementId: string, kind: 'input' | 'output', params: ModdleElement[] | undefined): Mapping[] {
    const out: Mapping[] = [];
    for (const p of params ?? []) {
      const target = typeof p.target === 'string' ? p.target.trim() : '';
      if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(target)) {
        this.issue(elementId, `${kind} mapping target '${target}' is not a valid variable name or path`);
        continue;
      }
      const sourceText = typeof p.source === 'string' && p.source.trim() !== '' ? p.source : '=null';
      const source = this.expr(elementId, `${kind} mapping '${target}' source`, sourceText);
      if (source) out.push({ source, target: target.split('.') });
    }
    return out;
  }

  private headers(ext: Map<string, ModdleElement>): Record<string, string> {
    const h: Record<string, string> = {};
    const values = (ext.get('zeebe:TaskHeaders')?.values as ModdleElement[] | undefined) ?? [];
    for (const v of values) h[String(v.key)] = String(v.value ?? '');
    return h;
  }

  /**
   * A start event's linked form (Camunda Tasklist's start form). Only a linked form by id: 8.8's
   * GET /v2/process-definitions/{key}/form serves deployed forms, nothing else.
   */
  private startForm(id: string, form: ModdleElement | undefined): string | undefined {
    if (!form) return undefined;
    const bindingType = (form.bindingType as string | undefined) ?? 'latest';
    if (bindingType !== 'latest') this.issue(id, `form binding type '${bindingType}' is not supported yet (only 'latest')`);
    if (nonEmpty(form.externalReference)) {
      this.issue(id, "a start event's zeebe:formDefinition must link a deployed form by 'formId'; an external reference is not supported");
      return undefined;
    }
    const formId = nonEmpty(form.formId);
    if (!formId) {
      this.issue(id, "zeebe:formDefinition must have a 'formId'");
      return undefined;
    }
    return formId.trim();
  }

  private buildUserTask(id: string, ext: Map<string, ModdleElement>): UserTaskDefinition | undefined {
    if (!ext.has('zeebe:UserTask')) {
      this.issue(id, 'job-worker user tasks are not supported: mark the task as a Camunda user task (<zeebe:userTask/>)');
      return undefined;
    }
    const form = ext.get('zeebe:FormDefinition');
    const assignment = ext.get('zeebe:AssignmentDefinition');
    const schedule = ext.get('zeebe:TaskSchedule');
    const priority = ext.get('zeebe:PriorityDefinition');
    const def: UserTaskDefinition = { headers: this.headers(ext) };
    if (form) {
      const bindingType = (form.bindingType as string | undefined) ?? 'latest';
      if (bindingType !== 'latest') this.issue(id, `form binding type '${bindingType}' is not supported yet (only 'latest')`);
      if (form.formId && form.externalReference) {
        this.issue(id, "zeebe:formDefinition must have either 'formId' or 'externalReference', not both");
      } else if (nonEmpty(form.formId)) {
        def.formId = (form.formId as string).trim();
      } else if (nonEmpty(form.externalReference)) {
        def.externalFormReference = this.expr(id, 'zeebe:formDefinition externalReference', form.externalReference as string);
      } else {
        this.issue(id, "zeebe:formDefinition must have a 'formId' or an 'externalReference'");
      }
    }
    const opt = (el: ModdleElement | undefined, attr: string, label: string) => {
      const v = nonEmpty(el?.[attr]);
      return v ? this.expr(id, label, v) : undefined;
    };
    def.assignee = opt(assignment, 'assignee', 'zeebe:assignmentDefinition assignee');
    def.candidateGroups = opt(assignment, 'candidateGroups', 'zeebe:assignmentDefinition candidateGroups');
    def.candidateUsers = opt(assignment, 'candidateUsers', 'zeebe:assignmentDefinition candidateUsers');
    def.dueDate = opt(schedule, 'dueDate', 'zeebe:taskSchedule dueDate');
    def.followUpDate = opt(schedule, 'followUpDate', 'zeebe:taskSchedule followUpDate');
    def.priority = opt(priority, 'priority', 'zeebe:priorityDefinition priority');
    return def;
  }

  /** Structural rules per element, checked once flows are wired. */
  private validateNode(node: FlowNode, scopeNode: FlowNode): void {
    const id = node.id;
    switch (node.type) {
      case 'START_EVENT':
        if (node.incoming.length > 0) this.issue(id, 'a start event must not have incoming sequence flows');
        if (scopeNode.type === 'EVENT_SUB_PROCESS') {
          const kind = node.event?.kind;
          if ((kind === 'error') && !node.interrupting) this.issue(id, 'An error start event of an event subprocess must be interrupting');
        } else if (node.event && ['error', 'escalation'].includes(node.event.kind)) {
          this.issue(id, `${node.event.kind} start events are only allowed in event subprocesses`);
        }
        break;
      case 'END_EVENT':
        if (node.outgoing.length > 0) this.issue(id, 'an end event must not have outgoing sequence flows');
        break;
      case 'BOUNDARY_EVENT': {
        const host = node.attachedTo ? this.nodes.get(node.attachedTo) : undefined;
        if (!host || host.scopeId !== node.scopeId || !isActivity(host.type)) {
          this.issue(id, 'a boundary event must be attached to an activity in the same scope');
          break;
        }
        host.boundaryEvents.push(id);
        if (node.incoming.length > 0) this.issue(id, 'a boundary event must not have incoming sequence flows');
        if (node.outgoing.length === 0) this.issue(id, 'a boundary event must have at least one outgoing sequence flow');
        if (!node.event) this.issue(id, 'a boundary event must have an event definition');
        if (node.event?.kind === 'error' && !node.interrupting) this.issue(id, 'an error boundary event must be interrupting');
        break;
      }
      case 'INTERMEDIATE_CATCH_EVENT':
        if (!node.event) this.issue(id, 'an intermediate catch event must have an event definition (timer, message, signal or link)');
        break;
      case 'EXCLUSIVE_GATEWAY':
      case 'INCLUSIVE_GATEWAY':
        this.validateBranching(node);
        break;
      case 'EVENT_BASED_GATEWAY': {
        if (node.outgoing.length < 2) this.issue(id, 'an event-based gateway must have at least two outgoing sequence flows');
        for (const fid of node.outgoing) {
          const target = this.nodes.get(this.flows.get(fid)?.target ?? '');
          const ok =
            target &&
            ((target.type === 'INTERMEDIATE_CATCH_EVENT' && ['timer', 'message', 'signal'].includes(target.event?.kind ?? '')) || target.type === 'RECEIVE_TASK');
          if (!ok) this.issue(fid, 'an event-based gateway may only lead to timer, message or signal intermediate catch events or receive tasks');
          else if (target.incoming.length > 1) this.issue(target.id, 'an event after an event-based gateway must not have other incoming sequence flows');
        }
        break;
      }
      case 'EVENT_SUB_PROCESS':
        if (node.incoming.length > 0 || node.outgoing.length > 0) this.issue(id, 'an event subprocess must not have incoming or outgoing sequence flows');
        if (node.multiInstance) this.issue(id, 'an event subprocess cannot be multi-instance');
        break;
      default:
        break;
    }
    if (node.type !== 'EXCLUSIVE_GATEWAY' && node.type !== 'INCLUSIVE_GATEWAY') {
      for (const fid of node.outgoing) {
        if (this.flows.get(fid)?.condition) {
          this.issue(fid, `conditional sequence flows are only supported on exclusive and inclusive gateways, not on ${node.type}`);
        }
      }
    }
    if (node.type === 'START_EVENT' && node.scopeId === this.processId && node.event?.kind === 'message' && node.event.messageName && !node.event.messageName.isStatic) {
      this.issue(id, 'the message name of a message start event must be static');
    }
  }

  private validateBranching(node: FlowNode): void {
    if (node.defaultFlow !== undefined) {
      const def = this.flows.get(node.defaultFlow);
      if (!def || def.source !== node.id) this.issue(node.id, 'the default flow must be an outgoing sequence flow of the gateway');
      else if (def.condition) this.issue(def.id, 'a default flow must not have a condition');
    }
    if (node.outgoing.length > 1 || node.type === 'INCLUSIVE_GATEWAY') {
      for (const fid of node.outgoing) {
        const f = this.flows.get(fid);
        if (f && !f.condition && fid !== node.defaultFlow && node.outgoing.length > 1) {
          this.issue(fid, `a sequence flow leaving a branching ${node.type === 'EXCLUSIVE_GATEWAY' ? 'exclusive' : 'inclusive'} gateway must have a condition unless it is the default flow`);
        }
      }
    }
  }
}

export function isActivity(type: BpmnElementType): boolean {
  return [
    'SERVICE_TASK',
    'SEND_TASK',
    'RECEIVE_TASK',
    'BUSINESS_RULE_TASK',
    'SCRIPT_TASK',
    'USER_TASK',
    'MANUAL_TASK',
    'TASK',
    'CALL_ACTIVITY',
    'SUB_PROCESS',
  ].includes(type);
}
