/**
 * pingpin.management.stop-benefits — 停止激励待遇. 001 附件4 第八条: the benefits of a 首席技师 /
 * 特级技师 stop on retirement, death, leaving Sichuan, or when the level is revoked. Records the stop
 * in the registry (`managementPeriods.stopBenefits`, which ends the period; for a revocation the
 * revocation is recorded as an event of the period too, and the application becomes `revoked` if it
 * is not already) and returns `benefits`. The unit pays the benefits; pingpin keeps the record that
 * they end. Idempotent: a redelivered job finds the stop it recorded.
 */
import { z } from 'zod';
import { actor, bi, dateString, registryCall } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { certificateCodeSchema, holderApplication, holderSchema, periodOf } from './period.js';

const TYPE = 'pingpin.management.stop-benefits';

const GROUNDS = { retired: '（一）退休', died: '（二）去世', 'left-sichuan': '（三）调离四川', revoked: '（四）被取消首席技师、特级技师等级' } as const;

export default defineWorker({
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
    const by = actor(TYPE);
    const period = await periodOf(registry, i.certificateCode);
    if (ground === 'revoked') {
      // The revocation itself (pingpin.certificate.revoke ran before): an event of the period, so the
      // period's record tells why it ended without reading the certificate.
      const cert = (await registry.certificates.get(i.certificateCode))!;
      const revokedOn = cert.revokedOn ?? on;
      if (!period.events.some((e) => e.kind === 'revoked' && e.on === revokedOn)) {
        await registryCall({ zh: `登记证书 ${i.certificateCode} 的取消等级`, en: `record the revocation of certificate ${i.certificateCode}` }, () =>
          registry.managementPeriods.recordEvent({ certificateCode: i.certificateCode, kind: 'revoked', on: revokedOn, text: cert.revokedReason ?? (text?.trim() ? text : '取消等级'), by }),
        );
      }
      if (app.status !== 'revoked') {
        await registryCall({ zh: '记录申报状态“已取消”', en: 'record the application as revoked' }, () =>
          registry.applications.setStatus({ id: app.id, status: 'revoked', why: `证书 ${i.certificateCode}：取消等级，自 ${on} 起停止激励待遇（001 附件4 第八条(四)）`, by }),
        );
      }
    }
    await registryCall({ zh: `登记证书 ${i.certificateCode} 停止激励待遇（第八条${GROUNDS[ground]}）`, en: `record that the benefits of certificate ${i.certificateCode} stop` }, () =>
      registry.managementPeriods.stopBenefits({ certificateCode: i.certificateCode, ground, on, text: text?.trim() ? text : null, by }),
    );
    return { benefits: { stopped: true, ground, stoppedOn: on } };
  },
});
