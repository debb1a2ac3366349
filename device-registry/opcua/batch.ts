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
  /** Metrics whose value this publish (or an earlier one, still unchanged) breaks the contract with. */
  violating: string[];
}

/** What the collector keeps per source between publishes. */
export interface SourceValues {
  /** Last value received per metric (carried forward for required metrics). */
  lastKnown: Map<string, unknown>;
  /** Optional metrics whose current value breaks the contract, with the violation it gave. */
  violating: Map<string, Violation>;
}

export const newSourceValues = (): SourceValues => ({ lastKnown: new Map(), violating: new Map() });

/**
 * A subscription reports only the items that changed (OPC UA Part 4 §5.12.1.2, DataChange trigger), so a
 * publish may lack a required metric that simply did not change. Its last known value is carried into the
 * reading: it is still the station's current value.
 *
 * Unlike an MQTT sample, which its device sends whole, a publish gathers independent instruments: an
 * optional metric that breaks the contract (out of range, wrong type) is left out and reported, and the
 * station's other metrics are stored. It stays reported on every publish until the station sends a good
 * value (a subscription does not repeat an unchanged bad value). A violation on a required metric still
 * drops the sample, as the contract needs that metric in every reading. `state` is updated in place.
 */
export function publishToReading(device: DeviceFacts, changes: readonly ChangedValue[], state: SourceValues, now: number): PublishOutcome {
  const metrics: Record<string, unknown> = {};
  let ts: number | undefined;
  for (const c of changes) {
    metrics[c.metric] = c.value;
    state.lastKnown.set(c.metric, c.value);
    state.violating.delete(c.metric);
    if (c.ts !== undefined && (ts === undefined || c.ts > ts)) ts = c.ts;
  }
  const specs = getContract(device.kind)?.metrics ?? [];
  for (const spec of specs) {
    if (spec.required && !Object.hasOwn(metrics, spec.name) && state.lastKnown.has(spec.name)) metrics[spec.name] = state.lastKnown.get(spec.name);
  }
  const optional = new Set(specs.filter((m) => !m.required).map((m) => m.name));
  const violations = [...state.violating.values()];
  for (;;) {
    // Same decoder as the MQTT ingest: one source of truth for types, ranges and timestamps.
    const out = decodeTelemetry(device.kind, JSON.stringify(ts === undefined ? { metrics } : { ts, metrics }), { now });
    const bad = out.violations.map((v) => ({ v, metric: v.path?.startsWith('metrics.') ? v.path.slice(8) : undefined }));
    const optionalBad = bad.filter((b) => b.metric !== undefined && optional.has(b.metric));
    for (const b of optionalBad) state.violating.set(b.metric!, b.v);
    violations.push(...out.violations);
    const s = out.samples[0];
    if (optionalBad.length === 0 || optionalBad.length < bad.length || s !== undefined) {
      const violating = [...state.violating.keys()];
      if (s === undefined) return { violations, violating };
      return { reading: { deviceId: device.id, kind: device.kind, ts: s.ts, metrics: s.metrics, district: device.district, asset: device.asset, receivedAt: now }, violations, violating };
    }
    for (const b of optionalBad) delete metrics[b.metric!];
    if (Object.keys(metrics).length === 0) return { violations, violating: [...state.violating.keys()] };
  }
}
