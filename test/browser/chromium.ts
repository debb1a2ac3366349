/**
 * Debian's chromium driven by playwright-core (no browser download is possible here: executablePath).
 * WebGL comes from SwiftShader, so MapLibre renders headless (console.md "Measured here").
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

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
