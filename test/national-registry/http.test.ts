/**
 * The HTTP adapter against a small national-system stand-in on 127.0.0.1: what it sends (JSON,
 * bearer token, Idempotency-Key), success, 409 as "already uploaded", retries of 5xx and network
 * errors with back-off, and refusals that quote the national system's answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpNationalRegistry, NationalRegistryError, type NationalCertificateRecord } from '../../src/national-registry/index.js';
import { idNumberCheckChar } from '../../src/domain/validators.js';

const ID = (() => {
  const body = '44030119800101123';
  return body + idNumberCheckChar(body);
})();

const RECORD: NationalCertificateRecord = {
  certificateCode: 'Y00004400012326T000001',
  holderName: '周九',
  idNumber: ID,
  level: 'T',
  occupation: { code: '6-18-01-01', name: '车工' },
  evaluator: { creditCode: '91440300000000001X', name: '测试企业有限公司' },
  issuedOn: '2026-06-01',
};

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

type Reply = (res: ServerResponse, seen: Seen) => void;

let server: Server;
let base: string;
let replies: Reply[] = [];
let seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const s: Seen = { method: req.method, url: req.url, headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
      seen.push(s);
      const reply = replies.shift() ?? ((r: ServerResponse) => r.writeHead(500).end('no reply scripted'));
      reply(res, s);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => {
  replies = [];
  seen = [];
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => (res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};
const text = (status: number, body: string): Reply => (res) => res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
/** Drops the connection without an answer (a network error for the client). */
const hangUp: Reply = (res) => res.socket?.destroy();

const sleeps: number[] = [];
const adapter = (options: Partial<ConstructorParameters<typeof HttpNationalRegistry>[0]> = {}) =>
  new HttpNationalRegistry({
    url: base,
    token: 'secret-token',
    backOffMs: 10,
    maxBackOffMs: 40,
    sleep: async (ms) => {
      sleeps.push(ms);
      await new Promise((r) => setTimeout(r, 1));
    },
    ...options,
  });

