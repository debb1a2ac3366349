/**
 * Mission-item conventions both DroneLink adapters share: the port's items start with the take-off at
 * seq 0 (no home placeholder), a return route is a mission of its own, and the on-board safety set is
 * validated the same way before any adapter touches a vehicle.
 */
import { AppError } from '../../kernel/errors.js';
import type { LonLatAlt } from '../geo/types.js';
import { MAV_CMD, MAV_FRAME, MAV_MISSION_TYPE, toDegE7, type MissionItem } from '../planner/mission.js';
import type { OnboardSafety } from './drone-link.js';

/** MAV_CMD_DO_CHANGE_SPEED (common.xml): param1 speed type (1 = ground speed), param2 m/s, param3 throttle (-1 = unchanged). */
export const DO_CHANGE_SPEED = 178;
/** MAV_CMD_NAV_LAST (common.xml): commands up to it are NAV commands (they move the vehicle). */
const NAV_LAST = 95;

/** True for a NAV command (waypoint, take-off, loiter, land, RTL); DO/CONDITION items only change state. */
export function isNavCommand(command: number): boolean {
  return command <= NAV_LAST;
}

/** ArduPilot's home placeholder as older planners wrote it: item 0, NAV_WAYPOINT in MAV_FRAME_GLOBAL. */
export function hasHomePlaceholder(items: readonly MissionItem[]): boolean {
  const first = items[0];
  return first !== undefined && first.seq === 0 && first.command === MAV_CMD.NAV_WAYPOINT && first.frame === MAV_FRAME.GLOBAL && items.length > 1;
}

/** The port's items (seq 0 = first real item), with any leading home placeholder removed and seqs renumbered. */
export function withoutHome(items: readonly MissionItem[]): MissionItem[] {
  const rest = hasHomePlaceholder(items) ? items.slice(1) : items;
  return rest.map((it, seq) => ({ ...it, seq, current: 0 }));
}

/**
 * Index of the first item of a mission's way home: the NAV_WAYPOINT over the landing point right before a
 * final NAV_LAND there (planner missions since the explicit home leg), else its NAV_RETURN_TO_LAUNCH item
 * (missions stored before it, imported plans). From there on the flight is `returning`.
 */
export function returnLegIndex(items: readonly MissionItem[]): number | undefined {
  const last = items.length - 1;
  const land = items[last];
  if (land?.command === MAV_CMD.NAV_LAND) {
    let k = last - 1;
    while (k >= 0 && !isNavCommand(items[k]?.command ?? 0)) k--;
    const leg = items[k];
    if (leg?.command === MAV_CMD.NAV_WAYPOINT && leg.x === land.x && leg.y === land.y) return k;
  }
  const rtl = items.findIndex((it) => it.command === MAV_CMD.NAV_RETURN_TO_LAUNCH);
  return rtl < 0 ? undefined : rtl;
}

function item(seq: number, command: number, frame: number, p: Partial<MissionItem>): MissionItem {
  return { seq, frame, command, current: 0, autocontinue: 1, param1: 0, param2: 0, param3: 0, param4: 0, x: 0, y: 0, z: 0, missionType: MAV_MISSION_TYPE.MISSION, ...p };
}

/** MAV_CMD_DO_CHANGE_SPEED to `mps` ground speed. */
export function changeSpeedItem(seq: number, mps: number): MissionItem {
  return item(seq, DO_CHANGE_SPEED, MAV_FRAME.MISSION, { param1: 1, param2: mps, param3: -1 });
}

/**
 * A return route as a mission: DO_CHANGE_SPEED, a NAV_WAYPOINT per point (at its altitude), then NAV_LAND
 * at the last point. Rejects an empty route or a non-positive speed (VALIDATION_FAILED).
 */
export function returnRouteItems(route: readonly LonLatAlt[], speedMps: number): MissionItem[] {
  const last = route[route.length - 1];
  if (!last) throw new AppError('VALIDATION_FAILED', { message: 'return route needs at least one point' });
  if (!(speedMps > 0)) throw new AppError('VALIDATION_FAILED', { message: `return speed must be > 0 m/s, got ${speedMps}` });
  const items = [changeSpeedItem(0, speedMps)];
  for (const p of route) items.push(item(items.length, MAV_CMD.NAV_WAYPOINT, MAV_FRAME.GLOBAL_RELATIVE_ALT, { param4: NaN, x: toDegE7(p.lat), y: toDegE7(p.lon), z: p.altM }));
  items.push(item(items.length, MAV_CMD.NAV_LAND, MAV_FRAME.GLOBAL_RELATIVE_ALT, { param4: NaN, x: toDegE7(last.lat), y: toDegE7(last.lon), z: 0 }));
  return items;
}

/** A ring without its closing vertex (the port accepts rings closed or not). */
export function openRing(ring: readonly [number, number][]): [number, number][] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  const closed = ring.length > 1 && first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
  return closed ? ring.slice(0, -1) : [...ring];
}

/** Validates an OnboardSafety set; @throws AppError FENCE_REFUSED naming what is wrong. */
export function checkOnboardSafety(droneId: string, s: OnboardSafety): void {
  const refuse = (why: string): never => {
    throw new AppError('FENCE_REFUSED', { message: `on-board safety for ${droneId} refused: ${why}`, details: { droneId, reason: why } });
  };
  const rings = [...s.inclusion.map((r) => ['inclusion', r] as const), ...s.exclusions.map((r) => ['exclusion', r] as const)];
  for (const [kind, ring] of rings) {
    const open = openRing(ring);
    if (open.length < 3) refuse(`${kind} polygon has ${open.length} vertices (needs 3)`);
    for (const [lon, lat] of open) if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) refuse(`${kind} vertex ${lon},${lat} is not a lon/lat`);
  }
  if (s.inclusion.length === 0) refuse('no inclusion polygon (the operation area)');
  if (s.rally.length === 0) refuse('no rally point (the dock comes first)');
  if (!(s.maxAltM > 0)) refuse(`maximum altitude must be > 0 m, got ${s.maxAltM}`);
}
