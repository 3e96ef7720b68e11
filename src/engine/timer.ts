/**
 * BPMN timer definitions (`bpmn:timeDate`, `bpmn:timeDuration`, `bpmn:timeCycle`) as Zeebe 8.8
 * interprets them. Pure: no I/O, no Date.now(); every computation reads the engine clock passed in.
 *
 * What Zeebe does, and therefore what this module does (sources: camunda/camunda `zeebe/bpmn-model`
 * `util/time/{Interval,RepeatingInterval,TimeDateTimer}.java`, `zeebe/engine` `CatchEventTransformer`,
 * `ExpressionProcessor`, `TimerCatchEventExpressionValidator`, `TimerTriggerProcessor`, `CronTimer`;
 * cron-utils 9.2.1 `CronParser`/`FieldParser`/`SingleExecutionTime` for the SPRING53 cron dialect;
 * docs.camunda.io "Timer events"):
 *
 * - A value starting with `=` is FEEL, evaluated when the timer is scheduled (for a process-level
 *   timer start event: at deployment, with no variables). Anything else is a static value; Zeebe
 *   types it like a FEEL literal (`null`, `true`/`false`, numbers, otherwise a string) and validates
 *   it at deployment, rejecting the deployment with "Invalid timer <duration|date|cycle> expression
 *   (...)".
 * - timeDate: a FEEL date-time, or a string parsed with java.time `ZonedDateTime.parse`
 *   (ISO_ZONED_DATE_TIME): the offset (`Z`, `+08:00`) is mandatory, a `[Region/Zone]` suffix is
 *   optional. `2026-10-09T23:59:59[Asia/Shanghai]` and `2026-10-09T23:59:59` are therefore rejected
 *   as static values (the docs claim the latter means UTC; the code rejects it). A FEEL local
 *   date-time (`date and time("2026-10-09T23:59:59")`) is placed in the JVM default zone, which is
 *   UTC in Camunda's images, so here: UTC. A due date in the past fires at once.
 * - timeDuration: a FEEL days-time duration (exact milliseconds), a years-months duration, or a
 *   string in Zeebe's `Interval` format: java.time `Period` (Y, M, W, D: calendar arithmetic, month
 *   ends clamp: P1M from Jan 31 is Feb 28/29) followed by an optional `Duration` (T H M S, exact),
 *   e.g. `PT15M`, `P5D`, `P1Y2M`, `P1W`, `P1DT12H`, `-PT5S`. Calendar arithmetic is in UTC (the JVM
 *   default zone in Camunda's images). Zero or negative durations fire at once.
 * - timeCycle: must evaluate to a string. If it starts with `R` it is an ISO 8601 repeating interval
 *   `R[n]/[start/]interval` (`R/…` = infinite, n ≤ 1 fires once); otherwise it is a Spring 5.3 style
 *   6-field cron (`sec min hour day-of-month month day-of-week`, with `?`, `L`, `W`, `LW`, `#`,
 *   names, and the macros @yearly @annually @monthly @weekly @daily @midnight @hourly). 5-field
 *   cron is rejected ("Cron expression contains 5 parts but we expect one of [6]"). Cron runs in
 *   the JVM default zone: UTC here.
 *   - Repeating interval: first due = start if given (a start in the past fires at once: Zeebe 8.8.x
 *     after camunda/camunda#49135), otherwise now + interval. After a firing the next due is the
 *     previous due + interval (computed in the start's zone), but never before now; the repetition
 *     count goes down by one per firing.
 *   - Cron: next execution strictly after now; infinite. A cron that never matches (e.g. Feb 30)
 *     fires once at once and then stops, as in Zeebe.
 *   - Zeebe evaluates the expression again at each rescheduling (it re-runs the timer factory);
 *     `nextDue` does the same. `firstOccurrence`/`nextOccurrence` work on a resolved timer that the
 *     caller stores instead, which only differs when the variables change between firings.
 * - Interrupting boundary events (and anything else the caller terminates) only ever see the first
 *   firing; the caller stops asking. A timer start event keeps firing until the count runs out.
 *
 * Deliberate deviations are listed in the DEVIATIONS note at the end of this file.
 */
import { DateTime, Duration, IANAZone, SystemZone } from 'luxon';
import {
  compile,
  evaluate,
  FeelEvaluationError,
  type CompiledExpression,
  type EvalEnv,
  type ExpectedType,
} from './feel.js';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type TimerKind = 'timeDate' | 'timeDuration' | 'timeCycle';

