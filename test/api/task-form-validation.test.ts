/**
 * POST /v2/user-tasks/{key}/completion of a task with a linked form: the variables must be what the
 * form could submit (src/forms/submission.ts); fields left out are filled from the task's variables.
 * Refused with a 400 problem naming each field, its label and the rule, in Chinese.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpmn } from '../support/bpmn.js';
import { eventually, startHarness, type Harness } from '../support/harness.js';

const model = bpmn(
  'formed-review',
  [
    { id: 'start', kind: 'start' },
    { id: 'score', kind: 'user', name: '评分', ext: '<zeebe:userTask /><zeebe:formDefinition formId="formed-review-form" />' },
    { id: 'end', kind: 'end' },
  ],
  [
    { id: 'f1', from: 'start', to: 'score' },
    { id: 'f2', from: 'score', to: 'end' },
  ],
);
const form = {
  id: 'formed-review-form',
  type: 'default',
  schemaVersion: 18,
  components: [
    { type: 'textfield', key: 'opinion', label: '审核意见', validate: { required: true, minLength: 8 } },
    { type: 'number', key: 'total', label: '总分', decimalDigits: 1, validate: { min: 0, max: 100 } },
    { type: 'select', key: 'result', label: '结论', values: [{ label: '通过', value: 'pass' }, { label: '不通过', value: 'fail' }] },
    { type: 'textfield', key: 'post', label: '岗位编号', validate: { pattern: '^P\\d{3}$' } },
    {
      type: 'dynamiclist',
      path: 'itemScores',
      label: '分项评分',
      components: [
        { type: 'textfield', key: 'key', label: '项目', disabled: true },
        { type: 'number', key: 'score', label: '得分', validate: { required: true, min: 0, max: 100 } },
      ],
    },
    { type: 'textfield', key: 'divisionCode', label: '区划代码', validate: { required: true } },
  ],
};

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.client.deployResources([
    { name: 'formed-review-form.form', content: JSON.stringify(form) },
    { name: 'formed-review.bpmn', content: model },
  ]);
});
afterAll(async () => {
  await h?.stop();
});

async function newTask(): Promise<string> {
  const pi = (await h.http('POST', '/v2/process-instances', { processDefinitionId: 'formed-review', variables: { divisionCode: '350100', itemScores: [{ key: 'performance' }, { key: 'defence' }] } })).body
    .processInstanceKey as string;
  return eventually(async () => (await h.http('POST', '/v2/user-tasks/search', { filter: { processInstanceKey: pi } })).body.items[0]?.userTaskKey as string | undefined);
}

const complete = (key: string, variables: Record<string, unknown>) => h.http('POST', `/v2/user-tasks/${key}/completion`, { variables });

describe('completing a task with a linked form', () => {
  it('refuses what the form could not submit, naming every field in Chinese', async () => {
    const key = await newTask();
    const r = await complete(key, {
      opinion: '太短',
      total: 100.25,
      result: 'maybe',
      post: 'X1',
      itemScores: [{ score: 101 }, { key: 'defence', score: 90 }],
      extra: 1,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body).toMatchObject({ type: 'about:blank', title: 'INVALID_ARGUMENT', status: 400, instance: `/v2/user-tasks/${key}/completion` });
    expect(r.body.detail).toBe('表单校验未通过：审核意见：不能少于 8 个字符…（共 8 处）');
    expect(r.body.fields).toEqual([
      { name: 'opinion', label: '审核意见', message: '不能少于 8 个字符' },
      { name: 'total', label: '总分', message: '不能大于 100' },
      { name: 'total', label: '总分', message: '最多 1 位小数' },
      { name: 'result', label: '结论', message: '必须是下列选项之一：通过、不通过' },
      { name: 'post', label: '岗位编号', message: '格式不正确（须符合 ^P\\d{3}$）' },
      { name: 'itemScores[0].score', label: '得分', message: '不能大于 100' },
      { name: 'itemScores[1].key', label: '项目', message: '此项不可编辑，表单不提交它，不应填写' },
      { name: 'extra', message: '不是表单中的字段，不能提交' },
    ]);
    expect((await h.http('GET', `/v2/user-tasks/${key}`)).body.state).toBe('CREATED');
  });

  it('says a required field is required', async () => {
    const key = await newTask();
    const r = await complete(key, { divisionCode: '' });
    expect(r.status).toBe(400);
    expect(r.body.detail).toMatch(/^表单校验未通过：审核意见：此项为必填项/);
    expect(r.body.fields).toContainEqual({ name: 'divisionCode', label: '区划代码', message: '此项为必填项' });
    expect(r.body.fields).toContainEqual({ name: 'itemScores[0].score', label: '得分', message: '此项为必填项' });
  });

  it('completes with what the form submits, filling fields left out from the task variables', async () => {
    const key = await newTask();
    // divisionCode comes from the task's variables; itemScores' keys are not submitted (disabled).
    const r = await complete(key, { opinion: '材料齐全，同意推荐', total: 88.5, result: 'pass', post: 'P001', itemScores: [{ score: 90 }, { score: 87 }] });
    expect(r.status, JSON.stringify(r.body)).toBe(204);
    expect((await h.http('GET', `/v2/user-tasks/${key}`)).body.state).toBe('COMPLETED');
  });
});
