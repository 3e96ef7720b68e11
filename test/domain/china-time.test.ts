import { describe, expect, it } from 'vitest';
import { addDays, addYears, chinaDate, chinaDateTime, chinaInstant, dayBefore } from '../../src/domain/china-time.js';
import { fullYears, periodInterval, toDay } from '../../src/domain/periods.js';

describe('China time (Asia/Shanghai, UTC+8)', () => {
  it('chinaDate: the calendar date in UTC+8, from a Date or milliseconds', () => {
    expect(chinaDate(new Date('2026-06-14T16:00:00Z'))).toBe('2026-06-15');
    expect(chinaDate(new Date('2026-06-14T15:59:59Z'))).toBe('2026-06-14');
    expect(chinaDate(Date.parse('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
    expect(chinaDate(Date.parse('2026-04-15T09:00:00+08:00'))).toBe('2026-04-15');
    // Whatever the process time zone: no time-zone database involved.
    expect(chinaDate()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('chinaDateTime: an instant as wall-clock time with +08:00, seconds kept, fraction dropped', () => {
    expect(chinaDateTime('2026-10-09T15:59:59.000Z')).toBe('2026-10-09T23:59:59+08:00');
    expect(chinaDateTime('2026-10-09T23:59:59+08:00')).toBe('2026-10-09T23:59:59+08:00');
    expect(chinaDateTime(Date.parse('2026-10-09T16:00:00.750Z'))).toBe('2026-10-10T00:00:00+08:00');
    expect(chinaDateTime(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01T08:00:00+08:00');
  });

  it('chinaInstant: a China wall-clock time on a date, midnight by default', () => {
    expect(chinaInstant('2026-07-01')).toBe('2026-07-01T00:00:00+08:00');
    expect(chinaInstant('2026-10-09', '23:59:59')).toBe('2026-10-09T23:59:59+08:00');
    expect(new Date(chinaInstant('2026-10-09', '23:59:59')).toISOString()).toBe('2026-10-09T15:59:59.000Z');
    expect(chinaDate(Date.parse(chinaInstant('2026-03-01')))).toBe('2026-03-01');
  });

  it('addDays and dayBefore cross months, years and 29 February', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-05-10', 0)).toBe('2026-05-10');
    expect(addDays('2026-05-10', 365)).toBe('2027-05-10');
    expect(dayBefore('2031-01-01')).toBe('2030-12-31');
    expect(dayBefore('2028-03-01')).toBe('2028-02-29');
  });

  it('addYears: the anniversary; 29 February becomes 28 February in a year without it', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
    expect(addYears('2024-02-29', 5)).toBe('2029-02-28');
    expect(addYears('2026-06-15', 5)).toBe('2031-06-15');
    expect(addYears('2026-03-01', 3)).toBe('2029-03-01');
    expect(addYears('2025-02-28', 1)).toBe('2026-02-28');
    expect(addYears('2030-02-28', -6)).toBe('2024-02-28');
  });

  it('addYears agrees with how the domain counts "满 N 年": N full years are reached on addYears(start, N)', () => {
    for (const start of ['2024-02-29', '2023-03-01', '2020-02-29', '2021-12-31']) {
      for (const n of [1, 2, 3, 5]) {
        const reached = addYears(start, n);
        // fullYears counts a period [start, asOf); on the anniversary the N-th year is complete, the day before it is not.
        expect(fullYears([periodInterval(start, null, toDay(reached))!])).toBe(n);
        expect(fullYears([periodInterval(start, null, toDay(dayBefore(reached)))!])).toBe(n - 1);
      }
    }
  });
});
