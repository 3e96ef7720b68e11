import { describe, expect, it } from 'vitest';
import { applicant, cert, check, honour, LONG_WORK, OCC, OTHER, title, work, type Obj } from './eligibility-fixtures.js';

const T = (asOf: string, record: Obj, bans?: Parameters<typeof check>[4]) => check('guangdong', 'T', asOf, record, bans);
const S = (asOf: string, record: Obj) => check('guangdong', 'S', asOf, record);

describe('Guangdong 特级技师 (002 四(一)): any one of GD-T-1, GD-T-2, GD-T-3', () => {
  describe('GD-T-1 (002 四(一)1): 高级技师 certificate, then ≥ 1 year of work in the occupation or a related one', () => {
    const record = (over: Obj = {}) => applicant({ certificates: [cert('1', '2024-03-10')], workHistory: LONG_WORK, ...over });

    it('eligible on the first anniversary of the certificate', async () => {
      expect(await T('2025-03-10', record())).toMatchObject({ eligible: true, route: 'standard', basis: ['GD-T-1'], reasons: [] });
    });

    it('not eligible the day before', async () => {
      const r = await T('2025-03-09', record());
      expect(r).toMatchObject({ eligible: false, route: null });
      expect(r.reasons).toContain('GD-T-1：取得高级技师证书后累计从事本职业或相关职业工作不满1年（002 四(一)1）');
    });

    it('a certificate obtained on Feb 29 reaches its year on Feb 28', async () => {
      const leap = record({ certificates: [cert('1', '2024-02-29')] });
      expect((await T('2025-02-28', leap)).eligible).toBe(true);
      expect((await T('2025-02-27', leap)).eligible).toBe(false);
    });

    it('several periods add up to 365 days (and 364 are not enough)', async () => {
      const split = record({ certificates: [cert('1', '2020-01-01')], workHistory: [work('2020-01-01', '2020-06-30'), work('2021-01-01')] });
      expect((await T('2021-07-03', split)).eligible).toBe(true);
      expect((await T('2021-07-02', split)).eligible).toBe(false);
    });

    it('work in an unrelated occupation does not count; a related one does', async () => {
      const unrelated = record({ workHistory: [work('2000-01-01', null, OTHER, false)] });
      expect((await T('2025-06-01', unrelated)).eligible).toBe(false);
      const related = record({ workHistory: [work('2000-01-01', null, OTHER, true)] });
      expect((await T('2025-06-01', related)).basis).toEqual(['GD-T-1']);
    });

    it('a certificate in another occupation is not "相应"', async () => {
      const r = await T('2025-06-01', record({ certificates: [cert('1', '2020-01-01', OTHER)] }));
      expect(r.reasons).toContain('GD-T-1：未取得与参评职业（工种）相应的高级技师职业资格（职业技能等级）证书（002 四(一)1）');
    });

    it('time worked before the certificate does not count', async () => {
      const r = await T('2025-03-10', record({ workHistory: [work('2000-01-01', '2024-12-31')] }));
      expect(r.eligible).toBe(false);
    });
  });

  describe('GD-T-2 (002 四(一)2): related 高级职称, then ≥ 2 years', () => {
    it('eligible on the second anniversary, not the day before', async () => {
      const record = applicant({ titles: [title('senior', '2023-05-01')], workHistory: LONG_WORK });
      expect(await T('2025-05-01', record)).toMatchObject({ eligible: true, basis: ['GD-T-2'] });
      const r = await T('2025-04-30', record);
      expect(r.eligible).toBe(false);
      expect(r.reasons).toContain('GD-T-2：取得相关高级职称后累计从事本职业或相关职业工作不满2年（002 四(一)2）');
    });

    it('an unrelated title does not count', async () => {
      const r = await T('2025-06-01', applicant({ titles: [title('senior', '2020-01-01', false)], workHistory: LONG_WORK }));
      expect(r.reasons).toContain('GD-T-2：未取得与参评职业（工种）相关的高级职称（专业技术人员职业资格）（002 四(一)2）');
    });

    it('a 正高级 title is a 高级职称 too', async () => {
      expect((await T('2025-06-01', applicant({ titles: [title('full-senior', '2023-01-01')], workHistory: LONG_WORK }))).basis).toEqual(['GD-T-2']);
    });
  });

  describe('GD-T-3 (002 四(一)3): 技师 certificate, then ≥ 3 years, and a city-level-or-higher skill honour', () => {
    const record = (...honors: Obj[]) => applicant({ certificates: [cert('2', '2022-04-01')], workHistory: LONG_WORK, honors });

    it('eligible on the third anniversary with a city 劳动模范', async () => {
      expect(await T('2025-04-01', record(honour('model-worker', 'city')))).toMatchObject({ eligible: true, basis: ['GD-T-3'], flags: [] });
    });

    it('not eligible the day before the third anniversary', async () => {
      const r = await T('2025-03-31', record(honour('model-worker', 'city')));
      expect(r.reasons).toContain('GD-T-3：取得技师证书后累计从事本职业或相关职业工作不满3年（002 四(一)3）');
    });

    for (const type of ['model-worker', 'technical-expert', 'may-day-medal', 'master-studio-lead', 'skill-leader-award']) {
      it(`${type}: city, provincial and national count; enterprise is one tier too low`, async () => {
        for (const tier of ['city', 'provincial', 'national']) expect((await T('2025-04-01', record(honour(type, tier)))).eligible, tier).toBe(true);
        const low = await T('2025-04-01', record(honour(type, 'enterprise')));
        expect(low.eligible).toBe(false);
        expect(low.reasons).toContain(
          'GD-T-3：未取得地级以上市政府部门颁发的技能类人才荣誉，或中央企业二级（省级）以上单位、世界500强企业授予的技能类人才突出贡献奖励（002 四(一)3）',
        );
      });
    }

    it('a contribution award from a central-SOE level-2 unit counts', async () => {
      const r = await T('2025-04-01', record(honour('enterprise-contribution-award', 'enterprise', { issuer: 'central-soe-l2' })));
      expect(r).toMatchObject({ eligible: true, basis: ['GD-T-3'], flags: [] });
    });

    it('a Fortune Global 500 award counts, flagged so the reviewer checks "近三年榜单内"', async () => {
      const r = await T('2025-04-01', record(honour('enterprise-contribution-award', 'enterprise', { issuer: 'fortune-global-500' })));
      expect(r).toMatchObject({ eligible: true, basis: ['GD-T-3'], flags: ['verify-fortune-global-500-listing'] });
    });

    it('no flag when GD-T-3 is not what the eligibility rests on', async () => {
      const r = await T('2025-04-01', applicant({ certificates: [cert('1', '2020-01-01')], workHistory: LONG_WORK, honors: [honour('enterprise-contribution-award', 'enterprise', { issuer: 'fortune-global-500' })] }));
      expect(r).toMatchObject({ basis: ['GD-T-1'], flags: [] });
    });

    it('an honour awarded after the evaluation date does not count', async () => {
      expect((await T('2025-04-01', record(honour('model-worker', 'city', {}, '2025-04-02')))).eligible).toBe(false);
    });
  });

  it('lists every basis met', async () => {
    const r = await T('2025-06-01', applicant({ certificates: [cert('1', '2020-01-01'), cert('2', '2015-01-01')], titles: [title('senior', '2020-01-01')], workHistory: LONG_WORK, honors: [honour('technical-expert', 'city')] }));
    expect(r.basis).toEqual(['GD-T-1', 'GD-T-2', 'GD-T-3']);
  });

  it('gives the reasons of every alternative when none is met', async () => {
    const r = await T('2025-06-01', applicant());
    expect(r.reasons).toEqual([
      'GD-T-1：未取得与参评职业（工种）相应的高级技师职业资格（职业技能等级）证书（002 四(一)1）',
      'GD-T-2：未取得与参评职业（工种）相关的高级职称（专业技术人员职业资格）（002 四(一)2）',
      'GD-T-3：未取得与参评职业（工种）相应的技师职业资格（职业技能等级）证书（002 四(一)3）',
      'GD-T-3：未取得地级以上市政府部门颁发的技能类人才荣誉，或中央企业二级（省级）以上单位、世界500强企业授予的技能类人才突出贡献奖励（002 四(一)3）',
    ]);
  });

  it('has no priority conditions', async () => {
    expect((await T('2025-06-01', applicant({ honors: [honour('technical-expert', 'national')] }))).priority).toEqual([]);
  });
});

