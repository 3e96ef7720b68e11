/**
 * Eligibility facts: what the eligibility decisions (bpmn/eligibility-*.dmn) read, computed from an
 * applicant record on an evaluation date. Flat — numbers, booleans, strings and lists of codes — so
 * that each fact is one DMN input a process owner can see and edit against. Pure: `asOf` is the only
 * notion of "today". docs/eligibility.md documents every fact.
 *
 * Dated things after `asOf` do not exist yet: a certificate, title, honour or appointment dated later
 * is ignored, and work and post periods are cut at `asOf`.
 */
import { z } from 'zod';
import { isoDate, type Applicant } from './applicant.js';
import { honourCodes } from './honours.js';
import { fullYears, periodInterval, since, toDay, type Interval, ageOn } from './periods.js';
import { reachedRetirementAge, retirementAge, retirementCategory, type RetirementCategory } from './retirement.js';

/** The certificate levels with facts of their own: 技师, 高级技师, 特级技师. */
export const FACT_LEVELS = ['2', '1', 'T'] as const;

export interface EligibilityFacts {
  /** The evaluation date, YYYY-MM-DD. */
  asOf: string;
  /** The occupation (工种) applied for. */
  occupationCode: string;

  /** Completed years of age on asOf. */
  age: number;
  /** nationality = CN (001 附件3 一(一)). */
  chineseNationality: boolean;
  /** Which retirement schedule applies: male, female-cadre, female-worker. */
  retirementCategory: RetirementCategory;
  /** Statutory retirement age after the 2025 reform, e.g. "60岁3个月". */
  retirementAge: string;
  retirementAgeMonths: number;
  /** The day the statutory retirement age is reached. */
  retirementDate: string;
  /** asOf ≥ retirementDate (Sichuan's soft condition, 001 附件3 一(三)). */
  beyondRetirementAge: boolean;

  /** Attestations; null when the record has none (the decisions then flag `attestation-missing`). */
  lawAbiding: boolean | null;
  ethics: boolean | null;
  fit: boolean | null;

  /** As declared: still works in the occupation (仍从事本职业（工种）工作). */
  stillInOccupation: boolean;
  /** A work period in the occupation or a related one includes asOf (Fujian "或相关工作"). */
  inRelatedWorkNow: boolean;

  /** Holds a certificate of the level in the occupation applied for (same occupation code). */
  hasCert2: boolean;
  hasCert1: boolean;
  hasCertT: boolean;
  /** Holds a 高级技师 certificate in the occupation or one marked related (Fujian 二(一) "相关职业"). */
  hasCert1OrRelated: boolean;
  /** The earliest such certificate's date; null when none. */
  cert2Date: string | null;
  cert1Date: string | null;
  certTDate: string | null;
  /** Full years of work in the occupation or a related one since that certificate; 0 when none. */
  workYearsSinceCert2: number;
  workYearsSinceCert1: number;
  workYearsSinceCertT: number;

  /** Holds a related 高级职称 (副高级 or 正高级) / a related 正高级职称. */
  hasTitleSenior: boolean;
  hasTitleFullSenior: boolean;
  titleSeniorDate: string | null;
  titleFullSeniorDate: string | null;
  /** Full years of work in the occupation or a related one since that title; 0 when none. */
  workYearsSinceTitleSenior: number;
  workYearsSinceTitleFullSenior: number;

  /** Full years on a 高级技师 post (posts with level "1"). */
  postYears1: number;

  /** Has been appointed 特级技师 (an appointment T starting on or before asOf). */
  appointedT: boolean;
  /** An appointment T includes asOf. */
  appointedTNow: boolean;
  /** Full years appointed 特级技师 (评聘满 N 年, Fujian 二(二)). */
  appointedTYears: number;

  /** Codes of the honours held on asOf, see honours.ts. */
  honours: string[];
}

/** A ban from appraisal (弄虚作假: 003 六(四); 002 七(四)): true, or with the last day of the ban. */
export const banSchema = z.union([
  z.boolean(),
  z.strictObject({
    /** Last day of the ban, inclusive; absent or null when not known. */
    until: isoDate.nullable().optional(),
  }),
]);
export const bansSchema = z.strictObject({ person: banSchema.optional(), enterprise: banSchema.optional() });
export type Ban = z.infer<typeof banSchema>;
export type Bans = z.infer<typeof bansSchema>;

export interface BanFacts {
  /** The applicant is banned on asOf. */
  personBanned: boolean;
  /** Last day of that ban, when known. */
  personBanUntil: string | null;
  /** The applying enterprise (申报单位) is banned on asOf. */
  enterpriseBanned: boolean;
  enterpriseBanUntil: string | null;
}

