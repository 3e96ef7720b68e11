/**
 * Validators for the identifiers clerks type into forms (DOMAIN.md §1):
 * - 公民身份号码 `idNumber` — GB 11643-1999;
 * - 统一社会信用代码 `creditCode` — GB 32100-2015 (positions 9–17 are the GB 11714 organization code);
 * - 行政区划代码 `divisionCode` — GB/T 2260.
 *
 * Each validator checks exactly the string it is given (no trimming, no case folding: the
 * standards prescribe upper-case `X` and upper-case letters) and returns every problem it can
 * find, each an {@link Issue} with a stable `code`, the `rule` it comes from, a zh-CN `message`
 * for clerks and the 1-based `position` of the offending character. `normalize*` helpers are
 * there for forms that want to clean input before validating it.
 *
 * Masking for display (lists, notices, logs):
 * - ID number: first 4 and last 4 characters kept, `3501**********0023` (province + prefecture,
 *   and the last digits clerks use to tell people apart);
 * - credit code: positions 1–8 (registration authority, category, registration division: public
 *   and not identifying) and 17–18 kept, the organization code body (9–16) masked:
 *   `91440300********2X`. Credit codes are public (营业执照), so this is for uniformity in lists that
 *   also show ID numbers, not for secrecy; individual businesses (`92…`) are the case it protects.
 */
import { z } from 'zod';
import { chinaDate } from './china-time.js';
import { type DivisionLevel, divisionLevel, isProvinceCode, PROVINCES, type ProvinceCode } from './divisions.js';
import type { Issue } from './issues.js';

export interface ValidationResult<Info> {
  valid: boolean;
  errors: Issue[];
  /** Things a reviewer should look at that do not make the value invalid. */
  warnings: Issue[];
  /** Present when valid and the value is personal or organizational: the display form. */
  masked?: string;
  /** Present when valid: what the value says. */
  info?: Info;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** `YYYYMMDD` → `YYYY-MM-DD` when it is a real calendar date, otherwise undefined. */
export function compactDateToIso(yyyymmdd: string): string | undefined {
  if (!/^\d{8}$/.test(yyyymmdd)) return undefined;
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  date.setUTCFullYear(y); // years below 100
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

// ---------------------------------------------------------------------------------------------
// 公民身份号码 (GB 11643-1999)
// ---------------------------------------------------------------------------------------------

const ID_RULE = {
  structure: 'GB 11643-1999 号码结构：6位地址码 + 8位出生日期码 + 3位顺序码 + 1位校验码',
  region: 'GB 11643-1999 地址码（GB/T 2260 行政区划代码）',
  birthDate: 'GB 11643-1999 出生日期码（GB/T 7408）',
  check: 'GB 11643-1999 校验码（ISO 7064:1983 MOD 11-2）',
} as const;

/** Weights 2^(18−i) mod 11 for i = 1…17 (ISO 7064 MOD 11-2). */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character by (Σ aᵢ·Wᵢ) mod 11. */
const ID_CHECK_CHARS = '10X98765432';

/**
 * The check character of a resident ID number from its first 17 digits (ISO 7064 MOD 11-2):
 * `(12 − Σ aᵢ·Wᵢ mod 11) mod 11`, 10 written `X`.
 */
export function idNumberCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError(`idNumberCheckChar: expected 17 digits, got '${first17}'`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] as number);
  return ID_CHECK_CHARS[sum % 11] as string;
}

/**
 * Addresses codes of 港澳台居民居住证 numbers (国办发〔2018〕81号 第六条): 810000 Hong Kong, 820000
 * Macao, 830000 Taiwan. 83 is not a GB/T 2260 province (Taiwan is 71), so it is accepted for ID
 * numbers only.
 */
const RESIDENCE_PERMIT_PREFIXES = { '81': 'hk', '82': 'mo', '83': 'tw' } as const;

