/**
 * What the response module needs from the rest of the platform, wired by the composition root: the alert
 * facts it plans from and the resolve it asks for, a drone inspection, and the channels that reach units.
 * response/ imports no other module (architecture.md: it asks drone-ops and listens to alerts).
 */
import type { Localized } from '../kernel/i18n.js';
import type { Channel, LonLat, Resource, Task } from './types.js';

/** An alert as the response module reads it. */
export interface AlertFacts {
  id: string;
  ruleId: string;
  /** Lifeline kind (the device kind), or null for alerts about no device kind. */
  kind: string | null;
  severity: string;
  /** Response level I–IV. */
  level: string;
  message: string;
  /** The message in every language (alerts raised by rules); tasks carry it so each reader gets theirs. */
  messages?: Localized;
  status: string;
  /** Whether the rule's condition is still firing. */
  active: boolean;
  location: LonLat | null;
  district: string | null;
  /** Districts the impact area touches. */
  impactDistricts: string[];
  /** When it (last) opened, epoch ms. */
  openedAt: number;
}

export interface AlertsForResponse {
  /** The alert, or undefined when there is none. */
  get(id: string): Promise<AlertFacts | undefined>;
  /** Resolves the alert (its required tasks are verified, or an operator overrides with a reason). */
  resolve(id: string, by: string, note: string): Promise<void>;
  /** Records the lifecycle `dispatched` step (time-to-dispatch KPI); a resolved alert is left as is. */
  markDispatched(id: string, by: string, note: string): Promise<void>;
  /** Raises (or re-fires) the `response-overdue` alert for a missed task deadline; `note`: why, in every language (overdue-messages.ts). */
  raiseOverdue(task: Task, note: Localized): Promise<void>;
  /** Records on the alert's history that a duty desk was told (`desk.notified`), with how. */
  deskNotified(id: string, by: string, note: string): Promise<void>;
}

/** A drone inspection for an alert (drone-ops alert dispatch); absent when drone-ops is off. */
export interface DroneInspection {
  dispatch(alertId: string, by: string): Promise<{ ok: true; missionId: string; dockId: string; etaS: number } | { ok: false; code: string; message: string }>;
}

export type TaskEventName = 'task.created' | 'task.updated';

/** What a desk is told when tasks go out: the alert, the plan, the districts in charge and who was sent. */
export interface DeskNotice {
  event: 'response.dispatched';
  alert: { id: string; kind: string | null; level: string; severity: string; message: string; district: string | null; location: { lon: number; lat: number } | null };
  plan: { id: string; version: number } | null;
  /** Which of the plan's lists named this desk. */
  level: 'city' | 'district';
  districts: string[];
  tasks: Array<{ id: string; unitId: string; unitName: string; unitNames?: Localized; title: string; required: boolean; acceptBy: string; arriveBy: string }>;
  at: string;
}

/** How one channel's delivery ended, after its retries. */
export interface ChannelOutcome {
  channel: Channel['type'];
  ok: boolean;
  attempts: number;
  error?: string;
}

/** Delivers task notices to a unit, and response notices to a duty desk, through their channels; retries and failure counting inside. */
export interface UnitNotifier {
  /** Sends to every channel of the unit; never throws (failures are logged, counted and retried). */
  notify(unit: Resource, event: TaskEventName, task: Task): void;
  /** Sends to every channel of the desk; resolves once each delivered or gave up. Never rejects. */
  notifyDesk(desk: Resource, notice: DeskNotice): Promise<ChannelOutcome[]>;
  /** Waits for deliveries under way (tests, shutdown). */
  idle(): Promise<void>;
}
