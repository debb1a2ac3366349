import { request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../kernel/bus.js';
import { systemClock } from '../../kernel/clock.js';
import { StreamHub, type StreamHubOptions } from '../../rules-engine/notify/index.js';
import { alertNotice, SseReader } from '../../rules-engine/notify/testing.js';
import { createHttpServer } from '../index.js';
import { memoryDeps, TEST_TOKEN } from '../test/memory-deps.js';

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

interface Running {
  app: FastifyInstance;
  bus: EventBus;
  hub: StreamHub;
  metrics: Registry;
  url: (q?: string) => string;
}

const open: { app: FastifyInstance; hub: StreamHub; readers: SseReader[] }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    for (const r of o.readers) r.close();
    o.hub.stop();
    await o.app.close();
  }
});

async function start(over: Partial<StreamHubOptions> = {}): Promise<Running & { connect: (q?: string, h?: Record<string, string>) => Promise<SseReader> }> {
  const bus = new EventBus();
  const metrics = new Registry();
  const districts: Record<string, string> = { 'gas-1': '370202', 'gas-2': '370203' };
  const hub = new StreamHub({ bus, clock: systemClock, metrics, districtOf: (id) => districts[id] ?? null, ...over });
  hub.start();
  const app = createHttpServer({ ...memoryDeps(), metrics, stream: hub });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const url = (q = ''): string => `http://127.0.0.1:${port}/api/v1/stream${q}`;
  const slot = { app, hub, readers: [] as SseReader[] };
  open.push(slot);
  const connect = async (q = '', h: Record<string, string> = AUTH): Promise<SseReader> => {
    const r = await SseReader.open(url(q), h);
    slot.readers.push(r);
    if (r.status === 200) await vi.waitFor(() => expect(r.frames.some((f) => f.comment === 'connected')).toBe(true));
    return r;
  };
  return { app, bus, hub, metrics, url, connect };
}

