/** Builders for applicant records in the eligibility tests (not a test file itself). */
import { fileURLToPath } from 'node:url';
import { evaluateEligibility, type AppraisalLevel, type EligibilityResult, type Jurisdiction } from '../../src/domain/eligibility.js';
import type { Bans } from '../../src/domain/facts.js';

export const MODELS = fileURLToPath(new URL('../../bpmn/', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** 车工 in the 2022 大典. */
export const OCC = '6-18-01-01';
export const OTHER = '6-18-01-02';

export type Obj = { [key: string]: unknown };

export function applicant(over: Obj = {}): Obj {
  return {
    name: '王师傅',
    nationality: 'CN',
    birthDate: '1980-06-15',
    gender: 'male',
    occupation: { code: OCC, name: '车工' },
    stillInOccupation: true,
    certificates: [],
    titles: [],
    workHistory: [],
    posts: [],
    appointments: [],
    honors: [],
    attestations: { lawAbiding: true, ethics: true, fit: true },
    ...over,
  };
}

export const cert = (level: string, obtainedOn: string, occupationCode = OCC, extra: Obj = {}) => ({ level, occupationCode, obtainedOn, ...extra });
export const work = (from: string, to: string | null = null, occupationCode = OCC, related = false) => ({ occupationCode, related, from, to });
export const post = (from: string, to: string | null = null, level = '1') => ({ level, from, to });
export const title = (rank: 'senior' | 'full-senior', obtainedOn: string, related = true) => ({ rank, related, obtainedOn });
export const appointment = (appointedOn: string, endedOn?: string | null, level = 'T') => ({ level, appointedOn, ...(endedOn !== undefined ? { endedOn } : {}) });
export const honour = (type: string, tier: string, extra: Obj = {}, awardedOn = '2020-01-01') => ({ type, tier, awardedOn, ...extra });

/** Work in the occupation since 2000, so that "years of work since X" is the years since X. */
export const LONG_WORK = [work('2000-07-01')];

export function check(
  jurisdiction: Jurisdiction,
  level: AppraisalLevel,
  asOf: string,
  record: Obj,
  bans?: Bans,
): Promise<EligibilityResult> {
  return evaluateEligibility({ jurisdiction, level, asOf, applicant: record, ...(bans ? { bans } : {}) }, { modelsDir: MODELS });
}
