/**
 * Cron as Zeebe runs it: cron-utils 9.2.1 with the SPRING53 definition (6 fields, seconds first;
 * `?`, `L`, `W`, `LW`, `#`, names, the @yearly … @hourly macros, and cron-utils' `|` / `||`
 * alternatives), with cron-utils' error messages, which Zeebe passes on to the deployment rejection
 * or the incident. Executions are computed in UTC, the JVM default zone in Camunda's images. Pure:
 * no engine types; the caller passes the instant to search from.
 *
 * Deliberate deviations (all in corners): a day-of-week range ending in 7/SUN (MON-SUN) includes
 * Sunday (cron-utils forgets it), "L" alone in day-of-week means Saturday, and "nW" past the
 * month's end matches nothing (cron-utils throws). Everything else follows cron-utils 9.2.1 SPRING53.
 */
import { daysInMonth, INT_MAX, INT_MIN, utcMillis } from './java-time.js';

/** cron-utils' IllegalArgumentException: why an expression is not valid cron, in its words. */
export class CronParseError extends Error {}

/** The next execution of a cron expression strictly after `fromMs` (UTC), or undefined if none. */
export function nextCronExecution(cron: string, fromMs: number): number | undefined {
  let best: number | undefined;
  for (const single of cachedCron(cron).alternatives) {
    const next = nextSingleCronExecution(single, fromMs);
    if (next !== undefined && (best === undefined || next < best)) best = next;
  }
  return best;
}

const cronCache = new Map<string, CronSchedule>();

/** Parsed cron expressions, kept (bounded) since a stored timer is re-read at each firing. */
export function cachedCron(text: string): CronSchedule {
  let parsed = cronCache.get(text);
  if (!parsed) {
    parsed = parseCron(text);
    if (cronCache.size >= 500) cronCache.delete(cronCache.keys().next().value as string);
    cronCache.set(text, parsed);
  }
  return parsed;
}

export interface CronSchedule {
  readonly text: string;
  /** More than one for cron-utils' composite forms (`a || b`, `0 0 9|17 * * *`): the earliest wins. */
  readonly alternatives: readonly SingleCron[];
}

interface SingleCron {
  readonly seconds: ReadonlySet<number>;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly dayOfMonth: FieldExpr;
  readonly dayOfWeek: FieldExpr;
}

type FieldName = 'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek';

/** A parsed cron field (cron-utils' FieldExpression). `time`/`nth` are -1 when absent. */
type FieldExpr =
  | { readonly t: 'always' }
  | { readonly t: 'question' }
  | { readonly t: 'on'; readonly time: number; readonly special: 'NONE' | 'L' | 'W' | 'LW' | 'HASH'; readonly nth: number }
  | { readonly t: 'between'; readonly from: number; readonly to: number }
  | { readonly t: 'every'; readonly base: FieldExpr | undefined; readonly period: number }
  | { readonly t: 'and'; readonly items: readonly FieldExpr[] };

interface FieldSpec {
  readonly start: number;
  readonly end: number;
  readonly strict: boolean;
  readonly names: Readonly<Record<string, number>>;
  /** cron-utils int mapping: day-of-week 7 → 0 (applied to single values, not range ends). */
  readonly map7to0: boolean;
  readonly specials: ReadonlySet<'L' | 'W' | 'LW' | 'HASH' | 'QUESTION'>;
}

const MONTH_ABBREVIATIONS: Record<string, number> = {
  JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12,
};
const DAY_ABBREVIATIONS: Record<string, number> = { MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6, SUN: 7 };

