/**
 * /tasklist/tasks/:userTaskKey — one task: what it is, for whom, by when; claim / unclaim / 转交 /
 * 提交; the diagram; the form (form-js, readonly unless the task is mine); comments.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Descriptions, Modal, Result, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { camunda, api } from '../shared/api/instance';
import type { UserTask } from '../shared/api/camunda';
import { chineseMessage, isApiError, type ProblemField } from '../shared/api/errors';
import { useCurrentUser } from '../shared/auth/session';
import { useAnnounce } from '../shared/layout/Announcer';
import { LinkButton } from '../shared/layout/LinkButton';
import { FormView, keepFormFocus, type FormViewHandle } from '../shared/forms/FormView';
import { Diagram } from './Diagram';
import { Comments } from './Comments';
import { summarize, type TaskSummary } from './variables';
import { WorkingDaysBadge } from './workingDays';
import { formatDateTime, STATE_LABELS } from './format';
import { loadTask, loadTaskForm, loadTaskVariables, loadWorkingDaysLeft, loadXml } from './taskData';
import { useAutoRefresh } from './useTasks';
import type { AssigneeOption } from './api';
import { useNames } from './lookups';

interface Loaded {
  variables: Record<string, unknown>;
  schema: unknown;
  summary: TaskSummary;
}

export function TaskDetailPage() {
  const { userTaskKey = '' } = useParams();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const location = useLocation();
  const backTo = (location.state as { from?: string } | null)?.from ?? '/tasklist';
  const { message } = App.useApp();
  const announce = useAnnounce();
  const formRef = useRef<FormViewHandle>(null);

  const [task, setTask] = useState<UserTask>();
  const [loaded, setLoaded] = useState<Loaded>();
  const [xml, setXml] = useState<string>();
  const [xmlError, setXmlError] = useState<string>();
  const [daysLeft, setDaysLeft] = useState<number>();
  const [loadError, setLoadError] = useState<{ status?: number; text: string }>();
  const [actionError, setActionError] = useState<string>();
  const [formProblems, setFormProblems] = useState<{ title: string; items: string[] }>();
  const [busy, setBusy] = useState<string>();
  const [reassignOpen, setReassignOpen] = useState(false);
  const names = useNames(task?.candidateGroups ?? [], [task?.assignee]);

  const refreshTask = useCallback(async () => {
    try {
      const t = await loadTask(userTaskKey);
      setTask(t);
      setDaysLeft(await loadWorkingDaysLeft(t));
      return t;
    } catch (err) {
      if (!(isApiError(err) && err.redirecting)) setLoadError({ status: isApiError(err) ? err.status : undefined, text: chineseMessage(err) });
      return undefined;
    }
  }, [userTaskKey]);

  useEffect(() => {
    let cancelled = false;
    setTask(undefined);
    setLoaded(undefined);
    setLoadError(undefined);
    setFormProblems(undefined);
    setActionError(undefined);
    void (async () => {
      const t = await refreshTask();
      if (!t || cancelled) return;
      document.title = `${t.name ?? '任务'} · 任务中心`;
      setXml(undefined);
      setXmlError(undefined);
      loadXml(t.processDefinitionKey)
        .then((x) => !cancelled && (x ? setXml(x) : setXmlError('此流程没有流程图。')))
        .catch((err: unknown) => !cancelled && setXmlError(isApiError(err) && err.status === 403 ? '无权查看此流程的流程图。' : `流程图无法加载：${chineseMessage(err)}`));
      try {
        const [variables, schema] = await Promise.all([loadTaskVariables(userTaskKey), loadTaskForm(userTaskKey)]);
        if (!cancelled) setLoaded({ variables, schema, summary: summarize(variables) });
      } catch (err) {
        if (!cancelled && !(isApiError(err) && err.redirecting)) setLoadError({ status: isApiError(err) ? err.status : undefined, text: chineseMessage(err) });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [userTaskKey, refreshTask]);

  useAutoRefresh(() => {
    if (!busy) void refreshTask();
  });

  const mine = task?.state === 'CREATED' && task.assignee === user.username;
  const open = task?.state === 'CREATED';

  const act = async (label: string, fn: () => Promise<unknown>, done: string) => {
    setBusy(label);
    setActionError(undefined);
    try {
      await fn();
      message.success(done);
      announce(done);
      await refreshTask();
    } catch (err) {
      if (!(isApiError(err) && err.redirecting)) {
        const text = chineseMessage(err);
        setActionError(`${label}失败：${text}`);
        announce(`${label}失败：${text}`);
        await refreshTask();
      }
    } finally {
      setBusy(undefined);
    }
  };

  const claim = () => act('认领', () => camunda.assignUserTask(userTaskKey, user.username, false), '已认领，现在可以办理');
  const unclaim = () => act('取消认领', () => camunda.unassignUserTask(userTaskKey), '已取消认领');

  const submit = async () => {
    setActionError(undefined);
    setFormProblems(undefined);
    const result = await formRef.current?.submit();
    if (!result) return;
    const invalid = result.invalidCount;
    if (invalid > 0) {
      const text = `表单校验未通过：请修改 ${invalid} 处标红的内容（${result.invalidLabels.join('、')}）`;
      setFormProblems({ title: text, items: [] });
      announce(text);
      window.setTimeout(() => document.querySelector<HTMLElement>('.pp-form .fjs-has-errors input, .pp-form .fjs-has-errors textarea, .pp-form .fjs-has-errors [tabindex]')?.focus(), 0);
      return;
    }
    setBusy('提交');
    try {
      await camunda.completeUserTask(userTaskKey, result.data);
      message.success(`任务“${task?.name ?? userTaskKey}”已提交`);
      announce('任务已提交');
      navigate(backTo);
    } catch (err) {
      if (isApiError(err) && err.redirecting) return;
      const text = chineseMessage(err);
      if (isApiError(err) && err.fields.length) {
        const unplaced: ProblemField[] = formRef.current?.showServerErrors(err.fields) ?? err.fields;
        setFormProblems({ title: text, items: unplaced.map((f) => `${f.label ?? f.name}：${f.message}`) });
      } else {
        setActionError(`提交失败：${text}`);
      }
      announce(`提交失败：${text}`);
      await refreshTask();
    } finally {
      setBusy(undefined);
    }
  };

  if (loadError && !task) {
    return (
      <Result
        status={loadError.status === 404 ? '404' : loadError.status === 403 ? '403' : 'error'}
        title={loadError.status === 404 ? '任务不存在' : '无法打开任务'}
        subTitle={loadError.text}
        extra={
          <LinkButton to={backTo} type="primary">
            返回任务列表
          </LinkButton>
        }
      />
    );
  }
  if (!task) return <Skeleton active />;

  const s = loaded?.summary;
  /** 林素芬（panel_…）: the name to read, the username to tell two of the same name apart. */
  const personOf = (username: string) => (names.hasUser(username) ? `${names.user(username)}（${username}）` : username);
  const processName = task.processName || task.processDefinitionId || '';
  return (
    <>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap', marginBottom: 8 }}>
        <Link to={backTo} aria-label="返回任务列表">
          <ArrowLeftOutlined aria-hidden="true" /> 返回
        </Link>
        <h1 style={{ margin: 0 }}>{task.name || task.elementId}</h1>
        <Tag color={open ? 'blue' : 'default'}>{STATE_LABELS[task.state ?? ''] ?? task.state}</Tag>
        <Space style={{ marginLeft: 'auto' }} wrap>
          {open && !task.assignee ? (
            <Button type="primary" onClick={() => void claim()} loading={busy === '认领'}>
              认领
            </Button>
          ) : null}
          {mine ? (
            <Button onClick={() => void unclaim()} loading={busy === '取消认领'}>
              取消认领
            </Button>
          ) : null}
          {open ? <Button onClick={() => setReassignOpen(true)}>转交</Button> : null}
          {mine && loaded?.schema ? (
            <Button type="primary" onMouseDown={keepFormFocus} onClick={() => void submit()} loading={busy === '提交'}>
              提交
            </Button>
          ) : null}
          {mine && loaded && !loaded.schema ? (
            <Button type="primary" onClick={() => void act('提交', () => camunda.completeUserTask(userTaskKey, {}), '任务已提交').then(() => navigate(backTo))} loading={busy === '提交'}>
              提交
            </Button>
          ) : null}
        </Space>
      </div>
      {actionError ? <Alert type="error" showIcon closable title={actionError} style={{ marginBottom: 8 }} onClose={() => setActionError(undefined)} /> : null}
      {open && !mine && task.assignee ? <Alert type="info" showIcon title={`此任务由 ${personOf(task.assignee)} 办理中，表单为只读。`} style={{ marginBottom: 8 }} /> : null}
      {open && !task.assignee ? <Alert type="info" showIcon title="此任务尚未认领：认领后才能填写和提交表单。" style={{ marginBottom: 8 }} /> : null}

      <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 2fr)', gap: 12, alignItems: 'start' }}>
        <div style={{ display: 'grid', gap: 12, minWidth: 0 }}>
          <Card size="small" title={<h2 style={{ margin: 0, fontSize: 15 }}>任务信息</h2>}>
            <Descriptions size="small" column={2} bordered={false}>
              <Descriptions.Item label="流程">{processName}</Descriptions.Item>
              <Descriptions.Item label="评聘活动">{s?.campaign ? [s.campaign.label, s.campaign.id ? `编号 ${s.campaign.id}` : ''].filter(Boolean).join('，') : '—'}</Descriptions.Item>
              {s?.candidate ? (
                <Descriptions.Item label="参评人员" span={2}>
                  {[s.candidate.name, s.candidate.idNumberMasked ? `身份证号 ${s.candidate.idNumberMasked}` : '', s.candidate.occupation ? `职业 ${s.candidate.occupation}` : '', `申报编号 ${s.candidate.applicationId}`].filter(Boolean).join('，')}
                </Descriptions.Item>
              ) : null}
              {s?.enterprise ? (
                <Descriptions.Item label="企业" span={2}>
                  {[s.enterprise.name, s.enterprise.creditCode ? `统一社会信用代码 ${s.enterprise.creditCode}` : ''].filter(Boolean).join('，')}
                </Descriptions.Item>
              ) : null}
              <Descriptions.Item label="到期日期">
                {task.dueDate ? (
                  <Space size={4} wrap>
                    {formatDateTime(task.dueDate)}
                    {open ? <WorkingDaysBadge workingDaysLeft={daysLeft} /> : null}
                  </Space>
                ) : (
                  '—'
                )}
              </Descriptions.Item>
              <Descriptions.Item label="跟进日期">{formatDateTime(task.followUpDate)}</Descriptions.Item>
              <Descriptions.Item label="办理人">{task.assignee ? (task.assignee === user.username ? `${names.user(task.assignee)}（我）` : personOf(task.assignee)) : '未认领'}</Descriptions.Item>
              <Descriptions.Item label="候选组">
                {task.candidateGroups?.length ? <span title={task.candidateGroups.join('、')}>{task.candidateGroups.map((g) => names.group(g)).join('、')}</span> : '—'}
              </Descriptions.Item>
              <Descriptions.Item label="创建时间">{formatDateTime(task.creationDate)}</Descriptions.Item>
              {task.completionDate ? <Descriptions.Item label="完成时间">{formatDateTime(task.completionDate)}</Descriptions.Item> : null}
            </Descriptions>
          </Card>

          <Card size="small" title={<h2 style={{ margin: 0, fontSize: 15 }}>表单{mine ? '' : '（只读）'}</h2>}>
            {formProblems ? (
              <Alert
                type="error"
                showIcon
                style={{ marginBottom: 12 }}
                title={formProblems.title}
                description={formProblems.items.length ? <ul style={{ margin: 0, paddingLeft: 18 }}>{formProblems.items.map((i) => <li key={i}>{i}</li>)}</ul> : undefined}
              />
            ) : null}
            {!loaded ? (
              loadError ? <Alert type="error" showIcon title={loadError.text} /> : <Skeleton active />
            ) : loaded.schema ? (
              <FormView ref={formRef} schema={loaded.schema} data={loaded.variables} readOnly={!mine} label={`${task.name ?? '任务'}表单`} />
            ) : (
              <Typography.Paragraph>此任务没有表单{mine ? '，可直接提交。' : '。'}</Typography.Paragraph>
            )}
            {mine && loaded?.schema ? (
              <div className="pp-form-actions">
                <Button type="primary" onMouseDown={keepFormFocus} onClick={() => void submit()} loading={busy === '提交'}>
                  提交
                </Button>
                <LinkButton to={backTo}>取消</LinkButton>
              </div>
            ) : null}
          </Card>
        </div>

        <div style={{ display: 'grid', gap: 12, minWidth: 0 }}>
          <Card size="small" title={<h2 style={{ margin: 0, fontSize: 15 }}>流程图</h2>}>
            {xmlError ? <Alert type="info" showIcon title={xmlError} /> : <Diagram xml={xml} elementId={task.elementId} processName={processName} />}
          </Card>
          <Card size="small" title={<h2 style={{ margin: 0, fontSize: 15 }}>评论</h2>}>
            <Comments userTaskKey={userTaskKey} />
          </Card>
        </div>
      </div>

      {reassignOpen ? (
        <ReassignModal
          userTaskKey={userTaskKey}
          current={task.assignee}
          onClose={() => setReassignOpen(false)}
          onDone={async (to) => {
            setReassignOpen(false);
            await act('转交', () => camunda.assignUserTask(userTaskKey, to.username, true), `已转交给 ${to.name || to.username}`);
          }}
        />
      ) : null}
    </>
  );
}

