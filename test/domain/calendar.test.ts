import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chineseDays from 'chinese-days';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  BUILT_IN_YEARS,
  builtInCalendar,
  type HolidaySchedule,
  isWorkingDay,
  MIN_PUBLICITY_WORKING_DAYS,
  parseHolidaySchedule,
  publicityWindow,
  ScheduleMissingError,
  WorkingDayCalendar,
} from '../../src/domain/calendar.js';
import { loadHolidaySchedules, loadWorkingDayCalendar } from '../../src/domain/holiday-loader.js';
import { DomainError } from '../../src/domain/issues.js';
import { datesBetween, weekday } from './codes-helpers.js';

const MIN_DAYS_RULE = '002 五(一)3；003 四(三)；000 附件3 三(二)1、三(三)：公示期不少于5个工作日';

/** A made-up schedule for a year nobody has a notice for: a test fixture, not an official notice. */
const FIXTURE_2031: HolidaySchedule = {
  year: 2031,
  source: 'test fixture (not an official notice)',
  holidays: datesBetween('2031-10-01', '2031-10-07'),
  workdays: ['2031-09-28', '2031-10-11'],
};

const thrown = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
};

const tmpDirs: string[] = [];
const tmp = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'pingpin-holidays-'));
  tmpDirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
};
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

