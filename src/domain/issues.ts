/**
 * One shape for everything the domain rules can object to, so forms, workers, the REST API and the
 * command line report problems the same way:
 * - `code`: stable English identifier (`idNumber.checkChar`, `publicity.minDays`, …) to branch on;
 * - `rule`: where the rule comes from (a seed clause such as `002 五(一)3`, or a standard such as
 *   `GB 11643-1999`), so a clerk or an auditor can look it up;
 * - `message`: zh-CN, for clerks;
 * - `detail`: English, for operators and logs;
 * - `field`: the input field the issue is about, when the function takes several;
 * - `position`/`end`: 1-based character positions (inclusive) inside the value, when it is a code.
 */
export interface Issue {
  code: string;
  rule: string;
  message: string;
  detail: string;
  field?: string;
  position?: number;
  end?: number;
  expected?: string;
  found?: string;
}

/** Thrown by domain functions that compute something (a code, a period) and cannot. */
export class DomainError extends Error {
  readonly issues: Issue[];

  constructor(issues: [Issue, ...Issue[]]) {
    super(issues.map((i) => i.detail).join('; '));
    this.name = 'DomainError';
    this.issues = issues;
  }

  /** The first issue, the one to show when there is room for only one. */
  get issue(): Issue {
    return this.issues[0] as Issue;
  }

  get code(): string {
    return this.issue.code;
  }
}

/** `'X'` with the quotes, or `end of input` — for messages that show what was found. */
export const quote = (found: string | undefined): string => (found === undefined || found === '' ? 'nothing' : `'${found}'`);
