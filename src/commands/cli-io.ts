/**
 * Output conventions shared by the domain commands (publicity-window, certificate-code, validate):
 * - the result is one JSON document on stdout, exit 0 ("evaluated" — also when the answer is
 *   "this code is invalid");
 * - bad input or usage: exit 2 and one JSON line on stderr,
 *   `{"error": <zh-CN message>, "field": <option or argument name>, "rule": <source of the rule>,
 *     "code": <stable identifier>, "issues"?: [<every Issue when there are several>]}`.
 * `-h` / `--help` prints the usage on stdout, exit 0.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Issue } from '../domain/issues.js';

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 2;

export interface ErrorReport {
  error: string;
  field: string;
  rule: string;
  code: string;
  issues?: Issue[];
  [extra: string]: unknown;
}

export function printResult(value: unknown): number {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return EXIT_OK;
}

export function printError(report: ErrorReport): number {
  process.stderr.write(`${JSON.stringify(report)}\n`);
  return EXIT_BAD_INPUT;
}

/** Report domain issues; `fieldName` maps an issue's field to the option name the user typed. */
export function printIssues(issues: readonly Issue[], fieldName: (field: string | undefined) => string, extra: Record<string, unknown> = {}): number {
  const first = issues[0] as Issue;
  return printError({
    error: first.message,
    field: fieldName(first.field),
    rule: first.rule,
    code: first.code,
    ...(issues.length > 1 ? { issues: [...issues] } : {}),
    ...extra,
  });
}

export function usageError(message: string, field: string, usage: string): number {
  return printError({ error: message, field, rule: `usage: ${(usage.split('\n')[0] ?? '').replace(/^Usage:\s*/, '')}`, code: 'usage' });
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs in strict mode; a parse failure becomes a usage error report (exit 2) whose
 * field is the offending option. Returns undefined after reporting.
 */
export function parseStrict<O extends Options>(
  args: string[],
  options: O,
  usage: string,
): { values: ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>>['values']; positionals: string[] } | undefined {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { values, positionals };
  } catch (e) {
    const message = (e as Error).message;
    const option = /'(-{1,2}[^'\s<]+)/.exec(message)?.[1];
    usageError(`参数错误：${message}`, option ? option.replace(/^-+/, '') : 'args', usage);
    return undefined;
  }
}

export const wantsHelp = (args: readonly string[]): boolean => args.includes('--help') || args.includes('-h');
