/**
 * The direct-recognition plan of the recognition workers (not a worker): the plan variables the
 * `draft-recognition-plan` form submits (docs/forms.md), the result of the
 * `direct-recognition-sichuan` decision (docs/eligibility.md), and the method rules of 001 附件2 二.
 */
import { z } from 'zod';
import type { RecognitionLevel } from '../../src/domain/levels.js';
import { bi } from '../kit/index.js';

/** 技师 and 高级技师: performance evaluation plus an on-site review or defence, performance weight ≥ 60 % (001 附件2 二). */
export const TWO_METHOD_LEVELS: readonly RecognitionLevel[] = ['2', '1'];
export const MIN_PERFORMANCE_WEIGHT = 0.6;

export const levelSchema = z
  .enum(['5', '4', '3', '2', '1'], { error: bi('认定等级 level 应为 5、4、3、2 或 1（初级工至高级技师）', 'level must be 5, 4, 3, 2 or 1') })
  .describe('认定等级：5 初级工 / 4 中级工 / 3 高级工 / 2 技师 / 1 高级技师（表单 draft-recognition-plan）');

export const targetGroupSchema = z
  .enum(['new-or-unrated', 'high-performer', 'major-contributor'], {
    error: bi('认定对象 targetGroup 应为 new-or-unrated、high-performer 或 major-contributor', 'targetGroup must be new-or-unrated, high-performer or major-contributor'),
  })
  .describe('认定对象：new-or-unrated 新招录或未定级 / high-performer 技能高超、业绩突出 / major-contributor 有重大技能贡献（001 附件2 一(二)）');

export const performanceWeightSchema = z
  .number({ error: bi('业绩评定评分权重 performanceWeight 应为 0–1 之间的数', 'performanceWeight must be a number between 0 and 1') })
  .min(0, { error: bi('业绩评定评分权重 performanceWeight 不能小于 0', 'performanceWeight must not be negative') })
  .max(1, { error: bi('业绩评定评分权重 performanceWeight 不能大于 1', 'performanceWeight must be at most 1') })
  .nullable()
  .optional()
  .describe('业绩评定评分权重（0–1；技师、高级技师不低于 0.6，001 附件2 二）');

/** The result of the `direct-recognition-sichuan` decision. */
export const decisionResultSchema = (zh: string, en: string) =>
  z
    .looseObject(
      {
        eligible: z.boolean({ error: bi(`${zh}.eligible 应为 true 或 false`, `${en}.eligible must be true or false`) }),
        basis: z.array(z.string(), { error: bi(`${zh}.basis 应为条款代码列表`, `${en}.basis must be a list of clause codes`) }),
        conditions: z.array(z.looseObject({ code: z.string(), text: z.string() }), { error: bi(`${zh}.conditions 应为条件列表`, `${en}.conditions must be a list of conditions`) }),
        combinedScore: z.number().nullable().optional(),
        reasons: z.array(z.string(), { error: bi(`${zh}.reasons 应为文字列表`, `${en}.reasons must be a list of texts`) }),
      },
      { error: bi(`缺少${zh}（决策 direct-recognition-sichuan 的结果）`, `${en} is missing or not an object (the result of the direct-recognition-sichuan decision)`) },
    )
    .describe(`${zh}：决策 direct-recognition-sichuan 的结果 {eligible, basis, conditions, combinedScore, reasons}`);

export const percent = (x: number): string => `${Math.round(x * 1000) / 10}%`;
