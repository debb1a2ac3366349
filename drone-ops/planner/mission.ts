import { estimateFlight, type DroneType, type FlightEstimate } from '../energy.js';
import { LocalPlane } from '../geo/enu.js';
import type { LonLatAlt } from '../geo/types.js';
import type { Route, RoutePoint } from './types.js';

/** MAV_CMD numbers used in missions (MAVLink common.xml). */
export const MAV_CMD = {
  NAV_WAYPOINT: 16,
  NAV_LOITER_TURNS: 18,
  NAV_LOITER_TIME: 19,
  NAV_RETURN_TO_LAUNCH: 20,
  NAV_LAND: 21,
  NAV_TAKEOFF: 22,
  DO_CHANGE_SPEED: 178,
  IMAGE_START_CAPTURE: 2000,
} as const;

/** First item of every mission after take-off (seq 0): the speed change that makes the plan's timing true. */
export const SPEED_ITEM_SEQ = 1;
/** First positioned route item: after take-off (0) and the speed change (1). */
export const FIRST_ROUTE_SEQ = 2;

/** MAV_FRAME values (common.xml). Items use GLOBAL_RELATIVE_ALT with int lat/lon as QGC does. */
export const MAV_FRAME = { GLOBAL: 0, MISSION: 2, GLOBAL_RELATIVE_ALT: 3 } as const;

/** MAV_MISSION_TYPE: 0 mission, 1 fence, 2 rally (one upload protocol for all three). */
export const MAV_MISSION_TYPE = { MISSION: 0, FENCE: 1, RALLY: 2 } as const;

/** The fields of a MISSION_ITEM_INT message. x/y are latitude/longitude in degE7 integers. */
export interface MissionItem {
  seq: number;
  frame: number;
  command: number;
  current: 0 | 1;
  autocontinue: 0 | 1;
  param1: number;
  param2: number;
  param3: number;
  param4: number;
  x: number;
  y: number;
  z: number;
  missionType: number;
}

export interface Mission {
  home: LonLatAlt;
  /** The horizontal speed the mission commands (MAV_CMD_DO_CHANGE_SPEED), m/s: durations assume it. */
  speedMps: number;
  items: MissionItem[];
  /** The flown path (take-off, route with orbits expanded, return, landing) for checks and energy. */
  path: (LonLatAlt & { holdS?: number })[];
  lengthM: number;
  durationS: number;
  batteryPct: number;
  energyWh?: number;
  feasible: boolean;
  estimate: FlightEstimate;
}

/** Degrees → MAVLink int32 degE7 (1e-7 degree ≈ 1.1 cm). */
export function toDegE7(deg: number): number {
  return Math.round(deg * 1e7);
}

export function fromDegE7(v: number): number {
  return v / 1e7;
}

function item(seq: number, command: number, frame: number, p: Partial<MissionItem>): MissionItem {
  return { seq, frame, command, current: 0, autocontinue: 1, param1: 0, param2: 0, param3: 0, param4: 0, x: 0, y: 0, z: 0, missionType: MAV_MISSION_TYPE.MISSION, ...p };
}

/**
 * A route → MAVLink mission, without a home placeholder (the link adds ArduPilot's item 0 itself; PX4
 * has none): take-off to the first point's altitude (seq 0), MAV_CMD_DO_CHANGE_SPEED to the type's
 * cruise speed (param1 1 = ground speed, param3 −1 = throttle unchanged; seq 1) — autopilots fly their
 * own default otherwise (ArduCopter WPNAV_SPEED, PX4 MPC_XY_CRUISE) and the plan's timing would be a
 * guess — then one NAV_WAYPOINT (hold time in param1; yaw NaN = unchanged) or NAV_LOITER_TURNS (turns,
 * radius in param3) per route point, then the way home as items of its own (homeLegItems). Length,
 * duration and battery use come from the commanded speed over the flown path (back at the last
 * altitude, then down). `landAt` (default `home`) is where the way home leads: a ferry flight takes off
 * where its drone landed away and lands on the dock.
 */
