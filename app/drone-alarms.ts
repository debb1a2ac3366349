/**
 * Drone safety alarms (geofence breach, low battery, link lost: drone-ops SafetyWatch) become alerts in
 * the alert list (drone-ops.md: "the dispatcher is alerted"), with the alarm's text in every language. rules-engine and drone-ops never import each
 * other: this composition-root file folds an alarm into the alert lifecycle (`applySignal`) and commits
 * it through the alert service (persisted, then announced on the bus and the stream).
 */
import type { DroneAlarm, SafetyWatch } from '../drone-ops/service/index.js';
import { applySignal, type Signal } from '../rules-engine/index.js';
import type { AlertService } from '../rules-engine/service/index.js';
import type { Logger } from '../kernel/logger.js';

/** Not a stored rule: the rule id alerts raised by ground-side drone monitoring carry. */
export const DRONE_SAFETY_RULE = 'drone-safety';

/** Per alarm kind (a Record: a new kind does not compile without one). */
export const DRONE_ALARM_SEVERITY: Record<DroneAlarm['kind'], Signal['severity']> = {
  geofence: 'orange',
  battery: 'yellow',
  link_lost: 'orange',
  failsafe: 'orange',
  upload_refused: 'yellow',
  fence_refused: 'yellow',
  nonconforming: 'orange',
  airspace_changed: 'orange',
  landed_away: 'orange',
};

export function droneAlarmSignal(a: DroneAlarm): Signal {
  return {
    ruleId: DRONE_SAFETY_RULE,
    ruleKind: 'event',
    ruleVersion: 1,
    subject: `drone:${a.droneId}`,
    state: 'firing',
    severity: DRONE_ALARM_SEVERITY[a.kind],
    values: { alarm: a.kind, missionId: a.missionId, dockId: a.dockId },
    message: a.message,
    messages: a.messages,
    at: a.at,
    labels: { deviceId: `drone:${a.droneId}`, deviceKind: 'drone', district: null, asset: a.missionId, location: a.position ? { lon: a.position.lon, lat: a.position.lat } : null, parent: null },
  };
}

/**
 * Follows the safety watch and raises (or re-fires) one alert per drone; an alarm whose condition is over
 * (a drone landed away back in its dock) resolves the drone's alert when that alarm is its latest, as a
 * rule's cleared condition does. Returns the unsubscribe function.
 */
export function wireDroneAlarms(safety: SafetyWatch, alerts: AlertService, log: Logger): () => void {
  const apply = (s: Signal, latestAlarm?: string): Promise<void> => (async () => {
    const current = (await alerts.store.liveAlerts()).find((x) => x.ruleId === s.ruleId && x.subject === s.subject);
    if (latestAlarm !== undefined && current?.values['alarm'] !== latestAlarm) return;
    const out = applySignal(current, s, alerts.clock.now());
    if (!out.alert || out.alert === current) return;
    await alerts.commit({ alert: { impact: null, resources: null, mutedBy: null, ...current, ...out.alert }, changes: out.changes });
  })();
  const offs = [
    safety.onAlarm((a) => void apply(droneAlarmSignal(a)).catch((err: unknown) => log.error({ err, alarm: a }, 'raising a drone alarm'))),
    safety.onAlarmCleared((c) => {
      const s: Signal = { ...droneAlarmSignal({ ...c, missionId: '' }), state: 'clear' };
      void apply(s, c.kind).catch((err: unknown) => log.error({ err, cleared: c }, 'resolving a drone alarm'));
    }),
  ];
  return () => offs.forEach((off) => off());
}
