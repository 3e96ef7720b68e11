/**
 * Bounds on the JSON bodies a client sends to /v2, checked once the body is parsed and before any
 * route sees it: nesting depth (anywhere in the body) and the size of `variables` (where 8.8
 * commands carry them: at the top level of the body). Out of range is a 400 naming the field and
 * the limit; nothing is stored.
 */
import type { RequestHandler } from 'express';
import { invalidArgument } from './problem.js';

/**
 * Deepest nesting of a JSON body: as Jackson's default (StreamReadConstraints), which the 8.8 REST
 * gateway parses with. Far deeper values cannot be serialized again (JSON.stringify recurses).
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * Largest JSON of a command's variables, in UTF-8 bytes: Zeebe refuses a record over its maximum
 * message size, 4 MB by default (ZEEBE_BROKER_NETWORK_MAXMESSAGESIZE).
 */
export const DEFAULT_MAX_VARIABLES_BYTES = 4 * 1024 * 1024;

const formatPath = (path: readonly (string | number)[]): string =>
  path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');

/** A path for a message: its first segments, then how many more there are. */
function shortPath(path: readonly (string | number)[]): string {
  if (path.length <= 6) return formatPath(path) || 'request body';
  return `${formatPath(path.slice(0, 3))}…(${path.length - 3} levels more)`;
}

/** The path of the first value nested deeper than `maxDepth`, or undefined. Iterative: any depth is safe to walk. */
export function tooDeep(value: unknown, maxDepth: number): (string | number)[] | undefined {
  interface Node {
    value: object;
    depth: number;
    key?: string | number;
    parent?: Node;
  }
  const stack: Node[] = [];
  if (value !== null && typeof value === 'object') stack.push({ value, depth: 1 });
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.depth > maxDepth) {
      const path: (string | number)[] = [];
      for (let n: Node | undefined = node; n?.parent; n = n.parent) path.unshift(n.key!);
      return path;
    }
    const container = node.value;
    if (Array.isArray(container)) {
      container.forEach((v: unknown, i) => {
        if (v !== null && typeof v === 'object') stack.push({ value: v, depth: node.depth + 1, key: i, parent: node });
      });
    } else {
      for (const [k, v] of Object.entries(container)) {
        if (v !== null && typeof v === 'object') stack.push({ value: v as object, depth: node.depth + 1, key: k, parent: node });
      }
    }
  }
  return undefined;
}

/** Throws a 400 naming the field when `body` nests deeper than `maxDepth`. */
export function assertDepth(body: unknown, maxDepth = MAX_JSON_DEPTH): void {
  const path = tooDeep(body, maxDepth);
  if (path) throw invalidArgument(`${shortPath(path)}: nested deeper than ${maxDepth} levels, the limit for a JSON body`);
}

/** Throws a 400 when the JSON of `variables` exceeds `maxBytes`. */
export function assertVariablesSize(variables: unknown, maxBytes: number, field = 'variables'): void {
  if (variables === null || typeof variables !== 'object') return;
  const bytes = Buffer.byteLength(JSON.stringify(variables));
  if (bytes > maxBytes) {
    throw invalidArgument(
      `${field}: ${bytes} bytes of JSON, over the limit of ${maxBytes} bytes for the variables of one command (Zeebe's maximum message size)`,
    );
  }
}

/** Middleware after the JSON parser: depth of the whole body, size of its top-level `variables`. */
export function checkJsonBody(options: { maxVariablesBytes: number; maxDepth?: number }): RequestHandler {
  return (req, _res, next) => {
    const body: unknown = req.body;
    if (body === undefined || body === null || typeof body !== 'object') return next();
    assertDepth(body, options.maxDepth ?? MAX_JSON_DEPTH);
    if (!Array.isArray(body)) assertVariablesSize((body as { variables?: unknown }).variables, options.maxVariablesBytes);
    next();
  };
}
