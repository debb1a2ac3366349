/**
 * DroneOpsService (issue #4 parts 4, 6, 7): airspace administration, docks and drones, planning with
 * refusals as values, scheduling through the JobScheduler with airspace reserved as operational
 * intents (atomic check-and-commit; emergencies pre-empt patrols), alert dispatch, recurring patrols.
 * Registration (zones, types, docks, drones, patrols) lives in `registry.ts`; the flight lifecycle in
 * `runner.ts`.
 */
import { randomUUID } from 'node:crypto';
import { AppError, isAppError } from '../../kernel/errors.js';
import type { MissionStatus } from '../../kernel/events.js';
import { airspaceNear, createAirspace, type Airspace, type NoFlyZone, type OperationArea } from '../airspace.js';
import type { OnboardFence } from '../planner/onboard.js';
import { PRIORITY as INTENT_PRIORITY } from '../deconfliction.js';
import { chooseDock, type DockState } from '../dock-choice.js';
import { distanceM } from '../geo/enu.js';
import type { MissionRecord, PatrolRecord } from '../store/types.js';
import { airspaceChange, DEFAULT_TURNAROUND_S, intentFor, planFromDock } from './planning.js';
import { DroneOpsRegistry, type RegistryContext } from './registry.js';
import { resumedMission } from './resume.js';
import { ACTIVE, LAUNCH_KIND, MissionRunner } from './runner.js';
import { SafetyWatch } from './safety-watch.js';
import { DroneStateTracker } from './drone-state.js';
import { dispatchWithFallback } from './dispatch.js';
import { ferryHome, type FerryRequest } from './ferry.js';
import { CONDITIONS_KEY, conflictRefusal, launchJob, PATROL_KIND, patrolScheduleId, reconcile, refusedMission, UNFLYABLE, type Reconciled } from './scheduling.js';
import type { DispatchOutcome, DispatchRequest, DockRanking, PlanOutcome, PlanRequest, ScheduleOutcome, ScheduleWhen } from './types.js';

export { PATROL_KIND };

/** What one patrol firing came to (the composition root counts them). */
export interface PatrolFiring {
  patrolId: string;
  outcome: 'scheduled' | 'refused' | 'failed';
  reason?: string;
}

export interface DroneOpsServiceOptions extends RegistryContext {
  /** District fences (operation areas); the flight must stay inside their union unless a fenceId is given. */
  operationAreas: OperationArea[];
  /** District of a dock location (for its default fence and the API). */
  districtOf?: (lon: number, lat: number) => string | null;
  turnaroundS?: number;
  /** Launch attempts before a mission fails (dock busy, wind...; default 5). */
  launchAttempts?: number;
  /** Delay of a RetryLater (default 60 s). */
  retryDelayMs?: number;
  /** Told about every patrol firing (scheduled, refused with its reason, failed for good). */
  patrolFired?: (e: PatrolFiring) => void;
  /** Told what each reconciliation with the store rebuilt. */
  reconciled?: (r: Reconciled) => void;
}

export class DroneOpsService extends DroneOpsRegistry {
  readonly runner: MissionRunner;
  /** Ground-side safety monitoring of flying missions (geofence, battery, link). */
  readonly safety: SafetyWatch;
  /** Battery, position, heading, phase and link of every drone, following the link live. */
  readonly live: DroneStateTracker;
  private readonly offs: (() => void)[];
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconciling: Promise<Reconciled> | undefined;

