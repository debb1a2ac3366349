/**
 * The responder's phone and the operator's response panel in a real browser (Debian's chromium through
 * playwright-core, phone size 390×844 with touch), against the whole platform: an operator dispatches the
 * alert's tasks in one click; a responder sees theirs, accepts, reports "on site" while offline (queued on
 * the phone), and on reconnection the action is replayed exactly once (the task's history says so); a photo
 * goes up over tus and resumes from the server's offset after a dropped chunk; the task is marked done; the
 * operator verifies it and sees the photo. A responder cannot open another unit's task. Screenshots of both
 * pages in both languages go to .tmp/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { en } from '../../console/src/i18n/en.js';
import { zhCN } from '../../console/src/i18n/zh-CN.js';
import { SCREENSHOTS, collectProblems, launchChromium, screenshot } from '../browser/chromium.js';
import { buildConsole, setLang, signIn as openAndSignIn, untranslated as leftOnScreen } from './console-page.js';
import { TOKEN, api, bootPlatform, connectDevice, provision } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ADMIN_PASSWORD = 'Phone-e2e-Secret-2026!';
const CREW_PASSWORD = 'Field-crew-Secret-2026!';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

const CJK = /[\u4e00-\u9fff]/;
type Texts = Record<'zh-CN' | 'en', string>;

interface TaskBody {
  id: string;
  unitId: string;
  state: string;
  titles: Texts;
  instructionsByLang: Texts;
  alert: { messages: Texts };
  history: { state: string; at: string; clientAt?: string; by: string }[];
  reports: { mediaIds: string[]; note?: string }[];
}

let p: Platform;
let browser: Browser;

beforeAll(async () => {
  await buildConsole();
  p = await bootPlatform({ CITYBRAIN_ADMIN_PASSWORD: ADMIN_PASSWORD });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await p?.stop();
});

const signIn = (page: Page, username: string, password: string) => openAndSignIn(page, p.http.url + '/', username, password, 'en');

/** A full-page screenshot (the phone page is taller than the screen). */
async function fullShot(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-full.png`), fullPage: true });
}

/** A camera-sized JPEG made by chromium's own encoder: 2400×1800, over the phone's resize limit. */
async function cameraJpeg(page: Page): Promise<Buffer> {
  // Runs in the page (a string: this file is compiled without the DOM library).
  const bytes = await page.evaluate<number[]>(`(async () => {
    const c = document.createElement('canvas');
    c.width = 2400;
    c.height = 1800;
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 2400, 1800);
    grad.addColorStop(0, '#3b6e8f');
    grad.addColorStop(1, '#c9a46b');
    g.fillStyle = grad;
    g.fillRect(0, 0, 2400, 1800);
    for (let i = 0; i < 4000; i++) {
      g.fillStyle = 'hsl(' + ((i * 37) % 360) + ' 60% ' + (30 + (i % 40)) + '%)';
      g.fillRect((i * 7919) % 2400, (i * 104729) % 1800, 24, 24);
    }
    g.fillStyle = '#fff';
    g.font = 'bold 120px sans-serif';
    g.fillText('valve V-12 closed', 200, 900);
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.95));
    return [...new Uint8Array(await blob.arrayBuffer())];
  })()`);
  return Buffer.from(bytes);
}

async function task(id: string): Promise<TaskBody> {
  const r = await api<TaskBody>(p, 'GET', `/api/v1/tasks/${encodeURIComponent(id)}`);
  expect(r.status).toBe(200);
  return r.body;
}

const untranslated = (page: Page): Promise<string[]> => leftOnScreen(page, { en, zh: zhCN });

/** A second gas alert, its gas repair step given to `unitId` by the operator; returns the new task's id. */
async function secondAlertTaskFor(unitId: string): Promise<string> {
  const id = 'GW-PHONE-2';
  const device = await connectDevice(p, await provision(p, id, 'gas', 120.3846, 36.0681));
  await device.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ metrics: { ch4_lel: 60 } }), { qos: 1 });
  await device.endAsync();
  await expect.poll(async () => (await api<{ items: { id: string }[] }>(p, 'GET', `/api/v1/alerts?deviceId=${id}`)).body.items.length, { timeout: 10_000 }).toBe(1);
  const alert = encodeURIComponent((await api<{ items: { id: string }[] }>(p, 'GET', `/api/v1/alerts?deviceId=${id}`)).body.items[0]!.id);
  const proposal = (await api<{ proposal: { unitType: string }[] }>(p, 'GET', `/api/v1/alerts/${alert}/response`)).body.proposal;
  const step = proposal.find((x) => x.unitType === 'gas_repair')!;
  const d = await api<{ tasks: { id: string; unitId: string }[] }>(p, 'POST', `/api/v1/alerts/${alert}/response/dispatch`, { tasks: [{ ...step, unitId }] });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  return d.body.tasks[0]!.id;
}

describe('e2e: the responder phone and the response panel in chromium', () => {
  let alertId = '';
  let taskId = '';
  let unitId = '';
  let otherTaskId = '';
  let operator: Page;
  let phone: Page;
  let phoneCtx: BrowserContext;
  let problems: string[] = [];

  it('an operator sees the computed response and dispatches it in one click', async () => {
    // The sample city's units (the demo start loads the same file).
    const imported = await fetch(`${p.http.url}/api/v1/response/resources/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/geo+json' },
      body: readFileSync(join(ROOT, 'response', 'sample', 'qingdao-response.geojson'), 'utf8'),
    });
    expect(imported.status).toBe(200);
    const id = 'GW-PHONE-1';
    const device = await connectDevice(p, await provision(p, id, 'gas', 120.3826, 36.0671));
    await device.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ metrics: { ch4_lel: 60 } }), { qos: 1 });
    await device.endAsync();
    await expect.poll(async () => (await api<{ items: { id: string }[] }>(p, 'GET', `/api/v1/alerts?deviceId=${id}`)).body.items.length, { timeout: 10_000 }).toBe(1);
    alertId = (await api<{ items: { id: string }[] }>(p, 'GET', `/api/v1/alerts?deviceId=${id}`)).body.items[0]!.id;

    operator = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    problems = collectProblems(operator);
    await signIn(operator, 'admin', ADMIN_PASSWORD);
    await operator.locator('[data-testid=overview]').waitFor();
    await operator.goto(`${p.http.url}/#/alerts/${encodeURIComponent(alertId)}`);
    await operator.locator('[data-testid=response-proposal] tr[data-unit-id]').first().waitFor({ timeout: 15_000 });
    await operator.locator('[data-action=dispatch-tasks]').click();
    await operator.locator('[data-testid=response-tasks] tr[data-task-id]').first().waitFor({ timeout: 15_000 });
    const rows = operator.locator('[data-testid=response-tasks] tr[data-task-id][data-state=dispatched]');
    expect(await rows.count()).toBeGreaterThanOrEqual(1);
    const tasks = (await api<{ items: { id: string; unitId: string; required?: boolean }[] }>(p, 'GET', `/api/v1/tasks?alert=${encodeURIComponent(alertId)}`)).body.items;
    expect(tasks.length).toBeGreaterThanOrEqual(2);
    [taskId, unitId] = [tasks[0]!.id, tasks[0]!.unitId];
    otherTaskId = tasks.find((x) => x.unitId !== unitId)!.id;
    await fullShot(operator, 'responder-01-response-panel');
  });

  it('a responder signs in on a phone and sees the dispatched task', async () => {
    expect((await api(p, 'POST', '/api/v1/users', { username: 'crew-a', password: CREW_PASSWORD, role: 'responder', unit: unitId })).status).toBe(201);
    phoneCtx = await browser.newContext(PHONE);
    phone = await phoneCtx.newPage();
    problems.push(...collectProblems(phone));
    await signIn(phone, 'crew-a', CREW_PASSWORD);
    await phone.locator(`[data-testid=task-list] [data-task-id="${taskId}"][data-state=dispatched]`).waitFor({ timeout: 20_000 });
    // Only the own unit's tasks are listed.
    expect(await phone.locator(`[data-task-id="${otherTaskId}"]`).count()).toBe(0);
    // The page follows the unit's event stream (not the 15 s poll): new work arrives without a reload.
    await phone.locator('[data-testid=connection][data-liveness=live]').waitFor({ timeout: 20_000 });
    const second = await secondAlertTaskFor(unitId);
    await phone.locator(`[data-testid=task-list] [data-task-id="${second}"][data-state=dispatched]`).waitFor({ timeout: 20_000 });
    await phone.locator('[data-testid=connection][data-liveness=live]').waitFor();
    await fullShot(phone, 'responder-02-phone-tasks-en');
    await phone.locator(`[data-task-id="${taskId}"]`).click();
    await phone.locator('[data-testid=task-detail][data-state=dispatched]').waitFor();
    // A picture attached to the task by someone else (the operator here, a drone in the field) appears on the open page.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    const sent = await fetch(`${p.http.url}/api/v1/media?taskId=${encodeURIComponent(taskId)}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'image/png' }, body: png });
    const pictureId = ((await sent.json()) as { id: string }).id;
    await phone.locator(`[data-testid=task-photos] figure[data-media-id="${pictureId}"]`).waitFor({ timeout: 20_000 });
    const geo = await phone.locator('[data-testid=navigate]').getAttribute('href');
    expect(geo).toMatch(/^geo:-?\d+(\.\d+)?,-?\d+(\.\d+)?/);
    await fullShot(phone, 'responder-03-phone-task-en');
  });

  it('accepts; "on site" reported offline is queued, then replayed exactly once when back online', async () => {
    await phone.locator('[data-action=accept]').click();
    await expect.poll(async () => (await task(taskId)).state, { timeout: 15_000 }).toBe('accepted');
    await phone.locator('[data-testid=task-detail][data-state=accepted]').waitFor();
    await phone.locator('[data-action=en_route]').click();
    await expect.poll(async () => (await task(taskId)).state, { timeout: 15_000 }).toBe('en_route');
    // The page, too, has taken the answer in before the phone goes offline (the server's state alone can run ahead of it).
    await phone.locator('[data-testid=task-detail][data-state=en_route]').waitFor();

    await phoneCtx.setOffline(true);
    await phone.locator('[data-action=on_site]').click();
    await phone.locator('[data-testid=connection][data-online=false][data-waiting="1"]').waitFor({ timeout: 10_000 });
    await phone.locator('[data-testid=outbox] li[data-kind=status][data-state=queued]').waitFor();
    await phone.locator('[data-testid=task-detail] [data-testid=task-state][data-state=on_site][data-pending=true]').first().waitFor();
    await fullShot(phone, 'responder-04-phone-offline-queued-en');
    expect((await task(taskId)).state).toBe('en_route');

    await phoneCtx.setOffline(false);
    await phone.locator('[data-testid=outbox] li[data-kind=status][data-state=sent]').last().waitFor({ timeout: 30_000 });
    await phone.locator('[data-testid=connection][data-online=true][data-waiting="0"]').waitFor();
    const t = await task(taskId);
    expect(t.state).toBe('on_site');
    const onSite = t.history.filter((e) => e.state === 'on_site');
    expect(onSite).toHaveLength(1);
    // The phone's time of the tap, before it came back online, is kept beside the server's.
    expect(onSite[0]!.clientAt).toBeDefined();
    expect(Date.parse(onSite[0]!.clientAt!)).toBeLessThanOrEqual(Date.parse(onSite[0]!.at));
  });

  it('uploads a camera photo over tus, resuming from the server offset after a dropped chunk, and marks done', async () => {
    const patches: string[] = [];
    let heads = 0;
    let dropped = false;
    await phone.route('**/api/v1/uploads/**', async (route) => {
      const req = route.request();
      if (req.method() === 'HEAD') heads++;
      if (req.method() === 'PATCH') {
        patches.push(req.headers()['upload-offset'] ?? '?');
        // The link drops during the second chunk: the bytes never reach the server.
        if (patches.length === 2 && !dropped) {
          dropped = true;
          return route.abort('connectionreset');
        }
      }
      return route.continue();
    });
    await phone.locator('[data-testid=photo-input]').setInputFiles({ name: 'site.jpg', mimeType: 'image/jpeg', buffer: await cameraJpeg(phone) });
    await phone.locator('[data-testid=report-form] textarea[name=note]').fill('Valve V-12 closed, no gas left at the manhole');
    await fullShot(phone, 'responder-05-phone-photo-en');
    await phone.locator('[data-action=done]').click();
    await expect.poll(async () => (await task(taskId)).state, { timeout: 60_000 }).toBe('done');
    const t = await task(taskId);
    expect(t.reports).toHaveLength(1);
    expect(t.reports[0]!.mediaIds).toHaveLength(1);
    expect(t.history.filter((e) => e.state === 'done')).toHaveLength(1);
    // Resumed, not restarted: one PATCH from 0, the dropped offset sent again after a HEAD.
    expect(dropped).toBe(true);
    expect(patches.filter((o) => o === '0')).toHaveLength(1);
    expect(patches[2]).toBe(patches[1]);
    expect(heads).toBeGreaterThanOrEqual(2);
    const media = await fetch(`${p.http.url}/api/v1/media/${t.reports[0]!.mediaIds[0]}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(media.headers.get('content-type')).toBe('image/jpeg');
    await phone.locator('[data-testid=task-reports] img').first().waitFor({ timeout: 15_000 });
    await fullShot(phone, 'responder-06-phone-done-en');
  });

  it('the operator verifies the task in the alert detail and sees the photo', async () => {
    await operator.reload();
    const row = operator.locator(`[data-testid=response-tasks] tr[data-task-id="${taskId}"]`);
    await operator.locator(`[data-testid=response-tasks] tr[data-task-id="${taskId}"][data-state=done]`).waitFor({ timeout: 15_000 });
    const photo = operator.locator('[data-testid=response-photos] figure[data-source=responder] img').first();
    await photo.waitFor();
    await expect.poll(() => photo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await row.locator('td').first().click();
    await operator.locator('[data-testid=task-history] li[data-state=on_site]').waitFor();
    await row.locator('[data-action=verify]').click();
    await operator.locator(`[data-testid=response-tasks] tr[data-task-id="${taskId}"][data-state=verified]`).waitFor({ timeout: 15_000 });
    expect((await task(taskId)).history.map((e) => e.state)).toEqual(['dispatched', 'accepted', 'en_route', 'on_site', 'done', 'verified']);
    await operator.locator('[data-testid=response-photos]').scrollIntoViewIfNeeded();
    await fullShot(operator, 'responder-07-response-panel-verified-en');
    await setLang(operator, 'zh-CN');
    await operator.reload();
    await operator.locator('[data-testid=response-photos]').waitFor();
    await operator.locator('[data-testid=timeline] li[data-action=dispatched]').waitFor();
    // The whole alert page: the timeline names people (a photo's uploader is recorded by id), the plan's tasks read in Chinese.
    expect(await untranslated(operator)).toEqual([]);
    expect(await operator.locator('[data-testid=timeline] [data-testid=actor]').allTextContents()).not.toContainEqual(expect.stringMatching(/^u_/));
    expect(await operator.locator('[data-testid=timeline] li[data-action="media.attached"] [data-testid=actor]').allTextContents()).toContain('crew-a');
    // The note the platform wrote on the picture is on screen (not quoted, so checked above) in Chinese, its time in the city's zone.
    const notes = await operator.locator('[data-testid=timeline] li[data-action="media.attached"] [data-testid=system-note]').allTextContents();
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes) expect(n).toMatch(/^(处置人员|值班员)照片 .*，拍摄于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00$/);
    expect(notes).toContainEqual(expect.stringMatching(/^处置人员照片 .*，处置任务 /));
    const alertIn = async (language: string) => operator.evaluate(async ([id, l]) => (await (await fetch(`/api/v1/alerts/${encodeURIComponent(id!)}`, { headers: { 'accept-language': l! } })).json()) as { audit: { action: string; note?: string; detail?: { code: string } }[] }, [alertId, language]);
    const attached = (await alertIn('zh-CN')).audit.filter((e) => e.action === 'media.attached');
    expect(attached.map((e) => [e.detail?.code, e.note])).toContainEqual(['picture', expect.stringMatching(/^处置人员照片 .*，处置任务 /)]);
    expect((await alertIn('en')).audit.filter((e) => e.action === 'media.attached').map((e) => e.note)).toContainEqual(expect.stringMatching(/^responder picture .* for task .*, taken .*\+08:00$/));
    const { titles } = await task(taskId);
    expect(titles['zh-CN']).toMatch(CJK);
    expect(await operator.locator(`[data-testid=response-tasks] tr[data-task-id="${taskId}"] td`).nth(1).textContent()).toContain(titles['zh-CN']);
    // The task's unit by its Chinese name (the sample's name_zh), on screen and so checked above for English.
    const { name_zh } = (await api<{ name_zh: string }>(p, 'GET', `/api/v1/response/resources/${encodeURIComponent(unitId)}`)).body;
    expect(name_zh).toMatch(/（示例）$/);
    expect(await operator.locator(`[data-testid=response-tasks] tr[data-task-id="${taskId}"] [data-testid=task-unit]`).innerText()).toBe(name_zh);
    await fullShot(operator, 'responder-08-response-panel-zh');
  });

  it('shows the phone page in Chinese with every string translated', async () => {
    await setLang(phone, 'zh-CN');
    await phone.goto(`${p.http.url}/#/`);
    await phone.reload();
    await phone.locator(`[data-testid=task-list] [data-task-id="${taskId}"]`).waitFor();
    expect(await untranslated(phone)).toEqual([]);
    // The header names the unit (its resource's Chinese name, name_zh), not its id.
    const unit = (await api<{ name: string; name_zh: string }>(p, 'GET', `/api/v1/response/resources/${encodeURIComponent(unitId)}`)).body;
    expect(unit.name_zh).toMatch(CJK);
    expect(await phone.locator('[data-testid=responder-unit]').textContent()).toBe(zhCN['responder.unit'].replace('{unit}', unit.name_zh));
    // A long name wraps in the header: the phone page never scrolls sideways.
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await fullShot(phone, 'responder-09-phone-tasks-zh');
    await phone.locator(`[data-task-id="${taskId}"]`).click();
    await phone.locator('[data-testid=task-detail]').waitFor();
    expect(await untranslated(phone)).toEqual([]);
    // The plan's title and instructions, and the alert's message, in Chinese: the task carries every language.
    const both = await task(taskId);
    expect([both.titles['zh-CN'], both.instructionsByLang['zh-CN'], both.alert.messages['zh-CN']]).toEqual([expect.stringMatching(CJK), expect.stringMatching(CJK), expect.stringMatching(CJK)]);
    expect(await phone.locator('[data-testid=task-detail] h2').textContent()).toBe(both.titles['zh-CN']);
    expect(await phone.locator('[data-testid=task-detail] .r-instructions').textContent()).toBe(both.instructionsByLang['zh-CN']);
    expect(await phone.locator('[data-testid=task-detail] .r-alert').textContent()).toContain(both.alert.messages['zh-CN']);
    // The same through the API, by Accept-Language, and on the printable daily report.
    const zh = await phone.evaluate(async (id) => (await (await fetch(`/api/v1/tasks/${encodeURIComponent(id)}`, { headers: { 'accept-language': 'zh-CN' } })).json()) as { title: string; instructions: string; unitName: string; alert: { message: string } }, taskId);
    expect(zh).toMatchObject({ title: both.titles['zh-CN'], instructions: both.instructionsByLang['zh-CN'], unitName: unit.name_zh, alert: { message: both.alert.messages['zh-CN'] } });
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const report = await operator.evaluate(async (d) => (await fetch(`/api/v1/response/report?date=${d}`, { headers: { 'accept-language': 'zh-CN' } })).text(), day);
    expect(report).toContain(`应急响应日报 ${day}`);
    expect(report).toContain(both.titles['zh-CN']);
    // The units by their Chinese names: in the task list and in the figures per unit.
    expect(report).toContain(`<td>${unit.name_zh}</td>`);
    expect(report).toContain(`${unit.name_zh} (${unitId})`);
    expect(report).not.toContain(unit.name);
    await fullShot(phone, 'responder-10-phone-task-zh');
  });

  it("a responder cannot open another unit's task", async () => {
    await phone.goto(`${p.http.url}/#/tasks/${encodeURIComponent(otherTaskId)}`);
    await phone.locator('[data-testid=task-not-found]').waitFor();
    const status = await phone.evaluate(async (id) => (await fetch(`/api/v1/tasks/${encodeURIComponent(id)}`)).status, otherTaskId);
    expect(status).toBe(404);
    const csrf = await phone.evaluate(async () => ((await (await fetch('/api/v1/session')).json()) as { csrfToken: string }).csrfToken);
    const accept = await phone.evaluate(
      async ([id, token]) => (await fetch(`/api/v1/tasks/${encodeURIComponent(id!)}/accept`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token! }, body: '{}' })).status,
      [otherTaskId, csrf],
    );
    expect(accept).toBe(404);
    expect((await task(otherTaskId)).state).toBe('dispatched');
    await fullShot(phone, 'responder-11-phone-other-unit');
    await phoneCtx.close();
    expect(problems).toEqual([]);
  });
});
