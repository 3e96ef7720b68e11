/**
 * pingpin.review.check-panel — 核验评审小组 (appraisal processes, after `set-up-panel`).
 *
 * Checks the panel the HR clerk set up before `candidate-review` assigns scoring tasks to it: at least
 * one member; every member a distinct, well-formed user id (they become the assignees of
 * `score-candidate`); the member details (`panelMembers`, when given) agree with `panel`; in Fujian at
 * least 5 members (000 附件3 三(二)2 “评审小组（一般至少由5名成员组成）”). A panel that fails is not an
 * incident: `panelOk` is false and `reason` / `panelCheck.reasons` say why in zh-CN, so the model sends
 * the task back to HR (the set-up-panel form shows `panelCheck`).
 *
 * Pure: reads variables only, so redelivery is harmless.
 */
import { z } from 'zod';
import { JURISDICTIONS } from '../../src/domain/eligibility.js';
import { jobVariables } from '../kit/index.js';
import { defineWorker } from '../runtime.js';

export const TYPE = 'pingpin.review.check-panel';

/** Minimum panel size per jurisdiction and the clause that sets it. */
export const MIN_PANEL: Record<string, { size: number; clause: string }> = {
  fujian: { size: 5, clause: '000 附件3 三(二)2：评审小组一般至少由5名成员组成' },
};

/** The user id pattern of forms/set-up-panel.form. */
export const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;

const input = jobVariables({
  campaign: z
    .looseObject({ jurisdiction: z.enum(JURISDICTIONS).describe('评聘地区') })
    .describe('评聘活动：{id, jurisdiction, level, …}'),
  panel: z.array(z.unknown()).describe('评审小组成员用户ID列表（组建评审小组表单提交），即评审打分任务的办理人'),
  panelMembers: z
    .array(z.looseObject({ userId: z.unknown().optional() }))
    .nullable()
    .optional()
    .describe('评审小组成员明细（组建评审小组表单提交）'),
});

export function checkPanel(jurisdiction: string, panel: unknown[], panelMembers?: Array<{ userId?: unknown }> | null): { ok: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const ids = panel.map((p) => (typeof p === 'string' ? p.trim() : ''));
  if (panel.length === 0) reasons.push('评审小组至少需要一名成员');
  const min = MIN_PANEL[jurisdiction];
  if (min && panel.length < min.size) reasons.push(`评审小组现有 ${panel.length} 名成员，少于 ${min.size} 名（${min.clause}）`);
  const malformed = panel.filter((p, i) => !USER_ID.test(ids[i]!) || typeof p !== 'string');
  if (malformed.length) reasons.push(`以下成员用户ID无效（应为2–64位字母、数字或 . _ @ -，以字母或数字开头）：${malformed.map((p) => JSON.stringify(p)).join('、')}`);
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const id of ids) {
    if (!id) continue;
    if (seen.has(id)) repeated.add(id);
    seen.add(id);
  }
  if (repeated.size) reasons.push(`以下成员用户ID重复，每位成员只能出现一次：${[...repeated].join('、')}`);
  if (panelMembers) {
    const detailIds = panelMembers.map((m) => (typeof m.userId === 'string' ? m.userId.trim() : ''));
    if (JSON.stringify(detailIds) !== JSON.stringify(ids)) reasons.push('评审小组名单（panel）与成员明细（panelMembers）不一致，请重新提交组建评审小组表单');
  }
  return { ok: reasons.length === 0, reasons };
}

export default defineWorker({
  type: TYPE,
  name: '核验评审小组',
  description:
    '核验评审小组：至少一名成员，成员用户ID格式正确且不重复，与成员明细一致；福建省至少5名成员（000 附件3 三(二)2）。不通过时不产生故障事件，返回 panelOk=false 和中文原因，由流程退回组建评审小组任务。',
  input,
  output: z.object({
    panelOk: z.boolean().describe('评审小组是否符合要求'),
    reason: z.string().nullable().describe('不符合的原因（中文，多条以“；”分隔）；符合时为 null'),
    panelCheck: z.object({ ok: z.boolean(), reasons: z.array(z.string()) }).describe('同上，供组建评审小组表单显示：{ok, reasons}'),
  }),
  handler({ campaign, panel, panelMembers }) {
    const panelCheck = checkPanel(campaign.jurisdiction, panel, panelMembers);
    return { panelOk: panelCheck.ok, reason: panelCheck.ok ? null : panelCheck.reasons.join('；'), panelCheck };
  },
});
