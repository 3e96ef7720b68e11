/**
 * pingpin.campaign.open — 开启评聘活动. The first step of every `appraisal-*` process: reads the
 * campaign and its enterprise from the registry, binds the campaign to this process instance (one
 * instance runs one campaign at one level: the `fraud-reported` message is keyed by the campaign id,
 * and Zeebe correlates a message to one instance per process), moves it to `running`, and returns
 * the shared variables `campaign`, `enterprise`, `groups` (DOMAIN.md §6) and `enterpriseFacts`, the
 * flat facts the `prerequisites-<jurisdiction>-<level>` decisions read (docs/eligibility.md).
 *
 * Idempotent: a redelivered job finds the campaign already bound to this instance and running.
 */
import { z } from 'zod';
import { cityCodeOf, groupIds } from '../../src/domain/groups.js';
import { LEVEL_NAMES } from '../../src/domain/levels.js';
import { computeEnterpriseFacts } from '../../src/domain/prerequisites.js';
import type { Campaign, Enterprise, Registry } from '../../src/registry/index.js';
import { actor, bi, idString, JURISDICTION_NAMES, refuse, registryCall, today } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import type { Jurisdiction } from './variables.js';

const TYPE = 'pingpin.campaign.open';

const input = z.object({
  campaignId: idString('评聘活动编号 campaignId', 'campaignId').describe('登记系统中的评聘活动编号；启动流程时传入，也是“弄虚作假举报”消息的关联键'),
  level: z
    .enum(['T', 'S'], { error: bi('评聘等级 level 应为 T（特级技师）或 S（首席技师）', 'level must be T or S') })
    // The start form's select submits null when nothing is chosen: the same as leaving it out.
    .nullish()
    .transform((v) => v ?? undefined)
    .describe('本流程评聘的等级：T 特级技师 / S 首席技师。评聘活动只登记一个等级时可省略；全国试点只评特级技师'),
  jurisdiction: z
    .enum(['national', 'guangdong', 'fujian', 'sichuan'], { error: bi('地区 jurisdiction 应为 national、guangdong、fujian 或 sichuan', 'jurisdiction must be national, guangdong, fujian or sichuan') })
    .optional()
    .describe('本流程适用的地区（由模型的输入映射给出）；与登记的评聘活动地区不符时拒绝'),
});

const output = z.object({
  campaign: z
    .object({ id: z.string(), jurisdiction: z.string(), level: z.string(), year: z.number(), batch: z.number().nullable(), deadline: z.string() })
    .describe('评聘活动（广东有批次 batch 和完成时限 deadline）'),
  enterprise: z
    .object({
      creditCode: z.string(),
      name: z.string(),
      divisionCode: z.string(),
      cityCode: z.string(),
      province: z.string(),
      provinciallyFiled: z.boolean(),
      aboveScale: z.boolean(),
      large: z.boolean(),
      chainLeader: z.boolean(),
      filings: z.array(z.object({ level: z.string(), evaluatorKey: z.string(), authority: z.string(), status: z.string(), filedOn: z.string() })),
    })
    .describe('开展评聘的企业（登记系统），cityCode 为所在地级市的区划代码'),
  groups: z
    .object({ hr: z.string(), panel: z.string(), oversight: z.string(), city: z.string(), province: z.string() })
    .describe('用户任务的候选组（DOMAIN.md §6，Camunda 8.8 组 ID）：enterprise-<信用代码>-hr / -panel / -oversight、city-<地级市区划代码>、province-<省代码>'),
  enterpriseFacts: z
    .object({ filedWith: z.string(), filedLevels: z.array(z.string()), aboveDesignatedSize: z.boolean(), provinciallyFiled: z.boolean(), large: z.boolean(), chainLeader: z.boolean(), mohrssFiled: z.boolean(), selfEvaluationYears: z.number(), seniorTechnicianRecognitionDone: z.boolean(), sichuanFiling: z.string(), runsSpecialGradeAppraisal: z.boolean(), occupationHasLevel1: z.null(), occupationInFiledScope: z.null() })
    .describe('企业范围判定事实，prerequisites-<地区>-<等级> 决策的输入（docs/eligibility.md）；职业相关的两项在开启时未知，为 null'),
});

/**
 * The enterprise side of bpmn/prerequisites.dmn from the registry. The two facts about an occupation
 * (`occupationHasLevel1`, `occupationInFiledScope`) are not known when a campaign opens — the plan
 * names the occupations later — so they are null: the decisions then neither pass nor fail those
 * clauses (GD-E-3, FJ-E-4), which the plan and the candidate review check per occupation.
 */
export async function enterpriseFactsOf(registry: Registry, enterprise: Enterprise, campaign: Campaign, asOf: string) {
  const active = enterprise.filings.filter((f) => f.status === 'active');
  const mohrss = active.some((f) => f.authority === 'mohrss');
  const others = (await registry.campaigns.list({ creditCode: enterprise.creditCode })).filter(
    (c) => c.id !== campaign.id && c.levels.includes('T') && c.status !== 'cancelled' && c.status !== 'planned',
  );
  const facts = computeEnterpriseFacts(
    {
      name: enterprise.name,
      creditCode: enterprise.creditCode,
      filedWith: mohrss ? 'national' : active.length > 0 ? 'provincial' : 'none',
      filedLevels: active.map((f) => f.level),
      aboveDesignatedSize: enterprise.aboveScale,
      provinciallyFiled: enterprise.provinciallyFiled,
      chainLeader: enterprise.chainLeader,
      large: enterprise.large,
      mohrssFiled: mohrss,
      selfEvaluationSince: enterprise.selfEvaluationSince,
      seniorTechnicianRecognitionDone: enterprise.seniorRecognitionDone,
      sichuanFiling: enterprise.province === '51' && active.length > 0 ? 'filed' : 'none',
      runsSpecialGradeAppraisal: others.length > 0,
    },
    asOf,
  );
  return { ...facts, occupationHasLevel1: null, occupationInFiledScope: null };
}