const FIELDS: Record<FieldName, FieldSpec> = {
  second: { start: 0, end: 59, strict: true, names: {}, map7to0: false, specials: new Set() },
  minute: { start: 0, end: 59, strict: true, names: {}, map7to0: false, specials: new Set() },
  hour: { start: 0, end: 23, strict: true, names: {}, map7to0: false, specials: new Set() },
  dayOfMonth: { start: 1, end: 31, strict: false, names: {}, map7to0: false, specials: new Set(['L', 'W', 'LW', 'QUESTION']) },
  month: { start: 1, end: 12, strict: false, names: MONTH_ABBREVIATIONS, map7to0: false, specials: new Set() },
  dayOfWeek: { start: 0, end: 7, strict: false, names: DAY_ABBREVIATIONS, map7to0: true, specials: new Set(['L', 'HASH', 'QUESTION']) },
};

const FIELD_ORDER: readonly FieldName[] = ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'];

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

/** Java's String.split: trailing empty strings are dropped. */
function javaSplit(text: string, separator: string | RegExp): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** cron-utils CronParser.parse with the SPRING53 definition. Messages are cron-utils'. */
function parseCron(expression: string): CronSchedule {
  const replaced = expression.replace(/\s+/g, ' ').trim();
  if (replaced === '') throw new CronParseError('Empty expression!');
  if (expression.startsWith('@')) {
    const nickname = NICKNAMES[expression];
    if (nickname !== undefined) return parseCron(nickname);
    if (expression === '@reboot') throw new CronParseError('Nickname @reboot not supported!');
  }
  if (expression.includes('||')) {
    const alternatives = javaSplit(expression, '||').flatMap((part) => parseCron(part).alternatives);
    return { text: expression, alternatives };
  }
  if (expression.includes('|')) {
    const words = javaSplit(expression, /\s+/);
    const count = Math.max(0, ...words.map((w) => javaSplit(w, '|').length));
    const alternatives: SingleCron[] = [];
    for (let j = 0; j < count; j++) {
      const text = words
        .map((w) => {
          if (!w.includes('|')) return w;
          const options = javaSplit(w, '|');
          if (j >= options.length) throw new CronParseError(`Index ${j} out of bounds for length ${options.length}`);
          return options[j]!;
        })
        .join(' ');
      alternatives.push(...parseCron(text).alternatives);
    }
    return { text: expression, alternatives };
  }
  const parts = replaced.toUpperCase().split(' ');
  const trailingComma = parts.find((p) => p.endsWith(','));
  if (trailingComma !== undefined) {
    throw new CronParseError(`Invalid field value! Trailing commas not permitted! '${trailingComma}'`);
  }
  if (parts.length !== 6) {
    throw new CronParseError(`Cron expression contains ${parts.length} parts but we expect one of [6]`);
  }
  try {
    const fields = FIELD_ORDER.map((name, i) => {
      const spec = FIELDS[name];
      let part = parts[i]!;
      // CronParserField: "FRIL" means "5L"
      if (name === 'dayOfWeek' && part.endsWith('L')) {
        const mapped = spec.names[part.slice(0, -1)];
        if (mapped !== undefined) part = `${mapped}L`;
      }
      const expr = parseField(part, spec);
      validateField(expr, part, spec);
      return expr;
    });
    const [second, minute, hour, dayOfMonth, month, dayOfWeek] = fields as [FieldExpr, FieldExpr, FieldExpr, FieldExpr, FieldExpr, FieldExpr];
    const single: SingleCron = {
      seconds: valueSet(second, FIELDS.second),
      minutes: valueSet(minute, FIELDS.minute),
      hours: valueSet(hour, FIELDS.hour),
      months: valueSet(month, FIELDS.month),
      dayOfMonth,
      dayOfWeek,
    };
    return { text: expression, alternatives: [single] };
  } catch (err) {
    if (err instanceof CronParseError) throw new CronParseError(`Failed to parse cron expression. ${err.message}`);
    throw err;
  }
}

