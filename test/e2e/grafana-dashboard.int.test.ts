/**
 * The shipped Grafana dashboard (docs/grafana/citybrain-influxdb.json) against a real InfluxDB 1.x fed by
 * the whole platform: a dangerous gas reading over MQTT raises an alert, the duty officer resolves it, and
 * every InfluxQL query of the dashboard (template variables, panels, annotations), with Grafana's macros
 * substituted as Grafana would, runs on that InfluxDB and returns data, the alert points included.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import type { InfluxQueryResponse } from '../../device-registry/telemetry/influx-protocol.js';
import { startInflux, type InfluxServer } from '../servers/influx.js';
import { api, bootPlatform, connectDevice, provision } from './helpers.js';

interface Target { query: string }
interface Dashboard {
  schemaVersion: number;
  annotations: { list: { query?: string; datasource: { type: string } }[] };
  templating: { list: { name: string; type: string; query: string; allValue?: string }[] };
  panels: { title: string; type: string; targets: Target[] }[];
}

const dashboard = JSON.parse(readFileSync(new URL('../../docs/grafana/citybrain-influxdb.json', import.meta.url), 'utf8')) as Dashboard;

/** Grafana's macros as its InfluxDB datasource expands them (a fixed range and interval here). */
function expand(q: string, vars: Record<string, string>): string {
  let out = q.replaceAll('$timeFilter', 'time > now() - 1h').replaceAll('$__interval', '1m');
  for (const [k, v] of Object.entries(vars)) out = out.replaceAll(`$${k}`, v).replaceAll(`\${${k}}`, v);
  expect(out, `unexpanded macro in ${out}`).not.toMatch(/\$[{\w]/);
  return out;
}

describe('Grafana dashboard for the InfluxDB schema', () => {
  let p: Platform;
  const db = `grafana_${randomBytes(4).toString('hex')}`;
  const influxUrl = inject('influxUrl');
  const run = async (q: string): Promise<unknown[][]> => {
    const res = await fetch(`${influxUrl}/query?${new URLSearchParams({ db, q, epoch: 'ms' }).toString()}`);
    const body = (await res.json()) as InfluxQueryResponse;
    expect(body.error, q).toBeUndefined();
    const r = body.results?.[0];
    expect(r?.error, q).toBeUndefined();
    return (r?.series ?? []).flatMap((s) => s.values ?? []);
  };

  beforeAll(async () => {
    p = await bootPlatform({ INFLUX_URL: influxUrl, INFLUX_DB: db });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('is a current Grafana dashboard with an InfluxDB datasource variable, annotations and a table of alerts', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.templating.list.find((v) => v.type === 'datasource')).toMatchObject({ query: 'influxdb' });
    expect(dashboard.annotations.list.filter((a) => a.datasource.type === 'influxdb')).toHaveLength(1);
    expect(dashboard.panels.some((x) => x.type === 'table' && x.targets.some((t) => t.query.includes('FROM "alerts"')))).toBe(true);
  });

  it('every query returns data from a platform that raised and resolved an alert', async () => {
    const d = await provision(p, 'GF-0412', 'gas', 120.38, 36.07);
    const c = await connectDevice(p, d);
    await c.publishAsync('devices/GF-0412/telemetry', JSON.stringify({ metrics: { ch4_lel: 27 } }), { qos: 1 });
    await c.endAsync();
    const alert = await vi.waitFor(async () => {
      const r = await api<{ items: { id: string }[] }>(p, 'GET', '/api/v1/alerts?deviceId=GF-0412&status=open');
      if (!r.body.items[0]) throw new Error('no alert yet');
      return r.body.items[0];
    }, { timeout: 15_000, interval: 100 });
    expect((await api(p, 'POST', `/api/v1/alerts/${alert.id}/resolve`, { note: 'vented' })).status).toBe(200);

    // The alert's lifecycle, as points of the measurement `alerts` (written without the alert path waiting).
    await vi.waitFor(async () => {
      const rows = await run(`SELECT "event", "severity", "district", "kind", "device", "level", "message" FROM "alerts" WHERE "alert_id" = '${alert.id}'`);
      expect(rows.map((r) => r.slice(1))).toEqual([
        ['opened', 'orange', '370202', 'gas', 'GF-0412', 'II', expect.stringContaining('27')],
        ['resolved', 'orange', '370202', 'gas', 'GF-0412', 'II', expect.stringContaining('27')],
      ]);
    }, { timeout: 15_000, interval: 200 });
    // The alert points' writer reports like the readings' writer, told apart by the label `writer`.
    const metrics = await p.metrics.metrics();
    expect(metrics).toMatch(/^citybrain_telemetry_written_total\{writer="alerts"\} [2-9]/m);
    expect(metrics).toMatch(/^citybrain_telemetry_written_total\{writer="telemetry"\} [1-9]/m);
    expect(metrics).toMatch(/^citybrain_telemetry_store_up\{writer="alerts"\} 1$/m);
    expect(metrics).toMatch(/^citybrain_telemetry_buffer_depth\{writer="alerts"\} 0$/m);

    // Template variables first: their answers are the values the panels are expanded with.
    const vars: Record<string, string> = { DS_INFLUXDB: 'influxdb' };
    for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
      // Grafana takes the `value` column of SHOW TAG VALUES (key, value) and the first column otherwise.
      const col = /^SHOW TAG VALUES/i.test(v.query) ? 1 : 0;
      const values = (await run(expand(v.query, {}))).map((r) => String(r[col]));
      expect(values, v.name).not.toEqual([]);
      vars[v.name] = v.name === 'metric' ? 'ch4_lel' : (v.allValue ?? values[0]!);
      if (v.name === 'metric') expect(values).toContain('ch4_lel');
      if (v.name === 'kind') expect(values).toContain('gas');
      if (v.name === 'district') expect(values).toContain('370202');
    }

    const queries = [
      ...dashboard.panels.flatMap((x) => x.targets.map((t) => [x.title, t.query] as const)),
      ...dashboard.annotations.list.flatMap((a) => (a.query ? [['annotation', a.query] as const] : [])),
    ];
    expect(queries.length).toBeGreaterThanOrEqual(6);
    for (const [title, q] of queries) {
      const rows = await run(expand(q, vars));
      expect(rows.length, `${title}: ${q}`).toBeGreaterThan(0);
      if (q.includes('FROM "alerts"') && !q.includes('count(')) expect(JSON.stringify(rows), title).toContain(alert.id);
    }
  });
});

