import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../kernel/errors.js';
import { csvRows, geojsonRows } from './import.js';
import { orgNames, resourceErrors, resourceNames, toResource } from './resources.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isAppError(e) ? e.code : 'other';
  }
  return 'none';
};

describe('resource import and validation', () => {
  it('reads CSV rows with lists, channels and supplies, numbered from the first data line', () => {
    const rows = csvRows('id,kind,name,type,org,lon,lat,alertKinds,capacity,duty,webhook,sms,mqtt,supervisor,supplies\n' +
      'u1,unit,Crew 1,gas_repair,Gas co,120.38,36.07,gas;water,3,off,https://x.example/h,+86 532 1,yes,sup,\n' +
      'd1,depot,Depot,,,120.4,36.1,,,,,,,,sandbags:500;pump:4\n');
    expect(rows[0]).toMatchObject({ row: 1, id: 'u1', input: { id: 'u1', type: 'gas_repair', alertKinds: ['gas', 'water'], capacity: 3, duty: 'off', supervisor: 'sup', location: { lon: 120.38, lat: 36.07 } } });
    expect(rows[0]!.input.channels).toEqual([{ type: 'webhook', url: 'https://x.example/h' }, { type: 'sms', phone: '+86 532 1' }, { type: 'mqtt' }]);
    expect(rows[1]!.input.supplies).toEqual([{ name: 'sandbags', quantity: 500 }, { name: 'pump', quantity: 4 }]);
    expect(code(() => csvRows('id,kind\n"unterminated'))).toBe('IMPORT_INVALID');
    expect(code(() => csvRows('id,kind\n'))).toBe('IMPORT_INVALID');
  });

  it('reads GeoJSON points; refuses what is not a FeatureCollection', () => {
    const rows = geojsonRows(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', id: 's1', geometry: { type: 'Point', coordinates: [120.4, 36.1] }, properties: { kind: 'shelter', name: 'Gym', capacity: 800 } }] }));
    expect(rows).toEqual([{ row: 1, id: 's1', input: { id: 's1', kind: 'shelter', name: 'Gym', capacity: 800, location: { lon: 120.4, lat: 36.1 } } }]);
    expect(code(() => geojsonRows('{"type":"Feature"}'))).toBe('IMPORT_INVALID');
    expect(code(() => geojsonRows('not json'))).toBe('IMPORT_INVALID');
  });

  it('keeps the Chinese names (name_zh, org_zh) from CSV columns, GeoJSON properties and the API; refuses bad ones', () => {
    const rows = csvRows('id,kind,name,name_zh,type,org,org_zh,lon,lat\nu1,unit,Crew 1,一号抢修队,gas_repair,Gas co,燃气公司,120.38,36.07\nu2,unit,Crew 2,,gas_repair,,,120.38,36.07\n');
    expect(rows[0]!.input).toMatchObject({ name: 'Crew 1', name_zh: '一号抢修队', org: 'Gas co', org_zh: '燃气公司' });
    expect(rows[1]!.input).not.toHaveProperty('name_zh');
    expect(rows[1]!.input).not.toHaveProperty('org_zh');
    const ctx = { now: 5, districtAt: () => '370202', sealer: { seal: (s: string) => s }, newSecret: () => 'x' };
    expect(toResource(rows[0]!.input, ctx).resource).toMatchObject({ name: 'Crew 1', name_zh: '一号抢修队', org: 'Gas co', org_zh: '燃气公司' });
    const plain = toResource(rows[1]!.input, ctx).resource;
    expect(plain).not.toHaveProperty('name_zh');
    expect(plain).not.toHaveProperty('org_zh');
    const geo = geojsonRows(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [120.4, 36.1] }, properties: { id: 's1', kind: 'shelter', name: 'Gym', name_zh: '体育馆' } }] }));
    expect(toResource(geo[0]!.input, ctx).resource.name_zh).toBe('体育馆');
    const base = { id: 'x', kind: 'unit', name: 'x', type: 'police', location: { lon: 1, lat: 1 } };
    expect(resourceErrors({ ...base, name_zh: '' }).map((e) => e.path)).toEqual(['/name_zh']);
    expect(resourceErrors({ ...base, name_zh: '长'.repeat(201) }).map((e) => e.path)).toEqual(['/name_zh']);
    expect(resourceErrors({ ...base, name_zh: 7 }).map((e) => e.path)).toContain('/name_zh');
    expect(resourceErrors({ ...base, org_zh: '燃气公司' })).toEqual([{ path: '/org_zh', message: 'a Chinese organisation name needs the organisation (org)' }]);
    expect(resourceErrors({ ...base, org: 'Gas co', org_zh: '燃气公司', name_zh: '一号' })).toEqual([]);
    expect(code(() => toResource({ ...base, name_zh: '' }, ctx))).toBe('UNIT_INVALID');
    expect(resourceNames({ name: 'Crew', name_zh: '抢修队' })).toEqual({ en: 'Crew', 'zh-CN': '抢修队' });
    expect(resourceNames({ name: 'Crew' })).toEqual({ en: 'Crew', 'zh-CN': 'Crew' });
    expect(orgNames({ org: 'Gas co' })).toEqual({ en: 'Gas co', 'zh-CN': 'Gas co' });
    expect(orgNames({ org: null })).toBeNull();
  });

  it('the sample city gives every resource a Chinese name, and its organisation one', () => {
    const rows = geojsonRows(readFileSync(join(import.meta.dirname, 'sample', 'qingdao-response.geojson'), 'utf8'));
    expect(rows).toHaveLength(40);
    const ctx = { now: 5, districtAt: () => '370202', sealer: { seal: (s: string) => s }, newSecret: () => 'x' };
    for (const row of rows) {
      const r = toResource(row.input, ctx).resource;
      expect(r.name_zh, r.id).toMatch(/^[\u4e00-\u9fff0-9（）]+（示例）$/);
      expect(r.name, r.id).toMatch(/\(sample\)$/);
      if (r.org !== null) expect(r.org_zh, r.id).toMatch(/[\u4e00-\u9fff]+.*（示例）$/);
    }
    expect(toResource(rows[0]!.input, ctx).resource).toMatchObject({ name: 'Shinan gas emergency repair crew (sample)', name_zh: '市南区燃气抢修队（示例）', org_zh: '青岛燃气公司（示例）' });
  });

  it('names unknown unit types and units without one; seals webhook secrets and generates one when absent', () => {
    expect(resourceErrors({ id: 'x', kind: 'unit', name: 'x', type: 'crane', location: { lon: 1, lat: 1 } })).toContainEqual({ path: '/type', message: expect.stringMatching(/unknown unit type "crane"/) });
    expect(resourceErrors({ id: 'x', kind: 'unit', name: 'x', location: { lon: 1, lat: 1 } })).toContainEqual({ path: '/type', message: 'a unit needs its unit type' });
    const ctx = { now: 5, districtAt: () => '370202', sealer: { seal: (s: string) => `sealed:${s}` }, newSecret: () => 'whsec_new' };
    const { resource, secrets } = toResource({ id: 'u', kind: 'unit', name: 'u', type: 'police', location: { lon: 1, lat: 1 }, channels: [{ type: 'webhook', url: 'https://a.example' }] }, ctx);
    expect(secrets).toEqual({ 'channels/0': 'whsec_new' });
    expect(resource).toMatchObject({ district: '370202', capacity: 1, duty: 'on', channels: [{ type: 'webhook', url: 'https://a.example', secret: 'sealed:whsec_new' }] });
    // Editing the unit without a secret keeps the sealed one.
    const again = toResource({ id: 'u', kind: 'unit', name: 'v', type: 'police', location: { lon: 1, lat: 1 }, channels: [{ type: 'webhook', url: 'https://a.example' }] }, { ...ctx, previous: resource });
    expect(again.secrets).toEqual({});
    expect(again.resource.channels[0]).toEqual({ type: 'webhook', url: 'https://a.example', secret: 'sealed:whsec_new' });
  });
});
