import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { passwordPolicyViolation } from '../../src/identity/passwords.js';
import { INITIAL_ADMIN_PASSWORD_FILE, start } from '../../src/runtime.js';
import { call } from '../api/helpers.js';
import { TEST_HASH_COST, testConfig } from '../support/harness.js';

const load = (env: Record<string, string>) => loadConfig(env, '/srv/pingpin');
const error = (env: Record<string, string>): string => {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
  it('defaults: local national registry, config/holidays, no weekends-only fallback, models in bpmn', () => {
    expect(load({})).toMatchObject({
      nationalRegistry: { kind: 'local' },
      holidaysDir: '/srv/pingpin/config/holidays',
      holidaysWeekendsOnly: false,
      modelsDir: '/srv/pingpin/bpmn',
    });
    expect(load({ HOLIDAYS_DIR: '/etc/pingpin/holidays', HOLIDAYS_WEEKENDS_ONLY: 'true', BPMN_DIR: 'models' })).toMatchObject({
      holidaysDir: '/etc/pingpin/holidays',
      holidaysWeekendsOnly: true,
      modelsDir: '/srv/pingpin/models',
    });
  });

  it('takes the HTTP national registry with an https URL (http on loopback only) and a token', () => {
    expect(load({ NATIONAL_REGISTRY: 'http', NATIONAL_REGISTRY_URL: 'https://zscx.example.gov.cn/api/', NATIONAL_REGISTRY_TOKEN: 'abc.DEF-123' }).nationalRegistry).toEqual({
      kind: 'http',
      url: 'https://zscx.example.gov.cn/api',
      token: 'abc.DEF-123',
    });
    expect(load({ NATIONAL_REGISTRY: 'http', NATIONAL_REGISTRY_URL: 'http://127.0.0.1:9000', NATIONAL_REGISTRY_TOKEN: 't' }).nationalRegistry).toMatchObject({ url: 'http://127.0.0.1:9000' });
  });

  it('names the variable and the rule, and never prints the token', () => {
    expect(error({ NATIONAL_REGISTRY: 'soap' })).toMatch(/NATIONAL_REGISTRY="soap": must be 'local' \(record uploads in the registry\) or 'http'/);
    const missing = error({ NATIONAL_REGISTRY: 'http' });
    expect(missing).toMatch(/NATIONAL_REGISTRY_URL: is required when NATIONAL_REGISTRY=http/);
    expect(missing).toMatch(/NATIONAL_REGISTRY_TOKEN: is required when NATIONAL_REGISTRY=http/);
    expect(error({ NATIONAL_REGISTRY: 'http', NATIONAL_REGISTRY_URL: 'http://zscx.example.gov.cn', NATIONAL_REGISTRY_TOKEN: 't' })).toMatch(
      /NATIONAL_REGISTRY_URL="http:\/\/zscx.example.gov.cn": must be https: the bearer token would travel in clear/,
    );
    expect(error({ NATIONAL_REGISTRY: 'http', NATIONAL_REGISTRY_URL: 'zscx', NATIONAL_REGISTRY_TOKEN: 't' })).toMatch(/NATIONAL_REGISTRY_URL="zscx": must be an http\(s\) URL/);
    const spaced = error({ NATIONAL_REGISTRY: 'http', NATIONAL_REGISTRY_URL: 'https://x.example', NATIONAL_REGISTRY_TOKEN: 'top secret' });
    expect(spaced).toMatch(/NATIONAL_REGISTRY_TOKEN=\(hidden\): must be printable ASCII without spaces/);
    expect(spaced).not.toContain('top secret');
    const unused = error({ NATIONAL_REGISTRY_TOKEN: 'leftover' });
    expect(unused).toMatch(/NATIONAL_REGISTRY_TOKEN=\(hidden\): is only used when NATIONAL_REGISTRY=http/);
    expect(unused).not.toContain('leftover');
    expect(error({ HOLIDAYS_WEEKENDS_ONLY: 'yes' })).toMatch(/HOLIDAYS_WEEKENDS_ONLY="yes": must be 'true' .* or 'false'/);
  });

  it('cluster auth: NONE by default, BASIC and OAUTH with their variables', () => {
    const cluster = { CAMUNDA_REST_ADDRESS: 'https://camunda.example.gov.cn/v2/' };
    expect(load(cluster)).toMatchObject({ mode: 'cluster', clusterRestAddress: 'https://camunda.example.gov.cn', clusterAuth: { strategy: 'NONE' } });
    expect(load({ ...cluster, CAMUNDA_AUTH_STRATEGY: 'BASIC', CAMUNDA_BASIC_AUTH_USERNAME: 'pingpin', CAMUNDA_BASIC_AUTH_PASSWORD: 's3cret' }).clusterAuth).toEqual({
      strategy: 'BASIC',
      username: 'pingpin',
      password: 's3cret',
    });
    expect(
      load({ ...cluster, CAMUNDA_AUTH_STRATEGY: 'OAUTH', ZEEBE_CLIENT_ID: 'pingpin', ZEEBE_CLIENT_SECRET: 'x', CAMUNDA_OAUTH_URL: 'https://login.example.gov.cn/token', ZEEBE_TOKEN_AUDIENCE: 'orchestration-api' }).clusterAuth,
    ).toEqual({ strategy: 'OAUTH', clientId: 'pingpin', clientSecret: 'x', oauthUrl: 'https://login.example.gov.cn/token', audience: 'orchestration-api' });
    expect(load({}).clusterAuth).toBeUndefined();
  });

  it('cluster auth: names what is missing or misplaced, and never prints a secret', () => {
    const cluster = { CAMUNDA_REST_ADDRESS: 'http://localhost:8080' };
    expect(error({ ...cluster, CAMUNDA_AUTH_STRATEGY: 'KERBEROS' })).toMatch(/CAMUNDA_AUTH_STRATEGY="KERBEROS": must be 'NONE'/);
    const basic = error({ ...cluster, CAMUNDA_AUTH_STRATEGY: 'BASIC', CAMUNDA_BASIC_AUTH_USERNAME: 'u' });
    expect(basic).toMatch(/CAMUNDA_BASIC_AUTH_PASSWORD: is required when CAMUNDA_AUTH_STRATEGY=BASIC/);
    const oauth = error({ ...cluster, CAMUNDA_AUTH_STRATEGY: 'OAUTH', ZEEBE_CLIENT_SECRET: 'topsecret' });
    expect(oauth).toMatch(/ZEEBE_CLIENT_ID: is required when CAMUNDA_AUTH_STRATEGY=OAUTH/);
    expect(oauth).toMatch(/CAMUNDA_OAUTH_URL: is required/);
    // A password given without choosing BASIC is a mistake to point out, not a credential to ignore.
    const stray = error({ ...cluster, CAMUNDA_BASIC_AUTH_PASSWORD: 'topsecret' });
    expect(stray).toMatch(/CAMUNDA_BASIC_AUTH_PASSWORD=\(hidden\): is only used when CAMUNDA_AUTH_STRATEGY=BASIC \(it is NONE, the default\)/);
    expect(stray + oauth).not.toContain('topsecret');
    expect(error({ ZEEBE_CLIENT_ID: 'pingpin' })).toMatch(/ZEEBE_CLIENT_ID="pingpin": is only used against a cluster \(CAMUNDA_REST_ADDRESS\)/);
  });
});

