/** /tasklist: 我的待办 / 待认领 / 已完成 / 全部, with filters, saved filters, sorting, paging and bulk actions. */
import { cloneElement, isValidElement, lazy, Suspense, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, App, Button, Card, Checkbox, DatePicker, Form, Input, Modal, Popconfirm, Select, Space, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { DeleteOutlined, ReloadOutlined, SaveOutlined, SortAscendingOutlined, SortDescendingOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useCurrentUser } from '../shared/auth/session';
import { api, camunda } from '../shared/api/instance';
import type { UserTask } from '../shared/api/camunda';
import { chineseMessage } from '../shared/api/errors';
import { useAnnounce } from '../shared/layout/Announcer';
import { DEFAULT_SORT, fromSavedFilter, LIST_KINDS, LIST_LABELS, SORT_LABELS, toSavedFilter, type ListKind, type SortField, type TaskFilters, type TaskSort } from './query';
import { useTaskList } from './useTasks';
import { useProcessOptions } from './useProcesses';
import { dueDay, WorkingDaysBadge } from './workingDays';
import { formatDateTime, STATE_LABELS } from './format';
import type { SavedFilter } from './api';
import { summaryText, useNames, useSummaries } from './lookups';

const BulkCompleteModal = lazy(() => import('./BulkComplete').then((m) => ({ default: m.BulkCompleteModal })));

const FILTER_KEYS = ['processDefinitionId', 'campaignId', 'creditCode', 'candidateGroup', 'dueFrom', 'dueTo'] as const;

function readParams(params: URLSearchParams) {
  const list = (LIST_KINDS as readonly string[]).includes(params.get('list') ?? '') ? (params.get('list') as ListKind) : 'mine';
  const filters: TaskFilters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) filters[k] = v;
  }
  const field = params.get('sort') as SortField | null;
  const sort: TaskSort = field && field in SORT_LABELS ? { field, order: params.get('order') === 'DESC' ? 'DESC' : 'ASC' } : DEFAULT_SORT;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const size = [10, 20, 50, 100].includes(Number(params.get('size'))) ? Number(params.get('size')) : 20;
  return { list, filters, sort, page, size };
}

function writeParams(list: ListKind, filters: TaskFilters, sort: TaskSort, page: number, size: number): URLSearchParams {
  const p = new URLSearchParams();
  if (list !== 'mine') p.set('list', list);
  for (const k of FILTER_KEYS) if (filters[k]) p.set(k, filters[k]!);
  if (sort.field !== DEFAULT_SORT.field || sort.order !== DEFAULT_SORT.order) {
    p.set('sort', sort.field);
    p.set('order', sort.order);
  }
  if (page > 1) p.set('page', String(page));
  if (size !== 20) p.set('size', String(size));
  return p;
}

interface FilterFormValues {
  processDefinitionId?: string;
  campaignId?: string;
  creditCode?: string;
  candidateGroup?: string;
  due?: [Dayjs | null, Dayjs | null] | null;
}

/** The due-date range, its two inputs labelled each (antd gives both the picker's one aria-label). */
function DueRange(props: { value?: [Dayjs | null, Dayjs | null] | null; onChange?: (v: [Dayjs | null, Dayjs | null] | null) => void; id?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const inputs = ref.current?.querySelectorAll('input');
    inputs?.[0]?.setAttribute('aria-label', '到期日期（起）');
    inputs?.[1]?.setAttribute('aria-label', '到期日期（止）');
  });
  return (
    <div ref={ref}>
      <DatePicker.RangePicker {...props} allowEmpty={[true, true]} style={{ width: '100%' }} placeholder={['开始日期', '结束日期']} />
    </div>
  );
}

