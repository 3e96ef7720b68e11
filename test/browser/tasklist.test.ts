/**
 * 任务中心 in real Chromium, against pingpin started as `npm start` starts it (with its demo data):
 * the clerks of a Sichuan 特级技师 campaign do their part by hand in the pages, and the steps around
 * them (plans, panels, materials) are done through the API exactly as the demo's clerks do them.
 *
 * - enterprise HR starts the campaign with its start form (a wrong 评聘活动编号 gets a Chinese message);
 * - the city clerk sees the plan approval of their city, a clerk of another city never does;
 * - a wrong value is refused in Chinese next to its field, a comment stays with the task, the right
 *   value completes it and the process goes on;
 * - a panel member hands a scoring task to another member (and cannot hand it to anyone else), then
 *   scores a batch of candidates at once;
 * - every screen on the way passes axe-core's WCAG 2.1 A/AA rules (reported together, screen by screen).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clerk, Rest, type UserTask } from '../../src/demo/clerk.js';
import { clerkOf, DEMO_PASSWORD, type Staff } from '../../src/demo/people.js';
import { demoAnswers } from '../../src/demo/scenarios.js';
import { demoCampaigns, type SeededCampaign } from '../../src/demo/seed.js';
import { axeViolations, fitsViewport, launchBrowser, newPage, screenshot } from '../support/browser.js';
import { startAsNpmStart, type StartedServer } from '../support/server.js';

const basic = (username: string, password = DEMO_PASSWORD) => ({ authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` });

let server: StartedServer;
let browser: Browser;
let campaign: StartedServer['campaigns'][number];
let admin: Rest;
let clerk: Clerk;
let seed: SeededCampaign;
/** Another city's clerk (a campaign of another enterprise, in another city). */
let otherCity: string;

async function tasksOf(filter: Record<string, unknown>, as = admin): Promise<UserTask[]> {
  return as.search<UserTask>('/v2/user-tasks/search', filter);
}

/** The campaign's own process instance (its candidate reviews are child instances: see `ofEnterprise`). */
const ofCampaign = () => ({ processInstanceVariables: [{ name: 'campaignId', value: JSON.stringify(campaign.campaignId) }] });
/** Tasks of one of the enterprise's groups (hr, panel) in any instance. */
const ofEnterprise = (kind: 'hr' | 'panel') => ({ candidateGroup: `enterprise-${campaign.creditCode}-${kind}` });

