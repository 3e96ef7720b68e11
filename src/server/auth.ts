/**
 * Authentication for everything the server answers except GET /health, the login pages and (later)
 * the public pages: HTTP Basic for API clients (the @camunda8/sdk with CAMUNDA_AUTH_STRATEGY=BASIC),
 * a session cookie for the web pages (HttpOnly, SameSite=Strict, Secure over TLS) with a CSRF token
 * on every cookie-authenticated request that changes something. Also writes the audit log: every
 * login, and every request a route table marks as a change, with its outcome.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { timingSafeEqual } from 'node:crypto';
import type { Principal } from '../identity/access.js';
import type { AuditLog, AuditRecord } from '../identity/audit.js';
import type { Identity, Session } from '../identity/identity.js';
import { RESOURCE_TYPES, PERMISSIONS_BY_RESOURCE, WILDCARD, type PermissionType } from '../identity/permissions.js';
import { loggedInPage, loginPage, passwordPage } from './pages/login.js';
import { HttpProblem, sendProblem, toProblem } from './problem.js';
import { localsOf } from './routes.js';

export const SESSION_COOKIE = 'pingpin_session';
export const CSRF_HEADER = 'x-csrf-token';

export type AuthSetup =
  | { mode: 'on'; identity: Identity; audit: AuditLog; logger: Logger }
  /** PINGPIN_AUTH=none: local work only (loopback), everything allowed, still audited when an audit log is given. */
  | { mode: 'none'; audit?: AuditLog; logger: Logger };

/** The caller when authentication is off: may do everything, recorded as anonymous. */
export const ANONYMOUS_SUPERUSER: Principal = {
  username: 'anonymous',
  name: '匿名（未启用认证）',
  email: '',
  kind: 'USER',
  groups: [],
  roles: [],
  grants: RESOURCE_TYPES.map((resourceType) => ({
    resourceType,
    resourceId: WILDCARD,
    permissionTypes: [...PERMISSIONS_BY_RESOURCE[resourceType]] as PermissionType[],
  })),
  mustChangePassword: false,
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const clientAddress = (req: Request): string => req.socket.remoteAddress ?? 'unknown';

function cookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function sessionCookie(req: Request, value: string, maxAgeSeconds?: number): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (req.secure) parts.push('Secure');
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  return parts.join('; ');
}

