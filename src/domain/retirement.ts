/**
 * The statutory retirement age after the 2025 reform: 全国人民代表大会常务委员会关于实施渐进式延迟法定
 * 退休年龄的决定 (2024-09-13) and its 国务院关于渐进式延迟法定退休年龄的办法, in force from 2025-01-01.
 *
 * | who | before | after | pace | first cohort delayed |
 * |---|---|---|---|---|
 * | men | 60 | 63 | +1 month every 4 months | born 1965-01 (60y1m) |
 * | women cadres (原法定退休年龄 55 岁) | 55 | 58 | +1 month every 4 months | born 1970-01 (55y1m) |
 * | women workers (原法定退休年龄 50 岁) | 50 | 55 | +1 month every 2 months | born 1975-01 (50y1m) |
 *
 * The phasing is by birth month: the delay is ⌊months since the first cohort's birth month / pace⌋ + 1
 * months, capped at 36 (men, women cadres) or 60 (women workers) — so men born 1976-09 or later retire
 * at 63, women cadres born 1981-09 or later at 58, women workers born 1984-11 or later at 55, as in the
 * Measures' 对照表. Earlier cohorts keep the old age. Voluntary early or flexible deferred retirement
 * (弹性退休) is a personal choice and not modelled: this is the statutory age.
 *
 * The retirement date is the day the statutory age is reached (birth date + age, day clamped to the
 * month's length: born 1965-01-31, 60y1m → 2025-02-28). Eligibility treats the applicant as beyond the
 * statutory retirement age from that day on (Sichuan 001 附件3 一(三) "一般不超过法定退休年龄").
 */
import { addMonths, toDay } from './periods.js';

export type RetirementCategory = 'male' | 'female-cadre' | 'female-worker';

interface Schedule {
  baseYears: number;
  /** The first birth month (year, month) whose retirement is delayed. */
  firstYear: number;
  firstMonth: number;
  /** Birth months per month of delay. */
  pace: number;
  maxDelayMonths: number;
}

export const RETIREMENT_SCHEDULES: Record<RetirementCategory, Schedule> = {
  male: { baseYears: 60, firstYear: 1965, firstMonth: 1, pace: 4, maxDelayMonths: 36 },
  'female-cadre': { baseYears: 55, firstYear: 1970, firstMonth: 1, pace: 4, maxDelayMonths: 36 },
  'female-worker': { baseYears: 50, firstYear: 1975, firstMonth: 1, pace: 2, maxDelayMonths: 60 },
};

export const RETIREMENT_CATEGORY_NAMES: Record<RetirementCategory, string> = {
  male: '男职工',
  'female-cadre': '原法定退休年龄为五十五周岁的女职工',
  'female-worker': '原法定退休年龄为五十周岁的女职工',
};

/** Men → male; women → female-cadre when `femaleCadre`, else female-worker (the 50-year rule). */
export function retirementCategory(gender: 'male' | 'female', femaleCadre?: boolean): RetirementCategory {
  if (gender === 'male') return 'male';
  return femaleCadre ? 'female-cadre' : 'female-worker';
}

export interface RetirementAge {
  category: RetirementCategory;
  /** Statutory retirement age in months (e.g. 721 = 60 years 1 month). */
  months: number;
  /** The delay over the old age, in months (0 for cohorts before the reform). */
  delayMonths: number;
  /** "60岁1个月", "63岁". */
  label: string;
  /** The day the statutory age is reached, YYYY-MM-DD. */
  date: string;
}

/** The statutory retirement age and date of someone born on `birthDate` (YYYY-MM-DD). */
export function retirementAge(birthDate: string, category: RetirementCategory): RetirementAge {
  const s = RETIREMENT_SCHEDULES[category];
  const [year, month] = birthDate.split('-').map(Number) as [number, number];
  const sinceFirst = (year - s.firstYear) * 12 + (month - s.firstMonth);
  const delayMonths = sinceFirst < 0 ? 0 : Math.min(s.maxDelayMonths, Math.floor(sinceFirst / s.pace) + 1);
  const months = s.baseYears * 12 + delayMonths;
  const years = Math.floor(months / 12);
  const rest = months % 12;
  return {
    category,
    months,
    delayMonths,
    label: rest === 0 ? `${years}岁` : `${years}岁${rest}个月`,
    date: addMonths(birthDate, months),
  };
}

/** Whether on `asOf` the statutory retirement age has been reached (from the retirement date on). */
export const reachedRetirementAge = (age: RetirementAge, asOf: string): boolean => toDay(asOf) >= toDay(age.date);
