/**
 * The HTTP application: the Camunda 8.8 REST API subset under /v2. Returns the express app, so more
 * routers (a UI, metrics, ...) can be mounted with `app.use(...)` before `app.listen(...)`.
 */
import express from 'express';
import { createV2Router, type V2Deps } from './v2.js';

export type { QueriesLike, V2Deps } from './v2.js';
export { HttpProblem, problemErrorHandler } from './problem.js';

export type AppDeps = V2Deps;

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // answers reflect live engine state; never 304 them
  app.use('/v2', createV2Router(deps));
  return app;
}
