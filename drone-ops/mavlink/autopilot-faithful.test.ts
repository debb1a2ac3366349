/**
 * The controller against the stricter simulator, once per autopilot (drone-ops.md "What real autopilots
 * do"): item 0, arming rules, a second launch, EXTENDED_SYS_STATE on request with the landed fallback,
 * commanded and default speeds, on-board fence and lost-link enforcement, the registered autopilot.
 * Real MAVLink 2 over loopback UDP, 50× simulated time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LocalPlane } from '../geo/enu.js';
import type { DroneLinkEvent, OnboardSafety } from '../link/drone-link.js';
import { changeSpeedItem, withoutHome } from '../link/mission-items.js';
import { MAV_CMD } from '../planner/mission.js';
import { MavlinkDroneLink } from './fleet-link.js';
import { HOME, squareMission, startRig, type Rig } from './testing.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const FAST = { tickMs: 20, timeScale: 50 };
const plane = new LocalPlane(HOME);
const ring = (cx: number, cy: number, half: number): [number, number][] => [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([dx, dy]) => {
  const p = plane.toLonLat({ x: cx + (dx ?? 0) * half, y: cy + (dy ?? 0) * half });
  return [p.lon, p.lat];
});

async function flying(autopilot: 'ardupilot' | 'px4', vehicle: Parameters<typeof startRig>[0] = {}) {
  rig = await startRig({ ...FAST, autopilot, ...vehicle }, { autopilot });
  const port = new MavlinkDroneLink();
  port.add('d', rig.link);
  const events: DroneLinkEvent[] = [];
  port.on((e) => events.push(e));
  const when = <T extends DroneLinkEvent['type']>(type: T, pred: (e: Extract<DroneLinkEvent, { type: T }>) => boolean = () => true) =>
    new Promise<Extract<DroneLinkEvent, { type: T }>>((resolve) => {
      const off = port.on((e) => {
        if (e.type === type && pred(e as Extract<DroneLinkEvent, { type: T }>)) {
          off();
          resolve(e as Extract<DroneLinkEvent, { type: T }>);
        }
      });
    });
  return { rig, port, events, when };
}

for (const autopilot of ['ardupilot', 'px4'] as const) {
  describe(`controller against the ${autopilot} simulator`, () => {
    it(autopilot === 'ardupilot' ? 'gives ArduPilot a home item 0 in front of the port items' : 'gives PX4 the items as they are: item 0 is the take-off', async () => {
      const { rig, port } = await flying(autopilot);
      const items = withoutHome(squareMission(4));
      await port.upload('d', items);
      const stored = rig.vehicle.flight.mission.map((m) => m.command);
      const expected = items.map((i) => i.command);
      expect(stored).toEqual(autopilot === 'ardupilot' ? [MAV_CMD.NAV_WAYPOINT, ...expected] : expected);
      expect(stored[autopilot === 'ardupilot' ? 1 : 0]).toBe(MAV_CMD.NAV_TAKEOFF);
    });

    it('launches twice in a row (ArduCopter refuses to arm in AUTO, which a finished mission leaves it in)', async () => {
      const { rig, port, when } = await flying(autopilot);
      for (let flight = 0; flight < 2; flight++) {
        await port.upload('d', withoutHome(squareMission(2, 40)));
        const landed = when('landed');
        await port.start('d');
        await landed;
        expect(rig.vehicle.flight.mode).toBe(autopilot === 'ardupilot' ? 'auto' : 'rtl');
      }
    });

    it('requests EXTENDED_SYS_STATE with SET_MESSAGE_INTERVAL; the vehicle streams it only then', async () => {
      rig = await startRig({ ...FAST, autopilot }, { autopilot, streams: [] });
      for (let i = 0; i < 10; i++) await rig.link.events.once('state', (s) => s.position !== undefined);
      expect(rig.link.state.landed).toBe('unknown');
      await rig.link.requestMessageInterval(245, 200_000);
      await rig.link.events.once('state', (s) => s.landed === 'on-ground');
    });

    it('without EXTENDED_SYS_STATE at all, phases and landed come from the heartbeat and altitude (never stuck taking off)', async () => {
      const { rig, port, events, when } = await flying(autopilot, { faults: { noExtendedSysState: true } });
      expect(rig.link.counters.streamRequestsRefused).toBe(1);
      await port.upload('d', withoutHome(squareMission(2, 40)));
      const landed = when('landed');
      await port.start('d');
      await landed;
      expect(rig.link.state.landed).toBe('unknown');
      const phases = events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
      expect(phases).toEqual(expect.arrayContaining(['taking_off', 'in_flight', 'returning']));
      expect(phases[phases.length - 1]).toBe('on_ground');
    });

    it('flies the speed the mission commands (DO_CHANGE_SPEED), else the autopilot default', async () => {
      const { port, events, when } = await flying(autopilot);
      const items = withoutHome(squareMission(1, 300));
      const speeds = async (list: typeof items): Promise<number> => {
        events.length = 0;
        await port.upload('d', list);
        const landed = when('landed');
        await port.start('d');
        await landed;
        // The mission leg only: up to the last waypoint (the return flies the autopilot's RTL speed).
        const lastWp = events.findIndex((e) => e.type === 'progress' && e.seq === list.length - 2);
        return Math.max(...events.slice(0, lastWp).flatMap((e) => (e.type === 'telemetry' ? [e.groundSpeedMps ?? 0] : [])));
      };
      const commanded = [items[0], changeSpeedItem(1, 7), ...items.slice(1)].flatMap((i) => (i ? [i] : [])).map((it, seq) => ({ ...it, seq }));
      expect(await speeds(commanded)).toBeCloseTo(7, 0);
      // Defaults: ArduCopter WPNAV_SPEED 1000 cm/s; PX4 MPC_XY_CRUISE 5 m/s (RTL flies the default too).
      expect(await speeds(items)).toBeCloseTo(autopilot === 'ardupilot' ? 10 : 5, 0);
    });

    it('prepare() configures the vehicle; its fence then turns it back on board, before the ground does anything', async () => {
      const { rig, port, when } = await flying(autopilot);
      const safety: OnboardSafety = { inclusion: [ring(0, 0, 2000)], exclusions: [ring(150, 0, 40)], rally: [{ ...HOME, altM: 20 }], maxAltM: 100, lostLinkAction: 'rtl' };
      await port.prepare('d', safety);
      const p = rig.vehicle.flight.params;
      if (autopilot === 'ardupilot') expect([p.get('FENCE_ENABLE'), p.get('FENCE_ACTION'), p.get('FS_GCS_ENABLE'), p.get('FENCE_ALT_MAX')]).toEqual([1, 1, 1, 100]);
      else expect([p.get('GF_ACTION'), p.get('NAV_DLL_ACT'), p.get('GF_MAX_VER_DIST')]).toEqual([3, 2, 100]);
      // A mission straight through the exclusion zone: the vehicle's fence must catch it.
      const through = withoutHome(squareMission(1, 300));
      await port.upload('d', through);
      const failsafe = when('failsafe');
      const landed = when('landed');
      await port.start('d');
      expect(await failsafe).toMatchObject({ mode: 'RTL', reason: 'Fence breach: RTL' });
      await landed;
      expect(rig.vehicle.flight.pose.x).toBeLessThan(5);
    });

    it('a prepared vehicle that loses the ground for good returns and lands at home by itself', async () => {
      const { rig, port, when } = await flying(autopilot);
      await port.prepare('d', { inclusion: [ring(0, 0, 3000)], exclusions: [], rally: [{ ...HOME, altM: 20 }], maxAltM: 120, lostLinkAction: 'rtl' });
      await port.upload('d', withoutHome(squareMission(8, 300)));
      await port.start('d');
      await when('progress', (e) => e.seq >= 2);
      const lost = when('link', (e) => e.state === 'lost');
      rig.vehicle.cutLink();
      await lost;
      const v = rig.vehicle.flight;
      await new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (v.phase === 'landed') {
            clearInterval(t);
            resolve();
          }
        }, 20);
      });
      expect(v.mode).toBe('rtl');
      expect(Math.hypot(v.pose.x, v.pose.y)).toBeLessThan(3);
    });

    it('refuses to fly a vehicle whose HEARTBEAT names another autopilot (AUTOPILOT_MISMATCH)', async () => {
      // connect() resolves on the first HEARTBEAT: the mismatch is known before the port sees the link.
      const other = autopilot === 'ardupilot' ? 'px4' : 'ardupilot';
      rig = await startRig({ ...FAST, autopilot }, { autopilot: other });
      const port = new MavlinkDroneLink();
      port.add('d', rig.link);
      const failure = new Promise<DroneLinkEvent>((resolve) => port.on((e) => e.type === 'failure' && resolve(e)));
      await rig.link.events.once('state', () => true);
      await expect(port.upload('d', withoutHome(squareMission(2)))).rejects.toMatchObject({ code: 'AUTOPILOT_MISMATCH' });
      await expect(port.start('d')).rejects.toMatchObject({ code: 'AUTOPILOT_MISMATCH' });
      expect(await failure).toMatchObject({ reason: `drone registered as ${other} but its HEARTBEAT reports ${autopilot}` });
    });
  });
}

describe('ArduCopter arming rules, raw', () => {
  it('refuses to arm in AUTO with a STATUSTEXT and COMMAND_ACK DENIED', async () => {
    rig = await startRig({ ...FAST, autopilot: 'ardupilot' }, { autopilot: 'ardupilot' });
    await rig.link.setMode('mission');
    const text = rig.link.events.once('statustext', () => true);
    await expect(rig.link.arm()).rejects.toMatchObject({ code: 'MAVLINK_NACK', details: { reason: 'DENIED' } });
    expect((await text).text).toBe('Arm: Mode not armable');
  });
});
