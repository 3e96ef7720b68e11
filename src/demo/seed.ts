/**
 * Demo data: one or two enterprises per jurisdiction with their evaluator filings, a campaign per
 * jurisdiction and level, and applicants whose records (docs/eligibility.md) between them take every
 * eligibility route of every jurisdiction, plus the cases the demo shows going wrong: an applicant the
 * eligibility decision rejects, one a publicity objection is raised against, one whose fraud is
 * confirmed. Credit codes and ID numbers are generated with their real check characters
 * (src/domain/validators.ts) and validated, so the registry accepts them as it would real ones.
 */
import { chinaDate } from '../domain/china-time.js';
import {
  creditCodeCheckChar,
  idNumberCheckChar,
  organizationCodeCheckChar,
  validateCreditCode,
  validateIdNumber,
} from '../domain/validators.js';
import type { Registry } from '../registry/index.js';

export type Jurisdiction = 'national' | 'guangdong' | 'fujian' | 'sichuan';
export type Level = 'T' | 'S';

/** Who the registry records as having entered the demo data. */
export const DEMO_BY = 'demo:seed';

export const JURISDICTION_NAMES: Record<Jurisdiction, { zh: string; en: string }> = {
  national: { zh: '国家试点', en: 'National pilot' },
  guangdong: { zh: '广东', en: 'Guangdong' },
  fujian: { zh: '福建', en: 'Fujian' },
  sichuan: { zh: '四川', en: 'Sichuan' },
};

export const LEVEL_NAMES: Record<Level, { zh: string; en: string }> = {
  T: { zh: '特级技师', en: 'T' },
  S: { zh: '首席技师', en: 'S' },
};

/** What a candidate is in the demo to show (checked by test/demo/demo.test.ts). */
export type CandidateRole = 'qualifies' | 'ineligible' | 'objection' | 'fraud';

export interface DemoCandidate {
  key: string;
  name: string;
  /** The clause codes the candidate is expected to qualify by (docs/eligibility.md), or none. */
  expectedBasis: string[];
  role: CandidateRole;
  record: Record<string, unknown>;
  idNumber: string;
}

export interface DemoEnterprise {
  creditCode: string;
  name: string;
  divisionCode: string;
  attributes: Record<string, unknown>;
  /** Filings per level: MOHRSS evaluator code or 0000 for a provincial filing (DOMAIN.md §3). */
  filing: { evaluatorCode: string; authority: 'province' | 'mohrss'; siteSerial: string; filedOn: string };
}

export interface DemoCampaignSeed {
  key: string;
  jurisdiction: Jurisdiction;
  level: Level;
  enterprise: DemoEnterprise;
  campaign: Record<string, unknown>;
  candidates: DemoCandidate[];
  /** Sichuan: the unit's recommendation quota for the year (001 四(六)). */
  quota?: number;
}

export interface SeededCampaign extends DemoCampaignSeed {
  campaignId: string;
  applications: Array<DemoCandidate & { applicationId: string }>;
}

/** A unified social credit code (GB 32100) with a valid organization code (GB 11714) inside. */
export function creditCode(divisionCode: string, orgBody: string): string {
  const org = orgBody + organizationCodeCheckChar(orgBody);
  const first17 = `91${divisionCode}${org}`;
  const code = first17 + creditCodeCheckChar(first17);
  const check = validateCreditCode(code);
  if (!check.valid) throw new Error(`demo credit code ${code} is invalid: ${check.errors.map((e) => e.message).join('; ')}`);
  return code;
}

/** A resident ID number (GB 11643) whose birth date and sex digit agree with the record. */
export function idNumber(region: string, birthDate: string, gender: 'male' | 'female', seq: number): string {
  const sexDigit = gender === 'male' ? 2 * (seq % 5) + 1 : 2 * (seq % 5);
  const body = `${region}${birthDate.replaceAll('-', '')}${String(Math.floor(seq / 5) % 100).padStart(2, '0')}${sexDigit}`;
  const code = body + idNumberCheckChar(body);
  const check = validateIdNumber(code);
  if (!check.valid) throw new Error(`demo ID number ${code} is invalid: ${check.errors.map((e) => e.message).join('; ')}`);
  return code;
}

