/**
 * DMN 1.3 → compiled decision requirements graph. Parses with dmn-moddle (the library Camunda Modeler
 * uses), keeps what Zeebe's DMN engine (dmn-scala) executes — decision tables and literal expressions
 * with their required decisions — and compiles every FEEL expression and unary test once. Anything
 * else that carries execution semantics (BKMs, boxed contexts, invocations, …) rejects the resource,
 * as does every problem dmn-scala would reject at deployment; all problems are reported at once.
 */
import { DmnModdle } from 'dmn-moddle';
import { compile, compileUnaryTests, FeelSyntaxError, type CompiledExpression, type CompiledUnaryTests } from '../feel/index.js';
import { ModelError } from '../model-error.js';
import {
  ruleRef,
  type Aggregation,
  type Decision,
  type DecisionInput,
  type DecisionOutput,
  type DecisionRequirementsGraph,
  type DecisionRule,
  type DecisionTable,
  type HitPolicy,
  type LiteralExpression,
} from './types.js';

const moddle = new DmnModdle();

const DMN13_NAMESPACE = 'https://www.omg.org/spec/DMN/20191111/MODEL/';
const ZEEBE_NAMESPACE = 'http://camunda.org/schema/zeebe/1.0';

/** The expression languages dmn-scala accepts (compared lower-cased): FEEL under every DMN version's URI. */
const FEEL_LANGUAGES = new Set([
  'feel',
  'http://www.omg.org/spec/feel/20140401',
  'http://www.omg.org/spec/dmn/20180521/feel/',
  'https://www.omg.org/spec/dmn/20191111/feel/',
  'https://www.omg.org/spec/dmn/20211108/feel/',
  'https://www.omg.org/spec/dmn/20230324/feel/',
]);

const HIT_POLICIES = new Set<string>(['UNIQUE', 'FIRST', 'PRIORITY', 'ANY', 'COLLECT', 'RULE ORDER', 'OUTPUT ORDER']);
const AGGREGATIONS = new Set<string>(['SUM', 'MIN', 'MAX', 'COUNT']);

/** Decision logic dmn-scala runs but this engine does not (yet). */
const UNSUPPORTED_LOGIC: Record<string, string> = {
  'dmn:Context': 'a boxed context',
  'dmn:Invocation': 'an invocation',
  'dmn:Relation': 'a relation',
  'dmn:List': 'a boxed list',
  'dmn:FunctionDefinition': 'a function definition',
};

/** DRG elements without execution semantics (dmn-scala ignores them too). */
const IGNORED_DRG_ELEMENTS = new Set(['dmn:InputData', 'dmn:KnowledgeSource']);

/** What dmn-moddle gives us: plain objects with `$type` and the DMN properties by name. */
interface El {
  $type: string;
  id?: string;
  name?: string;
  label?: string;
  text?: string;
  expressionLanguage?: string;
  $attrs?: Record<string, string>;
  [key: string]: unknown;
}

const children = (el: El | undefined, key: string): El[] => (el?.[key] as El[] | undefined) ?? [];
const child = (el: El | undefined, key: string): El | undefined => el?.[key] as El | undefined;
const attr = (el: El | undefined, key: string): string | undefined =>
  typeof el?.[key] === 'string' ? (el[key] as string) : undefined;

/** Stands in for an expression that failed to compile; the resource is rejected before it can run. */
const NOT_COMPILED: CompiledExpression = { source: '=null', isStatic: false, text: 'null' };

/**
 * Parses a DMN resource into its decision requirements graph. Throws ModelError
 * `'<resource>': <problem>` with one line per problem, each naming the decision (and rule, input or
 * output) and what is wrong.
 */
