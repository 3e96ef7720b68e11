/**
 * Scenario 3: a FEEL bomb, `count(for i in 1..10000000 return i)`, where a model's author (or an
 * attacker who can deploy) puts it: a script task, a service task's input mapping, a decision
 * evaluated over the API, and behind a timer that falls due while the server is down (killed -9),
 * so that the next start meets it at once, on a small heap. Each must fail that evaluation only (an
 * incident naming the element and the budget; a 400 for the decision) while /health keeps
 * answering, the server's memory stays bounded, and the data directory keeps starting.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bpmn, chain, io, job, timer } from '../../test/support/bpmn.js';
import type { Scenario } from './report.js';
import { deploy, freePort, health, http, integrityCheck, mb, procMemory, RssSampler, ServerChild, sleep } from './server.js';

export interface FeelBombOptions {
  workDir: string;
  /** /health must answer within this (the evaluation budget is 1 s). */
  healthBoundMs: number;
  /** Peak resident memory of the server during the attacks. */
  maxRssMb: number;
  /** The heap the server restarts with when the bomb waits behind a timer. */
  smallHeapMb: number;
}

export const BOMB = 'count(for i in 1..10000000 return i)';
/** Other shapes of the same attack: loops each small enough, together 8·10⁹ iterations; a regular expression that backtracks for hours. */
const NESTED = 'count(for i in 1..2000, j in 1..2000, k in 1..2000 return 1)';
const BACKTRACK = 'matches("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "^(a+)+$")';
const xmlAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const scriptTask = (expression: string) => ({ id: 'bomb', kind: 'script' as const, ext: `<zeebe:script expression="${xmlAttr(`=${expression}`)}" resultVariable="n" />` });

const DMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="chaosBomb" name="Chaos bomb" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="bombDecision" name="Bomb">
    <variable id="bombDecisionVar" name="n" typeRef="number" />
    <literalExpression id="bombDecisionExpr"><text>${BOMB}</text></literalExpression>
  </decision>
