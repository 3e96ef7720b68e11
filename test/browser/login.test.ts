/**
 * The login and change-password pages in real Chromium, as a clerk meets them on their first day:
 * keyboard only, Chinese everywhere, errors next to their fields, nothing cut off at 1366×768, and
 * no WCAG 2.1 A/AA violation axe-core can find.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, fitsViewport, launchBrowser, newPage, screenshot } from '../support/browser.js';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  h = await startHarness();
  await h.running.identity!.createUser({ username: 'city_350100', password: 'Initial-Pass-1', name: '福州市人社局经办人', mustChangePassword: true });
  await h.running.identity!.createUser({ username: 'city_350200', password: 'Initial-Pass-2', name: '厦门市人社局经办人', mustChangePassword: true });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

/** Submits the focused form with Enter and waits for the page the server answers with. */
async function submit(page: Page): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

/** The text of the one element of this role, once it is there. */
async function textOf(page: Page, role: 'alert' | 'status'): Promise<string> {
  const el = page.getByRole(role);
  await el.waitFor({ timeout: 5_000 });
  return (await el.textContent()) ?? '';
}

async function typeInto(page: Page, label: string, text: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.focus();
  await page.keyboard.type(text);
}

describe('login pages', () => {
  it('a clerk logs in with the keyboard, must choose a new password, is told what is wrong next to the field, and logs out', async () => {
    const page = await newPage(browser);
    await page.goto(`${h.url}/login`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.title()).toContain('登录');
    // The username field has the focus: type, Tab to the password, Enter submits.
    await page.keyboard.type('city_350100');
    await page.keyboard.press('Tab');
    await page.keyboard.type('wrong-password');
    await submit(page);
    expect(await textOf(page, 'alert')).toContain('用户名或密码错误');
    expect(await page.getByLabel('密码', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('用户名').inputValue()).toBe('city_350100');
    expect((await fitsViewport(page)).fits).toBe(true);
    await screenshot(page, 'login-error');
    expect.soft(await axeViolations(page), 'axe-core on the login page with an error').toEqual([]);

    // The password field has the focus after an error: the right password, Enter.
    await page.keyboard.type('Initial-Pass-1');
    await submit(page);
    expect(page.url()).toMatch(/\/login\/password/);
    expect(await page.textContent('h1')).toBe('修改密码');
    expect(await textOf(page, 'status')).toContain('请先设置新密码');

    // A weak password: the message stands under the new-password field and is tied to it.
    await typeInto(page, '当前密码', 'Initial-Pass-1');
    await typeInto(page, '新密码', 'short');
    await typeInto(page, '再次输入新密码', 'short');
    await submit(page);
    const newField = page.getByLabel('新密码', { exact: true });
    expect(await newField.getAttribute('aria-invalid')).toBe('true');
    expect(await newField.getAttribute('aria-describedby')).toContain('newPassword-error');
    expect(await page.textContent('#newPassword-error')).toContain('密码至少 8 个字符');
    expect((await fitsViewport(page)).fits).toBe(true);
    await screenshot(page, 'password-weak');
    expect.soft(await axeViolations(page), 'axe-core on the password page with an error').toEqual([]);

    // Two different entries: the message stands under the confirmation.
    await typeInto(page, '当前密码', 'Initial-Pass-1');
    await typeInto(page, '新密码', 'Fuzhou-City-2026');
    await typeInto(page, '再次输入新密码', 'Fuzhou-City-2027');
    await submit(page);
    expect(await page.textContent('#confirmPassword-error')).toContain('两次输入的新密码不一致');

    await typeInto(page, '当前密码', 'Initial-Pass-1');
    await typeInto(page, '新密码', 'Fuzhou-City-2026');
    await typeInto(page, '再次输入新密码', 'Fuzhou-City-2026');
    await submit(page);
    // Without a `next`, a login lands in the Tasklist; /login then says who is logged in.
    expect(page.url()).toMatch(/\/tasklist$/);
    await page.goto(`${h.url}/login`);
    expect(await page.textContent('main')).toContain('当前用户：city_350100');

    // The session cookie is not readable by scripts, and the session works for the API.
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'pingpin_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const me = await page.evaluate(async () => {
      const res = await fetch('/v2/authentication/me');
      return { status: res.status, body: (await res.json()) as { username: string } };
    });
    expect(me).toMatchObject({ status: 200, body: { username: 'city_350100' } });
    await screenshot(page, 'logged-in');
    expect.soft(await axeViolations(page), 'axe-core on the logged-in page').toEqual([]);

    // Log out with the keyboard: the button is reachable by Tab.
    await page.getByRole('button', { name: '退出登录' }).focus();
    await submit(page);
    expect(page.url()).toMatch(/\/login\?loggedOut/);
    expect(await textOf(page, 'status')).toContain('已退出登录');
    const after = await page.evaluate(async () => (await fetch('/v2/authentication/me')).status);
    expect(after).toBe(401);
  }, 60_000);

  it('every field has a visible label, and a password once changed no longer works', async () => {
    const page = await newPage(browser);
    await page.goto(`${h.url}/login`);
    for (const id of ['username', 'password']) {
      expect(await page.locator(`label[for="${id}"]`).count()).toBe(1);
    }
    await h.running.identity!.changeOwnPassword('city_350200', 'Initial-Pass-2', 'Xiamen-City-2026');
    await typeInto(page, '用户名', 'city_350200');
    await typeInto(page, '密码', 'Initial-Pass-2');
    await submit(page);
    expect(await textOf(page, 'alert')).toContain('用户名或密码错误');
  }, 30_000);
});
