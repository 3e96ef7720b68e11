/**
 * Environment → typed configuration. Every variable is validated; a bad value stops the start with
 * a message that names the variable and the rule, never a silent default.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_HOLIDAYS_DIR } from './domain/holiday-loader.js';

const port = z
  .string()
  .regex(/^\d+$/, 'must be a whole number from 0 to 65535 (0 = any free port)')
  .transform(Number)
  .refine((n) => n <= 65535, 'must be a whole number from 0 to 65535 (0 = any free port)');

const EnvSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The registry in PostgreSQL instead of SQLite under DATA_DIR. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL URL postgres://user:password@host:port/database (unset = SQLite in DATA_DIR/registry.db)').optional(),
  /** Set to run against a Camunda 8.8 cluster instead of the embedded engine. */
  CAMUNDA_REST_ADDRESS: z.url({ message: 'must be a URL such as http://localhost:8080' }).optional(),
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
const SECRET = new Set(['NATIONAL_REGISTRY_TOKEN']);

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** The national certificate query system adapter (src/national-registry). */
export type NationalRegistryConfig = { kind: 'local' } | { kind: 'http'; url: string; token: string };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  mode: 'embedded' | 'cluster';
  databaseUrl?: string;
  clusterRestAddress?: string;
  resourceDirs: string[];
  startWorkers: boolean;
  /** BPMN_DIR resolved: where the DMN models are read by workers that evaluate eligibility in TypeScript. */
  modelsDir: string;
  nationalRegistry: NationalRegistryConfig;
  /** HOLIDAYS_DIR resolved. */
  holidaysDir: string;
  holidaysWeekendsOnly: boolean;
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
    resourceDirs: [resolve(cwd, e.BPMN_DIR), resolve(cwd, e.FORMS_DIR)],
    startWorkers: e.WORKERS === 'true',
    modelsDir: resolve(cwd, e.BPMN_DIR),
    nationalRegistry:
      e.NATIONAL_REGISTRY === 'http'
        ? { kind: 'http', url: e.NATIONAL_REGISTRY_URL!.replace(/\/+$/, ''), token: e.NATIONAL_REGISTRY_TOKEN! }
        : { kind: 'local' },
    holidaysDir: resolve(cwd, e.HOLIDAYS_DIR),
    holidaysWeekendsOnly: e.HOLIDAYS_WEEKENDS_ONLY === 'true',
  };
}
