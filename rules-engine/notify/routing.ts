/**
 * Pure routing of bus events to integrations: which SSE clients, webhook receivers and MQTT topics an
 * event goes to. No rules logic here (issue #3): notifiers route AlertNotice values, they never judge them.
 */
import type { AlertNotice, SeverityName } from '../../kernel/events.js';

/** National four-level warning scale, least to most severe (architecture.md "Severity"). */
export const SEVERITIES: readonly SeverityName[] = ['blue', 'yellow', 'orange', 'red'];

export function isSeverity(s: string): s is SeverityName {
  return (SEVERITIES as readonly string[]).includes(s);
}

/** Rank on the scale (blue 0 … red 3); an unknown name ranks below blue so `≥` filters drop it. */
export function severityRank(s: string): number {
  return (SEVERITIES as readonly string[]).indexOf(s);
}

/**
 * The district an alert is about. The kernel's AlertNotice names only the fields every notifier needs;
 * the stored alert carries its district either at top level or in its labels (rules-engine Alert).
 */
export function alertDistrict(alert: AlertNotice['alert']): string | null {
  if (typeof alert.district === 'string') return alert.district;
  const labels = alert.labels;
  if (labels !== null && typeof labels === 'object') {
    const d = (labels as Record<string, unknown>).district;
    if (typeof d === 'string') return d;
  }
  return null;
}

/** What a subscriber asks for. Absent fields match everything. */
export interface NoticeFilter {
  /** Lowest severity delivered (alerts only). */
  minSeverity?: SeverityName;
  /** District ids; an event about no known district never matches a district filter. */
  districts?: string[];
  /** Alert actions (`opened`, `upgraded`, `resolved`…); alerts only. */
  actions?: string[];
}

/** True when an alert notice passes the filter. */
export function matchesAlert(filter: NoticeFilter, notice: AlertNotice): boolean {
  if (filter.minSeverity !== undefined && severityRank(notice.alert.severity) < severityRank(filter.minSeverity)) return false;
  if (filter.actions !== undefined && filter.actions.length > 0 && !filter.actions.includes(notice.action)) return false;
  return matchesDistrict(filter, alertDistrict(notice.alert));
}

export function matchesDistrict(filter: { districts?: readonly string[] }, district: string | null): boolean {
  if (filter.districts === undefined || filter.districts.length === 0) return true;
  return district !== null && filter.districts.includes(district);
}

/** An MQTT topic segment: no `/`, `+`, `#` or NUL (MQTT 3.1.1 §4.7.3); empty or null becomes `none`. */
export function topicSegment(s: string | null): string {
  if (s === null || s === '') return 'none';
  return s.replace(/[/+#]/g, '_').split(String.fromCharCode(0)).join('_');
}

/** Platform namespace topics (docs/integrations.md). Integration clients may only read under `platform/`. */
export const platformTopics = {
  alert: (notice: AlertNotice): string =>
    `platform/alerts/${topicSegment(notice.alert.severity)}/${topicSegment(alertDistrict(notice.alert))}`,
  presence: (deviceId: string, district: string | null): string =>
    `platform/presence/${topicSegment(district)}/${topicSegment(deviceId)}`,
  /** Mission status changes (drone-ops), by the status entered: `platform/missions/completed`. */
  mission: (status: string): string => `platform/missions/${topicSegment(status)}`,
};
