import { describe, expect, it } from 'vitest';
import { common, minimal } from 'node-mavlink';
import { applyTelemetry, healthAt, INITIAL_STATE } from './state.js';

describe('telemetry → DroneState', () => {
  it('decodes HEARTBEAT (autopilot, armed flag, PX4 mode) and GLOBAL_POSITION_INT units', () => {
    const hb = new minimal.Heartbeat();
    hb.autopilot = 12;
    hb.baseMode = 129 as minimal.MavModeFlag;
    hb.customMode = 0x04040000;
    let s = applyTelemetry(INITIAL_STATE, hb, 1000);
    expect(s).toMatchObject({ autopilot: 'px4', armed: true, mode: 'mission', lastHeartbeatMs: 1000 });
    const p = new common.GlobalPositionInt();
    p.lat = 312304000;
    p.lon = 1214737000;
    p.relativeAlt = 20500;
    p.alt = 30500;
    p.vx = 250;
    p.hdg = 9000;
    s = applyTelemetry(s, p, 1100);
    expect(s.position).toMatchObject({ lat: 31.2304, lon: 121.4737, altM: 20.5, altMslM: 30.5, vn: 2.5, headingDeg: 90 });
  });

  it('keeps the last battery value when SYS_STATUS reports -1 (unknown), reads landed state', () => {
    const st = new common.SysStatus();
    st.batteryRemaining = 64;
    st.voltageBattery = 15800;
    let s = applyTelemetry(INITIAL_STATE, st, 0);
    st.batteryRemaining = -1;
    s = applyTelemetry(s, st, 0);
    expect(s.batteryPct).toBe(64);
    expect(s.voltageV).toBeCloseTo(15.8);
    const e = new common.ExtendedSysState();
    e.landedState = 4;
    expect(applyTelemetry(s, e, 0).landed).toBe('landing');
  });

  it('returns the same object for messages it does not track', () => {
    expect(applyTelemetry(INITIAL_STATE, new common.Attitude(), 0)).toBe(INITIAL_STATE);
  });

  it('health: ok → stale at 3.5 s → lost at the failsafe time', () => {
    const s = { ...INITIAL_STATE, lastHeartbeatMs: 0 };
    expect(healthAt(INITIAL_STATE, 99_999, 3500, 5000)).toBe('connecting');
    expect(healthAt(s, 3499, 3500, 5000)).toBe('ok');
    expect(healthAt(s, 3500, 3500, 5000)).toBe('stale');
    expect(healthAt(s, 5000, 3500, 5000)).toBe('lost');
  });
});
