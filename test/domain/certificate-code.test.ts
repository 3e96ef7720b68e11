import { describe, expect, it } from 'vitest';
import {
  CERTIFICATE_CODE_LAYOUT,
  type CertificateCodeParts,
  certificateCodePartsIssues,
  formatCertificateCode,
  parseCertificateCode,
} from '../../src/domain/certificate-code.js';
import { PROVINCE_CODES, PROVINCES } from '../../src/domain/divisions.js';
import { DomainError } from '../../src/domain/issues.js';
import { LEVELS } from '../../src/domain/levels.js';

const DOMAIN_EXAMPLE = 'Y000044000123261000001';

const parts = (over: Partial<CertificateCodeParts> = {}): CertificateCodeParts => ({
  category: 'Y',
  evaluatorCode: '0000',
  province: '44',
  site: '000123',
  year: 2026,
  level: '1',
  serial: 1,
  ...over,
});

/** The DOMAIN.md example with position `p` (1-based) replaced by `c`. */
const withChar = (p: number, c: string, code = DOMAIN_EXAMPLE): string => code.slice(0, p - 1) + c + code.slice(p);

describe('certificate code layout (DOMAIN.md §3)', () => {
  it('DOMAIN.md §3: the seven parts cover positions 1–22 without gaps', () => {
    let next = 1;
    for (const part of CERTIFICATE_CODE_LAYOUT) {
      expect(part.from).toBe(next);
      next = part.to + 1;
    }
    expect(next).toBe(23);
  });

  it('DOMAIN.md §3 example: Y000044000123261000001 is a 高级技师 certificate of a provincially filed employer in Guangdong, 2026, serial 1', () => {
    const r = parseCertificateCode(DOMAIN_EXAMPLE);
    expect(r).toMatchObject({ valid: true, errors: [], warnings: [] });
    expect(r.parts).toEqual({
      category: 'Y',
      evaluatorCode: '0000',
      province: '44',
      site: '000123',
      year: 2026,
      yearCode: '26',
      level: '1',
      serial: 1,
      filedWith: 'province',
      categoryName: '用人单位',
      provinceName: '广东省',
      levelName: '高级技师',
    });
  });

  it('DOMAIN.md §3 example: Y0000440001232610000017 is wrong (23 characters)', () => {
    const r = parseCertificateCode('Y0000440001232610000017');
    expect(r.valid).toBe(false);
    expect(r.parts).toBeNull();
    expect(r.errors).toEqual([expect.objectContaining({ code: 'certificateCode.length', expected: '22', found: '23', message: '证书编码应为22位，实为23位' })]);
  });

  it.each([0, 1, 21, 23, 30])('DOMAIN.md §3: length must be 22 (%i refused)', (n) => {
    const r = parseCertificateCode('Y'.padEnd(n, '0').slice(0, n));
    expect(r.errors.map((e) => e.code)).toEqual(['certificateCode.length']);
    expect(r.errors[0]?.detail).toBe(`length: expected 22 characters, found ${n}`);
  });
});

describe('certificate code: position 16, the level character (001 附件1 注2; 002 五(一)5; 003 四(三))', () => {
  it('003 四(三): 证书编码中第16位为大写英文字母T — a 特级技师 certificate', () => {
    const code = formatCertificateCode(parts({ level: 'T' }));
    expect(code[15]).toBe('T');
    expect(parseCertificateCode(code).parts).toMatchObject({ level: 'T', levelName: '特级技师' });
  });

  it('002 五(一)5: 第16位为大写英文字母T或S — 首席技师 is S', () => {
    const code = formatCertificateCode(parts({ level: 'S' }));
    expect(code).toBe('Y00004400012326S000001');
    expect(parseCertificateCode(code).parts).toMatchObject({ level: 'S', levelName: '首席技师' });
  });

  it('001 附件1 注2: X 学徒工, 5…1 初级工…高级技师, T, S all round-trip', () => {
    const names: string[] = [];
    for (const level of LEVELS) {
      const code = formatCertificateCode(parts({ level, province: '51' }));
      const r = parseCertificateCode(code);
      expect(r.valid).toBe(true);
      expect(r.parts?.level).toBe(level);
      names.push(r.parts?.levelName as string);
    }
    expect(names).toEqual(['学徒工', '初级工', '中级工', '高级工', '技师', '高级技师', '特级技师', '首席技师']);
  });

  it.each(['0', '6', '9', 't', 's', 'x', 'A', 'Y', ' '])('001 附件1 注2: %j at position 16 is not a level (大写英文字母或阿拉伯数字 of the list)', (c) => {
    const r = parseCertificateCode(withChar(16, c));
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([
      expect.objectContaining({ code: 'certificateCode.level', position: 16, found: c, expected: 'X54321TS', rule: expect.stringContaining('001 附件1 注2') }),
    ]);
    expect(r.errors[0]?.detail).toBe(`position 16: expected a level character X 5 4 3 2 1 T S (001 附件1 注2), found '${c}'`);
  });

  it('DOMAIN.md §3 note: S means 社会培训评价组织 at position 1 and 首席技师 at position 16', () => {
    const code = formatCertificateCode(parts({ category: 'S', province: '51', site: '000001', level: 'S' }));
    expect(code).toBe('S00005100000126S000001');
    const p = parseCertificateCode(code);
    expect(p.valid).toBe(true);
    expect(p.parts).toMatchObject({ category: 'S', categoryName: '社会培训评价组织', level: 'S', levelName: '首席技师', province: '51', provinceName: '四川省' });
  });

  it('003 四(三) / 002 五(一)5 / 000 附件3 三(三): a T or S certificate is issued by the enterprise — category S gets a warning, not an error', () => {
    for (const level of ['T', 'S'] as const) {
      const r = parseCertificateCode(formatCertificateCode(parts({ category: 'S', level })));
      expect(r.valid).toBe(true);
      expect(r.warnings).toEqual([expect.objectContaining({ code: 'certificateCode.appointedLevelIssuer', position: 1, expected: 'Y', found: 'S' })]);
    }
    expect(parseCertificateCode(formatCertificateCode(parts({ category: 'S', level: '1' }))).warnings).toEqual([]);
    expect(parseCertificateCode(formatCertificateCode(parts({ category: 'Y', level: 'T' }))).warnings).toEqual([]);
  });
});

