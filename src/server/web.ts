/**
 * The browser app (`web/`, built by `npm run build:web` into `dist/web`): its hashed assets and, for
 * every page path of the app, its `index.html` (the app routes in the browser). The shell holds no
 * data; everything it shows comes from /v2 and /api, which check the caller. So the shell and its
 * assets answer without a login, and the app sends the user to /login when the API says 401.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';

/** The paths the app owns; `/` is the public pages' home (issue 14), the rest are the back offices. */
export const APP_PATHS = ['/tasklist', '/operate'] as const;

// antd writes its styles with CSS-in-JS (<style> elements), so styles need 'unsafe-inline'; scripts
// do not, and nothing is loaded from elsewhere.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export function webRoutes(dir: string): Router {
  const router = express.Router();
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    // A server built without the web app (npm run build:server only) still answers, and says why.
    router.get([...APP_PATHS, ...APP_PATHS.map((p) => `${p}/*rest`)], (_req, res) => {
      res.status(503).type('text/plain; charset=utf-8').send('页面尚未构建：请运行 npm run build:web（npm ci 会自动构建）。\nThe web app is not built: run npm run build:web.');
    });
    return router;
  }
  // Read at each request (a few hundred bytes): a rebuilt app is served without a restart.
  const index = () => readFileSync(indexFile, 'utf8');
  // Vite names assets by content hash: they never change under one name.
  router.use('/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }));
  router.get('/favicon.svg', (_req, res) => res.sendFile(join(dir, 'favicon.svg')));
  router.get([...APP_PATHS, ...APP_PATHS.map((p) => `${p}/*rest`)], (_req, res) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(index());
  });
  return router;
}
