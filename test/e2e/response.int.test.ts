/**
 * Emergency response end to end over HTTP and MQTT (docs/response.md): gas-leak and waterlogging alerts →
 * plan → the nearest units proposed → one-click dispatch → each unit notified through a real webhook
 * receiver, an MQTT integration client and the SMS port → a responder (a person with role responder)
 * accepts and reports with a photo (media store) → tasks verified → the alert resolves once its condition has cleared; KPIs and the
 * daily report show the times. Scope, idempotent replays and bad input too.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { WebhookReceiver } from '../../rules-engine/notify/testing.js';
import { api, bootPlatform } from './helpers.js';
import { addUnit, call, near, person, raiseAlert } from './response-helpers.js';

interface Task { id: string; unitId: string; state: string; alertId: string; mapsUrl: string; acceptBy: string; required: boolean; replaces: string | null }
const SHINAN = { lon: 120.38, lat: 36.07 };
/** A 1×1 PNG (the media store checks the type by content). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const LICANG = { lon: 120.42, lat: 36.16 };

describe('emergency response end to end', () => {
  let p: Platform;
  const hook = new WebhookReceiver();
  /** The duty desks' receiver (city gas authority, Shinan and Licang district command centres). */
  const deskHook = new WebhookReceiver();
  let mq: MqttClient;
  const mqttGot: { topic: string; body: { event: string; task: Task } }[] = [];
  let responder: string;

  beforeAll(async () => {
    p = await bootPlatform({}, {}, { responseNotifyRetryMs: [50, 100] });
    const hookUrl = await hook.listen();
    const integ = await api<{ credentials: { username: string; password: string } }>(p, 'POST', '/api/v1/integrations', { name: 'unit-dispatch' });
    const { username, password } = integ.body.credentials;
    mq = await mqtt.connectAsync(`mqtt://127.0.0.1:${p.mqtt.tcpPort}`, { clientId: username, username, password });
    mq.on('message', (topic, payload) => mqttGot.push({ topic, body: JSON.parse(payload.toString()) as { event: string; task: Task } }));
    await mq.subscribeAsync(['platform/tasks/#', 'platform/desks/#'], { qos: 1 });
    hook.secret = (await addUnit(p, 'g-near', 'gas_repair', near(SHINAN, 1), { alertKinds: ['gas'], channels: [{ type: 'webhook', url: hookUrl }] })).secrets['channels/0']!;
    await addUnit(p, 'g-mid', 'gas_repair', near(SHINAN, 2), { alertKinds: ['gas'], channels: [{ type: 'mqtt' }] });
    await addUnit(p, 'g-far', 'gas_repair', near(SHINAN, 3), { alertKinds: ['gas'] });
    await addUnit(p, 'f1', 'fire_rescue', near(SHINAN, 1.5), { channels: [{ type: 'mqtt' }] });
    await addUnit(p, 'pol1', 'police', near(SHINAN, 0.8), { channels: [{ type: 'sms', phone: '+86 532 0000 0001' }] });
    responder = await person(p, 'crew-lead', 'responder', { unit: 'g-near' });
    const deskUrl = await deskHook.listen();
    deskHook.secret = 'whsec_duty-desk-test-secret';
    const desk = (id: string, org: string, at: { lon: number; lat: number }, extra: object[] = []) =>
      api(p, 'POST', '/api/v1/response/resources', { id, kind: 'desk', name: `Desk ${id}`, org, location: at, channels: [{ type: 'webhook', url: deskUrl, secret: deskHook.secret }, ...extra] });
    // The default gas-II plan notifies the city gas authority and the district command centre.
    expect((await desk('desk-gas', 'city gas authority', near(SHINAN, 5))).status).toBe(201);
    expect((await desk('desk-shinan', 'district command centre', near(SHINAN, 0.2), [{ type: 'mqtt' }])).status).toBe(201);
    expect((await desk('desk-licang', 'district command centre', LICANG)).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await mq?.endAsync();
    await hook.close();
    await deskHook.close();
    await p?.stop();
  });

  it('gas leak: proposal by distance, one-click dispatch, all channels, responder loop, guarded resolve, KPIs', async () => {
    const alert = await raiseAlert(p, 'GW-R1', 'gas', SHINAN, { ch4_lel: 27 });
    expect(alert).toMatchObject({ severity: 'orange', responseLevel: 'II' });
    const aid = encodeURIComponent(alert.id);
    const resp = await api<{ plan: { id: string }; proposal: { unitId: string; unitType: string; distanceM: number }[]; scope: { districts: string[]; desks: { id: string }[] } }>(p, 'GET', `/api/v1/alerts/${aid}/response`);
    expect(resp.body.plan.id).toBe('gas-II');
    expect(resp.body.proposal.map((t) => [t.unitType, t.unitId])).toEqual([['gas_repair', 'g-near'], ['fire_rescue', 'f1'], ['police', 'pol1']]);
    expect(resp.body.proposal[0]!.distanceM).toBeCloseTo(1400, -1); // 1 km straight × road factor 1.4
    expect(resp.body.scope.districts).toContain('370202');

    // A double click: two requests with one key at once act once, and both answer the same tasks.
    const click = () => call<{ tasks: Task[] }>(p, 'POST', `/api/v1/alerts/${aid}/response/dispatch`, {}, undefined, { 'idempotency-key': 'click-1' });
    const [d, twin] = await Promise.all([click(), click()]);
    expect([d.status, twin.status]).toEqual([200, 200]);
    expect(d.body.tasks.map((t) => t.unitId)).toEqual(['g-near', 'f1', 'pol1']);
    expect(twin.body).toEqual(d.body);
    const again = await click();
    expect(again.body.tasks.map((t) => t.id)).toEqual(d.body.tasks.map((t) => t.id));
    expect((await api<{ items: Task[] }>(p, 'GET', `/api/v1/tasks?alert=${aid}`)).body.items).toHaveLength(3);

    // Every unit hears at once: the signed webhook, the MQTT integration client, the SMS port.
    await hook.count(1);
    const got = hook.received[0]!;
    expect(got.signatureOk).toBe(true);
    expect(JSON.parse(got.body)).toMatchObject({ event: 'task.created', task: { unitId: 'g-near', mapsUrl: expect.stringMatching(/^geo:36\.07/) } });
    await vi.waitFor(() => expect(mqttGot.map((m) => m.topic)).toContain('platform/tasks/370202/f1'), { timeout: 10_000 });
    await vi.waitFor(() => expect(p.response.sms).toHaveProperty('sent', expect.arrayContaining([expect.objectContaining({ to: '+86 532 0000 0001' })])), { timeout: 10_000 });

    // The plan's city and district desks are told too (signed like the units' webhooks); Licang's is not in charge.
    await deskHook.count(2);
    const told = deskHook.received.map((r) => ({ ok: r.signatureOk, event: r.headers['x-citybrain-event'], body: JSON.parse(r.body) as { level: string; alert: { id: string }; tasks: { unitId: string }[] } }));
    expect(told.map((x) => [x.ok, x.event, x.body.level, x.body.alert.id]).sort()).toEqual([[true, 'response.dispatched', 'city', alert.id], [true, 'response.dispatched', 'district', alert.id]]);
    expect(told[0]!.body.tasks.map((t) => t.unitId)).toEqual(['g-near', 'f1', 'pol1']);
    await vi.waitFor(() => expect(mqttGot.map((m) => m.topic)).toContain('platform/desks/370202/desk-shinan'), { timeout: 10_000 });
    const audit = await vi.waitFor(async () => {
      const notes = (await api<{ audit: { action: string; note?: string }[] }>(p, 'GET', `/api/v1/alerts/${aid}`)).body.audit.filter((e) => e.action === 'desk.notified');
      if (notes.length < 2) throw new Error('desk notices not recorded yet');
      return notes;
    }, { timeout: 10_000 });
    expect(audit.map((e) => e.note).sort()).toEqual(['Desk desk-gas (city desk desk-gas): webhook delivered', 'Desk desk-shinan (district desk desk-shinan): webhook delivered; mqtt delivered']);
    expect(resp.body.scope).toMatchObject({ desks: [{ id: 'desk-gas', level: 'city' }, { id: 'desk-shinan', level: 'district' }] });

    // The responder sees their unit's task only; another unit's task is 404; the offline queue's replay applies once.
    const mine = await call<{ items: Task[] }>(p, 'GET', '/api/v1/tasks', undefined, responder);
    expect(mine.body.items.map((t) => t.unitId)).toEqual(['g-near']);
    const t1 = mine.body.items[0]!;
    const other = d.body.tasks.find((t) => t.unitId === 'f1')!;
    expect((await call(p, 'GET', `/api/v1/tasks/${other.id}`, undefined, responder)).status).toBe(404);
    expect((await call(p, 'POST', `/api/v1/tasks/${other.id}/accept`, {}, responder)).body).toMatchObject({ error: { code: 'TASK_NOT_FOUND' } });
    const at = new Date(Date.now() - 5_000).toISOString();
    const acc = await call<Task>(p, 'POST', `/api/v1/tasks/${t1.id}/accept`, { at }, responder, { 'idempotency-key': 'q-1' });
    const replay = await call<Task>(p, 'POST', `/api/v1/tasks/${t1.id}/accept`, { at }, responder, { 'idempotency-key': 'q-1' });
    expect([acc.status, replay.status, replay.body.state]).toEqual([200, 200, 'accepted']);
    expect((await call(p, 'POST', `/api/v1/tasks/${t1.id}/accept`, {}, responder)).body).toMatchObject({ error: { code: 'TASK_STATE_CONFLICT' } });
    for (const state of ['en_route', 'on_site']) expect((await call(p, 'POST', `/api/v1/tasks/${t1.id}/status`, { state }, responder)).status).toBe(200);
    // A photo from the phone: one-shot upload for the task, then the report cites it.
    const up = await fetch(`${p.http.url}/api/v1/media?taskId=${t1.id}`, { method: 'POST', headers: { authorization: `Bearer ${responder}`, 'content-type': 'image/png' }, body: PNG });
    expect(up.status).toBe(201);
    const mediaId = ((await up.json()) as { id: string }).id;
    const noPhoto = await call(p, 'POST', `/api/v1/tasks/${t1.id}/reports`, { mediaIds: ['0'.repeat(64)] }, responder);
    expect(noPhoto).toMatchObject({ status: 422, body: { error: { code: 'MEDIA_NOT_FOUND' } } });
    const rep = await call(p, 'POST', `/api/v1/tasks/${t1.id}/reports`, { note: 'valve closed, venting', mediaIds: [mediaId], position: near(SHINAN, 0.01) }, responder);
    expect(rep.status).toBe(201);
    const photos = await api<{ items: { id: string; taskId: string }[] }>(p, 'GET', `/api/v1/tasks/${t1.id}/media`);
    expect(photos.body.items.map((m) => m.id)).toContain(mediaId);
    expect((await call(p, 'POST', `/api/v1/tasks/${t1.id}/status`, { state: 'done', note: 'below 10 %LEL' }, responder)).status).toBe(200);
    expect((await call(p, 'POST', `/api/v1/tasks/${t1.id}/verify`, {}, responder)).status).toBe(403);
    const detail = await call<{ history: { state: string; byName: string; clientAt?: string }[]; reports: { note: string }[] }>(p, 'GET', `/api/v1/tasks/${t1.id}`, undefined, responder);
    expect(detail.body.history.map((h) => h.state)).toEqual(['dispatched', 'accepted', 'en_route', 'on_site', 'done']);
    expect(detail.body.history[1]).toMatchObject({ byName: 'crew-lead', clientAt: at });
    expect(detail.body.reports).toMatchObject([{ note: 'valve closed, venting', mediaIds: [mediaId] }]);

    // Not resolvable by hand while required tasks are open; the condition clearing does not resolve it either.
    expect((await api(p, 'POST', `/api/v1/alerts/${aid}/resolve`, {})).body).toMatchObject({ error: { code: 'ALERT_RESOLVE_BLOCKED' } });
    await alert.publish({ ch4_lel: 0 });
    await vi.waitFor(async () => expect((await api<{ active: boolean; status: string }>(p, 'GET', `/api/v1/alerts/${aid}`)).body).toMatchObject({ active: false, status: 'open' }), { timeout: 10_000 });
    for (const t of d.body.tasks.filter((x) => x.unitId !== 'g-near')) {
      for (const [path, body] of [['accept', {}], ['status', { state: 'on_site' }], ['status', { state: 'done' }], ['verify', {}]] as const) {
        expect((await api(p, 'POST', `/api/v1/tasks/${t.id}/${path}`, body)).status).toBe(200);
      }
    }
    expect((await api(p, 'POST', `/api/v1/tasks/${t1.id}/verify`, { note: 'checked on the camera' })).status).toBe(200);
    await vi.waitFor(async () => expect((await api<{ status: string }>(p, 'GET', `/api/v1/alerts/${aid}`)).body.status).toBe('resolved'), { timeout: 10_000 });

    const k = await api<{ total: { tasks: number; verified: number; disposalRate: number; accept: { n: number; medianS: number } }; byUnit: Record<string, unknown> }>(p, 'GET', '/api/v1/response/kpis');
    expect(k.body.total).toMatchObject({ tasks: 3, verified: 3, disposalRate: 1, accept: { n: 3 } });
    expect(Object.keys(k.body.byUnit).sort()).toEqual(['f1', 'g-near', 'pol1']);
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const csv = await fetch(`${p.http.url}/api/v1/response/report?date=${day}&format=csv`, { headers: { authorization: `Bearer ${(await import('./helpers.js')).TOKEN}` } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^id,alertId,alertKind,level,unitId,unitName,/);
    expect(lines.slice(1).every((l) => /,gas,II,/.test(l) && /,verified,true,/.test(l))).toBe(true);
    await alert.close();
  }, 60_000);

  it('waterlogging: drainage team and police proposed by distance and notified; resolution after verification', async () => {
    await addUnit(p, 'dr-near', 'drainage_pump', near(LICANG, 0.5), { alertKinds: ['drainage'], channels: [{ type: 'mqtt' }] });
    await addUnit(p, 'dr-far', 'drainage_pump', near(LICANG, 4), { alertKinds: ['drainage'] });
    await addUnit(p, 'pol2', 'police', near(LICANG, 1), { channels: [{ type: 'mqtt' }] });
    const alert = await raiseAlert(p, 'DR-R1', 'drainage', LICANG, { level_m: 1.8 }, ['depth_m=2']);
    const aid = encodeURIComponent(alert.id);
    const resp = await api<{ plan: { id: string }; proposal: { unitId: string }[] }>(p, 'GET', `/api/v1/alerts/${aid}/response`);
    expect(resp.body.plan.id).toBe('drainage-II');
    expect(resp.body.proposal.map((t) => t.unitId)).toEqual(['dr-near', 'pol2']);
    const d = await api<{ tasks: Task[] }>(p, 'POST', `/api/v1/alerts/${aid}/response/dispatch`, {});
    await vi.waitFor(() => expect(mqttGot.map((m) => m.topic)).toEqual(expect.arrayContaining(['platform/tasks/370213/dr-near', 'platform/tasks/370213/pol2'])), { timeout: 10_000 });
    await alert.publish({ level_m: 0.1 });
    for (const t of d.body.tasks) for (const [path, body] of [['accept', {}], ['status', { state: 'done' }], ['verify', {}]] as const) await api(p, 'POST', `/api/v1/tasks/${t.id}/${path}`, body);
    await vi.waitFor(async () => expect((await api<{ status: string }>(p, 'GET', `/api/v1/alerts/${aid}`)).body.status).toBe('resolved'), { timeout: 10_000 });
    await alert.close();
  }, 60_000);
});
