import { afterEach, describe, expect, it, vi } from 'vitest';
import { FeelEvaluationError, FeelSyntaxError } from '../../src/feel/index.js';
import {
  compileTimer,
  describeOccurrence,
  describeTimer,
  firstOccurrence,
  nextDue,
  nextOccurrence,
  parseTimerText,
  REPEAT_FOREVER,
  resolveTimer,
  TimerDefinitionError,
  zeebeRepetitions,
  type ResolvedTimer,
  type TimerKind,
  type TimerOccurrence,
} from '../../src/engine/timer/index.js';
import { nextCronExecution } from '../../src/engine/timer/cron.js';

/** Monday 2026-09-28 02:00:00 UTC. */
const NOW = Date.parse('2026-09-28T02:00:00Z');
const at = (iso: string) => Date.parse(iso);
const env = (variables: Record<string, any> = {}, now = NOW) => ({ variables, now: () => now });

/** The first occurrence of a timer compiled and resolved at `now`. */
const first = (kind: TimerKind, source: string, variables: Record<string, any> = {}, now = NOW) =>
  firstOccurrence(resolveTimer(compileTimer(kind, source), env(variables, now)), now);

/** All occurrences (up to `limit`), each rescheduled right when it fires. */
const occurrences = (kind: TimerKind, source: string, limit = 10, now = NOW): TimerOccurrence[] => {
  const resolved = resolveTimer(compileTimer(kind, source), env({}, now));
  const out: TimerOccurrence[] = [];
  let occ: TimerOccurrence | undefined = firstOccurrence(resolved, now);
  while (occ && out.length < limit) {
    out.push(occ);
    occ = nextOccurrence(resolved, occ.dueAt, occ.repetitionsLeft, occ.dueAt);
  }
  return out;
};

const rejected = (kind: TimerKind, source: string, options = {}): TimerDefinitionError => {
  try {
    compileTimer(kind, source, options);
  } catch (err) {
    expect(err).toBeInstanceOf(TimerDefinitionError);
    return err as TimerDefinitionError;
  }
  throw new Error(`expected ${kind} '${source}' to be rejected`);
};

const runtimeError = (kind: TimerKind, source: string, variables: Record<string, any> = {}): FeelEvaluationError => {
  const timer = compileTimer(kind, source);
  try {
    resolveTimer(timer, env(variables));
  } catch (err) {
    expect(err).toBeInstanceOf(FeelEvaluationError);
    return err as FeelEvaluationError;
  }
  throw new Error(`expected ${kind} '${source}' to fail`);
};

afterEach(() => vi.restoreAllMocks());

