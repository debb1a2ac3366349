/**
 * What `prepare()` sends a vehicle (drone-ops.md "On board"): the fence as MAV_CMD_NAV_FENCE_* items
 * (mission_type 1), rally points (mission_type 2) and the parameters that make the vehicle enforce them
 * and act on its own when the ground link is lost. Parameter names and values per autopilot:
 * ArduPilot (AC_Fence, ArduCopter failsafe docs) FENCE_ENABLE, FENCE_TYPE (bits: 1 max altitude,
 * 4 polygon), FENCE_ALT_MAX, FENCE_ACTION (1 = RTL or land), FS_GCS_ENABLE (1 = RTL, 5 = land);
 * PX4 (geofence and data-link-loss parameters) GF_ACTION (3 = return, 5 = land), GF_MAX_VER_DIST,
 * NAV_DLL_ACT (2 = return, 3 = land).
 */
import { AppError } from '../../kernel/errors.js';
import { LocalPlane } from '../geo/enu.js';
import type { XY } from '../geo/types.js';
import type { Autopilot, OnboardSafety } from '../link/drone-link.js';
import { openRing } from '../link/mission-items.js';
import { MAV_FRAME, MAV_MISSION_TYPE, toDegE7, type MissionItem } from '../planner/mission.js';
import { fenceItems, MAX_POLYGON_POINTS } from './fence.js';
import { fitRing } from './fence-fit.js';

/** MAV_CMD_NAV_RALLY_POINT (common.xml). */
export const RALLY_POINT = 5100;

export interface FenceLimits {
  /** Vertices per polygon the autopilot stores (ArduPilot: 70). */
  maxPolygonPoints: number;
  /** Margin added where a polygon had to be simplified, metres. */
  bufferM: number;
}

export const DEFAULT_FENCE_LIMITS: FenceLimits = { maxPolygonPoints: MAX_POLYGON_POINTS, bufferM: 10 };

/** One parameter write: the PARAM_SET name (≤ 16 chars), value, and whether the autopilot stores it as an integer. */
export interface ParamWrite {
  name: string;
  value: number;
  integer: boolean;
}

function refuse(message: string, details: Record<string, unknown> = {}): never {
  throw new AppError('FENCE_REFUSED', { message, details });
}

/** Fence and rally items for `safety`, simplified to the limits; @throws AppError FENCE_REFUSED when a polygon cannot be fitted safely. */
export function onboardItems(safety: OnboardSafety, limits: FenceLimits = DEFAULT_FENCE_LIMITS): { fence: MissionItem[]; rally: MissionItem[] } {
  const firstInclusion = safety.inclusion[0]?.[0];
  if (!firstInclusion) refuse('no inclusion polygon');
  const plane = new LocalPlane({ lon: firstInclusion[0], lat: firstInclusion[1] });
  const fit = (ring: [number, number][], inclusion: boolean, index: number): XY[] => {
    const xy = openRing(ring).map(([lon, lat]) => plane.toXY({ lon, lat }));
    const out = fitRing(xy, limits.maxPolygonPoints, inclusion ? 'shrink' : 'grow', limits.bufferM);
    if (!out) refuse(`${inclusion ? 'inclusion' : 'exclusion'} polygon ${index} (${xy.length} vertices) cannot be fitted into ${limits.maxPolygonPoints} points without ${inclusion ? 'growing' : 'shrinking'} it`, { index, vertices: xy.length, maxPolygonPoints: limits.maxPolygonPoints });
    return out;
  };
  const shapes = [
    ...safety.inclusion.map((r, i) => ({ kind: 'polygon' as const, inclusion: true, vertices: fit(r, true, i).map((p) => plane.toLonLat(p)) })),
    ...safety.exclusions.map((r, i) => ({ kind: 'polygon' as const, inclusion: false, vertices: fit(r, false, i).map((p) => plane.toLonLat(p)) })),
  ];
  const rally = safety.rally.map((p, seq): MissionItem => ({
    seq, frame: MAV_FRAME.GLOBAL_RELATIVE_ALT, command: RALLY_POINT, current: 0, autocontinue: 0, param1: 0, param2: 0, param3: 0, param4: 0,
    x: toDegE7(p.lat), y: toDegE7(p.lon), z: p.altM, missionType: MAV_MISSION_TYPE.RALLY,
  }));
  return { fence: fenceItems(shapes), rally };
}

/** The parameters that enable the fence, its altitude ceiling, the breach action and the lost-link action. */
export function onboardParams(autopilot: Autopilot, safety: OnboardSafety): ParamWrite[] {
  const land = safety.lostLinkAction === 'land';
  if (autopilot === 'px4') {
    return [
      { name: 'GF_ACTION', value: 3, integer: true },
      { name: 'GF_MAX_VER_DIST', value: safety.maxAltM, integer: false },
      { name: 'NAV_DLL_ACT', value: land ? 3 : 2, integer: true },
    ];
  }
  return [
    { name: 'FENCE_TYPE', value: 1 | 4, integer: true },
    { name: 'FENCE_ALT_MAX', value: safety.maxAltM, integer: false },
    { name: 'FENCE_ACTION', value: 1, integer: true },
    { name: 'FENCE_ENABLE', value: 1, integer: true },
    { name: 'FS_GCS_ENABLE', value: land ? 5 : 1, integer: true },
  ];
}
