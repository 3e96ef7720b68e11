/**
 * pingpin.management.record-assessment — 登记管理期考核结果. After the unit's yearly assessment
 * (001 附件4 第五条: 优秀 / 合格 / 不合格, recorded in the holder's file and filed with the provincial
 * HRSS) or the final assessment at the end of the period (四(八) 终期考核): checks what the form
 * submitted — `annual-assessment` for a yearly assessment, `final-assessment` for the final one, whose
 * task output mappings (`finalDutiesPerformance` …) the model maps back to the same input variables
 * with `assessmentKind = "final"` — and records it in the registry, which is the filing with the
 * provincial HRSS. 优秀 marks the holder as a priority candidate for national and provincial talent
 * programmes (第五条). 不合格 is acted on by the model (revocation, 第七条(五)). Idempotent per
 * certificate and assessment (`managementPeriods.recordAssessment`, one per year and one final): a
 * redelivered job gets the stored assessment back; a different one for the same year is refused.
 */
import { z } from 'zod';
import { actor, bi, dateString, refuse, registryCall } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { certificateCodeSchema, holderApplication, holderSchema, periodOf } from './period.js';

const TYPE = 'pingpin.management.record-assessment';

export const RESULT_NAMES = { excellent: '优秀', qualified: '合格', unqualified: '不合格' } as const;

export default defineWorker({
  type: TYPE,
  name: '登记管理期考核结果',
  description:
    '登记所在单位对管理期人员的年度考核（每年一次，表单 annual-assessment）或终期考核结果（管理期满，表单 final-assessment）（优秀、合格、不合格），记入本人考绩档案并报人力资源社会保障厅备案（001 四(八)、附件4 第五条）；考核优秀的记为国家和省人才计划优先推荐对象。',
  input: z
    .object({
      certificateCode: certificateCodeSchema,
      holder: holderSchema,
      assessmentKind: z
        .enum(['annual', 'final'], { error: bi('考核类别 assessmentKind 应为 annual（年度考核）或 final（终期考核）', 'assessmentKind must be annual or final') })
        .describe('annual 年度考核 / final 终期考核（由模型的输入映射给出）'),
      assessmentYear: z
        .number({ error: bi('考核年度 assessmentYear 应为 1、2 或 3', 'assessmentYear must be 1, 2 or 3') })
        .int({ error: bi('考核年度 assessmentYear 应为整数', 'assessmentYear must be a whole number') })
        .min(1, { error: bi('考核年度 assessmentYear 应为 1、2 或 3', 'assessmentYear must be 1, 2 or 3') })
        .max(3, { error: bi('考核年度 assessmentYear 应为 1、2 或 3', 'assessmentYear must be 1, 2 or 3') })
        .nullable()
        .optional()
        .describe('管理期第几年（1–3），年度考核必填；多实例的 inputElement'),
      dutiesPerformance: z
        .string({ error: bi('履职情况 dutiesPerformance 应为文字', 'dutiesPerformance must be text') })
        .trim()
        .min(10, { error: bi('履职情况 dutiesPerformance 至少 10 个字', 'dutiesPerformance must have at least 10 characters') })
        .max(3000, { error: bi('履职情况 dutiesPerformance 至多 3000 个字', 'dutiesPerformance must have at most 3000 characters') })
        .describe('履行职责及岗位职责任务的情况（年度考核：表单 annual-assessment；终期考核：表单 final-assessment）'),
      assessmentResult: z
        .enum(['excellent', 'qualified', 'unqualified'], { error: bi('考核结果 assessmentResult 应为 excellent（优秀）、qualified（合格）或 unqualified（不合格）', 'assessmentResult must be excellent, qualified or unqualified') })
        .describe('考核结果：excellent 优秀 / qualified 合格 / unqualified 不合格（表单 annual-assessment 或 final-assessment；不合格由模型转入取消等级程序）'),
      assessmentComment: z
        .string({ error: bi('考核意见 assessmentComment 应为文字', 'assessmentComment must be text') })
        .trim()
        .min(2, { error: bi('考核意见 assessmentComment 至少 2 个字', 'assessmentComment must have at least 2 characters') })
        .max(2000, { error: bi('考核意见 assessmentComment 至多 2000 个字', 'assessmentComment must have at most 2000 characters') })
        .describe('考核意见（表单 annual-assessment 或 final-assessment）'),
      assessedOn: dateString('考核日期 assessedOn', 'assessedOn').describe('考核日期 YYYY-MM-DD（表单 annual-assessment 或 final-assessment）'),
    })
    .superRefine((v, ctx) => {
      if (v.assessmentKind === 'annual' && (v.assessmentYear === null || v.assessmentYear === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['assessmentYear'], message: bi('年度考核须给出考核年度 assessmentYear（1–3）', 'assessmentYear (1–3) is required for a yearly assessment') });
      }
    }),
  output: z.object({
    assessment: z.object({}).describe('考核记录 {kind, year, result, assessedOn, talentProgrammePriority, filed}：多实例输出元素'),
  }),
  async handler(i, _job, { registry }) {
    await holderApplication(registry, i.holder.applicationId, i.certificateCode);
    const cert = (await registry.certificates.get(i.certificateCode))!;
    if (i.assessedOn < cert.issuedOn) {
      throw refuse(`考核日期 assessedOn=${i.assessedOn} 早于证书颁发日期 ${cert.issuedOn}`, `assessedOn: ${i.assessedOn} is before the certificate was issued (${cert.issuedOn})`);
    }
    await periodOf(registry, i.certificateCode);
    const year = i.assessmentKind === 'annual' ? i.assessmentYear! : null;
    const label = year === null ? '终期考核' : `第${year}年度考核`;
    const period = await registryCall({ zh: `登记证书 ${i.certificateCode} 的管理期${label}（${RESULT_NAMES[i.assessmentResult]}）`, en: `record the ${year === null ? 'final assessment' : `assessment of year ${year}`} of certificate ${i.certificateCode}` }, () =>
      registry.managementPeriods.recordAssessment({
        certificateCode: i.certificateCode,
        kind: i.assessmentKind,
        year,
        result: i.assessmentResult,
        dutiesPerformance: i.dutiesPerformance,
        comment: i.assessmentComment,
        assessedOn: i.assessedOn,
        by: actor(TYPE),
      }),
    );
    const stored = period.assessments.find((a) => a.kind === i.assessmentKind && a.year === year)!;
    const talentProgrammePriority = stored.talentProgrammePriority;
    return {
      assessment: { kind: stored.kind, year: stored.year, result: stored.result, assessedOn: stored.assessedOn, talentProgrammePriority, filed: true },
    };
  },
});
