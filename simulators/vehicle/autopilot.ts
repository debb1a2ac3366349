import { pointInRings } from '../../drone-ops/index.js';
import type { XY } from '../../drone-ops/index.js';
import { DockModel } from './dock.js';
import { DEFAULT_AIRFRAME, drain, moveToward } from './physics.js';
import type { Airframe, Pose } from './physics.js';

/** A stored mission/fence item, already projected to metres east/north of home. */
export interface SimItem {
  command: number;
  param1: number;
  pos: Pose;
  /** Item had lat/lon 0/0: "here" (e.g. LAND, RTL). */
  noPos: boolean;
}

export type Phase = 'landed' | 'takeoff' | 'hold' | 'mission' | 'rtl' | 'land';

export interface StepNotes {
  reached: number[];
  texts: string[];
  /** Commands that had answered IN_PROGRESS and have now finished (result MAV_RESULT). */
  acks: { command: number; result: number }[];
}

/** MAV_RESULT values the vehicle answers with. */
export const RESULT = { ACCEPTED: 0, TEMPORARILY_REJECTED: 1, DENIED: 2, UNSUPPORTED: 3, FAILED: 4, IN_PROGRESS: 5 } as const;
const NAV = { WAYPOINT: 16, LOITER_TURNS: 18, LOITER_TIME: 19, RTL: 20, LAND: 21, TAKEOFF: 22 } as const;
const FENCE = { POLY_IN: 5001, POLY_OUT: 5002, CIRCLE_IN: 5003, CIRCLE_OUT: 5004 } as const;
/** RTL climbs to at least this height before flying home (ArduPilot RTL_ALT-like). */
const RTL_MIN_ALT_M = 15;

/** The vehicle's own flight state machine: modes, commands, mission progress, failsafes, dock. */
export class FlightModel {
  pose: Pose = { x: 0, y: 0, z: 0 };
  velocity: Pose = { x: 0, y: 0, z: 0 };
  phase: Phase = 'landed';
  armed = false;
  battery = 100;
  windMs = 0;
  mission: SimItem[] = [];
  fence: SimItem[] = [];
  current = 0;
  readonly dock = new DockModel();
  private holdLeftS = 0;
  private takeoffAltM = 10;
  private armPending = false;

  constructor(readonly af: Airframe = DEFAULT_AIRFRAME) {}

  get airborne(): boolean {
    return this.phase !== 'landed';
  }

  /** COMMAND_LONG → MAV_RESULT (MAVLink command protocol). */
  command(cmd: number, p: readonly number[]): number {
    switch (cmd) {
      case 400:
        return (p[0] ?? 0) >= 0.5 ? this.arm() : this.disarm();
      case NAV.TAKEOFF:
        if (!this.armed) return RESULT.DENIED;
        this.takeoffAltM = p[6] ?? 10;
        this.phase = 'takeoff';
        return RESULT.ACCEPTED;
      case 300:
        if (!this.armed || this.mission.length < 2) return RESULT.DENIED;
        return this.startMission();
      case NAV.RTL:
        return this.airborne ? this.goto('rtl') : RESULT.DENIED;
      case NAV.LAND:
        return this.airborne ? this.goto('land') : RESULT.DENIED;
      default:
        return RESULT.UNSUPPORTED;
    }
  }

  /** DO_SET_MODE target decoded by the caller's autopilot table. */
  setPhase(phase: Phase): number {
    if (phase === 'mission') return this.armed && this.mission.length > 1 ? this.startMission() : RESULT.DENIED;
    if (!this.airborne && phase !== 'hold') return RESULT.DENIED;
    return this.goto(phase);
  }

  step(dtS: number): StepNotes {
    const notes: StepNotes = { reached: [], texts: [], acks: [] };
    this.battery = this.dock.step(dtS, this.battery);
    if (this.armPending && this.dock.cover === 'open') {
      this.armPending = false;
      this.armed = true;
      notes.acks.push({ command: 400, result: RESULT.ACCEPTED });
    }
    if (!this.airborne) return notes;
    const moved = this.fly(dtS, notes);
    this.battery = drain(this.battery, dtS, moved, this.windMs, this.af);
    this.failsafes(notes);
    return notes;
  }

  private arm(): number {
    if (this.armed) return RESULT.ACCEPTED;
    if (this.windMs > this.af.windLimitMs || this.dock.rain) return RESULT.TEMPORARILY_REJECTED;
    if (this.battery < this.af.lowBatteryPct + 10) return RESULT.DENIED;
    if (this.dock.droneInDock && !this.dock.requestOpen()) {
      this.armPending = true;
      return RESULT.IN_PROGRESS;
    }
    this.armed = true;
    return RESULT.ACCEPTED;
  }

  private disarm(): number {
    if (this.airborne) return RESULT.DENIED;
    this.armed = false;
    return RESULT.ACCEPTED;
  }

  private startMission(): number {
    // ArduPilot semantics: item 0 is home, the flight starts at item 1.
    this.current = 1;
    this.holdLeftS = 0;
    this.phase = 'mission';
    this.dock.droneInDock = false;
    return RESULT.ACCEPTED;
  }