/** cron-utils FieldParser.parse. */
function parseField(expression: string, spec: FieldSpec): FieldExpr {
  if (!/[/,-]/.test(expression)) {
    if (expression.includes('?') && !spec.specials.has('QUESTION')) {
      throw new CronParseError(`Invalid expression: ${expression}`);
    }
    if (expression === '*') return { t: 'always' };
    if (expression === '?') return { t: 'question' };
    return parseOn(expression, spec);
  }
  const list = javaSplit(expression, ',');
  if (list.length > 1) return { t: 'and', items: list.map((item) => parseField(item, spec)) };
  const range = javaSplit(expression, '-');
  if (expression.includes('-') && range.length !== 2) throw new CronParseError(`Missing values for range: ${expression}`);
  if (range[0] === 'L') {
    // day-of-month "L-3": three days before the last
    return { t: 'on', time: -1, special: 'L', nth: toInteger(range[1] ?? '', spec) };
  }
  if (range.length > 1) {
    const [from = '', to = ''] = range;
    if (from === '' || to === '') {
      throw new CronParseError(
        `Invalid expression! Expression: ${from}-${to} does not describe a range. Negative numbers are not allowed.`,
      );
    }
    if (to.includes('/')) {
      const [end = '', period = ''] = to.split('/');
      return { t: 'every', base: { t: 'between', from: rangeEnd(from, spec), to: rangeEnd(end, spec) }, period: toInteger(period, spec) };
    }
    return { t: 'between', from: rangeEnd(from, spec), to: rangeEnd(to, spec) };
  }
  const steps = javaSplit(expression, '/');
  if (steps.length === 1) throw new CronParseError(`Missing steps for expression: ${expression}`);
  if (steps.length !== 2) throw new CronParseError(`Invalid expression: ${expression}`);
  const [startText = '', periodText = ''] = steps;
  const start = startText.trim();
  if (start === '*' && periodText === '1') return { t: 'always' };
  const period = javaInt(periodText);
  if (start === '*' || start === '') return { t: 'every', base: undefined, period };
  return { t: 'every', base: { t: 'on', time: toInteger(startText, spec), special: 'NONE', nth: -1 }, period };
}

/** FieldParser.parseOn: `?`, `n#k`, `LW`, `nL`/`L`, `nW`, or a plain value. */
function parseOn(exp: string, spec: FieldSpec): FieldExpr {
  if (exp === '?') return { t: 'question' };
  if (exp.includes('#')) {
    if (!spec.specials.has('HASH')) throw new CronParseError(`Invalid expression: ${exp}`);
    const [time = '', nth] = exp.split('#');
    if (nth === undefined) throw new CronParseError('Invalid Position of # Character!');
    const n = toInteger(nth, spec);
    if (time === '') throw new CronParseError('Time should be specified!');
    return { t: 'on', time: toInteger(time, spec), special: 'HASH', nth: n };
  }
  if (exp.includes('LW')) {
    const rest = exp.replace('LW', '');
    if (rest !== '') throw new CronParseError(`Expected: LW, found: ${rest}`);
    return { t: 'on', time: -1, special: 'LW', nth: -1 };
  }
  if (/[0-9]L/i.test(exp) || exp === 'L') {
    const rest = exp.replace('L', '');
    return { t: 'on', time: rest === '' ? -1 : toInteger(rest, spec), special: 'L', nth: -1 };
  }
  if (/[0-9]W/i.test(exp)) return { t: 'on', time: toInteger(exp.replace('W', ''), spec), special: 'W', nth: -1 };
  return { t: 'on', time: toInteger(exp, spec), special: 'NONE', nth: -1 };
}

function javaInt(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new CronParseError(`For input string: "${text}"`);
  const n = Number(text);
  if (n < INT_MIN || n > INT_MAX) throw new CronParseError(`For input string: "${text}"`);
  return n;
}

/** FieldParser.stringToInt: a name (MON, JAN) or an integer. */
function stringToInt(text: string, spec: FieldSpec): number {
  const named = spec.names[text];
  if (named !== undefined) return named;
  if (/^[+-]?\d+$/.test(text) && Number(text) >= INT_MIN && Number(text) <= INT_MAX) return Number(text);
  throw new CronParseError(`Invalid chars in expression! Expression: ${text} Invalid chars: ${invalidChars(text, spec)}`);
}

