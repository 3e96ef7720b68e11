/**
 * 职业技能等级证书编码 (DOMAIN.md §3): 22 characters.
 *
 * | positions | part (`CertificateCodeParts` key) | values |
 * |---|---|---|
 * | 1 | `category` 评价机构类别代码 | `Y` 用人单位, `S` 社会培训评价组织 |
 * | 2–5 | `evaluatorCode` 评价机构代码 | `0001`–`9999` assigned by MOHRSS; `0000` when filed with the provincial HRSS |
 * | 6–7 | `province` 评价机构（站点）所在地省级代码 | GB/T 2260 province, see `PROVINCES` |
 * | 8–13 | `site` 评价机构（站点）序列码 | 6 digits assigned by the provincial HRSS |
 * | 14–15 | `year` 证书核发年份代码 | last two digits of the year of issue |
 * | 16 | `level` 职业技能等级代码 | `X` `5` `4` `3` `2` `1` `T` `S` (levels.ts) |
 * | 17–22 | `serial` 证书序列码 | `000001`–`999999` within evaluator, year and level |
 *
 * Sources: the seeds fix position 16 only — 001 附件1 注2 (大写英文字母或阿拉伯数字: X 学徒工, T 特级技师,
 * S 首席技师, 5…1), 002 五(一)5 (第16位为大写英文字母T或S), 003 四(三) (第16位为大写英文字母T). The
 * rest of the layout is the national coding rule those notices attach (003 附件2 特级技师证书编码规则;
 * 002 附件6), which is not part of the seed text; DOMAIN.md §3 records it.
 *
 * Note the letter `S`: 社会培训评价组织 at position 1, 首席技师 at position 16.
 *
 * Years: `format` takes the full year (2000–2099, so a two-digit year cannot be mistaken for
 * another century); `parse` returns both `yearCode` (as written) and `year` = 2000 + yearCode
 * (the 职业技能等级证书 exist since 2019, so every code is of this century).
 */
import { type Issue, DomainError, quote } from './issues.js';
import { isLevel, type Level, LEVEL_NAMES, LEVELS } from './levels.js';
import { isProvinceCode, PROVINCES } from './divisions.js';

export type EvaluatorCategory = 'Y' | 'S';

export const EVALUATOR_CATEGORIES: Record<EvaluatorCategory, string> = { Y: '用人单位', S: '社会培训评价组织' };

export const CERTIFICATE_CODE_LENGTH = 22;

/** Evaluator code of evaluators filed with the provincial HRSS rather than with MOHRSS. */
export const PROVINCIAL_FILING_EVALUATOR_CODE = '0000';

export interface CertificateCodeParts {
  category: EvaluatorCategory;
  /** 4 digits, `0000` = filed with the provincial HRSS. */
  evaluatorCode: string;
  /** 2-digit GB/T 2260 province code of the evaluator (site). */
  province: string;
  /** 6 digits. */
  site: string;
  /** Full year of issue, 2000–2099. */
  year: number;
  level: Level;
  /** 1–999999. */
  serial: number;
}

export interface ParsedCertificateCode extends CertificateCodeParts {
  /** Positions 14–15 as written. */
  yearCode: string;
  /** `province` when the evaluator code is `0000`, otherwise `mohrss`. */
  filedWith: 'province' | 'mohrss';
  categoryName: string;
  provinceName: string;
  levelName: string;
}

export interface CertificateCodeParseResult {
  valid: boolean;
  /** Null unless valid. */
  parts: ParsedCertificateCode | null;
  errors: Issue[];
  warnings: Issue[];
}

type PartName = keyof CertificateCodeParts;

/** Where each part sits (1-based, inclusive) and its name in the coding rule. */
export const CERTIFICATE_CODE_LAYOUT: readonly { field: PartName; from: number; to: number; name: string }[] = [
  { field: 'category', from: 1, to: 1, name: '评价机构类别代码' },
  { field: 'evaluatorCode', from: 2, to: 5, name: '评价机构代码' },
  { field: 'province', from: 6, to: 7, name: '评价机构（站点）所在地省级代码' },
  { field: 'site', from: 8, to: 13, name: '评价机构（站点）序列码' },
  { field: 'year', from: 14, to: 15, name: '证书核发年份代码' },
  { field: 'level', from: 16, to: 16, name: '职业技能等级代码' },
  { field: 'serial', from: 17, to: 22, name: '证书序列码' },
];

const RULE = '职业技能等级证书编码规则（003 附件2；002 附件6；DOMAIN.md §3）';
const LEVEL_RULE = '001 附件1 注2；002 五(一)5；003 四(三)：证书编码第16位为职业技能等级代码';
const ISSUER_RULE = '003 四(三)；002 五(一)5；000 附件3 三(三)；001 四(六)(七)：特级技师、首席技师证书由用人单位（企业）颁发';

