/**
 * The campaign variables (not a worker): the zod schemas of the shared process variables of
 * docs/procedures.md that the campaign workers (workers/campaign/*) and the fraud workers
 * (workers/fraud/*) read — `campaign` of either kind, `enterprise` — and the names and rules that go
 * with them (jurisdictions, campaign kinds, the fraud rule each jurisdiction cites).
 */
import { z } from 'zod';
import { LEVEL_NAMES, RECOGNITION_LEVELS } from '../../src/domain/levels.js';
import { dateString, idString } from '../kit/fields.js';
import { bi, JURISDICTION_NAMES } from '../kit/messages.js';

export type Jurisdiction = keyof typeof JURISDICTION_NAMES;
/**
 * The two kinds of campaign the registry holds (src/domain/levels.ts CAMPAIGN_KINDS): an appraisal
 * (评聘) of 特级技师 / 首席技师, levels T and S, run by the appraisal-* processes; a direct-recognition
 * round (直接认定, Sichuan 001 附件2), levels 5…1, run by direct-recognition. `campaign.kind` is absent
 * from the appraisal processes' variables (pingpin.campaign.open predates it): absent means appraisal.
 */
export const CAMPAIGN_KIND_NAMES = { appraisal: '评聘（特级技师、首席技师）', recognition: '职业技能等级直接认定（001 附件2）' } as const;

/** The fraud rule each jurisdiction cites (003 六(四); 002 七(四); Fujian and Sichuan apply the national rule). */
export const FRAUD_BASIS: Record<Jurisdiction, '003 六(四)' | '002 七(四)'> = {
  national: '003 六(四)',
  guangdong: '002 七(四)',
  fujian: '003 六(四)',
  sichuan: '003 六(四)',
};

const campaignFields = {
  id: idString('评聘活动编号 campaign.id', 'campaign.id'),
  jurisdiction: z.enum(['national', 'guangdong', 'fujian', 'sichuan'], {
    error: bi('评聘活动地区 campaign.jurisdiction 应为 national、guangdong、fujian 或 sichuan', 'campaign.jurisdiction must be national, guangdong, fujian or sichuan'),
  }),
  year: z
    .number({ error: bi('评聘年度 campaign.year 应为数字', 'campaign.year must be a number') })
    .int({ error: bi('评聘年度 campaign.year 应为整数', 'campaign.year must be a whole number') }),
  batch: z.number({ error: bi('批次 campaign.batch 应为数字或空', 'campaign.batch must be a number or null') }).int().nullable().optional(),
  deadline: dateString('完成时限 campaign.deadline', 'campaign.deadline').nullable().optional(),
};
const campaignMissing = { error: bi('缺少评聘活动变量 campaign（由“开启评聘活动”或“开启直接认定”设置）', 'campaign is missing or not an object (set by pingpin.campaign.open or pingpin.recognition.open)') };

/**
 * `campaign` of an appraisal (评聘), as `pingpin.campaign.open` sets it (docs/procedures.md, shared
 * variables): the steps that only appraisals have (selection, quotas, review …) refuse a
 * direct-recognition round by its kind.
 */
export const campaignSchema = z
  .object(
    {
      ...campaignFields,
      kind: z
        .literal('appraisal', {
          error: bi(
            '本步骤只办理特级技师、首席技师评聘（campaign.kind 应为 appraisal）；职业技能等级直接认定（recognition，001 附件2）由流程 direct-recognition 办理',
            'campaign.kind must be appraisal: this step belongs to the appraisal of 特级技师 / 首席技师; a direct recognition (recognition, 001 附件2) runs in direct-recognition',
          ),
        })
        .default('appraisal'),
      level: z.enum(['T', 'S'], { error: bi('评聘等级 campaign.level 应为 T（特级技师）或 S（首席技师）', 'campaign.level must be T or S') }),
    },
    campaignMissing,
  )
  .describe('评聘活动 {id, jurisdiction, level, year, batch?, deadline?}，由“开启评聘活动”（pingpin.campaign.open）设置');
export type CampaignVar = z.infer<typeof campaignSchema>;

