import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.js';
import { SAMPLE_JIAODONG_AIRPORT_ZONE, checkPath, createAirspace, operationAreasFromDistricts, zonesToAvoid, type NoFlyZone } from './airspace.js';
import { lla, ll, squareM } from './testing/fixtures.js';

const fence = { id: 'f', area: squareM(0, 0, 1000) };
const square: NoFlyZone = { id: 'sq', footprint: squareM(0, 0, 100), floorM: 0, ceilingM: 500 };
const circle: NoFlyZone = { id: 'ci', footprint: { type: 'Circle', center: ll(500, 500), radiusM: 50 }, floorM: 0, ceilingM: 500 };
const at = { at: 0, durationMs: 600_000 };

describe('checkPath', () => {
  it('accepts a path inside the fence, clear of zones and under the ceiling', () => {
    const a = createAirspace({ operationAreas: [fence], noFlyZones: [square, circle] });
    expect(checkPath(a, [lla(-800, -800, 60), lla(800, -800, 60), lla(800, -300, 60)], { ...at, fenceId: 'f' })).toEqual({ ok: true });
  });

  it('catches a leg that crosses a polygon zone with both ends outside it', () => {
    const a = createAirspace({ noFlyZones: [square] });
    const r = checkPath(a, [lla(-500, -500, 60), lla(-500, 0, 60), lla(500, 0, 60)], at);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.violations).toEqual([expect.objectContaining({ leg: 1, kind: 'no_fly_zone', zoneId: 'sq' })]);
    expect(r.violations[0]?.message).toMatch(/from 400 m to 600 m along the leg/);
  });

  it('catches a leg that crosses a circle zone with both ends outside it, and not one that passes by', () => {
    const a = createAirspace({ noFlyZones: [circle] });
    const hit = checkPath(a, [lla(300, 500, 60), lla(700, 500, 60)], at);
    expect(hit.ok).toBe(false);
    expect(checkPath(a, [lla(300, 560, 60), lla(700, 560, 60)], at)).toEqual({ ok: true });
  });

  it('applies time windows: a zone outside its window does not count', () => {
    const timed: NoFlyZone = { ...square, windows: [{ startMs: 1_000_000, endMs: 2_000_000 }] };
    const a = createAirspace({ noFlyZones: [timed] });
    const path = [lla(-500, 0, 60), lla(500, 0, 60)];
    expect(checkPath(a, path, { at: 0, durationMs: 500_000 })).toEqual({ ok: true });
    expect(checkPath(a, path, { at: 0, durationMs: 1_500_000 }).ok).toBe(false);
    expect(checkPath(a, path, { at: 1_999_999, durationMs: 0 }).ok).toBe(false);
    expect(checkPath(a, path, { at: 2_000_000, durationMs: 10 })).toEqual({ ok: true });
  });

  it('applies altitude bands, using the altitude over the part of the leg inside the zone', () => {
    const band: NoFlyZone = { ...square, floorM: 80, ceilingM: 200 };
    const a = createAirspace({ noFlyZones: [band], ceilingM: 300 });
    expect(checkPath(a, [lla(-500, 0, 60), lla(500, 0, 60)], at)).toEqual({ ok: true });
    expect(checkPath(a, [lla(-500, 0, 250), lla(500, 0, 250)], at)).toEqual({ ok: true });
    expect(checkPath(a, [lla(-500, 0, 100), lla(500, 0, 100)], at).ok).toBe(false);
    // Climbing 60 → 75 m over the zone stays under its floor; 60 → 160 m enters the band above it.
    expect(checkPath(a, [lla(-500, 0, 60), lla(500, 0, 75)], at)).toEqual({ ok: true });
    expect(checkPath(a, [lla(-500, 0, 60), lla(500, 0, 160)], at).ok).toBe(false);
  });

  it('flags legs above the ceiling (120 m by default)', () => {
    const a = createAirspace();
    expect(a.ceilingM).toBe(120);
    const r = checkPath(a, [lla(0, 0, 0), lla(0, 0, 121), lla(100, 0, 100)], at);
    expect(r.ok ? [] : r.violations.map((v) => [v.leg, v.kind])).toEqual([
      [0, 'above_ceiling'],
      [1, 'above_ceiling'],
    ]);
  });

  it('flags legs that leave the fence, including a chord across a concave gap', () => {
    const a = createAirspace({ operationAreas: [fence] });
    const r = checkPath(a, [lla(0, 0, 60), lla(900, 0, 60), lla(1100, 0, 60), lla(900, 100, 60)], { ...at, fenceId: 'f' });
    expect(r.ok ? [] : r.violations.map((v) => [v.leg, v.kind])).toEqual([
      [1, 'outside_fence'],
      [2, 'outside_fence'],
    ]);
    expect(() => checkPath(a, [lla(0, 0, 0)], { ...at, fenceId: 'nope' })).toThrow(AppError);
  });

  it('uses the union of districts as the fence when no fenceId is given', () => {
    const fcoll = JSON.parse(readFileSync(new URL('../device-registry/city/qingdao-districts.geojson', import.meta.url), 'utf8')) as Parameters<typeof operationAreasFromDistricts>[0];
    const a = createAirspace({ operationAreas: operationAreasFromDistricts(fcoll), noFlyZones: [SAMPLE_JIAODONG_AIRPORT_ZONE] });
    // Shibei centre → Shinan centre crosses the district border but stays in the city.
    const cross = [{ lon: 120.355026, lat: 36.083819, altM: 60 }, { lon: 120.395966, lat: 36.070892, altM: 60 }];
    expect(checkPath(a, cross, at)).toEqual({ ok: true });
    const shibei = checkPath(a, cross, { ...at, fenceId: '370203' });
    expect(shibei.ok ? [] : shibei.violations.map((v) => v.kind)).toEqual(['outside_fence']);
    // Jiaozhou centre → the airport.
    const r = checkPath(a, [{ lon: 120.006202, lat: 36.285878, altM: 60 }, { lon: 120.09, lat: 36.36, altM: 60 }], at);
    expect(r.ok ? [] : r.violations.map((v) => v.zoneId)).toEqual(['sample-jiaodong-airport']);
  });

  it('labels the airport zone a sample and lists active zones to avoid', () => {
    expect(SAMPLE_JIAODONG_AIRPORT_ZONE.properties?.note).toBe('sample, not an official boundary');
    const timed: NoFlyZone = { ...square, id: 't', windows: [{ startMs: 10, endMs: 20 }] };
    const high: NoFlyZone = { ...square, id: 'h', floorM: 150, ceilingM: 300 };
    const a = createAirspace({ noFlyZones: [square, timed, high] });
    expect(zonesToAvoid(a, { at: 0, durationMs: 5, altM: 100 })).toEqual([square.footprint]);
    expect(zonesToAvoid(a, { at: 0, durationMs: 15, altM: 100 })).toHaveLength(2);
  });
});
