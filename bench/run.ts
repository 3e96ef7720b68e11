/**
 * `npm run bench`: process instances per second, start to end, of a 10-service-task process,
 * (a) with @camunda8/sdk REST job workers over HTTP against the embedded server and (b) with the
 * engine driven in-process; and peak memory. Prints the figures; BENCHMARKS.md records method and
 * results. No thresholds: speed is measured here, never asserted in tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Engine } from '../src/engine/engine.js';
import { Store } from '../src/engine/store.js';
import { start } from '../src/runtime.js';
import { restClient, testConfig } from '../test/support/harness.js';
import { serviceChain } from '../test/support/bpmn.js';

const TASKS = 10;
const TYPES = Array.from({ length: TASKS }, (_, i) => `bench-step-${i + 1}`);
const XML = serviceChain('bench', TYPES);
const HTTP_INSTANCES = Number(process.env.BENCH_HTTP_INSTANCES ?? 200);
const INPROC_INSTANCES = Number(process.env.BENCH_INPROC_INSTANCES ?? 2000);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const mb = (b: number) => (b / 1024 / 1024).toFixed(0);

async function overHttp(): Promise<{ perSecond: number; ms: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pingpin-bench-'));
  const running = await start(testConfig(dataDir), pino({ level: 'silent' }));
  const client = restClient(running.url);
  await client.deployResources([{ name: 'bench.bpmn', content: XML }]);
  const workers = TYPES.map((type) =>
    client.createJobWorker({
      type,
      worker: `bench-${type}`,
      timeout: 60_000,
      maxJobsToActivate: 32,
      pollIntervalMs: 10,
      requestTimeout: 5_000,
      jobHandler: (job) => job.complete({ [type.replaceAll('-', '_')]: true }),
    }),
  );
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: HTTP_INSTANCES }, (_, i) =>
      client.createProcessInstanceWithResult({ processDefinitionId: 'bench', variables: { i }, requestTimeout: 120_000 } as never),
    ),
  );
  const ms = performance.now() - t0;
  if (results.length !== HTTP_INSTANCES) throw new Error('not every instance completed');
  await Promise.all(workers.map((w) => w.stop()));
  await running.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return { perSecond: (HTTP_INSTANCES / ms) * 1000, ms };
}

async function inProcess(): Promise<{ perSecond: number; ms: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pingpin-bench-'));
  const store = new Store(join(dataDir, 'engine.db'));
  const engine = await Engine.open({ store, logger: pino({ level: 'silent' }) });
  await engine.deploy([{ name: 'bench.bpmn', content: Buffer.from(XML) }]);
  const t0 = performance.now();
  for (let i = 0; i < INPROC_INSTANCES; i++) engine.createProcessInstance({ processDefinitionId: 'bench', variables: { i } });
  for (const type of TYPES) {
    for (;;) {
      const jobs = await engine.activateJobs({ type, worker: 'bench', timeout: 60_000, maxJobsToActivate: 100, requestTimeout: -1 });
      if (jobs.length === 0) break;
      for (const job of jobs) engine.completeJob(job.jobKey, { [type.replaceAll('-', '_')]: true });
    }
  }
  const ms = performance.now() - t0;
  const done = store.db.prepare(`SELECT COUNT(*) AS n FROM process_instances WHERE state = 'COMPLETED'`).get() as { n: number };
  if (done.n !== INPROC_INSTANCES) throw new Error(`only ${done.n} of ${INPROC_INSTANCES} instances completed`);
  engine.close();
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { perSecond: (INPROC_INSTANCES / ms) * 1000, ms };
}

const http = await overHttp();
console.log(`(a) SDK REST workers over HTTP: ${HTTP_INSTANCES} instances × ${TASKS} service tasks in ${http.ms.toFixed(0)} ms = ${http.perSecond.toFixed(1)} instances/s`);
const inproc = await inProcess();
console.log(`(b) engine in-process:          ${INPROC_INSTANCES} instances × ${TASKS} service tasks in ${inproc.ms.toFixed(0)} ms = ${inproc.perSecond.toFixed(1)} instances/s`);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
console.log(`peak RSS: ${mb(peakRss)} MB (sampled every 20 ms; maxRSS from the OS: ${mb(process.resourceUsage().maxRSS * 1024)} MB)`);
