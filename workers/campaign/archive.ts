/**
 * pingpin.campaign.archive — 评聘资料归档. The last step of every `appraisal-*` process and of
 * `direct-recognition` (a campaign of either kind, workers/campaign/variables.ts): closes the
 * campaign (completed, or cancelled with the reason) and files it in the registry's archive under
 * both retention classes of 002 七(四) — electronic records (a snapshot of the campaign, its
 * applications with their history, notices and objections) kept at least 5 years, and the paper
 * file's catalogue entry kept at least 3 years. Idempotent: an archive already filed is reused.
 */
import { z } from 'zod';
import type { RetentionClass } from '../../src/registry/index.js';
import { actor, bi, refuse, registryCall } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { campaignOfAnyKindSchema } from './variables.js';

const TYPE = 'pingpin.campaign.archive';

export default defineWorker({
  type: TYPE,
  name: '评聘资料归档',
  description:
    '结束评聘活动（完成，或注明理由取消），并在登记系统中归档：电子材料（活动、申报及其记录、公示、异议的快照）保存不少于 5 年，纸质材料目录保存不少于 3 年（002 七(四)）。',
  input: z.object({
    campaign: campaignOfAnyKindSchema({ level: 'optional' }),
    archiveOutcome: z
      .enum(['completed', 'cancelled'], { error: bi('归档结论 archiveOutcome 应为 completed（完成）或 cancelled（取消）', 'archiveOutcome must be completed or cancelled') })
      .default('completed')
      .describe('评聘活动的结局：completed 完成（默认）/ cancelled 取消（由模型的输入映射给出）'),
    archiveReason: z
      .string({ error: bi('归档说明 archiveReason 应为字符串', 'archiveReason must be a string') })
      .nullable()
      .optional()
      .describe('结束说明，取消时写明理由'),
  }),
  output: z.object({
    archives: z.array(z.object({ id: z.string(), retentionClass: z.string(), archivedOn: z.string(), retainUntil: z.string() })).describe('归档记录 [{id, retentionClass, archivedOn, retainUntil}]'),
  }),
  async handler({ campaign, archiveOutcome, archiveReason }, _job, { registry }) {
    const by = actor(TYPE);
    const stored = await registry.campaigns.get(campaign.id);
    if (!stored) throw refuse(`评聘活动 ${campaign.id} 在登记系统中不存在`, `campaign.id: campaign ${campaign.id} does not exist`);
    if (stored.status !== 'archived' && stored.status !== archiveOutcome) {
      const why = (archiveReason?.trim() || (archiveOutcome === 'completed' ? '评聘完成' : '评聘取消')).slice(0, 1000);
      await registryCall({ zh: '结束评聘活动', en: `set the campaign ${archiveOutcome}` }, () => registry.campaigns.setStatus({ id: campaign.id, status: archiveOutcome, why, by }));
    }
    const archives = [];
    // Electronic first: its snapshot records the campaign as completed / cancelled, before archiving marks it.
    for (const retentionClass of ['electronic', 'paper'] as RetentionClass[]) {
      const existing = (await registry.archives.list(campaign.id)).find((a) => a.retentionClass === retentionClass);
      const record = existing ?? (await registryCall({ zh: '归档', en: `archive the ${retentionClass} records` }, () => registry.archives.archive({ campaignId: campaign.id, retentionClass, by })));
      archives.push({ id: record.id, retentionClass: record.retentionClass, archivedOn: record.archivedOn, retainUntil: record.retainUntil });
    }
    return { archives };
  },
});
