import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../../src/domain/applicant.js';
import { evaluatePrerequisites, UnsupportedLevelError, type AppraisalLevel, type Jurisdiction } from '../../src/domain/eligibility.js';
import { MODELS, type Obj } from './eligibility-fixtures.js';

const prereq = (jurisdiction: Jurisdiction, level: AppraisalLevel, enterprise: Obj, asOf = '2025-06-01') =>
  evaluatePrerequisites({ jurisdiction, level, asOf, enterprise }, { modelsDir: MODELS });

describe('enterprise prerequisites', () => {
  describe('national pilot (003 二(一)): filed with provincial or national HRSS', () => {
    it('filed provincially or nationally → NAT-E-1', async () => {
      expect(await prereq('national', 'T', { filedWith: 'provincial' })).toMatchObject({ met: true, basis: ['NAT-E-1'], reasons: [] });
      expect(await prereq('national', 'T', { filedWith: 'national' })).toMatchObject({ met: true, basis: ['NAT-E-1'] });
    });
    it('not filed (or not said) → not met', async () => {
      const r = await prereq('national', 'T', {});
      expect(r).toMatchObject({ met: false, reasons: ['NAT-E-1：企业未经省级及以上人社部门备案开展职业技能等级认定（003 二(一)）'] });
    });
    it('the pilot has no 首席技师', async () => {
      await expect(prereq('national', 'S', { filedWith: 'national' })).rejects.toBeInstanceOf(UnsupportedLevelError);
    });
  });

  describe('Guangdong (002 二)', () => {
    const base = { filedLevels: ['1', 'T', 'S'], aboveDesignatedSize: true, occupationHasLevel1: true };
    it('二(一): 特级技师 by 规模以上企业 filed for T, in an occupation with 高级技师 (二(二))', async () => {
      expect(await prereq('guangdong', 'T', base)).toMatchObject({ met: true, basis: ['GD-E-1', 'GD-E-2', 'GD-E-3'] });
    });
    it('二(一): not filed for the level', async () => {
      expect((await prereq('guangdong', 'T', { ...base, filedLevels: ['1'] })).reasons).toEqual(['GD-E-1：企业未备案特级技师（T级）职业技能等级认定级别（002 二(一)、五(一)1）']);
      expect((await prereq('guangdong', 'S', { ...base, filedLevels: ['T'], large: true })).reasons).toEqual([
        'GD-E-1：企业未备案首席技师（S级）职业技能等级认定级别（002 二(一)、五(一)1）',
      ]);
    });
    it('二(一): 特级技师 only in 规模以上企业', async () => {
      expect((await prereq('guangdong', 'T', { ...base, aboveDesignatedSize: false })).reasons).toEqual(['GD-E-2：特级技师评聘限规模以上企业（002 二(一)）']);
    });
    it('二(一): 首席技师 in 省属备案企业, 链主企业 or 大型企业', async () => {
      for (const kind of ['provinciallyFiled', 'chainLeader', 'large']) {
        expect((await prereq('guangdong', 'S', { ...base, [kind]: true })).met, kind).toBe(true);
      }
      expect((await prereq('guangdong', 'S', base)).reasons).toEqual(['GD-E-2：首席技师评聘限省属备案企业、产教评技能生态链链主企业或大型企业（002 二(一)）']);
    });
    it('二(二): the occupation must have a 高级技师 level in the 2022 大典', async () => {
      expect((await prereq('guangdong', 'T', { ...base, occupationHasLevel1: false })).met).toBe(false);
    });
  });

  describe('Fujian (000 附件3 一)', () => {
    const base = { mohrssFiled: true, selfEvaluationSince: '2022-03-15', seniorTechnicianRecognitionDone: true, occupationInFiledScope: true };
    it('一(一)(二): MOHRSS filing, 3 years of self-evaluation, 高级技师 recognition done, occupation in scope', async () => {
      for (const level of ['T', 'S'] as const) {
        expect(await prereq('fujian', level, base, '2025-03-15')).toMatchObject({ met: true, basis: ['FJ-E-1', 'FJ-E-2', 'FJ-E-3', 'FJ-E-4'] });
      }
    });
    it('一(一) "三年以上": not the day before the third anniversary', async () => {
      const r = await prereq('fujian', 'T', base, '2025-03-14');
      expect(r).toMatchObject({ met: false, reasons: ['FJ-E-2：开展职业技能等级自主认定不满三年（000 附件3 一(一)）'] });
      expect(r.facts.selfEvaluationYears).toBe(2);
    });
    it('lists every unmet condition', async () => {
      const r = await prereq('fujian', 'S', {});
      expect(r.reasons).toEqual([
        'FJ-E-1：企业未经人社部备案（000 附件3 一(一)）',
        'FJ-E-2：开展职业技能等级自主认定不满三年（000 附件3 一(一)）',
        'FJ-E-3：企业尚未完成高级技师认定工作（000 附件3 一(一)）',
        'FJ-E-4：参评职业（工种）不在企业已备案的范围内（000 附件3 一(二)）',
      ]);
    });
  });

  describe('Sichuan (001 三(一); 附件3 二)', () => {
    it('三(一): filed → met', async () => {
      expect(await prereq('sichuan', 'T', { sichuanFiling: 'filed', occupationHasLevel1: true })).toMatchObject({ met: true, basis: ['SC-E-1'], flags: [] });
    });
    it('三(一) "或拟备案": filing → met, flagged filing-pending', async () => {
      expect(await prereq('sichuan', 'T', { sichuanFiling: 'filing', occupationHasLevel1: true })).toMatchObject({ met: true, flags: ['filing-pending'] });
    });
    it('三(一): neither → not met', async () => {
      expect((await prereq('sichuan', 'T', { sichuanFiling: 'none', occupationHasLevel1: true })).reasons).toEqual([
        'SC-E-1：单位未经四川省人力资源社会保障部门备案或拟备案开展职业技能等级认定（001 三(一)）',
      ]);
    });
    it('附件3 二: 首席技师 only in units that already run 特级技师 评聘', async () => {
      expect(await prereq('sichuan', 'S', { sichuanFiling: 'filed', runsSpecialGradeAppraisal: true, occupationHasLevel1: true })).toMatchObject({ met: true, basis: ['SC-E-1', 'SC-E-2'] });
      expect((await prereq('sichuan', 'S', { sichuanFiling: 'filed', occupationHasLevel1: true })).reasons).toEqual([
        'SC-E-2：单位尚未开展特级技师评聘工作，不能开展首席技师评聘（001 附件3 二）',
      ]);
    });
    it('附件3 "一般应在有高级技师的职业": an occupation without 高级技师 is flagged, not refused', async () => {
      expect(await prereq('sichuan', 'T', { sichuanFiling: 'filed', occupationHasLevel1: false })).toMatchObject({ met: true, flags: ['occupation-without-level-1'] });
    });
  });

  it('rejects unknown enterprise fields with the path', async () => {
    const err = await prereq('sichuan', 'T', { sichuanFiling: 'yes', size: 'big' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputValidationError);
    expect((err as InputValidationError).issues.map((i) => [i.field, i.code])).toEqual([
      ['enterprise.sichuanFiling', 'enum'],
      ['enterprise.size', 'unknown-field'],
    ]);
  });
});
