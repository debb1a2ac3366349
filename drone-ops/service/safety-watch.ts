/**
 * Ground-side safety monitoring of every drone in the air, from take-off until it has landed (returns
 * included): each telemetry sample goes through the pure `checkSafety` (fence and no-fly zones, battery
 * against the route still to fly plus the reserve) and is checked against the flight's intent volumes
 * (F3548 conformance in space). A breach or a shortfall sends the drone home along a planned, checked
 * route (the mission ends `aborted` with the reason); a breach during a return re-plans the return.
 * The airspace is polled: a zone that appears while drones fly is pushed to their on-board fences and
 * recalls every flight whose remaining route would enter it, before it gets there.
 */
import { airspaceNear, type Airspace } from '../airspace.js';
import { LocalPlane } from '../geo/enu.js';
import { pointInShape, projectFootprint } from '../geo/shapes.js';
import type { LonLatAlt } from '../geo/types.js';
import type { DroneLinkEvent } from '../link/drone-link.js';
import { onboardFence } from '../planner/onboard.js';
import { returnViolations } from '../planner/return-route.js';
import { checkSafety, remainingRoute } from '../safety.js';
import type { MissionRecord } from '../store/types.js';
import type { DroneAlarm, DroneAlarmCleared } from './alarms.js';
import type { Flight } from './contingency.js';
import { intentSpanMs } from './planning.js';
import type { MissionRunner, OpsContext } from './runner.js';
import { alarmText, violationText } from '../alarm-messages.js';

export type { DroneAlarm } from './alarms.js';

export interface SafetyWatchOptions {
  airspace: () => Promise<Airspace>;
  runner: MissionRunner;
  /** How often the airspace is re-read and every flight's way ahead re-checked, ms (default 250). */
  pollMs?: number;
  /** A return that still breaches is re-planned at most this often, ms (default 10 s). */
  replanEveryMs?: number;
}

/** Zones and areas farther than this from a flight's plan are not checked against it, m. */
const NEAR_M = 5000;

interface Watched {
  mission: MissionRecord;
  /** The airspace around this flight (airspaceNear), for the airspace it was cut from. */
  near?: { of: Airspace; value: Airspace };
  /** MISSION_CURRENT: the item being flown to. */
  target: number;
  tripped: boolean;
}

export class SafetyWatch {
  private readonly watched = new Map<string, Watched>();
  private readonly offs: (() => void)[];
  private readonly timer: NodeJS.Timeout;
  private airspaceNow: Airspace | undefined;
  private zonesKey = '';
  private polling = false;
  private pollAgain = false;

  constructor(
    private readonly ctx: OpsContext,
    private readonly opts: SafetyWatchOptions,
  ) {
    const fail = (err: unknown): void => ctx.log.error({ err }, 'safety watch');
    this.offs = [ctx.link.on((e) => void this.onLink(e).catch(fail))];
    this.timer = setInterval(() => void this.poll().catch(fail), opts.pollMs ?? 250);
    this.timer.unref();
  }

  /** Subscribes to alarms (every drone-safety alarm of the runner and of this watch). */
  onAlarm(listener: (a: DroneAlarm) => void): () => void {
    return this.opts.runner.alarms.on(listener);
  }

  /** Subscribes to alarms whose condition is over (`landed_away` once the drone is back in its dock). */
  onAlarmCleared(listener: (c: DroneAlarmCleared) => void): () => void {
    return this.opts.runner.alarms.onCleared(listener);
  }

  /** Drones currently watched (in the air). */
  watching(): string[] {
    return [...this.opts.runner.flights.keys()];
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
    clearInterval(this.timer);
  }

  /** The current airspace cut to the flight's surroundings (a city's district outlines are large). */
  private async airspace(f: Flight, w: Watched, current?: Airspace): Promise<Airspace> {
    const all = current ?? (this.airspaceNow ??= await this.opts.airspace());
    if (w.near?.of !== all) w.near = { of: all, value: airspaceNear(all, [f.home, ...w.mission.plan.path], NEAR_M) };
    return w.near.value;
  }

  private async watch(f: Flight): Promise<Watched | undefined> {
    const w = this.watched.get(f.droneId);
    if (w?.mission.id === f.missionId) return w;
    const mission = await this.ctx.store.getMission(f.missionId);
    if (!mission) return undefined;
    const fresh: Watched = { mission, target: 0, tripped: false };
    this.watched.set(f.droneId, fresh);
    return fresh;
  }

  private async onLink(e: DroneLinkEvent): Promise<void> {
    const f = this.opts.runner.flights.get(e.droneId);
    if (!f) {
      this.watched.delete(e.droneId);
      return;
    }
    const w = await this.watch(f);
    if (!w) return;
    if (e.type === 'progress') w.target = Math.max(w.target, e.seq + 1);
    if (e.type === 'telemetry') await this.check(f, w, e.position, e.batteryPct, e.at);
  }

