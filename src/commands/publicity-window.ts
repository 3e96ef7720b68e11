/** `pingpin publicity-window`: the 公示 period for a posting date (DOMAIN.md §4). */
import { MIN_PUBLICITY_WORKING_DAYS, ScheduleMissingError } from '../domain/calendar.js';
import { DEFAULT_HOLIDAYS_DIR, loadWorkingDayCalendar } from '../domain/holiday-loader.js';
import { DomainError } from '../domain/issues.js';
import type { Command } from './index.js';
import { parseStrict, printError, printIssues, printResult, usageError, wantsHelp } from './cli-io.js';

const usage = `Usage: pingpin publicity-window --start YYYY-MM-DD [--days N] [--holidays-dir DIR] [--weekends-only-fallback]

The publicity (公示) period for a notice posted on --start: it starts on the posting day when that
is a working day, otherwise on the next one, and ends at 23:59:59+08:00 of the N-th working day.
N defaults to ${MIN_PUBLICITY_WORKING_DAYS}, the least the rules allow (002 五(一)3; 003 四(三); 000 附件3 三(二)1); fewer is refused.

Working days: the State Council's holiday notices from chinese-days, overridden per year by
DIR/<year>.json (default ${DEFAULT_HOLIDAYS_DIR}; format in config/holidays/README.md). A year with
neither is refused, naming the file to add, unless the weekends-only fallback is allowed with
--weekends-only-fallback or HOLIDAYS_WEEKENDS_ONLY=true (the result then carries a warning).

Environment: HOLIDAYS_DIR (instead of --holidays-dir), HOLIDAYS_WEEKENDS_ONLY (true|false).

stdout (exit 0): {"postedDate", "startDate", "endDate", "endsAt", "workdays": [...], "days",
  "skipped": [{"date", "kind", "name"}], "basis": [{"year", "kind", "source"}], "warnings": [...]}
stderr (exit 2): {"error", "field", "rule", "code"} — field is start, days, holidays-dir,
  HOLIDAYS_WEEKENDS_ONLY, or config/holidays/<year>.json (schedule missing or malformed).

Example: pingpin publicity-window --start 2026-09-28 --days 5
  → workdays 2026-09-28, 09-29, 09-30, 10-08, 10-09; endsAt 2026-10-09T23:59:59+08:00`;

export const command: Command = {
  usage,
  async run(args) {
    if (wantsHelp(args)) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const parsed = parseStrict(
      args,
      {
        start: { type: 'string' },
        days: { type: 'string' },
        'holidays-dir': { type: 'string' },
        'weekends-only-fallback': { type: 'boolean' },
      },
      usage,
    );
    if (!parsed) return 2;
    const { values, positionals } = parsed;
    if (positionals.length > 0) return usageError(`多余的参数：${positionals.join(' ')}`, 'args', usage);
    if (values.start === undefined) return usageError('缺少 --start YYYY-MM-DD（公示发布日期）', 'start', usage);

    const daysText = values.days ?? String(MIN_PUBLICITY_WORKING_DAYS);
    if (!/^-?\d+$/.test(daysText)) {
      return printError({
        error: `--days 应为整数个工作日，实为“${daysText}”`,
        field: 'days',
        rule: '002 五(一)3；003 四(三)；000 附件3 三(二)1、三(三)：公示期不少于5个工作日',
        code: 'publicity.days',
      });
    }

    const env = process.env.HOLIDAYS_WEEKENDS_ONLY;
    if (env !== undefined && env !== '' && env !== 'true' && env !== 'false') {
      return printError({
        error: `环境变量 HOLIDAYS_WEEKENDS_ONLY 应为 true 或 false，实为“${env}”`,
        field: 'HOLIDAYS_WEEKENDS_ONLY',
        rule: 'config/holidays/README.md：仅按周末计算须明确允许',
        code: 'calendar.fallbackFlag',
      });
    }
    const fallback = values['weekends-only-fallback'] === true || env === 'true';
    const dir = values['holidays-dir'] ?? (process.env.HOLIDAYS_DIR || DEFAULT_HOLIDAYS_DIR);

    try {
      const calendar = loadWorkingDayCalendar(dir, { weekendsOnlyFallback: fallback });
      return printResult(calendar.publicityWindow(values.start, Number(daysText)));
    } catch (e) {
      if (e instanceof ScheduleMissingError) return printIssues(e.issues, () => e.file, { year: e.year, file: e.file });
      if (e instanceof DomainError) return printIssues(e.issues, (field) => field ?? 'args');
      if ((e as NodeJS.ErrnoException).code === 'ENOTDIR' || (e as NodeJS.ErrnoException).code === 'EACCES') {
        return printError({ error: `无法读取节假日配置目录 ${dir}：${(e as Error).message}`, field: 'holidays-dir', rule: 'config/holidays/README.md', code: 'calendar.configDir' });
      }
      throw e;
    }
  },
};
