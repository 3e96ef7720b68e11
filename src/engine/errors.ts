/**
 * Errors the engine rejects a command with. The REST layer maps `kind` to the HTTP status and an
 * RFC 9457 problem detail, as Camunda 8.8 does.
 */
export type RejectionKind =
  | 'INVALID_ARGUMENT' // 400
  | 'NOT_FOUND' // 404
  | 'INVALID_STATE' // 409
  | 'ALREADY_EXISTS' // 409
  | 'DEADLINE_EXCEEDED' // 504
  | 'UNAVAILABLE'; // 503

export class EngineError extends Error {
  /**
   * @param intent the rejected command's intent (e.g. 'COMPLETE'); the REST layer then words the
   * detail as Zeebe does: "Command 'COMPLETE' rejected with code 'NOT_FOUND': …".
   */
  constructor(
    readonly kind: RejectionKind,
    message: string,
    readonly intent?: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export const notFound = (what: string, key: string | number): EngineError =>
  new EngineError('NOT_FOUND', `${what} with key '${key}' not found`);
