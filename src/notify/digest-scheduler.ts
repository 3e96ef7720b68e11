/**
 * The daily digest: once per calendar day, at or after 08:30 in China (Asia/Shanghai) on a working
 * day of the official calendar, each user with overdue, due-today or due-soon tasks is sent their
 * digest (src/notify/digest.ts) through a Notifier. Time is the engine's clock, so a pinned clock
 * (tests, demos) decides when "today" and "08:30" are.
 *
 * The day of the last digest sent is kept per user in the registry (`tasklist_users.digest_sent_on`),
 * written right after the send: a restart on the same day sends nobody's digest again. A send that
 * fails is retried at the next check. Users without such tasks get nothing (and nothing is recorded,
 * so a task falling due later that day still reaches them).
 */
import type { WorkingDayCalendar } from '../domain/calendar.js';
import { chinaDate, chinaDateTime } from '../domain/china-time.js';
import { buildDigest, type Digest, type DigestSource } from './digest.js';
import type { Notifier } from './notifier.js';

type Awaitable<T> = T | Promise<T>;

/** 08:30 in Shanghai, minutes after midnight. */
export const DIGEST_TIME_MINUTES = 8 * 60 + 30;
/** How often the scheduler looks at the clock. */
export const DIGEST_CHECK_INTERVAL_MS = 60_000;

export interface DigestSchedulerDeps {
  /** The engine clock, epoch ms. */
  now: () => number;
  calendar: WorkingDayCalendar;
  /** Everybody a digest may go to, with their groups. */
  people: () => Awaitable<{ username: string; groups: readonly string[] }[]>;
  /** A person's open tasks: assigned to them or offered to them as a candidate. */
  tasksOf: (party: { username: string; groups: readonly string[] }) => Awaitable<DigestSource[]>;
  /** Where the day of the last digest is kept (the registry's tasklistUsers). */
  state: {
    get(username: string): Promise<{ digestSentOn: string | null }>;
    recordDigestSent(input: { username: string; on: string; by: string }): Promise<boolean>;
  };
  notifier: Notifier;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  intervalMs?: number;
}

/** The registry audit trail's actor for what the scheduler records. */
export const DIGEST_ACTOR = 'pingpin-digest';

/** The digest as a message: the subject says the counts, the text lists the tasks. */
export function digestMessage(username: string, digest: Digest) {
  const counts = { overdue: digest.overdue.length, dueToday: digest.dueToday.length, dueSoon: digest.dueSoon.length };
  const line = (t: Digest['overdue'][number]) =>
    `- ${t.name}（${t.processName}，流程实例 ${t.processInstanceKey}）：截止 ${t.dueDate}${t.workingDaysLeft === null ? '' : t.workingDaysLeft < 0 ? `，已逾期 ${-t.workingDaysLeft} 个工作日` : t.workingDaysLeft === 0 ? '，今日到期' : `，剩 ${t.workingDaysLeft} 个工作日`}`;
  const section = (title: string, items: Digest['overdue']) => (items.length ? [`${title}（${items.length} 项）：`, ...items.map(line), ''] : []);
  return {
    to: username,
    subject: `任务中心每日提醒（${digest.today}）：逾期 ${counts.overdue} 项，今日到期 ${counts.dueToday} 项，即将到期 ${counts.dueSoon} 项`,
    text: [...section('已逾期', digest.overdue), ...section('今日到期', digest.dueToday), ...section('即将到期', digest.dueSoon), '请登录任务中心办理：/tasklist'].join('\n'),
    counts,
  };
}

export class DigestScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private warnedNoSchedule: string | undefined;

  constructor(private readonly deps: DigestSchedulerDeps) {}

  /** Checks every interval (not at once: a start is no reason to send). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs ?? DIGEST_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One check: sends today's digests that are due and not yet sent; returns how many were sent. */
  tick(): Promise<number> {
    // One check at a time: a slow send must not let the next check send the same digest.
    this.running ??= this.check().finally(() => (this.running = undefined));
    return this.running;
  }

  private async check(): Promise<number> {
    const now = this.deps.now();
    const today = chinaDate(now);
    const clock = chinaDateTime(now); // YYYY-MM-DDTHH:mm:ss+08:00
    if (Number(clock.slice(11, 13)) * 60 + Number(clock.slice(14, 16)) < DIGEST_TIME_MINUTES) return 0;
    let working: boolean;
    try {
      working = this.deps.calendar.isWorkingDay(today);
    } catch (err) {
      // No official schedule for the year (and no fallback allowed): say so once a day, send nothing.
      if (this.warnedNoSchedule !== today) this.deps.logger.warn({ today, err: (err as Error).message }, 'daily digest not sent: the working-day calendar has no schedule for today');
      this.warnedNoSchedule = today;
      return 0;
    }
    if (!working) return 0;
    let sent = 0;
    for (const person of await this.deps.people()) {
      try {
        const state = await this.deps.state.get(person.username);
        if (state.digestSentOn !== null && state.digestSentOn >= today) continue;
        const digest = buildDigest(await this.deps.tasksOf(person), now, this.deps.calendar);
        if (digest.overdue.length + digest.dueToday.length + digest.dueSoon.length === 0) continue;
        await this.deps.notifier.send(digestMessage(person.username, digest));
        await this.deps.state.recordDigestSent({ username: person.username, on: today, by: DIGEST_ACTOR });
        sent++;
      } catch (err) {
        this.deps.logger.warn({ to: person.username, err: (err as Error).message }, 'daily digest not sent; retried at the next check');
      }
    }
    if (sent > 0) this.deps.logger.info({ today, sent }, 'daily digests sent');
    return sent;
  }
}
