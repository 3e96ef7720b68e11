/** Dates and people as the clerks read them. */
import dayjs from 'dayjs';

export function formatDateTime(value: string | undefined | null): string {
  if (!value) return '—';
  const d = dayjs(value);
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm') : '—';
}

export function formatDate(value: string | undefined | null): string {
  if (!value) return '—';
  const d = dayjs(value);
  return d.isValid() ? d.format('YYYY-MM-DD') : '—';
}

export const STATE_LABELS: Record<string, string> = {
  CREATED: '待办理',
  COMPLETED: '已完成',
  CANCELED: '已取消',
  FAILED: '失败',
  CREATING: '创建中',
  ASSIGNING: '分配中',
  UPDATING: '更新中',
  COMPLETING: '提交中',
  CANCELING: '取消中',
};
