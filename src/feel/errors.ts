/**
 * The errors of FEEL: a malformed expression (at deployment), a failed evaluation (an incident at
 * runtime), and an evaluation that went over its budget, which fails like any other evaluation.
 */
export class FeelSyntaxError extends Error {}

/** An expression that failed at runtime or produced a result of the wrong type. */
export class FeelEvaluationError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(message);
  }
}

/**
 * An evaluation that went over its budget (FeelBudget): time, the size of a list it iterates, its
 * iterations in all, or the size of its result. A pingpin safety net; Zeebe has no such limit.
 */
export class FeelBudgetExceeded extends FeelEvaluationError {
  constructor(
    /** The expression as quoted in messages: `'=count(…)'`, or unary tests without `=`. */
    readonly subject: string,
    /** The budget that was exceeded, with its unit: `1000 ms`, `100000 list elements`. */
    readonly budget: string,
    /** What went over it, when more than the time: `the range 1..10000000 has 10000000 elements`. */
    readonly detail: string | undefined,
    expression: string,
  ) {
    super(`Evaluation of ${subject} exceeded its budget of ${budget}${detail ? ` (${detail})` : ''}`, expression);
  }

  /** The message naming the element whose expression it is. */
  at(elementId: string): string {
    return `Evaluation of ${this.subject} at element '${elementId}' exceeded its budget of ${this.budget}${this.detail ? ` (${this.detail})` : ''}`;
  }
}

/** An evaluation failure as an incident message: a budget failure also names the element. */
export function failureMessage(err: FeelEvaluationError, elementId: string): string {
  return err instanceof FeelBudgetExceeded ? err.at(elementId) : err.message;
}
