import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../kernel/errors.js';
import { SAMPLE_JIAODONG_AIRPORT_ZONE } from '../airspace.js';
import type { DockRecord, DroneOpsStore, MissionRecord } from './types.js';

export interface StoreHarness {
  store: DroneOpsStore;
  close(): Promise<void>;
}

/** Past 2^32: BIGINT columns must come back as exact numbers. */
const T0 = 1_760_000_000_000;

const dock = (id: string): DockRecord => ({ id, name: `Dock ${id}`, location: { lon: 120.38, lat: 36.06 }, district: '370202', status: 'idle', droneId: null, windMps: null, rain: false, reportedAt: null, createdAt: T0, updatedAt: T0 });

function mission(id: string, over: Partial<MissionRecord> = {}): MissionRecord {
  return {
    id, kind: 'corridor', status: 'planned', priority: 10, dockId: 'd1', droneId: 'u1', groupId: id, sortie: 1, sorties: 1, patrolId: null, alertId: null,
    request: { dockId: 'd1', pattern: { kind: 'corridor' } },
    plan: { items: [{ seq: 0, frame: 0, command: 16, current: 1, autocontinue: 1, param1: 0, param2: 0, param3: 0, param4: NaN, x: 360600000, y: 1203800000, z: 0, missionType: 0 }], path: [{ lon: 120.38, lat: 36.06, altM: 0 }], lengthM: 812.5, durationS: 98.25, batteryPct: 4.7 },
    runAt: null, startedAt: null, finishedAt: null, progressSeq: null, note: null, createdAt: T0, updatedAt: T0, ...over,
  };
}

async function code(p: Promise<unknown>): Promise<unknown> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  return isAppError(err) ? err.code : err;
}

