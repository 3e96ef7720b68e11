/**
 * Campaigns (one enterprise's 评聘 round for a year, level(s) and batch, run by one process
 * instance) and applications to them, with the full status history (who, when, why).
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Json } from '../audit.js';
import type { Core } from '../core.js';
import type { ApplicationHistoryTable, ApplicationTable, CampaignTable } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import * as v from '../validation.js';
import { CAMPAIGN_KINDS, LEVELS_OF_KIND, type AppointedLevel, type CampaignKind, type RecognitionLevel } from '../../domain/levels.js';

export { CAMPAIGN_KINDS, type CampaignKind } from '../../domain/levels.js';
/** T / S for an appraisal (评聘), 5…1 for a direct recognition (直接认定, 001 附件2). */
export type CampaignLevel = AppointedLevel | RecognitionLevel;

export const JURISDICTIONS = ['national', 'guangdong', 'fujian', 'sichuan'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

export const CAMPAIGN_STATUSES = ['planned', 'running', 'completed', 'cancelled', 'archived'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
const OPEN_CAMPAIGN: readonly CampaignStatus[] = ['planned', 'running'];

export interface Campaign {
  id: string;
  jurisdiction: Jurisdiction;
  /** appraisal (评聘, levels T / S) or recognition (Sichuan 直接认定, levels 5…1, 001 附件2). */
  kind: CampaignKind;
  creditCode: string;
  levels: CampaignLevel[];
  year: number;
  /** Guangdong runs two batches a year (002 三); null elsewhere. */
  batch: number | null;
  deadline: string;
  status: CampaignStatus;
  processInstanceKey: string | null;
  createdAt: string;
  updatedAt: string;
}

export const APPLICATION_STATUSES = [
  'submitted',
  'eligible',
  'ineligible',
  'in-review',
  'recommended',
  'not-recommended',
  'publicized',
  'approved',
  'rejected',
  'certified',
  'appointed',
  'withdrawn',
  'disqualified',
  'revoked',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export interface StatusChange {
  seq: number;
  status: ApplicationStatus;
  by: string;
  at: string;
  why: string | null;
}

export interface Application {
  id: string;
  campaignId: string;
  level: CampaignLevel;
  /** The applicant as submitted, with `idNumber` replaced by its masked form. */
  applicant: { name: string; idNumber: string; [key: string]: Json };
  eligibility: Json | null;
  status: ApplicationStatus;
  history: StatusChange[];
  createdAt: string;
  updatedAt: string;
}

export interface ApplicationWithIdNumber extends Application {
  idNumber: string;
}

const id = v.entityId;

const CreateCampaignSchema = z
  .object({
    id: id.regex(/^[A-Za-z0-9._:-]+$/, 'may contain only letters, digits and . _ : -').optional(),
    jurisdiction: z.enum(JURISDICTIONS, { error: `must be one of ${JURISDICTIONS.join(', ')}` }),
    kind: z.enum(CAMPAIGN_KINDS, { error: `must be one of ${CAMPAIGN_KINDS.join(', ')}` }).default('appraisal'),
    creditCode: v.creditCode,
    levels: z.array(v.campaignLevel).min(1, 'must name at least one level').refine((l) => new Set(l).size === l.length, 'must not repeat a level'),
    year: v.year,
    batch: z.number().int('must be a whole number').min(1, 'must be 1 or more').nullable().default(null),
    deadline: v.date,
    by: v.actor,
  })
  .strict()
  .superRefine((c, ctx) => {
    // An appraisal appoints 特级技师 / 首席技师 only; a direct recognition never reaches them (001 附件2 一(三)).
    c.levels.forEach((level, index) => {
      if (!LEVELS_OF_KIND[c.kind].includes(level)) {
        ctx.addIssue({
          code: 'custom',
          path: ['levels', index],
          message:
            c.kind === 'appraisal'
              ? `must be T (特级技师) or S (首席技师) for an appraisal campaign (kind 'appraisal'); ${level} is for a direct recognition (kind 'recognition')`
              : `must be 5, 4, 3, 2 or 1 (初级工…高级技师) for a direct recognition (kind 'recognition', 001 附件2 一(三)); ${level} is appointed by appraisal`,
        });
      }
    });
    if (c.kind === 'recognition' && c.jurisdiction !== 'sichuan') {
      ctx.addIssue({ code: 'custom', path: ['jurisdiction'], message: "must be sichuan for a direct recognition (kind 'recognition' follows Sichuan's 001 附件2)" });
    }
    if (c.jurisdiction === 'guangdong' && c.batch !== 1 && c.batch !== 2) {
      ctx.addIssue({ code: 'custom', path: ['batch'], message: 'must be 1 or 2 for Guangdong (two batches a year, 002 三)' });
    }
    if (c.jurisdiction !== 'guangdong' && c.batch !== null && c.batch !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['batch'], message: 'is only used in Guangdong (002 三); leave it out' });
    }
    if (Number(c.deadline.slice(0, 4)) !== c.year) {
      ctx.addIssue({ code: 'custom', path: ['deadline'], message: `must be in the campaign year ${c.year}` });
    }
  });
export type CreateCampaignInput = z.input<typeof CreateCampaignSchema>;

const CampaignStatusSchema = z
  .object({ id, status: z.enum(CAMPAIGN_STATUSES, { error: `must be one of ${CAMPAIGN_STATUSES.join(', ')}` }), why: v.text(1000).optional(), by: v.actor })
  .strict()
  .refine((x) => x.status !== 'archived', { path: ['status'], message: "is set to 'archived' by archive(), not directly" });

const AttachSchema = z.object({ id, processInstanceKey: v.processInstanceKey, by: v.actor }).strict();

const jsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number().refine(Number.isFinite, 'must be a finite number'), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

const CreateApplicationSchema = z
  .object({
    id: id.regex(/^[A-Za-z0-9._:-]+$/, 'may contain only letters, digits and . _ : -').optional(),
    campaignId: id,
    level: v.campaignLevel,
    applicant: z.object({ name: v.text(100), idNumber: v.idNumber }).catchall(jsonValue),
    by: v.actor,
  })
  .strict();
export type CreateApplicationInput = z.input<typeof CreateApplicationSchema>;

const EligibilitySchema = z.object({ id, result: jsonValue, by: v.actor }).strict();
const ApplicationStatusSchema = z
  .object({ id, status: z.enum(APPLICATION_STATUSES, { error: `must be one of ${APPLICATION_STATUSES.join(', ')}` }), why: v.text(2000).optional(), by: v.actor })
  .strict();

function toCampaign(r: Selectable<CampaignTable>): Campaign {
  return {
    id: r.id,
    jurisdiction: r.jurisdiction as Jurisdiction,
    kind: r.kind as CampaignKind,
    creditCode: r.credit_code,
    levels: JSON.parse(r.levels) as CampaignLevel[],
    year: Number(r.year),
    batch: r.batch === null ? null : Number(r.batch),
    deadline: r.deadline,
    status: r.status as CampaignStatus,
    processInstanceKey: r.process_instance_key,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toApplication(r: Selectable<ApplicationTable>, history: Selectable<ApplicationHistoryTable>[]): Application {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    level: r.level as CampaignLevel,
    applicant: JSON.parse(r.applicant) as Application['applicant'],
    eligibility: r.eligibility === null ? null : (JSON.parse(r.eligibility) as Json),
    status: r.status as ApplicationStatus,
    history: history
      .sort((a, b) => Number(a.seq) - Number(b.seq))
      .map((h) => ({ seq: Number(h.seq), status: h.status as ApplicationStatus, by: h.by, at: h.at, why: h.why })),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class Campaigns {
  constructor(private readonly core: Core) {}

  async create(input: CreateCampaignInput): Promise<Campaign> {
    const i = v.parse('campaigns.create', CreateCampaignSchema, input);
    return this.core.write(i.by, async (w) => {
      const enterprise = await w.db.selectFrom('enterprises').select('credit_code').where('credit_code', '=', i.creditCode).executeTakeFirst();
      if (!enterprise) throw new NotFoundError('enterprise', i.creditCode);
      const campaignId = i.id ?? randomUUID();
      if (await w.db.selectFrom('campaigns').select('id').where('id', '=', campaignId).executeTakeFirst()) {
        throw new ConflictError(`campaign ${campaignId} already exists`);
      }
      const row = {
        id: campaignId,
        jurisdiction: i.jurisdiction,
        kind: i.kind,
        credit_code: i.creditCode,
        levels: JSON.stringify(i.levels),
        year: i.year,
        batch: i.batch,
        deadline: i.deadline,
        status: 'planned',
        process_instance_key: null,
        created_at: w.at,
        updated_at: w.at,
      };
      await w.db.insertInto('campaigns').values(row).execute();
      const { by: _by, id: _id, ...details } = i;
      await w.audit('campaign.created', 'campaign', campaignId, details);
      return toCampaign(row);
    });
  }

  async get(campaignId: string): Promise<Campaign | undefined> {
    const row = await this.core.db.selectFrom('campaigns').selectAll().where('id', '=', campaignId).executeTakeFirst();
    return row && toCampaign(row);
  }

  async list(filter: { creditCode?: string; year?: number; status?: CampaignStatus } = {}): Promise<Campaign[]> {
    const f = v.parse(
      'campaigns.list',
      z.object({ creditCode: v.creditCode.optional(), year: v.year.optional(), status: z.enum(CAMPAIGN_STATUSES).optional() }).strict(),
      filter,
    );
    let q = this.core.db.selectFrom('campaigns').selectAll().orderBy('created_at').orderBy('id');
    if (f.creditCode) q = q.where('credit_code', '=', f.creditCode);
    if (f.year) q = q.where('year', '=', f.year);
    if (f.status) q = q.where('status', '=', f.status);
    return (await q.execute()).map(toCampaign);
  }

  async setStatus(input: z.input<typeof CampaignStatusSchema>): Promise<Campaign> {
    const i = v.parse('campaigns.setStatus', CampaignStatusSchema, input);
    return this.core.write(i.by, async (w) => {
      const current = await w.db.selectFrom('campaigns').select('status').where('id', '=', i.id).executeTakeFirst();
      if (!current) throw new NotFoundError('campaign', i.id);
      if (current.status === 'archived') throw new ConflictError(`campaign ${i.id} is archived; its status can no longer change`);
      const row = await w.db.updateTable('campaigns').set({ status: i.status, updated_at: w.at }).where('id', '=', i.id).returningAll().executeTakeFirstOrThrow();
      await w.audit('campaign.status', 'campaign', i.id, { from: current.status, to: i.status, why: i.why });
      return toCampaign(row);
    });
  }

  /** Records the process instance that runs the campaign (a Zeebe key, as a decimal string). */
  async attachProcessInstance(input: z.input<typeof AttachSchema>): Promise<Campaign> {
    const i = v.parse('campaigns.attachProcessInstance', AttachSchema, input);
    // Attaching the same instance again (a redelivered job) changes nothing: no write, no audit entry.
    const attached = await this.core.db.selectFrom('campaigns').selectAll().where('id', '=', i.id).executeTakeFirst();
    if (attached && attached.process_instance_key === i.processInstanceKey) return toCampaign(attached);
    return this.core.write(i.by, async (w) => {
      const current = await w.db.selectFrom('campaigns').select('process_instance_key').where('id', '=', i.id).executeTakeFirst();
      if (!current) throw new NotFoundError('campaign', i.id);
      if (current.process_instance_key !== null && current.process_instance_key !== i.processInstanceKey) {
        throw new ConflictError(`campaign ${i.id} is already run by process instance ${current.process_instance_key}`);
      }
      const row = await w.db
        .updateTable('campaigns')
        .set({ process_instance_key: i.processInstanceKey, updated_at: w.at })
        .where('id', '=', i.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await w.audit('campaign.process-instance', 'campaign', i.id, { processInstanceKey: i.processInstanceKey });
      return toCampaign(row);
    });
  }
}

export class Applications {
  constructor(private readonly core: Core) {}

  async create(input: CreateApplicationInput): Promise<Application> {
    const i = v.parse('applications.create', CreateApplicationSchema, input);
    return this.core.write(i.by, async (w) => {
      const campaign = await w.db.selectFrom('campaigns').selectAll().where('id', '=', i.campaignId).executeTakeFirst();
      if (!campaign) throw new NotFoundError('campaign', i.campaignId);
      if (!OPEN_CAMPAIGN.includes(campaign.status as CampaignStatus)) {
        throw new ConflictError(`campaign ${i.campaignId} is ${campaign.status}: applications are accepted only while it is planned or running`);
      }
      const levels = JSON.parse(campaign.levels) as string[];
      if (!levels.includes(i.level)) {
        throw new ValidationError('applications.create', [{ field: 'level', rule: `must be one of the campaign's levels (${levels.join(', ')})` }]);
      }
      const idNumber = i.applicant.idNumber as string;
      const name = i.applicant.name as string;
      const protectedId = this.core.pd.protect(idNumber);
      const duplicate = await w.db
        .selectFrom('applications')
        .select('id')
        .where('campaign_id', '=', i.campaignId)
        .where('applicant_id_hash', '=', protectedId.hash)
        .where('level', '=', i.level)
        .executeTakeFirst();
      if (duplicate) throw new ConflictError(`this person already applied for level ${i.level} in campaign ${i.campaignId} (application ${duplicate.id})`);
      const applicationId = i.id ?? randomUUID();
      const applicant = { ...i.applicant, name, idNumber: protectedId.masked };
      await w.db
        .insertInto('applications')
        .values({
          id: applicationId,
          campaign_id: i.campaignId,
          level: i.level,
          applicant_name: name,
          applicant_id_hash: protectedId.hash,
          applicant_id_masked: protectedId.masked,
          applicant_id_enc: protectedId.encrypted,
          applicant: JSON.stringify(applicant),
          eligibility: null,
          status: 'submitted',
          created_at: w.at,
          updated_at: w.at,
        })
        .execute();
      await w.db.insertInto('application_history').values({ application_id: applicationId, seq: 1, status: 'submitted', by: w.by, at: w.at, why: null }).execute();
      await w.audit('application.created', 'application', applicationId, { campaignId: i.campaignId, level: i.level, applicant: protectedId.masked });
      return (await this.load(w.db, applicationId))!;
    });
  }

  async get(applicationId: string): Promise<Application | undefined> {
    return this.load(this.core.db, applicationId);
  }

  /** Privileged: the application with the applicant's clear ID number. The read is audited. */
  async getWithIdNumber(applicationId: string, by: string): Promise<ApplicationWithIdNumber> {
    const actor = v.parse('applications.getWithIdNumber', z.object({ by: v.actor }), { by }).by;
    return this.core.write(actor, async (w) => {
      const app = await this.load(w.db, applicationId);
      if (!app) throw new NotFoundError('application', applicationId);
      const row = await w.db.selectFrom('applications').select('applicant_id_enc').where('id', '=', applicationId).executeTakeFirstOrThrow();
      await w.audit('application.id-number-read', 'application', applicationId);
      return { ...app, idNumber: this.core.pd.decrypt(row.applicant_id_enc) };
    });
  }

  async list(filter: { campaignId: string; status?: ApplicationStatus }): Promise<Application[]> {
    const f = v.parse('applications.list', z.object({ campaignId: id, status: z.enum(APPLICATION_STATUSES).optional() }).strict(), filter);
    let q = this.core.db.selectFrom('applications').selectAll().where('campaign_id', '=', f.campaignId).orderBy('created_at').orderBy('id');
    if (f.status) q = q.where('status', '=', f.status);
    const rows = await q.execute();
    if (rows.length === 0) return [];
    const history = await this.core.db
      .selectFrom('application_history')
      .selectAll()
      .where(
        'application_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => toApplication(r, history.filter((h) => h.application_id === r.id)));
  }

  /** Stores the eligibility result (as computed by the domain rules), replacing an earlier one. */
  async setEligibility(input: z.input<typeof EligibilitySchema>): Promise<Application> {
    const i = v.parse('applications.setEligibility', EligibilitySchema, input);
    return this.core.write(i.by, async (w) => {
      const res = await w.db
        .updateTable('applications')
        .set({ eligibility: JSON.stringify(i.result), updated_at: w.at })
        .where('id', '=', i.id)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new NotFoundError('application', i.id);
      await w.audit('application.eligibility', 'application', i.id, { result: i.result });
      return (await this.load(w.db, i.id))!;
    });
  }

  /** Moves the application to a new status and appends who / when / why to its history. */
  async setStatus(input: z.input<typeof ApplicationStatusSchema>): Promise<Application> {
    const i = v.parse('applications.setStatus', ApplicationStatusSchema, input);
    return this.core.write(i.by, async (w) => {
      const current = await w.db.selectFrom('applications').select('status').where('id', '=', i.id).executeTakeFirst();
      if (!current) throw new NotFoundError('application', i.id);
      // Disqualified (a ban, 003 六(四)) and withdrawn (the applicant's own decision) end an
      // application: a later step undoing them would hand a certificate to someone out of the round.
      // Recording the same status again (a note, a redelivered job) is not a change.
      const terminal = ['disqualified', 'withdrawn'];
      if (terminal.includes(current.status) && i.status !== current.status) {
        throw new ConflictError(
          `application ${i.id} is ${current.status}: it cannot become ${i.status} (disqualified and withdrawn are final; a new application is needed)`,
        );
      }
      const last = await w.db
        .selectFrom('application_history')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('application_id', '=', i.id)
        .executeTakeFirst();
      const seq = Number(last?.seq ?? 0) + 1;
      await w.db.updateTable('applications').set({ status: i.status, updated_at: w.at }).where('id', '=', i.id).execute();
      await w.db.insertInto('application_history').values({ application_id: i.id, seq, status: i.status, by: w.by, at: w.at, why: i.why ?? null }).execute();
      await w.audit('application.status', 'application', i.id, { from: current.status, to: i.status, why: i.why });
      return (await this.load(w.db, i.id))!;
    });
  }

  private async load(db: Core['db'], applicationId: string): Promise<Application | undefined> {
    const row = await db.selectFrom('applications').selectAll().where('id', '=', applicationId).executeTakeFirst();
    if (!row) return undefined;
    const history = await db.selectFrom('application_history').selectAll().where('application_id', '=', applicationId).execute();
    return toApplication(row, history);
  }
}