const layoutOf = (field: PartName) => CERTIFICATE_CODE_LAYOUT.find((l) => l.field === field) as (typeof CERTIFICATE_CODE_LAYOUT)[number];
const span = (from: number, to: number): string => (from === to ? `position ${from}` : `positions ${from}-${to}`);
const spanZh = (from: number, to: number): string => (from === to ? `第${from}位` : `第${from}–${to}位`);
const levelList = LEVELS.join(' ');
const levelListZh = LEVELS.map((l) => `${l}（${LEVEL_NAMES[l]}）`).join('、');

/** The issue for a run of digits (`from`–`to`) that contains something else. */
function digitIssue(code: string, field: PartName): Issue | undefined {
  const { from, to, name } = layoutOf(field);
  for (let p = from; p <= to; p++) {
    const c = code[p - 1] as string;
    if (c < '0' || c > '9') {
      return {
        code: `certificateCode.${field}`,
        rule: RULE,
        field,
        message: `证书编码第${p}位应为数字（${spanZh(from, to)}：${name}），实为“${c}”`,
        detail: `position ${p}: expected a digit 0-9 (${name}, ${span(from, to)}), found ${quote(c)}`,
        position: p,
        expected: '0-9',
        found: c,
      };
    }
  }
  return undefined;
}

/**
 * Checks a certificate code and splits it into its parts. Never throws: an invalid code gives
 * `valid: false` and one issue per faulty part, each naming the 1-based position, what was
 * expected there and what was found.
 */
export function parseCertificateCode(code: string): CertificateCodeParseResult {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  if (typeof code !== 'string' || code.length !== CERTIFICATE_CODE_LENGTH) {
    const n = typeof code === 'string' ? code.length : 0;
    errors.push({
      code: 'certificateCode.length',
      rule: RULE,
      message: `证书编码应为${CERTIFICATE_CODE_LENGTH}位，实为${n}位`,
      detail: `length: expected ${CERTIFICATE_CODE_LENGTH} characters, found ${n}`,
      expected: String(CERTIFICATE_CODE_LENGTH),
      found: String(n),
    });
    return { valid: false, parts: null, errors, warnings };
  }

  const category = code[0] as string;
  if (category !== 'Y' && category !== 'S') {
    errors.push({
      code: 'certificateCode.category',
      rule: RULE,
      field: 'category',
      message: `证书编码第1位（评价机构类别代码）应为 Y（用人单位）或 S（社会培训评价组织），实为“${category}”`,
      detail: `position 1: expected 'Y' (用人单位) or 'S' (社会培训评价组织), found ${quote(category)}`,
      position: 1,
      expected: 'Y|S',
      found: category,
    });
  }

  const evaluatorIssue = digitIssue(code, 'evaluatorCode');
  if (evaluatorIssue) errors.push(evaluatorIssue);

  const province = code.slice(5, 7);
  const provinceDigits = digitIssue(code, 'province');
  if (provinceDigits) errors.push(provinceDigits);
  else if (!isProvinceCode(province)) {
    errors.push({
      code: 'certificateCode.province',
      rule: `${RULE}；GB/T 2260`,
      field: 'province',
      message: `证书编码第6–7位（评价机构所在地省级代码）“${province}”不是省级行政区划代码（如 44 广东省、51 四川省、35 福建省）`,
      detail: `positions 6-7: expected a GB/T 2260 province code (e.g. 44 广东省, 51 四川省, 35 福建省), found ${quote(province)}`,
      position: 6,
      end: 7,
      expected: 'GB/T 2260 province code',
      found: province,
    });
  }

  const siteIssue = digitIssue(code, 'site');
  if (siteIssue) errors.push(siteIssue);

  const yearIssue = digitIssue(code, 'year');
  if (yearIssue) errors.push(yearIssue);

  const level = code[15] as string;
  if (!isLevel(level)) {
    errors.push({
      code: 'certificateCode.level',
      rule: LEVEL_RULE,
      field: 'level',
      message: `证书编码第16位（职业技能等级代码）应为 ${levelListZh} 之一，实为“${level}”`,
      detail: `position 16: expected a level character ${levelList} (001 附件1 注2), found ${quote(level)}`,
      position: 16,
      expected: LEVELS.join(''),
      found: level,
    });
  }

  const serialText = code.slice(16, 22);
  const serialIssue = digitIssue(code, 'serial');
  if (serialIssue) errors.push(serialIssue);
  else if (serialText === '000000') {
    errors.push({
      code: 'certificateCode.serial',
      rule: RULE,
      field: 'serial',
      message: '证书编码第17–22位（证书序列码）应为 000001–999999，实为“000000”',
      detail: `positions 17-22: expected 000001-999999, found '000000'`,
      position: 17,
      end: 22,
      expected: '000001-999999',
      found: serialText,
    });
  }

  if (errors.length > 0) return { valid: false, parts: null, errors, warnings };

  const lvl = level as Level;
  const cat = category as EvaluatorCategory;
  if (cat === 'S' && (lvl === 'T' || lvl === 'S')) warnings.push(issuerWarning(lvl));
  const yearCode = code.slice(13, 15);
  const evaluatorCode = code.slice(1, 5);
  return {
    valid: true,
    parts: {
      category: cat,
      evaluatorCode,
      province,
      site: code.slice(7, 13),
      year: 2000 + Number(yearCode),
      level: lvl,
      serial: Number(serialText),
      yearCode,
      filedWith: evaluatorCode === PROVINCIAL_FILING_EVALUATOR_CODE ? 'province' : 'mohrss',
      categoryName: EVALUATOR_CATEGORIES[cat],
      provinceName: PROVINCES[province as keyof typeof PROVINCES],
      levelName: LEVEL_NAMES[lvl],
    },
    errors,
    warnings,
  };
}

