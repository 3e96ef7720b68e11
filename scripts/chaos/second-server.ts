/**
 * Scenario 5: a second server on the same DATA_DIR while the first runs must refuse to start (one
 * line naming the directory and the holder's pid, exit 1) and leave the first untouched; a server
 * on a port already in use says so in one line and exits 1 as well.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bpmn, chain, job } from '../../test/support/bpmn.js';
import type { Scenario } from './report.js';
import { deploy, freePort, health, http, integrityCheck, ServerChild, sleep, type Exit } from './server.js';

async function exitOf(child: ServerChild, timeoutMs = 60_000): Promise<Exit | undefined> {
  const exit = await Promise.race([child.exited, sleep(timeoutMs).then(() => undefined)]);
  if (!exit) await child.kill9();
  return exit;
}

export async function secondServer(s: Scenario, o: { workDir: string }): Promise<void> {
  const dataDir = join(o.workDir, 'second-server');
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const logFile = join(o.workDir, 'second-server.log');
  let first: ServerChild | undefined = await new ServerChild({ dataDir, port, logFile }).ready();
  try {
    const c = chain({ id: 'start', kind: 'start' }, { id: 'hold', kind: 'service', ext: job('chaos.second.never') }, { id: 'end', kind: 'end' });
    await deploy(first.url, [{ name: 'second.bpmn', content: bpmn('second-server', c.elements, c.flows) }]);
    const pi = String((await http(first.url, 'POST', '/v2/process-instances', { processDefinitionId: 'second-server' })).body.processInstanceKey);

    const otherPort = await freePort();
    const t0 = performance.now();
    const second = new ServerChild({ dataDir, port: otherPort, logFile });
    const exit = await exitOf(second);
    const lines = second.stderr.trim().split('\n').filter(Boolean);
    s.figure('second', { exit: exit?.code ?? null, ms: Math.round(performance.now() - t0), stderr: lines }, `second server on the same DATA_DIR: exit ${exit?.code ?? 'none within 60 s'} after ${((performance.now() - t0) / 1000).toFixed(2)} s, stderr: ${JSON.stringify(lines)}`);
    s.check(
      exit?.code === 1 && lines.length === 1 && lines[0]!.includes(dataDir) && lines[0]!.includes(`pid ${first.pid}`),
      "a second server on the same DATA_DIR is refused: one line naming the directory and the first's pid, exit 1",
    );
    const h = await health(first.url);
    const still = await http(first.url, 'GET', `/v2/process-instances/${pi}`);
    const next = await http(first.url, 'POST', '/v2/process-instances', { processDefinitionId: 'second-server' });
    s.check(first.alive && h.status === 'UP' && still.body?.state === 'ACTIVE' && next.status === 200, 'the first server is untouched: UP, its instance there, and it takes writes', `${h.status}, ${still.body?.state}, ${next.status}`);

    const third = new ServerChild({ dataDir: join(o.workDir, 'second-server-port'), port, logFile });
    const portExit = await exitOf(third);
    const portLines = third.stderr.trim().split('\n').filter(Boolean);
    s.figure('portInUse', { exit: portExit?.code ?? null, stderr: portLines }, `a server on a port in use: exit ${portExit?.code ?? 'none'}, stderr: ${JSON.stringify(portLines)}`);
    s.check(portExit?.code === 1 && portLines.length === 1 && portLines[0]!.includes(String(port)) && /in use/.test(portLines[0]!), 'a server on a port in use says so in one line and exits 1');

    const stopped = await first.stop();
    first = undefined;
    const integrity = integrityCheck(dataDir);
    s.check(stopped.code === 0 && Object.values(integrity).every((r) => r === 'ok'), 'clean stop and PRAGMA integrity_check ok', `exit ${stopped.code}, ${JSON.stringify(integrity)}`);
  } finally {
    if (first) await first.kill9();
  }
}
