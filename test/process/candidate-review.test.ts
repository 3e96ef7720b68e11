/**
 * candidate-review end to end: the real model (bpmn/candidate-review.bpmn), the eligibility DMN, the
 * forms and the workers (pingpin.eligibility.facts / .record, pingpin.review.aggregate) with the
 * registry, started directly with what an appraisal process passes to the call activity. Every user
 * task is completed with what its form submits. Also the panel check (pingpin.review.check-panel)
 * and the eligibility facts mapped into the decision.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELIGIBILITY_FACT_NAMES } from '../../workers/eligibility/facts.js';
import eligibilityRecord from '../../workers/eligibility/record.js';
import reviewCheckPanel, { checkPanel } from '../../workers/review/check-panel.js';
import reviewAggregate from '../../workers/review/aggregate.js';
import { ROOT } from '../support/harness.js';
import { startProcessHarness, type ProcessHarness, type UserTask } from '../support/process.js';

const PINNED = '2026-09-01T09:00:00+08:00';
const OCC = '6-18-01-01';
const LONG_WORK = [{ occupationCode: OCC, related: false, from: '2005-07-01', to: null }];
const PANEL = ['expert.li', 'expert.wang', 'expert.zhao'];
const SCORING_ITEMS = [
  { key: 'performance', label: '业绩量化考核', weight: 0.6 },
  { key: 'defence', label: '面试答辩', weight: 0.4 },
];
const PASS_MARK = 75;
const HAN = /\p{Script=Han}/u;

let h: ProcessHarness;
beforeAll(async () => {
  h = await startProcessHarness({ pinnedAt: PINNED });
}, 60_000);
afterAll(() => h?.stop());

const waitForTasks = (pi: string, elementId: string, n: number, timeoutMs?: number): Promise<UserTask[]> => h.waitForTasks(pi, elementId, n, timeoutMs);

const taskVariables = (task: UserTask): Promise<Record<string, unknown>> => h.taskVariables(task);

const campaignVar = (id: string, jurisdiction: string, level = 'T') => ({ id, jurisdiction, level, year: 2026, batch: jurisdiction === 'guangdong' ? 1 : null, deadline: jurisdiction === 'guangdong' ? '2026-07-10' : '2026-10-30' });
const enterpriseVar = (e: { creditCode: string; name: string; divisionCode: string; province: string }) => ({
  creditCode: e.creditCode,
  name: e.name,
  divisionCode: e.divisionCode,
  cityCode: `${e.divisionCode.slice(0, 4)}00`,
  province: e.province,
});
const groupsVar = (e: { creditCode: string; divisionCode: string; province: string }) => ({
  hr: `enterprise-${e.creditCode}-hr`,
  panel: `enterprise-${e.creditCode}-panel`,
  oversight: `enterprise-${e.creditCode}-oversight`,
  city: `city-${e.divisionCode.slice(0, 4)}00`,
  province: `province-${e.province}`,
});

describe('candidate-review (Guangdong 特级技师)', () => {
  const ids: Record<string, string> = {};
  const clearIds: string[] = [];
  let pi: string;
  let result: Record<string, unknown>;
  let hr: string;

  it('reviews six candidates in parallel: eligible (standard, direct), ineligible, banned, incomplete materials, scored pass / fail', async () => {
    const ent = await h.seed.enterprise({ jurisdiction: 'guangdong', n: 1 });
    hr = `enterprise-${ent.creditCode}-hr`;
    const cmp = await h.seed.campaign(ent);
    const people = {
      standard: h.seed.applicant({ n: 1, name: '王标准', record: { certificates: [{ level: '1', occupationCode: OCC, obtainedOn: '2020-03-01' }], workHistory: LONG_WORK } }),
      direct: h.seed.applicant({ n: 2, name: '李直接', record: { honors: [{ type: 'china-skill-award', tier: 'national', awardedOn: '2022-05-01' }] } }),
      ineligible: h.seed.applicant({ n: 3, name: '赵不符', record: { certificates: [{ level: '2', occupationCode: OCC, obtainedOn: '2024-03-01' }], workHistory: LONG_WORK } }),
      banned: h.seed.applicant({ n: 4, name: '钱禁止', record: { certificates: [{ level: '1', occupationCode: OCC, obtainedOn: '2019-03-01' }], workHistory: LONG_WORK } }),
      incomplete: h.seed.applicant({ n: 5, name: '孙缺材料', record: { certificates: [{ level: '1', occupationCode: OCC, obtainedOn: '2018-03-01' }], workHistory: LONG_WORK } }),
      weighted: h.seed.applicant({ n: 6, name: '周权重', record: { certificates: [{ level: '1', occupationCode: OCC, obtainedOn: '2017-03-01' }], workHistory: LONG_WORK } }),
    };
    for (const [k, p] of Object.entries(people)) {
      ids[k] = (await h.seed.application(cmp.id, p)).id;
      clearIds.push(p.idNumber);
    }
    await h.registry.bans.record({ subject: 'person', idNumber: people.banned.idNumber, reason: '申报材料弄虚作假', basis: '002 七(四)', decidedOn: '2025-03-01', by: 'test' });

    const order = ['standard', 'direct', 'ineligible', 'banned', 'incomplete', 'weighted'];
    const applications = order.map((k) => ids[k]!);
    const apps = await Promise.all(applications.map((id) => h.registry.applications.get(id)));
    pi = await h.startProcess('candidate-review', {
      campaign: campaignVar(cmp.id, 'guangdong'),
      enterprise: enterpriseVar(ent),
      groups: groupsVar(ent),
      applications,
      candidates: apps.map((a) => ({ applicationId: a!.id, name: a!.applicant.name, idNumberMasked: a!.applicant.idNumber, occupation: a!.applicant.occupation })),
      panel: PANEL,
      scoringItems: SCORING_ITEMS,
      passMark: PASS_MARK,
    });

    // Materials review for the four eligible candidates, completed in reverse order of the applications.
    const materials = await waitForTasks(pi, 'review-materials', 4);
    const byApp = async (tasks: UserTask[]) => new Map(await Promise.all(tasks.map(async (t) => [(await taskVariables(t)).applicationId as string, t] as const)));
    const materialTasks = await byApp(materials);
    expect([...materialTasks.keys()].sort()).toEqual([ids.standard, ids.direct, ids.incomplete, ids.weighted].sort());
    for (const t of materials) expect(t.candidateGroups).toEqual([hr]);
    const seen = await taskVariables(materialTasks.get(ids.direct!)!);
    expect(seen.eligibility).toMatchObject({ eligible: true, route: 'direct', basis: expect.arrayContaining(['GD-D-1']) });
    await h.completeUserTask(materialTasks.get(ids.weighted!)!, { materialsCheck: 'complete', note: '材料齐全' });
    await h.completeUserTask(materialTasks.get(ids.incomplete!)!, { materialsCheck: 'incomplete', missingMaterials: ['performance', 'attestation'], note: '业绩材料缺少佐证' });
    await h.completeUserTask(materialTasks.get(ids.direct!)!, { materialsCheck: 'complete' });
    await h.completeUserTask(materialTasks.get(ids.standard!)!, { materialsCheck: 'complete', note: '' });

    // Three panel members score three candidates: nine tasks, each assigned to its member.
    const scoreTasks = await waitForTasks(pi, 'score-candidate', 9);
    const marks: Record<string, Record<string, { performance: number; defence: number }>> = {
      [ids.standard!]: { 'expert.li': { performance: 90, defence: 60 }, 'expert.wang': { performance: 88, defence: 66 }, 'expert.zhao': { performance: 92, defence: 58 } },
      [ids.direct!]: { 'expert.li': { performance: 80, defence: 80 }, 'expert.wang': { performance: 85, defence: 75 }, 'expert.zhao': { performance: 78, defence: 84 } },
      // 76 unweighted, 74.8 weighted: fails only because of the weights.
      [ids.weighted!]: { 'expert.li': { performance: 70, defence: 82 }, 'expert.wang': { performance: 70, defence: 82 }, 'expert.zhao': { performance: 70, defence: 82 } },
    };
    const withVars = await Promise.all(scoreTasks.map(async (t) => ({ t, v: await taskVariables(t) })));
    // Complete in an order unrelated to the applications: by member, last candidate first.
    withVars.sort((a, b) => String(a.t.assignee).localeCompare(String(b.t.assignee)) || applications.indexOf(b.v.applicationId as string) - applications.indexOf(a.v.applicationId as string));
    for (const { t, v } of withVars) {
      expect(PANEL).toContain(t.assignee);
      expect(t.candidateGroups).toEqual([`enterprise-${ent.creditCode}-panel`]);
      const seed = v.itemScores as Array<{ key: string; label: string; weight: number }>;
      expect(seed).toEqual(SCORING_ITEMS);
      const m = marks[v.applicationId as string]![t.assignee as string]!;
      await h.completeUserTask(t, { itemScores: seed.map((s) => ({ key: s.key, score: m[s.key as 'performance' | 'defence'] })), comment: `${t.assignee} 的意见` }, { as: t.assignee as string });
    }

    result = await h.waitForCompletion(pi, 20_000);
    const results = result.reviewResults as Array<Record<string, unknown>>;
    expect(results.map((r) => r.applicationId)).toEqual(applications);
  }, 60_000);

  it('eligible, scored and passed: standard route with the weighted mean', () => {
    const r = (result.reviewResults as Array<Record<string, unknown>>)[0]!;
    expect(r).toMatchObject({ applicationId: ids.standard, eligible: true, route: 'standard', passed: true, stage: 'scored', passMark: PASS_MARK, panelSize: 3, reasons: [] });
    expect(r.basis).toContain('GD-T-1');
    // (0.6·90 + 0.4·60 + 0.6·88 + 0.4·66 + 0.6·92 + 0.4·58) / 3 = (78 + 79.2 + 78.4) / 3
    expect(r.score).toBe(78.53);
    expect(r.items).toEqual([
      { key: 'performance', label: '业绩量化考核', weight: 0.6, mean: 90 },
      { key: 'defence', label: '面试答辩', weight: 0.4, mean: 61.33 },
    ]);
  });

  it('eligible by the direct route (中华技能大奖) and passed', () => {
    const r = (result.reviewResults as Array<Record<string, unknown>>)[1]!;
    expect(r).toMatchObject({ applicationId: ids.direct, eligible: true, route: 'direct', passed: true, score: 80.47 });
    expect(r.basis).toContain('GD-D-1');
  });

  it('not eligible: reasons in zh-CN, no materials review, no scoring', () => {
    const r = (result.reviewResults as Array<Record<string, unknown>>)[2]!;
    expect(r).toMatchObject({ applicationId: ids.ineligible, eligible: false, route: null, score: null, passed: false, stage: 'eligibility' });
    const reasons = r.reasons as string[];
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason).toMatch(HAN);
  });

  it('banned person: not eligible, the ban is the only reason', () => {
    const r = (result.reviewResults as Array<Record<string, unknown>>)[3]!;
    expect(r).toMatchObject({ applicationId: ids.banned, eligible: false, stage: 'eligibility' });
    // decided 2025-03-01: five years, the last banned day 2030-02-28
    expect(r.reasons).toEqual(['因弄虚作假被取消评聘资格，禁止期至 2030-02-28']);
  });

  it('materials incomplete: not eligible with the missing materials, not scored', () => {
    const r = (result.reviewResults as Array<Record<string, unknown>>)[4]!;
    expect(r).toMatchObject({ applicationId: ids.incomplete, eligible: false, score: null, passed: false, stage: 'materials', materials: { complete: false, missing: ['performance', 'attestation'], note: '业绩材料缺少佐证' } });
    expect(r.reasons).toEqual(['参评材料不齐全或存疑：业绩贡献材料、遵纪守法、职业道德、身体条件声明（审核意见：业绩材料缺少佐证）']);
  });

  it('scored below the pass mark because of the weights', () => {
    const r = (result.reviewResults as Array<Record<string, unknown>>)[5]!;
    expect(r).toMatchObject({ applicationId: ids.weighted, eligible: true, score: 74.8, passed: false, reasons: ['评审得分 74.80 分，未达到合格分 75 分'] });
  });

  it('records eligibility and status on each application in the registry', async () => {
    const app = async (k: string) => (await h.registry.applications.get(ids[k]!))!;
    expect((await app('standard')).status).toBe('eligible');
    expect((await app('standard')).eligibility).toMatchObject({ eligible: true, route: 'standard', asOf: '2026-09-01', facts: { hasCert1: true, personBanned: false } });
    expect((await app('ineligible')).status).toBe('ineligible');
    expect((await app('banned')).eligibility).toMatchObject({ eligible: false, facts: { personBanned: true, personBanUntil: '2030-02-28' } });
    const incomplete = await app('incomplete');
    expect(incomplete.status).toBe('ineligible');
    expect(incomplete.history.at(-1)!.why).toContain('参评材料不齐全或存疑');
  });

  it('keeps every per-candidate variable out of the root scope and the clear ID numbers out of all variables', async () => {
    expect(Object.keys(result).sort()).toEqual(['applications', 'campaign', 'candidates', 'enterprise', 'groups', 'panel', 'passMark', 'reviewResults', 'scoringItems']);
    const all = await h.http('POST', '/v2/variables/search?truncateValues=false', { filter: { processInstanceKey: pi }, page: { limit: 1000 } });
    const text = JSON.stringify(all.body.items);
    for (const id of clearIds) expect(text).not.toContain(id);
  });
});

describe('candidate-review (Fujian 特级技师)', () => {
  it('a banned enterprise bars its candidates; an invalid applicant record is not an incident', async () => {
    const ent = await h.seed.enterprise({ jurisdiction: 'fujian', n: 2 });
    const cmp = await h.seed.campaign(ent);
    const good = h.seed.applicant({
      n: 11,
      name: '陈福建',
      record: { certificates: [{ level: '1', occupationCode: OCC, obtainedOn: '2015-03-01' }], workHistory: LONG_WORK, posts: [{ level: '1', from: '2016-01-01', to: null }] },
    });
    const broken = h.seed.applicant({ n: 12, name: '林有误', record: { certificates: [{ level: '1', occupationCode: OCC, obtainedOn: '2015-02-30' }], workHistory: LONG_WORK } });
    const a1 = await h.seed.application(cmp.id, good);
    const a2 = await h.seed.application(cmp.id, broken);
    await h.registry.bans.record({ subject: 'enterprise', creditCode: ent.creditCode, reason: '组织评聘弄虚作假', basis: '003 六(四)', decidedOn: '2026-01-15', by: 'test' });

    const pi = await h.startProcess('candidate-review', {
      campaign: campaignVar(cmp.id, 'fujian'),
      enterprise: enterpriseVar(ent),
      groups: groupsVar(ent),
      applications: [a1.id, a2.id],
      candidates: [],
      panel: PANEL,
      scoringItems: SCORING_ITEMS,
      passMark: PASS_MARK,
    });
    const vars = await h.waitForCompletion(pi, 20_000);
    const [r1, r2] = vars.reviewResults as Array<Record<string, unknown>>;
    expect(r1).toMatchObject({ applicationId: a1.id, eligible: false, reasons: ['申报单位因弄虚作假被取消评聘资格，禁止期至 2031-01-14'] });
    expect(r2).toMatchObject({ applicationId: a2.id, eligible: false, flags: ['record-invalid'] });
    expect((r2!.reasons as string[]).some((r) => r.includes('certificates[0].obtainedOn'))).toBe(true);
    expect((await h.registry.applications.get(a2.id))!.status).toBe('ineligible');
  }, 30_000);

  it('refuses a national 首席技师 review at once, naming the variable in Chinese and English', async () => {
    const ent = await h.seed.enterprise({ jurisdiction: 'national', n: 3 });
    const cmp = await h.seed.campaign(ent);
    const app = await h.seed.application(cmp.id, h.seed.applicant({ n: 21 }), 'S');
    const pi = await h.startProcess('candidate-review', {
      campaign: campaignVar(cmp.id, 'national', 'S'),
      enterprise: enterpriseVar(ent),
      groups: groupsVar(ent),
      applications: [app.id],
      candidates: [],
      panel: PANEL,
      scoringItems: SCORING_ITEMS,
      passMark: PASS_MARK,
    });
    const incident = await h.waitForIncident({ processInstanceKey: pi, elementId: 'compute-facts' });
    expect(incident.errorType).toBe('JOB_NO_RETRIES');
    expect(incident.errorMessage).toContain('campaign.level');
    expect(incident.errorMessage).toMatch(/只设特级技师.* \/ the national pilot defines level T only/);
    await h.http('POST', `/v2/process-instances/${pi}/cancellation`, {});
  }, 30_000);
});

describe('redelivered jobs write nothing twice', () => {
  it('pingpin.eligibility.record and pingpin.review.aggregate', async () => {
    const ent = await h.seed.enterprise({ jurisdiction: 'sichuan', n: 4 });
    const cmp = await h.seed.campaign(ent);
    const app = await h.seed.application(cmp.id, h.seed.applicant({ n: 31 }));
    const eligibility = { eligible: true, route: 'standard' as const, basis: ['SC-T-1', 'SC-T-2'], priority: [], flags: [], reasons: [] };
    const record = { applicationId: app.id, eligibility, facts: { asOf: '2026-09-01' } };
    const aggregate = { applicationId: app.id, eligibility, materialsComplete: false, missingMaterials: ['identity'], note: null };
    const audit = async () => (await h.registry.audit.list({ entityType: 'application', entityId: app.id })).length;
    // A job is redelivered before the instance moves on: each handler runs twice in a row.
    await eligibilityRecord.handler(eligibilityRecord.input.parse(record), {} as never, h.services);
    const afterRecord = await audit();
    await eligibilityRecord.handler(eligibilityRecord.input.parse(record), {} as never, h.services);
    expect(await audit()).toBe(afterRecord);
    const first = await reviewAggregate.handler(reviewAggregate.input.parse(aggregate), {} as never, h.services);
    const afterAggregate = await audit();
    const again = await reviewAggregate.handler(reviewAggregate.input.parse(aggregate), {} as never, h.services);
    expect(again).toEqual(first);
    expect(await audit()).toBe(afterAggregate);
    expect((await h.registry.applications.get(app.id))!.history.map((x) => x.status)).toEqual(['submitted', 'eligible', 'ineligible']);
  });
});

describe('the model maps every eligibility fact into the decision', () => {
  it('decide-eligibility has one input mapping per fact, from facts', () => {
    const xml = readFileSync(join(ROOT, 'bpmn', 'candidate-review.bpmn'), 'utf8');
    const task = xml.slice(xml.indexOf('<bpmn:businessRuleTask id="decide-eligibility"'), xml.indexOf('</bpmn:businessRuleTask>'));
    const mapped = [...task.matchAll(/<zeebe:input source="=facts\.(\w+)" target="(\w+)" \/>/g)].map((m) => [m[1], m[2]]);
    expect(mapped.map(([s]) => s)).toEqual([...ELIGIBILITY_FACT_NAMES]);
    for (const [s, t] of mapped) expect(t).toBe(s);
  });
});

describe('pingpin.review.check-panel', () => {
  const run = (jurisdiction: string, panel: unknown[], panelMembers?: Array<{ userId?: unknown }>) =>
    reviewCheckPanel.handler(reviewCheckPanel.input.parse({ campaign: { id: 'c', jurisdiction, level: 'T' }, panel, panelMembers }), {} as never, {} as never) as Record<string, unknown>;

  it('Fujian needs at least 5 distinct members', () => {
    expect(run('fujian', ['a1', 'a2', 'a3', 'a4', 'a5'])).toEqual({ panelOk: true, reason: null, panelCheck: { ok: true, reasons: [] } });
    const short = run('fujian', ['a1', 'a2', 'a3', 'a4']);
    expect(short.panelOk).toBe(false);
    expect(short.reason).toBe('评审小组现有 4 名成员，少于 5 名（000 附件3 三(二)2：评审小组一般至少由5名成员组成）');
    expect(run('guangdong', ['a1', 'a2', 'a3']).panelOk).toBe(true);
  });

  it('refuses repeated, malformed and inconsistent ids, and an empty panel', () => {
    expect(checkPanel('fujian', ['a1', 'a2', 'a1', 'a3', 'a4']).reasons).toEqual(['以下成员用户ID重复，每位成员只能出现一次：a1']);
    expect(checkPanel('guangdong', ['ok.user', 'x']).reasons[0]).toContain('"x"');
    expect(checkPanel('guangdong', []).reasons).toEqual(['评审小组至少需要一名成员']);
    expect(checkPanel('guangdong', ['u1', 'u2'], [{ userId: 'u1' }, { userId: 'u3' }]).reasons).toEqual(['评审小组名单（panel）与成员明细（panelMembers）不一致，请重新提交组建评审小组表单']);
  });

  it('a panel that is not a list is a bad variable, named in Chinese and English', () => {
    const r = reviewCheckPanel.input.safeParse({ campaign: { jurisdiction: 'fujian' }, panel: 'a1,a2' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['panel']);
    expect(r.error!.issues[0]!.message).toMatch(/^评审小组成员用户ID列表：应为.+ \/ Invalid input: expected array/);
  });
});

describe('pingpin.review.aggregate input', () => {
  it('refuses weights that do not add up to 1 and scores that miss an item', () => {
    const r = reviewAggregate.input.safeParse({
      applicationId: 'a',
      eligibility: { eligible: true, route: 'standard', basis: ['GD-T-1'], priority: [], flags: [], reasons: [] },
      materialsComplete: true,
      scoringItems: [{ key: 'performance', label: '业绩', weight: 0.5 }, { key: 'defence', label: '答辩', weight: 0.4 }],
      passMark: 60,
      scores: [{ member: 'u1', itemScores: [{ key: 'performance', score: 80 }] }],
    });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toContain('scoringItems: 评分项：权重合计应为 1，实为 0.9 / the weights must add up to 1, they add up to 0.9');
    expect(messages.some((m) => m.startsWith('scores.0.itemScores: 评审打分›逐项得分：成员 u1 的评分项应为 defence、performance'))).toBe(true);
  });
});
