/**
 * Environment → typed configuration. Every variable is validated; a bad value stops the start with
 * a message that names the variable and the rule, never a silent default.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_HOLIDAYS_DIR } from './domain/holiday-loader.js';
import { MIN_PASSWORD_LENGTH, passwordPolicyViolation } from './identity/passwords.js';

const port = z
  .string()
  .regex(/^\d+$/, 'must be a whole number from 0 to 65535 (0 = any free port)')
  .transform(Number)
  .refine((n) => n <= 65535, 'must be a whole number from 0 to 65535 (0 = any free port)');

const EnvSchema = z.object({
  PORT: port.default(8080),
  /** Loopback unless told otherwise: listening on the network is a decision, not a default. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** `none` turns authentication off, for local work on a loopback address only. */
  PINGPIN_AUTH: z.enum(['on', 'none'], { error: "must be 'on' (log in to use the API and pages) or 'none' (no authentication; only with a loopback HOST)" }).default('on'),
  /** The first administrator, created on the first start on an empty DATA_DIR. */
  PINGPIN_ADMIN_USERNAME: z
    .string()
    .regex(/^[A-Za-z0-9_@.]{1,256}$/, 'must be a username of letters, digits, _ @ . (Camunda 8.8 usernames, no -)')
    .default('admin'),
  /** Checked against the policy (with the username) below, in words that say nothing about the value. */
  PINGPIN_ADMIN_PASSWORD: z.string().optional(),
  /**
   * The largest variables one command may carry (Zeebe's maximum message size,
   * ZEEBE_BROKER_NETWORK_MAXMESSAGESIZE, 4MB by default): bytes, or a number with KB or MB.
   */
  ENGINE_MAX_MESSAGE_SIZE: z
    .string()
    .regex(/^\d+(KB|MB)?$/i, "must be a size in bytes, or with KB or MB, such as 4MB (Zeebe's default)")
    .transform((v) => {
      const m = /^(\d+)(KB|MB)?$/i.exec(v)!;
      return Number(m[1]) * (m[2]?.toUpperCase() === 'MB' ? 1024 * 1024 : m[2]?.toUpperCase() === 'KB' ? 1024 : 1);
    })
    .refine((n) => n >= 64 * 1024 && n <= 256 * 1024 * 1024, 'must be from 64KB to 256MB')
    .default(4 * 1024 * 1024),
  /** How long one FEEL or DMN evaluation that can iterate may run (ms): a FEEL bomb becomes an incident, not a frozen server. */
  FEEL_BUDGET_MS: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of milliseconds, such as 1000 (the default)')
    .transform(Number)
    .refine((n) => n >= 10 && n <= 60_000, 'must be from 10 to 60000 milliseconds')
    .default(1000),
  /** Zeebe's ZEEBE_CLOCK_CONTROLLED: the engine clock may be pinned and moved over the API. */
  ENGINE_CLOCK_CONTROLLED: z.enum(['true', 'false'], { error: "must be 'true' (PUT /v2/clock may pin the engine clock) or 'false'" }).default('false'),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The registry in PostgreSQL instead of SQLite under DATA_DIR. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL URL postgres://user:password@host:port/database (unset = SQLite in DATA_DIR/registry.db)').optional(),
  /** Set to run against a Camunda 8.8 cluster instead of the embedded engine. */
  CAMUNDA_REST_ADDRESS: z.url({ message: 'must be a URL such as http://localhost:8080' }).optional(),
  /** How the workers authenticate to the cluster (the @camunda8/sdk variables of the same names). */
  CAMUNDA_AUTH_STRATEGY: z
    .enum(['NONE', 'BASIC', 'OAUTH'], { error: "must be 'NONE' (unprotected REST API), 'BASIC' (CAMUNDA_BASIC_AUTH_USERNAME/PASSWORD) or 'OAUTH' (ZEEBE_CLIENT_ID/SECRET, CAMUNDA_OAUTH_URL)" })
    .optional(),
  CAMUNDA_BASIC_AUTH_USERNAME: z.string().optional(),
  CAMUNDA_BASIC_AUTH_PASSWORD: z.string().optional(),
  ZEEBE_CLIENT_ID: z.string().optional(),
  ZEEBE_CLIENT_SECRET: z.string().optional(),
  CAMUNDA_OAUTH_URL: z.url({ protocol: /^https?$/, error: 'must be the token endpoint URL, such as https://login.cloud.camunda.io/oauth/token' }).optional(),
  /** OAuth audience of the Orchestration Cluster API (SaaS: zeebe.camunda.io; Self-Managed: as configured in Identity). */
  ZEEBE_TOKEN_AUDIENCE: z.string().min(1).optional(),
  CAMUNDA_TOKEN_SCOPE: z.string().min(1).optional(),
  /** Directories deployed at start. */
  BPMN_DIR: z.string().min(1).default('bpmn'),
  FORMS_DIR: z.string().min(1).default('forms'),
  /** Set to "false" to start the server without the job workers (e.g. when workers run elsewhere). */
  WORKERS: z.enum(['true', 'false']).default('true'),
  /** Where certificates are uploaded (全国职业技能等级证书查询系统): `local` records them in the registry. */
  NATIONAL_REGISTRY: z.enum(['local', 'http'], { error: "must be 'local' (record uploads in the registry) or 'http' (POST them to NATIONAL_REGISTRY_URL)" }).default('local'),
  NATIONAL_REGISTRY_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://zscx.example.gov.cn/api (certificates are POSTed to <URL>/certificates)', abort: true })
    .refine(
      (u) => u.startsWith('https:') || isLoopback(hostnameOf(u)),
      'must be https: the bearer token would travel in clear (plain http is allowed for localhost / 127.0.0.1 only)',
    )
    .optional(),
  /** Bearer token for the national system (sent as `Authorization: Bearer <token>`). */
  NATIONAL_REGISTRY_TOKEN: z.string().regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it is sent as Authorization: Bearer <token>)').optional(),
  /** Operator holiday schedules <dir>/<year>.json (config/holidays/README.md). */
  HOLIDAYS_DIR: z.string().min(1).default(DEFAULT_HOLIDAYS_DIR),
  /** Count Monday–Friday as working days in years with no schedule instead of refusing. */
  HOLIDAYS_WEEKENDS_ONLY: z
    .enum(['true', 'false'], { error: "must be 'true' (years without a schedule count Monday-Friday as working days) or 'false' (such years are refused)" })
    .default('false'),
});

