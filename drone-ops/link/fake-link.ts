/**
 * An in-memory fake vehicle behind the DroneLink port: it accepts an upload, then on start flies the
 * mission item by item on a timer (one NAV item per `stepMs`), reports progress, position and a falling
 * battery, returns and lands. Tests script the contingencies instead of mocking (refused fence or upload,
 * failure, autopilot failsafe, link cut for a while or for good): the service under test drives it
 * exactly as it would drive the MAVLink link, and `drone-link.conformance.ts` holds both to one contract.
 */
import { AppError } from '../../kernel/errors.js';
import { EventBus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import { systemClock } from '../../kernel/clock.js';
import { distanceM } from '../geo/enu.js';
import type { LonLatAlt } from '../geo/types.js';
import { fromDegE7, MAV_CMD, type MissionItem } from '../planner/mission.js';
import type { DroneLink, DroneLinkEvent, OnboardSafety } from './drone-link.js';
import { checkOnboardSafety, hasHomePlaceholder, isNavCommand, returnLegIndex, returnRouteItems, withoutHome } from './mission-items.js';

export interface FakeDroneLinkOptions {
  /** Time per mission item in flight (default 5 ms). */
  stepMs?: number;
  /** Battery used per item, percent (default 1). */
  drainPerItemPct?: number;
  /** A link down this long makes the vehicle take its lost-link action (default 10 steps). */
  linkFailsafeMs?: number;
  clock?: Clock;
}

type Command = 'start' | 'hold' | 'returnVia';

interface Vehicle {
  items: MissionItem[];
  /** 1 when the caller's items began with a home placeholder: progress is reported in the caller's numbering. */
  seqOffset: number;
  home: LonLatAlt | undefined;
  position: LonLatAlt | undefined;
  batteryPct: number;
  flying: boolean;
  timer?: NodeJS.Timeout;
  safety?: OnboardSafety;
  /** Link state: while down, state-changing events wait for the restore and telemetry is lost. */
  linkDown: boolean;
  pending: DroneLinkEvent[];
  linkTimers: NodeJS.Timeout[];
}

/** Events a vehicle re-announces once the link is back (its HEARTBEAT mode, landed state, STATUSTEXT). */
const KEPT_WHILE_DOWN = new Set<DroneLinkEvent['type']>(['phase', 'landed', 'failsafe', 'failure']);

export class FakeDroneLink implements DroneLink {
  private readonly bus = new EventBus<{ e: DroneLinkEvent }>();
  private readonly vehicles = new Map<string, Vehicle>();
  private readonly stepMs: number;
  private readonly drain: number;
  private readonly linkFailsafeMs: number;
  private readonly clock: Clock;
  private readonly uploadFailures = new Map<string, string>();
  private readonly fenceRefusals = new Map<string, string>();
  /** Every upload, in order, as the caller gave it. */
  readonly uploads: { droneId: string; items: MissionItem[] }[] = [];
  /** Every accepted on-board safety set, in order. */
  readonly prepared: { droneId: string; safety: OnboardSafety }[] = [];
  readonly commands: { droneId: string; command: Command }[] = [];

  constructor(opts: FakeDroneLinkOptions = {}) {
    this.stepMs = opts.stepMs ?? 5;
    this.drain = opts.drainPerItemPct ?? 1;
    this.linkFailsafeMs = opts.linkFailsafeMs ?? 10 * this.stepMs;
    this.clock = opts.clock ?? systemClock;
  }

  /** The next upload to this drone fails with MAVLINK_TIMEOUT and `reason`. */
  failNextUpload(droneId: string, reason = 'no MISSION_REQUEST_INT after 5 retries'): void {
    this.uploadFailures.set(droneId, reason);
  }

  /** Every fence upload to this drone is refused until the returned function is called. */
  refuseFence(droneId: string, reason = 'fence upload refused: NO_SPACE'): () => void {
    this.fenceRefusals.set(droneId, reason);
    return () => this.fenceRefusals.delete(droneId);
  }

  /** Reports a failure now and lands the drone where it is. */
  failInFlight(droneId: string, reason: string): void {
    const v = this.vehicles.get(droneId);
    if (!v?.flying) return;
    clearTimeout(v.timer);
    this.emit(droneId, { type: 'failure', droneId, at: this.clock.now(), reason });
    this.land(droneId, v);
  }

  /** The autopilot's own failsafe (wind, battery, fence): it switches to RTL and flies straight home. */
  autopilotFailsafe(droneId: string, reason: string): void {
    const v = this.vehicles.get(droneId);
    if (!v?.flying) return;
    clearTimeout(v.timer);
    this.emit(droneId, { type: 'failsafe', droneId, at: this.clock.now(), reason, mode: 'RTL' });
    this.goHome(droneId, v);
  }

  /**
   * Cuts the link now, restored after `forMs` (never when absent). Down for the failsafe time, a vehicle
   * that was prepared takes its lost-link action and announces it once the link is back; an unprepared
   * one carries on (autopilots ship with the GCS failsafe off).
   */
  cutLink(droneId: string, forMs?: number): void {
    const v = this.vehicle(droneId);
    if (v.linkDown) return;
    const at = this.clock.now();
    this.emit(droneId, { type: 'link', droneId, at, state: 'lost' });
    v.linkDown = true;
    v.linkTimers.push(setTimeout(() => this.lostLinkAction(droneId, v), this.linkFailsafeMs));
    if (forMs !== undefined) v.linkTimers.push(setTimeout(() => this.restoreLink(droneId), forMs));
  }

  restoreLink(droneId: string): void {
    const v = this.vehicle(droneId);
    if (!v.linkDown) return;
    v.linkDown = false;
    for (const t of v.linkTimers.splice(0)) clearTimeout(t);
    this.emit(droneId, { type: 'link', droneId, at: this.clock.now(), state: 'restored' });
    for (const e of v.pending.splice(0)) this.emit(droneId, { ...e, at: this.clock.now() });
    if (v.position) this.telemetry(droneId, v, v.position);
  }

  /** A vehicle on the ground carried to `to` (back to its dock, say): it reports its position there. */
  carryTo(droneId: string, to: { lon: number; lat: number }): void {
    const v = this.vehicle(droneId);
    if (v.flying) return;
    v.position = { lon: to.lon, lat: to.lat, altM: 0 };
    this.telemetry(droneId, v, v.position);
  }

  isFlying(droneId: string): boolean {
    return this.vehicles.get(droneId)?.flying ?? false;
  }

  /** The safety set the vehicle holds (last accepted prepare), for assertions. */
  onboard(droneId: string): OnboardSafety | undefined {
    return this.vehicles.get(droneId)?.safety;
  }

  prepare(droneId: string, safety: OnboardSafety): Promise<void> {
    try {
      checkOnboardSafety(droneId, safety);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const refusal = this.fenceRefusals.get(droneId);
    if (refusal !== undefined) {
      this.emit(droneId, { type: 'uploadRefused', droneId, at: this.clock.now(), missionType: 'fence', reason: refusal });
      return Promise.reject(new AppError('FENCE_REFUSED', { message: `${droneId}: ${refusal}`, details: { droneId, reason: refusal } }));
    }
    this.vehicle(droneId).safety = safety;
    this.prepared.push({ droneId, safety });
    return Promise.resolve();
  }

  upload(droneId: string, items: MissionItem[]): Promise<void> {
    const failure = this.uploadFailures.get(droneId);
    if (failure !== undefined) {
      this.uploadFailures.delete(droneId);
      this.emit(droneId, { type: 'uploadRefused', droneId, at: this.clock.now(), missionType: 'mission', reason: failure });
      return Promise.reject(new AppError('MAVLINK_TIMEOUT', { message: `mission upload to ${droneId} failed: ${failure}` }));
    }
    const v = this.vehicle(droneId);
    if (v.flying) return Promise.reject(new AppError('MAVLINK_NACK', { message: `${droneId} is flying; mission upload refused` }));
    const placeholder = hasHomePlaceholder(items) ? items[0] : undefined;
    v.items = withoutHome(items);
    v.seqOffset = placeholder ? 1 : 0;
    const takeoff = v.items.find((i) => i.command === MAV_CMD.NAV_TAKEOFF) ?? placeholder;
    if (takeoff) v.home = { lon: fromDegE7(takeoff.y), lat: fromDegE7(takeoff.x), altM: 0 };
    this.uploads.push({ droneId, items: items.map((i) => ({ ...i })) });
    return Promise.resolve();
  }

  start(droneId: string): Promise<void> {
    const v = this.vehicle(droneId);
    if (v.items.length === 0 || v.flying) return Promise.reject(new AppError('MAVLINK_NACK', { message: `${droneId} has no mission or is flying` }));
    this.commands.push({ droneId, command: 'start' });
    v.flying = true;
    this.phase(droneId, 'taking_off');
    this.step(droneId, v, 0, 'taking_off');
    return Promise.resolve();
  }

  returnVia(droneId: string, route: LonLatAlt[], speedMps: number): Promise<void> {
    const v = this.vehicle(droneId);
    let items: MissionItem[];
    try {
      items = returnRouteItems(route, speedMps);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (!v.flying) return Promise.reject(new AppError('MAVLINK_NACK', { message: `${droneId} is not airborne; nothing to return` }));
    this.commands.push({ droneId, command: 'returnVia' });
    clearTimeout(v.timer);
    this.phase(droneId, 'returning');
    this.flyRoute(droneId, v, items.filter((i) => i.command === MAV_CMD.NAV_WAYPOINT), 0);
    return Promise.resolve();
  }

  hold(droneId: string): Promise<void> {
    const v = this.vehicle(droneId);
    if (!v.flying) return Promise.reject(new AppError('MAVLINK_NACK', { message: `${droneId} is not airborne; cannot hold` }));
    this.commands.push({ droneId, command: 'hold' });
    clearTimeout(v.timer);
    const here = (): void => {
      if (v.position) this.telemetry(droneId, v, v.position);
      v.timer = setTimeout(here, this.stepMs);
    };
    v.timer = setTimeout(here, this.stepMs);
    return Promise.resolve();
  }

  on(listener: (e: DroneLinkEvent) => void): () => void {
    return this.bus.on('e', listener);
  }

  /** Stops every timer (tests call it in afterEach). */
  close(): void {
    for (const v of this.vehicles.values()) {
      clearTimeout(v.timer);
      for (const t of v.linkTimers.splice(0)) clearTimeout(t);
    }
  }

  private vehicle(droneId: string): Vehicle {
    let v = this.vehicles.get(droneId);
    if (!v) {
      v = { items: [], seqOffset: 0, home: undefined, position: undefined, batteryPct: 100, flying: false, linkDown: false, pending: [], linkTimers: [] };
      this.vehicles.set(droneId, v);
    }
    return v;
  }

  /**
   * Flies to item `seq` (DO items take no time); RETURN_TO_LAUNCH starts the return, NAV_LAND lands there
   * (it is reached by landing: no progress for it). From the way home on (returnLegIndex) it is `returning`.
   */
  private step(droneId: string, v: Vehicle, seq: number, phase: 'taking_off' | 'in_flight' | 'returning'): void {
    v.timer = setTimeout(() => {
      let s = seq;
      while (v.items[s] && !isNavCommand(v.items[s]?.command ?? 0)) s++;
      const item = v.items[s];
      if (!item || item.command === MAV_CMD.NAV_RETURN_TO_LAUNCH) return this.goHome(droneId, v);
      const at = this.clock.now();
      const next = s >= (returnLegIndex(v.items) ?? Infinity) ? 'returning' : phase === 'taking_off' && item.command !== MAV_CMD.NAV_TAKEOFF ? 'in_flight' : phase;
      if (next !== phase) this.phase(droneId, next);
      const land = item.command === MAV_CMD.NAV_LAND;
      if (!land) this.emit(droneId, { type: 'progress', droneId, at, seq: s + v.seqOffset, total: v.items.length + v.seqOffset });
      this.move(droneId, v, { lon: fromDegE7(item.y), lat: fromDegE7(item.x), altM: land ? 0 : item.z });
      if (land) {
        this.phase(droneId, 'landing');
        return this.land(droneId, v);
      }
      this.step(droneId, v, s + 1, next);
    }, this.stepMs);
  }

  private flyRoute(droneId: string, v: Vehicle, points: MissionItem[], i: number): void {
    v.timer = setTimeout(() => {
      const p = points[i];
      if (p) {
        this.move(droneId, v, { lon: fromDegE7(p.y), lat: fromDegE7(p.x), altM: p.z });
        return this.flyRoute(droneId, v, points, i + 1);
      }
      const last = v.position;
      this.phase(droneId, 'landing');
      if (last) this.move(droneId, v, { ...last, altM: 0 });
      this.land(droneId, v);
    }, this.stepMs);
  }

  /**
   * The autopilot's RTL: to the nearest of home and the rally points on board, chosen when it starts
   * (ArduPilot AP_Rally, PX4 RTL_TYPE 0), then down there.
   */
  private goHome(droneId: string, v: Vehicle): void {
    this.phase(droneId, 'returning');
    const here = v.position;
    const dest = here && v.home ? [v.home, ...(v.safety?.rally ?? [])].reduce((a, b) => (distanceM(b, here) < distanceM(a, here) ? b : a)) : v.home;
    v.timer = setTimeout(() => {
      // Over the spot: report the position there, as a real vehicle's telemetry does while it lands.
      if (dest) this.move(droneId, v, { lon: dest.lon, lat: dest.lat, altM: 0 });
      this.phase(droneId, 'landing');
      this.land(droneId, v);
    }, this.stepMs);
  }

  private lostLinkAction(droneId: string, v: Vehicle): void {
    if (!v.linkDown || !v.flying || !v.safety) return;
    clearTimeout(v.timer);
    const action = v.safety.lostLinkAction;
    this.emit(droneId, { type: 'failsafe', droneId, at: this.clock.now(), reason: 'ground link lost', mode: action === 'rtl' ? 'RTL' : 'LAND' });
    if (action === 'rtl') return this.goHome(droneId, v);
    this.phase(droneId, 'landing');
    this.land(droneId, v);
  }

  private move(droneId: string, v: Vehicle, to: LonLatAlt): void {
    v.batteryPct = Math.max(0, v.batteryPct - this.drain);
    v.position = to;
    this.telemetry(droneId, v, to);
  }

  private telemetry(droneId: string, v: Vehicle, position: LonLatAlt): void {
    this.emit(droneId, { type: 'telemetry', droneId, at: this.clock.now(), batteryPct: v.batteryPct, position });
  }

  private phase(droneId: string, phase: 'taking_off' | 'in_flight' | 'returning' | 'landing'): void {
    this.emit(droneId, { type: 'phase', droneId, at: this.clock.now(), phase });
  }

  private land(droneId: string, v: Vehicle): void {
    clearTimeout(v.timer);
    v.flying = false;
    v.items = [];
    if (v.position) v.position = { ...v.position, altM: 0 };
    this.emit(droneId, { type: 'landed', droneId, at: this.clock.now(), batteryPct: v.batteryPct, ...(v.position ? { position: v.position } : {}) });
  }

  private emit(droneId: string, e: DroneLinkEvent): void {
    const v = this.vehicles.get(droneId);
    if (v?.linkDown) {
      if (KEPT_WHILE_DOWN.has(e.type)) v.pending.push(e);
      return;
    }
    this.bus.emit('e', e);
  }
}
