/**
 * pingpin.filing.register — 登记备案申请 (enterprise-filing, first step and after each revision).
 *
 * Validates the 特级技师、首席技师备案申请表 (000 附件3; `filing`, as forms/revise-filing.form submits
 * it) and the enterprise, registers the enterprise in the registry or updates it (name = the form's
 * 单位名称, division code, and the registry's scope fields when the variables give them), and
 * computes the facts the prerequisites decision reads (`prerequisites-<jurisdiction>-<level>`,
 * docs/eligibility.md "Enterprise prerequisites") on today's date.
 *
 * Where the facts come from: the registry (规模以上/大型/省属备案/链主, self-evaluation since,
 * 高级技师认定 done; its active evaluator filings; its campaigns) and what `enterprise` declares for
 * the facts the registry does not keep (filedWith, mohrssFiled, occupationHasLevel1,
 * occupationInFiledScope, sichuanFiling, runsSpecialGradeAppraisal). A declaration wins; without one
 * the registry's evidence is used (an active MOHRSS filing → mohrssFiled and filedWith national, any
 * active filing → filedWith provincial and sichuanFiling filed, a running or finished 特级技师 campaign
 * → runsSpecialGradeAppraisal); with neither the fact is "not met" and the decision names it. The
 * filing under review counts for its own levels (`filedLevels` includes `filing.levels`): that
 * filing is what this procedure establishes (002 五(一)1), the other conditions are checked.
 *
 * Idempotent: creates the enterprise only when it is missing and updates only what differs.
 */
import { z } from 'zod';
import { JURISDICTIONS } from '../../src/domain/eligibility.js';
import { LEVELS } from '../../src/domain/levels.js';
import { computeEnterpriseFacts, type Enterprise as PrerequisiteEnterprise, type EnterpriseFacts } from '../../src/domain/prerequisites.js';
import { ValidationError, type Enterprise, type UpdateEnterpriseInput } from '../../src/registry/index.js';
import { actor, bi, creditCode, divisionCode, isoDate, jobVariables, JURISDICTION_NAMES, refuse, today } from '../kit/index.js';
import { defineWorker } from '../runtime.js';

export const TYPE = 'pingpin.filing.register';

/** The province (first two digits of the division code) each jurisdiction's enterprises are in; national: any. */
export const JURISDICTION_PROVINCE: Record<string, string | undefined> = { guangdong: '44', fujian: '35', sichuan: '51', national: undefined };

/** Every fact bpmn/prerequisites.dmn may read, in the order the business rule task maps them. */
export const PREREQUISITE_FACT_NAMES = [
  'filedWith',
  'filedLevels',
  'aboveDesignatedSize',
  'provinciallyFiled',
  'chainLeader',
  'large',
  'occupationHasLevel1',
  'mohrssFiled',
  'selfEvaluationYears',
  'seniorTechnicianRecognitionDone',
  'occupationInFiledScope',
  'sichuanFiling',
  'runsSpecialGradeAppraisal',
] as const satisfies readonly (keyof EnterpriseFacts)[];
type Unlisted = Exclude<keyof EnterpriseFacts, (typeof PREREQUISITE_FACT_NAMES)[number]>;
const everyFactListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyFactListed;

const OCCUPATION = /^[1-8]-[0-9]{2}-[0-9]{2}-[0-9]{2}(-[0-9]{2})?$/;
const text = (zh: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min, bi(`${zh}至少 ${min} 个字符`, `must have at least ${min} characters`))
    .max(max, bi(`${zh}最多 ${max} 个字符`, `must have at most ${max} characters`))
    .describe(zh);

/** The 备案申请表 as forms/revise-filing.form submits it (docs/forms.md). */
export const filingVariable = z
  .looseObject({
    unitName: text('单位名称', 2, 100),
    unitAddress: text('单位地址', 5, 200),
    evaluatorFilingNumber: text('评价机构备案号', 1, 50),
    occupations: z
      .array(
        z.object({
          code: z
            .string()
            .trim()
            .regex(OCCUPATION, bi('职业（工种）代码应为《职业分类大典》代码，如 6-18-01-01 或 6-18-01-01-02', 'must be an occupation code such as 6-18-01-01'))
            .describe('职业（工种）代码'),
          name: text('职业（工种）名称', 1, 100),
        }),
      )
      .min(1, bi('拟设立特级技师/首席技师的职业（工种）至少填写一个', 'at least one occupation'))
      .describe('拟设立特级技师/首席技师职业（工种）'),
    postBackground: text('岗位背景情况', 10, 5000),
    unitOpinion: text('单位意见', 2, 1000),
    legalRepresentative: text('法人（签字）', 2, 30),
    signedOn: isoDate('签字日期'),
    levels: z
      .array(z.enum(['T', 'S']).describe('备案级别'))
      .min(1, bi('备案级别至少选择一个（T 特级技师、S 首席技师）', 'at least one level (T or S)'))
      .refine((l) => new Set(l).size === l.length, bi('备案级别不能重复', 'levels must not repeat'))
      .describe('备案级别：T 特级技师、S 首席技师'),
  })
  .describe('备案申请表（000 附件3）');

