/**
 * Generic search machinery behind the read side (queries.ts): an entity is declared once, as a table
 * of response fields (SQL expression + value type), filters, relations and sort fields; from that
 * this module builds the strict zod request schema, the SQL (bound parameters only; every SQL
 * identifier comes from the declarations, never from a request) and the Camunda 8.8 response shape
 * `{ items, page: { totalItems, startCursor, endCursor, hasMoreTotalItems } }`.
 *
 * Semantics follow 8.8 (Elasticsearch/RDBMS secondary storage):
 * - a filter property is a plain value (equality) or an operator object; operators AND together;
 *   `$neq`/`$notIn` also match rows where the field is absent (as an ES must_not does);
 * - `$like` takes `*` (any run) and `?` (one character), `\` escapes; it is case-sensitive;
 * - sort: [{ field, order: ASC|DESC }], ties broken by the entity key ascending; absent values sort
 *   last in both directions (ES's default `missing: _last`);
 * - page: offset (`from`/`limit`) or cursor (`after`/`before` + `limit`), never both; cursors are
 *   base64 JSON of the boundary item's sort values, so they stay valid while rows are added (when
 *   a sort value is too long to copy, the cursor names the item instead);
 * - every part of a request is bounded (string and list lengths, values in all, sort fields,
 *   cursors), and so is the response: a page over `maxResponseBytes` is refused, not cut.
 */
import { z } from 'zod';
import type { Database, Statement } from 'better-sqlite3';
import { EngineError, notFound } from './errors.js';

// ---------------------------------------------------------------------------------------------
// Declarations

/**
 * How a value is validated in a filter, bound into SQL and returned in a response:
 * key: INTEGER column, decimal string in JSON; date: epoch-ms INTEGER, ISO string in JSON;
 * isoDate: an ISO string column (compared as epoch ms); json: JSON TEXT, parsed in the response.
 */
export type FieldType = 'key' | 'string' | 'int' | 'bool' | 'date' | 'isoDate' | 'enum' | 'json';

export interface FieldDef {
  /** SQL expression over the entity's row, which is aliased `t`. */
  sql: string;
  type: FieldType;
  /** The allowed values of an enum field. */
  values?: readonly string[];
  /**
   * A value that may be large (a variable's): search results carry its first `length` characters
   * unless the request asks for full values (`truncateValues: false`), and the response field
   * `flag` says whether it was cut. Cut in SQL, so a large value never reaches JS in a search.
   * GET by key returns it whole, without the flag.
   */
  preview?: { length: number; flag: string };
}

/** 'eq': 8.8 declares the property as a bare value; 'ops': bare value or operator object. */
export type FilterMode = 'eq' | 'ops';

export interface ScalarFilter {
  mode: FilterMode;
  /** Filter on this response field (its sql, type and values) unless sql/type are given here. */
  field?: string;
  sql?: string;
  type?: FieldType;
  values?: readonly string[];
  /** The expression is a JSON array of strings; the filter tests its members (8.8 `candidateGroup`). */
  list?: boolean;
  /** 8.8 also allows `null`, meaning "absent". */
  nullable?: boolean;
  /**
   * The expression is over a related row (a relation of the entity, aliased in its `from`);
   * all filters via one relation must hold for the same related row (one EXISTS).
   */
  via?: string;
}

/** A filter property with its own schema; `compile` receives what the schema parsed. */
export interface CustomFilter {
  schema: z.ZodType;
  compile: (value: never) => Sql;
}

export type FilterDef = ScalarFilter | CustomFilter;

export interface Relation {
  /** e.g. `element_instances e` */
  from: string;
  /** Correlates the related row with `t`. */
  on: string;
}

export type Item = Record<string, unknown>;

export interface PresentOptions {
  /** GET returns a single item; search results may differ (e.g. truncated variable values). */
  get: boolean;
  /** 8.8's `truncateValues` query parameter (variables); default true. */
  truncateValues?: boolean;
}

