/**
 * The console's device detail, administration and drone-operations additions in a real browser
 * (Debian's chromium through playwright-core) against the whole platform with simulated MAVLink docks:
 * create a person in the admin view and sign in as them; a rule edited with an invalid threshold shows
 * the error at its field; a device's readings chart switches raw ↔ downsampled and its secret rotates;
 * a completed mission's track is replayed on the map; a QGroundControl .plan file is imported and a
 * patrol is saved with its next firings. Screenshots of every view, in both languages, go to
 * .tmp/screenshots/; the zh-CN pass fails on any English catalog string or raw key left on screen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { en } from '../../console/src/i18n/en.js';
import { zhCN } from '../../console/src/i18n/zh-CN.js';
import { collectProblems, launchChromium, screenshot } from '../browser/chromium.js';
import { api, bootDemoPlatform, connectDevice, provision } from './helpers.js';
import { buildConsole, rendered, setLang, signIn as openAndSignIn, untranslated as leftOnScreen } from './console-page.js';

const ADMIN_PASSWORD = 'Console-e2e-Second-2026!';
const NEW_PASSWORD = 'Laoshan-operator-2026!';

let p: Platform;
let browser: Browser;

beforeAll(async () => {
  await buildConsole();
  ({ p } = await bootDemoPlatform({}, { CITYBRAIN_ADMIN_PASSWORD: ADMIN_PASSWORD }));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await p?.stop();
});

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await openAndSignIn(page, p.http.url + '/?testhook', username, password, 'en');
  await page.locator('[data-testid=overview], [data-testid=hall]').first().waitFor();
}


/** What a Chinese screen should not show (console-page.ts): English words and catalog strings, raw keys. */
const untranslated = (page: Page): Promise<string[]> => leftOnScreen(page, { en, zh: zhCN });

const go = (page: Page, hash: string) => page.evaluate((h) => ((globalThis as unknown as { location: { hash: string } }).location.hash = h), hash);