describe('timeDate', () => {
  it('takes an ISO date-time with an offset, Z, or an offset plus a zone id', () => {
    expect(first('timeDate', '2026-10-09T23:59:59+08:00')).toEqual({ dueAt: 1791561599000, repetitionsLeft: 0 });
    expect(first('timeDate', '2026-10-09T15:59:59Z').dueAt).toBe(1791561599000);
    expect(first('timeDate', '2026-10-09T23:59:59+08:00[Asia/Shanghai]').dueAt).toBe(1791561599000);
    expect(first('timeDate', '2026-10-09T15:59:59Z[Asia/Shanghai]').dueAt).toBe(1791561599000);
    expect(first('timeDate', '2026-10-09T15:59:59.250Z').dueAt).toBe(1791561599250);
    expect(first('timeDate', '2026-10-09T15:59Z').dueAt).toBe(at('2026-10-09T15:59:00Z'));
  });

  it('keeps a date in the past as it is, so that it fires at once', () => {
    expect(first('timeDate', '2020-01-01T00:00:00Z').dueAt).toBe(1577836800000);
  });

  it('rejects, like java.time ZonedDateTime.parse, a date-time without offset, a bare zone id and a date', () => {
    for (const value of ['2026-10-09T23:59:59', '2026-10-09T23:59:59[Asia/Shanghai]', '2026-10-09', '2026-02-30T00:00:00Z', 'tomorrow']) {
      const err = rejected('timeDate', value);
      expect(err.zeebeMessage).toBe(`Invalid timer date expression (Invalid date-time format '${value}' for expression '${value}'.)`);
      expect(err.message).toContain(`got '${value}'`);
      expect(err.message).toContain('2026-10-09T23:59:59+08:00');
    }
  });

  it('types static values like Zeebe does', () => {
    expect(rejected('timeDate', 'true').zeebeMessage).toBe(
      "Invalid timer date expression (Expected result of the expression 'true' to be one of '[DATE_TIME, STRING]', but was 'BOOLEAN'.)",
    );
  });

  it('evaluates FEEL date-times and strings; a date-time without zone is UTC', () => {
    expect(first('timeDate', '=date and time("2026-10-09T23:59:59")').dueAt).toBe(at('2026-10-09T23:59:59Z'));
    expect(first('timeDate', '=date and time("2026-10-09T23:59:59@Asia/Shanghai")').dueAt).toBe(1791561599000);
    expect(first('timeDate', '=date and time("2026-10-09T23:59:59+08:00")').dueAt).toBe(1791561599000);
    expect(first('timeDate', '=now() + duration("PT1M")').dueAt).toBe(NOW + 60_000);
    expect(first('timeDate', '=deadline', { deadline: '2026-10-09T23:59:59+08:00' }).dueAt).toBe(1791561599000);
    expect(first('timeDate', '="2026-10-09T15:59:59Z"').dueAt).toBe(1791561599000);
  });

  it('fails at runtime with Zeebe wording', () => {
    expect(runtimeError('timeDate', '=deadline', { deadline: 'next week' }).message).toBe(
      "Invalid date-time format 'next week' for expression 'deadline'.",
    );
    expect(runtimeError('timeDate', '=deadline', { deadline: '2026-10-09T23:59:59' }).message).toBe(
      "Invalid date-time format '2026-10-09T23:59:59' for expression 'deadline'.",
    );
    expect(runtimeError('timeDate', '=deadline').message).toBe(
      "Expected result of the expression 'deadline' to be one of '[DATE_TIME, STRING]', but was 'NULL'. " +
        "The evaluation reported the following warnings:\n[NO_VARIABLE_FOUND] No variable found with name 'deadline'",
    );
    expect(runtimeError('timeDate', '=duration("P1D")').message).toBe(
      "Expected result of the expression 'duration(\"P1D\")' to be one of '[DATE_TIME, STRING]', but was 'DURATION'.",
    );
  });
});

