/**
 * The alert service's relational port (issue #3 part 2): alerts with their audit trail, rules as
 * versioned data, silences, and the engine snapshot. Adapter: `alert-store.kysely.ts` (SQLite and
 * PostgreSQL); every adapter passes `describeAlertStore` (`alert-store.conformance.ts`).
 */
import type { ResourceMatch, ImpactArea } from '../impact.js';
import type { Alert, AlertStatus, AuditEntry } from '../lifecycle.js';
import type { Silence } from '../policy.js';
import type { Rule } from '../rules.js';
import type { Severity } from '../severity.js';

/** An alert as stored: the lifecycle's Alert plus the "five automatics" and the mute reason. */
export interface StoredAlert extends Alert {
  impact: ImpactArea | null;
  resources: ResourceMatch | null;
  /** Silence id or `inhibited` while notifications are muted; null otherwise. */
  mutedBy: string | null;
}

export interface AlertFilter {
  status?: AlertStatus;
  severity?: Severity;
  district?: string;
  /** Any of these districts (a person's district scope); an empty list matches nothing. */
  districts?: readonly string[];
  deviceId?: string;
  ruleId?: string;
  /** Alerts seen in [from, to): last seen at or after `from`, first seen before `to` (epoch ms). */
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
}

export interface AlertChange {
  alert: StoredAlert;
  /** Audit entries to append (may be empty: a repeat only moves count and last-seen). */
  changes: readonly AuditEntry[];
}

/** A rule as stored: the rule data (its `version` is the store's) and when this version was written. */
export interface StoredRule {
  rule: Rule;
  updatedAt: number;
}

export interface AlertStore {
  /** Inserts or replaces the alerts and appends their audit entries, all in one transaction. */
  saveAlerts(items: readonly AlertChange[]): Promise<void>;
  /** One alert by id, or undefined. */
  getAlert(id: string): Promise<StoredAlert | undefined>;
  /** A filtered page, newest first (by first-seen time), and the total matching the filter. */
  listAlerts(filter?: AlertFilter): Promise<{ items: StoredAlert[]; total: number }>;
  /** Every alert that is not closed (the service keeps these in memory). */
  liveAlerts(): Promise<StoredAlert[]>;
  /** The audit trail of one alert, oldest first. */
  auditTrail(alertId: string): Promise<AuditEntry[]>;

  /** Current version of every rule that is not deleted, by id. */
  listRules(): Promise<StoredRule[]>;
  /** Current version of one rule (undefined when unknown or deleted). */
  getRule(id: string): Promise<StoredRule | undefined>;
  /** Every version of a rule, oldest first (deleted rules keep their history). */
  ruleHistory(id: string): Promise<StoredRule[]>;
  /** Writes a new version (1 for a new id, else latest + 1, also after a delete); returns it as stored. */
  putRule(rule: Rule, at: number): Promise<Rule>;
  /** Marks a rule deleted (its history stays). False when unknown or already deleted. */
  deleteRule(id: string, at: number): Promise<boolean>;
  /** Whether any rule was ever stored (false on a fresh store: the default pack is seeded). */
  hasRuleHistory(): Promise<boolean>;

  addSilence(s: Silence): Promise<void>;
  /** All silences, including expired ones, by start time. */
  listSilences(): Promise<Silence[]>;
  /** False when unknown. */
  deleteSilence(id: string): Promise<boolean>;

  /** Replaces the one engine snapshot (plain JSON). */
  saveSnapshot(data: unknown, at: number): Promise<void>;
  loadSnapshot(): Promise<{ data: unknown; savedAt: number } | undefined>;
}
