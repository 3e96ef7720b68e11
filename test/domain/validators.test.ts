import { describe, expect, it } from 'vitest';
import { divisionLevel, PROVINCE_CODES, PROVINCES } from '../../src/domain/divisions.js';
import {
  creditCodeCheckChar,
  creditCodeSchema,
  divisionCodeSchema,
  idNumberCheckChar,
  idNumberSchema,
  maskCreditCode,
  maskIdNumber,
  normalizeCreditCode,
  normalizeIdNumber,
  organizationCodeCheckChar,
  validateCreditCode,
  validateDivisionCode,
  validateIdNumber,
} from '../../src/domain/validators.js';
import { creditCheck, idCheck, makeCreditCode, makeId, orgCheck, wrongCheck } from './codes-helpers.js';

const TODAY = '2026-06-15';
const v = (id: string) => validateIdNumber(id, { today: TODAY });

describe('GB/T 2260 provinces (DOMAIN.md §1 行政区划代码)', () => {
  it('has the 34 provincial-level divisions with zh-CN names', () => {
    expect(PROVINCE_CODES).toHaveLength(34);
    expect(PROVINCES).toMatchObject({ '44': '广东省', '51': '四川省', '35': '福建省', '11': '北京市', '71': '台湾省', '81': '香港特别行政区', '82': '澳门特别行政区' });
    for (const code of PROVINCE_CODES) expect(code).toMatch(/^[1-8]\d$/);
  });

  it('derives the level of a division code from its structure', () => {
    expect(divisionLevel('440000')).toBe('province');
    expect(divisionLevel('440300')).toBe('prefecture');
    expect(divisionLevel('440305')).toBe('county');
  });
});