describe('safe defaults', () => {
  it('listens on loopback with authentication on unless told otherwise', () => {
    expect(load({})).toMatchObject({ host: '127.0.0.1', auth: 'on', adminUsername: 'admin', clockControlled: false });
    expect(load({}).adminPassword).toBeUndefined();
    expect(load({ HOST: '0.0.0.0' })).toMatchObject({ host: '0.0.0.0', auth: 'on' });
    expect(load({ ENGINE_CLOCK_CONTROLLED: 'true', PINGPIN_ADMIN_USERNAME: 'root_admin' })).toMatchObject({ clockControlled: true, adminUsername: 'root_admin' });
  });

  it('takes the engine’s maximum message size as Zeebe writes it, and refuses what is not one', () => {
    expect(load({}).maxMessageBytes).toBe(4 * 1024 * 1024);
    expect(load({ ENGINE_MAX_MESSAGE_SIZE: '16MB' }).maxMessageBytes).toBe(16 * 1024 * 1024);
    expect(load({ ENGINE_MAX_MESSAGE_SIZE: '512kb' }).maxMessageBytes).toBe(512 * 1024);
    expect(load({ ENGINE_MAX_MESSAGE_SIZE: '1048576' }).maxMessageBytes).toBe(1048576);
    expect(error({ ENGINE_MAX_MESSAGE_SIZE: '4 GB' })).toMatch(/ENGINE_MAX_MESSAGE_SIZE="4 GB": must be a size in bytes, or with KB or MB/);
    expect(error({ ENGINE_MAX_MESSAGE_SIZE: '1KB' })).toMatch(/ENGINE_MAX_MESSAGE_SIZE="1KB": must be from 64KB to 256MB/);
    expect(load({}).feelBudgetMs).toBe(1000);
    expect(load({ FEEL_BUDGET_MS: '250' }).feelBudgetMs).toBe(250);
    expect(error({ FEEL_BUDGET_MS: '1s' })).toMatch(/FEEL_BUDGET_MS="1s": must be a whole number of milliseconds/);
  });

  it('refuses PINGPIN_AUTH=none on an address other than loopback, naming both', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) expect(load({ PINGPIN_AUTH: 'none', HOST: host }).auth, host).toBe('none');
    expect(load({ PINGPIN_AUTH: 'none' })).toMatchObject({ auth: 'none', host: '127.0.0.1' });
    for (const host of ['0.0.0.0', '192.168.1.20', '::', 'pingpin.example.gov.cn']) {
      const message = error({ PINGPIN_AUTH: 'none', HOST: host });
      expect(message, host).toContain('PINGPIN_AUTH=none');
      expect(message, host).toContain(`HOST=${JSON.stringify(host)}`);
      expect(message).toMatch(/loopback/);
    }
    expect(error({ PINGPIN_AUTH: 'off' })).toMatch(/PINGPIN_AUTH="off": must be 'on' .* or 'none'/);
  });

  it('refuses a PINGPIN_ADMIN_PASSWORD that breaks the password policy, without printing it', () => {
    expect(load({ PINGPIN_ADMIN_PASSWORD: 'Strong-Pass-1' }).adminPassword).toBe('Strong-Pass-1');
    for (const env of <Array<Record<string, string>>>[
      { PINGPIN_ADMIN_PASSWORD: 'Sh0rt!' },
      { PINGPIN_ADMIN_PASSWORD: 'alllowercase1' },
      { PINGPIN_ADMIN_PASSWORD: 'qwertyasdf' },
      // Strong, but holds the username.
      { PINGPIN_ADMIN_PASSWORD: 'Admin-Pass-1' },
      { PINGPIN_ADMIN_USERNAME: 'hrss_root', PINGPIN_ADMIN_PASSWORD: 'HRSS_Root-2026' },
    ]) {
      const message = error(env);
      expect(message).toMatch(/PINGPIN_ADMIN_PASSWORD=\(hidden\): must be at least 8 characters from at least 3 of upper case, lower case, digits and symbols, and must not contain the username/);
      expect(message).not.toContain(env.PINGPIN_ADMIN_PASSWORD!);
      // Nothing about the value: not even its length.
      expect(message).not.toMatch(/现为|\(\d+\)/);
    }
    expect(error({ PINGPIN_ADMIN_USERNAME: 'sys-admin' })).toMatch(/PINGPIN_ADMIN_USERNAME="sys-admin": must be a username of letters, digits, _ @ \./);
    expect(error({ ENGINE_CLOCK_CONTROLLED: 'yes' })).toMatch(/ENGINE_CLOCK_CONTROLLED="yes": must be 'true'/);
  });
});