/** Waits for the open tasks of this element (the workers run between steps). */
async function openTask(elementId: string, scope: Record<string, unknown> = ofCampaign(), count = 1): Promise<UserTask[]> {
  const until = Date.now() + 60_000;
  for (;;) {
    const found = await tasksOf({ state: 'CREATED', elementId, ...scope });
    if (found.length >= count) return found;
    if (Date.now() > until) throw new Error(`no open task ${elementId} (${found.length}/${count}) after 60 s:\n${server.log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A step the test does not look at: done through the API as the demo's clerk does it. */
async function completeByApi(elementId: string, scope: Record<string, unknown> = ofCampaign(), count = 1): Promise<void> {
  for (const task of await openTask(elementId, scope, count)) {
    const vars = await clerk.taskVariables(task);
    const answers = await demoAnswers(seed, task, vars, Date.now());
    if (!answers) throw new Error(`the demo has no answer for ${elementId}`);
    await clerk.complete(task, answers, { taskVariables: vars });
  }
}

/** Until the page's transitions (a dialog opening, a tab sliding) have ended: axe judges colours as they are drawn. */
async function settle(page: Page): Promise<void> {
  // Polled with evaluate, not waitForFunction: the app's CSP forbids the eval that waitForFunction uses.
  const running = 'document.getAnimations().filter((a) => a.playState === "running" && a.effect?.getTiming().iterations !== Infinity).length';
  await expect.poll(() => page.evaluate(running), { timeout: 5_000 }).toBe(0);
}

/** axe-core's WCAG 2.1 A/AA audit of the screen as it is now; soft, so that one run lists every screen's violations. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  await settle(page);
  expect.soft(await axeViolations(page), `axe-core on ${screen}`).toEqual([]);
}

async function logIn(page: Page, username: string, path = '/tasklist', options: { audit?: boolean } = {}): Promise<void> {
  await page.goto(`${server.url}${path}`);
  // Not logged in: the app sends the browser to the login page, which comes back here.
  await page.waitForURL(/\/login/);
  if (options.audit) await expectAccessible(page, 'the login page');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => u.pathname.startsWith(path));
}

async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.waitForURL(/\/login\?loggedOut/);
}

beforeAll(async () => {
  server = await startAsNpmStart();
  browser = await launchBrowser();
  campaign = server.campaigns.find((c) => c.process === 'appraisal-sichuan' && c.level === 'T')!;
  otherCity = server.campaigns.find((c) => c.clerks.city !== campaign.clerks.city)!.clerks.city;
  admin = new Rest({ baseUrl: server.url, headers: () => basic(server.admin.username, server.admin.password) });
  const staff: Staff = {
    users: [],
    as: (username) => new Rest({ baseUrl: server.url, headers: () => basic(username) }),
    clerkFor: (groups) => (groups?.[0] ? clerkOf(groups[0]) : undefined),
  };
  clerk = new Clerk(admin, () => Date.now(), staff);
  const s = demoCampaigns().find((c) => c.key === 'sichuan-T')!;
  seed = { ...s, campaignId: campaign.campaignId, applications: [] };
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('任务中心 (Tasklist) in Chromium', () => {
  it('enterprise HR starts the campaign with its start form', async () => {
    const page = await newPage(browser);
    await logIn(page, campaign.clerks.hr, '/tasklist', { audit: true });
    expect(await page.title()).toContain('任务中心');
    await expect.poll(() => page.locator('.ant-spin-spinning').count()).toBe(0);
    await screenshot(page, 'tasklist-empty');
    await expectAccessible(page, 'the task list of enterprise HR');

    await page.getByRole('link', { name: '发起流程' }).click();
    await page.getByRole('button', { name: /四川/ }).first().click();
    const field = page.getByLabel('评聘活动编号');
    await field.waitFor();
    await expectAccessible(page, 'the start page with its start form');
    await field.fill('不是编号');
    await page.getByRole('button', { name: '发起', exact: true }).click();
    // form-js's own message, in Chinese, under the field.
    await expect.poll(() => page.locator('.fjs-form-field-error').allTextContents()).toContainEqual(expect.stringContaining('只能包含字母、数字'));
    expect((await fitsViewport(page, { vertical: false })).fits).toBe(true);
    await screenshot(page, 'tasklist-start-error');
    await expectAccessible(page, 'the start form with an error');

    await field.fill(campaign.campaignId);
    await page.getByRole('button', { name: '发起', exact: true }).click();
    await expect.poll(() => page.getByText(/已发起/).count()).toBeGreaterThan(0);
    await screenshot(page, 'tasklist-started');
    await expectAccessible(page, 'the started page');
    await logOut(page);
    await expectAccessible(page, 'the login page after logging out');
    await page.context().close();

    // The process runs: the plan is HR's next task.
    const [plan] = await openTask('draft-plan');
    expect(plan!.candidateGroups).toEqual([expect.stringContaining(campaign.creditCode)]);
  }, 90_000);

  it("a city clerk sees their city's task, gets Chinese errors, comments and completes it; another city never sees it", async () => {
    await completeByApi('draft-plan');
    const [approval] = await openTask('approve-plan');

    // Another city's clerk: not in the list, and not by its key either.
    const other = await newPage(browser);
    await logIn(other, otherCity);
    await other.getByRole('tab', { name: /待认领/ }).click();
    await expect.poll(() => other.getByRole('row').count()).toBeGreaterThan(0);
    expect(await other.getByText('评聘工作方案审核（市级）').count()).toBe(0);
    await other.goto(`${server.url}/tasklist/tasks/${approval!.userTaskKey}`);
    await expect.poll(() => other.getByText(/未找到|无权/).count()).toBeGreaterThan(0);
    await screenshot(other, 'tasklist-other-city');
    await expectAccessible(other, 'a task the user may not see');
    await other.context().close();

    const page = await newPage(browser);
    await logIn(page, campaign.clerks.city);
    for (const tab of ['我的待办', '已完成', '全部', '待认领']) {
      await page.getByRole('tab', { name: new RegExp(tab) }).click();
      await expect.poll(() => page.locator('.ant-spin-spinning').count()).toBe(0);
      await expectAccessible(page, `the task list, tab ${tab}`);
    }
    const row = page.getByRole('row', { name: /评聘工作方案审核（市级）/ });
    await expect.poll(() => row.count()).toBe(1);
    expect((await fitsViewport(page, { vertical: false })).fits).toBe(true);
    await screenshot(page, 'tasklist-claimable');

    // The notifications: the new task in the clerk's group, and the digest.
    await page.getByRole('button', { name: /^通知/ }).click();
    await page.getByRole('dialog', { name: /通知/ }).waitFor();
    await expectAccessible(page, 'the notifications');
    await screenshot(page, 'tasklist-notifications');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    await row.getByRole('link').first().click();
    await page.waitForURL(/\/tasklist\/tasks\//);
    // The diagram shows where the task stands.
    await expect.poll(() => page.locator('.djs-container').count()).toBe(1);
    await page.getByLabel('审核意见').waitFor();
    // The whole campaign process fitted into the card would draw the step a few pixels wide: it opens
    // at full size on the step instead, highlighted, and 适应窗口 / 定位当前步骤 switch between the two.
    const step = page.locator('.pp-diagram .highlight-current');
    await expect.poll(() => step.count()).toBe(1);
    const stepBox = async () => (await step.boundingBox())!;
    const box = (await page.locator('.pp-diagram').boundingBox())!;
    const opened = await stepBox();
    expect(opened.width).toBeGreaterThanOrEqual(80);
    expect(Math.abs(opened.x + opened.width / 2 - (box.x + box.width / 2))).toBeLessThan(4);
    expect(Math.abs(opened.y + opened.height / 2 - (box.y + box.height / 2))).toBeLessThan(4);
    expect(await page.locator('figure figcaption').textContent()).toContain('当前步骤：评聘工作方案审核（市级）');
    await page.getByRole('button', { name: '适应窗口' }).click();
    expect((await stepBox()).width).toBeLessThan(opened.width * 0.6);
    await screenshot(page, 'tasklist-task-fitted');
    await page.getByRole('button', { name: '定位当前步骤' }).click();
    expect(Math.round((await stepBox()).width)).toBe(Math.round(opened.width));
    await screenshot(page, 'tasklist-task');
    await expectAccessible(page, 'the task detail, before claiming (read-only form, diagram)');

    await page.getByRole('button', { name: '认领' }).click();
    await expect.poll(() => page.getByRole('button', { name: '取消认领' }).count()).toBe(1);

    // A comment stays with the task, with who wrote it.
    await page.getByLabel('添加评论').fill('方案已收到，正在审核推荐人数与名额。');
    await page.getByRole('button', { name: '发表评论' }).click();
    await expect.poll(() => page.getByRole('list', { name: '评论列表' }).textContent()).toContain('正在审核推荐人数');

    // Too short a reason: form-js refuses it in Chinese before anything is sent.
    await page.getByLabel('同意').check();
    await page.getByLabel('审核意见').fill('好');
    await page.getByRole('button', { name: '提交' }).first().click();
    await expect.poll(() => page.locator('.fjs-form-field-error').allTextContents()).toContainEqual(expect.stringMatching(/不能少于 ?2 ?个字符/));
    await screenshot(page, 'tasklist-task-error');
    await expectAccessible(page, 'the task detail with its form, a validation error and a comment');

    await page.getByLabel('审核意见').fill('方案符合要求，推荐人数在名额之内，同意实施。');
    await page.getByRole('button', { name: '提交' }).first().click();
    await page.waitForURL((u) => u.pathname === '/tasklist');

    // Completed by the city clerk, with the form's values; the process goes on to HR's panel.
    const done = await tasksOf({ userTaskKey: approval!.userTaskKey });
    expect(done[0]).toMatchObject({ state: 'COMPLETED', assignee: campaign.clerks.city });
    await openTask('set-up-panel');
    const comments = (await admin.ok('GET', `/api/tasklist/user-tasks/${approval!.userTaskKey}/comments`)) as { items: Array<{ author: string; text: string }> };
    expect(comments.items).toEqual([expect.objectContaining({ author: campaign.clerks.city, text: '方案已收到，正在审核推荐人数与名额。' })]);
    await page.context().close();
  }, 120_000);

  it('a panel member hands a scoring task to another member, then scores a batch at once', async () => {
    await completeByApi('set-up-panel');
    // One candidate review per applicant (two in this campaign), each a child instance.
    await completeByApi('review-materials', ofEnterprise('hr'), 2);
    const scoring = await openTask('score-candidate', ofEnterprise('panel'), 6);
    const [first, second] = [...new Set(scoring.map((t) => t.assignee!))];
    expect(first && second).toBeTruthy();

    // Only to a member of the task's candidate group: the server refuses anyone else.
    const mine = scoring.filter((t) => t.assignee === first);
    const refused = await new Rest({ baseUrl: server.url, headers: () => basic(first!) }).call('POST', `/v2/user-tasks/${mine[0]!.userTaskKey}/assignment`, { assignee: campaign.clerks.city });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('候选');

    const page = await newPage(browser);
    await logIn(page, first!);
    await page.goto(`${server.url}/tasklist/tasks/${mine[0]!.userTaskKey}`);
    await page.getByRole('button', { name: '转交' }).click();
    const dialog = page.getByRole('dialog');
    // With the keyboard, as antd's select offers: type to search, Enter to choose.
    await dialog.getByLabel(/转交给/).waitFor();
    await expectAccessible(page, 'the reassign dialog');
    await dialog.getByLabel(/转交给/).click();
    await page.keyboard.type(second!);
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: /确定|转交/ }).last().click();
    await expect.poll(async () => (await tasksOf({ userTaskKey: mine[0]!.userTaskKey }))[0]?.assignee).toBe(second);
    await logOut(page);

    // The second member now holds two candidates' scoring (their own and the one handed over): both at once.
    await logIn(page, second!);
    await page.getByRole('tab', { name: /我的待办/ }).click();
    const rows = page.getByRole('row', { name: /评审打分|打分/ });
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    for (const r of await rows.all()) await r.getByRole('checkbox').check();
    await expectAccessible(page, 'my tasks, a batch selected');
    await screenshot(page, 'tasklist-mine');
    await page.getByRole('button', { name: '批量办理' }).click();
    const bulk = page.getByRole('dialog');
    // The form loads with the dialog (form-js is loaded on demand).
    await expect.poll(() => bulk.getByLabel('得分').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    for (const score of await bulk.getByLabel('得分').all()) await score.fill('88');
    await screenshot(page, 'tasklist-bulk');
    await expectAccessible(page, 'the bulk dialog with its form');
    await bulk.getByRole('button', { name: /提交|办理/ }).last().click();
    await expect.poll(() => bulk.getByText('成功').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await expectAccessible(page, 'the bulk dialog, done');
    await screenshot(page, 'tasklist-bulk-done');

    const after = await tasksOf({ assignee: second, elementId: 'score-candidate', ...ofEnterprise('panel') });
    expect(after.filter((t) => t.state === 'COMPLETED').length).toBeGreaterThanOrEqual(2);
    await page.context().close();
  }, 120_000);
});
