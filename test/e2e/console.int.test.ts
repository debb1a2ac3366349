/**
 * The web console in a real browser (Debian's chromium through playwright-core), against the whole
 * platform with simulated MAVLink docks: sign in, an alert raised over MQTT appears on the map and in the
 * list without a reload, acknowledge and assign it from the keyboard (the timeline names the signed-in
 * person), dispatch a drone and follow it until the mission completes, a district operator sees only
 * their district, and the zh-CN/en switch leaves no string untranslated. Screenshots of every view go
 * to .tmp/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { en } from '../../console/src/i18n/en.js';
import { zhCN } from '../../console/src/i18n/zh-CN.js';
import { collectProblems, launchChromium, screenshot } from '../browser/chromium.js';
import { api, bootDemoPlatform, connectDevice, provision } from './helpers.js';
import { buildConsole, rendered, setLang, signIn as openAndSignIn, untranslated } from './console-page.js';

const ADMIN_PASSWORD = 'Console-e2e-Secret-2026!';
const OPERATOR_PASSWORD = 'Shibei-operator-2026!';

let p: Platform;
let browser: Browser;

beforeAll(async () => {
  await buildConsole();
  // 5× time (not the usual 25×): the inspection flight lasts long enough to see the drone move at 1 Hz.
  ({ p } = await bootDemoPlatform({}, { CITYBRAIN_ADMIN_PASSWORD: ADMIN_PASSWORD, CITYBRAIN_DEMO_SPEEDUP: '5' }));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await p?.stop();
});

const signIn = (page: Page, username: string, password: string) => openAndSignIn(page, p.http.url + '/?testhook', username, password);

/** Opens a view afresh (a reload: the language chosen with setLang applies from the page's start). */
async function open(page: Page, hash: string): Promise<void> {
  await page.goto(`${p.http.url}/?testhook${hash}`);
  await page.reload();
}

