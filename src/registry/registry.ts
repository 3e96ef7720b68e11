/**
 * openRegistry(): the system of record, on SQLite (DATA_DIR/registry.db, the default) or on
 * PostgreSQL (databaseUrl postgres://…). Runs the migrations at start, checks the personal-data
 * key, and hands out the repositories. See README.md in this folder.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Migrator, sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { toAuditEntry, verifyChain, type AuditEntry, type AuditVerification } from './audit.js';
import { Core, mutexFor, type Logger } from './core.js';
import { postgresKysely, sqliteKysely, type DB, type DialectName } from './db.js';
import { KeyMismatchError } from './errors.js';
import { migrationProvider } from './migrations/index.js';
import { decodeSecret, loadOrCreateKeyFile, PersonalData } from './personal-data.js';
import { Archives } from './repos/archives.js';
import { Bans } from './repos/bans.js';
import { Appointments } from './repos/appointments.js';
import { Applications, Campaigns } from './repos/campaigns.js';
import { Certificates } from './repos/certificates.js';
import { Enterprises } from './repos/enterprises.js';
import { Intake } from './repos/intake.js';
import { ManagementPeriods } from './repos/management-periods.js';
import { NationalUploads } from './repos/national-uploads.js';
import { Notices, Objections } from './repos/notices.js';
import { Quotas } from './repos/quotas.js';
import { SkillsCenterReports } from './repos/skills-center-reports.js';
import { TaskComments, TaskFilters, TasklistUsers } from './repos/tasklist.js';
import * as v from './validation.js';

/** DATABASE_URL: unset → SQLite in DATA_DIR/registry.db; postgres://… → PostgreSQL. */
export const DatabaseUrlSchema = z
  .string()
  .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL URL postgres://user:password@host:port/database (leave it unset for SQLite in DATA_DIR/registry.db)');

export interface OpenRegistryOptions {
  /** DATA_DIR: holds registry.db (SQLite) and registry.key (unless `secret` is given). */
  dataDir: string;
  /** postgres://… to keep the registry in PostgreSQL instead of SQLite. */
  databaseUrl?: string;
  /** PostgreSQL schema for the registry's tables, created when missing (default: the search_path, usually public). */
  schema?: string;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** The 32-byte personal-data secret (hex or base64); default: DATA_DIR/registry.key, created when missing. */
  secret?: string | Buffer;
  logger?: Logger;
  /** The clock for every timestamp and "today" (tests pin it). */
  now?: () => Date;
}

const silent: Logger = { info() {}, warn() {}, error() {}, debug() {} };

const AuditListSchema = z
  .object({
    entityType: z.string().min(1).optional(),
    entityId: z.string().min(1).optional(),
    afterSeq: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(10_000, 'must be at most 10000').optional(),
  })
  .strict();

export class Registry {
  readonly enterprises: Enterprises;
  readonly campaigns: Campaigns;
  readonly applications: Applications;
  readonly notices: Notices;
  readonly objections: Objections;
  /** Public submissions (objections, fraud reports) as their channels received them; contacts encrypted. */
  readonly intake: Intake;
  readonly certificates: Certificates;
  readonly bans: Bans;
  readonly quotas: Quotas;
  readonly archives: Archives;
  readonly nationalUploads: NationalUploads;
  readonly appointments: Appointments;
  /** Sichuan three-year management periods (001 四(八), 附件4): assessments, events, benefits. */
  readonly managementPeriods: ManagementPeriods;
  /** Reports of direct-recognition rounds to the filing place's skills center (001 附件2 四). */
  readonly skillsCenterReports: SkillsCenterReports;
  /** Tasklist (任务中心): comments on user tasks, kept as the task's history. */
  readonly taskComments: TaskComments;
  /** Tasklist: each user's saved task-list filters. */
  readonly taskFilters: TaskFilters;
  /** Tasklist: each user's notification state (last seen, last daily digest). */
  readonly tasklistUsers: TasklistUsers;
  readonly audit: {
    list(filter?: z.input<typeof AuditListSchema>): Promise<AuditEntry[]>;
    /** Recomputes the audit hash chain; reports the first entry that does not fit. */
    verify(): Promise<AuditVerification>;
  };
  private closed = false;

  constructor(
    private readonly core: Core,
    /** Where the data lives, for logs: the SQLite file or the PostgreSQL host/database/schema (no password). */
    readonly location: string,
    private readonly onClose: () => Promise<void>,
  ) {
    this.enterprises = new Enterprises(core);
    this.campaigns = new Campaigns(core);
    this.applications = new Applications(core);
    this.notices = new Notices(core);
    this.objections = new Objections(core);
    this.intake = new Intake(core);
    this.certificates = new Certificates(core);
    this.bans = new Bans(core);
    this.quotas = new Quotas(core);
    this.archives = new Archives(core);
    this.nationalUploads = new NationalUploads(core);
    this.appointments = new Appointments(core);
    this.managementPeriods = new ManagementPeriods(core);
    this.skillsCenterReports = new SkillsCenterReports(core);
    this.taskComments = new TaskComments(core);
    this.taskFilters = new TaskFilters(core);
    this.tasklistUsers = new TasklistUsers(core);
    this.audit = {
      list: async (filter = {}) => {
        const f = v.parse('audit.list', AuditListSchema, filter);
        let q = core.db.selectFrom('audit_log').selectAll().orderBy('seq').limit(f.limit ?? 1000);
        if (f.entityType) q = q.where('entity_type', '=', f.entityType);
        if (f.entityId) q = q.where('entity_id', '=', f.entityId);
        if (f.afterSeq !== undefined) q = q.where('seq', '>', f.afterSeq);
        return (await q.execute()).map(toAuditEntry);
      },
      verify: () => verifyChain(core.db),
    };
  }

