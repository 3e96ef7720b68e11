/**
 * What job workers may use besides their job's variables. The runtime builds one set of services per
 * process and hands it to every handler, so handlers stay testable with fakes and never reach for
 * globals. See docs/procedures.md for which worker uses what.
 */
import type { WorkingDayCalendar } from '../src/domain/calendar.js';
import type { Registry } from '../src/registry/index.js';

/** One certificate as the national certificate query system (全国职业技能等级证书查询系统) receives it. */
export interface NationalCertificateRecord {
  certificateCode: string;
  holderName: string;
  /** The clear resident ID number: the national system needs it; it never goes into process variables. */
  idNumber: string;
  level: string;
  occupation: { code: string; name: string };
  evaluator: { creditCode: string; name: string };
  issuedOn: string;
}

export interface NationalUploadReceipt {
  /** The national system's own id for the record (the local adapter uses the certificate code). */
  reference: string;
  /** True when the certificate had been uploaded before (redelivery): nothing was sent twice. */
  alreadyUploaded: boolean;
  /** The national system's status of the record as it answered it (local: `recorded`), if it sent one. */
  status?: string;
  /** When the national system says it received the record, as it wrote it (local: the registry's time). */
  receivedAt?: string;
  /** HTTP: the status code of the answer (2xx, or 409 when it already had the certificate). */
  httpStatus?: number;
  /** HTTP: the answer's body, ID numbers masked, truncated; the registry keeps it as the proof of the upload. */
  answer?: string;
}

/**
 * The upload to the national query system. Two implementations: local (records the upload in the
 * registry; the default) and HTTP (URL and credentials from configuration; retries with back-off;
 * idempotent by certificate code). A failure throws NationalRegistryError carrying what the national
 * system answered, which the worker puts into the job's error message (and so into the incident).
 */
export interface NationalRegistryAdapter {
  readonly kind: 'local' | 'http';
  upload(record: NationalCertificateRecord): Promise<NationalUploadReceipt>;
}

export class NationalRegistryError extends Error {
  constructor(
    message: string,
    /** HTTP status of the national system's answer, when there was one. */
    readonly status?: number,
    /** Its body, as received (truncated), for the incident message. */
    readonly answer?: string,
  ) {
    super(message);
    this.name = 'NationalRegistryError';
  }
}

export interface WorkerServices {
  registry: Registry;
  /** Working days with config/holidays overrides (DOMAIN.md §4). */
  calendar: WorkingDayCalendar;
  nationalRegistry: NationalRegistryAdapter;
  /** Where the DMN models live (eligibility evaluated in TypeScript, e.g. by the CLI). */
  modelsDir: string;
  /**
   * The engine's clock: the pinned one in embedded mode (tests and demos move it), the system clock
   * against a cluster. Workers take "today" from here, never from Date.
   */
  now(): Date;
  /**
   * Publishes a message (name, correlation key) through the same client the workers use. With a
   * `messageId`, the engine keeps one message of that id while it is buffered (Zeebe de-duplicates by
   * it: a second publish is refused with 409 ALREADY_EXISTS, which this resolves as done): give one
   * derived from what the message announces when a redelivered job must not publish it twice, with a
   * time to live long enough to cover redeliveries.
   */
  publishMessage(name: string, correlationKey: string, variables: Record<string, unknown>, timeToLiveMs?: number, messageId?: string): Promise<void>;
  /**
   * The user on whose behalf a job was created (the clerk whose task completion led to it), where
   * the engine knows it (embedded mode); the registry names them in its audit trail.
   */
  causeOf?(jobKey: string): string | undefined;
}
