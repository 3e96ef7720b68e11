/**
 * Scenario 1: kill -9 at random moments while the demo's campaigns run through the real procedures.
 *
 * The server runs as a child (embedded engine, its workers, the real models and forms) on its own
 * DATA_DIR and a fixed port. The parent seeds the registry in that DATA_DIR before the first start
 * (registry.db is SQLite in WAL mode: the parent keeps it open, as the demo's clerks read and file
 * through it, while the child writes to it), creates the clerks through /v2 and drives every campaign
 * as `npm run demo` does (src/demo/scenarios.ts), its REST calls going through a fetch that outlasts
 * a restart (resilient-fetch.ts). Meanwhile a killer SIGKILLs the child at moments drawn from a seeded
 * PRNG and starts it again on the same DATA_DIR and port, measuring how long the procedures stall.
 * Afterwards every invariant is checked against the engine (REST), the registry and the files.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { Clerk, Rest } from '../../src/demo/clerk.js';
import { DEMO_OPERATOR, provisionStaff } from '../../src/demo/people.js';
import { DEFAULT_START } from '../../src/demo/run.js';
import { type CampaignOutcome, type DemoClock, runCampaign } from '../../src/demo/scenarios.js';
import { type DemoCampaignSeed, demoCampaigns, idNumber, seedRegistry, type SeededCampaign } from '../../src/demo/seed.js';
import { chinaDate } from '../../src/domain/china-time.js';
import { AuditLog } from '../../src/identity/audit.js';
import { IdentityStore } from '../../src/identity/store.js';
import { openRegistry } from '../../src/registry/index.js';
import type { Scenario } from './report.js';
import { resilientFetch } from './resilient-fetch.js';
import { ADMIN_AUTH, freePort, http, integrityCheck, ServerChild, sleep, type ServerOptions } from './server.js';

export interface KillOptions {
  workDir: string;
  seed: number;
  rng: () => number;
  /** How many times the demo's seven campaigns run (each round seeds new campaigns and applications). */
  rounds: number;
  /** At most this many kills of the running server (plus those of restarts); the killer stops when the campaigns are done. */
  maxKills: number;
  /** A kill comes this long (uniformly drawn) after the server was last UP. */
  gapMs: [number, number];
  /** The shares of kills aimed at a moment a job is in flight, and at a write of the driver (the others fall at the drawn moment). */
  aimShare: { job: number; request: number };
  /** The chance that a restart is killed once more before it is UP (at a drawn moment of its start). */
  startKillShare: number;
  /** How long a client request waits for a server that is down before it gives up. */
  retryBoundMs: number;
  /** Jobs that were in flight at a kill must be worked again within this time of the kill. */
  recoveryBoundMs: number;
}

interface KillRecord {
  /** ms since the scenario began. */
  at: number;
  /** Jobs ACTIVATED (held by the dead process's workers) at the kill, and their types. */
  inFlight: number;
  types: string[];
  /** kill → the new process listens / is UP. */
  listeningMs: number;
  upMs: number;
  /** kill → the first job completed by the new process (undefined: none within the bound). */
  firstCompletionMs?: number;
  /** kill → every in-flight job was worked again (completed, failed or thrown); undefined: not within the bound. */
  inFlightDoneMs?: number;
  /** Jobs the restart(s) released at start, as the server logged it (those its workers held before). */
  released: number;
  /** kill → the first authenticated API call answered. */
  firstAnswerMs?: number;
  /** Kills of the restarting process before it was UP (then started again). */
  duringStart: number;
  /** Aimed at a moment a job was in flight, or at a write of the driver (which one). */
  aim?: 'job' | 'request';
  aimedAt?: string;
}

/**
 * The campaigns of a later round: the same enterprises and people's records, but other people (new
 * ID numbers), so that round 1's ban of the fraudulent applicant and its certificates do not decide
 * round 2. Sichuan's quota grows by its places each round.
 */