const sameToken = (a: string | undefined, b: string): boolean => {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Where a login without a (usable) `next` lands: the clerks' Tasklist. */
const HOME = '/tasklist';

/** A `next` target that stays on this server (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.startsWith('/login') ? next : HOME;
}

/** Browsers navigating to a page get the login page; API clients a 401 problem. */
const wantsPage = (req: Request): boolean => req.method === 'GET' && !req.path.startsWith('/v2') && (req.headers.accept ?? '').includes('text/html');

function unauthorized(req: Request, res: Response, detail: string): void {
  if (wantsPage(req)) {
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  // A browser's own fetch (Sec-Fetch-Mode set) gets no Basic challenge: it would pop up the browser's
  // password dialog over the page instead of letting the page send the user to /login.
  const challenge = req.headers['sec-fetch-mode'] === undefined ? { 'WWW-Authenticate': 'Basic realm="pingpin", charset="UTF-8"' } : undefined;
  sendProblem(req, res, new HttpProblem(401, 'UNAUTHORIZED', detail, challenge));
}

const LOGIN_FAILED = '用户名或密码错误，或账户因连续 5 次登录失败已锁定 15 分钟';

/** Records every request a route marked as a change (and every denied attempt at one), once its answer is sent. */
export function auditTrail(setup: AuthSetup): RequestHandler {
  return (req, res, next) => {
    if (!setup.audit) return next();
    const audit = setup.audit;
    const locals = localsOf(res);
    let recorded = false;
    const record = (status: number) => {
      const a = locals.audit;
      if (recorded || !a || a.targets.changed === false) return;
      recorded = true;
      const principal = locals.principal;
      const t = a.targets;
      try {
        audit.append({
          timestamp: Date.now(),
          actorId: principal?.username ?? 'anonymous',
          actorType: !principal || setup.mode === 'none' ? 'ANONYMOUS' : principal.kind === 'SERVICE' ? 'CLIENT' : 'USER',
          clientAddress: clientAddress(req),
          operationType: a.operationType,
          entityType: a.entityType,
          entityKey: t.entityKey,
          method: req.method,
          path: req.originalUrl.split('?')[0] ?? req.originalUrl,
          status,
          processInstanceKey: t.processInstanceKey,
          processDefinitionId: t.processDefinitionId,
          elementInstanceKey: t.elementInstanceKey,
          userTaskKey: t.userTaskKey,
          jobKey: t.jobKey,
          incidentKey: t.incidentKey,
          details: t.details,
        });
      } catch (err) {
        setup.logger.error({ err, method: req.method, path: req.path }, 'audit log write failed');
      }
    };
    // Successful changes are recorded by the route right before it answers; refusals and failures when answered.
    locals.recordAudit = record;
    res.on('finish', () => record(res.statusCode));
    next();
  };
}

function recordLogin(setup: AuthSetup, req: Request, username: string, status: number, operationType: AuditRecord['operationType'], details?: Record<string, unknown>): void {
  if (!setup.audit) return;
  try {
    setup.audit.append({
      timestamp: Date.now(),
      actorId: String(username).slice(0, 256),
      actorType: status < 400 ? 'USER' : 'ANONYMOUS',
      clientAddress: clientAddress(req),
      operationType,
      entityType: 'SESSION',
      entityKey: String(username).slice(0, 256),
      method: req.method,
      path: req.path,
      status,
      details,
    });
  } catch (err) {
    setup.logger.error({ err }, 'audit log write failed');
  }
}

/** Paths a user who must change their password may still use. */
const PASSWORD_CHANGE_ALLOWED = new Set(['/v2/authentication/me']);

/**
 * Who is calling: Basic credentials or the session cookie. Leaves the principal in res.locals, or
 * answers 401 (no or bad credentials), 403 (CSRF token missing, password change pending).
 */
export function authenticate(setup: AuthSetup): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (setup.mode === 'none') {
      localsOf(res).principal = ANONYMOUS_SUPERUSER;
      return next();
    }
    const { identity } = setup;
    try {
      let principal: Principal | undefined;
      const authorization = req.headers.authorization;
      if (authorization !== undefined) {
        const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
        const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
        const colon = decoded.indexOf(':');
        if (!m || colon < 0) return unauthorized(req, res, 'Authorization must be HTTP Basic: base64 of username:password');
        const username = decoded.slice(0, colon);
        const result = await identity.login(username, decoded.slice(colon + 1));
        if (!result.ok) {
          recordLogin(setup, req, username, 401, 'LOGIN', { method: 'BASIC', reason: result.reason });
          return unauthorized(req, res, LOGIN_FAILED);
        }
        principal = identity.principal(username);
      } else {
        const token = cookie(req, SESSION_COOKIE);
        const session: Session | undefined = token ? identity.session(token) : undefined;
        if (!session) {
          if (token) res.setHeader('Set-Cookie', sessionCookie(req, '', 0));
          return unauthorized(req, res, token ? '会话已过期（30 分钟无操作），请重新登录 / the session has expired' : 'Authentication required: log in at /login or send HTTP Basic credentials');
        }
        if (!SAFE_METHODS.has(req.method) && !sameToken(req.get(CSRF_HEADER), session.csrfToken)) {
          return sendProblem(req, res, new HttpProblem(403, 'FORBIDDEN', `CSRF token missing or wrong: send the session's token in the ${CSRF_HEADER} header`));
        }
        res.setHeader('X-CSRF-Token', session.csrfToken);
        principal = identity.principal(session.username);
      }
      if (!principal) return unauthorized(req, res, 'The user no longer exists');
      if (principal.mustChangePassword && !PASSWORD_CHANGE_ALLOWED.has(req.path)) {
        if (wantsPage(req)) return res.redirect(303, `/login/password?next=${encodeURIComponent(req.originalUrl)}`);
        return sendProblem(req, res, new HttpProblem(403, 'PASSWORD_CHANGE_REQUIRED', '必须先修改密码（/login/password）才能继续 / the password must be changed first'));
      }
      localsOf(res).principal = principal;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * GET/POST /login, POST /logout, GET/POST /login/password: the session endpoints and their pages.
 * Form posts answer with pages and redirects; JSON posts (the web app) with JSON.
 */
export function sessionRoutes(setup: AuthSetup & { mode: 'on' }): Router {
  const { identity } = setup;
  const router = express.Router();
  const forms = [express.urlencoded({ extended: false, limit: '16kb' }), express.json({ limit: '16kb' })];
  const isJson = (req: Request) => req.is('application/json') === 'application/json';
  const sessionOf = (req: Request): { token: string; session: Session } | undefined => {
    const token = cookie(req, SESSION_COOKIE);
    const session = token ? identity.session(token) : undefined;
    return token && session ? { token, session } : undefined;
  };
  const noStore = (res: Response) => res.setHeader('Cache-Control', 'no-store');
  // Login CSRF: a form on another site must not log the victim in as the attacker.
  const crossSite = (req: Request): boolean => {
    const origin = req.get('origin');
    if (origin === undefined || origin === 'null') return false;
    // An Origin that is not a URL is no origin of ours (and no reason for a 500).
    return !URL.canParse(origin) || new URL(origin).host !== req.get('host');
  };

  router.get('/login', (req, res) => {
    noStore(res);
    const current = sessionOf(req);
    if (current) {
      const principal = identity.principal(current.session.username);
      if (principal?.mustChangePassword) return res.redirect(303, '/login/password');
      return res.type('html').send(loggedInPage(current.session.username, current.session.csrfToken));
    }
    res.type('html').send(loginPage({ next: typeof req.query.next === 'string' ? req.query.next : undefined, notice: req.query.loggedOut !== undefined ? '已退出登录。' : undefined }));
  });

  router.post('/login', ...forms, async (req, res, next) => {
    try {
      noStore(res);
      if (crossSite(req)) return sendProblem(req, res, new HttpProblem(403, 'FORBIDDEN', 'Login from another site is refused'));
      const body = (req.body ?? {}) as Record<string, unknown>;
      const username = typeof body.username === 'string' ? body.username.trim() : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const nextPath = safeNext(body.next);
      if (!username || !password) {
        const error = !username ? '请输入用户名' : '请输入密码';
        if (isJson(req)) return sendProblem(req, res, new HttpProblem(400, 'INVALID_ARGUMENT', `${!username ? 'username' : 'password'}: ${error}`));
        return res.status(400).type('html').send(loginPage({ username, next: nextPath, error }));
      }
      const result = await identity.login(username, password);
      recordLogin(setup, req, username, result.ok ? 200 : 401, 'LOGIN', { method: 'FORM', ...(result.ok ? {} : { reason: result.reason }) });
      if (!result.ok) {
        if (isJson(req)) return sendProblem(req, res, new HttpProblem(401, 'UNAUTHORIZED', LOGIN_FAILED));
        return res.status(401).type('html').send(loginPage({ username, next: nextPath, error: LOGIN_FAILED }));
      }
      const { token, session } = identity.createSession(username);
      res.setHeader('Set-Cookie', sessionCookie(req, token));
      if (isJson(req)) return res.json({ username, mustChangePassword: result.mustChangePassword, csrfToken: session.csrfToken });
      res.redirect(303, result.mustChangePassword ? `/login/password?next=${encodeURIComponent(nextPath)}` : nextPath);
    } catch (err) {
      next(err);
    }
  });

  router.post('/logout', ...forms, (req, res) => {
    noStore(res);
    const current = sessionOf(req);
    if (current) {
      const token = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get(CSRF_HEADER);
      if (!sameToken(typeof token === 'string' ? token : undefined, current.session.csrfToken)) {
        return sendProblem(req, res, new HttpProblem(403, 'FORBIDDEN', 'CSRF token missing or wrong'));
      }
      identity.endSession(current.token);
      recordLogin(setup, req, current.session.username, 200, 'LOGOUT');
    }
    res.setHeader('Set-Cookie', sessionCookie(req, '', 0));
    if (isJson(req) || !(req.headers.accept ?? '').includes('text/html')) return res.status(204).end();
    res.redirect(303, '/login?loggedOut');
  });

  router.get('/login/password', (req, res) => {
    noStore(res);
    const current = sessionOf(req);
    if (!current) return res.redirect(303, '/login');
    const principal = identity.principal(current.session.username);
    res.type('html').send(
      passwordPage({ username: current.session.username, csrfToken: current.session.csrfToken, required: principal?.mustChangePassword ?? false, next: typeof req.query.next === 'string' ? req.query.next : undefined }),
    );
  });

  router.post('/login/password', ...forms, async (req, res, next) => {
    try {
      noStore(res);
      const current = sessionOf(req);
      if (!current) return unauthorized(req, res, 'Log in first');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const csrf = typeof body._csrf === 'string' ? body._csrf : req.get(CSRF_HEADER);
      if (!sameToken(csrf, current.session.csrfToken)) return sendProblem(req, res, new HttpProblem(403, 'FORBIDDEN', 'CSRF token missing or wrong'));
      const str = (v: unknown) => (typeof v === 'string' ? v : '');
      const currentPassword = str(body.currentPassword);
      const newPassword = str(body.newPassword);
      const confirm = body.confirmPassword === undefined && isJson(req) ? newPassword : str(body.confirmPassword);
      const username = current.session.username;
      const principal = identity.principal(username);
      const fail = (field: 'currentPassword' | 'newPassword' | 'confirmPassword', message: string) => {
        recordLogin(setup, req, username, 400, 'UPDATE', { action: 'CHANGE_PASSWORD', field });
        if (isJson(req)) return sendProblem(req, res, new HttpProblem(400, 'INVALID_ARGUMENT', `${field}: ${message}`));
        res.status(400).type('html').send(passwordPage({ username, csrfToken: current.session.csrfToken, required: principal?.mustChangePassword ?? false, next: str(body.next), errors: { [field]: message } }));
      };
      if (!currentPassword) return fail('currentPassword', '请输入当前密码');
      if (newPassword !== confirm) return fail('confirmPassword', '两次输入的新密码不一致');
      try {
        await identity.changeOwnPassword(username, currentPassword, newPassword);
      } catch (err) {
        const problem = toProblem(err);
        if (problem?.status !== 400) throw err;
        const [field, ...rest] = problem.message.split(': ');
        const known = field === 'currentPassword' || field === 'newPassword';
        return fail(known ? field : 'newPassword', (field === 'password' || known ? rest.join(': ') : problem.message) || problem.message);
      }
      recordLogin(setup, req, username, 200, 'UPDATE', { action: 'CHANGE_PASSWORD' });
      // The change ended every session; open a fresh one for this browser.
      const { token, session } = identity.createSession(username);
      res.setHeader('Set-Cookie', sessionCookie(req, token));
      if (isJson(req)) return res.json({ username, mustChangePassword: false, csrfToken: session.csrfToken });
      res.redirect(303, safeNext(body.next));
    } catch (err) {
      next(err);
    }
  });
  return router;
}
