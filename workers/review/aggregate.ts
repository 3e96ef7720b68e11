/**
 * pingpin.review.aggregate — 形成评审结果 (candidate-review, the last step per application).
 *
 * Every path of the per-application review ends here, so each application gets one `reviewResult`
 * (collected by the multi-instance into `reviewResults`, in the order of `applications`):
 *
 * - not eligible (the decision, or an applicant record that failed its rules): the decision's reasons;
 * - eligible but the materials are incomplete or doubtful (`review-materials`): not eligible, with the
 *   missing materials as the reason; the application becomes `ineligible` in the registry;
 * - scored by the panel (`score-candidate`): each member's score is the weighted sum of the item
 *   scores (weights from `scoringItems`, adding up to 1); the candidate's score is the mean over the
 *   members, rounded to 2 decimals; passed when it reaches `passMark`. The registry status is left
 *   to the calling procedure's selection (pingpin.campaign.select records recommended / not).
 *
 * Idempotent: the result is computed from the variables alone; the registry status is written only
 * when it differs.
 */
import { z } from 'zod';
import { eligibilityVariable } from '../eligibility/record.js';
import { actor, bi, clip, jobVariables, refuse } from '../kit/index.js';
import { defineWorker } from '../runtime.js';

export const TYPE = 'pingpin.review.aggregate';

/** The options of `missingMaterials` in forms/candidate-review-materials.form. */
export const MATERIAL_NAMES: Record<string, string> = {
  identity: '身份证明',
  certificate: '职业资格或职业技能等级证书',
  title: '职称（专业技术人员职业资格）证书',
  post: '岗位任职（聘任）证明',
  'work-years': '从事本职业（工种）工作年限证明',
  honours: '荣誉、奖项证明',
  performance: '业绩贡献材料',
  attestation: '遵纪守法、职业道德、身体条件声明',
  other: '其他',
};

const WEIGHT_TOLERANCE = 0.001;

export const scoringItemsVariable = z
  .array(
    z.object({
      key: z.string().min(1).describe('评分项代码'),
      label: z.string().min(1).describe('评分项名称'),
      weight: z.number().gt(0).max(1).describe('权重（0–1）'),
    }),
  )
  .min(1)
  .describe('评分项：[{key, label, weight}]，权重合计为 1');

const scoreEntry = z.object({
  member: z.string().min(1).describe('评审小组成员用户ID'),
  itemScores: z
    .array(z.object({ key: z.string().min(1).describe('评分项代码'), score: z.number().min(0).max(100).describe('得分（0–100）') }))
    .describe('逐项得分'),
  comment: z.string().nullable().optional().describe('评审意见'),
});

const input = jobVariables(
  {
    applicationId: z.string().min(1).describe('申报编号：registry 中的申报记录 id'),
    eligibility: eligibilityVariable,
    materialsComplete: z.boolean().nullable().optional().describe('材料是否齐全（参评材料审核表单）；未审核时为 null'),
    missingMaterials: z.array(z.string()).nullable().optional().describe('缺少或存疑的材料（参评材料审核表单）'),
    note: z.string().nullable().optional().describe('材料审核意见（参评材料审核表单）'),
    scores: z.array(scoreEntry).nullable().optional().describe('评审打分：每位评审小组成员一项 {member, itemScores, comment}（评审打分多实例的输出）'),
    scoringItems: scoringItemsVariable.nullable().optional().describe('评分项：[{key, label, weight}]，权重合计为 1（工作方案表单提交，随 candidate-review 传入）'),
    passMark: z.number().min(0).max(100).nullable().optional().describe('合格分（0–100），工作方案规定'),
  },
  (v, ctx) => {
    if (!v.eligibility.eligible) return;
    if (v.materialsComplete === null || v.materialsComplete === undefined) {
      ctx.addIssue({ code: 'custom', path: ['materialsComplete'], message: bi('材料是否齐全：符合申报条件的人员须先经参评材料审核', 'an eligible candidate must have had the materials review') });
      return;
    }
    if (!v.materialsComplete) return;
    if (!v.scoringItems) {
      ctx.addIssue({ code: 'custom', path: ['scoringItems'], message: bi('评分项：缺少（由工作方案表单提交，随 candidate-review 传入）', 'missing (submitted with the plan, passed into candidate-review)') });
    } else {
      const sum = v.scoringItems.reduce((s, i) => s + i.weight, 0);
      if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
        ctx.addIssue({ code: 'custom', path: ['scoringItems'], message: bi(`评分项：权重合计应为 1，实为 ${Number(sum.toFixed(4))}`, `the weights must add up to 1, they add up to ${Number(sum.toFixed(4))}`) });
      }
      const keys = v.scoringItems.map((i) => i.key);
      if (new Set(keys).size !== keys.length) {
        ctx.addIssue({ code: 'custom', path: ['scoringItems'], message: bi('评分项：代码不能重复', 'item keys must be distinct') });
      }
    }
    if (v.passMark === null || v.passMark === undefined) {
      ctx.addIssue({ code: 'custom', path: ['passMark'], message: bi('合格分：缺少（由工作方案表单提交，随 candidate-review 传入）', 'missing (submitted with the plan, passed into candidate-review)') });
    }
    if (!v.scores || v.scores.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['scores'], message: bi('评审打分：没有评审小组成员的打分（panel 为空？）', 'no panel member scored (is panel empty?)') });
      return;
    }
    const members = v.scores.map((s) => s.member);
    if (new Set(members).size !== members.length) {
      ctx.addIssue({ code: 'custom', path: ['scores'], message: bi('评审打分：同一成员打分两次', 'a panel member scored twice') });
    }
    if (!v.scoringItems) return;
    const expected = [...v.scoringItems.map((i) => i.key)].sort();
    v.scores.forEach((s, i) => {
      const got = s.itemScores.map((x) => x.key).sort();
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        ctx.addIssue({
          code: 'custom',
          path: ['scores', i, 'itemScores'],
          message: bi(`评审打分›逐项得分：成员 ${s.member} 的评分项应为 ${expected.join('、')}，实为 ${got.join('、') || '无'}`, `the items must be ${expected.join(', ')}, got ${got.join(', ') || 'none'}`),
        });
      }
    });
  },
);