/** A ban is in force on asOf when it is `true` or its `until` is absent or on/after asOf. */
export function computeBanFacts(bans: Bans | undefined, asOf: string): BanFacts {
  const active = (ban: Ban | undefined): [boolean, string | null] => {
    if (ban === undefined || ban === false) return [false, null];
    if (ban === true) return [true, null];
    const until = ban.until ?? null;
    return until === null || until >= asOf ? [true, until] : [false, null];
  };
  const [personBanned, personBanUntil] = active(bans?.person);
  const [enterpriseBanned, enterpriseBanUntil] = active(bans?.enterprise);
  return { personBanned, personBanUntil, enterpriseBanned, enterpriseBanUntil };
}

const earliest = (dates: readonly string[]): string | null => (dates.length === 0 ? null : [...dates].sort()[0]!);

/** The facts of `applicant` on `asOf` (YYYY-MM-DD). The applicant must be valid (parseApplicant). */
export function computeFacts(applicant: Applicant, asOf: string): EligibilityFacts {
  const asOfDay = toDay(asOf);
  const occupation = applicant.occupation.code;
  const exists = (date: string) => date <= asOf;

  // Work that counts: the same occupation code, or another marked related.
  const qualifyingWork: Interval[] = applicant.workHistory
    .filter((w) => w.occupationCode === occupation || w.related)
    .flatMap((w) => periodInterval(w.from, w.to, asOfDay) ?? []);
  const workYearsSince = (date: string | null): number => (date === null ? 0 : fullYears(since(qualifyingWork, toDay(date))));
  const inRelatedWorkNow = applicant.workHistory.some(
    (w) => (w.occupationCode === occupation || w.related) && w.from <= asOf && (w.to === null || w.to >= asOf),
  );

  const certDate = (level: string, orRelated = false): string | null =>
    earliest(
      applicant.certificates
        .filter((c) => c.level === level && (c.occupationCode === occupation || (orRelated && c.related === true)) && exists(c.obtainedOn))
        .map((c) => c.obtainedOn),
    );
  const cert2Date = certDate('2');
  const cert1Date = certDate('1');
  const certTDate = certDate('T');

  const titleDate = (ranks: readonly string[]): string | null =>
    earliest(applicant.titles.filter((t) => t.related && ranks.includes(t.rank) && exists(t.obtainedOn)).map((t) => t.obtainedOn));
  const titleSeniorDate = titleDate(['senior', 'full-senior']);
  const titleFullSeniorDate = titleDate(['full-senior']);

  const posts1 = applicant.posts.filter((p) => p.level === '1').flatMap((p) => periodInterval(p.from, p.to, asOfDay) ?? []);

  const appointmentsT = applicant.appointments.filter((a) => a.level === 'T' && exists(a.appointedOn));
  const appointedTIntervals = appointmentsT.flatMap((a) => periodInterval(a.appointedOn, a.endedOn ?? null, asOfDay) ?? []);

  const category = retirementCategory(applicant.gender, applicant.femaleCadre);
  const retirement = retirementAge(applicant.birthDate, category);

  return {
    asOf,
    occupationCode: occupation,
    age: ageOn(applicant.birthDate, asOf),
    chineseNationality: applicant.nationality === 'CN',
    retirementCategory: category,
    retirementAge: retirement.label,
    retirementAgeMonths: retirement.months,
    retirementDate: retirement.date,
    beyondRetirementAge: reachedRetirementAge(retirement, asOf),
    lawAbiding: applicant.attestations?.lawAbiding ?? null,
    ethics: applicant.attestations?.ethics ?? null,
    fit: applicant.attestations?.fit ?? null,
    stillInOccupation: applicant.stillInOccupation,
    inRelatedWorkNow,
    hasCert2: cert2Date !== null,
    hasCert1: cert1Date !== null,
    hasCertT: certTDate !== null,
    hasCert1OrRelated: certDate('1', true) !== null,
    cert2Date,
    cert1Date,
    certTDate,
    workYearsSinceCert2: workYearsSince(cert2Date),
    workYearsSinceCert1: workYearsSince(cert1Date),
    workYearsSinceCertT: workYearsSince(certTDate),
    hasTitleSenior: titleSeniorDate !== null,
    hasTitleFullSenior: titleFullSeniorDate !== null,
    titleSeniorDate,
    titleFullSeniorDate,
    workYearsSinceTitleSenior: workYearsSince(titleSeniorDate),
    workYearsSinceTitleFullSenior: workYearsSince(titleFullSeniorDate),
    postYears1: fullYears(posts1),
    appointedT: appointmentsT.length > 0,
    appointedTNow: appointmentsT.some((a) => a.endedOn == null || a.endedOn >= asOf),
    appointedTYears: fullYears(appointedTIntervals),
    honours: honourCodes(applicant.honors, asOf),
  };
}