describe('certificate code: malformed at each position (DOMAIN.md §3)', () => {
  it.each(['X', 'y', 's', '0', 'T', ' '])('position 1: %j is neither Y (用人单位) nor S (社会培训评价组织)', (c) => {
    const r = parseCertificateCode(withChar(1, c));
    expect(r.valid).toBe(false);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'certificateCode.category', position: 1, found: c, field: 'category' });
    expect(r.errors[0]?.detail).toBe(`position 1: expected 'Y' (用人单位) or 'S' (社会培训评价组织), found '${c}'`);
    expect(r.errors[0]?.message).toBe(`证书编码第1位（评价机构类别代码）应为 Y（用人单位）或 S（社会培训评价组织），实为“${c}”`);
  });

  it.each([2, 3, 4, 5])('positions 2–5 (评价机构代码): a letter at position %i is refused at that position', (p) => {
    const r = parseCertificateCode(withChar(p, 'A'));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'certificateCode.evaluatorCode', position: p, found: 'A', expected: '0-9' })]);
    expect(r.errors[0]?.detail).toBe(`position ${p}: expected a digit 0-9 (评价机构代码, positions 2-5), found 'A'`);
  });

  it('positions 2–5: 0000 = filed with the provincial HRSS, 0001–9999 = assigned by MOHRSS', () => {
    expect(parseCertificateCode(DOMAIN_EXAMPLE).parts?.filedWith).toBe('province');
    for (const ev of ['0001', '0420', '9999']) {
      const r = parseCertificateCode(formatCertificateCode(parts({ evaluatorCode: ev })));
      expect(r.parts).toMatchObject({ evaluatorCode: ev, filedWith: 'mohrss' });
    }
  });

  it.each([
    ['44', '广东省'],
    ['51', '四川省'],
    ['35', '福建省'],
    ['11', '北京市'],
    ['65', '新疆维吾尔自治区'],
  ])('positions 6–7: %s (%s) is a GB/T 2260 province', (province, name) => {
    const r = parseCertificateCode(formatCertificateCode(parts({ province })));
    expect(r.parts).toMatchObject({ province, provinceName: name });
  });

  it.each(['00', '10', '20', '39', '47', '55', '66', '70', '80', '83', '90', '99'])('positions 6–7: %s is not a GB/T 2260 province', (province) => {
    const r = parseCertificateCode(DOMAIN_EXAMPLE.slice(0, 5) + province + DOMAIN_EXAMPLE.slice(7));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'certificateCode.province', position: 6, end: 7, found: province })]);
    expect(r.errors[0]?.detail).toContain(`positions 6-7: expected a GB/T 2260 province code`);
  });

  it.each([6, 7])('positions 6–7: a letter at position %i is reported there', (p) => {
    const r = parseCertificateCode(withChar(p, 'B'));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'certificateCode.province', position: p, found: 'B' })]);
  });

  it.each([8, 9, 10, 11, 12, 13])('positions 8–13 (评价机构序列码): a non-digit at position %i', (p) => {
    const r = parseCertificateCode(withChar(p, '-'));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'certificateCode.site', position: p, found: '-' })]);
    expect(r.errors[0]?.detail).toBe(`position ${p}: expected a digit 0-9 (评价机构（站点）序列码, positions 8-13), found '-'`);
  });

  it.each([14, 15])('positions 14–15 (证书核发年份代码): a non-digit at position %i', (p) => {
    const r = parseCertificateCode(withChar(p, 'O'));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'certificateCode.year', position: p, found: 'O' })]);
  });

  it.each([
    ['19', 2019],
    ['20', 2020],
    ['26', 2026],
    ['99', 2099],
  ])('positions 14–15: year code %s is the year %i (parse returns both)', (yy, year) => {
    const r = parseCertificateCode(DOMAIN_EXAMPLE.slice(0, 13) + yy + DOMAIN_EXAMPLE.slice(15));
    expect(r.parts).toMatchObject({ yearCode: yy, year });
  });

  it.each([17, 18, 19, 20, 21, 22])('positions 17–22 (证书序列码): a non-digit at position %i', (p) => {
    const r = parseCertificateCode(withChar(p, 'Z'));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'certificateCode.serial', position: p, found: 'Z' })]);
  });

  it('positions 17–22: serial 000000 is refused, 000001 and 999999 are the bounds', () => {
    const zero = parseCertificateCode(`${DOMAIN_EXAMPLE.slice(0, 16)}000000`);
    expect(zero.errors).toEqual([expect.objectContaining({ code: 'certificateCode.serial', position: 17, end: 22, found: '000000' })]);
    expect(zero.errors[0]?.detail).toBe("positions 17-22: expected 000001-999999, found '000000'");
    expect(parseCertificateCode(`${DOMAIN_EXAMPLE.slice(0, 16)}999999`).parts?.serial).toBe(999_999);
  });

  it('reports one error per faulty part, in position order', () => {
    const r = parseCertificateCode('X0A0990001232Z0000000A');
    expect(r.errors.map((e) => [e.code, e.position])).toEqual([
      ['certificateCode.category', 1],
      ['certificateCode.evaluatorCode', 3],
      ['certificateCode.province', 6],
      ['certificateCode.year', 14],
      ['certificateCode.level', 16],
      ['certificateCode.serial', 22],
    ]);
  });

  it('never throws on junk', () => {
    for (const junk of ['', '全'.repeat(22), '\u0000'.repeat(22), 'Y00004400012326100000１']) {
      expect(() => parseCertificateCode(junk)).not.toThrow();
      expect(parseCertificateCode(junk).valid).toBe(false);
    }
  });
});

