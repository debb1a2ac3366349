import { describe, expect, it } from 'vitest';
import { onDuty, propose, rankUnits, straightLineTravel } from './matching.js';
import { plan, T0, unit } from './testing.js';

const travel = straightLineTravel();
const site = { lon: 120.38, lat: 36.07 };
// 0.01° of latitude ≈ 1,112 m: an independent check of the haversine, not the same formula.
const north = (km: number) => ({ lon: 120.38, lat: 36.07 + km / 111.195 });

describe('matching units', () => {
  it('applies the road factor to the straight-line distance', () => {
    expect(travel.metres(site, north(1))).toBeCloseTo(1400, 0);
    expect(travel.seconds(site, north(1))).toBeCloseTo(1400 / (30 / 3.6), 0);
  });

  it('ranks on-duty units of the type by travel time, skipping full, off-duty, wrong-kind and excluded ones', () => {
    const units = [
      unit('far', { location: north(5) }), unit('near', { location: north(1) }), unit('off', { location: north(0.5), duty: 'off' }),
      unit('full', { location: north(0.2), capacity: 1 }), unit('water', { location: north(0.1), alertKinds: ['water'] }), unit('police', { type: 'police', location: north(0.1) }),
      unit('any', { location: north(3), alertKinds: [] }), unit('gone', { location: north(0.3) }),
    ];
    const r = rankUnits('gas_repair', { units, kind: 'gas', location: site, now: T0, load: new Map([['full', 1]]), exclude: new Set(['gone']), travel });
    expect(r.map((c) => c.unit.id)).toEqual(['near', 'any', 'far']);
  });

  it('respects the weekly duty window in local time (UTC+8)', () => {
    // T0 = 2025-10-09 08:53:20 UTC = Thursday 16:53 in Qingdao.
    expect(onDuty(unit('u', { schedule: { days: [4], from: '08:00', to: '17:00' } }), T0)).toBe(true);
    expect(onDuty(unit('u', { schedule: { days: [4], from: '17:00', to: '08:00' } }), T0)).toBe(false);
    expect(onDuty(unit('u', { schedule: { days: [1, 2, 3], from: '00:00', to: '23:59' } }), T0)).toBe(false);
  });

  it('proposes each step\'s count of nearest units, each unit once, and names a gap', () => {
    const p = plan('gas-I', { steps: [
      { unitType: 'gas_repair', count: 2, title: 'Stop the leak', instructions: '', required: true },
      { unitType: 'police', count: 1, title: 'Cordon', instructions: '', required: true },
    ] });
    const units = [unit('g1', { location: north(2) }), unit('g2', { location: north(1) }), unit('g3', { location: north(3) })];
    const out = propose(p, { units, kind: 'gas', location: site, now: T0, load: new Map(), travel });
    expect(out.map((t) => t.unitId)).toEqual(['g2', 'g1', null]);
    expect(out[0]).toMatchObject({ unitType: 'gas_repair', distanceM: 1400, required: true });
    expect(out[2]!.gap).toMatch(/no police unit/);
  });
});
