/**
 * The enterprise (unit) side of eligibility: may this enterprise run a 特级技师 / 首席技师 appraisal at
 * all (003 二; 002 二; 000 附件3 一; 001 三, 附件3 二), and the Sichuan direct-recognition input
 * (001 附件2). Schemas and flat facts for bpmn/prerequisites.dmn and bpmn/direct-recognition-sichuan.dmn;
 * docs/eligibility.md documents both. Missing fields count as "not met" (so the reason names them),
 * never as met.
 */
import { z } from 'zod';
import { isoDate } from './applicant.js';
import { LEVELS } from './levels.js';
import { fullYears, periodInterval, toDay } from './periods.js';

export const enterpriseSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  /** 统一社会信用代码; checked by validators.ts where the registry needs it. */
  creditCode: z.string().optional(),
  /** With which HRSS the enterprise is filed (备案) for skill-level recognition (003 二(一)). */
  filedWith: z.enum(['none', 'provincial', 'national']).optional(),
  /** Levels its filing covers, e.g. ["1", "T"] (002 二(一) 对应备案级别, 五(一)1). */
  filedLevels: z.array(z.enum(LEVELS)).optional(),
  /** 规模以上企业 (002 二(一), 特级技师). */
  aboveDesignatedSize: z.boolean().optional(),
  /** 省属备案企业 (002 二(一), 首席技师). */
  provinciallyFiled: z.boolean().optional(),
  /** 产教评技能生态链链主企业 (002 二(一), 首席技师). */
  chainLeader: z.boolean().optional(),
  /** 大型企业 (002 二(一), 首席技师). */
  large: z.boolean().optional(),
  /** The occupation is in the 2022 《职业分类大典》 with a 高级技师 level (002 二(二); 001 附件3). */
  occupationHasLevel1: z.boolean().optional(),
  /** 经人社部备案 (000 附件3 一(一), 三). */
  mohrssFiled: z.boolean().optional(),
  /** Since when the enterprise self-evaluates skill levels (自主认定) (000 附件3 一(一): 三年以上). */
  selfEvaluationSince: isoDate.nullable().optional(),
  /** Has completed 高级技师 recognition (完成高级技师认定工作) (000 附件3 一(一)). */
  seniorTechnicianRecognitionDone: z.boolean().optional(),
  /** The occupation is within its filed scope (000 附件3 一(二)). */
  occupationInFiledScope: z.boolean().optional(),
  /** Filing with Sichuan HRSS: filed, filing (拟备案) or none (001 三(一)). */
  sichuanFiling: z.enum(['filed', 'filing', 'none']).optional(),
  /** Already runs 特级技师 评聘 (001 附件3 二: 首席技师由已开展特级技师评聘工作的单位开展). */
  runsSpecialGradeAppraisal: z.boolean().optional(),
});
export type Enterprise = z.infer<typeof enterpriseSchema>;

/** The flat facts bpmn/prerequisites.dmn reads. */
export interface EnterpriseFacts {
  filedWith: 'none' | 'provincial' | 'national';
  filedLevels: string[];
  aboveDesignatedSize: boolean;
  provinciallyFiled: boolean;
  chainLeader: boolean;
  large: boolean;
  occupationHasLevel1: boolean;
  mohrssFiled: boolean;
  /** Full years of self-evaluation on asOf ("满 N 年" as for applicants); 0 when unknown. */
  selfEvaluationYears: number;
  seniorTechnicianRecognitionDone: boolean;
  occupationInFiledScope: boolean;
  sichuanFiling: 'filed' | 'filing' | 'none';
  runsSpecialGradeAppraisal: boolean;
}

