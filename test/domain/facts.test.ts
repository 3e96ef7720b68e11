import { describe, expect, it } from 'vitest';
import { parseApplicant } from '../../src/domain/applicant.js';
import { computeBanFacts, computeFacts } from '../../src/domain/facts.js';
import { codesOf, honourCodes } from '../../src/domain/honours.js';
import { addMonths, ageOn, anniversary, fullYears, periodInterval, toDay, union } from '../../src/domain/periods.js';
import { appointment, applicant, cert, honour, OCC, OTHER, post, title, work, type Obj } from './eligibility-fixtures.js';

const facts = (record: Obj, asOf: string) => computeFacts(parseApplicant(record, { asOf }), asOf);
const years = (from: string, to: string | null, asOf: string) => fullYears([periodInterval(from, to, toDay(asOf))!]);

describe('dates and 满 N 年', () => {
  it('anniversaries: Feb 29 → Feb 28 in non-leap years, Feb 29 again in leap years', () => {
    expect(anniversary('2020-02-29', 1)).toBe('2021-02-28');
    expect(anniversary('2020-02-29', 4)).toBe('2024-02-29');
    expect(anniversary('2019-03-01', 1)).toBe('2020-03-01');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2023-12-15', 1)).toBe('2024-01-15');
  });

  it('one continuous period: N years are reached on the N-th anniversary, not the day before', () => {
    expect(years('2020-03-10', null, '2025-03-10')).toBe(5);
    expect(years('2020-03-10', null, '2025-03-09')).toBe(4);
    expect(years('2020-02-29', null, '2021-02-28')).toBe(1);
    expect(years('2020-02-29', null, '2021-02-27')).toBe(0);
    expect(years('2020-02-29', null, '2024-02-28')).toBe(3);
    expect(years('2020-02-29', null, '2024-02-29')).toBe(4);
  });

  it('a closed period counts its last day: 03-01 … next year 02-28 is a full year', () => {
    expect(years('2021-03-01', '2022-02-28', '2030-01-01')).toBe(1);
    expect(years('2021-03-01', '2022-02-27', '2030-01-01')).toBe(0);
  });

  it('several periods: the summed days ≥ N × 365', () => {
    const asOf = toDay('2030-01-01');
    const a = periodInterval('2020-01-01', '2020-06-30', asOf)!; // 182 days
    const b = periodInterval('2021-01-01', '2021-07-02', asOf)!; // 183 days
    const c = periodInterval('2021-01-01', '2021-07-01', asOf)!; // 182 days
    expect(fullYears([a, b])).toBe(1);
    expect(fullYears([a, c])).toBe(0);
  });

  it('touching or overlapping periods are one continuous period', () => {
    const asOf = toDay('2030-01-01');
    const merged = union([periodInterval('2020-01-01', '2020-06-30', asOf)!, periodInterval('2020-07-01', null, asOf)!]);
    expect(merged).toHaveLength(1);
    const overlapping = [periodInterval('2020-01-01', '2021-06-30', asOf)!, periodInterval('2021-01-01', '2021-12-31', asOf)!];
    expect(fullYears(overlapping)).toBe(2);
  });

  it('age in completed years, Feb 29 birthdays on Feb 28', () => {
    expect(ageOn('1980-06-15', '2025-06-15')).toBe(45);
    expect(ageOn('1980-06-15', '2025-06-14')).toBe(44);
    expect(ageOn('1980-02-29', '2025-02-28')).toBe(45);
    expect(ageOn('1980-02-29', '2025-02-27')).toBe(44);
  });
});

