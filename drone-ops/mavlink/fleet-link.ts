import { EventBus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import { systemClock } from '../../kernel/clock.js';
import { AppError, isAppError } from '../../kernel/errors.js';
import type { LonLatAlt } from '../geo/types.js';
import type { DroneLink, DroneLinkEvent, OnboardSafety, UploadKind } from '../link/drone-link.js';
import { checkOnboardSafety, hasHomePlaceholder, returnLegIndex, returnRouteItems, withoutHome } from '../link/mission-items.js';
import { MAV_CMD, MAV_FRAME, MAV_MISSION_TYPE, toDegE7, type MissionItem } from '../planner/mission.js';
import { DroneTracker } from './drone-tracker.js';
import { DEFAULT_FENCE_LIMITS, onboardItems, onboardParams, type FenceLimits } from './onboard.js';
import type { VehicleLink } from './vehicle-link.js';

interface Attached {
  link: VehicleLink;
  tracker: DroneTracker;
  off: (() => void)[];
}

/**
 * The fleet-level DroneLink port (drone-ops/link) over one MAVLink session per drone. Per autopilot
 * (drone-ops.md "What real autopilots do"): ArduPilot gets a home item 0 in front of the port's items and
 * is armed in GUIDED (ArduCopter refuses to arm in AUTO), then MISSION_START; PX4 gets the items as they
 * are (no home item) and is armed, then MISSION_START. Telemetry becomes the port's events through a
 * DroneTracker per drone.
 */
export class MavlinkDroneLink implements DroneLink {
  private readonly bus = new EventBus<{ e: DroneLinkEvent }>();
  private readonly links = new Map<string, Attached>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly fenceLimits: FenceLimits = DEFAULT_FENCE_LIMITS,
  ) {}

  /** Attach a vehicle session under `droneId` (connected or still connecting). */
  add(droneId: string, link: VehicleLink): void {
    this.remove(droneId);
    const emit = (e: DroneLinkEvent): void => this.bus.emit('e', e);
    const tracker = new DroneTracker(droneId, emit);
    const now = (): number => this.clock.now();
    const off = [
      link.events.on('state', (s) => tracker.onState(s, now())),
      link.events.on('reached', ({ seq }) => tracker.onReached(seq, now())),
      link.events.on('image', (image) => emit({ type: 'image', droneId, at: now(), image })),
      link.events.on('statustext', ({ severity, text }) => tracker.onText(severity, text, now())),
      link.events.on('health', ({ to }) => tracker.onHealth(to, now())),
      link.events.on('autopilot-mismatch', () => tracker.onMismatch(link.mismatch?.message ?? 'autopilot mismatch', now())),
    ];
    this.links.set(droneId, { link, tracker, off });
    // Already connected to the wrong autopilot: say so to whoever subscribes right after attaching.
    const known = link.mismatch;
    if (known) queueMicrotask(() => tracker.onMismatch(known.message, now()));
  }

  remove(droneId: string): void {
    this.links.get(droneId)?.off.forEach((f) => f());
    this.links.delete(droneId);
  }

  async prepare(droneId: string, safety: OnboardSafety): Promise<void> {
    const { link } = this.get(droneId);
    checkOnboardSafety(droneId, safety);
    const ap = link.autopilot;
    if (ap === 'generic') throw new AppError('FENCE_REFUSED', { message: `${droneId}: unknown autopilot, cannot configure its fence`, details: { droneId } });
    const { fence, rally } = onboardItems(safety, this.fenceLimits);
    await this.refusedAs(droneId, 'fence', 'FENCE_REFUSED', () => link.uploadFence(fence));
    await this.refusedAs(droneId, 'rally', 'FENCE_REFUSED', () => link.uploadRally(rally));
    for (const w of onboardParams(ap, safety)) await this.refusedAs(droneId, 'fence', 'FENCE_REFUSED', () => link.setParam(w), `parameter ${w.name}`);
  }

  async upload(droneId: string, items: MissionItem[]): Promise<void> {
    const { link, tracker } = this.get(droneId);
    const port = withoutHome(items);
    const vehicleItems = this.forVehicle(link, port, hasHomePlaceholder(items) ? items[0] : undefined);
    await this.refusedAs(droneId, 'mission', undefined, () => link.uploadMission(vehicleItems));
    const shift = vehicleItems.length - port.length - (hasHomePlaceholder(items) ? 1 : 0);
    tracker.plan = {
      seqShift: shift, callerTotal: items.length, returnRoute: false,
      takeoffSeq: indexOf(vehicleItems, MAV_CMD.NAV_TAKEOFF), rtlSeq: indexOf(vehicleItems, MAV_CMD.NAV_RETURN_TO_LAUNCH), returnSeq: returnLegIndex(vehicleItems),
    };
  }

  async start(droneId: string): Promise<void> {
    const { link } = this.get(droneId);
    // ArduCopter refuses to arm in AUTO (AUTO_OPTIONS), RTL or LAND: arm in GUIDED; MISSION_START switches
    // to AUTO. PX4 arms in HOLD (AUTO.LOITER) or MISSION, not in RTL or LAND where a finished flight leaves it.
    if (link.autopilot !== 'px4' && link.state.mode !== 'guided') await link.setMode('guided');
    if (link.autopilot === 'px4' && link.state.mode !== 'hold' && link.state.mode !== 'mission') await link.setMode('hold');
    await link.arm();
    await link.startMission();
  }

  async returnVia(droneId: string, route: LonLatAlt[], speedMps: number): Promise<void> {
    const { link, tracker } = this.get(droneId);
    const port = returnRouteItems(route, speedMps);
    // Stop where we are first, so the old mission does not carry on while the route uploads.
    await link.setMode('hold');
    const vehicleItems = this.forVehicle(link, port, undefined);
    await this.refusedAs(droneId, 'mission', undefined, () => link.uploadMission(vehicleItems));
    tracker.plan = { seqShift: vehicleItems.length - port.length, callerTotal: port.length, returnRoute: true, takeoffSeq: undefined, rtlSeq: undefined, returnSeq: undefined };
    await link.startMission();
  }

  async hold(droneId: string): Promise<void> {
    await this.get(droneId).link.setMode('hold');
  }

  on(listener: (e: DroneLinkEvent) => void): () => void {
    return this.bus.on('e', listener);
  }

  /** ArduPilot treats item 0 as home and overwrites it: give it one (the placeholder, else the take-off point). */
  private forVehicle(link: VehicleLink, port: MissionItem[], placeholder: MissionItem | undefined): MissionItem[] {
    if (link.autopilot === 'px4') return port;
    const home = link.state.home;
    const at = placeholder ?? port.find((i) => i.command === MAV_CMD.NAV_TAKEOFF);
    const item0: MissionItem = {
      seq: 0, frame: MAV_FRAME.GLOBAL, command: MAV_CMD.NAV_WAYPOINT, current: 1, autocontinue: 1, param1: 0, param2: 0, param3: 0, param4: 0,
      x: at?.x ?? (home ? toDegE7(home.lat) : 0), y: at?.y ?? (home ? toDegE7(home.lon) : 0), z: placeholder?.z ?? home?.altMslM ?? 0, missionType: MAV_MISSION_TYPE.MISSION,
    };
    return [item0, ...port.map((it, i) => ({ ...it, seq: i + 1, current: 0 as const }))];
  }

  /**
   * Runs an upload or write; a refusal is reported as `uploadRefused` and rethrown (as `code` when given).
   * Only the vehicle's answer is a refusal (MISSION_ACK or PARAM_VALUE saying no: MAVLINK_NACK): a timeout or
   * a lost link says nothing about the fence, so it is rethrown as it is and the caller may try again.
   */
  private async refusedAs(droneId: string, kind: UploadKind, code: 'FENCE_REFUSED' | undefined, run: () => Promise<unknown>, what?: string): Promise<void> {
    try {
      await run();
    } catch (err) {
      const reason = `${what ? `${what}: ` : ''}${err instanceof Error ? err.message : String(err)}`;
      if (isAppError(err) && code && err.code !== 'MAVLINK_NACK') throw err;
      if (isAppError(err) && err.code === 'AUTOPILOT_MISMATCH') throw err;
      this.bus.emit('e', { type: 'uploadRefused', droneId, at: this.clock.now(), missionType: kind, reason });
      if (!code) throw err;
      throw new AppError(code, { message: `${droneId}: ${reason}`, details: { droneId, missionType: kind, reason }, cause: err });
    }
  }

  private get(droneId: string): Attached {
    const l = this.links.get(droneId);
    if (!l) throw new AppError('DRONE_NOT_FOUND', { message: `no MAVLink link for drone ${droneId}` });
    return l;
  }
}

function indexOf(items: readonly MissionItem[], command: number): number | undefined {
  const i = items.findIndex((it) => it.command === command);
  return i < 0 ? undefined : i;
}