export interface Entity {
  /** For messages: "Process instance with key '1' not found". */
  name: string;
  /** e.g. `process_instances t`. */
  from: string;
  /** A condition every row of the entity satisfies (e.g. `t.kind = 'process'`). */
  where?: string;
  /** The response field holding the entity's key: GET looks it up, sort ties break on it. */
  key: string;
  fields: Record<string, FieldDef>;
  filters?: Record<string, FilterDef>;
  relations?: Record<string, Relation>;
  /** Whether the filter accepts `$or: [filter, …]` (8.8: process instances). */
  or?: boolean;
  /** Sortable field names; an entry [name, field] sorts under another name. */
  sort?: readonly (string | readonly [string, string])[];
  /** Post-processing of each item (e.g. value truncation). */
  present?: (item: Item, options: PresentOptions) => Item;
}

export interface Sql {
  sql: string;
  params: unknown[];
}

export interface SearchPage {
  totalItems: number;
  startCursor?: string;
  endCursor?: string;
  hasMoreTotalItems: boolean;
}

export interface SearchResult {
  items: Item[];
  page: SearchPage;
}

export interface SearchOptions {
  /** Replaces the entity's `from` (aliased `t`), e.g. a subquery with parameters. */
  source?: Sql;
  /** An extra condition, e.g. the path parameter of /v2/process-instances/{key}/incidents/search. */
  where?: Sql;
  truncateValues?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Request validation

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;

// Bounds on a search request; out of range is INVALID_ARGUMENT naming the field and the limit.
/** Longest string a filter compares with, `$like` patterns too (the variable preview length; SQLite refuses GLOB patterns over 50 000 bytes). */
export const MAX_FILTER_STRING_LENGTH = 8191;
/** Most values of one `$in` / `$notIn`. */
export const MAX_FILTER_LIST_LENGTH = 1000;
/** Most alternatives of `$or`, and entries of a list filter such as `variables` (each one nests the SQL deeper; SQLite stops at depth 1000). */
export const MAX_FILTER_ALTERNATIVES = 100;
/** Most values one filter binds in all (SQLite takes at most 32 766 per statement). */
export const MAX_FILTER_VALUES = 10_000;
/** Most sort criteria. */
export const MAX_SORT_FIELDS = 20;
/** Largest `page.from` (8.8: int32). */
export const MAX_OFFSET = 2 ** 31 - 1;
/** Longest `page.after` / `page.before`; the cursors this module issues stay far below. */
export const MAX_CURSOR_LENGTH = 4096;
/** A sort value longer than this is not copied into a cursor; the cursor names its row instead. */
const MAX_CURSOR_VALUE_LENGTH = 512;
/**
 * Most bytes (counted as characters of the values) the items of one search response may hold.
 * A page over it is refused (INVALID_ARGUMENT on page.limit), never cut silently: ask for fewer
 * items, or read large values one at a time by key. Rows are read one by one and reading stops at
 * the limit, so a search never holds more than this (plus one row) in memory.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Renderable dates: years 0000 to 9999 (RFC 3339); stored values outside are shown at the bound. */
const MIN_DATE_MS = -62_167_219_200_000;
const MAX_DATE_MS = 253_402_300_799_999;
const isoOf = (ms: number): string => new Date(Math.min(Math.max(ms, MIN_DATE_MS), MAX_DATE_MS)).toISOString();

const KEY_PATTERN = /^-?\d{1,19}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Whether `s` is a decimal key that fits SQLite's INTEGER. */
export function isKey(s: string): boolean {
  if (!KEY_PATTERN.test(s)) return false;
  const n = BigInt(s);
  return n >= INT64_MIN && n <= INT64_MAX;
}

const keySchema = z.string().refine(isKey, { error: 'must be a decimal key' });

type Op = '$eq' | '$neq' | '$exists' | '$in' | '$notIn' | '$like' | '$gt' | '$gte' | '$lt' | '$lte';

const STRING_OPS: readonly Op[] = ['$eq', '$neq', '$exists', '$in', '$notIn', '$like'];
const RANGE_OPS: readonly Op[] = ['$eq', '$neq', '$exists', '$gt', '$gte', '$lt', '$lte', '$in'];

/** The operators of an operator object, per value type (8.8's basic/advanced filter properties). */
const OPS: Record<FieldType, readonly Op[]> = {
  key: STRING_OPS,
  string: STRING_OPS,
  enum: STRING_OPS,
  int: RANGE_OPS,
  date: RANGE_OPS,
  isoDate: RANGE_OPS,
  bool: [],
  json: [],
};

const DESCRIPTION: Record<FieldType, string> = {
  key: 'a decimal key',
  string: 'a string',
  enum: 'one of',
  int: 'an integer',
  date: 'an ISO 8601 date-time',
  isoDate: 'an ISO 8601 date-time',
  bool: 'a boolean',
  json: 'a JSON value',
};

function valueSchema(type: FieldType, values?: readonly string[]): z.ZodType {
  switch (type) {
    case 'key':
      return keySchema;
    case 'int':
      return z.int();
    case 'bool':
      return z.boolean();
    case 'date':
    case 'isoDate':
      return z.iso.datetime({ offset: true });
    case 'enum':
      // z.string() first, so that a non-string fails with invalid_type (see formatIssues)
      return z.string().pipe(z.enum(values as [string, ...string[]]));
    default:
      return filterString;
  }
}

/** A string a filter compares with. */
export const filterString = z.string().max(MAX_FILTER_STRING_LENGTH);

/** A list of filter values (`$in`, `$notIn`, list-valued custom filters). */
export const filterList = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_FILTER_LIST_LENGTH);

