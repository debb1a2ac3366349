/**
 * From an alert to a dispatch (issue #4): AlertApi.dispatch records the lifecycle step over a Dispatcher
 * port, and the automatic policy dispatches once per alert, recording failures as comments.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../kernel/bus.js';
import { ManualClock } from '../../kernel/clock.js';
import { createDatabase, type Database } from '../../kernel/db/index.js';
import { AppError } from '../../kernel/errors.js';
import type { AlertNotice, BusEvents } from '../../kernel/events.js';
import { silentLogger } from '../../kernel/logger.js';
import { reading } from '../testing.js';
import { AlertApi } from './alert-api.js';
import { AlertService } from './alert-service.js';
import { AutoDispatch, wantsAutoDispatch, type AutoDispatchPolicy } from './auto-dispatch.js';
import { staticSubjects, type Dispatcher, type DispatchOrder, type DispatchResult, type Subject } from './ports.js';

const T0 = 1_760_000_000_000;

const SUBJECTS: Subject[] = [
  { deviceId: 'gw-1', kind: 'gas', district: '370202', asset: null, location: { lon: 120.38, lat: 36.07 }, params: {}, parent: null },
  { deviceId: 'gw-nowhere', kind: 'gas', district: null, asset: null, location: null, params: {}, parent: null },
];

/** A Dispatcher of our own port that records orders and answers what the test says. */
class RecordingDispatcher implements Dispatcher {
  readonly orders: DispatchOrder[] = [];
  answer: DispatchResult = { ok: true, missionId: 'm-1', dockId: 'dock-1', etaS: 42.4, mission: { id: 'm-1', status: 'scheduled' } };
  dispatch(order: DispatchOrder): Promise<DispatchResult> {
    this.orders.push(order);
    return Promise.resolve(this.answer);
  }
}

interface H {
  db: Database;
  bus: EventBus;
  clock: ManualClock;
  service: AlertService;
  api: AlertApi;
  dispatcher: RecordingDispatcher;
  auto?: AutoDispatch;
}
const open: H[] = [];

async function boot(policy: AutoDispatchPolicy = 'off'): Promise<H> {
  const db = await createDatabase({ sqliteFile: ':memory:' });
  const bus = new EventBus<BusEvents>((err) => {
    throw err;
  });
  const clock = new ManualClock(T0);
  const subjects = staticSubjects(SUBJECTS);
  const service = new AlertService({ database: db, bus, log: silentLogger(), clock, subjects, tickMs: 0, snapshotMs: 0 });
  await service.start();
  const dispatcher = new RecordingDispatcher();
  const api = new AlertApi(service, subjects, { queryRaw: () => Promise.resolve({}) }, { dispatcher });
  const h: H = { db, bus, clock, service, api, dispatcher };
  if (policy !== 'off') {
    h.auto = new AutoDispatch({ policy, bus, api, log: silentLogger() });
    h.auto.start();
  }
  open.push(h);
  return h;
}

afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.auto?.stop();
    await h.service.stop();
    await h.db.close();
  }
});

/** Sends one gas reading and waits until the alert service has stored and announced it. */
async function gas(h: H, deviceId: string, lel: number, at: number): Promise<string> {
  h.clock.set(at);
  h.bus.emit('reading', reading(deviceId, 'gas', at, { ch4_lel: lel }));
  await h.service.idle();
  const a = h.service.liveAlerts().find((x) => x.subject === deviceId);
  if (!a) throw new Error(`no alert for ${deviceId}`);
  return a.id;
}

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof AppError)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
}

