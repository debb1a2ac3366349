/**
 * End to end: an OPC UA heat station configured over HTTP feeds a provisioned heat device; its values reach
 * the device page and a supply temperature drop raises the heat rule's alert. A secured station's certificate
 * waits as pending until trusted over HTTP, and a rejected one keeps the source out.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { HEAT_STATION_MAPPING, HeatStation } from '../../simulators/opcua/index.js';
import { api, bootPlatform, provision } from './helpers.js';

interface SourceBody { id: string; hasPassword: boolean; password?: string; enabled: boolean }
interface StatusBody { state: string; counters: { readings: number }; lastError: string | null; certificate: { thumbprint: string; trust: string } | null }
interface CertBody { thumbprint: string; state: string; subject: string; validFrom: number; validTo: number; decidedBy: string | null }
interface DeviceBody { online: boolean; latest: Record<string, { ts: number; value: number }> | null }
interface AlertBody { ruleId: string; severity: string; status: string; subject: string }

let p: Platform;
let station: HeatStation;

beforeAll(async () => {
  station = new HeatStation({ seed: 3, tickMs: 200 });
  [p] = await Promise.all([bootPlatform(), station.start({ port: 0 })]);
}, 90_000);

afterAll(async () => {
  await p?.stop();
  await station?.stop();
});

describe('OPC UA heat station → platform', () => {
  it('configures a source over HTTP, shows its values on the device and alerts on a supply drop', async () => {
    await provision(p, 'HS-0007', 'heat');
    // A healthy in-season station: 72 °C supply, 48 °C return (Δ 24 K), pressures inside the band.
    station.pin({ SupplyTemp: 72, ReturnTemp: 48, SupplyPressure: 0.62, ReturnPressure: 0.3, Flow: 180 });

    const bad = await api<{ error: { code: string; message: string } }>(p, 'POST', '/api/v1/opcua/sources', {
      deviceId: 'HS-0007', endpoint: station.endpoint, mapping: [{ nodeId: 'ns=1;s=HeatStation.SupplyTemp', metric: 'level_m' }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('OPCUA_SOURCE_INVALID');
    expect(bad.body.error.message).toContain('heat has no metric "level_m"');

    const created = await api<SourceBody>(p, 'POST', '/api/v1/opcua/sources', {
      id: 'hs7', deviceId: 'HS-0007', endpoint: station.endpoint, samplingMs: 100, publishingMs: 100,
      username: 'scada', password: 'never-shown', mapping: HEAT_STATION_MAPPING,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'hs7', hasPassword: true, enabled: true });
    expect(JSON.stringify(created.body)).not.toContain('never-shown');
    // Replace the configuration: explicit nulls clear the stored credentials (this station is anonymous).
    const put = await api<SourceBody>(p, 'PUT', '/api/v1/opcua/sources/hs7', {
      deviceId: 'HS-0007', endpoint: station.endpoint, samplingMs: 100, publishingMs: 100, username: null, password: null, mapping: HEAT_STATION_MAPPING,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.hasPassword).toBe(false);

    await vi.waitFor(async () => {
      const st = await api<StatusBody>(p, 'GET', '/api/v1/opcua/sources/hs7/status');
      expect(st.body.state).toBe('connected');
      expect(st.body.counters.readings).toBeGreaterThan(0);
    }, { timeout: 20_000, interval: 100 });
    await vi.waitFor(async () => {
      const d = await api<DeviceBody>(p, 'GET', '/api/v1/devices/HS-0007');
      expect(d.body.latest?.['supply_temp_c']?.value).toBe(72);
      expect(d.body.latest?.['flow_m3h']?.value).toBe(180);
      expect(d.body.online).toBe(true);
    }, { timeout: 10_000, interval: 100 });
    const browse = await api<{ items: { browseName: string }[] }>(p, 'POST', '/api/v1/opcua/sources/hs7/browse', { nodeId: 'ns=1;s=HeatStation' });
    expect(browse.body.items.map((i) => i.browseName)).toEqual(expect.arrayContaining(['1:SupplyTemp', '1:ReturnTemp', '1:Flow']));
    expect((await api<{ items: AlertBody[] }>(p, 'GET', '/api/v1/alerts?deviceId=HS-0007')).body.items).toEqual([]);

    // Boiler trip: supply falls to 40 °C, below the in-season 50 °C rule (heat.supply.low, blue).
    station.pin({ SupplyTemp: 40, ReturnTemp: 36, SupplyPressure: 0.62, ReturnPressure: 0.3, Flow: 180 });
    await vi.waitFor(async () => {
      const alerts = (await api<{ items: AlertBody[] }>(p, 'GET', '/api/v1/alerts?deviceId=HS-0007')).body.items;
      expect(alerts).toEqual(expect.arrayContaining([expect.objectContaining({ ruleId: 'heat.supply.low', severity: 'blue', status: 'open' })]));
    }, { timeout: 15_000, interval: 100 });

    const list = await api<{ items: SourceBody[] }>(p, 'GET', '/api/v1/opcua/sources');
    expect(list.body.items.map((s) => s.id)).toEqual(['hs7']);
    expect((await api<SourceBody>(p, 'GET', '/api/v1/opcua/sources/hs7')).body).toMatchObject({ id: 'hs7', hasPassword: false });
    expect((await api(p, 'DELETE', '/api/v1/opcua/sources/hs7')).status).toBe(204);
    const gone = await api<{ error: { code: string } }>(p, 'GET', '/api/v1/opcua/sources/hs7/status');
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('OPCUA_SOURCE_NOT_FOUND');
    await vi.waitFor(() => expect(station.sessionCount).toBe(0), { timeout: 5_000 });
  }, 90_000);
});

describe('OPC UA station certificates over HTTP', () => {
  it('lists an unknown station certificate as pending, trusts it, and rejects it for good', async () => {
    const secure = new HeatStation({ seed: 4, tickMs: 200, secure: true });
    await secure.start({ port: 0 });
    try {
      await provision(p, 'HS-0008', 'heat');
      const created = await api(p, 'POST', '/api/v1/opcua/sources', {
        id: 'hs8', deviceId: 'HS-0008', endpoint: secure.endpoint, securityMode: 'SignAndEncrypt', samplingMs: 100, publishingMs: 100, mapping: HEAT_STATION_MAPPING,
      });
      expect(created.status).toBe(201);
      const status = async () => (await api<StatusBody>(p, 'GET', '/api/v1/opcua/sources/hs8/status')).body;
      await vi.waitFor(async () => expect((await status()).certificate?.trust).toBe('pending'), { timeout: 30_000, interval: 100 });
      const thumbprint = (await status()).certificate!.thumbprint;
      expect((await status()).lastError).toContain(`POST /api/v1/opcua/certificates/${thumbprint}/trust`);
      const list = await api<{ items: CertBody[] }>(p, 'GET', '/api/v1/opcua/certificates');
      expect(list.body.items).toEqual([expect.objectContaining({ thumbprint, state: 'pending', decidedBy: null, subject: expect.stringContaining('CN=') })]);

      const trusted = await api<CertBody>(p, 'POST', `/api/v1/opcua/certificates/${thumbprint}/trust`);
      expect(trusted.body).toMatchObject({ thumbprint, state: 'trusted', decidedBy: 'operator' });
      await vi.waitFor(async () => expect(await status()).toMatchObject({ state: 'connected', lastError: null }), { timeout: 30_000, interval: 100 });

      const rejected = await api<CertBody>(p, 'POST', `/api/v1/opcua/certificates/${thumbprint}/reject`);
      expect(rejected.body.state).toBe('rejected');
      await vi.waitFor(async () => expect((await status()).lastError).toContain('was rejected by an operator'), { timeout: 30_000, interval: 100 });
      expect((await status()).state).not.toBe('connected');
      expect((await api<{ items: CertBody[] }>(p, 'GET', '/api/v1/opcua/certificates')).body.items.map((c) => c.state)).toEqual(['rejected']);

      const unknown = await api<{ error: { code: string } }>(p, 'POST', `/api/v1/opcua/certificates/${'ab'.repeat(20)}/trust`);
      expect([unknown.status, unknown.body.error.code]).toEqual([404, 'OPCUA_CERTIFICATE_NOT_FOUND']);
      expect((await api(p, 'POST', '/api/v1/opcua/certificates/not-a-thumbprint/reject')).status).toBe(400);
      expect((await api(p, 'DELETE', '/api/v1/opcua/sources/hs8')).status).toBe(204);
    } finally {
      await secure.stop();
    }
  }, 120_000);
});
