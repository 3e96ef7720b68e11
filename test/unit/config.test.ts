import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

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