describe('the first start on an empty DATA_DIR', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pingpin-first-start-'));
  const file = join(dataDir, INITIAL_ADMIN_PASSWORD_FILE);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const boot = async () => {
    const logs: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
    // No PINGPIN_ADMIN_PASSWORD.
    const running = await start(testConfig(dataDir, { adminPassword: undefined }), logger, { hashCost: TEST_HASH_COST });
    return { running, logs: logs.join('') };
  };

  it('creates the administrator with a generated password in DATA_DIR/initial-admin-password (0600), to change at the first login; the file goes once it is changed', async () => {
    const first = await boot();
    let password: string;
    try {
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      password = readFileSync(file, 'utf8').trim();
      expect(passwordPolicyViolation(password)).toBeUndefined();
      // Written once to the log, with where the file is.
      expect(first.logs).toContain(password);
      expect(first.logs).toContain(file);

      const admin = { username: 'admin', password };
      const r = (method: string, path: string, o: Parameters<typeof call>[3] = {}) => call(first.running.url, method, path, o);
      expect((await r('GET', '/v2/authentication/me', { as: admin })).status).toBe(200);
      const refused = await r('POST', '/v2/process-instances/search', { as: admin, body: {} });
      expect(refused.status).toBe(403);
      expect(refused.body.title).toBe('PASSWORD_CHANGE_REQUIRED');
      const login = await r('POST', '/login', { urlencoded: { username: 'admin', password } });
      expect(login.status).toBe(303);
      expect(login.headers.get('location')).toMatch(/^\/login\/password/);
    } finally {
      await first.running.stop();
    }

    // Not changed yet: the file stays, the password is neither replaced nor printed again.
    const second = await boot();
    try {
      expect(readFileSync(file, 'utf8').trim()).toBe(password);
      expect(second.logs).not.toContain(password);
      const session = await call(second.running.url, 'POST', '/login', { body: { username: 'admin', password } });
      expect(session.body.mustChangePassword).toBe(true);
      const cookie = /pingpin_session=[^;]*/.exec(session.headers.get('set-cookie') ?? '')![0];
      const changed = await call(second.running.url, 'POST', '/login/password', {
        cookie,
        headers: { 'x-csrf-token': session.body.csrfToken },
        body: { currentPassword: password, newPassword: 'Chosen-By-Root-1' },
      });
      expect(changed.status, changed.text).toBe(200);
      expect(existsSync(file)).toBe(true); // removed at the next start
    } finally {
      await second.running.stop();
    }

    const third = await boot();
    try {
      expect(existsSync(file)).toBe(false);
      expect(third.logs).toMatch(/the initial administrator password was changed; its file is removed/);
      const ok = await call(third.running.url, 'POST', '/v2/process-instances/search', { as: { username: 'admin', password: 'Chosen-By-Root-1' }, body: {} });
      expect(ok.status).toBe(200);
    } finally {
      await third.running.stop();
    }
  });
});
