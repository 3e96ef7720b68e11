/**
 * Request schemas for the command endpoints of the Camunda 8.8 Orchestration Cluster REST API
 * (search bodies are validated by the query side). Objects are strict: every field the 8.8 spec
 * defines is accepted, anything else is a 400 naming the field. Fields that are meaningless for an
 * embedded single-tenant engine (operationReference, user task `action`) are accepted and ignored;
 * features the engine does not implement (start/runtime instructions, tags, job results) are
 * accepted syntactically but rejected when non-empty, so nobody is silently misled.
 */
import { z } from 'zod';
import type { Variables } from '../engine/types.js';
import { invalidArgument } from './problem.js';

// ---------------------------------------------------------------------------------------------
// Keys, tenants, shared pieces

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Decimal int64 string, as 8.8 encodes every key. */
export const isKey = (value: string): boolean => {
  if (!/^-?\d{1,19}$/.test(value)) return false;
  const n = BigInt(value);
  return n >= INT64_MIN && n <= INT64_MAX;
};

/** 8.8's wording for a key that isn't one. */
export const invalidKeyMessage = (name: string, value: string): string =>
  `The provided ${name} '${value}' is not a valid key. Expected a numeric value. Did you pass an entity id instead of an entity key?`;

const key = z.string().refine(isKey, {
  error: (iss) => `expected a decimal int64 key string but got '${String(iss.input)}' (did you pass an entity id instead of an entity key?)`,
});

export const DEFAULT_TENANT = '<default>';

/** Without multi-tenancy 8.8 accepts only the default tenant, with this message. */
export function assertDefaultTenant(command: string, tenantIds: ReadonlyArray<string> | string | undefined): void {
  if (tenantIds === undefined) return;
  if (typeof tenantIds === 'string') {
    if (tenantIds !== DEFAULT_TENANT) {
      throw invalidArgument(`Expected to handle request ${command} with tenant identifier '${tenantIds}', but multi-tenancy is disabled`);
    }
  } else if (tenantIds.some((t) => t !== DEFAULT_TENANT)) {
    throw invalidArgument(`Expected to handle request ${command} with tenant identifiers [${tenantIds.join(', ')}], but multi-tenancy is disabled`);
  }
}

const tenantId = z.string().min(1).max(256);

/** JSON object of variables (JSON.parse only ever yields JSON values, so no deep check needed). */
const variables = z.record(z.string(), z.unknown()).transform((v) => v as Variables);

/** int64 ≥ 1; accepted as a number or a decimal string, then ignored (nothing to correlate with). */
const operationReference = z.union([z.int().min(1), z.string().regex(/^[1-9]\d{0,18}$/)], {
  error: 'expected a positive int64 integer',
});

const positiveInt = z.int().min(1);

const tag = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_\-:.]{0,99}$/, { error: 'expected a tag: a letter, then up to 99 of A-Z a-z 0-9 _ - : .' });

/** An array the engine cannot act on: syntactically checked, rejected unless empty. */
const unsupportedWhenNonEmpty = <T extends z.ZodType>(item: T, why: string) =>
  z
    .array(item)
    .optional()
    .refine((a) => a === undefined || a.length === 0, { error: why });

const dateTime = z.iso.datetime({ offset: true, error: 'expected an RFC 3339 date-time such as 2025-06-30T12:00:00Z' });

// ---------------------------------------------------------------------------------------------
// Process instances

export const createProcessInstanceBody = z
  .strictObject({
    processDefinitionId: z.string().min(1).optional(),
    processDefinitionVersion: z.int().min(-1).optional(),
    processDefinitionKey: key.optional(),
    variables: variables.optional(),
    tenantId: tenantId.optional(),
    operationReference: operationReference.optional(),
    startInstructions: unsupportedWhenNonEmpty(
      z.strictObject({ elementId: z.string() }),
      'start instructions are not supported by this engine; instances start at the none start event',
    ),
    runtimeInstructions: unsupportedWhenNonEmpty(
      z.strictObject({ type: z.literal('TERMINATE_PROCESS_INSTANCE'), afterElementId: z.string() }),
      'runtime instructions are not supported by this engine',
    ),
    awaitCompletion: z.boolean().optional(),
    fetchVariables: z.array(z.string()).optional(),
    requestTimeout: z.int().min(0).optional(),
    tags: unsupportedWhenNonEmpty(tag, 'process instance tags are not supported by this engine'),
  })
  .superRefine((b, ctx) => {
    const byId = b.processDefinitionId !== undefined;
    const byKey = b.processDefinitionKey !== undefined;
    if (!byId && !byKey) ctx.addIssue({ code: 'custom', message: 'At least one of [processDefinitionId, processDefinitionKey] is required' });
    if (byId && byKey) ctx.addIssue({ code: 'custom', message: 'Only one of [processDefinitionId, processDefinitionKey] is allowed' });
    if (byKey && b.processDefinitionVersion !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['processDefinitionVersion'],
        message: 'only allowed together with processDefinitionId (a processDefinitionKey names one version already)',
      });
    }
  });

/** Body of the "no-op" style commands: cancellation, incident resolution (optional, may be null). */
export const operationReferenceBody = z.strictObject({ operationReference: operationReference.optional() }).nullish();

export const setVariablesBody = z.strictObject({
  variables: variables.refine((v) => Object.keys(v).length > 0, { error: 'No variables provided' }),
  local: z.boolean().optional(),
  operationReference: operationReference.optional(),
});

