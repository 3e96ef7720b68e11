/**
 * The daily digest sender with an injected clock: once per working day at or after 08:30 in
 * Shanghai, to each user with due or overdue tasks; the day sent is kept in the registry, so a
 * restart on the same day sends nothing again. The logging notifier logs no task contents.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkingDayCalendar } from '../../src/domain/calendar.js';
import { DigestScheduler, DIGEST_ACTOR } from '../../src/notify/digest-scheduler.js';
import type { DigestSource } from '../../src/notify/digest.js';
import { LoggingNotifier, type Notifier, type NotifyMessage } from '../../src/notify/notifier.js';
import { openRegistry, type Registry } from '../../src/registry/index.js';

const at = (iso: string) => Date.parse(iso);
const task = (key: string, due: string | null, assignee: string | null = null): DigestSource => ({
  userTaskKey: key,
  name: '市级审核',
  processName: '特级技师评聘',
  processInstanceKey: `9${key}`,
  assignee,
  dueDate: due,
  creationDate: '2025-06-01T00:00:00.000Z',
});

let dir: string;
let registry: Registry;
let clock = Date.parse('2025-06-10T00:00:00Z');
let sent: NotifyMessage[];
const tasks: Record<string, DigestSource[]> = {
  li: [task('1', '2025-06-09T10:00:00.000Z', 'li'), task('2', '2025-06-12T10:00:00.000Z')],
  chen: [task('3', '2025-07-30T10:00:00.000Z')], // nothing due soon
  wang: [],
};

function scheduler(notifier: Notifier = { send: async (m: NotifyMessage) => void sent.push(m) }): DigestScheduler {
  return new DigestScheduler({
    now: () => clock,
    calendar: new WorkingDayCalendar(),
    people: () => Object.keys(tasks).map((username) => ({ username, groups: [] })),
    tasksOf: (p) => tasks[p.username] ?? [],
    state: registry.tasklistUsers,
    notifier,
    logger: { info() {}, warn() {} },
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pingpin-digest-'));
  registry = await openRegistry({ dataDir: dir, now: () => new Date(clock) });
  sent = [];
});
afterEach(async () => {
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the daily digest', () => {
  it('goes out once per working day at or after 08:30 Shanghai time, to users with due or overdue tasks', async () => {
    const s = scheduler();
    clock = at('2025-06-10T08:29:00+08:00'); // Tuesday
    expect(await s.tick()).toBe(0);
    clock = at('2025-06-10T08:30:00+08:00');
    expect(await s.tick()).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'li', subject: '任务中心每日提醒（2025-06-10）：逾期 1 项，今日到期 0 项，即将到期 1 项', counts: { overdue: 1, dueToday: 0, dueSoon: 1 } });
    expect(sent[0]!.text).toContain('已逾期 1 个工作日');
    expect(sent[0]!.text).toContain('剩 2 个工作日');
    // Later the same day: nothing again.
    clock = at('2025-06-10T17:00:00+08:00');
    expect(await s.tick()).toBe(0);
    expect(await registry.tasklistUsers.get('li')).toMatchObject({ digestSentOn: '2025-06-10' });
    expect((await registry.audit.list({ entityType: 'tasklist-user', entityId: 'li' })).map((e) => [e.action, e.actor])).toEqual([['tasklist.digest-sent', DIGEST_ACTOR]]);
  });

  it('is not sent again after a restart on the same day, nor on a weekend, and again on the next working day', async () => {
    clock = at('2025-06-13T09:00:00+08:00'); // Friday
    expect(await scheduler().tick()).toBe(1);
    // A restart: a new scheduler over the same registry.
    expect(await scheduler().tick()).toBe(0);
    clock = at('2025-06-14T09:00:00+08:00'); // Saturday
    expect(await scheduler().tick()).toBe(0);
    clock = at('2025-06-16T09:00:00+08:00'); // Monday
    expect(await scheduler().tick()).toBe(1);
    expect(sent.map((m) => m.subject.slice(0, 20))).toEqual(['任务中心每日提醒（2025-06-13）', '任务中心每日提醒（2025-06-16）']);
  });

  it('is retried at the next check when sending fails', async () => {
    clock = at('2025-06-10T09:00:00+08:00');
    let fail = true;
    const s = scheduler({
      send: async (m) => {
        if (fail) throw new Error('smtp down');
        sent.push(m);
      },
    });
    expect(await s.tick()).toBe(0);
    expect(await registry.tasklistUsers.get('li')).toMatchObject({ digestSentOn: null });
    fail = false;
    expect(await s.tick()).toBe(1);
  });

  it('logs only the recipient, the subject and the counts', async () => {
    const lines: unknown[] = [];
    const notifier = new LoggingNotifier({ info: (obj: object, msg?: string) => void lines.push({ ...obj, msg }) } as never);
    clock = at('2025-06-10T09:00:00+08:00');
    expect(await scheduler(notifier).tick()).toBe(1);
    expect(lines).toEqual([{ to: 'li', subject: '任务中心每日提醒（2025-06-10）：逾期 1 项，今日到期 0 项，即将到期 1 项', counts: { overdue: 1, dueToday: 0, dueSoon: 1 }, msg: 'notification' }]);
    expect(JSON.stringify(lines)).not.toContain('市级审核');
  });
});