/** FieldParser.mapToIntegerFieldValue: stringToInt plus the int mapping (day-of-week 7 → 0). */
function toInteger(text: string, spec: FieldSpec): number {
  const n = stringToInt(text, spec);
  return spec.map7to0 && n === 7 ? 0 : n;
}

/** FieldParser.map, used for range ends: no int mapping, and special characters are refused. */
function rangeEnd(text: string, spec: FieldSpec): number {
  if (text === 'L' || text === 'W' || text === 'LW' || text === '?' || text === '#') {
    throw new CronParseError('Non integer values at intervals are not fully supported yet.');
  }
  return stringToInt(text, spec);
}

/** StringValidations.removeValidChars: what is left once digits, names and allowed specials go. */
function invalidChars(exp: string, spec: FieldSpec): string {
  let rest = exp.toUpperCase().replace(/[#?/*0-9]/g, '');
  const names = Object.keys(spec.names);
  if (names.length > 0) rest = rest.replace(new RegExp(`\\b(${names.join('|')})\\b`, 'g'), '');
  const words = (['L', 'LW', 'W'] as const).filter((w) => spec.specials.has(w));
  if (words.length > 0) rest = rest.replace(new RegExp(`\\b(${words.join('|')})\\b`, 'g'), '');
  return rest.replace(/\s+/g, '').replace(/,/g, '').replace(/-/g, '');
}

/** ValidationFieldExpressionVisitor: allowed characters and value ranges. */
function validateField(expr: FieldExpr, text: string, spec: FieldSpec): void {
  const unsupported = invalidChars(text, spec);
  if (unsupported !== '') {
    throw new CronParseError(`Invalid chars in expression! Expression: ${text} Invalid chars: ${unsupported}`);
  }
  const inRange = (v: number) => {
    if (v < spec.start || v > spec.end) throw new CronParseError(`Value ${v} not in range [${spec.start}, ${spec.end}]`);
  };
  const visit = (e: FieldExpr): void => {
    switch (e.t) {
      case 'on':
        if (e.time !== -1) inRange(e.time);
        if (e.nth !== -1) inRange(e.nth);
        return;
      case 'between':
        inRange(e.from);
        inRange(e.to);
        if (spec.strict && e.from > e.to) throw new CronParseError(`Invalid range! [${e.from},${e.to}]`);
        return;
      case 'every':
        if (e.base) visit(e.base);
        if (!(e.period > 0 && e.period <= spec.end - spec.start + 1 && e.period <= spec.end)) {
          throw new CronParseError(`Period ${e.period} not in range [${spec.start}, ${spec.end}]`);
        }
        return;
      case 'and':
        e.items.forEach(visit);
        return;
      default:
        return;
    }
  };
  visit(expr);
}

/** The values a second/minute/hour/month field allows. */
function valueSet(expr: FieldExpr, spec: FieldSpec): Set<number> {
  const out = new Set<number>();
  const add = (e: FieldExpr): void => {
    switch (e.t) {
      case 'always':
      case 'question':
        for (let v = spec.start; v <= spec.end; v++) out.add(v);
        return;
      case 'on':
        if (e.special === 'NONE') out.add(e.time);
        return;
      case 'between':
        for (let v = e.from; v <= e.to; v++) out.add(v); // a reversed range matches nothing
        return;
      case 'every':
        for (const v of everyValues(e, spec)) out.add(v);
        return;
      case 'and':
        e.items.forEach(add);
        return;
    }
  };
  add(expr);
  return out;
}

/** EveryFieldValueGenerator: from the base (or the range start) to its end, every `period`. */
function everyValues(e: Extract<FieldExpr, { t: 'every' }>, spec: FieldSpec): number[] {
  let from = spec.start;
  let to = spec.end;
  if (e.base?.t === 'between') {
    from = Math.max(spec.start, e.base.from);
    to = Math.min(spec.end, e.base.to);
  } else if (e.base?.t === 'on') {
    from = e.base.time;
  }
  const values: number[] = [];
  for (let v = from; v <= to; v += e.period) values.push(v);
  return values;
}

/** Java DayOfWeek numbering: Monday 1 … Sunday 7. */
function isoDayOfWeek(y: number, m: number, d: number): number {
  const day = new Date(utcMillis(y, m, d)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Cron day-of-week numbering: Sunday 0 (or 7), Monday 1 … Saturday 6. */
function cronDow(value: number): number {
  return ((value % 7) + 7) % 7;
}

function daysOfMonthMatching(expr: FieldExpr, y: number, m: number): Set<number> {
  const length = daysInMonth(y, m);
  const out = new Set<number>();
  const add = (e: FieldExpr): void => {
    switch (e.t) {
      case 'always':
      case 'question':
        for (let d = 1; d <= length; d++) out.add(d);
        return;
      case 'on': {
        if (e.special === 'NONE') {
          if (e.time <= length) out.add(e.time);
        } else if (e.special === 'L') {
          const day = length - (e.nth > 0 ? e.nth : 0);
          if (day >= 1) out.add(day);
        } else if (e.special === 'W') {
          if (e.time > length) return; // cron-utils would fail on the impossible date
          const dow = isoDayOfWeek(y, m, e.time);
          if (dow === 6) out.add(e.time === 1 ? 3 : e.time - 1);
          else if (dow === 7 && e.time + 1 <= length) out.add(e.time + 1);
          else out.add(e.time);
        } else if (e.special === 'LW') {
          const diff = isoDayOfWeek(y, m, length) - 5;
          out.add(diff > 0 ? length - diff : length);
        }
        return;
      }
      case 'between':
        for (let d = Math.max(1, e.from); d <= Math.min(length, e.to); d++) out.add(d);
        return;
      case 'every':
        for (const d of everyValues(e, FIELDS.dayOfMonth)) if (d >= 1 && d <= length) out.add(d);
        return;
      case 'and':
        e.items.forEach(add);
        return;
    }
  };
  add(expr);
  return out;
}

function daysOfWeekMatching(expr: FieldExpr, y: number, m: number): Set<number> {
  const length = daysInMonth(y, m);
  const firstDow = cronDow(isoDayOfWeek(y, m, 1)); // 0 = Sunday
  const dowOf = (d: number) => (firstDow + d - 1) % 7;
  const out = new Set<number>();
  const addDows = (dows: Set<number>) => {
    for (let d = 1; d <= length; d++) if (dows.has(dowOf(d))) out.add(d);
  };
  const add = (e: FieldExpr): void => {
    switch (e.t) {
      case 'always':
      case 'question':
        for (let d = 1; d <= length; d++) out.add(d);
        return;
      case 'on': {
        if (e.special === 'NONE') {
          addDows(new Set([cronDow(e.time)]));
        } else if (e.special === 'L') {
          const wanted = e.time === -1 ? 6 : cronDow(e.time); // "L" alone: Saturday
          for (let d = length; d >= 1; d--) {
            if (dowOf(d) === wanted) {
              out.add(d);
              break;
            }
          }
        } else if (e.special === 'HASH') {
          const wanted = cronDow(e.time);
          const first = 1 + ((wanted - firstDow + 7) % 7);
          const day = first + (e.nth - 1) * 7;
          if (day >= 1 && day <= length) out.add(day);
        }
        return;
      }
      case 'between': {
        const dows = new Set<number>();
        if (e.to >= e.from) {
          for (let v = e.from; v <= e.to; v++) dows.add(cronDow(v));
        } else {
          // FRI-MON rolls over the end of the week
          for (let v = e.from; v <= FIELDS.dayOfWeek.end; v++) dows.add(cronDow(v));
          for (let v = FIELDS.dayOfWeek.start; v <= e.to; v++) dows.add(cronDow(v));
        }
        addDows(dows);
        return;
      }
      case 'every':
        addDows(new Set(everyValues(e, FIELDS.dayOfWeek).map(cronDow)));
        return;
      case 'and':
        e.items.forEach(add);
        return;
    }
  };
  add(expr);
  return out;
}

/** SingleExecutionTime.generateDays with `?` supported: `?` defers to the other field, else both must match. */
function matchingDays(cron: SingleCron, y: number, m: number): Set<number> {
  const dom = cron.dayOfMonth;
  const dow = cron.dayOfWeek;
  if (dom.t === 'always' && dow.t === 'always') return daysOfMonthMatching(dom, y, m);
  if (dom.t === 'question') return daysOfWeekMatching(dow, y, m);
  if (dow.t === 'question') return daysOfMonthMatching(dom, y, m);
  const byWeek = daysOfWeekMatching(dow, y, m);
  return new Set([...daysOfMonthMatching(dom, y, m)].filter((d) => byWeek.has(d)));
}

function sorted(set: ReadonlySet<number>): number[] {
  return [...set].sort((a, b) => a - b);
}

/**
 * ExecutionTime.nextExecution (UTC): if `from` itself matches (to the second), the next match from
 * one second later (keeping `from`'s milliseconds when that instant matches, as cron-utils does);
 * otherwise the first whole second after `from` that matches.
 */
function nextSingleCronExecution(cron: SingleCron, fromMs: number): number | undefined {
  const match = closestMatch(cron, fromMs);
  if (match !== fromMs) return match;
  return closestMatch(cron, fromMs + 1000);
}

function matchesInstant(cron: SingleCron, ms: number): boolean {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  return (
    cron.seconds.has(d.getUTCSeconds()) &&
    cron.minutes.has(d.getUTCMinutes()) &&
    cron.hours.has(d.getUTCHours()) &&
    cron.months.has(m) &&
    matchingDays(cron, y, m).has(d.getUTCDate())
  );
}

function closestMatch(cron: SingleCron, ms: number): number | undefined {
  if (matchesInstant(cron, ms)) return ms;
  // the first whole second after `ms` that matches, searching at most ~100 years ahead
  const startSecond = Math.floor(ms / 1000) * 1000 + 1000;
  const start = new Date(startSecond);
  const startYear = start.getUTCFullYear();
  let y = startYear;
  let m = start.getUTCMonth() + 1;
  let d = start.getUTCDate();
  let h = start.getUTCHours();
  let mi = start.getUTCMinutes();
  let s = start.getUTCSeconds();
  const hours = sorted(cron.hours);
  const minutes = sorted(cron.minutes);
  const seconds = sorted(cron.seconds);
  const nextMonth = () => {
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
    d = 1;
    h = mi = s = 0;
  };
  while (y - startYear <= 100) {
    if (!cron.months.has(m)) {
      nextMonth();
      continue;
    }
    const days = sorted(matchingDays(cron, y, m)).filter((day) => day >= d);
    let found: number | undefined;
    for (const day of days) {
      const time = day === d ? firstTimeAtOrAfter(hours, minutes, seconds, h, mi, s) : firstTimeAtOrAfter(hours, minutes, seconds, 0, 0, 0);
      if (time) {
        found = utcMillis(y, m, day, time[0], time[1], time[2]);
        break;
      }
    }
    if (found !== undefined) return found;
    nextMonth();
  }
  return undefined;
}

/** The first (h, m, s) at or after the given time of day, or undefined if none is left that day. */
function firstTimeAtOrAfter(
  hours: readonly number[],
  minutes: readonly number[],
  seconds: readonly number[],
  h: number,
  mi: number,
  s: number,
): [number, number, number] | undefined {
  for (const hh of hours) {
    if (hh < h) continue;
    for (const mm of minutes) {
      if (hh === h && mm < mi) continue;
      for (const ss of seconds) {
        if (hh === h && mm === mi && ss < s) continue;
        return [hh, mm, ss];
      }
    }
  }
  return undefined;
}