/** Variables whose values never appear in an error message. */
const SECRET = new Set(['NATIONAL_REGISTRY_TOKEN', 'CAMUNDA_BASIC_AUTH_PASSWORD', 'ZEEBE_CLIENT_SECRET', 'PINGPIN_ADMIN_PASSWORD']);

const CLUSTER_AUTH_VARIABLES = [
  'CAMUNDA_AUTH_STRATEGY',
  'CAMUNDA_BASIC_AUTH_USERNAME',
  'CAMUNDA_BASIC_AUTH_PASSWORD',
  'ZEEBE_CLIENT_ID',
  'ZEEBE_CLIENT_SECRET',
  'CAMUNDA_OAUTH_URL',
  'ZEEBE_TOKEN_AUDIENCE',
  'CAMUNDA_TOKEN_SCOPE',
] as const;

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** The national certificate query system adapter (src/national-registry). */
export type NationalRegistryConfig = { kind: 'local' } | { kind: 'http'; url: string; token: string };

/** How the SDK clients authenticate to a cluster (cluster mode only; the embedded engine has no auth). */
export type ClusterAuth =
  | { strategy: 'NONE' }
  | { strategy: 'BASIC'; username: string; password: string }
  | { strategy: 'OAUTH'; clientId: string; clientSecret: string; oauthUrl: string; audience?: string; scope?: string };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  mode: 'embedded' | 'cluster';
  databaseUrl?: string;
  clusterRestAddress?: string;
  /** Cluster mode: the REST API's authentication. */
  clusterAuth?: ClusterAuth;
  resourceDirs: string[];
  startWorkers: boolean;
  /** BPMN_DIR resolved: where the DMN models are read by workers that evaluate eligibility in TypeScript. */
  modelsDir: string;
  nationalRegistry: NationalRegistryConfig;
  /** HOLIDAYS_DIR resolved. */
  holidaysDir: string;
  holidaysWeekendsOnly: boolean;
  /** Embedded mode: authentication on (default) or off (loopback only). */
  auth: 'on' | 'none';
  adminUsername: string;
  /** The first administrator's password; unset, one is generated and must be changed at first login. */
  adminPassword?: string;
  /** ENGINE_CLOCK_CONTROLLED: the clock may be pinned over the API. */
  clockControlled: boolean;
  /** ENGINE_MAX_MESSAGE_SIZE: the largest variables of one command, in bytes (default 4 MiB). */
  maxMessageBytes?: number;
  /** FEEL_BUDGET_MS: the time budget of one iterating FEEL / DMN evaluation (default 1000). */
  feelBudgetMs?: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const present = Object.fromEntries(
    Object.keys(EnvSchema.shape)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const parsed = EnvSchema.safeParse(present);
  const shown = (name: string) => (SECRET.has(name) ? '(hidden)' : JSON.stringify(present[name]));
  const lines = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}=${shown(String(i.path[0]))}: ${i.message}`);
  if (parsed.success) {
    const e = parsed.data;
    if (e.NATIONAL_REGISTRY === 'http') {
      if (!e.NATIONAL_REGISTRY_URL) lines.push('NATIONAL_REGISTRY_URL: is required when NATIONAL_REGISTRY=http (the national system\'s base URL; certificates are POSTed to <URL>/certificates)');
      if (!e.NATIONAL_REGISTRY_TOKEN) lines.push('NATIONAL_REGISTRY_TOKEN: is required when NATIONAL_REGISTRY=http (the bearer token the national system issued)');
    } else {
      for (const name of ['NATIONAL_REGISTRY_URL', 'NATIONAL_REGISTRY_TOKEN'] as const) {
        if (e[name] !== undefined) lines.push(`${name}=${shown(name)}: is only used when NATIONAL_REGISTRY=http; set NATIONAL_REGISTRY=http or unset ${name}`);
      }
    }
    if (e.PINGPIN_ADMIN_PASSWORD !== undefined && passwordPolicyViolation(e.PINGPIN_ADMIN_PASSWORD, e.PINGPIN_ADMIN_USERNAME) !== undefined) {
      lines.push(
        `PINGPIN_ADMIN_PASSWORD=(hidden): must be at least ${MIN_PASSWORD_LENGTH} characters from at least 3 of upper case, lower case, digits and symbols, and must not contain the username (PINGPIN_ADMIN_USERNAME=${JSON.stringify(e.PINGPIN_ADMIN_USERNAME)})`,
      );
    }
    if (e.PINGPIN_AUTH === 'none' && !isLoopback(e.HOST)) {
      lines.push(`PINGPIN_AUTH=none: is refused with HOST=${JSON.stringify(e.HOST)}; without authentication pingpin listens on a loopback address only (HOST=127.0.0.1)`);
    }
    if (e.CAMUNDA_REST_ADDRESS) {
      for (const name of ['PINGPIN_ADMIN_PASSWORD', 'ENGINE_CLOCK_CONTROLLED', 'ENGINE_MAX_MESSAGE_SIZE', 'FEEL_BUDGET_MS'] as const) {
        if (present[name] !== undefined) lines.push(`${name}=${shown(name)}: is only used by the embedded engine; against a cluster, users and the clock are the cluster's (Camunda Identity, ZEEBE_CLOCK_CONTROLLED)`);
      }
    }
    if (!e.CAMUNDA_REST_ADDRESS) {
      for (const name of CLUSTER_AUTH_VARIABLES) {
        if (e[name] !== undefined) lines.push(`${name}=${shown(name)}: is only used against a cluster (CAMUNDA_REST_ADDRESS); the embedded engine's own users log in with PINGPIN_ADMIN_USERNAME and the users an administrator creates`);
      }
    } else {
      const strategy = e.CAMUNDA_AUTH_STRATEGY ?? 'NONE';
      const needs: Record<typeof strategy, readonly (typeof CLUSTER_AUTH_VARIABLES)[number][]> = {
        NONE: [],
        BASIC: ['CAMUNDA_BASIC_AUTH_USERNAME', 'CAMUNDA_BASIC_AUTH_PASSWORD'],
        OAUTH: ['ZEEBE_CLIENT_ID', 'ZEEBE_CLIENT_SECRET', 'CAMUNDA_OAUTH_URL'],
      };
      for (const name of needs[strategy]) {
        if (!e[name]) lines.push(`${name}: is required when CAMUNDA_AUTH_STRATEGY=${strategy}`);
      }
      for (const name of CLUSTER_AUTH_VARIABLES.slice(1)) {
        const usedBy = (Object.keys(needs) as (keyof typeof needs)[]).find((k) => needs[k].includes(name)) ?? 'OAUTH';
        if (e[name] !== undefined && usedBy !== strategy) lines.push(`${name}=${shown(name)}: is only used when CAMUNDA_AUTH_STRATEGY=${usedBy} (it is ${strategy}${e.CAMUNDA_AUTH_STRATEGY ? '' : ', the default'})`);
      }
    }
  }
  if (!parsed.success || lines.length > 0) {
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(cwd, e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    mode: e.CAMUNDA_REST_ADDRESS ? 'cluster' : 'embedded',
    databaseUrl: e.DATABASE_URL,
    clusterRestAddress: e.CAMUNDA_REST_ADDRESS?.replace(/\/+$/, '').replace(/\/v2$/, ''),
    ...(e.CAMUNDA_REST_ADDRESS ? { clusterAuth: clusterAuthOf(e) } : {}),
    resourceDirs: [resolve(cwd, e.BPMN_DIR), resolve(cwd, e.FORMS_DIR)],
    startWorkers: e.WORKERS === 'true',
    modelsDir: resolve(cwd, e.BPMN_DIR),
    nationalRegistry:
      e.NATIONAL_REGISTRY === 'http'
        ? { kind: 'http', url: e.NATIONAL_REGISTRY_URL!.replace(/\/+$/, ''), token: e.NATIONAL_REGISTRY_TOKEN! }
        : { kind: 'local' },
    holidaysDir: resolve(cwd, e.HOLIDAYS_DIR),
    holidaysWeekendsOnly: e.HOLIDAYS_WEEKENDS_ONLY === 'true',
    auth: e.PINGPIN_AUTH,
    adminUsername: e.PINGPIN_ADMIN_USERNAME,
    ...(e.PINGPIN_ADMIN_PASSWORD ? { adminPassword: e.PINGPIN_ADMIN_PASSWORD } : {}),
    clockControlled: e.ENGINE_CLOCK_CONTROLLED === 'true',
    maxMessageBytes: e.ENGINE_MAX_MESSAGE_SIZE,
    feelBudgetMs: e.FEEL_BUDGET_MS,
  };
}

function clusterAuthOf(e: z.infer<typeof EnvSchema>): ClusterAuth {
  switch (e.CAMUNDA_AUTH_STRATEGY ?? 'NONE') {
    case 'BASIC':
      return { strategy: 'BASIC', username: e.CAMUNDA_BASIC_AUTH_USERNAME!, password: e.CAMUNDA_BASIC_AUTH_PASSWORD! };
    case 'OAUTH':
      return {
        strategy: 'OAUTH',
        clientId: e.ZEEBE_CLIENT_ID!,
        clientSecret: e.ZEEBE_CLIENT_SECRET!,
        oauthUrl: e.CAMUNDA_OAUTH_URL!,
        ...(e.ZEEBE_TOKEN_AUDIENCE ? { audience: e.ZEEBE_TOKEN_AUDIENCE } : {}),
        ...(e.CAMUNDA_TOKEN_SCOPE ? { scope: e.CAMUNDA_TOKEN_SCOPE } : {}),
      };
    default:
      return { strategy: 'NONE' };
  }
}
