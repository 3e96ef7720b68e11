/**
 * `npm run lint`: the models in bpmn/ and the forms in forms/ checked as Camunda Modeler checks them
 * (bpmnlint + camunda-compat 8.8, form-linting 8.8) plus our house rules (scripts/model-lint.ts).
 * Prints a report grouped by file; exits 1 when there is an error (warnings are printed, not fatal).
 *
 *   npm run lint
 *   npm run lint -- --json          the problems as JSON
 *   BPMN_DIR=… FORMS_DIR=… npm run lint
 */
import { join, resolve } from 'node:path';
import { workers } from '../workers/index.js';
import { contractProcessIds, formatReport, lintModels, templateVersionsIn } from './model-lint.js';
import { ROOT, TEMPLATES_DIR } from './element-templates.js';

const result = await lintModels({
  root: ROOT,
  bpmnDir: resolve(process.env.BPMN_DIR || join(ROOT, 'bpmn')),
  formsDir: resolve(process.env.FORMS_DIR || join(ROOT, 'forms')),
  workerTypes: workers.map((w) => w.type),
  expectedProcesses: contractProcessIds(ROOT),
  templateVersions: templateVersionsIn(TEMPLATES_DIR),
});
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else process.stdout.write(`${formatReport(result, { color: process.stdout.isTTY })}\n`);
process.exitCode = result.problems.some((p) => p.severity === 'error') ? 1 : 0;
