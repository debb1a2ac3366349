/**
 * The mission lifecycle over a DroneLink. The `mission.launch` job runs preflight checks (RetryLater when
 * the dock is busy, the wind is over the drone type's limit or a launch condition does not hold),
 * re-checks the airspace as it stands now (AIRSPACE_CHANGED fails the mission), reserves the airspace for
 * the actual start as an airborne intent, sends the on-board fence and rally points (link.prepare),
 * uploads and starts — and ends once the drone is in the air, so a slot of the scheduler is not held for a
 * whole flight. From then on the flight is followed from the link's events (flight-events.ts): planned →
 * scheduled → preflight → uploading → in_flight → returning → completed | aborted | failed, each step
 * stored with a history row and then emitted as `missionChanged`.
 */
import { AppError } from '../../kernel/errors.js';
import type { MissionStatus } from '../../kernel/events.js';
import { airspaceNear, checkPath, type Airspace } from '../airspace.js';
import { airborne, type Intent } from '../deconfliction.js';
import { MAV_CMD } from '../planner/mission.js';
import { onboardFence, rallyAlternates, type OnboardFence } from '../planner/onboard.js';
import { RetryLater, type Json, type RunningJob } from '../scheduler/scheduler.js';
import type { DockRecord, MissionChanges, MissionRecord } from '../store/types.js';
import type { DroneType } from '../energy.js';
import type { LonLatAlt } from '../geo/types.js';
import { DroneAlarms } from './alarms.js';
import type { OpsContext } from './context.js';
import { unmetCondition } from './conditions.js';
import { Contingencies, type Flight } from './contingency.js';
import { FlightEvents } from './flight-events.js';
import { airspaceChange, intentFor, intentSpanMs } from './planning.js';
import { FERRY_KIND } from './ferry.js';
import { homeOf } from './resume.js';
import type { LaunchConditions } from './types.js';
import { alarmText } from '../alarm-messages.js';

export type { OpsContext };

export const LAUNCH_KIND = 'mission.launch';
export const ACTIVE: readonly MissionStatus[] = ['preflight', 'uploading', 'in_flight', 'returning'];
/**
 * How long a launch waits, holding its slot, for drones in the air whose airspace it needs: they release it
 * when they land, usually well before their intent's time bound (the bound a retry would wait for).
 */
const LANDING_WAIT_MS = 120_000;

export interface RunnerOptions {
  retryDelayMs: number;
  onPreempted: (missionIds: string[], by: MissionRecord) => Promise<void>;
  /** The airspace as it stands now (zones, windows, ceiling). */
  airspace?: () => Promise<Airspace>;
  telemetryEveryMs?: number;
  /** How often flights in the air are checked for conformance in time (default 1 s). */
  conformEveryMs?: number;
  /** The dock a drone belongs to, for events of a drone not on a flight (stream events carry the real dockId). */
  dockOf?: (droneId: string) => string | undefined;
  /** Runs a drone's state write in order with the others queued for it (DroneStateTracker.serial). */
  serial?: <T>(droneId: string, fn: () => Promise<T>) => Promise<T>;
}

export class MissionRunner {
  /** Flights this process follows, by drone id. */
  readonly flights = new Map<string, Flight>();
  /** Missions whose flight this process has closed: never adopted again from a late event. */
  readonly finished = new Set<string>();
  readonly alarms: DroneAlarms;
  readonly contingencies: Contingencies;
  /** Launches waiting for a drone in the air to land (woken by `finish`). */
  private readonly landingWaiters = new Set<() => void>();
  /** Aborts asked for while a launch is between preflight and start. */
  private readonly pendingAbort = new Map<string, string>();
  private readonly events: FlightEvents;
  private readonly airspace: () => Promise<Airspace>;

  constructor(
    private readonly ctx: OpsContext,
    private readonly opts: RunnerOptions,
  ) {
    this.airspace = opts.airspace ?? (() => Promise.reject(new Error('no airspace source')));
    this.alarms = new DroneAlarms(ctx);
    this.contingencies = new Contingencies(ctx, {
      airspace: this.airspace,
      alarms: this.alarms,
      onPreempted: async (ids, by) => {
        const m = await ctx.store.getMission(by);
        if (m) await opts.onPreempted(ids, m);
      },
    });
    this.events = new FlightEvents(ctx, this, { telemetryEveryMs: opts.telemetryEveryMs ?? 1000, conformEveryMs: opts.conformEveryMs ?? 1000, ...(opts.dockOf ? { dockOf: opts.dockOf } : {}), ...(opts.serial ? { serial: opts.serial } : {}) });
  }

  /** Resolves once the link events already received are handled. */
  settled(): Promise<void> {
    return this.events.settled();
  }

  close(): void {
    this.events.close();
  }

