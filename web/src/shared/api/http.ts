/**
 * The one fetch every call goes through (the official Camunda client's injected fetch and pingpin's
 * /api): same-origin cookies, the session's CSRF token on every non-GET, 401 → the login page,
 * 403 PASSWORD_CHANGE_REQUIRED → the password page, every other error → ApiError with the problem.
 */
import { ApiError, type Problem } from './errors';

export const CSRF_HEADER = 'X-CSRF-Token';

export interface HttpEnv {
  fetch: (input: Request) => Promise<Response>;
  /** Where the browser is and how it leaves (window.location in the app, a fake in tests). */
  location: { origin: string; pathname: string; search: string; hash: string; assign(url: string): void };
}

export interface Http {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** JSON in, JSON out (undefined for 204). */
  json<T>(method: string, url: string, body?: unknown): Promise<T>;
  csrfToken(): string | undefined;
  /** A GET that yields a CSRF token, when no call has brought one yet. */
  ensureCsrf(): Promise<string>;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function currentPath(location: HttpEnv['location']): string {
  return `${location.pathname}${location.search}${location.hash}`;
}

export function loginUrl(next: string): string {
  return `/login?next=${encodeURIComponent(next)}`;
}

export function passwordUrl(next: string): string {
  return `/login/password?next=${encodeURIComponent(next)}`;
}

async function readProblem(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') return { status: res.status, ...(parsed as Problem) };
    } catch {
      // not JSON: fall through
    }
  }
  return { status: res.status, title: res.statusText || `HTTP ${res.status}` };
}

export function createHttp(env: HttpEnv): Http {
  let token: string | undefined;
  let leaving = false;

  const leave = (url: string) => {
    if (!leaving) {
      leaving = true;
      env.location.assign(url);
    }
  };

  const doFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const base = input instanceof Request ? input : new Request(typeof input === 'string' ? new URL(input, env.location.origin) : input, init);
    const headers = new Headers(base.headers);
    if (!SAFE.has(base.method.toUpperCase())) {
      if (!token) await ensureCsrf();
      if (token) headers.set(CSRF_HEADER, token);
    }
    if (!headers.has('Accept')) headers.set('Accept', 'application/json, text/plain, */*');
    const request = new Request(base, { headers, credentials: 'same-origin' });
    const res = await env.fetch(request);
    const fresh = res.headers.get(CSRF_HEADER);
    if (fresh) token = fresh;
    if (res.ok) return res;
    const problem = await readProblem(res);
    if (res.status === 401) {
      leave(loginUrl(currentPath(env.location)));
      throw new ApiError(401, problem, true);
    }
    if (res.status === 403 && problem.title === 'PASSWORD_CHANGE_REQUIRED') {
      leave(passwordUrl(currentPath(env.location)));
      throw new ApiError(403, problem, true);
    }
    throw new ApiError(res.status, problem);
  };

  async function ensureCsrf(): Promise<string> {
    if (token) return token;
    await doFetch('/v2/authentication/me', { method: 'GET' });
    if (!token) throw new ApiError(403, { title: 'FORBIDDEN', detail: '缺少会话令牌，请刷新页面后重试' });
    return token;
  }

  return {
    fetch: doFetch,
    csrfToken: () => token,
    ensureCsrf,
    async json<T>(method: string, url: string, body?: unknown): Promise<T> {
      const init: RequestInit = { method };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers = { 'Content-Type': 'application/json' };
      }
      const res = await doFetch(url, init);
      if (res.status === 204) return undefined as T;
      const text = await res.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}