export const enterpriseVariable = z
  .looseObject({
    creditCode: creditCode(),
    name: z.string().trim().min(1).max(200).optional().describe('单位名称（登记时以备案申请表的单位名称为准）'),
    divisionCode: divisionCode('所在地行政区划代码'),
    aboveScale: z.boolean().optional().describe('规模以上企业'),
    large: z.boolean().optional().describe('大型企业'),
    provinciallyFiled: z.boolean().optional().describe('省属备案企业'),
    chainLeader: z.boolean().optional().describe('产教评技能生态链链主企业'),
    selfEvaluationSince: isoDate('开展职业技能等级自主认定的起始日期').nullable().optional(),
    seniorRecognitionDone: z.boolean().optional().describe('已完成高级技师认定工作'),
    seniorRecognitionOn: isoDate('完成高级技师认定的日期').nullable().optional(),
    filedWith: z.enum(['none', 'provincial', 'national']).optional().describe('职业技能等级认定备案于：none 未备案、provincial 省级人社部门、national 人社部'),
    filedLevels: z.array(z.enum(LEVELS)).optional().describe('已备案的认定级别'),
    mohrssFiled: z.boolean().optional().describe('经人社部备案（000 附件3 一(一)）'),
    occupationHasLevel1: z.boolean().optional().describe('申请的职业（工种）收录于《职业分类大典》（2022版）并设有高级技师'),
    occupationInFiledScope: z.boolean().optional().describe('申请的职业（工种）在已备案范围内（000 附件3 一(二)）'),
    sichuanFiling: z.enum(['filed', 'filing', 'none']).optional().describe('四川省人社部门备案：filed 已备案、filing 拟备案、none 未备案'),
    runsSpecialGradeAppraisal: z.boolean().optional().describe('已开展特级技师评聘工作（001 附件3 二）'),
  })
  .describe('申请备案的企业：{creditCode, name, divisionCode, …}');

const input = jobVariables(
  {
    jurisdiction: z.enum(JURISDICTIONS).describe('备案地区：national 全国试点、guangdong 广东、fujian 福建、sichuan 四川'),
    enterprise: enterpriseVariable,
    filing: filingVariable,
  },
  (v, ctx) => {
    const province = JURISDICTION_PROVINCE[v.jurisdiction];
    if (province && v.enterprise.divisionCode.slice(0, 2) !== province) {
      ctx.addIssue({
        code: 'custom',
        path: ['enterprise', 'divisionCode'],
        message: bi(`所在地行政区划代码 ${v.enterprise.divisionCode} 不在${JURISDICTION_NAMES[v.jurisdiction]}（应以 ${province} 开头）`, `${v.enterprise.divisionCode} is not in ${v.jurisdiction} (must start with ${province})`),
      });
    }
    if (v.jurisdiction === 'national' && v.filing.levels.includes('S')) {
      ctx.addIssue({ code: 'custom', path: ['filing', 'levels'], message: bi('全国试点（人社厅发〔2021〕66号）只设特级技师（T），不能备案首席技师（S）', 'the national pilot defines level T only') });
    }
    if (v.enterprise.seniorRecognitionDone === true && !v.enterprise.seniorRecognitionOn) {
      ctx.addIssue({ code: 'custom', path: ['enterprise', 'seniorRecognitionOn'], message: bi('已完成高级技师认定时须填写完成日期', 'required when seniorRecognitionDone is true') });
    }
  },
);

type EnterpriseInput = z.infer<typeof enterpriseVariable>;
const REGISTRY_FIELDS = ['aboveScale', 'large', 'provinciallyFiled', 'chainLeader', 'selfEvaluationSince', 'seniorRecognitionDone', 'seniorRecognitionOn'] as const;
const DECLARED_FIELDS = ['filedWith', 'filedLevels', 'mohrssFiled', 'occupationHasLevel1', 'occupationInFiledScope', 'sichuanFiling', 'runsSpecialGradeAppraisal'] as const;

