/** `pingpin certificate-code parse|format`: 职业技能等级证书编码 (DOMAIN.md §3). */
import { certificateCodePartsIssues, certificateCodeWarnings, type CertificateCodeParts, formatCertificateCode, parseCertificateCode } from '../domain/certificate-code.js';
import type { Command } from './index.js';
import { parseStrict, printIssues, printResult, usageError, wantsHelp } from './cli-io.js';

const usage = `Usage: pingpin certificate-code parse CODE
       pingpin certificate-code format --category Y|S --evaluator NNNN --province NN --site NNNNNN --year YYYY --level L --serial N

parse: checks a 22-character certificate code and splits it.
  stdout (exit 0, also when the code is invalid): {"valid", "parts", "errors": [...], "warnings": [...]}
  parts: {category, evaluatorCode, province, site, year (full), yearCode (2 digits), level, serial,
          filedWith (province when evaluatorCode is 0000, else mohrss), categoryName, provinceName, levelName}
  each error: {code, rule, message (zh-CN), detail, position (1-based), end?, expected, found}

format: builds the code.
  --category  Y 用人单位 | S 社会培训评价组织                    (position 1)
  --evaluator 0000–9999, 0000 = filed with the provincial HRSS (positions 2–5)
  --province  GB/T 2260 province code, e.g. 44 广东 51 四川 35 福建 (positions 6–7)
  --site      6-digit site serial from the provincial HRSS       (positions 8–13)
  --year      full year of issue, 2000–2099                      (positions 14–15)
  --level     X 5 4 3 2 1 T S (T 特级技师, S 首席技师)             (position 16)
  --serial    1–999999                                           (positions 17–22)
  stdout (exit 0): {"code", "parts", "warnings"}

Bad usage or parts: exit 2, stderr {"error", "field", "rule", "code", "issues"?}; field is the
option name (category, evaluator, province, site, year, level, serial) or code.

Example: pingpin certificate-code format --category Y --evaluator 0000 --province 44 --site 000123 --year 2026 --level 1 --serial 1
  → {"code": "Y000044000123261000001", ...}`;

const OPTION_OF_FIELD: Record<string, string> = { evaluatorCode: 'evaluator' };
const optionName = (field: string | undefined): string => (field ? (OPTION_OF_FIELD[field] ?? field) : 'code');

/** Decimal text → number, anything else kept as text so the issue shows what was typed. */
const numeric = (text: string | undefined): number | string | undefined => (text !== undefined && /^\d+$/.test(text) ? Number(text) : text);

export const command: Command = {
  usage,
  async run(args) {
    if (wantsHelp(args)) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const [action, ...rest] = args;
    if (action === 'parse') {
      const parsed = parseStrict(rest, {}, usage);
      if (!parsed) return 2;
      if (parsed.positionals.length !== 1) {
        return usageError(parsed.positionals.length === 0 ? '缺少要解析的证书编码 CODE' : `只能解析一个证书编码，收到 ${parsed.positionals.length} 个`, 'code', usage);
      }
      return printResult(parseCertificateCode(parsed.positionals[0] as string));
    }
    if (action === 'format') {
      const parsed = parseStrict(
        rest,
        {
          category: { type: 'string' },
          evaluator: { type: 'string' },
          province: { type: 'string' },
          site: { type: 'string' },
          year: { type: 'string' },
          level: { type: 'string' },
          serial: { type: 'string' },
        },
        usage,
      );
      if (!parsed) return 2;
      const { values, positionals } = parsed;
      if (positionals.length > 0) return usageError(`多余的参数：${positionals.join(' ')}`, 'args', usage);
      const parts = {
        category: values.category,
        evaluatorCode: values.evaluator,
        province: values.province,
        site: values.site,
        year: numeric(values.year),
        level: values.level,
        serial: numeric(values.serial),
      };
      const issues = certificateCodePartsIssues(parts);
      if (issues.length > 0) return printIssues(issues, optionName);
      const valid = parts as CertificateCodeParts;
      return printResult({ code: formatCertificateCode(valid), parts: valid, warnings: certificateCodeWarnings(valid) });
    }
    return usageError(action === undefined ? '缺少子命令 parse 或 format' : `未知子命令“${action}”，应为 parse 或 format`, 'action', usage);
  },
};