const LATHE = { code: '6-18-01-01', name: '车工' };
const WELDER = { code: '6-18-02-04', name: '焊工' };
const FITTER = { code: '6-20-01-01', name: '装配钳工' };

const attested = { lawAbiding: true, ethics: true, fit: true };

interface Person {
  name: string;
  birthDate: string;
  gender: 'male' | 'female';
  region: string;
  occupation: { code: string; name: string };
}

function record(p: Person, seq: number, rest: Record<string, unknown>): { record: Record<string, unknown>; idNumber: string } {
  const id = idNumber(p.region, p.birthDate, p.gender, seq);
  return {
    idNumber: id,
    record: {
      name: p.name,
      idNumber: id,
      nationality: 'CN',
      birthDate: p.birthDate,
      gender: p.gender,
      occupation: p.occupation,
      stillInOccupation: true,
      certificates: [],
      titles: [],
      workHistory: [],
      posts: [],
      appointments: [],
      honors: [],
      attestations: attested,
      ...rest,
    },
  };
}

let seq = 0;
function candidate(key: string, p: Person, role: CandidateRole, expectedBasis: string[], rest: Record<string, unknown>): DemoCandidate {
  const { record: r, idNumber: id } = record(p, ++seq, rest);
  return { key, name: p.name, role, expectedBasis, record: r, idNumber: id };
}

const work = (occ: { code: string }, from: string) => [{ occupationCode: occ.code, related: false, from, to: null }];
const cert = (level: string, occ: { code: string }, obtainedOn: string) => ({ level, occupationCode: occ.code, obtainedOn });

/**
 * The demo's campaigns, in the order they run. Every applicant's record is built so that the
 * eligibility decision takes exactly the route named in `expectedBasis` (a direct-route applicant
 * has no standard qualification, or the decision would report the standard route).
 */