export async function parseDmn(xml: string, resourceName: string): Promise<DecisionRequirementsGraph> {
  let definitions: El;
  let warnings: { message: string }[];
  try {
    const result = await moddle.fromXML(xml, 'dmn:Definitions');
    definitions = result.rootElement as El;
    warnings = result.warnings;
  } catch (err) {
    const detail = (err as Error).message.split('\n')[0] ?? '';
    const hint = detail.includes('failed to parse document as <dmn:Definitions>')
      ? ` (the root element must be <definitions> in the DMN 1.3 namespace ${DMN13_NAMESPACE}; open and save DMN 1.1/1.2 models in Camunda Modeler to migrate them)`
      : '';
    throw new ModelError(`'${resourceName}': the XML is not a valid DMN 1.3 document: ${detail}${hint}`);
  }

  const issues = warnings
    // dmn-moddle resolves references only in the diagram (DMNDI); a dangling one there does not
    // affect execution, and Zeebe does not check it either.
    .filter((w) => !w.message.startsWith('unresolved reference'))
    .map((w) => describeWarning(w.message));
  if (children(definitions, 'import').length > 0) {
    issues.push('imports of other models are not supported by the embedded engine');
  }
  const zeebePrefix = prefixOf(definitions, ZEEBE_NAMESPACE);
  const decisions: Decision[] = [];
  // Every decision's requirements, also of decisions that fail to compile, so that their dependants
  // are not reported as requiring a missing decision.
  const requirements = new Map<string, string[]>();
  for (const el of children(definitions, 'drgElement')) {
    if (el.$type === 'dmn:Decision') {
      const requiredDecisions = requiredDecisionsOf(el, issues);
      requirements.set(el.id ?? '', requiredDecisions);
      const decision = parseDecision(el, requiredDecisions, zeebePrefix, issues);
      if (decision) decisions.push(decision);
    } else if (!IGNORED_DRG_ELEMENTS.has(el.$type)) {
      const what = el.$type === 'dmn:BusinessKnowledgeModel' ? 'business knowledge model' : el.$type.replace(/^dmn:/, '');
      issues.push(`${what} '${el.id ?? '?'}' is not supported by the embedded engine`);
    }
  }
  checkRequirements(requirements, issues);

  if (issues.length > 0) {
    // Zeebe's format for DMN deployment failures: the resource, then dmn-scala's failures one a line.
    throw new ModelError(`'${resourceName}': ${issues.join('\n')}`);
  }
  const id = definitions.id ?? '';
  return {
    decisionRequirementsId: id,
    name: definitions.name ?? id,
    namespace: attr(definitions, 'namespace') ?? '',
    resourceName,
    decisions,
    decisionsById: new Map(decisions.map((d) => [d.id, d])),
  };
}

/** dmn-moddle's multi-line warnings ("unparsable content …\n\tline: 28\n\t…") as one readable line. */
function describeWarning(message: string): string {
  const lines = message.split('\n').map((l) => l.trim());
  const field = (name: string) => lines.find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim();
  const line = field('line');
  const nested = field('nested error');
  const at = line === undefined ? '' : ` (line ${Number(line) + 1})`;
  const duplicate = nested === undefined ? null : /^duplicate ID <(.+)>$/.exec(nested);
  if (duplicate) return `duplicate id '${duplicate[1]}'${at}: ids must be unique within a DMN resource`;
  return `${[lines[0], nested].filter(Boolean).join(': ')}${at}`;
}

/** The prefix the document binds a namespace to (moddle keeps unknown extension elements as `prefix:name`). */
function prefixOf(definitions: El, namespace: string): string | undefined {
  const binding = Object.entries(definitions.$attrs ?? {}).find(([k, v]) => k.startsWith('xmlns:') && v === namespace);
  return binding?.[0].slice('xmlns:'.length);
}

function requiredDecisionsOf(el: El, issues: string[]): string[] {
  const required: string[] = [];
  for (const requirement of children(el, 'informationRequirement')) {
    const href = attr(child(requirement, 'requiredDecision'), 'href');
    if (href === undefined) continue; // a required input (InputData) carries no execution semantics
    if (href.startsWith('#')) required.push(href.slice(1));
    else issues.push(`decision '${el.id ?? ''}': required decision '${href}' is in another model; imports are not supported by the embedded engine`);
  }
  return required;
}

