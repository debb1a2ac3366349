import { common } from 'node-mavlink';

/** MAV_CMD ids the session layer sends (common.xml). */
export const CMD = {
  NAV_RETURN_TO_LAUNCH: 20,
  NAV_LAND: 21,
  NAV_TAKEOFF: 22,
  DO_SET_MODE: 176,
  SET_MESSAGE_INTERVAL: 511,
  REQUEST_MESSAGE: 512,
  MISSION_START: 300,
  COMPONENT_ARM_DISARM: 400,
} as const;

export type Autopilot = 'ardupilot' | 'px4' | 'generic';
export type FlightMode = 'stabilize' | 'hold' | 'guided' | 'mission' | 'rtl' | 'land' | 'takeoff';

/** MAV_AUTOPILOT ids (minimal.xml): 3 ArduPilotMega, 12 PX4. */
export function autopilotOf(id: number): Autopilot {
  return id === 3 ? 'ardupilot' : id === 12 ? 'px4' : 'generic';
}

/** ArduCopter mode numbers (ArduPilot Copter "Flight modes"). */
const ARDUCOPTER: Record<FlightMode, number> = { stabilize: 0, mission: 3, guided: 4, hold: 5, rtl: 6, land: 9, takeoff: 4 };
/** PX4 custom_mode: main mode in bits 16–23, sub mode in bits 24–31 (px4_custom_mode.h). */
const PX4_MAIN = { MANUAL: 1, POSCTL: 3, AUTO: 4, OFFBOARD: 6 } as const;
const PX4_AUTO = { TAKEOFF: 2, LOITER: 3, MISSION: 4, RTL: 5, LAND: 6 } as const;
const PX4: Record<FlightMode, [number, number]> = {
  stabilize: [PX4_MAIN.MANUAL, 0],
  hold: [PX4_MAIN.AUTO, PX4_AUTO.LOITER],
  guided: [PX4_MAIN.OFFBOARD, 0],
  mission: [PX4_MAIN.AUTO, PX4_AUTO.MISSION],
  rtl: [PX4_MAIN.AUTO, PX4_AUTO.RTL],
  land: [PX4_MAIN.AUTO, PX4_AUTO.LAND],
  takeoff: [PX4_MAIN.AUTO, PX4_AUTO.TAKEOFF],
};

/** The HEARTBEAT custom_mode a vehicle reports in `mode`. */
export function customModeOf(ap: Autopilot, mode: FlightMode): number {
  if (ap === 'px4') {
    const [main, sub] = PX4[mode];
    return ((sub << 24) | (main << 16)) >>> 0;
  }
  return ARDUCOPTER[mode];
}

/** HEARTBEAT custom_mode → our mode name, or undefined when the table has no entry. */
export function modeOfCustom(ap: Autopilot, customMode: number): FlightMode | undefined {
  if (ap === 'px4') {
    const main = (customMode >>> 16) & 0xff;
    const sub = (customMode >>> 24) & 0xff;
    return (Object.keys(PX4) as FlightMode[]).find((m) => PX4[m][0] === main && (PX4[m][1] === sub || main !== PX4_MAIN.AUTO));
  }
  // takeoff and guided share ArduCopter's GUIDED (4): report guided.
  return (Object.keys(ARDUCOPTER) as FlightMode[]).find((m) => m !== 'takeoff' && ARDUCOPTER[m] === customMode);
}

export interface Target {
  sysid: number;
  compid: number;
}

/**
 * A COMMAND_LONG. Pitfall 2 (drone-ops.md): node-mavlink names the parameters `_param1`…`_param7`;
 * setting `param1` is silently dropped (an ARM went out as DISARM). Only this function writes them.
 */
export function commandLong(t: Target, command: number, params: readonly number[], confirmation = 0): common.CommandLong {
  const m = new common.CommandLong();
  m.targetSystem = t.sysid;
  m.targetComponent = t.compid;
  m.command = command;
  m.confirmation = confirmation & 0xff;
  m._param1 = params[0] ?? 0;
  m._param2 = params[1] ?? 0;
  m._param3 = params[2] ?? 0;
  m._param4 = params[3] ?? 0;
  m._param5 = params[4] ?? 0;
  m._param6 = params[5] ?? 0;
  m._param7 = params[6] ?? 0;
  return m;
}

/** The parameters of each command we send (common.xml MAV_CMD definitions). */
export const commandParams = {
  /** param1 1 = arm, 0 = disarm; param2 21196 forces (not used). */
  arm: (arm: boolean): number[] => [arm ? 1 : 0],
  /** MAV_CMD_NAV_TAKEOFF: param4 yaw NaN = unchanged, param7 altitude (m, relative). */
  takeoff: (altM: number): number[] => [0, 0, 0, NaN, NaN, NaN, altM],
  /** MAV_CMD_MISSION_START: param1 first item, param2 last item (0, 0 = whole mission). */
  missionStart: (first = 0, last = 0): number[] => [first, last],
  /** MAV_CMD_NAV_LAND: param4 yaw NaN, param5/6 lat/lon NaN = here, param7 ground altitude. */
  land: (): number[] => [0, 0, 0, NaN, NaN, NaN, 0],
  /** MAV_CMD_SET_MESSAGE_INTERVAL: param1 message id, param2 interval µs (-1 = stop, 0 = default). */
  messageInterval: (msgid: number, intervalUs: number): number[] => [msgid, intervalUs],
  /** MAV_CMD_REQUEST_MESSAGE: param1 message id; the rest 0 (param7 0 = send it to the requester). */
  requestMessage: (msgid: number): number[] => [msgid, 0, 0, 0, 0, 0, 0],
  /** MAV_CMD_DO_SET_MODE: param1 MAV_MODE_FLAG_CUSTOM_MODE_ENABLED (1), param2 main/custom mode, param3 sub mode. */
  setMode: (ap: Autopilot, mode: FlightMode): number[] => {
    if (ap === 'px4') {
      const [main, sub] = PX4[mode];
      return [1, main, sub];
    }
    return [1, ARDUCOPTER[mode]];
  },
};
