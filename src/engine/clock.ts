/**
 * The engine's one clock. Job deadlines, back-offs, timers and FEEL `now()` all read it. Tests and
 * `PUT /v2/clock` can pin it; listeners are told when it moves so due work fires promptly.
 */
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
