import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultRulePack } from '../default-pack.js';
import { applySignal, acknowledge, record } from '../lifecycle.js';
import type { Signal } from '../signal.js';
import type { AlertStore, StoredAlert } from './alert-store.js';

export interface AlertStoreHarness {
  store: AlertStore;
  close(): Promise<void>;
}

/** Past 2^32 ms: BIGINT columns must come back as exact numbers. */
const T0 = 1_760_000_000_000;

export function sampleSignal(deviceId: string, over: Partial<Signal> = {}): Signal {
  return {
    ruleId: 'gas.ch4', ruleKind: 'threshold', ruleVersion: 1, subject: deviceId, state: 'firing', severity: 'orange',
    values: { value: 27, threshold: 25 }, message: `gas methane 27 %LEL at ${deviceId} — orange`,
    messages: { en: `gas methane 27 %LEL at ${deviceId} — orange`, 'zh-CN': `${deviceId} 燃气甲烷浓度 27 %LEL — 橙色` }, at: T0,
    labels: { deviceId, deviceKind: 'gas', district: '370202', asset: 'main-7', location: { lon: 120.38, lat: 36.07 }, parent: null },
    ...over,
  };
}

export function sampleAlert(deviceId: string, over: Partial<Signal> = {}): { alert: StoredAlert; changes: ReturnType<typeof applySignal>['changes'] } {
  const s = sampleSignal(deviceId, over);
  const o = applySignal(undefined, s, s.at);
  return { alert: { ...o.alert!, impact: null, resources: null, mutedBy: null }, changes: o.changes };
}

