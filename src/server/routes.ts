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
  access: Access<never>;
  /** Requests that change something are audited; searches and gets have none. */
  audit?: AuditRule;
  handle(ctx: Ctx<never>): unknown;
}

interface RouteSpec<B> {
  body?: z.ZodType | 'json';
  access: Access<B>;
  audit?: AuditRule;
}

export function route<S extends z.ZodType>(method: Method, path: string, spec: RouteSpec<z.output<S>> & { body: S }, handle: (ctx: Ctx<z.output<S>>) => unknown): Route;
export function route(method: Method, path: string, spec: RouteSpec<unknown> & { body?: 'json' }, handle: (ctx: Ctx<unknown>) => unknown): Route;
export function route(method: Method, path: string, spec: RouteSpec<never>, handle: (ctx: Ctx<never>) => unknown): Route {
  return { method, path, body: spec.body, access: spec.access as Access<never>, audit: spec.audit, handle };
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

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

function wrap(r: Route) {
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

    let result: unknown;
    try {
      result = await r.handle(ctx);
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    }
    if (res.headersSent || controller.signal.aborted) return; // nobody left to answer
    if (result === undefined) res.status(204).end();
    else if (result instanceof Reply) {
      res.status(result.status);
      if (result.contentType) res.type(result.contentType);
      res.send(result.body);
    } else res.status(200).json(result);
  };
}

/** Mounts a table on a router, with 405 (and the methods that exist) for a known path and another method. */
export function mountRoutes(router: Router, routes: readonly Route[]): void {
  for (const r of routes) router[r.method](r.path, wrap(r));
  const methodsByPath = new Map<string, string[]>();
  for (const r of routes) methodsByPath.set(r.path, [...(methodsByPath.get(r.path) ?? []), r.method.toUpperCase()]);
  for (const [path, methods] of methodsByPath) {
    router.all(path, (req, res) =>
      sendProblem(req, res, new HttpProblem(405, 'Method Not Allowed', `${req.method} is not supported on this path; use ${methods.join(', ')}`, { Allow: methods.join(', ') })),
    );
  }
}
