/**
 * Route tables: every endpoint is declared once with its method, path, body schema, who may call it
 * (`access`) and how it is audited (`audit`), and `mountRoutes` turns a table into an express router.
 * A route without an access rule cannot be declared (deny by default), and the access rule runs
 * before the handler, on the server, for every caller.
 */
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { allowedIds, canAny, can, type Principal } from '../identity/access.js';
import type { AuditEntityType, AuditOperationType, AuditRecord } from '../identity/audit.js';
import type { PermissionType, ResourceType } from '../identity/permissions.js';
import { HttpProblem, invalidArgument, sendProblem } from './problem.js';
import { invalidKeyMessage, isKey, parseOrThrow } from './schemas.js';

type Awaitable<T> = T | Promise<T>;

/** A non-default answer: another status, or a non-JSON body. Handlers return JSON (200) or nothing (204) otherwise. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body?: string,
    readonly contentType?: string,
  ) {}
}

/** What the audit entry of this request records beyond who, when and the outcome (filled in by handlers). */
export type AuditTargets = Partial<
  Pick<AuditRecord, 'entityKey' | 'processInstanceKey' | 'processDefinitionId' | 'elementInstanceKey' | 'userTaskKey' | 'jobKey' | 'incidentKey' | 'details'>
> & {
  /** Set false by a handler whose request turned out to change nothing (a job activation that found no job). */
  changed?: boolean;
};

/** The per-request state the auth middleware leaves on `res.locals`. */
export interface RequestLocals {
  principal?: Principal;
  audit?: { operationType: AuditOperationType; entityType: AuditEntityType; targets: AuditTargets };
  /** Appends this request's audit entry now, with the status about to be sent (once; set by the audit middleware). */
  recordAudit?: (status: number) => void;
}

export const localsOf = (res: Response): RequestLocals => res.locals as RequestLocals;

export interface Ctx<B> {
  /** Path parameters, validated (keys are int64 strings, ids non-empty). */
  params: Record<string, string>;
  /** The single key or id path parameter of most routes, '' for routes without one. */
  key: string;
  body: B;
  req: Request;
  principal: Principal;
  /** Aborts when the client goes away before the answer is sent. */
  signal: AbortSignal;
  /** Fill in what the audit entry should name (keys created or touched). */
  audit: AuditTargets;
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route:
 * - `authenticated`: any logged-in user; the handler narrows (user tasks: assignee / candidates);
 * - `permission`: the permission on the resource id `id(ctx)` returns (undefined or absent: on every
 *   id, i.e. a `*` authorization);
 * - `scoped`: the permission on at least one id; the handler limits what it returns to those ids.
 */
export type Access<B = never> =
  | { kind: 'authenticated' }
  // Method syntax on purpose: a rule written for one body type fits the route it is declared on.
  | { kind: 'permission'; resourceType: ResourceType; permission: PermissionType; id?(ctx: Ctx<B>): Awaitable<string | undefined> }
  | { kind: 'scoped'; resourceType: ResourceType; permission: PermissionType };

export interface AuditRule {
  operationType: AuditOperationType;
  entityType: AuditEntityType;
}

export interface Route {
  method: Method;
  path: string;
  /** Schema of a JSON body; `'json'` = JSON passed through unchecked (searches); absent = no body. */
  body?: z.ZodType | 'json';
  /** The answer may be large (a search page, a full variable value, a process's XML): it takes a turn at the ResponseGate. */
  large?: boolean;
  access: Access<never>;
  /** Requests that change something are audited; searches and gets have none. */
  audit?: AuditRule;
  handle(ctx: Ctx<never>): unknown;
}

interface RouteSpec<B> {
  body?: z.ZodType | 'json';
  large?: boolean;
  access: Access<B>;
  audit?: AuditRule;
}

export function route<S extends z.ZodType>(method: Method, path: string, spec: RouteSpec<z.output<S>> & { body: S }, handle: (ctx: Ctx<z.output<S>>) => unknown): Route;
export function route(method: Method, path: string, spec: RouteSpec<unknown> & { body?: 'json' }, handle: (ctx: Ctx<unknown>) => unknown): Route;
export function route(method: Method, path: string, spec: RouteSpec<never>, handle: (ctx: Ctx<never>) => unknown): Route {
  return { method, path, body: spec.body, large: spec.large, access: spec.access as Access<never>, audit: spec.audit, handle };
}

export const authenticated = { kind: 'authenticated' } as const;
export const permission = <B = never>(resourceType: ResourceType, permission: PermissionType, id?: (ctx: Ctx<B>) => Awaitable<string | undefined>): Access<B> => ({
  kind: 'permission',
  resourceType,
  permission,
  ...(id ? { id } : {}),
});
export const scoped = (resourceType: ResourceType, permission: PermissionType): Access<never> => ({ kind: 'scoped', resourceType, permission });

/** 403 as 8.8 words it, naming the missing permission. */
export function forbidden(permissionType: string, resourceType: string, resourceId?: string): HttpProblem {
  return new HttpProblem(
    403,
    'FORBIDDEN',
    `Insufficient permissions to perform operation '${permissionType}' on resource '${resourceType}'${resourceId && resourceId !== '*' ? ` with id '${resourceId}'` : ''}`,
  );
}

/** The process definition ids a scoped search may return (undefined: all). */
export function scopeIds(principal: Principal, resourceType: ResourceType, permissionType: PermissionType): string[] | undefined {
  const ids = allowedIds(principal, resourceType, permissionType);
  return ids === '*' ? undefined : [...ids];
}

/** A turn at the ResponseGate: `hold` counts the answer until it is delivered, `leave` ends the turn. */
export interface GateTurn {
  hold(res: Response, bytes: number): void;
  leave(): void;
}

/**
 * Bounds the memory large answers take. An answer handed to a client stays in memory until the
 * client has read it, so slow or stalled readers of big search pages could pile them up without
 * end. The gate counts the bytes of large answers not yet delivered; past `maxBytes`, further
 * large answers wait their turn (first come, first served; one is produced at a time), and after
 * `maxWaitMs` (or with `maxQueue` already waiting) they are a 503 to retry. An answer its client
 * has not taken within `maxDeliveryMs` is dropped (the connection closed), so that a stalled
 * reader cannot hold the gate shut. Small answers and commands never wait.
 */
export class ResponseGate {
  private inFlight = 0;
  private busy = false;
  private readonly queue: Array<() => void> = [];

