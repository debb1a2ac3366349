import { describe, expect, it } from 'vitest';
import { FlightModel, RESULT } from './autopilot.js';
import { DockModel } from './dock.js';
import { DEFAULT_AIRFRAME, drain, moveToward } from './physics.js';
import { modeOfCommand } from './modes.js';

describe('dock model', () => {
  it('charges 20 → 90 % in under 30 minutes, slower above the taper point', () => {
    const d = new DockModel();
    d.cover = 'closed';
    let pct = 20;
    let s = 0;
    while (pct < 90) {
      pct = d.step(1, pct);
      s++;
    }
    expect(s / 60).toBeLessThan(30);
    expect(s / 60).toBeGreaterThan(20);
    expect(d.step(60, 50) - 50).toBeGreaterThan(d.step(60, 85) - 85);
  });

  it('opens the cover over its configured time and does not charge while open', () => {
    const d = new DockModel();
    expect(d.requestOpen()).toBe(false);
    d.step(5, 50);
    expect(d.cover).toBe('opening');
    d.step(5, 50);
    expect(d.cover).toBe('open');
    expect(d.step(60, 50)).toBe(50);
  });
});

describe('kinematics and battery', () => {
  it('moves at cruise speed horizontally and climb rate vertically, and stops at the target', () => {
    const m = moveToward({ x: 0, y: 0, z: 0 }, { x: 100, y: 0, z: 30 }, 1, DEFAULT_AIRFRAME);
    expect(m.pose.x).toBeCloseTo(10);
    expect(m.pose.z).toBeCloseTo(3);
    expect(m.arrived).toBe(false);
    const end = moveToward({ x: 99, y: 0, z: 30 }, { x: 100, y: 0, z: 30 }, 1, DEFAULT_AIRFRAME);
    expect(end.pose.x).toBe(100);
    expect(end.arrived).toBe(true);
  });

  it('drains more with distance and with wind', () => {
    const still = drain(80, 10, 0, 0, DEFAULT_AIRFRAME);
    expect(drain(80, 10, 100, 0, DEFAULT_AIRFRAME)).toBeLessThan(still);
    expect(drain(80, 10, 0, 10, DEFAULT_AIRFRAME)).toBeLessThan(still);
  });
});

describe('flight model', () => {
  it('arming in a closed dock answers IN_PROGRESS until the cover is open', () => {
    const f = new FlightModel();
    expect(f.command(400, [1])).toBe(RESULT.IN_PROGRESS);
    expect(f.armed).toBe(false);
    const notes = f.step(11);
    expect(notes.acks).toEqual([{ command: 400, result: RESULT.ACCEPTED }]);
    expect(f.armed).toBe(true);
  });

  it('refuses takeoff when disarmed and mission start without a mission', () => {
    const f = new FlightModel();
    expect(f.command(22, [0, 0, 0, 0, 0, 0, 10])).toBe(RESULT.DENIED);
    f.dock.droneInDock = false;
    expect(f.command(400, [1])).toBe(RESULT.ACCEPTED);
    expect(f.command(300, [])).toBe(RESULT.DENIED);
    expect(f.command(12345, [])).toBe(RESULT.UNSUPPORTED);
  });

  it('detects polygon fence breaches (inclusion) and circle exclusion', () => {
    const f = new FlightModel();
    const v = (x: number, y: number) => ({ command: 5001, param1: 4, param2: 0, pos: { x, y, z: 0 }, noPos: false });
    f.fence = [v(-50, -50), v(50, -50), v(50, 50), v(-50, 50)];
    f.pose = { x: 10, y: 10, z: 20 };
    expect(f.fenceBreached()).toBe(false);
    f.pose = { x: 60, y: 10, z: 20 };
    expect(f.fenceBreached()).toBe(true);
    f.fence = [{ command: 5004, param1: 20, param2: 0, pos: { x: 0, y: 0, z: 0 }, noPos: false }];
    expect(f.fenceBreached()).toBe(false);
    f.pose = { x: 5, y: 5, z: 20 };
    expect(f.fenceBreached()).toBe(true);
  });
});

describe('simulator mode table', () => {
  it('decodes DO_SET_MODE for ArduCopter and PX4', () => {
    expect(modeOfCommand('ardupilot', 1, 6, 0)).toBe('rtl');
    expect(modeOfCommand('px4', 1, 4, 4)).toBe('auto');
    expect(modeOfCommand('px4', 1, 4, 6)).toBe('land');
    expect(modeOfCommand('px4', 0, 4, 4)).toBeUndefined();
  });
});