function parseDecision(
  el: El,
  requiredDecisions: string[],
  zeebePrefix: string | undefined,
  issues: string[],
): Decision | undefined {
  const id = el.id ?? '';
  const at = `decision '${id}'`;
  const before = issues.length;
  const logicEl = child(el, 'decisionLogic');
  let logic: DecisionTable | LiteralExpression | undefined;
  if (logicEl?.$type === 'dmn:DecisionTable') {
    logic = parseDecisionTable(id, logicEl, issues);
  } else if (logicEl?.$type === 'dmn:LiteralExpression') {
    logic = { type: 'LITERAL_EXPRESSION', expression: feelExpression(logicEl, `${at}, literal expression`, issues) };
  } else if (logicEl === undefined) {
    issues.push(`${at} has no decision logic: add a decision table or a literal expression`);
  } else {
    const what = UNSUPPORTED_LOGIC[logicEl.$type] ?? `'${logicEl.$type.replace(/^dmn:/, '')}'`;
    issues.push(
      `${at}: the decision logic is ${what}, which is not supported by the embedded engine; use a decision table or a literal expression`,
    );
  }

  const variable = child(el, 'variable');
  const versionTag = children(child(el, 'extensionElements'), 'values').find(
    (v) => zeebePrefix !== undefined && v.$type === `${zeebePrefix}:versionTag`,
  );
  if (issues.length > before || !logic) return undefined;
  return {
    id,
    name: el.name ?? id,
    versionTag: attr(versionTag, 'value'),
    resultName: variable?.name ?? id,
    resultType: attr(variable, 'typeRef'),
    requiredDecisions,
    logic,
  };
}

function parseDecisionTable(decisionId: string, table: El, issues: string[]): DecisionTable {
  const at = `decision '${decisionId}'`;
  const hitPolicy = attr(table, 'hitPolicy') ?? 'UNIQUE';
  if (!HIT_POLICIES.has(hitPolicy)) issues.push(`${at}: hit policy '${hitPolicy}' is not a DMN hit policy`);
  const aggregation = attr(table, 'aggregation');
  if (aggregation !== undefined && !AGGREGATIONS.has(aggregation)) {
    issues.push(`${at}: aggregation '${aggregation}' is not a DMN aggregation (SUM, MIN, MAX, COUNT)`);
  }

  const inputs: DecisionInput[] = children(table, 'input').map((clause) => {
    const expressionEl = child(clause, 'inputExpression');
    const text = expressionEl?.text?.trim() ?? '';
    // Zeebe names an input by its label, else by its expression cut to 30 characters.
    const name = clause.label ?? text.slice(0, 30);
    const where = `${at}, input '${name || clause.id}'`;
    allowedValues(child(clause, 'inputValues'), where, issues);
    return { id: clause.id ?? '', name, expression: feelExpression(expressionEl, where, issues, clause.id) };
  });

  const outputClauses = children(table, 'output');
  const outputs: DecisionOutput[] = outputClauses.map((clause) => {
    const label = clause.label ?? clause.name ?? '';
    const where = `${at}, output '${label || clause.id}'`;
    const values = child(clause, 'outputValues');
    allowedValues(values, where, issues);
    const defaultEntry = child(clause, 'defaultOutputEntry');
    return {
      id: clause.id ?? '',
      name: clause.name ?? '',
      label,
      priorities: splitValues(values?.text ?? ''),
      defaultValue: defaultEntry && feelExpression(defaultEntry, `${where}, default output entry`, issues),
    };
  });
  if (outputs.length === 0) issues.push(`${at}: a decision table must have at least one output`);
  if (outputs.length > 1) {
    // dmn-scala: the names are the keys of each rule's result context.
    for (const clause of outputClauses) {
      if (!clause.name) issues.push(`${at}: no output name defined for output '${clause.label ?? clause.id}'`);
    }
    if (hitPolicy === 'COLLECT' && aggregation !== undefined) {
      issues.push(`${at}: hit policy 'COLLECT' with aggregator is not defined for compound output`);
    }
  }

  const rules: DecisionRule[] = children(table, 'rule').map((rule, i) => {
    const ref = ruleRef(i + 1, rule.id ?? '');
    const inputEntries = children(rule, 'inputEntry');
    const outputEntries = children(rule, 'outputEntry');
    // dmn-scala pairs entries with columns and silently drops the surplus; a mismatch is a broken table.
    if (inputEntries.length !== inputs.length) {
      issues.push(`${at}, ${ref}: has ${inputEntries.length} input entries but the table has ${inputs.length} inputs`);
    }
    if (outputEntries.length !== outputs.length) {
      issues.push(`${at}, ${ref}: has ${outputEntries.length} output entries but the table has ${outputs.length} outputs`);
    }
    return {
      id: rule.id ?? '',
      index: i + 1,
      inputEntries: inputEntries.map((entry, j) =>
        unaryTests(entry, `${at}, ${ref}, input '${inputs[j]?.name || j + 1}'`, issues),
      ),
      outputEntries: outputEntries.map((entry, j) =>
        feelExpression(entry, `${at}, ${ref}, output '${outputs[j]?.label || j + 1}'`, issues),
      ),
    };
  });

  return {
    type: 'DECISION_TABLE',
    hitPolicy: hitPolicy as HitPolicy,
    aggregation: aggregation as Aggregation | undefined,
    inputs,
    outputs,
    rules,
  };
}