export interface IdNumberInfo {
  /** `YYYY-MM-DD`. */
  birthDate: string;
  /** GB 11643: the 17th digit (顺序码 last digit) is odd for men, even for women. */
  sex: 'male' | 'female';
  /** The 6-digit address code (where the number was first issued, not where the person lives). */
  addressCode: string;
  province: { code: string; name: string };
  /** Set for 港澳台居民居住证 numbers (address code 810000 / 820000 / 830000). */
  residencePermit?: 'hk' | 'mo' | 'tw';
}

export interface IdNumberOptions {
  /** `YYYY-MM-DD` that birth dates may not be after; defaults to today in Asia/Shanghai. */
  today?: string;
}

export function validateIdNumber(value: string, options: IdNumberOptions = {}): ValidationResult<IdNumberInfo> {
  const errors: Issue[] = [];
  const fail = (): ValidationResult<IdNumberInfo> => ({ valid: false, errors, warnings: [] });
  if (typeof value !== 'string') {
    errors.push({ code: 'idNumber.type', rule: ID_RULE.structure, message: '公民身份号码应为文本', detail: 'the ID number must be a string' });
    return fail();
  }
  if (value.length !== 18) {
    errors.push({
      code: 'idNumber.length',
      rule: ID_RULE.structure,
      message: `公民身份号码应为18位，实为${value.length}位${value.length === 15 ? '（15位旧号码请换算为18位后填写）' : ''}`,
      detail: `length must be 18, found ${value.length}`,
      expected: '18',
      found: String(value.length),
    });
    return fail();
  }
  for (let i = 0; i < 17; i++) {
    const c = value[i] as string;
    if (!isDigit(c)) {
      errors.push({
        code: 'idNumber.digit',
        rule: ID_RULE.structure,
        message: `公民身份号码第${i + 1}位应为数字，实为“${c}”`,
        detail: `position ${i + 1}: expected a digit 0-9, found '${c}'`,
        position: i + 1,
        expected: '0-9',
        found: c,
      });
    }
  }
  const last = value[17] as string;
  if (!isDigit(last) && last !== 'X') {
    errors.push({
      code: 'idNumber.checkCharFormat',
      rule: ID_RULE.check,
      message: last === 'x' ? '公民身份号码第18位校验码应为大写字母 X，实为小写 x' : `公民身份号码第18位校验码应为数字或大写字母 X，实为“${last}”`,
      detail: `position 18: expected a digit 0-9 or 'X', found '${last}'`,
      position: 18,
      expected: '0-9 or X',
      found: last,
    });
  }
  if (errors.length > 0) return fail();

  const addressCode = value.slice(0, 6);
  const prefix = addressCode.slice(0, 2);
  const permit = (RESIDENCE_PERMIT_PREFIXES as Record<string, 'hk' | 'mo' | 'tw'>)[prefix];
  if (!isProvinceCode(prefix) && permit === undefined) {
    errors.push({
      code: 'idNumber.region',
      rule: ID_RULE.region,
      message: `公民身份号码地址码（第1–6位）“${addressCode}”的前两位“${prefix}”不是省级行政区划代码`,
      detail: `positions 1-2: '${prefix}' is not a GB/T 2260 province code`,
      position: 1,
      end: 2,
      found: prefix,
    });
  }

  const birthDate = compactDateToIso(value.slice(6, 14));
  const today = options.today ?? chinaDate();
  if (birthDate === undefined) {
    errors.push({
      code: 'idNumber.birthDate',
      rule: ID_RULE.birthDate,
      message: `公民身份号码出生日期码（第7–14位）“${value.slice(6, 14)}”不是有效日期`,
      detail: `positions 7-14: '${value.slice(6, 14)}' is not a valid YYYYMMDD date`,
      position: 7,
      end: 14,
      found: value.slice(6, 14),
    });
  } else if (birthDate > today) {
    errors.push({
      code: 'idNumber.birthDateFuture',
      rule: ID_RULE.birthDate,
      message: `公民身份号码出生日期 ${birthDate} 晚于今天（${today}）`,
      detail: `positions 7-14: birth date ${birthDate} is after today (${today})`,
      position: 7,
      end: 14,
      found: birthDate,
    });
  } else if (birthDate < '1900-01-01') {
    errors.push({
      code: 'idNumber.birthDateRange',
      rule: `${ID_RULE.birthDate}；本项目：不早于1900-01-01`,
      message: `公民身份号码出生日期 ${birthDate} 早于1900年，请核对`,
      detail: `positions 7-14: birth date ${birthDate} is before 1900-01-01`,
      position: 7,
      end: 14,
      found: birthDate,
    });
  }

  const expected = idNumberCheckChar(value.slice(0, 17));
  if (expected !== last) {
    errors.push({
      code: 'idNumber.checkChar',
      rule: ID_RULE.check,
      message: `公民身份号码校验位错误：应为 ${expected}，实为 ${last}`,
      detail: `position 18: check character should be '${expected}', found '${last}'`,
      position: 18,
      expected,
      found: last,
    });
  }
  if (errors.length > 0) return fail();

  const info: IdNumberInfo = {
    birthDate: birthDate as string,
    sex: Number(value[16]) % 2 === 1 ? 'male' : 'female',
    addressCode,
    province: { code: prefix, name: isProvinceCode(prefix) ? PROVINCES[prefix] : '台湾地区（港澳台居民居住证）' },
  };
  if (permit) info.residencePermit = permit;
  return { valid: true, errors, warnings: [], masked: maskIdNumber(value), info };
}