describe('alert points across an InfluxDB outage', () => {
  let influx: InfluxServer | undefined;
  let p: Platform | undefined;
  afterAll(async () => {
    await p?.stop();
    await influx?.stop();
  });

  it('an alert raised while InfluxDB is down is spilled and written once it is back; the alert itself is not delayed', async () => {
    influx = await startInflux();
    const db = `alerts_out_${randomBytes(3).toString('hex')}`;
    p = await bootPlatform({ INFLUX_URL: influx.url, INFLUX_DB: db });
    const d = await provision(p, 'GO-0412', 'gas', 120.38, 36.07);
    const c = await connectDevice(p, d);
    await influx.stop();
    await c.publishAsync('devices/GO-0412/telemetry', JSON.stringify({ metrics: { ch4_lel: 27 } }), { qos: 1 });
    await c.endAsync();
    // The alert opens through the API while InfluxDB is still down.
    const alert = await vi.waitFor(async () => {
      const r = await api<{ items: { id: string }[] }>(p!, 'GET', '/api/v1/alerts?deviceId=GO-0412&status=open');
      if (!r.body.items[0]) throw new Error('no alert yet');
      return r.body.items[0];
    }, { timeout: 15_000, interval: 100 });
    influx = await startInflux({ dir: influx.dir, port: influx.port, rpcPort: influx.rpcPort });
    await vi.waitFor(async () => {
      const q = `SELECT "alert_id", "event" FROM "alerts" WHERE "device" = 'GO-0412'`;
      const res = await fetch(`${influx!.url}/query?${new URLSearchParams({ db, q }).toString()}`);
      const body = (await res.json()) as InfluxQueryResponse;
      expect(body.results?.[0]?.series?.[0]?.values?.map((r) => r.slice(1))).toEqual([[alert.id, 'opened']]);
    }, { timeout: 60_000, interval: 500 });
  });
});