function checkLanguage(el: El, where: string, issues: string[]): boolean {
  const language = el.expressionLanguage?.toLowerCase() ?? 'feel';
  if (FEEL_LANGUAGES.has(language)) return true;
  issues.push(`${where}: Expression language '${language}' is not supported`);
  return false;
}

/** A FEEL expression (input expression, output entry, literal expression) compiled once. */
function feelExpression(el: El | undefined, where: string, issues: string[], ownerId?: string): CompiledExpression {
  if (el && !checkLanguage(el, where, issues)) return NOT_COMPILED;
  const text = el?.text?.trim() ?? '';
  if (text === '') {
    // Zeebe rejects an empty cell too ("failed to parse expression ''").
    issues.push(`${where}: the expression '${el?.id ?? ownerId ?? '?'}' must not be empty (write null for no value)`);
    return NOT_COMPILED;
  }
  try {
    return compile(`=${text}`);
  } catch (err) {
    if (!(err instanceof FeelSyntaxError)) throw err;
    issues.push(`${where}: ${err.message}`);
    return NOT_COMPILED;
  }
}

/** An input entry's unary tests, compiled once; an empty cell matches anything, as `-` does. */
function unaryTests(el: El, where: string, issues: string[]): CompiledUnaryTests | undefined {
  if (!checkLanguage(el, where, issues)) return undefined;
  const text = el.text?.trim() ?? '';
  if (text === '') return undefined;
  try {
    return compileUnaryTests(text);
  } catch (err) {
    if (!(err instanceof FeelSyntaxError)) throw err;
    issues.push(`${where}: ${err.message}`);
    return undefined;
  }
}

/**
 * An input's or output's values list is FEEL unary tests too. dmn-scala never parses it (it only
 * splits output values for PRIORITY / OUTPUT ORDER), but a malformed list is an authoring mistake.
 */
function allowedValues(el: El | undefined, where: string, issues: string[]): void {
  if (el) unaryTests(el, `${where}, allowed values`, issues);
}

/**
 * The entries of an output values list, as dmn-scala reads them for priorities: split at commas,
 * quotes removed. Unlike dmn-scala, a comma inside a quoted string does not split it.
 */
function splitValues(text: string): string[] {
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (ch === ',' && !quoted) {
      entries.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  entries.push(current);
  return entries.map((e) => e.trim().replace(/^"(.*)"$/s, '$1')).filter((e) => e !== '');
}

/**
 * Every required decision must exist, and the requirements must not form a cycle (dmn-scala:
 * "Invalid DMN model: Cyclic dependencies between decisions detected."; we also name the cycle).
 */
function checkRequirements(requirements: ReadonlyMap<string, string[]>, issues: string[]): void {
  for (const [id, required] of requirements) {
    for (const r of required) {
      if (!requirements.has(r)) {
        issues.push(`decision '${id}' requires decision '${r}', which is not defined in this DMN resource`);
      }
    }
  }
  const done = new Set<string>();
  const reported = new Set<string>();
  const visit = (id: string, path: string[]): void => {
    const cycleStart = path.indexOf(id);
    if (cycleStart >= 0) {
      const cycle = [...path.slice(cycleStart), id];
      const key = path.slice(cycleStart).sort().join(' ');
      if (!reported.has(key)) {
        reported.add(key);
        issues.push(`Invalid DMN model: Cyclic dependencies between decisions detected: ${cycle.join(' → ')}`);
      }
      return;
    }
    if (done.has(id)) return;
    for (const r of requirements.get(id) ?? []) visit(r, [...path, id]);
    done.add(id);
  };
  for (const id of requirements.keys()) visit(id, []);
}
