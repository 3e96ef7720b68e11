/**
 * pingpin.campaign.deadline-dates — 计算完成时限提醒时间. Guangdong runs two batches a year that must
 * finish by 07-10 and 10-30 (002 三); the campaign carries its batch deadline. Returns the instants
 * the timers of the review wait for: `reminderAt`, 09:00 (Asia/Shanghai) of the 10th working day
 * before the deadline (working days with the State Council's holiday schedule, DOMAIN.md §4), and
 * `deadlineAt`, the deadline's last second (23:59:59+08:00), as the publicity windows end.
 * A deadline in a year without a holiday schedule fails at once naming the year (add
 * config/holidays/<year>.json), unless the operator allowed the weekends-only fallback.
 */
import { z } from 'zod';
import { chinaInstant } from '../../src/domain/china-time.js';
import { DomainError } from '../../src/domain/issues.js';
import { bi, refuse } from '../kit/index.js';
import { NonRetryableError, defineWorker } from '../runtime.js';
import { campaignSchema } from './variables.js';

const TYPE = 'pingpin.campaign.deadline-dates';

export default defineWorker({
  type: TYPE,
  name: '计算完成时限提醒时间',
  description: '按工作日日历计算本期完成时限的提醒时间 reminderAt（时限前第 N 个工作日 9:00，默认 10 个工作日）和时限届满时间 deadlineAt（时限当日 23:59:59，北京时间），供计时器使用。',
  input: z.object({
    campaign: campaignSchema,
    reminderWorkingDays: z
      .number({ error: bi('提前提醒的工作日数 reminderWorkingDays 应为数字', 'reminderWorkingDays must be a number') })
      .int({ error: bi('提前提醒的工作日数 reminderWorkingDays 应为整数', 'reminderWorkingDays must be a whole number') })
      .min(1, { error: bi('提前提醒的工作日数 reminderWorkingDays 至少为 1', 'reminderWorkingDays must be at least 1') })
      .max(60, { error: bi('提前提醒的工作日数 reminderWorkingDays 至多为 60', 'reminderWorkingDays must be at most 60') })
      .default(10)
      .describe('在完成时限前多少个工作日提醒（默认 10）'),
  }),
  output: z.object({
    reminderAt: z.string().describe('提醒时间（ISO 8601，+08:00）：时限前第 N 个工作日 9:00'),
    deadlineAt: z.string().describe('时限届满时间（ISO 8601，+08:00）：时限当日 23:59:59'),
    reminderDate: z.string().describe('提醒日期 YYYY-MM-DD'),
  }),
  handler({ campaign, reminderWorkingDays }, _job, { calendar }) {
    const deadline = campaign.deadline;
    if (!deadline) throw refuse(`评聘活动 ${campaign.id} 没有完成时限 campaign.deadline`, `campaign.deadline is missing for campaign ${campaign.id}`);
    let reminderDate: string;
    try {
      reminderDate = calendar.addWorkingDays(deadline, -reminderWorkingDays);
    } catch (err) {
      if (err instanceof DomainError) throw new NonRetryableError(bi('无法计算完成时限的提醒日期', 'cannot compute the reminder date of campaign.deadline') + `: ${err.issues.map((x) => x.message).join('；')} / ${err.message}`, { cause: err });
      throw err;
    }
    return { reminderAt: chinaInstant(reminderDate, '09:00:00'), deadlineAt: chinaInstant(deadline, '23:59:59'), reminderDate };
  },
});
