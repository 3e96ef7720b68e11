import { describe, expect, it } from 'vitest';
import { applicant, appointment, cert, check, honour, LONG_WORK, OTHER, post, work, type Obj } from './eligibility-fixtures.js';

const T = (asOf: string, record: Obj) => check('fujian', 'T', asOf, record);
const S = (asOf: string, record: Obj) => check('fujian', 'S', asOf, record);

/** 高级技师 on a 高级技师 post since 2020-03-01. */
const senior = (over: Obj = {}) => applicant({ certificates: [cert('1', '2019-06-01')], posts: [post('2020-03-01')], workHistory: LONG_WORK, ...over });
/** Appointed 特级技师 on 2022-04-01. */
const special = (over: Obj = {}) => applicant({ appointments: [appointment('2022-04-01')], workHistory: LONG_WORK, ...over });

describe('Fujian 特级技师 (000 附件3 二(一))', () => {
  it('二(一): 高级技师 + 5 years on a 高级技师 post + still in the occupation → FJ-T-1, FJ-T-2', async () => {
    expect(await T('2025-03-01', senior())).toMatchObject({ eligible: true, route: 'standard', basis: ['FJ-T-1', 'FJ-T-2'], reasons: [] });
  });

  it('二(一): the day before the 5th anniversary of the post is not enough', async () => {
    const r = await T('2025-02-28', senior());
    expect(r).toMatchObject({ eligible: false, reasons: ['FJ-T-2：在高级技师岗位工作不满5年（000 附件3 二(一)）'] });
  });

  it('二(一) "相关职业": a related occupation\'s 高级技师 certificate counts', async () => {
    const r = await T('2025-03-01', senior({ certificates: [cert('1', '2019-06-01', OTHER, { related: true })] }));
    expect(r.eligible).toBe(true);
    const unrelated = await T('2025-03-01', senior({ certificates: [cert('1', '2019-06-01', OTHER)] }));
    expect(unrelated.reasons).toEqual(['FJ-T-2：未取得相关职业高级技师职业资格或职业技能等级（000 附件3 二(一)）']);
  });

  it('二(一) "或相关工作": no longer in the occupation but in related work now still counts', async () => {
    const r = await T('2025-03-01', senior({ stillInOccupation: false, workHistory: [work('2000-01-01', '2023-12-31'), work('2024-01-01', null, OTHER, true)] }));
    expect(r.eligible).toBe(true);
    const gone = await T('2025-03-01', senior({ stillInOccupation: false, workHistory: [work('2000-01-01', '2023-12-31')] }));
    expect(gone.reasons).toEqual(['FJ-T-2：现已不从事本职业（工种）工作或相关工作（000 附件3 二(一)）']);
  });

  it('二: a declared breach of law or ethics is a general bar (FJ-T-1)', async () => {
    const r = await T('2025-03-01', senior({ attestations: { lawAbiding: false, ethics: true, fit: true } }));
    expect(r).toMatchObject({ eligible: false, reasons: ['FJ-T-1：未能确认遵纪守法（000 附件3 二）'] });
  });

  it('二: missing attestations are flagged, not decided', async () => {
    expect(await T('2025-03-01', senior({ attestations: undefined }))).toMatchObject({ eligible: true, basis: ['FJ-T-2'], flags: ['attestation-missing'] });
  });

  it('has no direct route for 特级技师: a 中华技能大奖 alone is not enough', async () => {
    expect((await T('2025-03-01', applicant({ honors: [honour('china-skill-award', 'national')] }))).eligible).toBe(false);
  });

  describe('二(一) priority conditions', () => {
    const priority = async (...honors: Obj[]) => (await T('2025-03-01', senior({ honors }))).priority;
    it('优先1 全国技术能手 → FJ-P-1', async () => expect(await priority(honour('technical-expert', 'national'))).toEqual(['FJ-P-1']));
    it('优先1 a provincial 技术能手 is one tier too low', async () => expect(await priority(honour('technical-expert', 'provincial'))).toEqual([]));
    it('优先2 国家级 or 省级 技能大师工作室带头人 → FJ-P-2', async () => {
      expect(await priority(honour('master-studio-lead', 'national'))).toEqual(['FJ-P-2']);
      expect(await priority(honour('master-studio-lead', 'provincial'))).toEqual(['FJ-P-2']);
    });
    it('优先2 a city 工作室带头人 is one tier too low', async () => expect(await priority(honour('master-studio-lead', 'city'))).toEqual([]));
    it('优先3 政府特殊津贴 → FJ-P-3', async () => expect(await priority(honour('state-council-allowance', 'national'))).toEqual(['FJ-P-3']));
    it('优先4 省级科学技术奖一等奖 or higher → FJ-P-4', async () => {
      expect(await priority(honour('sci-tech-award', 'provincial', { grade: 1 }))).toEqual(['FJ-P-4']);
      expect(await priority(honour('sci-tech-award', 'provincial', { grade: 0 }))).toEqual(['FJ-P-4']);
      expect(await priority(honour('sci-tech-award', 'national', { grade: 2 }))).toEqual(['FJ-P-4']);
    });
    it('优先4 a provincial 二等奖 is one grade too low', async () => expect(await priority(honour('sci-tech-award', 'provincial', { grade: 2 }))).toEqual([]));
    it('优先5 世赛奖牌 or 国赛金牌 → FJ-P-5', async () => {
      expect(await priority(honour('worldskills-medal', 'world', { grade: 3 }))).toEqual(['FJ-P-5']);
      expect(await priority(honour('national-competition', 'national', { grade: 1 }))).toEqual(['FJ-P-5']);
    });
    it('优先5 a national silver is not gold', async () => expect(await priority(honour('national-competition', 'national', { grade: 2 }))).toEqual([]));
    it('优先6 教练 of a WorldSkills medallist or national gold winner → FJ-P-6', async () => {
      expect(await priority(honour('coach', 'world'))).toEqual(['FJ-P-6']);
      expect(await priority(honour('coach', 'national'))).toEqual(['FJ-P-6']);
    });
  });
});