describe('timeDuration', () => {
  it('adds ISO 8601 durations to the engine clock', () => {
    expect(first('timeDuration', 'PT15M')).toEqual({ dueAt: NOW + 900_000, repetitionsLeft: 0 });
    expect(first('timeDuration', 'PT10S').dueAt).toBe(1790560810000);
    expect(first('timeDuration', 'P5D').dueAt).toBe(at('2026-10-03T02:00:00Z'));
    expect(first('timeDuration', 'P1W').dueAt).toBe(at('2026-10-05T02:00:00Z'));
    expect(first('timeDuration', 'P1Y2M').dueAt).toBe(at('2027-11-28T02:00:00Z'));
    expect(first('timeDuration', 'P1DT12H').dueAt).toBe(at('2026-09-29T14:00:00Z'));
    expect(first('timeDuration', 'P3Y6M4DT12H30M5S').dueAt).toBe(at('2030-04-01T14:30:05Z'));
    expect(first('timeDuration', 'PT1.5S').dueAt).toBe(NOW + 1500);
    expect(first('timeDuration', 'PT0.0015S').dueAt).toBe(NOW + 1); // java Duration.toMillis floors
    expect(first('timeDuration', 'p2d').dueAt).toBe(at('2026-09-30T02:00:00Z')); // java.time is case-insensitive
  });

  it('adds months and years on the calendar, clamping to the month end', () => {
    expect(first('timeDuration', 'P1M', {}, at('2026-01-31T10:00:00Z')).dueAt).toBe(at('2026-02-28T10:00:00Z'));
    expect(first('timeDuration', 'P1M', {}, at('2028-01-31T10:00:00Z')).dueAt).toBe(at('2028-02-29T10:00:00Z'));
    expect(first('timeDuration', 'P1Y', {}, at('2028-02-29T10:00:00Z')).dueAt).toBe(at('2029-02-28T10:00:00Z'));
    expect(first('timeDuration', 'P1M1D', {}, at('2026-01-31T10:00:00Z')).dueAt).toBe(at('2026-03-01T10:00:00Z'));
  });

  it('fires at once for zero and negative durations', () => {
    expect(first('timeDuration', 'PT0S').dueAt).toBe(NOW);
    expect(first('timeDuration', '-PT5S').dueAt).toBe(NOW - 5000);
  });

  it('rejects invalid static durations at deployment, naming the value', () => {
    for (const value of ['P1X', 'PT', 'P', '15m', 'pt1h', '']) {
      const err = rejected('timeDuration', value);
      expect(err.zeebeMessage).toBe(`Invalid timer duration expression (Invalid duration format '${value}' for expression '${value}'.)`);
      expect(err.message).toContain(`expected an ISO 8601 duration such as PT15M or P5D, got '${value}'`);
    }
    expect(rejected('timeDuration', '5').zeebeMessage).toBe(
      "Invalid timer duration expression (Expected result of the expression '5' to be one of '[DURATION, PERIOD, STRING]', but was 'NUMBER'.)",
    );
    expect(rejected('timeDuration', 'P999999999Y').zeebeMessage).toBe(
      'Invalid timer duration expression (Timer duration is too large and results in arithmetic overflow. Please use a smaller duration value.)',
    );
  });

  it('evaluates FEEL durations and strings', () => {
    expect(first('timeDuration', '=duration("P5D")').dueAt).toBe(at('2026-10-03T02:00:00Z'));
    expect(first('timeDuration', '=duration("P1Y2M")').dueAt).toBe(at('2027-11-28T02:00:00Z'));
    expect(first('timeDuration', '="PT1H"').dueAt).toBe(NOW + 3_600_000);
    expect(first('timeDuration', '=wait', { wait: 'PT30M' }).dueAt).toBe(NOW + 1_800_000);
    expect(first('timeDuration', '=date and time("2026-10-01T00:00:00Z") - now()').dueAt).toBe(at('2026-10-01T00:00:00Z'));
  });

  it('fails at runtime with Zeebe wording', () => {
    expect(runtimeError('timeDuration', '=wait', { wait: 'half an hour' }).message).toBe(
      "Invalid duration format 'half an hour' for expression 'wait'.",
    );
    expect(runtimeError('timeDuration', '=wait', { wait: 30 }).message).toBe(
      "Expected result of the expression 'wait' to be one of '[DURATION, PERIOD, STRING]', but was 'NUMBER'.",
    );
    expect(runtimeError('timeDuration', '=wait').message).toContain("[NO_VARIABLE_FOUND] No variable found with name 'wait'");
  });
});

