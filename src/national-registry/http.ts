/**
 * The HTTP adapter (NATIONAL_REGISTRY=http): POSTs each certificate record as JSON to
 * `${NATIONAL_REGISTRY_URL}/certificates` with `Authorization: Bearer ${NATIONAL_REGISTRY_TOKEN}`.
 *
 * - Idempotent by certificate code: every request carries `Idempotency-Key: <certificate code>`,
 *   and 409 (the national system already has the certificate) counts as success with
 *   `alreadyUploaded: true`. A worker redelivered after a crash therefore never uploads twice.
 * - 200/201: success; the answer's `reference` (or `id`, `receiptId`) is the national system's id
 *   for the record, the certificate code when it sends none. The receipt also carries the answer's
 *   `status` and its time (`receivedAt`, `acceptedAt`, `createdAt` or `timestamp`, as written), the
 *   HTTP status and the answer itself (ID numbers masked, at most 4000 characters): the upload
 *   worker keeps them in the registry as the proof of the upload. 409 answers the same way.
 * - 5xx, 429, time-outs and network errors are transient: retried here a few times with
 *   exponential back-off (honouring Retry-After up to the back-off cap); when they persist the last
 *   answer is thrown and the job worker's own retries (and finally an incident) take over.
 * - Anything else (400, 401, 403, 404, 422, a redirect …) is a refusal: NationalRegistryError at
 *   once with the status and the national system's answer (truncated), which the worker puts into
 *   the job's error message and so into the incident an operator reads.
 *
 * The record holds the holder's clear ID number (the national system needs it): it is sent, never
 * logged, and masked wherever the answer quotes it back.
 */
import { maskIdNumber } from '../domain/validators.js';
import { NationalRegistryError, type NationalCertificateRecord, type NationalRegistryAdapter, type NationalUploadReceipt } from '../../workers/services.js';

export interface HttpNationalRegistryOptions {
  /** Base URL; certificates go to `${url}/certificates`. */
  url: string;
  token: string;
  /** Attempts in all, the first included (default 4). */
  attempts?: number;
  /** First back-off (ms, default 500); doubles each retry, with jitter. */
  backOffMs?: number;
  /** Longest back-off (ms, default 8000). */
  maxBackOffMs?: number;
  /** Per-request time-out (ms, default 15000). */
  timeoutMs?: number;
  /** Longest answer body quoted in an error (characters, default 500). */
  maxAnswerChars?: number;
  logger?: { warn(obj: object, msg?: string): void };
  /** For tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

interface Attempt {
  status?: number;
  body?: string;
  error?: string;
  retryAfterMs?: number;
}

const RETRYABLE = (status: number) => status >= 500 || status === 429 || status === 408;

export class HttpNationalRegistry implements NationalRegistryAdapter {
  readonly kind = 'http' as const;
  private readonly endpoint: string;
  private readonly attempts: number;
  private readonly backOffMs: number;
  private readonly maxBackOffMs: number;
  private readonly timeoutMs: number;
  private readonly maxAnswerChars: number;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: HttpNationalRegistryOptions) {
    this.endpoint = `${options.url.replace(/\/+$/, '')}/certificates`;
    this.attempts = Math.max(1, options.attempts ?? 4);
    this.backOffMs = options.backOffMs ?? 500;
    this.maxBackOffMs = options.maxBackOffMs ?? 8_000;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxAnswerChars = options.maxAnswerChars ?? 500;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async upload(record: NationalCertificateRecord): Promise<NationalUploadReceipt> {
    const code = record.certificateCode;
    let last: Attempt = {};
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      last = await this.send(record);
      const { status } = last;
      if (status === 200 || status === 201 || status === 409) return this.receipt(last, record, status === 409);
      if (status !== undefined && !RETRYABLE(status)) {
        throw new NationalRegistryError(
          `全国证书查询系统拒绝了证书 ${code}（HTTP ${status}）：${this.quote(last.body, record)} / the national certificate query system refused certificate ${code} (HTTP ${status}): ${this.quote(last.body, record)}`,
          status,
          this.quote(last.body, record),
        );
      }
      if (attempt < this.attempts) {
        const exponential = Math.min(this.maxBackOffMs, this.backOffMs * 2 ** (attempt - 1));
        const delay = Math.min(this.maxBackOffMs, Math.max(exponential * (0.75 + Math.random() * 0.5), last.retryAfterMs ?? 0));
        this.options.logger?.warn(
          { certificateCode: code, attempt, status, error: last.error, retryInMs: Math.round(delay) },
          `national registry upload of ${code} failed (${status !== undefined ? `HTTP ${status}` : last.error}); retrying`,
        );
        await this.sleep(delay);
      }
    }
    const what = last.status !== undefined ? `HTTP ${last.status}：${this.quote(last.body, record)}` : last.error ?? 'no answer';
    const whatEn = last.status !== undefined ? `HTTP ${last.status}: ${this.quote(last.body, record)}` : last.error ?? 'no answer';
    throw new NationalRegistryError(
      `全国证书查询系统暂时无法接收证书 ${code}（${this.attempts} 次尝试后仍失败，${what}） / the national certificate query system did not accept certificate ${code} after ${this.attempts} attempts (${whatEn})`,
      last.status,
      last.body === undefined ? undefined : this.quote(last.body, record),
    );
  }

  private async send(record: NationalCertificateRecord): Promise<Attempt> {
    let res: Response;
    try {
      res = await this.fetch(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          accept: 'application/json',
          authorization: `Bearer ${this.options.token}`,
          'idempotency-key': record.certificateCode,
        },
        body: JSON.stringify(record),
        // A redirect would carry the token and the ID number elsewhere: it is an answer, not followed.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const reason = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
      return { error: `network error: ${reason}` };
    }
    let body = '';
    try {
      body = await res.text();
    } catch (err) {
      return { error: `network error while reading the answer (HTTP ${res.status}): ${(err as Error).message}` };
    }
    return { status: res.status, body, retryAfterMs: retryAfter(res.headers.get('retry-after')) };
  }

  /** What an accepting answer says: the national system's reference, status and time, and the answer itself. */
  private receipt(answer: Attempt, record: NationalCertificateRecord, alreadyUploaded: boolean): NationalUploadReceipt {
    const fields = answerFields(answer.body);
    const body = answer.body === undefined || answer.body.trim() === '' ? undefined : this.mask(answer.body, record);
    return {
      reference: fields.reference ?? record.certificateCode,
      alreadyUploaded,
      ...(fields.status !== undefined ? { status: fields.status } : {}),
      ...(fields.receivedAt !== undefined ? { receivedAt: fields.receivedAt } : {}),
      httpStatus: answer.status!,
      ...(body !== undefined ? { answer: body.length > MAX_STORED_ANSWER ? body.slice(0, MAX_STORED_ANSWER) : body } : {}),
    };
  }

