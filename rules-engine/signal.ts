/** What the engine emits: one Signal per episode edge (fires, changes level, clears). */
import type { Localized } from '../kernel/i18n.js';
import type { RuleKind } from './rules.js';
import type { Severity } from './severity.js';

export interface LonLat {
  lon: number;
  lat: number;
}

/** Labels of the subject a signal is about: what silences, inhibition and grouping match on. */
export interface SignalLabels {
  deviceId: string | null;
  deviceKind: string | null;
  district: string | null;
  asset: string | null;
  location: LonLat | null;
  /** Parent device (e.g. the gateway a sensor reports through), for inhibition. */
  parent: string | null;
}

export interface Signal {
  ruleId: string;
  ruleKind: RuleKind;
  ruleVersion: number;
  /** Device id, or `incident:<rule>:<key>` for a correlation incident. Dedup key with ruleId. */
  subject: string;
  state: 'firing' | 'clear';
  /** Severity while firing; on 'clear', the severity of the episode that ended. */
  severity: Severity;
  /** The triggering values (metric value, level reached, window change, members…). */
  values: Record<string, number | string | boolean>;
  /** For people: "gas methane 27 %LEL at GW-0412 — orange" (English). */
  message: string;
  /** The message in every language, from a catalog (messages.ts, drone-ops alarm-messages.ts, response overdue-messages.ts). */
  messages: Localized;
  /** Event time of the edge, epoch ms. */
  at: number;
  labels: SignalLabels;
  /** Correlation incidents: the member device ids. */
  members?: string[];
}

/** Per-subject values the caller supplies with each reading (registry data). */
export interface SubjectInfo {
  /** Per-asset/device parameters for relative rules: `depth_m`, `strain_ue_limit`, `interval_ms`… */
  params?: Record<string, number>;
  location?: LonLat;
  /** Gateway or parent device id (inhibition: an offline gateway mutes its children's deadman alerts). */
  parent?: string;
}

/** Short human number: at most 4 significant digits, no trailing zeros. */
export function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
