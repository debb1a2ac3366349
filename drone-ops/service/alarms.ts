/**
 * Drone safety alarms: what the dispatcher must hear about (drone-ops.md "the dispatcher is alerted";
 * F3548: a nonconforming flight tells every affected operator). The composition root turns each into a
 * `drone-safety` alert (app/drone-alarms.ts); each is also written on the mission's history.
 */
import { EventBus } from '../../kernel/bus.js';
import type { Localized } from '../../kernel/i18n.js';
import type { LonLatAlt } from '../geo/types.js';
import type { OpsContext } from './context.js';

/** Every alarm kind; each has its text `alarm.<kind>` in the alarm-messages catalog. */
export const DRONE_ALARM_KINDS = ['geofence', 'battery', 'link_lost', 'failsafe', 'upload_refused', 'fence_refused', 'nonconforming', 'airspace_changed', 'landed_away'] as const;
export type DroneAlarmKind = (typeof DRONE_ALARM_KINDS)[number];

export interface DroneAlarm {
  kind: DroneAlarmKind;
  droneId: string;
  dockId: string;
  /** The mission flown ('' when the drone flew none). */
  missionId: string;
  at: number;
  /** English: the mission-history note and the log line (`messages.en`). */
  message: string;
  /** The text in every language (alarm-messages.ts catalog): the alert's message. */
  messages: Localized;
  position?: LonLatAlt;
}

/** An alarm whose condition is over (a drone landed away is back in its dock). */
export interface DroneAlarmCleared {
  kind: DroneAlarmKind;
  droneId: string;
  dockId: string;
  at: number;
  /** English (`messages.en`): the log line. */
  message: string;
  /** The text in every language (alarm-messages.ts catalog): the resolved alert's message. */
  messages: Localized;
}

/** What a raiser gives: the texts; `message` is their English. */
export type RaisedAlarm = Omit<DroneAlarm, 'message'>;

/** Alarms the vehicle itself raised (its failsafe, its refusal); the others are the ground's findings. */
const VEHICLE_SIDE = new Set<DroneAlarmKind>(['failsafe', 'upload_refused', 'fence_refused']);

export class DroneAlarms {
  private readonly bus = new EventBus<{ alarm: DroneAlarm; cleared: DroneAlarmCleared }>();

  constructor(private readonly ctx: Pick<OpsContext, 'store' | 'log'>) {}

  on(listener: (a: DroneAlarm) => void): () => void {
    return this.bus.on('alarm', listener);
  }

  onCleared(listener: (c: DroneAlarmCleared) => void): () => void {
    return this.bus.on('cleared', listener);
  }

  /** The alarm's condition is over: logged and announced (the composition root resolves its alert). */
  clear(cleared: Omit<DroneAlarmCleared, 'message'>): void {
    const c: DroneAlarmCleared = { ...cleared, message: cleared.messages.en };
    this.ctx.log.info({ alarm: c.kind, droneId: c.droneId }, c.message);
    this.bus.emit('cleared', c);
  }

  /** Writes the alarm on the mission's history (a row with the status unchanged), logs it, then announces it. */
  async raise(raised: RaisedAlarm): Promise<void> {
    const a: DroneAlarm = { ...raised, message: raised.messages.en };
    await noteHistory(this.ctx, a.missionId, a.message, a.at, VEHICLE_SIDE.has(a.kind) ? 'vehicle' : 'system');
    this.ctx.log.warn({ alarm: a.kind, droneId: a.droneId, missionId: a.missionId }, a.message);
    this.bus.emit('alarm', a);
  }
}

/**
 * A history row that keeps the mission's status: what happened during a flight (link, failsafe, return).
 * The row is written with a compare-and-set on the status: when the status moved meanwhile (events that
 * waited for a link to come back arrive together), it is read again and the row written then.
 */
export async function noteHistory(ctx: Pick<OpsContext, 'store'>, missionId: string, note: string, at: number, actor = 'system'): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const m = await ctx.store.getMission(missionId);
    if (!m || (await ctx.store.transition(missionId, [m.status], m.status, at, { note, actor }))) return;
  }
}
