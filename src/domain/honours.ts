/**
 * Honours (表彰、荣誉、奖项) an applicant holds, and the codes the eligibility decisions read them by.
 *
 * Each honour is recorded as {type, tier, awardedOn, grade?, issuer?, headCoach?}. The decisions in
 * bpmn/ receive the list `honours` of codes (see `honourCodes`), one set per honour held on the
 * evaluation date:
 *   `<type>`                    any tier, e.g. `china-skill-award`
 *   `<type>:<tier>`             e.g. `technical-expert:provincial` (南粤技术能手 in Guangdong)
 *   `<type>:<tier>:<grade>`     graded honours, e.g. `national-competition:national:1` (gold / first),
 *                               `sci-tech-award:national:2` (二等奖)
 *   `<type>:<issuer>`           e.g. `enterprise-contribution-award:fortune-global-500`
 *   `coach:<tier>:head`         head coach (主教练), Sichuan 001 附件3 一 优先 7
 * Codes are exact: a national 技术能手 is `technical-expert:national`, not also `…:city`; a decision
 * that accepts "city level or higher" lists the three codes, so each accepted honour is one visible
 * rule a process owner can edit.
 */

export const HONOUR_TIERS = ['enterprise', 'city', 'provincial', 'national', 'world'] as const;
export type HonourTier = (typeof HONOUR_TIERS)[number];

export const HONOUR_TIER_NAMES: Record<HonourTier, string> = {
  enterprise: '企业级',
  city: '地市级',
  provincial: '省部级',
  national: '国家级',
  world: '世界级',
};

export const CONTRIBUTION_ISSUERS = ['central-soe-l2', 'fortune-global-500'] as const;
export type ContributionIssuer = (typeof CONTRIBUTION_ISSUERS)[number];

export interface HonourTypeInfo {
  name: string;
  /** Tiers this honour exists at; others are rejected when the record is validated. */
  tiers: readonly HonourTier[];
  /** Allowed grades; `required` when the honour means nothing without one. */
  grades?: { values: readonly number[]; required: boolean; names: Record<number, string> };
  /** Whether `issuer` is required (and allowed). */
  issuer?: boolean;
  /** Whether `headCoach` is allowed. */
  headCoach?: boolean;
}

const BELOW_WORLD = ['enterprise', 'city', 'provincial', 'national'] as const;
const MEDAL_GRADES = { 1: '金牌（第一名）', 2: '银牌（第二名）', 3: '铜牌（第三名）' };

export const HONOUR_TYPES = {
  'china-skill-award': { name: '中华技能大奖', tiers: ['national'] },
  'state-council-allowance': { name: '享受国务院政府特殊津贴', tiers: ['national'] },
  'technical-expert': { name: '技术能手', tiers: BELOW_WORLD },
  'model-worker': { name: '劳动模范', tiers: BELOW_WORLD },
  'may-day-medal': { name: '五一劳动奖章', tiers: BELOW_WORLD },
  'master-studio-lead': { name: '技能大师工作室带头人（负责人）', tiers: BELOW_WORLD },
  'master-title': { name: '技能大师类称号', tiers: BELOW_WORLD },
  'skill-leader-award': { name: '技能领军人才奖励', tiers: BELOW_WORLD },
  'enterprise-contribution-award': { name: '技能类人才突出贡献奖励', tiers: ['enterprise'], issuer: true },
  'worldskills-medal': {
    name: '世界技能大赛奖牌',
    tiers: ['world'],
    grades: { values: [1, 2, 3], required: false, names: MEDAL_GRADES },
  },
  'national-competition': {
    name: '国家职业技能大赛奖牌',
    tiers: ['national'],
    grades: { values: [1, 2, 3], required: true, names: MEDAL_GRADES },
  },
  coach: { name: '世界技能大赛获奖者或国家职业技能大赛金牌获得者的教练', tiers: ['national', 'world'], headCoach: true },
  'sci-tech-award': {
    name: '科学技术奖',
    tiers: ['city', 'provincial', 'national'],
    grades: { values: [0, 1, 2, 3], required: true, names: { 0: '特等奖（最高奖）', 1: '一等奖', 2: '二等奖', 3: '三等奖' } },
  },
  'tianfu-qingcheng': { name: '天府青城计划技能领军人才', tiers: ['provincial'] },
} as const satisfies Record<string, HonourTypeInfo>;

export type HonourType = keyof typeof HONOUR_TYPES;
export const HONOUR_TYPE_IDS = Object.keys(HONOUR_TYPES) as [HonourType, ...HonourType[]];

export interface Honour {
  type: HonourType;
  tier: HonourTier;
  awardedOn: string;
  grade?: number;
  issuer?: ContributionIssuer;
  headCoach?: boolean;
}

/** The codes of one honour (see the module comment). */
export function codesOf(h: Honour): string[] {
  const codes = [h.type, `${h.type}:${h.tier}`];
  if (h.grade !== undefined) codes.push(`${h.type}:${h.tier}:${h.grade}`);
  if (h.issuer !== undefined) codes.push(`${h.type}:${h.issuer}`);
  if (h.type === 'coach' && h.headCoach) codes.push(`coach:${h.tier}:head`);
  return codes;
}

/**
 * The codes of every honour awarded on or before `asOf` (an honour dated later does not exist yet on
 * the evaluation date), sorted and without duplicates.
 */
export function honourCodes(honours: readonly Honour[], asOf: string): string[] {
  const codes = new Set<string>();
  for (const h of honours) if (h.awardedOn <= asOf) for (const c of codesOf(h)) codes.add(c);
  return [...codes].sort();
}
