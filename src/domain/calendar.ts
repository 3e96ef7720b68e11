/**
 * Working days and publicity periods (DOMAIN.md §4).
 *
 * Every publicity (公示) period is "不少于5个工作日" (002 五(一)3; 003 四(三); 000 附件3 三(二)1 and
 * 三(三)). Working days follow the State Council's annual holiday notice (国务院办公厅关于XXXX年部分
 * 节假日安排的通知), make-up working days on weekends (调休上班) included:
 * - a day is a working day when the notice makes it one (调休上班), or it is Monday–Friday and the
 *   notice does not make it a holiday;
 * - schedules come from `chinese-days` (its data, not its date functions, which depend on the
 *   process time zone) for the notice years it covers — {@link BUILT_IN_YEARS}, 2004–2026 in
 *   chinese-days 1.5.7 — and from operator files `config/holidays/<year>.json`
 *   ({@link holidayScheduleSchema}) that replace the built-in schedule of their year;
 * - a calendar year with neither is an error ({@link ScheduleMissingError}) naming the year and the
 *   file to add, unless the weekends-only fallback is explicitly allowed.
 *
 * A notice of year N may reach into late December of N−1 (元旦 bridging, e.g. 2022-12-31 in the
 * 2023 notice). Such dates are attributed to notice N, so a December day of a covered year is
 * exact only once the next year's notice is known; that is how the notices work, not a guess.
 *
 * Dates are plain calendar dates `YYYY-MM-DD` (China has one time zone); periods end at
 * 23:59:59 Asia/Shanghai (+08:00, no daylight saving since 1991).
 */
import builtInData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import chineseDaysPackage from 'chinese-days/package.json' with { type: 'json' };
import { z } from 'zod';
import { chinaInstant } from './china-time.js';
import { DomainError, type Issue } from './issues.js';

export type IsoDate = string;

/** The least publicity period, in working days (002 五(一)3; 003 四(三); 000 附件3 三(二)1, 三(三)). */
export const MIN_PUBLICITY_WORKING_DAYS = 5;

const PUBLICITY_RULE = '002 五(一)3；003 四(三)；000 附件3 三(二)1、三(三)：公示期不少于5个工作日';
const SCHEDULE_RULE = 'DOMAIN.md §4：工作日以国务院办公厅年度节假日安排为准；未配置的年份不得静默计算';
const CONFIG_RULE = 'config/holidays/README.md：年度节假日安排文件格式';

