/**
 * China time (Asia/Shanghai): the one place that turns instants into China calendar dates and
 * wall-clock times and back, and that adds days and years to `YYYY-MM-DD` dates.
 *
 * China keeps one time zone, UTC+8, with no daylight saving since 1991, so the conversions are plain
 * arithmetic: no time-zone database, no dependence on the process's TZ. The registry's "today", the
 * workers' "today" on the engine clock, the daily digest and the demo all read their dates here.
 * Pure: no clock (callers pass the instant), no I/O.
 */
import { anniversary } from './periods.js';

const DAY_MS = 86_400_000;
const OFFSET_MS = 8 * 3_600_000;

/** The China offset as ISO 8601 writes it. */
export const CHINA_OFFSET = '+08:00';

/** The calendar date (`YYYY-MM-DD`) in China at an instant; default now. */
export function chinaDate(at: Date | number = Date.now()): string {
  return new Date(+at + OFFSET_MS).toISOString().slice(0, 10);
}

/** An instant as China wall-clock time, `YYYY-MM-DDTHH:mm:ss+08:00` (seconds, no fraction). */
export function chinaDateTime(instant: string | Date | number): string {
  const ms = typeof instant === 'string' ? new Date(instant).getTime() : +instant;
  return `${new Date(ms + OFFSET_MS).toISOString().slice(0, 19)}${CHINA_OFFSET}`;
}

/**
 * The instant of a China wall-clock time on a date, ISO 8601 with offset, the form the timers and
 * the registry take: `chinaInstant('2026-10-09', '23:59:59')` = `2026-10-09T23:59:59+08:00`.
 */
export const chinaInstant = (date: string, time = '00:00:00'): string => `${date}T${time}${CHINA_OFFSET}`;

/** `date` + `n` days (n may be negative). */
export function addDays(date: string, n: number): string {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + n * DAY_MS).toISOString().slice(0, 10);
}

/** The day before `date`. */
export const dayBefore = (date: string): string => addDays(date, -1);

/**
 * `date` + `n` years: the n-th anniversary, as the domain counts years ("满 N 年", the management
 * period, bans, retention; java.time's `plusYears`): 29 February becomes 28 February in a year
 * without it, so 2024-02-29 + 1 year = 2025-02-28.
 */
export const addYears = (date: string, n: number): string => anniversary(date, n);
