import type { Reading } from '../kernel/events.js';

/** What the broker knows of a device: enough to authorise and enrich, nothing more. */
export interface DeviceInfo {
  id: string;
  kind: string;
  district: string | null;
  asset: string | null;
}

export type AuthOutcome =
  | { ok: true; device: DeviceInfo }
  /** `unknown` and `bad_secret` must look the same to the client (CONNACK 4 / 5 alike). */
  | { ok: false; reason: 'unknown_device' | 'bad_secret' | 'revoked' };

/**
 * The registry as the broker sees it. Implemented in the composition root over the
 * device registry; the broker never imports the registry.
 */
export interface DeviceDirectory {
  /** Checks a device's secret (MQTT password). */
  authenticate(deviceId: string, secret: string): Promise<AuthOutcome>;
  /** Cached device facts for enrichment on the hot path; undefined when unknown. */
  lookup(deviceId: string): DeviceInfo | undefined;
}

/** The durable write path for accepted readings (the buffered telemetry writer). */
export interface ReadingSink {
  /** Resolves once the readings are durable (in the store or spilled to disk). */
  write(readings: readonly Reading[]): Promise<void>;
  /**
   * As `write`, settled by calling `entry.settled` once (null when durable), never within this call. The
   * broker uses it when present: one object per PUBLISH, no promise or closure.
   */
  enqueue?(entry: SinkEntry): void;
}

/** A write handed to {@link ReadingSink.enqueue}. */
export interface SinkEntry {
  readonly readings: readonly Reading[];
  settled(err: Error | null): void;
}

/** MQTT usernames of integration clients start with this, so they never collide with a device id. */
export const INTEGRATION_PREFIX = 'integration:';

/**
 * Read-only integration clients of the platform namespace (`platform/#`), kept apart from devices.
 * Implemented in the composition root over the notifications store.
 */
export interface IntegrationDirectory {
  /**
   * True when `username` (with the `integration:` prefix) exists and `secret` is its password;
   * `{ districts }` when it does and the client may only read those districts' platform messages.
   */
  authenticate(username: string, secret: string): Promise<boolean | { districts: readonly string[] }>;
}
