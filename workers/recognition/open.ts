/**
 * pingpin.recognition.open — 开启直接认定. The first step of `direct-recognition` (001 附件2): reads
 * the recognition round (a campaign of the registry, `campaignId`) and its unit, which must be a
 * Sichuan unit and a round of kind `recognition` (an appraisal campaign is refused), binds the round to this process instance and sets it running, and returns
 * `campaign`, `enterprise` and `groups` (DOMAIN.md §6) for the forms and the tasks' candidate groups.
 * The level and target group are not the round's but the plan's (draft-recognition-plan).
 * Idempotent.
 */
import { z } from 'zod';
import { cityCodeOf, groupIds } from '../../src/domain/groups.js';
import { actor, idString, refuse, registryCall } from '../kit/index.js';
import { defineWorker } from '../runtime.js';

const TYPE = 'pingpin.recognition.open';

export default defineWorker({
  type: TYPE,
  name: '开启直接认定',
  description:
    '从登记系统读取本轮职业技能等级直接认定（评聘活动编号 campaignId）及实施单位（须为四川省单位，001 附件2），将其绑定到本流程实例并置为进行中，返回 campaign、enterprise 和 groups（候选组）。认定等级和对象由工作方案确定。',
  input: z.object({
    campaignId: idString('直接认定编号 campaignId', 'campaignId').describe('登记系统中本轮直接认定的编号（评聘活动编号）；启动流程时传入'),
  }),
  output: z.object({
    campaign: z.object({}).describe('本轮直接认定 {id, kind: "recognition", jurisdiction: "sichuan", levels（登记的认定等级）, year, deadline}'),
    enterprise: z.object({}).describe('实施单位 {creditCode, name, divisionCode, cityCode, province}'),
    groups: z.object({}).describe('候选组 {hr, panel, oversight, city, province}（DOMAIN.md §6）'),
  }),
  async handler({ campaignId }, job, { registry }) {
    const campaign = await registry.campaigns.get(campaignId);
    if (!campaign) throw refuse(`直接认定 campaignId=${campaignId} 在登记系统中不存在`, `campaignId: ${campaignId} does not exist in the registry`);
    if (campaign.kind !== 'recognition') {
      throw refuse(
        `campaignId=${campaignId} 登记为特级技师、首席技师评聘（kind=${campaign.kind}，等级 ${campaign.levels.join('、')}），不是职业技能等级直接认定（kind 应为 recognition，001 附件2）`,
        `campaignId: ${campaignId} is an ${campaign.kind} campaign (levels ${campaign.levels.join(', ')}), not a direct-recognition round (kind recognition, 001 附件2)`,
      );
    }
    if (campaign.jurisdiction !== 'sichuan') {
      throw refuse(`直接认定按四川省工作指引办理（001 附件2），campaignId=${campaignId} 登记为 ${campaign.jurisdiction}`, `campaignId: direct recognition follows Sichuan's 001 附件2; ${campaignId} is a ${campaign.jurisdiction} campaign`);
    }
    if (campaign.processInstanceKey !== null && campaign.processInstanceKey !== job.processInstanceKey) {
      throw refuse(`直接认定 ${campaignId} 已由流程实例 ${campaign.processInstanceKey} 办理`, `campaignId: ${campaignId} is run by process instance ${campaign.processInstanceKey}`);
    }
    if (!['planned', 'running'].includes(campaign.status)) {
      throw refuse(`直接认定 ${campaignId} 的状态为 ${campaign.status}，不能再开启`, `campaignId: ${campaignId} is ${campaign.status} and cannot be opened`);
    }
    const enterprise = await registry.enterprises.get(campaign.creditCode);
    if (!enterprise) throw refuse(`实施单位 ${campaign.creditCode} 在登记系统中不存在`, `campaignId: unit ${campaign.creditCode} does not exist`);
    const by = actor(TYPE);
    await registryCall({ zh: '绑定流程实例', en: 'bind the process instance' }, () => registry.campaigns.attachProcessInstance({ id: campaign.id, processInstanceKey: job.processInstanceKey, by }));
    if (campaign.status === 'planned') {
      await registryCall({ zh: '开启直接认定', en: 'set the recognition running' }, () => registry.campaigns.setStatus({ id: campaign.id, status: 'running', why: '职业技能等级直接认定流程开始', by }));
    }
    return {
      campaign: { id: campaign.id, kind: 'recognition', jurisdiction: 'sichuan', levels: campaign.levels, year: campaign.year, deadline: campaign.deadline },
      enterprise: {
        creditCode: enterprise.creditCode,
        name: enterprise.name,
        divisionCode: enterprise.divisionCode,
        cityCode: cityCodeOf(enterprise.divisionCode),
        province: enterprise.province,
      },
      groups: groupIds(enterprise),
    };
  },
});