export const TIMER_KINDS: readonly TimerKind[] = ['timeDate', 'timeDuration', 'timeCycle'];

/** Marks an unbounded repetition count (`R/…`, cron), as in Zeebe's TimerRecord. */
export const REPEAT_FOREVER = -1;

/**
 * A scheduled firing: when, and how many firings follow it (`repetitionsLeft`: 0 = this is the
 * last one, -1 = unbounded). Zeebe's TimerRecord.repetitions counts this firing too; see
 * `zeebeRepetitions`.
 */
export interface TimerOccurrence {
  readonly dueAt: number;
  readonly repetitionsLeft: number;
}

/** A calendar part (java.time Period) plus an exact part (java.time Duration, in ms). JSON-safe. */
export interface TimerInterval {
  readonly years: number;
  readonly months: number;
  /** Weeks are folded into days, as java.time Period does. */
  readonly days: number;
  /** The exact part, floored to milliseconds (Duration.toMillis). */
  readonly ms: number;
  /** An explicit start (`R3/<start>/P1D`), with the zone later occurrences are computed in. */
  readonly start?: { readonly at: number; readonly zone: string };
}

/**
 * What a timer value means once evaluated. Plain JSON, so it can be stored with the subscription
 * and the next occurrence computed later without the model.
 * `repetitions` is Zeebe's count for a repeating interval: -1 unbounded, otherwise the number of
 * firings (values below 1 still fire once).
 */
export type ResolvedTimer =
  | { readonly type: 'date'; readonly at: number }
  | { readonly type: 'interval'; readonly repetitions: number; readonly interval: TimerInterval }
  | { readonly type: 'cron'; readonly cron: string };

export interface CompiledTimer {
  readonly kind: TimerKind;
  /** The attribute text as written in the BPMN. */
  readonly source: string;
  readonly expression: CompiledExpression;
  /** For a static value: the resolved timer, validated at deployment. For FEEL: undefined. */
  readonly definition: ResolvedTimer | undefined;
}

export interface CompileTimerOptions {
  /**
   * A timer start event of the process (not of an event subprocess): Zeebe evaluates its FEEL at
   * deployment with no variables and rejects the deployment if that fails.
   */
  readonly startEventOfProcess?: boolean;
  /** The engine clock, for `now()` and the overflow check. Defaults to the epoch. */
  readonly now?: () => number;
}

/** A timer definition rejected at deployment. `zeebeMessage` is Zeebe's exact wording. */
export class TimerDefinitionError extends Error {
  constructor(
    message: string,
    readonly zeebeMessage: string,
    readonly kind: TimerKind,
    readonly source: string,
  ) {
    super(message);
    this.name = 'TimerDefinitionError';
  }
}

// ---------------------------------------------------------------------------------------------
// Compile, resolve, schedule, describe
// ---------------------------------------------------------------------------------------------

const KIND_WORD: Record<TimerKind, string> = { timeDate: 'date', timeDuration: 'duration', timeCycle: 'cycle' };

const KIND_HINT: Record<TimerKind, string> = {
  timeDate:
    'expected an ISO 8601 date-time with an offset, such as 2026-10-09T23:59:59+08:00, 2026-10-09T15:59:59Z or 2026-10-09T23:59:59+08:00[Asia/Shanghai]',
  timeDuration: 'expected an ISO 8601 duration such as PT15M or P5D',
  timeCycle:
    'expected an ISO 8601 repeating interval such as R5/PT10S, R/P1D or R3/2026-01-01T00:00:00Z/P1D, or a 6-field cron expression such as 0 0 9 * * MON-FRI',
};

/**
 * Compiles a timer attribute. A static value is parsed and validated now (Zeebe validates static
 * timer values at deployment); a FEEL expression is parsed (a FeelSyntaxError propagates) and kept
 * for runtime, except for a process's timer start event (`startEventOfProcess`), whose FEEL is
 * evaluated now with no variables. Throws TimerDefinitionError: Zeebe's wording ("Invalid timer
 * duration expression (Invalid duration format 'P1X' for expression 'P1X'.)") plus a hint naming
 * the value and the expected format.
 */