// ---------------------------------------------------------------------------------------------
// Plain dates
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` → days since 1970-01-01, or undefined when it is not a real date in that format. */
export function isoDateToDay(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const date = new Date(t);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return Math.round(t / DAY_MS);
}

export const dayToIsoDate = (day: number): IsoDate => new Date(day * DAY_MS).toISOString().slice(0, 10);

export const isIsoDate = (value: unknown): value is IsoDate => typeof value === 'string' && isoDateToDay(value) !== undefined;

/** 0 = Sunday … 6 = Saturday. */
const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;

const yearOf = (date: IsoDate): number => Number(date.slice(0, 4));

function requireDate(value: unknown, field: string): number {
  const day = typeof value === 'string' ? isoDateToDay(value) : undefined;
  if (day === undefined) {
    throw new DomainError([
      {
        code: 'calendar.date',
        rule: 'ISO 8601 日期 YYYY-MM-DD',
        field,
        message: `日期应为 YYYY-MM-DD 格式的有效日期，实为“${String(value)}”`,
        detail: `${field}: expected a valid date YYYY-MM-DD, found ${JSON.stringify(value)}`,
        expected: 'YYYY-MM-DD',
        found: String(value),
      },
    ]);
  }
  return day;
}

// ---------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------

/** One year's holiday notice: the days off and the make-up working days it declares. */
export interface HolidaySchedule {
  /** The notice's year. */
  year: number;
  /** Days off (法定节假日 and the days moved to join them), weekends inside the break included. */
  holidays: IsoDate[];
  /** Make-up working days (调休上班), always a Saturday or Sunday. */
  workdays: IsoDate[];
  /** The notice, e.g. `国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）`. */
  source: string;
  url?: string;
  notes?: string;
  /** Where the schedule was read from (set by the loader), e.g. `config/holidays/2027.json`. */
  file?: string;
}

export type ScheduleKind = 'chinese-days' | 'config' | 'weekends-only';

/** What a day's status rests on. */
export interface ScheduleBasis {
  year: number;
  kind: ScheduleKind;
  /** The file and its notice, or `chinese-days <version>（…）`, or a note that only weekends were used. */
  source: string;
}

const isoDateString = z.string({ error: '应为 YYYY-MM-DD 格式的日期字符串' }).refine(isIsoDate, { message: '应为 YYYY-MM-DD 格式的有效日期' });

/**
 * `config/holidays/<year>.json`: one State Council notice. Dates must be in the notice's year or
 * in December of the year before (元旦 bridging); holidays and workdays must not overlap or repeat;
 * workdays must be Saturdays or Sundays (a make-up working day on a weekday is a typo).
 */
export const holidayScheduleSchema = z
  .strictObject({
    year: z.number({ error: 'year 应为数字年份，如 2027' }).int('year 应为整数').min(2000, 'year 应在 2000–2100 之间').max(2100, 'year 应在 2000–2100 之间'),
    source: z.string({ error: 'source 应注明所依据的通知' }).trim().min(1, '应注明所依据的通知（国务院办公厅关于XXXX年部分节假日安排的通知）'),
    url: z.url({ error: 'url 应为网址' }).optional(),
    notes: z.string({ error: 'notes 应为文本' }).optional(),
    holidays: z.array(isoDateString, { error: 'holidays 应为日期数组' }).min(1, '至少应有一个放假日期'),
    workdays: z.array(isoDateString, { error: 'workdays 应为日期数组（可为空数组 []）' }),
  })
  .superRefine((s, ctx) => {
    const inRange = (d: string): boolean => yearOf(d) === s.year || (yearOf(d) === s.year - 1 && d.slice(5, 7) === '12');
    const seen = new Map<string, string>();
    for (const key of ['holidays', 'workdays'] as const) {
      s[key].forEach((d, i) => {
        if (!isIsoDate(d)) return;
        if (!inRange(d)) ctx.addIssue({ code: 'custom', path: [key, i], message: `${d} 不在 ${s.year} 年内（或 ${s.year - 1} 年12月的元旦调休）` });
        const other = seen.get(d);
        if (other !== undefined) ctx.addIssue({ code: 'custom', path: [key, i], message: `${d} 重复（已在 ${other} 中）` });
        seen.set(d, `${key}[${i}]`);
        if (key === 'workdays') {
          const wd = weekdayOf(isoDateToDay(d) as number);
          if (wd !== 0 && wd !== 6) ctx.addIssue({ code: 'custom', path: [key, i], message: `${d} 是工作日（周一至周五），调休上班日应为周六或周日` });
        }
      });
    }
  });

const zodPath = (path: readonly PropertyKey[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');

/**
 * Validates one schedule (the parsed JSON of a `config/holidays/<year>.json`). `origin` names the
 * file in issues (`field` = `<origin>#<path>`) and, when its name is `<year>.json`, must agree with
 * the `year` inside.
 */
export function parseHolidaySchedule(json: unknown, origin = 'schedule'): HolidaySchedule {
  const result = holidayScheduleSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map(
      (i): Issue => ({
        code: 'calendar.config',
        rule: CONFIG_RULE,
        field: i.path.length > 0 ? `${origin}#${zodPath(i.path)}` : origin,
        message: `${origin}${i.path.length > 0 ? ` 的 ${zodPath(i.path)}` : ''}：${i.message}`,
        detail: `${origin}${i.path.length > 0 ? ` at ${zodPath(i.path)}` : ''}: ${i.message}`,
      }),
    );
    throw new DomainError(issues as [Issue, ...Issue[]]);
  }
  const named = /(?:^|[\\/])(\d{4})\.json$/.exec(origin);
  if (named && Number(named[1]) !== result.data.year) {
    throw new DomainError([
      {
        code: 'calendar.config',
        rule: CONFIG_RULE,
        field: `${origin}#year`,
        message: `${origin}：文件名年份 ${named[1]} 与 year ${result.data.year} 不一致`,
        detail: `${origin}: the file name says ${named[1]} but year is ${result.data.year}`,
        expected: named[1],
        found: String(result.data.year),
      },
    ]);
  }
  return { ...result.data, ...(named ? { file: origin } : {}) };
}

interface Entry {
  working: boolean;
  name?: string;
  basis: ScheduleBasis;
}

interface BuiltIn {
  /** Notice year → its entries. */
  notices: Map<number, Map<IsoDate, { working: boolean; name: string }>>;
  /** Notice years whose schedule is complete (it has 春节 and 国庆节). */
  complete: Set<number>;
}

