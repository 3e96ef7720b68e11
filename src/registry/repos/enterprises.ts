/**
 * Enterprises (the units that run 评聘) and their evaluator filings per level (备案; 002 二(一),
 * 000 附件3 一(一), 003 二(一)).
 */
import { z } from 'zod';
import type { Selectable } from 'kysely';
import { bool, flag, type Core, type WriteContext } from '../core.js';
import type { EnterpriseTable, EvaluatorFilingTable } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import * as v from '../validation.js';
import type { CampaignLevel } from './campaigns.js';

export type FilingStatus = 'active' | 'suspended' | 'revoked';

export interface EvaluatorKey {
  /** Y 用人单位 (employer) or S 社会培训评价组织. */
  category: 'Y' | 'S';
  /** MOHRSS evaluator code, 4 digits; '0000' when filed with the provincial HRSS. */
  evaluatorCode: string;
  /** Province of the evaluator site (2 digits). */
  province: string;
  /** Site serial assigned by the provincial HRSS (6 digits). */
  siteSerial: string;
}

export interface EvaluatorFiling extends EvaluatorKey {
  creditCode: string;
  /** T / S (评聘), or 5…1: the levels a unit recognizes directly under the filing (001 附件2). */
  level: CampaignLevel;
  /** category + evaluatorCode + province + siteSerial: the first 13 characters of its certificate codes. */
  evaluatorKey: string;
  authority: 'province' | 'mohrss';
  filedOn: string;
  status: FilingStatus;
  updatedAt: string;
}

export interface Enterprise {
  creditCode: string;
  name: string;
  divisionCode: string;
  province: string;
  /** 规模以上企业 */
  aboveScale: boolean;
  /** 大型企业 */
  large: boolean;
  /** 省属备案企业 */
  provinciallyFiled: boolean;
  /** 产教评技能生态链链主企业 */
  chainLeader: boolean;
  /** Since when it self-evaluates skill levels (Fujian: ≥ 3 years; 000 附件3 一(一)). */
  selfEvaluationSince: string | null;
  /** 高级技师 recognition completed (000 附件3 一(一)). */
  seniorRecognitionDone: boolean;
  seniorRecognitionOn: string | null;
  filings: EvaluatorFiling[];
  createdAt: string;
  updatedAt: string;
}

export const evaluatorKeySchema = z
  .object({
    category: z.enum(['Y', 'S'], { error: "must be 'Y' (employer) or 'S' (social training-evaluation organization)" }),
    evaluatorCode: z.string().regex(/^\d{4}$/, "must be 4 digits (the MOHRSS evaluator code, '0000' when filed with the provincial HRSS)"),
    province: v.province,
    siteSerial: z.string().regex(/^\d{6}$/, 'must be 6 digits (the site serial assigned by the provincial HRSS)'),
  })
  .strict();

export const formatEvaluatorKey = (k: EvaluatorKey): string => `${k.category}${k.evaluatorCode}${k.province}${k.siteSerial}`;

const fields = {
  name: v.text(200),
  divisionCode: v.divisionCode,
  province: v.province.optional(),
  aboveScale: z.boolean(),
  large: z.boolean(),
  provinciallyFiled: z.boolean(),
  chainLeader: z.boolean(),
  selfEvaluationSince: v.date.nullable(),
  seniorRecognitionDone: z.boolean(),
  seniorRecognitionOn: v.date.nullable(),
};

function checkConsistency(value: { divisionCode?: string; province?: string; seniorRecognitionDone?: boolean; seniorRecognitionOn?: string | null }, ctx: z.RefinementCtx) {
  if (value.divisionCode && value.province && value.divisionCode.slice(0, 2) !== value.province) {
    ctx.addIssue({ code: 'custom', path: ['province'], message: `must be the first two digits of divisionCode (${value.divisionCode.slice(0, 2)})` });
  }
  if (value.seniorRecognitionDone === true && !value.seniorRecognitionOn) {
    ctx.addIssue({ code: 'custom', path: ['seniorRecognitionOn'], message: 'is required when seniorRecognitionDone is true' });
  }
  if (value.seniorRecognitionDone === false && value.seniorRecognitionOn) {
    ctx.addIssue({ code: 'custom', path: ['seniorRecognitionOn'], message: 'must be null when seniorRecognitionDone is false' });
  }
}

