/**
 * pingpin.eligibility.facts — 计算资格事实 (candidate-review, first step per application).
 *
 * Loads the application's applicant record from the registry (the clear ID number only inside this
 * handler: it finds the person's bans and checks the record; it never goes into a variable),
 * computes the eligibility facts on today's date (src/domain/facts.ts, docs/eligibility.md "Facts")
 * and the bans in force for the person and for the applying enterprise (registry.bans.active;
 * 003 六(四), 002 七(四)). The business rule task `eligibility-<jurisdiction>-<level>` reads the facts
 * through its input mappings (one per fact, from `facts.<name>`).
 *
 * An applicant record that does not pass docs/eligibility.md's rules cannot be fixed from the process
 * (the registry keeps the snapshot as submitted), so it is not an incident: `facts` is null and
 * `eligibility` is the result "not eligible" with one zh-CN reason per problem; the model skips the
 * decision on `facts = null`.
 *
 * Idempotent: reads only (the privileged read of the ID number is audited each time).
 */
import { z } from 'zod';
import { InputValidationError, parseApplicant } from '../../src/domain/applicant.js';
import { dayBefore } from '../../src/domain/china-time.js';
import { decisionResultSchema, JURISDICTIONS, type Facts } from '../../src/domain/eligibility.js';
import { computeBanFacts, computeFacts, type Bans } from '../../src/domain/facts.js';
import { NotFoundError, type ActiveBan } from '../../src/registry/index.js';
import { actor, bi, jobVariables, refuse, today } from '../kit/index.js';
import { defineWorker } from '../runtime.js';

export const TYPE = 'pingpin.eligibility.facts';

/**
 * Every fact the eligibility decisions may read, in the order the business rule task maps them
 * (`<name> = facts.<name>`). The check below fails to compile when facts.ts gains or loses one.
 */
export const ELIGIBILITY_FACT_NAMES = [
  'asOf',
  'occupationCode',
  'age',
  'chineseNationality',
  'retirementCategory',
  'retirementAge',
  'retirementAgeMonths',
  'retirementDate',
  'beyondRetirementAge',
  'lawAbiding',
  'ethics',
  'fit',
  'stillInOccupation',
  'inRelatedWorkNow',
  'hasCert2',
  'hasCert1',
  'hasCertT',
  'hasCert1OrRelated',
  'cert2Date',
  'cert1Date',
  'certTDate',
  'workYearsSinceCert2',
  'workYearsSinceCert1',
  'workYearsSinceCertT',
  'hasTitleSenior',
  'hasTitleFullSenior',
  'titleSeniorDate',
  'titleFullSeniorDate',
  'workYearsSinceTitleSenior',
  'workYearsSinceTitleFullSenior',
  'postYears1',
  'appointedT',
  'appointedTNow',
  'appointedTYears',
  'honours',
  'personBanned',
  'personBanUntil',
  'enterpriseBanned',
  'enterpriseBanUntil',
] as const satisfies readonly (keyof Facts)[];
type Unlisted = Exclude<keyof Facts, (typeof ELIGIBILITY_FACT_NAMES)[number]>;
const everyFactListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyFactListed;

/** The campaign as the processes carry it (docs/procedures.md "Shared variables"). */
export const campaignVariable = z
  .looseObject({
    id: z.string().min(1).describe('评聘编号'),
    jurisdiction: z.enum(JURISDICTIONS).describe('评聘地区：national 全国试点、guangdong 广东、fujian 福建、sichuan 四川'),
    level: z.enum(['T', 'S']).describe('评聘等级：T 特级技师、S 首席技师'),
  })
  .refine((c) => !(c.jurisdiction === 'national' && c.level === 'S'), {
    path: ['level'],
    message: bi('全国试点（人社厅发〔2021〕66号）只设特级技师（T），没有首席技师（S）', 'the national pilot defines level T only, not S'),
  })
  .describe('评聘活动：{id, jurisdiction, level, year, …}');

const input = jobVariables({
  applicationId: z.string().min(1).describe('申报编号：registry 中的申报记录 id（多实例的 inputElement）'),
  campaign: campaignVariable,
});


