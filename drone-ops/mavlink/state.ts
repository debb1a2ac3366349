import { common, minimal } from 'node-mavlink';
import type { MavLinkData } from 'node-mavlink';
import { autopilotOf, modeOfCustom } from './commands.js';
import type { Autopilot, FlightMode } from './commands.js';

export type LinkHealth = 'connecting' | 'ok' | 'stale' | 'lost';
export type LandedState = 'unknown' | 'on-ground' | 'in-air' | 'takeoff' | 'landing';

export interface Position {
  lat: number;
  lon: number;
  /** Metres above home (GLOBAL_POSITION_INT.relative_alt). */
  altM: number;
  altMslM: number;
  /** Ground speed north/east/down, m/s. */
  vn: number;
  ve: number;
  vd: number;
  headingDeg: number | undefined;
}

/** A live picture of one vehicle, rebuilt from telemetry (a value: each update returns a new one). */
export interface DroneState {
  health: LinkHealth;
  autopilot: Autopilot;
  vehicleType: number;
  armed: boolean;
  mode: FlightMode | undefined;
  customMode: number;
  /** MAV_STATE of the last HEARTBEAT. */
  systemStatus: number;
  landed: LandedState;
  position: Position | undefined;
  home: { lat: number; lon: number; altMslM: number } | undefined;
  batteryPct: number | undefined;
  voltageV: number | undefined;
  currentA: number | undefined;
  missionSeq: number | undefined;
  missionTotal: number | undefined;
  /** MISSION_CURRENT.mission_id: the opaque id of the plan the vehicle flies (0 = not reported). */
  missionId: number | undefined;
  lastReached: number | undefined;
  lastText: string | undefined;
  lastHeartbeatMs: number | undefined;
}

export const INITIAL_STATE: DroneState = {
  health: 'connecting', autopilot: 'generic', vehicleType: 0, armed: false, mode: undefined, customMode: 0,
  systemStatus: 0, landed: 'unknown', position: undefined, home: undefined, batteryPct: undefined,
  voltageV: undefined, currentA: undefined, missionSeq: undefined, missionTotal: undefined, missionId: undefined,
  lastReached: undefined, lastText: undefined, lastHeartbeatMs: undefined,
};

const LANDED: Record<number, LandedState> = { 0: 'unknown', 1: 'on-ground', 2: 'in-air', 3: 'takeoff', 4: 'landing' };
/** MAV_MODE_FLAG_SAFETY_ARMED (minimal.xml). */
const ARMED_FLAG = 128;

/** Fold one telemetry message into the state; returns the same object when nothing we track changed. */
export function applyTelemetry(s: DroneState, m: MavLinkData, nowMs: number): DroneState {
  if (m instanceof minimal.Heartbeat) {
    const autopilot = autopilotOf(m.autopilot);
    return {
      ...s, autopilot, vehicleType: m.type, armed: (m.baseMode & ARMED_FLAG) !== 0, customMode: m.customMode,
      mode: modeOfCustom(autopilot, m.customMode), systemStatus: m.systemStatus, lastHeartbeatMs: nowMs,
    };
  }
  if (m instanceof common.GlobalPositionInt) {
    const position: Position = {
      lat: m.lat / 1e7, lon: m.lon / 1e7, altM: m.relativeAlt / 1000, altMslM: m.alt / 1000,
      vn: m.vx / 100, ve: m.vy / 100, vd: m.vz / 100, headingDeg: m.hdg === 65535 ? undefined : m.hdg / 100,
    };
    return { ...s, position };
  }
  if (m instanceof common.SysStatus) {
    return {
      ...s,
      batteryPct: m.batteryRemaining < 0 ? s.batteryPct : m.batteryRemaining,
      voltageV: m.voltageBattery === 65535 ? s.voltageV : m.voltageBattery / 1000,
      currentA: m.currentBattery < 0 ? s.currentA : m.currentBattery / 100,
    };
  }
  if (m instanceof common.BatteryStatus) return m.batteryRemaining < 0 ? s : { ...s, batteryPct: m.batteryRemaining };
  if (m instanceof common.ExtendedSysState) return { ...s, landed: LANDED[m.landedState] ?? 'unknown' };
  if (m instanceof common.MissionCurrent) return { ...s, missionSeq: m.seq, missionTotal: m.total, missionId: m.missionId };
  if (m instanceof common.MissionItemReached) return { ...s, lastReached: m.seq };
  if (m instanceof common.StatusText) return { ...s, lastText: m.text };
  if (m instanceof common.HomePosition) {
    return { ...s, home: { lat: m.latitude / 1e7, lon: m.longitude / 1e7, altMslM: m.altitude / 1000 } };
  }
  return s;
}

/** Liveness from the age of the last vehicle HEARTBEAT (drone-ops.md: stale 3.5 s, lost at the failsafe time). */
export function healthAt(s: DroneState, nowMs: number, staleMs: number, lostMs: number): LinkHealth {
  if (s.lastHeartbeatMs === undefined) return s.health === 'connecting' ? 'connecting' : s.health;
  const age = nowMs - s.lastHeartbeatMs;
  if (age >= lostMs) return 'lost';
  if (age >= staleMs) return 'stale';
  return 'ok';
}
