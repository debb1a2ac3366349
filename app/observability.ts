/**
 * What operators watch, fed from the bus: alert and mission metrics, drones airborne, and one log line per
 * alert lifecycle step (opened, upgraded, escalated, reopened, resolved, closed) with its ids.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { EventBus } from '../kernel/bus.js';
import type { AlertNotice, MissionStatus } from '../kernel/events.js';
import type { Logger } from '../kernel/logger.js';

/** Lifecycle steps worth a log line; acknowledgements and comments are in the alert's own history. */
const LOGGED = new Set(['opened', 'upgraded', 'escalated', 'reopened', 'resolved', 'closed']);
const FINISHED = new Set(['resolved', 'closed']);
/** Statuses a mission stays in; the final ones are counted by citybrain_mission_transitions_total. */
const ACTIVE: MissionStatus[] = ['planned', 'scheduled', 'preflight', 'uploading', 'in_flight', 'returning'];

export interface ObservabilitySources {
  /** Alerts not closed, from the alert service's memory (the open-alerts gauge reads it at each scrape). */
  liveAlerts: () => readonly { status: string; severity: string }[];
}

/** A histogram of rule-evaluation time; pass the returned function to the alert service. */
export function ruleEvaluationTimer(metrics: Registry): (seconds: number) => void {
  const h = new Histogram({
    name: 'citybrain_rule_evaluation_seconds',
    help: 'Time to evaluate one reading or device event against every matching rule',
    buckets: [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1],
    registers: [metrics],
  });
  return (s) => h.observe(s);
}

function alertLogLine(log: Logger, n: AlertNotice): void {
  if (!LOGGED.has(n.action)) return;
  const a = n.alert;
  log.info({ alertId: a.id, ruleId: a.ruleId, subject: a.subject, severity: a.severity, status: a.status, action: n.action }, `alert ${n.action}`);
}

export function wireObservability(bus: EventBus, metrics: Registry, log: Logger, sources: ObservabilitySources): () => void {
  const alertLog = log.child({ module: 'alerts' });
  const opened = new Counter({ name: 'citybrain_alerts_opened_total', help: 'Alerts opened, by rule and severity', labelNames: ['rule', 'severity'], registers: [metrics] });
  const resolved = new Counter({ name: 'citybrain_alerts_resolved_total', help: 'Alerts resolved or closed, by rule and severity', labelNames: ['rule', 'severity'], registers: [metrics] });
  new Gauge({
    name: 'citybrain_alerts_open',
    help: 'Alerts neither resolved nor closed, by severity',
    labelNames: ['severity'],
    registers: [metrics],
    collect() {
      this.reset();
      for (const a of sources.liveAlerts()) if (!FINISHED.has(a.status)) this.inc({ severity: a.severity });
    },
  });
  const missions = new Counter({ name: 'citybrain_mission_transitions_total', help: 'Missions entering each status', labelNames: ['status'], registers: [metrics] });
  const missionStatus = new Map<string, MissionStatus>();
  new Gauge({
    name: 'citybrain_missions',
    help: 'Missions not yet finished, by status (those that changed while this process ran)',
    labelNames: ['status'],
    registers: [metrics],
    collect() {
      const counts = new Map<string, number>(ACTIVE.map((s) => [s, 0]));
      for (const s of missionStatus.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
      for (const [status, n] of counts) this.set({ status }, n);
    },
  });
  const airborne = new Map<string, boolean>();
  new Gauge({
    name: 'citybrain_drones_airborne',
    help: 'Drones whose link reports them taking off, flying or returning',
    registers: [metrics],
    collect() {
      this.set([...airborne.values()].filter(Boolean).length);
    },
  });
  const offs = [
    bus.on('alertRaised', (n) => {
      opened.inc({ rule: n.alert.ruleId, severity: n.alert.severity });
      alertLogLine(alertLog, n);
    }),
    bus.on('alertChanged', (n) => {
      if (FINISHED.has(n.action)) resolved.inc({ rule: n.alert.ruleId, severity: n.alert.severity });
      alertLogLine(alertLog, n);
    }),
    bus.on('missionChanged', (m) => {
      missions.inc({ status: m.to });
      // Finished missions leave the map after they are counted once, so it stays bounded.
      if (['completed', 'aborted', 'failed', 'refused'].includes(m.to)) missionStatus.delete(m.missionId);
      else missionStatus.set(m.missionId, m.to);
    }),
    bus.on('droneState', (d) => airborne.set(d.droneId, d.phase === 'taking_off' || d.phase === 'in_flight' || d.phase === 'returning')),
  ];
  return () => {
    for (const off of offs) off();
  };
}
