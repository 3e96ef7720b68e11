/**
 * What a chaos scenario reports: figures (printed as they are measured) and invariants (each one
 * checked against what the server actually did; any that fails makes `npm run chaos` exit 1).
 */
export interface Invariant {
  scenario: string;
  ok: boolean;
  text: string;
}

export class Report {
  readonly invariants: Invariant[] = [];
  /** What was seen to fall short of what pingpin promises, not (yet) an invariant: printed, never fatal. */
  readonly gaps: Invariant[] = [];
  readonly figures: Record<string, Record<string, unknown>> = {};

  constructor(private readonly print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)) {}

  scenario(name: string): Scenario {
    this.figures[name] ??= {};
    return new Scenario(name, this);
  }

  line(text: string): void {
    this.print(text);
  }

  get failed(): Invariant[] {
    return this.invariants.filter((i) => !i.ok);
  }
}

export class Scenario {
  constructor(
    readonly name: string,
    private readonly report: Report,
  ) {}

  /** A measured figure: printed, and kept for the summary. */
  figure(key: string, value: unknown, text?: string): void {
    this.report.figures[this.name]![key] = value;
    this.report.line(`  ${this.name} · ${text ?? `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`}`);
  }

  note(text: string): void {
    this.report.line(`  ${this.name} · ${text}`);
  }

  /** Checks an invariant; `text` says what must hold, `detail` what was seen (printed either way). */
  check(ok: boolean, text: string, detail?: string): boolean {
    this.report.invariants.push({ scenario: this.name, ok, text: detail ? `${text} (${detail})` : text });
    this.report.line(`  ${ok ? 'ok  ' : 'FAIL'} ${this.name}: ${text}${detail ? ` — ${detail}` : ''}`);
    return ok;
  }

  /** A shortfall measured but not held as an invariant (docs/reliability.md says why): printed, not fatal. */
  gap(seen: boolean, text: string, detail?: string): void {
    if (seen) this.report.gaps.push({ scenario: this.name, ok: false, text: detail ? `${text} (${detail})` : text });
    this.report.line(`  ${seen ? 'GAP ' : 'ok  '} ${this.name}: ${seen ? text : `no ${text}`}${detail ? ` — ${detail}` : ''}`);
  }

  /** A scenario that threw: recorded as a failed invariant with the error. */
  crashed(err: unknown): void {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    this.check(false, 'the scenario ran to its end', message.split('\n').slice(0, 6).join(' | '));
  }
}
