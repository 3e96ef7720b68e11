/** /tasklist/start — 发起流程: the processes I may start, with their start form where the model has one. */
import { useEffect, useRef, useState } from 'react';
import { LinkButton } from '../shared/layout/LinkButton';
import { Alert, App, Button, Card, Empty, List, Result, Skeleton, Tag, Typography } from 'antd';
import { api, camunda } from '../shared/api/instance';
import { chineseMessage, isApiError, type ProblemField } from '../shared/api/errors';
import { FormView, keepFormFocus, type FormViewHandle } from '../shared/forms/FormView';
import { useAnnounce } from '../shared/layout/Announcer';
import type { StartableProcess } from './api';
import { parseSchema } from './taskData';

export function StartPage() {
  const [items, setItems] = useState<StartableProcess[]>();
  const [error, setError] = useState<string>();
  const [chosen, setChosen] = useState<StartableProcess>();
  const [schema, setSchema] = useState<unknown>();
  const [formLoading, setFormLoading] = useState(false);
  const [problem, setProblem] = useState<{ title: string; items: string[] }>();
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<{ key: string; name: string }>();
  const formRef = useRef<FormViewHandle>(null);
  const announce = useAnnounce();
  const { modal } = App.useApp();

  useEffect(() => {
    document.title = '发起流程 · 任务中心';
    api
      .startable()
      .then((r) => setItems(r.items))
      .catch((err: unknown) => !(isApiError(err) && err.redirecting) && setError(chineseMessage(err)));
  }, []);

  const choose = async (p: StartableProcess) => {
    setChosen(p);
    setSchema(undefined);
    setProblem(undefined);
    setStarted(undefined);
    if (!p.hasStartForm) return;
    setFormLoading(true);
    try {
      const form = await camunda.getStartProcessForm(p.processDefinitionKey);
      setSchema(parseSchema(form));
    } catch (err) {
      setProblem({ title: chineseMessage(err), items: [] });
    } finally {
      setFormLoading(false);
    }
  };

  const start = async (variables: Record<string, unknown>) => {
    if (!chosen) return;
    setBusy(true);
    setProblem(undefined);
    try {
      const r = await camunda.createProcessInstance(chosen.processDefinitionKey, variables);
      const name = chosen.name || chosen.processDefinitionId;
      setStarted({ key: String(r.processInstanceKey), name });
      announce(`流程“${name}”已发起，实例编号 ${r.processInstanceKey}`);
    } catch (err) {
      if (isApiError(err) && err.redirecting) return;
      const fields: ProblemField[] = isApiError(err) ? err.fields : [];
      const unplaced = fields.length && formRef.current ? formRef.current.showServerErrors(fields) : fields;
      setProblem({ title: `发起失败：${chineseMessage(err)}`, items: unplaced.map((f) => `${f.label ?? f.name}：${f.message}`) });
      announce(`发起失败：${chineseMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const submit = async () => {
    if (!chosen) return;
    if (chosen.hasStartForm) {
      const result = await formRef.current?.submit();
      if (!result) return;
      if (Object.keys(result.errors).length) {
        const text = `表单校验未通过：请修改标红的内容（${result.invalidLabels.join('、')}）`;
        setProblem({ title: text, items: [] });
        announce(text);
        return;
      }
      void start(result.data);
    } else {
      modal.confirm({
        title: `发起“${chosen.name || chosen.processDefinitionId}”？`,
        content: '此流程没有发起表单，将直接发起一个新的流程实例。',
        okText: '发起',
        cancelText: '取消',
        onOk: () => start({}),
      });
    }
  };

  if (started) {
    return (
      <Result
        status="success"
        title={`流程“${started.name}”已发起`}
        subTitle={`流程实例编号：${started.key}。后续任务会出现在相关人员的任务列表中。`}
        extra={[
          <LinkButton key="list" to="/tasklist" type="primary">
            返回任务列表
          </LinkButton>,
          <Button key="again" onClick={() => setStarted(undefined)}>
            继续发起
          </Button>,
        ]}
      />
    );
  }

  return (
    <>
      <h1>发起流程</h1>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <div style={{ display: 'grid', gridTemplateColumns: 'minmax(260px, 1fr) minmax(0, 2fr)', gap: 12, alignItems: 'start' }}>
        <Card size="small" title={<h2 style={{ margin: 0, fontSize: 15 }}>可发起的流程</h2>}>
          {!items && !error ? <Skeleton active /> : null}
          {items && items.length === 0 ? <Empty description="您没有可发起的流程" /> : null}
          {items && items.length > 0 ? (
            <List
              dataSource={items}
              renderItem={(p) => (
                <List.Item key={p.processDefinitionKey}>
                  <Button
                    type={chosen?.processDefinitionKey === p.processDefinitionKey ? 'primary' : 'text'}
                    aria-pressed={chosen?.processDefinitionKey === p.processDefinitionKey}
                    style={{ width: '100%', justifyContent: 'flex-start', textAlign: 'left', height: 'auto', whiteSpace: 'normal' }}
                    onClick={() => void choose(p)}
                  >
                    <span>
                      {p.name || p.processDefinitionId} <Typography.Text type={chosen?.processDefinitionKey === p.processDefinitionKey ? undefined : 'secondary'} style={{ color: 'inherit', fontSize: 12 }}>（第 {p.version} 版）</Typography.Text>
                      {p.hasStartForm ? <Tag style={{ marginLeft: 6 }}>有发起表单</Tag> : null}
                    </span>
                  </Button>
                </List.Item>
              )}
            />
          ) : null}
        </Card>
        <Card size="small" title={<h2 style={{ margin: 0, fontSize: 15 }}>{chosen ? `发起：${chosen.name || chosen.processDefinitionId}` : '请选择流程'}</h2>}>
          {problem ? (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 12 }}
              title={problem.title}
              description={problem.items.length ? <ul style={{ margin: 0, paddingLeft: 18 }}>{problem.items.map((i) => <li key={i}>{i}</li>)}</ul> : undefined}
            />
          ) : null}
          {!chosen ? <Typography.Paragraph>从左侧选择要发起的流程。</Typography.Paragraph> : null}
          {chosen && chosen.hasStartForm ? formLoading ? <Skeleton active /> : schema ? <FormView ref={formRef} schema={schema} data={{}} readOnly={false} label="发起表单" /> : null : null}
          {chosen && !chosen.hasStartForm ? <Typography.Paragraph>此流程没有发起表单。</Typography.Paragraph> : null}
          {chosen ? (
            <Button type="primary" onMouseDown={keepFormFocus} onClick={() => void submit()} loading={busy} disabled={chosen.hasStartForm && !schema} style={{ marginTop: 12 }}>
              发起
            </Button>
          ) : null}
        </Card>
      </div>
    </>
  );
}
