/**
 * Reads the operator's holiday schedules, `<dir>/<year>.json` (default `config/holidays`), for
 * {@link WorkingDayCalendar}. The one place in src/domain that touches the file system; the rules
 * themselves live in calendar.ts and take the parsed schedules. Other files in the directory
 * (README.md, `*.example.json`) are ignored; a missing directory means no operator schedules.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CalendarOptions, type HolidaySchedule, parseHolidaySchedule, WorkingDayCalendar } from './calendar.js';
import { DomainError } from './issues.js';

export const DEFAULT_HOLIDAYS_DIR = 'config/holidays';

const SCHEDULE_FILE = /^\d{4}\.json$/;

export function loadHolidaySchedules(dir: string = DEFAULT_HOLIDAYS_DIR): HolidaySchedule[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .filter((n) => SCHEDULE_FILE.test(n))
    .sort()
    .map((name) => {
      const file = join(dir, name);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new DomainError([
          {
            code: 'calendar.configJson',
            rule: 'config/holidays/README.md：年度节假日安排文件格式',
            field: file,
            message: `${file} 不是有效的 JSON：${(e as Error).message}`,
            detail: `${file} is not valid JSON: ${(e as Error).message}`,
          },
        ]);
      }
      return parseHolidaySchedule(json, file);
    });
}

/** A calendar from chinese-days plus the schedules in `dir`. */
export function loadWorkingDayCalendar(dir: string = DEFAULT_HOLIDAYS_DIR, options: Omit<CalendarOptions, 'schedules'> = {}): WorkingDayCalendar {
  return new WorkingDayCalendar({ ...options, schedules: loadHolidaySchedules(dir) });
}
