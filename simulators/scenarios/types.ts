/**
 * Incident scenarios (issue #6 part 2): a pure, seeded script — the devices, a timeline of publishes and the
 * outcome the default rule pack (docs/rules.md) must produce — played against a platform by `runner.ts` and
 * checked by `verify.ts`.
 */
import type { DeviceKind } from '../../firmware-contracts/index.js';

export type Severity = 'blue' | 'yellow' | 'orange' | 'red';

export interface ScenarioDevice {
  id: string;
  kind: DeviceKind;
  lon: number;
  lat: number;
  name: string;
  asset?: string;
  /** Registry tags; `name=number` ones are rule parameters (`depth_m=2.4`, `interval_ms=500`). */
  tags: string[];
}

/** One thing a device does, `at` ms after the timeline starts. */
export type Step =
  | {
      at: number; device: string; type: 'telemetry'; metrics: Record<string, number | boolean>;
      /** Explicit sample time relative to the timeline start (negative: in the past, for rate windows). */
      tsOffsetMs?: number; seq: number;
      /** Why this sample is special (printed with it). */
      note?: string;
    }
  | { at: number; device: string; type: 'event'; event: string; data?: Record<string, unknown> }
  /** Bytes published as they are (malformed or contract-breaking firmware). */
  | { at: number; device: string; type: 'raw'; channel: 'telemetry' | 'events'; payload: string; note: string }
  /** Nothing is sent from here on: the device stays connected but silent. */
  | { at: number; device: string; type: 'silence' };

/** What the platform must show once the timeline has played. */
export type Expectation =
  /** Exactly one alert of this rule for the device, at this (highest) severity; with `firings`, that many
   * firing signals folded into it (an alert upgraded in place blue → yellow → orange has 3). */
  | { type: 'alert'; ruleId: string; device: string; severity: Severity; firings?: number }
  /** Exactly one correlation alert of this rule whose members include every listed device. */
  | { type: 'correlation'; ruleId: string; members: string[]; severity: Severity }
  /** The listed devices are together in exactly one incident (`GET /api/v1/incidents`) of this severity. */
  | { type: 'incident'; devices: string[]; severity: Severity }
  /** At least one violation with this code from the device (on the event stream). */
  | { type: 'violation'; device: string; code: string }
  /** The device is still online (`GET /api/v1/devices/{id}`). */
  | { type: 'online'; device: string };

export interface ScenarioScript {
  name: string;
  seed: number;
  runId: string;
  description: string;
  devices: ScenarioDevice[];
  /** Sorted by `at`. */
  steps: Step[];
  expect: Expectation[];
}

export interface ScenarioDefinition {
  name: string;
  /** One line for `--list`. */
  description: string;
  build(seed: number, runId: string): ScenarioScript;
}
