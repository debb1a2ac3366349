import { MAV_CMD, MAV_FRAME, MAV_MISSION_TYPE, toDegE7 } from '../planner/mission.js';
import type { MissionItem } from '../planner/mission.js';
import { LocalPlane } from '../geo/enu.js';
import type { LonLatAlt } from '../geo/types.js';
import { startVehicleFleet } from '../../simulators/vehicle/index.js';
import type { FleetOptions, VehicleFleet } from '../../simulators/vehicle/index.js';
import type { SimVehicle } from '../../simulators/vehicle/index.js';
import { MavlinkLink } from './link.js';
import type { MavlinkLinkOptions } from './link.js';

/** Test and bench helpers: a simulated vehicle plus a connected controller link over loopback UDP. */
export const HOME: LonLatAlt = { lon: 121.4737, lat: 31.2304, altM: 10 };

/** Fast timings: 20 ms ticks (heartbeat every 100 ms real), 25× time. */
export const FAST: FleetOptions = { tickMs: 20, timeScale: 25 };

export interface Rig {
  fleet: VehicleFleet;
  vehicle: SimVehicle;
  link: MavlinkLink;
  close(): Promise<void>;
}

export async function startRig(fleetOpts: FleetOptions = FAST, linkOpts: Partial<MavlinkLinkOptions> = {}): Promise<Rig> {
  const fleet = await startVehicleFleet(1, { origin: HOME, ...fleetOpts });
  const vehicle = fleet.vehicles[0];
  if (!vehicle) throw new Error('no vehicle');
  const link = new MavlinkLink({ endpoint: { kind: 'udp', host: '127.0.0.1', port: vehicle.port }, heartbeatMs: 100, staleMs: 500, lostMs: 1000, ...linkOpts });
  await link.connect();
  await link.streamsRequested();
  // Quiet before the test starts: the camera identification request that follows the streams is answered.
  await link.cameraRequested();
  return {
    fleet, vehicle, link,
    async close() {
      await link.close();
      await fleet.close();
    },
  };
}

/** A square patrol of `n` waypoints `sideM` apart at `altM`, planner-shaped (item 0 home, takeoff, …, RTL). */
export function squareMission(n: number, sideM = 60, altM = 20): MissionItem[] {
  const plane = new LocalPlane(HOME);
  const base = { current: 0 as const, autocontinue: 1 as const, param1: 0, param2: 0, param3: 0, param4: 0, missionType: MAV_MISSION_TYPE.MISSION };
  const items: MissionItem[] = [
    { ...base, seq: 0, current: 1, frame: MAV_FRAME.GLOBAL, command: MAV_CMD.NAV_WAYPOINT, x: toDegE7(HOME.lat), y: toDegE7(HOME.lon), z: HOME.altM },
    { ...base, seq: 1, frame: MAV_FRAME.GLOBAL_RELATIVE_ALT, command: MAV_CMD.NAV_TAKEOFF, x: toDegE7(HOME.lat), y: toDegE7(HOME.lon), z: altM },
  ];
  for (let i = 0; i < n; i++) {
    const corner = [{ x: sideM, y: 0 }, { x: sideM, y: sideM }, { x: 0, y: sideM }, { x: 0, y: 0 }][i % 4] ?? { x: 0, y: 0 };
    const ll = plane.toLonLat({ x: corner.x + (i >> 2), y: corner.y });
    items.push({ ...base, seq: items.length, frame: MAV_FRAME.GLOBAL_RELATIVE_ALT, command: MAV_CMD.NAV_WAYPOINT, x: toDegE7(ll.lat), y: toDegE7(ll.lon), z: altM });
  }
  items.push({ ...base, seq: items.length, frame: MAV_FRAME.MISSION, command: MAV_CMD.NAV_RETURN_TO_LAUNCH, x: 0, y: 0, z: 0 });
  return items;
}
