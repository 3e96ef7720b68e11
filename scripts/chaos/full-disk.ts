/**
 * Scenario 2: the disk under DATA_DIR fills up. A small tmpfs is mounted as DATA_DIR (root only),
 * the server runs on it, a filler file takes the rest of the space, and then: writes must answer 507
 * naming DATA_DIR, /health must say DOWN, the process must stay alive (timers falling due meanwhile
 * included), reads must still answer; once the filler is deleted the server must be UP and take
 * writes again by itself, the timers must fire, and nothing may be half-written. Then a start on a
 * full disk must say so in one line and exit 1, and leave a directory that starts once space is freed.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { bpmn, chain, job, timer } from '../../test/support/bpmn.js';
import type { Scenario } from './report.js';
import { cleanups, deploy, freePort, health, http, integrityCheck, mb, ServerChild, sleep } from './server.js';

export interface FullDiskOptions {
  workDir: string;
  /** Size of the tmpfs (MB). */
  sizeMb: number;
  /** The server must be UP again within this time of the space being freed (it probes every 5 s). */
  recoveryBoundMs: number;
}

const PAYLOAD = 'x'.repeat(32 * 1024);

/** Writes zeros until the disk refuses: 1 MB at a time, then 4 KB, then single bytes. Returns the bytes written. */
function fill(path: string): number {
  const fd = openSync(path, 'a');
  let written = 0;
  try {
    for (const chunk of [1024 * 1024, 4096, 1]) {
      const buf = Buffer.alloc(chunk);
      for (;;) {
        try {
          written += writeSync(fd, buf);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

const free = (dir: string) => {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
};

export async function fullDisk(s: Scenario, o: FullDiskOptions): Promise<void> {
  if (process.getuid?.() !== 0) {
    s.note('full disk: not run (needs root for tmpfs)');
    return;
  }
  const dataDir = join(o.workDir, 'full-disk');
  mkdirSync(dataDir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${o.sizeMb}m`, 'tmpfs', dataDir]);
  const unmount = () => execFileSync('umount', ['-l', dataDir]);
  cleanups.add(unmount);
  const filler = join(dataDir, 'filler');
  let server: ServerChild | undefined;
  try {
    const port = await freePort();
    const options = { dataDir, port, logFile: join(o.workDir, 'full-disk.log') };
    server = await new ServerChild(options).ready();
    const url = server.url;
    const pid = server.pid;
    s.note(`tmpfs of ${o.sizeMb} MB mounted as DATA_DIR ${dataDir}; server pid ${pid} on port ${port}`);
    const task = chain({ id: 'start', kind: 'start' }, { id: 'work', kind: 'service', ext: job('chaos.disk.never') }, { id: 'end', kind: 'end' });
    const waits = chain({ id: 'start', kind: 'start' }, { id: 'wait', kind: 'catch', body: timer('timeDuration', 'PT3S') }, { id: 'end', kind: 'end' });
    await deploy(url, [
      { name: 'disk-task.bpmn', content: bpmn('disk-task', task.elements, task.flows) },
      { name: 'disk-timer.bpmn', content: bpmn('disk-timer', waits.elements, waits.flows) },
    ]);
    const created: string[] = [];
    const create = (n: number) => http(url, 'POST', '/v2/process-instances', { processDefinitionId: 'disk-task', variables: { n, payload: PAYLOAD } });
    for (let n = 0; n < 5; n++) {
      const res = await create(n);
      if (res.status !== 200) throw new Error(`creating an instance before the disk was full answered ${res.status}`);
      created.push(String(res.body.processInstanceKey));
    }
    // Timers that fall due while the disk is full: the due-work code must not die of ENOSPC.
    const timers: string[] = [];
    for (let i = 0; i < 3; i++) timers.push(String((await http(url, 'POST', '/v2/process-instances', { processDefinitionId: 'disk-timer' })).body.processInstanceKey));
    const timersAt = performance.now();

    const filled = fill(filler);
    s.figure('filler', filled, `filler file of ${mb(filled)} written; ${free(dataDir)} bytes left on the tmpfs`);

    // Writes until one is refused: the first few may still fit in pages SQLite already has.
    const statuses: Record<number, number> = {};
    let refused: { status: number; body: any } | undefined;
    let acceptedWhileFull = 0;
    for (let n = 100; n < 400 && !refused; n++) {
      const res = await create(n);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 200) {
        created.push(String(res.body.processInstanceKey));
        acceptedWhileFull++;
      } else refused = res;
    }
    s.figure('writesOnFullDisk', statuses, `instance creations on the full disk: ${JSON.stringify(statuses)} (HTTP status: count; ${acceptedWhileFull} still fitted in space SQLite held)`);
    s.check(refused?.status === 507, 'a write on the full disk answers 507', refused ? `${refused.status}: ${JSON.stringify(refused.body).slice(0, 300)}` : 'never refused');
    const detail = String(refused?.body?.detail ?? '');
    s.check(detail.includes(dataDir) && /full/i.test(detail), 'the 507 problem says the disk is full and names DATA_DIR', detail.slice(0, 200));
    s.check(Object.keys(statuses).every((k) => k === '200' || k === '507'), 'no other answer than 200 or 507 to a write (no 500)', JSON.stringify(statuses));

    const down = await health(url);
    s.check(down.httpStatus === 503 && down.status === 'DOWN' && String(down.reason).includes(dataDir), '/health is 503 DOWN, naming DATA_DIR, while the disk is full', `${down.httpStatus} ${down.status}: ${down.reason ?? ''}`);
    const read = await http(url, 'GET', `/v2/process-instances/${created[0]}`);
    const searched = await http(url, 'POST', '/v2/process-instances/search', { filter: { processDefinitionId: 'disk-task' } });
    s.check(read.status === 200 && searched.status === 200, 'reads still answer on the full disk (GET an instance, search instances)', `${read.status}, ${searched.status}`);

    // Stay full past the timers' due time and a few disk probes.
    const until = Math.max(timersAt + 3_500, performance.now()) + 6_000;
    let flapped = 0;
    while (performance.now() < until) {
      const h = await health(url).catch(() => undefined);
      if (h?.status !== 'DOWN') flapped++;
      await sleep(250);
    }
    s.check(server.alive && server.pid === pid, 'the process stays alive on the full disk, timers falling due included', `pid ${pid}, ${((performance.now() - timersAt) / 1000).toFixed(1)} s after the timers were set`);
    s.check(flapped === 0, '/health stays DOWN while the disk is still full (no UP between probes)', `${flapped} answer(s) not DOWN`);

    // Free the space: UP again by itself, writes accepted, the timers fire.
    unlinkSync(filler);
    const freedAt = performance.now();
    let upMs: number | undefined;
    while (performance.now() - freedAt < o.recoveryBoundMs + 5_000) {
      const h = await health(url).catch(() => undefined);
      if (h?.status === 'UP') {
        upMs = performance.now() - freedAt;
        break;
      }
      await sleep(100);
    }
    s.figure('upAfterFreeMs', upMs === undefined ? null : Math.round(upMs), `UP again ${upMs === undefined ? 'never' : `${(upMs / 1000).toFixed(2)} s`} after the filler was deleted`);
    s.check(upMs !== undefined && upMs <= o.recoveryBoundMs, `UP again within ${o.recoveryBoundMs / 1000} s of the space being freed`);
    const after = await create(999);
    if (after.status === 200) created.push(String(after.body.processInstanceKey));
    s.check(after.status === 200, 'writes succeed again once space is freed', `${after.status}`);
    let timersDone = 0;
    for (let i = 0; i < 100 && timersDone < timers.length; i++) {
      timersDone = 0;
      for (const key of timers) if ((await http(url, 'GET', `/v2/process-instances/${key}`)).body?.state === 'COMPLETED') timersDone++;
      if (timersDone < timers.length) await sleep(100);
    }
    s.check(timersDone === timers.length, 'timers that fell due on the full disk fire once space is freed, without a restart', `${timersDone} of ${timers.length} completed ${((performance.now() - freedAt) / 1000).toFixed(1)} s after freeing`);

    // Nothing half-written: exactly the instances whose creation was answered 200, each whole.
    const all = (await http(url, 'POST', '/v2/process-instances/search', { filter: { processDefinitionId: 'disk-task' }, page: { limit: 1000 } })).body.items as Array<{ processInstanceKey: string }>;
    const keys = all.map((p) => String(p.processInstanceKey)).sort();
    const whole: string[] = [];
    for (const key of keys) {
      const vars = (await http(url, 'POST', '/v2/variables/search?truncateValues=false', { filter: { processInstanceKey: key } })).body.items as Array<{ name: string; value: string }>;
      const active = (await http(url, 'POST', '/v2/element-instances/search', { filter: { processInstanceKey: key, elementId: 'work', state: 'ACTIVE' } })).body.items as unknown[];
      const payload = vars.find((v) => v.name === 'payload');
      if (vars.some((v) => v.name === 'n') && payload && JSON.parse(payload.value) === PAYLOAD && active.length === 1) whole.push(key);
    }
    s.check(JSON.stringify(keys) === JSON.stringify([...created].sort()), 'exactly the instances whose creation was answered 200 exist (the refused one does not)', `${keys.length} exist, ${created.length} accepted`);
    s.check(whole.length === keys.length, 'each existing instance is whole (its variables and its waiting task)', `${whole.length} of ${keys.length}`);

    const stopped = await server.stop();
    s.check(stopped.code === 0, 'the server stops cleanly after the full disk', `exit ${stopped.code}`);
    const integrity = integrityCheck(dataDir);
    s.check(Object.values(integrity).every((r) => r === 'ok'), 'PRAGMA integrity_check ok after the full disk', JSON.stringify(integrity));

    // A start on a full disk: one line, exit 1; and the directory starts once there is space.
    const refill = fill(filler);
    const failing = new ServerChild(options);
    const exit = await Promise.race([failing.exited, sleep(60_000).then(() => undefined)]);
    if (!exit) await failing.kill9();
    const lines = failing.stderr.trim().split('\n').filter(Boolean);
    s.figure('startOnFullDisk', { exit: exit?.code ?? null, stderr: lines }, `start on a full disk (${mb(refill)} filler): exit ${exit?.code ?? 'none within 60 s'}, stderr: ${JSON.stringify(lines)}`);
    s.check(exit?.code === 1 && lines.length === 1 && lines[0]!.startsWith('pingpin: ') && /full/i.test(lines[0]!) && lines[0]!.includes(dataDir), 'a start on a full disk prints one line naming DATA_DIR and the full disk, and exits 1');
    unlinkSync(filler);
    server = await new ServerChild(options).ready();
    const again = await create(1000);
    s.check(again.status === 200, 'after that failed start, the directory starts and takes writes once space is freed', `${again.status}`);
    const last = await server.stop();
    server = undefined;
    const integrityAfter = integrityCheck(dataDir);
    s.check(last.code === 0 && Object.values(integrityAfter).every((r) => r === 'ok'), 'PRAGMA integrity_check ok after the failed start', JSON.stringify(integrityAfter));
  } finally {
    if (server) await server.kill9();
    cleanups.delete(unmount);
    try {
      execFileSync('umount', [dataDir]);
    } catch {
      await sleep(500);
      unmount();
    }
  }
}