  constructor(private readonly o: DroneOpsServiceOptions) {
    const live = new DroneStateTracker(o);
    super({ ...o, knowDrone: (d) => live.know(d) });
    this.live = live;
    this.runner = new MissionRunner(o, { retryDelayMs: o.retryDelayMs ?? 60_000, onPreempted: (ids, by) => this.preempt(ids, by), airspace: () => this.airspace(), dockOf: (id) => live.dockOf(id), serial: (id, fn) => live.serial(id, fn) });
    this.safety = new SafetyWatch(o, { airspace: () => this.airspace(), runner: this.runner });
    // Handlers are registered before the composition root starts the scheduler (JobScheduler.process).
    o.scheduler.process(LAUNCH_KIND, (job) => this.runner.launch(job));
    o.scheduler.process(PATROL_KIND, async (job) => this.firePatrol((job.payload as { patrolId: string }).patrolId));
    this.offs = [
      o.scheduler.on('failed', (e) => {
        if (e.kind === LAUNCH_KIND) void this.launchFailed(e.id.replace(/^mission:/, ''), e.reason).catch((err: unknown) => o.log.error({ err }, 'recording a failed launch'));
        if (e.kind === PATROL_KIND) void this.firingFailed(e.id, e.reason).catch((err: unknown) => o.log.error({ err }, 'recording a failed patrol firing'));
      }),
      // A Redis that comes back may have lost every job and schedule: rebuild them from the store.
      o.scheduler.on('available', () => void this.reconcile().catch((err: unknown) => o.log.error({ err }, 'rebuilding schedules after the scheduler came back'))),
    ];
  }

  /** Rebuilds now, then every `everyMs` (the store is the source of truth; see `reconcile`). */
  startReconciling(everyMs = 60_000): Promise<Reconciled> {
    clearInterval(this.reconcileTimer);
    this.reconcileTimer = setInterval(() => void this.reconcile().catch((err: unknown) => this.o.log.warn({ err }, 'schedule check failed')), everyMs);
    this.reconcileTimer.unref();
    return this.reconcile();
  }

  /**
   * Makes the scheduler and the intent registry agree with the store (patrol schedules, launch jobs of
   * scheduled missions, intents of scheduled and flying ones); what it had to rebuild is logged.
   */
  reconcile(): Promise<Reconciled> {
    this.reconciling ??= (async () => {
      try {
        const r = await reconcile(this.o, (m, note) => this.refuse(m, note, ['scheduled']));
        const rebuilt = Object.values(r).some((ids: string[]) => ids.length > 0);
        if (rebuilt) this.o.log.warn(r, 'scheduler was missing schedules, jobs or intents: rebuilt from the store');
        this.o.reconciled?.(r);
        return r;
      } finally {
        this.reconciling = undefined;
      }
    })();
    return this.reconciling;
  }

  /** After close(): resolves once the link events and state writes already under way are done (the store still open). */
  async settled(): Promise<void> {
    await Promise.all([this.live.settled(), this.runner.settled()]);
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
    clearInterval(this.reconcileTimer);
    this.live.close();
    this.runner.close();
    this.safety.close();
  }

  /** Breakpoint resume: a new mission from the last reached item of an aborted or failed one, scheduled now. */
  async resume(id: string, actor = 'system'): Promise<ScheduleOutcome> {
    const m = await this.mission(id);
    const { type } = await this.dockWithType(m.dockId);
    const now = this.o.clock.now();
    const next = resumedMission(m, type, now, `m-${randomUUID()}`);
    await this.o.store.insertMissions([next], actor);
    this.o.bus.emit('missionChanged', { missionId: next.id, dockId: next.dockId, droneId: next.droneId, from: null, to: 'planned', at: now, kind: next.kind, priority: next.priority, ...(next.note === null ? {} : { note: next.note }) });
    return this.schedule(next.id, { actor });
  }

  /** Flies a drone that landed away from its dock home to it, checked like every mission (ferry.ts). Throws DRONE_NOT_FOUND, DRONE_NOT_LANDED_AWAY. */
  ferry(droneId: string, req: FerryRequest = {}, actor = 'system'): Promise<ScheduleOutcome> {
    return ferryHome({ ...this.o, airspace: () => this.airspace(), schedule: (id, when) => this.schedule(id, when) }, droneId, req, actor);
  }

  /** A zone declared or changed while drones fly is checked against their way ahead at once, not at the next poll. */
  override async putZone(zone: NoFlyZone): Promise<NoFlyZone> {
    const stored = await super.putZone(zone);
    this.safety.recheckNow().catch((err: unknown) => this.o.log.error({ err, zoneId: zone.id }, 'checking flights against a new zone'));
    return stored;
  }

  async airspace(): Promise<Airspace> {
    const ceiling = await this.o.store.getSetting('ceilingM');
    return createAirspace({ operationAreas: this.o.operationAreas, noFlyZones: await this.o.store.listZones(), ...(ceiling ? { ceilingM: Number(ceiling) } : {}) });
  }

