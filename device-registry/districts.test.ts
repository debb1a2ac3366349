import { describe, expect, it } from 'vitest';
import { isAppError } from '../kernel/errors.js';
import { DistrictIndex, loadDistricts } from './districts.js';

describe('DistrictIndex (Qingdao sample)', () => {
  it('locates a point in Shinan (May Fourth Square area) as 370202', async () => {
    const idx = await loadDistricts();
    expect(idx.locate(120.3845, 36.0622)).toEqual({ id: '370202', name_en: 'Shinan', name_zh: '市南区' });
  });

  it('returns null at sea (Yellow Sea, south of Shinan) and outside the city', async () => {
    const idx = await loadDistricts();
    expect(idx.locate(120.4, 35.9)).toBeNull();
    expect(idx.locate(116.4, 39.9)).toBeNull(); // Beijing
  });

  it('locates every district at its own representative point', async () => {
    const idx = await loadDistricts();
    const list = idx.list();
    expect(list).toHaveLength(10);
    expect(list.filter((d) => d.urban_core).map((d) => d.id).sort()).toEqual(['370202', '370203', '370212', '370213']);
    // the `center` of each district lies inside it (checked against the file, so the index must agree)
    for (const d of list) expect(d.center && idx.locate(d.center[0], d.center[1])?.id).toBe(d.id);
  });

  it('serves the collection back as GeoJSON and refuses non-collections', async () => {
    const idx = await loadDistricts();
    expect(idx.toGeoJSON().features).toHaveLength(10);
    expect(() => DistrictIndex.fromGeoJSON('{"type":"Feature"}')).toThrow(/FeatureCollection/);
    expect(() => DistrictIndex.fromGeoJSON('not json')).toSatisfy((f: () => unknown) => {
      try {
        f();
        return false;
      } catch (e) {
        return isAppError(e) && e.code === 'CONFIG_INVALID';
      }
    });
  });

  it('handles a small polygon with a bbox miss and a hit', () => {
    const idx = DistrictIndex.fromGeoJSON({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { id: 'sq', name_en: 'Square' },
          geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] },
        },
      ],
    });
    expect(idx.locate(0.5, 0.5)?.id).toBe('sq');
    expect(idx.locate(0.5, 0.5)?.name_zh).toBe('Square');
    expect(idx.locate(2, 0.5)).toBeNull();
  });
});
