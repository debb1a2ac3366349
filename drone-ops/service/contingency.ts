/**
 * Contingencies of a flight in the air (drone-ops.md "Contingencies", ASTM F3548 conformance): returns
 * are planned, checked routes with their own contingent intent (so the returning drone stays in the
 * airspace picture until it lands), and an intent is extended before it ends while the drone flies —
 * never released by a timer. A flight whose extension is not free is nonconforming: it is announced and,
 * when another airborne drone is in the way, resolved by recalling it.
 */
import { airspaceNear, type Airspace, type NoFlyZone } from '../airspace.js';
import { airborne, type Intent } from '../deconfliction.js';
import type { DroneType } from '../energy.js';
import { distanceM } from '../geo/enu.js';
import type { LonLat, LonLatAlt } from '../geo/types.js';
import { planReturn, type ReturnPlan } from '../planner/return-route.js';
import type { DroneAlarmKind, DroneAlarms } from './alarms.js';
import { noteHistory } from './alarms.js';
import { extendIntent, intentSpanMs, returnIntentFor } from './planning.js';
import type { OpsContext } from './context.js';
import { alarmText } from '../alarm-messages.js';
import type { Localized } from '../../kernel/i18n.js';

/** What this process knows of a drone in the air. */
export interface Flight {
  missionId: string;
  droneId: string;
  dockId: string;
  priority: number;
  home: LonLat;
  type: DroneType;
  speedMps: number;
  fenceId?: string;
  /** The intent as last committed (its volumes bound where and until when the drone may fly). */
  intent: Intent;
  launchedAt: number;
  abortNote?: string;
  failure?: string;
  linkLost: boolean;
  /** The return being flown (set once a return was commanded). */
  returnPlan?: ReturnPlan;
  lastRecallAt?: number;
  nonconforming: boolean;
  position?: LonLatAlt;
  /** Telemetry positions at least BREADCRUMB_M apart: the flown route a return may reverse. */
  breadcrumbs: LonLatAlt[];
}

const BREADCRUMB_M = 30;
/** Extend an intent when less than this is left of it. */
const EXTEND_LEAD_MS = 60_000;

export function track(f: Flight, p: LonLatAlt): void {
  f.position = p;
  const last = f.breadcrumbs[f.breadcrumbs.length - 1];
  if (p.altM > 5 && (!last || distanceM(last, p) >= BREADCRUMB_M)) f.breadcrumbs.push(p);
}

export function intentEnd(i: Intent): number {
  return Math.max(...i.volumes.map((v) => v.endMs));
}

export interface ContingencyOptions {
  airspace: () => Promise<Airspace>;
  alarms: DroneAlarms;
  /** Lower-priority airborne flights in the way of a higher-priority one: recall them. */
  onPreempted: (missionIds: string[], byMissionId: string) => Promise<void>;
}

export class Contingencies {
  constructor(
    private readonly ctx: OpsContext,
    private readonly opts: ContingencyOptions,
  ) {}

  /**
   * Sends the drone home along a planned, checked route: the return becomes the flight's contingent
   * intent, then the link flies it as waypoints ending in NAV_LAND — also the straight line home, never
   * the autopilot's RTL, which picks the nearest rally point (a neighbour's dock) and its own altitude.
   */
  async recall(f: Flight, reason: string, actor = 'system'): Promise<ReturnPlan> {
    const now = this.ctx.clock.now();
    f.lastRecallAt = now;
    const here = f.position ?? { ...f.home, altM: 0 };
    const rally = await this.rally(f);
    const base = await this.opts.airspace();
    const near = (a: Airspace): Airspace => airspaceNear(a, [here, f.home, ...rally, ...f.breadcrumbs], 3000);
    const input = { position: here, home: f.home, rally, flown: f.breadcrumbs, at: now, ...(f.fenceId === undefined ? {} : { fenceId: f.fenceId }) };
    // Around the other drones in the air too, when a route exists; else around the zones only.
    const traffic = await this.traffic(f, now);
    let plan = planReturn({ ...input, airspace: near({ ...base, noFlyZones: [...base.noFlyZones, ...traffic] }) });
    if (plan.kind === 'land' && traffic.length > 0) plan = planReturn({ ...input, airspace: near(base) });
    f.returnPlan = plan;
    f.intent = returnIntentFor(f.missionId, plan.route, f.priority, f.type, f.speedMps, now);
    // Committed whatever it overlaps (the drone flies it anyway); others plan around it (F3548 contingent).
    await this.ctx.intents.checkAndCommit(f.intent, now);
    await noteHistory(this.ctx, f.missionId, `return ${describe(plan)}: ${reason}`, now, actor);
    try {
      await this.ctx.link.returnVia(f.droneId, plan.kind === 'land' ? [here] : plan.route.slice(1, -1), f.speedMps);
    } catch (err) {
      // The vehicle's own lost-link action (set by prepare) and its fence take over.
      this.ctx.log.error({ err, droneId: f.droneId }, 'commanding the return failed');
      await noteHistory(this.ctx, f.missionId, `return command failed: ${(err as Error).message}`, this.ctx.clock.now());
    }
    return plan;
  }

