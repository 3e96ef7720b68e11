/**
 * The demo's bilingual labels: who acts (from a task's candidate group or assignee) and what each
 * user task is in English (the Chinese comes from the model's own element name, so a renamed task
 * shows its new name).
 */
import { parseGroupId } from '../domain/groups.js';

export interface Bilingual {
  zh: string;
  en: string;
}

const CITIES: Record<string, Bilingual> = {
  '440100': { zh: '广州市', en: 'Guangzhou' },
  '440300': { zh: '深圳市', en: 'Shenzhen' },
  '350100': { zh: '福州市', en: 'Fuzhou' },
  '350200': { zh: '厦门市', en: 'Xiamen' },
  '510100': { zh: '成都市', en: 'Chengdu' },
  '320500': { zh: '苏州市', en: 'Suzhou' },
};

const PROVINCES: Record<string, Bilingual> = {
  '44': { zh: '广东省', en: 'Guangdong' },
  '35': { zh: '福建省', en: 'Fujian' },
  '51': { zh: '四川省', en: 'Sichuan' },
  '32': { zh: '江苏省', en: 'Jiangsu' },
};

/** The actor of a task: its assignee (panel members) or its first candidate group (DOMAIN.md §6). */
export function actorOf(task: { candidateGroups?: string[]; assignee?: string | null }, panelNames: Map<string, string>): Bilingual {
  const group = task.candidateGroups?.[0] ?? '';
  const parsed = parseGroupId(group);
  if (task.assignee && parsed?.kind === 'enterprise' && parsed.role === 'panel') {
    const name = panelNames.get(task.assignee) ?? task.assignee;
    return { zh: `评委${name}（${task.assignee}）`, en: `panel member ${task.assignee}` };
  }
  if (parsed?.kind === 'enterprise') {
    const role = parsed.role === 'hr' ? { zh: '企业人力资源部', en: 'enterprise HR' } : parsed.role === 'oversight' ? { zh: '企业内督小组', en: 'internal oversight group (内督小组)' } : { zh: '评审小组', en: 'review panel' };
    return { zh: `${role.zh}（${group}）`, en: `${role.en} (${group})` };
  }
  if (parsed?.kind === 'city') {
    const c = CITIES[parsed.cityCode] ?? { zh: parsed.cityCode, en: parsed.cityCode };
    return { zh: `${c.zh}人社局（${group}）`, en: `${c.en} city HRSS (${group})` };
  }
  if (parsed?.kind === 'province') {
    const p = PROVINCES[parsed.provinceCode] ?? { zh: parsed.provinceCode, en: parsed.provinceCode };
    return { zh: `${p.zh}人社厅（${group}）`, en: `${p.en} provincial HRSS (${group})` };
  }
  if (task.assignee) return { zh: task.assignee, en: task.assignee };
  return { zh: group || '（无候选组）', en: group || '(no candidate group)' };
}

/** English for each user task (by element id; a jurisdiction may say more). */
export const TASKS_EN: Record<string, string> = {
  'draft-plan': 'drafts the appraisal plan and makes it public to all staff',
  'draft-plan@fujian': 'drafts the appraisal plan, makes it public and files it with HRSS (报备)',
  'draft-plan@sichuan': 'drafts the initial-review plan and the hiring plan within its quota',
  'submit-evaluation-plan': 'submits the evaluation plan in the provincial business system',
  'set-up-panel': 'sets up the review panel',
  'review-materials': 'checks the application materials',
  'score-candidate': 'scores a candidate',
  'investigate-objection': 'investigates an objection raised during the publicity',
  'confirm-list': 'confirms the list of appointees',
  'report-results': 'reports the results with the materials checklist',
  'review-city': 'reviews the results (city)',
  'review-province': 'reviews the results (province)',
  'oversight-review': 'supervises the whole review and signs off',
  'supervise-review': 'supervises the review (督导)',
  'supervise-review-province': 'supervises the review jointly (province)',
  'approve-plan': 'approves the plan',
  'recommend-list': 'decides the recommendation list after the initial review',
  'comprehensive-review': 'holds the comprehensive review (综评)',
  'approve-appointment': 'approves the appointments (核准)',
  'record-appointment': 'signs the appointment agreement',
  'investigate-fraud': 'investigates a fraud report',
  'deadline-reminder': 'reminds the enterprise of the batch deadline',
  'next-deadline-reminder': 'reminds the enterprise of the batch-2 deadline',
  'deadline-escalation': 'decides on an overdue campaign',
};

export function taskEn(elementId: string, jurisdiction: string): string {
  return TASKS_EN[`${elementId}@${jurisdiction}`] ?? TASKS_EN[elementId] ?? elementId;
}

/** 陈伟强 → 陈*强, 何丽 → 何*: names in the printed table are masked as in public notices. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

export const NOTICE_KINDS: Record<string, Bilingual> = {
  candidates: { zh: '参评人员公示', en: 'candidates publicity' },
  results: { zh: '评审结果公示', en: 'results publicity' },
  'chief-list': { zh: '首席技师名单公示', en: 'chief technician list publicity' },
};

// CJK ideographs and full-width forms take two terminal columns; String#padEnd counts them as one,
// which skews the summary tables.
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;

/** Terminal columns the text takes. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

/** Pads with spaces to `columns` terminal columns. */
export function padColumns(text: string, columns: number): string {
  return text + ' '.repeat(Math.max(0, columns - displayWidth(text)));
}
