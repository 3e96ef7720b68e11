/**
 * Raw HTTP helpers for the access and authentication tests: requests as nobody, as a Basic user or
 * with a session cookie, and the identity set-up (users, groups, authorizations) done as the
 * administrator through /v2, the way an operator would.
 */
import { request } from 'node:http';
import { expect } from 'vitest';
import { ADMIN_AUTH, basicAuth } from '../support/harness.js';

export interface User {
  username: string;
  password: string;
}

export interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export interface RequestOptions {
  /** A user (Basic), a ready Authorization header, or nothing (anonymous). */
  as?: User | string;
  body?: unknown;
  /** multipart/form-data instead of JSON. */
  form?: FormData;
  /** application/x-www-form-urlencoded. */
  urlencoded?: Record<string, string>;
  cookie?: string;
  headers?: Record<string, string>;
}

/** One password for every test user: passes the policy (8+ characters, 4 classes). */
export const PASSWORD = 'Test-Pass-42';

/**
 * One request through node:http, as an API client such as the SDK sends it (Node's fetch would add
 * the browser's Sec-Fetch-Mode header, which the server answers as it answers a browser).
 */
export async function call(baseUrl: string, method: string, path: string, o: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.as !== undefined) headers.authorization = typeof o.as === 'string' ? o.as : basicAuth(o.as.username, o.as.password);
  if (o.cookie) headers.cookie = o.cookie;
  let body: Buffer | undefined;
  if (o.form) {
    const encoded = new Response(o.form);
    headers['content-type'] = encoded.headers.get('content-type')!;
    body = Buffer.from(await encoded.arrayBuffer());
  } else if (o.urlencoded) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = Buffer.from(new URLSearchParams(o.urlencoded).toString());
  } else if (o.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = Buffer.from(JSON.stringify(o.body));
  }
  if (body) headers['content-length'] = String(body.length);
  const { status, text, headers: responseHeaders } = await new Promise<{ status: number; text: string; headers: Headers }>((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) h.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: h });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // HTML or XML: keep the text
  }
  return { status, body: parsed, text, headers: responseHeaders };
}

/** A client bound to one server; `admin(...)` sends the administrator's Basic credentials. */
export function api(baseUrl: string) {
  const c = (method: string, path: string, o?: RequestOptions) => call(baseUrl, method, path, o);
  const admin = (method: string, path: string, body?: unknown) => c(method, path, { as: ADMIN_AUTH, body });
  /** As the administrator, expecting a 2xx answer. */
  const ok = async (method: string, path: string, body?: unknown): Promise<any> => {
    const r = await admin(method, path, body);
    expect(r.status, `${method} ${path} → ${r.status} ${r.text}`).toBeLessThan(300);
    return r.body;
  };
  return {
    call: c,
    admin,
    ok,
    async createUser(username: string, o: { mustChangePassword?: boolean; password?: string; name?: string } = {}): Promise<User> {
      const password = o.password ?? PASSWORD;
      await ok('POST', '/v2/users', { username, password, name: o.name ?? username, email: `${username}@example.gov.cn`, mustChangePassword: o.mustChangePassword ?? false });
      return { username, password };
    },
    async createGroup(groupId: string, members: string[] = []): Promise<void> {
      await ok('POST', '/v2/groups', { groupId, name: groupId, description: '' });
      for (const m of members) await ok('PUT', `/v2/groups/${groupId}/users/${m}`);
    },
    async grant(ownerType: 'USER' | 'GROUP' | 'ROLE', ownerId: string, resourceType: string, resourceId: string, permissionTypes: string[]): Promise<string> {
      const r = await ok('POST', '/v2/authorizations', { ownerType, ownerId, resourceType, resourceId, permissionTypes });
      return r.authorizationKey as string;
    },
    async assignRole(roleId: string, username: string): Promise<void> {
      await ok('PUT', `/v2/roles/${roleId}/users/${username}`);
    },
    /** Logs in through the JSON login and returns the cookie and CSRF token of the new session. */
    async login(user: User): Promise<{ cookie: string; csrf: string; body: any }> {
      const r = await c('POST', '/login', { body: { username: user.username, password: user.password } });
      expect(r.status, r.text).toBe(200);
      return { cookie: sessionCookieOf(r.headers), csrf: r.body.csrfToken as string, body: r.body };
    },
  };
}

/** `pingpin_session=…` from a Set-Cookie header. */
export function sessionCookieOf(headers: Headers): string {
  const setCookie = headers.get('set-cookie') ?? '';
  const m = /pingpin_session=([^;]*)/.exec(setCookie);
  expect(m, `no session cookie in '${setCookie}'`).not.toBeNull();
  return `pingpin_session=${m![1]}`;
}

/** A 403 problem naming the permission (8.8's wording: operation '<permission>' on resource '<type>'). */
export function expectForbidden(r: Answer, permission: string, resourceType?: string): void {
  expect(r.status, r.text).toBe(403);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(r.body.title).toBe('FORBIDDEN');
  expect(r.body.detail).toContain(`'${permission}'`);
  if (resourceType) expect(r.body.detail).toContain(`'${resourceType}'`);
}

/** 401 with a Basic challenge. */
export function expectUnauthorized(r: Answer): void {
  expect(r.status, r.text).toBe(401);
  expect(r.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  expect(r.body.title).toBe('UNAUTHORIZED');
}
