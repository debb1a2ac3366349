/** On-board fence geometry (MAV_CMD_NAV_FENCE_*): inclusion polygons/circles must contain the vehicle, exclusion ones must not. */
import { pointInRings } from '../../drone-ops/index.js';
import type { XY } from '../../drone-ops/index.js';
import type { Pose } from './physics.js';

export interface FenceItem {
  command: number;
  /** Polygon vertex count, or circle radius (m). */
  param1: number;
  pos: Pose;
}

const FENCE = { POLY_IN: 5001, POLY_OUT: 5002, CIRCLE_IN: 5003, CIRCLE_OUT: 5004 } as const;

/** True when `at` is outside an inclusion shape or inside an exclusion shape. */
export function breachedFence(fence: readonly FenceItem[], at: Pose): boolean {
  const here: XY = { x: at.x, y: at.y };
  for (let i = 0; i < fence.length; ) {
    const f = fence[i];
    if (!f) break;
    if (f.command === FENCE.CIRCLE_IN || f.command === FENCE.CIRCLE_OUT) {
      const inside = Math.hypot(here.x - f.pos.x, here.y - f.pos.y) <= f.param1;
      if (inside !== (f.command === FENCE.CIRCLE_IN)) return true;
      i++;
    } else if (f.command === FENCE.POLY_IN || f.command === FENCE.POLY_OUT) {
      const n = Math.max(1, Math.round(f.param1));
      const ring = fence.slice(i, i + n).map((v) => ({ x: v.pos.x, y: v.pos.y }));
      if (pointInRings(here, [ring]) !== (f.command === FENCE.POLY_IN)) return true;
      i += n;
    } else i++;
  }
  return false;
}
