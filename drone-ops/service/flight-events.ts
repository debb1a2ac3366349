/**
 * Following flights in the air from the link's events (the launch job has ended by then): telemetry
 * becomes `droneState` (1 Hz on the bus) and the breadcrumbs a return may reverse; the vehicle's phases
 * move the mission; a link that is lost and comes back leaves the mission to finish normally; vehicle
 * failsafes and refused uploads are alarms on the mission's history; `landed` ends the flight and only
 * then releases its airspace. A timer keeps every intent ahead of its flight (conformance in time). After
 * a process restart, a drone still in the air is adopted from the store on its first event.
 */
import type { DroneLinkEvent } from '../link/drone-link.js';
import { noteHistory, type DroneAlarms } from './alarms.js';
import { track, type Contingencies, type Flight } from './contingency.js';
import { Landings } from './landing.js';
import { intentFor } from './planning.js';
import { homeOf } from './resume.js';
import type { MissionStatus } from '../../kernel/events.js';
import type { MissionChanges, MissionRecord } from '../store/types.js';
import type { OpsContext } from './context.js';
import { alarmText } from '../alarm-messages.js';

/** What the events move: the runner's flights and lifecycle (MissionRunner implements it). */
export interface FlightHost {
  readonly flights: Map<string, Flight>;
  readonly finished: Set<string>;
  readonly contingencies: Contingencies;
  readonly alarms: DroneAlarms;
  move(m: MissionRecord, from: readonly MissionStatus[], to: MissionStatus, note?: string, changes?: MissionChanges, actor?: string): Promise<MissionRecord | undefined>;
  finish(f: Flight, to: MissionStatus, note?: string, actor?: string): Promise<void>;
}

/** Past the drone's endurance (plus this) it cannot be in the air: a flight never heard landing is closed. */
const ENDURANCE_GRACE_MS = 300_000;

export class FlightEvents {
  private readonly lastTelemetry = new Map<string, number>();
  private readonly adoptTried = new Map<string, number>();
  private readonly offLink: () => void;
  private readonly timer: NodeJS.Timeout;
  private readonly landings: Landings;
  /** Link events being handled (each may still read or write the store). */
  private readonly handling = new Set<Promise<void>>();

  constructor(
    private readonly ctx: OpsContext,
    private readonly runner: FlightHost,
    private readonly opts: { telemetryEveryMs: number; conformEveryMs: number; dockOf?: (droneId: string) => string | undefined; serial?: <T>(droneId: string, fn: () => Promise<T>) => Promise<T> },
  ) {
    this.landings = new Landings(ctx, runner.alarms);
    this.offLink = ctx.link.on((e) => {
      const p = this.onLink(e).catch((err: unknown) => ctx.log.error({ err, droneId: e.droneId }, 'drone link event failed'));
      this.handling.add(p);
      void p.finally(() => this.handling.delete(p));
    });
    this.timer = setInterval(() => void this.tick().catch((err: unknown) => ctx.log.error({ err }, 'flight conformance check failed')), opts.conformEveryMs);
    this.timer.unref();
  }

  close(): void {
    this.offLink();
    clearInterval(this.timer);
  }

  /** Resolves once the link events already received are handled (at shutdown, before the store closes). */
  async settled(): Promise<void> {
    await Promise.all([...this.handling]);
  }

  private async tick(): Promise<void> {
    const now = this.ctx.clock.now();
    for (const f of [...this.runner.flights.values()]) {
      if (now > f.launchedAt + f.type.enduranceS * 1000 + ENDURANCE_GRACE_MS) {
        await this.runner.finish(f, 'failed', f.linkLost ? 'link lost; no landing reported within the drone’s endurance' : 'no landing reported within the drone’s endurance', 'system');
        continue;
      }
      await this.runner.contingencies.conform(f);
    }
  }

