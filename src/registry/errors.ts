/**
 * Errors of the registry. Every error a caller can cause has its own class and a message that says
 * what was wrong and what the rule is, so the API layer can map it to a problem detail without
 * parsing text.
 */

export class RegistryError extends Error {
  /** Stable machine-readable kind, e.g. for mapping to HTTP status codes. */
  readonly code: string = 'REGISTRY_ERROR';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  /** Dotted path of the offending field in the input, e.g. `holder.idNumber` or `entries.3.name`. */
  field: string;
  /** The rule it broke, in words. */
  rule: string;
}

/** Input that does not satisfy the operation's schema. */
export class ValidationError extends RegistryError {
  override readonly code = 'VALIDATION';
  constructor(
    readonly operation: string,
    readonly issues: FieldIssue[],
  ) {
    super(`${operation}: invalid input: ${issues.map((i) => `${i.field || '(input)'}: ${i.rule}`).join('; ')}`);
  }
}

export class NotFoundError extends RegistryError {
  override readonly code = 'NOT_FOUND';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} does not exist`);
  }
}

/** The operation conflicts with what is stored (duplicate key, wrong state, …). */
export class ConflictError extends RegistryError {
  override readonly code = 'CONFLICT';
}

/** A reservation would take a unit beyond its quota (001 四(六)). */
export class QuotaExceededError extends RegistryError {
  override readonly code = 'QUOTA_EXCEEDED';
}

/** All 999999 certificate serials of an (evaluator, year, level) are used (DOMAIN.md §3). */
export class SerialExhaustedError extends RegistryError {
  override readonly code = 'SERIAL_EXHAUSTED';
}

/** Purging an archive before its retention period has ended (002 七(四)). */
export class RetentionError extends RegistryError {
  override readonly code = 'RETENTION';
}

/** The personal-data key does not match the one the database was written with. */
export class KeyMismatchError extends RegistryError {
  override readonly code = 'KEY_MISMATCH';
}
