/**
 * Bans for fraud (弄虚作假): the person or the applying unit loses this year's eligibility and may
 * not apply or take part for five years (003 六(四); 002 七(四)).
 *
 * A ban decided on D is stored with `until` = D + 5 years (29 Feb → 28 Feb) and
 * `disqualifiedYear` = the year of D. For a date A it is active when
 *   (1 January of disqualifiedYear) ≤ A < until, and it has not been lifted on or before A,
 * i.e. the five years run up to the day before `until`, and the year of the decision is lost
 * entirely (effect 'disqualified-this-year' for dates of that year before D, 'banned' from D on).
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { addYears } from '../../domain/china-time.js';
import type { Core } from '../core.js';
import type { BanTable } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import * as v from '../validation.js';

export const BAN_YEARS = 5;
export const BAN_BASES = ['003 六(四)', '002 七(四)'] as const;

export interface Ban {
  id: string;
  subject: 'person' | 'enterprise';
  /** Masked ID number, for a person. */
  idNumber: string | null;
  /** For an enterprise. */
  creditCode: string | null;
  reason: string;
  basis: string;
  decidedOn: string;
  disqualifiedYear: number;
  /** First day the ban no longer applies (decidedOn + 5 years). */
  until: string;
  liftedOn: string | null;
  liftReason: string | null;
  createdAt: string;
}

export interface ActiveBan extends Ban {
  effect: 'disqualified-this-year' | 'banned';
}

const common = {
  reason: v.text(2000),
  basis: z.enum(BAN_BASES, { error: `must cite the rule: one of ${BAN_BASES.join(', ')}` }),
  decidedOn: v.date,
  by: v.actor,
};

const RecordSchema = z.discriminatedUnion(
  'subject',
  [
    z.object({ subject: z.literal('person'), idNumber: v.idNumber, ...common }).strict(),
    z.object({ subject: z.literal('enterprise'), creditCode: v.creditCode, ...common }).strict(),
  ],
  { error: "subject must be 'person' (with idNumber) or 'enterprise' (with creditCode)" },
);
export type RecordBanInput = z.input<typeof RecordSchema>;

const LiftSchema = z.object({ id: v.entityId, reason: v.text(2000), liftedOn: v.date, by: v.actor }).strict();

const ActiveSchema = z
  .object({ idNumber: v.idNumber.optional(), creditCode: v.creditCode.optional(), asOf: v.date })
  .strict()
  .refine((q) => q.idNumber !== undefined || q.creditCode !== undefined, { path: ['idNumber'], message: 'idNumber or creditCode is required' });
export type ActiveBansQuery = z.input<typeof ActiveSchema>;

function toBan(r: Selectable<BanTable>): Ban {
  return {
    id: r.id,
    subject: r.subject as Ban['subject'],
    idNumber: r.id_masked,
    creditCode: r.credit_code,
    reason: r.reason,
    basis: r.basis,
    decidedOn: r.decided_on,
    disqualifiedYear: Number(r.disqualified_year),
    until: r.until,
    liftedOn: r.lifted_on,
    liftReason: r.lift_reason,
    createdAt: r.created_at,
  };
}

export class Bans {
  constructor(private readonly core: Core) {}

  async record(input: RecordBanInput): Promise<Ban> {
    const i = v.parse('bans.record', RecordSchema, input);
    return this.core.write(i.by, async (w) => {
      const protectedId = i.subject === 'person' ? this.core.pd.protect(i.idNumber) : undefined;
      const row = {
        id: randomUUID(),
        subject: i.subject,
        id_hash: protectedId?.hash ?? null,
        id_masked: protectedId?.masked ?? null,
        credit_code: i.subject === 'enterprise' ? i.creditCode : null,
        reason: i.reason,
        basis: i.basis,
        decided_on: i.decidedOn,
        disqualified_year: Number(i.decidedOn.slice(0, 4)),
        until: addYears(i.decidedOn, BAN_YEARS),
        lifted_on: null,
        lift_reason: null,
        created_at: w.at,
      };
      await w.db.insertInto('bans').values(row).execute();
      await w.audit('ban.recorded', 'ban', row.id, {
        subject: i.subject,
        who: row.id_masked ?? row.credit_code,
        basis: i.basis,
        decidedOn: i.decidedOn,
        until: row.until,
      });
      return toBan(row);
    });
  }

  /** Ends a ban early (e.g. the fraud finding was overturned); it no longer applies from liftedOn. */
  async lift(input: z.input<typeof LiftSchema>): Promise<Ban> {
    const i = v.parse('bans.lift', LiftSchema, input);
    return this.core.write(i.by, async (w) => {
      const current = await w.db.selectFrom('bans').selectAll().where('id', '=', i.id).executeTakeFirst();
      if (!current) throw new NotFoundError('ban', i.id);
      if (current.lifted_on) throw new ConflictError(`ban ${i.id} was already lifted on ${current.lifted_on}`);
      if (i.liftedOn < current.decided_on) throw new ValidationError('bans.lift', [{ field: 'liftedOn', rule: `must not be before the decision (${current.decided_on})` }]);
      const row = await w.db.updateTable('bans').set({ lifted_on: i.liftedOn, lift_reason: i.reason }).where('id', '=', i.id).returningAll().executeTakeFirstOrThrow();
      await w.audit('ban.lifted', 'ban', i.id, { liftedOn: i.liftedOn, reason: i.reason });
      return toBan(row);
    });
  }

  /** Bans in force on asOf for the person and/or the enterprise (used by eligibility). */
  async active(query: ActiveBansQuery): Promise<ActiveBan[]> {
    const q = v.parse('activeBans', ActiveSchema, query);
    const yearStart = Number(q.asOf.slice(0, 4));
    const idHash = q.idNumber ? this.core.pd.hash(q.idNumber) : undefined;
    const rows = await this.core.db
      .selectFrom('bans')
      .selectAll()
      .where((eb) => {
        const who = [];
        if (idHash) who.push(eb('id_hash', '=', idHash));
        if (q.creditCode) who.push(eb('credit_code', '=', q.creditCode));
        return eb.and([
          eb.or(who),
          eb('disqualified_year', '<=', yearStart),
          eb('until', '>', q.asOf),
          eb.or([eb('lifted_on', 'is', null), eb('lifted_on', '>', q.asOf)]),
        ]);
      })
      .orderBy('decided_on')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...toBan(r), effect: q.asOf < r.decided_on ? 'disqualified-this-year' : 'banned' }));
  }

  async get(banId: string): Promise<Ban | undefined> {
    const row = await this.core.db.selectFrom('bans').selectAll().where('id', '=', banId).executeTakeFirst();
    return row && toBan(row);
  }
}
