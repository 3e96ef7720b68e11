/** GET /health: what docker-compose and other orchestrators probe, in both runtime modes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { start } from '../../src/runtime.js';
import { ROOT, testConfig } from '../support/harness.js';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'pingpin-health-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('GET /health', () => {
  it('embedded: UP once the models are deployed, with what was deployed; gone once stopped', async () => {
    const running = await start(testConfig(fresh(), { resourceDirs: [join(ROOT, 'forms')] }), pino({ level: 'silent' }), { workers: [] });
    const res = await fetch(`${running.url}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; mode: string; deployed: number };
    expect(body).toMatchObject({ status: 'UP', mode: 'embedded' });
    expect(body.deployed).toBeGreaterThan(30);
    const stopping = running.stop();
    await stopping;
    await expect(fetch(`${running.url}/health`)).rejects.toThrow();
  });

  it('cluster: the app answers its own /health while the cluster serves /v2', async () => {
    // A stand-in cluster: deployments are not needed (no resources), only a listening REST address.
    const cluster: Server = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => cluster.listen(0, '127.0.0.1', resolve));
    try {
      const address = `http://127.0.0.1:${(cluster.address() as AddressInfo).port}`;
      const running = await start(testConfig(fresh(), { mode: 'cluster', clusterRestAddress: address, clusterAuth: { strategy: 'NONE' } }), pino({ level: 'silent' }), { workers: [] });
      try {
        const res = await fetch(`${running.url}/health`);
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ status: 'UP', mode: 'cluster', deployed: 0 });
        expect(running.engine).toBeUndefined();
      } finally {
        await running.stop();
      }
    } finally {
      await new Promise<void>((resolve) => cluster.close(() => resolve()));
    }
  });
});