describe('Guangdong 首席技师 (002 四(二)): a provincial-or-higher honour AND one of GD-S-1, GD-S-2, GD-S-3', () => {
  const honoured = (over: Obj = {}, ...honors: Obj[]) =>
    applicant({ workHistory: LONG_WORK, honors: honors.length ? honors : [honour('technical-expert', 'provincial')], ...over });

  it('GD-S-1 (四(二)1): 特级技师 certificate, then ≥ 1 year', async () => {
    const record = honoured({ certificates: [cert('T', '2024-01-01')] });
    expect(await S('2025-01-01', record)).toMatchObject({ eligible: true, route: 'standard', basis: ['GD-S-H', 'GD-S-1'] });
    const r = await S('2024-12-31', record);
    expect(r.reasons).toContain('GD-S-1：取得特级技师证书后累计从事本职业或相关职业工作不满1年（002 四(二)1）');
  });

  it('GD-S-2 (四(二)2): 高级技师 certificate, then ≥ 3 years', async () => {
    const record = honoured({ certificates: [cert('1', '2022-01-01')] });
    expect((await S('2025-01-01', record)).basis).toEqual(['GD-S-H', 'GD-S-2']);
    expect((await S('2024-12-31', record)).reasons).toContain('GD-S-2：取得高级技师证书后累计从事本职业或相关职业工作不满3年（002 四(二)2）');
  });

  it('GD-S-3 (四(二)3): related 正高级职称, then ≥ 3 years; a 副高级 title is not enough', async () => {
    expect((await S('2025-01-01', honoured({ titles: [title('full-senior', '2022-01-01')] }))).basis).toEqual(['GD-S-H', 'GD-S-3']);
    const r = await S('2025-01-01', honoured({ titles: [title('senior', '2015-01-01')] }));
    expect(r.eligible).toBe(false);
    expect(r.reasons).toContain('GD-S-3：未取得与参评职业（工种）相关的正高级职称（专业技术人员职业资格）（002 四(二)3）');
  });

  it('四(二): without a provincial-or-higher honour, a met alternative is not enough — and the honour is the reason', async () => {
    const r = await S('2025-01-01', honoured({ certificates: [cert('T', '2020-01-01')] }, honour('technical-expert', 'city')));
    expect(r).toMatchObject({ eligible: false, reasons: ['GD-S-H：未获得技能类人才省级以上表彰（002 四(二)）'] });
  });

  const PROVINCIAL_OR_HIGHER: [string, string, Obj?][] = [
    ['南粤技术能手', 'technical-expert:provincial'],
    ['全国技术能手', 'technical-expert:national'],
    ['劳动模范 (省级)', 'model-worker:provincial'],
    ['劳动模范 (全国)', 'model-worker:national'],
    ['五一劳动奖章 (省级)', 'may-day-medal:provincial'],
    ['五一劳动奖章 (全国)', 'may-day-medal:national'],
    ['国务院特殊津贴', 'state-council-allowance:national'],
    ['世界技能大赛奖牌', 'worldskills-medal:world'],
    ['国家职业技能大赛银牌', 'national-competition:national', { grade: 2 }],
    ['国家职业技能大赛铜牌', 'national-competition:national', { grade: 3 }],
    ['国家级技能大师工作室带头人', 'master-studio-lead:national'],
  ];
  for (const [name, code, extra] of PROVINCIAL_OR_HIGHER) {
    it(`四(二) honour: ${name} counts`, async () => {
      const [type, tier] = code.split(':') as [string, string];
      const r = await S('2025-01-01', honoured({ certificates: [cert('1', '2020-01-01')] }, honour(type, tier, extra)));
      expect(r.basis).toEqual(['GD-S-H', 'GD-S-2']);
    });
  }

  for (const [name, type, tier] of [
    ['a city 劳动模范 (one tier too low)', 'model-worker', 'city'],
    ['a city 五一劳动奖章 (one tier too low)', 'may-day-medal', 'city'],
    ['a provincial 技能大师工作室带头人 (one tier too low)', 'master-studio-lead', 'provincial'],
    ['天府青城 (not in Guangdong\'s list)', 'tianfu-qingcheng', 'provincial'],
  ] as const) {
    it(`四(二) honour: ${name} does not count`, async () => {
      const r = await S('2025-01-01', honoured({ certificates: [cert('1', '2020-01-01')] }, honour(type, tier)));
      expect(r.eligible).toBe(false);
    });
  }
});

