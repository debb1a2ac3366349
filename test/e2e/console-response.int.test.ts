/**
 * The README's "from a dangerous reading to a verified resolution", operator side, in a real browser
 * (Debian's chromium through playwright-core) on the demo platform (sample units, simulated MAVLink drones):
 * a gas sensor reports a dangerous reading → the operator opens the alert in the console, sees the
 * proposed units and dispatches them in one click → a responder accepts and reports with a photo (over
 * HTTP; the phone page has its own test, responder.int.test.ts) → the plan's drone photographs the site →
 * the console shows the dispatched tasks, the responder's photo and the drone's pictures on the alert and
 * on the task → the operator verifies each task with its button → the alert turns resolved on the page.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { collectProblems, launchChromium, screenshot, waitOrExplain } from '../browser/chromium.js';
import { en } from '../../console/src/i18n/en.js';
import { zhCN } from '../../console/src/i18n/zh-CN.js';
import { buildConsole, setLang, signIn, untranslated } from './console-page.js';
import { api, bootDemoPlatform } from './helpers.js';
import { call, person, PNG, raiseAlert, siteNearDemoDock } from './response-helpers.js';

const ADMIN_PASSWORD = 'Response-console-Secret-2026!';

interface Task { id: string; unitId: string; state: string }

let p: Platform;
let browser: Browser;
let page: Page;
let problems: string[] = [];

beforeAll(async () => {
  await buildConsole();
  ({ p } = await bootDemoPlatform({}, { CITYBRAIN_ADMIN_PASSWORD: ADMIN_PASSWORD }));
  browser = await launchChromium();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await p?.stop();
});

/** Pictures of a task with the given source, as the API has them. */
async function pictures(taskId: string, source: string): Promise<string[]> {
  return (await api<{ items: { id: string; source: string }[] }>(p, 'GET', `/api/v1/tasks/${taskId}/media`)).body.items.filter((m) => m.source === source).map((m) => m.id);
}