const CHINESE_DAYS_SOURCE = `chinese-days ${chineseDaysPackage.version}（国务院办公厅年度节假日安排）`;

function loadBuiltIn(): BuiltIn {
  const data = builtInData as unknown as { holidays: Record<string, string>; workdays: Record<string, string> };
  const notices: BuiltIn['notices'] = new Map();
  const names = new Map<number, Set<string>>();
  const add = (date: IsoDate, label: string, working: boolean): void => {
    const name = label.split(',')[1] ?? label;
    // A December day named 元旦 belongs to the next year's notice (元旦 bridging).
    const notice = date.slice(5, 7) === '12' && name === '元旦' ? yearOf(date) + 1 : yearOf(date);
    let entries = notices.get(notice);
    if (!entries) notices.set(notice, (entries = new Map()));
    entries.set(date, { working, name });
    let n = names.get(notice);
    if (!n) names.set(notice, (n = new Set()));
    n.add(name);
  };
  for (const [date, label] of Object.entries(data.holidays)) add(date, label, false);
  for (const [date, label] of Object.entries(data.workdays)) add(date, label, true);
  const complete = new Set([...names].filter(([, n]) => n.has('春节') && n.has('国庆节')).map(([y]) => y));
  return { notices, complete };
}

const BUILT_IN = loadBuiltIn();

/** Notice years `chinese-days` has complete schedules for, ascending (2004–2026 in 1.5.7). */
export const BUILT_IN_YEARS: readonly number[] = Object.freeze([...BUILT_IN.complete].sort((a, b) => a - b));

export interface CalendarOptions {
  /** Operator schedules (`config/holidays/*.json`); each replaces the built-in schedule of its year. */
  schedules?: readonly HolidaySchedule[];
  /** Count plain Monday–Friday as working days in years without a schedule. Off unless asked for. */
  weekendsOnlyFallback?: boolean;
  /** Use chinese-days' schedules (default true; tests turn it off to exercise config alone). */
  builtIn?: boolean;
}

export interface DayStatus {
  date: IsoDate;
  working: boolean;
  /** `holiday` and `makeupWorkday` come from a notice; `weekday`/`weekend` from the day of the week. */
  kind: 'weekday' | 'weekend' | 'holiday' | 'makeupWorkday';
  /** The holiday the notice names (春节, 国庆节 …), when the schedule gives names. */
  name?: string;
  basis: ScheduleBasis;
}

export interface PublicityWindow {
  /** The posting date as given. */
  postedDate: IsoDate;
  /** First working day on or after the posting date. */
  startDate: IsoDate;
  /** The N-th working day. */
  endDate: IsoDate;
  /** `endDate` 23:59:59 Asia/Shanghai, ISO 8601 with offset. */
  endsAt: string;
  /** The N working days, in order. */
  workdays: IsoDate[];
  days: number;
  /** Non-working days from the posting date to the end date, with the holiday's name when known. */
  skipped: { date: IsoDate; kind: 'weekend' | 'holiday'; name?: string }[];
  /** Per calendar year touched, what the computation rests on. */
  basis: ScheduleBasis[];
  /** E.g. that a weekends-only fallback was used. */
  warnings: Issue[];
}

/** No schedule for a year, and the weekends-only fallback was not allowed. */
export class ScheduleMissingError extends DomainError {
  readonly year: number;
  readonly file: string;

  constructor(year: number) {
    const file = `config/holidays/${year}.json`;
    super([
      {
        code: 'calendar.scheduleMissing',
        rule: SCHEDULE_RULE,
        field: 'date',
        message: `${year}年的节假日安排未配置，无法计算工作日：请依据国务院办公厅关于${year}年部分节假日安排的通知添加 ${file}（格式见 config/holidays/README.md），或明确允许仅按周末计算（HOLIDAYS_WEEKENDS_ONLY=true）`,
        detail: `no official holiday schedule for ${year}: add ${file} (see config/holidays/README.md) or explicitly allow the weekends-only fallback (HOLIDAYS_WEEKENDS_ONLY=true)`,
        found: String(year),
      },
    ]);
    this.name = 'ScheduleMissingError';
    this.year = year;
    this.file = file;
  }
}

export class WorkingDayCalendar {
  readonly #entries = new Map<IsoDate, Entry>();
  readonly #covered = new Map<number, ScheduleBasis>();
  readonly #fallback: boolean;

