/**
 * Sichuan recommendation quotas per unit, year and level (001 四(六)): the province sets them; each
 * application that is put forward reserves one place under a reservation id (the application id),
 * so retrying a reserve or a release never counts twice. `reserved` can never go below zero or
 * above the quota: the reserve is one conditional UPDATE (… SET reserved = reserved + 1 WHERE
 * reserved < quota), backed by a CHECK constraint.
 */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Core } from '../core.js';
import type { QuotaReservationTable, QuotaTable } from '../db.js';
import { ConflictError, NotFoundError, QuotaExceededError } from '../errors.js';
import * as v from '../validation.js';

export const SICHUAN = '51';

export interface Quota {
  creditCode: string;
  year: number;
  level: 'T' | 'S';
  quota: number;
  reserved: number;
  available: number;
  updatedAt: string;
}

export interface QuotaReservation {
  id: string;
  creditCode: string;
  year: number;
  level: 'T' | 'S';
  status: 'reserved' | 'released';
  reservedAt: string;
  releasedAt: string | null;
}

const keyFields = { creditCode: v.creditCode, year: v.year, level: v.appointedLevel };
const SetSchema = z.object({ ...keyFields, quota: z.number().int('must be a whole number').min(0, 'must not be negative').max(100_000, 'must be at most 100000'), by: v.actor }).strict();
const KeySchema = z.object(keyFields).strict();
const ReserveSchema = z.object({ reservationId: v.entityId, ...keyFields, by: v.actor }).strict();
const ReleaseSchema = z.object({ reservationId: v.entityId, by: v.actor }).strict();

function toQuota(r: Selectable<QuotaTable>): Quota {
  const quota = Number(r.quota);
  const reserved = Number(r.reserved);
  return { creditCode: r.credit_code, year: Number(r.year), level: r.level as 'T' | 'S', quota, reserved, available: quota - reserved, updatedAt: r.updated_at };
}

function toReservation(r: Selectable<QuotaReservationTable>): QuotaReservation {
  return {
    id: r.id,
    creditCode: r.credit_code,
    year: Number(r.year),
    level: r.level as 'T' | 'S',
    status: r.status as QuotaReservation['status'],
    reservedAt: r.reserved_at,
    releasedAt: r.released_at,
  };
}

export class Quotas {
  constructor(private readonly core: Core) {}

  /** Sets (or changes) a unit's quota; never below what is already reserved. */
  async set(input: z.input<typeof SetSchema>): Promise<Quota> {
    const i = v.parse('quotas.set', SetSchema, input);
    return this.core.write(i.by, async (w) => {
      const enterprise = await w.db.selectFrom('enterprises').select('province').where('credit_code', '=', i.creditCode).executeTakeFirst();
      if (!enterprise) throw new NotFoundError('enterprise', i.creditCode);
      if (enterprise.province !== SICHUAN) {
        throw new ConflictError(`enterprise ${i.creditCode} is in province ${enterprise.province}: recommendation quotas are set by Sichuan (51) only (001 四(六))`);
      }
      const current = await w.db
        .selectFrom('quotas')
        .selectAll()
        .where('credit_code', '=', i.creditCode)
        .where('year', '=', i.year)
        .where('level', '=', i.level)
        .executeTakeFirst();
      if (current && Number(current.reserved) > i.quota) {
        throw new QuotaExceededError(`quota ${i.creditCode}/${i.year}/${i.level}: ${current.reserved} places are already reserved; the quota cannot be set to ${i.quota}`);
      }
      const row = await w.db
        .insertInto('quotas')
        .values({ credit_code: i.creditCode, year: i.year, level: i.level, quota: i.quota, reserved: 0, updated_at: w.at })
        .onConflict((oc) => oc.columns(['credit_code', 'year', 'level']).doUpdateSet({ quota: i.quota, updated_at: w.at }))
        .returningAll()
        .executeTakeFirstOrThrow();
      await w.audit('quota.set', 'quota', `${i.creditCode}/${i.year}/${i.level}`, { quota: i.quota, previous: current ? Number(current.quota) : null });
      return toQuota(row);
    });
  }

  async get(key: z.input<typeof KeySchema>): Promise<Quota | undefined> {
    const k = v.parse('quotas.get', KeySchema, key);
    const row = await this.core.db
      .selectFrom('quotas')
      .selectAll()
      .where('credit_code', '=', k.creditCode)
      .where('year', '=', k.year)
      .where('level', '=', k.level)
      .executeTakeFirst();
    return row && toQuota(row);
  }