  /** Status change with history, then the bus event (persist first, then tell). */
  /** `actor`: who made the step (a person's username, or scheduler / vehicle / system; MissionHistoryEntry). */
  async move(m: MissionRecord, from: readonly MissionStatus[], to: MissionStatus, note?: string, changes?: MissionChanges, actor = 'system'): Promise<MissionRecord | undefined> {
    const at = this.ctx.clock.now();
    const next = await this.ctx.store.transition(m.id, from, to, at, { ...(note === undefined ? {} : { note }), ...(changes ? { changes } : {}), actor });
    if (!next) return undefined;
    this.ctx.bus.emit('missionChanged', {
      missionId: m.id,
      dockId: m.dockId,
      droneId: m.droneId,
      from: m.status,
      to,
      at,
      kind: m.kind,
      priority: m.priority,
      ...(note === undefined ? {} : { note }),
      ...(m.patrolId === null ? {} : { patrolId: m.patrolId }),
      ...(m.alertId === null ? {} : { alertId: m.alertId }),
    });
    return next;
  }

  /** The `mission.launch` handler. Safe to re-run: anything but a `scheduled` mission is left alone. */
  async launch(job: RunningJob): Promise<Json> {
    const { missionId, conditions } = job.payload as unknown as { missionId: string; conditions?: LaunchConditions };
    const m = await this.ctx.store.getMission(missionId);
    if (!m || m.status !== 'scheduled') return { skipped: m?.status ?? 'missing' };
    if (m.kind === FERRY_KIND && (await this.ctx.store.getDrone(m.droneId))?.phase === 'docked') {
      // Carried back (or docked by its own report) since: nothing to fly.
      await this.move(m, ['scheduled'], 'aborted', `not flown: drone ${m.droneId} is back in its dock`, { finishedAt: this.ctx.clock.now() }, 'scheduler');
      await this.ctx.intents.remove(m.id);
      return { status: 'aborted' };
    }
    const { dock, type } = await this.preflightChecks(m, conditions);
    const fenceId = fenceOf(m);
    let airspace = airspaceNear(await this.airspace(), m.plan.path, 5000);
    let changed = airspaceChange(airspace, m.plan, this.ctx.clock.now(), fenceId);
    if (changed) return this.refuse(m, ['scheduled'], `AIRSPACE_CHANGED at launch: ${changed.message}`);
    const { intent, at: now } = await this.reserve(m);
    // Waited for a landing: the airspace may have changed meanwhile.
    airspace = airspaceNear(await this.airspace(), m.plan.path, 5000);
    changed = airspaceChange(airspace, m.plan, now, fenceId);
    if (changed) return this.refuse(m, ['scheduled'], `AIRSPACE_CHANGED at launch: ${changed.message}`);
    const pre = await this.move(m, ['scheduled'], 'preflight', `launch attempt ${job.attempt}`, undefined, 'scheduler');
    if (!pre) return { skipped: 'not scheduled' };
    const flight: Flight = { missionId: m.id, droneId: m.droneId, dockId: m.dockId, priority: m.priority, home: homeOf(m), type, speedMps: speedOf(m, type), ...(fenceId === undefined ? {} : { fenceId }), intent, launchedAt: now, linkLost: false, nonconforming: false, breadcrumbs: [] };
    return this.fly(pre, flight, await this.onboardFor(m, dock, airspace, now));
  }

  /**
   * The fence, rally points (the dock, then the alternates never nearer than the dock along the plan:
   * rallyAlternates) and lost-link action a launch at `at` sends.
   */
  async onboardFor(m: MissionRecord, dock: DockRecord, airspace: Airspace, at: number): Promise<OnboardFence> {
    const fenceId = fenceOf(m);
    const rally = [dock.location, ...rallyAlternates(m.plan.path, dock.location, await this.contingencies.rally({ dockId: dock.id, home: dock.location } as Flight))];
    const span = intentSpanMs(m.plan.durationS);
    // The vehicle's own lost-link RTL flies straight home: only when that line is clear from everywhere on the plan.
    // A ferry's autopilot may take its home where it armed (ArduPilot sets home on arming), the take-off spot.
    const homes = m.kind === FERRY_KIND ? [homeOf(m), { ...(m.plan.path[0] as LonLatAlt), altM: 0 }] : [homeOf(m)];
    const rtlClear = homes.every((home) => m.plan.path.every((p) => checkPath(airspace, [p, { ...home, altM: p.altM }, home], { at, durationMs: span, ...(fenceId === undefined ? {} : { fenceId }) }).ok));
    return onboardFence({ airspace, path: m.plan.path, at, durationMs: span, rally, lostLinkAction: rtlClear ? 'rtl' : 'land', ...(fenceId === undefined ? {} : { fenceId }) });
  }

