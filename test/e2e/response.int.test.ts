/**
 * Emergency response end to end over HTTP, MQTT and MAVLink (docs/response.md): the `gas-leak` and
 * `waterlogging` scenarios on the demo platform (simulated MAVLink drones over loopback UDP). Alert →
 * plan → the nearest units proposed (checked against distances computed here) → one-click dispatch → each
 * unit notified through a real signed-webhook receiver and an MQTT integration client (and the SMS port) →
 * a responder (a person with role responder) accepts and reports over HTTP with a photo upload → the
 * plan's drone inspection photographs the site and its pictures are attached to the alert and to every
 * task, with position and time → tasks verified → the alert resolves once its condition has cleared;
 * the KPIs show the times. Idempotent replays, scope and bad input on the way.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { WebhookReceiver } from '../../rules-engine/notify/testing.js';
import { api, bootDemoPlatform, TOKEN } from './helpers.js';
import { addUnit, call, clearResources, metresBetween, near, person, PNG, raiseAlert, siteNearDemoDock } from './response-helpers.js';

interface Task { id: string; title: string; instructions: string; unitId: string; unitType: string; state: string; alertId: string; mapsUrl: string; required: boolean; alert: { message: string } }
interface Media { id: string; source: string; taskId?: string; missionId?: string; takenAt: string; position?: { lon: number; lat: number; altM?: number } }
type LonLat = { lon: number; lat: number };

let p: Platform;
let mq: MqttClient;
const mqttGot: { topic: string; body: { event: string; task: Task } }[] = [];
/** Every unit registered, for the independent distance check. */
const units: { id: string; type: string; at: LonLat }[] = [];

async function unit(id: string, type: string, at: LonLat, extra: Record<string, unknown> = {}): Promise<Record<string, string>> {
  units.push({ id, type, at });
  return (await addUnit(p, id, type, at, extra)).secrets;
}

beforeAll(async () => {
  ({ p } = await bootDemoPlatform({ responseNotifyRetryMs: [50, 100] }));
  await clearResources(p);
  const integ = await api<{ credentials: { username: string; password: string } }>(p, 'POST', '/api/v1/integrations', { name: 'unit-dispatch' });
  const { username, password } = integ.body.credentials;
  mq = await mqtt.connectAsync(`mqtt://127.0.0.1:${p.mqtt.tcpPort}`, { clientId: username, username, password });
  mq.on('message', (topic, payload) => mqttGot.push({ topic, body: JSON.parse(payload.toString()) as { event: string; task: Task } }));
  await mq.subscribeAsync(['platform/tasks/#', 'platform/desks/#'], { qos: 1 });
}, 60_000);
afterAll(async () => {
  await mq?.endAsync();
  await p?.stop();
});

/** The nearest registered unit of each type, by the distances computed here (not the planner's). */
function nearestByType(site: LonLat, types: string[], kind: string, handles: Record<string, string[]>): string[] {
  return types.map((type) => units.filter((u) => u.type === type && (handles[u.id] ?? [kind]).includes(kind)).sort((a, b) => metresBetween(site, a.at) - metresBetween(site, b.at))[0]!.id);
}

/** Waits for the drone's pictures on a task, as `token` sees them. */
const dronePictures = (taskId: string, token: string) => vi.waitFor(async () => {
  const items = (await call<{ items: Media[] }>(p, 'GET', `/api/v1/tasks/${taskId}/media`, undefined, token)).body.items.filter((m) => m.source === 'drone');
  if (items.length < 3) throw new Error(`${items.length} drone pictures on task ${taskId} so far`);
  return items;
}, { timeout: 120_000, interval: 250 });