function round(seeds: DemoCampaignSeed[], r: number): DemoCampaignSeed[] {
  if (r === 0) return seeds;
  let k = 0;
  return seeds.map((s) => ({
    ...s,
    ...(s.quota !== undefined ? { quota: s.quota * (r + 1) } : {}),
    candidates: s.candidates.map((c) => {
      const record = c.record as { birthDate: string; gender: 'male' | 'female' };
      const id = idNumber(c.idNumber.slice(0, 6), record.birthDate, record.gender, ++k + 100 * r);
      return { ...c, idNumber: id, record: { ...c.record, idNumber: id } };
    }),
  }));
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'ERROR_THROWN', 'CANCELED']);
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);
const fmt = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? '-' : ms === Infinity ? 'never (within the bound)' : `${(ms / 1000).toFixed(2)} s`);

export async function killDuringProcedures(s: Scenario, o: KillOptions): Promise<void> {
  const began = performance.now();
  const dataDir = join(o.workDir, 'procedures');
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const serverOptions: ServerOptions = { dataDir, port, workers: true, models: true, logFile: join(o.workDir, 'procedures.log') };
  s.note(`DATA_DIR ${dataDir}, port ${port}, server log ${serverOptions.logFile}`);

  // The demo's clock: pinned at its start date, moved only by the driver (PUT /v2/clock); with
  // ENGINE_CLOCK_CONTROLLED=true the pin survives every restart, so the parent always knows it.
  let pinned = Date.parse(DEFAULT_START);
  const registry = await openRegistry({ dataDir, logger: pino({ level: 'silent' }), now: () => new Date(pinned) });
  let server: ServerChild | undefined;
  let engineDb: Database.Database | undefined;
  const narration: string[] = [];
  try {
    const year = Number(chinaDate(pinned).slice(0, 4));
    const seededRounds: SeededCampaign[][] = [await seedRegistry(registry, demoCampaigns(), year)];

    server = await new ServerChild(serverOptions).ready();
    s.figure('firstStartMs', Math.round(server.upAt! - server.spawnedAt), `first start: UP after ${fmt(server.upAt! - server.spawnedAt)} (${server.pid})`);
    const pin = await http(server.url, 'PUT', '/v2/clock', { timestamp: pinned });
    if (pin.status !== 204) throw new Error(`PUT /v2/clock answered ${pin.status}: ${JSON.stringify(pin.body)}`);
    engineDb = new Database(join(dataDir, 'engine.db'), { readonly: true, fileMustExist: true });
    const jobsDb = engineDb;
    const completedJobs = () => (jobsDb.prepare(`SELECT count(*) AS n FROM jobs WHERE state = 'COMPLETED'`).get() as { n: number }).n;

    // A kill can be aimed at a write of the driver: armed, the next write sent fires it.
    let armed: ((what: string) => void) | undefined;
    const { fetch: outlasting, stats } = resilientFetch({
      baseUrl: server.url,
      boundMs: o.retryBoundMs,
      onWrite: (method, path) => {
        // Only the writes whose repetition is not harmless by itself (the fetch reconciles them).
        if (!/\/completion$|^\/v2\/process-instances$|^\/v2\/messages\/publication$/.test(path)) return;
        const fire = armed;
        armed = undefined;
        fire?.(`${method} ${path.replace(/\d{6,}/g, '{key}')}`);
      },
    });
    const restOptions = { baseUrl: server.url, fetch: outlasting };
    const admin = new Rest({ ...restOptions, headers: () => ({ authorization: ADMIN_AUTH }) });
    const staff = await provisionStaff(admin, seededRounds[0]!, restOptions);
    const operator = staff.as(DEMO_OPERATOR);
    const clock: DemoClock = {
      now: () => pinned,
      async advanceTo(ms) {
        if (ms <= pinned) return;
        await operator.ok('PUT', '/v2/clock', { timestamp: ms });
        pinned = ms;
      },
    };
    const clerk = new Clerk(operator, () => pinned, staff);
    const ctx = { clerk, clock, registry, say: (zh: string, en: string) => narration.push(en || zh), idleTimeoutMs: Math.max(60_000, o.retryBoundMs), settleMs: 0 };

    // The killer: SIGKILL at a drawn moment after the server was last UP, start again, measure.
    const kills: KillRecord[] = [];
    const startKills: number[] = [];
    let lastStartMs = server.upAt! - server.spawnedAt;
    let driving = true;
    let killerFailed: Error | undefined;
    const killer = (async () => {
      while (driving && kills.length < o.maxKills) {
        const gap = o.gapMs[0] + o.rng() * (o.gapMs[1] - o.gapMs[0]);
        const due = server!.upAt! + gap;
        while (driving && performance.now() < due) await sleep(20);
        if (!driving) break;
        // Some kills aim at a job in flight (a worker between its registry write and its completion):
        // from the drawn moment on, the first time a job is ACTIVATED, a drawn 0–30 ms later. Some
        // aim at a write of the driver that is not idempotent (a task completion, a message, an
        // instance start), a drawn 0–5 ms after it is sent, so that it may or may not have been
        // carried out before the answer was lost.
        const draw = o.rng();
        const aim: KillRecord['aim'] = draw < o.aimShare.job ? 'job' : draw < o.aimShare.job + o.aimShare.request ? 'request' : undefined;
        let aimedAt: string | undefined;
        if (aim === 'job') {
          const giveUp = performance.now() + 10_000;
          while (driving && performance.now() < giveUp && !jobsDb.prepare(`SELECT 1 FROM jobs WHERE state = 'ACTIVATED' LIMIT 1`).get()) await sleep(2);
          await sleep(o.rng() * 30);
        } else if (aim === 'request') {
          aimedAt = await Promise.race([new Promise<string>((resolve) => (armed = resolve)), sleep(10_000).then(() => undefined)]);
          armed = undefined;
          await sleep(o.rng() * 5);
        }
        if (!driving) break;
        const at = performance.now();
        await server!.kill9();
        // What the dead process's workers held, as the crash left it on disk.
        const held = jobsDb.prepare(`SELECT key, type, deadline FROM jobs WHERE state = 'ACTIVATED'`).all() as Array<{ key: number; type: string; deadline: number | null }>;
        const completedBefore = completedJobs();
        server = new ServerChild(serverOptions);
        // Now and then the restart itself is killed, at a drawn moment of its start (opening the
        // databases, releasing jobs, deploying): the start after that must cope with it too.
        let duringStart = 0;
        let released = 0;
        if (o.rng() < o.startKillShare) {
          const delay = (0.1 + 0.8 * o.rng()) * lastStartMs;
          await sleep(delay);
          if (server.alive) {
            await server.kill9();
            released += server.released ?? 0;
            startKills.push(Math.round(delay));
            duringStart++;
            server = new ServerChild(serverOptions);
          }
        }
        await server.ready(o.retryBoundMs);
        released += server.released ?? 0;
        lastStartMs = server.upAt! - server.spawnedAt;
        const firstAnswer = await http(server.url, 'POST', '/v2/process-instances/search', { filter: {}, page: { limit: 1 } });
        const record: KillRecord = {
          at: Math.round(at - began),
          inFlight: held.length,
          types: held.map((h) => h.type),
          listeningMs: server.listeningAt! - at,
          upMs: server.upAt! - at,
          firstAnswerMs: firstAnswer.status === 200 ? performance.now() - at : undefined,
          duringStart,
          ...(aim ? { aim } : {}),
          ...(aimedAt ? { aimedAt } : {}),
          released,
        };
        const state = jobsDb.prepare(`SELECT state FROM jobs WHERE key = ?`);
        const rows = () => held.map((h) => ({ ...h, now: state.get(h.key) as { state: string } }));
        const deadline = at + o.recoveryBoundMs;
        while (performance.now() < deadline && (record.firstCompletionMs === undefined || record.inFlightDoneMs === undefined)) {
          if (record.firstCompletionMs === undefined && completedJobs() > completedBefore) record.firstCompletionMs = performance.now() - at;
          if (record.inFlightDoneMs === undefined && rows().every((r) => TERMINAL.has(r.now.state))) record.inFlightDoneMs = performance.now() - at;
          if (!driving && record.inFlightDoneMs !== undefined) break;
          await sleep(20);
        }
        kills.push(record);
        s.note(
          `kill ${kills.length}${record.aim === 'job' ? ' (aimed at jobs)' : record.aim === 'request' ? ` (aimed at ${record.aimedAt ?? 'a write'})` : ''} at ${fmt(record.at)}: ${record.inFlight} job(s) in flight${record.inFlight ? ` (${record.types.join(', ')})` : ''}; ` +
            `${record.duringStart ? `the restart killed ${record.duringStart} time(s) while starting; ` : ''}listening after ${fmt(record.listeningMs)}, UP after ${fmt(record.upMs)}, first API answer after ${fmt(record.firstAnswerMs)}, ` +
            `first job completed after ${fmt(record.firstCompletionMs)}, in-flight jobs worked again after ${fmt(record.inFlight ? record.inFlightDoneMs : undefined)}`,
        );
      }
    })().catch((err: unknown) => {
      // A restart that failed: the driver's requests then run out of retries; the cause is this.
      killerFailed = err instanceof Error ? err : new Error(String(err));
    });

    const outcomes: CampaignOutcome[] = [];
    const seededAll: SeededCampaign[] = [];
    try {
      for (let r = 0; r < o.rounds; r++) {
        if (r > 0) {
          // Each round runs through the same business dates: the clock goes back to the start.
          await operator.ok('PUT', '/v2/clock', { timestamp: Date.parse(DEFAULT_START) });
          pinned = Date.parse(DEFAULT_START);
        }
        const seeded = r === 0 ? seededRounds[0]! : await seedRegistry(registry, round(demoCampaigns(), r), year);
        seededAll.push(...seeded);
        for (const campaign of seeded) outcomes.push(await runCampaign(ctx, campaign));
      }
    } catch (err) {
      throw killerFailed ?? err;
    } finally {
      driving = false;
      await killer;
    }
    if (killerFailed) throw killerFailed;
    const drivenMs = performance.now() - began;
    const live = server;

    // ---- figures
    s.figure('seed', o.seed);
    s.figure('rounds', o.rounds, `rounds: ${o.rounds} (${seededAll.length} campaigns, ${seededAll.reduce((n, c) => n + c.applications.length, 0)} applications), business dates ${chinaDate(Date.parse(DEFAULT_START))} to ${chinaDate(pinned)}`);
    s.figure(
      'kills',
      { running: kills.length, duringStart: startKills.length },
      `kills: ${kills.length + startKills.length} — ${kills.length} of the running server (a uniformly drawn ${fmt(o.gapMs[0])}–${fmt(o.gapMs[1])} after it was UP), ${startKills.length} of a restarting one before it was UP (after ${startKills.map((ms) => fmt(ms)).join(', ') || '-'}); seed ${o.seed}`,
    );
    const inFlight = kills.reduce((n, k) => n + k.inFlight, 0);
    s.figure(
      'jobsInFlightAtKills',
      inFlight,
      `jobs in flight at the kills: ${inFlight} (${kills.filter((k) => k.inFlight > 0).length} of ${kills.length} kills hit a job in flight; ${kills.filter((k) => k.aim === 'job').length} kills were aimed at one, ${kills.filter((k) => k.aim === 'request').length} at a write of the driver) — types: ${[...new Set(kills.flatMap((k) => k.types))].join(', ') || '-'}`,
    );
    const ups = kills.map((k) => k.upMs);
    s.figure('restartUpMs', { median: Math.round(median(ups)), max: Math.round(Math.max(...ups, 0)) }, `restart, kill → UP: median ${fmt(median(ups))}, max ${fmt(Math.max(...ups, 0))}`);
    const answers = kills.map((k) => k.firstAnswerMs ?? Infinity);
    s.figure('firstAnswerMs', { median: Math.round(median(answers)), max: Math.round(Math.max(...answers, 0)) }, `kill → first authenticated API answer: median ${fmt(median(answers))}, max ${fmt(Math.max(...answers, 0))}`);
    const firsts = kills.map((k) => k.firstCompletionMs).filter((x): x is number => x !== undefined);
    s.figure('firstJobCompletionMs', { median: Math.round(median(firsts)), max: Math.round(Math.max(...firsts, 0)), of: kills.length }, `kill → first job completed by the new process: median ${fmt(median(firsts))}, max ${fmt(Math.max(...firsts, 0))} (${firsts.length} of ${kills.length} kills; the others had no job to work at once)`);
    const dones = kills.filter((k) => k.inFlight > 0).map((k) => k.inFlightDoneMs ?? Infinity);
    s.figure('inFlightDoneMs', { median: Math.round(median(dones)), max: Math.round(Math.max(...dones, 0)) }, `kill → every in-flight job worked again: median ${fmt(median(dones))}, max ${fmt(Math.max(...dones, 0))}`);
    s.figure('retries', stats, `driver: ${stats.interrupted} request(s) met the server down (${stats.failedAttempts} failed attempts, longest wait ${fmt(stats.longestWaitMs)}); reconciled: ${JSON.stringify(stats.reconciled)}`);
    s.figure('drivenMs', Math.round(drivenMs), `campaigns driven in ${fmt(drivenMs)}`);

    // ---- invariants, against what the server and the registry now say
    s.check(kills.length >= Math.min(1, o.maxKills), `the server was killed at least once during the procedures`, `${kills.length} kill(s)`);
    // (A restart killed while starting may have released them and died before saying so: those are left out.)
    const plain = kills.filter((k) => k.duringStart === 0);
    const unreleased = plain.filter((k) => k.released !== k.inFlight);
    s.check(
      unreleased.length === 0,
      'each restart releases at start exactly the jobs the dead process held (as it logs them)',
      unreleased.map((k) => `kill at ${fmt(k.at)}: ${k.inFlight} held, ${k.released} released`).join('; ') || `${plain.reduce((n, k) => n + k.inFlight, 0)} held, as many released`,
    );
    const slow = kills.filter((k) => k.inFlight > 0 && k.inFlightDoneMs === undefined);
    s.check(slow.length === 0, `every job in flight at a kill is worked again within ${fmt(o.recoveryBoundMs)} of the kill (their timeouts are 60–180 s)`, slow.length ? `${slow.length} kill(s) left jobs unworked` : `max ${fmt(Math.max(...dones, 0))}`);

    const get = async (path: string) => {
      const res = await http(live.url, 'GET', path);
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
      return res.body;
    };
    const search = async (path: string, filter: Record<string, unknown>) => {
      const res = await http(live.url, 'POST', path, { filter, page: { limit: 10_000 } });
      if (res.status !== 200) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
      return res.body.items as any[];
    };
    const unfinished: string[] = [];
    for (const c of outcomes) {
      const pi = await get(`/v2/process-instances/${c.processInstanceKey}`);
      if (pi.state === 'COMPLETED') continue;
      if (c.jurisdiction === 'sichuan' && pi.state === 'ACTIVE') {
        // As the demo ends Sichuan: every appointee's three-year management period waits for its first anniversary.
        const periods = (await search('/v2/process-instances/search', { parentProcessInstanceKey: c.processInstanceKey, processDefinitionId: 'management-period' })).filter((p) => p.state === 'ACTIVE');
        let waiting = 0;
        for (const p of periods) if ((await search('/v2/element-instances/search', { processInstanceKey: p.processInstanceKey, elementId: 'wait-anniversary', state: 'ACTIVE' })).length) waiting++;
        if (periods.length === c.certificates.length && waiting === periods.length && periods.length > 0) continue;
      }
      unfinished.push(`${c.key}/${c.processInstanceKey}: ${pi.state}`);
    }
    s.check(unfinished.length === 0, `every campaign's process instance completed (Sichuan: its management periods running) — ${outcomes.length} campaigns`, unfinished.join(', ') || undefined);

    const incidents = await search('/v2/incidents/search', { state: 'ACTIVE' });
    s.check(incidents.length === 0, 'no active incident', incidents.map((i) => `${i.elementId}: ${i.errorMessage}`).join('; ').slice(0, 300) || undefined);

    const roots = (await search('/v2/process-instances/search', {})).filter((p) => !p.parentProcessInstanceKey && String(p.processDefinitionId).startsWith('appraisal-'));
    const startedTwice = seededAll.length !== roots.length;
    s.check(!startedTwice, 'one campaign process instance per campaign, none started twice by a retried request', `${roots.length} instances for ${seededAll.length} campaigns`);

    // Certificates: the registry's own tables (read by the parent through SQLite, as the child writes them).
    const reg = new Database(join(dataDir, 'registry.db'), { readonly: true, fileMustExist: true });
    try {
      const certs = reg.prepare(`SELECT code, application_id, evaluator_key, year, level, serial FROM certificates`).all() as Array<{ code: string; application_id: string; evaluator_key: string; year: number; level: string; serial: number }>;
      const byApp = new Map<string, string[]>();
      for (const c of certs) byApp.set(c.application_id, [...(byApp.get(c.application_id) ?? []), c.code]);
      const wrong: string[] = [];
      let expected = 0;
      for (const campaign of seededAll) {
        for (const a of campaign.applications) {
          const want = a.role === 'qualifies' || a.role === 'objection' ? 1 : 0;
          expected += want;
          const got = byApp.get(a.applicationId)?.length ?? 0;
          if (got !== want) wrong.push(`${campaign.key} ${a.key}: ${got} certificate(s), expected ${want}`);
        }
      }
      s.figure('certificates', certs.length, `certificates issued: ${certs.length} (expected ${expected})`);
      s.check(wrong.length === 0 && certs.length === expected, 'every expected certificate issued exactly once, none for an ineligible or disqualified applicant', wrong.join('; ') || undefined);

      const listed = outcomes.flatMap((c) => c.certificates.map((x) => x.certificateCode)).sort();
      const inRegistry = certs.filter((c) => seededAll.some((x) => x.applications.some((a) => a.applicationId === c.application_id))).map((c) => c.code).sort();
      s.check(JSON.stringify(listed) === JSON.stringify(inRegistry), "the campaigns' `certificates` variables list exactly the registry's certificates", `${listed.length} listed, ${inRegistry.length} in the registry`);

      const groups = new Map<string, number[]>();
      for (const c of certs) groups.set(`${c.evaluator_key}/${c.year}/${c.level}`, [...(groups.get(`${c.evaluator_key}/${c.year}/${c.level}`) ?? []), c.serial]);
      const counters = new Map((reg.prepare(`SELECT evaluator_key, year, level, last_serial FROM serial_counters`).all() as Array<{ evaluator_key: string; year: number; level: string; last_serial: number }>).map((r) => [`${r.evaluator_key}/${r.year}/${r.level}`, r.last_serial]));
      const badSerials: string[] = [];
      for (const [group, serials] of groups) {
        serials.sort((a, b) => a - b);
        if (!serials.every((x, i) => x === i + 1)) badSerials.push(`${group}: ${serials.join(',')}`);
        if (counters.get(group) !== serials.length) badSerials.push(`${group}: counter at ${counters.get(group)}, ${serials.length} issued`);
      }
      for (const [group, last] of counters) if (!groups.has(group) && last !== 0) badSerials.push(`${group}: counter at ${last}, none issued`);
      s.check(badSerials.length === 0, `certificate serials per (evaluator, year, level) run 1…n with no duplicate and no gap, and each counter stands at n — ${groups.size} series`, badSerials.join('; ') || undefined);

      const uploads = reg.prepare(`SELECT c.code, (SELECT count(*) FROM national_uploads u WHERE u.certificate_code = c.code) AS n FROM certificates c`).all() as Array<{ code: string; n: number }>;
      const notOnce = uploads.filter((u) => u.n !== 1);
      s.check(notOnce.length === 0, 'every certificate uploaded to the national query system exactly once', notOnce.map((u) => `${u.code}: ${u.n}`).join(', ') || undefined);
    } finally {
      reg.close();
    }

    const counts = (table: string) => (jobsDb.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const activated = (jobsDb.prepare(`SELECT count(*) AS n FROM jobs WHERE state = 'ACTIVATED'`).get() as { n: number }).n;
    s.figure('engine', { processInstances: counts('process_instances'), elementInstances: counts('element_instances'), jobs: counts('jobs'), userTasks: counts('user_tasks') }, `engine: ${counts('process_instances')} process instances, ${counts('element_instances')} element instances, ${counts('jobs')} jobs, ${counts('user_tasks')} user tasks`);
    s.check(activated === 0, 'no job left ACTIVATED once the campaigns are done', `${activated}`);

    const chain = await registry.audit.verify();
    s.check(chain.ok, "the registry's audit chain verifies", JSON.stringify(chain).slice(0, 200));
  } catch (err) {
    s.crashed(err);
    if (narration.length) s.note(`the last steps of the campaigns:\n    ${narration.slice(-15).join('\n    ')}`);
  } finally {
    engineDb?.close();
    const exit = server ? await server.stop() : undefined;
    if (exit) s.check(exit.code === 0, 'the last server stops cleanly on SIGTERM', `exit code ${exit.code}, signal ${exit.signal}`);
    await registry.close();
  }
  // The files, with nobody holding them.
  const integrity = integrityCheck(dataDir);
  s.check(Object.values(integrity).every((r) => r === 'ok'), 'PRAGMA integrity_check is ok for engine.db, identity.db and registry.db', JSON.stringify(integrity));
  if (!existsSync(join(dataDir, 'identity.db'))) return;
  const store = new IdentityStore(join(dataDir, 'identity.db'));
  try {
    const verified = new AuditLog(store).verify();
    s.check(verified.ok, "the identity audit log's chain verifies (AuditLog.verify on identity.db)", `${verified.entries} entries${verified.ok ? '' : `, broken at ${JSON.stringify(verified.firstBroken)}`}`);
    // Every change is audited? The entry is appended once the answer is sent, in identity.db, apart
    // from the change (engine.db): a kill between the two leaves a change without its entry.
    const engine = new Database(join(dataDir, 'engine.db'), { readonly: true, fileMustExist: true });
    try {
      const audited = (entity: 'USER_TASK' | 'JOB', column: string) =>
        new Set((store.db.prepare(`SELECT ${column} AS k FROM audit_log WHERE operation_type = 'COMPLETE' AND entity_type = ? AND result = 'SUCCESS'`).all(entity) as Array<{ k: string }>).map((r) => String(r.k)));
      const tasks = audited('USER_TASK', 'user_task_key');
      const jobs = audited('JOB', 'job_key');
      const doneTasks = (engine.prepare(`SELECT key FROM user_tasks WHERE state = 'COMPLETED'`).all() as Array<{ key: number }>).map((r) => String(r.key));
      const doneJobs = (engine.prepare(`SELECT key FROM jobs WHERE state = 'COMPLETED'`).all() as Array<{ key: number }>).map((r) => String(r.key));
      const missingTasks = doneTasks.filter((k) => !tasks.has(k));
      const missingJobs = doneJobs.filter((k) => !jobs.has(k));
      s.gap(
        missingTasks.length + missingJobs.length > 0,
        'completions without their audit entry (written after the answer, apart from the change: a kill in between loses it)',
        `${missingTasks.length} of ${doneTasks.length} user task completions, ${missingJobs.length} of ${doneJobs.length} job completions`,
      );
    } finally {
      engine.close();
    }
  } finally {
    store.close();
  }
}