describe('Guangdong direct route (002 四(三)): T or S regardless of the above', () => {
  it('GD-D-1 (四(三)1): 中华技能大奖 alone → 特级技师 and 首席技师, route direct', async () => {
    const record = applicant({ honors: [honour('china-skill-award', 'national')] });
    expect(await T('2025-06-01', record)).toMatchObject({ eligible: true, route: 'direct', basis: ['GD-D-1'], reasons: [] });
    expect(await S('2025-06-01', record)).toMatchObject({ eligible: true, route: 'direct', basis: ['GD-D-1'] });
  });

  it('GD-D-2 (四(三)2): 国家科学技术奖二等奖 or higher', async () => {
    for (const grade of [0, 1, 2]) {
      const r = await S('2025-06-01', applicant({ honors: [honour('sci-tech-award', 'national', { grade })] }));
      expect(r, `grade ${grade}`).toMatchObject({ eligible: true, route: 'direct', basis: ['GD-D-2'] });
    }
  });

  it('GD-D-2: a national 三等奖 or a provincial 一等奖 is one step too low', async () => {
    expect((await S('2025-06-01', applicant({ honors: [honour('sci-tech-award', 'national', { grade: 3 })] }))).eligible).toBe(false);
    expect((await S('2025-06-01', applicant({ honors: [honour('sci-tech-award', 'provincial', { grade: 1 })] }))).eligible).toBe(false);
  });

  it('standard and direct together: route standard, both in the basis', async () => {
    const r = await T('2025-06-01', applicant({ certificates: [cert('1', '2020-01-01')], workHistory: LONG_WORK, honors: [honour('china-skill-award', 'national')] }));
    expect(r).toMatchObject({ route: 'standard', basis: ['GD-T-1', 'GD-D-1'] });
  });

  it('002 七(四): a ban also closes the direct route', async () => {
    const r = await T('2025-06-01', applicant({ honors: [honour('china-skill-award', 'national')] }), { person: { until: '2029-04-30' } });
    expect(r).toMatchObject({ eligible: false, route: null, basis: [], reasons: ['因弄虚作假被取消评聘资格，禁止期至 2029-04-30'] });
  });

  it('records the occupation the facts were computed for', async () => {
    expect((await T('2025-06-01', applicant())).facts.occupationCode).toBe(OCC);
  });
});