describe('HTTP national registry adapter', () => {
  it('POSTs the record as JSON with the token and the certificate code as Idempotency-Key', async () => {
    replies = [json(201, { reference: 'NAT-2026-000042' })];
    const receipt = await adapter().upload(RECORD);
    expect(receipt).toEqual({ reference: 'NAT-2026-000042', alreadyUploaded: false, httpStatus: 201, answer: '{"reference":"NAT-2026-000042"}' });
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req).toMatchObject({ method: 'POST', url: '/api/v1/certificates', body: RECORD });
    expect(req!.headers).toMatchObject({
      authorization: 'Bearer secret-token',
      'idempotency-key': RECORD.certificateCode,
      'content-type': 'application/json; charset=utf-8',
    });
  });

  it('takes 200 without a reference as success with the certificate code as reference', async () => {
    replies = [text(200, 'OK')];
    expect(await adapter().upload(RECORD)).toEqual({ reference: RECORD.certificateCode, alreadyUploaded: false, httpStatus: 200, answer: 'OK' });
  });

  it('takes 409 as "already uploaded": a redelivered job succeeds without sending twice', async () => {
    replies = [json(409, { message: 'certificate already exists', id: 77 })];
    expect(await adapter().upload(RECORD)).toEqual({ reference: '77', alreadyUploaded: true, httpStatus: 409, answer: '{"message":"certificate already exists","id":77}' });
    expect(seen).toHaveLength(1);
  });

  it('returns the receipt the national system answered: reference, status, time, and the answer with ID numbers masked', async () => {
    const answer = { receiptId: 'QR-9', state: 'ACCEPTED', acceptedAt: '2026-06-01 10:15:00', echo: { idNumber: ID, other: '110101199003077777' }, note: 'x'.repeat(5000) };
    replies = [json(201, answer)];
    const receipt = await adapter().upload(RECORD);
    expect(receipt).toMatchObject({ reference: 'QR-9', status: 'ACCEPTED', receivedAt: '2026-06-01 10:15:00', alreadyUploaded: false, httpStatus: 201 });
    // What the registry will keep: masked, and bounded (4000 characters).
    expect(receipt.answer).toHaveLength(4000);
    expect(receipt.answer).not.toContain(ID);
    expect(receipt.answer).not.toContain('110101199003077777');
    expect(receipt.answer).toContain(`"idNumber":"${ID.slice(0, 4)}**********${ID.slice(14)}"`);
    // The first name that is there wins; a number is kept as text.
    replies = [json(200, { reference: 'R-1', id: 'ignored', status: 'queued', receivedAt: 1764556800, timestamp: 'ignored' })];
    expect(await adapter().upload(RECORD)).toMatchObject({ reference: 'R-1', status: 'queued', receivedAt: '1764556800' });
  });

  it('retries 5xx and dropped connections with exponential back-off, then succeeds', async () => {
    sleeps.length = 0;
    replies = [text(500, 'internal error'), hangUp, json(503, { error: 'maintenance' }), json(201, { reference: 'R1' })];
    const receipt = await adapter({ attempts: 4 }).upload(RECORD);
    expect(receipt).toMatchObject({ reference: 'R1', alreadyUploaded: false, httpStatus: 201 });
    expect(seen).toHaveLength(4);
    expect(new Set(seen.map((s) => s.headers['idempotency-key']))).toEqual(new Set([RECORD.certificateCode]));
    // 10, 20, 40 ms (±25 % jitter, capped at 40).
    expect(sleeps).toHaveLength(3);
    expect(sleeps[0]).toBeGreaterThanOrEqual(7.5);
    expect(sleeps[0]).toBeLessThanOrEqual(12.5);
    expect(sleeps[1]).toBeGreaterThanOrEqual(15);
    expect(sleeps[1]).toBeLessThanOrEqual(25);
    expect(sleeps[2]).toBeGreaterThanOrEqual(30);
    expect(sleeps[2]).toBeLessThanOrEqual(40);
  });

  it('gives up after the attempts with the last answer, for the job retries and the incident', async () => {
    replies = [text(502, 'bad gateway'), text(502, 'bad gateway'), text(500, '数据库繁忙')];
    const err = await adapter({ attempts: 3 })
      .upload(RECORD)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NationalRegistryError);
    expect(err).toMatchObject({ status: 500, answer: '数据库繁忙' });
    expect((err as Error).message).toContain(`certificate ${RECORD.certificateCode} after 3 attempts (HTTP 500: 数据库繁忙)`);
    expect(seen).toHaveLength(3);
  });

  it('refuses at once on 400 with the national system\'s answer in the error (ID numbers masked, truncated)', async () => {
    const answer = { code: 'E1021', message: `证书信息不完整：持证人 ${ID} 缺少照片`, detail: 'x'.repeat(2000) };
    replies = [json(400, answer)];
    const err = await adapter({ maxAnswerChars: 200 })
      .upload(RECORD)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NationalRegistryError);
    const e = err as NationalRegistryError;
    expect(e.status).toBe(400);
    expect(e.message).toContain('HTTP 400');
    expect(e.message).toContain('E1021');
    expect(e.message).toContain('证书信息不完整');
    expect(e.message).not.toContain(ID);
    expect(e.message).toContain(`${ID.slice(0, 4)}**********${ID.slice(14)}`);
    expect(e.answer!.length).toBeLessThan(260);
    expect(e.answer).toMatch(/… \(\d+ characters\)$/);
    expect(seen).toHaveLength(1); // not retried
  });

  it('does not follow redirects (the token and the ID number stay where they were sent)', async () => {
    replies = [(res) => res.writeHead(307, { location: 'http://127.0.0.1:1/elsewhere' }).end()];
    await expect(adapter().upload(RECORD)).rejects.toMatchObject({ status: 307 });
    expect(seen).toHaveLength(1);
  });

  it('reports a network failure when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await adapter({ url: `http://127.0.0.1:${port}`, attempts: 2 })
      .upload(RECORD)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NationalRegistryError);
    expect((err as NationalRegistryError).status).toBeUndefined();
    expect((err as Error).message).toMatch(/after 2 attempts \(network error: ECONNREFUSED\)/);
  });
});
