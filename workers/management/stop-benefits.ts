/**
 * pingpin.management.stop-benefits — 停止激励待遇. 001 附件4 第八条: the benefits of a 首席技师 /
 * 特级技师 stop on retirement, death, leaving Sichuan, or when the level is revoked. Records the stop
 * in the registry (for a revocation, the application becomes `revoked` if it is not already) and
 * returns `benefits`. The unit pays the benefits; pingpin keeps the record that they end. Idempotent.
 */
import { z } from 'zod';
import { defineWorker } from '../runtime.js';
import { bi, certificateCodeSchema, dateString, holderApplication, holderSchema, recordOnce } from './shared.js';

const TYPE = 'pingpin.management.stop-benefits';

const GROUNDS = { retired: '（一）退休', died: '（二）去世', 'left-sichuan': '（三）调离四川', revoked: '（四）被取消首席技师、特级技师等级' } as const;

export const managementStopBenefitsWorker = defineWorker({
  type: TYPE,
  name: '停止激励待遇',
  description:
    '首席技师、特级技师退休、去世、调离四川或被取消等级的，停止对应的激励待遇（001 附件4 第八条）：在登记系统中记录停止日期和事由；取消等级的，申报状态记为“已取消”。',
  input: z.object({
    certificateCode: certificateCodeSchema,
    holder: holderSchema,
    benefitsStop: z
      .object(
        {
          ground: z
            .enum(['retired', 'died', 'left-sichuan', 'revoked'], {
              error: bi('停止事由 benefitsStop.ground 应为 retired（退休）、died（去世）、left-sichuan（调离四川）或 revoked（取消等级）', 'benefitsStop.ground must be retired, died, left-sichuan or revoked'),
            })
            .describe('停止事由（第八条）：retired / died / left-sichuan / revoked'),
          on: dateString('停止日期 benefitsStop.on', 'benefitsStop.on').describe('事由发生（取消等级：审定）日期 YYYY-MM-DD'),
          text: z.string({ error: bi('说明 benefitsStop.text 应为文字', 'benefitsStop.text must be text') }).max(3000).nullable().optional().describe('说明'),
        },
        { error: bi('缺少停止待遇事由 benefitsStop {ground, on, text}', 'benefitsStop {ground, on, text} is missing or not an object') },
      )
      .describe('停止待遇的事由 {ground, on, text}，由模型在管理期事件或取消等级后给出'),
  }),
  output: z.object({ benefits: z.object({}).describe('激励待遇 {stopped: true, ground, stoppedOn}') }),
  async handler(i, _job, { registry }) {
    const app = await holderApplication(registry, i.holder.applicationId, i.certificateCode);
    const { ground, on, text } = i.benefitsStop;
    await recordOnce(
      registry,
      app,
      '【管理期·停止激励待遇】',
      `证书 ${i.certificateCode}：自 ${on} 起停止对应的激励待遇，事由：${GROUNDS[ground]}（001 附件4 第八条）${text ? `。${text}` : ''}`,
      `worker:${TYPE}`,
      ground === 'revoked' ? 'revoked' : undefined,
    );
    return { benefits: { stopped: true, ground, stoppedOn: on } };
  },
});
