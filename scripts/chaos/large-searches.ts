/**
 * Scenario 4: concurrent searches over large variables. Ten variables of ~9.9 MB each (the server's
 * ENGINE_MAX_MESSAGE_SIZE raised to take them; should it refuse them anyway, just under the limit it
 * names) on one
 * instance, then waves of eight concurrent searches: truncated (the default), with
 * `truncateValues=false`, and eight concurrent GETs of single values. The server's peak memory is
 * sampled from /proc; every answer must be a 200 or a 4xx that says why (never a 5xx or a dropped
 * connection), truncated values must say so, and a GET must give the whole value.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bpmn, chain, job } from '../../test/support/bpmn.js';
import type { Scenario } from './report.js';
import { deploy, freePort, health, http, mb, procMemory, RssSampler, ServerChild } from './server.js';

export interface LargeSearchOptions {
  workDir: string;
  /** Bytes of each variable's value (default ~9.9 MB). */
  valueBytes: number;
  variables: number;
  concurrency: number;
  /** Waves of each kind of request. */
  waves: number;
  maxRssMb: number;
}

export async function largeSearches(s: Scenario, o: LargeSearchOptions): Promise<void> {
  const dataDir = join(o.workDir, 'large-searches');
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  // Zeebe refuses a command over its maximum message size (4 MB by default): raised here so that the
  // values are as large as the attack's. A server that does not know the setting refuses them, and
  // then the values are made just under the limit it names.
  const env = { ENGINE_MAX_MESSAGE_SIZE: `${Math.ceil((o.valueBytes * 1.5) / 2 ** 20)}MB` };
  let server: ServerChild | undefined = await new ServerChild({ dataDir, port, env, logFile: join(o.workDir, 'large-searches.log') }).ready();
  try {
    const url = server.url;
    const c = chain({ id: 'start', kind: 'start' }, { id: 'hold', kind: 'service', ext: job('chaos.large.never') }, { id: 'end', kind: 'end' });
    await deploy(url, [{ name: 'large.bpmn', content: bpmn('large-values', c.elements, c.flows) }]);
    const pi = String((await http(url, 'POST', '/v2/process-instances', { processDefinitionId: 'large-values' })).body.processInstanceKey);

    // The value size: ~9.9 MB, or just under the server's limit for one command's variables.
    let size = o.valueBytes;
    const put = (i: number) => http(url, 'PUT', `/v2/element-instances/${pi}/variables`, { variables: { [`big${i}`]: `${String(i)}${'x'.repeat(size - 1)}` } });
    let first = await put(0);
    if (first.status !== 204 && first.status !== 200) {
      const limit = Number(/limit of (\d+) bytes/.exec(String(first.body?.detail))?.[1] ?? NaN);
      s.note(`a ${mb(size)} variable was refused (${first.status}: ${String(first.body?.detail ?? '').slice(0, 160)})`);
      if (!Number.isFinite(limit)) throw new Error(`setting a ${size}-byte variable answered ${first.status} without a limit to go by`);
      size = limit - 64 * 1024;
      first = await put(0);
      if (first.status !== 204 && first.status !== 200) throw new Error(`setting a ${size}-byte variable answered ${first.status}: ${JSON.stringify(first.body).slice(0, 200)}`);
    }
    for (let i = 1; i < o.variables; i++) {
      const res = await put(i);
      if (res.status !== 204 && res.status !== 200) throw new Error(`setting variable big${i} answered ${res.status}`);
    }
    s.figure('values', { count: o.variables, bytes: size }, `${o.variables} variables of ${(size / 1e6).toFixed(2)} MB on one instance (${((size * o.variables) / 1e6).toFixed(0)} MB in all)`);

    const baseline = procMemory(server.pid)?.rss ?? NaN;
    const live = server;
    const rss = new RssSampler(() => live.pid, 10);
    const statuses: Record<string, Record<string, number>> = {};
    const problems: string[] = [];
    let slowestHealth = 0;
    const tally = (kind: string, status: number | string) => {
      statuses[kind] ??= {};
      statuses[kind]![status] = (statuses[kind]![status] ?? 0) + 1;
    };
    const wave = async (kind: string, call: () => Promise<{ status: number; body: any; bytes: number }>, check: (a: { status: number; body: any; bytes: number }) => string | undefined) => {
      const healthDuring = health(url, 30_000).then((h) => (slowestHealth = Math.max(slowestHealth, h.ms))).catch(() => problems.push(`${kind}: /health failed`));
      const answers = await Promise.allSettled(Array.from({ length: o.concurrency }, call));
      await healthDuring;
      for (const a of answers) {
        if (a.status === 'rejected') {
          tally(kind, 'error');
          problems.push(`${kind}: ${String(a.reason?.cause?.code ?? a.reason?.message ?? a.reason)}`);
          continue;
        }
        tally(kind, a.value.status);
        const wrong = a.value.status >= 500 ? `${a.value.status}: ${JSON.stringify(a.value.body).slice(0, 160)}` : check(a.value);
        if (wrong) problems.push(`${kind}: ${wrong}`);
      }
    };
    const keys = ((await http(url, 'POST', '/v2/variables/search', { filter: { processInstanceKey: pi }, page: { limit: 100 } })).body.items as Array<{ variableKey: string; name: string }>).map((v) => v.variableKey);
    let largestResponse = 0;
    for (let w = 0; w < o.waves; w++) {
      await wave(
        'search (truncated)',
        () => http(url, 'POST', '/v2/variables/search', { filter: { processInstanceKey: pi }, page: { limit: 100 } }),
        (a) => {
          largestResponse = Math.max(largestResponse, a.bytes);
          if (a.status !== 200) return `${a.status}: ${String(a.body?.detail).slice(0, 160)}`;
          const items = a.body.items as Array<{ value: string; isTruncated?: boolean }>;
          if (items.length !== o.variables) return `${items.length} items`;
          if (!items.every((v) => v.isTruncated === true && v.value.length < 1024 * 1024)) return 'a value came whole or without isTruncated: true';
          return undefined;
        },
      );
      await wave(
        'search (truncateValues=false)',
        () => http(url, 'POST', '/v2/variables/search?truncateValues=false', { filter: { processInstanceKey: pi }, page: { limit: 100 } }),
        (a) => {
          largestResponse = Math.max(largestResponse, a.bytes);
          if (a.status === 200) return (a.body.items as Array<{ value: string }>).every((v) => v.value.length >= size) ? undefined : 'a value came cut short without asking';
          // Refused: must say why (the response limit) — a 4xx naming the field.
          return a.status >= 400 && a.status < 500 && String(a.body?.detail ?? '').length > 0 ? undefined : `${a.status} without a reason`;
        },
      );
      await wave(
        'GET /v2/variables/{key}',
        () => http(url, 'GET', `/v2/variables/${keys[w % keys.length]}`),
        (a) => {
          largestResponse = Math.max(largestResponse, a.bytes);
          if (a.status !== 200) return `${a.status}: ${String(a.body?.detail).slice(0, 160)}`;
          return a.body.isTruncated !== true && a.body.value.length === size + 2 ? undefined : `value of ${a.body.value.length} characters, truncated ${a.body.isTruncated}`;
        },
      );
    }
    const peak = rss.stop();
    const hwm = procMemory(server.pid)?.hwm ?? NaN;
    for (const [kind, counts] of Object.entries(statuses)) s.figure(`answers ${kind}`, counts, `${o.waves} wave(s) of ${o.concurrency} concurrent ${kind}: ${JSON.stringify(counts)}`);
    s.figure('largestResponse', largestResponse, `largest response: ${mb(largestResponse)}; slowest /health during a wave: ${(slowestHealth / 1000).toFixed(2)} s`);
    s.figure('rss', { baselineMb: Math.round(baseline / 2 ** 20), peakMb: Math.round(peak / 2 ** 20), hwmMb: Math.round(hwm / 2 ** 20) }, `server memory: ${mb(baseline)} before the searches, peak ${mb(peak)} during them (VmRSS every 10 ms; VmHWM over its life ${mb(hwm)})`);
    s.check(problems.length === 0, 'every answer is a 200 or a 4xx that says why; truncated values say isTruncated; a GET gives the whole value', problems.slice(0, 4).join('; ') || undefined);
    s.check(server.alive, 'the server is still running');
    s.check(peak <= o.maxRssMb * 2 ** 20, `the server's peak memory during the searches stays under ${o.maxRssMb} MB`, mb(peak));
    const stopped = await server.stop();
    server = undefined;
    s.check(stopped.code === 0, 'the server stops cleanly afterwards', `exit ${stopped.code}`);
  } finally {
    if (server) await server.kill9();
  }
}
