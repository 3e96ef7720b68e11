/**
 * Request schemas for the command endpoints of the Camunda 8.8 Orchestration Cluster REST API
 * (search bodies are validated by the query side). Objects are strict: every field the 8.8 spec
 * defines is accepted, anything else is a 400 naming the field. Fields that are meaningless for an
 * embedded single-tenant engine (operationReference, user task `action`) are accepted and ignored;
 * features the engine does not implement (start/runtime instructions, tags, job results) are
 * accepted syntactically but rejected when non-empty, so nobody is silently misled.
 */
import { z } from 'zod';
import { MAX_CLOCK_MS } from '../engine/clock.js';
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

// ---------------------------------------------------------------------------------------------
// Bounds on what a client sends. Out of range is a 400 naming the field and the limit, checked
// before anything is stored. Where 8.8 has a bound (int32 fields, positive timeouts) it is kept;
// where it has none (int64 durations, free text), the bound is ours and generous.

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** 8.8's int32 fields (retries, versions, maxJobsToActivate), bounded as Zeebe's record does. */
const int32 = z.int().min(INT32_MIN).max(INT32_MAX);

/**
 * Job timeouts (activation and update) and retry back-offs: at most 24 h. Zeebe takes any int64,
 * and a timeout of 2^53−1 locks a job for good; a worker that needs longer extends the timeout
 * (PATCH /v2/jobs/{jobKey}) before it runs out.
 */
export const MAX_JOB_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** Long polling (job activation) and awaitCompletion: at most 1 h per request (8.8 defaults: 10 s and 15 s). */
export const MAX_REQUEST_TIMEOUT_MS = 60 * 60 * 1000;

/** A buffered message lives at most 30 days (8.8's default time to live is 1 h). */
export const MAX_MESSAGE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Names, ids, job types, workers, correlation keys, assignees… */
export const MAX_NAME_LENGTH = 8191;
/** Error messages of failed jobs and thrown errors (a stack trace fits). */
export const MAX_MESSAGE_LENGTH = 65_536;
/** Lists of names (fetchVariables, candidate users and groups, tenant ids). */
export const MAX_LIST_LENGTH = 1000;

const name = z.string().max(MAX_NAME_LENGTH);
const names = z.array(name).max(MAX_LIST_LENGTH);
const errorMessage = z.string().max(MAX_MESSAGE_LENGTH);

const ms = (max: number, what: string) =>
  z.int().max(max, { error: (iss) => `must be at most ${max} ms (${what}), got ${String(iss.input)}` });

/** JSON object of variables; their nesting depth and size are checked before the body gets here (see limits.ts). */
const variables = z.record(name, z.unknown()).transform((v) => v as Variables);

/** int64 ≥ 1; accepted as a number or a decimal string, then ignored (nothing to correlate with). */
const operationReference = z.union([z.int().min(1), z.string().regex(/^[1-9]\d{0,18}$/)], {
  error: 'expected a positive int64 integer',
});

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
    processDefinitionId: name.min(1).optional(),
    processDefinitionVersion: int32.min(-1).optional(),
    processDefinitionKey: key.optional(),
    variables: variables.optional(),
    tenantId: tenantId.optional(),
    operationReference: operationReference.optional(),
    startInstructions: unsupportedWhenNonEmpty(
      z.strictObject({ elementId: name }),
      'start instructions are not supported by this engine; instances start at the none start event',
    ),
    runtimeInstructions: unsupportedWhenNonEmpty(
      z.strictObject({ type: z.literal('TERMINATE_PROCESS_INSTANCE'), afterElementId: name }),
      'runtime instructions are not supported by this engine',
    ),
    awaitCompletion: z.boolean().optional(),
    fetchVariables: names.optional(),
    requestTimeout: ms(MAX_REQUEST_TIMEOUT_MS, '1 h').min(0).optional(),
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
  type: name.min(1, { error: 'No type provided' }),
  worker: name.optional(),
  timeout: ms(MAX_JOB_TIMEOUT_MS, '24 h; extend it with PATCH /v2/jobs/{jobKey}').min(1),
  maxJobsToActivate: int32.min(1),
  fetchVariable: names.optional(),
  requestTimeout: ms(MAX_REQUEST_TIMEOUT_MS, '1 h').optional(),
  tenantIds: z.array(tenantId).max(MAX_LIST_LENGTH).optional(),
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
    retries: int32.optional(),
    errorMessage: errorMessage.optional(),
    retryBackOff: ms(MAX_JOB_TIMEOUT_MS, '24 h').min(0).optional(),
    variables: variables.optional(),
  })
  .nullish();

export const throwJobErrorBody = z.strictObject({
  errorCode: name.min(1, { error: 'No errorCode provided' }),
  errorMessage: errorMessage.nullish(),
  variables: variables.nullish(),
});

export const updateJobBody = z.strictObject({
  changeset: z
    .strictObject({
      retries: int32.nullish(),
      // 8.8: "The value for timeout is '0' but must be greater than 0"
      timeout: ms(MAX_JOB_TIMEOUT_MS, '24 h').min(1).nullish(),
    })
    .refine((c) => c.retries != null || c.timeout != null, { error: 'At least one of [retries, timeout] is required' }),
  operationReference: operationReference.optional(),
});

// ---------------------------------------------------------------------------------------------
// User tasks

export const assignUserTaskBody = z.strictObject({
  assignee: name.min(1, { error: 'No assignee provided' }),
  allowOverride: z.boolean().nullish(),
  action: name.nullish(),
});

/** `null` (like absence) leaves an attribute unchanged; "" / [] clear it, as in 8.8. */
export const userTaskChangeset = z.strictObject({
  dueDate: z.union([dateTime, z.literal('')]).nullish(),
  followUpDate: z.union([dateTime, z.literal('')]).nullish(),
  candidateUsers: names.nullish(),
  candidateGroups: names.nullish(),
  priority: z.int().min(0).max(100).nullish(),
});

export const updateUserTaskBody = z
  .strictObject({
    changeset: userTaskChangeset.nullish(),
    action: name.nullish(),
  })
  .nullish();

export const completeUserTaskBody = z
  .strictObject({
    variables: variables.nullish(),
    action: name.nullish(),
  })
  .nullish();

// ---------------------------------------------------------------------------------------------
// Turning zod issues into one readable detail line

export const publishMessageBody = z.strictObject({
  name: name.min(1, 'must not be empty'),
  correlationKey: name.optional(),
  timeToLive: ms(MAX_MESSAGE_TTL_MS, '30 days').min(0).optional(),
  messageId: name.optional(),
  variables: variables.optional(),
  tenantId: tenantId.optional(),
});

export const correlateMessageBody = z.strictObject({
  name: name.min(1, 'must not be empty'),
  correlationKey: name.optional(),
  variables: variables.optional(),
  tenantId: tenantId.optional(),
});

export const broadcastSignalBody = z.strictObject({
  signalName: name.min(1, 'must not be empty'),
  variables: variables.optional(),
  tenantId: tenantId.optional(),
});

export const pinClockBody = z.strictObject({
  timestamp: z
    .int()
    .min(0)
    .max(MAX_CLOCK_MS, { error: (iss) => `must be at most ${MAX_CLOCK_MS} (9999-12-31T23:59:59.999Z) in epoch ms, got ${String(iss.input)}` }),
});

export const evaluateDecisionBody = z
  .strictObject({
    decisionDefinitionId: name.min(1).optional(),
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
