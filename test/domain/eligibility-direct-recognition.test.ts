import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../../src/domain/applicant.js';
import { evaluateSichuanDirectRecognition } from '../../src/domain/eligibility.js';
import { MODELS, type Obj } from './eligibility-fixtures.js';

const UNIT = { frontlineSkilledWorkers: 1000, systemComplete: true, dedicatedStaff: true, planFiled: true };
const dr = (input: Obj) => evaluateSichuanDirectRecognition({ unit: UNIT, conditionsMet: [], ...input }, '2025-06-01', { modelsDir: MODELS });

describe('Sichuan direct recognition (001 附件2 职业技能等级直接认定工作指引)', () => {
  describe('三: target group × level → the conditions that apply (any one suffices)', () => {
    const cases: [string, string, number][] = [
      ['new-or-unrated', '5', 1],
      ['new-or-unrated', '4', 3],
      ['new-or-unrated', '3', 2],
      ['high-performer', '3', 5],
      ['high-performer', '2', 3],
      ['major-contributor', '2', 4],
      ['major-contributor', '1', 4],
    ];
    for (const [targetGroup, level, count] of cases) {
      it(`${targetGroup} × level ${level}: ${count} condition(s)`, async () => {
        const r = await dr({ targetGroup, level });
        expect(r.conditions).toHaveLength(count);
        const group = { 'new-or-unrated': 1, 'high-performer': 2, 'major-contributor': 3 }[targetGroup];
        expect(r.conditions.map((c) => c.code)).toEqual(Array.from({ length: count }, (_, i) => `SC-DR-${group}-${level}-${i + 1}`));
      });
    }

    it('a group not covered at that level (新招录 as 技师; 重大贡献 as 高级工) has no route', async () => {
      for (const [targetGroup, level] of [
        ['new-or-unrated', '2'],
        ['high-performer', '1'],
        ['major-contributor', '3'],
        ['high-performer', '5'],
      ]) {
        const r = await dr({ targetGroup, level, conditionsMet: ['SC-DR-1-0-1'] });
        expect(r.conditions).toEqual([]);
        expect(r.eligible).toBe(false);
        expect(r.reasons).toContain('SC-DR：该认定对象不适用于所申请的职业技能等级（001 附件2 一(二)、三）');
      }
    });

    it('三(三)2(1): 1000万元 for 高级技师 — the text is in the table', async () => {
      const r = await dr({ targetGroup: 'major-contributor', level: '1' });
      expect(r.conditions[0]).toEqual({ code: 'SC-DR-3-1-1', text: '经企业认可，牵头实施技能攻关为企业创造经济效益1000万元人民币及以上' });
    });
  });

  it('三(二)1: a high performer meeting one condition is recognised as 高级工', async () => {
    const r = await dr({ targetGroup: 'high-performer', level: '3', conditionsMet: ['SC-DR-2-3-2'] });
    expect(r).toMatchObject({ eligible: true, reasons: [], combinedScore: null });
    expect(r.basis).toEqual(['SC-DR-U-1', 'SC-DR-U-2', 'SC-DR-U-3', 'SC-DR-U-4', 'SC-DR-M-1', 'SC-DR-2-3-2']);
  });

  it('三: a condition of another level or group does not count', async () => {
    const r = await dr({ targetGroup: 'high-performer', level: '2', conditionsMet: ['SC-DR-2-3-2'], performanceWeight: 0.6, performanceScore: 90, reviewScore: 90 });
    expect(r).toMatchObject({ eligible: false, reasons: ['SC-DR：未满足该认定对象、该等级的任一认定条件（001 附件2 三）'] });
  });

  it('三(一): 新招录或未定级 needs the probation / 6-month condition as well', async () => {
    const without = await dr({ targetGroup: 'new-or-unrated', level: '4', conditionsMet: ['SC-DR-1-4-2'] });
    expect(without.reasons).toEqual(['SC-DR-1-0：新招录职工须试用期满并完成企业定岗手续，未定级职工须在本企业连续工作满6个月以上（001 附件2 三(一)）']);
    for (const entry of ['SC-DR-1-0-1', 'SC-DR-1-0-2']) {
      expect((await dr({ targetGroup: 'new-or-unrated', level: '4', conditionsMet: ['SC-DR-1-4-2', entry] })).eligible, entry).toBe(true);
    }
  });

  describe('二: 技师 and 高级技师 combine performance evaluation with an on-site review or defence, performance weight ≥ 60 %', () => {
    const master = (input: Obj) => dr({ targetGroup: 'major-contributor', level: '1', conditionsMet: ['SC-DR-3-1-3'], ...input });

    it('weight 60 % is enough; the combined score is computed', async () => {
      const r = await master({ performanceWeight: 0.6, performanceScore: 80, reviewScore: 70 });
      expect(r).toMatchObject({ eligible: true, combinedScore: 76 });
      expect(r.basis).toContain('SC-DR-M-2');
    });

    it('weight 59 % is not', async () => {
      const r = await master({ performanceWeight: 0.59, performanceScore: 80, reviewScore: 70 });
      expect(r).toMatchObject({ eligible: false, reasons: ['SC-DR-M-2：业绩评定评分权重不得低于60%（001 附件2 二）'] });
    });

    it('without a review or defence score', async () => {
      const r = await master({ performanceWeight: 0.7, performanceScore: 80 });
      expect(r.reasons).toEqual(['SC-DR-M-2：直接认定技师、高级技师应在业绩评定的基础上组织现场评审或答辩（001 附件2 二）']);
    });

    it('without a weight', async () => {
      const r = await master({ performanceScore: 80, reviewScore: 80 });
      expect(r.reasons).toEqual(['SC-DR-M-2：未给出业绩评定评分权重（001 附件2 二）']);
    });

    it('the pass mark of the unit\'s plan applies to the combined score', async () => {
      expect((await master({ performanceWeight: 0.6, performanceScore: 60, reviewScore: 60, passMark: 60 })).eligible).toBe(true);
      const r = await master({ performanceWeight: 0.6, performanceScore: 60, reviewScore: 50, passMark: 60 });
      expect(r).toMatchObject({ eligible: false, combinedScore: 56, reasons: ['SC-DR-M-2：综合评分 56 低于认定方案的合格分数 60'] });
    });

    it('高级工 and below need no review (业绩评定、技术比武)', async () => {
      expect((await dr({ targetGroup: 'high-performer', level: '3', conditionsMet: ['SC-DR-2-3-1'], performanceWeight: 0.1 })).eligible).toBe(true);
    });
  });

  describe('一(一) and 四: the implementing unit', () => {
    it('at least 1000 front-line skilled workers: 999 is not enough', async () => {
      const r = await evaluateSichuanDirectRecognition(
        { unit: { ...UNIT, frontlineSkilledWorkers: 999 }, targetGroup: 'high-performer', level: '3', conditionsMet: ['SC-DR-2-3-1'] },
        '2025-06-01',
        { modelsDir: MODELS },
      );
      expect(r.reasons).toEqual(['SC-DR-U-1：一线技能职工人数低于1000人（001 附件2 一(一)）']);
    });

    it('a complete system, dedicated staff and a filed plan', async () => {
      const r = await evaluateSichuanDirectRecognition(
        { unit: { frontlineSkilledWorkers: 5000, systemComplete: false, dedicatedStaff: false, planFiled: false }, targetGroup: 'high-performer', level: '3', conditionsMet: ['SC-DR-2-3-1'] },
        '2025-06-01',
        { modelsDir: MODELS },
      );
      expect(r.reasons).toHaveLength(3);
      expect(r.eligible).toBe(false);
    });
  });

  it('rejects malformed input with the path', async () => {
    const err = await dr({ targetGroup: 'hero', level: '1', conditionsMet: ['X-1'], performanceWeight: 60 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputValidationError);
    expect((err as InputValidationError).issues.map((i) => i.field)).toEqual(['targetGroup', 'conditionsMet[0]', 'performanceWeight']);
  });
});
