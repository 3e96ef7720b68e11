/**
 * Whether the disk under DATA_DIR takes writes. A full disk (or an I/O error) must not take the
 * server down or let /health say UP while every write fails: the server reports it (DOWN, and a 507
 * problem on each write that failed), probes the disk every few seconds, and is UP again by itself
 * once space is freed. SQLite's transactions make sure nothing was half-written meanwhile.
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Codes of a write that failed for lack of space or a failing disk (Node's and SQLite's). */
const FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const IO = /^(EIO|EROFS|SQLITE_IOERR|SQLITE_READONLY)/;

export function storageErrorOf(err: unknown): 'full' | 'io' | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (FULL.has(code)) return 'full';
    if (IO.test(code)) return 'io';
  }
  return undefined;
}

export type StorageState = { ok: true } | { ok: false; since: string; reason: string };

/** A probe write the size of a few SQLite pages: a disk that cannot take it cannot take a command either. */
const PROBE_BYTES = 64 * 1024;

export class StorageMonitor {
  private failing: { since: number; reason: string } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly dataDir: string,
    private readonly log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void },
    private readonly intervalMs = 5_000,
    /** The probe (tests replace it). */
    private readonly probeWrite: () => void = () => {
      const path = join(dataDir, '.pingpin-disk-probe');
      writeFileSync(path, Buffer.alloc(PROBE_BYTES));
      unlinkSync(path);
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.probe(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  get state(): StorageState {
    return this.failing ? { ok: false, since: new Date(this.failing.since).toISOString(), reason: this.failing.reason } : { ok: true };
  }

  /** What a failed write tells: true when it was the disk (then the server is DOWN until a probe succeeds). */
  report(err: unknown): boolean {
    const kind = storageErrorOf(err);
    if (!kind) return false;
    if (!this.failing) {
      this.failing = { since: Date.now(), reason: this.describe(kind) };
      this.log.warn({ dataDir: this.dataDir, err }, `${this.failing.reason}; writes are refused until it takes them again`);
    }
    return true;
  }

  describe(kind: 'full' | 'io'): string {
    return kind === 'full' ? `the disk holding DATA_DIR ${this.dataDir} is full` : `the disk holding DATA_DIR ${this.dataDir} fails to write`;
  }

  /** Writes a probe: DOWN while it fails, UP again once it succeeds. */
  probe(): StorageState {
    try {
      this.probeWrite();
      if (this.failing) {
        this.log.info({ dataDir: this.dataDir }, 'the disk takes writes again; pingpin continues');
        this.failing = undefined;
      }
    } catch (err) {
      if (!this.report(err)) this.report(Object.assign(new Error(String(err)), { code: 'EIO' }));
    }
    return this.state;
  }
}