/** The AlertStore conformance suite (style.md): every adapter's test file calls it. */
export function describeAlertStore(name: string, make: () => Promise<AlertStoreHarness>): void {
  describe(`AlertStore: ${name}`, () => {
    let h: AlertStoreHarness;
    let store: AlertStore;
    beforeEach(async () => {
      h = await make();
      store = h.store;
    });
    afterEach(async () => {
      await h.close();
    });

    it('stores an alert with impact and reads it back exactly, audit trail in order', async () => {
      const a = sampleAlert('gw-1');
      const impact = { responseLevel: 'II', center: { lon: 120.38, lat: 36.07 }, radiusM: 200, area: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[1, 2], [3, 4], [1, 2]]] }, properties: {} }, devices: [], assets: [], districts: ['370202'] } as const;
      const alert: StoredAlert = { ...a.alert, impact: structuredClone(impact) as unknown as StoredAlert['impact'], resources: { sensors: [], docks: { available: 'unknown', items: [] } } };
      await store.saveAlerts([{ alert, changes: a.changes }]);
      expect(await store.getAlert(alert.id)).toEqual(alert);
      const ack = acknowledge(alert, 'ops-1', T0 + 5, 'on my way');
      if (!ack.ok) throw new Error(ack.reason);
      await store.saveAlerts([{ alert: { ...alert, ...ack.alert }, changes: ack.changes }]);
      expect((await store.getAlert(alert.id))?.status).toBe('acknowledged');
      const trail = await store.auditTrail(alert.id);
      expect(trail.map((t) => t.action)).toEqual(['opened', 'acknowledged']);
      expect(trail[1]).toEqual({ alertId: alert.id, at: T0 + 5, actor: 'ops-1', action: 'acknowledged', from: 'open', to: 'acknowledged', note: 'on my way' });
      // A note the platform writes keeps its structure (code, parameters, both languages).
      const detail = { code: 'droneOverTarget', params: { droneId: 'D-1', missionId: 'mi-1', lat: 36.07 }, notes: { 'zh-CN': '无人机 D-1 已到达目标上空', en: 'drone D-1 over the target' } };
      const rec = record({ ...alert, ...ack.alert }, 'drone.arrived', 'drone:D-1', T0 + 6, detail.notes.en, detail);
      if (!rec.ok) throw new Error(rec.reason);
      await store.saveAlerts([{ alert: { ...alert, ...rec.alert }, changes: rec.changes }]);
      expect((await store.auditTrail(alert.id))[2]).toEqual({ alertId: alert.id, at: T0 + 6, actor: 'drone:D-1', action: 'drone.arrived', note: detail.notes.en, detail });
      expect(await store.getAlert('nope')).toBeUndefined();
    });

    it('filters by status, severity, district, device and time range, and pages newest first', async () => {
      const items = [
        sampleAlert('gw-1', { at: T0 }),
        sampleAlert('gw-2', { at: T0 + 1000, severity: 'red' }),
        sampleAlert('gw-3', { at: T0 + 2000, labels: { ...sampleSignal('gw-3').labels, district: '370203' } }),
        sampleAlert('gw-4', { at: T0 + 3000 }),
      ];
      items[3]!.alert.status = 'resolved';
      await store.saveAlerts(items);
      const ids = async (f: Parameters<AlertStore['listAlerts']>[0]) => (await store.listAlerts(f)).items.map((a) => a.subject);
      expect(await ids({})).toEqual(['gw-4', 'gw-3', 'gw-2', 'gw-1']);
      expect(await ids({ status: 'open' })).toEqual(['gw-3', 'gw-2', 'gw-1']);
      expect(await ids({ severity: 'red' })).toEqual(['gw-2']);
      expect(await ids({ district: '370203' })).toEqual(['gw-3']);
      expect(await ids({ deviceId: 'gw-1' })).toEqual(['gw-1']);
      expect(await ids({ from: T0 + 1000, to: T0 + 3000 })).toEqual(['gw-3', 'gw-2']);
      const page = await store.listAlerts({ limit: 2, offset: 1 });
      expect(page.items.map((a) => a.subject)).toEqual(['gw-3', 'gw-2']);
      expect(page.total).toBe(4);
      expect((await store.liveAlerts()).map((a) => a.subject)).toEqual(['gw-1', 'gw-2', 'gw-3', 'gw-4']);
      items[0]!.alert.status = 'closed';
      await store.saveAlerts([{ alert: items[0]!.alert, changes: [] }]);
      expect((await store.liveAlerts()).map((a) => a.subject)).toEqual(['gw-2', 'gw-3', 'gw-4']);
    });

    it('saves many alerts in one batch (more than one INSERT chunk)', async () => {
      const batch = Array.from({ length: 1_200 }, (_, i) => sampleAlert(`d-${i}`, { at: T0 + i }));
      await store.saveAlerts(batch);
      expect((await store.listAlerts({ limit: 1 })).total).toBe(1_200);
      expect(await store.auditTrail(batch[1_199]!.alert.id)).toHaveLength(1);
    });

    it('versions rules: an update is version n+1, history kept, delete hides but keeps history', async () => {
      expect(await store.hasRuleHistory()).toBe(false);
      const gas = defaultRulePack().find((r) => r.id === 'gas.ch4')!;
      expect((await store.putRule({ ...gas, version: 7 }, T0)).version).toBe(1);
      const v2 = await store.putRule({ ...gas, enabled: false, levels: { yellow: 15, red: 40 } }, T0 + 1);
      expect(v2.version).toBe(2);
      expect(await store.hasRuleHistory()).toBe(true);
      expect(await store.getRule('gas.ch4')).toEqual({ rule: v2, updatedAt: T0 + 1 });
      expect((await store.ruleHistory('gas.ch4')).map((r) => [r.rule.version, r.rule.enabled])).toEqual([[1, true], [2, false]]);
      expect(await store.deleteRule('gas.ch4', T0 + 2)).toBe(true);
      expect(await store.deleteRule('gas.ch4', T0 + 3)).toBe(false);
      expect(await store.getRule('gas.ch4')).toBeUndefined();
      expect(await store.listRules()).toEqual([]);
      expect((await store.putRule(gas, T0 + 4)).version).toBe(3);
      expect((await store.listRules()).map((r) => r.rule.id)).toEqual(['gas.ch4']);
    });

    it('keeps silences and deletes them by id', async () => {
      const s = { id: 's-1', kind: 'maintenance' as const, matchers: { district: '370202', ruleId: 'gas.ch4' }, startsAt: T0, endsAt: T0 + 3_600_000, createdBy: 'ops', comment: 'valve works' };
      await store.addSilence(s);
      expect(await store.listSilences()).toEqual([s]);
      expect(await store.deleteSilence('s-1')).toBe(true);
      expect(await store.deleteSilence('s-1')).toBe(false);
      expect(await store.listSilences()).toEqual([]);
    });

    it('keeps one engine snapshot, replaced on save', async () => {
      expect(await store.loadSnapshot()).toBeUndefined();
      await store.saveSnapshot({ a: 1 }, T0);
      await store.saveSnapshot({ a: 2, nested: [1, 2] }, T0 + 1);
      expect(await store.loadSnapshot()).toEqual({ data: { a: 2, nested: [1, 2] }, savedAt: T0 + 1 });
    });
  });
}