describe('timeCycle: repeating intervals', () => {
  it('repeats R5/PT10S five times from the engine clock, then stops', () => {
    const all = occurrences('timeCycle', 'R5/PT10S');
    expect(all.map((o) => o.dueAt)).toEqual([10, 20, 30, 40, 50].map((s) => NOW + s * 1000));
    expect(all.map((o) => o.repetitionsLeft)).toEqual([4, 3, 2, 1, 0]);
  });

  it('repeats R/P1D without end', () => {
    const all = occurrences('timeCycle', 'R/P1D', 4);
    expect(all.map((o) => o.dueAt)).toEqual([
      at('2026-09-29T02:00:00Z'),
      at('2026-09-30T02:00:00Z'),
      at('2026-10-01T02:00:00Z'),
      at('2026-10-02T02:00:00Z'),
    ]);
    expect(all.every((o) => o.repetitionsLeft === REPEAT_FOREVER)).toBe(true);
  });

  it('fires first at a start in the future, then every interval after it', () => {
    expect(occurrences('timeCycle', 'R3/2026-10-01T00:00:00Z/P1D').map((o) => [new Date(o.dueAt).toISOString(), o.repetitionsLeft])).toEqual([
      ['2026-10-01T00:00:00.000Z', 2],
      ['2026-10-02T00:00:00.000Z', 1],
      ['2026-10-03T00:00:00.000Z', 0],
    ]);
  });

  it('fires at once when the start is in the past', () => {
    expect(occurrences('timeCycle', 'R3/2026-01-01T00:00:00Z/P1D').map((o) => o.dueAt)).toEqual([
      NOW,
      at('2026-09-29T02:00:00Z'),
      at('2026-09-30T02:00:00Z'),
    ]);
  });

  it('computes months from the previous due time in the start zone (DST-free zones)', () => {
    const shanghai = occurrences('timeCycle', 'R3/2026-10-31T09:00:00+08:00[Asia/Shanghai]/P1M');
    expect(shanghai.map((o) => o.dueAt)).toEqual([at('2026-10-31T01:00:00Z'), at('2026-11-30T01:00:00Z'), at('2026-12-30T01:00:00Z')]);
    const fixed = occurrences('timeCycle', 'R2/2026-10-31T23:30:00-05:00/P1D');
    expect(fixed.map((o) => o.dueAt)).toEqual([at('2026-11-01T04:30:00Z'), at('2026-11-02T04:30:00Z')]);
  });

  it('fires once for R0 and R1', () => {
    expect(occurrences('timeCycle', 'R0/PT1H')).toEqual([{ dueAt: NOW + 3_600_000, repetitionsLeft: 0 }]);
    expect(occurrences('timeCycle', 'R1/PT1H')).toEqual([{ dueAt: NOW + 3_600_000, repetitionsLeft: 0 }]);
  });

  it('after downtime, fires the overdue occurrence at once and continues from there', () => {
    const resolved = resolveTimer(compileTimer('timeCycle', 'R/PT1H'), env());
    const later = at('2026-09-28T05:30:00Z');
    const overdue = nextOccurrence(resolved, at('2026-09-28T03:00:00Z'), REPEAT_FOREVER, later)!;
    expect(overdue.dueAt).toBe(later);
    expect(nextOccurrence(resolved, overdue.dueAt, overdue.repetitionsLeft, later)!.dueAt).toBe(at('2026-09-28T06:30:00Z'));
  });

  it('survives a JSON round trip (the engine stores the resolved timer)', () => {
    const resolved = resolveTimer(compileTimer('timeCycle', 'R3/2026-10-31T09:00:00+08:00[Asia/Shanghai]/P1M'), env());
    const stored = JSON.parse(JSON.stringify(resolved)) as ResolvedTimer;
    expect(nextOccurrence(stored, at('2026-10-31T01:00:00Z'), 2, NOW)).toEqual({ dueAt: at('2026-11-30T01:00:00Z'), repetitionsLeft: 1 });
  });

  it('rejects invalid repeating intervals with java.time / Zeebe messages', () => {
    expect(rejected('timeCycle', 'R5').zeebeMessage).toBe('Invalid timer cycle expression (No interval given)');
    expect(rejected('timeCycle', 'Rx/PT1S').zeebeMessage).toBe('Invalid timer cycle expression (Cannot parse repetitions count)');
    expect(rejected('timeCycle', 'R/PT1X').zeebeMessage).toBe('Invalid timer cycle expression (Text cannot be parsed to a Duration)');
    expect(rejected('timeCycle', 'R/P1X').zeebeMessage).toBe('Invalid timer cycle expression (Text cannot be parsed to a Period)');
    const err = rejected('timeCycle', 'R3/2026-13-01T00:00:00Z/P1D');
    expect(err.zeebeMessage).toBe(
      "Invalid timer cycle expression (Text '2026-13-01T00:00:00Z' could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): 13)",
    );
    expect(err.message).toContain("got 'R3/2026-13-01T00:00:00Z/P1D'");
  });
});