/** Registry bans (`until` = the first day no longer banned) as eligibility bans (`until` = the last banned day). */
export function bansFrom(person: ActiveBan[], enterprise: ActiveBan[]): { person?: { until: string }; enterprise?: { until: string } } & Bans {
  const latest = (bans: ActiveBan[]) => (bans.length === 0 ? undefined : { until: dayBefore(bans.map((b) => b.until).sort().at(-1)!) });
  const bans: { person?: { until: string }; enterprise?: { until: string } } = {};
  const p = latest(person.filter((b) => b.subject === 'person'));
  const e = latest(enterprise.filter((b) => b.subject === 'enterprise'));
  if (p) bans.person = p;
  if (e) bans.enterprise = e;
  return bans;
}

export default defineWorker({
  type: TYPE,
  name: '计算资格事实',
  description:
    '从登记库读取申报人记录（身份证号只在作业内使用，不进入流程变量），按今天（北京时间）计算资格事实（docs/eligibility.md），并查询申报人和申报单位仍在禁止期内的弄虚作假处理（003 六(四)、002 七(四)）。申报记录不符合规则时不产生故障事件：facts 为 null，eligibility 为“不符合”并逐条说明原因。',
  input,
  output: z.object({
    facts: z.record(z.string(), z.unknown()).nullable().describe('资格事实（docs/eligibility.md），由资格判定业务规则任务逐项读取；申报记录无效时为 null'),
    eligibility: decisionResultSchema
      .nullable()
      .describe('仅当申报记录无效时给出：不符合申报条件及原因（flags 含 record-invalid）；否则为 null，由资格判定决策给出'),
  }),
  async handler({ applicationId, campaign }, job, services) {
    const by = actor(TYPE);
    const { registry } = services;
    const app = await registry.applications.getWithIdNumber(applicationId, by).catch((err: unknown) => {
      if (err instanceof NotFoundError) throw refuse(`登记库中没有申报 ${applicationId}（变量 applications）`, `application ${applicationId} is not in the registry`);
      throw err;
    });
    if (app.campaignId !== campaign.id) {
      throw refuse(`申报 ${applicationId} 属于评聘 ${app.campaignId}，不属于本评聘 ${campaign.id}（变量 applications / campaign.id）`, `application ${applicationId} belongs to campaign ${app.campaignId}, not ${campaign.id}`);
    }
    if (app.level !== campaign.level) {
      throw refuse(`申报 ${applicationId} 的申报等级为 ${app.level}，本评聘等级为 ${campaign.level}（变量 campaign.level）`, `application ${applicationId} is for level ${app.level}, the campaign for ${campaign.level}`);
    }
    const registered = await registry.campaigns.get(app.campaignId);
    if (!registered) throw refuse(`登记库中没有评聘 ${app.campaignId}`, `campaign ${app.campaignId} is not in the registry`);
    if (registered.jurisdiction !== campaign.jurisdiction) {
      throw refuse(`评聘 ${campaign.id} 在登记库中的地区为 ${registered.jurisdiction}，变量 campaign.jurisdiction 为 ${campaign.jurisdiction}`, `campaign ${campaign.id} is ${registered.jurisdiction} in the registry, not ${campaign.jurisdiction}`);
    }

    const asOf = today(services);
    const [personBans, enterpriseBans] = await Promise.all([
      registry.bans.active({ idNumber: app.idNumber, asOf }),
      registry.bans.active({ creditCode: registered.creditCode, asOf }),
    ]);
    const bans = bansFrom(personBans, enterpriseBans);

    const { idNumber: _masked, ...snapshot } = app.applicant;
    let applicant;
    try {
      applicant = parseApplicant({ ...snapshot, idNumber: app.idNumber }, { asOf });
    } catch (err) {
      if (!(err instanceof InputValidationError)) throw err;
      job.log.warn({ applicationId, issues: err.issues.map((i) => i.field) }, 'applicant record does not pass the record rules');
      const banReasons = [
        ...(bans.person ? [`因弄虚作假被取消评聘资格，禁止期至 ${bans.person.until}`] : []),
        ...(bans.enterprise ? [`申报单位因弄虚作假被取消评聘资格，禁止期至 ${bans.enterprise.until}`] : []),
      ];
      return {
        facts: null,
        eligibility: {
          eligible: false,
          route: null,
          basis: [],
          priority: [],
          flags: ['record-invalid'],
          reasons: [...banReasons, ...err.issues.map((i) => `申报信息有误（${i.field}）：${i.message}`)],
        },
      };
    }
    const facts: Facts = { ...computeFacts(applicant, asOf), ...computeBanFacts(bans, asOf) };
    return { facts, eligibility: null };
  },
});