describe('computeFacts', () => {
  it('counts work since a certificate in the same occupation or a related one only (002 四(一) "本职业或相关职业")', () => {
    const f = facts(
      applicant({
        certificates: [cert('1', '2020-01-01')],
        workHistory: [work('2020-01-01', '2020-12-31', OTHER, false), work('2021-01-01', '2021-12-31', OTHER, true), work('2022-01-01', null, OCC)],
      }),
      '2025-01-01',
    );
    // 2021 (related) + 2022…2024 (same code) form one continuous period of 4 years; 2020 is unrelated.
    expect(f.workYearsSinceCert1).toBe(4);
  });

  it('starts counting on the certificate date when it falls inside a work period', () => {
    const f = facts(applicant({ certificates: [cert('1', '2023-05-10')], workHistory: [work('2000-01-01')] }), '2024-05-10');
    expect(f.workYearsSinceCert1).toBe(1);
    expect(facts(applicant({ certificates: [cert('1', '2023-05-10')], workHistory: [work('2000-01-01')] }), '2024-05-09').workYearsSinceCert1).toBe(0);
  });

  it('uses the earliest certificate of a level in the occupation; other occupations do not count (002 四(一)1 "相应")', () => {
    const f = facts(
      applicant({
        certificates: [cert('1', '2018-01-01', OTHER), cert('1', '2021-01-01'), cert('1', '2022-01-01'), cert('2', '2015-01-01')],
        workHistory: [work('2000-01-01')],
      }),
      '2025-01-01',
    );
    expect(f).toMatchObject({ hasCert1: true, cert1Date: '2021-01-01', workYearsSinceCert1: 4, hasCert2: true, workYearsSinceCert2: 10, hasCertT: false, workYearsSinceCertT: 0 });
  });

  it('counts a related occupation\'s 高级技师 certificate only for hasCert1OrRelated (000 附件3 二(一) "相关职业")', () => {
    const f = facts(applicant({ certificates: [cert('1', '2018-01-01', OTHER, { related: true })] }), '2025-01-01');
    expect(f.hasCert1).toBe(false);
    expect(f.hasCert1OrRelated).toBe(true);
  });

  it('ignores what is dated after the evaluation date', () => {
    const f = facts(
      applicant({
        certificates: [cert('1', '2026-01-01')],
        titles: [title('senior', '2026-01-01')],
        honors: [honour('china-skill-award', 'national', {}, '2026-01-01')],
        appointments: [appointment('2026-01-01')],
        workHistory: [work('2000-01-01')],
      }),
      '2025-06-01',
    );
    expect(f).toMatchObject({ hasCert1: false, hasTitleSenior: false, honours: [], appointedT: false });
  });

  it('高级职称 includes 正高级; only related titles count (002 四(一)2, 四(二)3)', () => {
    const f = facts(
      applicant({ titles: [title('full-senior', '2021-01-01'), title('senior', '2019-01-01', false)], workHistory: [work('2000-01-01')] }),
      '2025-01-01',
    );
    expect(f).toMatchObject({
      hasTitleSenior: true,
      titleSeniorDate: '2021-01-01',
      workYearsSinceTitleSenior: 4,
      hasTitleFullSenior: true,
      workYearsSinceTitleFullSenior: 4,
    });
  });

  it('counts years on 高级技师 posts (level "1") only (003 三(一)2)', () => {
    const f = facts(applicant({ posts: [post('2015-01-01', '2019-12-31', '2'), post('2020-01-01', null, '1')] }), '2025-01-01');
    expect(f.postYears1).toBe(5);
    expect(facts(applicant({ posts: [post('2020-01-01', null, '1')] }), '2024-12-31').postYears1).toBe(4);
  });

  it('counts years appointed 特级技师, including ended appointments (000 附件3 二(二) "评聘满3年")', () => {
    const f = facts(applicant({ appointments: [appointment('2019-01-01', '2021-12-31'), appointment('2022-01-01', null, 'S')] }), '2025-01-01');
    expect(f).toMatchObject({ appointedT: true, appointedTNow: false, appointedTYears: 3 });
    const now = facts(applicant({ appointments: [appointment('2023-01-01')] }), '2025-01-01');
    expect(now).toMatchObject({ appointedT: true, appointedTNow: true, appointedTYears: 2 });
  });

  it('knows whether the applicant works in the occupation or a related one on the evaluation date', () => {
    expect(facts(applicant({ workHistory: [work('2000-01-01', null, OTHER, true)] }), '2025-01-01').inRelatedWorkNow).toBe(true);
    expect(facts(applicant({ workHistory: [work('2000-01-01', '2024-12-31')] }), '2025-01-01').inRelatedWorkNow).toBe(false);
    expect(facts(applicant({ workHistory: [work('2000-01-01', null, OTHER, false)] }), '2025-01-01').inRelatedWorkNow).toBe(false);
  });

  it('computes age, nationality, attestations and the retirement schedule', () => {
    const f = facts(applicant({ birthDate: '1975-03-10', gender: 'female', nationality: 'HK', attestations: undefined }), '2025-05-10');
    expect(f).toMatchObject({
      age: 50,
      chineseNationality: false,
      retirementCategory: 'female-worker',
      retirementAge: '50岁2个月',
      retirementAgeMonths: 602,
      retirementDate: '2025-05-10',
      beyondRetirementAge: true,
      lawAbiding: null,
      ethics: null,
      fit: null,
    });
    expect(facts(applicant({ birthDate: '1975-03-10', gender: 'female' }), '2025-05-09').beyondRetirementAge).toBe(false);
    expect(facts(applicant({ birthDate: '1975-03-10', gender: 'female', femaleCadre: true }), '2025-05-10')).toMatchObject({
      retirementCategory: 'female-cadre',
      retirementAge: '56岁4个月',
      beyondRetirementAge: false,
    });
  });

  it('is a flat object of numbers, booleans, strings, nulls and lists of codes (DMN input)', () => {
    const f = facts(applicant({ honors: [honour('technical-expert', 'national')] }), '2025-01-01');
    for (const [key, value] of Object.entries(f)) {
      const ok = value === null || ['number', 'boolean', 'string'].includes(typeof value) || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
      expect(ok, key).toBe(true);
    }
  });
});

