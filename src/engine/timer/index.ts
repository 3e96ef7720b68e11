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
 * The value formats Zeebe reads with Java libraries are parsed by their own modules here:
 * java-time.ts (java.time's ZonedDateTime, Period and Duration) and cron.ts (cron-utils' Spring
 * cron). This module is what Zeebe itself adds: what a timer definition means, its Interval and
 * RepeatingInterval formats, and when a timer is due.
 *
 * Deliberate deviations are listed in the DEVIATIONS note at the end of this file.
 */
import { DateTime, Duration, SystemZone } from 'luxon';
import {
  compile,
  evaluate,
  FeelEvaluationError,
  type CompiledExpression,
  type EvalEnv,
  type ExpectedType,
} from '../../feel/index.js';
import { cachedCron, CronParseError, nextCronExecution } from './cron.js';
import { DateTimeParseError, INT_MAX, INT_MIN, parseJavaDuration, parsePeriod, parseZonedDateTime } from './java-time.js';

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
        if (!isParseError(err)) throw err;
        throw new FeelEvaluationError(`Invalid date-time format '${String(value)}' for expression '${text}'.`, text);
      }
    case 'timeDuration':
      if (type !== 'STRING') return { type: 'interval', repetitions: 1, interval: feelDurationInterval(value as Duration) };
      try {
        return { type: 'interval', repetitions: 1, interval: parseInterval(value as string) };
      } catch (err) {
        if (!isParseError(err)) throw err;
        throw new FeelEvaluationError(`Invalid duration format '${String(value)}' for expression '${text}'.`, text);
      }
    case 'timeCycle':
      try {
        return parseCycle(value as string);
      } catch (err) {
        if (!isParseError(err)) throw err;
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
 * The warnings of a failed type check. src/feel reports warnings only inside its own type-mismatch
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
// Zeebe's own formats: Interval and RepeatingInterval (bpmn-model util/time), cycles
// ---------------------------------------------------------------------------------------------

/** Zeebe's own format errors (RepeatingInterval), next to java.time's and cron-utils'. */
class TimerParseError extends Error {}

/** A value that is not in the format its timer kind expects, with the message Zeebe gives. */
function isParseError(err: unknown): err is Error {
  return err instanceof TimerParseError || err instanceof DateTimeParseError || err instanceof CronParseError;
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

/*
 * DEVIATIONS (deliberate, all in corners; java-time.ts and cron.ts list their own):
 * - Static values are trimmed before parsing (Zeebe parses the raw text; editors may add newlines).
 * - Calendar arithmetic and cron use UTC, i.e. Zeebe with the JVM default zone UTC (Camunda images).
 * - Warnings are not appended to the "Invalid … format" messages.
 * - Instants are limited to the JS Date range (±8.64e15 ms, ~±275 000 years); beyond that the
 *   overflow error is raised where Java would still compute.
 * - A FEEL date (`date("2026-10-09")`) is taken as midnight UTC; Zeebe rejects it (type DATE).
 *   feelin represents dates as UTC-midnight date-times, so rejecting them would also reject
 *   `date and time("2026-10-09T00:00:00Z")`, which Zeebe accepts.
 */
