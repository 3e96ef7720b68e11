/**
 * A task's variables as the page needs them. `POST /v2/user-tasks/{key}/variables/search` answers
 * every scope's copy of a name (the task's local scope, the multi-instance body, the process …):
 * the innermost — the highest scopeKey — is what the task sees. Values are JSON text.
 */

export interface RawVariable {
  name: string;
  value?: string;
  scopeKey?: string;
}

function scopeOf(v: RawVariable): bigint {
  try {
    return BigInt(v.scopeKey ?? '0');
  } catch {
    return 0n;
  }
}

function parse(value: string | undefined): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** name → value, the innermost scope's copy of each. */
export function innermostVariables(items: readonly RawVariable[]): Record<string, unknown> {
  const best = new Map<string, RawVariable>();
  for (const item of items) {
    const seen = best.get(item.name);
    if (!seen || scopeOf(item) > scopeOf(seen)) best.set(item.name, item);
  }
  const out: Record<string, unknown> = {};
  for (const [name, v] of best) out[name] = parse(v.value);
  return out;
}

export const JURISDICTIONS: Record<string, string> = { national: '全国试点', guangdong: '广东省', fujian: '福建省', sichuan: '四川省' };
export const LEVELS: Record<string, string> = { T: '特级技师', S: '首席技师' };

export interface CampaignSummary {
  id?: string;
  year?: number | string;
  jurisdiction?: string;
  level?: string;
  /** 2026 年 · 广东省 · 特级技师 */
  label: string;
}

export interface CandidateSummary {
  applicationId: string;
  name?: string;
  idNumberMasked?: string;
  occupation?: string;
}

export interface EnterpriseSummary {
  name?: string;
  creditCode?: string;
}

export interface TaskSummary {
  campaign?: CampaignSummary;
  candidate?: CandidateSummary;
  enterprise?: EnterpriseSummary;
}

const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/**
 * Never show an identifier in clear: a value that still looks like a whole ID number (18 characters,
 * no `*`) is masked here as the registry masks it (first 4 and last 4 kept).
 */
export function ensureMasked(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value.includes('*')) return value;
  const v = value.replace(/\s/g, '');
  if (v.length <= 8) return '*'.repeat(v.length);
  return `${v.slice(0, 4)}${'*'.repeat(v.length - 8)}${v.slice(-4)}`;
}

export function summarize(vars: Record<string, unknown>): TaskSummary {
  const summary: TaskSummary = {};
  const campaign = obj(vars.campaign);
  const campaignId = str(campaign?.id) ?? str(vars.campaignId);
  if (campaign || campaignId) {
    const year = campaign?.year as number | string | undefined;
    const jurisdiction = str(campaign?.jurisdiction);
    const level = str(campaign?.level);
    const parts = [year !== undefined && year !== null ? `${year} 年` : undefined, jurisdiction ? (JURISDICTIONS[jurisdiction] ?? jurisdiction) : undefined, level ? (LEVELS[level] ?? level) : undefined].filter(Boolean);
    summary.campaign = { id: campaignId, year: year ?? undefined, jurisdiction, level, label: parts.join(' · ') };
  }
  const applicationId = str(vars.applicationId);
  if (applicationId) {
    const list = Array.isArray(vars.candidates) ? vars.candidates : [];
    const found = list.map(obj).find((c) => c && str(c.applicationId) === applicationId);
    const occupation = obj(found?.occupation);
    summary.candidate = {
      applicationId,
      name: str(found?.name),
      idNumberMasked: ensureMasked(str(found?.idNumberMasked)),
      occupation: occupation ? [str(occupation.name), str(occupation.code) ? `（${str(occupation.code)}）` : undefined].filter(Boolean).join('') || undefined : undefined,
    };
  }
  const enterprise = obj(vars.enterprise);
  if (enterprise) summary.enterprise = { name: str(enterprise.name), creditCode: str(enterprise.creditCode) };
  return summary;
}

/** What a batch of tasks has in common: the variables with the same value in every one (the bulk form's data). */
export function commonVariables(all: readonly Record<string, unknown>[]): Record<string, unknown> {
  if (all.length === 0) return {};
  const [first, ...rest] = all as [Record<string, unknown>, ...Record<string, unknown>[]];
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(first)) {
    const json = JSON.stringify(value);
    if (rest.every((vars) => name in vars && JSON.stringify(vars[name]) === json)) out[name] = value;
  }
  return out;
}
