/** The live status of one OPC UA source, as the collector keeps it and the API shows it. */
import type { SourceProblem } from './source.js';

/**
 * - `connecting`: the first connection attempt is under way.
 * - `connected`: session and subscription are up.
 * - `reconnecting`: the connection was up and is lost; node-opcua is retrying (attempt, next retry).
 * - `failed`: a connection attempt failed (last error); the collector retries at `nextRetryAt`.
 * - `invalid`: the stored configuration fails validation (`problems`); nothing is collected until it is fixed.
 * - `disabled`: the source is configured but not enabled.
 */
export type OpcuaState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'invalid' | 'disabled';

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

/**
 * One mapped node:
 * - `pending`: no value yet;
 * - `good`: its last value was stored;
 * - `violating`: its current value breaks the contract (out of range, wrong type) and is not stored;
 *   it stays so, flagged on every publish, until the station sends a good value;
 * - `bad`: the station reports a non-Good status for it, or its value cannot be taken (Int64 beyond 2^53);
 * - `invalid`: it does not fit its metric (missing node, data type, unit): not monitored.
 */
export interface OpcuaNodeStatus {
  nodeId: string;
  metric: string;
  state: 'pending' | 'good' | 'violating' | 'bad' | 'invalid';
  /** The station's current value (converted from Int64/UInt64), good or not; null before the first. */
  value: number | string | boolean | null;
  valueAt: number | null;
  /** When a value of this node was last stored. */
  lastGoodAt: number | null;
  lastError: string | null;
  /** The station's EngineeringUnits (display name), when it states them. */
  unit: string | null;
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
  /** Why the configuration is refused (state `invalid`), each problem named; else empty. */
  problems: SourceProblem[];
  /** Per mapped node, in mapping order. */
  nodes: OpcuaNodeStatus[];
  /** Times the watchdog gave the connection up and made it afresh, and why the last time. */
  watchdog: { trips: number; lastTripAt: number | null; lastReason: string | null };
  /** The station certificate of a Sign / SignAndEncrypt source, once seen, with its trust. */
  certificate: { thumbprint: string; trust: 'trusted' | 'pending' | 'rejected' } | null;
}

export function initialStatus(sourceId: string, deviceId: string, enabled: boolean, now: number, mapping: readonly { nodeId: string; metric: string }[] = []): OpcuaSourceStatus {
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
    problems: [],
    nodes: mapping.map((m) => ({ nodeId: m.nodeId, metric: m.metric, state: 'pending', value: null, valueAt: null, lastGoodAt: null, lastError: null, unit: null })),
    watchdog: { trips: 0, lastTripAt: null, lastReason: null },
    certificate: null,
  };
}

/** Backoff before retry `attempt` (1-based): doubling from `initialMs`, capped at `maxMs`. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, Math.min(30, attempt - 1)));
}

/** A deep copy for callers (the collector keeps mutating its own). */
export function copyStatus(s: OpcuaSourceStatus): OpcuaSourceStatus {
  return { ...s, counters: { ...s.counters }, problems: s.problems.map((p) => ({ ...p })), nodes: s.nodes.map((n) => ({ ...n })), watchdog: { ...s.watchdog }, certificate: s.certificate && { ...s.certificate } };
}
