/**
 * The simulated autopilot's flight modes, separate from what the airframe is doing (a landed ArduCopter
 * stays in AUTO or RTL after a flight). Tables from the ArduCopter flight-mode numbers and PX4's
 * px4_custom_mode.h (main mode in bits 16–23, sub mode in bits 24–31), written independently of the
 * controller's tables so each side checks the other.
 */
export type SimAutopilot = 'ardupilot' | 'px4';
export type SimMode = 'stabilize' | 'guided' | 'loiter' | 'auto' | 'rtl' | 'land' | 'takeoff';

const ARDU_NUMBER: Record<SimMode, number> = { stabilize: 0, auto: 3, guided: 4, loiter: 5, rtl: 6, land: 9, takeoff: 4 };
const ARDU_MODE: Record<number, SimMode> = { 0: 'stabilize', 3: 'auto', 4: 'guided', 5: 'loiter', 6: 'rtl', 9: 'land' };
/** PX4 main modes: 1 MANUAL, 3 POSCTL, 4 AUTO; AUTO sub modes: 2 TAKEOFF, 3 LOITER, 4 MISSION, 5 RTL, 6 LAND. */
const PX4_MODE: Record<SimMode, [number, number]> = {
  stabilize: [1, 0], guided: [3, 0], loiter: [4, 3], auto: [4, 4], rtl: [4, 5], land: [4, 6], takeoff: [4, 2],
};

/** HEARTBEAT custom_mode for `mode`. */
export function customMode(ap: SimAutopilot, mode: SimMode): number {
  if (ap === 'ardupilot') return ARDU_NUMBER[mode];
  const [main, sub] = PX4_MODE[mode];
  return ((sub << 24) | (main << 16)) >>> 0;
}

/** DO_SET_MODE params → mode, or undefined for a mode this vehicle does not have. */
export function modeOfCommand(ap: SimAutopilot, p1: number, p2: number, p3: number): SimMode | undefined {
  if ((p1 & 1) === 0) return undefined; // MAV_MODE_FLAG_CUSTOM_MODE_ENABLED required
  if (ap === 'ardupilot') return ARDU_MODE[p2];
  return (Object.keys(PX4_MODE) as SimMode[]).find((m) => PX4_MODE[m][0] === p2 && (p2 !== 4 || PX4_MODE[m][1] === p3));
}

/**
 * Whether the vehicle arms in `mode`. ArduCopter refuses AUTO (unless AUTO_OPTIONS allows it), RTL and
 * LAND ("Mode not armable"); PX4 refuses RTL and LAND.
 */
export function armable(ap: SimAutopilot, mode: SimMode): boolean {
  if (mode === 'rtl' || mode === 'land') return false;
  return ap === 'px4' || mode !== 'auto';
}
