/**
 * The process test harness (test/support/process.ts) on a tiny model and form of its own (in a temp
 * dir, not in bpmn/ or forms/): a user task completed through its form, a job worker that uses the
 * real services (registry, local national registry, calendar, engine clock, publishMessage), a
 * message, a timer moved by the clock, an incident, and the seed helpers.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateCreditCode, validateIdNumber } from '../../src/domain/validators.js';
import { defineWorker } from '../../workers/runtime.js';
import { bpmn, chain, job, message, timer, type El } from '../support/bpmn.js';
import { formSubmission } from '../support/forms.js';
import { ROOT } from '../support/harness.js';
import { startProcessHarness, type ProcessHarness } from '../support/process.js';

const PINNED = '2026-09-28T09:00:00+08:00';

const FORM = {
  id: 'harness-review-form',
  type: 'default',
  executionPlatform: 'Camunda Cloud',
  executionPlatformVersion: '8.8.0',
  schemaVersion: 18,
  components: [
    { type: 'checkbox', key: 'approved', label: '同意', id: 'f1' },
    { type: 'textarea', key: 'note', label: '意见', id: 'f2', validate: { required: true, maxLength: 20 } },
    { type: 'number', key: 'score', label: '评分', id: 'f3', validate: { min: 0, max: 100 } },
    { type: 'textfield', key: 'post', label: '岗位编号', id: 'f4', validate: { pattern: '^P\\d{3}$' } },
    { type: 'radio', key: 'route', label: '路径', id: 'f5', values: [{ label: '常规', value: 'regular' }, { label: '破格', value: 'exceptional' }] },
    { type: 'textfield', key: 'reason', label: '破格理由', id: 'f6', conditional: { hide: '=route != "exceptional"' }, validate: { required: true } },
    { type: 'text', text: '说明文字', id: 'f7' },
  ],
};

const ELEMENTS: El[] = [
  { id: 'start', kind: 'start', name: '开始' },
  {
    id: 'review',
    kind: 'user',
    name: '审核',
    ext: `<zeebe:userTask /><zeebe:formDefinition formId="harness-review-form" /><zeebe:assignmentDefinition candidateGroups="=[&quot;enterprise-&quot; + enterprise.creditCode + &quot;-hr&quot;]" />`,
  },
  { id: 'issue', kind: 'service', name: '颁发证书', ext: job('pingpin.harness.issue') },
  { id: 'uploaded', kind: 'catch', name: '已上传', body: '<bpmn:messageEventDefinition messageRef="m_uploaded" />' },
  { id: 'go', kind: 'catch', name: '继续', body: '<bpmn:messageEventDefinition messageRef="m_go" />' },
  { id: 'wait', kind: 'catch', name: '等待一日', body: timer('timeDuration', 'P1D') },
  { id: 'end', kind: 'end', name: '结束' },
];

const MODEL = bpmn('harness-demo', ELEMENTS, chain(...ELEMENTS).flows, message('m_uploaded', 'harness-uploaded', '=campaign.id') + message('m_go', 'harness-go', '=campaign.id'));

/** Issues the certificate (idempotent by application), uploads it, and says so with a message. */
const issueWorker = defineWorker({
  type: 'pingpin.harness.issue',
  name: '颁发证书（测试）',
  input: z.object({
    applicationId: z.string().min(1),
    campaign: z.object({ id: z.string() }),
    enterprise: z.object({ creditCode: z.string(), name: z.string() }),
  }),
  async handler(input, jobCtx, services) {
    const app = await services.registry.applications.getWithIdNumber(input.applicationId, `worker:${jobCtx.elementId}`);
    const today = services.now().toISOString().slice(0, 10);
    const cert = await services.registry.certificates.issue({
      creditCode: input.enterprise.creditCode,
      level: app.level,
      occupation: { code: '6-18-01-01', name: '车工' },
      holder: { name: app.applicant.name, idNumber: app.idNumber },
      issuedOn: today,
      applicationId: app.id,
      by: 'worker:harness.issue',
    });
    const receipt = await services.nationalRegistry.upload({
      certificateCode: cert.code,
      holderName: cert.holderName,
      idNumber: app.idNumber,
      level: cert.level,
      occupation: cert.occupation,
      evaluator: { creditCode: input.enterprise.creditCode, name: input.enterprise.name },
      issuedOn: cert.issuedOn,
    });
    const window = services.calendar.publicityWindow(today, 5);
    await services.publishMessage('harness-uploaded', input.campaign.id, { uploadReference: receipt.reference }, 60_000);
    return { certificateCode: cert.code, issuedOn: cert.issuedOn, windowEnd: window.endDate, modelsDir: services.modelsDir };
  },
});

let h: ProcessHarness;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pingpin-harness-models-'));
  writeFileSync(join(dir, 'harness-demo.bpmn'), MODEL);
  writeFileSync(join(dir, 'harness-review-form.form'), JSON.stringify(FORM));
  h = await startProcessHarness({ workers: [issueWorker], pinnedAt: PINNED, bpmnDir: dir, formsDir: dir });
}, 30_000);

afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('process harness', () => {
  it('seeds valid enterprises, applicants and applications', async () => {
    const ent = await h.seed.enterprise({ jurisdiction: 'sichuan', n: 7 });
    expect(validateCreditCode(ent.creditCode).valid).toBe(true);
    expect(ent).toMatchObject({ divisionCode: '510100', province: '51' });
    expect(ent.filings.map((f) => [f.level, f.status, f.evaluatorKey])).toEqual([
      ['S', 'active', 'Y000051000007'],
      ['T', 'active', 'Y000051000007'],
    ]);
    const woman = h.seed.applicant({ n: 3, birthDate: '1975-02-28', gender: 'female' });
    expect(validateIdNumber(woman.idNumber).valid).toBe(true);
    expect(woman.idNumber.slice(6, 14)).toBe('19750228');
    expect(Number(woman.idNumber[16]) % 2).toBe(0);
    expect(Number(h.seed.applicant({ n: 4 }).idNumber[16]) % 2).toBe(1);
    const cmp = await h.seed.campaign(ent);
    expect(cmp).toMatchObject({ jurisdiction: 'sichuan', year: 2026, batch: null, deadline: '2026-10-30' });
    const app = await h.seed.application(cmp.id, woman, 'S');
    expect(app).toMatchObject({ level: 'S', status: 'submitted' });
  });

  it('runs a procedure: form-checked user task, worker with real services, message, timer', async () => {
    expect(h.now().toISOString()).toBe('2026-09-28T01:00:00.000Z');
    const ent = await h.seed.enterprise({ jurisdiction: 'guangdong', n: 1 });
    const cmp = await h.seed.campaign(ent);
    const app = await h.seed.application(cmp.id, h.seed.applicant({ n: 1, name: '王师傅' }));
    const pi = await h.startProcess('harness-demo', { campaign: { id: cmp.id }, enterprise: { creditCode: ent.creditCode, name: ent.name }, applicationId: app.id });

    const task = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review', candidateGroup: `enterprise-${ent.creditCode}-hr` });
    expect(task).toMatchObject({ name: '审核', candidateGroups: [`enterprise-${ent.creditCode}-hr`] });

    // What the form would not submit is refused, every problem at once.
    const refused = await h.completeUserTask(task, { approved: 'yes', score: 101, post: 'X1', route: 'fast', extra: 1, reason: '?' }).catch((e: Error) => e.message);
    expect(refused).toContain('user task review: form harness-review-form would not submit this');
    for (const problem of [
      'extra: is not a field of the form',
      'approved（同意）: must be true or false, is "yes"',
      'note（意见）: is required and was not given',
      'score（评分）: must be at most 100, is 101',
      'post（岗位编号）: must match ^P\\d{3}$, is "X1"',
      'route（路径）: "fast" is not one of ["regular","exceptional"]',
      'reason（破格理由）: is hidden by its condition, so the form submits nothing for it',
    ]) {
      expect(refused).toContain(problem);
    }
    // A shown conditional field is required.
    await expect(h.completeUserTask(task, { note: '同意', route: 'exceptional' })).rejects.toThrow(/reason（破格理由）: is required/);

    // `as` assigns the task first: to a member of its candidate group, the only people it may go to.
    const group = `enterprise-${ent.creditCode}-hr`;
    expect((await h.http('POST', '/v2/users', { username: 'hr_wang', password: 'Hr-Wang-Pass-1', name: '王人事', email: 'hr_wang@example.gov.cn' })).status).toBeLessThan(300);
    expect((await h.http('POST', '/v2/groups', { groupId: group, name: group })).status).toBeLessThan(300);
    expect((await h.http('PUT', `/v2/groups/${group}/users/hr_wang`)).status).toBeLessThan(300);
    const submitted = await h.completeUserTask(task, { approved: true, note: '材料齐全', score: 92, post: 'P001', route: 'regular' }, { as: 'hr_wang' });
    // Fields not given are submitted as the form would: empty values (hidden ones not at all).
    expect(submitted).toEqual({ approved: true, note: '材料齐全', score: 92, post: 'P001', route: 'regular' });

    // The worker issued and uploaded on the pinned day, and announced it with a message (buffered
    // with a time to live, since the catch event opens only after the job completes). A message
    // without a time to live is correlated only when its catch event is already waiting.
    await h.waitForElement({ processInstanceKey: pi, elementId: 'go' });
    await h.publish('harness-go', cmp.id, { go: true });
    const timerWait = await h.waitForElement({ processInstanceKey: pi, elementId: 'wait' });
    expect(timerWait).toMatchObject({ elementId: 'wait', state: 'ACTIVE', type: 'INTERMEDIATE_CATCH_EVENT' });
    await h.advanceClock(24 * 3600_000);
    const vars = await h.waitForCompletion(pi);
    expect(vars).toMatchObject({ approved: true, note: '材料齐全', issuedOn: '2026-09-28', go: true, windowEnd: h.services.calendar.publicityWindow('2026-09-28', 5).endDate, modelsDir: dir });
    const code = vars.certificateCode as string;
    expect(vars.uploadReference).toBe(code);
    expect(await h.registry.nationalUploads.get(code)).toMatchObject({ certificateCode: code, holderName: '王师傅' });
    expect(await h.registry.certificates.byApplication(app.id)).toMatchObject({ code, issuedOn: '2026-09-28' });
    expect(h.now().toISOString()).toBe('2026-09-29T01:00:00.000Z');
  });

  it('reports incidents with the worker\'s message, also when waiting for completion', async () => {
    const pi = await h.startProcess('harness-demo', { campaign: { id: 'c-x' }, enterprise: { creditCode: 'x', name: 'y' } });
    const task = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review' });
    await h.completeUserTask(task, { note: '好' });
    const incident = await h.waitForIncident({ processInstanceKey: pi, elementId: 'issue' });
    expect(incident.errorType).toBe('JOB_NO_RETRIES');
    expect(incident.errorMessage).toMatch(/invalid input for 'pingpin.harness.issue': applicationId/);
    await expect(h.waitForCompletion(pi, 2000)).rejects.toThrow(/did not complete \(ACTIVE\): it has incidents:\n {2}issue \(JOB_NO_RETRIES\): invalid input/);
    await expect(h.waitForUserTask({ processInstanceKey: pi, elementId: 'never', timeoutMs: 2000 })).rejects.toThrow(/user task never in instance \d+ did not appear: the instance has incidents/);
  });
});

