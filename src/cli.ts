/** The `pingpin` command line. */
import { readFileSync } from 'node:fs';
import { commands } from './commands/index.js';
import { main } from './main.js';

const USAGE = `Usage: pingpin [command]

Commands:
  start      start the server (default): embedded engine, REST API under /v2, workers
  version    print the version
  help       print this help (help <command> for one command)
${await commandSummaries()}
Environment: PORT (8080; 0 = any free port), HOST, DATA_DIR (./data), LOG_LEVEL (info),
BPMN_DIR (bpmn), FORMS_DIR (forms), WORKERS (true), CAMUNDA_REST_ADDRESS (use a Camunda 8.8
cluster instead of the embedded engine).
`;

async function commandSummaries(): Promise<string> {
  const lines: string[] = [];
  for (const [name, load] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`);
  return lines.join('\n');
}

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
  case '-h': {
    const topic = process.argv[3];
    const load = topic ? commands[topic] : undefined;
    process.stdout.write(load ? `${(await load()).usage}\n` : USAGE);
    break;
  }
  default: {
    const load = commands[command];
    if (!load) {
      process.stderr.write(`pingpin: unknown command '${command}'\n\n${USAGE}`);
      process.exit(2);
    }
    process.exitCode = await (await load()).run(process.argv.slice(3));
  }
}
