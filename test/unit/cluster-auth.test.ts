/**
 * Against a protected cluster the workers' SDK client and the demo's REST calls carry the
 * credentials config.ts validated (a fake cluster and token endpoint record what arrives).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkConnection } from '../../src/runtime.js';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

// The SDK decodes the token (a JWT) for its expiry.
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'pingpin-workers', aud: 'zeebe-api', exp: Math.floor(Date.now() / 1000) + 3600 })}.c2ln`;

let server: Server;
let base: string;
const seen: Seen[] = [];

async function bodyOf(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
    res.setHeader('content-type', 'application/json');
    if (req.url === '/oauth/token') {
      res.end(JSON.stringify({ access_token: JWT, token_type: 'Bearer', expires_in: 300, scope: '', audience: 'zeebe-api' }));
    } else {
      res.end(JSON.stringify({ brokers: [], clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: '8.8.0' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('cluster authentication', () => {
  it('NONE sends no authorization header', async () => {
    seen.length = 0;
    const { client, authHeaders } = sdkConnection(base);
    await client.getTopology();
    // The SDK's null provider sends an empty header; what matters is that no credential travels.
    expect(seen.find((s) => s.url === '/v2/topology')?.authorization || undefined).toBeUndefined();
    expect(await authHeaders()).toEqual({});
  });

  it('BASIC sends the configured user on SDK calls and on the demo-style REST calls', async () => {
    seen.length = 0;
    const { client, authHeaders } = sdkConnection(base, { strategy: 'BASIC', username: 'pingpin', password: 's3cret' });
    await client.getTopology();
    const expected = `Basic ${Buffer.from('pingpin:s3cret').toString('base64')}`;
    expect(seen.find((s) => s.url === '/v2/topology')?.authorization).toBe(expected);
    expect(await authHeaders()).toEqual({ authorization: expected });
  });

  it('OAUTH fetches a client-credentials token from CAMUNDA_OAUTH_URL and sends it as a bearer token', async () => {
    seen.length = 0;
    const { client, authHeaders } = sdkConnection(base, { strategy: 'OAUTH', clientId: 'pingpin-workers', clientSecret: 'x', oauthUrl: `${base}/oauth/token`, audience: 'zeebe-api' });
    await client.getTopology();
    const token = seen.find((s) => s.url === '/oauth/token');
    expect(token?.method).toBe('POST');
    expect(new URLSearchParams(token!.body).get('client_id')).toBe('pingpin-workers');
    expect(new URLSearchParams(token!.body).get('grant_type')).toBe('client_credentials');
    expect(seen.find((s) => s.url === '/v2/topology')?.authorization).toBe(`Bearer ${JWT}`);
    expect((await authHeaders()).authorization).toBe(`Bearer ${JWT}`);
  });
});
