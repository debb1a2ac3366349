/**
 * The mission lifecycle over a DroneLink (issue #4 part 6): the `mission.launch` job handler runs
 * preflight checks (RetryLater when the dock is busy, the wind is over the drone type's limit or a
 * launch condition does not hold), re-reserves the airspace for the actual start, uploads, starts and
 * then follows the link's events until the drone lands: planned → scheduled → preflight → uploading →
 * in_flight → returning → completed | aborted | failed, each step stored with a history row and then
 * emitted as `missionChanged`; link telemetry becomes `droneState`.
 */
import type { EventBus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import type { MissionStatus } from '../../kernel/events.js';
import type { Logger } from '../../kernel/logger.js';
import type { DroneLink, DroneLinkEvent } from '../link/drone-link.js';
import { RetryLater, type Json, type JobScheduler, type RunningJob } from '../scheduler/scheduler.js';
import type { IntentRegistry } from '../store/intents.js';
import type { DroneOpsStore, MissionChanges, MissionRecord } from '../store/types.js';
import { unmetCondition } from './conditions.js';
import { intentFor } from './planning.js';
import type { LaunchConditions } from './types.js';

export interface OpsContext {
  store: DroneOpsStore;
  intents: IntentRegistry;
  scheduler: JobScheduler;
  link: DroneLink;
  bus: EventBus;
  clock: Clock;
  log: Logger;
}

export const LAUNCH_KIND = 'mission.launch';
export const ACTIVE: readonly MissionStatus[] = ['preflight', 'uploading', 'in_flight', 'returning'];

interface Flight {
  missionId: string;
  dockId: string;
  abortNote?: string;
  failure?: string;
  done: (status: MissionStatus) => void;
  timer?: NodeJS.Timeout;
}

export class MissionRunner {
  /** Flights this process drives, by drone id. */
  private readonly flights = new Map<string, Flight>();
  /** Aborts asked for while a launch is between preflight and start. */
  private readonly pendingAbort = new Map<string, string>();
  /** Last telemetry `droneState` per drone: the link reports 5 Hz, the bus and the history get 1 Hz. */
  private readonly lastTelemetry = new Map<string, number>();
  private readonly offLink: () => void;

  constructor(
    private readonly ctx: OpsContext,
    private readonly opts: { retryDelayMs: number; onPreempted: (missionIds: string[], by: MissionRecord) => Promise<void>; telemetryEveryMs?: number; dockOf?: (droneId: string) => string | undefined },
  ) {
    this.offLink = ctx.link.on((e) => {
      this.onLink(e).catch((err: unknown) => ctx.log.error({ err, droneId: e.droneId }, 'drone link event failed'));
    });
  }

  close(): void {
    this.offLink();
    for (const f of this.flights.values()) clearTimeout(f.timer);
  }

  /** Status change with history, then the bus event (persist first, then tell). */
  async move(m: MissionRecord, from: readonly MissionStatus[], to: MissionStatus, note?: string, changes?: MissionChanges): Promise<MissionRecord | undefined> {
    const at = this.ctx.clock.now();
    const next = await this.ctx.store.transition(m.id, from, to, at, { ...(note === undefined ? {} : { note }), ...(changes ? { changes } : {}) });
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
    await this.preflightChecks(m, conditions);
    const now = this.ctx.clock.now();
    // The reservation was made for the scheduled time; a retried launch flies later, so reserve again.
    const r = await this.ctx.intents.checkAndCommit(intentFor(m.id, m.plan, m.priority, now), now);
    if (!r.ok) {
      const names = r.conflictsWith.map((c) => c.owner ?? c.id).join(', ');
      throw new RetryLater(`airspace reserved by mission ${names}`, r.nextFreeSlot === undefined ? this.opts.retryDelayMs : Math.max(1, r.nextFreeSlot - now));
    }
    if (r.preempted.length > 0) await this.opts.onPreempted(r.preempted.map((p) => p.owner ?? p.id), m);
    const pre = await this.move(m, ['scheduled'], 'preflight', `launch attempt ${job.attempt}`);
    if (!pre) return { skipped: 'not scheduled' };
    return this.fly(pre);
  }

  private async preflightChecks(m: MissionRecord, conditions: LaunchConditions | undefined): Promise<void> {
    const { store } = this.ctx;
    const [dock, drone, types] = await Promise.all([store.getDock(m.dockId), store.getDrone(m.droneId), store.listDroneTypes()]);
    const type = types.find((t) => t.id === drone?.typeId);
    const retry = async (reason: string): Promise<never> => {
      await store.updateMission(m.id, { note: `waiting: ${reason}` }, this.ctx.clock.now());
      throw new RetryLater(reason, this.opts.retryDelayMs);
    };
    if (!dock || !drone || !type) return retry('dock, drone or drone type missing');
    if (dock.status !== 'idle') return retry(`dock ${dock.id} is ${dock.status}`);
    if (this.flights.has(drone.id) || drone.phase !== 'docked') return retry(`drone ${drone.id} is ${drone.phase}`);
    // drone-ops.md: launch wind limits (8–12 m/s class) are per drone type.
    if (dock.windMps !== null && dock.windMps >= type.windLimitMps) return retry(`wind ${dock.windMps} m/s at or above the ${type.windLimitMps} m/s limit`);
    if (dock.rain) return retry('raining at the dock');
    const needed = m.plan.batteryPct + type.reservePct;
    if (drone.batteryPct < needed) return retry(`battery ${drone.batteryPct} % below the ${needed.toFixed(1)} % the flight needs`);
    const unmet = unmetCondition(conditions, { at: this.ctx.clock.now(), batteryPct: drone.batteryPct, windMps: dock.windMps });
    if (unmet) return retry(unmet);
  }

  private async fly(m: MissionRecord): Promise<Json> {
    const { store, link, clock } = this.ctx;
    await store.updateDock(m.dockId, { status: 'preparing' }, clock.now());
    const up = await this.move(m, ['preflight'], 'uploading');
    if (!up) return this.finishEarly(m, 'aborted', 'aborted before upload');
    try {
      await link.upload(m.droneId, m.plan.items);
    } catch (err) {
      return this.finishEarly(up, 'failed', `upload failed: ${(err as Error).message}`);
    }
    const abortNote = this.pendingAbort.get(m.id);
    if (abortNote !== undefined) return this.finishEarly(up, 'aborted', abortNote);
    const landed = new Promise<MissionStatus>((resolve) => {
      const f: Flight = { missionId: m.id, dockId: m.dockId, done: resolve };
      // No landing in twice the planned time (+2 min) means the link or the vehicle is lost.
      f.timer = setTimeout(() => void this.land(m.droneId, f, 'failed', 'no landing reported in time'), m.plan.durationS * 2000 + 120_000);
      this.flights.set(m.droneId, f);
    });
    const flying = await this.move(up, ['uploading'], 'in_flight', undefined, { startedAt: clock.now() });
    await store.updateDock(m.dockId, { status: 'in_mission' }, clock.now());
    await store.updateDrone(m.droneId, { phase: 'taking_off' }, clock.now());
    try {
      if (!flying) throw new Error('mission left uploading');
      await link.start(m.droneId);
    } catch (err) {
      const f = this.flights.get(m.droneId);
      if (f) await this.land(m.droneId, f, 'failed', `start failed: ${(err as Error).message}`);
    }
    return { status: await landed };
  }

  private async finishEarly(m: MissionRecord, to: MissionStatus, note: string): Promise<Json> {
    this.pendingAbort.delete(m.id);
    await this.move(m, ['preflight', 'uploading'], to, note, { finishedAt: this.ctx.clock.now() });
    await this.ctx.store.updateDock(m.dockId, { status: 'idle' }, this.ctx.clock.now());
    await this.ctx.intents.remove(m.id);
    return { status: to };
  }

  /**
   * Abort (operator or pre-emption). Not yet flying: noted and honoured before start. Flying (in this
   * process): return to launch; the mission ends `aborted` when the drone lands. False if not active here.
   */
  async abortActive(m: MissionRecord, note: string): Promise<boolean> {
    const f = this.flights.get(m.droneId);
    if (f?.missionId === m.id) {
      f.abortNote = note;
      await this.ctx.link.returnToLaunch(m.droneId);
      return true;
    }
    if (m.status === 'preflight' || m.status === 'uploading') {
      this.pendingAbort.set(m.id, note);
      return true;
    }
    return false;
  }

  private async onLink(e: DroneLinkEvent): Promise<void> {
    const f = this.flights.get(e.droneId);
    const base = { droneId: e.droneId, dockId: f?.dockId ?? this.opts.dockOf?.(e.droneId) ?? '', at: e.at, ...(f ? { missionId: f.missionId } : {}) };
    switch (e.type) {
      case 'telemetry': {
        const last = this.lastTelemetry.get(e.droneId);
        if (last !== undefined && e.at - last < (this.opts.telemetryEveryMs ?? 1000) && e.at >= last) return;
        this.lastTelemetry.set(e.droneId, e.at);
        this.ctx.bus.emit('droneState', { ...base, phase: f ? 'in_flight' : 'docked', position: e.position, batteryPct: e.batteryPct });
        return;
      }
      case 'progress':
        this.ctx.bus.emit('droneState', { ...base, phase: 'in_flight', missionSeq: e.seq });
        if (f) await this.ctx.store.updateMission(f.missionId, { progressSeq: e.seq }, e.at);
        return;
      case 'phase':
        if (e.phase === 'returning' && f) await this.returning(f);
        this.ctx.bus.emit('droneState', { ...base, phase: e.phase === 'returning' || e.phase === 'landing' ? 'returning' : e.phase === 'on_ground' ? 'docked' : e.phase });
        return;
      case 'failure':
        if (f) f.failure = e.reason;
        return;
      case 'link':
      case 'failsafe':
      case 'uploadRefused':
        // Newer DroneLink events: the mission lifecycle does not act on them yet.
        return;
      case 'landed':
        await this.ctx.store.updateDrone(e.droneId, { phase: 'docked', batteryPct: e.batteryPct }, e.at);
        this.ctx.bus.emit('droneState', { ...base, phase: 'landed', batteryPct: e.batteryPct });
        if (f) await this.land(e.droneId, f, f.failure ? 'failed' : f.abortNote ? 'aborted' : 'completed', f.failure ?? f.abortNote);
        return;
    }
  }

  private async returning(f: Flight): Promise<void> {
    const m = await this.ctx.store.getMission(f.missionId);
    if (m) await this.move(m, ['in_flight'], 'returning', f.abortNote);
    await this.ctx.store.updateDock(f.dockId, { status: 'returning' }, this.ctx.clock.now());
  }

  private async land(droneId: string, f: Flight, to: MissionStatus, note?: string): Promise<void> {
    if (this.flights.get(droneId) !== f) return;
    this.flights.delete(droneId);
    clearTimeout(f.timer);
    const { store, clock } = this.ctx;
    const m = await store.getMission(f.missionId);
    if (m) await this.move(m, ['uploading', 'in_flight', 'returning'], to, note, { finishedAt: clock.now() });
    await store.updateDock(f.dockId, { status: 'idle' }, clock.now());
    await this.ctx.intents.remove(f.missionId);
    f.done(to);
  }
}