  private goto(phase: Phase): number {
    this.phase = phase;
    return RESULT.ACCEPTED;
  }

  private fly(dtS: number, notes: StepNotes): number {
    switch (this.phase) {
      case 'takeoff': {
        this.dock.droneInDock = false;
        const m = this.move({ ...this.pose, z: this.takeoffAltM }, dtS);
        if (m.arrived) this.phase = 'hold';
        return m.movedM;
      }
      case 'hold':
      case 'landed':
        this.velocity = { x: 0, y: 0, z: 0 };
        return 0;
      case 'mission':
        return this.flyMission(dtS, notes);
      case 'rtl': {
        const alt = Math.max(this.pose.z, RTL_MIN_ALT_M);
        const target = Math.hypot(this.pose.x, this.pose.y) > this.af.arrivalM ? { x: 0, y: 0, z: alt } : { x: 0, y: 0, z: this.pose.z };
        const climbFirst = this.pose.z < RTL_MIN_ALT_M - 0.5 ? { ...this.pose, z: alt } : target;
        const m = this.move(climbFirst, dtS);
        if (climbFirst === target && m.arrived) this.phase = 'land';
        return m.movedM;
      }
      case 'land': {
        const m = this.move({ ...this.pose, z: 0 }, dtS);
        if (this.pose.z <= 0.05) this.touchdown(notes);
        return m.movedM;
      }
    }
  }

  private flyMission(dtS: number, notes: StepNotes): number {
    const it = this.mission[this.current];
    if (!it || it.command === NAV.RTL) {
      this.phase = it ? 'rtl' : 'hold';
      return 0;
    }
    const target = it.command === NAV.TAKEOFF || it.noPos ? { ...this.pose, z: it.command === NAV.LAND ? 0 : it.pos.z } : it.pos;
    if (it.command === NAV.LAND && !it.noPos && Math.hypot(it.pos.x - this.pose.x, it.pos.y - this.pose.y) > this.af.arrivalM) {
      return this.move({ ...it.pos, z: this.pose.z }, dtS).movedM;
    }
    const m = this.move(it.command === NAV.LAND ? { ...this.pose, z: 0 } : target, dtS);
    if (!m.arrived) return m.movedM;
    if (it.command === NAV.LAND) {
      this.touchdown(notes);
      return m.movedM;
    }
    if (it.command === NAV.WAYPOINT || it.command === NAV.LOITER_TIME) {
      if (this.holdLeftS === 0 && it.param1 > 0) this.holdLeftS = it.param1;
      this.holdLeftS = Math.max(0, this.holdLeftS - dtS);
      if (this.holdLeftS > 0) return m.movedM;
    }
    notes.reached.push(this.current);
    this.current++;
    return m.movedM;
  }

  private move(target: Pose, dtS: number): { movedM: number; arrived: boolean } {
    const m = moveToward(this.pose, target, dtS, this.af);
    this.pose = m.pose;
    this.velocity = m.v;
    return m;
  }

  private touchdown(notes: StepNotes): void {
    this.pose = { ...this.pose, z: 0 };
    this.velocity = { x: 0, y: 0, z: 0 };
    this.phase = 'landed';
    this.armed = false; // auto-disarm on landing (ArduPilot DISARM_DELAY, PX4 COM_DISARM_LAND)
    notes.texts.push('Landed, disarmed');
    if (Math.hypot(this.pose.x, this.pose.y) <= 3) {
      this.dock.droneInDock = true;
      this.dock.requestClose();
    }
  }

  private failsafes(notes: StepNotes): void {
    if (this.phase === 'rtl' || this.phase === 'land' || this.phase === 'landed') return;
    let why: string | undefined;
    if (this.battery <= this.af.lowBatteryPct) why = 'Battery low';
    else if (this.windMs > this.af.windLimitMs) why = 'Wind above limit';
    else if (this.fenceBreached()) why = 'Fence breach';
    if (!why) return;
    this.phase = 'rtl';
    notes.texts.push(`${why}: RTL`);
  }

  /** Inclusion polygons/circles must contain the vehicle, exclusion ones must not (MAV_CMD_NAV_FENCE_*). */
  fenceBreached(): boolean {
    const here: XY = { x: this.pose.x, y: this.pose.y };
    for (let i = 0; i < this.fence.length; ) {
      const f = this.fence[i];
      if (!f) break;
      if (f.command === FENCE.CIRCLE_IN || f.command === FENCE.CIRCLE_OUT) {
        const inside = Math.hypot(here.x - f.pos.x, here.y - f.pos.y) <= f.param1;
        if (inside !== (f.command === FENCE.CIRCLE_IN)) return true;
        i++;
      } else if (f.command === FENCE.POLY_IN || f.command === FENCE.POLY_OUT) {
        const n = Math.max(1, Math.round(f.param1));
        const ring = this.fence.slice(i, i + n).map((v) => ({ x: v.pos.x, y: v.pos.y }));
        if (pointInRings(here, [ring]) !== (f.command === FENCE.POLY_IN)) return true;
        i += n;
      } else i++;
    }
    return false;
  }
}
