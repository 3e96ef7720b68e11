/**
 * A fetch for clients of a server that is SIGKILLed and restarted under them: a request that finds
 * the server down is sent again until it answers (within a bound). A request that was sent but
 * whose answer was lost may or may not have been carried out, so its retry is reconciled with what
 * the server now says, as a careful client would:
 *  - completing a user task: a 404/409 on the retry while the task is COMPLETED means it was done;
 *  - publishing a message with a messageId: a 409 on the retry means it was published;
 *  - creating a process instance: before sending it again, look for an instance of that process
 *    already started with the same `campaignId` (the demo starts one per campaign) and take it.
 * Everything else the demo sends is idempotent (searches, GETs, assignments with allowOverride,
 * PUT /v2/clock). The figures of what happened are in `stats`.
 */
import { ADMIN_AUTH, sleep } from './server.js';

export interface RetryStats {
  /** Requests that met a server that was down (each counted once). */
  interrupted: number;
  /** Attempts that failed to connect or lost their answer. */
  failedAttempts: number;
  /** Longest time one request waited for the server (ms). */
  longestWaitMs: number;
  /** Retries whose outcome was reconciled: what the server had already done. */
  reconciled: Record<string, number>;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function connectionCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return code;
  }
  return undefined;
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export interface ResilientOptions {
  baseUrl: string;
  boundMs: number;
  /** Told of every write (not a search) just before it is sent: the killer can aim at it. */
  onWrite?: (method: string, path: string) => void;
}

export function resilientFetch(options: ResilientOptions): { fetch: typeof fetch; stats: RetryStats } {
  const stats: RetryStats = { interrupted: 0, failedAttempts: 0, longestWaitMs: 0, reconciled: {} };
  const reconciled = (kind: string) => (stats.reconciled[kind] = (stats.reconciled[kind] ?? 0) + 1);
  const admin = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${options.baseUrl}${path}`, {
      method,
      headers: { authorization: ADMIN_AUTH, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  /** An instance of `processDefinitionId` started with this campaignId, if the lost request did start one. */
  async function startedAlready(processDefinitionId: string, campaignId: string): Promise<string | undefined> {
    const found = await admin('POST', '/v2/process-instances/search', { filter: { processDefinitionId }, page: { limit: 1000 } });
    for (const pi of (found.body?.items ?? []) as Array<{ processInstanceKey: string; parentProcessInstanceKey?: string }>) {
      if (pi.parentProcessInstanceKey) continue;
      const vars = await admin('POST', '/v2/variables/search?truncateValues=false', { filter: { processInstanceKey: pi.processInstanceKey, name: 'campaignId' } });
      const value = (vars.body?.items as Array<{ value: string; scopeKey: string }> | undefined)?.find((v) => String(v.scopeKey) === String(pi.processInstanceKey))?.value;
      if (value !== undefined && JSON.parse(value) === campaignId) return String(pi.processInstanceKey);
    }
    return undefined;
  }

  const resilient = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const began = performance.now();
    let ambiguous = false;
    let interrupted = false;
    for (;;) {
      if (ambiguous && method === 'POST' && path === '/v2/process-instances' && typeof init?.body === 'string') {
        const body = JSON.parse(init.body) as { processDefinitionId?: string; variables?: { campaignId?: unknown } };
        if (body.processDefinitionId && typeof body.variables?.campaignId === 'string') {
          const key = await startedAlready(body.processDefinitionId, body.variables.campaignId).catch(() => 'down' as const);
          if (key === 'down') {
            if (performance.now() - began > options.boundMs) throw new Error(`${method} ${path}: the server did not come back within ${options.boundMs} ms`);
            await sleep(100);
            continue;
          }
          if (key) {
            reconciled('process instance already created');
            return json({ processInstanceKey: key, processDefinitionId: body.processDefinitionId });
          }
        }
      }
      let res: Response;
      try {
        if (method !== 'GET' && !path.endsWith('/search')) options.onWrite?.(method, path);
        res = await fetch(input, { ...init, signal: AbortSignal.timeout(options.boundMs) });
      } catch (err) {
        const code = connectionCode(err);
        if (!code || performance.now() - began > options.boundMs) throw err;
        stats.failedAttempts++;
        if (!interrupted) stats.interrupted++;
        interrupted = true;
        // Refused: never sent. Anything else: it may have been carried out before the answer was lost.
        if (code !== 'ECONNREFUSED') ambiguous = true;
        await sleep(100);
        continue;
      }
      if (interrupted) stats.longestWaitMs = Math.max(stats.longestWaitMs, performance.now() - began);
      if (ambiguous && method === 'POST' && (res.status === 404 || res.status === 409)) {
        const task = /^\/v2\/user-tasks\/(\d+)\/completion$/.exec(path);
        if (task) {
          const now = await admin('GET', `/v2/user-tasks/${task[1]}`);
          if (now.body?.state === 'COMPLETED') {
            reconciled('user task already completed');
            return new Response(null, { status: 204 });
          }
        }
        if (path === '/v2/messages/publication' && res.status === 409) {
          reconciled('message already published');
          return json({});
        }
      }
      return res;
    }
  };
  return { fetch: resilient as typeof fetch, stats };
}
