/** `pingpin validate id-number|credit-code|division-code VALUE`. */
import { validateCreditCode, validateDivisionCode, validateIdNumber, type ValidationResult } from '../domain/validators.js';
import { isIsoDate } from '../domain/calendar.js';
import type { Command } from './index.js';
import { parseStrict, printResult, usageError, wantsHelp } from './cli-io.js';

const usage = `Usage: pingpin validate id-number VALUE [--today YYYY-MM-DD]
       pingpin validate credit-code VALUE
       pingpin validate division-code VALUE

id-number      公民身份号码, GB 11643-1999: 18 characters, 17 digits + check character 0-9/X
               (ISO 7064 MOD 11-2), a real birth date not after today (--today, default today in
               Asia/Shanghai), a known province prefix (and 81/82/83 of 港澳台居民居住证).
credit-code    统一社会信用代码, GB 32100-2015: 18 characters of 0-9 A-Z without I O Z S V,
               registration authority and category, registration division (known province or
               100000), check character; the GB 11714 check of positions 9–17 is a warning.
division-code  行政区划代码, GB/T 2260: 6 digits with a known province prefix.

The value is checked exactly as given (no trimming, upper-case X and letters required).
stdout (exit 0, also when invalid): {"kind", "valid", "errors": [...], "warnings": [...], "masked"?, "info"?}
  masked (when valid): id-number 3501**********0023 (first 4 and last 4); credit-code positions
  1–8 and 17–18 kept. The value itself is not echoed.
  each error: {code, rule, message (zh-CN), detail, position (1-based), end?, expected?, found?}
Bad usage: exit 2, stderr {"error", "field", "rule", "code"}.`;

const KINDS = {
  'id-number': (value: string, today?: string): ValidationResult<unknown> => validateIdNumber(value, today ? { today } : {}),
  'credit-code': (value: string): ValidationResult<unknown> => validateCreditCode(value),
  'division-code': (value: string): ValidationResult<unknown> => validateDivisionCode(value),
} as const;

type Kind = keyof typeof KINDS;
const isKind = (k: string | undefined): k is Kind => k !== undefined && Object.hasOwn(KINDS, k);

export const command: Command = {
  usage,
  async run(args) {
    if (wantsHelp(args)) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const [kind, ...rest] = args;
    if (!isKind(kind)) {
      return usageError(kind === undefined ? '缺少校验类型：id-number、credit-code 或 division-code' : `未知校验类型“${kind}”，应为 id-number、credit-code 或 division-code`, 'kind', usage);
    }
    const parsed = parseStrict(rest, kind === 'id-number' ? { today: { type: 'string' } } : {}, usage);
    if (!parsed) return 2;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) {
      return usageError(positionals.length === 0 ? '缺少要校验的值 VALUE' : `只能校验一个值，收到 ${positionals.length} 个`, 'value', usage);
    }
    const today = (values as { today?: string }).today;
    if (today !== undefined && !isIsoDate(today)) return usageError(`--today 应为 YYYY-MM-DD 格式的有效日期，实为“${today}”`, 'today', usage);
    const { valid, errors, warnings, masked, info } = KINDS[kind](positionals[0] as string, today);
    return printResult({ kind, valid, errors, warnings, ...(masked !== undefined ? { masked } : {}), ...(info !== undefined ? { info } : {}) });
  },
};
