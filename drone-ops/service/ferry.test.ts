/**
 * A ferry flight home (ferry.ts): a drone landed away flies back to its dock as a `ferry` mission, checked
 * like any mission (zones, fence, ceiling, battery, reserved airspace), and ends docked with its
 * `landed_away` alarm cleared; the dock's waiting launch then goes. In-memory vehicle (FakeDroneLink).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isAppError } from '../../kernel/errors.js';
import { distanceM } from '../geo/enu.js';
import type { LonLat } from '../geo/types.js';
import { MAV_CMD, fromDegE7, type MissionItem } from '../planner/mission.js';
import { ll, lineM as line } from '../testing/fixtures.js';
import type { DroneAlarmCleared } from './alarms.js';
import { AT_DOCK_M } from './landing.js';
import { DEFAULT_DRONE_TYPE } from './registry.js';
import { makeHarness, recordChanges, waitStatus, type Harness } from './testing.js';
import type { Pattern } from './types.js';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
  await h.service.registerDock({ id: 'd1', location: ll(0, 0) });
  await h.service.registerDrone({ id: 'd1-uav', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd1' });
});
afterEach(async () => {
  await h.close();
});

const corridor: Pattern = { kind: 'corridor', line: line([300, 0], [1500, 0]), widthM: 40, spacingM: 20, altM: 60 };

/** Flies the corridor and lands the drone where it is, out over it: returns where it stands. */
async function landAway(seen: ReturnType<typeof recordChanges>): Promise<LonLat> {
  const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: corridor });
  if (!r.ok) throw new Error(r.message);
  const id = r.missions[0]!.id;
  await vi.waitFor(async () => expect((await h.service.mission(id)).progressSeq ?? 0).toBeGreaterThanOrEqual(3), { timeout: 5000, interval: 5 });
  h.link.failInFlight('d1-uav', 'motor failure');
  await waitStatus(seen, id, 'failed');
  const drone = await h.service.drone('d1-uav');
  expect(drone.phase).toBe('landed');
  return drone.position!;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
  return 'no error';
}

