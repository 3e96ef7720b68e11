/**
 * One driver per campaign (jurisdiction × level). A driver does not script the order of the steps:
 * it starts the campaign's process and then, like a room of clerks watching Tasklist, completes
 * whatever user task of the campaign is open with what that clerk would enter, lets publicity
 * windows run out by moving the engine clock, and injects the events the demo is there to show (an
 * objection during a publicity, a fraud report). So when a model gains or reorders a step the demo
 * follows, and only a task nobody here knows how to answer stops it (with its id, in both languages).
 */
import { addDays, addYears, chinaDate } from '../domain/china-time.js';
import { groupIds } from '../domain/groups.js';
import type { Registry } from '../registry/index.js';
import { fraudReportMessage, objectionMessage } from '../../workers/intake.js';
import { type Clerk, DemoError, type ProcessInstance, type UserTask } from './clerk.js';
import { JURISDICTION_NAMES, LEVEL_NAMES, type SeededCampaign } from './seed.js';
import { actorOf, type Bilingual, NOTICE_KINDS, taskEn } from './text.js';

export interface DemoClock {
  now(): number;
  /** Moves the engine clock forward to `ms` (never back); timers that fall due fire. */
  advanceTo(ms: number): Promise<void>;
}

export interface DriverContext {
  clerk: Clerk;
  clock: DemoClock;
  registry: Registry;
  say(zh: string, en: string): void;
  /** How long to wait for the next step before giving up (ms). */
  idleTimeoutMs: number;
  /**
   * How long the read side may lag behind the engine (ms; default 0, the embedded engine's reads are
   * current). A cluster's searches read secondary storage: a task that follows the last step may not
   * be listed yet, so the clock is moved only after nothing has been open for this long.
   */
  settleMs?: number;
}

export interface CampaignOutcome {
  key: string;
  jurisdiction: string;
  level: 'T' | 'S';
  campaignId: string;
  processInstanceKey: string;
  certificates: Array<{ applicationId: string; certificateCode: string }>;
  /** What the demo did to show an objection, a fraud report, a management period (for the summary). */
  events: string[];
}