describe('GET /api/v1/stream (server-sent events)', () => {
  it('refuses a missing or wrong token and accepts ?token= (EventSource cannot send headers)', async () => {
    const s = await start();
    expect((await s.connect('', {})).status).toBe(401);
    expect((await s.connect('?token=wrong', {})).status).toBe(401);
    const r = await s.connect(`?token=${TEST_TOKEN}`, {});
    expect(r.status).toBe(200);
    expect((await s.connect('?types=alert,bogus')).status).toBe(400);
  });

  it('streams alert, presence and violation events with increasing ids', async () => {
    const s = await start();
    const r = await s.connect();
    const first = r.next((f) => f.event === 'alert');
    s.bus.emit('alertRaised', alertNotice({ severity: 'red' }));
    const a = await first;
    expect(JSON.parse(a.data ?? '')).toMatchObject({ action: 'opened', alert: { severity: 'red' } });
    const pres = r.next((f) => f.event === 'presence');
    s.bus.emit('presence', { deviceId: 'gas-1', online: true, at: 1, reason: 'connect' });
    expect(JSON.parse((await pres).data ?? '')).toMatchObject({ deviceId: 'gas-1', online: true, district: '370202' });
    const vio = r.next((f) => f.event === 'violation');
    s.bus.emit('violation', { deviceId: 'gas-2', code: 'OUT_OF_RANGE', message: 'x', topic: 't', at: 2 });
    await vio;
    const seqs = r.events().map((f) => Number(f.id?.split('-')[1]));
    expect(seqs).toEqual([1, 2, 3]);
    expect(await s.metrics.getSingleMetricAsString('citybrain_stream_clients')).toMatch(/citybrain_stream_clients 1/);
  });

  it('applies the types, district and severity filters', async () => {
    const s = await start();
    const r = await s.connect('?types=alert&district=370203&severity=orange');
    const got = r.next((f) => f.event === 'alert');
    s.bus.emit('presence', { deviceId: 'gas-2', online: true, at: 1, reason: 'connect' });
    s.bus.emit('alertRaised', alertNotice({ severity: 'red', district: '370202' }));
    s.bus.emit('alertRaised', alertNotice({ severity: 'yellow', district: '370203' }));
    s.bus.emit('alertChanged', alertNotice({ severity: 'orange', district: '370203', message: 'wanted', action: 'upgraded' }));
    expect(JSON.parse((await got).data ?? '')).toMatchObject({ action: 'upgraded', alert: { message: 'wanted' } });
    expect(r.events()).toHaveLength(1);
  });

  it('gives each reader alert messages in its language: ?lang=, Accept-Language, else the hub default; replays too', async () => {
    const s = await start({ lang: 'zh-CN' });
    const byQuery = await s.connect('?lang=en');
    const byHeader = await s.connect('', { ...AUTH, 'accept-language': 'en-US,en;q=0.9' });
    const byDefault = await s.connect();
    const got = [byQuery, byHeader, byDefault].map((r) => r.next((f) => f.event === 'alert'));
    const n = alertNotice({ message: 'gas high' });
    s.bus.emit('alertRaised', { ...n, alert: { ...n.alert, messages: { en: 'gas high', 'zh-CN': '燃气浓度高' } } });
    const frames = await Promise.all(got);
    expect(frames.map((f) => (JSON.parse(f.data ?? '') as { alert: { message: string } }).alert.message)).toEqual(['gas high', 'gas high', '燃气浓度高']);
    const replayed = await SseReader.open(s.url('?lang=zh-CN'), { ...AUTH, 'last-event-id': `${frames[0]!.id!.split('-')[0]!}-0` });
    expect(JSON.parse((await replayed.next((f) => f.event === 'alert')).data ?? '')).toMatchObject({ alert: { message: '燃气浓度高', messages: { en: 'gas high' } } });
    replayed.close();
  });

  it('streams mission changes and drone state (drone-ops) as `mission` and `drone` events, filtered by type', async () => {
    const s = await start();
    const missions = await s.connect('?types=mission');
    const all = await s.connect();
    const inDistrict = await s.connect('?district=370202');
    const change = { missionId: 'm-1', dockId: 'd1', droneId: 'u1', from: 'returning' as const, to: 'completed' as const, at: 5, kind: 'point', priority: 100, alertId: 'a|b|1' };
    const gotMission = missions.next((f) => f.event === 'mission');
    const gotDrone = all.next((f) => f.event === 'drone');
    s.bus.emit('droneState', { droneId: 'u1', dockId: 'd1', at: 4, phase: 'in_flight', missionId: 'm-1', batteryPct: 80 });
    s.bus.emit('missionChanged', change);
    expect(JSON.parse((await gotMission).data ?? '')).toEqual(change);
    expect(JSON.parse((await gotDrone).data ?? '')).toMatchObject({ droneId: 'u1', phase: 'in_flight', missionId: 'm-1' });
    await vi.waitFor(() => expect(all.events('mission')).toHaveLength(1));
    expect(missions.events()).toHaveLength(1);
    // Mission and drone events carry no district: a district filter leaves them out (the presence sent
    // after them arrives, so they would have too).
    s.bus.emit('presence', { deviceId: 'gas-1', online: true, at: 6, reason: 'connect' });
    await inDistrict.next((f) => f.event === 'presence');
    expect(inDistrict.events().map((f) => f.event)).toEqual(['presence']);
  });

  it('replays what a reconnecting client missed after Last-Event-ID, and says reset when it cannot', async () => {
    const s = await start({ bufferSize: 3 });
    const r1 = await s.connect();
    const seen = r1.next((f) => f.event === 'alert');
    s.bus.emit('alertRaised', alertNotice({ message: 'm1' }));
    const last = (await seen).id ?? '';
    r1.close();
    s.bus.emit('alertRaised', alertNotice({ message: 'm2' }));
    s.bus.emit('alertRaised', alertNotice({ message: 'm3' }));
    const r2 = await s.connect('', { ...AUTH, 'last-event-id': last });
    await vi.waitFor(() => expect(r2.events('alert')).toHaveLength(2));
    expect(r2.events('alert').map((f) => (JSON.parse(f.data ?? '') as { alert: { message: string } }).alert.message)).toEqual(['m2', 'm3']);
    // m1..m3 + 2 more: with room for 3, m2 fell out, so the client that saw m1 cannot be caught up.
    s.bus.emit('alertRaised', alertNotice({ message: 'm4' }));
    s.bus.emit('alertRaised', alertNotice({ message: 'm5' }));
    const r3 = await s.connect('', { ...AUTH, 'last-event-id': last });
    expect(JSON.parse((await r3.find((f) => f.event === 'reset' || f.event === 'alert')).data ?? '')).toMatchObject({ reason: 'gap' });
    const r4 = await s.connect('', { ...AUTH, 'last-event-id': 'zzz-1' });
    expect((await r4.find((f) => f.event !== undefined)).event).toBe('reset');
  });

  it('sends heartbeat comments', async () => {
    const s = await start({ heartbeatMs: 30 });
    const r = await s.connect();
    expect((await r.next((f) => f.comment === 'heartbeat')).comment).toBe('heartbeat');
  });

  it('cuts off a client that stops reading once its buffer exceeds the bound, and counts it', async () => {
    const s = await start({ maxBufferedBytes: 64 * 1024 });
    const fast = await s.connect();
    // A real client that never reads: the socket buffers fill, then the server-side buffer grows.
    const req = request(s.url(), { headers: AUTH });
    req.end();
    const res = await new Promise<IncomingMessage>((resolve) => req.once('response', resolve));
    res.pause();
    await vi.waitFor(() => expect(s.hub.stats().clients).toBe(2));
    const big = 'x'.repeat(8 * 1024);
    await vi.waitFor(
      async () => {
        // A few events per turn: a client that reads keeps up, one that does not falls behind.
        for (let i = 0; i < 4; i++) s.bus.emit('alertRaised', alertNotice({ message: big }));
        await new Promise((r) => setImmediate(r));
        expect(s.hub.stats().slowDisconnects).toBe(1);
      },
      { timeout: 15_000, interval: 5 },
    );
    expect(s.hub.stats().clients).toBe(1);
    expect(await s.metrics.getSingleMetricAsString('citybrain_stream_slow_disconnects_total')).toMatch(/ 1$/m);
    // The reading client keeps its stream.
    await vi.waitFor(() => expect(fast.events('alert').length).toBeGreaterThan(50));
    expect(fast.ended).toBe(false);
    res.destroy();
  });
});
