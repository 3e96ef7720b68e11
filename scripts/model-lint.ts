/**
 * Lints the models and forms the way Camunda Desktop Modeler does, plus our house rules
 * (docs/procedures.md "Conventions"). Used by `npm run lint` (scripts/lint.ts) and by
 * test/models/lint.test.ts.
 *
 * - `bpmn/*.bpmn`: bpmnlint with `bpmnlint-plugin-camunda-compat`'s `camunda-cloud-8-8` config over
 *   bpmn-moddle with the zeebe moddle extension (what Modeler checks before a deployment), then the
 *   house rules: one executable process per file named after it; `modeler:executionPlatform`
 *   "Camunda Cloud" 8.8.0; a Chinese name on every flow node; diagram interchange for every flow
 *   node and sequence flow; static job types `pingpin.<area>.<action>` served by a worker in
 *   workers/index.ts; every user task a Camunda user task linked to a form in forms/ by `formId`;
 *   static called processes and decisions that exist; candidate groups and users that are Camunda 8.8
 *   ids (DOMAIN.md §6): each id of a static list, and every string literal of a FEEL expression, may
 *   hold only letters, digits and `_ @ . -` (so `"city:" + …` is refused).
 * - `forms/*.form`: `@camunda/form-linting` for Camunda 8.8 (it checks nothing unless the form declares
 *   its execution platform, so that is a house rule too); file name = form id; unique field keys;
 *   every form used by some user task (a warning while a process of docs/procedures.md has no
 *   model yet, an error once they all exist).
 * - `bpmn/*.dmn`: parses with the engine's parseDmn (what the engine deploys) and has DMNDI: a shape
 *   for every decision, input data, knowledge source and business knowledge model.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import { DmnModdle } from 'dmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { parseExpression } from '@bpmn-io/feelin';
import { GROUP_ID_CHARACTERS, GROUP_ID_MAX_LENGTH, hasOnlyGroupIdCharacters, isValidGroupId } from '../src/domain/groups.js';
import { parseDmn } from '../src/dmn/index.js';

const require = createRequire(import.meta.url);

export type Severity = 'error' | 'warning';

export interface LintProblem {
  /** Path relative to the project root, e.g. `bpmn/publicity.bpmn`. */
  file: string;
  severity: Severity;
  /** The element (BPMN/DMN id) or form field the problem is about. */
  element?: string;
  /** The rule: a bpmnlint / form-linting rule name, or `pingpin/<house rule>`. */
  rule: string;
  message: string;
}

export interface LintOptions {
  root: string;
  bpmnDir?: string;
  formsDir?: string;
  /** Job types that have a worker (workers/index.ts). */
  workerTypes: Iterable<string>;
  /**
   * The process ids the design contract names (docs/procedures.md, {@link contractProcessIds}). While
   * one of them has no model yet, a form no user task links is a warning (its model may not be
   * written yet); once they all exist, an error. Without this list, always an error.
   */
  expectedProcesses?: Iterable<string>;
  /**
   * Job type → current element template version (.camunda/element-templates). When given, every
   * element with such a job type must apply that template at that version, so Modeler shows the
   * template's fields and no "update available" notice.
   */
  templateVersions?: ReadonlyMap<string, number>;
}

