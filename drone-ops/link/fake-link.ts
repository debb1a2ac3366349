/**
 * An in-memory fake vehicle behind the DroneLink port: it accepts an upload, then on start flies the
 * mission item by item on a timer (one NAV item per `stepMs`), reports progress, position and a falling
 * battery, returns and lands. Tests script the contingencies instead of mocking (refused fence or upload,
 * failure, autopilot failsafe, link cut for a while or for good): the service under test drives it
 * exactly as it would drive the MAVLink link, and `drone-link.conformance.ts` holds both to one contract.
 * This file is the port's calls and the scripted faults; the flying itself is in fake-vehicle.ts.
 */
import { AppError } from '../../kernel/errors.js';
import type { LonLatAlt } from '../geo/types.js';
import { fromDegE7, MAV_CMD, type MissionItem } from '../planner/mission.js';
import type { DroneLink, OnboardSafety } from './drone-link.js';
import { FakeFlights } from './fake-vehicle.js';
import { checkOnboardSafety, hasHomePlaceholder, returnRouteItems, withoutHome } from './mission-items.js';

export type { FakeDroneLinkOptions } from './fake-vehicle.js';

type Command = 'start' | 'hold' | 'returnVia';

export class FakeDroneLink extends FakeFlights implements DroneLink {
  private readonly uploadFailures = new Map<string, string>();
  private readonly fenceRefusals = new Map<string, string>();
  /** Every upload, in order, as the caller gave it. */
  readonly uploads: { droneId: string; items: MissionItem[] }[] = [];
  /** Every accepted on-board safety set, in order. */
  readonly prepared: { droneId: string; safety: OnboardSafety }[] = [];
  readonly commands: { droneId: string; command: Command }[] = [];

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
}
