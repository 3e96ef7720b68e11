/**
 * Camunda 8 element templates for our job workers: one `.camunda/element-templates/<job-type>.json`
 * per worker in workers/index.ts, so a process owner in Camunda Desktop Modeler picks "颁发证书"
 * from the template chooser instead of typing `pingpin.certificate.issue`. Modeler finds templates
 * in `.camunda/element-templates/` of the diagram's folder or any folder above it.
 *
 * Each template applies to service tasks and sets zeebe:taskDefinition `type` (hidden, fixed) and
 * `retries` (editable, default from the worker's `retries` or 3). Its description says what the
 * worker does, the variables it reads (from the worker's zod input schema: name, type, required,
 * the field's `.describe()`) and the variables it returns (its `output` schema).
 *
 * `version` starts at 1 and goes up by one whenever the generated content changes, so Modeler offers
 * to update diagrams that use an older version.
 *
 *   npm run templates            writes the templates (and removes those of workers that are gone)
 *   npm run templates -- --check exits 1 when the committed templates differ from the workers
 *
 * Writing also brings the models' zeebe:modelerTemplateVersion up to date (npm run lint wants every
 * job element to apply its template at the current version).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { WorkerDefinition } from '../workers/runtime.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const TEMPLATES_DIR = join(ROOT, '.camunda', 'element-templates');
export const TEMPLATE_SCHEMA_URL = 'https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json';
/** The Camunda version the templates (and our models) target. */
export const ENGINE_RANGE = '^8.8';

export interface ElementTemplate {
  $schema: string;
  name: string;
  id: string;
  version: number;
  description: string;
  keywords: string[];
  category: { id: string; name: string };
  appliesTo: string[];
  elementType: { value: string };
  engines: { camunda: string };
  groups: { id: string; label: string }[];
  properties: Record<string, unknown>[];
}

interface FieldDoc {
  name: string;
  type: string;
  required: boolean;
  description?: string;
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
};

function typeOf(s: JsonSchema | undefined): string {
  if (!s) return 'any';
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return [...new Set(alternatives.map(typeOf))].join(' | ');
  const t = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
  if (t === 'array') return `list of ${typeOf(s.items)}`;
  if (t === 'object' && s.properties) return `{${Object.keys(s.properties).join(', ')}}`;
  return t ?? 'any';
}

/** The top-level fields of a zod object schema, with types and `.describe()` texts. */
export function fieldsOf(schema: z.ZodType | undefined): FieldDoc[] {
  if (!schema) return [];
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
    return Object.entries(shape).map(([name, field]) => ({ name, type: 'any', required: !field.safeParse(undefined).success, description: field.description }));
  }
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, field]) => ({
    name,
    type: typeOf(field),
    required: required.has(name),
    ...(field.description ? { description: field.description } : {}),
  }));
}

function describeFields(fields: FieldDoc[], required: boolean): string {
  return fields
    .map((f) => `${f.name}（${required ? (f.required ? '必填' : '可选') + '，' : ''}${f.type}）${f.description ? `：${f.description}` : ''}`)
    .join('；');
}

/** The element template of one worker (version 1; see {@link renderTemplates} for versioning). */
export function elementTemplate(def: WorkerDefinition): ElementTemplate {
  const inputs = fieldsOf(def.input);
  const outputs = fieldsOf(def.output);
  const description = [
    def.description ?? `作业类型 ${def.type} 的作业处理器。`,
    `作业类型：${def.type}。`,
    inputs.length ? `读取变量：${describeFields(inputs, true)}。` : '不读取流程变量。',
    def.output ? (outputs.length ? `返回变量：${describeFields(outputs, false)}。` : '不返回变量。') : '',
    '变量不符合要求时作业立即失败（不重试），产生 incident（故障事件）并指明变量；临时故障按退避重试。',
  ]
    .filter(Boolean)
    .join('\n');
  const area = def.type.split('.')[1];
  return {
    $schema: TEMPLATE_SCHEMA_URL,
    name: def.name ?? def.type,
    id: def.type,
    version: 1,
    description,
    keywords: [def.type, ...(area ? [area] : []), ...inputs.map((f) => f.name)],
    category: { id: 'pingpin', name: 'pingpin 评聘' },
    appliesTo: ['bpmn:ServiceTask'],
    elementType: { value: 'bpmn:ServiceTask' },
    engines: { camunda: ENGINE_RANGE },
    groups: [{ id: 'job', label: '作业' }],
    properties: [
      {
        type: 'Hidden',
        value: def.type,
        binding: { type: 'zeebe:taskDefinition', property: 'type' },
      },
      {
        label: '重试次数',
        description: '作业失败后还可重试的次数；用尽后产生 incident（故障事件），由运维人员在 Operate 中处理。',
        group: 'job',
        type: 'String',
        value: String(def.retries ?? 3),
        binding: { type: 'zeebe:taskDefinition', property: 'retries' },
        constraints: { notEmpty: true, pattern: { value: '^(\\d+|=.+)$', message: '须为非负整数或 FEEL 表达式（以 = 开头）' } },
      },
    ],
  };
}