export function demoCampaigns(): DemoCampaignSeed[] {
  seq = 0;
  const gdT: DemoEnterprise = {
    creditCode: creditCode('440300', '79258713'),
    name: '深圳市鹏城智能装备制造有限公司',
    divisionCode: '440300',
    attributes: { aboveScale: true, large: false },
    filing: { evaluatorCode: '0000', authority: 'province', siteSerial: '000101', filedOn: '2025-03-18' },
  };
  const gdS: DemoEnterprise = {
    creditCode: creditCode('440100', '19043352'),
    name: '广州重型机械集团有限公司',
    divisionCode: '440100',
    attributes: { aboveScale: true, large: true },
    filing: { evaluatorCode: '0000', authority: 'province', siteSerial: '000102', filedOn: '2025-03-20' },
  };
  const fjT: DemoEnterprise = {
    creditCode: creditCode('350100', '15438806'),
    name: '福建闽江重工股份有限公司',
    divisionCode: '350100',
    attributes: { aboveScale: true, large: true, selfEvaluationSince: '2019-06-01', seniorRecognitionDone: true, seniorRecognitionOn: '2021-06-30' },
    filing: { evaluatorCode: '0351', authority: 'mohrss', siteSerial: '000201', filedOn: '2024-11-05' },
  };
  const fjS: DemoEnterprise = {
    creditCode: creditCode('350200', '26001647'),
    name: '厦门海沧船舶装备有限公司',
    divisionCode: '350200',
    attributes: { aboveScale: true, large: true, selfEvaluationSince: '2018-03-01', seniorRecognitionDone: true, seniorRecognitionOn: '2020-12-15' },
    filing: { evaluatorCode: '0352', authority: 'mohrss', siteSerial: '000202', filedOn: '2024-11-05' },
  };
  const sc: DemoEnterprise = {
    creditCode: creditCode('510100', '20181957'),
    name: '四川天府航空动力装备有限公司',
    divisionCode: '510100',
    attributes: { aboveScale: true, large: true },
    filing: { evaluatorCode: '0000', authority: 'province', siteSerial: '000301', filedOn: '2025-02-26' },
  };
  const nat: DemoEnterprise = {
    creditCode: creditCode('320500', '13771046'),
    name: '苏州精工数控机床股份有限公司',
    divisionCode: '320500',
    attributes: { aboveScale: true, large: true },
    filing: { evaluatorCode: '0000', authority: 'province', siteSerial: '000401', filedOn: '2025-01-10' },
  };

  const gd = (name: string, birthDate: string, gender: 'male' | 'female', occupation = LATHE): Person => ({ name, birthDate, gender, region: '440304', occupation });
  const fj = (name: string, birthDate: string, gender: 'male' | 'female', occupation = WELDER): Person => ({ name, birthDate, gender, region: '350102', occupation });
  const sc1 = (name: string, birthDate: string, gender: 'male' | 'female', occupation = FITTER): Person => ({ name, birthDate, gender, region: '510104', occupation });
  const js = (name: string, birthDate: string, gender: 'male' | 'female', occupation = LATHE): Person => ({ name, birthDate, gender, region: '320505', occupation });

  return [
    {
      key: 'guangdong-T',
      jurisdiction: 'guangdong',
      level: 'T',
      enterprise: gdT,
      campaign: { batch: 1, deadline: '2026-07-10' },
      candidates: [
        candidate('gd-t-1', gd('陈伟强', '1979-03-12', 'male'), 'qualifies', ['GD-T-1'], {
          certificates: [cert('1', LATHE, '2020-03-01')],
          workHistory: work(LATHE, '2001-07-01'),
        }),
        candidate('gd-t-2', gd('何丽娟', '1983-09-25', 'female'), 'qualifies', ['GD-T-2'], {
          titles: [{ rank: 'senior', related: true, obtainedOn: '2021-12-20' }],
          workHistory: work(LATHE, '2005-07-01'),
        }),
        candidate('gd-t-3', gd('林国华', '1985-11-02', 'male'), 'objection', ['GD-T-3'], {
          certificates: [cert('2', LATHE, '2017-06-01')],
          workHistory: work(LATHE, '2006-08-01'),
          honors: [{ type: 'technical-expert', tier: 'city', awardedOn: '2022-05-10' }],
        }),
        candidate('gd-d-1', gd('黄永胜', '1968-04-18', 'male'), 'qualifies', ['GD-D-1'], {
          honors: [{ type: 'china-skill-award', tier: 'national', awardedOn: '2020-09-18' }],
          workHistory: work(LATHE, '1988-07-01'),
        }),
      ],
    },
    {
      key: 'guangdong-S',
      jurisdiction: 'guangdong',
      level: 'S',
      enterprise: gdS,
      campaign: { batch: 1, deadline: '2026-07-10' },
      candidates: [
        candidate('gd-s-1', gd('梁振邦', '1972-08-08', 'male', WELDER), 'qualifies', ['GD-S-1'], {
          certificates: [cert('1', WELDER, '2012-05-01'), cert('T', WELDER, '2023-06-30')],
          workHistory: work(WELDER, '1993-07-01'),
          honors: [{ type: 'technical-expert', tier: 'provincial', awardedOn: '2019-04-28' }],
        }),
        candidate('gd-s-2', gd('罗志明', '1976-01-19', 'male', WELDER), 'qualifies', ['GD-S-2'], {
          certificates: [cert('1', WELDER, '2016-10-01')],
          workHistory: work(WELDER, '1996-07-01'),
          honors: [{ type: 'model-worker', tier: 'provincial', awardedOn: '2020-04-30' }],
        }),
        candidate('gd-s-3', gd('郭美玲', '1978-06-06', 'female', WELDER), 'qualifies', ['GD-S-3'], {
          titles: [{ rank: 'full-senior', related: true, obtainedOn: '2020-12-01' }],
          workHistory: work(WELDER, '2000-07-01'),
          honors: [{ type: 'may-day-medal', tier: 'national', awardedOn: '2022-04-30' }],
        }),
        candidate('gd-d-2', gd('叶承志', '1970-02-14', 'male', WELDER), 'qualifies', ['GD-D-2'], {
          honors: [{ type: 'sci-tech-award', tier: 'national', grade: 2, awardedOn: '2019-01-08' }],
          workHistory: work(WELDER, '1990-07-01'),
        }),
      ],
    },
    {
      key: 'fujian-T',
      jurisdiction: 'fujian',
      level: 'T',
      enterprise: fjT,
      campaign: { deadline: '2026-12-31' },
      candidates: [
        candidate('fj-t-2', fj('陈振华', '1977-05-21', 'male'), 'qualifies', ['FJ-T-2'], {
          certificates: [cert('1', WELDER, '2013-05-01')],
          posts: [{ level: '1', from: '2014-01-01', to: null }],
          workHistory: work(WELDER, '1997-07-01'),
        }),
        candidate('fj-t-2r', fj('林海峰', '1980-10-03', 'male'), 'qualifies', ['FJ-T-2'], {
          // 相关职业高级技师 (000 附件3 二(一)): a 高级技师 certificate in a related occupation counts in Fujian.
          certificates: [{ level: '1', occupationCode: '6-18-02-05', obtainedOn: '2015-06-01', related: true }],
          posts: [{ level: '1', from: '2016-01-01', to: null }],
          workHistory: work(WELDER, '2000-07-01'),
        }),
      ],
    },
    {
      key: 'fujian-S',
      jurisdiction: 'fujian',
      level: 'S',
      enterprise: fjS,
      campaign: { deadline: '2026-12-31' },
      candidates: [
        candidate('fj-s-2', fj('黄志强', '1971-12-12', 'male'), 'qualifies', ['FJ-S-2'], {
          certificates: [cert('1', WELDER, '2011-05-01'), cert('T', WELDER, '2022-03-01')],
          posts: [{ level: '1', from: '2012-01-01', to: '2022-02-28' }],
          appointments: [{ level: 'T', appointedOn: '2022-03-01' }],
          workHistory: work(WELDER, '1992-07-01'),
        }),
        candidate('fj-d-1', fj('郑海燕', '1974-07-07', 'female'), 'qualifies', ['FJ-D-1'], {
          honors: [{ type: 'china-skill-award', tier: 'national', awardedOn: '2022-09-20' }],
          workHistory: work(WELDER, '1994-07-01'),
        }),
        candidate('fj-d-2', fj('蔡明辉', '1969-03-30', 'male'), 'qualifies', ['FJ-D-2'], {
          honors: [{ type: 'sci-tech-award', tier: 'national', grade: 1, awardedOn: '2021-11-03' }],
          workHistory: work(WELDER, '1990-07-01'),
        }),
      ],
    },
    {
      key: 'sichuan-T',
      jurisdiction: 'sichuan',
      level: 'T',
      enterprise: sc,
      campaign: { deadline: '2026-12-31' },
      quota: 2,
      candidates: [
        candidate('sc-t-2', sc1('王建川', '1978-02-27', 'male'), 'qualifies', ['SC-T-2'], {
          certificates: [cert('1', FITTER, '2014-05-01')],
          posts: [{ level: '1', from: '2015-01-01', to: null }],
          workHistory: work(FITTER, '1998-07-01'),
        }),
        candidate('sc-t-2b', sc1('李蜀明', '1981-08-16', 'female'), 'qualifies', ['SC-T-2'], {
          certificates: [cert('1', FITTER, '2015-11-01')],
          posts: [{ level: '1', from: '2016-03-01', to: null }],
          workHistory: work(FITTER, '2002-07-01'),
        }),
      ],
    },
    {
      key: 'sichuan-S',
      jurisdiction: 'sichuan',
      level: 'S',
      enterprise: sc,
      campaign: { deadline: '2026-12-31' },
      candidates: [
        candidate('sc-s-t', sc1('赵德明', '1973-04-09', 'male'), 'qualifies', ['SC-S-T'], {
          certificates: [cert('1', FITTER, '2009-05-01'), cert('T', FITTER, '2021-07-01')],
          posts: [{ level: '1', from: '2010-01-01', to: '2021-06-30' }],
          appointments: [{ level: 'T', appointedOn: '2021-07-01' }],
          workHistory: work(FITTER, '1993-07-01'),
        }),
        candidate('sc-s-x', sc1('周雪梅', '1975-09-18', 'female'), 'qualifies', ['SC-S-X'], {
          femaleCadre: true,
          certificates: [cert('1', FITTER, '2010-05-01')],
          posts: [{ level: '1', from: '2011-01-01', to: null }],
          workHistory: work(FITTER, '1995-07-01'),
        }),
      ],
    },
    {
      key: 'national-T',
      jurisdiction: 'national',
      level: 'T',
      enterprise: nat,
      campaign: { deadline: '2026-12-31' },
      candidates: [
        candidate('nat-t-2', js('王建国', '1976-10-10', 'male'), 'qualifies', ['NAT-T-2'], {
          certificates: [cert('1', LATHE, '2014-05-01')],
          posts: [{ level: '1', from: '2015-01-01', to: null }],
          workHistory: work(LATHE, '1996-07-01'),
        }),
        candidate('nat-short', js('赵志远', '1988-01-05', 'male'), 'ineligible', [], {
          // Only three years on a 高级技师 post: 003 三(一)2 asks for five.
          certificates: [cert('1', LATHE, '2021-05-01')],
          posts: [{ level: '1', from: '2023-03-01', to: null }],
          workHistory: work(LATHE, '2008-07-01'),
        }),
        candidate('nat-fraud', js('吴文涛', '1979-12-01', 'male'), 'fraud', ['NAT-T-2'], {
          certificates: [cert('1', LATHE, '2013-05-01')],
          posts: [{ level: '1', from: '2014-01-01', to: null }],
          workHistory: work(LATHE, '1999-07-01'),
        }),
      ],
    },
  ];
}