/** Trims, drops inner spaces and hyphens, upper-cases `x`: what a form may do before validating. */
export const normalizeIdNumber = (value: string): string => value.replace(/[\s-]/g, '').toUpperCase();

/**
 * `3501**********0023`: first 4 and last 4 characters kept. Values of another length keep the
 * first and last quarter (rounded down) so that a wrong value is still recognizably masked.
 */
export function maskIdNumber(value: string): string {
  if (value.length === 18) return `${value.slice(0, 4)}${'*'.repeat(10)}${value.slice(14)}`;
  const keep = Math.floor(value.length / 4);
  return `${value.slice(0, keep)}${'*'.repeat(value.length - 2 * keep)}${keep > 0 ? value.slice(-keep) : ''}`;
}

// ---------------------------------------------------------------------------------------------
// 统一社会信用代码 (GB 32100-2015)
// ---------------------------------------------------------------------------------------------

const CC_RULE = {
  structure: 'GB 32100-2015 代码结构：登记管理部门代码1位 + 机构类别代码1位 + 登记管理机关行政区划码6位 + 主体标识码9位 + 校验码1位',
  charset: 'GB 32100-2015 代码字符集：阿拉伯数字和大写英文字母（不使用 I、O、Z、S、V）',
  authority: 'GB 32100-2015 登记管理部门代码',
  category: 'GB 32100-2015 机构类别代码',
  division: 'GB 32100-2015 登记管理机关行政区划码（GB/T 2260）',
  orgCode: 'GB 32100-2015 主体标识码（GB 11714-1997 组织机构代码校验码）',
  check: 'GB 32100-2015 校验码（加权因子 3^(i−1) mod 31，模 31）',
} as const;

/** The 31 characters of GB 32100, in value order: 0–9 → 0–9, A → 10 … Y → 30. */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/**
 * Registration authorities (position 1) and the organization categories each may use (position 2),
 * as assigned under GB 32100-2015 (the standard's table, 1 机构编制 / 5 民政 / 9 工商 / Y 其他, with the
 * later assignments 2–4, 6–8, A and N). One table to update when a new authority is assigned.
 */
