import { afterEach, describe, expect, it } from 'vitest';
import type { DroneLinkEvent } from '../link/drone-link.js';
import { MavlinkDroneLink } from './fleet-link.js';
import { startRig, squareMission } from './testing.js';
import type { Rig } from './testing.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('MavlinkDroneLink: the drone-ops DroneLink port over MAVLink', () => {
  it('uploads, starts, reports progress and phases, and lands once', async () => {
    rig = await startRig();
    const port = new MavlinkDroneLink();
    port.add('d1', rig.link);
    const events: DroneLinkEvent[] = [];
    port.on((e) => events.push(e));
    await port.upload('d1', squareMission(4));
    await port.start('d1');
    const landed = await new Promise<DroneLinkEvent>((resolve) => port.on((e) => e.type === 'landed' && resolve(e)));
    expect(landed).toMatchObject({ droneId: 'd1' });
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.seq] : []));
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    const phases = events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
    expect(phases).toEqual(expect.arrayContaining(['in_flight', 'returning', 'landing']));
    expect(phases[phases.length - 1]).toBe('on_ground');
    expect(events.filter((e) => e.type === 'landed')).toHaveLength(1);
    expect(events.some((e) => e.type === 'telemetry')).toBe(true);
    await expect(port.upload('nope', [])).rejects.toMatchObject({ code: 'DRONE_NOT_FOUND' });
  });

  it("reports the vehicle's own switch to RTL as a failsafe, with its STATUSTEXT, and no failure", async () => {
    rig = await startRig();
    const port = new MavlinkDroneLink();
    port.add('d1', rig.link);
    const events: DroneLinkEvent[] = [];
    port.on((e) => events.push(e));
    await port.upload('d1', squareMission(8, 200));
    await port.start('d1');
    await new Promise<void>((resolve) => port.on((e) => e.type === 'progress' && e.seq >= 3 && resolve()));
    const failsafe = new Promise<DroneLinkEvent>((resolve) => port.on((e) => e.type === 'failsafe' && resolve(e)));
    const landed = new Promise<void>((resolve) => port.on((e) => e.type === 'landed' && resolve()));
    rig.vehicle.flight.battery = 20;
    expect(await failsafe).toMatchObject({ type: 'failsafe', reason: 'Battery low: RTL', mode: 'RTL' });
    await landed;
    expect(events.filter((e) => e.type === 'failure')).toEqual([]);
    expect(events.filter((e) => e.type === 'failsafe')).toHaveLength(1);
    expect(events.some((e) => e.type === 'phase' && e.phase === 'returning')).toBe(true);
  });
});
