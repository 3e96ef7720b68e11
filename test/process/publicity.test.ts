/**
 * `publicity` (公示) end to end: bpmn/publicity.bpmn with the real publicity workers, the registry,
 * the working-day calendar and the engine clock; the investigation task completed with exactly what
 * form publicity-investigate-objection submits. Each test gets its own engine (the clock only moves
 * forward) with only this model deployed, so models other people are editing cannot break it.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Enterprise } from '../../src/registry/index.js';
import close from '../../workers/publicity/close.js';
import decideObjection from '../../workers/publicity/decide-objection.js';
import publish from '../../workers/publicity/publish.js';
import recordObjection from '../../workers/publicity/record-objection.js';
import result from '../../workers/publicity/result.js';
import { objectionMessage } from '../../workers/intake.js';
import { ROOT } from '../support/harness.js';
import { fileObjection, publishObjection } from '../support/intake.js';
import { startProcessHarness, type ProcessHarness, type UserTask, jobContext } from '../support/process.js';

const WORKERS = [publish, close, recordObjection, decideObjection, result];
/** Monday 2026-09-28, 09:00 in Beijing: the National Day holidays (10-01…10-07) fall in the window. */
const MONDAY_BEFORE_NATIONAL_DAY = '2026-09-28T09:00:00+08:00';

let h: ProcessHarness | undefined;
let modelDir: string | undefined;

async function harness(pinnedAt = MONDAY_BEFORE_NATIONAL_DAY): Promise<ProcessHarness> {
  modelDir = mkdtempSync(join(tmpdir(), 'pingpin-publicity-model-'));
  copyFileSync(join(ROOT, 'bpmn', 'publicity.bpmn'), join(modelDir, 'publicity.bpmn'));
  h = await startProcessHarness({ pinnedAt, workers: WORKERS, bpmnDir: modelDir });
  return h;
}

afterEach(async () => {
  await h?.stop();
  h = undefined;
  if (modelDir) rmSync(modelDir, { recursive: true, force: true });
  modelDir = undefined;
});

interface Started {
  pi: string;
  noticeId: string;
  window: { startDate: string; endDate: string; endsAt: string; days: number };
  enterprise: Enterprise;
  hr: string;
  apps: Array<{ id: string; name: string; idNumber: string }>;
  campaignId: string;
}

/** A results publicity of three candidates of a Guangdong enterprise, started and waiting for its window. */
async function startPublicity(h: ProcessHarness, days = 5): Promise<Started> {
  const enterprise = await h.seed.enterprise({ jurisdiction: 'guangdong', n: 1 });
  const campaign = await h.seed.campaign(enterprise);
  const apps = [];
  for (const [n, name] of [
    [1, '王建国'],
    [2, '李卫东'],
    [3, '张秀英'],
  ] as const) {
    const applicant = h.seed.applicant({ n, name, gender: n === 3 ? 'female' : 'male' });
    const app = await h.seed.application(campaign.id, applicant);
    apps.push({ id: app.id, name, idNumber: applicant.idNumber });
  }
  const hr = `enterprise-${enterprise.creditCode}-hr`;
  const pi = await h.startProcess('publicity', {
    campaign: { id: campaign.id, jurisdiction: 'guangdong', level: 'T', year: 2026, batch: 2, deadline: '2026-10-30' },
    enterprise,
    notice: {
      kind: 'results',
      title: '2026年第二批特级技师评聘拟入选人员名单公示',
      entries: apps.map((a, i) => ({
        applicationId: a.id,
        name: a.name,
        // A clerk pasting an ID number and a phone into the summary: the public notice masks them.
        summary: i === 0 ? `车工（6-18-01-01），身份证号 ${a.idNumber}，联系电话 13912345678` : '车工（6-18-01-01），综合评议 90 分',
      })),
    },
    days,
    investigatorGroup: hr,
  });
  await h.waitForElement({ processInstanceKey: pi, elementId: 'window-ends' });
  const vars = await h.variables(pi);
  return { pi, noticeId: vars.noticeId as string, window: vars.window as Started['window'], enterprise, hr, apps, campaignId: campaign.id };
}

/** An anonymous objection with a mobile number, as the public page takes it: filed with the intake, published by reference. */
const objection = (h: ProcessHarness, noticeId: string, text: string, applicationId?: string) => publishObjection(h, noticeId, { text, contact: '13800138000', ...(applicationId ? { applicationId } : {}) });

/** Every variable of an instance and its scopes, as `POST /v2/variables/search` answers anyone allowed to search. */
async function allVariables(h: ProcessHarness, pi: string): Promise<string> {
  const res = await h.http('POST', '/v2/variables/search?truncateValues=false', { filter: { processInstanceKey: pi }, page: { limit: 1000 } });
  return JSON.stringify((res.body as { items: unknown[] }).items);
}