const CreateSchema = z
  .object({
    creditCode: v.creditCode,
    ...fields,
    aboveScale: fields.aboveScale.default(false),
    large: fields.large.default(false),
    provinciallyFiled: fields.provinciallyFiled.default(false),
    chainLeader: fields.chainLeader.default(false),
    selfEvaluationSince: fields.selfEvaluationSince.default(null),
    seniorRecognitionDone: fields.seniorRecognitionDone.default(false),
    seniorRecognitionOn: fields.seniorRecognitionOn.default(null),
    by: v.actor,
  })
  .strict()
  .superRefine(checkConsistency);
export type CreateEnterpriseInput = z.input<typeof CreateSchema>;

const UpdateSchema = z
  .object({ creditCode: v.creditCode, ...fields, by: v.actor })
  .partial()
  .required({ creditCode: true, by: true })
  .strict();
export type UpdateEnterpriseInput = z.input<typeof UpdateSchema>;

const FileSchema = z
  .object({
    creditCode: v.creditCode,
    level: v.campaignLevel,
    category: evaluatorKeySchema.shape.category,
    evaluatorCode: evaluatorKeySchema.shape.evaluatorCode,
    province: v.province.optional(),
    siteSerial: evaluatorKeySchema.shape.siteSerial,
    authority: z.enum(['province', 'mohrss'], { error: "must be 'province' (filed with the provincial HRSS) or 'mohrss'" }),
    filedOn: v.date,
    status: z.enum(['active', 'suspended', 'revoked'], { error: "must be 'active', 'suspended' or 'revoked'" }).default('active'),
    by: v.actor,
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.authority === 'province' && value.evaluatorCode !== '0000') {
      ctx.addIssue({ code: 'custom', path: ['evaluatorCode'], message: "must be '0000' when the filing authority is the province" });
    }
    if (value.authority === 'mohrss' && value.evaluatorCode === '0000') {
      ctx.addIssue({ code: 'custom', path: ['evaluatorCode'], message: "must be the MOHRSS code 0001-9999 when the filing authority is 'mohrss'" });
    }
  });
export type FileEvaluatorInput = z.input<typeof FileSchema>;

const FilingStatusSchema = z
  .object({
    creditCode: v.creditCode,
    level: v.campaignLevel,
    status: z.enum(['active', 'suspended', 'revoked'], { error: "must be 'active', 'suspended' or 'revoked'" }),
    why: v.text(1000).optional(),
    by: v.actor,
  })
  .strict();

export function toFiling(r: Selectable<EvaluatorFilingTable>): EvaluatorFiling {
  return {
    creditCode: r.credit_code,
    level: r.level as CampaignLevel,
    category: r.category as 'Y' | 'S',
    evaluatorCode: r.evaluator_code,
    province: r.province,
    siteSerial: r.site_serial,
    evaluatorKey: r.evaluator_key,
    authority: r.authority as 'province' | 'mohrss',
    filedOn: r.filed_on,
    status: r.status as FilingStatus,
    updatedAt: r.updated_at,
  };
}

