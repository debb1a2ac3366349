/**
 * The console's drone operations for a drone that landed away from its dock, in a real browser (Debian's
 * chromium through playwright-core) against the demo platform with simulated MAVLink docks: the drone's row
 * says "landed away — at an alternate site" (both languages), a dispatcher's "Fly home" sends the ferry
 * flight (`POST /drones/{id}/ferry`), and the row ends docked, live from the stream.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { en } from '../../console/src/i18n/en.js';
import { zhCN } from '../../console/src/i18n/zh-CN.js';
import { collectProblems, launchChromium, screenshot } from '../browser/chromium.js';
import { bootDemoPlatform } from './helpers.js';
import { buildConsole, setLang, signIn } from './console-page.js';
import { distM, droneOf, landAtNeighbour } from './land-away.js';

const ADMIN_PASSWORD = 'Console-ferry-Secret-2026!';

let p: Platform;
let browser: Browser;

beforeAll(async () => {
  await buildConsole();
  ({ p } = await bootDemoPlatform({}, { CITYBRAIN_ADMIN_PASSWORD: ADMIN_PASSWORD, CITYBRAIN_DEMO_DOCKS: '2' }));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await p?.stop();
});

describe('e2e: console — fly a drone landed away home', () => {
  it('shows the drone landed away with a "Fly home" action; clicking it brings the drone back docked', { timeout: 180_000 }, async () => {
    const { home, a } = await landAtNeighbour(p);
    const page: Page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems = collectProblems(page);
    await signIn(page, p.http.url + '/?testhook', 'admin', ADMIN_PASSWORD, 'zh-CN');
    await page.locator('[data-testid=overview], [data-testid=hall]').first().waitFor();
    await page.locator('[data-nav=drones]').click();
    const row = page.locator(`[data-testid=drone-table] tr[data-drone-id="${home.droneId}"]`);
    await row.and(page.locator('[data-phase=landed]')).waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain(zhCN['drones.landedAway']);
    expect(await row.locator('[data-testid=drone-fly-home]').textContent()).toBe(zhCN['drones.flyHome']);
    // Only the drone landed away offers it.
    expect(await page.locator('[data-testid=drone-fly-home]').count()).toBe(1);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'ferry-01-landed-away-zh');

    await setLang(page, 'en');
    await page.reload();
    await page.locator('[data-nav=drones]').click();
    await row.and(page.locator('[data-phase=landed]')).waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain(en['drones.landedAway']);
    await row.locator('[data-testid=drone-fly-home]').click();
    await page.locator('[data-testid=fly-home-notice][data-ok=true]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=fly-home-notice]').textContent()).toContain(home.dockId);
    await row.and(page.locator('[data-phase=docked]')).waitFor({ timeout: 90_000 });
    expect(await row.locator('[data-testid=drone-fly-home]').count()).toBe(0);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'ferry-02-docked-en');
    const drone = await droneOf(p, home.droneId);
    expect(drone.phase).toBe('docked');
    expect(distM(drone.position!, a)).toBeLessThan(10);
    const ferries = (await p.droneOps.service.listMissions({ dockId: home.dockId })).filter((m) => m.kind === 'ferry');
    expect(ferries.map((m) => m.status)).toEqual(['completed']);
    expect(problems).toEqual([]);
  });
});
