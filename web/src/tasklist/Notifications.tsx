/**
 * 通知: a badge with the new tasks in my groups since I last looked, and a drawer with the daily
 * digest (已逾期 / 今日到期 / 即将到期). Opening it marks the new tasks as seen.
 */
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Drawer, Empty, List, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { api } from '../shared/api/instance';
import { chineseMessage, isApiError } from '../shared/api/errors';
import type { DigestTask, Notifications } from './api';
import { WorkingDaysBadge } from './workingDays';
import { useAnnounce } from '../shared/layout/Announcer';

const POLL_MS = 60_000;

function DigestSection({ title, items, onNavigate }: { title: string; items: DigestTask[]; onNavigate: () => void }) {
  return (
    <section aria-label={title}>
      <h3>
        {title}（{items.length}）
      </h3>
      {items.length === 0 ? (
        <Typography.Text type="secondary">无</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={items}
          renderItem={(t) => (
            <List.Item key={t.userTaskKey}>
              <div style={{ minWidth: 0 }}>
                <Link to={`/tasklist/tasks/${t.userTaskKey}`} onClick={onNavigate}>
                  {t.name || t.userTaskKey}
                </Link>
                <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.65)' }}>{t.processName}</div>
              </div>
              <WorkingDaysBadge workingDaysLeft={t.workingDaysLeft} />
            </List.Item>
          )}
        />
      )}
    </section>
  );
}

export function NotificationsBell() {
  const [data, setData] = useState<Notifications>();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();
  const announce = useAnnounce();

  const load = useCallback(async () => {
    try {
      setData(await api.notifications());
      setError(undefined);
    } catch (err) {
      if (!(isApiError(err) && err.redirecting)) setError(chineseMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), POLL_MS);
    const onFocus = () => void load();
    window.addEventListener('focus', onFocus);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', onFocus);
    };
  }, [load]);

  const count = data?.newTasks ?? 0;
  const openDrawer = () => {
    setOpen(true);
    if (count > 0) {
      api
        .markSeen()
        .then(() => setData((d) => (d ? { ...d, newTasks: 0 } : d)))
        .catch(() => undefined);
    }
  };

  useEffect(() => {
    if (count > 0) announce(`有 ${count} 个新任务`);
  }, [count, announce]);

  const digest = data?.digest;
  return (
    <>
      <Badge count={count} size="small" offset={[-4, 4]}>
        <Button type="text" icon={<BellOutlined aria-hidden="true" />} onClick={openDrawer} aria-label={count > 0 ? `通知，${count} 个新任务` : '通知'} aria-haspopup="dialog">
          通知
        </Button>
      </Badge>
      <Drawer title="通知与每日摘要" open={open} onClose={() => setOpen(false)} size={420} className="pp-digest">
        {error ? <Typography.Text type="danger">{error}</Typography.Text> : null}
        {!digest ? (
          <Empty description="暂无通知" />
        ) : (
          <>
            <p>
              今天是 {digest.today}。{count > 0 ? `您的小组有 ${count} 个新任务。` : '没有新的待认领任务。'}
            </p>
            <DigestSection title="已逾期" items={digest.overdue} onNavigate={() => setOpen(false)} />
            <DigestSection title="今日到期" items={digest.dueToday} onNavigate={() => setOpen(false)} />
            <DigestSection title="即将到期" items={digest.dueSoon} onNavigate={() => setOpen(false)} />
          </>
        )}
      </Drawer>
    </>
  );
}
