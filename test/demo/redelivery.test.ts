/**
 * Every job handler is idempotent under redelivery: the demo (every procedure, every jurisdiction)
 * runs once as usual and once with each handler run twice with the same job — as when a worker
 * did the work but its completion never reached the engine and the job came back — and the
 * registry ends up with the same rows: no second certificate, serial, notice, objection, ban,
 * quota reservation, upload, history or audit entry. The audit trail records two things more, by
 * design: each privileged read of an ID number (an access happened) and each repeated write the
 * registry recognised (`…repeated`), so an operator sees that a job came back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runDemo, type DemoResult } from '../../src/demo/run.js';
import { workers } from '../../workers/index.js';
import type { WorkerDefinition } from '../../workers/runtime.js';
import { TEST_HASH_COST } from '../support/harness.js';

let dir: string;
const runs: Record<'once' | 'twice', { result: DemoResult; rows: Record<string, number>; audit: Record<string, number>; serials: string[] }> = {} as never;
const secondRuns = new Map<string, number>();

/** The handler runs, its result is lost, the job is delivered again with the same variables. */
function deliveredTwice(def: WorkerDefinition): WorkerDefinition {
  return {
    ...def,
    async handler(input, job, services) {
      await def.handler(structuredClone(input), job, services);
      secondRuns.set(def.type, (secondRuns.get(def.type) ?? 0) + 1);
      return def.handler(input, job, services);
    },
  };
}

function tableRows(dataDir: string): { rows: Record<string, number>; audit: Record<string, number> } {
  const db = new Database(join(dataDir, 'registry.db'), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'").all() as { name: string }[];
    const rows = Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n]));
    const audit = Object.fromEntries((db.prepare('SELECT action, count(*) AS n FROM audit_log GROUP BY action').all() as { action: string; n: number }[]).map((r) => [r.action, r.n]));
    return { rows, audit };
  } finally {
    db.close();
  }
}

const changes = (audit: Record<string, number>) => Object.fromEntries(Object.entries(audit).filter(([action]) => !/repeated$|id-number-read$/.test(action)));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pingpin-redelivery-'));
  const env = { ...process.env };
  delete env.CAMUNDA_REST_ADDRESS;
  for (const mode of ['once', 'twice'] as const) {
    const dataDir = join(dir, mode);
    const result = await runDemo({
    hashCost: TEST_HASH_COST,
      dataDir,
      lang: 'en',
      config: { ...loadConfig(env), resourceDirs: [] },
      print: () => {},
      idleTimeoutMs: 20_000,
      ...(mode === 'twice' ? { workers: workers.map(deliveredTwice) } : {}),
    });
    runs[mode] = { result, ...tableRows(dataDir), serials: result.certificates.map((c) => c.code.slice(-6)).sort() };
  }
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('every handler delivered twice', () => {
  it('ran every worker the procedures use a second time', () => {
    // 24 job types today; workers the demo never reaches (revocation, direct recognition) are
    // covered by their process tests.
    expect(secondRuns.size).toBeGreaterThanOrEqual(20);
  });

  it('leaves the registry with exactly the rows of a single delivery', () => {
    const { audit_log: auditOnce, ...once } = runs.once.rows;
    const { audit_log: auditTwice, ...twice } = runs.twice.rows;
    expect(twice).toEqual(once);
    expect(once.certificates).toBeGreaterThan(0);
    expect(auditTwice).toBeGreaterThanOrEqual(auditOnce!);
  });

  it('audits the same changes; the extra entries are reads of ID numbers and recognised repeats', () => {
    expect(changes(runs.twice.audit)).toEqual(changes(runs.once.audit));
    expect(Object.keys(runs.twice.audit).filter((a) => /repeated$/.test(a)).length).toBeGreaterThan(0);
  });

  it('issues the same certificates, with no serial skipped', () => {
    expect(runs.twice.result.certificates.length).toBe(runs.once.result.certificates.length);
    expect(runs.twice.serials).toEqual(runs.once.serials);
    expect(runs.twice.result.candidates.map((c) => [c.name, c.status])).toEqual(runs.once.result.candidates.map((c) => [c.name, c.status]));
  });
});
