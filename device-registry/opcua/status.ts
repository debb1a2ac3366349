/** The live status of one OPC UA source, as the collector keeps it and the API shows it. */

/**
 * - `connecting`: the first connection attempt is under way.
 * - `connected`: session and subscription are up.
 * - `reconnecting`: the connection was up and is lost; node-opcua is retrying (attempt, next retry).
 * - `failed`: a connection attempt failed (last error); the collector retries at `nextRetryAt`.
 * - `disabled`: the source is configured but not enabled.
 */
export type OpcuaState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'disabled';

export interface OpcuaCounters {
  /** Data-change notifications received (one per monitored item change). */
  values: number;
  /** Readings accepted and written (one per publish). */
  readings: number;
  /** Contract violations (the sample was dropped, as on the MQTT path). */
  violations: number;
  /** Connection, node, status-code and write errors. */
  errors: number;
}

export interface OpcuaSourceStatus {
  sourceId: string;
  deviceId: string;
  state: OpcuaState;
  /** Epoch ms when the state last changed. */
  since: number;
  /** Retry attempt in the current `reconnecting` or `failed` spell (1-based), else 0. */
  attempt: number;
  /** Epoch ms of the next retry, when one is scheduled. */
  nextRetryAt: number | null;
  lastError: string | null;
  /** Sessions created for this source since the collector started it (a restart of the station adds one). */
  sessions: number;
  counters: OpcuaCounters;
  lastValueAt: number | null;
  lastReadingAt: number | null;
}

export function initialStatus(sourceId: string, deviceId: string, enabled: boolean, now: number): OpcuaSourceStatus {
  return {
    sourceId,
    deviceId,
    state: enabled ? 'connecting' : 'disabled',
    since: now,
    attempt: 0,
    nextRetryAt: null,
    lastError: null,
    sessions: 0,
    counters: { values: 0, readings: 0, violations: 0, errors: 0 },
    lastValueAt: null,
    lastReadingAt: null,
  };
}

/** Backoff before retry `attempt` (1-based): doubling from `initialMs`, capped at `maxMs`. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, Math.min(30, attempt - 1)));
}