const firstOfNextMonth = (iso: string): string => {
  const [y, m] = iso.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A panel member: user id and name (the demo's experts). */
export const EXPERTS: Array<[string, string]> = [
  ['expert.huang', '黄建明'],
  ['expert.lin', '林素芬'],
  ['expert.zhang', '张卫国'],
  ['expert.xie', '谢文斌'],
  ['expert.cai', '蔡振东'],
];

const OCCUPATION_OF = (run: Run) => (run.seed.candidates[0]?.record.occupation as { code: string; name: string }) ?? { code: '6-18-01-01', name: '车工' };

interface Run {
  seed: SeededCampaign;
  pi: string;
  label: Bilingual;
  names: Map<string, string>;
  panelNames: Map<string, string>;
  handledNotices: Set<string>;
  fraudReported: boolean;
  events: string[];
}

/** What the clerk does with a task: the answers, who claims it, and what to print. Undefined: not yet (wait). */
type Answer = { answers: Record<string, unknown>; as?: string; zh?: string; en?: string } | undefined;

function newRun(seed: SeededCampaign, label: Bilingual): Run {
  return {
    seed,
    pi: '',
    label,
    names: new Map(seed.applications.map((a) => [a.applicationId, a.name])),
    panelNames: new Map(EXPERTS),
    handledNotices: new Set(),
    fraudReported: false,
    events: [],
  };
}

/**
 * What the demo's clerk would enter for a task that needs nothing but the campaign and the task's
 * variables (plans, panels, materials reviews, scores): the page tests do these steps through the
 * API and the steps they test by hand in the browser.
 */
export async function demoAnswers(seed: SeededCampaign, task: UserTask, vars: Record<string, unknown>, now: number): Promise<Record<string, unknown> | undefined> {
  const ctx = { clock: { now: () => now } } as Pick<DriverContext, 'clock'> as DriverContext;
  return (await answerFor(ctx, newRun(seed, { zh: '', en: '' }), task, vars, []))?.answers;
}

export async function runCampaign(ctx: DriverContext, seed: SeededCampaign): Promise<CampaignOutcome> {
  const j = JURISDICTION_NAMES[seed.jurisdiction];
  const l = LEVEL_NAMES[seed.level];
  const run = newRun(seed, { zh: `[${j.zh}·${l.zh}]`, en: `[${j.en}·${l.en}]` });
  const say = (zh: string, en: string) => ctx.say(`${run.label.zh} ${zh}`, `${run.label.en} ${en}`);
  const processId = `appraisal-${seed.jurisdiction}`;
  // The enterprise's HR opens its campaign (its group may start its jurisdiction's procedure).
  run.pi = await ctx.clerk.startProcess(processId, { campaignId: seed.campaignId, level: seed.level }, { as: ctx.clerk.staff?.clerkFor([groupIds(seed.enterprise).hr]) });
  say(
    `${seed.enterprise.name} 启动评聘活动 ${seed.campaignId}（流程 ${processId}，实例 ${run.pi}），参评 ${seed.applications.length} 人：${seed.applications.map((a) => a.name).join('、')}`,
    `${seed.enterprise.name} opens campaign ${seed.campaignId} (process ${processId}, instance ${run.pi}) with ${seed.applications.length} applicants`,
  );

  let lastProgress = Date.now();
  const completedTasks = new Set<string>();
  const statuses = new Map<string, string>();
  for (;;) {
    await reportStatusChanges(ctx, run, statuses, say);
    const family = await ctx.clerk.family(run.pi);
    const keys = new Set(family.map((p) => String(p.processInstanceKey)));
    const incidents = await ctx.clerk.activeIncidents(keys);
    if (incidents.length) {
      const quoted = incidents.map((i) => `${i.processDefinitionId ?? ''}/${i.elementId} (${i.errorType}): ${i.errorMessage}`).join('\n  ');
      throw new DemoError(`${run.label.zh} 流程出现事件（incident），演示停止：\n  ${quoted}`, `${run.label.en} the process has an incident; the demo stops:\n  ${quoted}`);
    }
    const root = family[0]!;
    if (root.state === 'COMPLETED') break;
    if (root.state !== 'ACTIVE') throw new DemoError(`${run.label.zh} 流程实例 ${run.pi} 已${root.state}`, `${run.label.en} process instance ${run.pi} ended ${root.state}`);
    if (await managementPeriodsRunning(ctx, run, family)) break;

    let progressed = false;
    const tasks = (await ctx.clerk.openTasks(keys)).filter((t) => !completedTasks.has(t.userTaskKey));
    for (const task of tasks) {
      await beforeTask(ctx, run, task, say);
      const vars = await ctx.clerk.taskVariables(task);
      const answer = await answerFor(ctx, run, task, vars, family);
      if (!answer) continue;
      await ctx.clerk.complete(task, answer.answers, { as: answer.as, taskVariables: vars });
      completedTasks.add(task.userTaskKey);
      const actor = actorOf({ candidateGroups: task.candidateGroups, assignee: answer.as ?? task.assignee }, run.panelNames);
      const en = taskEn(task.elementId, seed.jurisdiction);
      say(`${actor.zh} ${task.name ?? task.elementId}${answer.zh ? `：${answer.zh}` : ''}`, `${actor.en} ${en}${answer.en ? `: ${answer.en}` : ''}`);
      progressed = true;
    }
    if (!progressed && tasks.length === 0 && Date.now() - lastProgress >= (ctx.settleMs ?? 0)) progressed = await letPublicityRun(ctx, run, family, say);
    if (progressed) {
      lastProgress = Date.now();
      continue;
    }
    if (Date.now() - lastProgress > ctx.idleTimeoutMs) {
      const waiting = [];
      for (const p of family.filter((f) => f.state === 'ACTIVE')) {
        for (const e of await ctx.clerk.activeElements(String(p.processInstanceKey))) if (e.type !== 'PROCESS' && e.type !== 'SUB_PROCESS') waiting.push(`${p.processDefinitionId}/${e.elementId}`);
      }
      const open = tasks.map((t) => t.elementId).join(', ') || '无 / none';
      throw new DemoError(
        `${run.label.zh} ${Math.round(ctx.idleTimeoutMs / 1000)} 秒内没有新的待办任务出现。待办：${open}；流程停在：${waiting.join(', ') || '（无）'}`,
        `${run.label.en} no user task appeared within ${Math.round(ctx.idleTimeoutMs / 1000)} s. Open tasks: ${open}; the process waits at: ${waiting.join(', ') || '(nothing)'}`,
      );
    }
    await sleep(40);
  }

  await reportStatusChanges(ctx, run, statuses, say);
  const vars = await ctx.clerk.variables(run.pi);
  const certificates = ((vars.certificates as Array<{ applicationId: string; certificateCode: string }> | undefined) ?? []).filter((c) => c && c.certificateCode);
  say(
    `评聘完成，颁发证书 ${certificates.length} 本：${certificates.map((c) => `${run.names.get(c.applicationId) ?? c.applicationId} ${c.certificateCode}`).join('，') || '无'}`,
    `campaign done, ${certificates.length} certificate(s) issued: ${certificates.map((c) => c.certificateCode).join(', ') || 'none'}`,
  );
  return { key: seed.key, jurisdiction: seed.jurisdiction, level: seed.level, campaignId: seed.campaignId, processInstanceKey: run.pi, certificates, events: run.events };
}

/**
 * What the workers did on their own (the eligibility decision, a disqualification, a certificate),
 * read from the registry: printed when an application's status changes to one worth a line.
 */
async function reportStatusChanges(ctx: DriverContext, run: Run, seen: Map<string, string>, say: (zh: string, en: string) => void): Promise<void> {
  for (const a of run.seed.applications) {
    const app = await ctx.registry.applications.get(a.applicationId);
    if (!app) continue;
    // Statuses can pass between two looks (eligible → in-review, certified → appointed): report by what is recorded, once each.
    const e = app.eligibility as { eligible?: boolean; route?: string | null; basis?: string[]; reasons?: string[]; flags?: string[] } | null;
    if (e && !seen.has(`${a.applicationId}:eligibility`)) {
      seen.set(`${a.applicationId}:eligibility`, '');
      const decision = `DMN eligibility-${run.seed.jurisdiction}-${run.seed.level}`;
      if (e.eligible) {
        say(
          `资格判定（${decision}）：${a.name} 符合条件，${ROUTES[e.route ?? ''] ?? e.route}，依据 ${(e.basis ?? []).join('、')}${e.flags?.length ? `，提示 ${e.flags.join('、')}` : ''}`,
          `eligibility decision (${decision}): ${a.name} is eligible, ${e.route} route, basis ${(e.basis ?? []).join(', ')}${e.flags?.length ? `, flags ${e.flags.join(', ')}` : ''}`,
        );
      } else {
        say(`资格判定（${decision}）：${a.name} 不符合条件，不进入评审：${(e.reasons ?? []).join('；')}`, `eligibility decision (${decision}): ${a.name} is not eligible and is not reviewed (${(e.reasons ?? []).length} unmet condition(s))`);
      }
    }
    if ((app.status === 'certified' || app.status === 'appointed') && !seen.has(`${a.applicationId}:certificate`)) {
      const cert = await ctx.registry.certificates.byApplication(a.applicationId);
      if (cert) {
        seen.set(`${a.applicationId}:certificate`, cert.code);
        say(`${a.name} 获发${LEVEL_NAMES[run.seed.level].zh}证书 ${cert.code}，已上传全国职业技能等级证书查询系统`, `${a.name} is issued certificate ${cert.code} (level ${run.seed.level}), uploaded to the national certificate query system`);
      }
    }
    if (seen.get(a.applicationId) === app.status) continue;
    seen.set(a.applicationId, app.status);
    const why = app.history.at(-1)?.why ?? '';
    if (app.status === 'disqualified') say(`${a.name} 被取消评聘资格：${why}`, `${a.name} is disqualified and banned (fraud, 003 六(四))`);
    if (app.status === 'rejected' || app.status === 'not-recommended') say(`${a.name} 未通过：${why}`, `${a.name} is out (${app.status})`);
  }
}

const ROUTES: Record<string, string> = { standard: '常规条件', direct: '破格（直接）条件', exceptional: '特别优秀（例外）条件' };

/**
 * Sichuan: the campaign instance stays active for the three-year management periods it called
 * (001 四(八)); the demo's part ends once every appointee's period is waiting for its first anniversary.
 */
async function managementPeriodsRunning(ctx: DriverContext, run: Run, family: ProcessInstance[]): Promise<boolean> {
  const periods = family.filter((p) => p.processDefinitionId === 'management-period' && p.state === 'ACTIVE');
  if (periods.length === 0) return false;
  const vars = await ctx.clerk.variables(run.pi);
  const certificates = (vars.certificates as unknown[] | undefined) ?? [];
  if (certificates.length === 0 || periods.length < certificates.length) return false;
  for (const p of periods) if (!(await ctx.clerk.elementReached(String(p.processInstanceKey), 'wait-anniversary', 'ACTIVE'))) return false;
  for (const p of periods) {
    const v = await ctx.clerk.variables(String(p.processInstanceKey));
    const period = v.managementPeriod as { startOn?: string; endOn?: string } | undefined;
    const holder = v.holder as { applicationId?: string; name?: string } | undefined;
    const name = (holder?.applicationId && run.names.get(holder.applicationId)) ?? holder?.name ?? '';
    ctx.say(
      `${run.label.zh} ${name} 进入三年管理期 ${period?.startOn ?? '?'} 至 ${period?.endOn ?? '?'}（核准次月1日起，001 四(八)），年度考核将在周年日由单位完成`,
      `${run.label.en} ${name}'s three-year management period runs ${period?.startOn ?? '?'} to ${period?.endOn ?? '?'} (from the 1st of the month after approval, 001 四(八)); the unit assesses yearly`,
    );
    run.events.push(`management-period:${holder?.applicationId ?? ''}:${period?.startOn ?? ''}`);
  }
  return true;
}

/** Publicity windows: inject this campaign's objection, then move the clock past the window's end. */
async function letPublicityRun(ctx: DriverContext, run: Run, family: ProcessInstance[], say: (zh: string, en: string) => void): Promise<boolean> {
  for (const p of family) {
    if (p.processDefinitionId !== 'publicity' || p.state !== 'ACTIVE') continue;
    const key = String(p.processInstanceKey);
    if (!(await ctx.clerk.elementReached(key, 'window-ends', 'ACTIVE'))) continue;
    const v = await ctx.clerk.variables(key);
    const noticeId = v.noticeId as string;
    const window = v.window as { startDate: string; endDate: string; endsAt: string };
    const kind = NOTICE_KINDS[(v.notice as { kind: string }).kind] ?? { zh: '公示', en: 'publicity' };
    if (!run.handledNotices.has(noticeId)) {
      run.handledNotices.add(noticeId);
      const entries = ((v.notice as { entries?: Array<{ applicationId: string }> }).entries ?? []).map((e) => run.names.get(e.applicationId) ?? e.applicationId);
      say(
        `${kind.zh}（公示编号 ${noticeId}）：${entries.join('、')}，公示期 ${window.startDate} 至 ${window.endDate}（5个工作日）`,
        `${kind.en} (notice ${noticeId}) of ${entries.length} people, ${window.startDate} to ${window.endDate} (5 working days)`,
      );
      if (await raiseObjection(ctx, run, noticeId, (v.notice as { kind: string }).kind, say)) return true;
    }
    const target = Date.parse(window.endsAt) + 9 * 3_600_000 + 1000;
    if (ctx.clock.now() < target) {
      await ctx.clock.advanceTo(target);
      say(`公示期满，系统时钟拨至 ${chinaDate(target)} 09:00（北京时间）`, `the publicity window has ended; engine clock moved to ${chinaDate(target)} 09:00 (Asia/Shanghai)`);
      return true;
    }
  }
  return false;
}

/** The demo's objection: against the candidate seeded for it, in the results publicity; the investigation dismisses it. */
async function raiseObjection(ctx: DriverContext, run: Run, noticeId: string, kind: string, say: (zh: string, en: string) => void): Promise<boolean> {
  const target = run.seed.applications.find((a) => a.role === 'objection');
  if (!target || kind !== 'results') return false;
  // The public channel files the objection with the registry first (name and phone encrypted there)
  // and publishes only the reference and masked forms; its submission number (受理编号) is the key of
  // both, so a double submission is filed once and refused by the engine (docs/procedures.md).
  const submissionNumber = `objection-${noticeId}-${target.applicationId}`;
  const objection = await ctx.registry.intake.file({
    kind: 'objection',
    submissionNumber,
    noticeId,
    submitter: '陈国栋',
    contact: '13800138000',
    text: `${target.name}申报的技术革新项目据称为班组集体成果，请核实其个人贡献。`,
    applicationId: target.applicationId,
    by: 'demo:public-channel',
  });
  await ctx.clerk.publish('publicity-objection', noticeId, objectionMessage(objection), { messageId: submissionNumber });
  say(
    `公示期内收到针对 ${target.name} 的实名异议（异议人 ${objection.submitterMasked}，联系方式 ${objection.contactMasked}，受理编号 ${objection.id}）：${objection.text}`,
    `an objection against ${target.name} arrives during the publicity (notice ${noticeId}); the registry keeps the objector's name and phone encrypted, the message carries submission ${objection.id} and masked forms`,
  );
  run.events.push(`objection:${target.applicationId}:rejected`);
  return true;
}

/** Events that happen while a task is open: the national campaign's fraud report reaches the province while HR confirms the list. */
async function beforeTask(ctx: DriverContext, run: Run, task: UserTask, say: (zh: string, en: string) => void): Promise<void> {
  const fraud = run.seed.applications.find((a) => a.role === 'fraud');
  if (!fraud || run.fraudReported || task.elementId !== 'confirm-list') return;
  run.fraudReported = true;
  // Filed with the registry first, like the objection: the message carries the reference and masked forms only.
  const submissionNumber = `fraud-${run.seed.campaignId}-${fraud.applicationId}`;
  const report = await ctx.registry.intake.file({
    kind: 'fraud-report',
    submissionNumber,
    campaignId: run.seed.campaignId,
    submitter: '刘振华',
    contact: 'liu.zhenhua@example.cn',
    text: `${fraud.name}提交的高级技师岗位聘任证明系伪造。`,
    applicationId: fraud.applicationId,
    by: 'demo:public-channel',
  });
  await ctx.clerk.publish('fraud-reported', run.seed.campaignId, fraudReportMessage(report), { messageId: submissionNumber });
  say(
    `收到实名举报（举报人 ${report.submitterMasked}，联系方式 ${report.contactMasked}，受理编号 ${report.id}）：${report.text}`,
    `a fraud report against ${fraud.name} reaches the province (message fraud-reported, key ${run.seed.campaignId}, submission ${report.id})`,
  );
}

const fill = (rows: unknown, decide: (applicationId: string) => Record<string, unknown>) =>
  ((rows as Array<{ applicationId: string }> | null) ?? []).map((r) => ({ applicationId: r.applicationId, ...decide(r.applicationId) }));

/** What each clerk enters, by task. */
async function answerFor(ctx: DriverContext, run: Run, task: UserTask, vars: Record<string, unknown>, family: ProcessInstance[]): Promise<Answer> {
  const today = chinaDate(ctx.clock.now());
  const { seed } = run;
  const occ = OCCUPATION_OF(run);
  const levelZh = LEVEL_NAMES[seed.level].zh;
  const who = (id: unknown) => run.names.get(String(id)) ?? String(id);
  const all = seed.applications.map((a) => a.applicationId);
  switch (task.elementId) {
    case 'draft-plan':
      if (seed.jurisdiction === 'fujian') {
        const p = plan(run, today, vars) as { plan: { filing: { filingReference: string } } };
        return { answers: p, zh: `方案已向全体职工公开并报人社部门备案（${p.plan.filing.filingReference}）`, en: `plan made public and filed with the city HRSS (${p.plan.filing.filingReference})` };
      }
      if (seed.jurisdiction === 'sichuan') {
        const quota = vars.quota as { quota: number; available: number } | null;
        return {
          answers: plan(run, today, vars),
          zh: quota ? `推荐名额 ${quota.quota} 个（可用 ${quota.available} 个），推荐 ${all.length} 人` : `首席技师推荐 ${all.length} 人（本单位已开展特级技师评聘）`,
          en: quota ? `quota ${quota.quota} (${quota.available} available), ${all.length} recommended` : `${all.length} recommended (the unit already runs 特级技师 评聘)`,
        };
      }
      return { answers: plan(run, today, vars), zh: '方案已向全体职工公开', en: 'plan made public to all staff' };
    case 'submit-evaluation-plan':
      return {
        answers: { evaluationPlan: { submittedOn: today, systemReference: `GDPJ-${today.slice(0, 4)}-${seed.enterprise.filing.siteSerial.slice(-4)}`, reviewStartOn: addDays(today, 3), reviewEndOn: addDays(today, 40), candidateCount: all.length } },
      };
    case 'set-up-panel': {
      const size = seed.jurisdiction === 'fujian' ? 5 : 3;
      const members = EXPERTS.slice(0, size).map(([userId, name], i) => ({ userId, name, role: i === 0 ? 'leader' : 'member', affiliation: i === 0 ? 'external' : 'internal', expertise: occ.name }));
      return { answers: { panelMembers: members }, zh: `评审小组 ${size} 人：${members.map((m) => m.name).join('、')}`, en: `a panel of ${size}` };
    }
    case 'review-materials':
      return { answers: { materialsCheck: 'complete', note: '身份、证书、岗位和业绩材料齐全。' }, zh: `${who(vars.applicationId)} 材料齐全`, en: `${who(vars.applicationId)}: materials complete` };
    case 'score-candidate': {
      const items = (vars.itemScores as Array<{ key: string }> | null) ?? [];
      const score = 80 + ((who(vars.applicationId).charCodeAt(0) + String(task.assignee).length) % 15);
      return {
        answers: { itemScores: items.map((i) => ({ key: i.key, score })) },
        as: String(task.assignee ?? ''),
        zh: `${who(vars.applicationId)} 各项 ${score} 分`,
        en: `${who(vars.applicationId)} scores ${score} on every item`,
      };
    }
    case 'investigate-objection': {
      const objection = vars.objection as { applicationId?: string } | null;
      return {
        answers: {
          objectionOutcome: 'rejected',
          investigatedOn: today,
          resolution: '经调取项目立项书、验收报告并走访班组核实，该项目由其本人主持完成，异议不成立，维持公示结果。',
        },
        zh: `异议不成立（驳回），${who(objection?.applicationId)} 保留在名单中`,
        en: `objection dismissed (not upheld); ${who(objection?.applicationId)} stays on the list`,
      };
    }
    case 'investigate-fraud': {
      const report = vars.report as { applicationId?: string } | null;
      const id = report?.applicationId;
      if (!id) return { answers: { fraudFinding: 'unfounded', fraudDecidedOn: today, fraudFindings: '举报内容不具体，经核查未发现弄虚作假。' }, zh: '举报不属实', en: 'report unfounded' };
      run.events.push(`fraud:${id}:confirmed`);
      return {
        answers: { fraudFinding: 'confirmed', fraudSubjects: ['person'], fraudApplicationIds: [id], fraudDecidedOn: today, fraudFindings: `经调查，${who(id)}提交的高级技师岗位聘任证明系伪造，属弄虚作假，取消本年度评聘资格，五年内不得申报（003 六(四)）。` },
        zh: `举报属实：${who(id)} 取消资格，五年内禁止申报`,
        en: `fraud confirmed: ${who(id)} disqualified and banned for five years`,
      };
    }
    case 'confirm-list': {
      // The province's fraud finding has to be in the registry before HR confirms; the final check then drops the person.
      const fraud = seed.applications.find((a) => a.role === 'fraud');
      if (fraud && run.fraudReported && (await ctx.registry.applications.get(fraud.applicationId))?.status !== 'disqualified') return undefined;
      const approved = ((vars.approved as string[] | null) ?? []).map(who);
      const dropped = fraud && run.fraudReported ? `（${fraud.name} 已被取消资格，颁证前的最终核对将其剔除）` : '';
      return { answers: { listConfirmedOn: today, listConfirmation: true }, zh: `确认名单：${approved.join('、')}${dropped}`, en: `list confirmed (${approved.length})${dropped ? `; ${fraud!.name}, disqualified, is dropped by the final check before certificates` : ''}` };
    }
    case 'report-results': {
      const materials = { resultRoster: true, plan: true, filing: true, reviewRecords: true, publicity: true, applicantMaterials: true, ...(seed.level === 'S' ? { provincialHonours: true } : {}) };
      return { answers: { resultsReport: { reportedOn: today, systemReference: `GDJG-${today.slice(0, 4)}-${seed.enterprise.filing.siteSerial.slice(-4)}`, materials } } };
    }
    case 'review-city':
      return {
        answers: { cityDecisions: fill(vars.cityDecisions, () => ({ decision: 'approve' })), cityReviewComment: seed.level === 'S' && seed.jurisdiction === 'guangdong' ? '初审通过，报省技能中心审核。' : '材料齐全，审核通过。' },
        zh: `通过 ${fill(vars.cityDecisions, () => ({})).map((r) => who(r.applicationId)).join('、')}`,
        en: `approves ${fill(vars.cityDecisions, () => ({})).length}`,
      };
    case 'review-province':
      return {
        answers: { provinceDecisions: fill(vars.provinceDecisions, () => ({ decision: 'approve' })), provinceReviewComment: `${levelZh}材料审核通过。` },
        zh: `通过 ${fill(vars.provinceDecisions, () => ({})).map((r) => who(r.applicationId)).join('、')}`,
        en: `approves ${fill(vars.provinceDecisions, () => ({})).length}`,
      };
    case 'oversight-review': {
      // The 内督小组 supervises until the review has ended: an earlier "no violation" only reopens its task.
      const reviewed = await anyReached(ctx, family, 'candidate-review', 'COMPLETED');
      if (!reviewed) return undefined;
      return { answers: { oversightFinding: 'no-violation', oversightConfirmation: true, oversightComment: '全程监督评审，回避、打分和汇总均符合规定，未发现违规。' }, zh: '全程监督，未发现违规', en: 'no violation found' };
    }
    case 'supervise-review':
    case 'supervise-review-province':
      return {
        answers: { supervision: { methods: ['onsite', 'attend'], supervisedOn: today, opinion: 'compliant', comment: '评审组织规范，程序完整。' } },
        zh: '督导意见：规范',
        en: 'opinion: compliant',
      };
    case 'approve-plan':
      return { answers: { planDecision: 'approve', planDecisionReason: '方案符合要求，推荐人数在名额之内，同意实施。' }, zh: '同意', en: 'approved' };
    case 'recommend-list': {
      const results = (vars.reviewResults as Array<{ applicationId: string; passed?: boolean }> | null) ?? [];
      const ids = results.filter((r) => r.passed).map((r) => r.applicationId);
      return { answers: { recommendedApplications: ids, recommendationNote: '经初评，推荐以上人选报市级审核。' }, zh: `推荐 ${ids.map(who).join('、')}`, en: `recommends ${ids.length}` };
    }
    case 'comprehensive-review':
      return {
        answers: {
          comprehensiveDecisions: fill(vars.comprehensiveDecisions, () => ({ decision: 'pass' })),
          comprehensiveReviewOn: today,
          comprehensiveParticipants: '省人社厅、省经济和信息化厅、用人单位',
          comprehensiveComment: '综评通过，予以公示。',
        },
        zh: '综评通过',
        en: 'all pass',
      };
    case 'approve-appointment':
      return {
        answers: {
          approvalDecisions: fill(vars.approvalDecisions, () => ({ decision: 'approve' })),
          approvedOn: today,
          approvalDocumentNumber: `川人社核〔${today.slice(0, 4)}〕${seed.level === 'S' ? 12 : 8}号`,
          approvalComment: '同意聘任。',
        },
        zh: '核准聘任',
        en: 'appointments approved',
      };
    case 'record-appointment': {
      const start = firstOfNextMonth(today);
      return {
        answers: { appointment: { signedOn: today, startOn: start, endOn: addDays(addYears(start, 3), -1), post: `${levelZh}（${occ.name}）` } },
        zh: `${who(vars.applicationId)} 聘期 ${start} 起三年`,
        en: `${who(vars.applicationId)}, three years from ${start}`,
      };
    }
    case 'deadline-reminder':
    case 'next-deadline-reminder':
      return { answers: { reminder: { remindedOn: today, channel: 'phone', note: '已电话提醒企业按期完成。' } } };
    case 'deadline-escalation':
      return { answers: { escalation: { decision: 'urge', newDeadline: addDays(today, 20), note: '督促企业尽快完成。' } } };
    default:
      throw new DemoError(
        `${run.label.zh} 演示不知道如何办理用户任务 ${task.elementId}（${task.name ?? ''}）`,
        `${run.label.en} the demo does not know how to complete user task ${task.elementId}`,
      );
  }
}

async function anyReached(ctx: DriverContext, family: ProcessInstance[], elementId: string, state: 'ACTIVE' | 'COMPLETED'): Promise<boolean> {
  for (const p of family) if (await ctx.clerk.elementReached(String(p.processInstanceKey), elementId, state)) return true;
  return false;
}

/** The plan each jurisdiction's form asks for (002 五(一)1; 003 四(一); 000 附件3 三(一); 001 四(六)). */
function plan(run: Run, today: string, vars: Record<string, unknown>): Record<string, unknown> {
  const { seed } = run;
  const occ = OCCUPATION_OF(run);
  const year = today.slice(0, 4);
  const levelZh = LEVEL_NAMES[seed.level].zh;
  const positions = Math.max(seed.applications.length, 1);
  const deadline = (vars.campaign as { deadline?: string } | null)?.deadline ?? `${year}-12-31`;
  const endOn = addDays(deadline, -5) > today ? addDays(deadline, -5) : addDays(today, 60);
  switch (seed.jurisdiction) {
    case 'national':
      return {
        plan: {
          title: `${year}年度特级技师评聘工作方案`,
          occupations: [{ code: occ.code, name: occ.name, positions }],
          conditions: '具有高级技师职业资格，在高级技师岗位工作满5年且仍从事本职业（工种）工作（003 三(一)）。',
          method: '个人述职与业绩量化考核相结合，由企业考评机构组织评审',
          evaluationMethods: [
            { key: 'debrief', weightPercent: 40 },
            { key: 'performance', weightPercent: 60 },
          ],
          organizationMode: 'self',
          startOn: today,
          endOn,
          schedule: '报名评审，随后公示、确定名单、颁证聘任',
          publishedOn: today,
          publicationChannel: 'intranet',
          publishedToAllStaff: true,
        },
        passMark: 70,
      };
    case 'guangdong':
      return {
        plan: {
          title: `${year}年第一期${levelZh}评聘工作方案`,
          occupations: [{ code: occ.code, name: occ.name, positions }],
          conditions: `符合《广东省2024年特级技师、首席技师评聘工作方案》四规定的${levelZh}基本条件，并符合本企业岗位条件。`,
          method: '业绩量化考核与面试答辩相结合',
          evaluationMethods: [
            { key: 'performance', weightPercent: 60 },
            { key: 'defence', weightPercent: 40 },
          ],
          organizationMode: 'self',
          startOn: today,
          endOn,
          schedule: '4月启动，5月评审，6月公示报备，7月10日前完成',
          appointmentArrangements: '通过评审的人员签订三年聘任协议，比照本企业正高级职称人员享受待遇。',
          publishedOn: today,
          publicationChannel: 'notice-board',
          publishedToAllStaff: true,
        },
        passMark: 70,
      };
    case 'fujian':
      return {
        plan: {
          title: `${year}年度${levelZh}评聘实施方案`,
          occupations: [{ code: occ.code, name: occ.name, positions }],
          structureRatio: '特级技师不超过本企业高级技师总数的10%，首席技师不超过特级技师的20%',
          standards: '遵纪守法、职业道德良好；特级技师具有高级技师职业资格并在高级技师岗位工作满5年（000 附件3 二(一)）；首席技师为特级技师评聘满3年（二(二)）。',
          procedure: '制定方案、确定参评人选并公示、评审小组评审（内督小组全程监督）、结果公示、颁证聘任。',
          method: '个人述职、业绩量化考核与面试答辩相结合',
          evaluationMethods: [
            { key: 'debrief', weightPercent: 30 },
            { key: 'performance', weightPercent: 40 },
            { key: 'defence', weightPercent: 30 },
          ],
          measures: '设立技能大师工作室，特级技师享受副高级职称同等待遇，首席技师享受正高级职称同等待遇。',
          startOn: today,
          endOn,
          schedule: '确定参评人选并公示，评审，结果公示并颁证聘任',
          publishedOn: today,
          publicationChannel: 'intranet',
          publishedToAllStaff: true,
          filing: {
            filedWithLevel: 'city',
            filedWithDivisionCode: seed.enterprise.divisionCode,
            filedOn: today,
            filingReference: `${seed.enterprise.divisionCode === '350200' ? '厦' : '榕'}人社备〔${year}〕${seed.level === 'S' ? 15 : 12}号`,
          },
        },
        passMark: 70,
      };
    case 'sichuan': {
      const candidates = ((vars.candidates as Array<{ applicationId: string }> | null) ?? []).map((c) => c.applicationId);
      return {
        plan: {
          title: `${year}年度${levelZh}初评和拟聘用工作方案`,
          occupations: [{ code: occ.code, name: occ.name, positions: candidates.length }],
          initialReview: {
            conditions: '不低于省级评定条件（001 附件3）。',
            method: '个人述职、成果展示、面试答辩、综合评议和业绩量化考核相结合',
            evaluationMethods: [
              { key: 'debrief', weightPercent: 20 },
              { key: 'showcase', weightPercent: 20 },
              { key: 'defence', weightPercent: 20 },
              { key: 'deliberation', weightPercent: 10 },
              { key: 'performance', weightPercent: 30 },
            ],
            startOn: today,
            endOn: addDays(today, 45),
            schedule: '初评后报市级审核、省级综评',
          },
          hiring: { positions: candidates.length, managementTargets: '三年管理期内完成两项关键工艺攻关，带徒不少于四名。', payMeasures: '比照本单位正高级职称人员享受同等待遇（001 四(三)）。' },
        },
        recommendedApplications: candidates,
        passMark: 70,
      };
    }
  }
}