export function computeEnterpriseFacts(e: Enterprise, asOf: string): EnterpriseFacts {
  const since = e.selfEvaluationSince ?? null;
  const interval = since === null ? null : periodInterval(since, null, toDay(asOf));
  return {
    filedWith: e.filedWith ?? 'none',
    filedLevels: [...(e.filedLevels ?? [])],
    aboveDesignatedSize: e.aboveDesignatedSize ?? false,
    provinciallyFiled: e.provinciallyFiled ?? false,
    chainLeader: e.chainLeader ?? false,
    large: e.large ?? false,
    occupationHasLevel1: e.occupationHasLevel1 ?? false,
    mohrssFiled: e.mohrssFiled ?? false,
    selfEvaluationYears: interval ? fullYears([interval]) : 0,
    seniorTechnicianRecognitionDone: e.seniorTechnicianRecognitionDone ?? false,
    occupationInFiledScope: e.occupationInFiledScope ?? false,
    sichuanFiling: e.sichuanFiling ?? 'none',
    runsSpecialGradeAppraisal: e.runsSpecialGradeAppraisal ?? false,
  };
}

/* ---------------------------------------------------------------------------------------------
 * Sichuan direct recognition (001 附件2 职业技能等级直接认定工作指引)
 * ------------------------------------------------------------------------------------------- */

/** 认定对象 (001 附件2 一(二)): 新招录或未定级职工 / 技能高超、业绩突出 / 有重大技能贡献. */
export const TARGET_GROUPS = ['new-or-unrated', 'high-performer', 'major-contributor'] as const;

/** Condition codes: SC-DR-<group 1|2|3>-<level>-<n>; SC-DR-1-0-1 / SC-DR-1-0-2 for group 1's entry. */
export const DIRECT_RECOGNITION_CODE = /^SC-DR-[123]-[0-5]-\d$/;

const score = z.number().min(0).max(100);

export const directRecognitionSchema = z.strictObject({
  unit: z.strictObject({
    /** 一线技能职工人数 (≥ 1000, 001 附件2 一(一)). */
    frontlineSkilledWorkers: z.number().int().min(0),
    /** 技能人才培养、评价、使用、激励等制度体系完备. */
    systemComplete: z.boolean(),
    /** 具有专职的技能人才培训、评价工作部门以及工作人员. */
    dedicatedStaff: z.boolean(),
    /** 工作方案经公示后报人社部门审查备案 (001 附件2 四). */
    planFiled: z.boolean(),
  }),
  targetGroup: z.enum(TARGET_GROUPS),
  /** 认定等级: 5 初级工 … 1 高级技师. */
  level: z.enum(['5', '4', '3', '2', '1']),
  /** The conditions the unit's assessment found met (codes, see docs/eligibility.md). */
  conditionsMet: z.array(
    z.string().superRefine((v, ctx) => {
      if (!DIRECT_RECOGNITION_CODE.test(v)) ctx.addIssue({ code: 'custom', message: '条件代码应形如 SC-DR-2-3-1', params: { rule: 'condition-code' } });
    }),
  ),
  /** 业绩评定评分权重 (0–1; ≥ 0.6 for 技师 and 高级技师). */
  performanceWeight: z.number().min(0).max(1).optional(),
  /** 业绩评定评分 and 现场评审或答辩评分 (0–100). */
  performanceScore: score.optional(),
  reviewScore: score.optional(),
  /** The pass mark of the unit's plan (the seed leaves it to the plan). */
  passMark: score.optional(),
});
export type DirectRecognitionInput = z.infer<typeof directRecognitionSchema>;

/** The flat variables bpmn/direct-recognition-sichuan.dmn reads; absent numbers are null. */
export function directRecognitionFacts(input: DirectRecognitionInput): Record<string, string | number | boolean | null | string[]> {
  return {
    frontlineSkilledWorkers: input.unit.frontlineSkilledWorkers,
    systemComplete: input.unit.systemComplete,
    dedicatedStaff: input.unit.dedicatedStaff,
    planFiled: input.unit.planFiled,
    targetGroup: input.targetGroup,
    level: input.level,
    conditionsMet: [...input.conditionsMet],
    performanceWeight: input.performanceWeight ?? null,
    performanceScore: input.performanceScore ?? null,
    reviewScore: input.reviewScore ?? null,
    passMark: input.passMark ?? null,
  };
}