describe('honour codes', () => {
  it('gives type, type:tier, graded, issuer and head-coach codes', () => {
    expect(codesOf({ type: 'technical-expert', tier: 'provincial', awardedOn: '2020-01-01' })).toEqual(['technical-expert', 'technical-expert:provincial']);
    expect(codesOf({ type: 'national-competition', tier: 'national', grade: 1, awardedOn: '2020-01-01' })).toEqual([
      'national-competition',
      'national-competition:national',
      'national-competition:national:1',
    ]);
    expect(codesOf({ type: 'enterprise-contribution-award', tier: 'enterprise', issuer: 'fortune-global-500', awardedOn: '2020-01-01' })).toContain(
      'enterprise-contribution-award:fortune-global-500',
    );
    expect(codesOf({ type: 'coach', tier: 'world', headCoach: true, awardedOn: '2020-01-01' })).toContain('coach:world:head');
    expect(codesOf({ type: 'coach', tier: 'world', headCoach: false, awardedOn: '2020-01-01' })).not.toContain('coach:world:head');
  });

  it('lists the honours held on the date, sorted, without duplicates; awardedOn on the date counts', () => {
    const list = [
      { type: 'model-worker' as const, tier: 'city' as const, awardedOn: '2025-01-01' },
      { type: 'model-worker' as const, tier: 'city' as const, awardedOn: '2019-01-01' },
      { type: 'china-skill-award' as const, tier: 'national' as const, awardedOn: '2025-01-02' },
    ];
    expect(honourCodes(list, '2025-01-01')).toEqual(['model-worker', 'model-worker:city']);
  });
});

describe('ban facts (003 六(四); 002 七(四))', () => {
  it('is in force through its last day and not after', () => {
    expect(computeBanFacts({ person: { until: '2030-05-01' } }, '2030-05-01')).toMatchObject({ personBanned: true, personBanUntil: '2030-05-01' });
    expect(computeBanFacts({ person: { until: '2030-05-01' } }, '2030-05-02')).toMatchObject({ personBanned: false, personBanUntil: null });
  });

  it('takes true (end unknown), false and absence', () => {
    expect(computeBanFacts({ person: true, enterprise: false }, '2025-01-01')).toEqual({
      personBanned: true,
      personBanUntil: null,
      enterpriseBanned: false,
      enterpriseBanUntil: null,
    });
    expect(computeBanFacts(undefined, '2025-01-01')).toMatchObject({ personBanned: false, enterpriseBanned: false });
    expect(computeBanFacts({ enterprise: {} }, '2025-01-01')).toMatchObject({ enterpriseBanned: true, enterpriseBanUntil: null });
  });
});