export function TaskListPage() {
  const user = useCurrentUser();
  const viewer = useMemo(() => ({ username: user.username, groups: user.groups ?? [] }), [user]);
  const [params, setParams] = useSearchParams();
  const { list, filters, sort, page, size } = readParams(params);
  const { message, modal } = App.useApp();
  const announce = useAnnounce();
  const processes = useProcessOptions();
  const [form] = Form.useForm<FilterFormValues>();
  const [selected, setSelected] = useState<UserTask[]>([]);
  const [bulkOpen, setBulkOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<SavedFilter[]>([]);
  const [savedId, setSavedId] = useState<string>();
  const [saveOpen, setSaveOpen] = useState(false);
  const [saveName, setSaveName] = useState('');

  const data = useTaskList(list, filters, sort, page, size, viewer);
  const summaryOf = useSummaries(data.items.map((t) => t.userTaskKey));
  const names = useNames(
    [...viewer.groups, ...data.items.flatMap((t) => t.candidateGroups ?? [])],
    data.items.map((t) => t.assignee),
  );

  useEffect(() => {
    document.title = `${LIST_LABELS[list]} · 任务中心`;
  }, [list]);

  useEffect(() => {
    form.setFieldsValue({
      processDefinitionId: filters.processDefinitionId,
      campaignId: filters.campaignId,
      creditCode: filters.creditCode,
      candidateGroup: filters.candidateGroup,
      due: filters.dueFrom || filters.dueTo ? [filters.dueFrom ? dayjs(filters.dueFrom) : null, filters.dueTo ? dayjs(filters.dueTo) : null] : null,
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params.toString()]);

  const loadSaved = () =>
    api
      .filters()
      .then((r) => setSaved(r.items))
      .catch(() => undefined);
  useEffect(() => {
    void loadSaved();
  }, []);

  useEffect(() => {
    if (!data.loading && !data.error) announce(`${LIST_LABELS[list]}：共 ${data.total} 个任务`);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data.loading, list, data.total]);

  // Selection is per list page; what left the list leaves the selection.
  useEffect(() => {
    setSelected((sel) => sel.filter((s) => data.items.some((t) => t.userTaskKey === s.userTaskKey)));
  }, [data.items]);

  const go = (next: Partial<{ list: ListKind; filters: TaskFilters; sort: TaskSort; page: number; size: number }>) => {
    setParams(writeParams(next.list ?? list, next.filters ?? filters, next.sort ?? sort, next.page ?? (next.list || next.filters || next.sort ? 1 : page), next.size ?? size));
  };

  const applyForm = (values: FilterFormValues) => {
    const f: TaskFilters = {
      processDefinitionId: values.processDefinitionId || undefined,
      campaignId: values.campaignId?.trim() || undefined,
      creditCode: values.creditCode?.trim() || undefined,
      candidateGroup: values.candidateGroup?.trim() || undefined,
      dueFrom: values.due?.[0]?.format('YYYY-MM-DD'),
      dueTo: values.due?.[1]?.format('YYYY-MM-DD'),
    };
    setSavedId(undefined);
    go({ filters: f });
  };

  const chooseSaved = (id: string | undefined) => {
    setSavedId(id);
    const s = saved.find((x) => x.id === id);
    if (!s) return;
    const body = fromSavedFilter(s.filter);
    go({ list: body.list ?? list, filters: body.filters, sort: body.sort ?? sort });
    announce(`已应用筛选“${s.name}”`);
  };

  const saveCurrent = async () => {
    const name = saveName.trim();
    if (!name) return;
    try {
      const existing = saved.find((s) => s.name === name);
      const body = toSavedFilter(list, filters, sort);
      const result = existing ? await api.updateFilter(existing.id, name, body) : await api.createFilter(name, body);
      await loadSaved();
      setSavedId(result?.id ?? existing?.id);
      setSaveOpen(false);
      setSaveName('');
      message.success(`筛选“${name}”已保存`);
    } catch (err) {
      message.error(chineseMessage(err));
    }
  };

  const deleteSaved = async () => {
    const s = saved.find((x) => x.id === savedId);
    if (!s) return;
    try {
      await api.deleteFilter(s.id);
      setSavedId(undefined);
      await loadSaved();
      message.success(`筛选“${s.name}”已删除`);
    } catch (err) {
      message.error(chineseMessage(err));
    }
  };

  const selectable = data.items.filter((t) => t.state === 'CREATED');
  const claimable = selected.filter((t) => t.state === 'CREATED' && !t.assignee);
  const completable = selected.filter((t) => t.state === 'CREATED' && (!t.assignee || t.assignee === user.username));
  const formKeys = new Set(selected.map((t) => t.formKey ?? ''));
  const sameForm = selected.length > 0 && formKeys.size === 1 && !formKeys.has('');
  const canBulkComplete = selected.length > 0 && completable.length === selected.length && sameForm;
  const bulkCompleteReason =
    selected.length === 0 ? '请先选择任务' : completable.length !== selected.length ? '只能办理待办理且未被他人认领的任务' : !sameForm ? '所选任务的表单不同，不能批量办理' : undefined;

  const bulkClaim = async () => {
    setBusy(true);
    const results = await Promise.allSettled(claimable.map((t) => camunda.assignUserTask(t.userTaskKey, user.username, false)));
    setBusy(false);
    const failed = results.map((r, i) => ({ r, t: claimable[i]! })).filter((x) => x.r.status === 'rejected');
    const ok = results.length - failed.length;
    if (failed.length === 0) message.success(`已认领 ${ok} 个任务`);
    else
      modal.warning({
        title: `认领完成：成功 ${ok} 个，失败 ${failed.length} 个`,
        content: (
          <ul>
            {failed.map(({ r, t }) => (
              <li key={t.userTaskKey}>
                {t.name}（{t.userTaskKey}）：{chineseMessage((r as PromiseRejectedResult).reason)}
              </li>
            ))}
          </ul>
        ),
        okText: '知道了',
      });
    announce(`已认领 ${ok} 个任务${failed.length ? `，${failed.length} 个失败` : ''}`);
    setSelected([]);
    void data.reload();
  };

  const groupOptions = viewer.groups.map((g) => ({ value: g, label: names.group(g) }));
  /** Names first, the id in the tooltip: two groups may share a name, an id never. */
  const groupTitle = (groups: readonly string[]) => groups.map((g) => (names.hasGroup(g) ? `${names.group(g)}（${g}）` : g)).join('、');

  const columns: TableColumnsType<UserTask> = [
    {
      // The procedure under the task's name, as Camunda's Tasklist shows it: the room a column of its
      // own would take goes to 摘要.
      title: '任务 / 流程',
      dataIndex: 'name',
      key: 'name',
      ellipsis: { showTitle: false },
      render: (_: unknown, t) => {
        const process = t.processName || t.processDefinitionId;
        return (
          <>
            <div className="pp-cell-line">
              <Link to={`/tasklist/tasks/${t.userTaskKey}`} state={{ from: `/tasklist?${params.toString()}` }} title={t.name || undefined}>
                {t.name || t.elementId || t.userTaskKey}
              </Link>
            </div>
            <div className="pp-cell-line pp-cell-sub" title={process}>
              {process}
            </div>
          </>
        );
      },
    },
    {
      // Tasks of one step look alike (three 评审打分): whose and which campaign's tells them apart.
      title: '摘要',
      key: 'summary',
      ellipsis: { showTitle: false },
      render: (_: unknown, t) => {
        const line = summaryText(summaryOf(t.userTaskKey));
        if (!line) return '—';
        return (
          <div title={line.title}>
            <div className="pp-cell-line">{line.who ?? line.campaign}</div>
            {line.who && line.campaign ? <div className="pp-cell-line pp-cell-sub">{line.campaign}</div> : null}
          </div>
        );
      },
    },
    {
      title: '候选组',
      dataIndex: 'candidateGroups',
      key: 'candidateGroups',
      width: 190,
      // Two lines: a group's name starts with its enterprise's, and what it is (评审专家组) comes last.
      render: (groups: string[] | undefined) =>
        groups?.length ? (
          <div className="pp-cell-clamp" title={groupTitle(groups)}>
            {groups.map((g) => names.group(g)).join('、')}
          </div>
        ) : (
          '—'
        ),
    },
    {
      title: '办理人',
      dataIndex: 'assignee',
      key: 'assignee',
      width: 110,
      ellipsis: { showTitle: false },
      render: (a: string | undefined) =>
        a ? a === user.username ? <Tag color="blue">我</Tag> : <span title={names.hasUser(a) ? `${names.user(a)}（${a}）` : a}>{names.user(a)}</span> : <Typography.Text type="secondary">未认领</Typography.Text>,
    },
    { title: '创建时间', dataIndex: 'creationDate', key: 'creationDate', width: 140, render: (v: string | undefined) => formatDateTime(v) },
    {
      title: '到期日期',
      dataIndex: 'dueDate',
      key: 'dueDate',
      width: 210,
      render: (v: string | undefined, t) => {
        if (!v) return '—';
        const day = dueDay(v);
        return (
          <Space size={4} wrap>
            <span>{formatDateTime(v)}</span>
            {t.state === 'CREATED' && day ? <WorkingDaysBadge workingDaysLeft={data.workingDays[day]} /> : null}
          </Space>
        );
      },
    },
    { title: '优先级', dataIndex: 'priority', key: 'priority', width: 64, align: 'right' },
  ];
  if (list === 'completed' || list === 'all') {
    columns.splice(5, 0, { title: '状态', dataIndex: 'state', key: 'state', width: 80, render: (s: string) => STATE_LABELS[s] ?? s });
  }

  return (
    <>
      <h1>任务列表</h1>
      <Card size="small" style={{ marginBottom: 12 }} title={<h2 style={{ margin: 0, fontSize: 15 }}>筛选</h2>}>
        <Form form={form} layout="vertical" onFinish={applyForm} requiredMark={false}>
          <div style={{ display: 'grid', gridTemplateColumns: 'repeat(5, minmax(0, 1fr))', gap: '0 12px' }}>
            <Form.Item name="processDefinitionId" label="流程" style={{ marginBottom: 8 }}>
              <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder="全部流程" options={processes} aria-label="流程" />
            </Form.Item>
            <Form.Item name="campaignId" label="评聘活动编号" style={{ marginBottom: 8 }}>
              <Input allowClear placeholder="如 GD-2026-T-01" />
            </Form.Item>
            <Form.Item name="creditCode" label="企业统一社会信用代码" style={{ marginBottom: 8 }}>
              <Input allowClear maxLength={18} placeholder="18 位代码" />
            </Form.Item>
            <Form.Item name="candidateGroup" label="候选组" style={{ marginBottom: 8 }}>
              <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder="全部候选组" options={groupOptions} aria-label="候选组" />
            </Form.Item>
            <Form.Item name="due" label="到期日期" style={{ marginBottom: 8 }}>
              <DueRange />
            </Form.Item>
          </div>
          <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' }}>
            <Button type="primary" htmlType="submit">
              查询
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                setSavedId(undefined);
                go({ filters: {} });
              }}
            >
              重置
            </Button>
            <Button icon={<SaveOutlined aria-hidden="true" />} onClick={() => setSaveOpen(true)}>
              保存筛选
            </Button>
            <Select
              style={{ width: 200 }}
              allowClear
              placeholder="已保存的筛选"
              aria-label="已保存的筛选"
              value={savedId}
              onChange={(v: string | undefined) => chooseSaved(v)}
              options={saved.map((s) => ({ value: s.id, label: s.name }))}
              notFoundContent="尚无保存的筛选"
            />
            <Popconfirm title="删除该筛选？" okText="删除" cancelText="取消" onConfirm={() => void deleteSaved()} disabled={!savedId}>
              <Button icon={<DeleteOutlined aria-hidden="true" />} disabled={!savedId}>
                删除筛选
              </Button>
            </Popconfirm>
            <span style={{ marginLeft: 'auto', display: 'inline-flex', gap: 8, alignItems: 'center' }}>
              <label htmlFor="pp-sort">排序</label>
              <Select
                id="pp-sort"
                style={{ width: 120 }}
                value={sort.field}
                onChange={(field: SortField) => go({ sort: { ...sort, field } })}
                options={(Object.keys(SORT_LABELS) as SortField[]).map((f) => ({ value: f, label: SORT_LABELS[f] }))}
              />
              <Tooltip title={sort.order === 'ASC' ? '升序（点击切换为降序）' : '降序（点击切换为升序）'}>
                <Button
                  aria-label={sort.order === 'ASC' ? '当前升序，切换为降序' : '当前降序，切换为升序'}
                  icon={sort.order === 'ASC' ? <SortAscendingOutlined aria-hidden="true" /> : <SortDescendingOutlined aria-hidden="true" />}
                  onClick={() => go({ sort: { ...sort, order: sort.order === 'ASC' ? 'DESC' : 'ASC' } })}
                >
                  {sort.order === 'ASC' ? '升序' : '降序'}
                </Button>
              </Tooltip>
            </span>
          </div>
        </Form>
      </Card>

      <Card size="small">
        <Tabs
          activeKey={list}
          onChange={(k) => {
            setSelected([]);
            go({ list: k as ListKind });
          }}
          items={LIST_KINDS.map((k) => ({
            key: k,
            label: (
              <span>
                {LIST_LABELS[k]}
                <span className="pp-count"> ({data.counts[k] ?? '…'})</span>
              </span>
            ),
          }))}
          // Not tabBarExtraContent: antd puts that inside role="tablist", where only tabs may be
          // (axe aria-required-children); beside the tab bar it looks the same.
          renderTabBar={(props, DefaultTabBar) => (
            <div className="pp-tabbar">
              <DefaultTabBar {...props} />
              <Space>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {data.refreshedAt ? `更新于 ${dayjs(data.refreshedAt).format('HH:mm:ss')}，每 15 秒自动刷新` : ''}
                </Typography.Text>
                <Button icon={<ReloadOutlined aria-hidden="true" />} onClick={() => void data.reload()} aria-label="立即刷新列表">
                  刷新
                </Button>
              </Space>
            </div>
          )}
        />
        {data.error ? <Alert type="error" showIcon title={data.error} style={{ marginBottom: 8 }} /> : null}
        <div style={{ display: 'flex', gap: 8, alignItems: 'center', marginBottom: 8 }}>
          <Button onClick={() => void bulkClaim()} disabled={claimable.length === 0} loading={busy}>
            批量认领{claimable.length ? `（${claimable.length}）` : ''}
          </Button>
          <Tooltip title={bulkCompleteReason}>
            <Button type="primary" onClick={() => setBulkOpen(true)} disabled={!canBulkComplete}>
              批量办理{canBulkComplete ? `（${selected.length}）` : ''}
            </Button>
          </Tooltip>
          <Typography.Text type="secondary">{selected.length ? `已选择 ${selected.length} 个任务` : '勾选任务后可批量认领或办理（同一表单）'}</Typography.Text>
        </div>
        <Table<UserTask>
          rowKey="userTaskKey"
          size="middle"
          columns={columns}
          dataSource={data.items}
          loading={data.loading}
          tableLayout="fixed"
          locale={{ emptyText: data.loading ? '正在加载…' : '没有符合条件的任务' }}
          rowSelection={{
            selectedRowKeys: selected.map((t) => t.userTaskKey),
            onChange: (_keys, rows) => setSelected(rows),
            getCheckboxProps: (t) => ({ 'aria-label': `选择任务 ${t.name ?? t.userTaskKey}`, disabled: t.state !== 'CREATED' }),
            // antd's own select-all box is labelled in English ("Select all")
            columnTitle: (
              <Checkbox
                aria-label="全选本页任务"
                checked={selectable.length > 0 && selectable.every((t) => selected.some((s) => s.userTaskKey === t.userTaskKey))}
                indeterminate={selected.length > 0 && selected.length < selectable.length}
                disabled={selectable.length === 0}
                onChange={(e) => setSelected(e.target.checked ? selectable : [])}
              />
            ),
          }}
          pagination={{
            current: page,
            pageSize: size,
            total: data.total,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (total) => `共 ${total} 个`,
            // the arrow buttons' only content is an icon: give them Chinese names
            itemRender: (_page, type, element) =>
              (type === 'prev' || type === 'next') && isValidElement(element) ? cloneElement(element as ReactElement<{ 'aria-label'?: string }>, { 'aria-label': type === 'prev' ? '上一页' : '下一页' }) : element,
            onChange: (p, s) => go({ page: s !== size ? 1 : p, size: s }),
          }}
        />
      </Card>

      <Modal
        title="保存筛选"
        open={saveOpen}
        okText="保存"
        cancelText="取消"
        onOk={() => void saveCurrent()}
        onCancel={() => setSaveOpen(false)}
        okButtonProps={{ disabled: !saveName.trim() }}
        destroyOnHidden
      >
        <p>保存当前的列表、筛选条件和排序，以后可直接选用。同名的筛选将被覆盖。</p>
        <label htmlFor="pp-filter-name">筛选名称</label>
        <Input id="pp-filter-name" autoFocus maxLength={60} value={saveName} onChange={(e) => setSaveName(e.target.value)} onPressEnter={() => void saveCurrent()} />
      </Modal>

      {bulkOpen ? (
        <Suspense fallback={null}>
        <BulkCompleteModal
          tasks={selected}
          username={user.username}
          onClose={(changed) => {
            setBulkOpen(false);
            if (changed) {
              setSelected([]);
              void data.reload();
            }
          }}
        />
        </Suspense>
      ) : null}
    </>
  );
}