  constructor(options: CalendarOptions = {}) {
    this.#fallback = options.weekendsOnlyFallback === true;
    const configured = new Map<number, HolidaySchedule>();
    for (const given of options.schedules ?? []) {
      const { file, ...content } = given;
      const s: HolidaySchedule = { ...parseHolidaySchedule(content, file ?? `schedules[${given.year}]`), ...(file ? { file } : {}) };
      const previous = configured.get(s.year);
      if (previous) {
        throw new DomainError([
          {
            code: 'calendar.configDuplicate',
            rule: CONFIG_RULE,
            field: s.file ?? `schedules[${s.year}]`,
            message: `${s.year}年的节假日安排重复配置（${previous.file ?? previous.source}；${s.file ?? s.source}）`,
            detail: `two schedules for ${s.year}: ${previous.file ?? previous.source} and ${s.file ?? s.source}`,
          },
        ]);
      }
      configured.set(s.year, s);
    }
    if (options.builtIn !== false) {
      for (const [notice, entries] of BUILT_IN.notices) {
        if (configured.has(notice)) continue;
        const basis: ScheduleBasis = { year: notice, kind: 'chinese-days', source: CHINESE_DAYS_SOURCE };
        for (const [date, e] of entries) this.#entries.set(date, { working: e.working, name: e.name, basis });
        if (BUILT_IN.complete.has(notice)) this.#covered.set(notice, basis);
      }
    }
    const fromConfig = new Map<IsoDate, { schedule: HolidaySchedule; working: boolean }>();
    for (const s of configured.values()) {
      const basis: ScheduleBasis = { year: s.year, kind: 'config', source: s.file ? `${s.file}：${s.source}` : s.source };
      for (const [list, working] of [
        [s.holidays, false],
        [s.workdays, true],
      ] as const) {
        for (const date of list) {
          const other = fromConfig.get(date);
          if (other && other.working !== working) {
            const a = other.schedule.file ?? String(other.schedule.year);
            const b = s.file ?? String(s.year);
            throw new DomainError([
              {
                code: 'calendar.configConflict',
                rule: CONFIG_RULE,
                field: s.file ?? `schedules[${s.year}]`,
                message: `${date} 在 ${a} 与 ${b} 中的安排互相矛盾`,
                detail: `${date} is a ${other.working ? 'workday' : 'holiday'} in ${a} but a ${working ? 'workday' : 'holiday'} in ${b}`,
              },
            ]);
          }
          fromConfig.set(date, { schedule: s, working });
          this.#entries.set(date, { working, basis });
        }
      }
      this.#covered.set(s.year, basis);
    }
  }

  /** What days of `year` rest on; throws {@link ScheduleMissingError} when nothing and no fallback. */
  basis(year: number): ScheduleBasis {
    const covered = this.#covered.get(year);
    if (covered) return covered;
    if (this.#fallback) return { year, kind: 'weekends-only', source: '无官方安排，按周一至周五为工作日计算（HOLIDAYS_WEEKENDS_ONLY）' };
    throw new ScheduleMissingError(year);
  }

  /** Whether `year` has an official schedule (config or chinese-days). */
  hasSchedule(year: number): boolean {
    return this.#covered.has(year);
  }

  /** The status of one day. */
  day(date: IsoDate): DayStatus {
    const n = requireDate(date, 'date');
    return this.#dayOf(n);
  }

  #dayOf(n: number): DayStatus {
    const date = dayToIsoDate(n);
    const entry = this.#entries.get(date);
    if (entry) {
      return {
        date,
        working: entry.working,
        kind: entry.working ? 'makeupWorkday' : 'holiday',
        ...(entry.name ? { name: entry.name } : {}),
        basis: entry.basis,
      };
    }
    const basis = this.basis(yearOf(date));
    const wd = weekdayOf(n);
    const working = wd !== 0 && wd !== 6;
    return { date, working, kind: working ? 'weekday' : 'weekend', basis };
  }

  isWorkingDay(date: IsoDate): boolean {
    return this.day(date).working;
  }