describe('AlertApi.dispatch', () => {
  it('sends a drone to the impact center at emergency priority and records the dispatched step and KPI', async () => {
    const h = await boot();
    const id = await gas(h, 'gw-1', 60, T0);
    h.clock.set(T0 + 90_000);
    const r = await h.api.dispatch(id, { by: 'duty-1' });
    expect(h.dispatcher.orders).toEqual([{ alertId: id, location: { lon: 120.38, lat: 36.07 }, priority: 'emergency', by: 'duty-1' }]);
    expect(r).toMatchObject({ dockId: 'dock-1', etaS: 42.4, mission: { id: 'm-1' }, alert: { dispatchedAt: T0 + 90_000 } });
    const detail = await h.api.getAlert(id);
    expect(detail.kpis.ttdMs).toBe(90_000);
    const step = detail.audit.find((e) => e.action === 'dispatched');
    expect(step).toMatchObject({ actor: 'duty-1', to: 'mission m-1 from dock dock-1 (ETA 42 s)' });
  });

  it('asks for an ordinary inspection below orange', async () => {
    const h = await boot();
    const id = await gas(h, 'gw-1', 12, T0); // blue (≥ 10 %LEL)
    await h.api.dispatch(id);
    expect(h.dispatcher.orders[0]?.priority).toBe('inspection');
  });

  it('refuses a resolved alert before anything flies, one without a location with 422, and passes refusals through', async () => {
    const h = await boot();
    const nowhere = await gas(h, 'gw-nowhere', 60, T0);
    expect(await errorOf(h.api.dispatch(nowhere))).toMatchObject({ code: 'ALERT_NO_LOCATION', status: 422 });

    const id = await gas(h, 'gw-1', 60, T0 + 1_000);
    h.dispatcher.answer = { ok: false, code: 'DOCK_UNAVAILABLE', message: 'no dock is available for this inspection', details: { rejected: [{ dockId: 'd1', reasons: [{ code: 'offline', message: 'dock is offline' }] }] } };
    const refused = await errorOf(h.api.dispatch(id));
    expect(refused).toMatchObject({ code: 'DOCK_UNAVAILABLE', status: 409, details: { rejected: [{ dockId: 'd1' }] } });
    expect((await h.api.getAlert(id)).dispatchedAt).toBeNull();

    await h.api.act(id, 'resolve', {});
    const before = h.dispatcher.orders.length;
    expect(await errorOf(h.api.dispatch(id))).toMatchObject({ code: 'ALERT_TRANSITION_INVALID', status: 409 });
    expect(h.dispatcher.orders.length).toBe(before);
  });

  it('answers DRONE_OPS_UNAVAILABLE without a dispatcher', async () => {
    const h = await boot();
    const id = await gas(h, 'gw-1', 60, T0);
    const bare = new AlertApi(h.service, staticSubjects(SUBJECTS), { queryRaw: () => Promise.resolve({}) });
    expect(await errorOf(bare.dispatch(id))).toMatchObject({ code: 'DRONE_OPS_UNAVAILABLE', status: 501 });
  });
});

describe('wantsAutoDispatch', () => {
  const notice = (severity: AlertNotice['alert']['severity'], action: string, extra: Record<string, unknown> = {}): AlertNotice => ({
    alert: { id: 'a', ruleId: 'r', subject: 's', status: 'open', severity, message: '', dispatchedAt: null, ...extra },
    action,
    at: T0,
  });
  it.each([
    ['off', 'red', 'opened', {}, false],
    ['red', 'red', 'opened', {}, true],
    ['red', 'orange', 'opened', {}, false],
    ['orange', 'orange', 'opened', {}, true],
    ['orange', 'yellow', 'opened', {}, false],
    ['orange', 'red', 'upgraded', {}, true],
    ['orange', 'red', 'acknowledged', {}, false],
    ['orange', 'red', 'commented', {}, false],
    ['orange', 'red', 'upgraded', { status: 'resolved' }, false],
    ['orange', 'red', 'upgraded', { dispatchedAt: T0 }, false],
  ] as const)('policy %s, %s alert %s %o → %s', (policy, severity, action, extra, want) => {
    expect(wantsAutoDispatch(policy, notice(severity, action, extra))).toBe(want);
  });
});

describe('AutoDispatch', () => {
  it('dispatches once when an alert opens red, and not again on repeats or later changes', async () => {
    const h = await boot('red');
    const id = await gas(h, 'gw-1', 60, T0);
    await h.auto!.idle();
    await gas(h, 'gw-1', 70, T0 + 5_000);
    await h.auto!.idle();
    expect(h.dispatcher.orders.map((o) => o.alertId)).toEqual([id]);
    const detail = await h.api.getAlert(id);
    expect(detail.audit.find((e) => e.action === 'dispatched')).toMatchObject({ actor: 'system', to: expect.stringMatching(/automatic dispatch \(policy red\)/) as unknown });
  });

  it('waits for an upgrade into its range: orange first, red later', async () => {
    const h = await boot('red');
    const id = await gas(h, 'gw-1', 30, T0);
    await h.auto!.idle();
    expect(h.dispatcher.orders).toEqual([]);
    await gas(h, 'gw-1', 55, T0 + 5_000);
    await h.auto!.idle();
    expect(h.dispatcher.orders.map((o) => o.alertId)).toEqual([id]);
  });

  it('records a refusal on the alert as a system comment, once, and never throws', async () => {
    const h = await boot('orange');
    h.dispatcher.answer = { ok: false, code: 'DOCK_UNAVAILABLE', message: 'no dock is available for this inspection' };
    const id = await gas(h, 'gw-1', 30, T0);
    await h.auto!.idle();
    await gas(h, 'gw-1', 60, T0 + 5_000); // upgraded to red: still the same alert, not tried twice
    await h.auto!.idle();
    expect(h.dispatcher.orders).toHaveLength(1);
    const detail = await h.api.getAlert(id);
    expect(detail.dispatchedAt).toBeNull();
    expect(detail.comments).toMatchObject([{ by: 'system', text: 'automatic dispatch failed — DOCK_UNAVAILABLE: no dock is available for this inspection' }]);
  });
});
