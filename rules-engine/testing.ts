/** Builders for tests and benchmarks: readings and events with sensible defaults. */
import type { DeviceEvent, Reading } from '../kernel/events.js';

export function reading(deviceId: string, kind: string, ts: number, metrics: Reading['metrics'], extra: Partial<Reading> = {}): Reading {
  return { deviceId, kind, ts, metrics, district: '370202', asset: null, receivedAt: ts, ...extra };
}

export function deviceEvent(deviceId: string, kind: string, ts: number, type: string, extra: Partial<DeviceEvent> = {}): DeviceEvent {
  return { deviceId, kind, ts, type, data: {}, district: '370202', asset: null, receivedAt: ts, ...extra };
}
