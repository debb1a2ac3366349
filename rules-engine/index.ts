/** rules-engine public surface: rule data, the default pack, the evaluation engine, the alert lifecycle. */
export { SEVERITIES, severityRank, severityAt, maxSeverity, responseLevel, distanceM, type Severity, type ResponseLevel } from './severity.js';
export { RuleSchema, validateRule, scopeMatches, type Rule, type RuleKind, type RuleScope, type Levels, type RuleError, type RuleValidation } from './rules.js';
export { defaultRulePack } from './default-pack.js';
export { ALERT_MESSAGES, alertMessage, severityName, ruleName, eventName, type AlertMessageKey } from './messages.js';
export { RuleEngine, type EngineSnapshot, type EngineCounters } from './engine.js';
export type { Signal, SignalLabels, SubjectInfo, LonLat } from './signal.js';
export {
  applySignal, acknowledge, assign, comment, dispatch, record, resolve, close,
  type TimelineEvent, type Alert, type AlertStatus, type AlertComment, type AuditEntry, type NoteDetail, type AuditAction, type SignalOutcome, type Transition,
} from './lifecycle.js';
export {
  escalate, isSilenced, activeSilence, isInhibited, matches, kpis, kpiSummary, groupIntoIncidents,
  DEFAULT_ESCALATION, GATEWAY_INHIBITION,
  type EscalationPolicy, type EscalationResult, type AlertMatcher, type Silence, type InhibitRule, type AlertKpis, type KpiStat, type Incident,
} from './policy.js';