/** What form publicity-investigate-objection submits for a decision. */
const upheldAgainst = (applicationId: string) => ({
  objectionOutcome: 'upheld',
  affectedApplicationId: applicationId,
  investigatedOn: '2026-09-28',
  resolution: '经调取岗位任职记录核实，该同志从事高级技师岗位工作年限不足，异议成立，从拟入选名单中移出。',
});
const dismissed = {
  objectionOutcome: 'rejected',
  investigatedOn: '2026-09-28',
  resolution: '经核查劳动合同和考核档案，反映问题与事实不符，异议不成立，维持公示名单。',
};

const userTaskVariables = (h: ProcessHarness, task: UserTask): Promise<Record<string, unknown>> => h.taskVariables(task);

async function openTasks(h: ProcessHarness, pi: string, group: string, count: number): Promise<UserTask[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await h.http('POST', '/v2/user-tasks/search', { filter: { elementId: 'investigate-objection', state: 'CREATED', candidateGroup: group, processInstanceKey: pi } });
    const items = (res.body as { items: UserTask[] }).items;
    if (items.length >= count) return items;
    if (Date.now() > deadline) throw new Error(`expected ${count} investigation tasks, found ${items.length}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}


describe('publicity', () => {
  it('runs the window over National Day 2026 exactly and ends no earlier than 2026-10-09 23:59:59+08:00', async () => {
    const h = await harness();
    const s = await startPublicity(h);
    // DOMAIN.md §4: posted Monday 09-28 → 09-28, 09-29, 09-30, 10-08, 10-09 (10-01…10-07 National Day).
    expect(s.window).toEqual({ startDate: '2026-09-28', endDate: '2026-10-09', endsAt: '2026-10-09T23:59:59+08:00', days: 5 });

    const notice = (await h.registry.notices.get(s.noticeId))!;
    expect(notice).toMatchObject({ status: 'published', kind: 'results', title: '2026年第二批特级技师评聘拟入选人员名单公示', campaignId: s.campaignId, windowStart: '2026-09-28', windowEnd: '2026-10-09', endsAt: '2026-10-09T15:59:59.000Z' });
    // Created under the publicity instance: a redelivered publish job gets this notice back.
    expect(notice.idempotencyKey).toBe(`pingpin.publicity.publish#${s.pi}`);
    expect(notice.entries.map((e) => e.applicationId)).toEqual(s.apps.map((a) => a.id));
    const published = JSON.stringify(notice.entries);
    expect(published).not.toContain(s.apps[0]!.idNumber);
    expect(published).toContain(`${s.apps[0]!.idNumber.slice(0, 4)}**********${s.apps[0]!.idNumber.slice(14)}`);
    expect(published).toContain('139****5678');
    expect(published).not.toContain('13912345678');

    // The last second of the window: still running, the notice still public.
    await h.advanceClock('2026-10-09T23:59:58+08:00');
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.state(s.pi)).toBe('ACTIVE');
    await h.waitForElement({ processInstanceKey: s.pi, elementId: 'window-ends' });
    expect((await h.registry.notices.get(s.noticeId))!.status).toBe('published');

    await h.advanceClock('2026-10-10T00:00:00+08:00');
    const vars = await h.waitForCompletion(s.pi);
    expect(vars.publicityResult).toEqual({
      noticeId: s.noticeId,
      window: { startDate: '2026-09-28', endDate: '2026-10-09', endsAt: '2026-10-09T23:59:59+08:00', days: 5 },
      removedApplications: [],
      objections: [],
      closedAt: '2026-10-09T16:00:00.000Z',
    });
    expect(vars.openObjections).toBe(0);
    const closed = (await h.registry.notices.get(s.noticeId))!;
    expect(closed.status).toBe('closed');
    expect(closed.closedAt! > closed.endsAt).toBe(true);
  });

  it('removes the candidate an upheld objection names', async () => {
    const h = await harness();
    const s = await startPublicity(h);
    const target = s.apps[1]!;
    const submission = await objection(h, s.noticeId, '反映李卫东从事高级技师岗位工作不满五年，申报材料中的任职证明与实际不符。', target.id);

    const task = await h.waitForUserTask({ processInstanceKey: s.pi, elementId: 'investigate-objection', candidateGroup: s.hr });
    expect(task.formKey).toBeDefined();
    // The investigator sees the masked contact and the reference; the clear one is in the registry only.
    expect((await userTaskVariables(h, task)).objection).toEqual({ ref: submission.id, submitterMasked: null, contactMasked: '138****8000', text: '反映李卫东从事高级技师岗位工作不满五年，申报材料中的任职证明与实际不符。', applicationId: target.id });
    expect(await allVariables(h, s.pi)).not.toContain('13800138000');
    const submitted = await h.completeUserTask(task, upheldAgainst(target.id));
    expect(submitted).toMatchObject({ upheld: true, affectedApplicationId: target.id });

    await h.advanceClock('2026-10-10T00:00:00+08:00');
    const vars = await h.waitForCompletion(s.pi);
    const result = vars.publicityResult as { removedApplications: string[]; objections: Array<Record<string, unknown>> };
    expect(result.removedApplications).toEqual([target.id]);
    expect(result.objections).toHaveLength(1);
    expect(result.objections[0]).toMatchObject({ applicationId: target.id, outcome: 'upheld' });
    // The objector's contact stays in the registry, not in the result.
    expect(JSON.stringify(result)).not.toContain('13800138000');

    const [stored] = await h.registry.objections.list({ noticeId: s.noticeId });
    expect(stored).toMatchObject({ outcome: 'upheld', applicationId: target.id, investigator: s.hr, submitterContact: '未署名（138****8000）', investigatedOn: '2026-09-28', submissionId: submission.id });
    expect((await h.registry.intake.getWithContact(submission.id, 'test:investigator')).contact).toBe('13800138000');
    expect(result.objections[0]).toMatchObject({ investigatedOn: '2026-09-28' });
    expect(stored!.resolution).toContain('异议成立');
    // Each objection's variables stayed in its event subprocess instance.
    for (const name of ['objection', 'objectionId', 'upheld', 'objectionOutcome', 'resolution', 'accepted']) expect(vars).not.toHaveProperty(name);
  });

  it('keeps the list when the objection is dismissed', async () => {
    const h = await harness();
    const s = await startPublicity(h);
    await objection(h, s.noticeId, '听说张秀英的荣誉证书是借用的，请核实。', s.apps[2]!.id);
    const task = await h.waitForUserTask({ processInstanceKey: s.pi, elementId: 'investigate-objection', candidateGroup: s.hr });
    const submitted = await h.completeUserTask(task, dismissed);
    expect(submitted.upheld).toBe(false);
    expect(submitted).not.toHaveProperty('affectedApplicationId'); // hidden unless upheld

    await h.advanceClock('2026-10-10T00:00:00+08:00');
    const vars = await h.waitForCompletion(s.pi);
    const result = vars.publicityResult as { removedApplications: string[]; objections: Array<Record<string, unknown>> };
    expect(result.removedApplications).toEqual([]);
    expect(result.objections).toEqual([expect.objectContaining({ outcome: 'rejected', applicationId: s.apps[2]!.id })]);
    expect((await h.registry.objections.list({ noticeId: s.noticeId }))[0]).toMatchObject({ outcome: 'rejected' });
  });

  it('does not end while an investigation is open, and ends right after it closes', async () => {
    const h = await harness();
    const s = await startPublicity(h);
    await objection(h, s.noticeId, '王建国的业绩材料中有他人成果，请调查。', s.apps[0]!.id);
    const task = await h.waitForUserTask({ processInstanceKey: s.pi, elementId: 'investigate-objection', candidateGroup: s.hr });

    await h.advanceClock('2026-10-12T10:00:00+08:00');
    // The window is over: the notice is closed, but the publicity waits for the investigation.
    await h.waitForElement({ processInstanceKey: s.pi, elementId: 'investigations-done' });
    expect((await h.registry.notices.get(s.noticeId))!.status).toBe('closed');
    expect((await h.variables(s.pi)).openObjections).toBe(1);
    await h.advanceClock('2026-10-20T10:00:00+08:00');
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.state(s.pi)).toBe('ACTIVE');
    await h.waitForElement({ processInstanceKey: s.pi, elementId: 'investigations-done' });

    await h.completeUserTask(task, upheldAgainst(s.apps[0]!.id));
    const vars = await h.waitForCompletion(s.pi);
    expect((vars.publicityResult as { removedApplications: string[] }).removedApplications).toEqual([s.apps[0]!.id]);
    await h.waitForElement({ processInstanceKey: s.pi, elementId: 'investigations-done', state: 'COMPLETED' });
  });

  it('refuses an objection that arrives after the window', async () => {
    const h = await harness();
    const s = await startPublicity(h);
    // One investigation keeps the publicity open past its window …
    await objection(h, s.noticeId, '李卫东的技能竞赛获奖证书等级填报有误。', s.apps[1]!.id);
    const task = await h.waitForUserTask({ processInstanceKey: s.pi, elementId: 'investigate-objection', candidateGroup: s.hr });
    await h.advanceClock('2026-10-10T08:00:00+08:00');
    await h.waitForElement({ processInstanceKey: s.pi, elementId: 'investigations-done' });

    // … so a late objection still reaches it, and is not received.
    await objection(h, s.noticeId, '公示期过后才看到，张秀英不符合条件。', s.apps[2]!.id);
    await h.waitForElement({ processInstanceKey: s.pi, elementId: 'objection-refused', state: 'COMPLETED' });
    // Its variables, in its own event subprocess instance: refused with the reason.
    const res = await h.http('POST', '/v2/variables/search?truncateValues=false', { filter: { processInstanceKey: s.pi }, page: { limit: 1000 } });
    const all = (res.body as { items: Array<{ name: string; value: string; scopeKey: string }> }).items;
    const refusal = all.find((v) => v.name === 'objectionRefusal' && JSON.parse(v.value) !== null)!;
    const scope = Object.fromEntries(all.filter((v) => v.scopeKey === refusal.scopeKey).map((v) => [v.name, JSON.parse(v.value) as unknown]));
    expect(refusal.scopeKey).not.toBe(s.pi);
    expect(scope.accepted).toBe(false);
    expect(scope.objectionId).toBeNull();
    expect(String(scope.objectionRefusal)).toContain('公示期已于 2026-10-09 结束');
    expect(scope.objection).toMatchObject({ applicationId: s.apps[2]!.id });
    expect(await h.registry.objections.list({ noticeId: s.noticeId })).toHaveLength(1);
    expect(await openTasks(h, s.pi, s.hr, 1)).toHaveLength(1);

    await h.completeUserTask(task, dismissed);
    const vars = await h.waitForCompletion(s.pi);
    expect((vars.publicityResult as { objections: unknown[] }).objections).toHaveLength(1);
  });

  it('keeps two concurrent objections apart', async () => {
    const h = await harness();
    const s = await startPublicity(h);
    const [first, second] = [s.apps[0]!, s.apps[2]!];
    await objection(h, s.noticeId, '第一件：王建国的工作年限证明存疑。', first.id);
    await publishObjection(h, s.noticeId, { submitter: '车间职工张某', contact: 'zhang@example.com', text: '第二件：张秀英的获奖证书与本人职业不符。', applicationId: second.id });

    const tasks = await openTasks(h, s.pi, s.hr, 2);
    const seen = await Promise.all(tasks.map(async (t) => ({ task: t, vars: await userTaskVariables(h, t) })));
    const texts = seen.map((x) => (x.vars.objection as { text: string }).text).sort();
    expect(texts).toEqual(['第一件：王建国的工作年限证明存疑。', '第二件：张秀英的获奖证书与本人职业不符。']);
    expect(new Set(seen.map((x) => x.vars.objectionId)).size).toBe(2);
    const taskFor = (id: string) => seen.find((x) => (x.vars.objection as { applicationId: string }).applicationId === id)!.task;

    // The first is decided inside the window, the second after it: the publicity waits for it.
    await h.completeUserTask(taskFor(first.id), upheldAgainst(first.id));
    await h.advanceClock('2026-10-10T00:00:00+08:00');
    await h.waitForElement({ processInstanceKey: s.pi, elementId: 'investigations-done' });
    expect((await h.variables(s.pi)).openObjections).toBe(1);
    // The other task still shows its own objection, untouched by the first decision.
    const stillOpen = await userTaskVariables(h, taskFor(second.id));
    expect(stillOpen.objection).toMatchObject({ applicationId: second.id });
    expect(stillOpen.upheld ?? null).toBeNull();
    await h.completeUserTask(taskFor(second.id), dismissed);

    const vars = await h.waitForCompletion(s.pi);
    const result = vars.publicityResult as { removedApplications: string[]; objections: Array<{ applicationId: string; outcome: string }> };
    expect(result.removedApplications).toEqual([first.id]);
    expect(result.objections.map((o) => [o.applicationId, o.outcome]).sort()).toEqual([
      [first.id, 'upheld'],
      [second.id, 'rejected'],
    ].sort());
    const stored = await h.registry.objections.list({ noticeId: s.noticeId });
    expect(stored.map((o) => o.submitterContact).sort()).toEqual(['未署名（138****8000）', '车***（z***@example.com）']);
    const vars2 = await allVariables(h, s.pi);
    for (const clear of ['13800138000', 'zhang@example.com', '车间职工张某']) expect(vars2).not.toContain(clear);
    for (const name of ['objection', 'objectionId', 'upheld', 'resolution']) expect(vars).not.toHaveProperty(name);
  });

  it('publishes and files once when a job is delivered twice', async () => {
    const h = await harness();
    const enterprise = await h.seed.enterprise({ jurisdiction: 'guangdong', n: 2 });
    const campaign = await h.seed.campaign(enterprise);
    const app = await h.seed.application(campaign.id, h.seed.applicant({ n: 5, name: '陈师傅' }));
    const input = {
      campaign: { id: campaign.id },
      notice: { kind: 'results' as const, title: '评聘结果公示', entries: [{ applicationId: app.id, name: '陈师傅', summary: '车工' }] },
      days: 5,
      investigatorGroup: `enterprise-${enterprise.creditCode}-hr`,
    };
    const job = jobContext();
    const a = await publish.handler(input, job, h.services);
    const b = await publish.handler(input, job, h.services);
    expect(b).toEqual(a);
    expect(await h.registry.notices.list({ campaignId: campaign.id })).toHaveLength(1);
    // Another publicity instance publishes its own notice.
    const c = await publish.handler(input, jobContext({ processInstanceKey: '2251799813685999' }), h.services);
    expect(c.noticeId).not.toBe(a.noticeId);

    const noticeId = a.noticeId as string;
    const submitted = (text: string) => fileObjection(h, noticeId, { contact: '010-12345678', text, applicationId: app.id });
    const filingOf = async (text: string) => ({ noticeId, ...objectionMessage(await submitted(text)), investigatorGroup: input.investigatorGroup });
    const filing = await filingOf('异议内容：材料不实。');
    const first = await recordObjection.handler(filing, jobContext({ jobKey: '2251799813685400' }), h.services);
    const again = await recordObjection.handler(filing, jobContext({ jobKey: '2251799813685400' }), h.services);
    expect(again).toEqual(first);
    expect(first).toMatchObject({ accepted: true });
    expect(await h.registry.objections.list({ noticeId })).toHaveLength(1);
    expect((await h.registry.objections.get(first.objectionId as string))!.idempotencyKey).toBe('pingpin.publicity.record-objection#2251799813685400');
    expect((await h.registry.audit.list({ entityType: 'objection', entityId: first.objectionId as string })).map((x) => x.action)).toEqual([
      'objection.filed',
      'objection.assigned',
      'objection.file-repeated',
    ]);
    // The same submission in another message (another job): not received twice.
    expect(await recordObjection.handler(filing, jobContext({ jobKey: '2251799813685401' }), h.services)).toEqual({
      objectionId: null,
      accepted: false,
      objectionRefusal: `受理编号 ${filing.objection.ref} 已登记为异议 ${first.objectionId}，不再重复受理 / submission ${filing.objection.ref} was already filed as objection ${first.objectionId}; not received again`,
    });
    // The same text submitted again is another submission, and another objection.
    await recordObjection.handler(await filingOf('异议内容：材料不实。'), jobContext({ jobKey: '2251799813685402' }), h.services);
    expect(await h.registry.objections.list({ noticeId })).toHaveLength(2);
    // After the window a redelivery still finds what it filed; an objection received now is refused.
    await h.advanceClock('2026-10-10T00:00:00+08:00');
    expect(await recordObjection.handler(filing, jobContext({ jobKey: '2251799813685400' }), h.services)).toEqual(first);
    expect(await recordObjection.handler(await filingOf('迟到的异议。'), jobContext({ jobKey: '2251799813685403' }), h.services)).toMatchObject({ accepted: false, objectionId: null });
    expect(await h.registry.objections.list({ noticeId })).toHaveLength(2);

    // Deciding twice records once; a different outcome later is refused.
    const decision = { noticeId, objectionId: first.objectionId as string, upheld: false, affectedApplicationId: null, resolution: '经核查，材料真实有效，异议不成立。', investigatedOn: '2026-10-09' };
    const d1 = await decideObjection.handler(decision, jobContext({ jobKey: '2251799813685500' }), h.services);
    const d2 = await decideObjection.handler(decision, jobContext({ jobKey: '2251799813685500' }), h.services);
    expect(d2.objectionDecision).toEqual(d1.objectionDecision);
    expect(await h.registry.objections.get(first.objectionId as string)).toMatchObject({ outcome: 'rejected', investigatedOn: '2026-10-09' });
    await expect(decideObjection.handler({ ...decision, upheld: true, affectedApplicationId: app.id }, jobContext({ jobKey: '2251799813685501' }), h.services)).rejects.toThrow(/已于 .* 认定为“不成立”/);
  });

  it('keeps the window of the first delivery when publish comes back the next day, and refuses a key used before', async () => {
    const h = await harness();
    const enterprise = await h.seed.enterprise({ jurisdiction: 'guangdong', n: 3 });
    const campaign = await h.seed.campaign(enterprise);
    const applicant = h.seed.applicant({ n: 7, name: '周师傅' });
    const app = await h.seed.application(campaign.id, applicant);
    const input = {
      campaign: { id: campaign.id },
      // A title with a clear ID number pasted in: published masked, like the entries.
      notice: { kind: 'results' as const, title: `关于周师傅（${applicant.idNumber}）等评聘结果的公示`, entries: [{ applicationId: app.id, name: '周师傅', summary: '车工' }] },
      days: 5,
      investigatorGroup: `enterprise-${enterprise.creditCode}-hr`,
    };
    const job = jobContext({ processInstanceKey: '2251799813686001' });
    const first = await publish.handler(input, job, h.services);
    const notice = (await h.registry.notices.get(first.noticeId as string))!;
    expect(notice.title).toBe(`关于周师傅（${applicant.idNumber.slice(0, 4)}**********${applicant.idNumber.slice(14)}）等评聘结果的公示`);
    // The job comes back a working day later: the same notice and window, not one starting a day later.
    await h.advanceClock('2026-09-29T09:00:00+08:00');
    expect(await publish.handler(input, job, h.services)).toEqual(first);
    expect(await h.registry.notices.list({ campaignId: campaign.id })).toHaveLength(1);
    expect((await h.registry.audit.list({ entityType: 'notice', entityId: notice.id })).map((a) => a.action)).toEqual(['notice.created', 'notice.published', 'notice.create-repeated']);

    // Another content under the same instance key (an engine whose keys started over): refused, naming the key.
    await expect(publish.handler({ ...input, notice: { ...input.notice, title: '另一份公示' } }, job, h.services)).rejects.toThrow(
      /登记簿拒绝登记公示：notices\.create: idempotency key pingpin\.publicity\.publish#2251799813686001 was used for notice .*, which differs in title/,
    );
    // A closed notice under the key: never a redelivery (publish completes before the window starts).
    await h.advanceClock('2026-10-10T00:00:00+08:00');
    await close.handler({ noticeId: notice.id }, job, h.services);
    await expect(publish.handler(input, job, h.services)).rejects.toThrow(/已于 .* 结束，不能再次发布.* \/ notice .* was closed at .*; not published again/);
  });

  it('closes and counts in one registry write; a redelivered close reports the count as it is now', async () => {
    const h = await harness();
    const s = await startPublicity(h);
    await objection(h, s.noticeId, '王建国的业绩材料存疑。', s.apps[0]!.id);
    const task = await h.waitForUserTask({ processInstanceKey: s.pi, elementId: 'investigate-objection', candidateGroup: s.hr });
    await h.advanceClock('2026-10-10T08:00:00+08:00');
    await h.waitForElement({ processInstanceKey: s.pi, elementId: 'investigations-done' });
    expect((await h.variables(s.pi)).openObjections).toBe(1);
    const closes = (await h.registry.audit.list({ entityType: 'notice', entityId: s.noticeId })).filter((a) => a.action === 'notice.closed');
    expect(closes.map((a) => a.details)).toEqual([{ pendingObjections: 1 }]);

    // The close job delivered again: the same notice, the same count, no second close.
    const again = await close.handler({ noticeId: s.noticeId }, jobContext({ processInstanceKey: s.pi }), h.services);
    expect(again).toEqual({ openObjections: 1, noticeClosedAt: (await h.registry.notices.get(s.noticeId))!.closedAt });
    await h.completeUserTask(task, dismissed);
    await h.waitForCompletion(s.pi);
    expect(await close.handler({ noticeId: s.noticeId }, jobContext({ processInstanceKey: s.pi }), h.services)).toMatchObject({ openObjections: 0 });
    expect((await h.registry.audit.list({ entityType: 'notice', entityId: s.noticeId })).map((a) => a.action)).toEqual([
      'notice.created',
      'notice.published',
      'notice.closed',
      'notice.close-repeated',
      'notice.close-repeated',
    ]);
  });

  it('publishes publicity-investigations-done with a message id naming the notice and the last decided objection', async () => {
    const h = await harness();
    const s = await startPublicity(h);
    const filing = async (jobKey: string, text: string) =>
      recordObjection.handler(
        { noticeId: s.noticeId, ...objectionMessage(await fileObjection(h, s.noticeId, { contact: '010-12345678', text, applicationId: s.apps[1]!.id })), investigatorGroup: s.hr },
        jobContext({ jobKey }),
        h.services,
      );
    const a = (await filing('2251799813687001', '第一件异议。')).objectionId as string;
    const b = (await filing('2251799813687002', '第二件异议。')).objectionId as string;
    await h.advanceClock('2026-10-10T00:00:00+08:00');
    await close.handler({ noticeId: s.noticeId }, jobContext(), h.services);

    const published: unknown[][] = [];
    const services = { ...h.services, publishMessage: async (...args: unknown[]) => void published.push(args) };
    const decision = (objectionId: string) => ({ noticeId: s.noticeId, objectionId, upheld: false, affectedApplicationId: null, resolution: '经核查，反映问题与事实不符，异议不成立。', investigatedOn: '2026-10-10' });
    // One still open after the first decision: nothing published.
    expect(await decideObjection.handler(decision(a), jobContext({ jobKey: '2251799813687101' }), services)).toMatchObject({ investigationsDone: false });
    expect(published).toEqual([]);
    // The last one, delivered twice: the same message id both times, so the engine keeps one.
    const job = jobContext({ jobKey: '2251799813687102' });
    const first = await decideObjection.handler(decision(b), job, services);
    const second = await decideObjection.handler(decision(b), job, services);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ investigationsDone: true, objectionDecision: { objectionId: b, outcome: 'rejected', investigatedOn: '2026-10-10' } });
    const id = `publicity-investigations-done:${s.noticeId}:${b}`;
    expect(published).toEqual([
      ['publicity-investigations-done', s.noticeId, {}, 3_600_000, id],
      ['publicity-investigations-done', s.noticeId, {}, 3_600_000, id],
    ]);
    // On the engine the second publish of the id resolves (no 409 failing the job); the publicity ends.
    await h.services.publishMessage('publicity-investigations-done', s.noticeId, {}, 3_600_000, id);
    await h.services.publishMessage('publicity-investigations-done', s.noticeId, {}, 3_600_000, id);
    const vars = await h.waitForCompletion(s.pi);
    expect((vars.publicityResult as { objections: unknown[] }).objections).toHaveLength(2);
  });

  it('refuses an investigation dated after today or before the objection, naming investigatedOn', async () => {
    const h = await harness();
    const s = await startPublicity(h);
    await objection(h, s.noticeId, '张秀英的获奖证书存疑。', s.apps[2]!.id);
    const task = await h.waitForUserTask({ processInstanceKey: s.pi, elementId: 'investigate-objection', candidateGroup: s.hr });
    const objectionId = (await userTaskVariables(h, task)).objectionId as string;
    const decision = { noticeId: s.noticeId, objectionId, upheld: false, affectedApplicationId: null, resolution: '经核查，反映问题与事实不符，异议不成立。' };
    await expect(decideObjection.handler({ ...decision, investigatedOn: '2026-09-29' }, jobContext(), h.services)).rejects.toThrow(
      '登记簿拒绝记录调查结论：objections.decide: invalid input: investigatedOn: must not be in the future (today is 2026-09-28 in Asia/Shanghai)',
    );
    await expect(decideObjection.handler({ ...decision, investigatedOn: '2026-09-27' }, jobContext(), h.services)).rejects.toThrow(/investigatedOn: must not be before the objection was received \(2026-09-28\)/);
    await expect(decideObjection.handler({ ...decision, investigatedOn: '2026-9-28' } as never, jobContext(), h.services)).rejects.toThrow();
    expect(decideObjection.input.safeParse({ ...decision, investigatedOn: '2026-9-28' }).error!.issues[0]).toMatchObject({ path: ['investigatedOn'], message: '调查完成日期须为 YYYY-MM-DD / investigatedOn must be a date YYYY-MM-DD' });
    expect((await h.registry.objections.get(objectionId))!.outcome).toBe('pending');
    // Through the form, dated today: recorded with the outcome.
    await h.completeUserTask(task, dismissed);
    await expect.poll(async () => (await h.registry.objections.get(objectionId))!.investigatedOn).toBe('2026-09-28');
  });

  it('refuses an objection message that carries personal data in clear: an incident in both languages, nothing filed', async () => {
    const h = await harness();
    const s = await startPublicity(h);
    // A channel that skipped the intake and put the objector's name and phone into the message.
    await h.publish('publicity-objection', s.noticeId, { objection: { submitter: '匿名职工', contact: '13800138000', text: '王建国的业绩材料存疑。', applicationId: s.apps[0]!.id } });
    const incident = await h.waitForIncident({ processInstanceKey: s.pi, elementId: 'record-objection' });
    expect(incident.errorType).toBe('JOB_NO_RETRIES');
    expect(incident.errorMessage).toContain(
      'objection.submitter: 异议不得在流程变量中携带明文异议人姓名（objection.submitter）：渠道须先向登记簿受理（registry.intake.file）登记，消息只带受理编号 ref 和脱敏信息 / objection.submitter is personal data in clear, which must not enter process variables',
    );
    expect(incident.errorMessage).toContain('objection.contact: 异议不得在流程变量中携带明文联系方式（objection.contact）');
    expect(incident.errorMessage).toContain('objection.contact: objection.contact 含明文手机号码（138****8000）');
    expect(incident.errorMessage).toContain('objection.ref: 缺少异议受理编号 / objection.ref is missing');
    // The refusal names the field, never the value.
    expect(incident.errorMessage).not.toContain('13800138000');
    expect(await h.registry.objections.list({ noticeId: s.noticeId })).toEqual([]);
  });

  it('refuses a phone number, e-mail address or ID number in any field of the message, and a reference the registry does not back', async () => {
    const h = await harness();
    const s = await startPublicity(h);
    const submission = await fileObjection(h, s.noticeId, { submitter: '李四', contact: '13912345678', text: '李卫东的获奖证书存疑。', applicationId: s.apps[1]!.id });
    const message = objectionMessage(submission).objection;
    expect(message).toEqual({ ref: submission.id, submitterMasked: '李*', contactMasked: '139****5678', text: '李卫东的获奖证书存疑。', applicationId: s.apps[1]!.id });
    const parse = (objection: Record<string, unknown>) => recordObjection.input.safeParse({ noticeId: s.noticeId, objection, investigatorGroup: s.hr });
    expect(parse(message).success).toBe(true);

    const issues = (objection: Record<string, unknown>) => parse(objection).error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    expect(issues({ ...message, text: '请回电 13912345678' })).toEqual([
      {
        path: 'objection.text',
        message:
          'objection.text 含明文手机号码（139****5678）：个人信息只存于登记簿（加密），消息只能带脱敏信息；请用登记簿受理返回的脱敏文本 / objection.text holds a mobile number in clear (139****5678): personal data stays in the registry, encrypted, and messages carry masked forms only; use the masked text the registry\'s intake returned',
      },
    ]);
    const id = s.apps[1]!.idNumber;
    expect(issues({ ...message, text: `李卫东身份证 ${id}` })[0]!.message).toContain(`objection.text 含明文公民身份号码（${id.slice(0, 4)}**********${id.slice(14)}）`);
    expect(issues({ ...message, contactMasked: 'li.si@example.cn' })[0]).toMatchObject({ path: 'objection.contactMasked', message: expect.stringContaining('objection.contactMasked holds an e-mail address in clear (l***@example.cn)') });
    expect(issues({ ...message, idNumber: id })[0]).toMatchObject({ path: 'objection.idNumber', message: expect.stringContaining('异议不得在流程变量中携带明文公民身份号码（objection.idNumber）') });

    // The reference must be the registry's objection to this notice, and the masked forms the registry's.
    const run = (objection: Record<string, unknown>) => recordObjection.handler({ noticeId: s.noticeId, objection: objection as never, investigatorGroup: s.hr }, jobContext(), h.services);
    await expect(run({ ...message, ref: 'nope' })).rejects.toThrow('受理编号 objection.ref=nope 在登记簿中不存在：渠道须先向登记簿受理登记 / objection.ref: submission nope is not in the registry');
    await expect(run({ ...message, contactMasked: '139****0000' })).rejects.toThrow(`消息与登记簿受理记录 ${submission.id} 不一致（objection.contactMasked）`);
    const report = await h.registry.intake.file({ kind: 'fraud-report', submissionNumber: 'JB-1', campaignId: s.campaignId, text: '举报', by: 'channel:test' });
    await expect(run({ ...objectionMessage(report).objection })).rejects.toThrow(`受理编号 objection.ref=${report.id} 是弄虚作假举报（评聘活动 ${s.campaignId}），不是针对公示 ${s.noticeId} 的异议`);
    expect(await h.registry.objections.list({ noticeId: s.noticeId })).toEqual([]);
    // The message as the intake made it is filed.
    expect(await run(message)).toMatchObject({ accepted: true });
  });

  it('fails with no retries, naming the variable, when the input is wrong', async () => {
    const h = await harness();
    const pi = await h.startProcess('publicity', { campaign: { id: 'x' }, notice: { kind: 'results', title: '公示', entries: [] }, days: 3, investigatorGroup: 'g' });
    const incident = await h.waitForIncident({ processInstanceKey: pi, elementId: 'publish' });
    expect(incident.errorType).toBe('JOB_NO_RETRIES');
    expect(incident.errorMessage).toContain('days: 公示期不少于5个工作日');
    expect(incident.errorMessage).toContain('days must be at least 5 working days');
    expect(incident.errorMessage).toContain('notice.entries: 公示名单至少一人');
  });
});