// ---------------------------------------------------------------------------------------------
// Jobs

export const activateJobsBody = z.strictObject({
  type: z.string().min(1, { error: 'No type provided' }),
  worker: z.string().optional(),
  timeout: positiveInt,
  maxJobsToActivate: positiveInt,
  fetchVariable: z.array(z.string()).optional(),
  requestTimeout: z.int().optional(),
  tenantIds: z.array(tenantId).optional(),
});

export const completeJobBody = z
  .strictObject({
    variables: variables.nullish(),
    result: z
      .unknown()
      .optional()
      .refine((r) => r == null || (typeof r === 'object' && !Array.isArray(r) && Object.keys(r).length === 0), {
        error: 'job results (for user task listeners and ad-hoc sub-processes) are not supported by this engine',
      }),
  })
  .nullish();

export const failJobBody = z
  .strictObject({
    retries: z.int().optional(),
    errorMessage: z.string().optional(),
    retryBackOff: z.int().min(0).optional(),
    variables: variables.optional(),
  })
  .nullish();

export const throwJobErrorBody = z.strictObject({
  errorCode: z.string().min(1, { error: 'No errorCode provided' }),
  errorMessage: z.string().nullish(),
  variables: variables.nullish(),
});

export const updateJobBody = z.strictObject({
  changeset: z
    .strictObject({ retries: z.int().nullish(), timeout: z.int().nullish() })
    .refine((c) => c.retries != null || c.timeout != null, { error: 'At least one of [retries, timeout] is required' }),
  operationReference: operationReference.optional(),
});

// ---------------------------------------------------------------------------------------------
// User tasks

export const assignUserTaskBody = z.strictObject({
  assignee: z.string().min(1, { error: 'No assignee provided' }),
  allowOverride: z.boolean().nullish(),
  action: z.string().nullish(),
});

/** `null` (like absence) leaves an attribute unchanged; "" / [] clear it, as in 8.8. */
export const userTaskChangeset = z.strictObject({
  dueDate: z.union([dateTime, z.literal('')]).nullish(),
  followUpDate: z.union([dateTime, z.literal('')]).nullish(),
  candidateUsers: z.array(z.string()).nullish(),
  candidateGroups: z.array(z.string()).nullish(),
  priority: z.int().min(0).max(100).nullish(),
});

export const updateUserTaskBody = z
  .strictObject({
    changeset: userTaskChangeset.nullish(),
    action: z.string().nullish(),
  })
  .nullish();

export const completeUserTaskBody = z
  .strictObject({
    variables: variables.nullish(),
    action: z.string().nullish(),
  })
  .nullish();

// ---------------------------------------------------------------------------------------------
// Turning zod issues into one readable detail line

export const publishMessageBody = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  correlationKey: z.string().optional(),
  timeToLive: z.int().min(0).optional(),
  messageId: z.string().optional(),
  variables: variables.optional(),
  tenantId: tenantId.optional(),
});

export const correlateMessageBody = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  correlationKey: z.string().optional(),
  variables: variables.optional(),
  tenantId: tenantId.optional(),
});

export const broadcastSignalBody = z.strictObject({
  signalName: z.string().min(1, 'must not be empty'),
  variables: variables.optional(),
  tenantId: tenantId.optional(),
});

export const pinClockBody = z.strictObject({ timestamp: z.int().min(0) });

export const evaluateDecisionBody = z
  .strictObject({
    decisionDefinitionId: z.string().min(1).optional(),
    decisionDefinitionKey: key.optional(),
    variables: variables.optional(),
    tenantId: tenantId.optional(),
  })
  .refine((b) => (b.decisionDefinitionId === undefined) !== (b.decisionDefinitionKey === undefined), {
    message: 'exactly one of decisionDefinitionId and decisionDefinitionKey is required',
  });

const article = (noun: string): string => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

const EXPECTED: Record<string, string> = {
  record: 'an object',
  object: 'an object',
  array: 'an array',
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
};

const describeValue = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isInteger(v)) return 'a non-integer number';
  return article(typeof v);
};

const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), '');

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const where = formatPath(issue.path) || 'request body';
  const at = (text: string): string => `${where}: ${text}`;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? article(issue.expected);
      return [issue.input === undefined ? at(`is required (expected ${expected})`) : at(`expected ${expected}, got ${describeValue(issue.input)}`)];
    }
    case 'unrecognized_keys': {
      const prefix = formatPath(issue.path);
      return issue.keys.map((k) => `${prefix ? `${prefix}.` : ''}${k}: unknown property (not part of this 8.8 request)`);
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      if (!issue.message.startsWith('Too ')) return [at(issue.message)]; // a custom message from the schema
      if (issue.origin === 'string') return [at(`must be ${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(bound)} characters long`)];
      if (issue.origin === 'array') return [at(`must have ${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(bound)} items`)];
      return [at(`must be ${op} ${String(bound)}`)];
    }
    case 'invalid_value':
      return [at(`expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`)];
    default:
      return [at(issue.message)];
  }
}

export const describeZodError = (error: z.ZodError): string => error.issues.flatMap(describeIssue).join('; ');

/** Parses or throws a 400 INVALID_ARGUMENT problem naming every offending field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw invalidArgument(describeZodError(result.error));
  return result.data;
}
