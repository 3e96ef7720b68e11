/**
 * The registry's tables as Kysely types, and the two dialects it runs on.
 *
 * Column conventions, chosen so that SQLite and PostgreSQL store and return exactly the same values:
 * - dates are TEXT 'YYYY-MM-DD', timestamps TEXT ISO 8601 UTC with milliseconds ('…T…Z'): both
 *   compare correctly as strings, and neither driver converts them to Date objects;
 * - booleans are INTEGER 0/1 with a CHECK (SQLite has no boolean; better-sqlite3 cannot bind one);
 * - JSON is TEXT written by JSON.stringify (not jsonb, which would reorder keys);
 * - numbers are INTEGER (int4 in PostgreSQL, returned as JS numbers; nothing stored exceeds 2^31);
 *   process instance keys (int64) are TEXT;
 * - text comparisons are exact (both default to binary/C comparison for `=`); identifiers are
 *   upper-cased by validation before they are stored or looked up.
 */
import Database from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';

export type Flag = 0 | 1;

export interface MetaTable {
  name: string;
  value: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface EnterpriseTable {
  credit_code: string;
  name: string;
  division_code: string;
  province: string;
  above_scale: Flag;
  large: Flag;
  provincially_filed: Flag;
  chain_leader: Flag;
  self_evaluation_since: string | null;
  senior_recognition_done: Flag;
  senior_recognition_on: string | null;
  created_at: string;
  updated_at: string;
}

export interface EvaluatorFilingTable {
  credit_code: string;
  level: string;
  category: string;
  evaluator_code: string;
  province: string;
  site_serial: string;
  /** category + evaluator code + province + site serial: positions 1–13 of the certificate code. */
  evaluator_key: string;
  authority: string;
  filed_on: string;
  status: string;
  updated_at: string;
}

export interface CampaignTable {
  id: string;
  jurisdiction: string;
  credit_code: string;
  levels: string;
  year: number;
  batch: number | null;
  deadline: string;
  status: string;
  process_instance_key: string | null;
  created_at: string;
  updated_at: string;
  /** 'appraisal' (评聘, T / S) or 'recognition' (直接认定, 5…1; migration 0003). */
  kind: string;
}

export interface ApplicationTable {
  id: string;
  campaign_id: string;
  level: string;
  applicant_name: string;
  applicant_id_hash: string;
  applicant_id_masked: string;
  applicant_id_enc: string;
  applicant: string;
  eligibility: string | null;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface ApplicationHistoryTable {
  application_id: string;
  seq: number;
  status: string;
  by: string;
  at: string;
  why: string | null;
}

export interface NoticeTable {
  id: string;
  campaign_id: string;
  kind: string;
  window_start: string;
  window_end: string;
  ends_at: string;
  entries: string;
  status: string;
  published_at: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
  /** 0005; notices written before it have a title derived from their kind. */
  title: string;
  /** 0005: the caller's key for a create done once (unique when set). */
  idempotency_key: string | null;
}

export interface ObjectionTable {
  id: string;
  notice_id: string;
  submitter_contact: string;
  text: string;
  received_at: string;
  outcome: string;
  investigator: string | null;
  resolution: string | null;
  closed_at: string | null;
  application_id: string | null;
  /** 0005: the date the investigation concluded, recorded with the outcome. */
  investigated_on: string | null;
  /** 0005: the caller's key for a filing done once (unique when set). */
  idempotency_key: string | null;
  /** 0006: the submission (intake) the objection was filed from; unique when set. */
  submission_id: string | null;
}

/** 0006: a public submission (objection, fraud report) as the intake received it. */
export interface SubmissionTable {
  id: string;
  kind: string;
  submission_number: string;
  notice_id: string | null;
  campaign_id: string | null;
  application_id: string | null;
  credit_code: string | null;
  submitter_masked: string | null;
  submitter_enc: string | null;
  contact_masked: string | null;
  contact_enc: string | null;
  /** Masked: phone numbers, e-mail addresses and ID numbers in it replaced by their masked forms. */
  text: string;
  /** The text as submitted, encrypted. */
  text_enc: string;
  received_at: string;
}

export interface CertificateTable {
  code: string;
  holder_name: string;
  holder_id_hash: string;
  holder_id_masked: string;
  holder_id_enc: string;
  level: string;
  occupation_code: string;
  occupation_name: string;
  evaluator_credit_code: string;
  evaluator_key: string;
  year: number;
  serial: number;
  issued_on: string;
  status: string;
  revoked_reason: string | null;
  revoked_on: string | null;
  application_id: string | null;
  created_at: string;
}

export interface SerialCounterTable {
  evaluator_key: string;
  year: number;
  level: string;
  last_serial: number;
}

export interface BanTable {
  id: string;
  subject: string;
  id_hash: string | null;
  id_masked: string | null;
  credit_code: string | null;
  reason: string;
  basis: string;
  decided_on: string;
  disqualified_year: number;
  until: string;
  lifted_on: string | null;
  lift_reason: string | null;
  created_at: string;
}

export interface QuotaTable {
  credit_code: string;
  year: number;
  level: string;
  quota: number;
  reserved: number;
  updated_at: string;
}

export interface QuotaReservationTable {
  id: string;
  credit_code: string;
  year: number;
  level: string;
  status: string;
  reserved_at: string;
  released_at: string | null;
}

export interface ArchiveTable {
  id: string;
  campaign_id: string;
  retention_class: string;
  archived_on: string;
  retain_until: string;
  status: string;
  content: string | null;
  purged_on: string | null;
  created_at: string;
}

export interface NationalUploadTable {
  certificate_code: string;
  reference: string;
  holder_name: string;
  holder_id_masked: string;
  level: string;
  occupation_code: string;
  occupation_name: string;
  evaluator_credit_code: string;
  evaluator_name: string;
  issued_on: string;
  uploaded_at: string;
  /** 0004: the receipt. */
  via: string;
  receipt_status: string | null;
  receipt_at: string | null;
  http_status: number | null;
  answer: string | null;
}

export interface AppointmentTable {
  application_id: string;
  certificate_code: string | null;
  signed_on: string;
  term_start: string;
  term_end: string;
  post: string;
  created_at: string;
  /** 0004 */
  agreement_number: string | null;
  duties: string | null;
  benefits: string | null;
}

export interface ManagementPeriodTable {
  certificate_code: string;
  application_id: string;
  credit_code: string;
  recommended_by: string;
  approved_on: string;
  start_on: string;
  end_on: string;
  status: string;
  ended_on: string | null;
  end_ground: string | null;
  process_instance_key: string | null;
  created_at: string;
  updated_at: string;
}

export interface ManagementAssessmentTable {
  certificate_code: string;
  slot: string;
  kind: string;
  year: number | null;
  result: string;
  duties_performance: string;
  comment: string;
  assessed_on: string;
  recorded_at: string;
}

export interface ManagementEventTable {
  certificate_code: string;
  seq: number;
  kind: string;
  occurred_on: string;
  ground: string | null;
  text: string | null;
  recorded_at: string;
}

/** The report of a direct-recognition round to the filing place's skills center (001 附件2 四; migration 0003). */
export interface SkillsCenterReportTable {
  campaign_id: string;
  credit_code: string;
  recipient_division_code: string;
  recipient_name: string;
  filing_number: string | null;
  filed_on: string | null;
  reported_on: string;
  /** JSON: the records as sent, ID numbers masked. */
  records: string;
  record_count: number;
  created_at: string;
}

export interface TaskCommentTable {
  id: string;
  user_task_key: string;
  process_instance_key: string | null;
  author: string;
  author_name: string;
  text: string;
  created_at: string;
  /** Order of the comments of one task (1, 2, …): timestamps of a pinned clock may tie. */
  seq: number;
}

export interface TaskFilterTable {
  id: string;
  owner: string;
  name: string;
  /** JSON object, as the page saved it. */
  filter: string;
  created_at: string;
  updated_at: string;
}

export interface TasklistUserTable {
  username: string;
  notifications_seen_at: string | null;
  /** China date (YYYY-MM-DD) of the last daily digest sent. */
  digest_sent_on: string | null;
}

export interface DB {
  meta: MetaTable;
  audit_head: AuditHeadTable;
  audit_log: AuditLogTable;
  enterprises: EnterpriseTable;
  evaluator_filings: EvaluatorFilingTable;
  campaigns: CampaignTable;
  applications: ApplicationTable;
  application_history: ApplicationHistoryTable;
  notices: NoticeTable;
  objections: ObjectionTable;
  submissions: SubmissionTable;
  certificates: CertificateTable;
  serial_counters: SerialCounterTable;
  bans: BanTable;
  quotas: QuotaTable;
  quota_reservations: QuotaReservationTable;
  archives: ArchiveTable;
  national_uploads: NationalUploadTable;
  appointments: AppointmentTable;
  skills_center_reports: SkillsCenterReportTable;
  management_periods: ManagementPeriodTable;
  management_assessments: ManagementAssessmentTable;
  management_events: ManagementEventTable;
  task_comments: TaskCommentTable;
  task_filters: TaskFilterTable;
  tasklist_users: TasklistUserTable;
}

export type DialectName = 'sqlite' | 'postgres';

// ---------------------------------------------------------------------------------------------
// SQLite: every transaction is BEGIN IMMEDIATE, so a writer takes the database's write lock before
// its first read. Two processes can then never both read a counter and both write it, and no
// transaction fails half-way with SQLITE_BUSY when upgrading a read lock. While another connection
// holds the lock, BEGIN IMMEDIATE is retried with short asynchronous back-off (up to
// SQLITE_BUSY_TIMEOUT_MS) instead of SQLite's own busy handler, which sleeps synchronously (blocking
// the event loop) and in steps of up to 100 ms. DDL is transactional in SQLite, so migrations run
// in such a transaction too.

/** How long a SQLite writer waits for another connection's write transaction before failing. */
export const SQLITE_BUSY_TIMEOUT_MS = 15_000;
/** SQLite's own busy wait, for the rare reads that meet a lock (WAL recovery, checkpoints). */
const SQLITE_STATEMENT_BUSY_MS = 2_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly database: Database.Database,
  ) {
    super(config);
  }