/** The process ids of the design contract: the `### \`<id>\`` headings of docs/procedures.md. */
export function contractProcessIds(root: string): string[] {
  const path = join(root, 'docs', 'procedures.md');
  if (!existsSync(path)) return [];
  return [...readFileSync(path, 'utf8').matchAll(/^### `([a-z0-9-]+)`/gm)].map((m) => m[1]!);
}

export interface LintResult {
  problems: LintProblem[];
  files: { bpmn: string[]; dmn: string[]; forms: string[] };
  /** Processes of the design contract with no model yet (unused forms are warnings meanwhile). */
  missingModels: string[];
}

export const EXECUTION_PLATFORM = 'Camunda Cloud';
export const EXECUTION_PLATFORM_VERSION = '8.8.0';
export const BPMNLINT_CONFIG = 'plugin:camunda-compat/camunda-cloud-8-8';
const MODELER_NS = 'http://camunda.org/schema/modeler/1.0';
const JOB_TYPE = /^pingpin\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;
const HAN = /\p{Script=Han}/u;

// ---------------------------------------------------------------------------------------------
// moddle objects (bpmn-moddle / dmn-moddle ship no types)

interface ModdleElement {
  $type: string;
  $attrs?: Record<string, string>;
  $instanceOf(type: string): boolean;
  id?: string;
  name?: string;
  [key: string]: unknown;
}

const list = (v: unknown): ModdleElement[] => (Array.isArray(v) ? (v as ModdleElement[]) : []);
const extensions = (el: ModdleElement): ModdleElement[] => list((el.extensionElements as ModdleElement | undefined)?.values);
const extension = (el: ModdleElement, type: string): ModdleElement | undefined => extensions(el).find((e) => e.$type === type);

/** The value of a `modeler:` attribute, whatever prefix the document binds the namespace to. */
function modelerAttr(el: ModdleElement, name: string): string | undefined {
  const attrs = el.$attrs ?? {};
  const prefixes = Object.entries(attrs)
    .filter(([k, v]) => k.startsWith('xmlns:') && v === MODELER_NS)
    .map(([k]) => k.slice('xmlns:'.length));
  for (const p of prefixes.length ? prefixes : ['modeler']) {
    const v = attrs[`${p}:${name}`];
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Every flow element of a process or subprocess, depth first. */
function flowElements(container: ModdleElement): ModdleElement[] {
  const out: ModdleElement[] = [];
  for (const el of list(container.flowElements)) {
    out.push(el);
    if (el.$instanceOf('bpmn:SubProcess')) out.push(...flowElements(el));
  }
  return out;
}

const label = (el: ModdleElement) => `${el.$type.replace(/^bpmn:/, '')} ${el.id}`;

// ---------------------------------------------------------------------------------------------
// candidate groups and users: Camunda 8.8 ids

/** The text of a FEEL string literal (`"a\\"b"` → `a"b`). */
function feelString(literal: string): string {
  return literal.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) =>
    c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[c] ?? c,
  );
}

/**
 * What is wrong with the ids of a `zeebe:assignmentDefinition` candidateGroups / candidateUsers value
 * as far as it can be told without running the process: the ids of a static list must be Camunda 8.8
 * ids; a FEEL expression (`=…`) builds them at run time, so each of its string literals may hold only
 * characters an id allows.
 */
export function assignmentIdProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.trim().startsWith('=')) {
    const expression = value.trim().slice(1);
    parseExpression(expression, {}, undefined).iterate({
      enter(node) {
        if (node.name !== 'StringLiteral') return;
        const literal = expression.slice(node.from, node.to);
        if (!hasOnlyGroupIdCharacters(feelString(literal))) problems.push(`the string literal ${literal} holds characters an id may not hold`);
      },
    });
    return problems;
  }
  for (const id of value.split(',').map((s) => s.trim())) {
    if (!isValidGroupId(id)) problems.push(id.length > GROUP_ID_MAX_LENGTH ? `"${id.slice(0, 40)}…" is longer than ${GROUP_ID_MAX_LENGTH} characters` : `"${id}" is not a valid id`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// bpmnlint, configured as Modeler configures it

interface BpmnlintReport {
  id?: string;
  message: string;
  category: 'error' | 'warn' | 'info' | 'rule-error';
}

interface BpmnlintLinter {
  lint(definitions: unknown): Promise<Record<string, BpmnlintReport[]>>;
}

let linter: BpmnlintLinter | undefined;

function bpmnLinter(): BpmnlintLinter {
  if (linter) return linter;
  const { Linter } = require('bpmnlint') as { Linter: new (options: unknown) => BpmnlintLinter };
  const pluginMain = require.resolve('bpmnlint-plugin-camunda-compat');
  const plugin = require('bpmnlint-plugin-camunda-compat') as { rules: Record<string, string>; configs: Record<string, unknown> };
  // A static resolver for the two packages the config uses: the plugin's rules are paths relative to
  // the plugin; `bpmnlint/<rule>` names bpmnlint's own rules.
  const resolver = {
    resolveRule(pkg: string, ruleName: string) {
      if (pkg === 'bpmnlint') return require(`bpmnlint/rules/${ruleName}`);
      if (pkg === 'bpmnlint-plugin-camunda-compat') {
        const path = plugin.rules[ruleName];
        if (!path) throw new Error(`bpmnlint-plugin-camunda-compat has no rule <${ruleName}>`);
        return require(join(dirname(pluginMain), path));
      }
      throw new Error(`cannot resolve rule <${ruleName}> from <${pkg}>`);
    },
    resolveConfig(pkg: string, configName: string) {
      if (pkg === 'bpmnlint-plugin-camunda-compat') return plugin.configs[configName];
      if (pkg === 'bpmnlint') return require(`bpmnlint/config/${configName}`);
      throw new Error(`cannot resolve config <${configName}> from <${pkg}>`);
    },
  };
  linter = new Linter({ config: { extends: BPMNLINT_CONFIG }, resolver });
  return linter;
}

// ---------------------------------------------------------------------------------------------
// files

function filesIn(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => join(dir, e.name))
    .sort();
}

interface ParsedForm {
  file: string;
  id?: string;
  schema?: Record<string, unknown>;
}

interface ParsedBpmn {
  file: string;
  definitions?: ModdleElement;
}

export interface FormField {
  key: string;
  type: string;
  component: Record<string, unknown>;
}

const NO_VALUE = new Set(['text', 'html', 'image', 'spacer', 'separator', 'button', 'iframe', 'table', 'documentPreview']);

/**
 * The fields of a Camunda form that submit a value: components with a `key` (nested in groups and
 * dynamic lists, whose `path` prefixes the key), except display-only components.
 */
export function formFields(schema: Record<string, unknown>): FormField[] {
  const out: FormField[] = [];
  const walk = (components: unknown, prefix: string) => {
    for (const c of Array.isArray(components) ? (components as Record<string, unknown>[]) : []) {
      const type = String(c.type ?? '');
      if (type === 'group' || type === 'dynamiclist') {
        const path = typeof c.path === 'string' && c.path ? `${prefix}${c.path}` : undefined;
        if (type === 'dynamiclist' && path) {
          out.push({ key: path, type, component: c });
          continue;
        }
        walk(c.components, path ? `${path}.` : prefix);
        continue;
      }
      if (typeof c.key === 'string' && c.key && !NO_VALUE.has(type)) out.push({ key: `${prefix}${c.key}`, type, component: c });
      if (Array.isArray(c.components)) walk(c.components, prefix);
    }
  };
  walk(schema.components, '');
  return out;
}

// ---------------------------------------------------------------------------------------------
// the checks

/** Job type → version of each element template in `dir` (.camunda/element-templates). */
export function templateVersionsIn(dir: string): Map<string, number> {
  const versions = new Map<string, number>();
  for (const name of existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json')) : []) {
    const t = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { id?: unknown; version?: unknown };
    if (typeof t.id === 'string' && typeof t.version === 'number') versions.set(t.id, t.version);
  }
  return versions;
}

export async function lintModels(options: LintOptions): Promise<LintResult> {
  const root = options.root;
  const bpmnDir = options.bpmnDir ?? join(root, 'bpmn');
  const formsDir = options.formsDir ?? join(root, 'forms');
  const workerTypes = new Set(options.workerTypes);
  const rel = (path: string) => relative(root, path) || path;
  const problems: LintProblem[] = [];
  const report = (file: string, severity: Severity, rule: string, message: string, element?: string) =>
    problems.push({ file: rel(file), severity, rule, message, ...(element ? { element } : {}) });

  const bpmnFiles = filesIn(bpmnDir, '.bpmn');
  const dmnFiles = filesIn(bpmnDir, '.dmn');
  const formFiles = filesIn(formsDir, '.form');

  // ---- DMN
  const decisionIds = new Set<string>();
  const dmnModdle = new DmnModdle();
  for (const file of dmnFiles) {
    const xml = readFileSync(file, 'utf8');
    try {
      const graph = await parseDmn(xml, basename(file));
      for (const d of graph.decisions) decisionIds.add(d.id);
    } catch (err) {
      report(file, 'error', 'pingpin/dmn-parse', `the engine refuses it: ${(err as Error).message}`);
      continue;
    }
    const { rootElement } = await dmnModdle.fromXML(xml, 'dmn:Definitions');
    const defs = rootElement as ModdleElement;
    checkPlatform(defs, (m) => report(file, 'error', 'pingpin/execution-platform', m, defs.id));
    const shapes = new Set(
      list((defs.dmnDI as ModdleElement | undefined)?.diagrams)
        .flatMap((d) => list(d.diagramElements))
        .map((e) => (e.dmnElementRef as ModdleElement | undefined)?.id)
        .filter((id): id is string => typeof id === 'string'),
    );
    if (!defs.dmnDI) report(file, 'error', 'pingpin/dmndi', 'has no diagram (DMNDI): open and save it in Camunda Modeler');
    for (const el of list(defs.drgElement)) {
      if (defs.dmnDI && !shapes.has(el.id!)) report(file, 'error', 'pingpin/dmndi', `${label(el)} has no shape in the diagram (DMNDI)`, el.id);
    }
  }

  // ---- forms (parsed first: user tasks refer to them)
  const forms: ParsedForm[] = formFiles.map((file) => {
    try {
      const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      return { file, schema, id: typeof schema.id === 'string' ? schema.id : undefined };
    } catch (err) {
      report(file, 'error', 'pingpin/form-json', `is not valid JSON: ${(err as Error).message}`);
      return { file };
    }
  });
  const formIds = new Map<string, string>();
  for (const f of forms) {
    if (!f.schema) continue;
    if (!f.id) {
      report(f.file, 'error', 'pingpin/form-id', 'has no string "id" (the formId user tasks link to)');
      continue;
    }
    if (formIds.has(f.id)) report(f.file, 'error', 'pingpin/form-id', `form id "${f.id}" is also the id of ${rel(formIds.get(f.id)!)}`);
    formIds.set(f.id, f.file);
    if (basename(f.file) !== `${f.id}.form`) report(f.file, 'error', 'pingpin/form-file-name', `the file must be named after the form id: ${f.id}.form`);
  }

  // ---- BPMN
  const moddle = new BpmnModdle({ zeebe: zeebeSchema });
  const parsed: ParsedBpmn[] = [];
  for (const file of bpmnFiles) {
    try {
      const { rootElement, warnings } = await moddle.fromXML(readFileSync(file, 'utf8'), 'bpmn:Definitions');
      for (const w of warnings) report(file, 'error', 'pingpin/bpmn-parse', w.message.split('\n')[0]!);
      parsed.push({ file, definitions: rootElement as ModdleElement });
    } catch (err) {
      report(file, 'error', 'pingpin/bpmn-parse', `cannot be read: ${(err as Error).message.split('\n')[0]}`);
      parsed.push({ file });
    }
  }
  const processIds = new Set(
    parsed.flatMap((p) => list(p.definitions?.rootElements).filter((r) => r.$instanceOf('bpmn:Process')).map((r) => r.id!)),
  );
  const usedForms = new Set<string>();

  for (const { file, definitions } of parsed) {
    if (!definitions) continue;
    // bpmnlint + camunda-compat
    const results = await bpmnLinter().lint(definitions);
    for (const [rule, reports] of Object.entries(results)) {
      for (const r of reports) {
        if (r.category === 'info') continue;
        report(file, r.category === 'warn' ? 'warning' : 'error', rule, r.message, r.id);
      }
    }
    checkPlatform(definitions, (m) => report(file, 'error', 'pingpin/execution-platform', m, definitions.id));

    const processes = list(definitions.rootElements).filter((r) => r.$instanceOf('bpmn:Process'));
    if (processes.length !== 1) report(file, 'error', 'pingpin/one-process', `must hold exactly one process, holds ${processes.length}`);
    const [process] = processes;
    if (process && basename(file, '.bpmn') !== process.id) report(file, 'error', 'pingpin/file-name', `the file must be named after its process id: ${process.id}.bpmn`, process.id);

    const withDi = new Set(
      list(definitions.diagrams)
        .flatMap((d) => list((d.plane as ModdleElement | undefined)?.planeElement))
        .map((e) => (e.bpmnElement as ModdleElement | undefined)?.id)
        .filter((id): id is string => typeof id === 'string'),
    );

    for (const proc of processes) {
      if (!HAN.test(proc.name ?? '')) report(file, 'error', 'pingpin/chinese-name', `process ${proc.id} needs a Chinese name`, proc.id);
      for (const el of flowElements(proc)) {
        const id = el.id!;
        if (el.$instanceOf('bpmn:SequenceFlow')) {
          if (!withDi.has(id)) report(file, 'error', 'pingpin/di', `sequence flow ${id} has no edge in the diagram (BPMNDI)`, id);
          continue;
        }
        if (!el.$instanceOf('bpmn:FlowNode')) continue;
        if (!HAN.test(el.name ?? '')) report(file, 'error', 'pingpin/chinese-name', `${label(el)} needs a Chinese name${el.name ? ` (is "${el.name}")` : ''}`, id);
        if (!withDi.has(id)) report(file, 'error', 'pingpin/di', `${label(el)} has no shape in the diagram (BPMNDI)`, id);

        const task = extension(el, 'zeebe:TaskDefinition');
        if (task) {
          const type = String(task.type ?? '');
          if (type.startsWith('=')) report(file, 'error', 'pingpin/job-type', `${label(el)}: the job type must be static (${type}), so a worker and an element template can serve it`, id);
          else if (!JOB_TYPE.test(type)) report(file, 'error', 'pingpin/job-type', `${label(el)}: job type "${type}" must be pingpin.<area>.<action> (docs/procedures.md)`, id);
          else if (!workerTypes.has(type)) report(file, 'error', 'pingpin/job-worker', `${label(el)}: no worker in workers/index.ts serves job type "${type}"`, id);
          const version = options.templateVersions?.get(type);
          if (version !== undefined) {
            // zeebe-bpmn-moddle's TemplateSupported: zeebe:modelerTemplate / zeebe:modelerTemplateVersion.
            const applied = el.modelerTemplate as string | undefined;
            const appliedVersion = Number(el.modelerTemplateVersion);
            if (applied !== type) {
              report(file, 'error', 'pingpin/element-template', `${label(el)}: apply the element template "${type}" (in Modeler: Template → Select; or npm run templates)`, id);
            } else if (appliedVersion !== version) {
              report(file, 'error', 'pingpin/element-template', `${label(el)}: uses version ${appliedVersion || '(none)'} of the element template "${type}", the current one is ${version} (npm run templates updates the models)`, id);
            }
          }
        }

        if (el.$instanceOf('bpmn:UserTask')) {
          if (!extension(el, 'zeebe:UserTask')) report(file, 'error', 'pingpin/camunda-user-task', `${label(el)} must be a Camunda user task (zeebe:userTask)`, id);
          const form = extension(el, 'zeebe:FormDefinition');
          const formId = typeof form?.formId === 'string' ? form.formId : undefined;
          if (!formId) report(file, 'error', 'pingpin/user-task-form', `${label(el)} must link a form in forms/ with zeebe:formDefinition formId`, id);
          else if (!formIds.has(formId)) report(file, 'error', 'pingpin/user-task-form', `${label(el)} links form "${formId}", which is not in forms/ (forms/${formId}.form)`, id);
        }
        const assignment = extension(el, 'zeebe:AssignmentDefinition');
        for (const attr of ['candidateGroups', 'candidateUsers'] as const) {
          const value = assignment?.[attr];
          if (typeof value !== 'string' || value === '') continue;
          for (const problem of assignmentIdProblems(value)) {
            report(file, 'error', 'pingpin/assignment-ids', `${label(el)}: ${attr} ${problem} (Camunda 8.8 ${attr === 'candidateGroups' ? 'group' : 'user'} ids: ${GROUP_ID_CHARACTERS} only; DOMAIN.md §6)`, id);
          }
        }

        const formRef = extension(el, 'zeebe:FormDefinition');
        if (typeof formRef?.formId === 'string') usedForms.add(formRef.formId);

        const called = extension(el, 'zeebe:CalledElement');
        const calledId = typeof called?.processId === 'string' ? called.processId : undefined;
        if (calledId && !calledId.startsWith('=') && !processIds.has(calledId)) {
          report(file, 'error', 'pingpin/called-element', `${label(el)} calls process "${calledId}", which no model in bpmn/ defines`, id);
        }
        const decision = extension(el, 'zeebe:CalledDecision');
        const decisionId = typeof decision?.decisionId === 'string' ? decision.decisionId : undefined;
        if (decisionId && !decisionId.startsWith('=') && !decisionIds.has(decisionId)) {
          report(file, 'error', 'pingpin/called-decision', `${label(el)} evaluates decision "${decisionId}", which no DMN in bpmn/ defines`, id);
        }
      }
    }
  }

  // ---- form linting and usage
  const missingModels = [...(options.expectedProcesses ?? [])].filter((id) => !processIds.has(id));
  // Loaded here, not at the top: the package is ESM source with extensionless imports, which tsx
  // and vitest resolve and plain Node does not; only the lint needs it.
  const { FormLinter } = await import('@camunda/form-linting');
  const formLinter = new FormLinter();
  for (const f of forms) {
    if (!f.schema || !f.id) continue;
    if (f.schema.executionPlatform !== EXECUTION_PLATFORM || !String(f.schema.executionPlatformVersion ?? '').startsWith('8.8')) {
      report(
        f.file,
        'error',
        'pingpin/execution-platform',
        `must declare "executionPlatform": "${EXECUTION_PLATFORM}" and "executionPlatformVersion": "${EXECUTION_PLATFORM_VERSION}" (is ${JSON.stringify(f.schema.executionPlatform)} ${JSON.stringify(f.schema.executionPlatformVersion)}); without them Modeler's form linting checks nothing`,
      );
    } else {
      for (const r of formLinter.lint(f.schema)) {
        if (r.category === 'info') continue;
        report(f.file, r.category === 'warn' ? 'warning' : 'error', 'form-linting', r.message, r.label ?? r.id);
      }
    }
    const keys = new Map<string, number>();
    for (const field of formFields(f.schema)) keys.set(field.key, (keys.get(field.key) ?? 0) + 1);
    for (const [key, n] of keys) if (n > 1) report(f.file, 'error', 'pingpin/form-keys', `field key "${key}" is used by ${n} fields`, key);
    if (!usedForms.has(f.id)) {
      report(f.file, missingModels.length ? 'warning' : 'error', 'pingpin/form-used', `form "${f.id}" is linked by no user task in bpmn/ (zeebe:formDefinition formId="${f.id}")`);
    }
  }

  return { problems, files: { bpmn: bpmnFiles.map(rel), dmn: dmnFiles.map(rel), forms: formFiles.map(rel) }, missingModels };
}

function checkPlatform(definitions: ModdleElement, problem: (message: string) => void): void {
  const platform = modelerAttr(definitions, 'executionPlatform');
  const version = modelerAttr(definitions, 'executionPlatformVersion');
  if (platform !== EXECUTION_PLATFORM || version !== EXECUTION_PLATFORM_VERSION) {
    problem(
      `definitions must carry modeler:executionPlatform="${EXECUTION_PLATFORM}" modeler:executionPlatformVersion="${EXECUTION_PLATFORM_VERSION}" (has ${platform === undefined ? 'no platform' : `"${platform}"`}, ${version === undefined ? 'no version' : `"${version}"`})`,
    );
  }
}

/** A readable report, grouped by file; `color` for a terminal. */
export function formatReport(result: LintResult, options: { color?: boolean } = {}): string {
  const c = options.color
    ? { red: (s: string) => `\x1b[31m${s}\x1b[39m`, yellow: (s: string) => `\x1b[33m${s}\x1b[39m`, dim: (s: string) => `\x1b[2m${s}\x1b[22m`, bold: (s: string) => `\x1b[1m${s}\x1b[22m` }
    : { red: (s: string) => s, yellow: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s };
  const byFile = new Map<string, LintProblem[]>();
  for (const p of result.problems) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  const lines: string[] = [];
  for (const [file, problems] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(c.bold(file));
    const width = Math.max(...problems.map((p) => (p.element ?? '').length));
    for (const p of problems) {
      const sev = p.severity === 'error' ? c.red('error  ') : c.yellow('warning');
      lines.push(`  ${sev}  ${(p.element ?? '').padEnd(width)}  ${p.message}  ${c.dim(p.rule)}`);
    }
    lines.push('');
  }
  if (result.missingModels.length) {
    lines.push(c.dim(`Not modelled yet (docs/procedures.md): ${result.missingModels.join(', ')} — forms no user task links are warnings until they are.`), '');
  }
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  const warnings = result.problems.length - errors;
  const checked = `${result.files.bpmn.length} BPMN, ${result.files.dmn.length} DMN, ${result.files.forms.length} forms`;
  lines.push(
    result.problems.length === 0
      ? `✔ no problems (${checked})`
      : `${errors ? c.red('✖') : c.yellow('!')} ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${byFile.size} file${byFile.size === 1 ? '' : 's'} (${checked})`,
  );
  return lines.join('\n');
}