</definitions>`;

/** Polls /health every 50 ms: the slowest answer, and any that failed or was not UP. */
class HealthWatch {
  slowest = 0;
  answers = 0;
  bad: string[] = [];
  private running = true;
  private readonly done: Promise<void>;
  constructor(url: () => string) {
    this.done = (async () => {
      while (this.running) {
        try {
          const h = await health(url(), 10_000);
          this.answers++;
          this.slowest = Math.max(this.slowest, h.ms);
          if (h.status !== 'UP') this.bad.push(`${h.httpStatus} ${h.status}`);
        } catch (err) {
          this.bad.push(String((err as Error).message));
        }
        await sleep(50);
      }
    })();
  }
  async stop(): Promise<this> {
    this.running = false;
    await this.done;
    return this;
  }
}

async function incidentOf(url: string, processInstanceKey: string, timeoutMs = 15_000): Promise<{ errorType: string; errorMessage: string; elementId: string } | undefined> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const res = await http(url, 'POST', '/v2/incidents/search', { filter: { processInstanceKey } });
    const found = res.body?.items?.[0];
    if (found) return found;
    await sleep(100);
  }
  return undefined;
}

export async function feelBomb(s: Scenario, o: FeelBombOptions): Promise<void> {
  const dataDir = join(o.workDir, 'feel-bomb');
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const options = { dataDir, port, logFile: join(o.workDir, 'feel-bomb.log') };
  let server: ServerChild | undefined = await new ServerChild(options).ready();
  try {
    const url = server.url;
    const scripts = { 'bomb-script': BOMB, 'bomb-nested': NESTED, 'bomb-backtrack': BACKTRACK };
    const input = chain({ id: 'start', kind: 'start' }, { id: 'bomb', kind: 'service', ext: job('chaos.bomb.never') + io([[`=${BOMB}`, 'n']]) }, { id: 'end', kind: 'end' });
    const delayed = (expression: string) => chain({ id: 'start', kind: 'start' }, { id: 'wait', kind: 'catch', body: timer('timeDuration', 'PT2S') }, scriptTask(expression), { id: 'end', kind: 'end' });
    const timerBombs = { 'bomb-timer': BOMB, 'bomb-timer-backtrack': BACKTRACK };
    await deploy(url, [
      ...Object.entries(scripts).map(([id, expression]) => {
        const c = chain({ id: 'start', kind: 'start' }, scriptTask(expression), { id: 'end', kind: 'end' });
        return { name: `${id}.bpmn`, content: bpmn(id, c.elements, c.flows) };
      }),
      { name: 'bomb-input.bpmn', content: bpmn('bomb-input', input.elements, input.flows) },
      ...Object.entries(timerBombs).map(([id, expression]) => ({ name: `${id}.bpmn`, content: bpmn(id, delayed(expression).elements, delayed(expression).flows) })),
      { name: 'bomb.dmn', content: DMN },
    ]);
    const baseline = procMemory(server.pid)?.rss ?? NaN;
    const live = server;
    const rss = new RssSampler(() => live.pid);
    const watch = new HealthWatch(() => url);
    await sleep(200);

    for (const processDefinitionId of [...Object.keys(scripts), 'bomb-input']) {
      const t0 = performance.now();
      const created = await http(url, 'POST', '/v2/process-instances', { processDefinitionId });
      const answeredMs = performance.now() - t0;
      if (created.status !== 200) {
        s.check(false, `${processDefinitionId}: the instance is created and the failure becomes an incident`, `create answered ${created.status}: ${JSON.stringify(created.body).slice(0, 200)}`);
        continue;
      }
      const incident = await incidentOf(url, String(created.body.processInstanceKey));
      const message = incident?.errorMessage ?? '';
      s.figure(`${processDefinitionId}Ms`, Math.round(answeredMs), `${processDefinitionId}: create answered in ${(answeredMs / 1000).toFixed(2)} s; incident ${incident ? `${incident.errorType}: ${message.slice(0, 200)}` : 'none'}`);
      s.check(incident !== undefined && /budget/i.test(message) && message.includes('bomb'), `${processDefinitionId}: an incident naming the element and the budget`, message.slice(0, 160) || 'no incident within 15 s');
    }
    const t0 = performance.now();
    const decision = await http(url, 'POST', '/v2/decision-definitions/evaluation', { decisionDefinitionId: 'bombDecision', variables: {} });
    const decisionMs = performance.now() - t0;
    const detail = String(decision.body?.detail ?? JSON.stringify(decision.body)).slice(0, 200);
    s.figure('decisionMs', Math.round(decisionMs), `decision evaluation: ${decision.status} in ${(decisionMs / 1000).toFixed(2)} s: ${detail}`);
    s.check(decision.status === 400 && /budget/i.test(detail), 'evaluating the decision answers 400 naming the budget', `${decision.status}`);

    await sleep(300);
    await watch.stop();
    const peak = rss.stop();
    s.figure('health', { answers: watch.answers, slowestMs: Math.round(watch.slowest) }, `/health during the attacks: ${watch.answers} answers, slowest ${(watch.slowest / 1000).toFixed(2)} s, ${watch.bad.length} not UP`);
    s.check(watch.bad.length === 0 && watch.slowest <= o.healthBoundMs, `/health answers UP within ${o.healthBoundMs / 1000} s throughout`, watch.bad.slice(0, 3).join('; ') || `slowest ${(watch.slowest / 1000).toFixed(2)} s`);
    s.figure('rss', { baselineMb: Math.round(baseline / 2 ** 20), peakMb: Math.round(peak / 2 ** 20) }, `server memory: ${mb(baseline)} before, peak ${mb(peak)} during the attacks (VmRSS every 20 ms)`);
    s.check(peak <= o.maxRssMb * 2 ** 20, `the server's peak memory stays under ${o.maxRssMb} MB`, mb(peak));

    // Behind a timer: the timer falls due while the server is down; the next start (on a small heap) meets it at once.
    const timed: string[] = [];
    for (const processDefinitionId of Object.keys(timerBombs)) timed.push(String((await http(url, 'POST', '/v2/process-instances', { processDefinitionId })).body?.processInstanceKey));
    await server.kill9();
    await sleep(2_500);
    const restartAt = performance.now();
    server = new ServerChild({ ...options, nodeArgs: [`--max-old-space-size=${o.smallHeapMb}`] });
    let upMs: number | undefined;
    try {
      await server.ready(60_000);
      upMs = server.upAt! - restartAt;
    } catch (err) {
      s.check(false, `a data directory with bombs behind timers starts (heap ${o.smallHeapMb} MB)`, (err as Error).message.slice(0, 300));
    }
    if (upMs !== undefined) {
      const incidents = [];
      for (const key of timed) incidents.push(await incidentOf(server.url, key));
      await sleep(1_000);
      s.figure('timerRestartUpMs', Math.round(upMs), `bombs behind timers, due while down: restarted with --max-old-space-size=${o.smallHeapMb}, UP after ${(upMs / 1000).toFixed(2)} s; incidents: ${incidents.map((i) => i?.errorMessage.slice(0, 120) ?? 'none').join(' | ')}`);
      s.check(server.alive && incidents.every((i) => i !== undefined && /budget/i.test(i.errorMessage)), `a data directory with bombs behind timers starts on a ${o.smallHeapMb} MB heap and shows their incidents`);
    }
    const stopped = await server.stop();
    server = undefined;
    const integrity = integrityCheck(dataDir);
    s.check(stopped.code === 0 && Object.values(integrity).every((r) => r === 'ok'), 'clean stop and PRAGMA integrity_check ok after the bombs', `exit ${stopped.code}, ${JSON.stringify(integrity)}`);
  } finally {
    if (server) await server.kill9();
  }
}