describe('e2e: console devices, administration and drone operations in chromium', () => {
  let page: Page;
  let problems: string[] = [];
  const shots: [string, string][] = [];

  it('creates a person in the admin view, who then signs in with the role and district given', async () => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    problems = collectProblems(page);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.locator('[data-nav=admin]').click();
    await page.locator('[data-testid=admin-users]').waitFor();
    const form = page.locator('[data-testid=user-create]');
    await form.locator('input[name=username]').fill('op-laoshan');
    await form.locator('input[name=password]').fill(NEW_PASSWORD);
    await form.locator('select[name=role]').selectOption('operator');
    await form.locator('input[type=checkbox][value="370212"]').check();
    await form.locator('button[type=submit]').click();
    await page.locator('[data-testid=user-table] tr[data-username=op-laoshan]').waitFor();
    shots.push(['#/admin/users', 'admin-users']);
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const op = await ctx.newPage();
    await signIn(op, 'op-laoshan', NEW_PASSWORD);
    expect(await op.locator('[data-testid=user]').textContent()).toContain(`op-laoshan (${en['role.operator']})`);
    // An operator may not manage people nor read the audit: those tabs are not offered.
    await op.locator('[data-nav=admin]').click();
    await op.locator('[data-testid=admin]').waitFor();
    expect(await op.locator('.tabs a').evaluateAll((as) => as.map((a) => a.getAttribute('data-tab')))).toEqual(['tokens', 'rules', 'silences']);
    await ctx.close();
    // The admin disables them: their sign-in is refused from now on.
    await page.locator('[data-testid=user-table] tr[data-username=op-laoshan] [data-testid=user-edit]').click();
    await page.locator('[data-testid=user-disable]').click();
    await page.locator('[data-testid=user-table] tr[data-username=op-laoshan][data-disabled=true]').waitFor();
    expect((await api(p, 'POST', '/api/v1/session', { username: 'op-laoshan', password: NEW_PASSWORD })).status).toBe(401);
  });

  it('shows an invalid threshold at its field, then saves the fixed rule as a new version', async () => {
    await go(page, '#/admin/rules/gas.ch4');
    const editor = page.locator('[data-testid=rule-editor][data-rule-id="gas.ch4"]');
    await editor.waitFor();
    const version = Number(await editor.getAttribute('data-version'));
    const orange = editor.locator('label[data-field="/levels/orange"] input');
    await orange.fill('5');
    await orange.dispatchEvent('change');
    await expect.poll(() => editor.locator('[data-testid=rule-json]').inputValue()).toMatch(/"orange": 5\b/);
    await editor.locator('[data-testid=rule-save]').click();
    const fieldError = editor.locator('label[data-field="/levels/orange"] [data-testid=field-error]');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toMatch(/yellow/);
    await screenshot(page, 'c2-rule-field-error');
    await orange.fill('30');
    await orange.dispatchEvent('change');
    await expect.poll(() => editor.locator('[data-testid=rule-json]').inputValue()).toMatch(/"orange": 30\b/);
    await editor.locator('[data-testid=rule-save]').click();
    await page.locator(`[data-testid=rule-editor][data-version="${version + 1}"]`).waitFor();
    expect(await fieldError.count()).toBe(0);
    // The Chinese name (what zh-CN messages and the rule list use) is edited beside the name, validated the same way.
    const nameZh = editor.locator('label[data-field="/name_zh"] input');
    await nameZh.fill('甲'.repeat(201));
    await nameZh.dispatchEvent('change');
    await editor.locator('[data-testid=rule-save]').click();
    await editor.locator('label[data-field="/name_zh"] [data-testid=field-error]').waitFor();
    await nameZh.fill('甲烷浓度（已调整）');
    await nameZh.dispatchEvent('change');
    await editor.locator('[data-testid=rule-save]').click();
    await page.locator(`[data-testid=rule-editor][data-version="${version + 2}"]`).waitFor();
    expect(await editor.locator('label[data-field="/name_zh"] [data-testid=field-error]').count()).toBe(0);
    expect(await page.evaluate(async () => ((await (await fetch('/api/v1/rules/gas.ch4')).json()) as { name_zh?: string }).name_zh)).toBe('甲烷浓度（已调整）');
    await editor.locator('[data-testid=backtest-run]').click();
    await expect.poll(() => page.locator('[data-testid=backtest]').getAttribute('data-alerts'), { timeout: 20_000 }).toMatch(/^\d+$/);
    shots.push(['#/admin/rules/gas.ch4', 'admin-rules']);
  });

  it('opens the audit log, silences and tokens', async () => {
    await go(page, '#/admin/audit');
    await page.locator('[data-testid=audit-table] tr[data-actor=admin]').first().waitFor();
    await page.locator('[data-testid=audit-outcome]').selectOption('failed');
    await expect.poll(async () => (await page.locator('[data-testid=audit-table] tbody tr').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-status'))))).every((s) => s >= 400), { timeout: 10_000 }).toBe(true);
    shots.push(['#/admin/audit', 'admin-audit']);
    await go(page, '#/admin/silences');
    await page.locator('[data-testid=silence-district]').selectOption('370202');
    await page.locator('[data-testid=silence-create] button[type=submit]').click();
    await page.locator('[data-testid=silence-table] tbody tr').first().waitFor();
    shots.push(['#/admin/silences', 'admin-silences']);
    // Each field of the form says what it is: no two labels alike (there were two "类型" in Chinese).
    for (const l of ['en', 'zh-CN'] as const) {
      await setLang(page, l);
      await page.reload();
      await page.locator('[data-testid=silence-create]').waitFor();
      const labels = await page.locator('[data-testid=silence-create] label').evaluateAll((ls) => ls.map((x) => (x.firstChild?.textContent ?? '').trim()));
      expect(new Set(labels).size, `${l}: ${labels.join(' | ')}`).toBe(labels.length);
    }
    await setLang(page, 'en');
    await page.reload();
    await page.locator('[data-testid=silence-create]').waitFor();
    await go(page, '#/admin/tokens');
    await page.locator('[data-testid=token-create] input[name=name]').fill('console-e2e');
    await page.locator('[data-testid=token-create] button[type=submit]').click();
    const value = (await page.locator('[data-testid=token-value] code').textContent())!;
    const res = await fetch(`${p.http.url}/api/v1/session`, { headers: { authorization: `Bearer ${value}` } });
    expect(res.status).toBe(200);
    shots.push(['#/admin/tokens', 'admin-tokens']);
  });

  it('charts a device’s readings raw and downsampled, and rotates its secret', async () => {
    const id = 'GW-DETAIL-1';
    const device = await connectDevice(p, await provision(p, id, 'gas', 120.39, 36.07));
    const now = Date.now();
    const samples = Array.from({ length: 30 }, (_, i) => ({ ts: now - (30 - i) * 60_000, metrics: { ch4_lel: 2 + (i % 5) } }));
    await device.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ samples }), { qos: 1 });
    await device.endAsync();
    await go(page, `#/devices/${id}`);
    const chart = page.locator('[data-testid=readings-chart]');
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await chart.getAttribute('data-mode')).toBe('downsampled');
    await page.locator('[data-testid=readings-raw]').check();
    await page.locator('[data-testid=readings-chart][data-mode=raw]').waitFor();
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 15_000 }).toBe(30);
    await page.locator('[data-testid=device-rotate]').click();
    const secret = await page.locator('[data-testid=device-secret] code').nth(1).textContent();
    expect(secret?.length).toBeGreaterThan(10);
    // The command form is there; its button is live only when the platform offers the route.
    const available = await page.locator('[data-testid=device-command]').getAttribute('data-available');
    const offered = Object.keys(((await api<{ paths: Record<string, unknown> }>(p, 'GET', '/openapi.json')).body).paths).some((x) => /devices\/\{id\}\/commands\/\{name\}/.test(x));
    expect(available).toBe(String(offered));
    shots.push([`#/devices/${id}`, 'device-detail']);
  });

  it('sends a command from the device page to a real MQTT device, which answers, and shows its reply and presence', async () => {
    const id = 'GW-CMD-1';
    const device = await connectDevice(p, await provision(p, id, 'gas', 120.4, 36.08));
    const received: { topic: string; body: unknown }[] = [];
    await device.subscribeAsync(`devices/${id}/commands/+`, { qos: 1 });
    // The device's firmware, as docs/contracts.md has it: do the self test, answer on `<topic>/reply`.
    device.on('message', (topic, payload) => {
      received.push({ topic, body: JSON.parse(payload.toString()) });
      device.publish(`${topic}/reply`, JSON.stringify({ ok: true, message: 'self test passed', data: { sensor: 'ok', battery_v: 3.61 } }), { qos: 1 });
    });
    await go(page, `#/devices/${id}`);
    await page.locator(`[data-testid=device-detail][data-device-id=${id}][data-state=ok]`).waitFor({ timeout: 15_000 });
    // Presence from the API's timeline: the connection just made is an online stretch, the newest.
    await expect.poll(() => page.locator('[data-testid=device-presence] li').first().getAttribute('data-online'), { timeout: 15_000 }).toBe('true');
    await page.locator('[data-testid=device-command][data-available=true]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid=device-command-name]').selectOption('selftest');
    await page.locator('[data-testid=device-command-send]').click();
    const result = page.locator('[data-testid=device-command-result]');
    await result.waitFor({ timeout: 20_000 });
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toContain('self test passed');
    expect(await result.textContent()).toContain('3.61');
    expect(received).toEqual([{ topic: `devices/${id}/commands/selftest`, body: expect.objectContaining({ params: {} }) }]);
    // Parameters from the box, checked by the platform against the contract before anything is sent.
    await page.locator('[data-testid=device-command-name]').selectOption('set_interval');
    await page.locator('[data-testid=device-command-params]').fill('{"seconds": 0}');
    await page.locator('[data-testid=device-command-send]').click();
    await page.locator('[data-testid=device-command-result][data-ok=false]').waitFor({ timeout: 15_000 });
    expect(received).toHaveLength(1);
    shots.push([`#/devices/${id}`, 'device-command']);
    await device.endAsync();
    const timeline = await api<{ intervals: { online: boolean }[] }>(p, 'GET', `/api/v1/devices/${id}/presence`);
    await expect
      .poll(async () => (await api<{ intervals: { online: boolean }[] }>(p, 'GET', `/api/v1/devices/${id}/presence`)).body.intervals.map((i) => i.online), { timeout: 15_000 })
      .toEqual([false, true, false]);
    expect(timeline.status).toBe(200);
  });

  it('replays a completed mission’s flown track on the map', async () => {
    const dock = p.demoDocks[0]!;
    const at = (await api<{ location: { lon: number; lat: number } }>(p, 'GET', `/api/v1/docks/${dock.dockId}`)).body.location;
    const d = await api<{ mission: { id: string } }>(p, 'POST', '/api/v1/missions/dispatch', { lon: at.lon + 0.003, lat: at.lat, priority: 'inspection', hoverS: 5 });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    const missionId = d.body.mission.id;
    await go(page, '#/drones');
    const row = page.locator(`[data-testid=mission-table] tr[data-mission-id="${missionId}"][data-status=completed]`);
    await row.waitFor({ timeout: 150_000 });
    await row.locator('[data-testid=mission-replay-open]').click();
    const replay = page.locator(`[data-testid=mission-replay][data-mission-id="${missionId}"]`);
    await expect.poll(async () => Number(await replay.getAttribute('data-points')), { timeout: 15_000 }).toBeGreaterThan(2);
    const start = Number(await replay.getAttribute('data-at'));
    await page.locator('[data-testid=replay-play]').click();
    await expect.poll(async () => Number(await replay.getAttribute('data-at')), { timeout: 15_000 }).toBeGreaterThan(start);
    await expect.poll(() => rendered(page, 'replay-drone'), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => rendered(page, 'replay-track'), { timeout: 10_000 }).toBeGreaterThan(0);
    await screenshot(page, 'c2-mission-replay');
    // The same mission exported as a .plan file and imported again: a checked waypoints plan.
    const plan = (await api<Record<string, unknown>>(p, 'GET', `/api/v1/missions/${missionId}/qgc-plan`)).body;
    await page.locator('[data-testid=qgc-file]').setInputFiles({ name: `mission-${missionId}.plan`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(plan)) });
    await page.locator('[data-testid=qgc-result]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid=qgc-result]').getAttribute('data-ok'), (await page.locator('[data-testid=qgc-result]').textContent()) ?? '').toBe('true');
    await expect.poll(() => rendered(page, 'plan'), { timeout: 10_000 }).toBeGreaterThan(0);
    await screenshot(page, 'c2-qgc-import');
  });

  it('saves the planner’s point as a patrol and lists its next firings', async () => {
    const dock = p.demoDocks[0]!;
    const at = (await api<{ location: { lon: number; lat: number } }>(p, 'GET', `/api/v1/docks/${dock.dockId}`)).body.location;
    await page.locator('[data-testid=planner-kind]').selectOption('point');
    await page.locator('[data-testid=planner-dock]').selectOption(dock.dockId);
    await page.evaluate(([lon, lat]) => (globalThis as unknown as { __cityMap: { map: { jumpTo(o: unknown): void } } }).__cityMap.map.jumpTo({ center: [lon, lat], zoom: 15 }), [at.lon, at.lat]);
    await page.locator('[data-testid=planner-draw]').click();
    const canvas = await page.locator('.drones .map canvas').boundingBox();
    const pt = await page.evaluate(([x, y]) => (globalThis as unknown as { __cityMap: { map: { project(c: [number, number]): { x: number; y: number } } } }).__cityMap.map.project([x!, y!]), [at.lon + 0.002, at.lat]);
    await page.mouse.click(canvas!.x + pt.x, canvas!.y + pt.y);
    await page.locator('[data-testid=patrol-cron]').fill('0 30 8 * * *');
    await page.locator('[data-testid=patrol-save]').click();
    const next = page.locator('[data-testid=patrol-table] tr [data-testid=patrol-next]').first();
    await next.waitFor({ timeout: 10_000 });
    expect((await next.textContent())?.match(/08:30:00 \+08:00/g)).toHaveLength(3);
    // Pause: no firings listed, and the scheduler holds no schedule for it; resume with a new cron.
    const row = page.locator('[data-testid=patrol-table] tr[data-patrol-id]').first();
    const id = await row.getAttribute('data-patrol-id');
    await row.locator('[data-testid=patrol-pause]').click();
    await page.locator(`[data-testid=patrol-table] tr[data-patrol-id="${id}"][data-paused=true]`).waitFor({ timeout: 10_000 });
    const listed = async () => (await api<{ items: { id: string; paused: boolean; cron: string; request: { pattern: { kind: string } } }[] }>(p, 'GET', '/api/v1/patrols')).body.items.find((x) => x.id === id);
    expect(await listed()).toMatchObject({ paused: true });
    await row.locator('[data-testid=patrol-edit]').click();
    await row.locator('[data-testid=patrol-edit-cron]').fill('0 15 18 * * *');
    await row.locator('[data-testid=patrol-save-cron]').click();
    await row.locator('[data-testid=patrol-pause]').click();
    await page.locator(`[data-testid=patrol-table] tr[data-patrol-id="${id}"][data-paused=false]`).waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await row.locator('[data-testid=patrol-next]').textContent())?.match(/18:15:00 \+08:00/g)?.length ?? 0, { timeout: 10_000 }).toBe(3);
    // A new area from the planner: a corridor drawn from the same dock replaces the point.
    await page.locator('[data-testid=planner-kind]').selectOption('corridor');
    await page.locator('[data-testid=planner-draw]').click();
    for (const dx of [0.001, 0.003]) {
      const q = await page.evaluate(([x, y]) => (globalThis as unknown as { __cityMap: { map: { project(c: [number, number]): { x: number; y: number } } } }).__cityMap.map.project([x!, y!]), [at.lon + dx, at.lat + 0.001]);
      await page.mouse.click(canvas!.x + q.x, canvas!.y + q.y);
    }
    await page.keyboard.press('Enter');
    await row.locator('[data-testid=patrol-area]:not([disabled])').click({ timeout: 10_000 });
    await expect.poll(async () => (await listed())?.request.pattern.kind, { timeout: 10_000 }).toBe('corridor');
    expect(await listed()).toMatchObject({ paused: false, cron: '0 15 18 * * *' });
    shots.push(['#/drones', 'drone-ops']);
  });

  it('shows every new view in English and in Chinese, with nothing left untranslated', async () => {
    for (const l of ['en', 'zh-CN'] as const) {
      await setLang(page, l);
      for (const [hash, name] of shots) {
        await go(page, hash);
        await page.reload();
        await page.locator('[data-testid=stream-state]').waitFor();
        await page.locator('main > .page').first().waitFor();
        await page.waitForLoadState('networkidle');
        if (l === 'zh-CN') expect(await untranslated(page), `${name} in zh-CN`).toEqual([]);
        await screenshot(page, `c2-${name}-${l}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
