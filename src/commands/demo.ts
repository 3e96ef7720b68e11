/** `pingpin demo`: seeds demo data and drives one campaign per jurisdiction and level end to end (docs/demo.md). */
import { ConfigError, loadConfig } from '../config.js';
import type { Command } from './index.js';
import { parseStrict, printError, usageError, wantsHelp } from './cli-io.js';

const usage = `Usage: pingpin demo [--data-dir DIR] [--lang zh|en|both] [--json] [--log-level LEVEL]

Seeds demo data (an enterprise per jurisdiction with its evaluator filings; applicants covering
every eligibility route, an ineligible one, an objection, a fraud case) and drives one 评聘 campaign
per jurisdiction and level — Guangdong, Fujian and Sichuan 特级技师 and 首席技师, the national pilot
特级技师 — through every step, completing each user task through the REST API as its clerk would
with what its form submits. Prints every step in Chinese and English and, at the end, the
certificate codes issued, read from the registry. Details: docs/demo.md.

  --data-dir DIR   where the registry and the engine keep the demo's data; must be empty or absent
                   (default: a fresh temporary directory, printed and kept, so that
                   DATA_DIR=<it> npm start shows the demo's instances, notices and certificates)
  --lang           zh, en or both (default both: one line "中文 / English" per step)
  --json           the result as JSON on stdout (the steps go to stderr)
  --log-level      the app's own log on stderr (default error)

Embedded engine by default (its clock is pinned at 2026-04-15 09:00 Asia/Shanghai and moved through
the publicity windows). With CAMUNDA_REST_ADDRESS set it runs against that Camunda 8.8 cluster,
which must run with a controlled clock (ZEEBE_CLOCK_CONTROLLED=true); the demo says so if not.

Exit 0 when every campaign finished, 1 when one stopped (an incident, a task that did not appear,
a refusal: quoted on stderr), 2 on bad options.`;

export const command: Command = {
  usage,
  async run(args) {
    if (wantsHelp(args)) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const parsed = parseStrict(args, { 'data-dir': { type: 'string' }, lang: { type: 'string' }, json: { type: 'boolean' }, 'log-level': { type: 'string' } }, usage);
    if (!parsed) return 2;
    const { values, positionals } = parsed;
    if (positionals.length) return usageError(`参数错误：多余的参数 ${positionals.join(' ')}`, 'args', usage);
    const lang = (values.lang ?? 'both') as string;
    if (!['zh', 'en', 'both'].includes(lang)) return usageError(`参数错误：--lang 应为 zh、en 或 both，实为 ${lang}`, 'lang', usage);
    const logLevel = values['log-level'] ?? 'error';
    if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) return usageError(`参数错误：--log-level 不是 pino 的级别：${logLevel}`, 'log-level', usage);
    let config;
    try {
      config = loadConfig();
    } catch (err) {
      if (err instanceof ConfigError) return printError({ error: err.message, field: 'environment', rule: 'README.md#command-line', code: 'config' });
      throw err;
    }
    const { runDemo, freshDataDir } = await import('../demo/run.js');
    const { DemoError } = await import('../demo/clerk.js');
    const json = values.json === true;
    const out = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
    const dataDir = values['data-dir'] ?? freshDataDir();
    try {
      // The environment's BPMN_DIR / FORMS_DIR are resolved against the working directory; without them the demo deploys the package's own models.
      const fromEnv = process.env.BPMN_DIR || process.env.FORMS_DIR;
      const result = await runDemo({ dataDir, lang: lang as 'zh' | 'en' | 'both', config: fromEnv ? config : { ...config, resourceDirs: [] }, print: out, logLevel });
      if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        out('');
        out(
          lang === 'en'
            ? `Data kept in ${result.dataDir}; look around with: DATA_DIR=${result.dataDir} npm start`
            : lang === 'zh'
              ? `演示数据保存在 ${result.dataDir}；查看：DATA_DIR=${result.dataDir} npm start`
              : `演示数据保存在 ${result.dataDir}；查看：DATA_DIR=${result.dataDir} npm start / data kept; look around with the command above`,
        );
      }
      return 0;
    } catch (err) {
      if (err instanceof DemoError) {
        process.stderr.write(`\n演示中止 / demo stopped:\n${lang === 'en' ? err.en : lang === 'zh' ? err.zh : `${err.zh}\n${err.en}`}\n`);
        return 1;
      }
      process.stderr.write(`\n演示中止 / demo stopped: ${(err as Error).stack ?? String(err)}\n`);
      return 1;
    }
  },
};
