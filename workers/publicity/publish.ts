/**
 * pingpin.publicity.publish — 发布公示 (docs/procedures.md `publicity` step 1; DOMAIN.md §4).
 *
 * Computes the publicity window from today (Asia/Shanghai, the engine clock) with the working-day
 * calendar — it starts on the first working day on or after today and ends at 23:59:59+08:00 of the
 * `days`-th working day —, records the notice in the registry with its entries masked (clear ID
 * numbers and mobile numbers in any text become `4401**********123X` / `138****5678`), and publishes it.
 *
 * Records the notice's title with it, masked like the entries (the registry refuses a clear ID number
 * in a public title).
 *
 * Idempotent by process instance: the notice is created under the idempotency key
 * `pingpin.publicity.publish#<processInstanceKey>` (also the audit actor); a redelivered job gets
 * the notice it created back (draft or published, with the window first computed) and publishes or
 * returns it instead of making a second one.
 */
import { z } from 'zod';
import { chinaDateTime } from '../../src/domain/china-time.js';
import { DomainError } from '../../src/domain/issues.js';
import { NOTICE_KINDS, type Notice } from '../../src/registry/index.js';
import { keyedActor, refusal, today, typeError } from '../kit/index.js';
import { defineWorker, NonRetryableError } from '../runtime.js';

export const TYPE = 'pingpin.publicity.publish';

const KIND_LABELS = 'candidates 参评人员情况 / results 评审结果 / chief-list 首席技师名单 / proposed 拟评聘名单 / plan 工作方案';

const entrySchema = z.object(
  {
    applicationId: z.string(typeError('公示名单条目的申报编号', 'entry applicationId')).trim().min(1, '申报编号不能为空 / applicationId must not be empty').max(100, '申报编号最多 100 字符 / applicationId must be at most 100 characters'),
    name: z.string(typeError('公示名单条目的姓名', 'entry name')).trim().min(1, '姓名不能为空 / name must not be empty').max(100, '姓名最多 100 字 / name must be at most 100 characters'),
    summary: z
      .string(typeError('公示名单条目的公示内容摘要', 'entry summary'))
      .max(2000, '公示内容摘要最多 2000 字 / summary must be at most 2000 characters')
      .nullish()
      .describe('公示内容摘要（单位、职业、等级、业绩等）'),
  },
  typeError('公示名单条目', 'notice entry'),
);

const input = z.object({
  campaign: z
    .object({ id: z.string(typeError('评聘活动编号', 'campaign.id')).trim().min(1, '评聘活动编号不能为空 / campaign.id must not be empty') }, typeError('评聘活动', 'campaign'))
    .describe('评聘活动（读取 id，登记簿中的评聘活动编号）'),
  notice: z
    .object(
      {
        kind: z.enum(NOTICE_KINDS, { error: `公示类型 notice.kind 须为 ${KIND_LABELS} / notice.kind must be one of ${NOTICE_KINDS.join(', ')}` }),
        title: z.string(typeError('公示标题', 'notice.title')).trim().min(2, '公示标题至少 2 字 / notice.title must have at least 2 characters').max(200, '公示标题最多 200 字 / notice.title must be at most 200 characters'),
        entries: z.array(entrySchema, typeError('公示名单', 'notice.entries')).max(10_000, '公示名单最多 10000 条 / notice.entries must have at most 10000 entries'),
      },
      typeError('公示内容', 'notice'),
    )
    .superRefine((n, ctx) => {
      // A plan (工作方案) is publicized as a document, naming nobody (001 附件2 四; 003 四); every other
      // kind publicizes people, and an empty list of them would be a notice about nothing.
      if (n.kind !== 'plan' && n.entries.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['entries'],
          message: `公示名单至少一人（${n.kind} 类公示的是人员；只有工作方案公示 plan 可以不列人员） / notice.entries must not be empty for a ${n.kind} notice (only a plan notice may list nobody)`,
        });
      }
      if (n.kind === 'plan' && n.entries.length > 0) {
        ctx.addIssue({ code: 'custom', path: ['entries'], message: '工作方案公示（plan）不列人员，notice.entries 应为空 / notice.entries must be empty for a plan notice (it publicizes the plan, not people)' });
      }
      const seen = new Set<string>();
      n.entries.forEach((e, i) => {
        if (seen.has(e.applicationId)) ctx.addIssue({ code: 'custom', path: ['entries', i, 'applicationId'], message: `申报编号 ${e.applicationId} 在公示名单中重复 / applicationId ${e.applicationId} appears twice` });
        seen.add(e.applicationId);
      });
    })
    .describe('公示内容 {kind, title, entries: [{applicationId, name, summary}]}；kind：candidates 参评人员情况、results 评审结果、chief-list 首席技师名单（另可 proposed、plan）；工作方案公示 plan 的 entries 为空，其余至少一人'),
  days: z
    .number(typeError('公示天数', 'days'))
    .int('公示天数须为整数 / days must be an integer')
    .min(5, '公示期不少于5个工作日（002 五(一)3；003 四(三)；000 附件3 三(二)1） / days must be at least 5 working days')
    .max(60, '公示天数最多 60 个工作日 / days must be at most 60')
    .describe('公示期（工作日数，不少于 5，DOMAIN.md §4）'),
  investigatorGroup: z
    .string(typeError('异议调查候选组', 'investigatorGroup'))
    .trim()
    .min(1, '异议调查候选组不能为空 / investigatorGroup must not be empty')
    .describe('异议调查人员的候选组（结果/参评人员公示：groups.hr；首席技师名单：groups.province）；此处只校验，供异议处理任务使用'),
});

