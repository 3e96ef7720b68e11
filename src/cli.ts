/** The `pingpin` command line. */
import { readFileSync } from 'node:fs';
import { main } from './main.js';

const USAGE = `Usage: pingpin [command]

Commands:
  start      start the server (default): embedded engine, REST API under /v2, workers
  version    print the version
  help       print this help

Environment: PORT (8080; 0 = any free port), HOST, DATA_DIR (./data), LOG_LEVEL (info),
BPMN_DIR (bpmn), FORMS_DIR (forms), WORKERS (true), CAMUNDA_REST_ADDRESS (use a Camunda 8.8
cluster instead of the embedded engine).
`;

const command = process.argv[2] ?? 'start';
switch (command) {
  case 'start':
    await main();
    break;
  case 'version':
  case '--version': {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    break;
  }
  case 'help':
  case '--help':
  case '-h':
    process.stdout.write(USAGE);
    break;
  default:
    process.stderr.write(`pingpin: unknown command '${command}'\n\n${USAGE}`);
    process.exit(2);
}