describe('a ferry flight home', () => {
  it('flies a drone landed away to its dock: a ferry mission ending in NAV_LAND there, docked, alarm cleared, the waiting launch goes', async () => {
    const seen = recordChanges(h.bus);
    const cleared: DroneAlarmCleared[] = [];
    h.service.safety.onAlarmCleared((c) => cleared.push(c));
    const away = await landAway(seen);
    expect(distanceM(away, ll(0, 0))).toBeGreaterThan(200);
    const waiting = await h.service.planAndSchedule({ dockId: 'd1', pattern: corridor });
    if (!waiting.ok) throw new Error(waiting.message);

    const r = await h.service.ferry('d1-uav', {}, 'duty-1');
    if (!r.ok) throw new Error(r.message);
    expect(r.mission).toMatchObject({ kind: 'ferry', dockId: 'd1', droneId: 'd1-uav', status: 'scheduled' });
    await waitStatus(seen, r.mission.id, 'completed');
    // It took off where it stood and landed on the dock.
    const takeoffAt = (u: { items: MissionItem[] }) => u.items.find((i) => i.command === MAV_CMD.NAV_TAKEOFF)!;
    const ferried = h.link.uploads.filter((u) => distanceM({ lon: fromDegE7(takeoffAt(u).y), lat: fromDegE7(takeoffAt(u).x) }, away) < 1);
    expect(ferried).toHaveLength(1);
    const items = ferried[0]!.items;
    const land = items[items.length - 1]!;
    expect(land.command).toBe(MAV_CMD.NAV_LAND);
    expect(distanceM({ lon: fromDegE7(land.y), lat: fromDegE7(land.x) }, ll(0, 0))).toBeLessThan(1);
    const drone = await h.service.drone('d1-uav');
    expect(drone.phase).toBe('docked');
    expect(distanceM(drone.position!, ll(0, 0))).toBeLessThan(AT_DOCK_M);
    expect(cleared).toEqual([expect.objectContaining({ kind: 'landed_away', droneId: 'd1-uav', dockId: 'd1' })]);
    // Who asked is on the ferry's history; the dock's waiting flight launches now.
    expect((await h.service.history(r.mission.id))[0]).toMatchObject({ to: 'planned', actor: 'duty-1' });
    await waitStatus(seen, waiting.missions[0]!.id, 'completed');
  });

  it('routes around a zone between the drone and its dock', async () => {
    const seen = recordChanges(h.bus);
    const away = await landAway(seen);
    const mid = { lon: (away.lon + ll(0, 0).lon) / 2, lat: (away.lat + ll(0, 0).lat) / 2 };
    const radiusM = distanceM(away, ll(0, 0)) / 5;
    await h.service.putZone({ id: 'between', footprint: { type: 'Circle', center: mid, radiusM }, floorM: 0, ceilingM: 300 });
    const r = await h.service.ferry('d1-uav');
    if (!r.ok) throw new Error(r.message);
    const path = r.mission.plan.path;
    expect(path.length).toBeGreaterThan(4);
    // Sampled every metre along each leg: nothing within the zone.
    for (let k = 0; k + 1 < path.length; k++) {
      const [a, b] = [path[k]!, path[k + 1]!];
      for (let s = 0; s <= 100; s++) expect(distanceM({ lon: a.lon + ((b.lon - a.lon) * s) / 100, lat: a.lat + ((b.lat - a.lat) * s) / 100 }, mid)).toBeGreaterThan(radiusM);
    }
    await waitStatus(seen, r.mission.id, 'completed');
    expect((await h.service.drone('d1-uav')).phase).toBe('docked');
  });

  it('is refused with the named errors: not landed away, a zone over the dock, a battery too low, airspace taken', async () => {
    expect(await codeOf(h.service.ferry('d1-uav'))).toBe('DRONE_NOT_LANDED_AWAY');
    expect(await codeOf(h.service.ferry('nobody'))).toBe('DRONE_NOT_FOUND');
    const seen = recordChanges(h.bus);
    await landAway(seen);
    await h.service.putZone({ id: 'over-dock', footprint: { type: 'Circle', center: ll(0, 0), radiusM: 50 }, floorM: 0, ceilingM: 300 });
    const zone = await h.service.ferry('d1-uav');
    expect(zone).toMatchObject({ ok: false, reason: 'geofence', violations: expect.arrayContaining([expect.objectContaining({ zoneId: 'over-dock', segment: 'landing' })]) });
    await h.service.deleteZone('over-dock');
    expect(await h.service.ferry('d1-uav', { altM: 150 })).toMatchObject({ ok: false, reason: 'geofence' });
    await h.store.updateDrone('d1-uav', { batteryPct: 21 }, Date.now());
    expect(await h.service.ferry('d1-uav')).toMatchObject({ ok: false, reason: 'energy', message: expect.stringMatching(/^battery 21\.0 % below/) });
    await h.store.updateDrone('d1-uav', { batteryPct: 100 }, Date.now());
    // A neighbour's patrol reserved over the way home a minute from now: equal priority, refused with the next free slot.
    await h.service.registerDock({ id: 'd2', location: ll(0, 600) });
    await h.service.registerDrone({ id: 'd2-uav', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd2' });
    const other = await h.service.planAndSchedule({ dockId: 'd2', pattern: { kind: 'point', target: { type: 'Point', coordinates: [ll(200, 0).lon, ll(200, 0).lat] }, altM: 60 } }, { at: Date.now() + 60_000 });
    if (!other.ok) throw new Error(other.message);
    const taken = await h.service.ferry('d1-uav');
    expect(taken).toMatchObject({ ok: false, reason: 'conflict', conflictsWith: [expect.objectContaining({ missionId: other.missions[0]!.id })], nextFreeSlot: expect.any(Number) });
    // Nothing flew: the only take-off uploaded is the first flight's.
    expect(h.link.uploads.filter((u) => u.items.some((i) => i.command === MAV_CMD.NAV_TAKEOFF)).length).toBe(1);
  });
});
