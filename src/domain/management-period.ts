/**
 * Sichuan's three-year management period of a 首席技师 / 特级技师 (001 四(八); 附件4 第一条、第五条).
 * Pure date rules: the registry, the workers and the model read their dates from here.
 */
import { addMonths, anniversary, fromDay, toDay } from './periods.js';

export const MANAGEMENT_PERIOD_YEARS = 3;

export interface ManagementPeriodDates {
  /** The 1st of the month after the approval (附件4 第一条). */
  startOn: string;
  /** The period's last day: three years after the start, minus one day. */
  endOn: string;
  /** The yearly assessment of year n falls due on the n-th anniversary of the start (第五条). */
  assessmentsDue: { year: number; dueOn: string }[];
  /** The final assessment (四(八) 终期考核): the day after the period's last day. */
  finalAssessmentDueOn: string;
}

export function managementPeriodDates(approvedOn: string): ManagementPeriodDates {
  const startOn = addMonths(`${approvedOn.slice(0, 7)}-01`, 1);
  const end = anniversary(startOn, MANAGEMENT_PERIOD_YEARS);
  return {
    startOn,
    endOn: fromDay(toDay(end) - 1),
    assessmentsDue: Array.from({ length: MANAGEMENT_PERIOD_YEARS }, (_, k) => ({ year: k + 1, dueOn: anniversary(startOn, k + 1) })),
    finalAssessmentDueOn: end,
  };
}
