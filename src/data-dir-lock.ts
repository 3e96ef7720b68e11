/**
 * One server per data directory: two pingpins on one DATA_DIR would both report UP and then collide
 * on keys. The first takes `DATA_DIR/pingpin.lock` (created exclusively, holding its pid and, on
 * Linux, the process's start time); a second start is refused, naming the directory and the holder.
 * A lock left by a process that is gone (kill -9, a power cut) is taken over at once, so a restart
 * after a crash is never blocked: the holder counts as alive only while a process with that pid —
 * and that start time, so a reused pid does not count — still runs.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'pingpin.lock';

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`DATA_DIR ${dataDir} is in use by another pingpin (pid ${pid}); stop it first, or give this one another DATA_DIR`);
    this.name = 'DataDirInUseError';
  }
}

/** The process's start time in clock ticks since boot (Linux), or '' where /proc is not there. */
function startTimeOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) may hold spaces, so count from the closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

function alive(pid: number, startTime: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return startTime === '' || startTimeOf(pid) === '' || startTimeOf(pid) === startTime;
}

export interface DataDirLock {
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const mine = `${process.pid} ${startTimeOf(process.pid)}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = '';
      try {
        holder = readFileSync(path, 'utf8');
      } catch {
        continue; // released meanwhile: try again
      }
      const [pidText, startTime = ''] = holder.trim().split(' ');
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid, startTime)) throw new DataDirInUseError(dataDir, pid);
      // A holder that is gone (or a file cut short by a crash while it was written): take it over.
      try {
        unlinkSync(path);
      } catch {
        // someone else took it over first: try again
      }
      continue;
    }
    try {
      writeSync(fd, mine);
    } finally {
      closeSync(fd);
    }
    return {
      release() {
        try {
          if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
        } catch {
          // already gone
        }
      },
    };
  }
  throw new Error(`could not take the lock ${path}: it changed hands repeatedly`);
}
