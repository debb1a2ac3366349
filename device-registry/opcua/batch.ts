/**
 * One OPC UA publish → at most one Reading (pure). The values of a publish are validated exactly as an
 * MQTT telemetry payload would be: they are handed to the firmware contract's `decodeTelemetry`, so an
 * out-of-range value is a violation and the sample is dropped, just as on the MQTT path.
 */
import { decodeTelemetry, getContract, type Violation } from '../../firmware-contracts/index.js';
import type { Reading } from '../../kernel/events.js';

/** One data change of a monitored item, already mapped to its metric. */
export interface ChangedValue {
  metric: string;
  value: unknown;
  /** Source timestamp (the station's clock), else server timestamp, epoch ms; undefined when neither came. */
  ts: number | undefined;
}

export interface DeviceFacts {
  id: string;
  kind: string;
  district: string | null;
  asset: string | null;
}

export interface PublishOutcome {
  reading?: Reading;
  violations: Violation[];
}

/**
 * A subscription reports only the items that changed (OPC UA Part 4 §5.12.1.2, DataChange trigger), so a
 * publish may lack a required metric that simply did not change. Its last known value is carried into the
 * reading: it is still the station's current value. `lastKnown` is updated in place with this publish.
 */
export function publishToReading(
  device: DeviceFacts,
  changes: readonly ChangedValue[],
  lastKnown: Map<string, unknown>,
  now: number,
): PublishOutcome {
  const metrics: Record<string, unknown> = {};
  let ts: number | undefined;
  for (const c of changes) {
    metrics[c.metric] = c.value;
    lastKnown.set(c.metric, c.value);
    if (c.ts !== undefined && (ts === undefined || c.ts > ts)) ts = c.ts;
  }
  for (const spec of getContract(device.kind)?.metrics ?? []) {
    if (spec.required && !Object.hasOwn(metrics, spec.name) && lastKnown.has(spec.name)) metrics[spec.name] = lastKnown.get(spec.name);
  }
  // Same decoder as the MQTT ingest: one source of truth for types, ranges and timestamps.
  const payload = JSON.stringify(ts === undefined ? { metrics } : { ts, metrics });
  const { samples, violations } = decodeTelemetry(device.kind, payload, { now });
  const s = samples[0];
  if (s === undefined) return { violations };
  return {
    reading: { deviceId: device.id, kind: device.kind, ts: s.ts, metrics: s.metrics, district: device.district, asset: device.asset, receivedAt: now },
    violations,
  };
}
