/**
 * The responder's event stream (docs/access.md, docs/response.md): a person with role responder may open
 * `GET /api/v1/stream` and gets their unit's task events and the events of the alerts those tasks are
 * about — not other units' tasks, not other alerts, no presence, drones or missions — while an operator's
 * stream carries everything. Over real HTTP and MQTT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { SseReader, type SseFrame } from '../../rules-engine/notify/testing.js';
import { api, bootPlatform, connectDevice, provision, TOKEN } from './helpers.js';
import { addUnit, call, near, person, raiseAlert } from './response-helpers.js';

const SHINAN = { lon: 120.38, lat: 36.07 };
const LICANG = { lon: 120.42, lat: 36.16 };
const data = (f: SseFrame) => JSON.parse(f.data ?? '{}') as { id?: string; unitId?: string; alertId?: string; alert?: { id: string }; deviceId?: string };

let p: Platform;
const readers: SseReader[] = [];

beforeAll(async () => {
  p = await bootPlatform();
  await addUnit(p, 'g-a', 'gas_repair', near(SHINAN, 1), { alertKinds: ['gas'] });
  await addUnit(p, 'f-a', 'fire_rescue', near(SHINAN, 1.5));
  await addUnit(p, 'p-a', 'police', near(SHINAN, 0.8));
  await addUnit(p, 'g-b', 'gas_repair', near(LICANG, 1), { alertKinds: ['gas'] });
  await addUnit(p, 'f-b', 'fire_rescue', near(LICANG, 1.5));
  await addUnit(p, 'p-b', 'police', near(LICANG, 0.8));
}, 60_000);
afterAll(async () => {
  for (const r of readers) r.close();
  await p?.stop();
});

async function open(token: string, query = ''): Promise<SseReader> {
  const r = await SseReader.open(`${p.http.url}/api/v1/stream${query}`, { authorization: `Bearer ${token}` });
  readers.push(r);
  return r;
}

describe('e2e: the responder stream is scoped to their unit', () => {
  it('carries their unit\'s tasks and those tasks\' alerts only; the operator\'s stream carries everything', async () => {
    const responder = await person(p, 'stream-crew', 'responder', { unit: 'g-a' });
    const mine = await open(responder);
    expect(mine.status).toBe(200);
    const ops = await open(TOKEN);

    const a1 = await raiseAlert(p, 'GW-S1', 'gas', SHINAN, { ch4_lel: 27 });
    const a2 = await raiseAlert(p, 'GW-S2', 'gas', LICANG, { ch4_lel: 27 });
    const myTask = mine.find((f) => f.event === 'task.created');
    const d1 = await api<{ tasks: { id: string; unitId: string }[] }>(p, 'POST', `/api/v1/alerts/${encodeURIComponent(a1.id)}/response/dispatch`, {});
    const d2 = await api<{ tasks: { id: string; unitId: string }[] }>(p, 'POST', `/api/v1/alerts/${encodeURIComponent(a2.id)}/response/dispatch`, {});
    expect(d1.body.tasks.map((t) => t.unitId)).toEqual(['g-a', 'f-a', 'p-a']);
    expect(data(await myTask)).toMatchObject({ unitId: 'g-a', alertId: a1.id });

    // The alert of their task changes: they hear it. The other alert changes: they do not.
    const ackFrame = mine.find((f) => f.event === 'alert' && data(f).alert?.id === a1.id);
    expect((await api(p, 'POST', `/api/v1/alerts/${encodeURIComponent(a1.id)}/ack`, {})).status).toBe(200);
    expect((await api(p, 'POST', `/api/v1/alerts/${encodeURIComponent(a2.id)}/ack`, {})).status).toBe(200);
    await ackFrame;
    // Other units' tasks change; a device comes online (presence).
    for (const t of [...d1.body.tasks, ...d2.body.tasks].filter((x) => x.unitId !== 'g-a')) expect((await api(p, 'POST', `/api/v1/tasks/${t.id}/accept`, {})).status).toBe(200);
    const device = await connectDevice(p, await provision(p, 'gas-stream-1', 'gas'));
    await ops.find((f) => f.event === 'presence' && data(f).deviceId === 'gas-stream-1');
    // Their own task changes last: once that arrives, everything before it has been sent (one ordered stream).
    const accepted = mine.find((f) => f.event === 'task.updated');
    const own = d1.body.tasks.find((t) => t.unitId === 'g-a')!;
    expect((await call(p, 'POST', `/api/v1/tasks/${own.id}/accept`, {}, responder)).status).toBe(200);
    expect(data(await accepted)).toMatchObject({ id: own.id, state: 'accepted' });

    const seen = mine.frames.filter((f) => f.event !== undefined).map((f) => ({ event: f.event, unit: data(f).unitId, alert: data(f).alertId ?? data(f).alert?.id }));
    expect(seen.every((f) => (f.event?.startsWith('task.') && f.unit === 'g-a') || (f.event === 'alert' && f.alert === a1.id)), JSON.stringify(seen)).toBe(true);
    expect(seen.filter((f) => f.event?.startsWith('task.'))).toHaveLength(2);
    // The operator saw the rest: other units' tasks, the other alert, the device's presence.
    const opsSaw = ops.frames.map((f) => ({ event: f.event, d: data(f) }));
    expect(opsSaw.some((f) => f.event === 'task.updated' && f.d.unitId === 'g-b')).toBe(true);
    expect(opsSaw.some((f) => f.event === 'alert' && f.d.alert?.id === a2.id)).toBe(true);
    expect(opsSaw.some((f) => f.event === 'presence')).toBe(true);

    // Asking for other types gets only what a unit may see; an unknown type is still a 400.
    const only = await open(responder, '?types=presence,drone,task');
    expect(only.status).toBe(200);
    const enRoute = only.find((f) => f.event === 'task.updated');
    expect((await call(p, 'POST', `/api/v1/tasks/${own.id}/status`, { state: 'en_route' }, responder)).status).toBe(200);
    expect(data(await enRoute)).toMatchObject({ id: own.id, state: 'en_route' });
    expect(only.frames.filter((f) => f.event !== undefined).map((f) => f.event)).toEqual(['task.updated']);
    const bad = await fetch(`${p.http.url}/api/v1/stream?types=zz`, { headers: { authorization: `Bearer ${responder}` } });
    expect(bad.status).toBe(400);
    await device.endAsync();
    await a1.close();
    await a2.close();
  }, 60_000);
});