  /**
   * The reservation was made for the scheduled time; the launch flies now, as an airborne intent. A
   * lower-priority drone in the air in the way is recalled; drones in the air are waited for here until they
   * land (LANDING_WAIT_MS), anything else is retried when its time bound allows.
   */
  private async reserve(m: MissionRecord): Promise<{ intent: Intent; at: number }> {
    const deadline = this.ctx.clock.now() + LANDING_WAIT_MS;
    for (let first = true; ; first = false) {
      const now = this.ctx.clock.now();
      const intent = intentFor(m.id, m.plan, m.priority, now, 'activated');
      const r = await this.ctx.intents.checkAndCommit(intent, now);
      if (r.ok) {
        const lower = [...r.preempted, ...(r.recall ?? [])];
        if (lower.length > 0) await this.opts.onPreempted(lower.map((p) => p.owner ?? p.id), m);
        return { intent, at: now };
      }
      const lower = r.conflictsWith.filter((c) => c.priority < m.priority).map((c) => c.owner ?? c.id);
      if (first && lower.length > 0) await this.opts.onPreempted(lower, m);
      if (!r.conflictsWith.every(airborne) || now >= deadline) {
        const names = r.conflictsWith.map((c) => c.owner ?? c.id).join(', ');
        throw new RetryLater(`airspace reserved by mission ${names}`, r.nextFreeSlot === undefined ? this.opts.retryDelayMs : Math.max(1, r.nextFreeSlot - now));
      }
      await this.untilLanding(deadline - now);
    }
  }

