/**
 * Calendar dates and periods for the eligibility facts: `YYYY-MM-DD` dates as day numbers, anniversaries
 * with the Feb 29 → Feb 28 rule, unions of work periods, and "满 N 年" (full years) as docs/eligibility.md
 * defines it:
 * - one continuous period: N full years are reached on the N-th anniversary of its start (a start on
 *   Feb 29 has its anniversaries on Feb 28 in non-leap years);
 * - several periods: the summed days are ≥ N × 365.
 * Pure: no clock, no I/O.
 */

/** Days since 1970-01-01 (UTC); the unit of all period arithmetic here. */
export type Day = number;

const MS_PER_DAY = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days in a month (1-based), Gregorian. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** `YYYY-MM-DD` shaped (not necessarily a real date). */
export const isDateShaped = (value: string): boolean => DATE.test(value);

/** A real calendar date written `YYYY-MM-DD` (year 1900–2199, so typos like 0202 are caught). */
export function isValidDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 1900 && year <= 2199 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function parts(date: string): [number, number, number] {
  const m = DATE.exec(date);
  if (!m || !isValidDate(date)) throw new RangeError(`not a YYYY-MM-DD date: '${date}'`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function toDay(date: string): Day {
  const [y, m, d] = parts(date);
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

export function fromDay(day: Day): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * The date `months` calendar months after `date`, the day clamped to the month's length: 2024-01-31
 * + 1 month = 2024-02-29; 2020-02-29 + 12 months = 2021-02-28.
 */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const day = Math.min(d, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The N-th anniversary of `date` (Feb 29 → Feb 28 in non-leap years). */
export const anniversary = (date: string, years: number): string => addMonths(date, years * 12);

/** Completed years of age on `asOf` (a Feb 29 birthday is reached on Feb 28 in non-leap years). */
export function ageOn(birthDate: string, asOf: string): number {
  const [by] = parts(birthDate);
  const [ay] = parts(asOf);
  let years = ay - by;
  if (years > 0 && toDay(anniversary(birthDate, years)) > toDay(asOf)) years -= 1;
  return Math.max(0, years);
}

/** A half-open range of days [start, end). */
export interface Interval {
  start: Day;
  end: Day;
}

/**
 * A dated period as the applicant record gives it (`from`, `to` inclusive, `to` null = ongoing) as
 * a half-open interval ending at most at `asOf`: a day counts once it has passed, so on `asOf` the
 * elapsed time of an ongoing period is asOf − from. Null when the period starts on or after `asOf`.
 */
export function periodInterval(from: string, to: string | null | undefined, asOf: Day): Interval | null {
  const start = toDay(from);
  const end = Math.min(to ? toDay(to) + 1 : asOf, asOf);
  return end > start ? { start, end } : null;
}

/** Sorted, overlapping or touching intervals merged: the continuous periods of a union. */
export function union(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/** The parts of the intervals on or after `from`. */
export function since(intervals: readonly Interval[], from: Day): Interval[] {
  return intervals.flatMap((i) => (i.end > from ? [{ start: Math.max(i.start, from), end: i.end }] : []));
}

export const totalDays = (intervals: readonly Interval[]): number => intervals.reduce((s, i) => s + (i.end - i.start), 0);

/**
 * Full years ("满 N 年") of the union of the intervals: for one continuous period the number of
 * anniversaries of its start reached by its end; for several, ⌊summed days / 365⌋.
 */
export function fullYears(intervals: readonly Interval[]): number {
  const merged = union(intervals);
  if (merged.length === 0) return 0;
  if (merged.length === 1) {
    const { start, end } = merged[0]!;
    const startDate = fromDay(start);
    // A first guess from the day count, corrected against the real anniversaries.
    let years = Math.floor((end - start) / 366);
    while (toDay(anniversary(startDate, years + 1)) <= end) years += 1;
    return years;
  }
  return Math.floor(totalDays(merged) / 365);
}
