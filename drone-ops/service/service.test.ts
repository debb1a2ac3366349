import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DroneStateChange } from '../../kernel/events.js';
import { ll, squareM, lineM as line } from '../testing/fixtures.js';
import { intentSpanMs } from './planning.js';
import { DEFAULT_DRONE_TYPE } from './registry.js';
import { makeHarness, recordChanges, waitStatus, type Harness } from './testing.js';
import type { Pattern } from './types.js';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

const corridor = (len = 600): Pattern => ({ kind: 'corridor', line: line([100, 0], [100 + len, 0]), widthM: 40, spacingM: 20, altM: 60 });

async function dockAt(id: string, x: number, y: number): Promise<void> {
  await h.service.registerDock({ id, location: ll(x, y) });
  await h.service.registerDrone({ id: `${id}-uav`, typeId: DEFAULT_DRONE_TYPE.id, dockId: id });
}

describe('DroneOpsService with the fake link', () => {
  it('flies a corridor through the whole lifecycle, with history, bus events and the dock back to idle', async () => {
    await dockAt('d1', 0, 0);
    const seen = recordChanges(h.bus);
    const states: DroneStateChange[] = [];
    h.bus.on('droneState', (s) => states.push(s));
    const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: corridor() });
    if (!r.ok) throw new Error(r.message);
    const id = r.missions[0]!.id;
    await waitStatus(seen, id, 'completed');
    const history = await h.service.history(id);
    expect(history.map((e) => e.to)).toEqual(['planned', 'scheduled', 'preflight', 'uploading', 'in_flight', 'returning', 'completed']);
    expect(h.link.uploads[0]?.items.length).toBe(r.missions[0]!.plan.items.length);
    expect(states.some((s) => s.missionId === id && s.position !== undefined)).toBe(true);
    expect(states.at(-1)).toMatchObject({ droneId: 'd1-uav', phase: 'docked' });
    expect((await h.service.dock('d1')).status).toBe('idle');
    expect(await h.intents.list(Date.now())).toEqual([]);
    expect((await h.service.mission(id)).finishedAt).toBeGreaterThan(0);
  });

  it('retries while the dock is busy and launches once it is idle', async () => {
    await dockAt('d1', 0, 0);
    await h.service.reportDock('d1', { status: 'charging' });
    const seen = recordChanges(h.bus);
    const retried = new Promise<string>((resolve) => h.scheduler.on('retrying', (e) => resolve(e.reason)));
    const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: corridor() });
    if (!r.ok) throw new Error(r.message);
    expect(await retried).toMatch(/dock d1 is charging/);
    expect((await h.service.mission(r.missions[0]!.id)).status).toBe('scheduled');
    await h.service.reportDock('d1', { status: 'idle' });
    await waitStatus(seen, r.missions[0]!.id, 'completed');
  });

  it('retries when the wind is over the drone type limit, and fails visibly after the last attempt', async () => {
    await dockAt('d1', 0, 0);
    await h.service.reportDock('d1', { windMps: DEFAULT_DRONE_TYPE.windLimitMps + 1 });
    const seen = recordChanges(h.bus);
    const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: corridor() });
    if (!r.ok) throw new Error(r.message);
    await waitStatus(seen, r.missions[0]!.id, 'failed');
    const m = await h.service.mission(r.missions[0]!.id);
    expect(m.note).toMatch(/launch failed: wind 13 m\/s at or above the 12 m\/s limit/);
    expect(h.link.uploads).toHaveLength(0);
  });

  it('refuses a conflicting plan of equal priority, naming the mission and the next free slot', async () => {
    await dockAt('d1', 0, 0);
    await dockAt('d2', 0, 200);
    const at = Date.now() + 600_000;
    const first = await h.service.planAndSchedule({ dockId: 'd1', pattern: corridor() }, { at });
    if (!first.ok) throw new Error(first.message);
    const second = await h.service.planAndSchedule({ dockId: 'd2', pattern: corridor() }, { at });
    expect(second).toMatchObject({ ok: false, reason: 'conflict', conflictsWith: [{ missionId: first.missions[0]!.id, priority: 10 }] });
    if (second.ok || second.reason !== 'conflict') throw new Error('expected a conflict');
    // The first intent lasts its flight at the commanded speed with the margin (planning.ts intentSpanMs).
    const firstEnd = at + intentSpanMs(first.missions[0]!.plan.durationS);
    expect(second.nextFreeSlot).toBe(firstEnd);
    expect(second.message).toContain(first.missions[0]!.id);
    // never left planned: refused, with the reason on its history
    expect(await h.service.listMissions({ status: ['planned'] })).toEqual([]);
    const [refused] = await h.service.listMissions({ status: ['refused'] });
    expect(refused?.dockId).toBe('d2');
    expect((await h.service.history(refused!.id)).map((e) => e.to)).toEqual(['planned', 'refused']);
    expect(refused?.note).toMatch(/^refused: airspace conflicts with mission/);
    // the suggested slot is free
    const retry = await h.service.planAndSchedule({ dockId: 'd2', pattern: corridor() }, { at: second.nextFreeSlot! });
    expect(retry.ok).toBe(true);
  });

  it('an emergency inspection pre-empts a patrol holding the airspace', async () => {
    await dockAt('d1', 0, 0);
    await dockAt('d2', 3000, 0);
    const seen = recordChanges(h.bus);
    const patrol = await h.service.planAndSchedule({ dockId: 'd2', pattern: corridor(800), priority: 'patrol' }, { at: Date.now() + 60_000 });
    if (!patrol.ok) throw new Error(patrol.message);
    const target = ll(500, 0);
    const r = await h.service.dispatchInspection({ ...target, alertId: 'alert-1', priority: 'emergency' });
    if (!r.ok) throw new Error(r.message);
    expect(r.dock.dockId).toBe('d1');
    expect(r.preempted).toEqual([patrol.missions[0]!.id]);
    const p = await h.service.mission(patrol.missions[0]!.id);
    expect(p).toMatchObject({ status: 'aborted', note: expect.stringContaining(`pre-empted by mission ${r.mission.id}`) });
    expect(await h.scheduler.get(`mission:${p.id}`)).toMatchObject({ state: 'cancelled' });
    await waitStatus(seen, r.mission.id, 'completed');
    expect((await h.service.mission(r.mission.id)).alertId).toBe('alert-1');
  });

  it('refuses a plan whose transit leg from the dock crosses a no-fly zone, naming the leg and the zone', async () => {
    await dockAt('d1', 0, 0);
    await h.service.putZone({ id: 'hospital', name: 'Hospital helipad', footprint: squareM(1000, 0, 100), floorM: 0, ceilingM: 300 });
    const r = await h.service.validate({ dockId: 'd1', pattern: { kind: 'point', target: { type: 'Point', coordinates: [ll(2000, 0).lon, ll(2000, 0).lat] }, altM: 60 } });
    expect(r).toMatchObject({ ok: false, reason: 'geofence' });
    if (r.ok || r.reason !== 'geofence') throw new Error('expected refusal');
    expect(r.violations).toContainEqual(expect.objectContaining({ leg: 1, segment: 'transit_out', kind: 'no_fly_zone', zoneId: 'hospital' }));
    expect(r.violations).toContainEqual(expect.objectContaining({ segment: 'transit_back', zoneId: 'hospital' }));
    expect(r.message).toMatch(/sortie 1, transit_out leg 1 enters no-fly zone Hospital helipad/);
  });

  it('refuses a waypoint above the ceiling and a route leg leaving the operation area', async () => {
    await dockAt('d1', 0, 0);
    const wp = { type: 'LineString' as const, coordinates: [[ll(100, 0).lon, ll(100, 0).lat, 60], [ll(200, 0).lon, ll(200, 0).lat, 150], [ll(300, 0).lon, ll(300, 0).lat, 60]] };
    const r = await h.service.validate({ dockId: 'd1', pattern: { kind: 'waypoints', path: wp } });
    if (r.ok || r.reason !== 'geofence') throw new Error('expected refusal');
    expect(r.violations.filter((v) => v.kind === 'above_ceiling').map((v) => v.segment)).toEqual(['route', 'route']);
    await dockAt('d2', 9000, 0);
    const out = await h.service.validate({ dockId: 'd2', pattern: { kind: 'waypoints', path: line([9500, 0], [10_500, 0]) } });
    if (out.ok || out.reason !== 'geofence') throw new Error(`expected refusal: ${JSON.stringify(out).slice(0, 300)}`);
    expect(out.violations).toContainEqual(expect.objectContaining({ kind: 'outside_fence', segment: 'route' }));
  });

  it('splits a long corridor into sorties and refuses a point out of range with the energy shortfall', async () => {
    await dockAt('d1', 0, 0);
    const long = await h.service.plan({ dockId: 'd1', pattern: { kind: 'corridor', line: line([-5000, 0], [5000, 0]), widthM: 200, spacingM: 40, altM: 60 } });
    if (!long.ok) throw new Error(long.message);
    expect(long.missions.length).toBeGreaterThan(1);
    expect(long.missions.every((m) => m.groupId === long.missions[0]!.id && m.sorties === long.missions.length)).toBe(true);
    for (const m of long.missions) expect(m.plan.batteryPct).toBeLessThanOrEqual(100 - DEFAULT_DRONE_TYPE.reservePct + 0.1);
    // A type on the endurance model (no calibrated energy figures): 120 s of flight.
    const { airbornePctPerS: _a, pctPerM: _b, ...endurance } = DEFAULT_DRONE_TYPE;
    await h.service.putDroneType({ ...endurance, id: 'tiny', enduranceS: 120 });
    await h.service.registerDock({ id: 'd9', location: ll(0, 0) });
    await h.service.registerDrone({ id: 'tiny-1', typeId: 'tiny', dockId: 'd9' });
    const far = await h.service.validate({ dockId: 'd9', pattern: { kind: 'point', target: { type: 'Point', coordinates: [ll(5000, 0).lon, ll(5000, 0).lat] }, altM: 60 } });
    expect(far).toMatchObject({ ok: false, reason: 'energy', usableS: 96, shortfallS: expect.any(Number) });
    if (far.ok || far.reason !== 'energy') throw new Error('expected refusal');
    expect(far.shortfallS!).toBeGreaterThan(0);
  });

  it('fails a mission whose upload the vehicle refuses, and aborts one in flight by a route home ending in NAV_LAND', async () => {
    await dockAt('d1', 0, 0);
    const seen = recordChanges(h.bus);
    h.link.failNextUpload('d1-uav', 'MISSION_ACK NO_SPACE');
    const bad = await h.service.planAndSchedule({ dockId: 'd1', pattern: corridor() });
    if (!bad.ok) throw new Error(bad.message);
    await waitStatus(seen, bad.missions[0]!.id, 'failed');
    expect((await h.service.mission(bad.missions[0]!.id)).note).toMatch(/upload failed: .*NO_SPACE/);
    const good = await h.service.planAndSchedule({ dockId: 'd1', pattern: corridor(3000) });
    if (!good.ok) throw new Error(good.message);
    const id = good.missions[0]!.id;
    await waitStatus(seen, id, 'in_flight');
    await h.service.cancel(id, 'operator abort');
    await waitStatus(seen, id, 'aborted');
    // Straight home is clear: still a route (returnVia), not the autopilot's RTL, which may pick a rally point.
    expect(h.link.commands).toContainEqual({ droneId: 'd1-uav', command: 'returnVia' });
    expect((await h.service.history(id)).map((e) => e.to).slice(-2)).toEqual(['returning', 'aborted']);
  });
});

describe('patrols', () => {
  it('a recurring patrol fires, plans and flies a mission tagged with the patrol', async () => {
    await h.service.registerDock({ id: 'd1', location: ll(0, 0) });
    await h.service.registerDrone({ id: 'u1', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd1' });
    const seen = recordChanges(h.bus);
    const created = await h.service.createPatrol({ id: 'river', dockId: 'd1', pattern: corridor(), cron: '* * * * * *' });
    if (!('patrol' in created)) throw new Error(created.message);
    expect(created.nextRunAt).toBeGreaterThan(Date.now() - 1000);
    await vi.waitFor(() => expect(seen.some((e) => e.patrolId === 'river' && e.to === 'completed')).toBe(true), { timeout: 5_000 });
    await h.service.deletePatrol('river');
    expect(await h.scheduler.listRecurring()).toEqual([]);
    await expect(h.service.deletePatrol('river')).rejects.toMatchObject({ code: 'PATROL_NOT_FOUND' });
  });
});
