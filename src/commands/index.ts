/**
 * The `pingpin` subcommands besides `start`. Each module exports `command: Command`; `run(args)`
 * returns the exit code and writes JSON to stdout; bad input exits 2 with the field path on stderr.
 */
export interface Command {
  /** Usage lines for `pingpin help <command>`. */
  usage: string;
  run(args: string[]): Promise<number>;
}

interface Entry {
  summary: string;
  load(): Promise<Command>;
}

/** Summaries live here so `pingpin help` loads no command module. */
export const commands: Record<string, Entry> = {
  eligibility: {
    summary: '评聘资格: evaluate an applicant against the 特级技师/首席技师 conditions (DMN)',
    load: () => import('./eligibility.js').then((m) => m.command),
  },
  'publicity-window': {
    summary: '公示期: start, end and working days of a publicity period',
    load: () => import('./publicity-window.js').then((m) => m.command),
  },
  'certificate-code': {
    summary: '证书编码: parse or format a 22-character certificate code',
    load: () => import('./certificate-code.js').then((m) => m.command),
  },
  demo: {
    summary: '演示: seed demo data and drive one campaign per jurisdiction and level to its certificates',
    load: () => import('./demo.js').then((m) => m.command),
  },
  validate: {
    summary: '校验: resident ID number, unified social credit code, division code',
    load: () => import('./validate.js').then((m) => m.command),
  },
};