describe('chinese-days coverage (DOMAIN.md §4: working days follow the State Council notice)', () => {
  it('chinese-days 1.5.7 has complete notices for exactly 2004–2026 (update config/holidays/README.md when this changes)', () => {
    expect(BUILT_IN_YEARS).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
    expect(builtInCalendar().hasSchedule(2026)).toBe(true);
    expect(builtInCalendar().hasSchedule(2027)).toBe(false);
    expect(builtInCalendar().hasSchedule(2003)).toBe(false);
  });

  it('agrees with chinese-days’ own isWorkday on every day of 2004–2026 (local-time dates, so in any TZ)', () => {
    const cal = builtInCalendar();
    const mismatches: string[] = [];
    for (const date of datesBetween('2004-01-01', '2026-12-31')) {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      if (cal.isWorkingDay(date) !== chineseDays.isWorkday(new Date(y, m - 1, d))) mismatches.push(date);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('2026 schedule (国务院办公厅关于2026年部分节假日安排的通知, via chinese-days)', () => {
  it.each([
    ['2026-01-01', false, '元旦 holiday (Thu)'],
    ['2026-01-02', false, '元旦 holiday (Fri)'],
    ['2026-01-04', true, 'make-up working day (Sun) for 元旦'],
    ['2026-02-13', true, 'Friday before 春节'],
    ['2026-02-14', true, 'make-up working day (Sat) before 春节'],
    ['2026-02-15', false, '春节 (Sun, first day of the break)'],
    ['2026-02-17', false, '春节 (Tue, 初一)'],
    ['2026-02-23', false, '春节 (Mon, last day of the break)'],
    ['2026-02-24', true, 'first working day after 春节'],
    ['2026-02-28', true, 'make-up working day (Sat) after 春节'],
    ['2026-03-01', false, 'plain Sunday'],
    ['2026-05-05', false, '劳动节 (Tue)'],
    ['2026-05-09', true, 'make-up working day (Sat) for 劳动节'],
    ['2026-09-20', true, 'make-up working day (Sun) for 国庆节'],
    ['2026-09-25', false, '中秋 (Fri)'],
    ['2026-09-28', true, 'Monday'],
    ['2026-10-01', false, '国庆节'],
    ['2026-10-07', false, '国庆节 (Wed, last day)'],
    ['2026-10-08', true, 'first working day after 国庆节'],
    ['2026-10-10', true, 'make-up working day (Sat) for 国庆节'],
    ['2026-10-11', false, 'plain Sunday'],
  ])('%s working=%s — %s', (date, working) => {
    expect(isWorkingDay(date)).toBe(working);
  });

  it('names the holiday and the kind of day', () => {
    const cal = builtInCalendar();
    expect(cal.day('2026-02-17')).toMatchObject({ working: false, kind: 'holiday', name: '春节', basis: { year: 2026, kind: 'chinese-days' } });
    expect(cal.day('2026-10-10')).toMatchObject({ working: true, kind: 'makeupWorkday', name: '国庆节' });
    expect(cal.day('2026-10-11')).toMatchObject({ working: false, kind: 'weekend' });
    expect(cal.day('2026-10-12')).toMatchObject({ working: true, kind: 'weekday' });
  });

  it('attributes a December 元旦 day to the next notice (2023 notice: 2022年12月31日至2023年1月2日放假)', () => {
    expect(builtInCalendar().day('2022-12-31')).toMatchObject({ working: false, kind: 'holiday', name: '元旦', basis: { year: 2023 } });
  });
});

describe('publicityWindow (DOMAIN.md §4; 002 五(一)3; 003 四(三); 000 附件3 三(二)1, 三(三))', () => {
  it('DOMAIN.md §4 example: posted Mon 2026-09-28, 5 days → 09-28, 09-29, 09-30, 10-08, 10-09; ends 2026-10-09 23:59:59+08:00 (10-10 make-up day not needed)', () => {
    expect(weekday('2026-09-28')).toBe(1);
    const w = publicityWindow('2026-09-28', 5);
    expect(w).toMatchObject({
      postedDate: '2026-09-28',
      startDate: '2026-09-28',
      endDate: '2026-10-09',
      endsAt: '2026-10-09T23:59:59+08:00',
      workdays: ['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09'],
      days: 5,
      basis: [{ year: 2026, kind: 'chinese-days' }],
      warnings: [],
    });
    expect(w.skipped.map((s) => s.date)).toEqual(datesBetween('2026-10-01', '2026-10-07'));
    expect(new Set(w.skipped.map((s) => s.name))).toEqual(new Set(['国庆节']));
    expect(Date.parse(w.endsAt)).toBe(Date.parse('2026-10-09T15:59:59Z'));
  });

  it('DOMAIN.md §4: posted on a National Day holiday (2026-10-01) → starts 10-08 and counts the make-up Saturday 10-10', () => {
    const w = publicityWindow('2026-10-01', 5);
    expect(w.startDate).toBe('2026-10-08');
    expect(w.workdays).toEqual(['2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13']);
    expect(w.endsAt).toBe('2026-10-13T23:59:59+08:00');
  });

  it('DOMAIN.md §4: posted on a make-up working day (Sat 2026-10-10) → the posting day counts', () => {
    const w = publicityWindow('2026-10-10', 5);
    expect(w.startDate).toBe('2026-10-10');
    expect(w.workdays).toEqual(['2026-10-10', '2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15']);
  });

  it('DOMAIN.md §4: posted on a make-up Sunday (2026-09-20) → counts, and 中秋 09-25 is skipped', () => {
    const w = publicityWindow('2026-09-20', 5);
    expect(w.workdays).toEqual(['2026-09-20', '2026-09-21', '2026-09-22', '2026-09-23', '2026-09-24']);
    const w6 = publicityWindow('2026-09-20', 6);
    expect(w6.workdays.at(-1)).toBe('2026-09-28');
    expect(w6.skipped).toEqual([
      { date: '2026-09-25', kind: 'holiday', name: '中秋' },
      { date: '2026-09-26', kind: 'holiday', name: '中秋' },
      { date: '2026-09-27', kind: 'holiday', name: '中秋' },
    ]);
  });

  it('DOMAIN.md §4: posted on a plain weekend (Sat 2026-03-07) → starts the next Monday', () => {
    const w = publicityWindow('2026-03-07', 5);
    expect(w.startDate).toBe('2026-03-09');
    expect(w.endDate).toBe('2026-03-13');
    expect(w.skipped).toEqual([
      { date: '2026-03-07', kind: 'weekend' },
      { date: '2026-03-08', kind: 'weekend' },
    ]);
  });

  it('Spring Festival 2026: posted Fri 02-13 → 02-13, Sat 02-14 (make-up), then 02-24…02-26 after the 02-15…02-23 break', () => {
    const w = publicityWindow('2026-02-13', 5);
    expect(w.workdays).toEqual(['2026-02-13', '2026-02-14', '2026-02-24', '2026-02-25', '2026-02-26']);
    expect(w.endsAt).toBe('2026-02-26T23:59:59+08:00');
    expect(w.skipped.map((s) => s.date)).toEqual(datesBetween('2026-02-15', '2026-02-23'));
    expect(w.skipped.every((s) => s.kind === 'holiday' && s.name === '春节')).toBe(true);
  });

  it('Spring Festival 2026: posted on 初一 (Tue 02-17) → starts 02-24 and ends on the make-up Saturday 02-28', () => {
    const w = publicityWindow('2026-02-17', 5);
    expect(w.startDate).toBe('2026-02-24');
    expect(w.workdays).toEqual(['2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28']);
    expect(w.endsAt).toBe('2026-02-28T23:59:59+08:00');
  });

  it('crosses a year: posted Mon 2025-12-29 → 12-29…12-31, 元旦 01-01…01-03 off, Sun 2026-01-04 make-up, Mon 01-05', () => {
    const w = publicityWindow('2025-12-29', 5);
    expect(w.workdays).toEqual(['2025-12-29', '2025-12-30', '2025-12-31', '2026-01-04', '2026-01-05']);
    expect(w.basis.map((b) => b.year)).toEqual([2025, 2026]);
  });

  it('longer periods: 10 working days over National Day 2026', () => {
    const w = publicityWindow('2026-09-28', 10);
    expect(w.workdays).toEqual(['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15']);
  });

  it.each([4, 3, 1, 0, -5])('002 五(一)3 / 003 四(三) / 000 附件3 三(二)1: 公示不少于5个工作日 — %i days refused', (days) => {
    const e = thrown(() => publicityWindow('2026-09-28', days));
    expect(e.issues).toEqual([
      expect.objectContaining({ code: 'publicity.minDays', field: 'days', rule: MIN_DAYS_RULE, expected: '>= 5', found: String(days) }),
    ]);
    expect(e.issue.message).toBe(`公示期不少于5个工作日（002 五(一)3；003 四(三)；000 附件3 三(二)1）：实为 ${days}`);
    expect(e.message).toContain('002 五(一)3; 003 四(三); 000 附件3 三(二)1');
  });

  it.each([4.5, Number.NaN, Number.POSITIVE_INFINITY])('002 五(一)3: a period is a whole number of working days — %s refused', (days) => {
    expect(thrown(() => publicityWindow('2026-09-28', days)).code).toBe('publicity.minDays');
  });

  it('002 五(一)3: exactly 5 is allowed (the minimum)', () => {
    expect(MIN_PUBLICITY_WORKING_DAYS).toBe(5);
    expect(publicityWindow('2026-06-01', 5).workdays).toHaveLength(5);
  });

  it.each(['2026-02-30', '2026-13-01', '2026/09/28', '20260928', '2026-9-28', '', 'today'])('refuses the start date %j naming the field', (start) => {
    const e = thrown(() => publicityWindow(start, 5));
    expect(e.issue).toMatchObject({ code: 'calendar.date', field: 'start', expected: 'YYYY-MM-DD' });
  });
});

describe('a year without an official schedule (DOMAIN.md §4)', () => {
  it('DOMAIN.md §4: is an error naming the year and config/holidays/<year>.json', () => {
    const e = thrown(() => publicityWindow('2031-09-26', 5));
    expect(e).toBeInstanceOf(ScheduleMissingError);
    expect(e).toMatchObject({ year: 2031, file: 'config/holidays/2031.json', code: 'calendar.scheduleMissing' });
    expect(e.issue.message).toContain('2031年的节假日安排未配置');
    expect(e.issue.message).toContain('config/holidays/2031.json');
    expect(e.issue.message).toContain('HOLIDAYS_WEEKENDS_ONLY=true');
  });

  it('DOMAIN.md §4: also when only the end of the period reaches the uncovered year (posted Mon 2026-12-28 → needs 2027)', () => {
    const e = thrown(() => publicityWindow('2026-12-28', 5));
    expect(e).toMatchObject({ year: 2027, file: 'config/holidays/2027.json' });
    expect(publicityWindow('2026-12-24', 5).endDate).toBe('2026-12-30');
  });

  it('DOMAIN.md §4: years before chinese-days’ data are not computed either', () => {
    expect(thrown(() => isWorkingDay('2003-06-02'))).toMatchObject({ year: 2003 });
    expect(thrown(() => addWorkingDays('2004-01-05', -10))).toMatchObject({ year: 2003 });
  });

  it('DOMAIN.md §4: with a config file the year is computed from it (fixture 2031: 10-01…07 off, Sun 09-28 and Sat 10-11 worked)', () => {
    const cal = new WorkingDayCalendar({ schedules: [FIXTURE_2031] });
    const w = cal.publicityWindow('2031-09-26', 5);
    expect(w.workdays).toEqual(['2031-09-26', '2031-09-28', '2031-09-29', '2031-09-30', '2031-10-08']);
    expect(w.basis).toEqual([{ year: 2031, kind: 'config', source: 'test fixture (not an official notice)' }]);
    expect(w.warnings).toEqual([]);
    expect(cal.isWorkingDay('2031-10-11')).toBe(true);
    expect(cal.isWorkingDay('2031-10-12')).toBe(false);
  });

  it('DOMAIN.md §4: with the weekends-only fallback explicitly allowed → Monday–Friday, with a warning', () => {
    const cal = new WorkingDayCalendar({ weekendsOnlyFallback: true });
    const w = cal.publicityWindow('2031-09-26', 5);
    expect(w.workdays).toEqual(['2031-09-26', '2031-09-29', '2031-09-30', '2031-10-01', '2031-10-02']);
    expect(w.basis).toEqual([expect.objectContaining({ year: 2031, kind: 'weekends-only' })]);
    expect(w.warnings).toEqual([expect.objectContaining({ code: 'calendar.weekendsOnly', found: '2031' })]);
    // the fallback does not touch years that have a schedule
    expect(cal.publicityWindow('2026-09-28', 5).endDate).toBe('2026-10-09');
    expect(cal.publicityWindow('2026-09-28', 5).warnings).toEqual([]);
  });

  it('the fallback is off unless asked for', () => {
    expect(() => new WorkingDayCalendar().isWorkingDay('2031-01-06')).toThrow(ScheduleMissingError);
    expect(() => new WorkingDayCalendar({ weekendsOnlyFallback: false }).isWorkingDay('2031-01-06')).toThrow(ScheduleMissingError);
  });
});

describe('operator schedules override chinese-days (config/holidays/README.md)', () => {
  it('config/holidays/2026.example.json is the 2026 notice: same status as chinese-days on every day of 2026', () => {
    const example = parseHolidaySchedule(JSON.parse(readFileSync('config/holidays/2026.example.json', 'utf8')), 'config/holidays/2026.example.json');
    const fromConfig = new WorkingDayCalendar({ builtIn: false, schedules: [example] });
    const differing = datesBetween('2026-01-01', '2026-12-31').filter((d) => fromConfig.isWorkingDay(d) !== isWorkingDay(d));
    expect(differing).toEqual([]);
    expect(fromConfig.publicityWindow('2026-09-28', 5).endDate).toBe('2026-10-09');
  });

  it('a file for a covered year replaces chinese-days for that year only', () => {
    const corrected: HolidaySchedule = { year: 2026, source: 'correction (test)', holidays: ['2026-09-28'], workdays: [] };
    const cal = new WorkingDayCalendar({ schedules: [corrected] });
    expect(cal.isWorkingDay('2026-09-28')).toBe(false);
    // everything chinese-days said about 2026 is gone (the file is the whole notice) …
    expect(cal.isWorkingDay('2026-10-01')).toBe(true);
    expect(cal.isWorkingDay('2026-10-10')).toBe(false);
    expect(cal.day('2026-10-01').basis).toMatchObject({ kind: 'config', year: 2026 });
    // … other years keep it
    expect(cal.isWorkingDay('2025-10-01')).toBe(false);
  });

  it('the loader reads <year>.json files only and checks the file name against "year"', () => {
    const dir = tmp({
      '2031.json': JSON.stringify(FIXTURE_2031),
      'README.md': '# not a schedule',
      '2030.example.json': '{ not even json',
    });
    const schedules = loadHolidaySchedules(dir);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({ year: 2031, file: join(dir, '2031.json') });
    const cal = loadWorkingDayCalendar(dir);
    expect(cal.publicityWindow('2031-09-26', 5).basis[0]).toMatchObject({ kind: 'config', source: `${join(dir, '2031.json')}：test fixture (not an official notice)` });
    expect(loadHolidaySchedules(join(dir, 'missing'))).toEqual([]);
  });

  it('a file whose name and year disagree is refused', () => {
    const dir = tmp({ '2032.json': JSON.stringify(FIXTURE_2031) });
    const e = thrown(() => loadHolidaySchedules(dir));
    expect(e.issue).toMatchObject({ code: 'calendar.config', field: `${join(dir, '2032.json')}#year`, expected: '2032', found: '2031' });
  });

  it('a file that is not JSON is refused naming the file', () => {
    const dir = tmp({ '2031.json': '{"year": 2031,' });
    expect(thrown(() => loadHolidaySchedules(dir)).issue).toMatchObject({ code: 'calendar.configJson', field: join(dir, '2031.json') });
  });

  const bad = (over: Record<string, unknown>): Record<string, unknown> => ({ ...FIXTURE_2031, ...over });
  it.each<[string, Record<string, unknown>, string]>([
    ['a weekday as make-up working day', bad({ workdays: ['2031-09-29'] }), 'workdays[0]'],
    ['an impossible date', bad({ holidays: ['2031-02-30'] }), 'holidays[0]'],
    ['a date of another year', bad({ holidays: ['2031-10-01', '2032-01-01'] }), 'holidays[1]'],
    ['a date in November of the year before', bad({ holidays: ['2030-11-30', '2031-10-01'] }), 'holidays[0]'],
    ['a date twice', bad({ holidays: ['2031-10-01', '2031-10-01'] }), 'holidays[1]'],
    ['a date both off and worked', bad({ holidays: ['2031-10-11'], workdays: ['2031-10-11'] }), 'workdays[0]'],
    ['no holidays', bad({ holidays: [] }), 'holidays'],
    ['no source', bad({ source: ' ' }), 'source'],
    ['an unknown field', bad({ holiday: ['2031-10-01'] }), ''],
    ['a string year', bad({ year: '2031' }), 'year'],
  ])('refuses %s, naming the entry', (_, json, path) => {
    const e = thrown(() => parseHolidaySchedule(json, 'config/holidays/2031.json'));
    expect(e.issues[0]).toMatchObject({ code: 'calendar.config', field: path ? `config/holidays/2031.json#${path}` : 'config/holidays/2031.json' });
  });

  it('accepts December dates of the year before (元旦 bridging) and lets them decide those days', () => {
    const s = parseHolidaySchedule(bad({ holidays: ['2030-12-31', ...FIXTURE_2031.holidays], workdays: ['2030-12-28', ...FIXTURE_2031.workdays] }));
    const cal = new WorkingDayCalendar({ schedules: [s], weekendsOnlyFallback: true });
    expect(cal.day('2030-12-31')).toMatchObject({ working: false, kind: 'holiday', basis: { year: 2031, kind: 'config' } });
    expect(cal.day('2030-12-28')).toMatchObject({ working: true, kind: 'makeupWorkday' });
  });

  it('refuses two schedules for one year, and contradicting schedules for one day', () => {
    expect(thrown(() => new WorkingDayCalendar({ schedules: [FIXTURE_2031, FIXTURE_2031] })).code).toBe('calendar.configDuplicate');
    const y2030: HolidaySchedule = { year: 2030, source: 'test', holidays: ['2030-12-28'], workdays: [] };
    const y2031: HolidaySchedule = { ...FIXTURE_2031, workdays: ['2030-12-28', ...FIXTURE_2031.workdays] };
    expect(thrown(() => new WorkingDayCalendar({ schedules: [y2030, y2031] })).code).toBe('calendar.configConflict');
  });
});

describe('addWorkingDays and isWorkingDay (DOMAIN.md §4)', () => {
  it.each([
    ['2026-09-30', 1, '2026-10-08'],
    ['2026-09-30', 3, '2026-10-10'],
    ['2026-10-08', -1, '2026-09-30'],
    ['2026-10-04', 1, '2026-10-08'],
    ['2026-10-04', 0, '2026-10-04'],
    ['2026-02-13', 2, '2026-02-24'],
    ['2026-02-24', -2, '2026-02-13'],
    ['2025-12-31', 1, '2026-01-04'],
    ['2026-03-06', 5, '2026-03-13'],
  ])('%s + %i working days = %s', (date, n, expected) => {
    expect(addWorkingDays(date, n)).toBe(expected);
  });

  it('refuses a non-integer count and a malformed date', () => {
    expect(() => addWorkingDays('2026-09-30', 1.5)).toThrow(RangeError);
    expect(thrown(() => isWorkingDay('2026-02-29')).code).toBe('calendar.date');
  });
});