describe('formatCertificateCode (DOMAIN.md §3)', () => {
  it('DOMAIN.md §3 example from its parts; the full year 2026 becomes 26', () => {
    expect(formatCertificateCode(parts())).toBe(DOMAIN_EXAMPLE);
  });

  it('pads the serial to 6 digits and round-trips for every province', () => {
    for (const province of PROVINCE_CODES) {
      for (const serial of [1, 42, 999_999]) {
        const code = formatCertificateCode(parts({ province, serial, evaluatorCode: '1234', site: '987654', year: 2030 }));
        expect(code).toHaveLength(22);
        expect(parseCertificateCode(code).parts).toMatchObject({ province, provinceName: PROVINCES[province], serial, year: 2030, yearCode: '30' });
      }
    }
  });

  it.each<[Partial<Record<keyof CertificateCodeParts, unknown>>, string]>([
    [{ category: 'X' }, 'category'],
    [{ category: 'y' }, 'category'],
    [{ evaluatorCode: '000' }, 'evaluatorCode'],
    [{ evaluatorCode: '00000' }, 'evaluatorCode'],
    [{ evaluatorCode: 1 }, 'evaluatorCode'],
    [{ province: '99' }, 'province'],
    [{ province: 44 }, 'province'],
    [{ site: '12345' }, 'site'],
    [{ site: '12345a' }, 'site'],
    [{ year: 26 }, 'year'],
    [{ year: 1999 }, 'year'],
    [{ year: 2100 }, 'year'],
    [{ year: 2026.5 }, 'year'],
    [{ level: 't' }, 'level'],
    [{ level: '6' }, 'level'],
    [{ serial: 0 }, 'serial'],
    [{ serial: 1_000_000 }, 'serial'],
    [{ serial: 1.5 }, 'serial'],
    [{ serial: '1' }, 'serial'],
  ])('refuses %j naming the field %s', (over, field) => {
    const p = { ...parts(), ...over } as CertificateCodeParts;
    expect(() => formatCertificateCode(p)).toThrow(DomainError);
    try {
      formatCertificateCode(p);
    } catch (e) {
      expect((e as DomainError).issues).toEqual([expect.objectContaining({ field, code: `certificateCode.${field}` })]);
    }
  });

  it('lists every faulty part at once, each with its positions', () => {
    const issues = certificateCodePartsIssues({ category: 'Q', province: '00', year: 26, serial: 0 });
    expect(issues.map((i) => [i.field, i.position])).toEqual([
      ['category', 1],
      ['evaluatorCode', 2],
      ['province', 6],
      ['site', 8],
      ['year', 14],
      ['level', 16],
      ['serial', 17],
    ]);
    expect(issues[1]?.message).toBe('评价机构代码（证书编码第2–5位）应为4位数字 0000–9999（0000 表示在省级人社部门备案），实为空');
  });
});
