/**
 * Environment → typed configuration. Every variable is validated; a bad value stops the start with
 * a message that names the variable and the rule, never a silent default.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

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
});

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
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const present = Object.fromEntries(
    Object.keys(EnvSchema.shape)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}=${JSON.stringify(present[String(i.path[0])])}: ${i.message}`);
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
  };
}