describe('form submissions', () => {
  const schema = {
    components: [
      { type: 'group', path: 'filing', components: [{ type: 'textfield', key: 'unitName', label: '单位名称', validate: { required: true } }, { type: 'datetime', key: 'signedOn', subtype: 'date' }] },
      { type: 'group', components: [{ type: 'checklist', key: 'levels', values: [{ label: '特级技师', value: 'T' }, { label: '首席技师', value: 'S' }] }] },
      { type: 'dynamiclist', path: 'scores', components: [{ type: 'number', key: 'value', validate: { min: 0, max: 100 } }, { type: 'textfield', key: 'item' }] },
      { type: 'expression', key: 'total', expression: '=sum(for s in scores return s.value)' },
      { type: 'textfield', key: 'contact', validate: { validationType: 'email' }, defaultValue: 'hr@example.cn' },
      { type: 'textfield', key: 'locked', disabled: true },
    ],
  };

  it('nests group and list fields, computes expressions, fills defaults and pre-fills from the task', () => {
    const r = formSubmission(schema, { filing: { unitName: '某公司', signedOn: '2026-05-01' }, levels: ['T'], scores: [{ value: 80, item: '述职' }, { value: 90 }] }, { contact: 'boss@example.cn' });
    expect(r.issues).toEqual([]);
    expect(r.variables).toEqual({
      filing: { unitName: '某公司', signedOn: '2026-05-01' },
      levels: ['T'],
      scores: [
        { value: 80, item: '述职' },
        { value: 90, item: '' },
      ],
      total: 170,
      contact: 'boss@example.cn',
    });
  });

  it('reads every form in forms/ (what completeUserTask will check)', () => {
    const dir = join(ROOT, 'forms');
    for (const file of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.form')) : []) {
      const form = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
      const empty = formSubmission(form, {});
      // An empty submission fills every visible field with its empty value; only `required` can fail.
      expect(empty.issues.filter((i) => !/is required/.test(i)), file).toEqual([]);
    }
  });

  it('names every problem by its path', () => {
    const r = formSubmission(schema, { filing: { signedOn: '1.5.2026', extra: 1 }, levels: ['X'], scores: [{ value: 120 }], total: 3, contact: 'nobody', locked: 'x' });
    expect(r.issues).toEqual([
      'filing.unitName（单位名称）: is required and was not given',
      'filing.signedOn: must be a date (YYYY-MM-DD), is "1.5.2026"',
      'filing.extra: is not a field of the form (fields here: unitName, signedOn)',
      'levels: "X" is not one of ["T","S"]',
      'scores[0].value: must be at most 100, is 120',
      'total: is an expression field; the form computes it',
      'contact: must be an e-mail address, is "nobody"',
      'locked: is disabled, so the form submits nothing for it',
    ]);
  });
});

describe('form submissions inside dynamic lists', () => {
  it('evaluates row conditions against `this`, as form-js does', () => {
    const schema = {
      components: [
        {
          type: 'dynamiclist',
          path: 'decisions',
          components: [
            { type: 'select', key: 'decision', values: [{ label: '通过', value: 'approve' }, { label: '退回', value: 'return' }], validate: { required: true } },
            { type: 'textfield', key: 'reason', conditional: { hide: '=this.decision != "return"' }, validate: { required: true } },
          ],
        },
      ],
    };
    const ok = formSubmission(schema, { decisions: [{ decision: 'approve' }, { decision: 'return', reason: '材料不全' }] });
    expect(ok.issues).toEqual([]);
    const missing = formSubmission(schema, { decisions: [{ decision: 'return' }] });
    expect(missing.issues.join('\n')).toContain('reason');
  });
});
