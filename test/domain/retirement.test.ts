import { describe, expect, it } from 'vitest';
import { reachedRetirementAge, retirementAge, retirementCategory, type RetirementCategory } from '../../src/domain/retirement.js';

/**
 * 全国人大常委会关于实施渐进式延迟法定退休年龄的决定 (from 2025-01-01) and the 对照表 of its Measures:
 * men 60 → 63 and women cadres 55 → 58 by one month every four birth months; women workers 50 → 55 by
 * one month every two birth months.
 */
const label = (birthDate: string, category: RetirementCategory) => retirementAge(birthDate, category).label;

describe('statutory retirement age after the 2025 reform', () => {
  it('men: 60 before the 1965 cohort, then +1 month every 4 birth months, 63 from 1976-09', () => {
    expect(label('1964-12-31', 'male')).toBe('60岁');
    expect(label('1965-01-01', 'male')).toBe('60岁1个月');
    expect(label('1965-04-30', 'male')).toBe('60岁1个月');
    expect(label('1965-05-01', 'male')).toBe('60岁2个月');
    expect(label('1965-08-31', 'male')).toBe('60岁2个月');
    expect(label('1965-09-01', 'male')).toBe('60岁3个月');
    expect(label('1970-01-15', 'male')).toBe('61岁4个月');
    expect(label('1975-01-01', 'male')).toBe('62岁7个月');
    expect(label('1976-08-31', 'male')).toBe('62岁11个月');
    expect(label('1976-09-01', 'male')).toBe('63岁');
    expect(label('1990-05-05', 'male')).toBe('63岁');
  });

  it('women cadres (原55岁): 55 before 1970, +1 month every 4 birth months, 58 from 1981-09', () => {
    expect(label('1969-12-31', 'female-cadre')).toBe('55岁');
    expect(label('1970-01-01', 'female-cadre')).toBe('55岁1个月');
    expect(label('1970-04-30', 'female-cadre')).toBe('55岁1个月');
    expect(label('1970-05-01', 'female-cadre')).toBe('55岁2个月');
    expect(label('1981-08-31', 'female-cadre')).toBe('57岁11个月');
    expect(label('1981-09-01', 'female-cadre')).toBe('58岁');
  });

  it('women workers (原50岁): 50 before 1975, +1 month every 2 birth months, 55 from 1984-11', () => {
    expect(label('1974-12-31', 'female-worker')).toBe('50岁');
    expect(label('1975-01-01', 'female-worker')).toBe('50岁1个月');
    expect(label('1975-02-28', 'female-worker')).toBe('50岁1个月');
    expect(label('1975-03-01', 'female-worker')).toBe('50岁2个月');
    expect(label('1980-01-10', 'female-worker')).toBe('52岁7个月');
    expect(label('1984-10-31', 'female-worker')).toBe('54岁11个月');
    expect(label('1984-11-01', 'female-worker')).toBe('55岁');
  });

  it('gives the age in months and the delay', () => {
    expect(retirementAge('1965-01-10', 'male')).toMatchObject({ months: 721, delayMonths: 1, category: 'male' });
    expect(retirementAge('1960-01-10', 'male')).toMatchObject({ months: 720, delayMonths: 0 });
    expect(retirementAge('1999-01-10', 'female-worker')).toMatchObject({ months: 660, delayMonths: 60 });
  });

  it('dates the day the age is reached, clamping to the month end', () => {
    expect(retirementAge('1965-01-15', 'male').date).toBe('2025-02-15');
    expect(retirementAge('1965-01-31', 'male').date).toBe('2025-02-28');
    expect(retirementAge('1964-02-29', 'male').date).toBe('2024-02-29');
    expect(retirementAge('1963-02-28', 'male').date).toBe('2023-02-28');
    expect(retirementAge('1975-03-10', 'female-worker').date).toBe('2025-05-10');
    expect(retirementAge('1970-01-20', 'female-cadre').date).toBe('2025-02-20');
  });

  it('is reached on the retirement date, not the day before (001 附件3 一(三) flag boundary)', () => {
    const age = retirementAge('1965-01-15', 'male');
    expect(reachedRetirementAge(age, '2025-02-14')).toBe(false);
    expect(reachedRetirementAge(age, '2025-02-15')).toBe(true);
    expect(reachedRetirementAge(age, '2026-01-01')).toBe(true);
  });

  it('picks the schedule from gender and femaleCadre (women default to the 50-year rule)', () => {
    expect(retirementCategory('male')).toBe('male');
    expect(retirementCategory('male', true)).toBe('male');
    expect(retirementCategory('female')).toBe('female-worker');
    expect(retirementCategory('female', false)).toBe('female-worker');
    expect(retirementCategory('female', true)).toBe('female-cadre');
  });
});
