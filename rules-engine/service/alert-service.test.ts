import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../kernel/bus.js';
import { ManualClock } from '../../kernel/clock.js';
import { createDatabase, type Database } from '../../kernel/db/index.js';
import type { AlertNotice, BusEvents } from '../../kernel/events.js';
import { silentLogger } from '../../kernel/logger.js';
import { defaultRulePack } from '../default-pack.js';
import type { Rule } from '../rules.js';
import { reading } from '../testing.js';
import { AlertApi } from './alert-api.js';
import { AlertService, type AlertServiceOptions } from './alert-service.js';
import { staticSubjects, type Subject } from './ports.js';

const T0 = 1_760_000_000_000;
const SEC = 1_000;

function subject(deviceId: string, kind: string, lon: number, lat: number, params: Record<string, number> = {}): Subject {
  return { deviceId, kind, district: '370202', asset: null, location: { lon, lat }, params, parent: null };
}

const SUBJECTS = [
  subject('gw-1', 'gas', 120.38, 36.07),
  subject('gw-2', 'gas', 120.381, 36.0705), // ~100 m away
  subject('gw-far', 'gas', 120.5, 36.2),
  ...[0, 1, 2, 3, 4].map((i) => subject(`wm-${i}`, 'water', 120.4 + i * 0.001, 36.1)),
  subject('dr-1', 'drainage', 120.39, 36.08, { depth_m: 2, interval_ms: 1_000 }),
];

interface Harness {
  database: Database;
  bus: EventBus;
  clock: ManualClock;
  service: AlertService;
  api: AlertApi;
  notices: Array<{ event: 'alertRaised' | 'alertChanged'; n: AlertNotice; stored: Promise<unknown> }>;
}

const open: Harness[] = [];

async function boot(over: Partial<AlertServiceOptions> = {}, database?: Database): Promise<Harness> {
  const db = database ?? (await createDatabase({ sqliteFile: ':memory:' }));
  const bus = new EventBus<BusEvents>((err) => {
    throw err;
  });
  const clock = new ManualClock(T0);
  const subjects = staticSubjects(SUBJECTS);
  const service = new AlertService({ database: db, bus, log: silentLogger(), clock, subjects, tickMs: 0, snapshotMs: 0, ...over });
  await service.start();
  const notices: Harness['notices'] = [];
  for (const event of ['alertRaised', 'alertChanged'] as const) {
    // Persist-then-emit: a read started inside the handler must already find the alert.
    bus.on(event, (n) => notices.push({ event, n, stored: service.store.getAlert(n.alert.id) }));
  }
  const h = { database: db, bus, clock, service, api: new AlertApi(service, subjects, { queryRaw: () => Promise.resolve({}) }), notices };
  open.push(h);
  return h;
}

afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.service.stop();
    await h.database.close();
  }
});

async function send(h: Harness, deviceId: string, kind: string, ts: number, metrics: Record<string, number>, seq?: number): Promise<void> {
  h.clock.set(ts);
  h.bus.emit('reading', reading(deviceId, kind, ts, metrics, seq === undefined ? {} : { seq }));
  await h.service.idle();
}

