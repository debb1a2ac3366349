import { common, minimal } from 'node-mavlink';
import type { MavLinkData } from 'node-mavlink';
import type { LocalPlane } from '../../drone-ops/index.js';
import type { FlightModel } from './autopilot.js';
import { customMode, type SimAutopilot } from './modes.js';

export function heartbeat(ap: SimAutopilot, f: FlightModel): minimal.Heartbeat {
  const m = new minimal.Heartbeat();
  m.type = 2; // MAV_TYPE_QUADROTOR
  m.autopilot = ap === 'ardupilot' ? 3 : 12;
  m.baseMode = (1 | (f.armed ? 128 : 0)) as minimal.MavModeFlag; // CUSTOM_MODE_ENABLED | SAFETY_ARMED
  m.customMode = customMode(ap, f.mode);
  m.systemStatus = f.armed ? 4 : 3; // ACTIVE : STANDBY
  m.mavlinkVersion = 3;
  return m;
}

export function position(f: FlightModel, plane: LocalPlane, homeMslM: number, bootMs: number): common.GlobalPositionInt {
  const ll = plane.toLonLat({ x: f.pose.x, y: f.pose.y });
  const m = new common.GlobalPositionInt();
  m.timeBootMs = bootMs >>> 0;
  m.lat = Math.round(ll.lat * 1e7);
  m.lon = Math.round(ll.lon * 1e7);
  m.alt = Math.round((homeMslM + f.pose.z) * 1000);
  m.relativeAlt = Math.round(f.pose.z * 1000);
  // GLOBAL_POSITION_INT velocities are north, east, down in cm/s.
  m.vx = Math.round(f.velocity.y * 100);
  m.vy = Math.round(f.velocity.x * 100);
  m.vz = Math.round(-f.velocity.z * 100);
  const hdg = (Math.atan2(f.velocity.x, f.velocity.y) * 180) / Math.PI;
  m.hdg = f.velocity.x === 0 && f.velocity.y === 0 ? 65535 : Math.round(((hdg + 360) % 360) * 100);
  return m;
}

/** EXTENDED_SYS_STATE: sent only at the rate the ground asked for with SET_MESSAGE_INTERVAL. */
export function extendedSysState(f: FlightModel): common.ExtendedSysState {
  const e = new common.ExtendedSysState();
  e.landedState = landed(f);
  return e;
}

/** The 1 Hz status group: SYS_STATUS, MISSION_CURRENT. */
export function status(f: FlightModel, missionId: number): MavLinkData[] {
  const s = new common.SysStatus();
  s.batteryRemaining = Math.round(f.battery);
  s.voltageBattery = Math.round((13.2 + 3.6 * (f.battery / 100)) * 1000);
  s.currentBattery = f.airborne ? 1800 : 0;
  s.load = 300;
  const c = new common.MissionCurrent();
  c.seq = f.current;
  c.total = f.mission.length;
  c.missionState = f.phase === 'mission' ? 3 : f.mission.length > 0 ? 2 : 1;
  c.missionId = missionId;
  return [s, c];
}

function landed(f: FlightModel): number {
  // MAV_LANDED_STATE: 1 on ground, 2 in air, 3 takeoff, 4 landing.
  switch (f.phase) {
    case 'landed':
      return 1;
    case 'takeoff':
      return 3;
    case 'land':
      return 4;
    case 'hold':
    case 'mission':
    case 'rtl':
    case 'flyaway':
      return 2;
  }
}

export function battery(f: FlightModel): common.BatteryStatus {
  const b = new common.BatteryStatus();
  b.batteryRemaining = Math.round(f.battery);
  b.voltages = [Math.round((13.2 + 3.6 * (f.battery / 100)) * 1000), ...new Array<number>(9).fill(65535)];
  b.voltagesExt = [0, 0, 0, 0];
  b.currentBattery = f.airborne ? 1800 : f.dock.charging(f.battery) ? -500 : 0;
  b.chargeState = f.dock.charging(f.battery) ? 7 : f.battery <= f.af.lowBatteryPct ? 3 : 1; // CHARGING, CRITICAL, OK
  b.temperature = 2500;
  return b;
}

export function home(plane: LocalPlane, homeMslM: number): common.HomePosition {
  const ll = plane.toLonLat({ x: 0, y: 0 });
  const h = new common.HomePosition();
  h.latitude = Math.round(ll.lat * 1e7);
  h.longitude = Math.round(ll.lon * 1e7);
  h.altitude = Math.round(homeMslM * 1000);
  h.q = [1, 0, 0, 0];
  h.timeUsec = 0n;
  return h;
}

export function statusText(text: string, severity = 6): common.StatusText {
  const t = new common.StatusText();
  t.severity = severity;
  t.text = text.slice(0, 50);
  return t;
}