  /** Plans without storing: the mission(s) or a refusal naming the leg and zone, or the energy shortfall. */
  /** The fence and rally points a launch of this mission would send: at its launch time, or now. Throws MISSION_NOT_FOUND. */
  async onboardPreview(id: string): Promise<OnboardFence> {
    const m = await this.mission(id);
    const dock = await this.dock(m.dockId);
    const airspace = airspaceNear(await this.airspace(), m.plan.path, 5000);
    return this.runner.onboardFor(m, dock, airspace, m.runAt ?? this.o.clock.now());
  }

  async validate(req: PlanRequest): Promise<PlanOutcome> {
    const { dock, type } = await this.dockWithType(req.dockId);
    return planFromDock(await this.airspace(), dock.location, type, req.pattern, {
      at: req.startAt ?? this.o.clock.now(),
      ...(req.fenceId === undefined ? {} : { fenceId: req.fenceId }),
      turnaroundS: this.o.turnaroundS ?? DEFAULT_TURNAROUND_S,
    });
  }

  /** Plans and stores the mission (one per sortie, status `planned`), or returns the refusal. */
  async plan(req: PlanRequest, actor = 'system'): Promise<{ ok: true; missions: MissionRecord[] } | Extract<PlanOutcome, { ok: false }>> {
    const outcome = await this.validate(req);
    if (!outcome.ok) return outcome;
    const { drone } = await this.dockWithType(req.dockId);
    const now = this.o.clock.now();
    const groupId = `m-${randomUUID()}`;
    const missions: MissionRecord[] = outcome.sorties.map((s, i) => ({
      id: i === 0 ? groupId : `${groupId}-s${i + 1}`,
      kind: req.pattern.kind,
      status: 'planned',
      priority: INTENT_PRIORITY[req.priority ?? 'patrol'],
      dockId: req.dockId,
      droneId: drone.id,
      groupId,
      sortie: i + 1,
      sorties: outcome.sorties.length,
      patrolId: req.patrolId ?? null,
      alertId: req.alertId ?? null,
      request: { ...req, sortieOffsetMs: s.offsetMs } as unknown as Record<string, unknown>,
      plan: s.plan,
      runAt: null,
      startedAt: null,
      finishedAt: null,
      progressSeq: null,
      note: null,
      createdAt: now,
      updatedAt: now,
    }));
    await this.o.store.insertMissions(missions, actor);
    for (const m of missions) {
      // Like every later step (runner.move): stream and MQTT clients follow an alert's mission from its first event.
      const refs = { ...(m.patrolId === null ? {} : { patrolId: m.patrolId }), ...(m.alertId === null ? {} : { alertId: m.alertId }) };
      this.o.bus.emit('missionChanged', { missionId: m.id, dockId: m.dockId, droneId: m.droneId, from: null, to: 'planned', at: now, kind: m.kind, priority: m.priority, ...refs });
    }
    return { ok: true, missions };
  }

