import { MAV_FRAME, MAV_MISSION_TYPE, toDegE7 } from '../planner/mission.js';
import type { MissionItem } from '../planner/mission.js';
import type { LonLat } from '../geo/types.js';

/** Fence item commands (common.xml MAV_CMD_NAV_FENCE_*). */
export const FENCE_CMD = { RETURN_POINT: 5000, POLYGON_INCLUSION: 5001, POLYGON_EXCLUSION: 5002, CIRCLE_INCLUSION: 5003, CIRCLE_EXCLUSION: 5004 } as const;
/** ArduPilot keeps at most 70 polygon points. */
export const MAX_POLYGON_POINTS = 70;

function fenceItem(seq: number, command: number, at: LonLat, param1: number): MissionItem {
  return {
    seq, frame: MAV_FRAME.GLOBAL, command, current: 0, autocontinue: 0, param1, param2: 0, param3: 0, param4: 0,
    x: toDegE7(at.lat), y: toDegE7(at.lon), z: 0, missionType: MAV_MISSION_TYPE.FENCE,
  };
}

export type FenceShape =
  | { kind: 'polygon'; inclusion: boolean; vertices: LonLat[] }
  | { kind: 'circle'; inclusion: boolean; center: LonLat; radiusM: number }
  | { kind: 'return'; at: LonLat };

/** Fence shapes → fence items (polygon vertices carry the vertex count in param1; circles the radius). */
export function fenceItems(shapes: readonly FenceShape[]): MissionItem[] {
  const out: MissionItem[] = [];
  for (const s of shapes) {
    if (s.kind === 'polygon') {
      if (s.vertices.length < 3 || s.vertices.length > MAX_POLYGON_POINTS) throw new RangeError(`fence polygon needs 3..${MAX_POLYGON_POINTS} vertices`);
      const cmd = s.inclusion ? FENCE_CMD.POLYGON_INCLUSION : FENCE_CMD.POLYGON_EXCLUSION;
      for (const v of s.vertices) out.push(fenceItem(out.length, cmd, v, s.vertices.length));
    } else if (s.kind === 'circle') {
      out.push(fenceItem(out.length, s.inclusion ? FENCE_CMD.CIRCLE_INCLUSION : FENCE_CMD.CIRCLE_EXCLUSION, s.center, s.radiusM));
    } else {
      out.push(fenceItem(out.length, FENCE_CMD.RETURN_POINT, s.at, 0));
    }
  }
  return out;
}
