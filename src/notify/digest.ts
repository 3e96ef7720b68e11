/**
 * What a clerk is told about their open tasks: the digest of due and overdue ones (in the page and
 * in the daily message), and how many new tasks await them. Pure: the tasks, the clock and the
 * calendar are given.
 *
 * Due dates count in working days (the official calendar, src/domain/calendar.ts) from today in
 * China (Asia/Shanghai): a task is overdue once its due instant has passed, due today while its due
 * date is today, due soon when it is due within DUE_SOON_WORKING_DAYS working days.
 */
import type { WorkingDayCalendar } from '../domain/calendar.js';
import { chinaDate } from '../domain/china-time.js';

/** "Due soon": due within this many working days from today. */
export const DUE_SOON_WORKING_DAYS = 3;

/** The fields of an open task the digest reads (Queries.openTasksOfParty gives them). */
export interface DigestSource {
  userTaskKey: string;
  name: string;
  processName: string;
  processInstanceKey: string;
  assignee: string | null;
  dueDate: string | null;
  creationDate: string;
}

export interface DigestItem {
  userTaskKey: string;
  name: string;
  processName: string;
  processInstanceKey: string;
  dueDate: string;
  /** Working days from today to the due date: 0 due today, negative when overdue; null when the calendar has no schedule for a year in between. */
  workingDaysLeft: number | null;
}

export interface Digest {
  /** Today in China (YYYY-MM-DD), by the engine clock. */
  today: string;
  overdue: DigestItem[];
  dueToday: DigestItem[];
  dueSoon: DigestItem[];
}

/** Signed working days from `today` to `date`; null when a year in between has no schedule (the calendar refuses to guess). */
export function workingDaysLeft(calendar: WorkingDayCalendar, today: string, date: string): number | null {
  try {
    return calendar.workingDaysBetween(today, date);
  } catch (err) {
    if ((err as { name?: string }).name === 'ScheduleMissingError') return null;
    throw err;
  }
}

export function buildDigest(tasks: readonly DigestSource[], now: number, calendar: WorkingDayCalendar): Digest {
  const today = chinaDate(now);
  const digest: Digest = { today, overdue: [], dueToday: [], dueSoon: [] };
  const dated = tasks
    .filter((t): t is DigestSource & { dueDate: string } => t.dueDate !== null && !Number.isNaN(Date.parse(t.dueDate)))
    .sort((a, b) => Date.parse(a.dueDate) - Date.parse(b.dueDate) || a.userTaskKey.localeCompare(b.userTaskKey));
  for (const t of dated) {
    const dueAt = Date.parse(t.dueDate);
    const dueOn = chinaDate(dueAt);
    const left = workingDaysLeft(calendar, today, dueOn);
    const item: DigestItem = { userTaskKey: t.userTaskKey, name: t.name, processName: t.processName, processInstanceKey: t.processInstanceKey, dueDate: t.dueDate, workingDaysLeft: left };
    if (dueAt < now) digest.overdue.push(item);
    else if (dueOn === today) digest.dueToday.push(item);
    else if (left !== null && left <= DUE_SOON_WORKING_DAYS) digest.dueSoon.push(item);
  }
  return digest;
}

/** New tasks for the badge: unassigned tasks offered to the user (as candidate) created after `seenAt` (all of them when never seen). */
export function countNewTasks(tasks: readonly DigestSource[], seenAt: string | null): number {
  const since = seenAt === null ? -Infinity : Date.parse(seenAt);
  return tasks.filter((t) => t.assignee === null && Date.parse(t.creationDate) > since).length;
}