/** The schema of a filter property: a bare value, or (mode 'ops') a bare value or an operator object. */
export function filterSchema(
  def: Pick<ScalarFilter, 'mode' | 'values' | 'list' | 'nullable'> & { type: FieldType },
): z.ZodType {
  const type = def.list ? 'string' : def.type;
  const plain = valueSchema(type, def.values);
  let schema: z.ZodType = plain;
  if (def.mode === 'ops') {
    const shape: Record<string, z.ZodType> = {};
    for (const op of OPS[type]) {
      const operand =
        op === '$exists' ? z.boolean() : op === '$in' || op === '$notIn' ? filterList(plain) : op === '$like' ? filterString : plain;
      shape[op] = operand.optional();
    }
    const what = type === 'enum' ? `one of ${def.values!.join(', ')}` : DESCRIPTION[type];
    schema = z.union([plain, z.strictObject(shape)], {
      error: (issue) =>
        issue.input === undefined ? 'is required' : `must be ${what}, or an object with ${OPS[type].join(', ')}`,
    });
  }
  return def.nullable ? schema.nullable() : schema;
}

/** Messages for issues the schemas do not word themselves. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return {
        string: 'must be a string',
        number: 'must be an integer',
        int: 'must be an integer',
        boolean: 'must be a boolean',
        object: 'must be an object',
        array: 'must be an array',
      }[issue.expected as string];
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'datetime' ? 'must be an ISO 8601 date-time with offset, e.g. 2025-01-31T12:00:00Z' : undefined;
    case 'too_small':
      return issue.origin === 'array' ? `must have at least ${issue.minimum} items` : `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`;
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters long`;
      return `must be at most ${issue.maximum}`;
    default:
      return undefined;
  }
};

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out;
}

/**
 * One line per issue, "path: rule". For a plain-value-or-operator-object union, the branch the
 * input was meant for is the one that did not fail on the input's type at its root; its issues are
 * reported, so `{ "$eq": "X" }` gives "filter.state.$eq: must be one of …" rather than "invalid input".
 */
