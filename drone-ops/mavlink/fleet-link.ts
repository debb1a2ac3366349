import { EventBus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import { systemClock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { DroneLink, DroneLinkEvent, FlightPhase } from '../link/drone-link.js';
import { MAV_CMD, type MissionItem } from '../planner/mission.js';
import type { DroneState } from './state.js';
import type { VehicleLink } from './vehicle-link.js';

/** STATUSTEXT severity ≤ MAV_SEVERITY_ERROR (3), or a failsafe announcement, counts as a failure. */
const FAILSAFE_TEXT = /fence|battery|wind|failsafe/i;

/**
 * `takeoffSeq`: the uploaded mission's NAV_TAKEOFF item. A vehicle in the air in mission mode that has not
 * passed it (MISSION_CURRENT may still name an earlier item in the first in-air update) is
 * taking off even when its EXTENDED_SYS_STATE says only "in air" (the simulator reports TAKEOFF for the
 * takeoff command alone): without this the port's phases skipped `taking_off`, unlike the fake
 * (found by drone-link.conformance.ts).
 */
function phaseOf(s: DroneState, takeoffSeq: number | undefined): FlightPhase {
  if (s.landed === 'on-ground') return 'on_ground';
  if (s.landed === 'takeoff') return 'taking_off';
  if (s.landed === 'in-air' && s.mode === 'mission' && takeoffSeq !== undefined && (s.missionSeq ?? 0) <= takeoffSeq) return 'taking_off';
  if (s.landed === 'landing' || s.mode === 'land') return 'landing';
  if (s.mode === 'rtl') return 'returning';
  return 'in_flight';
}

/**
 * The fleet-level DroneLink port (drone-ops/link) over one MavlinkLink per drone: uploads as the mission
 * protocol, start = ARM + MISSION_START (the mission's NAV_TAKEOFF item climbs), telemetry folded into
 * the port's events. Phase events fire on change only; `landed` fires once per flight.
 */
export class MavlinkDroneLink implements DroneLink {
  private readonly bus = new EventBus<{ e: DroneLinkEvent }>();
  private readonly links = new Map<string, { link: VehicleLink; off: (() => void)[] }>();
  /** Per drone: seq of the NAV_TAKEOFF item of the last accepted upload. */
  private readonly takeoffSeq = new Map<string, number>();

  constructor(private readonly clock: Clock = systemClock) {}

  /** Attach a connected vehicle link under `droneId`. */
  add(droneId: string, link: VehicleLink): void {
    this.remove(droneId);
    let phase: FlightPhase | undefined;
    let flew = false;
    let lastPosition: DroneState['position'];
    const emit = (e: DroneLinkEvent): void => this.bus.emit('e', e);
    const off = [
      link.events.on('state', (s) => {
        const at = this.clock.now();
        // One telemetry event per GLOBAL_POSITION_INT (5 Hz), not per status message.
        if (s.position && s.position !== lastPosition && s.batteryPct !== undefined) emit({ type: 'telemetry', droneId, at, position: { lon: s.position.lon, lat: s.position.lat, altM: s.position.altM }, batteryPct: s.batteryPct });
        lastPosition = s.position;
        const p = phaseOf(s, this.takeoffSeq.get(droneId));
        if (s.landed !== 'unknown' && p !== phase) {
          phase = p;
          emit({ type: 'phase', droneId, at, phase: p });
          if (p !== 'on_ground') flew = true;
        }
        if (flew && p === 'on_ground' && !s.armed) {
          flew = false;
          emit({ type: 'landed', droneId, at, batteryPct: s.batteryPct ?? 0 });
        }
      }),
      link.events.on('reached', ({ seq }) => emit({ type: 'progress', droneId, at: this.clock.now(), seq, total: link.state.missionTotal ?? 0 })),
      link.events.on('statustext', ({ severity, text }) => {
        if (severity <= 3 || FAILSAFE_TEXT.test(text)) emit({ type: 'failure', droneId, at: this.clock.now(), reason: text });
      }),
      link.events.on('health', ({ to }) => {
        if (to === 'lost') emit({ type: 'failure', droneId, at: this.clock.now(), reason: 'MAVLink link lost' });
      }),
    ];
    this.links.set(droneId, { link, off });
  }

  remove(droneId: string): void {
    this.links.get(droneId)?.off.forEach((f) => f());
    this.links.delete(droneId);
    this.takeoffSeq.delete(droneId);
  }

  async upload(droneId: string, items: MissionItem[]): Promise<void> {
    await this.get(droneId).uploadMission(items);
    const takeoff = items.find((i) => i.command === MAV_CMD.NAV_TAKEOFF);
    if (takeoff) this.takeoffSeq.set(droneId, takeoff.seq);
    else this.takeoffSeq.delete(droneId);
  }

  async start(droneId: string): Promise<void> {
    const link = this.get(droneId);
    await link.arm();
    await link.startMission();
  }

  async returnToLaunch(droneId: string): Promise<void> {
    await this.get(droneId).returnToLaunch();
  }

  on(listener: (e: DroneLinkEvent) => void): () => void {
    return this.bus.on('e', listener);
  }

  private get(droneId: string): VehicleLink {
    const l = this.links.get(droneId);
    if (!l) throw new AppError('DRONE_NOT_FOUND', { message: `no MAVLink link for drone ${droneId}` });
    return l.link;
  }
}
