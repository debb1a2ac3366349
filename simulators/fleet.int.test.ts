/**
 * The simulators against a real platform in this process (bootPlatform: aedes, SQLite, HTTP on free
 * ports), through the platform's public surface only: HTTP provisioning and MQTT.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../app/platform.js';
import { DEVICE_KINDS, getContract } from '../firmware-contracts/index.js';
import { api, bootPlatform, TOKEN } from '../test/e2e/helpers.js';
import { runFleet, type FleetOptions } from './fleet.js';
import { readCredentials } from './provision.js';

interface DeviceView {
  id: string;
  kind: string;
  online: boolean;
  district: string | null;
  asset: string | null;
  lastViolation: unknown;
  latest: Record<string, { ts: number; value: number | boolean }> | null;
}
interface DeviceList {
  items: DeviceView[];
  total: number;
}

let p: Platform;
let base: Pick<FleetOptions, 'httpUrl' | 'token' | 'mqttUrl' | 'seed'>;
const dir = mkdtempSync(join(tmpdir(), 'cb-sim-'));
const credentialsFile = join(dir, 'creds.json');

beforeAll(async () => {
  p = await bootPlatform();
  base = { httpUrl: p.http.url, token: TOKEN, mqttUrl: `mqtt://127.0.0.1:${p.mqtt.tcpPort}`, seed: 7 };
});
afterAll(async () => {
  await p?.stop();
});

const onlineCount = async () => (await api<DeviceList>(p, 'GET', '/api/v1/devices?online=true&limit=1')).body.total;
const device = async (id: string) => (await api<DeviceView>(p, 'GET', `/api/v1/devices/${id}`)).body;
const readingCount = async (id: string, metric: string, from: number) =>
  (await api<{ series: Record<string, unknown[]> }>(p, 'GET', `/api/v1/devices/${id}/readings?metric=${metric}&from=${from}`)).body.series[metric]?.length ?? 0;

describe('sensor fleet against an in-process platform', () => {
  it('provisions 200 devices of all six kinds, connects them, reports contract-valid values, answers commands, goes offline', async () => {
    const fleet = await runFleet({ ...base, devices: 200, provision: true, credentialsFile, speedup: 60, connectRate: 400 });
    try {
      expect(new Set(fleet.devices.map((d) => d.kind))).toEqual(new Set(DEVICE_KINDS));
      expect((await readCredentials(credentialsFile)).map((d) => d.id)).toEqual(fleet.devices.map((d) => d.id));
      await fleet.ramped;
      await vi.waitFor(async () => expect(await onlineCount()).toBe(200), { timeout: 20_000, interval: 200 });

      // Every device has reported every required metric of its kind, inside a district, with no violation.
      await vi.waitFor(async () => {
        for (const d of fleet.devices) {
          const view = await device(d.id);
          expect(view.online, d.id).toBe(true);
          expect(view.lastViolation, d.id).toBeNull();
          const required = getContract(d.kind)!.metrics.filter((m) => m.required).map((m) => m.name);
          expect(Object.keys(view.latest ?? {}), d.id).toEqual(expect.arrayContaining(required));
        }
      }, { timeout: 20_000, interval: 500 });
      const all = await api<DeviceList>(p, 'GET', '/api/v1/devices?limit=1000');
      expect(all.body.items.filter((d) => d.district === null)).toEqual([]);
      expect(new Set(all.body.items.map((d) => d.asset)).size).toBeLessThan(60); // grouped along mains

      // Commands: a self test and a faster interval, answered by the simulated device.
      const gas = fleet.devices.find((d) => d.kind === 'gas')!.id;
      const selftest = await p.broker.sendCommand(gas, 'selftest', {}, { timeoutMs: 5_000 });
      expect(selftest).toMatchObject({ ok: true, data: { sensor: 'ok' } });
      const water = fleet.devices.find((d) => d.kind === 'water')!.id;
      const since = Date.now();
      const before = await readingCount(water, 'pressure_mpa', since);
      // 1 s at a 60× speed-up is ~17 ms: dozens of readings a second where the contract gives one.
      expect(await p.broker.sendCommand(water, 'set_interval', { seconds: 1 }, { timeoutMs: 5_000 })).toMatchObject({ ok: true });
      await vi.waitFor(async () => expect(await readingCount(water, 'pressure_mpa', since)).toBeGreaterThan(before + 40), { timeout: 10_000, interval: 200 });
    } finally {
      const summary = await fleet.stop();
      expect(summary.errors).toBe(0);
      expect(summary.acked).toBe(summary.sent); // QoS 1: every reading acknowledged before the clean end
      expect(summary.acked).toBeGreaterThan(200);
      expect(summary.commands).toBe(2);
    }
    await vi.waitFor(async () => expect(await onlineCount()).toBe(0), { timeout: 20_000, interval: 200 });
  });

  it('runs from a credentials file in two child processes and aggregates their progress', async () => {
    expect(existsSync(credentialsFile)).toBe(true);
    const seen: number[] = [];
    const fleet = await runFleet({
      ...base, devices: 30, provision: false, credentialsFile, processes: 2, speedup: 60, progressMs: 200,
      onProgress: (pr) => seen.push(pr.connected),
    });
    try {
      expect(fleet.devices).toHaveLength(30);
      await fleet.ramped;
      await vi.waitFor(async () => expect(await onlineCount()).toBe(30), { timeout: 20_000, interval: 200 });
      await vi.waitFor(() => expect(fleet.progress()).toMatchObject({ connected: 30, processes: 2 }), { timeout: 5_000 });
      await vi.waitFor(() => expect(fleet.progress().acked).toBeGreaterThan(30), { timeout: 10_000 });
    } finally {
      const summary = await fleet.stop();
      expect(summary.errors).toBe(0);
      expect(summary.connected).toBe(0);
    }
    expect(Math.max(...seen)).toBe(30);
    await vi.waitFor(async () => expect(await onlineCount()).toBe(0), { timeout: 20_000, interval: 200 });
  });

  it('provisions again over existing devices by rotating their secrets; a quiet ramp reports only after it', async () => {
    const samples: { connected: number; sent: number }[] = [];
    const fleet = await runFleet({
      ...base, devices: 12, provision: true, intervalMs: 100, quietRamp: true, connectRate: 10, progressMs: 100,
      onProgress: ({ connected, sent }) => samples.push({ connected, sent }),
    });
    try {
      await fleet.ramped;
      await vi.waitFor(async () => expect(await onlineCount()).toBe(12), { timeout: 20_000, interval: 200 });
      await vi.waitFor(() => expect(fleet.progress().acked).toBeGreaterThan(12), { timeout: 10_000 });
    } finally {
      expect((await fleet.stop()).errors).toBe(0);
    }
    const during = samples.filter((x) => x.connected > 0 && x.connected < 12);
    expect(during.length).toBeGreaterThan(3); // ~1.2 s of ramp at 10 connections/s, sampled every 100 ms
    expect(during.every((x) => x.sent === 0)).toBe(true);
  });

  it('fails provisioning with a wrong token, naming the status', async () => {
    await expect(runFleet({ ...base, token: 'wrong-token-0123456789', devices: 3, provision: true })).rejects.toThrow(/401/);
  });
});
