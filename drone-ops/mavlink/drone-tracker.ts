/**
 * One drone's MAVLink telemetry folded into the DroneLink port's events: phases (with a landed-state
 * fallback for vehicles that never send EXTENDED_SYS_STATE), progress in the caller's item numbering,
 * landed once per flight, link lost/restored, and vehicle-side failsafes — a switch to RTL or LAND that
 * we did not command and that the mission does not explain.
 */
import type { DroneLinkEvent, FlightPhase } from '../link/drone-link.js';
import type { FlightMode } from './commands.js';
import type { DroneState, LinkHealth } from './state.js';

/** What the adapter uploaded, in the vehicle's numbering. */
export interface UploadedPlan {
  /** Items the caller's numbering lacks in front (ArduPilot's home item we added: 1) minus those it had (a placeholder: 1). */
  seqShift: number;
  callerTotal: number;
  takeoffSeq: number | undefined;
  /** First NAV_RETURN_TO_LAUNCH item: from it on, RTL mode is the plan's own. */
  rtlSeq: number | undefined;
  /** First item of the way home (returnLegIndex): from it on the flight is `returning`. */
  returnSeq: number | undefined;
  /** A returnVia route: the whole flight is `returning`, its progress is not the mission's. */
  returnRoute: boolean;
}

/** Relative altitude under which a disarmed vehicle counts as on the ground when EXTENDED_SYS_STATE never comes. */
const ON_GROUND_ALT_M = 1;
/** STATUSTEXT older than this does not explain a mode change. */
const TEXT_FRESH_MS = 10_000;
/** How long an unexplained RTL waits for a MISSION_CURRENT (sent at 1 Hz) before it counts as a failsafe. */
const MISSION_CURRENT_WAIT_MS = 2500;
const MODE_NAME: Partial<Record<FlightMode, string>> = { rtl: 'RTL', land: 'LAND' };

export class DroneTracker {
  plan: UploadedPlan | undefined;
  private phase: FlightPhase | undefined;
  private flew = false;
  private lastPosition: DroneState['position'];
  private lastMode: FlightMode | undefined;
  private lastText: { text: string; at: number } | undefined;
  private lost = false;
  /** An RTL seen before the MISSION_CURRENT that may explain it (PX4 flies a mission's RTL item in AUTO.RTL). */
  private pendingRtl: { at: number; seq: number | undefined; text: string | undefined } | undefined;

  constructor(
    private readonly droneId: string,
    private readonly emit: (e: DroneLinkEvent) => void,
  ) {}

  onState(s: DroneState, at: number): void {
    const droneId = this.droneId;
    // One telemetry event per GLOBAL_POSITION_INT (5 Hz), not per status message.
    if (s.position && s.position !== this.lastPosition && s.batteryPct !== undefined) {
      emitTelemetry(this.emit, droneId, at, s);
      this.lastPosition = s.position;
    }
    this.checkMode(s, at);
    this.settlePendingRtl(s, at);
    const p = this.phaseOf(s);
    if (p !== undefined && p !== this.phase) {
      this.phase = p;
      this.emit({ type: 'phase', droneId, at, phase: p });
      if (p !== 'on_ground') this.flew = true;
    }
    if (this.flew && p === 'on_ground' && !s.armed) {
      this.flew = false;
      // Where it landed, as the vehicle reports it: the ground checks it is its dock (drone-ops.md "Landing").
      const p = s.position;
      this.emit({ type: 'landed', droneId, at, batteryPct: s.batteryPct ?? 0, ...(p ? { position: { lon: p.lon, lat: p.lat, altM: p.altM } } : {}) });
    }
  }

  onReached(seq: number, at: number): void {
    const plan = this.plan;
    if (plan?.returnRoute) return;
    const shift = plan?.seqShift ?? 0;
    if (seq - shift < 0) return; // ArduPilot's home item
    this.emit({ type: 'progress', droneId: this.droneId, at, seq: seq - shift, total: plan?.callerTotal ?? 0 });
  }

  onText(severity: number, text: string, at: number): void {
    this.lastText = { text, at };
    // MAV_SEVERITY_ERROR (3) and worse is a failure; milder announcements explain failsafes.
    if (severity <= 3) this.emit({ type: 'failure', droneId: this.droneId, at, reason: text });
  }

