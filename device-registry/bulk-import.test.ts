import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../kernel/errors.js';
import { SHINAN, openTestRegistry, type TestRegistry } from './testing.js';

async function codeOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => 'resolved',
    (e: unknown) => (isAppError(e) ? e.code : e),
  );
}

const CSV = [
  'id,kind,lon,lat,name,asset,tags',
  'gas-a,gas,120.3845,36.0622,"Valve well 3, Zhongshan Rd",main-1,pilot;north',
  'gas-b,toaster,120.38,36.06,,,',
  'gas-c,gas,200,36.06,,,',
  'gas-a,gas,120.38,36.06,,,',
  'taken,water,120.38,36.06,,,',
  ',heat,120.38,36.06,Station,,',
  'gas-d,gas,,36.06,,,',
  'gas-e,gas,120.38',
  'bad id,gas,120.38,36.06,,,',
  'sea-1,drainage,120.4,35.9,"He said ""deep""",,',
].join('\n');

describe('DeviceRegistry.importDevices', () => {
  let t: TestRegistry;
  afterEach(async () => {
    await t.close();
  });

  it('CSV: good rows are created, each bad row is reported and stops nothing', async () => {
    t = await openTestRegistry();
    await t.registry.create({ id: 'taken', kind: 'water', location: SHINAN });
    const report = await t.registry.importDevices(CSV, 'csv');
    expect(report).toMatchObject({ total: 10, created: 3, failed: 7 });
    const brief = report.rows.map((r) => [r.row, r.ok ? 'ok' : r.error?.code]);
    expect(brief).toEqual([
      [1, 'ok'],
      [2, 'UNKNOWN_KIND'],
      [3, 'LOCATION_INVALID'],
      [4, 'DEVICE_EXISTS'],
      [5, 'DEVICE_EXISTS'],
      [6, 'ok'],
      [7, 'LOCATION_INVALID'],
      [8, 'VALIDATION_FAILED'],
      [9, 'VALIDATION_FAILED'],
      [10, 'ok'],
    ]);
    expect(await t.registry.get('gas-a')).toMatchObject({ name: 'Valve well 3, Zhongshan Rd', asset: 'main-1', tags: ['pilot', 'north'], district: '370202' });
    expect(await t.registry.get('sea-1')).toMatchObject({ name: 'He said "deep"', district: null });
    const generated = report.rows[5]!;
    expect(generated.id).toMatch(/^heat-[0-9a-f]{8}$/);
    expect((await t.registry.authenticate(generated.id!, generated.credentials!.password)).ok).toBe(true);
    expect(t.registry.lookup('gas-a')?.district).toBe('370202');
    expect(report.rows.filter((r) => !r.ok).every((r) => r.credentials === undefined)).toBe(true);
    expect(await t.registry.count()).toBe(4);
  });

  it('GeoJSON: Point features with properties, mixed good and bad', async () => {
    t = await openTestRegistry();
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [120.3845, 36.0622] }, properties: { id: 'br-1', kind: 'bridge', asset: 'bridge-7', tags: ['span-2'] } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] }, properties: { kind: 'gas' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [120.38, 36.06] }, properties: { kind: 'lift' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [120.38, 36.06] }, properties: null },
        'not a feature',
        { type: 'Feature', geometry: { type: 'Point', coordinates: [120.4, 35.9] }, properties: { kind: 'water', name: 'Buoy' } },
      ],
    };
    const report = await t.registry.importDevices(JSON.stringify(fc), 'geojson');
    expect(report).toMatchObject({ total: 6, created: 2, failed: 4 });
    expect(report.rows.map((r) => (r.ok ? 'ok' : r.error?.code))).toEqual(['ok', 'LOCATION_INVALID', 'UNKNOWN_KIND', 'UNKNOWN_KIND', 'VALIDATION_FAILED', 'ok']);
    expect(await t.registry.get('br-1')).toMatchObject({ kind: 'bridge', asset: 'bridge-7', tags: ['span-2'], district: '370202' });
    expect((await t.registry.get(report.rows[5]!.id!)).name).toBe('Buoy');
  });

  it('refuses a file that is not GeoJSON / CSV at all with IMPORT_INVALID', async () => {
    t = await openTestRegistry();
    expect(await codeOf(t.registry.importDevices('id,kind\n', 'geojson'))).toBe('IMPORT_INVALID');
    expect(await codeOf(t.registry.importDevices('{"type":"Feature"}', 'geojson'))).toBe('IMPORT_INVALID');
    expect(await codeOf(t.registry.importDevices('{"type":"FeatureCollection","features":[]}', 'csv'))).toBe('IMPORT_INVALID');
    expect(await codeOf(t.registry.importDevices('', 'csv'))).toBe('IMPORT_INVALID');
    expect(await codeOf(t.registry.importDevices('id,kind,lon,lat\nx,gas,"1,2', 'csv'))).toBe('IMPORT_INVALID');
    expect(await t.registry.count()).toBe(0);
  });

  it('imports 10,000 rows in chunked transactions', async () => {
    t = await openTestRegistry();
    const lines = ['id,kind,lon,lat,name,asset,tags'];
    for (let i = 0; i < 10_000; i++) {
      const lon = (120.30 + (i % 100) * 0.002).toFixed(5);
      const lat = (36.04 + Math.floor(i / 100) * 0.001).toFixed(5);
      lines.push(`dev-${i},${['gas', 'water', 'drainage'][i % 3]},${lon},${lat},Sensor ${i},asset-${i % 50},bulk`);
    }
    const started = performance.now();
    const report = await t.registry.importDevices(lines.join('\n'), 'csv');
    const ms = performance.now() - started;
    expect(report).toMatchObject({ total: 10_000, created: 10_000, failed: 0 });
    expect(await t.registry.count()).toBe(10_000);
    expect(t.registry.lookup('dev-9999')?.kind).toBe('gas');
    console.log(`bulk import: 10,000 CSV rows in ${Math.round(ms)} ms`);
    expect(ms).toBeLessThan(15_000);
  });
});