function toEnterprise(r: Selectable<EnterpriseTable>, filings: EvaluatorFiling[]): Enterprise {
  return {
    creditCode: r.credit_code,
    name: r.name,
    divisionCode: r.division_code,
    province: r.province,
    aboveScale: bool(r.above_scale),
    large: bool(r.large),
    provinciallyFiled: bool(r.provincially_filed),
    chainLeader: bool(r.chain_leader),
    selfEvaluationSince: r.self_evaluation_since,
    seniorRecognitionDone: bool(r.senior_recognition_done),
    seniorRecognitionOn: r.senior_recognition_on,
    filings,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class Enterprises {
  constructor(private readonly core: Core) {}

  async create(input: CreateEnterpriseInput): Promise<Enterprise> {
    const i = v.parse('enterprises.create', CreateSchema, input);
    return this.core.write(i.by, async (w) => {
      const existing = await w.db.selectFrom('enterprises').select('credit_code').where('credit_code', '=', i.creditCode).executeTakeFirst();
      if (existing) throw new ConflictError(`enterprise ${i.creditCode} already exists (credit codes are unique)`);
      await w.db
        .insertInto('enterprises')
        .values({
          credit_code: i.creditCode,
          name: i.name,
          division_code: i.divisionCode,
          province: i.province ?? i.divisionCode.slice(0, 2),
          above_scale: flag(i.aboveScale),
          large: flag(i.large),
          provincially_filed: flag(i.provinciallyFiled),
          chain_leader: flag(i.chainLeader),
          self_evaluation_since: i.selfEvaluationSince,
          senior_recognition_done: flag(i.seniorRecognitionDone),
          senior_recognition_on: i.seniorRecognitionOn,
          created_at: w.at,
          updated_at: w.at,
        })
        .execute();
      const { by: _by, ...details } = i;
      await w.audit('enterprise.created', 'enterprise', i.creditCode, details);
      return (await this.load(w.db, i.creditCode))!;
    });
  }

  async update(input: UpdateEnterpriseInput): Promise<Enterprise> {
    const i = v.parse('enterprises.update', UpdateSchema, input);
    return this.core.write(i.by, async (w) => {
      const current = await this.load(w.db, i.creditCode);
      if (!current) throw new NotFoundError('enterprise', i.creditCode);
      const { creditCode, by: _by, ...changes } = i;
      const merged = { ...current, ...Object.fromEntries(Object.entries(changes).filter(([, x]) => x !== undefined)) } as Enterprise;
      if (changes.divisionCode !== undefined && changes.province === undefined) merged.province = merged.divisionCode.slice(0, 2);
      if (changes.seniorRecognitionDone === false && changes.seniorRecognitionOn === undefined) merged.seniorRecognitionOn = null;
      const issues: { field: string; rule: string }[] = [];
      if (merged.divisionCode.slice(0, 2) !== merged.province) issues.push({ field: 'province', rule: `must be the first two digits of divisionCode (${merged.divisionCode.slice(0, 2)})` });
      if (merged.seniorRecognitionDone && !merged.seniorRecognitionOn) issues.push({ field: 'seniorRecognitionOn', rule: 'is required when seniorRecognitionDone is true' });
      if (!merged.seniorRecognitionDone && merged.seniorRecognitionOn) issues.push({ field: 'seniorRecognitionOn', rule: 'must be null when seniorRecognitionDone is false' });
      if (issues.length) throw new ValidationError('enterprises.update', issues);
      await w.db
        .updateTable('enterprises')
        .set({
          name: merged.name,
          division_code: merged.divisionCode,
          province: merged.province,
          above_scale: flag(merged.aboveScale),
          large: flag(merged.large),
          provincially_filed: flag(merged.provinciallyFiled),
          chain_leader: flag(merged.chainLeader),
          self_evaluation_since: merged.selfEvaluationSince,
          senior_recognition_done: flag(merged.seniorRecognitionDone),
          senior_recognition_on: merged.seniorRecognitionOn,
          updated_at: w.at,
        })
        .where('credit_code', '=', creditCode)
        .execute();
      await w.audit('enterprise.updated', 'enterprise', creditCode, changes);
      return (await this.load(w.db, creditCode))!;
    });
  }

  async get(creditCode: string): Promise<Enterprise | undefined> {
    const code = v.parse('enterprises.get', z.object({ creditCode: v.creditCode }), { creditCode }).creditCode;
    return this.load(this.core.db, code);
  }

  async list(filter: { province?: string } = {}): Promise<Enterprise[]> {
    const f = v.parse('enterprises.list', z.object({ province: v.province.optional() }).strict(), filter);
    let q = this.core.db.selectFrom('enterprises').selectAll().orderBy('credit_code');
    if (f.province) q = q.where('province', '=', f.province);
    const rows = await q.execute();
    const filings = await this.core.db.selectFrom('evaluator_filings').selectAll().orderBy('level').execute();
    return rows.map((r) => toEnterprise(r, filings.filter((x) => x.credit_code === r.credit_code).map(toFiling)));
  }

  /** Records (or replaces) the enterprise's evaluator filing for a level: T or S, or 5…1 (直接认定). */
  async fileEvaluator(input: FileEvaluatorInput): Promise<EvaluatorFiling> {
    const i = v.parse('enterprises.fileEvaluator', FileSchema, input);
    return this.core.write(i.by, async (w) => {
      const enterprise = await w.db.selectFrom('enterprises').select(['province']).where('credit_code', '=', i.creditCode).executeTakeFirst();
      if (!enterprise) throw new NotFoundError('enterprise', i.creditCode);
      const province = i.province ?? enterprise.province;
      const evaluatorKey = formatEvaluatorKey({ category: i.category, evaluatorCode: i.evaluatorCode, province, siteSerial: i.siteSerial });
      const other = await w.db
        .selectFrom('evaluator_filings')
        .select('credit_code')
        .where('evaluator_key', '=', evaluatorKey)
        .where('credit_code', '<>', i.creditCode)
        .executeTakeFirst();
      if (other) {
        throw new ConflictError(`evaluator ${evaluatorKey} is already filed for enterprise ${other.credit_code}: certificate serials are counted per evaluator, so two enterprises cannot share one`);
      }
      const row = {
        credit_code: i.creditCode,
        level: i.level,
        category: i.category,
        evaluator_code: i.evaluatorCode,
        province,
        site_serial: i.siteSerial,
        evaluator_key: evaluatorKey,
        authority: i.authority,
        filed_on: i.filedOn,
        status: i.status,
        updated_at: w.at,
      };
      await w.db
        .insertInto('evaluator_filings')
        .values(row)
        .onConflict((oc) => oc.columns(['credit_code', 'level']).doUpdateSet({ ...row }))
        .execute();
      const { by: _by, creditCode: _c, ...details } = i;
      await w.audit('enterprise.evaluator-filed', 'enterprise', i.creditCode, { ...details, province, evaluatorKey });
      return toFiling(row);
    });
  }

  async setFilingStatus(input: z.input<typeof FilingStatusSchema>): Promise<EvaluatorFiling> {
    const i = v.parse('enterprises.setFilingStatus', FilingStatusSchema, input);
    return this.core.write(i.by, async (w) => {
      const row = await w.db
        .updateTable('evaluator_filings')
        .set({ status: i.status, updated_at: w.at })
        .where('credit_code', '=', i.creditCode)
        .where('level', '=', i.level)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new NotFoundError('evaluator filing', `${i.creditCode}/${i.level}`);
      await w.audit('enterprise.filing-status', 'enterprise', i.creditCode, { level: i.level, status: i.status, why: i.why });
      return toFiling(row);
    });
  }

  private async load(db: WriteContext['db'] | Core['db'], creditCode: string): Promise<Enterprise | undefined> {
    const row = await db.selectFrom('enterprises').selectAll().where('credit_code', '=', creditCode).executeTakeFirst();
    if (!row) return undefined;
    const filings = await db.selectFrom('evaluator_filings').selectAll().where('credit_code', '=', creditCode).orderBy('level').execute();
    return toEnterprise(row, filings.map(toFiling));
  }
}