describe('公民身份号码 (GB 11643-1999; DOMAIN.md §1 idNumber)', () => {
  it('GB 11643-1999 example 11010519491231002X is valid (check character X = 10)', () => {
    const r = v('11010519491231002X');
    expect(r).toMatchObject({ valid: true, errors: [], masked: '1101**********002X' });
    expect(r.info).toEqual({ birthDate: '1949-12-31', sex: 'female', addressCode: '110105', province: { code: '11', name: '北京市' } });
  });

  it('the module and the test helper compute the same ISO 7064 MOD 11-2 check for many bodies', () => {
    for (let i = 0; i < 2000; i++) {
      const body = String(100000000000000000n + BigInt(i) * 7919n * 104729n).slice(1, 18);
      expect(idNumberCheckChar(body)).toBe(idCheck(body));
    }
  });

  it.each([
    ['440305', '19850612', '123', '广东省', 'male'],
    ['440106', '19790101', '004', '广东省', 'female'],
    ['510104', '19900307', '002', '四川省', 'female'],
    ['510802', '19681120', '315', '四川省', 'male'],
    ['350102', '19900307', '002', '福建省', 'female'],
    ['350583', '19720430', '051', '福建省', 'male'],
  ])('GB 11643-1999: %s-%s-%s (%s) with a computed check character is valid', (address, birth, seq, province, sex) => {
    const id = makeId(address, birth, seq);
    const r = v(id);
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.info).toMatchObject({ addressCode: address, province: { name: province }, sex });
    expect(r.masked).toBe(`${id.slice(0, 4)}**********${id.slice(14)}`);
  });

  it('GB 11643-1999 校验码: every wrong check character is refused with the expected one named', () => {
    const id = makeId('350102', '19900307', '002');
    const right = id[17] as string;
    for (const c of '0123456789X') {
      if (c === right) continue;
      const r = v(id.slice(0, 17) + c);
      expect(r.valid).toBe(false);
      expect(r.errors).toEqual([expect.objectContaining({ code: 'idNumber.checkChar', position: 18, expected: right, found: c })]);
      expect(r.errors[0]?.message).toBe(`公民身份号码校验位错误：应为 ${right}，实为 ${c}`);
    }
  });

  it('GB 11643-1999 校验码: the clerk-facing message for an X expected and 3 typed', () => {
    // find a real-format number whose check character is X
    let id = '';
    for (let seq = 0; seq < 1000 && !id.endsWith('X'); seq++) id = makeId('440305', '19850612', String(seq).padStart(3, '0'));
    expect(id.endsWith('X')).toBe(true);
    expect(v(`${id.slice(0, 17)}3`).errors[0]?.message).toBe('公民身份号码校验位错误：应为 X，实为 3');
  });

  it('GB 11643-1999: a lower-case x is refused (the standard writes X); normalizeIdNumber fixes it', () => {
    const id = '11010519491231002x';
    expect(v(id).errors).toEqual([expect.objectContaining({ code: 'idNumber.checkCharFormat', position: 18, message: '公民身份号码第18位校验码应为大写字母 X，实为小写 x' })]);
    expect(v(normalizeIdNumber(` ${id} `)).valid).toBe(true);
  });

  it.each([0, 15, 17, 19])('GB 11643-1999 号码结构: length %i is refused', (n) => {
    const r = v('1'.repeat(n));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'idNumber.length', expected: '18', found: String(n) })]);
  });

  it('GB 11643-1999 号码结构: the 15-digit old number gets a hint', () => {
    expect(v('110105491231002').errors[0]?.message).toBe('公民身份号码应为18位，实为15位（15位旧号码请换算为18位后填写）');
  });

  it.each([1, 7, 12, 17])('GB 11643-1999 号码结构: a letter at position %i is named', (p) => {
    const id = makeId('440305', '19850612', '123');
    const r = v(`${id.slice(0, p - 1)}A${id.slice(p)}`);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'idNumber.digit', position: p, found: 'A' })]);
  });

  it.each(['00', '10', '20', '66', '72', '84', '90', '99'])('GB 11643-1999 地址码: province prefix %s is unknown', (prefix) => {
    const r = v(makeId(`${prefix}0101`, '19850612', '123'));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'idNumber.region', position: 1, end: 2, found: prefix })]);
  });

  it.each([
    ['810000', 'hk'],
    ['820000', 'mo'],
    ['830000', 'tw'],
  ])('港澳台居民居住证 address code %s is accepted (residencePermit %s)', (address, permit) => {
    const r = v(makeId(address, '19850612', '123'));
    expect(r.valid).toBe(true);
    expect(r.info?.residencePermit).toBe(permit);
  });

  it.each([
    ['20000229', true, '2000 is a leap year (divisible by 400)'],
    ['19960229', true, '1996 is a leap year'],
    ['20240229', true, '2024 is a leap year'],
    ['19000229', false, '1900 is not a leap year (divisible by 100)'],
    ['20230229', false, '2023 is not a leap year'],
    ['19850230', false, 'there is no 30 February'],
    ['19851301', false, 'there is no month 13'],
    ['19850001', false, 'there is no month 0'],
    ['19850100', false, 'there is no day 0'],
    ['19850431', false, 'April has 30 days'],
  ])('GB 11643-1999 出生日期码: %s valid=%s — %s', (birth, valid) => {
    const r = v(makeId('510104', birth, '002'));
    expect(r.valid).toBe(valid);
    if (!valid) expect(r.errors).toEqual([expect.objectContaining({ code: 'idNumber.birthDate', position: 7, end: 14, found: birth })]);
    else expect(r.info?.birthDate).toBe(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}`);
  });

  it('GB 11643-1999 出生日期码: a birth date after today is refused, today itself is accepted', () => {
    expect(v(makeId('440305', '20260616', '123')).errors).toEqual([expect.objectContaining({ code: 'idNumber.birthDateFuture', found: '2026-06-16' })]);
    expect(v(makeId('440305', '20260615', '123')).valid).toBe(true);
    expect(validateIdNumber(makeId('440305', '20991231', '123')).errors[0]?.code).toBe('idNumber.birthDateFuture');
  });

  it('a birth date before 1900 is refused as implausible', () => {
    expect(v(makeId('440305', '18991231', '123')).errors).toEqual([expect.objectContaining({ code: 'idNumber.birthDateRange' })]);
  });

  it('reports every independent problem at once (region, date, check)', () => {
    const body = '9901011985023012';
    const r = v(`${body}3${wrongCheck(idCheck(`${body}3`))}`);
    expect(r.errors.map((e) => e.code)).toEqual(['idNumber.region', 'idNumber.birthDate', 'idNumber.checkChar']);
  });

  it('GB 11643-1999 顺序码: odd 17th digit is male, even is female', () => {
    expect(v(makeId('350102', '19900307', '001')).info?.sex).toBe('male');
    expect(v(makeId('350102', '19900307', '010')).info?.sex).toBe('female');
  });

  it('masking keeps the first 4 and the last 4: 3501**********0023', () => {
    expect(maskIdNumber('350102199003070023')).toBe('3501**********0023');
    expect(maskIdNumber('110105491231002')).toBe('110*********002');
    expect(maskIdNumber('123')).toBe('***');
    expect(v('350102199003070024').masked).toBeUndefined();
  });

  it('idNumberSchema (zod) reports the same issues with their code', () => {
    const r = idNumberSchema.safeParse('11010519491231002Y');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ message: '公民身份号码第18位校验码应为数字或大写字母 X，实为“Y”', params: { code: 'idNumber.checkCharFormat' } });
    expect(idNumberSchema.safeParse('11010519491231002X').success).toBe(true);
  });
});

describe('统一社会信用代码 (GB 32100-2015; DOMAIN.md §1 creditCode)', () => {
  it.each([
    ['91110000600037341L', '工商', '企业', '110000'],
    ['51100000500009247D', '民政', '社会团体', '100000'],
    ['51100000500002862F', '民政', '社会团体', '100000'],
    ['51100000500012681T', '民政', '社会团体', '100000'],
  ])('GB 32100-2015: published code %s is valid', (code, authority, category, division) => {
    const r = validateCreditCode(code);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.info).toMatchObject({ authority: { name: authority }, category: { name: category }, division: { code: division } });
  });

  it('the module and the test helper compute the same GB 32100 and GB 11714 checks', () => {
    const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    for (let i = 0; i < 3000; i++) {
      let body = '';
      for (let j = 0; j < 17; j++) body += chars[(i * 31 + j * 17 + i * j) % 31];
      expect(creditCodeCheckChar(body)).toBe(creditCheck(body));
      expect(organizationCodeCheckChar(body.slice(8, 16))).toBe(orgCheck(body.slice(8, 16)));
    }
  });

  it.each([
    ['91', '440300', 'MA5F0K3T', '广东省', '企业'],
    ['92', '440106', 'L1234567', '广东省', '个体工商户'],
    ['93', '510100', '0000AB12', '四川省', '农民专业合作社'],
    ['12', '350100', '48801234', '福建省', '事业单位'],
    ['52', '350000', 'MJ000001', '福建省', '民办非企业单位'],
    ['N2', '510722', 'MF123456', '四川省', '村级集体经济组织'],
    ['Y1', '440000', '12345678', '广东省', '其他（不再细分机构类别）'],
  ])('GB 32100-2015: %s%s%s… (%s, %s) with computed checks is valid', (ac, division, org, province, category) => {
    const code = makeCreditCode(ac, division, org);
    const r = validateCreditCode(code);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.info).toMatchObject({ category: { name: category }, division: { code: division, national: false, province: { name: province } } });
    expect(r.info?.organizationCode).toBe(`${org}-${code[16]}`);
    expect(r.masked).toBe(`${code.slice(0, 8)}********${code.slice(16)}`);
  });

  it('GB 32100-2015 校验码: every wrong check character is refused with the expected one named', () => {
    const code = makeCreditCode('91', '440300', 'MA5F0K3T');
    const right = code[17] as string;
    for (const c of '0123456789ABCDEFGHJKLMNPQRTUWXY') {
      if (c === right) continue;
      const r = validateCreditCode(code.slice(0, 17) + c);
      expect(r.errors).toEqual([expect.objectContaining({ code: 'creditCode.checkChar', position: 18, expected: right, found: c })]);
      expect(r.errors[0]?.message).toBe(`统一社会信用代码校验码错误：应为 ${right}，实为 ${c}`);
    }
  });

  it('GB 32100-2015 校验码: a transposition of two characters is caught', () => {
    const code = makeCreditCode('91', '440300', 'MA5F0K3T');
    const swapped = code.slice(0, 10) + code[11] + code[10] + code.slice(12);
    expect(validateCreditCode(swapped).errors.map((e) => e.code)).toContain('creditCode.checkChar');
  });

  it.each(['I', 'O', 'Z', 'S', 'V'])('GB 32100-2015 代码字符集: the letter %s is not used', (letter) => {
    const code = makeCreditCode('91', '440300', 'MA5F0K3T');
    const r = validateCreditCode(code.slice(0, 10) + letter + code.slice(11));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'creditCode.charset', position: 11, found: letter })]);
    expect(r.errors[0]?.message).toContain('不使用字母 I、O、Z、S、V');
  });

  it('GB 32100-2015 代码字符集: lower-case letters are refused with a hint; normalizeCreditCode fixes them', () => {
    const r = validateCreditCode('91110000600037341l');
    expect(r.errors).toEqual([expect.objectContaining({ code: 'creditCode.charset', position: 18, message: '统一社会信用代码第18位“l”无效：字母应为大写' })]);
    expect(validateCreditCode(normalizeCreditCode(' 91110000600037341l ')).valid).toBe(true);
  });

  it.each([0, 15, 17, 19])('GB 32100-2015 代码结构: length %i is refused', (n) => {
    expect(validateCreditCode('9'.repeat(n)).errors).toEqual([expect.objectContaining({ code: 'creditCode.length', found: String(n) })]);
  });

  it.each(['B', 'C', 'M', '0'])('GB 32100-2015 登记管理部门代码: %s is not an assigned registration authority', (a) => {
    const first17 = `${a}1440300MA5F0K3T${orgCheck('MA5F0K3T')}`;
    const r = validateCreditCode(first17 + creditCheck(first17));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'creditCode.authority', position: 1, found: a })]);
  });

  it.each([
    ['94', '工商'],
    ['90', '工商'],
    ['54', '民政'],
    ['Y2', '其他'],
    ['1A', '机构编制'],
  ])('GB 32100-2015 机构类别代码: %s is not a category of its authority (%s)', (ac, name) => {
    const r = validateCreditCode(makeCreditCode(ac, '440300', 'MA5F0K3T'));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'creditCode.category', position: 2, found: ac[1] })]);
    expect(r.errors[0]?.message).toContain(`（${name}）`);
  });

  it.each(['990000', '000000', '660100', '200000'])('GB 32100-2015 登记管理机关行政区划码: %s has no known province prefix', (division) => {
    const r = validateCreditCode(makeCreditCode('91', division, 'MA5F0K3T'));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'creditCode.division', position: 3, end: 4 })]);
  });

  it('GB 32100-2015 登记管理机关行政区划码: letters in positions 3–8 are refused at their position', () => {
    const r = validateCreditCode(makeCreditCode('91', '4403A0', 'MA5F0K3T'));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'creditCode.divisionFormat', position: 7, found: 'A' })]);
  });

  it('GB 32100-2015: 100000 is national-level registration (e.g. 民政部 for national 社会团体)', () => {
    const r = validateCreditCode(makeCreditCode('51', '100000', '50000924'));
    expect(r.valid).toBe(true);
    expect(r.info?.division).toEqual({ code: '100000', national: true, province: null });
  });

  it('GB 11714-1997 inside GB 32100: a wrong organization-code check with a right overall check is valid with a warning', () => {
    const org = 'MA5F0K3T';
    const first17 = `91440300${org}${wrongCheck(orgCheck(org))}`;
    const r = validateCreditCode(first17 + creditCheck(first17));
    expect(r.valid).toBe(true);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'creditCode.orgCodeCheck', position: 17, expected: orgCheck(org) })]);
  });

  it('masking keeps positions 1–8 and 17–18', () => {
    expect(maskCreditCode('91110000600037341L')).toBe('91110000********1L');
    expect(validateCreditCode('91110000600037341M').masked).toBeUndefined();
  });

  it('creditCodeSchema (zod) reports the same issues with their code', () => {
    const r = creditCodeSchema.safeParse('91110000600037341M');
    expect(r.error?.issues[0]).toMatchObject({ params: { code: 'creditCode.checkChar', position: 18 } });
    expect(creditCodeSchema.safeParse('91110000600037341L').success).toBe(true);
  });
});

describe('行政区划代码 (GB/T 2260; DOMAIN.md §1 divisionCode, §6 city-<divisionCode>)', () => {
  it.each([
    ['440000', 'province', '广东省'],
    ['440300', 'prefecture', '广东省'],
    ['440305', 'county', '广东省'],
    ['510100', 'prefecture', '四川省'],
    ['350500', 'prefecture', '福建省'],
    ['350583', 'county', '福建省'],
  ])('%s is a valid %s code in %s', (code, level, province) => {
    const r = validateDivisionCode(code);
    expect(r.valid).toBe(true);
    expect(r.info).toEqual({ code, level, province: { code: code.slice(0, 2), name: province } });
  });

  it.each(['990000', '000000', '100000', '660000', '830000'])('%s has no known province prefix', (code) => {
    expect(validateDivisionCode(code).errors).toEqual([expect.objectContaining({ code: 'divisionCode.province', position: 1, end: 2 })]);
  });

  it.each([
    ['44030', undefined],
    ['4403000', undefined],
    ['', undefined],
    ['44030A', 6],
    [' 44030', 1],
  ])('%j is not 6 digits', (code, position) => {
    const r = validateDivisionCode(code);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'divisionCode.format' })]);
    expect(r.errors[0]?.position).toBe(position);
  });

  it('divisionCodeSchema (zod)', () => {
    expect(divisionCodeSchema.safeParse('440300').success).toBe(true);
    expect(divisionCodeSchema.safeParse('990300').error?.issues[0]).toMatchObject({ params: { code: 'divisionCode.province' } });
  });
});
