/**
 * pingpin.management.record-event — 登记管理期事件. A `management-event` message (the unit or the
 * HRSS: retirement, death, leaving Sichuan, misconduct) arrives for a holder in the management
 * period: checks the event and records it in the registry (the unit reports such changes to the
 * provincial HRSS, 001 附件4 第十二条). The model then stops the benefits (第八条) or starts the
 * revocation procedure (第七条、第九条). Idempotent per certificate, kind and date
 * (`managementPeriods.recordEvent`): a redelivered job finds the stored event; another text for the
 * same kind and date is refused (a correction is a decision, not a retry).
 */
import { z } from 'zod';
import { actor, bi, dateString, registryCall } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { certificateCodeSchema, holderApplication, holderSchema, periodOf } from './period.js';

const TYPE = 'pingpin.management.record-event';

export const EVENT_NAMES = { retired: '退休', died: '去世', 'left-sichuan': '调离四川', misconduct: '违规违纪（可能取消等级的情形）' } as const;

export const managementEventSchema = z
  .object(
    {
      kind: z
        .enum(['retired', 'died', 'left-sichuan', 'misconduct'], {
          error: bi('事件类型 event.kind 应为 retired（退休）、died（去世）、left-sichuan（调离四川）或 misconduct（违规违纪）', 'event.kind must be retired, died, left-sichuan or misconduct'),
        })
        .describe('retired 退休 / died 去世 / left-sichuan 调离四川 / misconduct 违规违纪'),
      on: dateString('事件日期 event.on', 'event.on').describe('事件发生日期 YYYY-MM-DD'),
      text: z
        .string({ error: bi('事件说明 event.text 应为文字', 'event.text must be text') })
        .trim()
        .min(2, { error: bi('事件说明 event.text 至少 2 个字', 'event.text must have at least 2 characters') })
        .max(3000, { error: bi('事件说明 event.text 至多 3000 个字', 'event.text must have at most 3000 characters') })
        .describe('事件说明'),
    },
    { error: bi('缺少管理期事件 event {kind, on, text}（消息 management-event 的变量）', 'event {kind, on, text} is missing or not an object (the variables of the management-event message)') },
  )
  .describe('管理期事件 {kind, on, text}，随消息 management-event（关联键：证书编码）送达');

export default defineWorker({
  type: TYPE,
  name: '登记管理期事件',
  description:
    '校验并登记管理期人员的退休、去世、调离四川或违规违纪事件（所在单位及时报告人力资源社会保障厅，001 附件4 第十二条）；其后流程停止激励待遇（第八条）或启动取消等级程序（第七条、第九条）。',
  input: z.object({ certificateCode: certificateCodeSchema, holder: holderSchema, event: managementEventSchema }),
  output: z.object({ managementEvent: z.object({}).describe('已登记的事件 {kind, on, recorded}') }),
  async handler(i, _job, { registry }) {
    await holderApplication(registry, i.holder.applicationId, i.certificateCode);
    await periodOf(registry, i.certificateCode);
    await registryCall({ zh: `登记证书 ${i.certificateCode} 的管理期事件（${EVENT_NAMES[i.event.kind]}）`, en: `record the ${i.event.kind} event of certificate ${i.certificateCode}` }, () =>
      registry.managementPeriods.recordEvent({ certificateCode: i.certificateCode, kind: i.event.kind, on: i.event.on, text: i.event.text, by: actor(TYPE) }),
    );
    return { managementEvent: { kind: i.event.kind, on: i.event.on, recorded: true } };
  },
});