  /**
   * Reserves the mission's airspace from its start (atomic check-and-commit) and schedules its launch
   * (kind `mission.launch`, one job per dock at a time). A conflict with an equal or higher priority
   * intent is refused naming the mission and the next free slot; lower-priority intents are pre-empted.
   */
  async schedule(id: string, when: ScheduleWhen = {}): Promise<ScheduleOutcome> {
    const m = await this.mission(id);
    if (m.status !== 'planned') throw new AppError('MISSION_TRANSITION_INVALID', { message: `Mission ${id} is ${m.status}, not planned`, details: { id, status: m.status } });
    const now = this.o.clock.now();
    const startAt = Math.max(now, when.at ?? now);
    // drone-ops.md: airspace is checked when planned, when scheduled and at launch (zones declared since).
    const changed = airspaceChange(await this.airspace(), m.plan, startAt, typeof m.request.fenceId === 'string' ? m.request.fenceId : undefined);
    if (changed) {
      const message = `AIRSPACE_CHANGED at scheduling: ${changed.message}`;
      await this.refuse(m, `refused: ${message}`, ['planned'], when.actor);
      return { ok: false, reason: 'geofence', message, violations: [] };
    }
    const r = await this.o.intents.checkAndCommit(intentFor(m.id, m.plan, m.priority, startAt), now);
    if (!r.ok) {
      const refusal = conflictRefusal(r);
      // Never left `planned`: the refusal is the mission's last state, with its reason on the history.
      await this.refuse(m, `refused: ${refusal.message}`, ['planned'], when.actor);
      return refusal;
    }
    const preempted = [...r.preempted, ...(r.recall ?? [])].map((p) => p.owner ?? p.id);
    if (preempted.length > 0) await this.preempt(preempted, m);
    const next = await this.runner.move(m, ['planned'], 'scheduled', when.at === undefined ? 'launch now' : `launch at ${new Date(startAt).toISOString()}`, { runAt: when.at ?? null }, when.actor);
    if (!next) throw new AppError('MISSION_TRANSITION_INVALID', { message: `Mission ${id} changed while scheduling` });
    if (when.conditions) await this.o.store.setSetting(CONDITIONS_KEY + m.id, JSON.stringify(when.conditions));
    try {
      await this.o.scheduler.schedule(launchJob(m, { ...when, ...(when.at === undefined ? {} : { at: startAt }) }, this.o));
    } catch (err) {
      // Scheduler down (SCHEDULER_UNAVAILABLE, REDIS_NOT_DURABLE): the caller hears it now, and the
      // mission does not fly later behind its back.
      await this.refuse(next, `refused: not scheduled (${(err as Error).message})`, ['scheduled'], when.actor);
      throw err;
    }
    return { ok: true, mission: next, preempted };
  }

  /** A mission that will not fly: `refused` with the reason, its airspace released, a log line. */
  private async refuse(m: MissionRecord, note: string, from: readonly MissionStatus[] = ['planned'], actor?: string): Promise<void> {
    await this.runner.move(m, from, 'refused', note, { finishedAt: this.o.clock.now() }, actor);
    await this.o.intents.remove(m.id).catch((err: unknown) => this.o.log.warn({ err, missionId: m.id }, 'intent of a refused mission not released'));
    this.o.log.warn({ missionId: m.id, dockId: m.dockId, patrolId: m.patrolId, alertId: m.alertId, reason: note }, 'mission refused');
  }

  /**
   * Plans and schedules every sortie: the first at `when.at` (or now), the next after flight + turnaround.
   * When one sortie is refused the whole plan is: the sorties scheduled so far are withdrawn and every
   * sortie ends `refused` with the reason.
   */
  async planAndSchedule(req: PlanRequest, when: ScheduleWhen = {}): Promise<{ ok: true; missions: MissionRecord[]; preempted: string[] } | Exclude<ScheduleOutcome, { ok: true }>> {
    const planned = await this.plan(req, when.actor);
    if (!planned.ok) return planned;
    const start = when.at ?? this.o.clock.now();
    const out: MissionRecord[] = [];
    const preempted: string[] = [];
    for (const m of planned.missions) {
      const offset = Number(m.request.sortieOffsetMs ?? 0);
      let r: ScheduleOutcome;
      try {
        r = await this.schedule(m.id, { ...when, ...(m.sortie === 1 && when.at === undefined ? {} : { at: start + offset }) });
      } catch (err) {
        await this.withdraw(out, planned.missions, m, `sortie ${m.sortie} not scheduled: ${(err as Error).message}`, when.actor);
        throw err;
      }
      if (!r.ok) {
        await this.withdraw(out, planned.missions, m, `sortie ${m.sortie} refused: ${r.message}`, when.actor);
        return r;
      }
      out.push(r.mission);
      preempted.push(...r.preempted);
    }
    return { ok: true, missions: out, preempted };
  }

  /** The rest of a refused plan: scheduled sorties cancelled, unscheduled ones refused. */
  private async withdraw(scheduled: MissionRecord[], all: MissionRecord[], refused: MissionRecord, note: string, actor?: string): Promise<void> {
    for (const s of scheduled) {
      await this.o.scheduler.cancel(`mission:${s.id}`).catch(() => false);
      await this.refuse(s, note, ['scheduled'], actor);
    }
    for (const s of all.filter((x) => x.sortie > refused.sortie)) await this.refuse(s, note, ['planned'], actor);
  }