export function compileTimer(kind: TimerKind, source: string, options: CompileTimerOptions = {}): CompiledTimer {
  const expression = compile(source);
  const now = options.now ?? (() => 0);
  let definition: ResolvedTimer | undefined;
  if (expression.isStatic || options.startEventOfProcess) {
    try {
      const resolved = resolveExpression(kind, expression, { variables: {}, now });
      firstDue(resolved, now()); // the overflow check Zeebe runs on static values
      if (expression.isStatic) definition = resolved;
    } catch (err) {
      if (!(err instanceof FeelEvaluationError)) throw err;
      const zeebeMessage = `Invalid timer ${KIND_WORD[kind]} expression (${err.message})`;
      const hint = expression.isStatic ? `; ${KIND_HINT[kind]}, got '${expression.text.trim()}'` : '';
      throw new TimerDefinitionError(`${zeebeMessage}${hint}`, zeebeMessage, kind, source);
    }
  }
  return { kind, source, expression, definition };
}

/**
 * Evaluates a timer (FEEL against `env`, as when the timer is created) to a JSON-safe definition.
 * Throws FeelEvaluationError with Zeebe's incident wording ("Invalid duration format 'x' for
 * expression 'y'.", "Invalid date-time format …", "Expected result of the expression …").
 */
export function resolveTimer(timer: CompiledTimer, env: EvalEnv): ResolvedTimer {
  return timer.definition ?? resolveExpression(timer.kind, timer.expression, env);
}

/**
 * The first firing of a resolved timer created at `now`: a date as given (possibly past: it fires
 * at once); an interval at now + interval, or at its start (never before now); a cron at its next
 * execution after now. Every timer fires at least once.
 */
export function firstOccurrence(resolved: ResolvedTimer, now: number): TimerOccurrence {
  return occurrence(firstDue(resolved, now));
}

/**
 * The firing after one that happened at `previousDueAt` with `repetitionsLeft` left, or undefined
 * when none is left. As Zeebe's TimerTriggerProcessor: a repeating interval continues from the
 * previous due time (in its start's zone), never earlier than `now`; a cron takes its next
 * execution after `now`. Pass the engine clock as `now`; without it the previous due time stands
 * in (missed firings are then caught up one by one, which Zeebe does not do).
 */
export function nextOccurrence(
  resolved: ResolvedTimer,
  previousDueAt: number,
  repetitionsLeft: number,
  now: number = previousDueAt,
): TimerOccurrence | undefined {
  if (repetitionsLeft !== REPEAT_FOREVER && repetitionsLeft <= 0) return undefined;
  const due = rescheduledDue(resolved, previousDueAt, repetitionsLeft, now);
  return due && occurrence(due);
}

/**
 * One call for the engine: the first occurrence (no `previous`), or the one after `previous`, with
 * the FEEL evaluated again as Zeebe does when it reschedules a repeating timer. Throws
 * FeelEvaluationError like resolveTimer.
 */
export function nextDue(timer: CompiledTimer, env: EvalEnv, previous?: TimerOccurrence): TimerOccurrence | undefined {
  if (!previous) return firstOccurrence(resolveTimer(timer, env), env.now());
  if (previous.repetitionsLeft !== REPEAT_FOREVER && previous.repetitionsLeft <= 0) return undefined;
  return nextOccurrence(resolveTimer(timer, env), previous.dueAt, previous.repetitionsLeft, env.now());
}

/** For logs: `timeCycle "R3/PT10S"`, `timeDuration "=remaining" (FEEL)`. */
export function describeTimer(timer: CompiledTimer): string {
  return `${timer.kind} ${JSON.stringify(timer.source.trim())}${timer.expression.isStatic ? '' : ' (FEEL)'}`;
}

/** For logs: `2026-10-09T15:59:59.000Z (2 more)`, `… (last)`, `… (repeats)`. */
export function describeOccurrence(occ: TimerOccurrence): string {
  const more =
    occ.repetitionsLeft === REPEAT_FOREVER ? 'repeats' : occ.repetitionsLeft === 0 ? 'last' : `${occ.repetitionsLeft} more`;
  return `${isoOrRaw(occ.dueAt)} (${more})`;
}

/** Zeebe's TimerRecord.repetitions for an occurrence: firings left including this one, -1 unbounded. */
export function zeebeRepetitions(repetitionsLeft: number): number {
  return repetitionsLeft === REPEAT_FOREVER ? REPEAT_FOREVER : repetitionsLeft + 1;
}

/**
 * Parses a timer value the way Zeebe parses a string result, without FEEL: an ISO date-time for
 * timeDate, an interval for timeDuration, a repeating interval or cron for timeCycle. Throws an
 * Error with Zeebe's (java.time / cron-utils) message.
 */