export const CREDIT_CODE_AUTHORITIES: Record<string, { name: string; categories: Record<string, string> }> = {
  '1': { name: '机构编制', categories: { '1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他' } },
  '2': { name: '外交', categories: { '1': '外国常驻新闻机构', '9': '其他' } },
  '3': { name: '司法行政', categories: { '1': '律师执业机构', '2': '公证处', '3': '基层法律服务所', '4': '司法鉴定机构', '5': '仲裁委员会', '9': '其他' } },
  '4': { name: '文化', categories: { '1': '外国在华文化中心', '9': '其他' } },
  '5': { name: '民政', categories: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他' } },
  '6': { name: '旅游', categories: { '1': '外国旅游部门常驻代表机构', '2': '港澳台地区旅游部门常驻内地（大陆）代表机构', '9': '其他' } },
  '7': { name: '宗教', categories: { '1': '宗教活动场所', '2': '宗教院校', '9': '其他' } },
  '8': { name: '工会', categories: { '1': '基层工会', '9': '其他' } },
  '9': { name: '工商', categories: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
  A: { name: '中央军委改革和编制办公室', categories: { '1': '军队事业单位', '9': '其他' } },
  N: { name: '农业', categories: { '1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他' } },
  Y: { name: '其他', categories: { '1': '其他（不再细分机构类别）' } },
};

/** Registration division of national-level registration authorities (e.g. 民政部 for national 社会团体). */
export const NATIONAL_DIVISION = '100000';

/** GB 32100 check character of the first 17 characters. */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError(`creditCodeCheckChar: expected 17 characters, got ${first17.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_CHARSET.indexOf(first17[i] as string);
    if (v < 0) throw new RangeError(`creditCodeCheckChar: '${first17[i]}' is not in the GB 32100 character set`);
    sum += v * (CC_WEIGHTS[i] as number);
  }
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31] as string;
}

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** GB 11714-1997 check character of an 8-character organization code body (0–9, A–Z = 10–35). */
export function organizationCodeCheckChar(first8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(first8)) throw new RangeError(`organizationCodeCheckChar: expected 8 characters 0-9A-Z, got '${first8}'`);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number.parseInt(first8[i] as string, 36) * (ORG_WEIGHTS[i] as number);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export interface CreditCodeInfo {
  authority: { code: string; name: string };
  category: { code: string; name: string };
  /** Registration division (positions 3–8); `100000` (national = true, province null) for national-level registration. */
  division: { code: string; national: boolean; province: { code: string; name: string } | null };
  /** Positions 9–17 as the organization code is usually written, `XXXXXXXX-X`. */
  organizationCode: string;
}

export function validateCreditCode(value: string): ValidationResult<CreditCodeInfo> {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const fail = (): ValidationResult<CreditCodeInfo> => ({ valid: false, errors, warnings });
  if (typeof value !== 'string') {
    errors.push({ code: 'creditCode.type', rule: CC_RULE.structure, message: '统一社会信用代码应为文本', detail: 'the credit code must be a string' });
    return fail();
  }
  if (value.length !== 18) {
    errors.push({
      code: 'creditCode.length',
      rule: CC_RULE.structure,
      message: `统一社会信用代码应为18位，实为${value.length}位`,
      detail: `length must be 18, found ${value.length}`,
      expected: '18',
      found: String(value.length),
    });
    return fail();
  }
  for (let i = 0; i < 18; i++) {
    const c = value[i] as string;
    if (CREDIT_CODE_CHARSET.includes(c)) continue;
    const upper = c.toUpperCase();
    const why = 'IOZSV'.includes(upper)
      ? `统一社会信用代码不使用字母 I、O、Z、S、V`
      : c !== upper && CREDIT_CODE_CHARSET.includes(upper)
        ? `字母应为大写`
        : `只能是数字或大写字母`;
    errors.push({
      code: 'creditCode.charset',
      rule: CC_RULE.charset,
      message: `统一社会信用代码第${i + 1}位“${c}”无效：${why}`,
      detail: `position ${i + 1}: '${c}' is not in the GB 32100 character set ${CREDIT_CODE_CHARSET}`,
      position: i + 1,
      expected: CREDIT_CODE_CHARSET,
      found: c,
    });
  }
  if (errors.length > 0) return fail();

  const authorityCode = value[0] as string;
  const authority = CREDIT_CODE_AUTHORITIES[authorityCode];
  const categoryCode = value[1] as string;
  if (!authority) {
    const known = Object.keys(CREDIT_CODE_AUTHORITIES).join('、');
    errors.push({
      code: 'creditCode.authority',
      rule: CC_RULE.authority,
      message: `统一社会信用代码第1位登记管理部门代码“${authorityCode}”无效，应为 ${known} 之一`,
      detail: `position 1: registration authority '${authorityCode}' is not one of ${Object.keys(CREDIT_CODE_AUTHORITIES).join(' ')}`,
      position: 1,
      expected: Object.keys(CREDIT_CODE_AUTHORITIES).join(''),
      found: authorityCode,
    });
  } else if (!Object.hasOwn(authority.categories, categoryCode)) {
    const allowed = Object.entries(authority.categories)
      .map(([k, v]) => `${k}（${v}）`)
      .join('、');
    errors.push({
      code: 'creditCode.category',
      rule: CC_RULE.category,
      message: `统一社会信用代码第2位机构类别代码“${categoryCode}”对登记管理部门“${authorityCode}（${authority.name}）”无效，应为 ${allowed}`,
      detail: `position 2: category '${categoryCode}' is not defined for registration authority '${authorityCode}' (${Object.keys(authority.categories).join(' ')})`,
      position: 2,
      expected: Object.keys(authority.categories).join(''),
      found: categoryCode,
    });
  }

  const division = value.slice(2, 8);
  const divisionProvince = division.slice(0, 2);
  if (!/^\d{6}$/.test(division)) {
    const at = [...division].findIndex((c) => !isDigit(c));
    errors.push({
      code: 'creditCode.divisionFormat',
      rule: CC_RULE.division,
      message: `统一社会信用代码第3–8位登记管理机关行政区划码应为6位数字，第${at + 3}位为“${division[at]}”`,
      detail: `position ${at + 3}: expected a digit (registration division, positions 3-8), found '${division[at]}'`,
      position: at + 3,
      expected: '0-9',
      found: division[at] as string,
    });
  } else if (division !== NATIONAL_DIVISION && !isProvinceCode(divisionProvince)) {
    errors.push({
      code: 'creditCode.division',
      rule: CC_RULE.division,
      message: `统一社会信用代码第3–8位登记管理机关行政区划码“${division}”的前两位“${divisionProvince}”不是省级行政区划代码`,
      detail: `positions 3-4: '${divisionProvince}' is not a GB/T 2260 province code`,
      position: 3,
      end: 4,
      found: divisionProvince,
    });
  }

  const expected = creditCodeCheckChar(value.slice(0, 17));
  const last = value[17] as string;
  if (expected !== last) {
    errors.push({
      code: 'creditCode.checkChar',
      rule: CC_RULE.check,
      message: `统一社会信用代码校验码错误：应为 ${expected}，实为 ${last}`,
      detail: `position 18: check character should be '${expected}', found '${last}'`,
      position: 18,
      expected,
      found: last,
    });
  }
  // The organization code (9–17) carries its own GB 11714 check character. A code whose overall
  // GB 32100 check holds was issued as it is, so a failing inner check is reported, not refused.
  const orgExpected = organizationCodeCheckChar(value.slice(8, 16));
  if (orgExpected !== value[16]) {
    warnings.push({
      code: 'creditCode.orgCodeCheck',
      rule: CC_RULE.orgCode,
      message: `统一社会信用代码第9–17位主体标识码的校验位应为 ${orgExpected}，实为 ${value[16]}，请核对营业执照`,
      detail: `position 17: GB 11714 organization code check should be '${orgExpected}', found '${value[16]}'`,
      position: 17,
      expected: orgExpected,
      found: value[16] as string,
    });
  }
  if (errors.length > 0) return fail();

  const auth = authority as { name: string; categories: Record<string, string> };
  return {
    valid: true,
    errors,
    warnings,
    masked: maskCreditCode(value),
    info: {
      authority: { code: authorityCode, name: auth.name },
      category: { code: categoryCode, name: auth.categories[categoryCode] as string },
      division: {
        code: division,
        national: division === NATIONAL_DIVISION,
        province: isProvinceCode(divisionProvince) ? { code: divisionProvince, name: PROVINCES[divisionProvince] } : null,
      },
      organizationCode: `${value.slice(8, 16)}-${value[16]}`,
    },
  };
}

/** Trims, drops inner spaces and hyphens, upper-cases. */
export const normalizeCreditCode = (value: string): string => value.replace(/[\s-]/g, '').toUpperCase();

/** `91440300********2X`: positions 1–8 and 17–18 kept (see the module comment). */
export function maskCreditCode(value: string): string {
  if (value.length === 18) return `${value.slice(0, 8)}${'*'.repeat(8)}${value.slice(16)}`;
  return maskIdNumber(value);
}

// ---------------------------------------------------------------------------------------------
// 行政区划代码 (GB/T 2260)
// ---------------------------------------------------------------------------------------------

const DIVISION_RULE = 'GB/T 2260 行政区划代码：6位数字，前两位为省级代码';

export interface DivisionCodeInfo {
  code: string;
  level: DivisionLevel;
  province: { code: ProvinceCode; name: string };
}

export function validateDivisionCode(value: string): ValidationResult<DivisionCodeInfo> {
  const errors: Issue[] = [];
  if (typeof value !== 'string' || !/^\d{6}$/.test(value)) {
    const s = typeof value === 'string' ? value : '';
    const at = s.length === 6 ? [...s].findIndex((c) => !isDigit(c)) : -1;
    errors.push({
      code: 'divisionCode.format',
      rule: DIVISION_RULE,
      message:
        at >= 0 ? `行政区划代码应为6位数字，第${at + 1}位为“${s[at]}”` : `行政区划代码应为6位数字，实为${s.length}位`,
      detail: at >= 0 ? `position ${at + 1}: expected a digit, found '${s[at]}'` : `expected 6 digits, found ${s.length} characters`,
      ...(at >= 0 ? { position: at + 1, found: s[at] as string } : { found: String(s.length) }),
      expected: at >= 0 ? '0-9' : '6',
    });
    return { valid: false, errors, warnings: [] };
  }
  const prefix = value.slice(0, 2);
  if (!isProvinceCode(prefix)) {
    errors.push({
      code: 'divisionCode.province',
      rule: DIVISION_RULE,
      message: `行政区划代码“${value}”的前两位“${prefix}”不是省级行政区划代码`,
      detail: `positions 1-2: '${prefix}' is not a GB/T 2260 province code`,
      position: 1,
      end: 2,
      found: prefix,
    });
    return { valid: false, errors, warnings: [] };
  }
  return { valid: true, errors, warnings: [], info: { code: value, level: divisionLevel(value), province: { code: prefix, name: PROVINCES[prefix] } } };
}

// ---------------------------------------------------------------------------------------------
// zod schemas for forms and workers: the same issues, as zod custom issues (params.code/rule).
// ---------------------------------------------------------------------------------------------

const refineWith =
  (validate: (v: string) => ValidationResult<unknown>) =>
  (v: string, ctx: z.RefinementCtx<string>): void => {
    for (const e of validate(v).errors) {
      ctx.addIssue({ code: 'custom', message: e.message, params: { code: e.code, rule: e.rule, position: e.position } });
    }
  };

export const idNumberSchema = z.string().superRefine(refineWith((v) => validateIdNumber(v)));
export const creditCodeSchema = z.string().superRefine(refineWith(validateCreditCode));
export const divisionCodeSchema = z.string().superRefine(refineWith(validateDivisionCode));