  private async onLink(e: DroneLinkEvent): Promise<void> {
    const f = this.runner.flights.get(e.droneId) ?? (await this.adopt(e.droneId, e.at));
    const base = { droneId: e.droneId, dockId: f?.dockId ?? this.opts.dockOf?.(e.droneId) ?? '', at: e.at, ...(f ? { missionId: f.missionId } : {}) };
    switch (e.type) {
      case 'telemetry': {
        if (f) track(f, e.position);
        else await this.landings.telemetry(e.droneId, e.position, e.at);
        const last = this.lastTelemetry.get(e.droneId);
        if (last !== undefined && e.at - last < this.opts.telemetryEveryMs && e.at >= last) return;
        this.lastTelemetry.set(e.droneId, e.at);
        this.ctx.bus.emit('droneState', { ...base, phase: f ? (f.returnPlan ? 'returning' : 'in_flight') : this.landings.isAway(e.droneId) ? 'landed' : 'docked', position: e.position, batteryPct: e.batteryPct });
        return;
      }
      case 'progress':
        this.ctx.bus.emit('droneState', { ...base, phase: 'in_flight', missionSeq: e.seq });
        if (f && !f.returnPlan) await this.ctx.store.updateMission(f.missionId, { progressSeq: e.seq }, e.at);
        return;
      case 'phase':
        if (e.phase === 'returning' && f) await this.returning(f);
        this.ctx.bus.emit('droneState', { ...base, phase: e.phase === 'returning' || e.phase === 'landing' ? 'returning' : e.phase === 'on_ground' ? 'docked' : e.phase });
        return;
      case 'failure':
        if (!f) return;
        f.failure ??= e.reason;
        return noteHistory(this.ctx, f.missionId, `vehicle failure: ${e.reason}`, e.at, 'vehicle');
      case 'link':
        if (f) await this.link(f, e.state, e.at);
        return;
      case 'failsafe':
        if (f) await this.failsafe(f, e.reason, e.mode, e.at);
        return;
      case 'uploadRefused':
        if (f) await this.runner.contingencies.alarm(f, 'upload_refused', alarmText('alarm.upload_refused', { drone: e.droneId, missionType: alarmText(`upload.${e.missionType}`), reason: e.reason }), e.at);
        return;
      case 'image':
        this.ctx.bus.emit('droneImage', { ...base, ...e.image });
        return;
      case 'landed': {
        // Docked only where the vehicle says it touched down: at its dock (landing.ts).
        const check = (): Promise<string | undefined> => this.landings.landed(e, f?.missionId);
        const away = await (this.opts.serial ? this.opts.serial(e.droneId, check) : check());
        // `landed` on the stream means away from its dock (the console shows it so); at its dock it is docked.
        this.ctx.bus.emit('droneState', { ...base, phase: away === undefined ? 'docked' : 'landed', batteryPct: e.batteryPct, ...(e.position ? { position: e.position } : {}) });
        const note = [f?.failure ?? f?.abortNote, away].filter((x) => x !== undefined).join('; ');
        if (f) await this.runner.finish(f, f.failure ? 'failed' : f.abortNote ? 'aborted' : 'completed', note === '' ? undefined : note);
        return;
      }
    }
  }

  private async link(f: Flight, state: 'lost' | 'restored', at: number): Promise<void> {
    if (state === 'lost') {
      if (f.linkLost) return;
      f.linkLost = true;
      // The vehicle's lost-link action (prepare) flies it home; its airspace stays reserved meanwhile.
      await this.runner.contingencies.alarm(f, 'link_lost', alarmText('alarm.link_lost', { drone: f.droneId, mission: f.missionId }), at);
      return;
    }
    if (!f.linkLost) return;
    f.linkLost = false;
    await noteHistory(this.ctx, f.missionId, 'link restored', at);
  }

  /**
   * The autopilot changed mode on its own (wind, battery, fence, GCS loss). Its RTL flies straight home
   * through anything: unless that line is clear, the ground replaces it with a planned return. A LAND
   * failsafe is left alone.
   */
  private async failsafe(f: Flight, reason: string, mode: string | undefined, at: number): Promise<void> {
    await this.runner.contingencies.alarm(f, 'failsafe', alarmText('alarm.failsafe', { drone: f.droneId, reason, mode: mode ? alarmText('alarm.failsafe.mode', { mode }) : '' }), at);
    f.abortNote ??= `vehicle failsafe: ${reason}`;
    if (/land/i.test(mode ?? '') || f.returnPlan || this.runner.flights.get(f.droneId) !== f) return;
    await this.runner.contingencies.recall(f, `vehicle failsafe: ${reason}`);
  }

  private async returning(f: Flight): Promise<void> {
    const m = await this.ctx.store.getMission(f.missionId);
    if (m) await this.runner.move(m, ['in_flight'], 'returning', f.abortNote, undefined, 'vehicle');
    await this.ctx.store.updateDock(f.dockId, { status: 'returning' }, this.ctx.clock.now());
  }

  /** A drone this process does not follow but the store says is flying a mission (a restart): follow it again. */
  private async adopt(droneId: string, at: number): Promise<Flight | undefined> {
    const tried = this.adoptTried.get(droneId);
    if (tried !== undefined && at - tried < 5000 && at >= tried) return undefined;
    this.adoptTried.set(droneId, at);
    const { store } = this.ctx;
    const drone = await store.getDrone(droneId);
    if (!drone) return undefined;
    const m = (await store.listMissions({ dockId: drone.dockId, status: ['in_flight', 'returning'] })).find((x) => x.droneId === droneId && !this.runner.finished.has(x.id));
    const type = (await store.listDroneTypes()).find((t) => t.id === drone.typeId);
    if (!m || !type || this.runner.flights.has(droneId)) return this.runner.flights.get(droneId);
    const startedAt = m.startedAt ?? at;
    const intent = (await this.ctx.intents.list(at)).find((i) => i.id === m.id) ?? intentFor(m.id, m.plan, m.priority, startedAt, 'activated');
    const fenceId = typeof m.request.fenceId === 'string' ? m.request.fenceId : undefined;
    const f: Flight = { missionId: m.id, droneId, dockId: m.dockId, priority: m.priority, home: homeOf(m), type, speedMps: type.cruiseMps, ...(fenceId === undefined ? {} : { fenceId }), intent, launchedAt: startedAt, linkLost: false, nonconforming: false, breadcrumbs: [] };
    this.runner.flights.set(droneId, f);
    await this.ctx.intents.checkAndCommit(intent.state === undefined ? { ...intent, state: 'contingent' } : intent, at);
    this.ctx.log.info({ droneId, missionId: m.id }, 'following a flight again after a restart');
    return f;
  }
}
