import { describe, expect, it } from 'vitest';
import { newSourceValues, publishToReading } from './batch.js';

describe('publishToReading', () => {
  const device = { id: 'heat-1', kind: 'heat', district: '370202', asset: null };
  const NOW = 1_795_000_000_000;

  it('makes one reading of a publish, stamped with the latest source timestamp', () => {
    const last = newSourceValues();
    const out = publishToReading(device, [
      { metric: 'supply_temp_c', value: 71.2, ts: NOW - 300 },
      { metric: 'return_temp_c', value: 48.9, ts: NOW - 200 },
    ], last, NOW);
    expect(out.violations).toEqual([]);
    expect(out.reading).toEqual({ deviceId: 'heat-1', kind: 'heat', ts: NOW - 200, metrics: { supply_temp_c: 71.2, return_temp_c: 48.9 }, district: '370202', asset: null, receivedAt: NOW });
  });

  it('carries unchanged required metrics forward from earlier publishes', () => {
    const last = { lastKnown: new Map<string, unknown>([['supply_temp_c', 70], ['return_temp_c', 50]]), violating: new Map() };
    const out = publishToReading(device, [{ metric: 'flow_m3h', value: 120, ts: undefined }], last, NOW);
    expect(out.reading?.metrics).toEqual({ flow_m3h: 120, supply_temp_c: 70, return_temp_c: 50 });
    expect(out.reading?.ts).toBe(NOW); // no timestamp from the server: receive time, as on MQTT
  });

  it('drops a publish with an out-of-range value as a contract violation', () => {
    const out = publishToReading(device, [
      { metric: 'supply_temp_c', value: 250, ts: NOW },
      { metric: 'return_temp_c', value: 50, ts: NOW },
    ], newSourceValues(), NOW);
    expect(out.reading).toBeUndefined();
    expect(out.violations).toEqual([expect.objectContaining({ code: 'OUT_OF_RANGE', path: 'metrics.supply_temp_c' })]);
  });

  it('reports a value of the wrong type', () => {
    const out = publishToReading(device, [
      { metric: 'supply_temp_c', value: 'hot', ts: NOW },
      { metric: 'return_temp_c', value: 50, ts: NOW },
    ], newSourceValues(), NOW);
    expect(out.violations.map((v) => v.code)).toEqual(['WRONG_TYPE']);
  });

  it('leaves out an optional metric of the wrong type and stores the station\'s other metrics', () => {
    const out = publishToReading(device, [
      { metric: 'supply_temp_c', value: 70, ts: NOW },
      { metric: 'return_temp_c', value: 50, ts: NOW },
      { metric: 'flow_m3h', value: '180.5 m3/h', ts: NOW },
    ], newSourceValues(), NOW);
    expect(out.reading?.metrics).toEqual({ supply_temp_c: 70, return_temp_c: 50 });
    expect(out.violations).toEqual([expect.objectContaining({ code: 'WRONG_TYPE', path: 'metrics.flow_m3h' })]);
    expect(out.violating).toEqual(['flow_m3h']);
  });

  it('flags a constant out-of-range optional metric on every publish until a good value comes', () => {
    const state = newSourceValues();
    const first = publishToReading(device, [
      { metric: 'supply_temp_c', value: 70, ts: NOW }, { metric: 'return_temp_c', value: 50, ts: NOW }, { metric: 'supply_pressure_mpa', value: 9, ts: NOW },
    ], state, NOW);
    expect(first.violations.map((v) => v.path)).toEqual(['metrics.supply_pressure_mpa']);
    // The pressure does not change, so the station does not send it again: still flagged, still not stored.
    const second = publishToReading(device, [{ metric: 'supply_temp_c', value: 71, ts: NOW + 1000 }], state, NOW + 1000);
    expect(second.reading?.metrics).toEqual({ supply_temp_c: 71, return_temp_c: 50 });
    expect(second.violations.map((v) => v.path)).toEqual(['metrics.supply_pressure_mpa']);
    const healed = publishToReading(device, [{ metric: 'supply_pressure_mpa', value: 0.6, ts: NOW + 2000 }], state, NOW + 2000);
    expect(healed.violations).toEqual([]);
    expect(healed.reading?.metrics).toEqual({ supply_temp_c: 71, return_temp_c: 50, supply_pressure_mpa: 0.6 });
  });
});

