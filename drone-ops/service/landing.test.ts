/**
 * The ground believes the vehicle about where it landed (landing.ts): a drone that touched down away from
 * its dock is `landed` there with a `landed_away` alarm, its dock's next launch waits for it, and it is
 * docked again once it reports its dock's position on the ground.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { distanceM } from '../geo/enu.js';
import { ll, lineM as line } from '../testing/fixtures.js';
import type { DroneAlarm } from './alarms.js';
import { AT_DOCK_M } from './landing.js';
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

const corridor: Pattern = { kind: 'corridor', line: line([300, 0], [1500, 0]), widthM: 40, spacingM: 20, altM: 60 };

describe('where a drone landed', () => {
  it('a normal flight lands at its dock: docked, with the position it reported', async () => {
    await h.service.registerDock({ id: 'd1', location: ll(0, 0) });
    await h.service.registerDrone({ id: 'd1-uav', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd1' });
    const seen = recordChanges(h.bus);
    const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: corridor });
    if (!r.ok) throw new Error(r.message);
    await waitStatus(seen, r.missions[0]!.id, 'completed');
    const drone = (await h.service.listDrones()).find((d) => d.id === 'd1-uav')!;
    expect(drone.phase).toBe('docked');
    expect(distanceM(drone.position!, ll(0, 0))).toBeLessThan(AT_DOCK_M);
  });

  it('a landing away from the dock is a visible state and an alarm, never "docked"; back in the dock it flies again', async () => {
    await h.service.registerDock({ id: 'd1', location: ll(0, 0) });
    await h.service.registerDrone({ id: 'd1-uav', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd1' });
    const alarms: DroneAlarm[] = [];
    h.service.safety.onAlarm((a) => alarms.push(a));
    const seen = recordChanges(h.bus);
    const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: corridor });
    if (!r.ok) throw new Error(r.message);
    const id = r.missions[0]!.id;
    // Out over the corridor, the vehicle lands where it is (an emergency landing).
    await vi.waitFor(() => expect((h.link.uploads.length > 0 && seen.some((e) => e.missionId === id && e.to === 'in_flight'))).toBe(true), { timeout: 5000, interval: 5 });
    await vi.waitFor(async () => expect((await h.service.mission(id)).progressSeq ?? 0).toBeGreaterThanOrEqual(3), { timeout: 5000, interval: 5 });
    h.link.failInFlight('d1-uav', 'motor failure');
    await waitStatus(seen, id, 'failed');
    const drone = (await h.service.listDrones()).find((d) => d.id === 'd1-uav')!;
    expect(drone.phase).toBe('landed');
    expect(distanceM(drone.position!, ll(0, 0))).toBeGreaterThan(200);
    const away = alarms.find((a) => a.kind === 'landed_away');
    expect(away).toMatchObject({ droneId: 'd1-uav', dockId: 'd1', missionId: id });
    expect(away!.message).toMatch(/^LANDED_AWAY: drone d1-uav landed \d+ m from its dock d1/);
    expect((await h.service.mission(id)).note).toMatch(/motor failure; LANDED_AWAY/);
    // The dock's next flight waits for its drone, with the reason.
    const retried = new Promise<string>((resolve) => h.scheduler.on('retrying', (e) => resolve(e.reason)));
    const next = await h.service.planAndSchedule({ dockId: 'd1', pattern: corridor });
    if (!next.ok) throw new Error(next.message);
    expect(await retried).toMatch(/landed away from its dock/);
    // Carried back: its reported position on the dock docks it, and the waiting flight goes.
    h.link.carryTo('d1-uav', ll(0, 0));
    await waitStatus(seen, next.missions[0]!.id, 'completed');
  });
});
