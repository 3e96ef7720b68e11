/**
 * RFC 9457 problem details, as the Camunda 8.8 REST gateway answers errors with
 * (`application/problem+json`, `type: about:blank`, `instance` = request path).
 */
import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from 'pino';
import { EngineError, type RejectionKind } from '../engine/errors.js';

export interface ProblemDetail {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  /** pingpin's extension member (RFC 9457 §3.2): which input fields are wrong, for a page to show next to them. */
  fields?: ProblemField[];
}

/** One wrong input field: its name (path, e.g. `itemScores[0].score`), its label, what is wrong (in Chinese, for clerks). */
export interface ProblemField {
  name: string;
  label?: string;
  message: string;
}

/** An error that already knows its HTTP answer. Throw it from handlers, parsers and validators. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly headers: Record<string, string> = {},
    readonly fields?: ProblemField[],
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

/** 400 with title INVALID_ARGUMENT, as 8.8 answers request validation failures. */
export const invalidArgument = (detail: string): HttpProblem => new HttpProblem(400, 'INVALID_ARGUMENT', detail);

/** Engine rejection kind → HTTP status; the title is the kind itself, as in 8.8. */
const STATUS_OF_KIND: Record<RejectionKind, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  ALREADY_EXISTS: 409,
  DEADLINE_EXCEEDED: 504,
  UNAVAILABLE: 503,
};

/** Errors body-parser raises (they carry `type` and `status`). */
interface BodyParserError extends Error {
  type: string;
  status: number;
}
const isBodyParserError = (err: unknown): err is BodyParserError =>
  err instanceof Error && typeof (err as Partial<BodyParserError>).type === 'string' && typeof (err as Partial<BodyParserError>).status === 'number';

/** Errors of node:zlib: a body whose Content-Encoding claims gzip, deflate or br but is not. */
const isDecompressionError = (err: unknown): boolean => {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code.startsWith('ERR__ERROR_FORMAT'));
};

/** Maps anything thrown to a problem; `undefined` means "unexpected" (→ 500, logged). */
export function toProblem(err: unknown): HttpProblem | undefined {
  if (err instanceof HttpProblem) return err;
  if (err instanceof EngineError) {
    // Broker rejections read as Zeebe words them, so operators can search the same text.
    const detail = err.intent ? `Command '${err.intent}' rejected with code '${err.kind}': ${err.message}` : err.message;
    return new HttpProblem(STATUS_OF_KIND[err.kind] ?? 500, err.kind, detail);
  }
  if (isBodyParserError(err)) {
    switch (err.type) {
      case 'entity.parse.failed':
        return new HttpProblem(400, 'Bad Request', `Request body is not valid JSON: ${err.message}`);
      case 'entity.too.large':
        return new HttpProblem(413, 'Payload Too Large', `Request body exceeds the limit of ${(err as { limit?: number }).limit ?? '?'} bytes`);
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new HttpProblem(415, 'Unsupported Media Type', err.message);
      case 'request.aborted':
        return new HttpProblem(400, 'Bad Request', 'Request aborted by the client');
      default:
        if (err.status >= 400 && err.status < 500) return new HttpProblem(err.status, 'Bad Request', err.message);
    }
  }
  // body-parser passes decompression errors on as they are (a status of 400 set, no type).
  if (err instanceof Error && isDecompressionError(err)) {
    return new HttpProblem(400, 'Bad Request', `Request body does not decompress as its Content-Encoding says: ${err.message}`);
  }
  // The router's decodeURIComponent of a path parameter (e.g. %FF, not UTF-8).
  if (err instanceof URIError) {
    return new HttpProblem(400, 'Bad Request', `The request path is not valid percent-encoded UTF-8: ${err.message}`);
  }
  // Any other client error that says so (http-errors: a 4xx status, exposable).
  const status = (err as { status?: unknown } | null)?.status;
  if (err instanceof Error && typeof status === 'number' && status >= 400 && status < 500 && (err as { expose?: unknown }).expose === true) {
    return new HttpProblem(status, 'Bad Request', err.message);
  }
  return undefined;
}

const requestPath = (req: Request): string => req.originalUrl.split('?')[0] ?? req.originalUrl;

export function sendProblem(req: Request, res: Response, problem: HttpProblem): void {
  const body: ProblemDetail = {
    type: 'about:blank',
    title: problem.title,
    status: problem.status,
    detail: problem.message,
    instance: requestPath(req),
    ...(problem.fields ? { fields: problem.fields } : {}),
  };
  res.status(problem.status).set(problem.headers).type('application/problem+json').send(JSON.stringify(body));
}

/** Where a failed write tells the server that its disk is full (src/storage.ts). */
export interface StorageReport {
  report(err: unknown): boolean;
  readonly state: { ok: true } | { ok: false; reason: string };
}

/**
 * Express error middleware: every error becomes a problem detail; unexpected ones are logged, never
 * leaked. A write that failed because the disk is full is a 507 that says so (and where).
 */
export function problemErrorHandler(logger: Logger, storage?: StorageReport): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let problem = toProblem(err);
    if (!problem && storage?.report(err)) {
      const state = storage.state;
      problem = new HttpProblem(
        507,
        'INSUFFICIENT_STORAGE',
        `${state.ok ? 'the disk holding DATA_DIR is full' : state.reason}: nothing was changed. Free some space; pingpin continues by itself.`,
      );
    }
    if (!problem) {
      logger.error({ err, method: req.method, url: req.originalUrl }, 'unexpected error while handling request');
      problem = new HttpProblem(500, 'Internal Server Error', 'Unexpected error occurred during the request processing');
    } else {
      logger.debug({ method: req.method, url: req.originalUrl, status: problem.status, detail: problem.message }, 'request rejected');
    }
    if (res.headersSent) {
      // The answer is under way (or the client is gone): nothing sensible left to send.
      res.destroy();
      return;
    }
    sendProblem(req, res, problem);
  };
}
