/**
 * Real Chromium for page tests, driven by playwright-core (no browser download: Debian's `chromium`,
 * which .ci/run installs with fonts-noto-cjk so that Chinese renders). Screenshots go to
 * test-results/screenshots/ for a person to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './harness.js';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => !!p);

export function chromiumPath(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium found (looked at ${CANDIDATES.join(', ')}); install Debian's chromium (apt-get install chromium fonts-noto-cjk) or set CHROMIUM_PATH`);
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** The smallest screen the pages must fit (the clerks' laptops). */
export const VIEWPORT = { width: 1366, height: 768 } as const;

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN' });
  return context.newPage();
}

export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Whether the page's content fits the viewport without scrolling sideways (and, by default, down). */
export async function fitsViewport(page: Page, options: { vertical?: boolean } = {}): Promise<{ width: number; height: number; fits: boolean }> {
  // A string, as the test code is compiled without the DOM's types.
  const size = (await page.evaluate('({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight })')) as { width: number; height: number };
  const fits = size.width <= VIEWPORT.width && (options.vertical === false || size.height <= VIEWPORT.height);
  return { ...size, fits };
}
