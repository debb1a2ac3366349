/**
 * Driving the web console in a test: building it, choosing its language, signing in, and what its map
 * drew, asked of MapLibre through the console's test hook (`/?testhook`, docs/console.md).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';

export type ConsoleLang = 'en' | 'zh-CN';

/** Builds console/dist when it is older than its sources (scripts/build-console.mjs). */
export async function buildConsole(): Promise<void> {
  // Not execFileSync: a build blocking this worker for a minute makes vitest's RPC time out.
  await promisify(execFile)(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'build-console.mjs')]);
}

/** Chooses the console's language for the page's next load (the console keeps it in localStorage). */
export async function setLang(page: Page, lang: ConsoleLang): Promise<void> {
  await page.evaluate((l) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('citybrain.lang', l), lang);
}

/** Opens the console at `url` (reloaded in `lang` when given) and submits the sign-in form. */
export async function signIn(page: Page, url: string, username: string, password: string, lang?: ConsoleLang): Promise<void> {
  await page.goto(url);
  if (lang) {
    await setLang(page, lang);
    await page.reload();
  }
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('form[data-testid=login-form] button[type=submit]').click();
}

/** Features of a map layer currently drawn (MapLibre's own query, i.e. on the canvas, not in our state); -1 before the style has it. */
export async function rendered(page: Page, layer: string): Promise<number> {
  return page.evaluate((l) => {
    const m = (globalThis as unknown as { __cityMap?: { map: { getLayer(id: string): unknown; queryRenderedFeatures(o: { layers: string[] }): unknown[] } } }).__cityMap;
    // A map just created has no style yet: asking for its layers then is an error MapLibre logs.
    return m && m.map.getLayer(l) ? m.map.queryRenderedFeatures({ layers: [l] }).length : -1;
  }, layer);
}

/**
 * Words a Chinese screen should not show: English catalog strings (that differ in Chinese), raw catalog
 * keys, and any other English word — a literal typed into a view instead of taken from the catalog, an
 * API value shown as sent. Ids (letters with digits, dots, dashes or underscores), units and the names
 * below are not words to translate. Data people entered, shown as entered, is marked `data-raw` (a note in
 * quotes, a unit's name that has no Chinese one), and left out; a name shown in its Chinese form (a unit's
 * `name_zh`) is not, so an English name left on a Chinese screen is found.
 */
export async function untranslated(page: Page, catalogs: { en: Record<string, string>; zh: Record<string, string> }): Promise<string[]> {
  const text = (await page.evaluate(`(() => {
    const b = document.body.cloneNode(true);
    b.querySelectorAll('[data-raw], q, code, script, style').forEach((e) => e.remove());
    b.style.position = 'absolute'; b.style.left = '-99999px';
    document.documentElement.appendChild(b);
    const s = b.innerText;
    b.remove();
    return s;
  })()`)) as string;
  const left = Object.entries(catalogs.en)
    .filter(([k, v]) => catalogs.zh[k] !== v && !v.includes('{') && v.length > 3 && text.includes(v))
    .map(([k]) => `catalog:${k}`);
  const keys = Object.keys(catalogs.en).filter((k) => text.includes(k)).map((k) => `key:${k}`);
  const words = [...new Set(text.split(/[^A-Za-z0-9_.\-:/%|@#×+]+/).filter((w) => /^[A-Za-z]{2,}$/.test(w) && !PROPER.has(w)))].map((w) => `word:${w}`);
  return [...left, ...keys, ...words];
}

/** Names and symbols that read the same in Chinese: acronyms, keys on the keyboard, the other language's name. */
const PROPER = new Set(['English', 'JSON', 'CSV', 'API', 'HTTP', 'MQTT', 'WGS', 'LEL', 'Cron', 'cron', 'Esc', 'QGroundControl', 'plan', 'admin', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
