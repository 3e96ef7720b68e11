import { describe, expect, it } from 'vitest';
import { applicant, appointment, cert, check, honour, LONG_WORK, post, type Obj } from './eligibility-fixtures.js';

const T = (asOf: string, record: Obj) => check('sichuan', 'T', asOf, record);
const S = (asOf: string, record: Obj) => check('sichuan', 'S', asOf, record);

/** 高级技师 on a 高级技师 post since 2015-01-01 (5 years on 2020-01-01, 8 years on 2023-01-01). */
const senior = (over: Obj = {}) => applicant({ certificates: [cert('1', '2014-06-01')], posts: [post('2015-01-01')], workHistory: LONG_WORK, ...over });

describe('Sichuan 特级技师 (001 附件3 一)', () => {
  it('一(一)(二)(三): eligible with SC-T-1, SC-T-2, SC-T-3', async () => {
    expect(await T('2025-06-01', senior())).toMatchObject({ eligible: true, route: 'standard', basis: ['SC-T-1', 'SC-T-3', 'SC-T-2'], flags: [] });
  });

  it('一(二): on the 5th anniversary of the post, not the day before', async () => {
    expect((await T('2020-01-01', senior())).eligible).toBe(true);
    expect(await T('2019-12-31', senior())).toMatchObject({ eligible: false, reasons: ['SC-T-2：在高级技师岗位工作不满5年（001 附件3 一(二)）'] });
  });

  it('一(二): requires holding 高级技师 and still working in the occupation', async () => {
    const r = await T('2025-06-01', senior({ certificates: [], stillInOccupation: false }));
    expect(r.reasons).toEqual(['SC-T-2：未取得高级技师职业资格或职业技能等级（001 附件3 一(二)）', 'SC-T-2：现已不从事本职业（工种）工作（001 附件3 一(二)）']);
  });

  it('一(一): requires Chinese nationality', async () => {
    expect(await T('2025-06-01', senior({ nationality: 'SG' }))).toMatchObject({ eligible: false, reasons: ['SC-T-1：不具有中国国籍（001 附件3 一(一)）'] });
  });

  it('一(三): unfit for the post is a bar', async () => {
    const r = await T('2025-06-01', senior({ attestations: { lawAbiding: true, ethics: true, fit: false } }));
    expect(r.reasons).toEqual(['SC-T-3：身体条件不适应工作岗位需要（001 附件3 一(三)）']);
  });

  describe('一(三) "一般不超过法定退休年龄": a soft flag, never a rejection', () => {
    it('a man born 1965-01-15 reaches 60岁1个月 on 2025-02-15: flagged from that day, not the day before', async () => {
      const man = senior({ birthDate: '1965-01-15' });
      const before = await T('2025-02-14', man);
      expect(before).toMatchObject({ eligible: true, flags: [] });
      const on = await T('2025-02-15', man);
      expect(on).toMatchObject({ eligible: true, flags: ['beyond-retirement-age'] });
      expect(on.facts).toMatchObject({ retirementAge: '60岁1个月', retirementDate: '2025-02-15', beyondRetirementAge: true });
    });

    it('a woman worker born 1975-03-10 reaches 50岁2个月 on 2025-05-10', async () => {
      const woman = senior({ birthDate: '1975-03-10', gender: 'female' });
      expect((await T('2025-05-09', woman)).flags).toEqual([]);
      expect((await T('2025-05-10', woman)).flags).toEqual(['beyond-retirement-age']);
    });

    it('a woman cadre born 1970-01-20 reaches 55岁1个月 on 2025-02-20', async () => {
      const cadre = senior({ birthDate: '1970-01-20', gender: 'female', femaleCadre: true });
      expect((await T('2025-02-19', cadre)).flags).toEqual([]);
      expect((await T('2025-02-20', cadre)).flags).toEqual(['beyond-retirement-age']);
    });

    it('a man born 1964-12-31 keeps the old age of 60: flagged from 2024-12-31', async () => {
      const man = senior({ birthDate: '1964-12-31' });
      expect((await T('2024-12-30', man)).flags).toEqual([]);
      expect((await T('2024-12-31', man)).flags).toEqual(['beyond-retirement-age']);
    });

    it('the flag comes with other flags', async () => {
      expect((await T('2025-06-01', senior({ birthDate: '1960-01-01', attestations: undefined }))).flags).toEqual(['attestation-missing', 'beyond-retirement-age']);
    });
  });

  describe('一 priority conditions', () => {
    const priority = async (...honors: Obj[]) => (await T('2025-06-01', senior({ honors }))).priority;
    it('优先1 中华技能大奖 → SC-P-1', async () => expect(await priority(honour('china-skill-award', 'national'))).toEqual(['SC-P-1']));
    it('优先2 政府特殊津贴 → SC-P-2', async () => expect(await priority(honour('state-council-allowance', 'national'))).toEqual(['SC-P-2']));
    it('优先3 全国技术能手 → SC-P-3; 四川省技术能手 is one tier too low', async () => {
      expect(await priority(honour('technical-expert', 'national'))).toEqual(['SC-P-3']);
      expect(await priority(honour('technical-expert', 'provincial'))).toEqual([]);
    });
    it('优先4 国家级工作室带头人 or 省部级/央企技能大师称号 → SC-P-4', async () => {
      expect(await priority(honour('master-studio-lead', 'national'))).toEqual(['SC-P-4']);
      expect(await priority(honour('master-title', 'provincial'))).toEqual(['SC-P-4']);
      expect(await priority(honour('master-studio-lead', 'provincial'))).toEqual([]);
    });
    it('优先5 天府青城计划技能领军人才 → SC-P-5', async () => expect(await priority(honour('tianfu-qingcheng', 'provincial'))).toEqual(['SC-P-5']));
    it('优先6 世赛奖牌 or 国赛金牌 → SC-P-6; silver is not gold', async () => {
      expect(await priority(honour('worldskills-medal', 'world'))).toEqual(['SC-P-6']);
      expect(await priority(honour('national-competition', 'national', { grade: 1 }))).toEqual(['SC-P-6']);
      expect(await priority(honour('national-competition', 'national', { grade: 2 }))).toEqual([]);
    });
    it('优先7 主教练 only: a coach who was not the head coach does not count', async () => {
      expect(await priority(honour('coach', 'world', { headCoach: true }))).toEqual(['SC-P-7']);
      expect(await priority(honour('coach', 'national', { headCoach: true }))).toEqual(['SC-P-7']);
      expect(await priority(honour('coach', 'world'))).toEqual([]);
    });
  });
});