function formatIssues(issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[] = []): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union') {
      const branch = issue.errors.find((b) => !b.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (branch) {
        lines.push(...formatIssues(branch, path));
        continue;
      }
    } else if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${formatPath([...path, key])}: is not a known field`);
      continue;
    }
    lines.push(`${path.length ? formatPath(path) : 'body'}: ${issue.message}`);
  }
  return lines;
}

/** Parses `input` with `schema`, throwing INVALID_ARGUMENT that names every offending field. */
export function parseRequest<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input, { error: errorMap, reportInput: true });
  if (result.success) return result.data;
  throw new EngineError('INVALID_ARGUMENT', formatIssues(result.error.issues).join('; '));
}

/** A key path parameter (e.g. GET /v2/process-instances/{processInstanceKey}). */
export function parseKey(name: string, key: string): bigint {
  if (!isKey(key)) throw new EngineError('INVALID_ARGUMENT', `${name}: must be a decimal key, got '${key}'`);
  return BigInt(key);
}

// ---------------------------------------------------------------------------------------------
// SQL building

const and = (parts: readonly string[]): string => (parts.length ? parts.map((p) => `(${p})`).join(' AND ') : '1');

/** The expression compared/sorted on: ISO string columns compare as epoch ms. */
function comparable(sql: string, type: FieldType): string {
  return type === 'isoDate' ? `CAST(ROUND((julianday(${sql}) - 2440587.5) * 86400000.0) AS INTEGER)` : sql;
}

function bindValue(type: FieldType, value: unknown): unknown {
  switch (type) {
    case 'key':
      return BigInt(value as string);
    case 'date':
    case 'isoDate':
      return Date.parse(value as string);
    case 'bool':
      return value ? 1 : 0;
    default:
      return value;
  }
}

/** 8.8 like pattern (`*`, `?`, `\` escapes) → SQLite GLOB pattern (case-sensitive, like ES). */
export function likeToGlob(pattern: string): string {
  const literal = (c: string) => (c === '*' || c === '?' || c === '[' ? `[${c}]` : c);
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) out += literal(pattern[++i]!);
    else out += c === '*' || c === '?' ? c : literal(c);
  }
  return out;
}

const isOperatorObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The condition of one (validated) filter property value on `expr` (already comparable). */
export function filterConditions(expr: string, type: FieldType, value: unknown): Sql {
  const parts: string[] = [];
  const params: unknown[] = [];
  const ops = isOperatorObject(value) ? value : { $eq: value };
  for (const [op, operand] of Object.entries(ops)) {
    if (operand === undefined) continue;
    switch (op as Op) {
      case '$eq':
        parts.push(`${expr} = ?`);
        params.push(bindValue(type, operand));
        break;
      case '$neq':
        parts.push(`${expr} IS NULL OR ${expr} <> ?`);
        params.push(bindValue(type, operand));
        break;
      case '$exists':
        parts.push(operand ? `${expr} IS NOT NULL` : `${expr} IS NULL`);
        break;
      case '$in':
      case '$notIn': {
        const list = operand as unknown[];
        const placeholders = list.map(() => '?').join(', ');
        if (op === '$in') parts.push(list.length ? `${expr} IN (${placeholders})` : '0');
        else parts.push(list.length ? `${expr} IS NULL OR ${expr} NOT IN (${placeholders})` : '1');
        params.push(...list.map((v) => bindValue(type, v)));
        break;
      }
      case '$like':
        parts.push(`${type === 'key' ? `CAST(${expr} AS TEXT)` : expr} GLOB ?`);
        params.push(likeToGlob(operand as string));
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        parts.push(`${expr} ${{ $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[op]} ?`);
        params.push(bindValue(type, operand));
        break;
    }
  }
  return { sql: and(parts), params };
}

/** A filter on the members of a JSON array: positive operators need some member, negative ones none. */
function listConditions(expr: string, value: unknown): Sql {
  const ops = isOperatorObject(value) ? value : { $eq: value };
  const parts: string[] = [];
  const params: unknown[] = [];
  const member = (positive: Record<string, unknown>, negate: boolean) => {
    const c = filterConditions('j.value', 'string', positive);
    parts.push(`${negate ? 'NOT ' : ''}EXISTS (SELECT 1 FROM json_each(${expr}) j WHERE ${c.sql})`);
    params.push(...c.params);
  };
  for (const [op, operand] of Object.entries(ops)) {
    if (operand === undefined) continue;
    if (op === '$exists') parts.push(`json_array_length(${expr}) ${operand ? '>' : '='} 0`);
    else if (op === '$neq') member({ $eq: operand }, true);
    else if (op === '$notIn') member({ $in: operand }, true);
    else member({ [op]: operand }, false);
  }
  return { sql: and(parts), params };
}

interface SortTerm {
  expr: string;
  desc: boolean;
  /** A string (or JSON text) value, which may be too long to copy into a cursor. */
  text?: boolean;
}

/** ORDER BY with absent values last in the natural order (so first when `reverse`). */
function orderBy(terms: readonly SortTerm[], reverse: boolean): string {
  return terms
    .map(({ expr, desc }) => {
      const d = desc !== reverse;
      return `${expr} ${d ? 'DESC' : 'ASC'} NULLS ${reverse ? 'FIRST' : 'LAST'}`;
    })
    .join(', ');
}

/** A boundary value of a cursor: a literal, or (a cursor that names its row) a subquery giving it. */
type SeekValue = null | string | number | Sql;

const isSql = (v: SeekValue | undefined): v is Sql => typeof v === 'object' && v !== null;

/**
 * Keyset condition: rows strictly after (or before) the row whose sort values are `values`, in the
 * natural order (absent values last). Equality on earlier terms uses IS, which also matches NULL.
 * A subquery value may be NULL: the condition then tests that in SQL.
 */
function seek(terms: readonly SortTerm[], values: readonly SeekValue[], after: boolean): Sql {
  const alternatives: string[] = [];
  const params: unknown[] = [];
  terms.forEach((term, i) => {
    const v = values[i]!;
    const condParams: unknown[] = [];
    let cond: string;
    const op = after === term.desc ? '<' : '>';
    if (isSql(v)) {
      const q = `(${v.sql})`;
      cond = after
        ? `${q} IS NOT NULL AND (${term.expr} ${op} ${q} OR ${term.expr} IS NULL)`
        : `CASE WHEN ${q} IS NULL THEN ${term.expr} IS NOT NULL ELSE ${term.expr} ${op} ${q} END`;
      condParams.push(...v.params, ...v.params);
    } else if (after) {
      if (v === null) return; // nothing sorts after an absent value
      cond = `${term.expr} ${op} ? OR ${term.expr} IS NULL`;
      condParams.push(v);
    } else {
      cond = v === null ? `${term.expr} IS NOT NULL` : `${term.expr} ${op} ?`;
      if (v !== null) condParams.push(v);
    }
    const prefix = terms.slice(0, i).map((t, j) => {
      const pv = values[j]!;
      if (isSql(pv)) {
        params.push(...pv.params);
        return `${t.expr} IS (${pv.sql})`;
      }
      params.push(pv);
      return `${t.expr} IS ?`;
    });
    alternatives.push(and([...prefix, cond]));
    params.push(...condParams);
  });
  return { sql: alternatives.length ? alternatives.map((a) => `(${a})`).join(' OR ') : '0', params };
}

const CURSOR_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A cursor: base64 JSON of the boundary item's sort values, or, when one of them is too long to
 * copy (a large variable value), `{ "row": key }` naming the item, whose sort values are then read
 * in SQL (the cursor is valid as long as the item exists).
 */
type Cursor = { values: (null | string | number)[] } | { row: string | number };

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify('row' in cursor ? { row: cursor.row } : cursor.values)).toString('base64');
}

function decodeCursor(field: string, cursor: string, length: number): Cursor {
  let decoded: unknown;
  try {
    if (!CURSOR_PATTERN.test(cursor)) throw new Error('not base64');
    decoded = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (
    Array.isArray(decoded) &&
    decoded.length === length &&
    decoded.every((v) => v === null || typeof v === 'string' || typeof v === 'number')
  ) {
    return { values: decoded as (null | string | number)[] };
  }
  const row = (decoded as { row?: unknown } | undefined)?.row;
  if (typeof decoded === 'object' && decoded !== null && Object.keys(decoded).length === 1 && (typeof row === 'string' || typeof row === 'number')) {
    return { row };
  }
  throw new EngineError('INVALID_ARGUMENT', `${field}: is not a cursor of this search (with this sort)`);
}

// ---------------------------------------------------------------------------------------------
// The compiled entity

interface RequestBody {
  filter?: Record<string, unknown>;
  sort?: { field: string; order?: string }[];
  page?: { from?: number; limit?: number; after?: string; before?: string };
}

export interface EntityQueryOptions {
  /** See DEFAULT_MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number;
}

export class EntityQuery {
  private readonly schema: z.ZodType<RequestBody>;
  /** Every field whole (GET, and searches with truncateValues=false). */
  private readonly select: string;
  /** Preview fields cut in SQL, with their flags. */
  private readonly selectPreview: string;
  private readonly sortFields: Map<string, string>;
  private readonly maxResponseBytes: number;
  /** Values are always bound, so the SQL depends only on the request's shape: few distinct texts. */
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Database,
    readonly entity: Entity,
    options: EntityQueryOptions = {},
  ) {
    this.select = Object.entries(entity.fields)
      .map(([name, f]) => `${f.sql} AS "${name}"`)
      .join(', ');
    this.selectPreview = Object.entries(entity.fields)
      .map(([name, f]) =>
        f.preview
          ? `substr(${f.sql}, 1, ${f.preview.length}) AS "${name}", length(${f.sql}) > ${f.preview.length} AS "__cut_${name}"`
          : `${f.sql} AS "${name}"`,
      )
      .join(', ');
    this.sortFields = new Map((entity.sort ?? []).map((s) => (typeof s === 'string' ? [s, s] : [s[0], s[1]])));
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.schema = this.requestSchema();
  }

  private scalar(name: string, def: ScalarFilter): Required<Pick<ScalarFilter, 'type' | 'sql'>> & ScalarFilter {
    const field = this.entity.fields[def.field ?? name];
    const type = def.type ?? field?.type;
    const sql = def.sql ?? field?.sql;
    if (!type || !sql) throw new Error(`${this.entity.name}: filter ${name} has no field`);
    return { ...def, type, sql, values: def.values ?? field?.values };
  }

  private requestSchema(): z.ZodType<RequestBody> {
    const filterShape: Record<string, z.ZodType> = {};
    for (const [name, def] of Object.entries(this.entity.filters ?? {})) {
      filterShape[name] = ('compile' in def ? def.schema : filterSchema(this.scalar(name, def))).optional();
    }
    const fields = z.strictObject(filterShape);
    const filter = this.entity.or ? fields.extend({ $or: z.array(fields).max(MAX_FILTER_ALTERNATIVES).optional() }) : fields;
    const sortNames = [...this.sortFields.keys()];
    const sortField = z
      .string()
      .refine((f) => this.sortFields.has(f), {
        error: (issue) =>
          sortNames.length
            ? `unknown sort field '${String(issue.input)}'; must be one of ${sortNames.join(', ')}`
            : 'this search cannot be sorted',
      });
    return z
      .strictObject({
        filter: filter.optional(),
        sort: z
          .array(
            z.strictObject({
              field: sortField,
              // 8.8 documents ASC/DESC; its own web apps send asc/desc
              order: z.enum(['ASC', 'DESC', 'asc', 'desc']).optional(),
            }),
          )
          .max(MAX_SORT_FIELDS)
          .optional(),
        page: z
          .strictObject({
            from: z.int().min(0).max(MAX_OFFSET).optional(),
            limit: z.int().min(1).max(MAX_LIMIT).optional(),
            after: z.string().max(MAX_CURSOR_LENGTH).optional(),
            before: z.string().max(MAX_CURSOR_LENGTH).optional(),
          })
          .optional(),
      })
      .superRefine((body, ctx) => {
        const page = body.page;
        if (page?.after !== undefined && page.before !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['page'], message: 'Both after and before cannot be set at the same time' });
        } else if (page?.from !== undefined && (page.after !== undefined || page.before !== undefined)) {
          ctx.addIssue({ code: 'custom', path: ['page'], message: 'Both after/before and from cannot be set at the same time' });
        }
      }) as z.ZodType<RequestBody>;
  }

  /** The WHERE condition of a (validated) filter object. */
  private compileFilter(filter: Record<string, unknown>): Sql {
    const parts: string[] = [];
    const params: unknown[] = [];
    const related = new Map<string, Sql[]>();
    for (const [name, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      if (name === '$or') {
        const alternatives = (value as Record<string, unknown>[]).map((f) => this.compileFilter(f));
        if (alternatives.length) {
          parts.push(alternatives.map((a) => `(${a.sql})`).join(' OR '));
          for (const a of alternatives) params.push(...a.params);
        }
        continue;
      }
      const def = this.entity.filters![name]!;
      let cond: Sql;
      if ('compile' in def) {
        cond = def.compile(value as never);
      } else {
        const f = this.scalar(name, def);
        const expr = comparable(f.sql, f.type);
        if (value === null) cond = { sql: `${expr} IS NULL`, params: [] };
        else cond = f.list ? listConditions(expr, value) : filterConditions(expr, f.type, value);
        if (f.via) {
          related.set(f.via, [...(related.get(f.via) ?? []), cond]);
          continue;
        }
      }
      parts.push(cond.sql);
      params.push(...cond.params);
    }
    for (const [name, conds] of related) {
      const rel = this.entity.relations![name]!;
      parts.push(`EXISTS (SELECT 1 FROM ${rel.from} WHERE ${and([rel.on, ...conds.map((c) => c.sql)])})`);
      for (const c of conds) params.push(...c.params);
    }
    return { sql: and(parts), params };
  }

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= 256) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private source(options: SearchOptions): Sql {
    return options.source ?? { sql: this.entity.from, params: [] };
  }

  private toItem(row: Record<string, unknown>, options: PresentOptions): Item {
    const item: Item = {};
    for (const [name, field] of Object.entries(this.entity.fields)) {
      const v = row[name];
      // search results say whether a large value was cut (false when full values were asked for)
      if (field.preview && !options.get) item[field.preview.flag] = row[`__cut_${name}`] === 1;
      if (v === null || v === undefined) continue; // 8.8's optional fields: absent rather than null
      switch (field.type) {
        case 'key':
          item[name] = String(v);
          break;
        case 'date':
          item[name] = isoOf(v as number);
          break;
        case 'isoDate': {
          const ms = Date.parse(v as string);
          item[name] = Number.isNaN(ms) ? v : isoOf(ms);
          break;
        }
        case 'bool':
          item[name] = v === 1 || v === true;
          break;
        case 'json':
          item[name] = JSON.parse(v as string);
          break;
        default:
          item[name] = v;
      }
    }
    return this.entity.present ? this.entity.present(item, options) : item;
  }

  /** The item with this key, or undefined. */
  find(key: bigint, options: SearchOptions = {}): Item | undefined {
    const source = this.source(options);
    const keyField = this.entity.fields[this.entity.key]!;
    const row = this
      .prepare(`SELECT ${this.select} FROM ${source.sql} WHERE ${and([this.entity.where ?? '1', `${keyField.sql} = ?`])}`)
      .get(...source.params, key) as Record<string, unknown> | undefined;
    return row && this.toItem(row, { get: true, truncateValues: options.truncateValues });
  }

  /** GET by key path parameter: INVALID_ARGUMENT for a malformed key, NOT_FOUND for an unknown one. */
  get(key: string): Item {
    const item = this.find(parseKey(this.entity.key, key));
    if (!item) throw notFound(this.entity.name, key);
    return item;
  }

  search(body: unknown, options: SearchOptions = {}): SearchResult {
    const request = parseRequest(this.schema, body ?? {});
    const source = this.source(options);
    const filter = this.compileFilter(request.filter ?? {});
    if (filter.params.length > MAX_FILTER_VALUES) {
      throw new EngineError('INVALID_ARGUMENT', `filter: binds ${filter.params.length} values in all, over the limit of ${MAX_FILTER_VALUES}; split the search`);
    }
    const scope = options.where ?? { sql: '1', params: [] };
    const where = and([this.entity.where ?? '1', scope.sql, filter.sql]);
    const whereParams = [...source.params, ...scope.params, ...filter.params];

    const keyField = this.entity.fields[this.entity.key]!;
    const terms: SortTerm[] = (request.sort ?? []).map(({ field, order }) => {
      const f = this.entity.fields[this.sortFields.get(field)!]!;
      return { expr: comparable(f.sql, f.type), desc: order?.toUpperCase() === 'DESC', text: f.type === 'string' || f.type === 'json' };
    });
    terms.push({ expr: keyField.sql, desc: false, text: keyField.type === 'string' });

    const page = request.page ?? {};
    const limit = page.limit ?? DEFAULT_LIMIT;
    const cursor = page.after ?? page.before;
    const backward = page.before !== undefined;
    const seekSql = cursor ? seek(terms, this.seekValues(backward ? 'page.before' : 'page.after', cursor, terms, source), !backward) : { sql: '1', params: [] };

    // Sort values go into cursors; a long one (a large variable value) is not read, the cursor names its row.
    const sortColumns = terms
      .map((t, i) =>
        t.text
          ? `CASE WHEN length(${t.expr}) > ${MAX_CURSOR_VALUE_LENGTH} THEN NULL ELSE ${t.expr} END AS "__s${i}", length(${t.expr}) > ${MAX_CURSOR_VALUE_LENGTH} AS "__long${i}"`
          : `${t.expr} AS "__s${i}"`,
      )
      .join(', ');
    const full = options.truncateValues === false;
    const statement = this.prepare(
      `SELECT ${full ? this.select : this.selectPreview}, ${sortColumns} FROM ${source.sql} WHERE ${and([where, seekSql.sql])}
       ORDER BY ${orderBy(terms, backward)} LIMIT ? OFFSET ?`,
    );
    // Row by row, so that a page too large for one response is refused before it is all in memory.
    const rows: Record<string, unknown>[] = [];
    let bytes = 0;
    for (const row of statement.iterate(...whereParams, ...seekSql.params, limit, page.from ?? 0) as IterableIterator<Record<string, unknown>>) {
      bytes += rowSize(row);
      if (bytes > this.maxResponseBytes) throw this.tooLarge(rows.length, limit, full);
      rows.push(row);
    }
    if (backward) rows.reverse();

    const { n } = this
      .prepare(`SELECT COUNT(*) AS n FROM ${source.sql} WHERE ${where}`)
      .get(...whereParams) as { n: number };

    const keyIndex = terms.length - 1;
    const cursorOf = (row: Record<string, unknown>): string => {
      const byRow = encodeCursor({ row: row[`__s${keyIndex}`] as string | number });
      if (terms.some((_, i) => row[`__long${i}`] === 1)) return byRow;
      const byValues = encodeCursor({ values: terms.map((_, i) => row[`__s${i}`] as null | string | number) });
      return byValues.length <= MAX_CURSOR_LENGTH ? byValues : byRow;
    };
    const result: SearchResult = {
      items: rows.map((row) => this.toItem(row, { get: false, truncateValues: options.truncateValues })),
      page: { totalItems: n, hasMoreTotalItems: false },
    };
    if (rows.length) {
      result.page.startCursor = cursorOf(rows[0]!);
      result.page.endCursor = cursorOf(rows[rows.length - 1]!);
    }
    return result;
  }

  /** The boundary of a cursor: its values, or subqueries reading them from the row it names. */
  private seekValues(field: string, cursor: string, terms: readonly SortTerm[], source: Sql): SeekValue[] {
    const decoded = decodeCursor(field, cursor, terms.length);
    if ('values' in decoded) return decoded.values;
    const keyField = this.entity.fields[this.entity.key]!;
    const key = keyField.type === 'key' ? (typeof decoded.row === 'number' ? decoded.row : Number.NaN) : decoded.row;
    const exists =
      (typeof key === 'number' ? Number.isSafeInteger(key) : typeof key === 'string') &&
      this.prepare(`SELECT 1 FROM ${source.sql} WHERE ${keyField.sql} = ?`).get(...source.params, key) !== undefined;
    if (!exists) throw new EngineError('INVALID_ARGUMENT', `${field}: the item this cursor starts from no longer exists; search again from the first page`);
    return terms.map((t) => ({ sql: `SELECT ${t.expr} FROM ${source.sql} WHERE ${keyField.sql} = ?`, params: [...source.params, key] }));
  }

  private tooLarge(itemsRead: number, limit: number, full: boolean): EngineError {
    const hasPreview = Object.values(this.entity.fields).some((f) => f.preview);
    return new EngineError(
      'INVALID_ARGUMENT',
      `page.limit: the items of this page come to more than ${this.maxResponseBytes} bytes, the limit of one search response ` +
        `(reached after ${itemsRead} of at most ${limit} items); ask for fewer items per page` +
        (hasPreview && full ? ', or search with truncateValues=true and read each large value in full by its key (GET)' : ''),
    );
  }
}

/** What a row adds to a response, roughly: the characters of its strings, 8 for anything else. */
function rowSize(row: Record<string, unknown>): number {
  let size = 0;
  for (const v of Object.values(row)) size += typeof v === 'string' ? v.length + 8 : 8;
  return size;
}
