/**
 * Quota reservations of the quota workers (not a worker): the variables they read and the reservation ids.
 *
 * A Sichuan recommendation place (001 四(六)) is reserved under a reservation id derived from the
 * application id, so a redelivered job never counts twice (registry `quotas.reserve` is idempotent by
 * reservation id). The registry never reuses a released reservation id; when a candidate dropped
 * from a plan (its place released) is put forward again, the next id of the sequence is used:
 * `<applicationId>`, `<applicationId>~2`, `<applicationId>~3`, … — still derived only from what the
 * job is given and what the registry holds, so a repeated reserve or release finds the same one.
 */
import { z } from 'zod';
import type { QuotaReservation, Registry } from '../../src/registry/index.js';
import { bi, idString } from '../kit/index.js';

/** At most this many reserve/release rounds per application (a plan sent back this often is a case for an operator). */
export const MAX_ROUNDS = 50;

export const reservationId = (applicationId: string, round: number): string => (round <= 1 ? applicationId : `${applicationId}~${round}`);

export interface ReservationState {
  /** The reservation currently holding a place, if any. */
  active?: QuotaReservation;
  /** The last reservation of the sequence (active or released), if any. */
  last?: QuotaReservation;
  /** The id a new reservation takes. */
  nextId: string;
}

/** Walks the application's reservation ids in order. */
export async function reservationState(registry: Registry, applicationId: string): Promise<ReservationState> {
  let last: QuotaReservation | undefined;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const id = reservationId(applicationId, round);
    const r = await registry.quotas.reservation(id);
    if (!r) return { last, nextId: id };
    if (r.status === 'reserved') return { active: r, last: r, nextId: id };
    last = r;
  }
  throw new Error(
    bi(`申报 ${applicationId} 的推荐名额已占用又释放 ${MAX_ROUNDS} 次，请运维人员核查`, `application ${applicationId}: its quota place was reserved and released ${MAX_ROUNDS} times; an operator should look into it`),
  );
}

export const applicationIdSchema = idString('申报编号 applicationId', 'applicationId').describe('占用（或释放）推荐名额的申报编号（多实例的 inputElement）');

/** The part of `campaign` the quota workers read: a Sichuan campaign's year and level. */
export const quotaCampaignSchema = z
  .object(
    {
      id: idString('评聘活动编号 campaign.id', 'campaign.id'),
      jurisdiction: z.literal('sichuan', { error: bi('推荐名额只适用于四川省评聘（001 四(六)），campaign.jurisdiction 应为 sichuan', 'campaign.jurisdiction must be sichuan: recommendation quotas are Sichuan’s (001 四(六))') }),
      level: z.enum(['T', 'S'], { error: bi('评聘等级 campaign.level 应为 T（特级技师）或 S（首席技师）', 'campaign.level must be T or S') }),
      year: z
        .number({ error: bi('评聘年度 campaign.year 应为数字', 'campaign.year must be a number') })
        .int({ error: bi('评聘年度 campaign.year 应为整数', 'campaign.year must be a whole number') }),
    },
    { error: bi('缺少评聘活动变量 campaign（由“开启评聘活动”设置）', 'campaign is missing or not an object (set by pingpin.campaign.open)') },
  )
  .describe('评聘活动 {id, jurisdiction: "sichuan", level, year}，由“开启评聘活动”设置');

export const quotaEnterpriseSchema = z
  .object(
    { creditCode: idString('单位统一社会信用代码 enterprise.creditCode', 'enterprise.creditCode') },
    { error: bi('缺少单位变量 enterprise（由“开启评聘活动”设置）', 'enterprise is missing or not an object (set by pingpin.campaign.open)') },
  )
  .describe('用人单位 {creditCode, …}：推荐名额按单位、年度、等级设置');
