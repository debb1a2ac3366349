/** Multicopter point-mass kinematics and battery drain for the simulated vehicle. Pure functions. */

export interface Airframe {
  cruiseMs: number;
  climbMs: number;
  descendMs: number;
  /** Horizontal distance at which a waypoint counts as reached (ArduPilot WPNAV_RADIUS-like). */
  arrivalM: number;
  /** Battery use while hovering, % per second (≈ 33 min endurance at 0.05). */
  hoverDrainPctS: number;
  /** Extra battery use per metre flown. */
  distanceDrainPctM: number;
  /** Extra battery use per (m/s of wind) per second. */
  windDrainPctS: number;
  windLimitMs: number;
  lowBatteryPct: number;
}

export const DEFAULT_AIRFRAME: Airframe = {
  cruiseMs: 10, climbMs: 3, descendMs: 1.5, arrivalM: 2, hoverDrainPctS: 0.05, distanceDrainPctM: 0.002,
  windDrainPctS: 0.004, windLimitMs: 12, lowBatteryPct: 20,
};

/** Position east/north/up of home, metres. */
export interface Pose {
  x: number;
  y: number;
  z: number;
}

export interface Motion {
  pose: Pose;
  /** Velocity east/north/up, m/s. */
  v: Pose;
  movedM: number;
  arrived: boolean;
}

/** Move toward `target` for `dtS` seconds: horizontal at cruise speed, vertical at climb/descent rate. */
export function moveToward(p: Pose, target: Pose, dtS: number, af: Airframe): Motion {
  const dx = target.x - p.x;
  const dy = target.y - p.y;
  const dh = Math.hypot(dx, dy);
  const step = Math.min(dh, af.cruiseMs * dtS);
  const k = dh > 0 ? step / dh : 0;
  const dz = target.z - p.z;
  const rate = dz >= 0 ? af.climbMs : af.descendMs;
  const vstep = Math.sign(dz) * Math.min(Math.abs(dz), rate * dtS);
  const pose = { x: p.x + dx * k, y: p.y + dy * k, z: p.z + vstep };
  const left = Math.hypot(target.x - pose.x, target.y - pose.y);
  const v = dtS > 0 ? { x: (dx * k) / dtS, y: (dy * k) / dtS, z: vstep / dtS } : { x: 0, y: 0, z: 0 };
  return { pose, v, movedM: Math.hypot(step, vstep), arrived: left <= af.arrivalM && Math.abs(target.z - pose.z) <= 0.5 };
}

/** Battery after `dtS` airborne seconds that covered `movedM` metres in `windMs` wind. */
export function drain(pct: number, dtS: number, movedM: number, windMs: number, af: Airframe): number {
  const used = af.hoverDrainPctS * dtS + af.distanceDrainPctM * movedM + af.windDrainPctS * windMs * dtS;
  return Math.max(0, pct - used);
}