export const templateFile = (type: string): string => `${type}.json`;

const serialize = (t: ElementTemplate): string => `${JSON.stringify(t, null, 2)}\n`;

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * The templates for the given workers as file name → content, keeping the committed version when
 * nothing but the version would change and bumping it otherwise.
 */
export function renderTemplates(defs: readonly WorkerDefinition[], dir = TEMPLATES_DIR): Map<string, string> {
  const seen = new Set<string>();
  const files = new Map<string, string>();
  for (const def of defs) {
    if (seen.has(def.type)) throw new Error(`two workers serve job type '${def.type}' (workers/index.ts): one worker per job type`);
    seen.add(def.type);
    const fresh = elementTemplate(def);
    const previous = readJson(join(dir, templateFile(def.type)));
    if (previous && typeof previous.version === 'number' && Number.isInteger(previous.version)) {
      const { version: prevVersion, ...prevRest } = previous;
      const { version: _v, ...freshRest } = fresh;
      fresh.version = isDeepStrictEqual(JSON.parse(JSON.stringify(freshRest)), prevRest) ? (prevVersion as number) : (prevVersion as number) + 1;
    }
    files.set(templateFile(def.type), serialize(fresh));
  }
  return files;
}

/** What differs between the committed templates and the workers; empty when up to date. */
export function checkTemplates(defs: readonly WorkerDefinition[], dir = TEMPLATES_DIR): string[] {
  const problems: string[] = [];
  const wanted = renderTemplates(defs, dir);
  for (const [name, content] of wanted) {
    const path = join(dir, name);
    if (!existsSync(path)) problems.push(`${name}: missing (run npm run templates)`);
    else if (readFileSync(path, 'utf8') !== content) problems.push(`${name}: out of date with its worker (run npm run templates)`);
  }
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    if (name.endsWith('.json') && !wanted.has(name)) problems.push(`${name}: no worker in workers/index.ts serves this job type (run npm run templates to remove it)`);
  }
  return problems;
}

/** Writes the templates; returns the files written and removed. */
export function writeTemplates(defs: readonly WorkerDefinition[], dir = TEMPLATES_DIR): { written: string[]; removed: string[] } {
  const wanted = renderTemplates(defs, dir);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of wanted) {
    const path = join(dir, name);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== content) {
      writeFileSync(path, content);
      written.push(name);
    }
  }
  const removed = readdirSync(dir).filter((n) => n.endsWith('.json') && !wanted.has(n));
  for (const name of removed) rmSync(join(dir, name));
  return { written, removed };
}

/**
 * Brings the models' `zeebe:modelerTemplateVersion` up to the templates' versions (`versions`: job
 * type → version), as Modeler's "update template" would: the templates only bind the job type and
 * retries, which a version bump never changes, so the version attribute is all there is to update.
 * Returns the files changed.
 */
export function syncModelTemplateVersions(bpmnDir: string, versions: ReadonlyMap<string, number>): string[] {
  const changed: string[] = [];
  for (const name of existsSync(bpmnDir) ? readdirSync(bpmnDir).filter((n) => n.endsWith('.bpmn')) : []) {
    const path = join(bpmnDir, name);
    const xml = readFileSync(path, 'utf8');
    const updated = xml.replace(/zeebe:modelerTemplate="([^"]+)"(\s+)zeebe:modelerTemplateVersion="(\d+)"/g, (all, type: string, space: string) => {
      const version = versions.get(type);
      return version === undefined ? all : `zeebe:modelerTemplate="${type}"${space}zeebe:modelerTemplateVersion="${version}"`;
    });
    if (updated !== xml) {
      writeFileSync(path, updated);
      changed.push(name);
    }
  }
  return changed;
}

async function main(argv: string[]): Promise<number> {
  const { workers } = await import('../workers/index.js');
  if (argv.includes('--check')) {
    const problems = checkTemplates(workers);
    for (const p of problems) process.stderr.write(`.camunda/element-templates/${p}\n`);
    process.stdout.write(problems.length ? `${problems.length} element template(s) out of date\n` : `${workers.length} element template(s) up to date\n`);
    return problems.length ? 1 : 0;
  }
  const { written, removed } = writeTemplates(workers);
  const versions = new Map([...renderTemplates(workers)].map(([, content]) => {
    const t = JSON.parse(content) as { id: string; version: number };
    return [t.id, t.version] as const;
  }));
  for (const n of syncModelTemplateVersions(join(ROOT, 'bpmn'), versions)) process.stdout.write(`updated the element template versions in bpmn/${n}\n`);
  for (const n of written) process.stdout.write(`wrote .camunda/element-templates/${n}\n`);
  for (const n of removed) process.stdout.write(`removed .camunda/element-templates/${n}\n`);
  process.stdout.write(`${workers.length} element template(s); ${written.length} written, ${removed.length} removed\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