  private mask(body: string, record: NationalCertificateRecord): string {
    return body.replaceAll(record.idNumber, maskIdNumber(record.idNumber)).replace(/\b\d{17}[\dXx]\b/g, (m) => maskIdNumber(m));
  }

  /** The answer as quoted in errors: ID numbers masked, whitespace collapsed, truncated. */
  private quote(body: string | undefined, record: NationalCertificateRecord): string {
    if (body === undefined || body.trim() === '') return '(empty answer)';
    const masked = this.mask(body, record)
      .replace(/\s+/g, ' ')
      .trim();
    return masked.length > this.maxAnswerChars ? `${masked.slice(0, this.maxAnswerChars)}… (${masked.length} characters)` : masked;
  }
}

/** The registry keeps at most this much of an accepting answer (its national_uploads.answer limit). */
const MAX_STORED_ANSWER = 4000;

/** A short scalar of the answer as text (the registry keeps at most 100–200 characters of each). */
function scalar(value: unknown, max: number): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  return s ? s.slice(0, max) : undefined;
}

/**
 * The receipt fields of a JSON answer. The national system's answer format is not published to us:
 * the usual names are tried in order, and whatever it sends is kept whole in the answer anyway.
 */
function answerFields(body: string | undefined): { reference?: string; status?: string; receivedAt?: string } {
  if (!body) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {}; // not JSON: the answer itself is the receipt
  }
  if (!parsed || typeof parsed !== 'object') return {};
  const o = parsed as Record<string, unknown>;
  const first = (keys: string[], max: number) => keys.map((k) => scalar(o[k], max)).find((x) => x !== undefined);
  const out: { reference?: string; status?: string; receivedAt?: string } = {};
  const reference = first(['reference', 'id', 'receiptId'], 200);
  const status = first(['status', 'state'], 100);
  const receivedAt = first(['receivedAt', 'acceptedAt', 'createdAt', 'timestamp'], 100);
  if (reference !== undefined) out.reference = reference;
  if (status !== undefined) out.status = status;
  if (receivedAt !== undefined) out.receivedAt = receivedAt;
  return out;
}

function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
