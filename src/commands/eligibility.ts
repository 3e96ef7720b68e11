/** `pingpin eligibility`: is this applicant eligible for 特级技师 / 首席技师 in a jurisdiction? */
import { readFileSync } from 'node:fs';
import { InputValidationError, type FieldIssue } from '../domain/applicant.js';
import { chinaDate } from '../domain/china-time.js';
import {
  EligibilityModelError,
  evaluateEligibility,
  JURISDICTIONS,
  UnsupportedLevelError,
  type AppraisalLevel,
  type Jurisdiction,
} from '../domain/eligibility.js';
import type { Bans } from '../domain/facts.js';
import { isValidDate } from '../domain/periods.js';
import { parseStrict, printError, printResult, usageError, wantsHelp } from './cli-io.js';
import type { Command } from './index.js';

const usage = `Usage: pingpin eligibility --jurisdiction national|guangdong|fujian|sichuan --level T|S
                           --file APPLICANT.json [--as-of YYYY-MM-DD] [--bans BANS.json] [--models DIR]

Evaluates the eligibility decision eligibility-<jurisdiction>-<level> (bpmn/eligibility-*.dmn) for
the applicant record in APPLICANT.json (fields: docs/eligibility.md).
  --as-of    the evaluation date (default: today in Asia/Shanghai)
  --bans     {"person"?: true | {"until": "YYYY-MM-DD"}, "enterprise"?: …}: bans in force (弄虚作假)
  --models   directory with the .dmn models (default: BPMN_DIR or the package's bpmn/)
The national pilot defines 特级技师 (T) only: --jurisdiction national --level S is an input error.

stdout (exit 0, also when not eligible):
  {"eligible", "route": "standard"|"direct"|"exceptional"|null, "basis": [clause codes],
   "priority": [codes], "flags": [codes], "reasons": [zh-CN], "facts": {…}}
Bad input: exit 2, stderr {"error", "field", "rule", "code", "issues"?}; field is the option name
or the path in the file (e.g. certificates[0].obtainedOn). Broken models: exit 1, stderr {"error", "code": "model"}.`;

const OPTIONS = {
  jurisdiction: { type: 'string' },
  level: { type: 'string' },
  'as-of': { type: 'string' },
  file: { type: 'string' },
  bans: { type: 'string' },
  models: { type: 'string' },
} as const;

/** Reads a JSON file; reports (exit 2) and returns undefined when it cannot. */
function readJson(path: string, option: string): { ok: true; value: unknown } | { ok: false; exit: number } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? '文件不存在' : (err as Error).message;
    return { ok: false, exit: printError({ error: `无法读取 --${option} 文件 ${path}：${reason}`, field: option, rule: usageRule, code: 'file-unreadable' }) };
  }
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch (err) {
    return { ok: false, exit: printError({ error: `--${option} 文件 ${path} 不是有效的 JSON：${(err as Error).message}`, field: option, rule: 'RFC 8259 JSON', code: 'json-syntax' }) };
  }
}

const usageRule = `usage: ${(usage.split('\n')[0] ?? '').replace(/^Usage:\s*/, '')}`;

/** Request fields → the option the user typed; applicant paths stay as they are in the file. */
const OPTION_OF: Record<string, string> = { jurisdiction: 'jurisdiction', level: 'level', asOf: 'as-of' };

function reportIssues(issues: readonly FieldIssue[]): number {
  const first = issues[0]!;
  return printError({
    error: `${first.field}: ${first.message}`,
    field: OPTION_OF[first.field] ?? first.field,
    rule: first.rule,
    code: first.code,
    ...(issues.length > 1
      ? { issues: issues.map((i) => ({ ...i, field: OPTION_OF[i.field] ?? i.field, detail: `${i.field}: ${i.code}` })) }
      : {}),
  });
}

export const command: Command = {
  usage,
  async run(args) {
    if (wantsHelp(args)) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const parsed = parseStrict(args, OPTIONS, usage);
    if (!parsed) return 2;
    const { values, positionals } = parsed;
    if (positionals.length > 0) return usageError(`多余的参数：${positionals.join(' ')}`, 'args', usage);
    const v = values as { jurisdiction?: string; level?: string; 'as-of'?: string; file?: string; bans?: string; models?: string };

    if (v.jurisdiction === undefined) return usageError('缺少 --jurisdiction（national、guangdong、fujian 或 sichuan）', 'jurisdiction', usage);
    if (!(JURISDICTIONS as readonly string[]).includes(v.jurisdiction)) {
      return usageError(`--jurisdiction 应为 national、guangdong、fujian 或 sichuan，实为“${v.jurisdiction}”`, 'jurisdiction', usage);
    }
    if (v.level === undefined) return usageError('缺少 --level（T 特级技师 或 S 首席技师）', 'level', usage);
    if (v.level !== 'T' && v.level !== 'S') return usageError(`--level 应为 T（特级技师）或 S（首席技师），实为“${v.level}”`, 'level', usage);
    const asOf = v['as-of'] ?? chinaDate();
    if (!isValidDate(asOf)) return usageError(`--as-of 应为 YYYY-MM-DD 格式的有效日期，实为“${asOf}”`, 'as-of', usage);
    if (v.file === undefined) return usageError('缺少 --file（申请人记录 JSON 文件）', 'file', usage);

    const applicant = readJson(v.file, 'file');
    if (!applicant.ok) return applicant.exit;
    let bans: unknown;
    if (v.bans !== undefined) {
      const read = readJson(v.bans, 'bans');
      if (!read.ok) return read.exit;
      bans = read.value;
    }

    try {
      const result = await evaluateEligibility(
        {
          jurisdiction: v.jurisdiction as Jurisdiction,
          level: v.level as AppraisalLevel,
          asOf,
          applicant: applicant.value,
          ...(bans !== undefined ? { bans: bans as Bans } : {}),
        },
        v.models !== undefined ? { modelsDir: v.models } : {},
      );
      const { eligible, route, basis, priority, flags, reasons, facts } = result;
      return printResult({ eligible, route, basis, priority, flags, reasons, facts });
    } catch (err) {
      if (err instanceof UnsupportedLevelError) {
        return printError({ error: err.message, field: 'level', rule: '003 人社厅发〔2021〕66号：试点只设特级技师', code: err.rule });
      }
      if (err instanceof InputValidationError) return reportIssues(err.issues);
      if (err instanceof EligibilityModelError) {
        process.stderr.write(`${JSON.stringify({ error: err.message, code: 'model', ...(err.decisionId ? { decision: err.decisionId } : {}) })}\n`);
        return 1;
      }
      throw err;
    }
  },
};