  /** Cancels a planned or scheduled mission, or aborts one in flight (return to launch). */
  async cancel(id: string, note = 'cancelled by operator', actor = 'system'): Promise<MissionRecord> {
    const m = await this.mission(id);
    if (m.status === 'planned' || m.status === 'scheduled') {
      await this.o.scheduler.cancel(`mission:${id}`);
      const next = await this.runner.move(m, ['planned', 'scheduled'], 'aborted', note, { finishedAt: this.o.clock.now() }, actor);
      await this.o.intents.remove(id);
      if (next) return next;
    } else if (ACTIVE.includes(m.status)) {
      if (!(await this.runner.abortActive(m, note, actor))) throw new AppError('MISSION_TRANSITION_INVALID', { message: `Mission ${id} is flown by another process`, details: { id, status: m.status } });
      return this.mission(id);
    }
    throw new AppError('MISSION_TRANSITION_INVALID', { message: `Mission ${id} is ${m.status}`, details: { id, status: m.status } });
  }

  /**
   * Every dock ranked for a point inspection at (lon, lat), read-only (nothing planned or reserved):
   * the available ones by ETA (`chooseDock`), the others with every reason and their distance. What an
   * alert's "nearest resources" show (domain.md must-have 10).
   */
  async rankDocks(req: { lon: number; lat: number; altM?: number; hoverS?: number }): Promise<DockRanking> {
    const [docks, drones, types, airspace] = await Promise.all([this.o.store.listDocks(), this.o.store.listDrones(), this.o.store.listDroneTypes(), this.airspace()]);
    const states: DockState[] = docks.map((d) => {
      const drone = drones.find((x) => x.id === d.droneId);
      return {
        id: d.id,
        pos: d.location,
        status: d.status,
        droneInDock: drone?.phase === 'docked',
        droneTypeId: drone?.typeId ?? '',
        batteryPct: drone?.batteryPct ?? 0,
        ...(d.windMps === null ? {} : { weather: { windMps: d.windMps, rain: d.rain } }),
        ...(d.reportedAt === null ? {} : { reportedAt: d.reportedAt }),
      };
    });
    const target = { lon: req.lon, lat: req.lat };
    const choice = chooseDock(target, states, Object.fromEntries(types.map((t) => [t.id, t])), { now: this.o.clock.now(), altM: req.altM ?? 60, onSiteS: req.hoverS ?? 60, airspace });
    const pos = new Map(states.map((d) => [d.id, d.pos]));
    const rejected = choice.rejected.map((r) => ({ ...r, distanceM: distanceM(pos.get(r.dockId) ?? target, target) })).sort((a, b) => a.distanceM - b.distanceM);
    return { ...(choice.chosen ? { chosen: choice.chosen } : {}), ranked: choice.ranked, rejected };
  }

  /**
   * Alert-triggered inspection (drone-ops.md): the nearest available dock by ETA (`chooseDock`), a
   * point inspection at emergency priority, scheduled now; patrol intents in its way are pre-empted.
   */
  async dispatchInspection(req: DispatchRequest, actor = 'system'): Promise<DispatchOutcome> {
    const ranking = await this.rankDocks({ lon: req.lon, lat: req.lat, altM: req.altM ?? 60, hoverS: req.hoverS ?? 60 });
    return dispatchWithFallback({ planAndSchedule: (r, w) => this.planAndSchedule(r, { ...w, actor }), typeOf: async (dockId) => (await this.dockWithType(dockId)).type, now: () => this.o.clock.now() }, req, ranking);
  }