  constructor(
    readonly maxBytes: number,
    readonly maxWaitMs = 30_000,
    readonly maxQueue = 1000,
    readonly maxDeliveryMs = 60_000,
  ) {}

  /** Bytes handed out and not yet delivered. */
  get undelivered(): number {
    return this.inFlight;
  }

  /** Waits for a turn; undefined when the client went away meanwhile. */
  async enter(signal: AbortSignal): Promise<GateTurn | undefined> {
    if (this.busy || this.inFlight > this.maxBytes || this.queue.length > 0) {
      if (this.queue.length >= this.maxQueue) throw this.unavailable();
      const granted = await new Promise<boolean>((resolve, reject) => {
        const resume = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        };
        const remove = (): void => {
          const i = this.queue.indexOf(resume);
          if (i >= 0) this.queue.splice(i, 1);
        };
        const onAbort = (): void => {
          clearTimeout(timer);
          remove();
          resolve(false);
        };
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          remove();
          reject(this.unavailable());
        }, this.maxWaitMs);
        signal.addEventListener('abort', onAbort, { once: true });
        this.queue.push(resume);
      });
      if (!granted) return undefined;
    } else {
      this.busy = true;
    }
    let left = false;
    return {
      hold: (res, bytes) => {
        this.inFlight += bytes;
        const stalled = setTimeout(() => res.destroy(), this.maxDeliveryMs);
        stalled.unref();
        res.once('close', () => {
          clearTimeout(stalled);
          this.inFlight -= bytes;
          this.pump();
        });
      },
      leave: () => {
        if (left) return;
        left = true;
        this.busy = false;
        this.pump();
      },
    };
  }

  private pump(): void {
    if (this.busy || this.inFlight > this.maxBytes) return;
    const next = this.queue.shift();
    if (next) {
      this.busy = true;
      next();
    }
  }

  private unavailable(): HttpProblem {
    return new HttpProblem(
      503,
      'UNAVAILABLE',
      `Large answers of ${this.inFlight} bytes are still being delivered to other clients, over the limit of ${this.maxBytes} bytes; try again shortly`,
      { 'Retry-After': '1' },
    );
  }
}

