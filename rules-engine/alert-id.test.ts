import { describe, expect, it } from 'vitest';
import { EventBus } from '../kernel/bus.js';
import { ManualClock } from '../kernel/clock.js';
import { createDatabase, migrate } from '../kernel/db/index.js';
import type { BusEvents } from '../kernel/events.js';
import { silentLogger } from '../kernel/logger.js';
import { ALERT_ID_PATTERN, alertId, canonicalAlertId } from './alert-id.js';
import { AlertApi } from './service/alert-api.js';
import { AlertService } from './service/alert-service.js';
import { staticSubjects } from './service/ports.js';
import { KyselyAlertStore } from './store/alert-store.kysely.js';
import { rulesMigrations } from './store/migrations.js';
import { reading } from './testing.js';

const T0 = 1_760_000_000_000;

describe('alert ids', () => {
  it('use only URL-unreserved characters, whatever the rule and subject hold', () => {
    for (const [rule, subject] of [['gas.ch4', 'GW-0412'], ['drone-safety', 'drone:u1'], ['corr', 'a|b/c?d#e %f']] as const) {
      const id = alertId(rule, subject, T0);
      expect(id).toMatch(ALERT_ID_PATTERN);
      expect(encodeURIComponent(id)).toBe(id);
    }
  });

  it('are stable per (rule, subject, first firing) and differ when any of them does', () => {
    expect(alertId('gas.ch4', 'GW-0412', T0)).toBe(alertId('gas.ch4', 'GW-0412', T0));
    const others = [alertId('gas.ch4', 'GW-0413', T0), alertId('gas.ch4x', 'GW-0412', T0), alertId('gas.ch4', 'GW-0412', T0 + 1)];
    expect(new Set([alertId('gas.ch4', 'GW-0412', T0), ...others]).size).toBe(4);
    // The separator is not ambiguous: ("a", "b.c") and ("a.b", "c") are different alerts.
    expect(alertId('a', 'b.c', T0)).not.toBe(alertId('a.b', 'c', T0));
  });

  it('turn a former `rule|subject|at` id (subjects may hold `|`) into today\'s id, and leave others alone', () => {
    expect(canonicalAlertId(`gas.ch4|GW-0412|${T0}`)).toBe(alertId('gas.ch4', 'GW-0412', T0));
    expect(canonicalAlertId(`corr|area|7|${T0}`)).toBe(alertId('corr', 'area|7', T0));
    const today = alertId('gas.ch4', 'GW-0412', T0);
    expect(canonicalAlertId(today)).toBe(today);
    expect(canonicalAlertId('a|b')).toBe('a|b');
    expect(canonicalAlertId('a|b|soon')).toBe('a|b|soon');
  });

  it('stored alerts with former ids are migrated (row, document, audit); a former id still finds the alert', async () => {
    // An alert as the platform stores it, opened by a real reading.
    const bus = new EventBus<BusEvents>((err) => {
      throw err;
    });
    const subjects = staticSubjects([{ deviceId: 'gw-1', kind: 'gas', district: '370202', asset: null, location: { lon: 120.38, lat: 36.07 }, params: {}, parent: null }]);
    const first = await createDatabase({ sqliteFile: ':memory:' });
    const s1 = new AlertService({ database: first, bus, log: silentLogger(), clock: new ManualClock(T0), subjects, tickMs: 0, snapshotMs: 0 });
    await s1.start();
    bus.emit('reading', reading('gw-1', 'gas', T0, { ch4_lel: 27 }));
    await s1.idle();
    const [opened] = (await s1.store.listAlerts({})).items;
    const audit = await s1.store.auditTrail(opened!.id);
    await s1.stop();
    await first.close();
    expect(opened!.id).toMatch(ALERT_ID_PATTERN);

    // The same alert written by an earlier version: schema 0001, a former id.
    const legacy = `gas.ch4|gw-1|${T0}`;
    const db = await createDatabase({ sqliteFile: ':memory:' });
    await migrate(db, { 'rules-0001-alerts-rules-silences': rulesMigrations['rules-0001-alerts-rules-silences']! });
    await new KyselyAlertStore(db).saveAlerts([{ alert: { ...opened!, id: legacy }, changes: [] }]);
    // Audit rows in 0001's columns (today's writer also fills `detail`, added by 0003).
    await db.db.insertInto('alert_audit').values(audit.map((c, i) => ({ alert_id: legacy, seq: i + 1, at: c.at, actor: c.actor, action: c.action, from_state: c.from ?? null, to_state: c.to ?? null, note: c.note ?? null }))).execute();

    const s2 = new AlertService({ database: db, bus: new EventBus<BusEvents>(), log: silentLogger(), clock: new ManualClock(T0 + 1000), subjects, tickMs: 0, snapshotMs: 0 });
    await s2.start();
    const api = new AlertApi(s2, subjects, { queryRaw: () => Promise.resolve({}) });
    const [migrated] = (await s2.store.listAlerts({})).items;
    expect(migrated!.id).toBe(opened!.id);
    for (const id of [opened!.id, legacy]) {
      const detail = await api.getAlert(id);
      expect(detail.id).toBe(opened!.id);
      expect(detail.audit.map((e) => [e.alertId, e.action])).toEqual([[opened!.id, 'opened']]);
    }
    expect((await api.act(legacy, 'ack', { by: 'duty-1' })).status).toBe('acknowledged');
    await s2.stop();
    await db.close();
  });
});