function issuerWarning(level: 'T' | 'S'): Issue {
  return {
    code: 'certificateCode.appointedLevelIssuer',
    rule: ISSUER_RULE,
    field: 'category',
    message: `${LEVEL_NAMES[level]}证书由用人单位颁发，评价机构类别应为 Y（用人单位），此编码为 S（社会培训评价组织），请核对`,
    detail: `level ${level} (${LEVEL_NAMES[level]}) certificates are issued by employers (category 'Y'); this code has category 'S'`,
    position: 1,
    expected: 'Y',
    found: 'S',
  };
}

/** What is wrong with `parts` for {@link formatCertificateCode}, field by field; empty when nothing. */
export function certificateCodePartsIssues(parts: Partial<Record<PartName, unknown>>): Issue[] {
  const issues: Issue[] = [];
  const bad = (field: PartName, expected: string, expectedZh: string, found: unknown, rule = RULE): void => {
    const { from, to, name } = layoutOf(field);
    const shown = typeof found === 'string' ? `'${found}'` : JSON.stringify(found) ?? 'nothing';
    const shownZh = found === undefined ? '空' : typeof found === 'string' ? `“${found}”` : JSON.stringify(found);
    issues.push({
      code: `certificateCode.${field}`,
      rule,
      field,
      message: `${name}（证书编码${spanZh(from, to)}）应为${expectedZh}，实为${shownZh}`,
      detail: `${field} (${span(from, to)}): expected ${expected}, found ${shown}`,
      position: from,
      ...(from !== to ? { end: to } : {}),
      expected,
      ...(found !== undefined ? { found: typeof found === 'string' ? found : String(found) } : {}),
    });
  };
  const { category, evaluatorCode, province, site, year, level, serial } = parts;
  if (category !== 'Y' && category !== 'S') bad('category', "'Y' (用人单位) or 'S' (社会培训评价组织)", ' Y（用人单位）或 S（社会培训评价组织）', category);
  if (typeof evaluatorCode !== 'string' || !/^\d{4}$/.test(evaluatorCode))
    bad('evaluatorCode', "4 digits 0000-9999 ('0000' = filed with the provincial HRSS)", '4位数字 0000–9999（0000 表示在省级人社部门备案）', evaluatorCode);
  if (typeof province !== 'string' || !isProvinceCode(province))
    bad('province', 'a GB/T 2260 province code (e.g. 44, 51, 35)', ' GB/T 2260 省级行政区划代码（如 44 广东省、51 四川省、35 福建省）', province, `${RULE}；GB/T 2260`);
  if (typeof site !== 'string' || !/^\d{6}$/.test(site)) bad('site', '6 digits', '6位数字', site);
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 2000 || year > 2099)
    bad('year', 'the full year of issue, 2000-2099', '完整的核发年份 2000–2099', year);
  if (!isLevel(level)) bad('level', `one of ${levelList}`, ` ${levelListZh} 之一`, level, LEVEL_RULE);
  if (typeof serial !== 'number' || !Number.isInteger(serial) || serial < 1 || serial > 999_999)
    bad('serial', 'an integer 1-999999', '整数 1–999999', serial);
  return issues;
}

/**
 * Builds the 22-character code. Throws a {@link DomainError} listing every faulty part (with
 * `field` set to the part name) when the parts cannot form a valid code.
 */
export function formatCertificateCode(parts: CertificateCodeParts): string {
  const issues = certificateCodePartsIssues(parts);
  if (issues.length > 0) throw new DomainError(issues as [Issue, ...Issue[]]);
  const code = `${parts.category}${parts.evaluatorCode}${parts.province}${parts.site}${String(parts.year % 100).padStart(2, '0')}${parts.level}${String(parts.serial).padStart(6, '0')}`;
  // The two directions must agree; a failure here is a bug in this module, not bad input.
  const check = parseCertificateCode(code);
  if (!check.valid) throw new Error(`formatCertificateCode produced an invalid code ${code}: ${check.errors.map((e) => e.detail).join('; ')}`);
  return code;
}

/** Warnings about a well-formed code, e.g. a 特级技师/首席技师 certificate from a social organization. */
export function certificateCodeWarnings(parts: Pick<CertificateCodeParts, 'category' | 'level'>): Issue[] {
  return parts.category === 'S' && (parts.level === 'T' || parts.level === 'S') ? [issuerWarning(parts.level)] : [];
}
