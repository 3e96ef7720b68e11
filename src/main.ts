/** `npm start` (through bin/pingpin.js): pingpin with the embedded engine (or against a cluster when CAMUNDA_REST_ADDRESS is set). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { type Config, ConfigError, isLoopback, loadConfig } from './config.js';
import { DataDirInUseError } from './data-dir-lock.js';
import { generatePassword } from './identity/passwords.js';
import { start, type Running } from './runtime.js';

/**
 * `--demo-data` (what `npm start` passes): the demo's campaigns and people on a new data directory,
 * so the pages can be tried by hand. Only where nobody else can log in with the demo's published
 * password: embedded engine, authentication on, loopback, the registry in the data directory.
 */
function demoDataWanted(config: Config, logger: Logger): boolean {
  if (!process.argv.includes('--demo-data')) return false;
  const refused = demoDataRefusal(config);
  if (refused) {
    logger.warn({ reason: refused }, `--demo-data ignored: ${refused}`);
    return false;
  }
  // An existing data directory keeps what it has.
  return !existsSync(join(config.dataDir, 'identity.db'));
}

function demoDataRefusal(config: Config): string | undefined {
  if (config.mode !== 'embedded') return 'a Camunda cluster is configured';
  if (config.auth !== 'on') return 'PINGPIN_AUTH=none';
  if (!isLoopback(config.host)) return `HOST=${config.host} is reachable from other machines and the demo users share a published password`;
  if (config.databaseUrl) return 'the registry is a shared database (DATABASE_URL)';
  return undefined;
}

async function withDemoData(running: Running, config: Config, logger: Logger): Promise<void> {
  const { prepareDemoData } = await import('./demo/prepare.js');
  await prepareDemoData(running, { username: config.adminUsername, password: config.adminPassword! }, logger);
}

/** The one line for a start that cannot go on, or undefined for an unexpected error. */
export function startFailure(err: unknown, config: { host: string; port: number; dataDir: string }): string | undefined {
  if (err instanceof DataDirInUseError) return err.message;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EADDRINUSE':
      return `port ${config.port} on ${config.host} is already in use: stop what listens there or set PORT to another port (0 = any free port)`;
    case 'EACCES':
      return `not allowed to listen on ${config.host}:${config.port} (ports below 1024 need privileges): set PORT to 1024 or above`;
    case 'EADDRNOTAVAIL':
      return `HOST=${config.host} is not an address of this machine`;
    case 'ENOSPC':
    case 'SQLITE_FULL':
      return `the disk holding DATA_DIR ${config.dataDir} is full: free some space and start again`;
    default:
      return undefined;
  }
}

export async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`pingpin: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel, base: { app: 'pingpin' } });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  const demoData = demoDataWanted(config, logger);
  // The demo's administrator sets its people up through /v2, so it needs a password it knows (no forced change).
  if (demoData && config.adminPassword === undefined) config = { ...config, adminPassword: generatePassword() };
  let running;
  try {
    running = await start(config, logger);
    if (demoData) await withDemoData(running, config, logger);
  } catch (err) {
    // What stops a start is said in one line a person can act on, not a stack trace.
    const line = startFailure(err, config);
    if (line === undefined) throw err;
    logger.fatal({ err }, line);
    process.stderr.write(`pingpin: ${line}\n`);
    process.exit(1);
  }
  // Commands run synchronously in one transaction each, so by the time a signal is handled the
  // command in flight has committed; stop then closes workers, HTTP and the database cleanly.
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