describe('timeCycle: cron', () => {
  it('takes 6-field Spring cron: weekdays at 9, across a month boundary', () => {
    const friday = at('2026-10-30T18:00:00Z');
    const resolved = resolveTimer(compileTimer('timeCycle', '0 0 9 * * MON-FRI'), env({}, friday));
    const firstRun = firstOccurrence(resolved, friday);
    expect(firstRun).toEqual({ dueAt: at('2026-11-02T09:00:00Z'), repetitionsLeft: REPEAT_FOREVER });
    expect(nextOccurrence(resolved, firstRun.dueAt, firstRun.repetitionsLeft, firstRun.dueAt)!.dueAt).toBe(at('2026-11-03T09:00:00Z'));
  });

  it('follows hour ranges and steps, day-of-month and names', () => {
    const next = (cron: string, from: string) => new Date(nextCronExecution(cron, at(from))!).toISOString();
    expect(next('0 0 9-17 * * MON-FRI', '2026-09-28T17:00:00Z')).toBe('2026-09-29T09:00:00.000Z');
    expect(next('0 0 9-17 * * MON-FRI', '2026-09-28T12:34:56Z')).toBe('2026-09-28T13:00:00.000Z');
    expect(next('0 */15 * * * *', '2026-09-28T02:07:00Z')).toBe('2026-09-28T02:15:00.000Z');
    expect(next('*/10 * * * * *', '2026-09-28T02:00:05.123Z')).toBe('2026-09-28T02:00:10.000Z');
    expect(next('0 0 0 1 * *', '2026-09-28T02:00:00Z')).toBe('2026-10-01T00:00:00.000Z');
    expect(next('0 0 12 L * ?', '2026-02-10T00:00:00Z')).toBe('2026-02-28T12:00:00.000Z');
    expect(next('0 0 12 LW * ?', '2026-10-01T00:00:00Z')).toBe('2026-10-30T12:00:00.000Z');
    expect(next('0 0 12 15W * ?', '2026-11-01T00:00:00Z')).toBe('2026-11-16T12:00:00.000Z');
    expect(next('0 0 10 ? * FRI#1', '2026-10-02T10:00:00Z')).toBe('2026-11-06T10:00:00.000Z');
    expect(next('0 0 10 ? * 5L', '2026-10-01T00:00:00Z')).toBe('2026-10-30T10:00:00.000Z');
    expect(next('0 0 8 * JAN,JUL SAT-SUN', '2026-09-28T02:00:00Z')).toBe('2027-01-02T08:00:00.000Z');
    expect(next('0 0 9 1 * MON', '2026-09-28T02:00:00Z')).toBe('2027-02-01T09:00:00.000Z'); // day-of-month AND day-of-week
    expect(next('0 0 9 * * mon-fri', '2026-10-03T00:00:00Z')).toBe('2026-10-05T09:00:00.000Z');
  });

  it('takes the macros', () => {
    const next = (cron: string) => new Date(nextCronExecution(cron, NOW)!).toISOString();
    expect(next('@daily')).toBe('2026-09-29T00:00:00.000Z');
    expect(next('@midnight')).toBe('2026-09-29T00:00:00.000Z');
    expect(next('@hourly')).toBe('2026-09-28T03:00:00.000Z');
    expect(next('@weekly')).toBe('2026-10-04T00:00:00.000Z');
    expect(next('@monthly')).toBe('2026-10-01T00:00:00.000Z');
    expect(next('@yearly')).toBe('2027-01-01T00:00:00.000Z');
  });

  it('schedules strictly after now, and from now when rescheduled', () => {
    const nine = at('2026-09-28T09:00:00Z');
    expect(nextCronExecution('0 0 9 * * *', nine)).toBe(at('2026-09-29T09:00:00Z'));
    const resolved = resolveTimer(compileTimer('timeCycle', '0 0 9 * * *'), env());
    const later = at('2026-10-05T12:00:00Z');
    expect(nextOccurrence(resolved, nine, REPEAT_FOREVER, later)).toEqual({ dueAt: at('2026-10-06T09:00:00Z'), repetitionsLeft: REPEAT_FOREVER });
  });

  it('fires once at once when the cron never matches, as Zeebe does', () => {
    const resolved = resolveTimer(compileTimer('timeCycle', '0 0 0 30 2 *'), env());
    const only = firstOccurrence(resolved, NOW);
    expect(only).toEqual({ dueAt: NOW, repetitionsLeft: 0 });
    expect(nextOccurrence(resolved, only.dueAt, only.repetitionsLeft, NOW)).toBeUndefined();
  });

  it('takes cron-utils composite forms', () => {
    expect(nextCronExecution('0 0 9 * * * || 0 0 17 * * *', at('2026-09-28T10:00:00Z'))).toBe(at('2026-09-28T17:00:00Z'));
    expect(nextCronExecution('0 0 9|17 * * *', at('2026-09-28T10:00:00Z'))).toBe(at('2026-09-28T17:00:00Z'));
  });

  it('rejects what cron-utils (SPRING53) rejects, with its messages', () => {
    const cases: [string, string][] = [
      ['0 0 9 * *', 'Cron expression contains 5 parts but we expect one of [6]'],
      ['every day', 'Cron expression contains 2 parts but we expect one of [6]'],
      ['0 0 9 * * * 2026', 'Cron expression contains 7 parts but we expect one of [6]'],
      ['@reboot', 'Nickname @reboot not supported!'],
      ['0 0 25 * * *', 'Failed to parse cron expression. Value 25 not in range [0, 23]'],
      ['0 0 17-9 * * *', 'Failed to parse cron expression. Invalid range! [17,9]'],
      ['0 0 9 * * MON-FRI,', "Invalid field value! Trailing commas not permitted! 'MON-FRI,'"],
      ['0 0 9 ? * 1#9', 'Failed to parse cron expression. Value 9 not in range [0, 7]'],
      ['0 0 ? * * *', 'Failed to parse cron expression. Invalid expression: ?'],
      ['*/60 * * * * *', 'Failed to parse cron expression. Period 60 not in range [0, 59]'],
      ['0 0 9 * * XYZ', 'Failed to parse cron expression. Invalid chars in expression! Expression: XYZ Invalid chars: XYZ'],
    ];
    for (const [cron, message] of cases) {
      const err = rejected('timeCycle', cron);
      expect(err.zeebeMessage).toBe(`Invalid timer cycle expression (${message})`);
      expect(err.message).toContain(`got '${cron}'`);
    }
  });
});

