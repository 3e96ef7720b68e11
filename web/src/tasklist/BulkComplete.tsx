/**
 * 批量办理: tasks that share one form (same formKey) — e.g. a panel member scoring a batch of
 * candidates. The form is filled once, with what the tasks have in common as its data; the same
 * values are then submitted to each task separately (claimed first when unassigned), so each one is
 * still validated on its own, and the result of each is listed.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Modal, Skeleton, Table, Tag, Typography } from 'antd';
import { camunda } from '../shared/api/instance';
import type { UserTask } from '../shared/api/camunda';
import { chineseMessage, isApiError } from '../shared/api/errors';
import { FormView, keepFormFocus, type FormViewHandle } from '../shared/forms/FormView';
import { useAnnounce } from '../shared/layout/Announcer';
import { loadTaskForm, loadTaskVariables } from './taskData';
import { commonVariables, summarize } from './variables';

interface Row {
  task: UserTask;
  who?: string;
  status: 'pending' | 'running' | 'ok' | 'failed';
  message?: string;
}

export function BulkCompleteModal({ tasks, username, onClose }: { tasks: UserTask[]; username: string; onClose: (changed: boolean) => void }) {
  const formRef = useRef<FormViewHandle>(null);
  const announce = useAnnounce();
  const [schema, setSchema] = useState<unknown>();
  const [data, setData] = useState<Record<string, unknown>>();
  const [rows, setRows] = useState<Row[]>(tasks.map((task) => ({ task, status: 'pending' })));
  const [error, setError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const [phase, setPhase] = useState<'fill' | 'running' | 'done'>('fill');

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const [form, ...vars] = await Promise.all([loadTaskForm(tasks[0]!.userTaskKey), ...tasks.map((t) => loadTaskVariables(t.userTaskKey))]);
        if (cancelled) return;
        setSchema(form);
        setData(commonVariables(vars));
        setRows(tasks.map((task, i) => {
          const s = summarize(vars[i]!);
          return { task, status: 'pending', who: s.candidate?.name ?? s.enterprise?.name };
        }));
      } catch (err) {
        if (!cancelled) setError(chineseMessage(err));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [tasks]);

  const run = async () => {
    setFormError(undefined);
    const result = await formRef.current?.submit();
    if (!result) return;
    if (Object.keys(result.errors).length) {
      const text = `表单校验未通过：请修改标红的内容（${result.invalidLabels.join('、')}）`;
      setFormError(text);
      announce(text);
      return;
    }
    setPhase('running');
    let ok = 0;
    for (let i = 0; i < rows.length; i++) {
      const { task } = rows[i]!;
      setRows((rs) => rs.map((r, j) => (j === i ? { ...r, status: 'running' } : r)));
      try {
        if (!task.assignee) await camunda.assignUserTask(task.userTaskKey, username, false);
        await camunda.completeUserTask(task.userTaskKey, result.data);
        ok++;
        setRows((rs) => rs.map((r, j) => (j === i ? { ...r, status: 'ok' } : r)));
      } catch (err) {
        if (isApiError(err) && err.redirecting) return;
        const fields = isApiError(err) ? err.fields.map((f) => `${f.label ?? f.name}：${f.message}`) : [];
        const message = [chineseMessage(err), ...fields].join('；');
        setRows((rs) => rs.map((r, j) => (j === i ? { ...r, status: 'failed', message } : r)));
      }
    }
    setPhase('done');
    announce(`批量办理完成：成功 ${ok} 个，失败 ${rows.length - ok} 个`);
  };

  const done = rows.filter((r) => r.status === 'ok').length;
  const failed = rows.filter((r) => r.status === 'failed').length;

  return (
    <Modal
      title={`批量办理：${tasks[0]?.name ?? ''}（${tasks.length} 个任务）`}
      open
      width={980}
      maskClosable={false}
      // A fixed body height: when an error message under a field goes away on blur, the footer must not
      // move away from under the pointer between mousedown and mouseup (the click would be lost).
      styles={{ body: { height: 'calc(100vh - 260px)', overflowY: 'auto' } }}
      style={{ top: 40 }}
      onCancel={() => phase !== 'running' && onClose(phase === 'done')}
      footer={
        phase === 'done' ? (
          <Button type="primary" onClick={() => onClose(true)}>
            完成
          </Button>
        ) : (
          <>
            <Button onClick={() => onClose(false)} disabled={phase === 'running'}>
              取消
            </Button>
            <Button type="primary" onMouseDown={keepFormFocus} onClick={() => void run()} loading={phase === 'running'} disabled={!schema}>
              逐个提交（{tasks.length}）
            </Button>
          </>
        )
      }
    >
      {error ? <Alert type="error" showIcon title={error} /> : null}
      <Typography.Paragraph>下面的表单只填写一次，相同的内容将分别提交给每个任务；每个任务单独校验，结果逐个列出。尚未认领的任务会先认领给您。</Typography.Paragraph>
      <Table<Row>
        size="small"
        rowKey={(r) => r.task.userTaskKey}
        pagination={false}
        dataSource={rows}
        style={{ marginBottom: 12 }}
        scroll={{ y: 180 }}
        columns={[
          { title: '任务', key: 'name', render: (_: unknown, r) => `${r.task.name ?? ''}（${r.task.userTaskKey}）` },
          { title: '对象', key: 'who', width: 180, render: (_: unknown, r) => r.who ?? '—' },
          {
            title: '结果',
            key: 'status',
            width: 360,
            render: (_: unknown, r) =>
              r.status === 'ok' ? (
                <Tag color="green">成功</Tag>
              ) : r.status === 'failed' ? (
                <span>
                  <Tag color="red">失败</Tag>
                  <Typography.Text type="danger">{r.message}</Typography.Text>
                </span>
              ) : r.status === 'running' ? (
                '提交中…'
              ) : (
                '待提交'
              ),
          },
        ]}
      />
      {phase === 'done' ? <Alert type={failed ? 'warning' : 'success'} showIcon title={`成功 ${done} 个，失败 ${failed} 个`} style={{ marginBottom: 12 }} /> : null}
      {formError ? <Alert type="error" showIcon title={formError} style={{ marginBottom: 12 }} /> : null}
      {phase === 'fill' ? !schema || !data ? error ? null : <Skeleton active /> : <FormView ref={formRef} schema={schema} data={data} readOnly={false} label="批量办理表单" /> : null}
    </Modal>
  );
}