  /**
   * Reserves one place. Idempotent: the same reservationId for the same quota returns the existing
   * reservation without counting again.
   */
  async reserve(input: z.input<typeof ReserveSchema>): Promise<QuotaReservation> {
    const i = v.parse('quotas.reserve', ReserveSchema, input);
    const label = `${i.creditCode}/${i.year}/${i.level}`;
    return this.core.write(i.by, async (w) => {
      const existing = await w.db.selectFrom('quota_reservations').selectAll().where('id', '=', i.reservationId).executeTakeFirst();
      if (existing) {
        if (existing.credit_code !== i.creditCode || Number(existing.year) !== i.year || existing.level !== i.level) {
          throw new ConflictError(`reservation ${i.reservationId} belongs to quota ${existing.credit_code}/${existing.year}/${existing.level}, not ${label}`);
        }
        if (existing.status === 'released') throw new ConflictError(`reservation ${i.reservationId} was released at ${existing.released_at}; use a new reservation id`);
        await w.audit('quota.reserve-repeated', 'quota', label, { reservationId: i.reservationId });
        return toReservation(existing);
      }
      const updated = await w.db
        .updateTable('quotas')
        .set((eb) => ({ reserved: eb('reserved', '+', 1), updated_at: w.at }))
        .where('credit_code', '=', i.creditCode)
        .where('year', '=', i.year)
        .where('level', '=', i.level)
        .where((eb) => eb('reserved', '<', eb.ref('quota')))
        .returning(['quota', 'reserved'])
        .executeTakeFirst();
      if (!updated) {
        const quota = await w.db
          .selectFrom('quotas')
          .selectAll()
          .where('credit_code', '=', i.creditCode)
          .where('year', '=', i.year)
          .where('level', '=', i.level)
          .executeTakeFirst();
        if (!quota) throw new NotFoundError('quota', label);
        throw new QuotaExceededError(`quota ${label} is exhausted: ${quota.reserved} of ${quota.quota} places are reserved (001 四(六))`);
      }
      const row = { id: i.reservationId, credit_code: i.creditCode, year: i.year, level: i.level, status: 'reserved', reserved_at: w.at, released_at: null };
      await w.db.insertInto('quota_reservations').values(row).execute();
      await w.audit('quota.reserved', 'quota', label, { reservationId: i.reservationId, reserved: Number(updated.reserved), quota: Number(updated.quota) });
      return toReservation(row);
    });
  }

  /** Releases a reservation. Idempotent: releasing it again returns it unchanged. */
  async release(input: z.input<typeof ReleaseSchema>): Promise<QuotaReservation> {
    const i = v.parse('quotas.release', ReleaseSchema, input);
    return this.core.write(i.by, async (w) => {
      const existing = await w.db.selectFrom('quota_reservations').selectAll().where('id', '=', i.reservationId).executeTakeFirst();
      if (!existing) throw new NotFoundError('quota reservation', i.reservationId);
      const label = `${existing.credit_code}/${existing.year}/${existing.level}`;
      if (existing.status === 'released') {
        await w.audit('quota.release-repeated', 'quota', label, { reservationId: i.reservationId });
        return toReservation(existing);
      }
      const updated = await w.db
        .updateTable('quotas')
        .set((eb) => ({ reserved: eb('reserved', '-', 1), updated_at: w.at }))
        .where('credit_code', '=', existing.credit_code)
        .where('year', '=', existing.year)
        .where('level', '=', existing.level)
        .where('reserved', '>', 0)
        .returning(['reserved'])
        .executeTakeFirst();
      if (!updated) throw new ConflictError(`quota ${label}: nothing is reserved, so reservation ${i.reservationId} cannot be released (the counter would go below zero)`);
      const row = await w.db
        .updateTable('quota_reservations')
        .set({ status: 'released', released_at: w.at })
        .where('id', '=', i.reservationId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await w.audit('quota.released', 'quota', label, { reservationId: i.reservationId, reserved: Number(updated.reserved) });
      return toReservation(row);
    });
  }

  async reservation(reservationId: string): Promise<QuotaReservation | undefined> {
    const row = await this.core.db.selectFrom('quota_reservations').selectAll().where('id', '=', reservationId).executeTakeFirst();
    return row && toReservation(row);
  }
}
