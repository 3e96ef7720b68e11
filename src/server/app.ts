/**
 * The HTTP application: the login pages, then authentication for everything else, then the Camunda
 * 8.8 REST API (engine and identity) under /v2 and the Tasklist's own API under /api/tasklist. Routes that must answer without a login (GET
 * /health, the public pages) are given as `publicRoutes` and mounted before authentication.
 */
import express, { type Router } from 'express';
import type { AuditLog } from '../identity/audit.js';
import type { Identity } from '../identity/identity.js';
import { auditTrail, authenticate, sessionRoutes, type AuthSetup } from './auth.js';
import { createIdentityRouter } from './identity-routes.js';
import { HttpProblem, problemErrorHandler, sendProblem, type StorageReport } from './problem.js';
import { createTasklistRouter, type TasklistDeps } from './tasklist-routes.js';
import { createV2Router, v2Fallback, type V2Deps } from './v2.js';
import { webRoutes } from './web.js';

export type { QueriesLike, V2Deps } from './v2.js';
export { HttpProblem, problemErrorHandler } from './problem.js';

export interface AppDeps extends V2Deps {
  /** Authentication on (with the identity and audit log of the embedded engine) or off (PINGPIN_AUTH=none). */
  auth: { mode: 'on'; identity: Identity; audit: AuditLog } | { mode: 'none'; identity?: Identity; audit?: AuditLog };
  /** Answered without a login (GET /health, the public pages). */
  publicRoutes?: Router;
  /** Told of writes that failed for a full disk (src/storage.ts). */
  storage?: StorageReport;
  /** The built browser app (dist/web), served at /tasklist and /operate. */
  webDir?: string;
  /** The Tasklist's own API under /api/tasklist (comments, filters, notifications …); absent: not served. */
  tasklist?: Omit<TasklistDeps, 'logger' | 'storage'>;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // answers reflect live engine state; never 304 them
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });
  const setup: AuthSetup =
    deps.auth.mode === 'on' ? { mode: 'on', identity: deps.auth.identity, audit: deps.auth.audit, logger: deps.logger } : { mode: 'none', audit: deps.auth.audit, logger: deps.logger };
  app.use(auditTrail(setup));
  if (deps.publicRoutes) app.use(deps.publicRoutes);
  if (deps.webDir) app.use(webRoutes(deps.webDir));
  if (setup.mode === 'on') app.use(sessionRoutes(setup));
  app.use(authenticate(setup));
  app.use('/v2', createV2Router({ ...deps, groups: deps.groups ?? deps.auth.identity }));
  if (deps.auth.identity && deps.auth.audit) app.use('/v2', createIdentityRouter({ identity: deps.auth.identity, audit: deps.auth.audit }));
  app.use('/v2', v2Fallback(deps.logger, deps.storage));
  if (deps.tasklist) app.use('/api/tasklist', createTasklistRouter({ ...deps.tasklist, logger: deps.logger, storage: deps.storage }));
  app.use((req, res) => sendProblem(req, res, new HttpProblem(404, 'Not Found', `No page or endpoint ${req.method} ${req.originalUrl.split('?')[0]}`)));
  app.use(problemErrorHandler(deps.logger, deps.storage));
  return app;
}