describe('timeCycle: FEEL', () => {
  it('evaluates to a string: repeating interval or cron', () => {
    expect(first('timeCycle', '="R2/PT1H"')).toEqual({ dueAt: NOW + 3_600_000, repetitionsLeft: 1 });
    expect(first('timeCycle', '=schedule', { schedule: '0 0 9 * * MON-FRI' }).dueAt).toBe(at('2026-09-28T09:00:00Z'));
    expect(first('timeCycle', '="R/" + string(date and time("2026-10-01T08:00:00Z")) + "/P1D"').dueAt).toBe(at('2026-10-01T08:00:00Z'));
  });

  it('fails at runtime with Zeebe wording', () => {
    expect(runtimeError('timeCycle', '=duration("PT1H")').message).toBe(
      "Expected result of the expression 'duration(\"PT1H\")' to be 'STRING', but was 'DURATION'.",
    );
    expect(runtimeError('timeCycle', '=schedule').message).toBe(
      "Expected result of the expression 'schedule' to be 'STRING', but was 'NULL'. " +
        "The evaluation reported the following warnings:\n[NO_VARIABLE_FOUND] No variable found with name 'schedule'",
    );
    expect(runtimeError('timeCycle', '=schedule', { schedule: 'R/PT1X' }).message).toBe('Text cannot be parsed to a Duration');
    expect(runtimeError('timeCycle', '=schedule', { schedule: 'daily' }).message).toBe(
      'Cron expression contains 1 parts but we expect one of [6]',
    );
  });

  it('evaluates the FEEL again at each rescheduling (nextDue)', () => {
    const timer = compileTimer('timeCycle', '=schedule');
    const firstRun = nextDue(timer, env({ schedule: 'R3/PT1H' }))!;
    expect(firstRun).toEqual({ dueAt: NOW + 3_600_000, repetitionsLeft: 2 });
    const second = nextDue(timer, env({ schedule: 'R3/PT2H' }, firstRun.dueAt), firstRun)!;
    expect(second).toEqual({ dueAt: NOW + 3 * 3_600_000, repetitionsLeft: 1 });
    // exhausted: no evaluation at all, so a vanished variable does not matter
    expect(nextDue(timer, env({}), { dueAt: second.dueAt, repetitionsLeft: 0 })).toBeUndefined();
  });
});

