/**
 * java.time's parsers, as Zeebe runs them on timer values: ZonedDateTime.parse, Period.parse and
 * Duration.parse, with java.time's rules (int fields, leap years, offsets up to ±18:00) and its
 * error messages, which Zeebe passes on to the deployment rejection or the incident. Pure: no
 * engine types, no clock. Calendar helpers (days in a month, UTC wall time for any year) are shared
 * with the cron module.
 *
 * Deliberate deviations:
 * - Zone ids are checked with Intl (case-insensitive, aliases accepted); Java is case-sensitive.
 * - java.time parse error texts are reproduced for the common failures; rarer ones are close but
 *   may differ in detail.
 */
import { IANAZone } from 'luxon';

/** java.time's DateTimeParseException: the text and why it could not be parsed, in Java's words. */
export class DateTimeParseError extends Error {}

const MONTH_NAMES = [
  'JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE',
  'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER',
] as const;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Epoch ms of a UTC wall time, for any year (Date.UTC maps years 0-99 to 1900-1999). */
export function utcMillis(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const date = new Date(Date.UTC(2000, 0, 1, h, mi, s, ms));
  date.setUTCFullYear(y, mo - 1, d);
  return date.getTime();
}

/**
 * java.time ZonedDateTime.parse (ISO_ZONED_DATE_TIME): `yyyy-MM-ddTHH:mm[:ss[.fffffffff]]` then a
 * mandatory offset (`Z` or `±HH:MM[:SS]`) then an optional `[zone id]`. The offset decides the
 * instant; the zone id (if any) is the zone later calendar arithmetic happens in.
 */
export function parseZonedDateTime(text: string): { at: number; zone: string } {
  const fail = (index: number): never => {
    throw new DateTimeParseError(`Text '${text}' could not be parsed at index ${index}`);
  };
  const invalid = (detail: string): never => {
    throw new DateTimeParseError(`Text '${text}' could not be parsed: ${detail}`);
  };
  let i = 0;
  const digits = (min: number, max: number): number => {
    let j = i;
    while (j < text.length && j - i < max && text[j]! >= '0' && text[j]! <= '9') j++;
    if (j - i < min) fail(i);
    const n = Number(text.slice(i, j));
    i = j;
    return n;
  };
  const literal = (chars: string): void => {
    if (i >= text.length || !chars.includes(text[i]!)) fail(i);
    i++;
  };
  // year: four digits, or a sign and more
  let sign = 1;
  if (text[i] === '+' || text[i] === '-') {
    sign = text[i] === '-' ? -1 : 1;
    i++;
  }
  const yearStart = i;
  const year = sign * digits(4, sign === 1 && yearStart === 0 ? 4 : 10);
  literal('-');
  const month = digits(2, 2);
  literal('-');
  const day = digits(2, 2);
  literal('Tt');
  const hour = digits(2, 2);
  literal(':');
  const minute = digits(2, 2);
  let second = 0;
  let millis = 0;
  if (text[i] === ':') {
    i++;
    second = digits(2, 2);
    if (text[i] === '.') {
      i++;
      const fracStart = i;
      while (i < text.length && i - fracStart < 9 && text[i]! >= '0' && text[i]! <= '9') i++;
      millis = Number(text.slice(fracStart, i).padEnd(9, '0').slice(0, 3));
    }
  }
  // offset
  let offsetSeconds: number;
  if (text[i] === 'Z' || text[i] === 'z') {
    offsetSeconds = 0;
    i++;
  } else if (text[i] === '+' || text[i] === '-') {
    const offsetSign = text[i] === '-' ? -1 : 1;
    i++;
    const oh = digits(2, 2);
    literal(':');
    const om = digits(2, 2);
    let os = 0;
    if (text[i] === ':') {
      i++;
      os = digits(2, 2);
    }
    if (oh > 18) invalid(`Zone offset hours not in valid range: value ${oh} is not in the range -18 to 18`);
    if (om > 59) invalid(`Zone offset minutes not in valid range: value ${om} is not in the range -59 to 59`);
    if (os > 59) invalid(`Zone offset seconds not in valid range: value ${os} is not in the range -59 to 59`);
    offsetSeconds = offsetSign * (oh * 3600 + om * 60 + os);
    if (Math.abs(offsetSeconds) > 18 * 3600) invalid('Zone offset not in valid range: -18:00 to +18:00');
  } else {
    return fail(i);
  }
  // optional [zone id]
  let zone: string | undefined;
  if (text[i] === '[') {
    const close = text.indexOf(']', i + 1);
    const id = close < 0 ? '' : text.slice(i + 1, close);
    zone = close < 0 ? undefined : zoneIdToLuxon(id);
    if (zone === undefined) fail(i + 1);
    i = close + 1;
  }
  if (i < text.length) {
    throw new DateTimeParseError(`Text '${text}' could not be parsed, unparsed text found at index ${i}`);
  }
  if (month < 1 || month > 12) invalid(`Invalid value for MonthOfYear (valid values 1 - 12): ${month}`);
  if (day < 1 || day > 31) invalid(`Invalid value for DayOfMonth (valid values 1 - 28/31): ${day}`);
  if (hour > 23) invalid(`Invalid value for HourOfDay (valid values 0 - 23): ${hour}`);
  if (minute > 59) invalid(`Invalid value for MinuteOfHour (valid values 0 - 59): ${minute}`);
  if (second > 59) invalid(`Invalid value for SecondOfMinute (valid values 0 - 59): ${second}`);
  if (day > daysInMonth(year, month)) {
    invalid(
      month === 2 && day === 29
        ? `Invalid date 'February 29' as '${year}' is not a leap year`
        : `Invalid date '${MONTH_NAMES[month - 1]} ${day}'`,
    );
  }
  const at = utcMillis(year, month, day, hour, minute, second, millis) - offsetSeconds * 1000;
  return { at, zone: zone ?? fixedZone(offsetSeconds) };
}