describe('e2e: the web console in chromium', () => {
  let alertId = '';
  let page: Page;
  let problems: string[] = [];

  it('signs in and shows the city overview with the map drawn', async () => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    problems = collectProblems(page);
    await page.goto(p.http.url + '/?testhook');
    await setLang(page, 'en');
    await page.reload();
    await screenshot(page, '01-login');
    await signIn(page, 'admin', 'wrong-password-123');
    await expect.poll(() => page.locator('[data-testid=login-error]').textContent()).toContain('Sign-in failed');
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.locator('[data-testid=overview]').waitFor();
    await page.locator('[data-testid=stream-state][data-state=live]').waitFor();
    await expect.poll(() => rendered(page, 'districts-fill'), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => rendered(page, 'docks'), { timeout: 20_000 }).toBeGreaterThan(0);
    await screenshot(page, '02-overview');
  });

  it('shows an alert raised over MQTT on the map and in the list without a reload', async () => {
    const dock = p.demoDocks.find((d) => d.district === '370202')!;
    const at = (await api<{ location: { lon: number; lat: number } }>(p, 'GET', `/api/v1/docks/${dock.dockId}`)).body.location;
    const id = 'GW-CONSOLE-1';
    const device = await connectDevice(p, await provision(p, id, 'gas', at.lon + 0.002, at.lat));
    const published = Date.now();
    await device.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ metrics: { ch4_lel: 60 } }), { qos: 1 });
    await device.endAsync();
    const row = page.locator('.latest li', { hasText: id });
    await row.waitFor({ timeout: 10_000 });
    await expect.poll(() => rendered(page, 'impacts-fill'), { timeout: 10_000 }).toBeGreaterThan(0);
    const seenMs = Date.now() - published;
    console.log(`console: alert on the map and in the list ${seenMs} ms after the publish was acknowledged (target < 2000 ms)`);
    expect(seenMs).toBeLessThan(10_000);
    await expect.poll(() => page.locator('[data-testid=open-red]').textContent()).toBe('1');
    alertId = (await api<{ items: { id: string }[] }>(p, 'GET', `/api/v1/alerts?deviceId=${id}`)).body.items[0]!.id;
    await page.locator('[data-nav=alerts]').click();
    await page.locator(`tr[data-alert-id="${alertId}"]`).waitFor();
    // Time filter: any status seen within the last hour is asked of the API with `from`, and lists it.
    const asked = page.waitForRequest((r) => r.url().includes('/api/v1/alerts?') && new URL(r.url()).searchParams.has('from'));
    await page.locator('[data-testid=filter-status]').selectOption('all');
    await page.locator('[data-testid=filter-time]').selectOption(String(3_600_000));
    expect(Number(new URL((await asked).url()).searchParams.get('from'))).toBeGreaterThan(Date.now() - 3_700_000);
    await page.locator(`tr[data-alert-id="${alertId}"]`).waitFor();
    await screenshot(page, '03-alerts');
    await page.locator('[data-testid=filter-time]').selectOption('0');
    await page.locator('[data-testid=filter-status]').selectOption('active');
  });

  it('acknowledges and assigns from the keyboard; the timeline names the signed-in person', async () => {
    await page.locator(`tr[data-alert-id="${alertId}"]`).click();
    await page.locator('[data-testid=alert-detail][data-alert-status=open]').waitFor();
    await page.keyboard.press('a');
    await page.locator('[data-testid=action-dialog] input').fill('crew on the way');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=alert-detail][data-alert-status=acknowledged]').waitFor();
    await page.keyboard.press('s');
    await page.locator('[data-testid=action-dialog] input').fill('crew-7');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid=assignee]').textContent()).toBe('crew-7');
    const actors = await page.locator('.timeline li[data-action=acknowledged] [data-testid=actor]').allTextContents();
    expect(actors).toEqual(['admin']);
    const audit = (await api<{ audit: { action: string; actor: string }[] }>(p, 'GET', `/api/v1/alerts/${encodeURIComponent(alertId)}`)).body.audit;
    expect(audit.filter((e) => e.action === 'acknowledged' || e.action === 'assigned').map((e) => e.actor)).toEqual(['admin', 'admin']);
    // Silence (m): this rule on this device, for 4 hours, by the signed-in person.
    await page.keyboard.press('m');
    await page.locator('[data-testid=action-dialog] input').fill('works on the main');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=action-message]', { hasText: 'Silenced until' }).waitFor({ timeout: 10_000 });
    const silences = (await api<{ items: { matchers: Record<string, string>; createdBy: string; comment: string }[] }>(p, 'GET', '/api/v1/silences')).body.items;
    expect(silences).toEqual([expect.objectContaining({ matchers: { ruleId: 'gas.ch4', deviceId: 'GW-CONSOLE-1' }, createdBy: 'admin', comment: 'works on the main' })]);
    await screenshot(page, '04-alert-detail');
  });

  it('dispatches a drone and follows it on the map until the mission completes', async () => {
    await page.keyboard.press('d');
    await page.locator('[data-testid=action-dialog] button[type=submit]').click();
    await expect.poll(() => page.locator('[data-testid=action-message]').textContent(), { timeout: 10_000 }).toMatch(/dispatched/);
    await page.locator('[data-nav=drones]').click();
    const airborne = page.locator('[data-testid=drone-table] tr[data-phase=in_flight]');
    await airborne.first().waitFor({ timeout: 60_000 });
    const positions: string[] = [];
    await expect
      .poll(
        async () => {
          positions.push(
            await page.evaluate(() => {
              const m = (globalThis as unknown as { __cityMap?: { map: { getLayer(id: string): unknown; queryRenderedFeatures(o: { layers: string[] }): { geometry: unknown }[] } } }).__cityMap;
              return m && m.map.getLayer('drones') ? JSON.stringify(m.map.queryRenderedFeatures({ layers: ['drones'] }).map((f) => f.geometry)) : '[]';
            }),
          );
          return new Set(positions.filter((x) => x !== '[]')).size;
        },
        { timeout: 60_000, interval: 250 },
      )
      .toBeGreaterThanOrEqual(2);
    await screenshot(page, '05-drone-in-flight');
    // The flown track stays drawn after the icon moved on.
    await expect.poll(() => rendered(page, 'tracks'), { timeout: 10_000 }).toBeGreaterThan(0);
    // On the overview (and the hall) a drone is a marker over the map, not a map feature: it moves there too.
    const flying = await airborne.first().getAttribute('data-drone-id');
    expect(flying).toBeTruthy();
    await page.locator('[data-nav=overview]').click();
    const marker = page.locator(`.fleet-drone[data-drone="${flying}"]`);
    await marker.waitFor({ timeout: 20_000 });
    const placed: string[] = [];
    await expect
      .poll(async () => {
        placed.push(await marker.evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform));
        return new Set(placed.filter((x) => x !== '')).size;
      }, { timeout: 30_000, interval: 250 })
      .toBeGreaterThanOrEqual(2);
    await screenshot(page, '05b-overview-drone-marker');
    await page.locator('[data-nav=drones]').click();
    await page.locator('[data-testid=mission-table] tr[data-status=completed]').first().waitFor({ timeout: 120_000 });
    await screenshot(page, '06-drone-ops');
  });

  it('shows the devices table and the hall mode', async () => {
    await page.locator('[data-nav=devices]').click();
    await page.locator('[data-device-id=GW-CONSOLE-1]').waitFor();
    await screenshot(page, '07-devices');
    await page.locator('[data-nav=hall]').click();
    await page.locator('[data-testid=hall]').waitFor();
    await expect.poll(() => rendered(page, 'districts-fill'), { timeout: 20_000 }).toBeGreaterThan(0);
    await screenshot(page, '08-hall');
  });

  it('switches every visible string between zh-CN and en', async () => {
    await page.locator('[data-nav=overview]').click();
    await page.locator('[data-testid=overview]').waitFor();
    await page.locator('[data-testid=lang-switch]').click();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang)).toBe('zh-CN');
    const text = await page.locator('body').innerText();
    // Every English catalog string that differs in Chinese must be gone, and no raw key may show.
    const leftovers = Object.entries(en)
      .filter(([k, v]) => zhCN[k as keyof typeof en] !== v && !v.includes('{') && v.length > 3)
      .filter(([, v]) => text.includes(v))
      .map(([k]) => k);
    expect(leftovers).toEqual([]);
    const rawKeys = Object.keys(en).filter((k) => text.includes(k));
    expect(rawKeys).toEqual([]);
    expect(text).toContain(zhCN['overview.dronesAirborne']);
    await expect.poll(() => rendered(page, 'districts-fill'), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await untranslated(page, { en, zh: zhCN })).toEqual([]);
    await screenshot(page, '09-overview-zh');
    await page.locator('[data-testid=lang-switch]').click();
    await expect.poll(() => page.locator('[data-nav=overview]').textContent()).toBe(en['nav.overview']);
    expect(problems).toEqual([]);
  });

  it('shows every view in Chinese with no English word or raw id a person would read', async () => {
    await setLang(page, 'zh-CN');
    const views: [string, string, string][] = [
      ['#/', '[data-testid=overview]', 'overview'],
      ['#/alerts', `tr[data-alert-id="${alertId}"]`, 'alerts'],
      [`#/alerts/${encodeURIComponent(alertId)}`, '[data-testid=timeline] li[data-action=dispatched]', 'alert-detail'],
      ['#/devices', '[data-device-id=GW-CONSOLE-1]', 'devices'],
      ['#/devices/GW-CONSOLE-1', '[data-testid=readings-chart][data-points]', 'device-detail'],
      ['#/drones', '[data-testid=mission-table] tr[data-status=completed]', 'drone-ops'],
      ['#/hall', '[data-testid=hall]', 'hall'],
    ];
    for (const [hash, ready, name] of views) {
      await open(page, hash);
      await page.locator(ready).first().waitFor({ timeout: 20_000 });
      await page.locator('[data-testid=stream-state][data-state=live]').waitFor();
      await page.waitForLoadState('networkidle');
      expect(await untranslated(page, { en, zh: zhCN }), `${name} in zh-CN`).toEqual([]);
      await screenshot(page, `zh-${name}`);
    }
    // The hall shows the whole city first, by that name.
    expect(await page.locator('[data-testid=hall-district]').textContent()).toBe(zhCN['hall.cycle'].replace('{district}', zhCN['hall.city']));
  });

  it('charts the trigger with a time axis in the console’s language and the city’s zone', async () => {
    await setLang(page, 'zh-CN');
    await open(page, `#/alerts/${encodeURIComponent(alertId)}`);
    const ticks = page.locator('[data-testid=alert-chart] [data-x-ticks]');
    await ticks.waitFor({ timeout: 20_000 });
    const labels = (await ticks.getAttribute('data-x-ticks'))!;
    // 19:05 and a Chinese date (12月3日) under the first tick: no "Dec 3", no "7:05pm".
    expect(labels).toMatch(/^\d{2}:\d{2}(:\d{2})?\n\d{1,2}月\d{1,2}日/);
    expect(labels).not.toMatch(/[ap]m|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec/i);
    // The legend's time (the cursor's) is the city's, with its offset.
    const box = (await page.locator('[data-testid=alert-chart] .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('[data-testid=alert-chart] .u-legend tr').first().textContent()).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+08:00/);
    await screenshot(page, 'zh-alert-chart');
  });

  it('keeps the menu on one line in hall mode on a big screen and a small one', async () => {
    for (const [width, height] of [[1920, 1080], [1280, 720]] as const) {
      for (const l of ['zh-CN', 'en'] as const) {
        await page.setViewportSize({ width, height });
        await setLang(page, l);
        await open(page, '#/hall');
        await page.locator('[data-testid=hall]').waitFor();
        const boxes = await page.locator('header.top nav a').evaluateAll((as) => as.map((a) => { const r = a.getBoundingClientRect(); return { top: Math.round(r.top), height: Math.round(r.height), lines: a.getClientRects().length }; }));
        expect(new Set(boxes.map((b) => b.top)).size, `${width}×${height} ${l}: ${JSON.stringify(boxes)}`).toBe(1);
        expect(boxes.every((b) => b.lines === 1 && b.height < 40), `${width}×${height} ${l}: ${JSON.stringify(boxes)}`).toBe(true);
        const header = (await page.locator('header.top').boundingBox())!;
        expect(header.height, `${width}×${height} ${l}`).toBeLessThan(50);
        await screenshot(page, `hall-${width}x${height}-${l}`);
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await setLang(page, 'en');
    await open(page, '#/');
    await page.locator('[data-testid=overview]').waitFor();
  });

  it('draws a corridor through a no-fly zone and shows the refusal highlighted', async () => {
    const dock = p.demoDocks.find((d) => d.district === '370202')!;
    const at = (await api<{ location: { lon: number; lat: number } }>(p, 'GET', `/api/v1/docks/${dock.dockId}`)).body.location;
    const [x0, x1, y0, y1] = [at.lon + 0.004, at.lon + 0.005, at.lat - 0.002, at.lat + 0.002];
    const zone = { type: 'Feature', id: 'console-e2e-zone', geometry: { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] }, properties: { name: 'e2e zone', floorM: 0, ceilingM: 500 } };
    expect((await api(p, 'POST', '/api/v1/airspace/zones', zone)).status).toBe(201);
    await page.reload();
    await page.locator('[data-nav=drones]').click();
    await page.locator('[data-testid=planner]').waitFor();
    // The sample airport zone is a circle (a Point with radiusM in GET /airspace): drawn on the city view too.
    const zoneIds = () => page.evaluate(() => (globalThis as unknown as { __cityMap: { map: { queryRenderedFeatures(o: unknown): { properties: { id?: string } }[] } } }).__cityMap.map.queryRenderedFeatures({ layers: ['zones-fill'] }).map((f) => f.properties.id));
    await expect.poll(zoneIds, { timeout: 20_000 }).toContain('sample-jiaodong-airport');
    await page.locator('[data-testid=planner-kind]').selectOption('corridor');
    await page.locator('[data-testid=planner-dock]').selectOption(dock.dockId);
    await page.evaluate(([lon, lat]) => (globalThis as unknown as { __cityMap: { map: { jumpTo(o: unknown): void } } }).__cityMap.map.jumpTo({ center: [lon, lat], zoom: 15 }), [at.lon + 0.004, at.lat]);
    await page.locator('[data-testid=planner-draw]').click();
    const canvas = await page.locator('.drones .map canvas').boundingBox();
    for (const lon of [at.lon + 0.001, at.lon + 0.008]) {
      const pt = await page.evaluate(([x, y]) => (globalThis as unknown as { __cityMap: { map: { project(c: [number, number]): { x: number; y: number } } } }).__cityMap.map.project([x!, y!]), [lon, at.lat]);
      await page.mouse.click(canvas!.x + pt.x, canvas!.y + pt.y);
    }
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=planner-validate]').click();
    await page.locator('[data-testid=planner-result][data-ok=false]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=planner-result]').textContent()).toContain('e2e zone');
    await expect.poll(() => rendered(page, 'highlight-line'), { timeout: 10_000 }).toBeGreaterThan(0);
    await screenshot(page, '11-planner-refused');
  });

  it('shows a district operator their district only', async () => {
    const created = await api(p, 'POST', '/api/v1/users', { username: 'op-shibei', password: OPERATOR_PASSWORD, role: 'operator', districts: ['370203'] });
    expect(created.status).toBe(201);
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const op = await ctx.newPage();
    // The sign-in page in Chinese too, before anyone is signed in.
    await op.goto(`${p.http.url}/?testhook`);
    await setLang(op, 'zh-CN');
    await op.reload();
    await op.locator('form[data-testid=login-form]').waitFor();
    expect(await untranslated(op, { en, zh: zhCN }), 'login in zh-CN').toEqual([]);
    await screenshot(op, 'zh-login');
    await setLang(op, 'en');
    await signIn(op, 'op-shibei', OPERATOR_PASSWORD);
    await op.locator('[data-testid=overview]').waitFor();
    await expect.poll(() => op.locator('[data-testid=open-red]').textContent()).toBe('0');
    // Drone operations are city-level (drones:read is never district-scoped): no tab for it.
    expect(await op.locator('[data-nav=drones]').count()).toBe(0);
    await expect.poll(() => rendered(op, 'districts-fill'), { timeout: 20_000 }).toBeGreaterThan(0);
    await screenshot(op, '10-district-operator-overview');
    await op.locator('[data-nav=alerts]').click();
    await op.locator('[data-testid=alert-list]').waitFor();
    expect(await op.locator(`tr[data-alert-id="${alertId}"]`).count()).toBe(0);
    await screenshot(op, '10-district-operator-alerts');
    await op.goto(`${p.http.url}/#/alerts/${encodeURIComponent(alertId)}`);
    await op.locator('[data-testid=alert-not-found]').waitFor();
    await screenshot(op, '10-district-operator');
    // The same operator's overview in Chinese, for people to look at (the zh-CN check itself is above).
    await setLang(op, 'zh-CN');
    await op.goto(`${p.http.url}/?testhook#/`);
    await op.reload();
    await op.locator('[data-testid=overview]').waitFor();
    await expect.poll(() => rendered(op, 'districts-fill'), { timeout: 20_000 }).toBeGreaterThan(0);
    await screenshot(op, '10-district-operator-overview-zh');
    await ctx.close();
  });
});
