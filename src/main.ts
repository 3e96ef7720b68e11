/** `npm start` (through bin/pingpin.js): pingpin with the embedded engine (or against a cluster when CAMUNDA_REST_ADDRESS is set). */
import pino from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { DataDirInUseError } from './data-dir-lock.js';
import { start } from './runtime.js';

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
  let running;
  try {
    running = await start(config, logger);
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
