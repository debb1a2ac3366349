/**
 * The flying of FakeDroneLink's in-memory vehicles (fake-link.ts is the port and the scripted faults): a
 * mission item by item on a timer (one NAV item per `stepMs`), a return route, the autopilot's own RTL to
 * the nearest of home and its rally points, the lost-link action, and the events a real link reports —
 * held back while the link is cut, re-announced when it is restored.
 */
import { EventBus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import { systemClock } from '../../kernel/clock.js';
import { distanceM } from '../geo/enu.js';
import type { LonLatAlt } from '../geo/types.js';
import { fromDegE7, MAV_CMD, type MissionItem } from '../planner/mission.js';
import type { DroneLinkEvent, OnboardSafety } from './drone-link.js';
import { isNavCommand, returnLegIndex } from './mission-items.js';

export interface FakeDroneLinkOptions {
  /** Time per mission item in flight (default 5 ms). */
  stepMs?: number;
  /** Battery used per item, percent (default 1). */
  drainPerItemPct?: number;
  /** A link down this long makes the vehicle take its lost-link action (default 10 steps). */
  linkFailsafeMs?: number;
  clock?: Clock;
}

export interface Vehicle {
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

export abstract class FakeFlights {
  private readonly bus = new EventBus<{ e: DroneLinkEvent }>();
  protected readonly vehicles = new Map<string, Vehicle>();
  protected readonly stepMs: number;
  private readonly drain: number;
  protected readonly linkFailsafeMs: number;
  protected readonly clock: Clock;

  constructor(opts: FakeDroneLinkOptions = {}) {
    this.stepMs = opts.stepMs ?? 5;
    this.drain = opts.drainPerItemPct ?? 1;
    this.linkFailsafeMs = opts.linkFailsafeMs ?? 10 * this.stepMs;
    this.clock = opts.clock ?? systemClock;
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

  protected vehicle(droneId: string): Vehicle {
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
  protected step(droneId: string, v: Vehicle, seq: number, phase: 'taking_off' | 'in_flight' | 'returning'): void {
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

  protected flyRoute(droneId: string, v: Vehicle, points: MissionItem[], i: number): void {
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
  protected goHome(droneId: string, v: Vehicle): void {
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

  protected lostLinkAction(droneId: string, v: Vehicle): void {
    if (!v.linkDown || !v.flying || !v.safety) return;
    clearTimeout(v.timer);
    const action = v.safety.lostLinkAction;
    this.emit(droneId, { type: 'failsafe', droneId, at: this.clock.now(), reason: 'ground link lost', mode: action === 'rtl' ? 'RTL' : 'LAND' });
    if (action === 'rtl') return this.goHome(droneId, v);
    this.phase(droneId, 'landing');
    this.land(droneId, v);
  }

  protected move(droneId: string, v: Vehicle, to: LonLatAlt): void {
    v.batteryPct = Math.max(0, v.batteryPct - this.drain);
    v.position = to;
    this.telemetry(droneId, v, to);
  }

  protected telemetry(droneId: string, v: Vehicle, position: LonLatAlt): void {
    this.emit(droneId, { type: 'telemetry', droneId, at: this.clock.now(), batteryPct: v.batteryPct, position });
  }

  protected phase(droneId: string, phase: 'taking_off' | 'in_flight' | 'returning' | 'landing'): void {
    this.emit(droneId, { type: 'phase', droneId, at: this.clock.now(), phase });
  }

  protected land(droneId: string, v: Vehicle): void {
    clearTimeout(v.timer);
    v.flying = false;
    v.items = [];
    if (v.position) v.position = { ...v.position, altM: 0 };
    this.emit(droneId, { type: 'landed', droneId, at: this.clock.now(), batteryPct: v.batteryPct, ...(v.position ? { position: v.position } : {}) });
  }

  protected emit(droneId: string, e: DroneLinkEvent): void {
    const v = this.vehicles.get(droneId);
    if (v?.linkDown) {
      if (KEPT_WHILE_DOWN.has(e.type)) v.pending.push(e);
      return;
    }
    this.bus.emit('e', e);
  }
}