  private async check(f: Flight, w: Watched, position: LonLatAlt, batteryPct: number, at: number): Promise<void> {
    const { contingencies } = this.opts.runner;
    const remaining = f.returnPlan ? f.returnPlan.route.slice(1) : remainingRoute(w.mission.plan.items, w.target, { ...f.home, altM: 0 });
    const v = checkSafety({ position, batteryPct, at, airspace: await this.airspace(f, w), remaining, type: f.type, speedMps: f.speedMps, ...(f.fenceId === undefined ? {} : { fenceId: f.fenceId }) });
    if (v.action === 'rtl') {
      if (!f.returnPlan) {
        if (w.tripped) return;
        w.tripped = true;
        await contingencies.alarm(f, v.kind, v.text, at);
        f.abortNote ??= v.reason;
        await contingencies.recall(f, v.reason);
        return;
      }
      // Already returning: a breach means the return must change; a battery shortfall cannot be helped by re-planning.
      if (v.kind === 'geofence' && at - (f.lastRecallAt ?? 0) >= (this.opts.replanEveryMs ?? 10_000)) {
        await contingencies.alarm(f, v.kind, alarmText('alarm.returning', { alarm: v.text }), at);
        await contingencies.recall(f, v.reason);
      }
      return;
    }
    if (position.altM > 5 && !insideIntent(f, position)) await contingencies.strayed(f, at);
  }

  /** The airspace changed: re-check every flight now (or right after the check under way). */
  recheckNow(): Promise<void> {
    this.pollAgain = this.polling;
    return this.poll();
  }

  private async poll(): Promise<void> {
    // Nothing in the air: nothing to re-check (zones changed meanwhile still count at the next flight's first poll).
    if (this.polling || this.opts.runner.flights.size === 0) return;
    this.polling = true;
    try {
      do {
        this.pollAgain = false;
        await this.pollOnce();
      } while (this.pollAgain);
    } finally {
      this.polling = false;
    }
  }

  /**
   * Re-reads the airspace and re-checks every flight's way ahead against it (a zone declared at any time
   * counts from then on); when the zones changed, every flight's on-board fence is updated too.
   */
  private async pollOnce(): Promise<void> {
    const read = await this.opts.airspace();
    const key = JSON.stringify([read.ceilingM, read.noFlyZones.map((z) => [z.id, z.footprint, z.floorM, z.ceilingM, z.windows ?? null])]);
    const changed = key !== this.zonesKey || read.operationAreas !== this.airspaceNow?.operationAreas;
    this.zonesKey = key;
    // Unchanged: keep the object, so each flight's cut of it (airspaceNear over the district outlines) is reused.
    if (changed || !this.airspaceNow) this.airspaceNow = read;
    const airspace = this.airspaceNow;
    for (const f of [...this.opts.runner.flights.values()]) await this.recheck(f, airspace, changed);
  }

  private async recheck(f: Flight, all: Airspace, zonesChanged: boolean): Promise<void> {
    const w = await this.watch(f);
    if (!w) return;
    const airspace = await this.airspace(f, w, all);
    const at = this.ctx.clock.now();
    const span = intentSpanMs(w.mission.plan.durationS);
    if (zonesChanged) {
      this.ctx.link.prepare(f.droneId, onboardFence({ airspace, path: [...(f.position ? [f.position] : []), ...w.mission.plan.path], at, durationMs: span, rally: [f.home], ...(f.fenceId === undefined ? {} : { fenceId: f.fenceId }) })).catch((err: unknown) => {
        this.ctx.log.warn({ err, droneId: f.droneId }, 'updating the on-board fence in flight failed');
      });
    }
    if (!f.position || (f.returnPlan && at - (f.lastRecallAt ?? 0) < (this.opts.replanEveryMs ?? 10_000))) return;
    const ahead = [f.position, ...(f.returnPlan ? f.returnPlan.route.slice(1) : remainingRoute(w.mission.plan.items, w.target, { ...f.home, altM: 0 }))];
    const bad = returnViolations({ airspace, position: f.position, at, ...(f.fenceId === undefined ? {} : { fenceId: f.fenceId }) }, ahead, span);
    if (bad.length === 0) return;
    const text = alarmText('alarm.airspace_changed', { detail: violationText(bad[0]) });
    const reason = text.en;
    await this.opts.runner.contingencies.alarm(f, 'airspace_changed', text, at);
    f.abortNote ??= reason;
    await this.opts.runner.contingencies.recall(f, reason);
  }
}

/** Inside some volume of the flight's intent (footprint and altitude band)? Time is the runner's business. */
function insideIntent(f: Flight, p: LonLatAlt): boolean {
  const plane = new LocalPlane(p);
  const xy = plane.toXY(p);
  return f.intent.volumes.some((v) => p.altM <= v.ceilingM && p.altM >= v.floorM && pointInShape(xy, projectFootprint(plane, v.footprint)));
}