  /**
   * One firing of a recurring patrol. Whatever happens is visible: the missions it scheduled, or a
   * `refused` mission with the reason (plan refused by a zone created since, energy, airspace
   * conflict, dock without a drone), a log line and `patrolFired` (the composition root counts them).
   */
  async firePatrol(patrolId: string): Promise<{ missions?: string[]; refused?: string }> {
    const p = await this.o.store.getPatrol(patrolId);
    if (!p) {
      // The store is the source of truth: a schedule without its patrol is an orphan.
      this.o.log.warn({ patrolId }, 'patrol firing for a deleted patrol: its schedule is removed');
      await this.o.scheduler.removeRecurring(patrolScheduleId(patrolId));
      this.o.patrolFired?.({ patrolId, outcome: 'refused', reason: 'patrol deleted' });
      return { refused: 'patrol deleted' };
    }
    if (p.paused) {
      // Paused between the firing being queued and now: no flight, and no schedule either.
      await this.o.scheduler.removeRecurring(patrolScheduleId(patrolId));
      this.o.patrolFired?.({ patrolId, outcome: 'refused', reason: 'patrol paused' });
      return { refused: 'patrol paused' };
    }
    const req = { ...(p.request as unknown as PlanRequest), dockId: p.dockId, priority: 'patrol' as const, patrolId };
    let r: Awaited<ReturnType<DroneOpsService['planAndSchedule']>>;
    try {
      r = await this.planAndSchedule(req, { actor: 'scheduler' });
    } catch (err) {
      if (!isAppError(err) || !UNFLYABLE.has(err.code)) throw err; // the job retries (scheduler, store down)
      r = { ok: false, reason: 'energy', message: err.message };
    }
    if (r.ok) {
      this.o.patrolFired?.({ patrolId, outcome: 'scheduled' });
      return { missions: r.missions.map((m) => m.id) };
    }
    // A conflict already left refused missions; a plan refusal has none yet: record the firing.
    const missions = r.reason === 'conflict' ? [] : [await this.recordRefusedFiring(p, req, r.message)];
    this.o.log.warn({ patrolId, reason: r.reason, message: r.message }, 'patrol firing refused');
    this.o.patrolFired?.({ patrolId, outcome: 'refused', reason: r.reason });
    return { refused: r.message, ...(missions.length > 0 ? { missions } : {}) };
  }

  /** A patrol firing that produced no plan, stored as a `refused` mission so the dispatcher sees it. */
  async recordRefusedFiring(p: PatrolRecord, req: PlanRequest, reason: string): Promise<string> {
    const dock = await this.o.store.getDock(p.dockId);
    const m = refusedMission(`m-${randomUUID()}`, p, req, dock?.droneId ?? '', `refused: ${reason}`, this.o.clock.now());
    await this.o.store.insertMissions([m], 'scheduler');
    this.o.bus.emit('missionChanged', { missionId: m.id, dockId: m.dockId, droneId: m.droneId, from: null, to: 'refused', at: m.createdAt, kind: m.kind, priority: m.priority, note: m.note ?? '', patrolId: p.id });
    return m.id;
  }

  private async preempt(ids: string[], by: MissionRecord): Promise<void> {
    for (const id of ids) {
      const m = await this.o.store.getMission(id);
      if (!m) continue;
      const note = `pre-empted by mission ${by.id} (priority ${by.priority})`;
      if (m.status === 'planned' || m.status === 'scheduled') {
        await this.o.scheduler.cancel(`mission:${id}`);
        await this.runner.move(m, ['planned', 'scheduled'], 'aborted', note, { finishedAt: this.o.clock.now() });
      } else if (ACTIVE.includes(m.status)) {
        await this.runner.abortActive(m, note);
      }
    }
  }

  /** A firing job that failed for good (LATE, retries exhausted): logged, counted, and a mission when possible. */
  private async firingFailed(jobId: string, reason: string): Promise<void> {
    // Firing ids are `patrol:<patrolId>:<firing time>` (BullMQ adds a `repeat:` prefix).
    const patrolId = /patrol:(.+):\d+$/.exec(jobId)?.[1];
    this.o.log.error({ jobId, patrolId, reason }, 'patrol firing failed');
    this.o.patrolFired?.({ patrolId: patrolId ?? jobId, outcome: 'failed', reason });
    const p = patrolId === undefined ? undefined : await this.o.store.getPatrol(patrolId);
    if (p) await this.recordRefusedFiring(p, { ...(p.request as unknown as PlanRequest), dockId: p.dockId }, `firing failed: ${reason}`);
  }

  private async launchFailed(id: string, reason: string): Promise<void> {
    const m = await this.o.store.getMission(id);
    if (!m) return;
    await this.runner.move(m, ['scheduled'], 'failed', `launch failed: ${reason}`, { finishedAt: this.o.clock.now() }, 'scheduler');
    await this.o.intents.remove(id);
  }
}
