/**
 * Debian's chromium driven by playwright-core (no browser download is possible here: executablePath).
 * WebGL comes from SwiftShader, so MapLibre renders headless (console.md "Measured here").
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CITYBRAIN_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', '.tmp', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (scripts/install-servers.sh does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // Root in CI has no user namespace sandbox; SwiftShader gives WebGL without a GPU.
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
  });
}

/** Saves a full-page screenshot as .tmp/screenshots/<name>.png (kept by the test run for people to look at). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/**
 * Script errors, console errors and server errors (5xx), collected so a test can assert there were none.
 * Chromium's own "Failed to load resource" lines are left out: a 401 before sign-in is expected, and
 * every response's status is checked here instead.
 */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return problems;
}

/**
 * Waits for `locator` like `locator.waitFor`, but a timeout says what the page showed instead: its URL, the
 * text of `context` (a selector, the whole body by default), the problems collected so far, and a screenshot
 * named `name` — so a failure in CI, where nobody watches the page, can be read from the log.
 */
export async function waitOrExplain(page: Page, locator: Locator, opts: { timeout: number; name: string; context?: string; problems?: string[] }): Promise<void> {
  try {
    await locator.first().waitFor({ timeout: opts.timeout });
  } catch (err) {
    const text = await page.locator(opts.context ?? 'body').first().innerText({ timeout: 2_000 }).catch((e: unknown) => `(no text: ${(e as Error).message.split('\n')[0]})`);
    await screenshot(page, `${opts.name}-timeout`).catch(() => undefined);
    throw new Error(`${(err as Error).message.split('\n')[0]}\n  page: ${page.url()}\n  showed: ${text.replace(/\s+/g, ' ').slice(0, 1_500)}\n  problems: ${(opts.problems ?? []).join('; ') || 'none'}`);
  }
}