  /** Resolves when a flight followed here has landed (its airspace released), or after `ms`. */
  private untilLanding(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.landingWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.landingWaiters.add(done);
    });
  }

  private async preflightChecks(m: MissionRecord, conditions: LaunchConditions | undefined): Promise<{ dock: DockRecord; type: DroneType }> {
    const { store } = this.ctx;
    const [dock, drone, types] = await Promise.all([store.getDock(m.dockId), store.getDrone(m.droneId), store.listDroneTypes()]);
    const type = types.find((t) => t.id === drone?.typeId);
    const retry = async (reason: string): Promise<never> => {
      await store.updateMission(m.id, { note: `waiting: ${reason}` }, this.ctx.clock.now());
      throw new RetryLater(reason, this.opts.retryDelayMs);
    };
    if (!dock || !drone || !type) return retry('dock, drone or drone type missing');
    if (dock.status !== 'idle') return retry(`dock ${dock.id} is ${dock.status}`);
    // A ferry flies a drone landed away home; every other flight waits for it to be back in its dock.
    const ferry = m.kind === FERRY_KIND;
    if (drone.phase === 'landed' && !ferry) return retry(`drone ${drone.id} landed away from its dock (LANDED_AWAY); it flies again once it is back in it`);
    if (this.flights.has(drone.id) || drone.phase !== (ferry ? 'landed' : 'docked')) return retry(`drone ${drone.id} is ${drone.phase}`);
    // drone-ops.md: launch wind limits (8–12 m/s class) are per drone type.
    if (dock.windMps !== null && dock.windMps >= type.windLimitMps) return retry(`wind ${dock.windMps} m/s at or above the ${type.windLimitMps} m/s limit`);
    if (dock.rain) return retry('raining at the dock');
    const needed = m.plan.batteryPct + type.reservePct;
    if (drone.batteryPct < needed) return retry(`battery ${drone.batteryPct} % below the ${needed.toFixed(1)} % the flight needs`);
    const unmet = unmetCondition(conditions, { at: this.ctx.clock.now(), batteryPct: drone.batteryPct, windMps: dock.windMps });
    if (unmet) return retry(unmet);
    return { dock, type };
  }

  private async fly(m: MissionRecord, f: Flight, safety: OnboardFence): Promise<Json> {
    const { store, link, clock } = this.ctx;
    await store.updateDock(m.dockId, { status: 'preparing' }, clock.now());
    try {
      await link.prepare(m.droneId, safety);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'FENCE_REFUSED')) return this.retryLater(m, f, `vehicle not reachable for its fence: ${(err as Error).message}`);
      const messages = alarmText('alarm.fence_refused', { reason: err.message });
      await this.alarms.raise({ kind: 'fence_refused', droneId: m.droneId, dockId: m.dockId, missionId: m.id, at: clock.now(), messages });
      return this.finishEarly(m, 'failed', messages.en);
    }
    const up = await this.move(m, ['preflight'], 'uploading', undefined, undefined, 'scheduler');
    if (!up) return this.finishEarly(m, 'aborted', 'aborted before upload');
    try {
      await link.upload(m.droneId, m.plan.items);
    } catch (err) {
      const reason = (err as Error).message;
      const messages = alarmText('alarm.upload_refused.failed', { drone: m.droneId, reason });
      await this.alarms.raise({ kind: 'upload_refused', droneId: m.droneId, dockId: m.dockId, missionId: m.id, at: clock.now(), messages });
      return this.finishEarly(up, 'failed', `upload failed: ${reason}`);
    }
    const abortNote = this.pendingAbort.get(m.id);
    if (abortNote !== undefined) return this.finishEarly(up, 'aborted', abortNote);
    this.flights.set(m.droneId, f);
    const flying = await this.move(up, ['uploading'], 'in_flight', undefined, { startedAt: clock.now() }, 'scheduler');
    await store.updateDock(m.dockId, { status: 'in_mission' }, clock.now());
    await store.updateDrone(m.droneId, { phase: 'taking_off' }, clock.now());
    try {
      if (!flying) throw new Error('mission left uploading');
      await link.start(m.droneId);
    } catch (err) {
      await this.finish(f, 'failed', `start failed: ${(err as Error).message}`);
      return { status: 'failed' };
    }
    // In the air: the job (and its scheduler slot) ends here; link events follow the flight.
    return { status: 'in_flight' };
  }

  /** The vehicle could not be reached before take-off: back to `scheduled`, the airspace reserved but not airborne, retried. */
  private async retryLater(m: MissionRecord, f: Flight, reason: string): Promise<never> {
    const now = this.ctx.clock.now();
    await this.move(m, ['preflight'], 'scheduled', `waiting: ${reason}`, undefined, 'scheduler');
    await this.ctx.store.updateDock(m.dockId, { status: 'idle' }, now);
    await this.ctx.intents.checkAndCommit({ ...f.intent, state: 'accepted' }, now);
    throw new RetryLater(reason, this.opts.retryDelayMs);
  }

  /** A scheduled or preflight mission that cannot fly as planned: failed with the reason, airspace released. */
  private async refuse(m: MissionRecord, from: readonly MissionStatus[], note: string): Promise<Json> {
    await this.move(m, from, 'failed', note, { finishedAt: this.ctx.clock.now() }, 'scheduler');
    await this.ctx.intents.remove(m.id);
    return { status: 'failed', reason: note };
  }

  private async finishEarly(m: MissionRecord, to: MissionStatus, note: string): Promise<Json> {
    this.pendingAbort.delete(m.id);
    await this.move(m, ['preflight', 'uploading'], to, note, { finishedAt: this.ctx.clock.now() }, 'scheduler');
    await this.ctx.store.updateDock(m.dockId, { status: 'idle' }, this.ctx.clock.now());
    await this.ctx.intents.remove(m.id);
    return { status: to };
  }

  /**
   * Abort (operator, pre-emption, safety). Not yet flying: noted and honoured before start. In the air
   * (followed by this process): a planned, checked return; the mission ends `aborted` when the drone
   * lands. False if the mission is not active here.
   */
  async abortActive(m: MissionRecord, note: string, actor = 'system'): Promise<boolean> {
    const f = this.flights.get(m.droneId);
    if (f?.missionId === m.id) {
      f.abortNote ??= note;
      await this.contingencies.recall(f, note, actor);
      return true;
    }
    if (m.status === 'preflight' || m.status === 'uploading') {
      this.pendingAbort.set(m.id, note);
      return true;
    }
    return false;
  }

  /** The flight is over (landed and disarmed, or known to be on the ground): status, dock, airspace released. */
  /** `actor`: `vehicle` when it reported landing, `system` when the ground closes a flight it never heard land. */
  async finish(f: Flight, to: MissionStatus, note?: string, actor = 'vehicle'): Promise<void> {
    if (this.flights.get(f.droneId) !== f) return;
    this.flights.delete(f.droneId);
    this.finished.add(f.missionId);
    const { store, clock } = this.ctx;
    const m = await store.getMission(f.missionId);
    if (m) await this.move(m, ['uploading', 'in_flight', 'returning'], to, note, { finishedAt: clock.now() }, actor);
    await store.updateDock(f.dockId, { status: 'idle' }, clock.now());
    await this.ctx.intents.remove(f.missionId);
    for (const wake of [...this.landingWaiters]) wake();
  }
}

function fenceOf(m: MissionRecord): string | undefined {
  return typeof m.request.fenceId === 'string' ? m.request.fenceId : undefined;
}

/** The speed the mission commands (its MAV_CMD_DO_CHANGE_SPEED item), else the type's cruise speed. */
function speedOf(m: MissionRecord, type: DroneType): number {
  const item = m.plan.items.find((i) => i.command === MAV_CMD.DO_CHANGE_SPEED);
  return item && item.param2 > 0 ? item.param2 : type.cruiseMps;
}