describe('AlertService', () => {
  it('turns a reading series into one persisted alert with impact area and resources, announced after storing', async () => {
    const h = await boot();
    await send(h, 'gw-1', 'gas', T0, { ch4_lel: 5 });
    await send(h, 'gw-1', 'gas', T0 + 5 * SEC, { ch4_lel: 27 });
    await send(h, 'gw-1', 'gas', T0 + 10 * SEC, { ch4_lel: 28 });
    const { items } = await h.api.listAlerts({});
    expect(items).toHaveLength(1);
    const a = items[0]!;
    expect(a).toMatchObject({ ruleId: 'gas.ch4', subject: 'gw-1', severity: 'orange', responseLevel: 'II', status: 'open' });
    expect(a.impact).toMatchObject({ radiusM: 200, districts: ['370202'] });
    expect(a.impact!.devices.map((d) => d.deviceId)).toEqual(['gw-1', 'gw-2']);
    expect(a.impact!.area.geometry.type).toBe('Polygon');
    expect(a.resources).toEqual({ sensors: [{ deviceId: 'gw-2', kind: 'gas', distanceM: expect.any(Number) as number }], docks: { available: 'unknown', items: [] } });
    expect(h.notices.map((x) => [x.event, x.n.action])).toEqual([['alertRaised', 'opened']]);
    expect(await h.notices[0]!.stored).toMatchObject({ id: a.id });
  });

  it('upgrades in place, auto-resolves on recovery, and reopens the same alert', async () => {
    const h = await boot();
    await send(h, 'gw-1', 'gas', T0, { ch4_lel: 27 });
    await send(h, 'gw-1', 'gas', T0 + 5 * SEC, { ch4_lel: 55 });
    await send(h, 'gw-1', 'gas', T0 + 10 * SEC, { ch4_lel: 1 });
    const { items } = await h.api.listAlerts({});
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ severity: 'red', responseLevel: 'I', status: 'resolved', resolvedBy: 'system' });
    expect(items[0]!.impact?.radiusM).toBe(500);
    expect(h.notices.map((x) => x.n.action)).toEqual(['opened', 'upgraded', 'resolved']);
    const detail = await h.api.getAlert(items[0]!.id);
    expect(detail.audit.map((e) => e.action)).toEqual(['opened', 'upgraded', 'resolved']);
    await send(h, 'gw-1', 'gas', T0 + 15 * SEC, { ch4_lel: 30 });
    expect((await h.api.listAlerts({})).items.map((x) => [x.id, x.status, x.count])).toEqual([[items[0]!.id, 'open', 3]]);
  });

  it('never double-fires on an MQTT QoS 1 duplicate (same ts and seq)', async () => {
    const h = await boot();
    await send(h, 'gw-1', 'gas', T0, { ch4_lel: 27 }, 7);
    await send(h, 'gw-1', 'gas', T0, { ch4_lel: 27 }, 7);
    const { items } = await h.api.listAlerts({});
    expect(items.map((a) => a.count)).toEqual([1]);
    expect(h.notices).toHaveLength(1);
    expect(await h.service.store.auditTrail(items[0]!.id)).toHaveLength(1);
  });

  it('continues a debounce window across a restart (engine snapshot)', async () => {
    const rule: Rule = { ...defaultRulePack().find((r) => r.id === 'gas.ch4')!, debounce: { count: 3 } };
    const file = `/tmp/cb-alerts-${process.pid}-${Date.now()}.sqlite`;
    const db1 = await createDatabase({ sqliteFile: file });
    const h1 = await boot({ seed: () => [rule] }, db1);
    await send(h1, 'gw-1', 'gas', T0, { ch4_lel: 30 });
    await send(h1, 'gw-1', 'gas', T0 + SEC, { ch4_lel: 30 });
    expect((await h1.api.listAlerts({})).total).toBe(0);
    await h1.service.stop();
    open.splice(open.indexOf(h1), 1);
    await db1.close();

    const h2 = await boot({ seed: () => [] }, await createDatabase({ sqliteFile: file }));
    await send(h2, 'gw-1', 'gas', T0 + 2 * SEC, { ch4_lel: 30 });
    expect((await h2.api.listAlerts({})).items.map((a) => a.severity)).toEqual(['orange']);
    await h2.service.stop();
    await h2.database.close();
    open.splice(open.indexOf(h2), 1);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  });

  it('escalates an unacknowledged alert on tick, not an acknowledged one', async () => {
    const h = await boot();
    await send(h, 'gw-1', 'gas', T0, { ch4_lel: 60 });
    await send(h, 'gw-2', 'gas', T0, { ch4_lel: 60 });
    const [a2] = (await h.api.listAlerts({ deviceId: 'gw-2' })).items;
    await h.api.act(a2!.id, 'ack', { by: 'ops-1' });
    h.clock.advance(5 * 60 * SEC);
    await h.service.tick();
    const [a1] = (await h.api.listAlerts({ deviceId: 'gw-1', ruleId: 'gas.ch4' })).items;
    expect(a1).toMatchObject({ escalationLevel: 1 });
    expect((await h.api.getAlert(a2!.id)).escalationLevel).toBe(0);
    expect(h.notices.filter((x) => x.n.action === 'escalated').map((x) => x.n.alert.subject)).toEqual(['gw-1']);
  });

  it('a silence mutes notifications but the alert is still stored', async () => {
    const h = await boot();
    const s = await h.api.addSilence({ matchers: { deviceId: 'gw-1' }, endsAt: T0 + 3_600 * SEC, comment: 'valve works' });
    await send(h, 'gw-1', 'gas', T0, { ch4_lel: 27 });
    await send(h, 'gw-2', 'gas', T0, { ch4_lel: 27 });
    const muted = (await h.api.listAlerts({ deviceId: 'gw-1' })).items[0]!;
    expect(muted.mutedBy).toBe(s.id);
    expect(h.notices.map((x) => x.n.alert.subject)).toEqual(['gw-2']);
  });

  it('groups five pressure sensors of one burst into one incident', async () => {
    const h = await boot();
    for (let i = 0; i < 5; i++) await send(h, `wm-${i}`, 'water', T0, { pressure_mpa: 0.4 });
    for (let i = 0; i < 5; i++) await send(h, `wm-${i}`, 'water', T0 + 60 * SEC + i, { pressure_mpa: 0.2 });
    const incidents = h.api.incidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.devices.sort()).toEqual(['wm-0', 'wm-1', 'wm-2', 'wm-3', 'wm-4']);
    const corr = (await h.api.listAlerts({ ruleId: 'water.burst-area' })).items;
    expect(corr).toHaveLength(1);
    expect(corr[0]!.impact).not.toBeNull();
  });

  it('raises offline when a device goes silent (deadman on tick, interval from the device params)', async () => {
    const h = await boot();
    await send(h, 'dr-1', 'drainage', T0, { level_m: 0.2 });
    h.clock.advance(2 * SEC);
    await h.service.tick();
    expect((await h.api.listAlerts({ ruleId: 'device.offline' })).total).toBe(0);
    h.clock.advance(2 * SEC);
    await h.service.tick();
    expect((await h.api.listAlerts({ ruleId: 'device.offline' })).items.map((a) => [a.subject, a.severity])).toEqual([['dr-1', 'yellow']]);
    await send(h, 'dr-1', 'drainage', T0 + 5 * SEC, { level_m: 0.2 });
    expect((await h.api.listAlerts({ ruleId: 'device.offline' })).items[0]!.status).toBe('resolved');
  });

  it('takes people through ack → assign → comment → resolve → close, refusing invalid transitions', async () => {
    const h = await boot();
    await send(h, 'gw-1', 'gas', T0, { ch4_lel: 27 });
    const id = (await h.api.listAlerts({})).items[0]!.id;
    await h.api.act(id, 'ack', { by: 'ops-1', note: 'seen' });
    await expect(h.api.act(id, 'ack', {})).rejects.toMatchObject({ code: 'ALERT_TRANSITION_INVALID' });
    await h.api.act(id, 'assign', { assignee: 'crew-7', unit: 'Shinan gas' });
    await h.api.act(id, 'comment', { text: 'crew on site' });
    await expect(h.api.act(id, 'close', {})).rejects.toMatchObject({ code: 'ALERT_TRANSITION_INVALID' });
    await h.api.act(id, 'resolve', { note: 'valve closed' });
    const closed = await h.api.act(id, 'close', {});
    expect(closed).toMatchObject({ status: 'closed', assignee: 'crew-7', unit: 'Shinan gas' });
    const d = await h.api.getAlert(id);
    expect(d.audit.map((e) => e.action)).toEqual(['opened', 'acknowledged', 'assigned', 'commented', 'resolved', 'closed']);
    expect(d.kpis.ttaMs).toBe(0);
    await expect(h.api.act('nope', 'ack', {})).rejects.toMatchObject({ code: 'ALERT_NOT_FOUND' });
    // After close a new firing opens a new alert.
    await send(h, 'gw-1', 'gas', T0 + SEC, { ch4_lel: 1 });
    await send(h, 'gw-1', 'gas', T0 + 2 * SEC, { ch4_lel: 30 });
    expect((await h.api.listAlerts({})).total).toBe(2);
  });

  it('applies a rule update (version 2) to the running engine', async () => {
    const h = await boot();
    const { updatedAt: _u, history: _h, ...gas } = await h.api.getRule('gas.ch4');
    const v2 = await h.api.updateRule('gas.ch4', { ...gas, levels: { red: 15 } });
    expect(v2.version).toBe(2);
    await send(h, 'gw-1', 'gas', T0, { ch4_lel: 16 });
    expect((await h.api.listAlerts({})).items.map((a) => a.severity)).toEqual(['red']);
    expect((await h.api.getRule('gas.ch4')).history.map((r) => r.version)).toEqual([1, 2]);
    await expect(h.api.createRule({ ...v2 })).rejects.toMatchObject({ code: 'RULE_EXISTS' });
    await expect(h.api.createRule({ id: 'x', name: 'x', kind: 'threshold', scope: { deviceKind: 'gas' }, metric: 'nope' })).rejects.toMatchObject({ code: 'RULE_INVALID' });
  });
});
