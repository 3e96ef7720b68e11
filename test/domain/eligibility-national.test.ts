import { describe, expect, it } from 'vitest';
import { evaluateEligibility, UnsupportedLevelError } from '../../src/domain/eligibility.js';
import { InputValidationError } from '../../src/domain/applicant.js';
import { applicant, cert, check, honour, MODELS, post, type Obj } from './eligibility-fixtures.js';

/** A 高级技师 on a 高级技师 post since 2020-06-01, still in the occupation, all attested. */
const senior = (over: Obj = {}) => applicant({ certificates: [cert('1', '2019-01-01')], posts: [post('2020-06-01')], ...over });

describe('national pilot 特级技师 (003 人社厅发〔2021〕66号)', () => {
  it('003 三(一)2: eligible on the 5th anniversary of the 高级技师 post', async () => {
    const r = await check('national', 'T', '2025-06-01', senior());
    expect(r).toMatchObject({ eligible: true, route: 'standard', basis: ['NAT-T-1', 'NAT-T-4', 'NAT-T-2'], reasons: [], flags: [] });
    expect(r.facts.postYears1).toBe(5);
  });

  it('003 三(一)2: not eligible the day before the 5th anniversary', async () => {
    const r = await check('national', 'T', '2025-05-31', senior());
    expect(r).toMatchObject({ eligible: false, route: null, basis: [] });
    expect(r.reasons).toEqual(['NAT-T-2：在高级技师岗位工作不满5年（003 三(一)2）']);
  });

  it('003 三(一)2: requires the 高级技师 qualification', async () => {
    const r = await check('national', 'T', '2025-06-01', senior({ certificates: [cert('2', '2010-01-01')] }));
    expect(r.eligible).toBe(false);
    expect(r.reasons).toEqual(['NAT-T-2：未取得高级技师职业资格或职业技能等级（003 三(一)2）']);
  });

  it('003 三(一)2: requires still working in the occupation', async () => {
    const r = await check('national', 'T', '2025-06-01', senior({ stillInOccupation: false }));
    expect(r.reasons).toEqual(['NAT-T-2：现已不从事本职业（工种）工作（003 三(一)2）']);
  });

  it('003 三(一)2: several periods on a 高级技师 post add up (5 × 365 days)', async () => {
    const posts = [post('2015-01-01', '2017-12-31'), post('2020-01-01')]; // 1096 days + …
    const r = await check('national', 'T', '2022-01-01', senior({ posts }));
    expect(r.facts.postYears1).toBe(5); // 1096 + 731 = 1827 ≥ 1825
    expect((await check('national', 'T', '2021-12-29', senior({ posts }))).facts.postYears1).toBe(4); // 1824
  });

  it('003 三(一)2: a 技师 post does not count', async () => {
    const r = await check('national', 'T', '2025-06-01', senior({ posts: [post('2010-01-01', null, '2')] }));
    expect(r.eligible).toBe(false);
  });

  it('003 三(一)1: a declared breach of law or ethics makes the applicant ineligible', async () => {
    const law = await check('national', 'T', '2025-06-01', senior({ attestations: { lawAbiding: false, ethics: true, fit: true } }));
    expect(law.reasons).toEqual(['NAT-T-1：未能确认模范遵守国家法律法规和企业规章制度（003 三(一)1）']);
    const ethics = await check('national', 'T', '2025-06-01', senior({ attestations: { lawAbiding: true, ethics: false, fit: true } }));
    expect(ethics.reasons).toEqual(['NAT-T-1：未能确认具备良好的职业道德和工匠精神（003 三(一)1）']);
  });

  it('003 三(一)4: unfit for the post makes the applicant ineligible', async () => {
    const r = await check('national', 'T', '2025-06-01', senior({ attestations: { lawAbiding: true, ethics: true, fit: false } }));
    expect(r).toMatchObject({ eligible: false, reasons: ['NAT-T-4：身体条件不适应工作岗位需要（003 三(一)4）'] });
  });

  it('003 三(一)1、4: missing attestations do not decide; they are flagged for the reviewer', async () => {
    const r = await check('national', 'T', '2025-06-01', senior({ attestations: undefined }));
    expect(r).toMatchObject({ eligible: true, basis: ['NAT-T-2'], flags: ['attestation-missing'] });
  });

  it('lists every unmet condition together', async () => {
    const r = await check('national', 'T', '2025-06-01', applicant({ stillInOccupation: false, attestations: { lawAbiding: true, ethics: true, fit: false } }));
    expect(r.reasons).toEqual([
      'NAT-T-4：身体条件不适应工作岗位需要（003 三(一)4）',
      'NAT-T-2：未取得高级技师职业资格或职业技能等级（003 三(一)2）',
      'NAT-T-2：在高级技师岗位工作不满5年（003 三(一)2）',
      'NAT-T-2：现已不从事本职业（工种）工作（003 三(一)2）',
    ]);
  });

  describe('003 三(二) priority conditions', () => {
    const priority = async (...honors: Obj[]) => (await check('national', 'T', '2025-06-01', senior({ honors }))).priority;

    it('三(二)1 中华技能大奖 → NAT-P-1', async () => expect(await priority(honour('china-skill-award', 'national'))).toEqual(['NAT-P-1']));
    it('三(二)2 政府特殊津贴 → NAT-P-2', async () => expect(await priority(honour('state-council-allowance', 'national'))).toEqual(['NAT-P-2']));
    it('三(二)3 全国技术能手 → NAT-P-3', async () => expect(await priority(honour('technical-expert', 'national'))).toEqual(['NAT-P-3']));
    it('三(二)3 a provincial 技术能手 is one tier too low', async () => expect(await priority(honour('technical-expert', 'provincial'))).toEqual([]));
    it('三(二)4 国家级技能大师工作室带头人 → NAT-P-4', async () => expect(await priority(honour('master-studio-lead', 'national'))).toEqual(['NAT-P-4']));
    it('三(二)4 a provincial 工作室带头人 is one tier too low', async () => expect(await priority(honour('master-studio-lead', 'provincial'))).toEqual([]));
    it('三(二)4 省部级/央企 技能大师称号 → NAT-P-4', async () => expect(await priority(honour('master-title', 'provincial'))).toEqual(['NAT-P-4']));
    it('三(二)4 a city 技能大师称号 is one tier too low', async () => expect(await priority(honour('master-title', 'city'))).toEqual([]));
    it('several, each once', async () =>
      expect(await priority(honour('master-title', 'national'), honour('master-studio-lead', 'national'), honour('china-skill-award', 'national'))).toEqual([
        'NAT-P-1',
        'NAT-P-4',
      ]));
    it('priority is not a route: a 中华技能大奖 alone does not make a 特级技师 candidate', async () => {
      const r = await check('national', 'T', '2025-06-01', applicant({ honors: [honour('china-skill-award', 'national')] }));
      expect(r).toMatchObject({ eligible: false, priority: ['NAT-P-1'] });
    });
  });

  describe('003 六(四) bans for fraud', () => {
    it('a banned applicant is not eligible, with the end of the ban', async () => {
      const r = await check('national', 'T', '2025-06-01', senior(), { person: { until: '2030-05-01' } });
      expect(r).toMatchObject({ eligible: false, route: null, reasons: ['因弄虚作假被取消评聘资格，禁止期至 2030-05-01'] });
      expect(r.facts).toMatchObject({ personBanned: true, personBanUntil: '2030-05-01' });
    });

    it('the ban holds on its last day and ends the day after', async () => {
      expect((await check('national', 'T', '2030-05-01', senior(), { person: { until: '2030-05-01' } })).eligible).toBe(false);
      expect((await check('national', 'T', '2030-05-02', senior(), { person: { until: '2030-05-01' } })).eligible).toBe(true);
    });

    it('a ban of the applying unit blocks its applicants', async () => {
      const r = await check('national', 'T', '2025-06-01', senior(), { enterprise: { until: '2027-12-31' } });
      expect(r.reasons).toEqual(['申报单位因弄虚作假被取消评聘资格，禁止期至 2027-12-31']);
    });

    it('a ban without a known end', async () => {
      const r = await check('national', 'T', '2025-06-01', senior(), { person: true });
      expect(r.reasons).toEqual(['因弄虚作假被取消评聘资格，仍在禁止期内']);
    });

    it('bans come first among several reasons', async () => {
      const r = await check('national', 'T', '2025-05-31', senior(), { person: { until: '2030-05-01' } });
      expect(r.reasons).toEqual(['因弄虚作假被取消评聘资格，禁止期至 2030-05-01', 'NAT-T-2：在高级技师岗位工作不满5年（003 三(一)2）']);
    });
  });

  it('003: the pilot defines 特级技师 only — asking for 首席技师 is an error, not "ineligible"', async () => {
    const err = await check('national', 'S', '2025-06-01', senior()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedLevelError);
    expect(err).toMatchObject({ field: 'level', rule: 'national-pilot-defines-T-only', jurisdiction: 'national', level: 'S' });
  });

  it('rejects a bad request with the field path', async () => {
    const bad = (request: Obj) =>
      evaluateEligibility(request as never, { modelsDir: MODELS }).then(
        () => undefined,
        (e: unknown) => (e as InputValidationError).issues,
      );
    expect(await bad({ jurisdiction: 'beijing', level: 'T', asOf: '2025-06-01', applicant: senior() })).toMatchObject([{ field: 'jurisdiction', code: 'enum' }]);
    expect(await bad({ jurisdiction: 'national', level: 'T', asOf: '2025-13-01', applicant: senior() })).toMatchObject([{ field: 'asOf', code: 'date-invalid' }]);
    expect(await bad({ jurisdiction: 'national', level: 'T', asOf: '2025-06-01', applicant: senior({ posts: [post('2020-06-31')] }) })).toMatchObject([
      { field: 'posts[0].from', code: 'date-invalid' },
    ]);
    expect(await bad({ jurisdiction: 'national', level: 'T', asOf: '2025-06-01', applicant: senior(), bans: { person: { until: 'soon' } } })).toMatchObject([
      { field: 'bans.person.until' },
    ]);
  });
});