/** Writes the enterprises, filings, quotas, campaigns and applications into the registry. */
/**
 * The demo's campaigns moved into the present (a cluster's clock, `npm start`'s demo data): this year's
 * campaigns, Guangdong's in the batch still open (002 三: batch 1 ends 07-10, batch 2 ends 10-30).
 */
export function inThePresent(s: DemoCampaignSeed, now: number): DemoCampaignSeed {
  const today = chinaDate(now);
  const year = today.slice(0, 4);
  if (s.jurisdiction !== 'guangdong') return { ...s, campaign: { ...s.campaign, deadline: `${year}-12-31` } };
  const campaign = today <= `${year}-06-10` ? { batch: 1, deadline: `${year}-07-10` } : { batch: 2, deadline: `${year}-10-30` };
  return { ...s, campaign };
}

export async function seedRegistry(registry: Registry, seeds: DemoCampaignSeed[], year: number): Promise<SeededCampaign[]> {
  const out: SeededCampaign[] = [];
  const created = new Set<string>();
  for (const s of seeds) {
    const e = s.enterprise;
    if (!created.has(e.creditCode) && !(await registry.enterprises.get(e.creditCode))) {
      await registry.enterprises.create({ creditCode: e.creditCode, name: e.name, divisionCode: e.divisionCode, by: DEMO_BY, ...e.attributes } as never);
      for (const level of ['T', 'S'] as const) {
        await registry.enterprises.fileEvaluator({
          creditCode: e.creditCode,
          level,
          category: 'Y',
          evaluatorCode: e.filing.evaluatorCode,
          siteSerial: e.filing.siteSerial,
          authority: e.filing.authority,
          filedOn: e.filing.filedOn,
          by: DEMO_BY,
        });
      }
    }
    created.add(e.creditCode);
    if (s.quota !== undefined) await registry.quotas.set({ creditCode: e.creditCode, year, level: s.level, quota: s.quota, by: DEMO_BY });
    const campaign = await registry.campaigns.create({
      // A number a clerk can read and type into the start form (the registry's default is a UUID).
      id: `${year}-${s.key}`,
      jurisdiction: s.jurisdiction,
      creditCode: e.creditCode,
      levels: [s.level],
      year,
      by: DEMO_BY,
      ...s.campaign,
    } as never);
    const applications = [];
    for (const c of s.candidates) {
      const app = await registry.applications.create({ campaignId: campaign.id, level: s.level, applicant: c.record as never, by: DEMO_BY });
      applications.push({ ...c, applicationId: app.id });
    }
    out.push({ ...s, campaignId: campaign.id, applications });
  }
  return out;
}
