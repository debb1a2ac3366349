/**
 * An in-memory fake vehicle behind the DroneLink port: it accepts an upload, then on start flies the
 * mission item by item on a timer (one item per `stepMs`), reports progress, position and a falling
 * battery, returns and lands. Tests script failures (`failNextUpload`, `failInFlight`) instead of
 * mocking: the service under test drives it exactly as it would drive the MAVLink link.
 */
import { AppError } from '../../kernel/errors.js';
import { EventBus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import { systemClock } from '../../kernel/clock.js';
import { fromDegE7, MAV_CMD, type MissionItem } from '../planner/mission.js';
import type { DroneLink, DroneLinkEvent } from './drone-link.js';

export interface FakeDroneLinkOptions {
  /** Time per mission item in flight (default 5 ms). */
  stepMs?: number;
  /** Battery used per item, percent (default 1). */
  drainPerItemPct?: number;
  clock?: Clock;
}

interface Vehicle {
  items: MissionItem[];
  batteryPct: number;
  flying: boolean;
  rtl: boolean;
  timer?: NodeJS.Timeout;
}

export class FakeDroneLink implements DroneLink {
  private readonly bus = new EventBus<{ e: DroneLinkEvent }>();
  private readonly vehicles = new Map<string, Vehicle>();
  private readonly stepMs: number;
  private readonly drain: number;
  private readonly clock: Clock;
  private uploadFailures = new Map<string, string>();
  /** Every upload, in order: what the vehicle received. */
  readonly uploads: { droneId: string; items: MissionItem[] }[] = [];
  readonly commands: { droneId: string; command: 'start' | 'rtl' }[] = [];

  constructor(opts: FakeDroneLinkOptions = {}) {
    this.stepMs = opts.stepMs ?? 5;
    this.drain = opts.drainPerItemPct ?? 1;
    this.clock = opts.clock ?? systemClock;
  }

  /** The next upload to this drone fails with MAVLINK_TIMEOUT and `reason`. */
  failNextUpload(droneId: string, reason = 'no MISSION_REQUEST_INT after 5 retries'): void {
    this.uploadFailures.set(droneId, reason);
  }

  /** Reports a failure now and lands the drone where it is (a failsafe). */
  failInFlight(droneId: string, reason: string): void {
    const v = this.vehicles.get(droneId);
    if (!v?.flying) return;
    clearTimeout(v.timer);
    this.emit({ type: 'failure', droneId, at: this.clock.now(), reason });
    this.land(droneId, v);
  }

  isFlying(droneId: string): boolean {
    return this.vehicles.get(droneId)?.flying ?? false;
  }

  upload(droneId: string, items: MissionItem[]): Promise<void> {
    const failure = this.uploadFailures.get(droneId);
    if (failure !== undefined) {
      this.uploadFailures.delete(droneId);
      return Promise.reject(new AppError('MAVLINK_TIMEOUT', { message: `mission upload to ${droneId} failed: ${failure}` }));
    }
    const v = this.vehicle(droneId);
    if (v.flying) return Promise.reject(new AppError('MAVLINK_TIMEOUT', { message: `${droneId} is flying; upload refused` }));
    v.items = items.map((i) => ({ ...i }));
    this.uploads.push({ droneId, items: v.items });
    return Promise.resolve();
  }

  start(droneId: string): Promise<void> {
    const v = this.vehicle(droneId);
    if (v.items.length === 0 || v.flying) return Promise.reject(new AppError('MAVLINK_TIMEOUT', { message: `${droneId} has no mission or is flying` }));
    this.commands.push({ droneId, command: 'start' });
    v.flying = true;
    v.rtl = false;
    this.emit({ type: 'phase', droneId, at: this.clock.now(), phase: 'taking_off' });
    this.step(droneId, v, 1);
    return Promise.resolve();
  }

  returnToLaunch(droneId: string): Promise<void> {
    const v = this.vehicle(droneId);
    this.commands.push({ droneId, command: 'rtl' });
    if (!v.flying) return Promise.resolve();
    clearTimeout(v.timer);
    this.goHome(droneId, v);
    return Promise.resolve();
  }

  on(listener: (e: DroneLinkEvent) => void): () => void {
    return this.bus.on('e', listener);
  }

  /** Stops every timer (tests call it in afterEach). */
  close(): void {
    for (const v of this.vehicles.values()) clearTimeout(v.timer);
  }

  private vehicle(droneId: string): Vehicle {
    let v = this.vehicles.get(droneId);
    if (!v) {
      v = { items: [], batteryPct: 100, flying: false, rtl: false };
      this.vehicles.set(droneId, v);
    }
    return v;
  }

  /** Flies to item `seq`; RETURN_TO_LAUNCH ends the mission part. */
  private step(droneId: string, v: Vehicle, seq: number): void {
    v.timer = setTimeout(() => {
      const item = v.items[seq];
      if (!item || item.command === MAV_CMD.NAV_RETURN_TO_LAUNCH) {
        this.goHome(droneId, v);
        return;
      }
      const at = this.clock.now();
      v.batteryPct = Math.max(0, v.batteryPct - this.drain);
      if (seq === 2) this.emit({ type: 'phase', droneId, at, phase: 'in_flight' });
      this.emit({ type: 'progress', droneId, at, seq, total: v.items.length });
      this.emit({ type: 'telemetry', droneId, at, batteryPct: v.batteryPct, position: { lon: fromDegE7(item.y), lat: fromDegE7(item.x), altM: item.z } });
      this.step(droneId, v, seq + 1);
    }, this.stepMs);
  }

  private goHome(droneId: string, v: Vehicle): void {
    v.rtl = true;
    this.emit({ type: 'phase', droneId, at: this.clock.now(), phase: 'returning' });
    v.timer = setTimeout(() => {
      const at = this.clock.now();
      // Over the dock (item 0 is home, planner convention): report the position there, as a real
      // vehicle's telemetry does while it lands (found missing by drone-link.conformance.ts).
      const home = v.items[0];
      if (home) this.emit({ type: 'telemetry', droneId, at, batteryPct: v.batteryPct, position: { lon: fromDegE7(home.y), lat: fromDegE7(home.x), altM: 0 } });
      this.emit({ type: 'phase', droneId, at, phase: 'landing' });
      this.land(droneId, v);
    }, this.stepMs);
  }

  private land(droneId: string, v: Vehicle): void {
    v.flying = false;
    v.items = [];
    this.emit({ type: 'landed', droneId, at: this.clock.now(), batteryPct: v.batteryPct });
  }

  private emit(e: DroneLinkEvent): void {
    this.bus.emit('e', e);
  }
}
