import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DroneStateChange } from '../../kernel/events.js';
import { ll } from '../testing/fixtures.js';
import { DEFAULT_DRONE_TYPE } from './registry.js';
import { makeHarness, recordChanges, waitStatus, type Harness } from './testing.js';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
  await h.service.registerDock({ id: 'd1', location: ll(0, 0) });
  await h.service.registerDrone({ id: 'u1', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd1', batteryPct: 18 });
});
afterEach(async () => {
  await h.close();
});

describe('live drone state', () => {
  it('battery, position and phase follow telemetry during the flight, and drone events carry the dock', async () => {
    const seen = recordChanges(h.bus);
    const states: DroneStateChange[] = [];
    h.bus.on('droneState', (s) => states.push(s));
    // The drone landed at 18 % and recharged in its dock; its link says 100 %: the next flight is not locked out.
    h.link['emit']('u1', { type: 'telemetry', droneId: 'u1', at: Date.now() - 5_000, position: { ...ll(0, 0), altM: 0 }, batteryPct: 100 });
    await vi.waitFor(async () => expect((await h.service.drone('u1')).batteryPct).toBe(100), { timeout: 5_000, interval: 10 });
    expect((await h.service.rankDocks(ll(300, 0))).chosen?.dockId).toBe('d1');
    // Sixty waypoints: a flight long enough (one item per 3 ms) to look at the drone while it flies.
    const path = Array.from({ length: 60 }, (_, i) => [ll(100 + 10 * i, 0).lon, ll(100 + 10 * i, 0).lat, 50]);
    const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: { kind: 'waypoints', path: { type: 'LineString', coordinates: path } } });
    if (!r.ok) throw new Error(r.message);
    const id = r.missions[0]!.id;
    // While in flight (not only at landing): the stored drone is airborne and used battery.
    await vi.waitFor(async () => {
      const d = await h.service.drone('u1');
      expect(d.telemetryAt).not.toBeNull();
      expect(d.batteryPct).toBeLessThan(100);
      expect(d.position?.altM).toBeGreaterThan(0);
      expect(['taking_off', 'in_flight', 'returning']).toContain(d.phase);
    }, { timeout: 5_000, interval: 2 });
    expect(seen.some((c) => c.missionId === id && c.to === 'completed')).toBe(false);
    await waitStatus(seen, id, 'completed');
    // Landed: the stored position is the dock again, with the battery it landed with.
    const docked = await h.service.drone('u1');
    expect(docked).toMatchObject({ phase: 'docked', position: { altM: 0 } });
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((s) => s.dockId === 'd1')).toBe(true);
    expect(h.service.live.link('u1')).toMatchObject({ state: 'connected' });
    expect(h.service.live.link('nobody')).toEqual({ state: 'unknown' });
  });

  it('a lost link is shown as lost until the vehicle is heard again', async () => {
    const at = Date.now();
    h.link['emit']('u1', { type: 'link', droneId: 'u1', at, state: 'lost' });
    expect(h.service.live.link('u1')).toMatchObject({ state: 'lost', since: at });
    h.link['emit']('u1', { type: 'telemetry', droneId: 'u1', at: at + 10, position: { ...ll(0, 0), altM: 0 }, batteryPct: 90 });
    expect(h.service.live.link('u1')).toEqual({ state: 'connected', since: at + 10, lastHeardAt: at + 10 });
  });
});
