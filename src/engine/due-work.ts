/**
 * Due work by the engine clock: job timeouts, retry back-offs, timers and expiring buffered
 * messages. One timer wakes the engine at the earliest due time; each due item runs as its own
 * command, also for what fell due while the engine was down.
 */
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Store } from './store.js';
import type { SubscriptionRow } from './rows.js';
import type { CommandState, EngineContext } from './context.js';

export class DueWork {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly tx: CommandState;
  private dueTimer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.tx = ctx.tx;
  }

  onClockChanged(): void {
    const now = this.clock.now();
    if (this.clock.isPinned()) this.store.setMeta('clock_pinned', String(now));
    else this.store.setMeta('clock_pinned', undefined);
    this.runDueWork();
  }

  scheduleDueWork(): void {
    if (this.ctx.isClosed()) return;
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueTimer = undefined;
    const row = this.store
      .stmt(
        `SELECT MIN(t) AS due FROM (
           SELECT MIN(deadline) AS t FROM jobs WHERE state = 'ACTIVATED'
           UNION ALL SELECT MIN(recur_at) FROM jobs WHERE recur_at IS NOT NULL
           UNION ALL SELECT MIN(due_at) FROM subscriptions WHERE kind = 'timer'
           UNION ALL SELECT MIN(expires_at) FROM messages)`,
      )
      .get() as { due: number | null };
    if (row.due === null) return;
    // A pinned clock only moves by command, which re-runs due work itself; poll rarely as a safety net.
    const delay = this.clock.isPinned() ? 60_000 : Math.min(Math.max(0, row.due - this.clock.now()), 60_000);
    this.dueTimer = setTimeout(() => this.runDueWorkSafely(), delay);
    this.dueTimer.unref();
  }

  /**
   * Due work from a timer: nothing that goes wrong here (a full disk, an I/O error) may end the
   * process. It is logged and tried again shortly; every command is one transaction, so nothing was
   * half-done.
   */
  private runDueWorkSafely(): void {
    try {
      this.runDueWork();
    } catch (err) {
      this.log.error({ err }, 'due work failed; trying again in 5 s');
      if (this.ctx.isClosed()) return;
      this.dueTimer = setTimeout(() => this.runDueWorkSafely(), 5_000);
      this.dueTimer.unref();
    }
  }

  /**
   * Everything that fell due by the engine clock: job timeouts, back-offs, timers (also those that
   * fell due while the engine was down) and expired buffered messages. One command each.
   */
  private runDueWork(): void {
    if (this.ctx.isClosed()) return;
    for (let round = 0; round < 10_000; round++) {
      const now = this.clock.now();
      const timedOut = this.store.stmt(`SELECT key, type FROM jobs WHERE state = 'ACTIVATED' AND deadline <= ?`).all(now) as { key: number; type: string }[];
      const recurring = this.store.stmt(`SELECT key, type FROM jobs WHERE recur_at IS NOT NULL AND recur_at <= ?`).all(now) as { key: number; type: string }[];
      const expired = this.store.stmt(`SELECT 1 FROM messages WHERE expires_at <= ? LIMIT 1`).get(now);
      if (timedOut.length > 0 || recurring.length > 0 || expired) {
        this.ctx.command('DUE_JOBS', null, () => {
          for (const job of timedOut) {
            this.store.stmt(`UPDATE jobs SET state = 'TIMED_OUT', activatable = 1, worker = NULL, deadline = NULL WHERE key = ?`).run(job.key);
            this.tx.jobTypesMadeAvailable.add(job.type);
          }
          for (const job of recurring) {
            this.store.stmt(`UPDATE jobs SET activatable = 1, recur_at = NULL WHERE key = ?`).run(job.key);
            this.tx.jobTypesMadeAvailable.add(job.type);
          }
          this.store.stmt(`DELETE FROM messages WHERE expires_at <= ?`).run(now);
        });
      }
      // Timers one at a time, oldest first: each is its own command, and a cycle may fall due again.
      const timer = this.store.stmt(`SELECT * FROM subscriptions WHERE kind = 'timer' AND due_at <= ? ORDER BY due_at, key LIMIT 1`).get(now) as SubscriptionRow | undefined;
      if (!timer) break;
      try {
        this.ctx.command('TRIGGER_TIMER', timer.key, () => this.ctx.subscriptions.trigger(timer, {}));
      } catch (err) {
        // A timer that cannot fire must not block the others; it stays and is logged.
        this.log.error({ err, subscriptionKey: String(timer.key) }, 'timer could not be triggered');
        this.store.transaction(() => this.store.stmt(`UPDATE subscriptions SET due_at = ? WHERE key = ?`).run(now + 60_000, timer.key));
      }
    }
    this.scheduleDueWork();
  }

  /** Shutdown: no more wake-ups. */
  close(): void {
    if (this.dueTimer) clearTimeout(this.dueTimer);
  }
}