/** The responder's side over HTTP: accept (replayed once by the phone's queue), on the way, on site, a photo and a report, done. */
async function responderLoop(task: Task, token: string, site: LonLat, note: string): Promise<string> {
  const at = new Date(Date.now() - 5_000).toISOString();
  const acc = await call<Task>(p, 'POST', `/api/v1/tasks/${task.id}/accept`, { at }, token, { 'idempotency-key': `q-${task.id}` });
  const replay = await call<Task>(p, 'POST', `/api/v1/tasks/${task.id}/accept`, { at }, token, { 'idempotency-key': `q-${task.id}` });
  expect([acc.status, replay.status, replay.body.state]).toEqual([200, 200, 'accepted']);
  expect((await call(p, 'POST', `/api/v1/tasks/${task.id}/accept`, {}, token)).body).toMatchObject({ error: { code: 'TASK_STATE_CONFLICT' } });
  for (const state of ['en_route', 'on_site']) expect((await call(p, 'POST', `/api/v1/tasks/${task.id}/status`, { state }, token)).status).toBe(200);
  const up = await fetch(`${p.http.url}/api/v1/media?taskId=${task.id}&lon=${site.lon}&lat=${site.lat}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: PNG });
  expect(up.status).toBe(201);
  const mediaId = ((await up.json()) as { id: string }).id;
  expect(await call(p, 'POST', `/api/v1/tasks/${task.id}/reports`, { mediaIds: ['0'.repeat(64)] }, token)).toMatchObject({ status: 422, body: { error: { code: 'MEDIA_NOT_FOUND' } } });
  expect((await call(p, 'POST', `/api/v1/tasks/${task.id}/reports`, { note, mediaIds: [mediaId], position: near(site, 0.01) }, token)).status).toBe(201);
  expect((await call(p, 'POST', `/api/v1/tasks/${task.id}/status`, { state: 'done', note }, token)).status).toBe(200);
  expect((await call(p, 'POST', `/api/v1/tasks/${task.id}/verify`, {}, token)).status).toBe(403);
  const detail = await call<{ history: { state: string; byName: string; clientAt?: string }[]; reports: { note: string }[] }>(p, 'GET', `/api/v1/tasks/${task.id}`, undefined, token);
  expect(detail.body.history.map((h) => h.state)).toEqual(['dispatched', 'accepted', 'en_route', 'on_site', 'done']);
  expect(detail.body.history[1]).toMatchObject({ clientAt: at });
  expect(detail.body.reports).toMatchObject([{ note, mediaIds: [mediaId] }]);
  return mediaId;
}

interface Scenario {
  device: string; kind: string; district: string; site: LonLat; plan: string; types: string[];
  raise: Record<string, number>; clear: Record<string, number>; tags?: string[];
  webhookUnit: string; hook: WebhookReceiver; mqttUnits: string[]; responderUnit: string; responder: string; handles?: Record<string, string[]>;
}

/** One scenario from the reading to the resolution; returns the alert id. */
async function run(s: Scenario): Promise<string> {
  const alert = await raiseAlert(p, s.device, s.kind, s.site, s.raise, s.tags);
  expect(alert).toMatchObject({ severity: 'orange', responseLevel: 'II' });
  const aid = encodeURIComponent(alert.id);
  const resp = await api<{ plan: { id: string }; drone: unknown; proposal: { unitId: string; unitType: string; distanceM: number }[]; scope: { districts: string[] } }>(p, 'GET', `/api/v1/alerts/${aid}/response`);
  expect(resp.body.plan.id).toBe(s.plan);
  expect(resp.body.proposal.map((t) => t.unitType)).toEqual(s.types);
  expect(resp.body.proposal.map((t) => t.unitId)).toEqual(nearestByType(s.site, s.types, s.kind, s.handles ?? {}));
  expect(resp.body.scope.districts).toContain(s.district);

  // A double click: two requests with one key at once act once, and both answer the same tasks.
  const click = () => call<{ tasks: Task[]; drone: { ok: boolean; missionId?: string } }>(p, 'POST', `/api/v1/alerts/${aid}/response/dispatch`, {}, undefined, { 'idempotency-key': `click-${s.device}` });
  const [d, twin] = await Promise.all([click(), click()]);
  expect([d.status, twin.status]).toEqual([200, 200]);
  expect(twin.body).toEqual(d.body);
  expect(d.body.drone, JSON.stringify(d.body.drone)).toMatchObject({ ok: true, missionId: expect.any(String) });
  const again = await click();
  expect(again.body.tasks.map((t) => t.id)).toEqual(d.body.tasks.map((t) => t.id));
  expect(d.body.tasks.map((t) => t.unitId)).toEqual(resp.body.proposal.map((t) => t.unitId));

  // Every unit hears at once: the signed webhook and the MQTT integration client.
  await s.hook.count(1);
  expect(s.hook.received[0]!.signatureOk).toBe(true);
  expect(JSON.parse(s.hook.received[0]!.body)).toMatchObject({ event: 'task.created', task: { unitId: s.webhookUnit, alertId: alert.id, mapsUrl: expect.stringMatching(/^geo:/) } });
  await vi.waitFor(() => expect(mqttGot.map((m) => m.topic)).toEqual(expect.arrayContaining(s.mqttUnits.map((u) => `platform/tasks/${s.district}/${u}`))), { timeout: 10_000 });

  // The responder: their unit's task only, another unit's is 404; the loop over HTTP with a photo.
  const mine = await call<{ items: Task[] }>(p, 'GET', `/api/v1/tasks?alert=${aid}`, undefined, s.responder);
  expect(mine.body.items.map((t) => t.unitId)).toEqual([s.responderUnit]);
  const t1 = mine.body.items[0]!;
  // Titles in the reader's language, like alert messages (Accept-Language, else CITYBRAIN_LANG = en).
  expect(t1.title).toMatch(/^[A-Z][a-z]/);
  const zh = await call<{ title: string; titles: Record<string, string>; instructions: string; instructionsByLang: Record<string, string>; alert: { message: string; messages: Record<string, string> } }>(p, 'GET', `/api/v1/tasks/${t1.id}`, undefined, s.responder, { 'accept-language': 'zh-CN,zh;q=0.9' });
  expect(zh.body.title).toMatch(/[\u4e00-\u9fff]/);
  expect(zh.body.titles).toEqual({ en: t1.title, 'zh-CN': zh.body.title });
  // Instructions and the alert's message too: the task carries every language, the reader gets theirs.
  expect(zh.body.instructions).toMatch(/[\u4e00-\u9fff]/);
  expect(zh.body.instructionsByLang).toEqual({ en: t1.instructions, 'zh-CN': zh.body.instructions });
  expect(zh.body.alert.message).toBe(zh.body.alert.messages['zh-CN']);
  expect(t1.alert.message).toBe(zh.body.alert.messages.en);
  const other = d.body.tasks.find((t) => t.unitId !== s.responderUnit)!;
  expect((await call(p, 'GET', `/api/v1/tasks/${other.id}`, undefined, s.responder)).status).toBe(404);
  expect((await call(p, 'POST', `/api/v1/tasks/${other.id}/accept`, {}, s.responder)).body).toMatchObject({ error: { code: 'TASK_NOT_FOUND' } });
  const photo = await responderLoop(t1, s.responder, s.site, `${s.kind}: made safe`);

  // The drone's pictures: on the alert, and on every task with where and when they were taken; the responder sees them on their task.
  const pictures = await dronePictures(t1.id, s.responder);
  for (const m of pictures) {
    expect(m).toMatchObject({ taskId: t1.id, missionId: d.body.drone.missionId, takenAt: expect.any(String) });
    expect(metresBetween(m.position!, s.site)).toBeLessThan(60);
    expect((await fetch(`${p.http.url}/api/v1/media/${m.id}`, { headers: { authorization: `Bearer ${s.responder}` } })).status).toBe(200);
  }
  for (const t of d.body.tasks) expect((await dronePictures(t.id, TOKEN)).map((m) => m.id).sort()).toEqual(pictures.map((m) => m.id).sort());
  const onAlert = (await api<{ items: Media[] }>(p, 'GET', `/api/v1/alerts/${aid}/media`)).body.items;
  expect(onAlert.filter((m) => m.source === 'drone')).toHaveLength(3);
  expect(onAlert.map((m) => m.id)).toContain(photo);

  // Not resolvable by hand while required tasks are open; the condition clearing does not resolve it either.
  expect((await api(p, 'POST', `/api/v1/alerts/${aid}/resolve`, {})).body).toMatchObject({ error: { code: 'ALERT_RESOLVE_BLOCKED' } });
  await alert.publish(s.clear);
  await vi.waitFor(async () => expect((await api<{ active: boolean; status: string }>(p, 'GET', `/api/v1/alerts/${aid}`)).body).toMatchObject({ active: false, status: 'open' }), { timeout: 10_000 });
  for (const t of d.body.tasks.filter((x) => x.id !== t1.id)) {
    for (const [path, body] of [['accept', {}], ['status', { state: 'on_site' }], ['status', { state: 'done' }], ['verify', {}]] as const) {
      expect((await api(p, 'POST', `/api/v1/tasks/${t.id}/${path}`, body)).status).toBe(200);
    }
  }
  expect((await api(p, 'POST', `/api/v1/tasks/${t1.id}/verify`, { note: 'checked against the drone pictures' })).status).toBe(200);
  await vi.waitFor(async () => expect((await api<{ status: string }>(p, 'GET', `/api/v1/alerts/${aid}`)).body.status).toBe('resolved'), { timeout: 10_000 });
  await alert.close();
  return alert.id;
}

describe('emergency response end to end (demo drones over MAVLink)', () => {
  it('gas-leak: nearest units, one click, webhook + MQTT + SMS, responder photo, drone pictures on every task, verified, resolved; KPIs and report', async () => {
    const site = await siteNearDemoDock(p, '370202');
    const hook = new WebhookReceiver();
    const hookUrl = await hook.listen();
    /** The duty desks' receiver (city gas authority, Shinan and Licang district command centres). */
    const deskHook = new WebhookReceiver();
    const deskUrl = await deskHook.listen();
    deskHook.secret = 'whsec_duty-desk-test-secret';
    const desk = (id: string, org: string, at: LonLat, extra: object[] = []) =>
      api(p, 'POST', '/api/v1/response/resources', { id, kind: 'desk', name: `Desk ${id}`, org, location: at, channels: [{ type: 'webhook', url: deskUrl, secret: deskHook.secret }, ...extra] });
    try {
      // The default gas-II plan notifies the city gas authority and the district command centre.
      expect((await desk('desk-gas', 'city gas authority', near(site, 5))).status).toBe(201);
      expect((await desk('desk-shinan', 'district command centre', near(site, 0.2), [{ type: 'mqtt' }])).status).toBe(201);
      expect((await desk('desk-licang', 'district command centre', await siteNearDemoDock(p, '370213'))).status).toBe(201);
      hook.secret = (await unit('g-near', 'gas_repair', near(site, 1), { alertKinds: ['gas'], channels: [{ type: 'webhook', url: hookUrl }] }))['channels/0']!;
      await unit('g-mid', 'gas_repair', near(site, 2), { alertKinds: ['gas'], channels: [{ type: 'mqtt' }] });
      await unit('g-water', 'gas_repair', near(site, 0.5), { alertKinds: ['water'] }); // nearer, but does not handle gas
      await unit('f1', 'fire_rescue', near(site, 1.5), { channels: [{ type: 'mqtt' }] });
      await unit('f2', 'fire_rescue', near(site, 2.5, 1), { channels: [{ type: 'mqtt' }] });
      await unit('pol1', 'police', near(site, 0.8), { channels: [{ type: 'sms', phone: '+86 532 0000 0001' }] });
      const responder = await person(p, 'crew-lead', 'responder', { unit: 'g-near' });
      const alertId = await run({
        device: 'GW-R1', kind: 'gas', district: '370202', site, plan: 'gas-II', types: ['gas_repair', 'fire_rescue', 'police'], raise: { ch4_lel: 27 }, clear: { ch4_lel: 0 },
        webhookUnit: 'g-near', hook, mqttUnits: ['f1'], responderUnit: 'g-near', responder, handles: { 'g-water': ['water'] },
      });
      await vi.waitFor(() => expect(p.response.sms).toHaveProperty('sent', expect.arrayContaining([expect.objectContaining({ to: '+86 532 0000 0001' })])), { timeout: 10_000 });

      // The plan's city and district desks were told too (signed like the units' webhooks); Licang's is not in charge.
      await deskHook.count(2);
      const told = deskHook.received.map((r) => ({ ok: r.signatureOk, event: r.headers['x-citybrain-event'], body: JSON.parse(r.body) as { level: string; alert: { id: string }; tasks: { unitId: string }[] } }));
      expect(told.map((x) => [x.ok, x.event, x.body.level, x.body.alert.id]).sort()).toEqual([[true, 'response.dispatched', 'city', alertId], [true, 'response.dispatched', 'district', alertId]]);
      expect(told[0]!.body.tasks.map((t) => t.unitId)).toEqual(['g-near', 'f1', 'pol1']);
      await vi.waitFor(() => expect(mqttGot.map((m) => m.topic)).toContain('platform/desks/370202/desk-shinan'), { timeout: 10_000 });
      const audit = (await api<{ audit: { action: string; note?: string }[] }>(p, 'GET', `/api/v1/alerts/${encodeURIComponent(alertId)}`)).body.audit.filter((e) => e.action === 'desk.notified');
      expect(audit.map((e) => e.note).sort()).toEqual(['Desk desk-gas (city desk desk-gas): webhook delivered', 'Desk desk-shinan (district desk desk-shinan): webhook delivered; mqtt delivered']);
      const scope = (await api<{ scope: { desks: { id: string }[] } }>(p, 'GET', `/api/v1/alerts/${encodeURIComponent(alertId)}/response`)).body.scope;
      expect(scope).toMatchObject({ desks: [{ id: 'desk-gas', level: 'city' }, { id: 'desk-shinan', level: 'district' }] });
    } finally {
      await hook.close();
      await deskHook.close();
    }
    const k = await api<{ total: { tasks: number; verified: number; disposalRate: number }; byKind: Record<string, { accept: { n: number; medianS: number }; arrive: { n: number }; resolve: { n: number; medianS: number } }>; byUnit: Record<string, unknown> }>(p, 'GET', '/api/v1/response/kpis');
    expect(k.body.total).toMatchObject({ tasks: 3, verified: 3, disposalRate: 1 });
    expect(k.body.byKind.gas).toMatchObject({ accept: { n: 3, medianS: expect.any(Number) }, arrive: { n: 3 }, resolve: { n: 3, medianS: expect.any(Number) } });
    expect(Object.keys(k.body.byUnit).sort()).toEqual(['f1', 'g-near', 'pol1']);
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const csv = await fetch(`${p.http.url}/api/v1/response/report?date=${day}&format=csv`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^id,alertId,alertKind,level,unitId,unitName,/);
    expect(lines.slice(1).every((l) => /,gas,II,/.test(l) && /,verified,true,/.test(l))).toBe(true);
  }, 240_000);

  it('waterlogging: drainage team and police by distance, webhook + MQTT, responder photo, drone pictures on every task, verified, resolved; KPIs', async () => {
    const site = await siteNearDemoDock(p, '370213');
    const hook = new WebhookReceiver();
    const hookUrl = await hook.listen();
    try {
      hook.secret = (await unit('dr-near', 'drainage_pump', near(site, 0.5), { alertKinds: ['drainage'], channels: [{ type: 'webhook', url: hookUrl }, { type: 'mqtt' }] }))['channels/0']!;
      await unit('dr-far', 'drainage_pump', near(site, 4), { alertKinds: ['drainage'], channels: [{ type: 'mqtt' }] });
      await unit('pol2', 'police', near(site, 1, -0.5), { channels: [{ type: 'mqtt' }] });
      await unit('pol3', 'police', near(site, 3), { channels: [{ type: 'mqtt' }] });
      const responder = await person(p, 'pump-lead', 'responder', { unit: 'dr-near' });
      await run({
        device: 'DR-R1', kind: 'drainage', district: '370213', site, plan: 'drainage-II', types: ['drainage_pump', 'police'], raise: { level_m: 1.8 }, clear: { level_m: 0.1 }, tags: ['depth_m=2'],
        webhookUnit: 'dr-near', hook, mqttUnits: ['dr-near', 'pol2'], responderUnit: 'dr-near', responder,
      });
    } finally {
      await hook.close();
    }
    const k = await api<{ byKind: Record<string, { tasks: number; verified: number; accept: { n: number }; arrive: { n: number }; resolve: { n: number; medianS: number } }> }>(p, 'GET', '/api/v1/response/kpis');
    expect(k.body.byKind.drainage).toMatchObject({ tasks: 2, verified: 2, accept: { n: 2 }, arrive: { n: 2 }, resolve: { n: 2, medianS: expect.any(Number) } });
  }, 240_000);
});
