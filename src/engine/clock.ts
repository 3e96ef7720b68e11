/**
 * The engine's one clock. Job deadlines, back-offs, timers and FEEL `now()` all read it. Tests and
 * `PUT /v2/clock` can pin it; listeners are told when it moves so due work fires promptly.
 */
/**
 * The latest instant the clock may be pinned at: the end of year 9999, the last one an RFC 3339
 * date-time (four-digit year) can name. Later values would put dates into the store that no
 * response can render (`Date#toISOString` throws past ±8.64e15 ms). The earliest is 0: Zeebe
 * refuses only negative timestamps.
 */
export const MAX_CLOCK_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Whether `ms` is a time the clock may be pinned at. */
export const isClockTime = (ms: number): boolean => Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_CLOCK_MS;

export class Clock {
  private pinned: number | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(pinned?: number) {
    this.pinned = pinned;
  }

  now(): number {
    return this.pinned ?? Date.now();
  }

  isPinned(): boolean {
    return this.pinned !== undefined;
  }

  pin(epochMs: number): void {
    this.pinned = epochMs;
    for (const l of this.listeners) l();
  }

  reset(): void {
    this.pinned = undefined;
    for (const l of this.listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