  /**
   * Conformance in time: extends the intent before it ends while the drone is in the air. Free → the
   * same volumes for longer. Not free → nonconforming (committed anyway: the drone flies), announced, and
   * resolved by recalling it when another drone in the air is in the way.
   */
  async conform(f: Flight): Promise<void> {
    const now = this.ctx.clock.now();
    if (intentEnd(f.intent) - now > EXTEND_LEAD_MS) return;
    const endMs = now + Math.max(2 * EXTEND_LEAD_MS, intentSpanMs(f.type.enduranceS / 10));
    const state = f.intent.state === 'contingent' || f.linkLost ? 'contingent' : 'activated';
    const r = await this.ctx.intents.checkAndCommit(extendIntent(f.intent, endMs, state), now);
    if (r.ok) {
      f.intent = extendIntent(f.intent, endMs, state);
      const lower = [...r.preempted, ...(r.recall ?? [])];
      if (lower.length > 0) await this.opts.onPreempted(lower.map((p) => p.owner ?? p.id), f.missionId);
      await noteHistory(this.ctx, f.missionId, `flight past its planned time: intent extended to ${new Date(endMs).toISOString()}`, now);
      return;
    }
    f.intent = extendIntent(f.intent, endMs, 'nonconforming');
    await this.ctx.intents.checkAndCommit(f.intent, now);
    const names = r.conflictsWith.map((c) => c.owner ?? c.id).join(', ');
    await this.alarm(f, 'nonconforming', alarmText('alarm.nonconforming', { mission: f.missionId, owners: names }), now);
    const resolve = !f.nonconforming && r.conflictsWith.some(airborne) && !f.returnPlan;
    f.nonconforming = true;
    if (resolve) {
      f.abortNote ??= 'nonconforming: another drone in the air needs the airspace';
      await this.recall(f, f.abortNote);
    }
  }

  /**
   * Conformance in space: a drone outside every volume of its intent (a fly-away, a wind drift) is
   * nonconforming; its intent gains the way home from where it is, then it is recalled.
   */
  async strayed(f: Flight, at: number): Promise<void> {
    if (f.nonconforming || !f.position) return;
    f.nonconforming = true;
    await this.alarm(f, 'nonconforming', alarmText('alarm.nonconforming.strayed', { drone: f.droneId, mission: f.missionId }), at);
    if (f.returnPlan) return;
    f.abortNote ??= 'nonconforming: outside its operational intent';
    await this.recall(f, f.abortNote);
  }

  async alarm(f: Flight, kind: DroneAlarmKind, messages: Localized, at: number): Promise<void> {
    await this.opts.alarms.raise({ kind, droneId: f.droneId, dockId: f.dockId, missionId: f.missionId, at, messages, ...(f.position ? { position: f.position } : {}) });
  }

  /** The airspace other drones in the air hold now, as zones a return keeps out of. */
  private async traffic(f: Flight, now: number): Promise<NoFlyZone[]> {
    const others = (await this.ctx.intents.list(now)).filter((i) => airborne(i) && i.id !== f.missionId && (i.owner ?? i.id) !== f.missionId);
    return others.flatMap((i) =>
      i.volumes
        .filter((v) => v.endMs > now)
        .map((v, k) => ({ id: `traffic:${i.owner ?? i.id}:${k}`, footprint: v.footprint, floorM: v.floorM, ceilingM: v.ceilingM, windows: [{ startMs: v.startMs, endMs: v.endMs }] })),
    );
  }

  /** Alternate landing points: the three nearest other docks within 10 km. */
  async rally(f: Flight): Promise<LonLat[]> {
    const docks = await this.ctx.store.listDocks();
    return docks
      .filter((d) => d.id !== f.dockId && distanceM(d.location, f.home) < 10_000)
      .sort((a, b) => distanceM(a.location, f.home) - distanceM(b.location, f.home))
      .slice(0, 3)
      .map((d) => d.location);
  }
}

function describe(p: ReturnPlan): string {
  if (p.kind === 'rtl') return 'straight home (clear)';
  if (p.kind === 'land') return `land in place (${p.reason})`;
  return `via ${p.via === 'around' ? 'a route around the active zones' : 'the flown route reversed'}${p.rally ? ' to a rally point' : ''}`;
}
