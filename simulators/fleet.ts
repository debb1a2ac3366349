/**
 * A whole city's sensors (issue #6 part 1): placed along mains inside Qingdao's districts, provisioned
 * through the platform's HTTP API (or read from a credentials file), connected over MQTT at a bounded
 * rate from one process or several, reporting plausible values until stopped. Progress once a second.
 *
 * Talks to the platform only over its public surface (HTTP + MQTT); never imported by production code.
 */
import { existsSync } from 'node:fs';
import type { FeatureCollection } from 'geojson';
import { loadDistrictsGeoJson } from './city.js';
import type { EnvironmentOverrides } from './environment.js';
import { startForkedFleet } from './fleet-processes.js';
import { startLocalFleet, type LocalFleet } from './local-fleet.js';
import { placeDevices, type KindMix } from './placement.js';
import { ProgressMeter, type FleetProgress, type FleetSummary } from './progress.js';
import { provisionDevices, readCredentials, writeCredentials, type DeviceCredential } from './provision.js';

export interface FleetOptions {
  /** Platform HTTP base URL (provisioning). */
  httpUrl: string;
  /** Admin bearer token (provisioning). */
  token?: string;
  mqttUrl: string;
  /** How many devices (from a credentials file: at most this many of its devices). */
  devices: number;
  seed: number;
  mix?: KindMix;
  /** Contract intervals are divided by this (default 1: real time). */
  speedup?: number;
  /** A fixed reporting interval, ms, for every device instead of the contracts'. */
  intervalMs?: number;
  qos?: 0 | 1;
  /** New connections per second over the whole fleet (default 1,000). */
  connectRate?: number;
  maxPendingConnects?: number;
  /** Read credentials from this file when `provision` is false; write it after provisioning. */
  credentialsFile?: string;
  provision: boolean;
  /** Forks this many child processes, each owning a slice of the devices (default 1: this process). */
  processes?: number;
  environment?: EnvironmentOverrides;
  fw?: string;
  /** No telemetry until every device has connected (or failed its first attempt). */
  quietRamp?: boolean;
  /** Districts to place devices in (default: Qingdao). */
  districts?: FeatureCollection;
  onProgress?: (p: FleetProgress) => void;
  /** Progress period, ms (default 1,000). */
  progressMs?: number;
  /** Provisioning progress. */
  onProvision?: (done: number, total: number) => void;
}

export interface Fleet {
  readonly devices: readonly DeviceCredential[];
  /** Resolves once every device has connected or failed its first attempt. */
  readonly ramped: Promise<void>;
  progress(): FleetProgress;
  /** Offline status from every device, all connections closed; the run's summary. */
  stop(): Promise<FleetSummary>;
}

/** Provisioned (through the API) or read from the credentials file, per the options. */
export async function fleetCredentials(o: FleetOptions): Promise<DeviceCredential[]> {
  if (!o.provision) {
    if (o.credentialsFile === undefined) throw new Error('without provisioning a credentials file is needed (--credentials FILE)');
    if (!existsSync(o.credentialsFile)) throw new Error(`credentials file ${o.credentialsFile} does not exist (provision first)`);
    return (await readCredentials(o.credentialsFile)).slice(0, o.devices);
  }
  if (!o.token) throw new Error('provisioning needs the admin token (--token, CITYBRAIN_ADMIN_TOKEN or ./data/admin-token)');
  const districts = o.districts ?? (await loadDistrictsGeoJson());
  const placed = placeDevices(districts, { devices: o.devices, seed: o.seed, ...(o.mix ? { mix: o.mix } : {}) });
  const creds = await provisionDevices(placed, {
    httpUrl: o.httpUrl,
    token: o.token,
    ...(o.onProvision ? { onChunk: o.onProvision } : {}),
  });
  if (o.credentialsFile !== undefined) await writeCredentials(o.credentialsFile, creds);
  return creds;
}

/** Gets credentials, then runs the fleet until `stop()`. */
export async function runFleet(o: FleetOptions): Promise<Fleet> {
  const devices = await fleetCredentials(o);
  return startFleet(devices, o);
}

/** Runs a fleet of already-provisioned devices. */
export function startFleet(devices: readonly DeviceCredential[], o: FleetOptions): Fleet {
  const processes = Math.max(1, Math.min(o.processes ?? 1, devices.length || 1));
  const local = {
    mqttUrl: o.mqttUrl,
    seed: o.seed,
    connectRate: o.connectRate ?? 1_000,
    maxPendingConnects: o.maxPendingConnects ?? 500,
    ...(o.speedup === undefined ? {} : { speedup: o.speedup }),
    ...(o.intervalMs === undefined ? {} : { intervalMs: o.intervalMs }),
    ...(o.qos === undefined ? {} : { qos: o.qos }),
    ...(o.environment === undefined ? {} : { environment: o.environment }),
    ...(o.fw === undefined ? {} : { fw: o.fw }),
    ...(o.quietRamp ? { quietRamp: true } : {}),
  };
  const inner: LocalFleet = processes > 1 ? startForkedFleet(devices, local, processes) : startLocalFleet(devices, local);
  const meter = new ProgressMeter(() => inner.counters, devices.length, processes);
  const timer = setInterval(() => {
    const p = meter.sample();
    o.onProgress?.(p);
  }, o.progressMs ?? 1_000);
  return {
    devices,
    ramped: inner.ramped,
    progress: () => meter.latest(),
    async stop() {
      clearInterval(timer);
      await inner.stop();
      return meter.summary();
    },
  };
}
