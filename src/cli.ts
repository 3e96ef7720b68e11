/** The `pingpin` command line. Each command is loaded only when it runs, so none slows the others. */
import { readFileSync } from 'node:fs';
import { commands } from './commands/index.js';

const COMMANDS: Array<[string, string]> = [
  ['start', 'start the server (default): embedded engine, REST API under /v2, workers'],
  ['version', 'print the version'],
  ['help', 'print this help; help <command> for one command'],
  ...Object.entries(commands).map(([name, c]): [string, string] => [name, c.summary]),
];

const width = Math.max(...COMMANDS.map(([name]) => name.length)) + 2;
const USAGE = `Usage: pingpin [command] [options]

Commands:
${COMMANDS.map(([name, summary]) => `  ${name.padEnd(width)}${summary}`).join('\n')}

Environment: PORT (8080; 0 = any free port), HOST (127.0.0.1), DATA_DIR (./data), LOG_LEVEL (info),
PINGPIN_AUTH (on | none), PINGPIN_ADMIN_USERNAME (admin), PINGPIN_ADMIN_PASSWORD, ENGINE_CLOCK_CONTROLLED (false),
BPMN_DIR (bpmn), FORMS_DIR (forms), WORKERS (true), DATABASE_URL (registry in PostgreSQL),
CAMUNDA_REST_ADDRESS (use a Camunda 8.8 cluster instead of the embedded engine),
NATIONAL_REGISTRY (local | http), NATIONAL_REGISTRY_URL, NATIONAL_REGISTRY_TOKEN,
HOLIDAYS_DIR (config/holidays), HOLIDAYS_WEEKENDS_ONLY (false).
`;

const command = process.argv[2] ?? 'start';
switch (command) {
  case 'start': {
    const { main } = await import('./main.js');
    await main();
    break;
  }
  case 'version':
  case '--version': {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    break;
  }
  case 'help':
  case '--help':
  case '-h': {
    const topic = process.argv[3];
    const entry = topic ? commands[topic] : undefined;
    process.stdout.write(entry ? `${(await entry.load()).usage}\n` : USAGE);
    break;
  }
  default: {
    const entry = commands[command];
    if (!entry) {
      process.stderr.write(`pingpin: unknown command '${command}'\n\n${USAGE}`);
      process.exit(2);
    }
    process.exitCode = await (await entry.load()).run(process.argv.slice(3));
  }
}
