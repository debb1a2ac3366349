/**
 * Where a normal flight lands, against the autopilot-faithful simulator (drone-ops.md "Landing"): an RTL
 * flies to the nearest of home and the rally points on board (ArduPilot AP_Rally with RALLY_INCL_HOME,
 * PX4 RTL_TYPE 0), so with a neighbour's dock on board as a rally point a mission ending in
 * NAV_RETURN_TO_LAUNCH can land there. The planner's missions end with a waypoint over the dock and
 * NAV_LAND on it, and land at home whatever the rally points. The `landed` event carries the position
 * the vehicle reports, which is what the ground checks. Real MAVLink 2 over loopback UDP, 50× time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { distanceM, LocalPlane } from '../geo/enu.js';
import type { DroneLinkEvent, OnboardSafety } from '../link/drone-link.js';
import { missionAround } from '../link/drone-link.conformance-kit.js';
import { withoutHome } from '../link/mission-items.js';
import { MavlinkDroneLink } from './fleet-link.js';
import { HOME, squareMission, startRig, type Rig } from './testing.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const plane = new LocalPlane(HOME);
/** A neighbour's dock 71 m from the mission's last corner (300, 300), which is 424 m from home. */
const neighbour = { ...plane.toLonLat({ x: 350, y: 350 }), altM: 20 };
const square = (half: number): [number, number][] => [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([dx, dy]) => {
  const p = plane.toLonLat({ x: (dx ?? 0) * half, y: (dy ?? 0) * half });
  return [p.lon, p.lat];
});
const safety: OnboardSafety = { inclusion: [square(3000)], exclusions: [], rally: [{ ...HOME, altM: 20 }, neighbour], maxAltM: 120, lostLinkAction: 'rtl' };

async function fly(autopilot: 'ardupilot' | 'px4', items: Parameters<MavlinkDroneLink['upload']>[1]): Promise<{ landed: Extract<DroneLinkEvent, { type: 'landed' }>; phases: string[] }> {
  rig = await startRig({ tickMs: 20, timeScale: 50, autopilot }, { autopilot });
  const port = new MavlinkDroneLink();
  port.add('d', rig.link);
  const phases: string[] = [];
  const landed = new Promise<Extract<DroneLinkEvent, { type: 'landed' }>>((resolve) => {
    port.on((e) => {
      if (e.type === 'phase') phases.push(e.phase);
      if (e.type === 'landed') resolve(e);
    });
  });
  await port.prepare('d', safety);
  await port.upload('d', items);
  await port.start('d');
  return { landed: await landed, phases };
}

for (const autopilot of ['ardupilot', 'px4'] as const) {
  describe(`landing after a normal flight, ${autopilot} simulator`, () => {
    it('a mission ending in NAV_RETURN_TO_LAUNCH lands at the nearest rally point: the neighbour’s dock', async () => {
      const { landed } = await fly(autopilot, withoutHome(squareMission(2, 300)));
      expect(landed.position).toBeDefined();
      expect(distanceM(landed.position!, neighbour)).toBeLessThan(5);
      expect(distanceM(landed.position!, HOME)).toBeGreaterThan(400);
    });

    it('the planner’s mission (over the dock, then NAV_LAND) lands at home with the same rally points on board', async () => {
      const { items } = missionAround(HOME, [[300, 0], [300, 300]]);
      const { landed, phases } = await fly(autopilot, items);
      expect(distanceM(landed.position!, HOME)).toBeLessThan(3);
      expect(rig!.vehicle.flight.dock.droneInDock).toBe(true);
      // The way home is reported as `returning`, as an RTL item was.
      expect(phases.slice(phases.indexOf('taking_off'))).toEqual(['taking_off', 'in_flight', 'returning', 'landing', 'on_ground']);
    });
  });
}
