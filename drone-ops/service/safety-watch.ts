/**
 * Ground-side safety monitoring wired to the link (issue #5 part 3): every telemetry sample of a flying
 * mission goes through the pure `checkSafety` (fence and no-fly zones, battery against the remaining
 * route plus reserve); a breach sends the drone home (the mission ends `aborted` with the reason), and a
 * lost link is noted on the mission. Each of these is announced as a DroneAlarm for the dispatcher.
 */
import { EventBus } from '../../kernel/bus.js';
import type { MissionChange } from '../../kernel/events.js';
import type { Airspace } from '../airspace.js';
import type { DroneType } from '../energy.js';
import type { LonLatAlt } from '../geo/types.js';
import type { DroneLinkEvent } from '../link/drone-link.js';
import { checkSafety, remainingRoute } from '../safety.js';
import type { MissionRecord } from '../store/types.js';
import type { OpsContext } from './runner.js';

/** Something the dispatcher must hear about (drone-ops.md: "the dispatcher is alerted"). */
export interface DroneAlarm {
  kind: 'geofence' | 'battery' | 'link_lost';
  droneId: string;
  dockId: string;
  missionId: string;
  at: number;
  message: string;
  position?: LonLatAlt;
}

interface Watch {
  mission: MissionRecord;
  type: DroneType;
  airspace: Airspace;
  /** MISSION_CURRENT: the item being flown to (after item N is reached, N + 1). */
  target: number;
  tripped: boolean;
  returning: boolean;
  linkLost: boolean;
  position?: LonLatAlt;
}

export interface SafetyWatchOptions {
  airspace: () => Promise<Airspace>;
  /** Return to launch with this reason (MissionRunner.abortActive). */
  abort: (m: MissionRecord, note: string) => Promise<boolean>;
}

const TERMINAL = new Set(['completed', 'aborted', 'failed']);
const LINK_LOST = /link lost/i;

export class SafetyWatch {
  private readonly watches = new Map<string, Watch>();
  private readonly alarms = new EventBus<{ alarm: DroneAlarm }>();
  private readonly offs: (() => void)[];

  constructor(
    private readonly ctx: OpsContext,
    private readonly opts: SafetyWatchOptions,
  ) {
    const fail = (err: unknown): void => ctx.log.error({ err }, 'safety watch');
    this.offs = [ctx.bus.on('missionChanged', (c) => void this.onMission(c).catch(fail)), ctx.link.on((e) => void this.onLink(e).catch(fail))];
  }

  /** Subscribes to alarms; returns the unsubscribe function. */
  onAlarm(listener: (a: DroneAlarm) => void): () => void {
    return this.alarms.on('alarm', listener);
  }

  /** Drones currently watched (flying a mission). */
  watching(): string[] {
    return [...this.watches.keys()];
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
    this.watches.clear();
  }

  private async onMission(c: MissionChange): Promise<void> {
    if (TERMINAL.has(c.to)) {
      if (this.watches.get(c.droneId)?.mission.id === c.missionId) this.watches.delete(c.droneId);
      return;
    }
    if (c.to !== 'in_flight') return;
    const { store } = this.ctx;
    const [mission, drone, types, airspace] = await Promise.all([store.getMission(c.missionId), store.getDrone(c.droneId), store.listDroneTypes(), this.opts.airspace()]);
    const type = types.find((t) => t.id === drone?.typeId);
    if (!mission || !type) return;
    this.watches.set(c.droneId, { mission, type, airspace, target: 1, tripped: false, returning: false, linkLost: false });
  }

  private async onLink(e: DroneLinkEvent): Promise<void> {
    const w = this.watches.get(e.droneId);
    if (!w) return;
    switch (e.type) {
      case 'progress':
        w.target = Math.max(w.target, e.seq + 1);
        // Zones declared during the flight (a temporary restriction) apply from the next waypoint on.
        w.airspace = await this.opts.airspace();
        return;
      case 'phase':
        // Going home already (operator abort, the vehicle's own failsafe): nothing left to enforce.
        if (e.phase === 'returning' || e.phase === 'landing') w.returning = true;
        return;
      case 'failure':
        if (LINK_LOST.test(e.reason) && !w.linkLost) await this.linkLost(w, e.at);
        return;
      case 'telemetry':
        w.linkLost = false;
        w.position = e.position;
        if (w.tripped || w.returning) return;
        return this.check(w, e.position, e.batteryPct, e.at);
      case 'landed':
      case 'link':
      case 'failsafe':
      case 'uploadRefused':
        return;
    }
  }

  private async check(w: Watch, position: LonLatAlt, batteryPct: number, at: number): Promise<void> {
    const fenceId = typeof w.mission.request.fenceId === 'string' ? w.mission.request.fenceId : undefined;
    const v = checkSafety({ position, batteryPct, at, airspace: w.airspace, remaining: remainingRoute(w.mission.plan.items, w.target), type: w.type, ...(fenceId === undefined ? {} : { fenceId }) });
    if (v.action === 'continue') return;
    w.tripped = true;
    this.alarm(w, v.kind, v.reason, at);
    await this.opts.abort(w.mission, v.reason);
  }

  private async linkLost(w: Watch, at: number): Promise<void> {
    w.linkLost = true;
    await this.ctx.store.updateMission(w.mission.id, { note: 'link lost' }, at);
    this.alarm(w, 'link_lost', `link lost with drone ${w.mission.droneId} during mission ${w.mission.id}`, at);
  }

  private alarm(w: Watch, kind: DroneAlarm['kind'], message: string, at: number): void {
    const m = w.mission;
    this.alarms.emit('alarm', { kind, droneId: m.droneId, dockId: m.dockId, missionId: m.id, at, message, ...(w.position ? { position: w.position } : {}) });
  }
}