/** The DroneOpsStore conformance suite (style.md): every adapter's test file calls it. */
export function describeDroneOpsStore(name: string, make: () => Promise<StoreHarness>): void {
  describe(`DroneOpsStore: ${name}`, () => {
    let h: StoreHarness;
    let s: DroneOpsStore;
    beforeEach(async () => {
      h = await make();
      s = h.store;
    });
    afterEach(async () => {
      await h.close();
    });

    it('stores zones, settings and drone types, replacing by id', async () => {
      await s.putZone(SAMPLE_JIAODONG_AIRPORT_ZONE, T0);
      await s.putZone({ id: 'z2', footprint: { type: 'Polygon', coordinates: [[[120, 36], [120.1, 36], [120.1, 36.1], [120, 36]]] }, floorM: 0, ceilingM: 50, windows: [{ startMs: T0, endMs: T0 + 1 }] }, T0);
      await s.putZone({ ...SAMPLE_JIAODONG_AIRPORT_ZONE, ceilingM: 500 }, T0 + 1);
      expect(await s.listZones()).toEqual([{ ...SAMPLE_JIAODONG_AIRPORT_ZONE, ceilingM: 500 }, expect.objectContaining({ id: 'z2', windows: [{ startMs: T0, endMs: T0 + 1 }] })]);
      expect(await s.deleteZone('z2')).toBe(true);
      expect(await s.deleteZone('z2')).toBe(false);
      expect(await s.getSetting('ceilingM')).toBeUndefined();
      await s.setSetting('ceilingM', '120');
      await s.setSetting('ceilingM', '100');
      expect(await s.getSetting('ceilingM')).toBe('100');
      const t = { id: 'm30', cruiseMps: 12, climbMps: 5, descentMps: 3, enduranceS: 2100, reservePct: 20, windLimitMps: 12, maxAltM: 120 };
      await s.putDroneType(t);
      await s.putDroneType({ ...t, windLimitMps: 10 });
      expect(await s.listDroneTypes()).toEqual([{ ...t, windLimitMps: 10 }]);
    });

    it('stores docks and drones, refuses duplicates, applies partial updates', async () => {
      await s.insertDock(dock('d1'));
      expect(await code(s.insertDock(dock('d1')))).toBe('DOCK_EXISTS');
      expect(await s.getDock('d1')).toEqual(dock('d1'));
      const upd = await s.updateDock('d1', { status: 'charging', windMps: 7.5, rain: true, reportedAt: T0 + 5, droneId: 'u1' }, T0 + 6);
      expect(upd).toEqual({ ...dock('d1'), status: 'charging', windMps: 7.5, rain: true, reportedAt: T0 + 5, droneId: 'u1', updatedAt: T0 + 6 });
      expect(await s.updateDock('nope', { status: 'idle' }, T0)).toBeUndefined();
      const drone = { id: 'u1', name: null, typeId: 'm30', dockId: 'd1', batteryPct: 96.5, phase: 'docked' as const, position: null, headingDeg: null, telemetryAt: null, createdAt: T0, updatedAt: T0 };
      await s.insertDrone(drone);
      expect(await code(s.insertDrone(drone))).toBe('DRONE_EXISTS');
      const moved = await s.updateDrone('u1', { phase: 'in_flight', position: { lon: 120.39, lat: 36.07, altM: 60 }, batteryPct: 80, headingDeg: 271.5, telemetryAt: T0 + 8 }, T0 + 9);
      expect(moved).toEqual({ ...drone, phase: 'in_flight', position: { lon: 120.39, lat: 36.07, altM: 60 }, batteryPct: 80, headingDeg: 271.5, telemetryAt: T0 + 8, updatedAt: T0 + 9 });
      expect((await s.listDrones()).map((d) => d.id)).toEqual(['u1']);
      expect((await s.listDocks()).map((d) => d.id)).toEqual(['d1']);
    });

    it('stores missions exactly (NaN yaw included) and filters them', async () => {
      await s.insertMissions([mission('m1'), mission('m2', { dockId: 'd2', patrolId: 'p1', createdAt: T0 + 1 })]);
      const m1 = await s.getMission('m1');
      expect(m1).toEqual(mission('m1'));
      expect(Number.isNaN(m1?.plan.items[0]?.param4)).toBe(true);
      expect((await s.listMissions()).map((m) => m.id)).toEqual(['m2', 'm1']);
      expect((await s.listMissions({ dockId: 'd2' })).map((m) => m.id)).toEqual(['m2']);
      expect((await s.listMissions({ patrolId: 'p1', status: ['planned'] })).map((m) => m.id)).toEqual(['m2']);
      expect(await s.listMissions({ status: ['completed'] })).toEqual([]);
      expect((await s.listMissions({ limit: 1, offset: 1 })).map((m) => m.id)).toEqual(['m1']);
      expect([await s.countMissions(), await s.countMissions({ dockId: 'd2' }), await s.countMissions({ status: ['completed'] })]).toEqual([2, 1, 0]);
    });

    it('transitions by compare-and-set, recording history in order', async () => {
      await s.insertMissions([mission('m1')], 'alice');
      const sch = await s.transition('m1', ['planned'], 'scheduled', T0 + 1, { changes: { runAt: T0 + 100 }, actor: 'scheduler' });
      expect(sch).toMatchObject({ status: 'scheduled', runAt: T0 + 100, updatedAt: T0 + 1 });
      expect(await s.transition('m1', ['planned'], 'scheduled', T0 + 2)).toBeUndefined();
      await s.transition('m1', ['scheduled'], 'aborted', T0 + 3, { note: 'cancelled', changes: { finishedAt: T0 + 3 }, actor: 'bob' });
      await s.transition('m1', ['aborted'], 'aborted', T0 + 4, { note: 'a note' });
      expect(await s.history('m1')).toEqual([
        { seq: 1, from: null, to: 'planned', at: T0, note: null, actor: 'alice' },
        { seq: 2, from: 'planned', to: 'scheduled', at: T0 + 1, note: null, actor: 'scheduler' },
        { seq: 3, from: 'scheduled', to: 'aborted', at: T0 + 3, note: 'cancelled', actor: 'bob' },
        { seq: 4, from: 'aborted', to: 'aborted', at: T0 + 4, note: 'a note', actor: 'system' },
      ]);
      expect(await s.getMission('m1')).toMatchObject({ status: 'aborted', note: 'a note', finishedAt: T0 + 3 });
      expect(await s.transition('ghost', ['planned'], 'scheduled', T0)).toBeUndefined();
    });

    it('lets exactly one of two racing transitions win', async () => {
      await s.insertMissions([mission('m1')]);
      const results = await Promise.all([s.transition('m1', ['planned'], 'scheduled', T0 + 1), s.transition('m1', ['planned'], 'aborted', T0 + 1)]);
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      expect(await s.history('m1')).toHaveLength(2);
    });

    it('stores patrols and intents', async () => {
      const p = { id: 'p1', name: 'River', dockId: 'd1', request: { pattern: { kind: 'corridor' } }, cron: '0 0 9 * * *', tz: 'Asia/Shanghai', createdAt: T0, paused: false };
      await s.insertPatrol(p);
      expect(await code(s.insertPatrol(p))).toBe('VALIDATION_FAILED');
      expect(await s.listPatrols()).toEqual([p]);
      const changed = { cron: '0 30 7 * * 1-5', paused: true, request: { pattern: { kind: 'point' } }, name: null };
      expect(await s.updatePatrol('p1', changed)).toEqual({ ...p, ...changed });
      expect(await s.updatePatrol('p1', { paused: false })).toEqual({ ...p, ...changed, paused: false });
      expect(await s.updatePatrol('nope', { paused: true })).toBeUndefined();
      expect(await s.deletePatrol('p1')).toBe(true);
      expect(await s.getPatrol('p1')).toBeUndefined();
      const i = { id: 'm1', priority: 10, owner: 'm1', endMs: T0 + 60_000, volumes: [{ footprint: { type: 'Circle' as const, center: { lon: 120.38, lat: 36.06 }, radiusM: 100 }, floorM: 0, ceilingM: 70, startMs: T0, endMs: T0 + 60_000 }] };
      await s.saveIntent(i);
      await s.saveIntent({ ...i, priority: 20 });
      expect(await s.listIntents()).toEqual([{ ...i, priority: 20 }]);
      expect(await s.deleteIntent('m1')).toBe(true);
      expect(await s.listIntents()).toEqual([]);
    });
  });
}
