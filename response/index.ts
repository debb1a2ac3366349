/** response/ public surface (architecture.md "response/"): the media store for evidence. */
export * from './media/index.js';
/**
 * response/: response units and supplies, response plans, the response scope, tasks (work orders) and their
 * timers, field reports (architecture.md). It listens to alerts and asks drone-ops through ports the
 * composition root wires; the media store for evidence is its port in media/.
 */
export { ResponseService, type ResponseServiceOptions } from './service.js';
export { responseMigrations } from './migrations.js';
export { OVERDUE_MESSAGES, overdueMessage, overdueReason, noneFreeReason, declinedReason, type OverdueMessageKey } from './overdue-messages.js';
export { KyselyResponseStore } from './store.kysely.js';
export type { ResponseStore, ResourceQuery, TaskQuery, IdempotentReply } from './store.js';
export type { AlertFacts, AlertsForResponse, DroneInspection, UnitNotifier, TaskEventName } from './ports.js';
export type { Viewer, Person, MediaCheck } from './desk.js';
export type { AlertResponse, ResponseScope, DroneOutcome } from './dispatcher.js';
export { SYSTEM } from './dispatcher.js';
export { straightLineTravel, type TravelTime, type ProposedTask } from './matching.js';
export { ChannelNotifier, taskTopic, smsText, type TaskPublisher, type NotifierOptions } from './notifier.js';
export { EmbeddedSmsGateway, HttpSmsGateway, type SmsGateway, type SentSms } from './sms.js';
export { defaultPlanPack } from './default-plans.js';
export { PlanInputSchema, validatePlan, planFor, type PlanInput } from './plans.js';
export { ResourceInputSchema, type ResourceInput } from './resources.js';
export { taskView, detailView, reportView, eventView, type TaskView, type TaskDetailView, type DistrictNames } from './views.js';
export { reportHtml, shanghaiDay } from './report.js';
export type { KpiReport, Figures, Stat } from './kpis.js';
export type { ResourceImportReport } from './import.js';
export { UNIT_TYPES, ALERT_KINDS, RESOURCE_KINDS, TASK_STATES, LEVELS, type Resource, type Plan, type Task, type TaskState, type UnitType, type AlertKind, type Level } from './types.js';
export type { TaskAction } from './task-machine.js';
export { ENDED_WITHOUT_RESULT } from './task-machine.js';

import { fileURLToPath } from 'node:url';
/** Sample units, depots, shelters and experts for the sample city (Qingdao), loaded by the demo start. */
export const RESPONSE_SAMPLE_FILE = fileURLToPath(new URL('./sample/qingdao-response.geojson', import.meta.url));
