/**
 * pingpin.recognition.check-plan — 核验直接认定工作方案. After the business rule task
 * `direct-recognition-sichuan` has been evaluated for the unit's plan (`recognitionPlanDecision`):
 * keeps what the plan can already be judged on — the unit (附件2 一(一): ≥ 1000 front-line skilled
 * workers, a complete system, dedicated staff), whether the target group may be recognized at the
 * level (三), and the methods (二: for 技师 and 高级技师 performance evaluation plus an on-site review
 * or defence, the performance weight **not below 60 %**) — and leaves out what only the
 * recognition of each person decides (the conditions met, the scores, the filing, which comes later).
 * Returns `recognitionCheck` for the plan form and the gateway: `eligible` = the plan may go on.
 */
import { z } from 'zod';
import { LEVEL_NAMES, type RecognitionLevel } from '../../src/domain/levels.js';
import { bi } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { decisionResultSchema, levelSchema, MIN_PERFORMANCE_WEIGHT, percent, performanceWeightSchema, targetGroupSchema, TWO_METHOD_LEVELS } from './plan.js';

const UNIT_CLAUSES = ['SC-DR-U-1', 'SC-DR-U-2', 'SC-DR-U-3'] as const;
const UNIT_REASONS: Record<(typeof UNIT_CLAUSES)[number], string> = {
  'SC-DR-U-1': 'SC-DR-U-1：一线技能职工人数低于1000人（001 附件2 一(一)）',
  'SC-DR-U-2': 'SC-DR-U-2：技能人才培养、评价、使用、激励等制度体系不完备（001 附件2 一(一)）',
  'SC-DR-U-3': 'SC-DR-U-3：无专职的技能人才培训、评价工作部门以及工作人员（001 附件2 一(一)）',
};

export default defineWorker({
  type: 'pingpin.recognition.check-plan',
  name: '核验直接认定工作方案',
  description:
    '根据决策 direct-recognition-sichuan 对工作方案的判定，核验实施单位条件（001 附件2 一(一)）、认定对象与等级（三）和认定方式（二：技师、高级技师在业绩评定基础上组织现场评审或答辩，业绩评定权重不低于60%），返回 recognitionCheck（eligible 表示方案可以公示报备；逐人条件和评分在认定时判定）。',
  input: z.object({
    recognitionPlanDecision: decisionResultSchema('方案判定结果 recognitionPlanDecision', 'recognitionPlanDecision'),
    level: levelSchema,
    targetGroup: targetGroupSchema,
    performanceWeight: performanceWeightSchema,
    campaign: z
      .looseObject({ levels: z.array(z.string(), { error: bi('本轮登记的认定等级 campaign.levels 应为列表', 'campaign.levels must be a list') }).optional() }, { error: bi('缺少 campaign（由“开启直接认定”设置）', 'campaign is missing (set by pingpin.recognition.open)') })
      .describe('本轮直接认定 {id, levels, …}（开启直接认定设置），读取登记的认定等级 levels'),
    recognitionPlan: z
      .looseObject(
        {
          methods: z
            .array(z.enum(['performance', 'on-site', 'defence', 'competition', 'breakthrough', 'challenge']), {
              error: bi('认定方式 recognitionPlan.methods 应为 performance、on-site、defence、competition、breakthrough、challenge 的列表', 'recognitionPlan.methods must be a list of performance, on-site, defence, competition, breakthrough, challenge'),
            })
            .min(1, { error: bi('认定方式 recognitionPlan.methods 至少一项', 'recognitionPlan.methods must name at least one method') }),
        },
        { error: bi('缺少工作方案 recognitionPlan（表单 draft-recognition-plan）', 'recognitionPlan is missing or not an object (form draft-recognition-plan)') },
      )
      .describe('直接认定工作方案（表单 draft-recognition-plan），读取认定方式 methods'),
  }),
  output: z.object({
    recognitionCheck: z.object({}).describe('方案核验 {eligible, basis, conditions, combinedScore: null, reasons}：eligible=false 时退回用人单位，reasons 说明理由'),
  }),
  handler({ recognitionPlanDecision: d, level, performanceWeight, recognitionPlan, campaign }) {
    const reasons: string[] = [];
    const basis: string[] = [];
    // The persons of the round are registered at its levels: a plan at another level would find nobody.
    if (campaign.levels && !campaign.levels.includes(level)) {
      reasons.push(`SC-DR：本轮直接认定登记的等级为 ${campaign.levels.map((l) => `${LEVEL_NAMES[l as RecognitionLevel] ?? l}（${l}）`).join('、')}，方案的认定等级${LEVEL_NAMES[level]}（${level}）不在其中`);
    }
    for (const clause of UNIT_CLAUSES) {
      if (d.basis.includes(clause)) basis.push(clause);
      else reasons.push(d.reasons.find((r) => r.startsWith(`${clause}：`)) ?? UNIT_REASONS[clause]);
    }
    if (d.conditions.length === 0) reasons.push(`SC-DR：该认定对象不适用于${LEVEL_NAMES[level]}（${level} 级）的直接认定（001 附件2 一(二)、三）`);
    if (TWO_METHOD_LEVELS.includes(level)) {
      const methods = recognitionPlan.methods;
      if (!methods.includes('performance') || !(methods.includes('on-site') || methods.includes('defence'))) {
        reasons.push('SC-DR-M-2：直接认定技师、高级技师应在业绩评定的基础上组织现场评审或答辩（001 附件2 二）');
      }
      if (performanceWeight === null || performanceWeight === undefined) reasons.push('SC-DR-M-2：未给出业绩评定评分权重（001 附件2 二）');
      else if (performanceWeight < MIN_PERFORMANCE_WEIGHT) reasons.push(`SC-DR-M-2：业绩评定评分权重不得低于60%，方案为 ${percent(performanceWeight)}（001 附件2 二）`);
      if (!reasons.some((r) => r.startsWith('SC-DR-M-2'))) basis.push('SC-DR-M-2');
    } else {
      basis.push('SC-DR-M-1');
    }
    return { recognitionCheck: { eligible: reasons.length === 0, basis, conditions: d.conditions, combinedScore: null, reasons } };
  },
});
