/**
 * Drone safety alarms: what the dispatcher must hear about (drone-ops.md "the dispatcher is alerted";
 * F3548: a nonconforming flight tells every affected operator). The composition root turns each into a
 * `drone-safety` alert (app/drone-alarms.ts); each is also written on the mission's history.
 */
import { EventBus } from '../../kernel/bus.js';
import type { LonLatAlt } from '../geo/types.js';
import type { OpsContext } from './context.js';

export type DroneAlarmKind = 'geofence' | 'battery' | 'link_lost' | 'failsafe' | 'upload_refused' | 'fence_refused' | 'nonconforming' | 'airspace_changed' | 'landed_away';

export interface DroneAlarm {
  kind: DroneAlarmKind;
  droneId: string;
  dockId: string;
  /** The mission flown ('' when the drone flew none). */
  missionId: string;
  at: number;
  message: string;
  position?: LonLatAlt;
}

/** An alarm whose condition is over (a drone landed away is back in its dock). */
export interface DroneAlarmCleared {
  kind: DroneAlarmKind;
  droneId: string;
  dockId: string;
  at: number;
  message: string;
}

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
  clear(c: DroneAlarmCleared): void {
    this.ctx.log.info({ alarm: c.kind, droneId: c.droneId }, c.message);
    this.bus.emit('cleared', c);
  }

  /** Writes the alarm on the mission's history (a row with the status unchanged), logs it, then announces it. */
  async raise(a: DroneAlarm): Promise<void> {
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