/** A luxon zone name for a fixed offset (luxon zones have minute precision). */
function fixedZone(offsetSeconds: number): string {
  const minutes = Math.trunc(offsetSeconds / 60);
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
}

/** A java.time zone id (region, `Z`, `UTC`, `GMT`, `UT`, or an offset) as a luxon zone name. */
function zoneIdToLuxon(id: string): string | undefined {
  if (id === 'Z' || id === 'UTC' || id === 'GMT' || id === 'UT') return 'UTC';
  const offset = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(id);
  if (offset) {
    const seconds = Number(offset[2]) * 3600 + Number(offset[3] ?? 0) * 60 + Number(offset[4] ?? 0);
    return seconds > 18 * 3600 ? undefined : fixedZone((offset[1] === '-' ? -1 : 1) * seconds);
  }
  return /^[A-Za-z][A-Za-z0-9~/._+-]+$/.test(id) && IANAZone.isValidZone(id) ? id : undefined;
}

/** Java's int range: Period's fields, and the repetition counts and cron values that Java reads as ints. */
export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;

/** java.time Period.parse: `[±]P[nY][nM][nW][nD]`, case-insensitive, int fields, weeks folded into days. */
export function parsePeriod(text: string): { years: number; months: number; days: number } {
  const failure = () => new DateTimeParseError('Text cannot be parsed to a Period');
  const m = /^([-+]?)P(?:([-+]?[0-9]+)Y)?(?:([-+]?[0-9]+)M)?(?:([-+]?[0-9]+)W)?(?:([-+]?[0-9]+)D)?$/i.exec(text);
  if (!m || (m[2] === undefined && m[3] === undefined && m[4] === undefined && m[5] === undefined)) throw failure();
  const negate = m[1] === '-' ? -1 : 1;
  const int = (s: string | undefined): number => {
    if (s === undefined) return 0;
    const n = Number(s) * negate;
    if (!Number.isSafeInteger(n) || n < INT_MIN || n > INT_MAX) throw failure();
    return n;
  };
  const years = int(m[2]);
  const months = int(m[3]);
  const days = int(m[4]) * 7 + int(m[5]);
  if (days < INT_MIN || days > INT_MAX) throw failure();
  return { years: years + 0, months: months + 0, days: days + 0 };
}

/**
 * java.time Duration.parse: `[±]P[nD][T[nH][nM][n[.fffffffff]S]]`, case-insensitive; returns the
 * length floored to milliseconds (Duration.toMillis).
 */
export function parseJavaDuration(text: string): number {
  const m =
    /^([-+]?)P(?:([-+]?[0-9]+)D)?(T(?:([-+]?[0-9]+)H)?(?:([-+]?[0-9]+)M)?(?:([-+]?[0-9]+)(?:[.,]([0-9]{0,9}))?S)?)?$/i.exec(
      text,
    );
  if (!m || m[3]?.toUpperCase() === 'T' || (m[2] === undefined && m[4] === undefined && m[5] === undefined && m[6] === undefined)) {
    throw new DateTimeParseError('Text cannot be parsed to a Duration');
  }
  const LONG_MAX = 9223372036854775807n;
  const part = (s: string | undefined, seconds: bigint, name: string): bigint => {
    if (s === undefined) return 0n;
    const v = BigInt(s) * seconds;
    if (v > LONG_MAX || v < -LONG_MAX - 1n) throw new DateTimeParseError(`Text cannot be parsed to a Duration: ${name}`);
    return v;
  };
  const seconds = part(m[2], 86400n, 'days') + part(m[4], 3600n, 'hours') + part(m[5], 60n, 'minutes') + part(m[6], 1n, 'seconds');
  if (seconds > LONG_MAX || seconds < -LONG_MAX - 1n) throw new DateTimeParseError('Text cannot be parsed to a Duration: overflow');
  let nanos = m[7] ? BigInt(m[7].padEnd(9, '0')) : 0n;
  if (m[6]?.startsWith('-')) nanos = -nanos;
  let total = seconds * 1_000_000_000n + nanos;
  if (m[1] === '-') total = -total;
  const floorMs = total >= 0n ? total / 1_000_000n : -((-total + 999_999n) / 1_000_000n);
  return Number(floorMs);
}
