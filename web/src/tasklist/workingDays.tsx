/** 剩余 N 个工作日 / 今日到期 / 已逾期 N 个工作日 (red): the due date as a clerk counts it. */
import { Tag } from 'antd';

export interface DueState {
  text: string;
  overdue: boolean;
  color: 'red' | 'orange' | 'blue' | 'default';
}

export function dueState(workingDaysLeft: number | undefined): DueState | undefined {
  if (workingDaysLeft === undefined || workingDaysLeft === null || Number.isNaN(workingDaysLeft)) return undefined;
  if (workingDaysLeft < 0) return { text: `已逾期 ${-workingDaysLeft} 个工作日`, overdue: true, color: 'red' };
  if (workingDaysLeft === 0) return { text: '今日到期', overdue: false, color: 'orange' };
  return { text: `剩余 ${workingDaysLeft} 个工作日`, overdue: false, color: workingDaysLeft <= 2 ? 'orange' : 'blue' };
}

/** The local calendar date (YYYY-MM-DD) of a due timestamp: what /api/tasklist/working-days takes. */
export function dueDay(dueDate: string | undefined): string | undefined {
  if (!dueDate) return undefined;
  const d = new Date(dueDate);
  if (Number.isNaN(d.getTime())) return undefined;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function WorkingDaysBadge({ workingDaysLeft }: { workingDaysLeft: number | undefined }) {
  const state = dueState(workingDaysLeft);
  if (!state) return null;
  return (
    <Tag color={state.color} data-overdue={state.overdue ? 'true' : undefined} style={state.overdue ? { fontWeight: 600 } : undefined}>
      {state.text}
    </Tag>
  );
}
