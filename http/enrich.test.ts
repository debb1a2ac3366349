import { describe, expect, it } from 'vitest';
import { cityIso, enrichPayload } from './enrich.js';

const names = new Map([['370202', { zh: '市南区', en: 'Shinan' }]]);
const T = Date.UTC(2026, 11, 3, 14, 30, 0, 5);

describe('record enrichment', () => {
  it('writes epoch ms as ISO 8601 with the city offset (+08:00), the same instant', () => {
    expect(cityIso(T)).toBe('2026-12-03T22:30:00.005+08:00');
    expect(Date.parse(cityIso(T))).toBe(T);
    expect(cityIso(T, -90)).toBe('2026-12-03T13:00:00.005-01:30');
  });

  it('adds <time>Iso and districtName beside the fields, in pages, GeoJSON properties, wrappers and single records', () => {
    const rec = { id: 'GW-1', district: '370202', createdAt: T, lastSeenAt: null, count: 3, ttaAt: 12 };
    const out = { ...rec, createdAtIso: '2026-12-03T22:30:00.005+08:00', districtName: { zh: '市南区', en: 'Shinan' } };
    expect(enrichPayload({ items: [rec], total: 1 }, names)).toEqual({ items: [out], total: 1 });
    expect(enrichPayload(rec, names)).toEqual(out);
    expect(enrichPayload({ device: rec, credentials: {} }, names)).toEqual({ device: out, credentials: {} });
    expect(enrichPayload({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: null, properties: rec }] }, names)).toMatchObject({ features: [{ properties: out }] });
    expect(enrichPayload({ id: 'x', district: 'nowhere' }, names)).toEqual({ id: 'x', district: 'nowhere', districtName: null });
    expect(enrichPayload({ id: 'x', district: null }, names)).toEqual({ id: 'x', district: null });
    expect(enrichPayload([rec], names)).toEqual([rec]);
  });

  it('shows messages kept in every language in the reader\'s language; leaves other records alone', () => {
    const alert = { id: 'al-1', district: null, message: 'gas high', messages: { en: 'gas high', 'zh-CN': '燃气浓度高' } };
    expect(enrichPayload({ items: [alert] }, names, 'zh-CN')).toEqual({ items: [{ ...alert, message: '燃气浓度高' }] });
    expect(enrichPayload({ alert, mission: null }, names, 'zh-CN')).toMatchObject({ alert: { message: '燃气浓度高' } });
    expect(enrichPayload(alert, names, 'en')).toEqual(alert);
    expect(enrichPayload({ id: 'x', message: 'free' }, names, 'zh-CN')).toEqual({ id: 'x', message: 'free' });
  });
});
