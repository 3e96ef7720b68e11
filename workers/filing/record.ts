/**
 * pingpin.filing.record — 登记评价机构备案 (enterprise-filing, after the province records the filing).
 *
 * Records the evaluator filing the province entered in `record-filing-province` (`evaluatorFiling`)
 * in the registry, once per level (registry `enterprises.fileEvaluator`): category, evaluator code
 * (`0000` when filed with the provincial HRSS, the MOHRSS code otherwise; DOMAIN.md §3), site
 * province and serial, authority, filed on. Certificate codes of the enterprise draw their first 13
 * characters (the evaluator key) from this filing.
 *
 * Idempotent: a level whose filing is already recorded as given is not written again (a filing is
 * keyed by enterprise and level; recording it again with other values replaces it).
 */
import { z } from 'zod';
import { ConflictError, formatEvaluatorKey, PROVINCE_CODES, ValidationError } from '../../src/registry/index.js';
import { actor, bi, isoDate, jobVariables, refuse } from '../kit/index.js';
import { defineWorker } from '../runtime.js';

export const TYPE = 'pingpin.filing.record';

export const evaluatorFilingVariable = z
  .object({
    category: z.enum(['Y', 'S']).describe('评价机构类别：Y 用人单位、S 社会培训评价组织'),
    authority: z.enum(['province', 'mohrss']).describe('备案机关：province 省级人社部门（机构代码 0000）、mohrss 人力资源社会保障部'),
    evaluatorCode: z.string().nullable().optional().describe('人社部赋予的评价机构代码（4位，备案机关为人社部时填写）'),
    siteProvince: z
      .string()
      .refine((p) => (PROVINCE_CODES as readonly string[]).includes(p), bi('评价机构（站点）所在省份代码应为 GB/T 2260 省级代码（2位）', 'must be a GB/T 2260 province code'))
      .describe('评价机构（站点）所在省份代码'),
    siteSerial: z.string().regex(/^[0-9]{6}$/, bi('站点序号应为省级人社部门赋予的6位数字', 'must be 6 digits')).describe('评价机构（站点）序号'),
    levels: z
      .array(z.enum(['T', 'S']))
      .min(1, bi('登记级别至少一个', 'at least one level'))
      .refine((l) => new Set(l).size === l.length, bi('登记级别不能重复', 'levels must not repeat'))
      .describe('登记的级别：T 特级技师、S 首席技师'),
    filedOn: isoDate('备案日期'),
  })
  .superRefine((f, ctx) => {
    if (f.authority === 'mohrss' && !/^(?!0000)[0-9]{4}$/.test(f.evaluatorCode ?? '')) {
      ctx.addIssue({ code: 'custom', path: ['evaluatorCode'], message: bi('备案机关为人社部时，评价机构代码应为人社部赋予的 0001–9999 四位数字', "must be the MOHRSS code 0001-9999 when the authority is 'mohrss'") });
    }
  })
  .describe('省级备案登记：{category, authority, evaluatorCode?, siteProvince, siteSerial, levels, filedOn}');

const input = jobVariables(
  {
    enterprise: z.looseObject({ creditCode: z.string().min(1).describe('统一社会信用代码') }).describe('企业'),
    filing: z.looseObject({ levels: z.array(z.enum(['T', 'S'])).describe('申请备案的级别') }).describe('备案申请表'),
    evaluatorFiling: evaluatorFilingVariable,
  },
  (v, ctx) => {
    const extra = v.evaluatorFiling.levels.filter((l) => !v.filing.levels.includes(l));
    if (extra.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['evaluatorFiling', 'levels'],
        message: bi(`登记的级别 ${extra.join('、')} 不在备案申请的级别（${v.filing.levels.join('、')}）内`, `levels ${extra.join(', ')} were not applied for (${v.filing.levels.join(', ')})`),
      });
    }
  },
);

export default defineWorker({
  type: TYPE,
  name: '登记评价机构备案',
  description:
    '把省级备案登记的评价机构信息按级别记入登记库（机构类别、机构代码——省级备案为 0000、站点省份和序号、备案机关、备案日期）；该企业此后颁发的证书编号前13位即取自此备案。重复投递时不重复写入。',
  input,
  output: z.object({
    evaluatorFilings: z
      .array(z.object({ level: z.string(), evaluatorKey: z.string(), authority: z.string(), filedOn: z.string(), status: z.string() }))
      .describe('已登记的备案：每个级别的评价机构编码（证书编号前13位）'),
  }),
  async handler({ enterprise, evaluatorFiling: f }, _job, services) {
    const by = actor(TYPE);
    const { registry } = services;
    const current = await registry.enterprises.get(enterprise.creditCode);
    if (!current) throw refuse(`登记库中没有企业 ${enterprise.creditCode}（登记备案申请应已登记）`, `enterprise ${enterprise.creditCode} is not in the registry`);
    const evaluatorCode = f.authority === 'province' ? '0000' : f.evaluatorCode!;
    const key = formatEvaluatorKey({ category: f.category, evaluatorCode, province: f.siteProvince, siteSerial: f.siteSerial });
    const evaluatorFilings = [];
    for (const level of f.levels) {
      const existing = current.filings.find((x) => x.level === level);
      const same = existing && existing.evaluatorKey === key && existing.authority === f.authority && existing.filedOn === f.filedOn && existing.status === 'active';
      let filed = existing;
      if (!same) {
        try {
          filed = await registry.enterprises.fileEvaluator({
            creditCode: enterprise.creditCode,
            level,
            category: f.category,
            evaluatorCode,
            province: f.siteProvince,
            siteSerial: f.siteSerial,
            authority: f.authority,
            filedOn: f.filedOn,
            status: 'active',
            by,
          });
        } catch (err) {
          if (err instanceof ConflictError) {
            throw refuse(`评价机构编码 ${key} 已登记给另一家企业，请核对站点序号（evaluatorFiling.siteSerial）：${err.message}`, `evaluator ${key} belongs to another enterprise: ${err.message}`);
          }
          if (err instanceof ValidationError) throw refuse(`登记库拒绝登记备案（变量 evaluatorFiling）：${err.message}`, `the registry refused the filing: ${err.message}`);
          throw err;
        }
      }
      evaluatorFilings.push({ level, evaluatorKey: filed!.evaluatorKey, authority: filed!.authority, filedOn: filed!.filedOn, status: filed!.status });
    }
    return { evaluatorFilings };
  },
});