export interface MountOptions {
  /** Large answers (routes with `large`) take turns here. */
  gate?: ResponseGate;
  /** The 405 for a known path and another method (default: 8.8's English). */
  methodNotAllowed?: (method: string, allowed: string[]) => HttpProblem;
}

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

function wrap(r: Route, options: MountOptions) {
  return async (req: Request, res: Response): Promise<void> => {
    const locals = localsOf(res);
    const principal = locals.principal;
    // The auth middleware runs before every table; reaching here without a principal is a wiring bug.
    if (!principal) throw new HttpProblem(401, 'UNAUTHORIZED', 'Authentication required');
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });

    let key = '';
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.params as Record<string, string>)) {
      if (name.endsWith('Key')) {
        if (!isKey(value)) throw invalidArgument(invalidKeyMessage(name, value));
      } else if (value.length === 0 || value.length > 256) {
        throw invalidArgument(`${name}: must be 1 to 256 characters`);
      }
      params[name] = value;
      key = value;
    }
    const audit: AuditTargets = {};
    if (r.audit) locals.audit = { ...r.audit, targets: audit };

    let body: unknown = undefined;
    if (r.body !== undefined) {
      if (req.body === undefined && hasBody(req)) {
        throw new HttpProblem(415, 'Unsupported Media Type', `Content-Type '${req.headers['content-type'] ?? ''}' is not supported; send application/json`);
      }
      body = r.body === 'json' ? req.body : parseOrThrow(r.body, req.body);
    }
    const ctx: Ctx<never> = { params, key, body: body as never, req, principal, signal: controller.signal, audit };

    const access = r.access;
    if (access.kind === 'permission') {
      const id = access.id ? await access.id(ctx) : undefined;
      if (!can(principal, access.resourceType, access.permission, id)) throw forbidden(access.permission, access.resourceType, id);
    } else if (access.kind === 'scoped') {
      if (!canAny(principal, access.resourceType, access.permission)) throw forbidden(access.permission, access.resourceType);
    }

    const turn = r.large && options.gate ? await options.gate.enter(controller.signal) : undefined;
    if (r.large && options.gate && !turn) return; // the client went away while waiting
    try {
      let result: unknown;
      let done = false;
      try {
        result = await r.handle(ctx);
        done = true;
      } catch (err) {
        if (!controller.signal.aborted) throw err;
      }
      // The entry is written right after the change, before the answer goes out: a crash between the
      // two then loses at most the answer, which a client retries, not the record of the change. Also
      // when nobody is left to hear of it: the change was made.
      if (done) locals.recordAudit?.(result === undefined ? 204 : result instanceof Reply ? result.status : 200);
      if (res.headersSent || controller.signal.aborted) return; // nobody left to answer
      if (result === undefined) res.status(204).end();
      else if (result instanceof Reply) {
        res.status(result.status);
        if (result.contentType) res.type(result.contentType);
        turn?.hold(res, result.body?.length ?? 0);
        res.send(result.body);
      } else {
        const text = JSON.stringify(result);
        turn?.hold(res, text.length);
        res.status(200).type('application/json').send(text);
      }
    } finally {
      turn?.leave();
    }
  };
}

/** Mounts a table on a router, with 405 (and the methods that exist) for a known path and another method. */
export function mountRoutes(router: Router, routes: readonly Route[], options: MountOptions = {}): void {
  for (const r of routes) router[r.method](r.path, wrap(r, options));
  const methodsByPath = new Map<string, string[]>();
  for (const r of routes) methodsByPath.set(r.path, [...(methodsByPath.get(r.path) ?? []), r.method.toUpperCase()]);
  for (const [path, methods] of methodsByPath) {
    router.all(path, (req, res) =>
      sendProblem(
        req,
        res,
        options.methodNotAllowed?.(req.method, methods) ??
          new HttpProblem(405, 'Method Not Allowed', `${req.method} is not supported on this path; use ${methods.join(', ')}`, { Allow: methods.join(', ') }),
      ),
    );
  }
}
