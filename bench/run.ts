/**
 * `npm run bench`: process instances per second, start to end, of a 10-service-task process,
 * (a) with @camunda8/sdk REST job workers over HTTP against the embedded server and (b) with the
 * engine driven in-process; (c) a call activity to a 2-service-task child followed by a parallel
 * multi-instance service task over 100 items, driven in-process; (d) the procedures themselves:
 * `pingpin demo` (seven campaigns with the real models, forms, workers and registry, each user task
 * completed over REST); and peak memory. Prints the
 * figures; BENCHMARKS.md records method and results. No thresholds: speed is measured here, never
 * asserted in tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Engine } from '../src/engine/engine.js';
import { Store } from '../src/engine/store.js';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { runDemo } from '../src/demo/run.js';
import { start } from '../src/runtime.js';
import { restClient, testConfig } from '../test/support/harness.js';
import { bpmn, chain, job, serviceChain } from '../test/support/bpmn.js';

const TASKS = 10;
const TYPES = Array.from({ length: TASKS }, (_, i) => `bench-step-${i + 1}`);
const XML = serviceChain('bench', TYPES);
const HTTP_INSTANCES = Number(process.env.BENCH_HTTP_INSTANCES ?? 200);
const INPROC_INSTANCES = Number(process.env.BENCH_INPROC_INSTANCES ?? 2000);
const MI_INSTANCES = Number(process.env.BENCH_MI_INSTANCES ?? 200);
const MI_ITEMS = 100;
const DEMO_RUNS = Number(process.env.BENCH_DEMO_RUNS ?? 3);

// (c): parent = start → call activity (child) → parallel multi-instance service task over `items` → end;
// child = start → 2 service tasks → end.
const CHILD_TYPES = ['bench-child-1', 'bench-child-2'];
const MI_TYPE = 'bench-mi';
const CHILD_XML = serviceChain('bench-child', CHILD_TYPES);
const PARENT_XML = (() => {
  const { elements, flows } = chain(
    { id: 'start', kind: 'start' },
    { id: 'callChild', kind: 'call', ext: '<zeebe:calledElement processId="bench-child" />' },
    {
      id: 'eachItem',
      kind: 'service',
      ext: job(MI_TYPE),
      body:
        '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements>' +
        '<zeebe:loopCharacteristics inputCollection="=items" inputElement="item" outputCollection="results" outputElement="=done" />' +
        '</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>',
    },
    { id: 'end', kind: 'end' },
  );
  return bpmn('bench-call-mi', elements, flows);
})();

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

async function callAndMultiInstance(): Promise<{ perSecond: number; ms: number; elementInstances: number; jobs: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pingpin-bench-'));
  const store = new Store(join(dataDir, 'engine.db'));
  const engine = await Engine.open({ store, logger: pino({ level: 'silent' }) });
  await engine.deploy([
    { name: 'bench-child.bpmn', content: Buffer.from(CHILD_XML) },
    { name: 'bench-call-mi.bpmn', content: Buffer.from(PARENT_XML) },
  ]);
  const items = Array.from({ length: MI_ITEMS }, (_, i) => i + 1);
  let jobs = 0;
  const t0 = performance.now();
  for (let i = 0; i < MI_INSTANCES; i++) engine.createProcessInstance({ processDefinitionId: 'bench-call-mi', variables: { i, items } });
  // The child's tasks in order (each completed child then activates its parent's 100 inner instances),
  // then the multi-instance jobs; the worker answers each item with `done`, collected into `results`.
  for (const type of [...CHILD_TYPES, MI_TYPE]) {
    for (;;) {
      const batch = await engine.activateJobs({
        type,
        worker: 'bench',
        timeout: 60_000,
        maxJobsToActivate: 100,
        requestTimeout: -1,
        fetchVariable: type === MI_TYPE ? ['item'] : undefined,
      });
      if (batch.length === 0) break;
      for (const j of batch) {
        engine.completeJob(j.jobKey, type === MI_TYPE ? { done: (j.variables.item as number) * 2 } : { [type.replaceAll('-', '_')]: true });
      }
      jobs += batch.length;
    }
  }
  const ms = performance.now() - t0;
  const count = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n;
  const done = count(`SELECT COUNT(*) AS n FROM process_instances WHERE state = 'COMPLETED' AND process_definition_id = 'bench-call-mi'`);
  if (done !== MI_INSTANCES) throw new Error(`(c): only ${done} of ${MI_INSTANCES} instances completed`);
  const sample = store.db
    .prepare(`SELECT v.value FROM variables v JOIN process_instances p ON p.key = v.scope_key WHERE p.process_definition_id = 'bench-call-mi' AND v.name = 'results' LIMIT 1`)
    .get() as { value: string };
  if (JSON.stringify(JSON.parse(sample.value)) !== JSON.stringify(items.map((n) => n * 2))) throw new Error('(c): output collection is wrong');
  const elementInstances = count(`SELECT COUNT(*) AS n FROM element_instances`);
  engine.close();
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { perSecond: (MI_INSTANCES / ms) * 1000, ms, elementInstances, jobs };
}

/** (d): the demo end to end, as `npm run demo` runs it (embedded engine, HTTP workers, REST clerks). */
async function procedures(): Promise<{ runs: number[]; medianMs: number; certificates: number; processInstances: number; elementInstances: number; jobs: number; userTasks: number }> {
  const env = { ...process.env };
  delete env.CAMUNDA_REST_ADDRESS;
  const runs: number[] = [];
  let counts = { certificates: 0, processInstances: 0, elementInstances: 0, jobs: 0, userTasks: 0 };
  for (let k = 0; k < DEMO_RUNS; k++) {
    const dir = mkdtempSync(join(tmpdir(), 'pingpin-bench-demo-'));
    try {
      const t0 = performance.now();
      const result = await runDemo({ dataDir: join(dir, 'data'), lang: 'en', config: { ...loadConfig(env), resourceDirs: [] }, print: () => {} });
      runs.push(performance.now() - t0);
      const db = new Database(join(dir, 'data', 'engine.db'), { readonly: true });
      const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      counts = { certificates: result.certificates.length, processInstances: count('process_instances'), elementInstances: count('element_instances'), jobs: count('jobs'), userTasks: count('user_tasks') };
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return { runs, medianMs: sorted[Math.floor(sorted.length / 2)]!, ...counts };
}

const http = await overHttp();
console.log(`(a) SDK REST workers over HTTP: ${HTTP_INSTANCES} instances × ${TASKS} service tasks in ${http.ms.toFixed(0)} ms = ${http.perSecond.toFixed(1)} instances/s`);
const inproc = await inProcess();
console.log(`(b) engine in-process:          ${INPROC_INSTANCES} instances × ${TASKS} service tasks in ${inproc.ms.toFixed(0)} ms = ${inproc.perSecond.toFixed(1)} instances/s`);
const mi = await callAndMultiInstance();
console.log(
  `(c) call activity + parallel multi-instance: ${MI_INSTANCES} instances (each: child with 2 service tasks, then ${MI_ITEMS} inner instances) in ${mi.ms.toFixed(0)} ms = ${mi.perSecond.toFixed(1)} instances/s; ` +
    `${mi.elementInstances} element instances = ${((mi.elementInstances / mi.ms) * 1000).toFixed(0)} element instances/s; ${mi.jobs} jobs = ${((mi.jobs / mi.ms) * 1000).toFixed(0)} job completions/s`,
);
const demo = await procedures();
console.log(
  `(d) the procedures (pingpin demo: 7 campaigns, ${demo.certificates} certificates): median ${demo.medianMs.toFixed(0)} ms of ${DEMO_RUNS} runs (${demo.runs.map((ms) => ms.toFixed(0)).join(', ')}); ` +
    `per run ${demo.processInstances} process instances, ${demo.elementInstances} element instances, ${demo.jobs} jobs, ${demo.userTasks} user tasks`,
);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
console.log(`peak RSS: ${mb(peakRss)} MB (sampled every 20 ms; maxRSS from the OS: ${mb(process.resourceUsage().maxRSS * 1024)} MB)`);