  get dialect(): DialectName {
    return this.core.dialect;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.onClose();
  }
}

function describePostgres(url: string, schema: string | undefined): string {
  try {
    const u = new URL(url);
    return `postgres://${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}${schema ? ` (schema ${schema})` : ''}`;
  } catch {
    return 'postgres (unparsable URL)';
  }
}

async function migrate(db: Kysely<DB>, dialect: DialectName, schema: string | undefined, logger: Logger): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const r of results ?? []) {
    if (r.status === 'Success') logger.info({ migration: r.migrationName }, 'registry migration applied');
    else if (r.status === 'Error') logger.error({ migration: r.migrationName }, 'registry migration failed');
  }
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`registry migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export async function openRegistry(options: OpenRegistryOptions): Promise<Registry> {
  const logger = options.logger ?? silent;
  const now = options.now ?? (() => new Date());
  const dataDir = resolve(options.dataDir);
  const secret = options.secret !== undefined ? decodeSecret(options.secret) : loadOrCreateKeyFile(join(dataDir, 'registry.key'));
  const pd = new PersonalData(secret);

  let db: Kysely<DB>;
  let dialect: DialectName;
  let location: string;
  let mutexKey: string | undefined;
  let closeDb: () => Promise<void>;
  if (options.databaseUrl) {
    const url = v.parse('openRegistry', z.object({ databaseUrl: DatabaseUrlSchema }), { databaseUrl: options.databaseUrl }).databaseUrl;
    dialect = 'postgres';
    location = describePostgres(url, options.schema);
    const pg = postgresKysely(url, {
      schema: options.schema,
      poolSize: options.poolSize,
      onPoolError: (err) => logger.warn({ err: err.message }, 'registry: idle PostgreSQL connection failed'),
    });
    db = pg.db;
    mutexKey = undefined; // PostgreSQL serializes writers itself (the audit head row lock)
    closeDb = () => db.destroy();
    if (options.schema) {
      try {
        await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(options.schema)}`.execute(db);
      } catch (err) {
        // Two processes creating it at once: one wins, the other sees a duplicate; both can go on.
        if ((err as { code?: string }).code !== '23505' && (err as { code?: string }).code !== '42P06') {
          await db.destroy();
          throw err;
        }
      }
    }
  } else {
    dialect = 'sqlite';
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'registry.db');
    location = file;
    mutexKey = file;
    db = sqliteKysely(file);
    closeDb = () => db.destroy();
  }

  const core = new Core(db, dialect, now, pd, logger, mutexKey === undefined ? undefined : mutexFor(mutexKey));
  try {
    await core.exclusive(() => migrate(db, dialect, options.schema, logger));
    const fingerprint = pd.fingerprint();
    const stored = await db.selectFrom('meta').select('value').where('name', '=', 'key_fingerprint').executeTakeFirst();
    if (!stored) {
      // Registered once, by whichever process gets there first; the others roll back.
      const alreadyRegistered = new Error('key already registered');
      await core
        .write('registry', async (w) => {
          const inserted = await w.db
            .insertInto('meta')
            .values({ name: 'key_fingerprint', value: fingerprint })
            .onConflict((oc) => oc.column('name').doNothing())
            .returning('name')
            .executeTakeFirst();
          if (!inserted) throw alreadyRegistered;
          await w.audit('registry.key-registered', 'registry', 'key', { fingerprint });
        })
        .catch((err) => {
          if (err !== alreadyRegistered) throw err;
        });
    }
    const effective = await db.selectFrom('meta').select('value').where('name', '=', 'key_fingerprint').executeTakeFirstOrThrow();
    if (effective.value !== fingerprint) {
      throw new KeyMismatchError(
        `the registry at ${location} was written with another personal-data key (fingerprint ${effective.value}, this one is ${fingerprint}): ` +
          `restore the original ${options.secret !== undefined ? 'secret' : join(dataDir, 'registry.key')}; without it ID numbers can be neither read nor matched`,
      );
    }
    // Objections filed before 0006 kept the objector's contact in clear: encrypted now that the key is known.
    const adopted = await new Intake(core).adoptLegacy();
    if (adopted > 0) logger.info({ objections: adopted }, 'registry: contacts of earlier objections moved to the intake, encrypted');
  } catch (err) {
    await closeDb();
    throw err;
  }
  logger.info({ dialect, location }, 'registry open');
  return new Registry(core, location, closeDb);
}
