/**
 * The engine's command interface, in the shapes of the Camunda 8.8 Orchestration Cluster REST API
 * (keys as decimal strings, dates as ISO strings, variables as JSON objects). The REST layer
 * validates requests and calls these; benchmarks and tests can call them in-process.
 */
import type { Json } from '../feel/index.js';

export type Variables = Record<string, Json>;

export interface DeployResource {
  name: string;
  content: Buffer;
}

export interface DeploymentResponse {
  deploymentKey: string;
  tenantId: string;
  deployments: Array<
    | { processDefinition: DeployedProcess }
    | { form: DeployedForm }
    | { decisionDefinition: DeployedDecision }
    | { decisionRequirements: DeployedDecisionRequirements }
  >;
}

export interface DeployedDecision {
  decisionDefinitionId: string;
  version: number;
  name: string;
  tenantId: string;
  decisionRequirementsId: string;
  decisionDefinitionKey: string;
  decisionRequirementsKey: string;
}

export interface DeployedDecisionRequirements {
  decisionRequirementsId: string;
  version: number;
  decisionRequirementsName: string;
  tenantId: string;
  resourceName: string;
  decisionRequirementsKey: string;
}

export interface DeployedProcess {
  processDefinitionId: string;
  processDefinitionVersion: number;
  processDefinitionKey: string;
  resourceName: string;
  tenantId: string;
}

export interface DeployedForm {
  formId: string;
  version: number;
  formKey: string;
  resourceName: string;
  tenantId: string;
}

export interface CreateProcessInstanceRequest {
  processDefinitionId?: string;
  processDefinitionVersion?: number; // -1 or absent = latest
  processDefinitionKey?: string;
  variables?: Variables;
  tenantId?: string;
}

export interface CreateProcessInstanceResponse {
  processDefinitionId: string;
  processDefinitionVersion: number;
  processDefinitionKey: string;
  processInstanceKey: string;
  tenantId: string;
  variables: Variables;
}

export interface ActivateJobsRequest {
  type: string;
  worker?: string;
  timeout: number;
  maxJobsToActivate: number;
  fetchVariable?: string[];
  requestTimeout?: number; // ms; 0/absent = server default (long polling)
  tenantIds?: string[];
}

export interface ActivatedJob {
  jobKey: string;
  type: string;
  processDefinitionId: string;
  processDefinitionVersion: number;
  processDefinitionKey: string;
  processInstanceKey: string;
  elementId: string;
  elementInstanceKey: string;
  customHeaders: Record<string, string>;
  worker: string;
  retries: number;
  deadline: number;
  variables: Variables;
  tenantId: string;
  kind: 'BPMN_ELEMENT';
  listenerEventType: 'UNSPECIFIED';
}

export interface FailJobRequest {
  retries?: number;
  errorMessage?: string;
  retryBackOff?: number;
  variables?: Variables;
}

export interface ThrowJobErrorRequest {
  errorCode: string;
  errorMessage?: string;
  variables?: Variables;
}

export interface UpdateJobRequest {
  retries?: number;
  timeout?: number;
}

export interface UserTaskChangeset {
  dueDate?: string | null;
  followUpDate?: string | null;
  candidateGroups?: string[] | null;
  candidateUsers?: string[] | null;
  priority?: number | null;
}

export interface PublishMessageRequest {
  name: string;
  correlationKey?: string;
  timeToLive?: number;
  messageId?: string;
  variables?: Variables;
  tenantId?: string;
}

export interface PublishMessageResponse {
  messageKey: string;
  tenantId: string;
}

export interface CorrelateMessageRequest {
  name: string;
  correlationKey?: string;
  variables?: Variables;
  tenantId?: string;
}

export interface CorrelateMessageResponse {
  messageKey: string;
  tenantId: string;
  processInstanceKey: string;
}

export interface BroadcastSignalRequest {
  signalName: string;
  variables?: Variables;
  tenantId?: string;
}

export interface BroadcastSignalResponse {
  signalKey: string;
  tenantId: string;
}

export interface EvaluateDecisionRequest {
  decisionDefinitionId?: string;
  decisionDefinitionKey?: string;
  variables?: Variables;
  tenantId?: string;
}

/** Camunda 8.8's EvaluateDecisionResult: every value (output, inputValue, outputValue) a JSON string. */
export interface EvaluateDecisionResponse {
  decisionDefinitionId: string;
  decisionDefinitionName: string;
  decisionDefinitionVersion: number;
  decisionRequirementsId: string;
  output: string;
  failedDecisionDefinitionId?: string;
  failureMessage?: string;
  tenantId: string;
  decisionDefinitionKey: string;
  decisionRequirementsKey: string;
  decisionInstanceKey: string;
  evaluatedDecisions: Array<{
    decisionDefinitionId: string;
    decisionDefinitionName: string;
    decisionDefinitionVersion: number;
    decisionDefinitionType: string;
    output: string;
    tenantId: string;
    decisionDefinitionKey: string;
    matchedRules: Array<{ ruleId: string; ruleIndex: number; evaluatedOutputs: Array<{ outputId: string; outputName: string; outputValue: string }> }>;
    evaluatedInputs: Array<{ inputId: string; inputName: string; inputValue: string }>;
  }>;
}

/** The write side of the engine. Every method is one command in one transaction. */
export interface EngineCommands {
  deploy(resources: DeployResource[], tenantId?: string): Promise<DeploymentResponse>;
  createProcessInstance(request: CreateProcessInstanceRequest): CreateProcessInstanceResponse;
  /** Resolves with the instance's variables once it completes; rejects DEADLINE_EXCEEDED on timeout. */
  awaitProcessInstance(processInstanceKey: string, timeoutMs: number, fetchVariables?: string[]): Promise<Variables>;
  cancelProcessInstance(processInstanceKey: string): void;
  activateJobs(request: ActivateJobsRequest, signal?: AbortSignal): Promise<ActivatedJob[]>;
  completeJob(jobKey: string, variables?: Variables): void;
  failJob(jobKey: string, request: FailJobRequest): void;
  throwJobError(jobKey: string, request: ThrowJobErrorRequest): void;
  updateJob(jobKey: string, changeset: UpdateJobRequest): void;
  assignUserTask(userTaskKey: string, assignee: string, allowOverride?: boolean): void;
  unassignUserTask(userTaskKey: string): void;
  updateUserTask(userTaskKey: string, changeset: UserTaskChangeset): void;
  completeUserTask(userTaskKey: string, variables?: Variables): void;
  setVariables(elementInstanceKey: string, variables: Variables, local?: boolean): void;
  resolveIncident(incidentKey: string): void;
  publishMessage(request: PublishMessageRequest): PublishMessageResponse;
  correlateMessage(request: CorrelateMessageRequest): CorrelateMessageResponse;
  broadcastSignal(request: BroadcastSignalRequest): BroadcastSignalResponse;
  evaluateDecision(request: EvaluateDecisionRequest): EvaluateDecisionResponse;
  /** Pins the engine clock (epoch ms); due timers fire at once. */
  pinClock(timestamp: number): void;
  resetClock(): void;
  /**
   * Runs the commands in fn on behalf of a user: jobs they create remember who caused them (the
   * clerk whose task completion started the work), and a job completed without a cause passes its
   * own on to the jobs that follow. Undefined: keep the cause the command finds (a job's).
   */
  withCause<T>(cause: string | undefined, fn: () => T): T;
}
