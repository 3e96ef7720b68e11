/**
 * Every model and form in the repository lints clean (scripts/model-lint.ts: bpmnlint +
 * camunda-compat 8.8 as Modeler runs it, @camunda/form-linting 8.8, DMN through the engine's parser,
 * and the house rules of docs/procedures.md). `npm run lint` prints the same report.
 *
 * The second part checks the linter itself on a small project in a temp dir: a clean model passes,
 * and each house rule catches what it is for.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workers } from '../../workers/index.js';
import { contractProcessIds, formatReport, lintModels, templateVersionsIn, type LintProblem, type LintResult } from '../../scripts/model-lint.js';
import { ROOT } from '../support/harness.js';

const show = (problems: LintProblem[]) => formatReport({ problems, files: { bpmn: [], dmn: [], forms: [] }, missingModels: [] });

describe('models and forms in the repository', () => {
  let result: LintResult;
  beforeAll(async () => {
    result = await lintModels({ root: ROOT, workerTypes: workers.map((w) => w.type), expectedProcesses: contractProcessIds(ROOT), templateVersions: templateVersionsIn(join(ROOT, '.camunda', 'element-templates')) });
  }, 60_000);

  it('finds the models and the design contract', () => {
    expect(result.files.dmn.length).toBeGreaterThan(0);
    expect(contractProcessIds(ROOT)).toContain('certificate-issuance');
  });

  it('have no lint errors (warnings: npm run lint)', () => {
    const errors = result.problems.filter((p) => p.severity === 'error');
    const warnings = result.problems.filter((p) => p.severity === 'warning');
    if (warnings.length) console.warn(`${warnings.length} lint warning(s); npm run lint lists them`);
    expect(errors, `\n${show(errors)}`).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The linter on a small project

const DEFS = (body: string, di: string, attrs = 'modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0"') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="defs" targetNamespace="http://bpmn.io/schema/bpmn" ${attrs}>
${body}
<bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="sample-review">${di}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

const PROCESS = (task = '<zeebe:taskDefinition type="pingpin.sample.record" />', form = '<zeebe:userTask /><zeebe:formDefinition formId="sample-review-form" />', names = { review: '材料审核', record: '记录结果' }) => `
<bpmn:process id="sample-review" name="示例审核" isExecutable="true">
  <bpmn:startEvent id="start" name="开始"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
  <bpmn:userTask id="review" name="${names.review}"><bpmn:extensionElements>${form}</bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
  <bpmn:serviceTask id="record" name="${names.record}"><bpmn:extensionElements>${task}</bpmn:extensionElements><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:serviceTask>
  <bpmn:endEvent id="end" name="结束"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
  <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="record" />
  <bpmn:sequenceFlow id="f3" sourceRef="record" targetRef="end" />
</bpmn:process>`;

const shape = (id: string, x: number, w = 100) => `<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${x}" y="80" width="${w}" height="80" /></bpmndi:BPMNShape>`;
const edge = (id: string, x1: number, x2: number) => `<bpmndi:BPMNEdge id="${id}_di" bpmnElement="${id}"><di:waypoint x="${x1}" y="120" /><di:waypoint x="${x2}" y="120" /></bpmndi:BPMNEdge>`;
const DI_SHAPES = [shape('start', 100, 36), shape('review', 200), shape('record', 350), shape('end', 500, 36)];
const DI_EDGES = [edge('f1', 136, 200), edge('f2', 300, 350), edge('f3', 450, 500)];
const FULL_DI = [...DI_SHAPES, ...DI_EDGES].join('');

const FORM = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'sample-review-form',
    type: 'default',
    executionPlatform: 'Camunda Cloud',
    executionPlatformVersion: '8.8.0',
    schemaVersion: 18,
    components: [
      { type: 'checkbox', key: 'materialsComplete', label: '材料齐全', id: 'Field_1' },
      { type: 'textarea', key: 'note', label: '审核意见', id: 'Field_2', validate: { required: true, maxLength: 500 } },
    ],
    ...over,
  });

describe('the linter', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function lint(files: Record<string, string>, workerTypes = ['pingpin.sample.record'], templateVersions?: ReadonlyMap<string, number>) {
    const root = mkdtempSync(join(tmpdir(), 'pingpin-lint-'));
    dirs.push(root);
    mkdirSync(join(root, 'bpmn'));
    mkdirSync(join(root, 'forms'));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(root, name), content);
    const result = await lintModels({ root, workerTypes, ...(templateVersions ? { templateVersions } : {}) });
    return result.problems.map((p) => `${p.file} ${p.severity} ${p.element ?? '-'} ${p.rule}: ${p.message}`);
  }

  it('passes a clean model and form', async () => {
    expect(await lint({ 'bpmn/sample-review.bpmn': DEFS(PROCESS(), FULL_DI), 'forms/sample-review-form.form': FORM() })).toEqual([]);
  });

  it('reports camunda-compat errors with the element id', async () => {
    const problems = await lint({ 'bpmn/sample-review.bpmn': DEFS(PROCESS(''), FULL_DI), 'forms/sample-review-form.form': FORM() });
    expect(problems).toContainEqual(expect.stringMatching(/^bpmn\/sample-review.bpmn error record camunda-compat\/implementation: Element of type <bpmn:ServiceTask> must have one extension element of type <zeebe:TaskDefinition>/));
  });

  it('wants each job element to apply its element template at the current version', async () => {
    const versions = new Map([['pingpin.sample.record', 3]]);
    const model = (attrs: string) => DEFS(PROCESS().replace('<bpmn:serviceTask id="record"', `<bpmn:serviceTask id="record" ${attrs}`), FULL_DI);
    const form = FORM();
    expect(await lint({ 'bpmn/sample-review.bpmn': model('zeebe:modelerTemplate="pingpin.sample.record" zeebe:modelerTemplateVersion="3"'), 'forms/sample-review-form.form': form }, undefined, versions)).toEqual([]);
    expect(await lint({ 'bpmn/sample-review.bpmn': model(''), 'forms/sample-review-form.form': form }, undefined, versions)).toEqual([
      expect.stringContaining('error record pingpin/element-template: ServiceTask record: apply the element template "pingpin.sample.record"'),
    ]);
    expect(await lint({ 'bpmn/sample-review.bpmn': model('zeebe:modelerTemplate="pingpin.sample.record" zeebe:modelerTemplateVersion="2"'), 'forms/sample-review-form.form': form }, undefined, versions)).toEqual([
      expect.stringContaining('uses version 2 of the element template "pingpin.sample.record", the current one is 3 (npm run templates updates the models)'),
    ]);
  });

  it('enforces the house rules on models', async () => {
    const problems = await lint({
      'bpmn/other-name.bpmn': DEFS(
        PROCESS('<zeebe:taskDefinition type="pingpin.sample.unknown" />', '<zeebe:userTask /><zeebe:formDefinition formId="missing-form" />', { review: 'Review', record: '记录结果' }),
        [...DI_SHAPES.slice(0, 3), ...DI_EDGES.slice(1)].join(''),
        'modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.7.0"',
      ),
      'forms/sample-review-form.form': FORM(),
    });
    const rules = (rule: string) => problems.filter((p) => p.includes(` ${rule}: `));
    expect(rules('pingpin/execution-platform')).toEqual([expect.stringContaining('has "Camunda Cloud", "8.7.0"')]);
    expect(rules('pingpin/file-name')).toEqual([expect.stringContaining('the file must be named after its process id: sample-review.bpmn')]);
    expect(rules('pingpin/chinese-name')).toEqual([expect.stringMatching(/ review .*UserTask review needs a Chinese name \(is "Review"\)/)]);
    expect(rules('pingpin/di').sort()).toEqual([
      expect.stringMatching(/ end .*EndEvent end has no shape/),
      expect.stringMatching(/ f1 .*sequence flow f1 has no edge/),
    ]);
    expect(rules('pingpin/job-worker')).toEqual([expect.stringContaining('no worker in workers/index.ts serves job type "pingpin.sample.unknown"')]);
    expect(rules('pingpin/user-task-form')).toEqual([expect.stringContaining('links form "missing-form", which is not in forms/')]);
    expect(rules('pingpin/form-used')).toEqual([expect.stringContaining('form "sample-review-form" is linked by no user task')]);
  });

  it('wants static pingpin.<area>.<action> job types and Camunda user tasks', async () => {
    const problems = await lint({
      'bpmn/sample-review.bpmn': DEFS(PROCESS('<zeebe:taskDefinition type="=kind" />', '<zeebe:formDefinition formId="sample-review-form" />'), FULL_DI),
      'forms/sample-review-form.form': FORM(),
    });
    expect(problems).toContainEqual(expect.stringContaining('pingpin/job-type: ServiceTask record: the job type must be static (=kind)'));
    expect(problems).toContainEqual(expect.stringContaining('pingpin/camunda-user-task: UserTask review must be a Camunda user task (zeebe:userTask)'));
    const named = await lint({ 'bpmn/sample-review.bpmn': DEFS(PROCESS('<zeebe:taskDefinition type="recordResult" />'), FULL_DI), 'forms/sample-review-form.form': FORM() }, ['recordResult']);
    expect(named).toContainEqual(expect.stringContaining('job type "recordResult" must be pingpin.<area>.<action>'));
  });

  it('wants candidate groups and users that are Camunda 8.8 ids (DOMAIN.md §6)', async () => {
    const model = (assignment: string) =>
      DEFS(PROCESS(undefined, `<zeebe:userTask /><zeebe:formDefinition formId="sample-review-form" /><zeebe:assignmentDefinition ${assignment} />`), FULL_DI);
    const form = FORM();
    const ok = [
      'candidateGroups="=[&quot;city-&quot; + substring(enterprise.divisionCode, 1, 4) + &quot;00&quot;]"',
      'candidateGroups="=[&quot;enterprise-&quot; + enterprise.creditCode + &quot;-hr&quot;, groups.province]" candidateUsers="=panel"',
      'candidateGroups="operators, province-44" candidateUsers="li.ming@example.org,wang_fang"',
    ];
    for (const a of ok) expect(await lint({ 'bpmn/sample-review.bpmn': model(a), 'forms/sample-review-form.form': form }), a).toEqual([]);
    expect(await lint({ 'bpmn/sample-review.bpmn': model('candidateGroups="=[&quot;city:&quot; + substring(enterprise.divisionCode, 1, 4) + &quot;00&quot;]"'), 'forms/sample-review-form.form': form })).toEqual([
      'bpmn/sample-review.bpmn error review pingpin/assignment-ids: UserTask review: candidateGroups the string literal "city:" holds characters an id may not hold (Camunda 8.8 group ids: letters, digits and _ @ . - only; DOMAIN.md §6)',
    ]);
    const bad = await lint({
      'bpmn/sample-review.bpmn': model('candidateGroups="operators, province:44" candidateUsers="=[&quot;hr &quot; + name]"'),
      'forms/sample-review-form.form': form,
    });
    expect(bad).toEqual([
      expect.stringContaining('error review pingpin/assignment-ids: UserTask review: candidateGroups "province:44" is not a valid id (Camunda 8.8 group ids'),
      expect.stringContaining('error review pingpin/assignment-ids: UserTask review: candidateUsers the string literal "hr " holds characters an id may not hold (Camunda 8.8 user ids'),
    ]);
  });

  it('lints forms for Camunda 8.8 and checks their ids, platform and keys', async () => {
    const bad = await lint({
      'bpmn/sample-review.bpmn': DEFS(PROCESS(), FULL_DI),
      'forms/sample-review-form.form': FORM({
        components: [
          { type: 'checkbox', key: 'materialsComplete', label: '材料齐全' },
          { type: 'textfield', key: 'materialsComplete', label: '重复' },
          { type: 'unknownWidget', key: 'x', label: '未知' },
        ],
      }),
      'forms/misnamed.form': FORM({ id: 'other-form', executionPlatformVersion: undefined }),
      'forms/broken.form': '{ not json',
    });
    expect(bad).toContainEqual(expect.stringMatching(/^forms\/sample-review-form.form error .* form-linting: A <UnknownWidget> is not supported by Camunda Platform 8.8/));
    expect(bad).toContainEqual(expect.stringContaining('pingpin/form-keys: field key "materialsComplete" is used by 2 fields'));
    expect(bad).toContainEqual(expect.stringContaining('forms/misnamed.form error - pingpin/form-file-name: the file must be named after the form id: other-form.form'));
    expect(bad).toContainEqual(expect.stringMatching(/forms\/misnamed.form error - pingpin\/execution-platform: must declare "executionPlatform": "Camunda Cloud" and "executionPlatformVersion": "8.8.0"/));
    expect(bad).toContainEqual(expect.stringMatching(/forms\/broken.form error - pingpin\/form-json: is not valid JSON/));
  });

  it('takes an unused form as a warning while the contract has processes without a model', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pingpin-lint-'));
    dirs.push(root);
    mkdirSync(join(root, 'forms'));
    writeFileSync(join(root, 'forms/sample-review-form.form'), FORM());
    const early = await lintModels({ root, workerTypes: [], expectedProcesses: ['sample-review'] });
    expect(early.missingModels).toEqual(['sample-review']);
    expect(early.problems.map((p) => [p.severity, p.rule])).toEqual([['warning', 'pingpin/form-used']]);
    expect(formatReport(early)).toMatch(/Not modelled yet \(docs\/procedures.md\): sample-review/);
    mkdirSync(join(root, 'bpmn'));
    writeFileSync(join(root, 'bpmn/sample-review.bpmn'), DEFS(PROCESS('<zeebe:taskDefinition type="pingpin.sample.record" />', '<zeebe:userTask /><zeebe:formDefinition formId="other" />'), FULL_DI));
    const late = await lintModels({ root, workerTypes: ['pingpin.sample.record'], expectedProcesses: ['sample-review'] });
    expect(late.missingModels).toEqual([]);
    expect(late.problems.filter((p) => p.rule === 'pingpin/form-used').map((p) => p.severity)).toEqual(['error']);
  });

  it('parses DMN with the engine and wants a diagram', async () => {
    const dmn = (di: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="drg-sample" name="示例" namespace="http://camunda.org/schema/1.0/dmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
  <decision id="sample-decision" name="示例判定"><literalExpression><text>1 + 1</text></literalExpression></decision>
  ${di}
</definitions>`;
    expect(await lint({ 'bpmn/sample.dmn': dmn('<dmndi:DMNDI><dmndi:DMNDiagram id="d"><dmndi:DMNShape id="s" dmnElementRef="sample-decision"><dc:Bounds x="0" y="0" width="180" height="80" /></dmndi:DMNShape></dmndi:DMNDiagram></dmndi:DMNDI>') })).toEqual([]);
    expect(await lint({ 'bpmn/sample.dmn': dmn('') })).toEqual(['bpmn/sample.dmn error - pingpin/dmndi: has no diagram (DMNDI): open and save it in Camunda Modeler']);
    expect(await lint({ 'bpmn/broken.dmn': '<definitions/>' })).toEqual([expect.stringMatching(/^bpmn\/broken.dmn error - pingpin\/dmn-parse: the engine refuses it: /)]);
  });
});