/**
 * `campaign` of either kind, for the steps an appraisal and a direct-recognition round share
 * (register-candidates, apply-publicity, archive): an appraisal is T or S, a recognition round 5…1
 * and Sichuan's. `level: 'required'` for the steps that work on one level's applications.
 */
export const campaignOfAnyKindSchema = (o: { level: 'required' | 'optional' }) =>
  z
    .object(
      {
        ...campaignFields,
        kind: z
          .enum(['appraisal', 'recognition'], {
            error: bi('活动类型 campaign.kind 应为 appraisal（特级技师、首席技师评聘）或 recognition（职业技能等级直接认定）', 'campaign.kind must be appraisal or recognition'),
          })
          .default('appraisal'),
        level: z
          .enum(['T', 'S', ...RECOGNITION_LEVELS], { error: bi('等级 campaign.level 应为 T、S（评聘）或 5、4、3、2、1（直接认定）', 'campaign.level must be T or S (appraisal) or 5, 4, 3, 2, 1 (direct recognition)') })
          .optional(),
      },
      campaignMissing,
    )
    .superRefine((c, ctx) => {
      if (c.level === undefined) {
        if (o.level === 'required') {
          ctx.addIssue({ code: 'custom', path: ['level'], message: bi(`缺少等级 campaign.level（${CAMPAIGN_KIND_NAMES[c.kind]}）`, `campaign.level is required (campaign.kind ${c.kind})`) });
        }
      } else if (c.kind === 'appraisal' && c.level !== 'T' && c.level !== 'S') {
        ctx.addIssue({
          code: 'custom',
          path: ['level'],
          message: bi(
            `评聘（campaign.kind = appraisal）等级 campaign.level 应为 T（特级技师）或 S（首席技师），不能为 ${c.level}（${c.level} 级只能直接认定，campaign.kind = recognition）`,
            `campaign.level must be T or S for an appraisal (campaign.kind appraisal), not ${c.level} (a direct recognition has campaign.kind recognition)`,
          ),
        });
      } else if (c.kind === 'recognition' && (c.level === 'T' || c.level === 'S')) {
        ctx.addIssue({
          code: 'custom',
          path: ['level'],
          message: bi(
            `直接认定（campaign.kind = recognition）等级 campaign.level 应为 5、4、3、2 或 1（初级工至高级技师，001 附件2 一(三)），不能为 ${c.level}（${LEVEL_NAMES[c.level]}只能评聘）`,
            `campaign.level must be 5, 4, 3, 2 or 1 for a direct recognition (campaign.kind recognition, 001 附件2 一(三)), not ${c.level}, which is appointed by appraisal`,
          ),
        });
      }
      if (c.kind === 'recognition' && c.jurisdiction !== 'sichuan') {
        ctx.addIssue({
          code: 'custom',
          path: ['jurisdiction'],
          message: bi(`直接认定（campaign.kind = recognition）按四川省工作指引办理（001 附件2），campaign.jurisdiction 应为 sichuan，不能为 ${c.jurisdiction}`, `campaign.jurisdiction must be sichuan for a direct recognition (001 附件2), not ${c.jurisdiction}`),
        });
      }
    })
    .describe('评聘活动或直接认定 {id, kind: appraisal|recognition, jurisdiction, level, year, …}，由“开启评聘活动”或“开启直接认定”设置');

/** The part of `enterprise` the workers read. */
export const enterpriseSchema = z
  .object(
    {
      creditCode: idString('企业统一社会信用代码 enterprise.creditCode', 'enterprise.creditCode'),
      name: z.string({ error: bi('企业名称 enterprise.name 应为字符串', 'enterprise.name must be a string') }).optional(),
      provinciallyFiled: z.boolean({ error: bi('省属备案企业 enterprise.provinciallyFiled 应为 true 或 false', 'enterprise.provinciallyFiled must be true or false') }).optional(),
    },
    { error: bi('缺少企业变量 enterprise（由“开启评聘活动”设置）', 'enterprise is missing or not an object (set by pingpin.campaign.open)') },
  )
  .describe('开展评聘的企业 {creditCode, name, divisionCode, cityCode, province, provinciallyFiled, …}，由“开启评聘活动”设置');