describe('Fujian 首席技师 (000 附件3 二(二))', () => {
  it('二(二): appointed 特级技师 for 3 years, still in the occupation → FJ-S-1, FJ-S-2', async () => {
    expect(await S('2025-04-01', special())).toMatchObject({ eligible: true, route: 'standard', basis: ['FJ-S-1', 'FJ-S-2'] });
  });

  it('二(二): not the day before the third anniversary of the appointment', async () => {
    expect(await S('2025-03-31', special())).toMatchObject({ eligible: false, reasons: ['FJ-S-2：特级技师评聘不满3年（000 附件3 二(二)）'] });
  });

  it('二(二): not appointed 特级技师', async () => {
    expect((await S('2025-04-01', applicant({ workHistory: LONG_WORK }))).reasons).toEqual(['FJ-S-2：未经评聘为特级技师（000 附件3 二(二)）']);
  });

  it('二(二): an ended appointment still counts its years', async () => {
    expect((await S('2025-04-01', special({ appointments: [appointment('2019-01-01', '2021-12-31')] }))).eligible).toBe(true);
  });

  it('二(二): must still work in the occupation or related work', async () => {
    const r = await S('2025-04-01', special({ stillInOccupation: false, workHistory: [work('2000-01-01', '2024-12-31')] }));
    expect(r.reasons).toEqual(['FJ-S-2：现已不从事本职业（工种）工作或相关工作（000 附件3 二(二)）']);
  });

  it('二(二)1 FJ-D-1: 中华技能大奖 → direct, without the 3 years', async () => {
    const r = await S('2025-04-01', applicant({ honors: [honour('china-skill-award', 'national')] }));
    expect(r).toMatchObject({ eligible: true, route: 'direct', basis: ['FJ-S-1', 'FJ-D-1'], reasons: [] });
  });

  it('二(二)2 FJ-D-2: 国家科学技术奖二等奖 or higher → direct; 三等奖 is not', async () => {
    expect(await S('2025-04-01', applicant({ honors: [honour('sci-tech-award', 'national', { grade: 2 })] }))).toMatchObject({ route: 'direct', basis: ['FJ-S-1', 'FJ-D-2'] });
    expect((await S('2025-04-01', applicant({ honors: [honour('sci-tech-award', 'national', { grade: 3 })] }))).eligible).toBe(false);
  });

  it('二: the general conditions hold for the direct route too', async () => {
    const r = await S('2025-04-01', applicant({ honors: [honour('china-skill-award', 'national')], attestations: { lawAbiding: true, ethics: false, fit: true } }));
    expect(r).toMatchObject({ eligible: false, reasons: ['FJ-S-1：未能确认具备良好的职业道德和工匠精神（000 附件3 二）'] });
  });

  it('003 六(四) applies in Fujian: a banned applicant is not eligible', async () => {
    const r = await check('fujian', 'S', '2025-04-01', special(), { person: { until: '2028-01-31' } });
    expect(r).toMatchObject({ eligible: false, reasons: ['因弄虚作假被取消评聘资格，禁止期至 2028-01-31'] });
  });
});
