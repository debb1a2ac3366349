/**
 * What an operator's Prometheus and log shipper see: /metrics scraped over HTTP after an alert opens and
 * resolves, and the alert's lifecycle lines in the log.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { createLogger } from '../../kernel/logger.js';
import { api, bootPlatform, connectDevice, provision, TOKEN } from './helpers.js';

describe('metrics and logs', () => {
  let p: Platform;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)));
    p = await bootPlatform({}, {}, { log: createLogger({ level: 'info', destination: sink }) } as never);
  });
  afterAll(() => p?.stop());

  const scrape = async (): Promise<string> => {
    const res = await fetch(`${p.http.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };
  const value = (text: string, series: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('exposes Node process metrics under their standard names, and none renamed', async () => {
    const text = await scrape();
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(text, name).toMatch(new RegExp(`^${name} `, 'm'));
    }
    expect(text).not.toMatch(/^citybrain_process_|^citybrain_nodejs_/m);
    expect(value(text, 'citybrain_drones_airborne')).toBe(0);
  });

  it('counts an alert opened and resolved by rule and severity, gauges it while open, times rule evaluation, and logs each step with its id', async () => {
    const d = await provision(p, 'GW-OBS-1', 'gas');
    const c = await connectDevice(p, d);
    await c.publishAsync('devices/GW-OBS-1/telemetry', JSON.stringify({ metrics: { ch4_lel: 27 } }), { qos: 1 });
    await c.endAsync();
    const alert = await vi.waitFor(async () => {
      const r = await api<{ items: { id: string; severity: string }[] }>(p, 'GET', '/api/v1/alerts?deviceId=GW-OBS-1&status=open');
      if (!r.body.items[0]) throw new Error('no alert yet');
      return r.body.items[0];
    }, { timeout: 10_000, interval: 50 });
    let text = await scrape();
    expect(value(text, `citybrain_alerts_opened_total{rule="gas.ch4",severity="${alert.severity}"}`)).toBe(1);
    expect(value(text, `citybrain_alerts_open{severity="${alert.severity}"}`)).toBe(1);
    expect(value(text, 'citybrain_rule_evaluation_seconds_count')).toBeGreaterThanOrEqual(1);

    expect((await api(p, 'POST', `/api/v1/alerts/${encodeURIComponent(alert.id)}/resolve`, { note: 'vented' })).status).toBe(200);
    text = await scrape();
    expect(value(text, `citybrain_alerts_resolved_total{rule="gas.ch4",severity="${alert.severity}"}`)).toBe(1);
    expect(value(text, `citybrain_alerts_open{severity="${alert.severity}"}`) ?? 0).toBe(0);

    await vi.waitFor(() => expect(lines.filter((l) => l.alertId === alert.id).map((l) => l.msg)).toEqual(['alert opened', 'alert resolved']));
    expect(lines.find((l) => l.msg === 'alert opened')).toMatchObject({ module: 'alerts', ruleId: 'gas.ch4', subject: 'GW-OBS-1', severity: alert.severity });
    // One line per HTTP request, ISO time.
    const requests = lines.filter((l) => l.msg === 'request' && String(l.url).startsWith('/api/v1/alerts?deviceId=GW-OBS-1'));
    expect(requests.length).toBeGreaterThanOrEqual(1);
    expect(String(requests[0]!.time)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(lines.some((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toBe(false);
  });
});