  onHealth(to: LinkHealth, at: number): void {
    if (to === 'lost' && !this.lost) {
      this.lost = true;
      this.emit({ type: 'link', droneId: this.droneId, at, state: 'lost' });
    } else if ((to === 'ok' || to === 'stale') && this.lost) {
      this.lost = false;
      this.emit({ type: 'link', droneId: this.droneId, at, state: 'restored' });
    }
  }

  onMismatch(reason: string, at: number): void {
    this.emit({ type: 'failure', droneId: this.droneId, at, reason });
  }

  private phaseOf(s: DroneState): FlightPhase | undefined {
    const alt = s.position?.altM;
    const known = s.landed !== 'unknown';
    if (!known && (alt === undefined || s.lastHeartbeatMs === undefined)) return undefined;
    // Fallback without EXTENDED_SYS_STATE: disarmed and at home height is on the ground.
    const onGround = known ? s.landed === 'on-ground' : !s.armed && (alt ?? 0) < ON_GROUND_ALT_M;
    if (onGround) return 'on_ground';
    const plan = this.plan;
    const seq = s.missionSeq ?? 0;
    if (s.landed === 'takeoff') return 'taking_off';
    if (s.mode === 'mission' && !plan?.returnRoute && plan?.takeoffSeq !== undefined && seq <= plan.takeoffSeq && s.armed) return 'taking_off';
    if (s.landed === 'landing' || s.mode === 'land') return 'landing';
    if (s.mode === 'rtl' || (s.mode === 'mission' && plan?.returnRoute)) return 'returning';
    if (s.mode === 'mission' && plan?.returnSeq !== undefined && seq >= plan.returnSeq) return 'returning';
    return 'in_flight';
  }

  private checkMode(s: DroneState, at: number): void {
    const before = this.lastMode;
    this.lastMode = s.mode;
    // A switch seen while the flight is open counts even if the vehicle has touched down since (a lost link hid it).
    if (s.mode === before || !s.mode || !this.flew) return;
    const name = MODE_NAME[s.mode];
    if (!name || this.expected(s, before)) return;
    const text = this.lastText && at - this.lastText.at <= TEXT_FRESH_MS ? this.lastText.text : undefined;
    // MISSION_CURRENT may trail the HEARTBEAT (or was lost with the link): let it say whether the plan's RTL item explains this.
    if (s.mode === 'rtl' && this.plan?.rtlSeq !== undefined) {
      this.pendingRtl = { at, seq: s.missionSeq, text };
      return;
    }
    this.failsafe(name, text, at);
  }

  private settlePendingRtl(s: DroneState, at: number): void {
    const p = this.pendingRtl;
    if (!p) return;
    const heard = s.missionSeq !== p.seq || s.landed === 'on-ground' || at - p.at > MISSION_CURRENT_WAIT_MS;
    if (!heard) return;
    this.pendingRtl = undefined;
    if (s.mode === 'rtl' && this.expected(s, undefined)) return;
    this.failsafe('RTL', p.text, at);
  }

  private failsafe(mode: string, text: string | undefined, at: number): void {
    this.emit({ type: 'failsafe', droneId: this.droneId, at, reason: text ?? `the vehicle switched to ${mode} on its own`, mode });
  }

  /**
   * The mission's own RTL item (PX4 switches to AUTO.RTL for it), LAND as RTL's last stage. The ground never
   * commands RTL (every return is a route, returnVia): any other RTL is the autopilot's own failsafe.
   */
  private expected(s: DroneState, before: FlightMode | undefined): boolean {
    if (s.mode === 'rtl') return this.plan?.rtlSeq !== undefined && (s.missionSeq ?? 0) >= this.plan.rtlSeq;
    return before === 'rtl';
  }
}

function emitTelemetry(emit: (e: DroneLinkEvent) => void, droneId: string, at: number, s: DroneState): void {
  const p = s.position;
  if (!p) return;
  emit({
    type: 'telemetry', droneId, at, position: { lon: p.lon, lat: p.lat, altM: p.altM }, batteryPct: s.batteryPct ?? 0,
    groundSpeedMps: Math.hypot(p.vn, p.ve),
    ...(p.headingDeg === undefined ? {} : { headingDeg: p.headingDeg }),
    ...(s.mode === undefined ? {} : { mode: s.mode }),
  });
}