  override async beginTransaction(): Promise<void> {
    const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
    let delay = 1;
    for (;;) {
      this.database.pragma('busy_timeout = 0');
      try {
        this.database.exec('BEGIN IMMEDIATE');
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      } finally {
        this.database.pragma(`busy_timeout = ${SQLITE_STATEMENT_BUSY_MS}`);
      }
      await sleep(delay * (0.5 + Math.random()));
      delay = Math.min(delay * 2, 16);
    }
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class RegistrySqliteDialect extends SqliteDialect {
  constructor(private readonly database: Database.Database) {
    super({ database });
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.database }, this.database);
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export function sqliteKysely(path: string): Kysely<DB> {
  const database = new Database(path, { timeout: SQLITE_STATEMENT_BUSY_MS });
  database.pragma('journal_mode = WAL');
  // NORMAL survives process crashes (kill -9) in WAL mode; only an OS crash may lose the last commits.
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  return new Kysely<DB>({ dialect: new RegistrySqliteDialect(database) });
}

export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function postgresKysely(
  connectionString: string,
  options: { schema?: string; poolSize?: number; onPoolError?: (err: Error) => void },
): { db: Kysely<DB>; pool: pg.Pool } {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`schema ${JSON.stringify(options.schema)}: must be a lower-case SQL identifier (a-z, 0-9, _; at most 63)`);
  }
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  pool.on('error', (err) => options.onPoolError?.(err));
  return { db: new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }), pool };
}
