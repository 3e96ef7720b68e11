/**
 * The `pingpin` subcommands besides `start`. Each module exports `run(args): Promise<number>`
 * (the exit code) and writes JSON to stdout; bad input exits 2 with the field path on stderr.
 */
export interface Command {
  /** One line for `pingpin help`. */
  summary: string;
  /** Usage lines for `pingpin help <command>`. */
  usage: string;
  run(args: string[]): Promise<number>;
}

/** Command name → loader, so `pingpin start` does not load what the other commands need. */
export const commands: Record<string, () => Promise<Command>> = {};
