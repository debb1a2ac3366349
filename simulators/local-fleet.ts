/**
 * Many simulated devices in this process: one mqtt.js client each, started at a bounded rate (a ramp),
 * sharing one environment cache and one set of counters. `fleet.ts` adds provisioning, progress and
 * several processes on top.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { environmentAt, type Environment, type EnvironmentOverrides } from './environment.js';
import { newCounters, SimDevice, type DeviceCounters } from './device-client.js';
import { deviceSeed } from './placement.js';
import type { DeviceCredential } from './provision.js';

export interface LocalFleetOptions {
  mqttUrl: string;
  /** City seed: weather and every device's model. */
  seed: number;
  speedup?: number;
  intervalMs?: number;
  qos?: 0 | 1;
  /** New connections started per second (default 1,000). */
  connectRate?: number;
  /** Connections started but not yet answered, at most (default 500). */
  maxPendingConnects?: number;
  environment?: EnvironmentOverrides;
  fw?: string;
  /** Devices report only once every device has connected (or failed): measures the ramp on its own. */
  quietRamp?: boolean;
}

export interface LocalFleet {
  readonly counters: DeviceCounters;
  readonly size: number;
  /** Resolves once every device has connected or failed its first attempt (or the fleet stopped). */
  readonly ramped: Promise<void>;
  /** Ends the ramp, sends every device's offline status and closes every connection. */
  stop(): Promise<void>;
}

/** The environment at one-second resolution, computed once per second for the whole fleet. */
export function cachedEnvironment(seed: number, overrides: EnvironmentOverrides = {}): (t: number) => Environment {
  let key = NaN;
  let env: Environment | undefined;
  return (t) => {
    const k = Math.floor(t / 1000);
    if (k !== key || env === undefined) {
      key = k;
      env = environmentAt(seed, k * 1000, overrides);
      env = { ...env, t }; // noise keys on t; the slow drivers do not change within a second
    } else if (env.t !== t) {
      env = { ...env, t };
    }
    return env;
  };
}

export function startLocalFleet(credentials: readonly DeviceCredential[], o: LocalFleetOptions): LocalFleet {
  const counters = newCounters();
  const environment = cachedEnvironment(o.seed, o.environment);
  let openGate!: () => void;
  const gate = new Promise<void>((r) => (openGate = r));
  const devices = credentials.map(
    (c) =>
      new SimDevice({
        mqttUrl: o.mqttUrl, id: c.id, password: c.password, kind: c.kind, seed: deviceSeed(o.seed, c.id), environment, counters,
        ...(o.speedup === undefined ? {} : { speedup: o.speedup }),
        ...(o.intervalMs === undefined ? {} : { intervalMs: o.intervalMs }),
        ...(o.qos === undefined ? {} : { qos: o.qos }),
        ...(o.fw === undefined ? {} : { fw: o.fw }),
        ...(o.quietRamp ? { reportGate: gate } : {}),
      }),
  );
  let stopping = false;
  let started = 0;
  const ramped = ramp(devices, o, () => stopping, (n) => (started = n)).finally(openGate);
  return {
    counters,
    size: devices.length,
    ramped,
    async stop() {
      stopping = true;
      await ramped;
      // In waves: 20k simultaneous offline publishes would queue on one event loop for no gain.
      const live = devices.slice(0, started);
      for (let i = 0; i < live.length; i += 1_000) await Promise.all(live.slice(i, i + 1_000).map((d) => d.stop()));
    },
  };
}

/** Starts devices at `connectRate` per second with at most `maxPendingConnects` unanswered at once. */
async function ramp(devices: SimDevice[], o: LocalFleetOptions, stopping: () => boolean, progress: (n: number) => void): Promise<void> {
  const rate = o.connectRate ?? 1_000;
  const maxPending = o.maxPendingConnects ?? 500;
  const t0 = Date.now();
  let pending = 0;
  let wake: (() => void) | undefined;
  const settled: Promise<boolean>[] = [];
  let i = 0;
  while (i < devices.length && !stopping()) {
    const due = Math.min(devices.length, Math.floor(((Date.now() - t0) * rate) / 1000) + 1);
    if (i >= due) {
      await delay(Math.max(1, Math.ceil(1000 / rate)));
      continue;
    }
    if (pending >= maxPending) {
      await new Promise<void>((r) => (wake = r));
      continue;
    }
    pending++;
    const p = devices[i++]!.start();
    progress(i);
    settled.push(p);
    void p.then(() => {
      pending--;
      const w = wake;
      wake = undefined;
      w?.();
    });
  }
  await Promise.all(settled);
}