const output = z.object({
  noticeId: z.string().describe('公示编号（登记簿），异议消息 publicity-objection 的关联键'),
  window: z
    .object({ startDate: z.string(), endDate: z.string(), endsAt: z.string(), days: z.number() })
    .describe('公示期 {startDate, endDate, endsAt（YYYY-MM-DDT23:59:59+08:00）, days}'),
});

const CLEAR_ID = /\d{17}[\dXx]/g;
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/** Masks clear ID numbers and mobile numbers in a public text (the registry refuses clear ID numbers). */
export function maskText(text: string): string {
  return text.replace(CLEAR_ID, (m) => `${m.slice(0, 4)}${'*'.repeat(10)}${m.slice(14)}`).replace(MOBILE, (m) => `${m.slice(0, 3)}****${m.slice(7)}`);
}

function windowOf(notice: Notice, days: number) {
  return { startDate: notice.windowStart, endDate: notice.windowEnd, endsAt: chinaDateTime(notice.endsAt), days };
}

export default defineWorker({
  type: TYPE,
  name: '发布公示',
  description:
    '按工作日历从今天（北京时间）起计算公示期（首个工作日起，第 N 个工作日 23:59:59 止，N ≥ 5），在登记簿中登记公示（身份证号、手机号脱敏）并发布。按流程实例幂等：重复投递时沿用已登记的公示。',
  input,
  output,
  async handler({ campaign, notice, days }, job, services) {
    const { registry, calendar } = services;
    const by = keyedActor(TYPE, job.processInstanceKey);
    // One publicity instance publishes one notice: the instance is the key the registry creates it
    // under, so a redelivered job gets the same notice back instead of a second one.
    const idempotencyKey = by;

    // A redelivered job reuses the window its first delivery computed: recomputed on another day it
    // would start later, and the registry would (rightly) refuse a different notice under the key.
    const prior = await registry.notices.byIdempotencyKey(idempotencyKey).catch((err: unknown) => refusal(err, '读取已登记的公示失败', 'cannot look up the notice of this instance'));
    let window: { startDate: string; endDate: string; endsAt: string };
    if (prior) {
      window = { startDate: prior.windowStart, endDate: prior.windowEnd, endsAt: prior.endsAt };
    } else {
      const campaignRecord = await registry.campaigns.get(campaign.id);
      if (!campaignRecord) throw new NonRetryableError(`评聘活动 campaign.id=${campaign.id} 在登记簿中不存在 / campaign.id ${campaign.id} is not in the registry`);
      const applications = new Set((await registry.applications.list({ campaignId: campaign.id })).map((a) => a.id));
      const strangers = notice.entries.map((e, i) => ({ e, i })).filter(({ e }) => !applications.has(e.applicationId));
      if (strangers.length > 0) {
        const list = strangers.map(({ e, i }) => `notice.entries[${i}].applicationId=${e.applicationId}`).join(', ');
        throw new NonRetryableError(`公示名单中有不属于评聘活动 ${campaign.id} 的申报：${list} / not applications of campaign ${campaign.id}: ${list}`);
      }

      let computed;
      try {
        computed = calendar.publicityWindow(today(services), days);
      } catch (err) {
        if (err instanceof DomainError) {
          // A missing holiday schedule or a bad period: the operator adds config/holidays/<year>.json
          // (and restarts) or fixes `days`, then resolves the incident.
          throw new NonRetryableError(`无法计算公示期：${err.issues.map((i) => i.message).join('；')} / cannot compute the publicity window: ${err.message}`, { cause: err });
        }
        throw err;
      }
      for (const w of computed.warnings) job.log.warn({ code: w.code }, `${w.message} / ${w.detail}`);
      window = { startDate: computed.startDate, endDate: computed.endDate, endsAt: new Date(computed.endsAt).toISOString() };
    }

    // The same content under the same key returns the stored notice (a `notice.create-repeated` audit
    // entry); a different one — the key reused by another instance's content — is refused, naming the key.
    let recorded = await registry.notices
      .create({
        campaignId: campaign.id,
        kind: notice.kind,
        title: maskText(notice.title),
        windowStart: window.startDate,
        windowEnd: window.endDate,
        endsAt: window.endsAt,
        entries: notice.entries.map((e) => ({
          applicationId: e.applicationId,
          name: maskText(e.name),
          ...(e.summary ? { summary: maskText(e.summary) } : {}),
        })),
        idempotencyKey,
        by,
      })
      .catch((err: unknown) => refusal(err, '登记簿拒绝登记公示', 'the registry refused the notice'));
    if (recorded.status === 'closed') {
      // This job completes before the notice's timer even starts, so it is never redelivered after the
      // close: a closed notice under its key means the key was used before (an engine whose keys
      // started over against the same registry). Publishing it again would reopen nothing.
      throw new NonRetryableError(
        `流程实例 ${job.processInstanceKey} 的公示 ${recorded.id} 已于 ${recorded.closedAt} 结束，不能再次发布（流程实例编号被重复使用？） / notice ${recorded.id} of process instance ${job.processInstanceKey} was closed at ${recorded.closedAt}; not published again (was the process instance key used before?)`,
      );
    }

    if (recorded.status === 'draft') {
      const draft = recorded;
      recorded = await registry.notices.publish({ id: draft.id, by }).catch(async (err: unknown) => {
        // Published meanwhile by a concurrent delivery of this job: fine.
        const again = await registry.notices.get(draft.id);
        if (again?.status === 'published') return again;
        return refusal(err, '登记簿拒绝发布公示', 'the registry refused to publish the notice');
      });
    }
    job.log.info({ noticeId: recorded.id, windowEnd: recorded.windowEnd, repeated: prior !== undefined }, `notice ${recorded.id} published until ${recorded.endsAt}`);
    return { noticeId: recorded.id, window: windowOf(recorded, days) };
  },
});
