import { describe, expect, it } from 'vitest';
import { createAirspace } from './airspace.js';
import { chooseDock, type DockState } from './dock-choice.js';
import type { DroneType } from './energy.js';
import { ll, squareM } from './testing/fixtures.js';

const types: Record<string, DroneType> = {
  m3: { id: 'm3', cruiseMps: 12, climbMps: 5, descentMps: 4, enduranceS: 2400, reservePct: 20, windLimitMps: 12, maxAltM: 120 },
  slow: { id: 'slow', cruiseMps: 6, climbMps: 3, descentMps: 3, enduranceS: 1800, reservePct: 25, windLimitMps: 8, maxAltM: 120 },
};
const now = 1_000_000;
const target = ll(0, 0);

function dock(id: string, x: number, y: number, extra: Partial<DockState> = {}): DockState {
  return { id, pos: ll(x, y), status: 'idle', droneInDock: true, droneTypeId: 'm3', batteryPct: 95, reportedAt: now - 1000, weather: { windMps: 3 }, ...extra };
}

describe('chooseDock', () => {
  it('ranks available docks by ETA, not by distance alone', () => {
    const r = chooseDock(target, [dock('far', 3000, 0), dock('near-slow', 1500, 0, { droneTypeId: 'slow' }), dock('mid', 2000, 0)], types, { now });
    expect(r.ranked.map((c) => c.dockId)).toEqual(['mid', 'far', 'near-slow']);
    expect(r.chosen?.dockId).toBe('mid');
    // 60 m climb at 5 m/s + 2000 m at 12 m/s.
    expect(r.chosen?.etaS).toBeCloseTo(12 + 2000 / 12, 0);
    expect(r.rejected).toEqual([]);
  });

  it('rejects unavailable docks, each with every reason', () => {
    const docks = [
      dock('off', 100, 0, { status: 'offline' }),
      dock('maint', 100, 0, { status: 'maintenance' }),
      dock('busy', 100, 0, { status: 'in_mission', droneInDock: false }),
      dock('flat', 100, 0, { batteryPct: 22 }),
      dock('windy', 100, 0, { weather: { windMps: 13, rain: true } }),
      dock('stale', 100, 0, { reportedAt: now - 60_000 }),
      dock('odd', 100, 0, { droneTypeId: 'x9' }),
      dock('ok', 4000, 0),
    ];
    const r = chooseDock(target, docks, types, { now });
    expect(r.chosen?.dockId).toBe('ok');
    const codes = Object.fromEntries(r.rejected.map((x) => [x.dockId, x.reasons.map((y) => y.code)]));
    expect(codes).toEqual({
      off: ['offline'],
      maint: ['maintenance'],
      busy: ['busy', 'no_drone'],
      flat: ['battery'],
      windy: ['wind', 'rain'],
      stale: ['stale'],
      odd: ['unknown_drone_type'],
    });
    expect(r.rejected.find((x) => x.dockId === 'flat')?.reasons[0]?.message).toMatch(/needs 2\d\.\d % .*has 22 %/);
  });

  it('needs battery for the round trip plus reserve', () => {
    // 10 km each way at 12 m/s ≈ 1667 s + climb, descent, 60 s on site ≈ 1754 s ≈ 73 % + 20 % reserve.
    const r = chooseDock(target, [dock('a', 10_000, 0, { batteryPct: 90 }), dock('b', 10_000, 0, { batteryPct: 95 })], types, { now });
    expect(r.ranked.map((c) => c.dockId)).toEqual(['b']);
    expect(r.ranked[0]?.batteryNeededPct).toBeCloseTo(((12 + 20_000 / 12 + 60 + 15) / 2400) * 100 + 20, 3);
  });

  it('falls back to the global weather and checks the airspace of the straight flight', () => {
    const zone = { id: 'z', footprint: squareM(1000, 0, 200), floorM: 0, ceilingM: 500 };
    const r = chooseDock(target, [dock('through', 2000, 0, { weather: undefined }), dock('around', 0, 2000, { weather: undefined })], types, {
      now,
      weather: { windMps: 5 },
      airspace: createAirspace({ noFlyZones: [zone] }),
    });
    expect(r.chosen?.dockId).toBe('around');
    expect(r.rejected[0]?.reasons.map((x) => x.code)).toEqual(['airspace']);
    const gusty = chooseDock(target, [dock('a', 100, 0, { weather: undefined })], types, { now, weather: { windMps: 12 } });
    expect(gusty.chosen).toBeUndefined();
    expect(gusty.rejected[0]?.reasons.map((x) => x.code)).toEqual(['wind']);
  });
});