const round2 = (x: number) => Math.round((x + Number.EPSILON) * 100) / 100;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

export const reviewResultShape = z.object({
  applicationId: z.string().describe('申报编号'),
  eligible: z.boolean().describe('是否符合申报条件（材料不齐全也为 false）'),
  route: z.string().nullable().describe('途径'),
  basis: z.array(z.string()).describe('依据条款'),
  reasons: z.array(z.string()).describe('未通过的原因（中文）'),
  score: z.number().nullable().describe('加权得分（各成员加权分的平均，两位小数）；未打分为 null'),
  passed: z.boolean().describe('是否达到合格分'),
  passMark: z.number().nullable().describe('合格分'),
  stage: z.enum(['eligibility', 'materials', 'scored']).describe('结束于哪一步：资格判定、材料审核、评审打分'),
  priority: z.array(z.string()).describe('优先条件'),
  flags: z.array(z.string()).describe('提示'),
  materials: z.object({ complete: z.boolean(), missing: z.array(z.string()), note: z.string().nullable() }).nullable().describe('材料审核结论'),
  items: z.array(z.object({ key: z.string(), label: z.string(), weight: z.number(), mean: z.number() })).nullable().describe('逐项平均分'),
  panelSize: z.number().describe('打分的评审小组成员人数'),
});
export type ReviewResult = z.infer<typeof reviewResultShape>;

export default defineWorker({
  type: TYPE,
  name: '形成评审结果',
  description:
    '形成每位参评人员的评审结果：不符合申报条件的给出原因；材料不齐全的记为不符合（登记库状态 ineligible）；经评审小组打分的，按评分项权重计算每位成员的加权分，取平均（两位小数）与合格分比较（登记库状态由后续“确定建议人选”记录）。',
  input,
  output: z.object({ reviewResult: reviewResultShape.describe('评审结果，由多实例按 applications 的顺序收集到 reviewResults') }),
  async handler(v, _job, services) {
    const by = actor(TYPE);
    const { registry } = services;
    const e = v.eligibility;
    // The contract's fields first (docs/procedures.md: {applicationId, eligible, route, basis, reasons, score, passed}), then the details.
    const result = (r: Omit<ReviewResult, 'applicationId' | 'priority' | 'flags' | 'passMark'> & { passMark?: number }): ReviewResult => ({
      applicationId: v.applicationId,
      eligible: r.eligible,
      route: r.route,
      basis: r.basis,
      reasons: r.reasons,
      score: r.score,
      passed: r.passed,
      passMark: r.passMark ?? v.passMark ?? null,
      stage: r.stage,
      priority: e.priority,
      flags: e.flags,
      materials: r.materials,
      items: r.items,
      panelSize: r.panelSize,
    });

    if (!e.eligible) {
      return { reviewResult: result({ eligible: false, route: null, basis: [], reasons: e.reasons, score: null, passed: false, stage: 'eligibility', materials: null, items: null, panelSize: 0 }) };
    }

    if (!v.materialsComplete) {
      const app = await registry.applications.get(v.applicationId);
      if (!app) throw refuse(`登记库中没有申报 ${v.applicationId}（变量 applicationId）`, `application ${v.applicationId} is not in the registry`);
      const missing = v.missingMaterials ?? [];
      const names = missing.map((m) => MATERIAL_NAMES[m] ?? m);
      const note = v.note?.trim() ? v.note.trim() : null;
      const reason = `参评材料不齐全或存疑${names.length ? `：${names.join('、')}` : ''}${note ? `（审核意见：${note}）` : ''}`;
      // Disqualified and withdrawn are final (the registry refuses to move them).
      if (app.status !== 'ineligible' && app.status !== 'disqualified' && app.status !== 'withdrawn') {
        await registry.applications.setStatus({ id: v.applicationId, status: 'ineligible', why: clip(reason), by });
      }
      const reviewResult = result({
        eligible: false,
        route: null,
        basis: [],
        reasons: [reason],
        score: null,
        passed: false,
        stage: 'materials',
        materials: { complete: false, missing, note },
        items: null,
        panelSize: 0,
      });
      return { reviewResult };
    }

    const items = v.scoringItems!;
    const scores = v.scores!;
    const passMark = v.passMark!;
    const scoreOf = (entry: (typeof scores)[number], key: string) => entry.itemScores.find((x) => x.key === key)!.score;
    const memberTotals = scores.map((entry) => items.reduce((sum, item) => sum + scoreOf(entry, item.key) * item.weight, 0));
    const score = round2(mean(memberTotals));
    const passed = score >= passMark;
    const note = v.note?.trim() ? v.note.trim() : null;
    const reviewResult = result({
      passMark,
      eligible: true,
      route: e.route,
      basis: e.basis,
      reasons: passed ? [] : [`评审得分 ${score.toFixed(2)} 分，未达到合格分 ${passMark} 分`],
      score,
      passed,
      stage: 'scored',
      materials: { complete: true, missing: [], note },
      items: items.map((item) => ({ key: item.key, label: item.label, weight: item.weight, mean: round2(mean(scores.map((s) => scoreOf(s, item.key)))) })),
      panelSize: scores.length,
    });
    return { reviewResult };
  },
});
