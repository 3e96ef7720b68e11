/**
 * The engine clock is moved over the API only when the engine was started with
 * ENGINE_CLOCK_CONTROLLED=true (Zeebe's ZEEBE_CLOCK_CONTROLLED), and a clock left pinned in DATA_DIR
 * returns to system time at a start without it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { start, type Running } from '../../src/runtime.js';
import { startHarness, TEST_HASH_COST, testConfig, type Harness } from '../support/harness.js';
import { api } from './helpers.js';

const PINNED = Date.parse('2030-06-01T00:00:00Z');
const harnesses: Harness[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('PUT /v2/clock and POST /v2/clock/reset', () => {
  it('are refused, even to an administrator, without ENGINE_CLOCK_CONTROLLED', async () => {
    const h = await startHarness({ config: { clockControlled: false } });
    harnesses.push(h);
    const a = api(h.url);
    for (const [method, path, body] of [
      ['PUT', '/v2/clock', { timestamp: PINNED }],
      ['POST', '/v2/clock/reset', {}],
    ] as const) {
      const r = await a.admin(method, path, body);
      expect(r.status, path).toBe(403);
      expect(r.body.title).toBe('FORBIDDEN');
      expect(r.body.detail).toMatch(/ENGINE_CLOCK_CONTROLLED=true/);
    }
    expect(h.running.engine!.clock.isPinned()).toBe(false);
    expect(Math.abs(h.running.engine!.clock.now() - Date.now())).toBeLessThan(5_000);
    // The refused attempt is on the record.
    const attempts = h.running.audit!.search({ filter: { entityType: 'CLOCK' } }).items as { status: number; actorId: string }[];
    expect(attempts.map((e) => [e.actorId, e.status])).toEqual([
      ['admin', 403],
      ['admin', 403],
    ]);
  });

  it('pin and reset the clock with it', async () => {
    const h = await startHarness({ config: { clockControlled: true } });
    harnesses.push(h);
    const a = api(h.url);
    expect((await a.admin('PUT', '/v2/clock', { timestamp: PINNED })).status).toBe(204);
    expect(h.running.engine!.clock.now()).toBe(PINNED);
    expect((await a.admin('POST', '/v2/clock/reset', {})).status).toBe(204);
    expect(h.running.engine!.clock.isPinned()).toBe(false);
  });
});

describe('a data directory whose clock was left pinned', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pingpin-clock-'));
  dirs.push(dataDir);
  const boot = async (clockControlled: boolean): Promise<{ running: Running; logs: { msg: string; pinnedAt?: string }[] }> => {
    const logs: { msg: string; pinnedAt?: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    const running = await start(testConfig(dataDir, { clockControlled }), logger, { hashCost: TEST_HASH_COST });
    return { running, logs };
  };

  it('stays pinned, and says so, at a start with ENGINE_CLOCK_CONTROLLED; returns to system time, and says so, without', async () => {
    const first = await boot(true);
    try {
      expect((await api(first.running.url).admin('PUT', '/v2/clock', { timestamp: PINNED })).status).toBe(204);
    } finally {
      await first.running.stop();
    }

    const controlled = await boot(true);
    try {
      expect(controlled.running.engine!.clock.isPinned()).toBe(true);
      expect(controlled.running.engine!.clock.now()).toBe(PINNED);
      expect(controlled.logs.find((l) => l.pinnedAt === '2030-06-01T00:00:00.000Z')?.msg).toMatch(/is pinned at 2030-06-01T00:00:00.000Z \(ENGINE_CLOCK_CONTROLLED=true\)/);
    } finally {
      await controlled.running.stop();
    }

    const uncontrolled = await boot(false);
    try {
      expect(uncontrolled.running.engine!.clock.isPinned()).toBe(false);
      expect(Math.abs(uncontrolled.running.engine!.clock.now() - Date.now())).toBeLessThan(5_000);
      expect(uncontrolled.logs.find((l) => l.pinnedAt === '2030-06-01T00:00:00.000Z')?.msg).toMatch(/was left pinned at 2030-06-01T00:00:00.000Z; without ENGINE_CLOCK_CONTROLLED=true it runs on system time again/);
    } finally {
      await uncontrolled.running.stop();
    }

    // For good: the next start, even with the flag, finds system time.
    const after = await boot(true);
    try {
      expect(after.running.engine!.clock.isPinned()).toBe(false);
    } finally {
      await after.running.stop();
    }
  });
});
