/**
 * The telemetry path end to end, the same test for both configurations: embedded defaults
 * (SQLite + SQLite) and real engines (PostgreSQL + InfluxDB 1.x, as child processes).
 * HTTP provisioning → MQTT publish (QoS 1) → contract validation → store → HTTP query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { api, bootPlatform, connectDevice, provision, ENGINE_CONFIGURATIONS } from './helpers.js';


describe.each(ENGINE_CONFIGURATIONS)('telemetry path: %s', (_name, env) => {
  let p: Platform;
  beforeAll(async () => {
    p = await bootPlatform(await env());
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('provisions a device into its district, stores its QoS 1 readings and serves them raw and downsampled', async () => {
    const d = await provision(p, 'GW-0412', 'gas', 120.38, 36.07);
    const dev = await api<{ district: string }>(p, 'GET', '/api/v1/devices/GW-0412');
    expect(dev.body.district).toBe('370202'); // Shinan

    const c = await connectDevice(p, d);
    const base = Date.now() - 60_000;
    for (let i = 0; i < 12; i++) {
      await c.publishAsync('devices/GW-0412/telemetry', JSON.stringify({ ts: base + i * 5_000, seq: i, metrics: { ch4_lel: i, temp_c: 20 } }), { qos: 1 });
    }
    // A PUBACK means durable: the readings are queryable right away, no waiting.
    const raw = await api<{ series: Record<string, { ts: number; value: number }[]> }>(p, 'GET', `/api/v1/devices/GW-0412/readings?metric=ch4_lel&from=${base}&to=${base + 60_000}`);
    expect(raw.status).toBe(200);
    expect(raw.body.series.ch4_lel!.map((x) => x.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

    const agg = await api<{ buckets: { ts: number; mean: number; min: number; max: number; count: number }[] }>(
      p, 'GET', `/api/v1/devices/GW-0412/readings?metric=ch4_lel&from=${base}&to=${base + 60_000}&every=30s`,
    );
    const counted = agg.body.buckets.reduce((n, b) => n + b.count, 0);
    expect(counted).toBe(12);
    expect(Math.max(...agg.body.buckets.map((b) => b.max))).toBe(11);
    expect(Math.min(...agg.body.buckets.map((b) => b.min))).toBe(0);

    const after = await api<{ online: boolean; lastSeenAt: number; latest: Record<string, { value: number }> }>(p, 'GET', '/api/v1/devices/GW-0412');
    expect(after.body.online).toBe(true);
    expect(after.body.latest.ch4_lel!.value).toBe(11);
    await c.endAsync();
  });

  it('drops an out-of-range reading as a visible violation and keeps the connection', async () => {
    const d = await provision(p, 'wm-1', 'water', 120.45, 36.1);
    const c = await connectDevice(p, d);
    await c.publishAsync('devices/wm-1/telemetry', JSON.stringify({ metrics: { pressure_mpa: 9.9 } }), { qos: 1 });
    await c.publishAsync('devices/wm-1/telemetry', JSON.stringify({ metrics: { pressure_mpa: 0.31 } }), { qos: 1 });
    expect(c.connected).toBe(true);
    const dev = await api<{ lastViolation: { code: string; path: string }; latest: Record<string, { value: number }> }>(p, 'GET', '/api/v1/devices/wm-1');
    expect(dev.body.lastViolation).toMatchObject({ code: 'OUT_OF_RANGE', path: 'metrics.pressure_mpa' });
    expect(dev.body.latest.pressure_mpa!.value).toBe(0.31);
    await c.endAsync();
  });

  it('answers an unknown device and a wrong secret alike', async () => {
    await provision(p, 'hx-1', 'heat');
    const wrong = await connectDevice(p, { id: 'hx-1', password: 'not-the-secret' }).catch((e: Error) => e.message);
    const unknown = await connectDevice(p, { id: 'nobody', password: 'not-the-secret' }).catch((e: Error) => e.message);
    expect(wrong).toMatch(/Bad username or password/i);
    expect(unknown).toBe(wrong);
  });
});
