/**
 * `citybrain sim device`: one device of any kind, for integrators testing the platform without hardware.
 * It publishes its kind's model (or fixed `--set` values on top), answers commands like the fleet's
 * devices, and prints every message it sends and receives.
 */
import { getContract, type DeviceKind } from '../firmware-contracts/index.js';
import { newCounters, SimDevice, type DeviceCounters } from './device-client.js';
import { cachedEnvironment } from './local-fleet.js';
import { deviceSeed } from './placement.js';
import type { Metrics } from './signals.js';

export interface VirtualDeviceOptions {
  mqttUrl: string;
  id: string;
  password: string;
  kind: DeviceKind;
  /** Reporting interval, ms (default: the contract's). */
  intervalMs?: number;
  /** Fixed metric values sent instead of the model's. */
  set?: Metrics;
  seed?: number;
  fw?: string;
  /** One line per message in or out. */
  out: (line: string) => void;
}

export interface VirtualDevice {
  readonly counters: DeviceCounters;
  stop(): Promise<void>;
}

/** Parses `--set name=value` against the kind's contract: numbers, `true` / `false` for booleans. */
export function parseSet(kind: DeviceKind, entries: readonly string[]): Metrics {
  const specs = getContract(kind)?.metrics ?? [];
  const out: Metrics = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    const name = eq < 0 ? e : e.slice(0, eq);
    const raw = eq < 0 ? '' : e.slice(eq + 1).trim();
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new RangeError(`--set ${e}: ${kind} has no metric ${name} (it has ${specs.map((s) => s.name).join(', ')})`);
    if (spec.type === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw new RangeError(`--set ${e}: ${name} is a boolean (true or false)`);
      out[name] = raw === 'true';
      continue;
    }
    const n = Number(raw);
    if (raw === '' || !Number.isFinite(n)) throw new RangeError(`--set ${e}: ${name} needs a number`);
    // Deliberately not range-checked: sending an out-of-range value is how one tests the platform's violations.
    out[name] = n;
  }
  return out;
}

const clock = () => new Date().toISOString().slice(11, 23);

/** Connects and runs until `stop()`; rejects (and closes) when the first connection attempt fails. */
export async function startVirtualDevice(o: VirtualDeviceOptions): Promise<VirtualDevice> {
  const counters = newCounters();
  const device = new SimDevice({
    mqttUrl: o.mqttUrl,
    id: o.id,
    password: o.password,
    kind: o.kind,
    seed: deviceSeed(o.seed ?? 7, o.id),
    environment: cachedEnvironment(o.seed ?? 7),
    counters,
    ...(o.intervalMs === undefined ? {} : { intervalMs: o.intervalMs }),
    ...(o.set === undefined || Object.keys(o.set).length === 0 ? {} : { overrides: o.set }),
    ...(o.fw === undefined ? {} : { fw: o.fw }),
    trace: (dir, topic, payload) => o.out(`${clock()} ${dir === 'out' ? '→' : '←'} ${topic} ${payload}`),
    // One device a person watches: retry quickly after a platform restart.
    client: { reconnectPeriod: 1_000 },
  });
  o.out(`${clock()} connecting to ${o.mqttUrl} as ${o.id} (${o.kind})`);
  if (!(await device.start())) {
    const why = device.lastError ?? 'connection closed';
    await device.stop(1_000);
    throw new Error(`${o.id} could not connect to ${o.mqttUrl}: ${why}`);
  }
  o.out(`${clock()} connected; Ctrl-C sends {"online":false} and disconnects`);
  return {
    counters,
    async stop() {
      await device.stop();
      o.out(`${clock()} disconnected after ${counters.acked} acknowledged readings and ${counters.commands} commands`);
    },
  };
}