export function parseTimerText(kind: TimerKind, text: string): ResolvedTimer {
  switch (kind) {
    case 'timeDate':
      return { type: 'date', at: parseZonedDateTime(text).at };
    case 'timeDuration':
      return { type: 'interval', repetitions: 1, interval: parseInterval(text) };
    case 'timeCycle':
      return parseCycle(text);
  }
}

/** The next execution of a cron expression strictly after `fromMs` (UTC), or undefined if none. */
export function nextCronExecution(cron: string, fromMs: number): number | undefined {
  let best: number | undefined;
  for (const single of cachedCron(cron).alternatives) {
    const next = nextSingleCronExecution(single, fromMs);
    if (next !== undefined && (best === undefined || next < best)) best = next;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Scheduling (Interval.toEpochMilli, RepeatingInterval, CronTimer, TimerTriggerProcessor)
// ---------------------------------------------------------------------------------------------

/** A due time with Zeebe's repetition count (this firing included; -1 unbounded). */
interface RawDue {
  dueAt: number;
  repetitions: number;
}

function occurrence(due: RawDue): TimerOccurrence {
  const left = due.repetitions === REPEAT_FOREVER ? REPEAT_FOREVER : Math.max(due.repetitions - 1, 0);
  return { dueAt: due.dueAt, repetitionsLeft: left };
}

function firstDue(resolved: ResolvedTimer, now: number): RawDue {
  switch (resolved.type) {
    case 'date':
      return { dueAt: checkedInstant(resolved.at), repetitions: 1 };
    case 'interval':
      return { dueAt: intervalDue(resolved.interval, now), repetitions: resolved.repetitions };
    case 'cron': {
      const next = nextCronExecution(resolved.cron, now);
      // CronTimer: without a next execution the due date is "now" and the repetitions 0.
      return next === undefined ? { dueAt: now, repetitions: 0 } : { dueAt: next, repetitions: REPEAT_FOREVER };
    }
  }
}

function rescheduledDue(resolved: ResolvedTimer, previousDueAt: number, left: number, now: number): RawDue | undefined {
  switch (resolved.type) {
    case 'cron':
      return firstDue(resolved, now);
    case 'interval': {
      const interval = resolved.interval;
      const natural = addInterval(previousDueAt, interval, interval.start?.zone ?? 'UTC');
      return { dueAt: Math.max(natural, now), repetitions: left };
    }
    case 'date':
      return undefined; // a date fires once (Zeebe never reschedules a TimeDateTimer)
  }
}

/** Interval.toEpochMilli: an explicit start wins (never before now), else now + interval. */
function intervalDue(interval: TimerInterval, now: number): number {
  if (interval.start) return Math.max(checkedInstant(interval.start.at), now);
  return addInterval(now, interval, 'UTC');
}

const MAX_INSTANT = 8.64e15; // the range of a JS Date

function overflow(): never {
  throw new FeelEvaluationError(
    'Timer duration is too large and results in arithmetic overflow. Please use a smaller duration value.',
    '',
  );
}

function checkedInstant(ms: number): number {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_INSTANT) overflow();
  return ms;
}

/** ZonedDateTime.plus(Period).plus(Duration) in `zone`: months (day clamped), then days, then exact. */
function addInterval(fromMs: number, interval: TimerInterval, zone: string): number {
  let ms = fromMs;
  const totalMonths = interval.years * 12 + interval.months;
  if (totalMonths !== 0 || interval.days !== 0) {
    let dt = DateTime.fromMillis(fromMs, { zone });
    if (totalMonths !== 0) dt = dt.plus({ months: totalMonths });
    if (interval.days !== 0) dt = dt.plus({ days: interval.days });
    if (!dt.isValid) overflow();
    ms = dt.toMillis();
  }
  return checkedInstant(ms + interval.ms);
}

function isoOrRaw(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

// ---------------------------------------------------------------------------------------------
// Evaluation: attribute → definition (ExpressionProcessor + CatchEventTransformer)
// ---------------------------------------------------------------------------------------------

/** Zeebe's ResultType names. */
type ZeebeType =
  | 'NULL'
  | 'BOOLEAN'
  | 'NUMBER'
  | 'STRING'
  | 'ARRAY'
  | 'OBJECT'
  | 'DURATION'
  | 'PERIOD'
  | 'DATE_TIME'
  | 'UNKNOWN';

const ACCEPTED: Record<TimerKind, readonly ZeebeType[]> = {
  timeDuration: ['DURATION', 'PERIOD', 'STRING'],
  timeDate: ['DATE_TIME', 'STRING'],
  timeCycle: ['STRING'],
};

function resolveExpression(kind: TimerKind, expr: CompiledExpression, env: EvalEnv): ResolvedTimer {
  const text = expr.isStatic ? expr.text.trim() : expr.text;
  const value = expr.isStatic ? staticValue(text) : evaluate(expr, env, 'ANY');
  const type = zeebeTypeOf(value);
  const accepted = ACCEPTED[kind];
  if (!accepted.includes(type)) {
    const expected = accepted.length === 1 ? `'${accepted[0]}'` : `one of '[${accepted.join(', ')}]'`;
    const warnings = expr.isStatic ? '' : warningsOf(expr, env, value);
    throw new FeelEvaluationError(
      `Expected result of the expression '${text}' to be ${expected}, but was '${type}'.${warnings}`,
      text,
    );
  }
  switch (kind) {
    case 'timeDate':
      if (type === 'DATE_TIME') return { type: 'date', at: dateTimeMillis(value as DateTime) };
      try {
        return { type: 'date', at: parseZonedDateTime(value as string).at };
      } catch (err) {
        if (!(err instanceof TimerParseError)) throw err;
        throw new FeelEvaluationError(`Invalid date-time format '${String(value)}' for expression '${text}'.`, text);
      }
    case 'timeDuration':
      if (type !== 'STRING') return { type: 'interval', repetitions: 1, interval: feelDurationInterval(value as Duration) };
      try {
        return { type: 'interval', repetitions: 1, interval: parseInterval(value as string) };
      } catch (err) {
        if (!(err instanceof TimerParseError)) throw err;
        throw new FeelEvaluationError(`Invalid duration format '${String(value)}' for expression '${text}'.`, text);
      }
    case 'timeCycle':
      try {
        return parseCycle(value as string);
      } catch (err) {
        if (!(err instanceof TimerParseError)) throw err;
        throw new FeelEvaluationError(err.message, text);
      }
  }
}

/** Zeebe's StaticExpression: `null`, `true`/`false` and BigDecimal-parsable text are typed. */
function staticValue(text: string): unknown {
  if (text === 'null') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  return text;
}

function zeebeTypeOf(value: unknown): ZeebeType {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'number') return 'NUMBER';
  if (typeof value === 'string') return 'STRING';
  if (Array.isArray(value)) return 'ARRAY';
  if (Duration.isDuration(value)) return isYearsMonths(value) ? 'PERIOD' : 'DURATION';
  if (DateTime.isDateTime(value)) {
    // feelin puts times on 1900-01-01. It cannot tell a date from a date-time at midnight UTC
    // (both are UTC midnights), so both count as DATE_TIME here; see DEVIATIONS.
    return value.year === 1900 && value.month === 1 && value.day === 1 ? 'UNKNOWN' : 'DATE_TIME';
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return 'OBJECT';
  return 'UNKNOWN';
}

const DAY_TIME_UNITS = ['weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'] as const;

function isYearsMonths(d: Duration): boolean {
  const v = d.toObject();
  const hasYm = v.years !== undefined || v.months !== undefined || v.quarters !== undefined;
  return hasYm && DAY_TIME_UNITS.every((u) => !v[u]);
}

/** A FEEL date-time as an instant; a local date-time (no zone) is placed in UTC like Zeebe's JVM. */
function dateTimeMillis(dt: DateTime): number {
  const instant = dt.zone instanceof SystemZone ? dt.setZone('UTC', { keepLocalTime: true }) : dt;
  return checkedInstant(instant.toMillis());
}

/** ValYearMonthDuration → Period(years, months); ValDayTimeDuration → exact Duration. */
function feelDurationInterval(d: Duration): TimerInterval {
  const v = d.toObject();
  if (isYearsMonths(d)) {
    return { years: Math.trunc(v.years ?? 0), months: Math.trunc((v.months ?? 0) + (v.quarters ?? 0) * 3), days: 0, ms: 0 };
  }
  const ms =
    (v.weeks ?? 0) * 604_800_000 +
    (v.days ?? 0) * 86_400_000 +
    (v.hours ?? 0) * 3_600_000 +
    (v.minutes ?? 0) * 60_000 +
    (v.seconds ?? 0) * 1000 +
    (v.milliseconds ?? 0);
  return { years: 0, months: 0, days: 0, ms: Math.floor(ms) };
}

/**
 * The warnings of a failed type check. feel.ts reports warnings only inside its own type-mismatch
 * message, so ask it for a type the value certainly is not and keep the warnings part.
 */
function warningsOf(expr: CompiledExpression, env: EvalEnv, value: unknown): string {
  const probe: ExpectedType = typeof value === 'boolean' ? 'NUMBER' : 'BOOLEAN';
  try {
    evaluate(expr, env, probe);
  } catch (err) {
    if (err instanceof FeelEvaluationError) {
      const at = err.message.indexOf(' The evaluation reported the following warnings:');
      if (at >= 0) return err.message.slice(at);
    }
  }
  return '';
}

// ---------------------------------------------------------------------------------------------
// java.time parsing: ZonedDateTime, Period, Duration, Zeebe's Interval and RepeatingInterval
// ---------------------------------------------------------------------------------------------

/** A parse failure carrying java.time's / cron-utils' message. */
class TimerParseError extends Error {}

const MONTH_NAMES = [
  'JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE',
  'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER',
] as const;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Epoch ms of a UTC wall time, for any year (Date.UTC maps years 0-99 to 1900-1999). */
function utcMillis(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const date = new Date(Date.UTC(2000, 0, 1, h, mi, s, ms));
  date.setUTCFullYear(y, mo - 1, d);
  return date.getTime();
}

/**
 * java.time ZonedDateTime.parse (ISO_ZONED_DATE_TIME): `yyyy-MM-ddTHH:mm[:ss[.fffffffff]]` then a
 * mandatory offset (`Z` or `±HH:MM[:SS]`) then an optional `[zone id]`. The offset decides the
 * instant; the zone id (if any) is the zone later calendar arithmetic happens in.
 */
function parseZonedDateTime(text: string): { at: number; zone: string } {
  const fail = (index: number): never => {
    throw new TimerParseError(`Text '${text}' could not be parsed at index ${index}`);
  };
  const invalid = (detail: string): never => {
    throw new TimerParseError(`Text '${text}' could not be parsed: ${detail}`);
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
    throw new TimerParseError(`Text '${text}' could not be parsed, unparsed text found at index ${i}`);
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

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** java.time Period.parse: `[±]P[nY][nM][nW][nD]`, case-insensitive, int fields, weeks folded into days. */
function parsePeriod(text: string): { years: number; months: number; days: number } {
  const failure = () => new TimerParseError('Text cannot be parsed to a Period');
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
function parseJavaDuration(text: string): number {
  const m =
    /^([-+]?)P(?:([-+]?[0-9]+)D)?(T(?:([-+]?[0-9]+)H)?(?:([-+]?[0-9]+)M)?(?:([-+]?[0-9]+)(?:[.,]([0-9]{0,9}))?S)?)?$/i.exec(
      text,
    );
  if (!m || m[3]?.toUpperCase() === 'T' || (m[2] === undefined && m[4] === undefined && m[5] === undefined && m[6] === undefined)) {
    throw new TimerParseError('Text cannot be parsed to a Duration');
  }
  const LONG_MAX = 9223372036854775807n;
  const part = (s: string | undefined, seconds: bigint, name: string): bigint => {
    if (s === undefined) return 0n;
    const v = BigInt(s) * seconds;
    if (v > LONG_MAX || v < -LONG_MAX - 1n) throw new TimerParseError(`Text cannot be parsed to a Duration: ${name}`);
    return v;
  };
  const seconds = part(m[2], 86400n, 'days') + part(m[4], 3600n, 'hours') + part(m[5], 60n, 'minutes') + part(m[6], 1n, 'seconds');
  if (seconds > LONG_MAX || seconds < -LONG_MAX - 1n) throw new TimerParseError('Text cannot be parsed to a Duration: overflow');
  let nanos = m[7] ? BigInt(m[7].padEnd(9, '0')) : 0n;
  if (m[6]?.startsWith('-')) nanos = -nanos;
  let total = seconds * 1_000_000_000n + nanos;
  if (m[1] === '-') total = -total;
  const floorMs = total >= 0n ? total / 1_000_000n : -((-total + 999_999n) / 1_000_000n);
  return Number(floorMs);
}

/**
 * Zeebe's Interval.parse: `[start/]interval` where the interval is a Period, a Duration (`PT…`), or
 * a Period followed by a Duration split at the first `T` (`P1DT2H` = P1D + PT2H).
 */
function parseInterval(text: string): TimerInterval {
  const slash = text.lastIndexOf('/');
  let start: TimerInterval['start'];
  if (slash > 0) start = parseZonedDateTime(text.slice(0, slash));
  const exp = text.slice(slash + 1);
  let startOffset = 0;
  let sign = '';
  if (exp.startsWith('-')) {
    startOffset = 1;
    sign = '-';
  } else if (exp.startsWith('+')) {
    startOffset = 1;
  }
  const t = exp.indexOf('T');
  let period = { years: 0, months: 0, days: 0 };
  let ms = 0;
  if (t === -1) {
    period = parsePeriod(exp);
  } else if (t === startOffset + 1) {
    ms = parseJavaDuration(exp);
  } else {
    period = parsePeriod(exp.slice(0, t));
    ms = parseJavaDuration(`${sign}P${exp.slice(t)}`);
  }
  return start ? { ...period, ms, start } : { ...period, ms };
}

/** Zeebe's RepeatingInterval.parse: `R[n]/interval`; `R/…` (or R-1) repeats forever. */
function parseRepeatingInterval(text: string): { repetitions: number; interval: TimerInterval } {
  if (!text.startsWith('R')) throw new TimerParseError('Repetition spec must start with R');
  const slash = text.indexOf('/');
  if (slash === -1) throw new TimerParseError('No interval given');
  if (slash === 1) return { repetitions: REPEAT_FOREVER, interval: parseInterval(text.slice(2)) };
  const count = text.slice(1, slash);
  const repetitions = /^[+-]?\d+$/.test(count) ? Number(count) : Number.NaN;
  if (!Number.isSafeInteger(repetitions) || repetitions < INT_MIN || repetitions > INT_MAX) {
    throw new TimerParseError('Cannot parse repetitions count');
  }
  return { repetitions, interval: parseInterval(text.slice(slash + 1)) };
}

/** CatchEventTransformer: a cycle starting with `R` is a repeating interval, anything else cron. */
function parseCycle(text: string): ResolvedTimer {
  if (text.startsWith('R')) {
    const { repetitions, interval } = parseRepeatingInterval(text);
    return { type: 'interval', repetitions, interval };
  }
  cachedCron(text); // validates
  return { type: 'cron', cron: text };
}

const cronCache = new Map<string, CronSchedule>();

/** Parsed cron expressions, kept (bounded) since a stored timer is re-read at each firing. */
function cachedCron(text: string): CronSchedule {
  let parsed = cronCache.get(text);
  if (!parsed) {
    parsed = parseCron(text);
    if (cronCache.size >= 500) cronCache.delete(cronCache.keys().next().value as string);
    cronCache.set(text, parsed);
  }
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// Cron: cron-utils' SPRING53 definition, evaluated in UTC
// ---------------------------------------------------------------------------------------------

interface CronSchedule {
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
  if (replaced === '') throw new TimerParseError('Empty expression!');
  if (expression.startsWith('@')) {
    const nickname = NICKNAMES[expression];
    if (nickname !== undefined) return parseCron(nickname);
    if (expression === '@reboot') throw new TimerParseError('Nickname @reboot not supported!');
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
          if (j >= options.length) throw new TimerParseError(`Index ${j} out of bounds for length ${options.length}`);
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
    throw new TimerParseError(`Invalid field value! Trailing commas not permitted! '${trailingComma}'`);
  }
  if (parts.length !== 6) {
    throw new TimerParseError(`Cron expression contains ${parts.length} parts but we expect one of [6]`);
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
    if (err instanceof TimerParseError) throw new TimerParseError(`Failed to parse cron expression. ${err.message}`);
    throw err;
  }
}

/** cron-utils FieldParser.parse. */
function parseField(expression: string, spec: FieldSpec): FieldExpr {
  if (!/[/,-]/.test(expression)) {
    if (expression.includes('?') && !spec.specials.has('QUESTION')) {
      throw new TimerParseError(`Invalid expression: ${expression}`);
    }
    if (expression === '*') return { t: 'always' };
    if (expression === '?') return { t: 'question' };
    return parseOn(expression, spec);
  }
  const list = javaSplit(expression, ',');
  if (list.length > 1) return { t: 'and', items: list.map((item) => parseField(item, spec)) };
  const range = javaSplit(expression, '-');
  if (expression.includes('-') && range.length !== 2) throw new TimerParseError(`Missing values for range: ${expression}`);
  if (range[0] === 'L') {
    // day-of-month "L-3": three days before the last
    return { t: 'on', time: -1, special: 'L', nth: toInteger(range[1] ?? '', spec) };
  }
  if (range.length > 1) {
    const [from = '', to = ''] = range;
    if (from === '' || to === '') {
      throw new TimerParseError(
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
  if (steps.length === 1) throw new TimerParseError(`Missing steps for expression: ${expression}`);
  if (steps.length !== 2) throw new TimerParseError(`Invalid expression: ${expression}`);
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
    if (!spec.specials.has('HASH')) throw new TimerParseError(`Invalid expression: ${exp}`);
    const [time = '', nth] = exp.split('#');
    if (nth === undefined) throw new TimerParseError('Invalid Position of # Character!');
    const n = toInteger(nth, spec);
    if (time === '') throw new TimerParseError('Time should be specified!');
    return { t: 'on', time: toInteger(time, spec), special: 'HASH', nth: n };
  }
  if (exp.includes('LW')) {
    const rest = exp.replace('LW', '');
    if (rest !== '') throw new TimerParseError(`Expected: LW, found: ${rest}`);
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
  if (!/^[+-]?\d+$/.test(text)) throw new TimerParseError(`For input string: "${text}"`);
  const n = Number(text);
  if (n < INT_MIN || n > INT_MAX) throw new TimerParseError(`For input string: "${text}"`);
  return n;
}

/** FieldParser.stringToInt: a name (MON, JAN) or an integer. */
function stringToInt(text: string, spec: FieldSpec): number {
  const named = spec.names[text];
  if (named !== undefined) return named;
  if (/^[+-]?\d+$/.test(text) && Number(text) >= INT_MIN && Number(text) <= INT_MAX) return Number(text);
  throw new TimerParseError(`Invalid chars in expression! Expression: ${text} Invalid chars: ${invalidChars(text, spec)}`);
}

/** FieldParser.mapToIntegerFieldValue: stringToInt plus the int mapping (day-of-week 7 → 0). */
function toInteger(text: string, spec: FieldSpec): number {
  const n = stringToInt(text, spec);
  return spec.map7to0 && n === 7 ? 0 : n;
}

/** FieldParser.map, used for range ends: no int mapping, and special characters are refused. */
function rangeEnd(text: string, spec: FieldSpec): number {
  if (text === 'L' || text === 'W' || text === 'LW' || text === '?' || text === '#') {
    throw new TimerParseError('Non integer values at intervals are not fully supported yet.');
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
    throw new TimerParseError(`Invalid chars in expression! Expression: ${text} Invalid chars: ${unsupported}`);
  }
  const inRange = (v: number) => {
    if (v < spec.start || v > spec.end) throw new TimerParseError(`Value ${v} not in range [${spec.start}, ${spec.end}]`);
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
        if (spec.strict && e.from > e.to) throw new TimerParseError(`Invalid range! [${e.from},${e.to}]`);
        return;
      case 'every':
        if (e.base) visit(e.base);
        if (!(e.period > 0 && e.period <= spec.end - spec.start + 1 && e.period <= spec.end)) {
          throw new TimerParseError(`Period ${e.period} not in range [${spec.start}, ${spec.end}]`);
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

/*
 * DEVIATIONS (deliberate, all in corners):
 * - Static values are trimmed before parsing (Zeebe parses the raw text; editors may add newlines).
 * - Calendar arithmetic and cron use UTC, i.e. Zeebe with the JVM default zone UTC (Camunda images).
 * - Zone ids are checked with Intl (case-insensitive, aliases accepted); Java is case-sensitive.
 * - java.time parse error texts are reproduced for the common failures; rarer ones are close but
 *   may differ in detail. Warnings are not appended to the "Invalid … format" messages.
 * - Instants are limited to the JS Date range (±8.64e15 ms, ~±275 000 years); beyond that the
 *   overflow error is raised where Java would still compute.
 * - A FEEL date (`date("2026-10-09")`) is taken as midnight UTC; Zeebe rejects it (type DATE).
 *   feelin represents dates as UTC-midnight date-times, so rejecting them would also reject
 *   `date and time("2026-10-09T00:00:00Z")`, which Zeebe accepts.
 * - Cron: a day-of-week range ending in 7/SUN (MON-SUN) includes Sunday (cron-utils forgets it),
 *   "L" alone in day-of-week means Saturday, and "nW" past the month's end matches nothing
 *   (cron-utils throws). Everything else follows cron-utils 9.2.1 SPRING53.
 */
