/** `npm start` (through bin/pingpin.js): pingpin with the embedded engine (or against a cluster when CAMUNDA_REST_ADDRESS is set). */
import pino from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { start } from './runtime.js';

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
  const running = await start(config, logger);
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
