/**
 * The read side against rows inserted directly into the store. Every response is checked against
 * the 8.8 response schemas of @camunda/camunda-api-zod-schemas (the oracle), items strictly (no
 * field outside the schema).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as c88 from '@camunda/camunda-api-zod-schemas/8.8';
import { Store } from '../../src/engine/store.js';
import { Queries, VARIABLE_PREVIEW_LENGTH, javaStringHash, type SearchResult } from '../../src/engine/queries.js';
import { EngineError } from '../../src/engine/errors.js';

const K = 2 ** 51; // keys as the store hands them out
const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const MIN = 60_000;
/** The SDK's (8.8 OpenAPI) cursor format. */
const CURSOR = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=)?$/;

let store: Store;
let q: Queries;

beforeEach(() => {
  store = new Store(':memory:');
  q = new Queries(store.db);
});
afterEach(() => store.close());

// ---------------------------------------------------------------------------------------------
// Row builders: defaults for every NOT NULL column, overridable

type Row = Record<string, unknown>;

function insert(table: string, row: Row): void {
  const cols = Object.keys(row);
  store.db
    .prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`)
    .run(row);
}

const resource = (r: Row) =>
  insert('resources', {
    kind: 'process',
    resource_id: 'order',
    name: null,
    version: 1,
    version_tag: null,
    resource_name: 'order.bpmn',
    content: '<definitions/>',
    checksum: 'x',
    deployment_key: K + 999,
    tenant_id: '<default>',
    ...r,
  });

const processInstance = (r: Row) =>
  insert('process_instances', {
    process_definition_key: K + 1,
    process_definition_id: 'order',
    process_definition_name: 'Order',
    process_definition_version: 1,
    state: 'ACTIVE',
    start_date: T0,
    tenant_id: '<default>',
    ...r,
  });

const elementInstance = (r: Row) =>
  insert('element_instances', {
    process_instance_key: K + 10,
    process_definition_key: K + 1,
    process_definition_id: 'order',
    element_id: 'task',
    type: 'SERVICE_TASK',
    state: 'ACTIVATED',
    start_date: T0,
    tenant_id: '<default>',
    ...r,
  });

const variable = (r: Row) =>
  insert('variables', {
    value: '1',
    scope_key: K + 10,
    process_instance_key: K + 10,
    process_definition_id: 'order',
    tenant_id: '<default>',
    ...r,
  });

const userTask = (r: Row) =>
  insert('user_tasks', {
    state: 'CREATED',
    element_id: 'review',
    element_instance_key: K + 20,
    process_instance_key: K + 10,
    process_definition_key: K + 1,
    process_definition_id: 'order',
    process_definition_version: 1,
    candidate_groups: '[]',
    candidate_users: '[]',
    priority: 50,
    custom_headers: '{}',
    creation_date: T0,
    tenant_id: '<default>',
    ...r,
  });

const incident = (r: Row) =>
  insert('incidents', {
    error_type: 'JOB_NO_RETRIES',
    error_message: 'boom',
    state: 'ACTIVE',
    element_id: 'task',
    element_instance_key: K + 30,
    process_instance_key: K + 10,
    process_definition_key: K + 1,
    process_definition_id: 'order',
    creation_time: T0,
    tenant_id: '<default>',
    ...r,
  });

const job = (r: Row) =>
  insert('jobs', {
    type: 'work',
    state: 'CREATED',
    activatable: 1,
    retries: 3,
    custom_headers: '{}',
    element_id: 'task',
    element_instance_key: K + 30,
    process_instance_key: K + 10,
    process_definition_key: K + 1,
    process_definition_id: 'order',
    process_definition_version: 1,
    kind: 'BPMN_ELEMENT',
    tenant_id: '<default>',
    created_at: T0,
    ...r,
  });

// ---------------------------------------------------------------------------------------------
// Helpers

type AnySchema = z.ZodType & { shape?: Record<string, unknown> };

/** Validates a response against the oracle; each item also strictly against the item schema. */
function conforms(response: unknown, schema: z.ZodType, itemSchema?: AnySchema): void {
  const parsed = schema.safeParse(response);
  expect(parsed.error?.issues ?? [], JSON.stringify(response)).toEqual([]);
  if (itemSchema?.shape) {
    const items = (response as { items?: unknown[] }).items ?? [response];
    const known = new Set(Object.keys(itemSchema.shape));
    for (const item of items) expect(Object.keys(item as object).filter((k) => !known.has(k))).toEqual([]);
  }
}

const keys = (r: SearchResult, field: string) => r.items.map((i) => i[field]);

function rejects(fn: () => unknown, kind: EngineError['kind'], message: string | RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).kind).toBe(kind);
    if (typeof message === 'string') expect((err as EngineError).message).toContain(message);
    else expect((err as EngineError).message).toMatch(message);
    return;
  }
  throw new Error('expected an EngineError');
}

/**
 * Pages forwards with `after` and backwards with `before`; both must reproduce the one-page result
 * exactly (no duplicates, no gaps), and offset pages must agree too.
 */
function checkPaging(search: (body: unknown) => SearchResult, keyField: string, sort: unknown[], limit: number) {
  const all = search({ sort, page: { limit: 1000 } });
  const expected = keys(all, keyField);
  expect(expected.length).toBe(all.page.totalItems);

  const forward: unknown[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const page = search({ sort, page: after ? { limit, after } : { limit } });
    expect(page.page.totalItems).toBe(all.page.totalItems);
    if (!page.items.length) break;
    expect(page.page.endCursor).toMatch(CURSOR);
    forward.push(...keys(page, keyField));
    after = page.page.endCursor;
    if (++pages > 100) throw new Error('paging does not end');
  }
  expect(forward).toEqual(expected);

  const backward: unknown[] = [];
  let before: string | undefined = search({ sort, page: { limit: 1000 } }).page.endCursor;
  backward.unshift(expected[expected.length - 1]);
  for (;;) {
    const page = search({ sort, page: { limit, before } });
    if (!page.items.length) break;
    backward.unshift(...keys(page, keyField));
    before = page.page.startCursor;
  }
  expect(backward).toEqual(expected);

  const offset: unknown[] = [];
  for (let from = 0; from < expected.length; from += limit) offset.push(...keys(search({ sort, page: { from, limit } }), keyField));
  expect(offset).toEqual(expected);
}

// ---------------------------------------------------------------------------------------------

describe('process definitions', () => {
  beforeEach(() => {
    resource({ key: K + 1, resource_id: 'order', name: 'Order', version: 1, resource_name: 'order.bpmn' });
    resource({ key: K + 2, resource_id: 'order', name: 'Order', version: 2, version_tag: 'v2', resource_name: 'order.bpmn', content: '<v2/>' });
    resource({ key: K + 3, resource_id: 'billing', name: null, version: 1, resource_name: 'billing.bpmn' });
    resource({ key: K + 4, kind: 'form', resource_id: 'review-form', resource_name: 'review.form', content: '{"components":[]}' });
  });

  it('searches processes only, by key by default, in the 8.8 shape', () => {
    const r = q.searchProcessDefinitions({});
    expect(keys(r, 'processDefinitionKey')).toEqual([String(K + 1), String(K + 2), String(K + 3)]);
    expect(r.page).toMatchObject({ totalItems: 3, hasMoreTotalItems: false });
    expect(r.items[1]).toEqual({
      processDefinitionKey: String(K + 2),
      processDefinitionId: 'order',
      name: 'Order',
      version: 2,
      versionTag: 'v2',
      resourceName: 'order.bpmn',
      tenantId: '<default>',
      hasStartForm: false,
      state: 'ACTIVE',
    });
    expect(r.items[2]).not.toHaveProperty('name'); // absent, not null
    conforms(r, c88.queryProcessDefinitionsResponseBodySchema, c88.processDefinitionSchema);
    expect(q.searchProcessDefinitions(undefined).page.totalItems).toBe(3);
  });

  it('filters', () => {
    const ids = (filter: unknown) => keys(q.searchProcessDefinitions({ filter }), 'processDefinitionKey');
    expect(ids({ isLatestVersion: true })).toEqual([String(K + 2), String(K + 3)]);
    expect(ids({ isLatestVersion: false })).toEqual([String(K + 1)]);
    expect(ids({ processDefinitionId: 'billing' })).toEqual([String(K + 3)]);
    expect(ids({ processDefinitionId: { $in: ['billing', 'nope'] } })).toEqual([String(K + 3)]);
    expect(ids({ name: { $like: 'Ord*' } })).toEqual([String(K + 1), String(K + 2)]);
    expect(ids({ name: { $like: 'ord*' } })).toEqual([]); // case-sensitive, as ES
    expect(ids({ name: { $exists: false } })).toEqual([String(K + 3)]);
    expect(ids({ version: 2, versionTag: 'v2' })).toEqual([String(K + 2)]);
    expect(ids({ processDefinitionKey: String(K + 1) })).toEqual([String(K + 1)]);
  });

  it('sorts', () => {
    const sorted = (sort: unknown) => keys(q.searchProcessDefinitions({ sort }), 'processDefinitionKey');
    expect(sorted([{ field: 'version', order: 'DESC' }])).toEqual([String(K + 2), String(K + 1), String(K + 3)]);
    expect(sorted([{ field: 'processDefinitionId' }, { field: 'version', order: 'DESC' }])).toEqual([
      String(K + 3),
      String(K + 2),
      String(K + 1),
    ]);
    // absent values last, in both directions
    expect(sorted([{ field: 'name', order: 'ASC' }])).toEqual([String(K + 1), String(K + 2), String(K + 3)]);
    expect(sorted([{ field: 'name', order: 'desc' }])).toEqual([String(K + 1), String(K + 2), String(K + 3)]);
  });

  it('gets by key, with the XML', () => {
    const pd = q.getProcessDefinition(String(K + 2));
    conforms(pd, c88.processDefinitionSchema, c88.processDefinitionSchema);
    expect(q.getProcessDefinitionXml(String(K + 2))).toBe('<v2/>');
    rejects(() => q.getProcessDefinition(String(K + 4)), 'NOT_FOUND', `Process definition with key '${K + 4}' not found`);
    rejects(() => q.getProcessDefinitionXml('12'), 'NOT_FOUND', `Process definition with key '12' not found`);
    rejects(() => q.getProcessDefinition('abc'), 'INVALID_ARGUMENT', 'processDefinitionKey: must be a decimal key');
    rejects(() => q.getProcessDefinition('99999999999999999999'), 'INVALID_ARGUMENT', 'processDefinitionKey');
  });
});

describe('process instances', () => {
  beforeEach(() => {
    resource({ key: K + 1 });
    processInstance({ key: K + 10, start_date: T0 + 1 * MIN });
    processInstance({ key: K + 11, start_date: T0 + 2 * MIN, state: 'COMPLETED', end_date: T0 + 5 * MIN });
    processInstance({ key: K + 12, start_date: T0 + 3 * MIN, state: 'TERMINATED', end_date: T0 + 4 * MIN });
    processInstance({
      key: K + 13,
      start_date: T0 + 4 * MIN,
      process_definition_id: 'billing',
      process_definition_name: null,
      process_definition_key: K + 2,
      process_definition_version: 3,
      process_definition_version_tag: 'v3',
      parent_process_instance_key: K + 10,
      parent_element_instance_key: K + 31,
    });
    incident({ key: K + 40, process_instance_key: K + 10, element_instance_key: K + 30, error_message: 'no retries left' });
    incident({ key: K + 41, process_instance_key: K + 11, element_instance_key: K + 32, state: 'RESOLVED' });
    elementInstance({ key: K + 30, process_instance_key: K + 10, element_id: 'task', state: 'ACTIVATED' });
    elementInstance({ key: K + 32, process_instance_key: K + 11, element_id: 'task', state: 'COMPLETED' });
    variable({ key: K + 50, name: 'orderId', value: '"A-1"', scope_key: K + 10, process_instance_key: K + 10 });
    variable({ key: K + 51, name: 'orderId', value: '"B-2"', scope_key: K + 11, process_instance_key: K + 11 });
    job({ key: K + 60, process_instance_key: K + 12, state: 'FAILED', retries: 2 });
  });

  const ids = (filter: unknown, sort?: unknown) =>
    keys(q.searchProcessInstances({ filter, sort }), 'processInstanceKey').map((k) => Number(k) - K);

  it('returns the 8.8 shape', () => {
    const r = q.searchProcessInstances({});
    conforms(r, c88.queryProcessInstancesResponseBodySchema, c88.processInstanceSchema);
    expect(r.items[0]).toEqual({
      processInstanceKey: String(K + 10),
      processDefinitionId: 'order',
      processDefinitionName: 'Order',
      processDefinitionVersion: 1,
      processDefinitionKey: String(K + 1),
      startDate: '2025-01-01T00:01:00.000Z',
      state: 'ACTIVE',
      hasIncident: true,
      tenantId: '<default>',
    });
    expect(r.items[1]).toMatchObject({ state: 'COMPLETED', endDate: '2025-01-01T00:05:00.000Z', hasIncident: false });
    expect(r.items[3]).toMatchObject({
      processDefinitionName: 'billing', // unnamed: the id
      processDefinitionVersionTag: 'v3',
      parentProcessInstanceKey: String(K + 10),
      parentElementInstanceKey: String(K + 31),
    });
    conforms(q.getProcessInstance(String(K + 13)), c88.processInstanceSchema, c88.processInstanceSchema);
  });

  it('filters on fields with 8.8 operators', () => {
    expect(ids({ state: 'ACTIVE' })).toEqual([10, 13]);
    expect(ids({ state: { $in: ['COMPLETED', 'TERMINATED'] } })).toEqual([11, 12]);
    expect(ids({ state: { $neq: 'ACTIVE' } })).toEqual([11, 12]);
    expect(ids({ state: { $like: '*ED' } })).toEqual([11, 12]);
    expect(ids({ hasIncident: true })).toEqual([10]);
    expect(ids({ hasIncident: false })).toEqual([11, 12, 13]);
    expect(ids({ startDate: { $gte: '2025-01-01T00:02:00Z', $lt: '2025-01-01T00:04:00.000Z' } })).toEqual([11, 12]);
    expect(ids({ startDate: '2025-01-01T01:03:00+01:00' })).toEqual([12]);
    expect(ids({ endDate: { $exists: true } })).toEqual([11, 12]);
    expect(ids({ endDate: { $exists: false } })).toEqual([10, 13]);
    expect(ids({ processDefinitionName: { $like: 'bill*' } })).toEqual([13]);
    expect(ids({ processDefinitionVersion: { $gt: 1 } })).toEqual([13]);
    expect(ids({ processDefinitionKey: { $notIn: [String(K + 1)] } })).toEqual([13]);
    expect(ids({ processInstanceKey: { $in: [String(K + 12), String(K + 13)] } })).toEqual([12, 13]);
    expect(ids({ parentProcessInstanceKey: String(K + 10) })).toEqual([13]);
    expect(ids({ parentProcessInstanceKey: { $exists: false } })).toEqual([10, 11, 12]);
    expect(ids({ tenantId: { $eq: '<default>' }, state: 'ACTIVE' })).toEqual([10, 13]);
  });

  it('filters on related rows', () => {
    expect(ids({ variables: [{ name: 'orderId', value: '"B-2"' }] })).toEqual([11]);
    expect(ids({ variables: [{ name: 'orderId', value: { $like: '"*' } }] })).toEqual([10, 11]);
    expect(ids({ variables: [{ name: 'orderId', value: '"A-1"' }, { name: 'other', value: '1' }] })).toEqual([]);
    expect(ids({ errorMessage: { $like: 'no retries*' } })).toEqual([10]);
    expect(ids({ errorMessage: 'boom' })).toEqual([]); // resolved incidents do not count
    expect(ids({ incidentErrorHashCode: javaStringHash('no retries left') })).toEqual([10]);
    expect(ids({ hasRetriesLeft: true })).toEqual([12]);
    expect(ids({ elementId: 'task' })).toEqual([10, 11]);
    expect(ids({ elementId: 'task', elementInstanceState: 'ACTIVE' })).toEqual([10]);
    expect(ids({ elementId: 'task', hasElementInstanceIncident: true })).toEqual([10]);
    expect(ids({ batchOperationKey: 'x' })).toEqual([]);
    expect(ids({ tags: [] })).toEqual([10, 11, 12, 13]);
    expect(ids({ tags: ['vip'] })).toEqual([]);
  });

  it('combines $or alternatives with the other filters', () => {
    expect(ids({ $or: [{ state: 'COMPLETED' }, { processDefinitionId: 'billing' }] })).toEqual([11, 13]);
    expect(ids({ state: 'ACTIVE', $or: [{ hasIncident: true }, { processDefinitionVersion: 3 }] })).toEqual([10, 13]);
    expect(ids({ $or: [] })).toEqual([10, 11, 12, 13]);
  });

  it('sorts', () => {
    expect(ids(undefined, [{ field: 'startDate', order: 'DESC' }])).toEqual([13, 12, 11, 10]);
    expect(ids(undefined, [{ field: 'endDate', order: 'ASC' }])).toEqual([12, 11, 10, 13]);
    expect(ids(undefined, [{ field: 'endDate', order: 'DESC' }])).toEqual([11, 12, 10, 13]);
    expect(ids(undefined, [{ field: 'state' }, { field: 'startDate', order: 'DESC' }])).toEqual([13, 10, 11, 12]);
    expect(ids(undefined, [{ field: 'hasIncident', order: 'DESC' }])).toEqual([10, 11, 12, 13]);
    // byte order, as ES keyword sorting: 'Order' < 'billing'
    expect(ids(undefined, [{ field: 'processDefinitionName' }])).toEqual([10, 11, 12, 13]);
    expect(ids(undefined, [{ field: 'processDefinitionName', order: 'DESC' }])).toEqual([13, 10, 11, 12]);
  });

  it('rejects bad requests naming the field and the rule', () => {
    const bad = (body: unknown, message: string) => rejects(() => q.searchProcessInstances(body), 'INVALID_ARGUMENT', message);
    bad({ filter: { state: 'RUNNING' } }, 'filter.state: must be one of ACTIVE, COMPLETED, TERMINATED');
    bad({ filter: { state: { $eq: 'RUNNING' } } }, 'filter.state.$eq: must be one of ACTIVE, COMPLETED, TERMINATED');
    bad({ filter: { state: { $gt: 'ACTIVE' } } }, 'filter.state.$gt: is not a known field');
    bad({ filter: { state: 5 } }, 'filter.state: must be one of ACTIVE, COMPLETED, TERMINATED, or an object with $eq');
    bad({ filter: { bogus: 1 } }, 'filter.bogus: is not a known field');
    bad({ filter: { startDate: 'yesterday' } }, 'filter.startDate: must be an ISO 8601 date-time');
    bad({ filter: { processInstanceKey: { $in: ['x'] } } }, 'filter.processInstanceKey.$in[0]: must be a decimal key');
    bad({ filter: { processDefinitionVersion: 1.5 } }, 'filter.processDefinitionVersion: must be an integer');
    bad({ filter: { hasIncident: 'yes' } }, 'filter.hasIncident: must be a boolean');
    bad({ filter: { variables: [{ name: 'a' }] } }, 'filter.variables[0].value: is required');
    bad({ filter: { $or: [{ state: 'NOPE' }] } }, 'filter.$or[0].state: must be one of');
    bad({ filter: { tags: ['1abc'] } }, 'filter.tags[0]: must be a tag');
    bad({ sort: [{ field: 'bogus' }] }, "sort[0].field: unknown sort field 'bogus'");
    bad({ sort: [{ field: 'state', order: 'UP' }] }, 'sort[0].order: must be one of ASC, DESC');
    bad({ page: { limit: 0 } }, 'page.limit: must be at least 1');
    bad({ page: { limit: 10_001 } }, 'page.limit: must be at most 10000');
    bad({ page: { from: -1 } }, 'page.from: must be at least 0');
    bad({ page: { from: 0, after: 'WzFd' } }, 'page: Both after/before and from cannot be set at the same time');
    bad({ page: { after: 'WzFd', before: 'WzFd' } }, 'page: Both after and before cannot be set at the same time');
    bad({ page: { after: 'not a cursor!' } }, 'page.after: is not a cursor of this search');
    // [1, 2]: two values, but the default sort has one term (the key)
    bad({ page: { after: Buffer.from('[1,2]').toString('base64') } }, 'page.after: is not a cursor of this search');
    bad({ page: { before: Buffer.from('{"a":1}').toString('base64') } }, 'page.before: is not a cursor of this search');
    bad({ extra: true }, 'extra: is not a known field');
    bad([], 'body: must be an object');
    // several problems at once
    bad({ filter: { state: 'X', bogus: 1 } }, 'filter.state: must be one of ACTIVE, COMPLETED, TERMINATED; filter.bogus: is not a known field');
  });

  it('gets by key', () => {
    rejects(() => q.getProcessInstance(String(K + 99)), 'NOT_FOUND', `Process instance with key '${K + 99}' not found`);
    rejects(() => q.getProcessInstance('1e5'), 'INVALID_ARGUMENT', 'processInstanceKey: must be a decimal key');
  });

  it('searches the incidents of one instance', () => {
    const r = q.searchProcessInstanceIncidents(String(K + 10), {});
    expect(keys(r, 'incidentKey')).toEqual([String(K + 40)]);
    conforms(r, c88.queryProcessInstanceIncidentsResponseBodySchema, c88.incidentSchema);
    expect(q.searchProcessInstanceIncidents(String(K + 11), { filter: { state: 'ACTIVE' } }).items).toEqual([]);
    rejects(() => q.searchProcessInstanceIncidents(String(K + 99), {}), 'NOT_FOUND', 'Process instance with key');
  });
});

describe('pagination', () => {
  beforeEach(() => {
    // 23 instances with many ties and absent values, so the key tie-break and null handling matter
    for (let i = 0; i < 23; i++) {
      processInstance({
        key: K + 100 + ((i * 7) % 23), // keys not in insertion order
        start_date: T0 + (i % 4) * MIN,
        end_date: i % 3 === 0 ? null : T0 + (i % 5) * MIN,
        state: i % 3 === 0 ? 'ACTIVE' : i % 2 ? 'COMPLETED' : 'TERMINATED',
        process_definition_version_tag: i % 4 === 0 ? null : `v${i % 3}`,
      });
    }
  });

  const search = (body: unknown) => q.searchProcessInstances(body);
  const sorts: unknown[][] = [
    [],
    [{ field: 'startDate' }],
    [{ field: 'endDate', order: 'ASC' }],
    [{ field: 'endDate', order: 'DESC' }],
    [{ field: 'state', order: 'DESC' }, { field: 'startDate', order: 'ASC' }],
    [{ field: 'processDefinitionVersionTag', order: 'DESC' }, { field: 'endDate', order: 'ASC' }],
    [{ field: 'processInstanceKey', order: 'DESC' }],
  ];
  for (const sort of sorts) {
    for (const limit of [1, 5, 7, 23, 50]) {
      it(`pages without gaps or duplicates: sort ${JSON.stringify(sort)}, limit ${limit}`, () => {
        checkPaging(search, 'processInstanceKey', sort, limit);
      });
    }
  }

  it('defaults to 100 items and reports cursors of the first and last', () => {
    for (let i = 0; i < 120; i++) processInstance({ key: K + 1000 + i });
    const r = search({});
    expect(r.items).toHaveLength(100);
    expect(r.page.totalItems).toBe(143);
    expect(r.page.startCursor).toMatch(CURSOR);
    const next = search({ page: { after: r.page.endCursor } });
    expect(next.items).toHaveLength(43);
    expect(next.items[0]!.processInstanceKey).not.toBe(r.items[99]!.processInstanceKey);
  });

  it('omits cursors when there is nothing', () => {
    const r = search({ filter: { processDefinitionId: 'nothing' } });
    expect(r).toEqual({ items: [], page: { totalItems: 0, hasMoreTotalItems: false } });
    conforms(r, c88.queryProcessInstancesResponseBodySchema);
  });

  it('keeps its place when rows are added before the cursor', () => {
    const first = search({ page: { limit: 5 } });
    processInstance({ key: K + 1 }); // sorts before everything
    const second = search({ page: { limit: 5, after: first.page.endCursor } });
    const all = keys(search({}), 'processInstanceKey');
    expect(keys(second, 'processInstanceKey')).toEqual(all.slice(6, 11));
  });
});

describe('element instances', () => {
  beforeEach(() => {
    elementInstance({ key: K + 10, type: 'PROCESS', element_id: 'order', state: 'ACTIVATED', flow_scope_key: null });
    elementInstance({ key: K + 30, element_id: 'start', element_name: 'Start', type: 'START_EVENT', state: 'COMPLETED', end_date: T0 + MIN, flow_scope_key: K + 10 });
    elementInstance({ key: K + 31, element_id: 'task', element_name: 'Do it', type: 'SERVICE_TASK', state: 'ACTIVATED', start_date: T0 + MIN, flow_scope_key: K + 10 });
    elementInstance({ key: K + 32, element_id: 'gw', element_name: null, type: 'EXCLUSIVE_GATEWAY', state: 'TERMINATED', start_date: T0 + 2 * MIN, end_date: T0 + 3 * MIN, flow_scope_key: K + 10 });
    elementInstance({ key: K + 33, element_id: 'review', type: 'USER_TASK', state: 'COMPLETING', start_date: T0 + 2 * MIN, flow_scope_key: K + 10 });
    incident({ key: K + 40, element_instance_key: K + 31 });
    incident({ key: K + 41, element_instance_key: K + 33, state: 'RESOLVED' });
  });

  const ids = (body: unknown) => keys(q.searchElementInstances(body), 'elementInstanceKey').map((k) => Number(k) - K);

  it('leaves out the process instance itself and maps states to 8.8', () => {
    const r = q.searchElementInstances({});
    conforms(r, c88.queryElementInstancesResponseBodySchema, c88.elementInstanceSchema);
    expect(r.items.map((i) => [i.elementId, i.state])).toEqual([
      ['start', 'COMPLETED'],
      ['task', 'ACTIVE'],
      ['gw', 'TERMINATED'],
      ['review', 'ACTIVE'],
    ]);
    expect(r.items[1]).toEqual({
      elementInstanceKey: String(K + 31),
      processInstanceKey: String(K + 10),
      processDefinitionId: 'order',
      processDefinitionKey: String(K + 1),
      elementId: 'task',
      elementName: 'Do it',
      type: 'SERVICE_TASK',
      state: 'ACTIVE',
      startDate: '2025-01-01T00:01:00.000Z',
      hasIncident: true,
      incidentKey: String(K + 40),
      tenantId: '<default>',
    });
    expect(r.items[2]!.elementName).toBe('gw');
    expect(r.items[3]).toMatchObject({ hasIncident: false });
    expect(r.items[3]).not.toHaveProperty('incidentKey');
    rejects(() => q.getElementInstance(String(K + 10)), 'NOT_FOUND', `Element instance with key '${K + 10}' not found`);
    conforms(q.getElementInstance(String(K + 32)), c88.getElementInstanceResponseBodySchema, c88.elementInstanceSchema);
  });

  it('filters and sorts', () => {
    expect(ids({ filter: { state: 'ACTIVE' } })).toEqual([31, 33]);
    expect(ids({ filter: { state: { $in: ['COMPLETED', 'TERMINATED'] } } })).toEqual([30, 32]);
    expect(ids({ filter: { type: 'USER_TASK' } })).toEqual([33]);
    expect(ids({ filter: { type: 'PROCESS' } })).toEqual([]);
    expect(ids({ filter: { hasIncident: true } })).toEqual([31]);
    expect(ids({ filter: { incidentKey: String(K + 40) } })).toEqual([31]);
    expect(ids({ filter: { elementInstanceScopeKey: String(K + 10), elementName: 'Start' } })).toEqual([30]);
    expect(ids({ filter: { endDate: { $lte: '2025-01-01T00:02:00Z' } } })).toEqual([30]);
    expect(ids({ filter: { processInstanceKey: String(K + 10) }, sort: [{ field: 'startDate', order: 'DESC' }] })).toEqual([32, 33, 31, 30]);
    expect(ids({ sort: [{ field: 'elementName' }] })).toEqual([31, 30, 32, 33]); // 'Do it', 'Start', 'gw', 'review'
    rejects(() => q.searchElementInstances({ filter: { elementId: { $like: 't*' } } }), 'INVALID_ARGUMENT', 'filter.elementId: must be a string');
    rejects(() => q.searchElementInstances({ filter: { type: 'FOO' } }), 'INVALID_ARGUMENT', 'filter.type: must be one of UNSPECIFIED, PROCESS');
  });
});

describe('user tasks', () => {
  beforeEach(() => {
    resource({ key: K + 1, name: 'Order process' });
    resource({ key: K + 5, kind: 'form', resource_id: 'review-form', version: 2, resource_name: 'review.form', content: '{"components":[]}' });
    userTask({
      key: K + 20,
      name: 'Review',
      assignee: 'anna',
      candidate_groups: '["managers","sales"]',
      candidate_users: '["bob"]',
      due_date: '2025-03-01T10:00:00+01:00',
      follow_up_date: '2025-02-01T00:00:00Z',
      priority: 80,
      form_key: K + 5,
      custom_headers: '{"lane":"a"}',
      element_instance_key: K + 30,
    });
    userTask({
      key: K + 21,
      name: 'Approve',
      candidate_groups: '["finance"]',
      due_date: '2025-03-01T09:30:00Z',
      priority: 20,
      creation_date: T0 + MIN,
      element_instance_key: K + 31,
      external_form_reference: 'https://forms.example/approve',
    });
    userTask({
      key: K + 22,
      state: 'COMPLETED',
      completion_date: T0 + 5 * MIN,
      creation_date: T0 + 2 * MIN,
      element_instance_key: K + 32,
    });
  });

  const ids = (body: unknown) => keys(q.searchUserTasks(body), 'userTaskKey').map((k) => Number(k) - K);

  it('returns the 8.8 shape', () => {
    const r = q.searchUserTasks({});
    conforms(r, c88.queryUserTasksResponseBodySchema, c88.userTaskSchema);
    expect(r.items[0]).toEqual({
      userTaskKey: String(K + 20),
      name: 'Review',
      state: 'CREATED',
      assignee: 'anna',
      elementId: 'review',
      elementInstanceKey: String(K + 30),
      candidateGroups: ['managers', 'sales'],
      candidateUsers: ['bob'],
      processDefinitionId: 'order',
      processDefinitionKey: String(K + 1),
      processInstanceKey: String(K + 10),
      processDefinitionVersion: 1,
      processName: 'Order process',
      formKey: String(K + 5),
      creationDate: '2025-01-01T00:00:00.000Z',
      followUpDate: '2025-02-01T00:00:00.000Z',
      dueDate: '2025-03-01T09:00:00.000Z',
      tenantId: '<default>',
      customHeaders: { lane: 'a' },
      priority: 80,
    });
    expect(r.items[2]).toMatchObject({ state: 'COMPLETED', completionDate: '2025-01-01T00:05:00.000Z', candidateGroups: [] });
    conforms(q.getUserTask(String(K + 21)), c88.userTaskSchema, c88.userTaskSchema);
    rejects(() => q.getUserTask(String(K + 99)), 'NOT_FOUND', `User task with key '${K + 99}' not found`);
  });

  it('filters on candidate group and user membership', () => {
    expect(ids({ filter: { candidateGroup: 'sales' } })).toEqual([20]);
    expect(ids({ filter: { candidateGroup: { $eq: 'finance' } } })).toEqual([21]);
    expect(ids({ filter: { candidateGroup: { $in: ['finance', 'managers'] } } })).toEqual([20, 21]);
    expect(ids({ filter: { candidateGroup: { $like: 'man*' } } })).toEqual([20]);
    expect(ids({ filter: { candidateGroup: { $like: 'fin?nce' } } })).toEqual([21]);
    expect(ids({ filter: { candidateGroup: { $neq: 'sales' } } })).toEqual([21, 22]);
    expect(ids({ filter: { candidateGroup: { $notIn: ['sales', 'finance'] } } })).toEqual([22]);
    expect(ids({ filter: { candidateGroup: { $exists: false } } })).toEqual([22]);
    expect(ids({ filter: { candidateGroup: { $exists: true } } })).toEqual([20, 21]);
    expect(ids({ filter: { candidateUser: 'bob' } })).toEqual([20]);
    expect(ids({ filter: { candidateGroup: 'sales', candidateUser: 'eve' } })).toEqual([]);
  });

  it('filters on other fields', () => {
    expect(ids({ filter: { state: 'CREATED' } })).toEqual([20, 21]);
    expect(ids({ filter: { state: { $neq: 'CREATED' } } })).toEqual([22]);
    expect(ids({ filter: { assignee: 'anna' } })).toEqual([20]);
    expect(ids({ filter: { assignee: { $exists: false } } })).toEqual([21, 22]);
    expect(ids({ filter: { assignee: { $like: 'a*' } } })).toEqual([20]);
    expect(ids({ filter: { priority: { $gte: 50 } } })).toEqual([20, 22]);
    expect(ids({ filter: { priority: 20 } })).toEqual([21]);
    expect(ids({ filter: { name: 'Approve' } })).toEqual([21]);
    expect(ids({ filter: { elementInstanceKey: String(K + 31) } })).toEqual([21]);
    expect(ids({ filter: { userTaskKey: String(K + 22), processInstanceKey: String(K + 10) } })).toEqual([22]);
    // due dates are stored as ISO strings with offsets; compared as instants
    expect(ids({ filter: { dueDate: { $lt: '2025-03-01T09:15:00Z' } } })).toEqual([20]);
    expect(ids({ filter: { dueDate: '2025-03-01T09:00:00Z' } })).toEqual([20]);
    expect(ids({ filter: { dueDate: { $exists: false } } })).toEqual([22]);
    expect(ids({ filter: { completionDate: { $gt: '2025-01-01T00:00:00Z' } } })).toEqual([22]);
    expect(ids({ filter: { creationDate: { $in: ['2025-01-01T00:01:00Z', '2025-01-01T00:02:00Z'] } } })).toEqual([21, 22]);
    rejects(() => q.searchUserTasks({ filter: { candidateGroups: 'x' } }), 'INVALID_ARGUMENT', 'filter.candidateGroups: is not a known field');
    rejects(() => q.searchUserTasks({ filter: { state: 'OPEN' } }), 'INVALID_ARGUMENT', 'filter.state: must be one of CREATING, CREATED');
  });

  it('filters on variables', () => {
    variable({ key: K + 50, name: 'amount', value: '100', scope_key: K + 10 });
    variable({ key: K + 51, name: 'decision', value: '"ok"', scope_key: K + 31 });
    expect(ids({ filter: { processInstanceVariables: [{ name: 'amount', value: '100' }] } })).toEqual([20, 21, 22]);
    expect(ids({ filter: { localVariables: [{ name: 'decision', value: { $in: ['"ok"', '"no"'] } }] } })).toEqual([21]);
    expect(ids({ filter: { localVariables: [{ name: 'amount', value: '100' }] } })).toEqual([]);
  });

  it('sorts', () => {
    expect(ids({ sort: [{ field: 'priority', order: 'DESC' }] })).toEqual([20, 22, 21]);
    expect(ids({ sort: [{ field: 'dueDate', order: 'ASC' }] })).toEqual([20, 21, 22]);
    expect(ids({ sort: [{ field: 'dueDate', order: 'DESC' }] })).toEqual([21, 20, 22]);
    expect(ids({ sort: [{ field: 'creationDate', order: 'DESC' }] })).toEqual([22, 21, 20]);
    expect(ids({ sort: [{ field: 'name' }] })).toEqual([21, 20, 22]);
    rejects(() => q.searchUserTasks({ sort: [{ field: 'assignee' }] }), 'INVALID_ARGUMENT', "sort[0].field: unknown sort field 'assignee'");
  });

  it('pages', () => {
    for (let i = 0; i < 17; i++) userTask({ key: K + 200 + i, priority: i % 3, due_date: i % 2 ? null : `2025-04-0${1 + (i % 5)}T00:00:00Z` });
    checkPaging((b) => q.searchUserTasks(b), 'userTaskKey', [{ field: 'dueDate', order: 'DESC' }, { field: 'priority' }], 4);
  });

  it('gets the form of a task', () => {
    const f = q.getUserTaskForm(String(K + 20));
    expect(f).toEqual({
      formKey: String(K + 5),
      formId: 'review-form',
      version: 2,
      tenantId: '<default>',
      schema: '{"components":[]}',
    });
    // camunda-api-zod-schemas still carries Tasklist's bpmnId; 8.8's FormResult has formId instead
    const formResult = c88.formSchema.omit({ bpmnId: true }).extend({ formId: z.string() });
    conforms(f, formResult, formResult);
    expect(q.getForm(String(K + 5))).toEqual(f);
    expect(q.getUserTaskForm(String(K + 21))).toBeUndefined();
    rejects(() => q.getUserTaskForm(String(K + 99)), 'NOT_FOUND', 'User task with key');
    rejects(() => q.getForm(String(K + 1)), 'NOT_FOUND', `Form with key '${K + 1}' not found`);
  });
});

describe('user task variables', () => {
  beforeEach(() => {
    // process instance K+10 > sub-process K+31 > user task element K+32
    elementInstance({ key: K + 10, type: 'PROCESS', element_id: 'order', flow_scope_key: null });
    elementInstance({ key: K + 31, type: 'SUB_PROCESS', element_id: 'sub', flow_scope_key: K + 10 });
    elementInstance({ key: K + 32, type: 'USER_TASK', element_id: 'review', flow_scope_key: K + 31 });
    elementInstance({ key: K + 33, type: 'USER_TASK', element_id: 'other', flow_scope_key: K + 10 });
    userTask({ key: K + 20, element_instance_key: K + 32 });
    variable({ key: K + 50, name: 'a', value: '"process"', scope_key: K + 10 });
    variable({ key: K + 51, name: 'b', value: '"process"', scope_key: K + 10 });
    variable({ key: K + 52, name: 'c', value: '"process"', scope_key: K + 10 });
    variable({ key: K + 53, name: 'b', value: '"sub"', scope_key: K + 31 });
    variable({ key: K + 54, name: 'c', value: '"task"', scope_key: K + 32 });
    variable({ key: K + 55, name: 'd', value: '"sibling"', scope_key: K + 33 });
    variable({ key: K + 56, name: 'a', value: '"elsewhere"', scope_key: K + 99, process_instance_key: K + 99 });
  });

  it('lists every scope copy of a name on the task path, as 8.8 does (deduplicating is the effective-variables search of 8.9)', () => {
    const r = q.searchUserTaskVariables(String(K + 20), {});
    conforms(r, c88.queryVariablesByUserTaskResponseBodySchema, c88.variableSchema);
    expect(r.items.map((v) => [v.name, v.value, Number(v.scopeKey) - K])).toEqual([
      ['a', '"process"', 10],
      ['b', '"process"', 10],
      ['c', '"process"', 10],
      ['b', '"sub"', 31],
      ['c', '"task"', 32],
    ]);
    expect(r.page.totalItems).toBe(5);
    expect(r.items[0]).toEqual({
      variableKey: String(K + 50),
      name: 'a',
      value: '"process"',
      scopeKey: String(K + 10),
      processInstanceKey: String(K + 10),
      tenantId: '<default>',
      isTruncated: false,
    });
  });

  it('sees the process instance scope even without element instance rows', () => {
    userTask({ key: K + 21, element_instance_key: K + 77 }); // no element_instances row for K+77
    variable({ key: K + 57, name: 'e', value: '"mine"', scope_key: K + 77 });
    const r = q.searchUserTaskVariables(String(K + 21), {});
    expect(r.items.map((v) => [v.name, v.value])).toEqual([
      ['a', '"process"'],
      ['b', '"process"'],
      ['c', '"process"'],
      ['e', '"mine"'],
    ]);
  });

  it('filters, sorts and pages', () => {
    const search = (body: unknown) => q.searchUserTaskVariables(String(K + 20), body);
    expect(keys(search({ filter: { name: { $in: ['b', 'c'] } } }), 'name')).toEqual(['b', 'c', 'b', 'c']);
    expect(keys(search({ sort: [{ field: 'value', order: 'DESC' }, { field: 'name', order: 'ASC' }] }), 'value')).toEqual(['"task"', '"sub"', '"process"', '"process"', '"process"']);
    expect(keys(search({ page: { limit: 2 } }), 'name')).toEqual(['a', 'b']);
    checkPaging(search, 'variableKey', [{ field: 'name', order: 'DESC' }], 2);
    rejects(() => search({ filter: { value: '1' } }), 'INVALID_ARGUMENT', 'filter.value: is not a known field');
    rejects(() => q.searchUserTaskVariables(String(K + 99), {}), 'NOT_FOUND', `User task with key '${K + 99}' not found`);
    rejects(() => q.searchUserTaskVariables('x', {}), 'INVALID_ARGUMENT', 'userTaskKey: must be a decimal key');
  });
});

describe('variables', () => {
  const long = 'x'.repeat(VARIABLE_PREVIEW_LENGTH + 10);
  beforeEach(() => {
    variable({ key: K + 50, name: 'small', value: '1', scope_key: K + 10 });
    variable({ key: K + 51, name: 'big', value: JSON.stringify(long), scope_key: K + 30 });
    variable({ key: K + 52, name: 'name', value: '"Anna *"', scope_key: K + 10 });
    variable({ key: K + 53, name: 'small', value: '2', scope_key: K + 11, process_instance_key: K + 11 });
  });

  const names = (body: unknown) => keys(q.searchVariables(body), 'variableKey').map((k) => Number(k) - K);

  it('truncates long values in search results, not in GET', () => {
    const r = q.searchVariables({ filter: { name: 'big' } });
    conforms(r, c88.queryVariablesResponseBodySchema, c88.variableSchema);
    expect(r.items[0]!.value).toHaveLength(VARIABLE_PREVIEW_LENGTH);
    expect(r.items[0]!.isTruncated).toBe(true);
    const full = q.searchVariables({ filter: { name: 'big' } }, { truncateValues: false });
    expect(full.items[0]).toMatchObject({ value: JSON.stringify(long), isTruncated: false });
    const got = q.getVariable(String(K + 51));
    expect(got).toEqual({
      variableKey: String(K + 51),
      name: 'big',
      value: JSON.stringify(long),
      scopeKey: String(K + 30),
      processInstanceKey: String(K + 10),
      tenantId: '<default>',
    });
    rejects(() => q.getVariable(String(K + 99)), 'NOT_FOUND', `Variable with key '${K + 99}' not found`);
  });

  it('does not split a surrogate pair when truncating', () => {
    const emoji = '😀'.repeat(VARIABLE_PREVIEW_LENGTH);
    variable({ key: K + 60, name: 'emoji', value: emoji });
    const item = q.searchVariables({ filter: { name: 'emoji' } }).items[0]!;
    expect(item).toMatchObject({ value: emoji, isTruncated: false });
    expect(names({ filter: { isTruncated: true } })).toEqual([51]);
  });

  it('filters and sorts', () => {
    expect(names({ filter: { name: 'small' } })).toEqual([50, 53]);
    expect(names({ filter: { name: { $in: ['small', 'name'] }, processInstanceKey: String(K + 10) } })).toEqual([50, 52]);
    expect(names({ filter: { value: { $like: '"Anna \\*"' } } })).toEqual([52]); // escaped wildcard
    expect(names({ filter: { value: { $like: '"Anna ?"' } } })).toEqual([52]);
    expect(names({ filter: { value: { $like: '"Anna \\?"' } } })).toEqual([]);
    expect(names({ filter: { scopeKey: { $neq: String(K + 10) } } })).toEqual([51, 53]);
    expect(names({ filter: { variableKey: { $like: `*${String(K + 52).slice(-3)}` } } })).toEqual([52]);
    expect(names({ filter: { isTruncated: false, tenantId: '<default>' } })).toEqual([50, 52, 53]);
    // JSON texts in byte order: '2' > '1' > '"x…' > '"A…'
    expect(names({ sort: [{ field: 'fullValue', order: 'DESC' }] })).toEqual([53, 50, 51, 52]);
    expect(names({ sort: [{ field: 'name' }, { field: 'value', order: 'DESC' }] })).toEqual([51, 52, 53, 50]);
  });
});

describe('incidents', () => {
  beforeEach(() => {
    incident({ key: K + 40, error_type: 'JOB_NO_RETRIES', creation_time: T0 + 2 * MIN, job_key: K + 60 });
    incident({ key: K + 41, error_type: 'IO_MAPPING_ERROR', error_message: 'bad mapping', state: 'RESOLVED', creation_time: T0 });
    incident({ key: K + 42, error_type: 'CONDITION_ERROR', creation_time: T0 + MIN, process_instance_key: K + 11 });
  });

  const ids = (body: unknown) => keys(q.searchIncidents(body), 'incidentKey').map((k) => Number(k) - K);

  it('returns the 8.8 shape', () => {
    const r = q.searchIncidents({});
    conforms(r, c88.queryIncidentsResponseBodySchema, c88.incidentSchema);
    expect(r.items[0]).toEqual({
      incidentKey: String(K + 40),
      processDefinitionKey: String(K + 1),
      processDefinitionId: 'order',
      processInstanceKey: String(K + 10),
      errorType: 'JOB_NO_RETRIES',
      errorMessage: 'boom',
      elementId: 'task',
      elementInstanceKey: String(K + 30),
      creationTime: '2025-01-01T00:02:00.000Z',
      state: 'ACTIVE',
      jobKey: String(K + 60),
      tenantId: '<default>',
    });
    conforms(q.getIncident(String(K + 41)), c88.getIncidentResponseBodySchema, c88.incidentSchema);
    rejects(() => q.getIncident(String(K + 49)), 'NOT_FOUND', `Incident with key '${K + 49}' not found`);
  });

  it('filters and sorts', () => {
    expect(ids({ filter: { state: 'ACTIVE' } })).toEqual([40, 42]);
    expect(ids({ filter: { errorType: { $in: ['IO_MAPPING_ERROR', 'CONDITION_ERROR'] } } })).toEqual([41, 42]);
    expect(ids({ filter: { creationTime: { $gt: '2025-01-01T00:00:00Z' } } })).toEqual([40, 42]);
    expect(ids({ filter: { errorMessage: 'bad mapping' } })).toEqual([41]);
    expect(ids({ filter: { jobKey: String(K + 60) } })).toEqual([40]);
    expect(ids({ filter: { processInstanceKey: String(K + 11) } })).toEqual([42]);
    expect(ids({ sort: [{ field: 'creationTime', order: 'DESC' }] })).toEqual([40, 42, 41]);
    expect(ids({ sort: [{ field: 'errorType' }] })).toEqual([42, 41, 40]);
    expect(ids({ sort: [{ field: 'jobKey', order: 'DESC' }] })).toEqual([40, 41, 42]);
    rejects(() => q.searchIncidents({ filter: { errorType: 'OOPS' } }), 'INVALID_ARGUMENT', 'filter.errorType: must be one of UNSPECIFIED');
  });
});

describe('jobs', () => {
  beforeEach(() => {
    job({ key: K + 60, type: 'mail', state: 'CREATED' });
    job({ key: K + 61, type: 'mail', state: 'ACTIVATED', worker: 'w1', deadline: T0 + 5 * MIN, custom_headers: '{"to":"a"}' });
    job({ key: K + 62, type: 'pay', state: 'FAILED', retries: 2, error_message: 'down', worker: 'w2' });
    job({ key: K + 63, type: 'pay', state: 'COMPLETED', retries: 0, end_date: T0 + MIN, worker: 'w2' });
  });

  const ids = (body: unknown) => keys(q.searchJobs(body), 'jobKey').map((k) => Number(k) - K);

  it('returns the 8.8 shape', () => {
    const r = q.searchJobs({});
    // camunda-api-zod-schemas requires deadline and endTime; 8.8 has none before activation / end
    conforms(r, c88.queryJobsResponseBodySchema.extend({ items: c88.jobSchema.partial({ deadline: true, endTime: true }).array() }), c88.jobSchema);
    expect(r.items[1]).toEqual({
      jobKey: String(K + 61),
      type: 'mail',
      worker: 'w1',
      state: 'CREATED',
      kind: 'BPMN_ELEMENT',
      listenerEventType: 'UNSPECIFIED',
      retries: 3,
      isDenied: false,
      deniedReason: '',
      hasFailedWithRetriesLeft: false,
      errorCode: '',
      errorMessage: '',
      customHeaders: { to: 'a' },
      deadline: '2025-01-01T00:05:00.000Z',
      processDefinitionId: 'order',
      processDefinitionKey: String(K + 1),
      processInstanceKey: String(K + 10),
      elementId: 'task',
      elementInstanceKey: String(K + 30),
      tenantId: '<default>',
    });
    expect(r.items[3]).toMatchObject({ state: 'COMPLETED', endTime: '2025-01-01T00:01:00.000Z' });
  });

  it('filters and sorts', () => {
    expect(ids({ filter: { state: 'CREATED' } })).toEqual([60, 61]);
    expect(ids({ filter: { state: { $in: ['FAILED', 'COMPLETED'] } } })).toEqual([62, 63]);
    expect(ids({ filter: { hasFailedWithRetriesLeft: true } })).toEqual([62]);
    expect(ids({ filter: { worker: { $like: 'w*' }, type: 'pay' } })).toEqual([62, 63]);
    expect(ids({ filter: { deadline: null } })).toEqual([60, 62, 63]);
    expect(ids({ filter: { deadline: { $exists: true } } })).toEqual([61]);
    expect(ids({ filter: { retries: { $lt: 3 } } })).toEqual([62, 63]);
    expect(ids({ filter: { errorMessage: 'down' } })).toEqual([62]);
    expect(ids({ filter: { kind: 'BPMN_ELEMENT', listenerEventType: 'UNSPECIFIED' } })).toEqual([60, 61, 62, 63]);
    expect(ids({ sort: [{ field: 'type', order: 'DESC' }, { field: 'retries' }] })).toEqual([63, 62, 60, 61]);
    expect(ids({ sort: [{ field: 'worker' }] })).toEqual([60, 61, 62, 63]);
    rejects(() => q.searchJobs({ filter: { state: 'ACTIVATED' } }), 'INVALID_ARGUMENT', 'filter.state: must be one of CANCELED');
  });
});

describe('large values and bounds', () => {
  const long = (c: string, n = 600) => JSON.stringify(c.repeat(n));

  it('pages through values too long for a cursor: the cursor names the row instead', () => {
    // equal long values, different long values, short ones: ties, order and both cursor kinds
    const values = [long('b'), long('a'), '1', long('b'), long('c', 5000), '"x"', long('a'), '2'];
    values.forEach((value, i) => variable({ key: K + 100 + i, name: `v${i % 3}`, value, scope_key: K + 100 + i }));
    for (const sort of [[{ field: 'value', order: 'DESC' }], [{ field: 'value' }, { field: 'name', order: 'DESC' }], [{ field: 'name' }, { field: 'value' }]]) {
      checkPaging((b) => q.searchVariables(b), 'variableKey', sort, 3);
    }
    // DESC: the numbers, then the strings by text; equal ones by key
    const page = q.searchVariables({ sort: [{ field: 'value', order: 'DESC' }], page: { limit: 8 } });
    expect(page.page.endCursor!.length).toBeLessThan(100);
    expect(JSON.parse(Buffer.from(page.page.endCursor!, 'base64').toString())).toEqual({ row: K + 106 });
    expect(JSON.parse(Buffer.from(page.page.startCursor!, 'base64').toString())).toEqual(['2', K + 107]);
  });

  it('and with absent values in an earlier sort field', () => {
    for (let i = 0; i < 7; i++) {
      processInstance({ key: K + 200 + i, process_definition_version_tag: i % 3 === 0 ? null : `t${i % 2}`, process_definition_name: i % 2 ? 'x'.repeat(700 + i) : 'short' });
    }
    for (const order of ['ASC', 'DESC']) {
      checkPaging((b) => q.searchProcessInstances(b), 'processInstanceKey', [{ field: 'processDefinitionVersionTag', order }, { field: 'processDefinitionName', order }], 2);
    }
  });

  it('refuses a cursor naming a row that is gone', () => {
    variable({ key: K + 300, name: 'a', value: long('a') });
    variable({ key: K + 301, name: 'b', value: long('b') });
    const cursor = q.searchVariables({ sort: [{ field: 'value' }], page: { limit: 1 } }).page.endCursor!;
    store.db.prepare('DELETE FROM variables WHERE key = ?').run(K + 300);
    rejects(() => q.searchVariables({ sort: [{ field: 'value' }], page: { after: cursor } }), 'INVALID_ARGUMENT', 'page.after: the item this cursor starts from no longer exists');
  });

  it('refuses a page over the response limit before reading it all, naming page.limit', () => {
    const small = new Queries(store.db, { maxResponseBytes: 50_000 });
    for (let i = 0; i < 10; i++) variable({ key: K + 400 + i, name: `big${i}`, value: long('z', 20_000) });
    rejects(
      () => small.searchVariables({}),
      'INVALID_ARGUMENT',
      /^page\.limit: the items of this page come to more than 50000 bytes, the limit of one search response \(reached after 6 of at most 100 items\); ask for fewer items per page$/,
    );
    expect(small.searchVariables({ page: { limit: 2 } }).items).toHaveLength(2);
    rejects(() => small.searchVariables({ page: { limit: 3 } }, { truncateValues: false }), 'INVALID_ARGUMENT', 'or search with truncateValues=true and read each large value in full by its key (GET)');
  });

  it('renders dates stored out of range at the bounds of RFC 3339, instead of failing', () => {
    processInstance({ key: K + 500, start_date: 2 ** 53 - 1, end_date: -(2 ** 53) + 1 });
    const item = q.getProcessInstance(String(K + 500));
    expect(item).toMatchObject({ startDate: '9999-12-31T23:59:59.999Z', endDate: '0000-01-01T00:00:00.000Z' });
    expect(q.searchProcessInstances({}).items).toHaveLength(1);
  });
});
