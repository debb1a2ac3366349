import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEVICE_KINDS, decodeTelemetry, type DeviceKind } from '../firmware-contracts/index.js';
import { environmentAt, type EnvironmentOverrides } from './environment.js';
import { reportingIntervalMs, sampleMetrics } from './signals.js';

const T0 = Date.UTC(2020, 0, 1);
const T1 = Date.UTC(2035, 0, 1);
/** 2026-01-15 local midnight (UTC+8) — a winter day in the heating season. */
const WINTER_DAY = Date.UTC(2026, 0, 14, 16);
const SUMMER_DAY = Date.UTC(2026, 6, 14, 16);
const at = (day: number, hour: number) => day + hour * 3_600_000;

describe('signal models against the firmware contracts', () => {
  it('every kind, any seed, any time, any weather: zero contract violations', () => {
    const overrides = fc.record(
      { rainMmH: fc.double({ min: 0, max: 300, noNaN: true }), outdoorTempC: fc.double({ min: -40, max: 45, noNaN: true }), traffic: fc.double({ min: 0, max: 1, noNaN: true }) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...DEVICE_KINDS), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: T0, max: T1 }), overrides,
        (kind, citySeed, deviceSeed, t, ov: EnvironmentOverrides) => {
          const env = environmentAt(citySeed, t, ov);
          const metrics = sampleMetrics(kind, deviceSeed, env, reportingIntervalMs(kind, env));
          const r = decodeTelemetry(kind, JSON.stringify({ ts: t, metrics }), { now: t });
          expect(r.violations).toEqual([]);
          expect(r.samples).toHaveLength(1);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('is deterministic: same seeds and time give the same values', () => {
    for (const kind of DEVICE_KINDS) {
      const a = sampleMetrics(kind, 42, environmentAt(7, WINTER_DAY + 12_345_678));
      const b = sampleMetrics(kind, 42, environmentAt(7, WINTER_DAY + 12_345_678));
      expect(a).toEqual(b);
      expect(sampleMetrics(kind, 43, environmentAt(7, WINTER_DAY + 12_345_678))).not.toEqual(a);
    }
  });
});

describe('signal models are plausible', () => {
  const series = (kind: DeviceKind, seed: number, t: number, metric: string) => sampleMetrics(kind, seed, environmentAt(7, t))[metric] as number;

  it('water pressure is highest at night and lowest at the demand peaks', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const night = series('water', seed, at(WINTER_DAY, 3), 'pressure_mpa');
      const evening = series('water', seed, at(WINTER_DAY, 19.5), 'pressure_mpa');
      expect(night - evening).toBeGreaterThan(0.05);
    }
  });

  it('heat supply follows the outdoor temperature in season and idles in summer', () => {
    const colder = sampleMetrics('heat', 5, environmentAt(7, at(WINTER_DAY, 6), { outdoorTempC: -10 }));
    const milder = sampleMetrics('heat', 5, environmentAt(7, at(WINTER_DAY, 6), { outdoorTempC: 8 }));
    expect(colder.supply_temp_c as number).toBeGreaterThan((milder.supply_temp_c as number) + 20);
    expect((colder.supply_temp_c as number) - (colder.return_temp_c as number)).toBeGreaterThan(5);
    expect(series('heat', 5, at(SUMMER_DAY, 12), 'supply_temp_c')).toBeLessThan(40);
  });

  it('drainage level answers rain', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const dry = sampleMetrics('drainage', seed, environmentAt(7, at(SUMMER_DAY, 10), { rainMmH: 0 }));
      const storm = sampleMetrics('drainage', seed, environmentAt(7, at(SUMMER_DAY, 10), { rainMmH: 40 }));
      expect(storm.level_m as number).toBeGreaterThan((dry.level_m as number) + 1);
      expect(storm.rain_mm as number).toBeGreaterThan(0);
    }
    expect(reportingIntervalMs('drainage', environmentAt(7, SUMMER_DAY, { rainMmH: 10 }))).toBe(10_000);
  });

  it('bridge strain rises with traffic', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const quiet = sampleMetrics('bridge', seed, environmentAt(7, at(SUMMER_DAY, 3), { traffic: 0.05, outdoorTempC: 20 }));
      const peak = sampleMetrics('bridge', seed, environmentAt(7, at(SUMMER_DAY, 3), { traffic: 1, outdoorTempC: 20 }));
      expect(Math.abs(peak.strain_ue as number)).toBeGreaterThan(Math.abs(quiet.strain_ue as number) + 30);
      expect(peak.displacement_mm as number).toBeLessThan(quiet.displacement_mm as number);
    }
  });

  it('elevators make trips: floors change, the car runs with doors shut, doors open only when stopped', () => {
    const floors = new Set<number>();
    let running = 0;
    let doorOpen = 0;
    for (let t = at(WINTER_DAY, 8); t < at(WINTER_DAY, 9); t += 2_500) {
      const m = sampleMetrics('elevator', 9, environmentAt(7, t));
      floors.add(m.floor as number);
      if (m.running) running++;
      if (m.door_open) doorOpen++;
      expect(m.running && m.door_open).toBe(false);
      if (!m.running) expect(m.speed_mps).toBe(0);
      expect(m.floor).not.toBe(0);
    }
    expect(floors.size).toBeGreaterThan(4);
    expect(running).toBeGreaterThan(100);
    expect(doorOpen).toBeGreaterThan(50);
  });

  it('methane stays near zero, well under the 10 %LEL blue threshold', () => {
    for (let i = 0; i < 2000; i++) {
      const v = series('gas', i, T0 + i * 7_777_777, 'ch4_lel');
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(2);
    }
  });
});