/** The enterprise variable after registration: the registry's record plus the declarations. */
export function enterpriseOut(e: Enterprise, declared: Partial<EnterpriseInput>) {
  return {
    creditCode: e.creditCode,
    name: e.name,
    divisionCode: e.divisionCode,
    cityCode: `${e.divisionCode.slice(0, 4)}00`,
    province: e.province,
    aboveScale: e.aboveScale,
    large: e.large,
    provinciallyFiled: e.provinciallyFiled,
    chainLeader: e.chainLeader,
    selfEvaluationSince: e.selfEvaluationSince,
    seniorRecognitionDone: e.seniorRecognitionDone,
    seniorRecognitionOn: e.seniorRecognitionOn,
    ...Object.fromEntries(DECLARED_FIELDS.filter((k) => declared[k] !== undefined).map((k) => [k, declared[k]])),
  };
}

export default defineWorker({
  type: TYPE,
  name: '登记备案申请',
  description:
    '校验特级技师、首席技师备案申请表（000 附件3）和企业信息，在登记库中登记或更新企业（单位名称以申请表为准），并按今天计算企业范围条件的事实，供“prerequisites-<地区>-<级别>”决策读取。正在申请的级别视为已备案（本流程即为该备案），其余条件照常判定。',
  input,
  output: z.object({
    enterprise: z.record(z.string(), z.unknown()).describe('登记后的企业：{creditCode, name, divisionCode, cityCode, province, aboveScale, large, provinciallyFiled, chainLeader, selfEvaluationSince, seniorRecognitionDone, seniorRecognitionOn, 以及申报的条件}'),
    enterpriseFacts: z.record(z.string(), z.unknown()).describe('企业范围条件的事实（docs/eligibility.md），由备案条件判定业务规则任务逐项读取'),
  }),
  async handler({ enterprise, filing }, _job, services) {
    const by = actor(TYPE);
    const { registry } = services;
    const code = enterprise.creditCode;
    const wanted: Record<string, unknown> = { name: filing.unitName, divisionCode: enterprise.divisionCode };
    for (const k of REGISTRY_FIELDS) if (enterprise[k] !== undefined) wanted[k] = enterprise[k];

    const existing = await registry.enterprises.get(code);
    try {
      if (!existing) {
        await registry.enterprises.create({ creditCode: code, ...(wanted as { name: string; divisionCode: string }), by });
      } else {
        const changes = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => (existing as unknown as Record<string, unknown>)[k] !== v));
        if (Object.keys(changes).length) await registry.enterprises.update({ creditCode: code, ...changes, by } as UpdateEnterpriseInput);
      }
    } catch (err) {
      // The registry refuses what the variables say (e.g. a date before the division's rules allow): no retry helps.
      if (err instanceof ValidationError) throw refuse(`登记库拒绝登记企业（变量 enterprise / filing）：${err.message}`, `the registry refused the enterprise: ${err.message}`);
      throw err;
    }
    const registered = (await registry.enterprises.get(code))!;

    const active = registered.filings.filter((f) => f.status === 'active');
    const mohrss = active.some((f) => f.authority === 'mohrss');
    const campaigns = await registry.campaigns.list({ creditCode: code });
    const runsT = campaigns.some((c) => c.levels.includes('T') && ['running', 'completed', 'archived'].includes(c.status));
    const record: PrerequisiteEnterprise = {
      name: registered.name.slice(0, 100),
      creditCode: code,
      filedWith: enterprise.filedWith ?? (mohrss ? 'national' : active.length ? 'provincial' : undefined),
      filedLevels: [...new Set([...(enterprise.filedLevels ?? []), ...active.map((f) => f.level), ...filing.levels])],
      aboveDesignatedSize: registered.aboveScale,
      provinciallyFiled: registered.provinciallyFiled,
      chainLeader: registered.chainLeader,
      large: registered.large,
      occupationHasLevel1: enterprise.occupationHasLevel1,
      mohrssFiled: enterprise.mohrssFiled ?? (mohrss || undefined),
      selfEvaluationSince: registered.selfEvaluationSince,
      seniorTechnicianRecognitionDone: registered.seniorRecognitionDone,
      occupationInFiledScope: enterprise.occupationInFiledScope,
      sichuanFiling: enterprise.sichuanFiling ?? (active.length ? 'filed' : undefined),
      runsSpecialGradeAppraisal: enterprise.runsSpecialGradeAppraisal ?? (runsT || undefined),
    };
    const enterpriseFacts = computeEnterpriseFacts(record, today(services));
    return { enterprise: enterpriseOut(registered, enterprise), enterpriseFacts };
  },
});
