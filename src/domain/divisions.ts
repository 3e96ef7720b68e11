/**
 * Administrative divisions (行政区划代码, GB/T 2260): the 34 provincial-level codes and the
 * structure of a 6-digit division code. Only the province prefix is checked against a table:
 * prefecture and county codes change every year (GB/T 2260 is updated by the Ministry of Civil
 * Affairs), so a full list would go stale; the first two digits do not.
 *
 * Used by certificate codes (positions 6–7, DOMAIN.md §3), resident ID numbers (address code,
 * GB 11643), unified social credit codes (positions 3–8, GB 32100) and candidate groups
 * (`province-<2-digit code>`, `city-<divisionCode>`, DOMAIN.md §6).
 */

/** The 34 provincial-level divisions of GB/T 2260, code → zh-CN name. */
export const PROVINCES = {
  '11': '北京市',
  '12': '天津市',
  '13': '河北省',
  '14': '山西省',
  '15': '内蒙古自治区',
  '21': '辽宁省',
  '22': '吉林省',
  '23': '黑龙江省',
  '31': '上海市',
  '32': '江苏省',
  '33': '浙江省',
  '34': '安徽省',
  '35': '福建省',
  '36': '江西省',
  '37': '山东省',
  '41': '河南省',
  '42': '湖北省',
  '43': '湖南省',
  '44': '广东省',
  '45': '广西壮族自治区',
  '46': '海南省',
  '50': '重庆市',
  '51': '四川省',
  '52': '贵州省',
  '53': '云南省',
  '54': '西藏自治区',
  '61': '陕西省',
  '62': '甘肃省',
  '63': '青海省',
  '64': '宁夏回族自治区',
  '65': '新疆维吾尔自治区',
  '71': '台湾省',
  '81': '香港特别行政区',
  '82': '澳门特别行政区',
} as const satisfies Record<string, string>;

export type ProvinceCode = keyof typeof PROVINCES;

export const PROVINCE_CODES = Object.keys(PROVINCES) as ProvinceCode[];

export const isProvinceCode = (value: unknown): value is ProvinceCode => typeof value === 'string' && Object.hasOwn(PROVINCES, value);

export const provinceName = (code: string): string | undefined => (isProvinceCode(code) ? PROVINCES[code] : undefined);

/** Level of a 6-digit division code by its structure: `xx0000` province, `xxyy00` prefecture, otherwise county. */
export type DivisionLevel = 'province' | 'prefecture' | 'county';

export const divisionLevel = (code: string): DivisionLevel => (code.endsWith('0000') ? 'province' : code.endsWith('00') ? 'prefecture' : 'county');

/** `xxyyzz` → `xx0000`: the province a division belongs to. */
export const provinceDivisionOf = (code: string): string => `${code.slice(0, 2)}0000`;