  /** `date` itself when it is a working day, otherwise the next working day. */
  firstWorkingDayOnOrAfter(date: IsoDate): IsoDate {
    let n = requireDate(date, 'date');
    while (!this.#dayOf(n).working) n++;
    return dayToIsoDate(n);
  }

  /**
   * The `n`-th working day after `date` (before it when `n` is negative); `date` itself when n = 0.
   * `date` need not be a working day: addWorkingDays(Saturday, 1) is the next working day.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate {
    let d = requireDate(date, 'date');
    if (!Number.isInteger(n)) throw new RangeError(`addWorkingDays: n must be an integer, got ${n}`);
    const step = n < 0 ? -1 : 1;
    for (let left = Math.abs(n); left > 0; ) {
      d += step;
      if (this.#dayOf(d).working) left--;
    }
    return dayToIsoDate(d);
  }

  /**
   * Working days from `from` to `to`, signed: the working days in (from, to] when `to` is later, minus
   * those in (to, from] when it is earlier, 0 for the same day. So a task due today has 0 left, due
   * on the next working day 1, due yesterday (a working day) −1; a due date on a weekend counts as
   * the working day before it (due Saturday, seen on Friday: 0 left).
   */
  workingDaysBetween(from: IsoDate, to: IsoDate): number {
    const a = requireDate(from, 'from');
    const b = requireDate(to, 'to');
    const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
    let n = 0;
    for (let d = lo + 1; d <= hi; d++) if (this.#dayOf(d).working) n++;
    return sign * n;
  }

  /**
   * The publicity period for a notice posted on `start` lasting `days` working days (DOMAIN.md §4):
   * it starts on the posting day when that is a working day, otherwise on the next working day, and
   * ends at 23:59:59+08:00 of the `days`-th working day. Fewer than 5 days is refused
   * (002 五(一)3; 003 四(三); 000 附件3 三(二)1, 三(三)).
   */
  publicityWindow(start: IsoDate, days: number): PublicityWindow {
    if (typeof days !== 'number' || !Number.isInteger(days) || days < MIN_PUBLICITY_WORKING_DAYS) {
      const shown = typeof days === 'number' ? String(days) : JSON.stringify(days);
      throw new DomainError([
        {
          code: 'publicity.minDays',
          rule: PUBLICITY_RULE,
          field: 'days',
          message: `公示期不少于${MIN_PUBLICITY_WORKING_DAYS}个工作日（002 五(一)3；003 四(三)；000 附件3 三(二)1）：实为 ${shown}`,
          detail: `days: the publicity period must be an integer of at least ${MIN_PUBLICITY_WORKING_DAYS} working days (002 五(一)3; 003 四(三); 000 附件3 三(二)1), found ${shown}`,
          expected: `>= ${MIN_PUBLICITY_WORKING_DAYS}`,
          found: shown,
        },
      ]);
    }
    const posted = requireDate(start, 'start');
    const workdays: IsoDate[] = [];
    const skipped: PublicityWindow['skipped'] = [];
    const basis = new Map<number, ScheduleBasis>();
    for (let n = posted; workdays.length < days; n++) {
      const status = this.#dayOf(n);
      const y = yearOf(status.date);
      if (!basis.has(y)) basis.set(y, this.basis(y));
      if (status.working) workdays.push(status.date);
      else skipped.push({ date: status.date, kind: status.kind === 'holiday' ? 'holiday' : 'weekend', ...(status.name ? { name: status.name } : {}) });
    }
    const endDate = workdays[workdays.length - 1] as IsoDate;
    const bases = [...basis.values()];
    const warnings: Issue[] = bases
      .filter((b) => b.kind === 'weekends-only')
      .map((b) => ({
        code: 'calendar.weekendsOnly',
        rule: SCHEDULE_RULE,
        message: `${b.year}年无官方节假日安排，按周一至周五为工作日计算，法定节假日和调休未计入：请尽快添加 config/holidays/${b.year}.json 并核对公示期`,
        detail: `${b.year} has no official schedule; only weekends were treated as non-working days (add config/holidays/${b.year}.json and recheck)`,
        found: String(b.year),
      }));
    return {
      postedDate: dayToIsoDate(posted),
      startDate: workdays[0] as IsoDate,
      endDate,
      endsAt: chinaInstant(endDate, '23:59:59'),
      workdays,
      days,
      skipped,
      basis: bases,
      warnings,
    };
  }
}

let defaultCalendar: WorkingDayCalendar | undefined;

/** The calendar with chinese-days' schedules only and no fallback. */
export const builtInCalendar = (): WorkingDayCalendar => (defaultCalendar ??= new WorkingDayCalendar());

export const isWorkingDay = (date: IsoDate, calendar: WorkingDayCalendar = builtInCalendar()): boolean => calendar.isWorkingDay(date);

export const addWorkingDays = (date: IsoDate, n: number, calendar: WorkingDayCalendar = builtInCalendar()): IsoDate =>
  calendar.addWorkingDays(date, n);

export const publicityWindow = (start: IsoDate, days: number, calendar: WorkingDayCalendar = builtInCalendar()): PublicityWindow =>
  calendar.publicityWindow(start, days);