export default defineWorker({
  type: TYPE,
  name: '开启评聘活动',
  description:
    '从登记系统读取评聘活动及其企业，将活动绑定到本流程实例并置为进行中，返回 campaign、enterprise、groups（候选组）和企业范围判定事实 enterpriseFacts。一个流程实例只办理一个评聘活动的一个等级。',
  input,
  output,
  async handler(i, job, services) {
    const { registry } = services;
    const campaign = await registry.campaigns.get(i.campaignId);
    if (!campaign) throw refuse(`评聘活动 campaignId=${i.campaignId} 在登记系统中不存在`, `campaignId: campaign ${i.campaignId} does not exist in the registry`);
    if (i.jurisdiction && campaign.jurisdiction !== i.jurisdiction) {
      throw refuse(
        `评聘活动 ${campaign.id} 登记为${JURISDICTION_NAMES[campaign.jurisdiction]}，本流程办理${JURISDICTION_NAMES[i.jurisdiction]}评聘（jurisdiction）`,
        `jurisdiction: campaign ${campaign.id} is a ${campaign.jurisdiction} campaign; this process runs ${i.jurisdiction} campaigns`,
      );
    }
    if (campaign.kind !== 'appraisal') {
      throw refuse(
        `评聘活动 ${campaign.id} 登记为职业技能等级直接认定（kind=${campaign.kind}，等级 ${campaign.levels.join('、')}；001 附件2），应由流程 direct-recognition 办理，不能按特级技师、首席技师评聘开启`,
        `campaignId: ${campaign.id} is a direct-recognition round (kind ${campaign.kind}, levels ${campaign.levels.join(', ')}; 001 附件2): run it with the direct-recognition process, not as an appraisal (T / S)`,
      );
    }
    let level: 'T' | 'S';
    if (i.level) {
      if (!campaign.levels.includes(i.level)) {
        throw refuse(`评聘活动 ${campaign.id} 未登记等级 ${i.level}（level；登记的等级：${campaign.levels.join('、')}）`, `level: campaign ${campaign.id} has no level ${i.level} (it has ${campaign.levels.join(', ')})`);
      }
      level = i.level;
    } else if (campaign.levels.length === 1) {
      level = campaign.levels[0] as 'T' | 'S';
    } else if (campaign.jurisdiction === 'national' && campaign.levels.includes('T')) {
      level = 'T';
    } else {
      throw refuse(
        `评聘活动 ${campaign.id} 登记了多个等级（${campaign.levels.join('、')}），请在启动流程时给出 level（T 或 S）`,
        `level: campaign ${campaign.id} has several levels (${campaign.levels.join(', ')}); start the process with level T or S`,
      );
    }
    if (campaign.jurisdiction === 'national' && level !== 'T') {
      throw refuse('全国试点只开展特级技师评聘（003），level 应为 T', 'level: the national pilot appoints 特级技师 (T) only (003)');
    }
    if (!['planned', 'running'].includes(campaign.status)) {
      throw refuse(`评聘活动 ${campaign.id} 的状态为 ${campaign.status}，不能再开启`, `campaignId: campaign ${campaign.id} is ${campaign.status} and cannot be opened`);
    }
    const by = actor(TYPE);
    await registryCall({ zh: '绑定流程实例', en: 'bind the process instance to the campaign' }, () =>
      registry.campaigns.attachProcessInstance({ id: campaign.id, processInstanceKey: job.processInstanceKey, by }),
    );
    if (campaign.status === 'planned') {
      await registryCall({ zh: '开启评聘活动', en: 'set the campaign running' }, () =>
        registry.campaigns.setStatus({ id: campaign.id, status: 'running', why: `${LEVEL_NAMES[level]}评聘流程开始`, by }),
      );
    }
    const enterprise = await registry.enterprises.get(campaign.creditCode);
    if (!enterprise) throw refuse(`评聘活动 ${campaign.id} 的企业 ${campaign.creditCode} 在登记系统中不存在`, `campaignId: enterprise ${campaign.creditCode} of campaign ${campaign.id} does not exist`);
    const enterpriseFacts = await enterpriseFactsOf(registry, enterprise, campaign, today(services));
    return {
      campaign: {
        id: campaign.id,
        jurisdiction: campaign.jurisdiction as Jurisdiction,
        level,
        year: campaign.year,
        batch: campaign.batch,
        deadline: campaign.deadline,
      },
      enterprise: {
        creditCode: enterprise.creditCode,
        name: enterprise.name,
        divisionCode: enterprise.divisionCode,
        cityCode: cityCodeOf(enterprise.divisionCode),
        province: enterprise.province,
        provinciallyFiled: enterprise.provinciallyFiled,
        aboveScale: enterprise.aboveScale,
        large: enterprise.large,
        chainLeader: enterprise.chainLeader,
        filings: enterprise.filings.map((f) => ({ level: f.level, evaluatorKey: f.evaluatorKey, authority: f.authority, status: f.status, filedOn: f.filedOn })),
      },
      groups: groupIds(enterprise),
      enterpriseFacts,
    };
  },
});
