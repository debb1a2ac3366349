/** The drone-ops service (issue #4 parts 4, 6, 7). See docs/drone-ops-api.md. */
export { DroneOpsService, PATROL_KIND, type DroneOpsServiceOptions, type PatrolFiring } from './service.js';
export type { Reconciled } from './scheduling.js';
export { DEFAULT_DRONE_TYPE, type DockInput, type DroneInput, type DockReport, type PatrolInput } from './registry.js';
export type { PatrolPatch } from './patrol-edit.js';
export { LAUNCH_KIND, MissionRunner, type OpsContext } from './runner.js';
export { planFromDock, intentFor, legSegment, DEFAULT_TURNAROUND_S } from './planning.js';
export type * from './types.js';
export { SafetyWatch } from './safety-watch.js';
export { DRONE_ALARM_KINDS, type DroneAlarm, type DroneAlarmCleared, type DroneAlarmKind } from './alarms.js';
export { DRONE_ALARM_MESSAGES, type DroneAlarmMessageKey } from '../alarm-messages.js';
export { FERRY_KIND, FERRY_ALT_M, planFerry, type FerryRequest } from './ferry.js';
