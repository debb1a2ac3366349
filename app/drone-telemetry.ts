/**
 * Drone telemetry history (issue #5): `droneState` samples with a position (1 Hz per drone, throttled by
 * the mission runner) are written through the telemetry writer as readings of the pseudo-device
 * `drone:<id>` (kind `drone`; metrics lon, lat, altM, batteryPct, missionSeq, flying), so they share the
 * store, batching, spill and retention of sensor readings. Drone ids never collide with device ids:
 * registry ids cannot contain ':'.
 */
import type { TelemetryStore } from '../device-registry/telemetry/index.js';
import type { EventBus } from '../kernel/bus.js';
import type { DroneStateChange, Reading } from '../kernel/events.js';

export const droneDeviceId = (droneId: string): string => `drone:${droneId}`;

export function droneReading(e: DroneStateChange): Reading | undefined {
  if (!e.position) return undefined;
  const metrics: Record<string, number | boolean> = { lon: e.position.lon, lat: e.position.lat, altM: e.position.altM, flying: e.phase !== 'docked' && e.phase !== 'landed' };
  if (e.batteryPct !== undefined) metrics.batteryPct = e.batteryPct;
  if (e.missionSeq !== undefined) metrics.missionSeq = e.missionSeq;
  return { deviceId: droneDeviceId(e.droneId), kind: 'drone', ts: e.at, metrics, district: null, asset: e.missionId ?? null, receivedAt: e.at };
}

/** Writes drone positions to the telemetry store; returns the unsubscribe function. */
export function recordDroneTelemetry(bus: EventBus, sink: { write(readings: readonly Reading[]): Promise<void> }, onError: (err: unknown) => void): () => void {
  return bus.on('droneState', (e) => {
    const r = droneReading(e);
    if (r) sink.write([r]).catch(onError);
  });
}

/** The history as points (one per sample, oldest first). */
export async function droneHistory(store: TelemetryStore, droneId: string, from: number, to: number): Promise<Record<string, unknown>> {
  const raw = await store.queryRaw({ deviceId: droneDeviceId(droneId), from, to });
  const byTs = new Map<number, Record<string, unknown>>();
  for (const [metric, points] of Object.entries(raw)) {
    for (const p of points) {
      const row = byTs.get(p.ts) ?? { ts: p.ts };
      row[metric] = p.value;
      byTs.set(p.ts, row);
    }
  }
  return { droneId, from, to, points: [...byTs.values()].sort((a, b) => (a.ts as number) - (b.ts as number)) };
}
