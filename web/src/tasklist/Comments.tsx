/** 评论: who said what when about this task, and a box to add one. */
import { useCallback, useEffect, useState } from 'react';
import { App, Button, Empty, Input, Spin, Typography } from 'antd';
import { api } from '../shared/api/instance';
import { chineseMessage, isApiError } from '../shared/api/errors';
import type { TaskComment } from './api';
import { formatDateTime } from './format';
import { useAutoRefresh } from './useTasks';
import { useAnnounce } from '../shared/layout/Announcer';

export function Comments({ userTaskKey }: { userTaskKey: string }) {
  const [items, setItems] = useState<TaskComment[]>();
  const [error, setError] = useState<string>();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const { message } = App.useApp();
  const announce = useAnnounce();

  const load = useCallback(async () => {
    try {
      setItems((await api.comments(userTaskKey)).items);
      setError(undefined);
    } catch (err) {
      if (!(isApiError(err) && err.redirecting)) setError(chineseMessage(err));
    }
  }, [userTaskKey]);

  useEffect(() => {
    void load();
  }, [load]);
  useAutoRefresh(() => void load());

  const send = async () => {
    const t = text.trim();
    if (!t) return;
    setSending(true);
    try {
      await api.addComment(userTaskKey, t);
      setText('');
      await load();
      message.success('评论已发表');
      announce('评论已发表');
    } catch (err) {
      message.error(chineseMessage(err));
    } finally {
      setSending(false);
    }
  };

  return (
    <div>
      {error ? <Typography.Text type="danger">{error}</Typography.Text> : null}
      {!items && !error ? <Spin size="small" /> : null}
      {items && items.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无评论" /> : null}
      {items && items.length > 0 ? (
        <ol style={{ listStyle: 'none', padding: 0, margin: 0, maxHeight: 260, overflowY: 'auto' }} aria-label="评论列表" tabIndex={0}>
          {items.map((c) => (
            <li key={c.id} className="pp-comment">
              <div className="pp-comment-meta">
                <strong style={{ color: 'rgba(0,0,0,0.88)' }}>{c.authorName || c.author}</strong> · <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
              </div>
              <div className="pp-comment-text">{c.text}</div>
            </li>
          ))}
        </ol>
      ) : null}
      <div style={{ marginTop: 8 }}>
        <label htmlFor={`pp-comment-${userTaskKey}`} className="pp-visually-hidden">
          添加评论
        </label>
        <Input.TextArea
          id={`pp-comment-${userTaskKey}`}
          rows={2}
          maxLength={2000}
          placeholder="添加评论（所有能查看此任务的人都可看到）"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <Button style={{ marginTop: 6 }} onClick={() => void send()} loading={sending} disabled={!text.trim()}>
          发表评论
        </Button>
      </div>
    </div>
  );
}