describe('deployment checks', () => {
  it('keeps FEEL for runtime, but evaluates a process timer start event at deployment', () => {
    const timer = compileTimer('timeCycle', '=schedule');
    expect(timer.definition).toBeUndefined();
    const err = rejected('timeCycle', '=schedule', { startEventOfProcess: true });
    expect(err.zeebeMessage).toBe(
      "Invalid timer cycle expression (Expected result of the expression 'schedule' to be 'STRING', but was 'NULL'. " +
        "The evaluation reported the following warnings:\n[NO_VARIABLE_FOUND] No variable found with name 'schedule')",
    );
    const ok = compileTimer('timeDate', '=now() + duration("PT1H")', { startEventOfProcess: true, now: () => NOW });
    expect(ok.definition).toBeUndefined();
    expect(first('timeDate', '=now() + duration("PT1H")').dueAt).toBe(NOW + 3_600_000);
  });

  it('lets FEEL syntax errors through as FeelSyntaxError', () => {
    expect(() => compileTimer('timeDuration', '=duration(')).toThrow(FeelSyntaxError);
  });

  it('trims static values (XML text content may carry line breaks)', () => {
    expect(first('timeDuration', '\n  PT15M\n').dueAt).toBe(NOW + 900_000);
  });
});

describe('helpers', () => {
  it('describes timers and occurrences for logs', () => {
    expect(describeTimer(compileTimer('timeCycle', 'R3/PT10S'))).toBe('timeCycle "R3/PT10S"');
    expect(describeTimer(compileTimer('timeDuration', '=wait'))).toBe('timeDuration "=wait" (FEEL)');
    expect(describeOccurrence({ dueAt: NOW, repetitionsLeft: 2 })).toBe('2026-09-28T02:00:00.000Z (2 more)');
    expect(describeOccurrence({ dueAt: NOW, repetitionsLeft: 0 })).toBe('2026-09-28T02:00:00.000Z (last)');
    expect(describeOccurrence({ dueAt: NOW, repetitionsLeft: REPEAT_FOREVER })).toBe('2026-09-28T02:00:00.000Z (repeats)');
  });

  it("maps to Zeebe's repetition count", () => {
    expect(zeebeRepetitions(REPEAT_FOREVER)).toBe(-1);
    expect(zeebeRepetitions(0)).toBe(1);
    expect(zeebeRepetitions(4)).toBe(5);
  });

  it('parses timer text without FEEL', () => {
    expect(parseTimerText('timeDuration', 'P1M')).toEqual({ type: 'interval', repetitions: 1, interval: { years: 0, months: 1, days: 0, ms: 0 } });
    expect(parseTimerText('timeCycle', '0 0 9 * * *')).toEqual({ type: 'cron', cron: '0 0 9 * * *' });
    expect(parseTimerText('timeDate', '2026-10-09T15:59:59Z')).toEqual({ type: 'date', at: 1791561599000 });
  });

  it('reads only the engine clock', () => {
    const spy = vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('Date.now() must not be used');
    });
    expect(first('timeDuration', '=duration("P1M")').dueAt).toBe(at('2026-10-28T02:00:00Z'));
    expect(first('timeDate', '=now()').dueAt).toBe(NOW);
    expect(occurrences('timeCycle', 'R2/2026-10-31T09:00:00+08:00[Asia/Shanghai]/P1M')).toHaveLength(2);
    expect(first('timeCycle', '0 0 9 * * MON-FRI').dueAt).toBe(at('2026-09-28T09:00:00Z'));
    expect(spy).not.toHaveBeenCalled();
  });
});