function ReassignModal({ userTaskKey, current, onClose, onDone }: { userTaskKey: string; current?: string; onClose: () => void; onDone: (to: AssigneeOption) => void }) {
  const [options, setOptions] = useState<AssigneeOption[]>();
  const [error, setError] = useState<string>();
  const [chosen, setChosen] = useState<string>();
  useEffect(() => {
    api
      .assignees(userTaskKey)
      .then((r) => setOptions(r.items.filter((o) => o.username !== current)))
      .catch((err: unknown) => setError(chineseMessage(err)));
  }, [userTaskKey, current]);
  const target = options?.find((o) => o.username === chosen);
  return (
    <Modal title="转交任务" open onCancel={onClose} okText="转交" cancelText="取消" okButtonProps={{ disabled: !target }} onOk={() => target && onDone(target)}>
      <p>只能转交给此任务候选组中的成员。</p>
      {error ? <Alert type="error" showIcon title={error} /> : null}
      <label htmlFor="pp-reassign">转交给</label>
      <Select
        id="pp-reassign"
        style={{ width: '100%', marginTop: 4 }}
        loading={!options && !error}
        showSearch={{ optionFilterProp: 'label' }}
        placeholder="选择办理人"
        value={chosen}
        onChange={(v: string) => setChosen(v)}
        options={(options ?? []).map((o) => ({ value: o.username, label: o.name ? `${o.name}（${o.username}）` : o.username }))}
        notFoundContent={options ? '没有可转交的人员' : '正在加载…'}
      />
    </Modal>
  );
}