export function buildMission(home: LonLatAlt, route: Route, drone: DroneType, landAt: LonLatAlt = home): Mission {
  const firstAlt = route.points[0]?.altM ?? 0;
  const speedMps = drone.cruiseMps;
  const items: MissionItem[] = [
    item(0, MAV_CMD.NAV_TAKEOFF, MAV_FRAME.GLOBAL_RELATIVE_ALT, { current: 1, param4: NaN, x: toDegE7(home.lat), y: toDegE7(home.lon), z: firstAlt }),
    item(SPEED_ITEM_SEQ, MAV_CMD.DO_CHANGE_SPEED, MAV_FRAME.MISSION, { param1: 1, param2: speedMps, param3: -1 }),
  ];
  for (const p of route.points) {
    const pos = { x: toDegE7(p.lat), y: toDegE7(p.lon), z: p.altM };
    if (p.orbit) items.push(item(items.length, MAV_CMD.NAV_LOITER_TURNS, MAV_FRAME.GLOBAL_RELATIVE_ALT, { param1: p.orbit.turns, param3: p.orbit.radiusM, ...pos }));
    else items.push(item(items.length, MAV_CMD.NAV_WAYPOINT, MAV_FRAME.GLOBAL_RELATIVE_ALT, { param1: p.holdS ?? 0, param4: NaN, ...pos }));
    if (p.capture) items.push(captureItem(items.length, p.capture));
  }
  const lastAlt = route.points[route.points.length - 1]?.altM ?? firstAlt;
  items.push(...homeLegItems(items.length, landAt, lastAlt));
  const path = [
    { lon: home.lon, lat: home.lat, altM: 0 },
    { lon: home.lon, lat: home.lat, altM: firstAlt },
    ...route.points.flatMap(expandPoint),
    { lon: landAt.lon, lat: landAt.lat, altM: lastAlt },
    { lon: landAt.lon, lat: landAt.lat, altM: 0 },
  ];
  const estimate = estimateFlight(path, { ...drone, cruiseMps: speedMps });
  return {
    home,
    speedMps,
    items,
    path,
    lengthM: estimate.horizontalM,
    durationS: estimate.durationS,
    batteryPct: estimate.batteryPct,
    ...(estimate.energyWh === undefined ? {} : { energyWh: estimate.energyWh }),
    feasible: estimate.feasible,
    estimate,
  };
}

/**
 * The end of every mission: NAV_WAYPOINT over the dock at the last altitude, then NAV_LAND on the dock —
 * not NAV_RETURN_TO_LAUNCH. An autopilot's RTL flies to the nearest of home and its rally points
 * (ArduPilot AP_Rally with RALLY_INCL_HOME; PX4 RTL_TYPE 0, "the closest safe landing point") and climbs to its own
 * return altitude (RTL_ALT, RTL_RETURN_ALT): with the neighbouring docks on board as rally points a normal
 * return could land at a neighbour's dock, outside the volumes reserved for the flight. An explicit leg
 * flies exactly the planned, checked path and lands on the drone's own dock.
 */
export function homeLegItems(seq: number, home: LonLatAlt, altM: number): MissionItem[] {
  const at = { x: toDegE7(home.lat), y: toDegE7(home.lon) };
  return [
    item(seq, MAV_CMD.NAV_WAYPOINT, MAV_FRAME.GLOBAL_RELATIVE_ALT, { param4: NaN, ...at, z: altM }),
    item(seq + 1, MAV_CMD.NAV_LAND, MAV_FRAME.GLOBAL_RELATIVE_ALT, { param4: NaN, ...at, z: 0 }),
  ];
}

/**
 * MAV_CMD_IMAGE_START_CAPTURE as a mission item (common.xml; QGroundControl's camera section does the
 * same): param1 0 = every camera, param2 the interval (s), param3 the number of images, param4 the
 * sequence number (only for a single capture, else 0). A DO item: the autopilot runs it once the point
 * before it is done (ArduPilot and PX4 alike), so the pictures are taken over the target.
 */
export function captureItem(seq: number, c: { images: number; intervalS: number }): MissionItem {
  return item(seq, MAV_CMD.IMAGE_START_CAPTURE, MAV_FRAME.MISSION, { param1: 0, param2: c.intervalS, param3: c.images, param4: c.images === 1 ? 1 : 0 });
}

/** An orbit becomes the centre, 16 points per turn on the circle (inscribed: ≤ 2 % of r inside), and the edge again. */
function expandPoint(p: RoutePoint): (LonLatAlt & { holdS?: number })[] {
  const base = { lon: p.lon, lat: p.lat, altM: p.altM };
  if (!p.orbit) return [p.holdS ? { ...base, holdS: p.holdS } : base];
  const plane = new LocalPlane(p);
  const n = Math.max(1, Math.round(16 * p.orbit.turns));
  const out: LonLatAlt[] = [base];
  for (let i = 0; i <= n; i++) {
    const a = (2 * Math.PI * i) / 16;
    out.push({ ...plane.toLonLat({ x: p.orbit.radiusM * Math.cos(a), y: p.orbit.radiusM * Math.sin(a) }), altM: p.altM });
  }
  return out;
}
