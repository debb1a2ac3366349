/**
 * The simulated vehicle's parameters (MAVLink parameter protocol): the ones that change what it does,
 * with each autopilot's documented defaults. ArduPilot: FENCE_ENABLE 0, FENCE_TYPE 7, FENCE_ALT_MAX 100 m,
 * FENCE_ACTION 1 (RTL or land), FS_GCS_ENABLE 0 (off), FS_GCS_TIMEOUT 5 s, WPNAV_SPEED 1000 cm/s,
 * RTL_ALT 1500 cm. PX4: GF_ACTION 1 (warning only), GF_MAX_VER_DIST 0 (off), NAV_DLL_ACT 0 (off),
 * COM_DL_LOSS_T 10 s, MPC_XY_CRUISE 5 m/s, RTL_RETURN_ALT 60 m.
 * Values travel as PARAM_SET's float: ArduPilot casts; PX4 integers are bytewise (MAV_PARAM_TYPE_INT32).
 */
import type { SimAutopilot } from './modes.js';

const ARDUPILOT: Record<string, number> = {
  FENCE_ENABLE: 0, FENCE_TYPE: 7, FENCE_ALT_MAX: 100, FENCE_ACTION: 1, FS_GCS_ENABLE: 0, FS_GCS_TIMEOUT: 5,
  WPNAV_SPEED: 1000, RTL_ALT: 1500,
};
const PX4: Record<string, number> = { GF_ACTION: 1, GF_MAX_VER_DIST: 0, NAV_DLL_ACT: 0, COM_DL_LOSS_T: 10, MPC_XY_CRUISE: 5, RTL_RETURN_ALT: 60 };
/** PX4 parameters stored as INT32 (the others are FLOAT). */
const PX4_INT = new Set(['GF_ACTION', 'NAV_DLL_ACT', 'COM_DL_LOSS_T']);
const INT32 = 6;
const REAL32 = 9;

export class SimParams {
  private readonly values: Record<string, number>;

  constructor(private readonly ap: SimAutopilot) {
    this.values = { ...(ap === 'ardupilot' ? ARDUPILOT : PX4) };
  }

  get(name: string): number {
    return this.values[name] ?? 0;
  }

  /** PARAM_SET: stores a known parameter; undefined for an unknown one (the vehicle stays silent). */
  set(name: string, wire: number, type: number): { value: number; type: number } | undefined {
    if (!(name in this.values)) return undefined;
    const int = this.ap === 'px4' && PX4_INT.has(name);
    this.values[name] = int && type === INT32 ? bytewiseInt(wire) : wire;
    return this.encode(name);
  }

  /** PARAM_VALUE's float and type for `name`. */
  encode(name: string): { value: number; type: number } {
    const v = this.get(name);
    if (this.ap === 'px4' && PX4_INT.has(name)) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(Math.round(v));
      return { value: b.readFloatLE(0), type: INT32 };
    }
    return { value: v, type: REAL32 };
  }
}

function bytewiseInt(f: number): number {
  const b = Buffer.alloc(4);
  b.writeFloatLE(f);
  return b.readInt32LE(0);
}