describe('Sichuan 首席技师 (001 附件3 二; 四(七))', () => {
  it('二(一): from an appointed 特级技师 with 8 years on a 高级技师 post → standard', async () => {
    const r = await S('2025-06-01', senior({ appointments: [appointment('2021-07-01')] }));
    expect(r).toMatchObject({ eligible: true, route: 'standard', basis: ['SC-S-1', 'SC-S-T'], flags: [] });
  });

  it('四(七) "特别优秀的也可以从高级技师中产生": not appointed 特级技师 → exceptional route, flagged', async () => {
    const r = await S('2025-06-01', senior());
    expect(r).toMatchObject({ eligible: true, route: 'exceptional', basis: ['SC-S-1', 'SC-S-X'], flags: ['exceptional-route'] });
  });

  it('二(一): on the 8th anniversary of the post, not the day before (on either route)', async () => {
    expect((await S('2023-01-01', senior({ appointments: [appointment('2021-07-01')] }))).route).toBe('standard');
    const r = await S('2022-12-31', senior({ appointments: [appointment('2021-07-01')] }));
    expect(r).toMatchObject({ eligible: false, route: null, flags: [], reasons: ['SC-S-1：在高级技师岗位工作不满8年（001 附件3 二(一)）'] });
    expect((await S('2022-12-31', senior())).eligible).toBe(false);
  });

  it('二(一): requires 高级技师 and still in the occupation', async () => {
    const r = await S('2025-06-01', senior({ certificates: [], stillInOccupation: false, appointments: [appointment('2021-07-01')] }));
    expect(r.reasons).toEqual(['SC-S-1：未取得高级技师职业资格或职业技能等级（001 附件3 二(一)）', 'SC-S-1：现已不从事本职业（工种）工作（001 附件3 二(一)）']);
  });

  it('附件4 第八条: beyond the retirement age is flagged for 首席技师 too', async () => {
    const r = await S('2025-06-01', senior({ birthDate: '1964-06-01', appointments: [appointment('2021-07-01')] }));
    expect(r).toMatchObject({ eligible: true, flags: ['beyond-retirement-age'] });
  });

  it('has no priority conditions and no direct route', async () => {
    const r = await S('2025-06-01', applicant({ honors: [honour('china-skill-award', 'national')] }));
    expect(r).toMatchObject({ eligible: false, priority: [] });
  });

  it('003 六(四) applies in Sichuan: a ban closes the exceptional route too', async () => {
    const r = await check('sichuan', 'S', '2025-06-01', senior(), { enterprise: true });
    expect(r).toMatchObject({ eligible: false, route: null, basis: [], reasons: ['申报单位因弄虚作假被取消评聘资格，仍在禁止期内'] });
  });
});