describe('e2e: the operator follows a gas leak to a verified resolution in the console', () => {
  it('dispatches in one click, sees the tasks, the crew\'s photo and the drone\'s pictures, verifies, and the alert resolves', async () => {
    const site = await siteNearDemoDock(p, '370202');
    const alert = await raiseAlert(p, 'GW-CONSOLE-1', 'gas', site, { ch4_lel: 27 });
    page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    problems = collectProblems(page);
    await signIn(page, `${p.http.url}/`, 'admin', ADMIN_PASSWORD, 'en');
    await page.locator('[data-testid=overview]').waitFor();
    await page.goto(`${p.http.url}/#/alerts/${encodeURIComponent(alert.id)}`);

    // The five automatics on screen, then one click.
    const proposed = page.locator('[data-testid=response-proposal] tr[data-unit-id]');
    await waitOrExplain(page, proposed, { timeout: 20_000, name: 'response-console-proposal', context: '[data-testid=alert-detail], main, body', problems });
    const response = (await api<{ proposal: { unitId: string | null }[] }>(p, 'GET', `/api/v1/alerts/${encodeURIComponent(alert.id)}/response`)).body;
    const units = response.proposal.map((x) => x.unitId).filter((x): x is string => x !== null);
    expect(await proposed.count()).toBe(units.length);
    await screenshot(page, 'response-console-00-proposal-en');

    // In Chinese the proposed units read by their Chinese names (the sample's name_zh), their organisations
    // too (org_zh; the plan's duty desks by the default pack's Chinese), and nothing is left in English.
    await setLang(page, 'zh-CN');
    await page.reload();
    await proposed.first().waitFor({ timeout: 20_000 });
    const sample = await Promise.all(units.map(async (id) => (await api<{ name: string; name_zh: string; org_zh: string }>(p, 'GET', `/api/v1/response/resources/${encodeURIComponent(id)}`)).body));
    for (const [i, id] of units.entries()) {
      expect(sample[i]!.name_zh).toMatch(/^[\u4e00-\u9fff（）]+$/);
      expect(await page.locator(`[data-testid=response-proposal] tr[data-unit-id="${id}"] td`).first().innerText()).toBe(sample[i]!.name_zh);
    }
    const organisations = await page.locator('[data-testid=response-organisations]').innerText();
    for (const u of sample) expect(organisations).toContain(u.org_zh);
    expect(organisations).not.toMatch(/[A-Za-z]{3}/);
    expect(await page.locator('[data-testid=response-notify]').innerText()).toMatch(/^[\u4e00-\u9fff、]+$/);
    expect(await untranslated(page, { en, zh: zhCN })).toEqual([]);
    await screenshot(page, 'response-console-00-proposal-zh');
    await setLang(page, 'en');
    await page.reload();
    await proposed.first().waitFor({ timeout: 20_000 });
    expect(await page.locator(`[data-testid=response-proposal] tr[data-unit-id="${units[0]}"] td`).first().innerText()).toBe(sample[0]!.name);

    await page.locator('[data-action=dispatch-tasks]').click();
    const rows = page.locator('[data-testid=response-tasks] tr[data-task-id]');
    await page.locator('[data-testid=response-tasks] tr[data-task-id][data-state=dispatched]').first().waitFor({ timeout: 20_000 });
    const tasks = (await api<{ items: Task[] }>(p, 'GET', `/api/v1/tasks?alert=${encodeURIComponent(alert.id)}`)).body.items;
    expect(tasks.map((t) => t.unitId).sort()).toEqual([...units].sort());
    expect(await rows.count()).toBe(tasks.length);
    await screenshot(page, 'response-console-01-dispatched');

    // The first unit's crew lead accepts, is on site, sends a photo with a note, and is done.
    const crew = tasks[0]!;
    const token = await person(p, 'console-crew', 'responder', { unit: crew.unitId });
    for (const [path, body] of [['accept', {}], ['status', { state: 'en_route' }], ['status', { state: 'on_site' }]] as const) expect((await call(p, 'POST', `/api/v1/tasks/${crew.id}/${path}`, body, token)).status).toBe(200);
    const up = await fetch(`${p.http.url}/api/v1/media?taskId=${crew.id}&lon=${site.lon}&lat=${site.lat}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: PNG });
    const photo = ((await up.json()) as { id: string }).id;
    expect((await call(p, 'POST', `/api/v1/tasks/${crew.id}/reports`, { note: 'valve closed', mediaIds: [photo] }, token)).status).toBe(201);
    expect((await call(p, 'POST', `/api/v1/tasks/${crew.id}/status`, { state: 'done' }, token)).status).toBe(200);
    // The drone's pictures reach the task (the platform fetched them from the vehicle's camera).
    await expect.poll(async () => (await pictures(crew.id, 'drone')).length, { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(3);
    const drone = await pictures(crew.id, 'drone');

    // The console shows them: the task done, the crew's photo and the drone's pictures on the alert…
    await page.locator(`[data-testid=response-tasks] tr[data-task-id="${crew.id}"][data-state=done]`).waitFor({ timeout: 20_000 });
    const panel = page.locator('[data-testid=response-panel] [data-testid=response-photos]');
    await panel.locator(`figure[data-source=responder][data-media-id="${photo}"]`).waitFor({ timeout: 20_000 });
    for (const id of drone) await panel.locator(`figure[data-source=drone][data-media-id="${id}"] img`).waitFor({ timeout: 20_000 });
    await expect.poll(() => panel.locator('figure[data-source=drone] img').first().evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(320);
    // …and on the task, opened from its row.
    await page.locator(`[data-testid=response-tasks] tr[data-task-id="${crew.id}"] td`).first().click();
    const onTask = page.locator(`[data-testid=task-photos][data-task-id="${crew.id}"]`);
    await onTask.locator(`figure[data-source=responder][data-media-id="${photo}"]`).waitFor({ timeout: 20_000 });
    expect(await onTask.locator('figure[data-source=drone]').count()).toBe(drone.length);
    expect(await onTask.locator('figure[data-source=drone] figcaption').first().innerText()).toMatch(/\d+\.\d{5}, \d+\.\d{5}/);
    await onTask.scrollIntoViewIfNeeded();
    await screenshot(page, 'response-console-02-photos');

    // The leak is gone and the other units report done; the operator verifies every task in the console.
    await alert.publish({ ch4_lel: 0 });
    for (const t of tasks.slice(1)) {
      for (const [path, body] of [['accept', {}], ['status', { state: 'on_site' }], ['status', { state: 'done' }]] as const) expect((await api(p, 'POST', `/api/v1/tasks/${t.id}/${path}`, body)).status).toBe(200);
    }
    for (const t of tasks) {
      const row = page.locator(`[data-testid=response-tasks] tr[data-task-id="${t.id}"]`);
      await page.locator(`[data-testid=response-tasks] tr[data-task-id="${t.id}"][data-state=done]`).waitFor({ timeout: 20_000 });
      await row.locator('[data-action=verify]').click();
      await page.locator(`[data-testid=response-tasks] tr[data-task-id="${t.id}"][data-state=verified]`).waitFor({ timeout: 20_000 });
    }
    await page.locator('[data-testid=alert-detail][data-alert-status=resolved]').waitFor({ timeout: 20_000 });
    expect((await api<{ status: string }>(p, 'GET', `/api/v1/alerts/${encodeURIComponent(alert.id)}`)).body.status).toBe('resolved');
    await screenshot(page, 'response-console-03-resolved');
    await alert.close();
    expect(problems).toEqual([]);
  }, 300_000);
});
