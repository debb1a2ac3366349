import { DockModel } from './dock.js';
import { breachedFence, type FenceItem } from './fence.js';
import { armable, type SimAutopilot, type SimMode } from './modes.js';
import { SimParams } from './params.js';
import { DEFAULT_AIRFRAME, drain, moveToward } from './physics.js';
import type { Airframe, Pose } from './physics.js';

/** A stored mission/fence/rally item, already projected to metres east/north of home. */
export interface SimItem extends FenceItem {
  param2: number;
  /** IMAGE_START_CAPTURE: total images. */
  param3?: number;
  /** Item had lat/lon 0/0: "here" (e.g. LAND, RTL). */
  noPos: boolean;
}

/** What the airframe is doing (the autopilot's mode is separate: see `mode`). */
export type Phase = 'landed' | 'takeoff' | 'hold' | 'mission' | 'rtl' | 'land' | 'flyaway';

export interface StepNotes {
  reached: number[];
  texts: { text: string; severity: number }[];
  /** Commands that had answered IN_PROGRESS and have now finished (result MAV_RESULT). */
  acks: { command: number; result: number }[];
  /** Mission IMAGE_START_CAPTURE items run this step: pictures to take. */
  captures: { images: number; intervalS: number }[];
}

/** MAV_RESULT values the vehicle answers with. */
export const RESULT = { ACCEPTED: 0, TEMPORARILY_REJECTED: 1, DENIED: 2, UNSUPPORTED: 3, FAILED: 4, IN_PROGRESS: 5 } as const;
/** MAV_SEVERITY: 2 critical, 4 warning, 6 info. */
const SEV = { CRITICAL: 2, WARNING: 4, INFO: 6 } as const;
const NAV = { WAYPOINT: 16, LOITER_TURNS: 18, LOITER_TIME: 19, RTL: 20, LAND: 21, TAKEOFF: 22, LAST: 95 } as const;
const DO_CHANGE_SPEED = 178;
/** MAV_CMD_IMAGE_START_CAPTURE (common.xml): param2 interval s, param3 total images. */
export const IMAGE_START_CAPTURE = 2000;

/**
 * The vehicle's own autopilot: modes (ArduCopter or PX4 rules), commands, mission progress, speed,
 * failsafes with each autopilot's actions, the dock. Faithful to the documented behaviours the
 * controller must cope with (drone-ops.md "What real autopilots do").
 */
export class FlightModel {
  pose: Pose = { x: 0, y: 0, z: 0 };
  velocity: Pose = { x: 0, y: 0, z: 0 };
  phase: Phase = 'landed';
  mode: SimMode = 'loiter';
  armed = false;
  battery = 100;
  windMs = 0;
  /** Battery drain multiplier (fault injection: an ageing pack, a heavy payload). */
  drainFactor = 1;
  /** Whether wind above the airframe's limit makes the vehicle return on its own. */
  windFailsafe = true;
  mission: SimItem[] = [];
  fence: SimItem[] = [];
  rally: SimItem[] = [];
  current = 0;
  /** Ground speed commanded by the mission's DO_CHANGE_SPEED; undefined = the autopilot's default. */
  speedMs: number | undefined;
  readonly dock = new DockModel();
  readonly params: SimParams;
  private holdLeftS = 0;
  private takeoffAltM = 10;
  private armPending = false;
  private flyAwayTo: Pose | undefined;
  /** Where the current RTL goes (home or a rally point), fixed when it starts. */
  private rtlDest: { x: number; y: number } | undefined;
  private readonly texts: StepNotes['texts'] = [];

  constructor(readonly autopilot: SimAutopilot = 'ardupilot', readonly af: Airframe = DEFAULT_AIRFRAME) {
    this.params = new SimParams(autopilot);
  }

  get airborne(): boolean {
    return this.phase !== 'landed';
  }

  /** The speed the autopilot flies missions at unless told otherwise: ArduCopter WPNAV_SPEED (cm/s), PX4 MPC_XY_CRUISE. */
  get defaultSpeedMs(): number {
    return this.autopilot === 'ardupilot' ? this.params.get('WPNAV_SPEED') / 100 : this.params.get('MPC_XY_CRUISE');
  }

  /** STATUSTEXTs raised outside a step (command refusals); the vehicle sends them at once. */
  takeTexts(): StepNotes['texts'] {
    return this.texts.splice(0);
  }

  /** COMMAND_LONG → MAV_RESULT (MAVLink command protocol). */
  command(cmd: number, p: readonly number[]): number {
    switch (cmd) {
      case 400:
        return (p[0] ?? 0) >= 0.5 ? this.arm() : this.disarm();
      case NAV.TAKEOFF:
        // ArduCopter takes off only in GUIDED; PX4 switches to AUTO.TAKEOFF.
        if (!this.armed || (this.autopilot === 'ardupilot' && this.mode !== 'guided')) return RESULT.DENIED;
        this.takeoffAltM = p[6] ?? 10;
        if (this.autopilot === 'px4') this.mode = 'takeoff';
        this.phase = 'takeoff';
        return RESULT.ACCEPTED;
      case 300:
        if (!this.armed || !this.mission.some((it, i) => i >= this.firstItem && it.command <= NAV.LAST)) return RESULT.DENIED;
        return this.startMission(p[0] ?? 0);
      case NAV.RTL:
        return this.setMode('rtl');
      case NAV.LAND:
        return this.setMode('land');
      default:
        return RESULT.UNSUPPORTED;
    }
  }

  /** DO_SET_MODE. On the ground only the mode changes; in the air the airframe follows it. */
  setMode(mode: SimMode): number {
    if (!this.airborne) {
      if (mode === 'rtl' || mode === 'land' || mode === 'takeoff') return RESULT.DENIED;
      this.mode = mode;
      return RESULT.ACCEPTED;
    }
    if (mode === 'takeoff') return RESULT.DENIED;
    if (mode === 'auto') {
      if (!this.mission.some((it) => it.command <= NAV.LAST)) return RESULT.DENIED;
      this.mode = 'auto';
      this.phase = 'mission';
      return RESULT.ACCEPTED;
    }
    this.mode = mode;
    this.flyAwayTo = undefined;
    this.phase = mode === 'rtl' ? 'rtl' : mode === 'land' ? 'land' : 'hold';
    return RESULT.ACCEPTED;
  }

  /** Fault: the vehicle flies toward `to` on its own (a fly-away); only its failsafes can stop it. */
  flyAway(to: Pose): void {
    if (!this.airborne) return;
    this.flyAwayTo = to;
    this.phase = 'flyaway';
  }

  /** Fault: a critical failure (motor, sensor): CRITICAL STATUSTEXT and an immediate landing. */
  emergency(text: string): void {
    if (!this.airborne) return;
    this.texts.push({ text, severity: SEV.CRITICAL });
    this.mode = 'land';
    this.phase = 'land';
  }

  /**
   * The ground link has been silent past the failsafe timeout: ArduPilot FS_GCS_ENABLE (1 RTL, 5 land),
   * PX4 NAV_DLL_ACT (1 hold, 2 return, 3 land). Both are off by default.
   */
  gcsLost(): void {
    if (!this.armed || !this.airborne) return;
    const ap = this.autopilot === 'ardupilot';
    const action = ap ? this.params.get('FS_GCS_ENABLE') : this.params.get('NAV_DLL_ACT');
    const mode: SimMode | undefined = ap ? ({ 1: 'rtl', 5: 'land' } as Record<number, SimMode>)[action] : ({ 1: 'loiter', 2: 'rtl', 3: 'land' } as Record<number, SimMode>)[action];
    if (mode) this.failsafe(mode, ap ? 'GCS Failsafe' : 'Data link lost');
  }

  step(dtS: number): StepNotes {
    const notes: StepNotes = { reached: [], texts: this.takeTexts(), acks: [], captures: [] };
    this.battery = this.dock.step(dtS, this.battery);
    if (this.armPending && this.dock.cover === 'open') {
      this.armPending = false;
      this.armed = true;
      notes.acks.push({ command: 400, result: RESULT.ACCEPTED });
    }
    if (!this.airborne) return notes;
    if (this.phase !== 'rtl') this.rtlDest = undefined;
    const moved = this.fly(dtS, notes);
    this.battery = this.battery - (this.battery - drain(this.battery, dtS, moved, this.windMs, this.af)) * this.drainFactor;
    this.battery = Math.max(0, this.battery);
    this.failsafes();
    notes.texts.push(...this.takeTexts());
    return notes;
  }

  /** Fence enforcement as configured on board (ArduPilot FENCE_ENABLE/FENCE_TYPE/FENCE_ALT_MAX, PX4 GF_MAX_VER_DIST). */
  fenceBreached(): boolean {
    const ap = this.autopilot === 'ardupilot';
    const maxAlt = ap ? ((this.params.get('FENCE_TYPE') & 1) !== 0 ? this.params.get('FENCE_ALT_MAX') : 0) : this.params.get('GF_MAX_VER_DIST');
    if (maxAlt > 0 && this.pose.z > maxAlt) return true;
    return (!ap || (this.params.get('FENCE_TYPE') & 4) !== 0) && breachedFence(this.fence, this.pose);
  }

  private get firstItem(): number {
    // ArduPilot: item 0 is home and is never flown; PX4 keeps no home item.
    return this.autopilot === 'ardupilot' ? 1 : 0;
  }

  private arm(): number {
    if (this.armed) return RESULT.ACCEPTED;
    if (this.windMs > this.af.windLimitMs || this.dock.rain) return RESULT.TEMPORARILY_REJECTED;
    if (!armable(this.autopilot, this.mode)) {
      this.texts.push({ text: 'Arm: Mode not armable', severity: SEV.CRITICAL });
      return RESULT.DENIED;
    }
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

  private startMission(first: number): number {
    this.current = Math.max(first, this.firstItem);
    this.holdLeftS = 0;
    this.speedMs = undefined;
    this.mode = 'auto';
    this.phase = 'mission';
    this.flyAwayTo = undefined;
    this.dock.droneInDock = false;
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
      case 'flyaway':
        return this.move(this.flyAwayTo ?? this.pose, dtS, this.defaultSpeedMs).movedM;
      case 'mission':
        return this.flyMission(dtS, notes);
      case 'rtl':
        return this.flyRtl(dtS);
      case 'land': {
        const m = this.move({ ...this.pose, z: 0 }, dtS);
        if (this.pose.z <= 0.05) this.touchdown();
        return m.movedM;
      }
    }
  }

  /**
   * RTL: climb to the return altitude, fly straight to the nearest of home and the rally points — chosen
   * when RTL starts (ArduCopter ModeRTL builds its path on entry; PX4 likewise) — and land there (the mode
   * stays RTL).
   */
  private flyRtl(dtS: number): number {
    const rtlAlt = this.autopilot === 'ardupilot' ? this.params.get('RTL_ALT') / 100 : this.params.get('RTL_RETURN_ALT');
    this.rtlDest ??= [{ x: 0, y: 0 }, ...this.rally.map((r) => r.pos)].reduce((a, b) => (Math.hypot(b.x - this.pose.x, b.y - this.pose.y) < Math.hypot(a.x - this.pose.x, a.y - this.pose.y) ? b : a));
    const dest = this.rtlDest;
    const far = Math.hypot(dest.x - this.pose.x, dest.y - this.pose.y) > this.af.arrivalM;
    if (!far) {
      this.phase = 'land';
      return 0;
    }
    const alt = Math.max(this.pose.z, rtlAlt);
    const target = this.pose.z < rtlAlt - 0.5 ? { ...this.pose, z: alt } : { x: dest.x, y: dest.y, z: alt };
    return this.move(target, dtS, this.defaultSpeedMs).movedM;
  }

  private flyMission(dtS: number, notes: StepNotes): number {
    let it = this.mission[this.current];
    // DO items act at once and take no time: DO_CHANGE_SPEED param2 is the new ground speed (m/s, -1 = unchanged).
    while (it && it.command > NAV.LAST) {
      if (it.command === DO_CHANGE_SPEED && it.param2 > 0) this.speedMs = it.param2;
      if (it.command === IMAGE_START_CAPTURE) notes.captures.push({ images: Math.max(1, it.param3 ?? 1), intervalS: it.param2 });
      it = this.mission[++this.current];
    }
    if (!it || it.command === NAV.RTL) {
      // A mission's RTL item: ArduCopter stays in AUTO, PX4 switches to AUTO.RTL. Past the end: hover.
      if (it && this.autopilot === 'px4') this.mode = 'rtl';
      this.phase = it ? 'rtl' : 'hold';
      return 0;
    }
    const speed = this.speedMs ?? this.defaultSpeedMs;
    if (it.command === NAV.LAND) {
      if (!it.noPos && Math.hypot(it.pos.x - this.pose.x, it.pos.y - this.pose.y) > this.af.arrivalM) return this.move({ ...it.pos, z: this.pose.z }, dtS, speed).movedM;
      // Over the landing point: descend (landed state LANDING), the mode stays AUTO.
      this.phase = 'land';
      return 0;
    }
    const target = it.command === NAV.TAKEOFF || it.noPos ? { ...this.pose, z: it.pos.z } : it.pos;
    const m = this.move(target, dtS, speed);
    if (!m.arrived) return m.movedM;
    if (it.command === NAV.WAYPOINT || it.command === NAV.LOITER_TIME) {
      if (this.holdLeftS === 0 && it.param1 > 0) this.holdLeftS = it.param1;
      this.holdLeftS = Math.max(0, this.holdLeftS - dtS);
      if (this.holdLeftS > 0) return m.movedM;
    }
    notes.reached.push(this.current);
    this.current++;
    return m.movedM;
  }

  private move(target: Pose, dtS: number, speedMs?: number): { movedM: number; arrived: boolean } {
    const m = moveToward(this.pose, target, dtS, speedMs === undefined ? this.af : { ...this.af, cruiseMs: speedMs });
    this.pose = m.pose;
    this.velocity = m.v;
    return m;
  }

  private touchdown(): void {
    this.pose = { ...this.pose, z: 0 };
    this.velocity = { x: 0, y: 0, z: 0 };
    this.phase = 'landed';
    this.armed = false; // auto-disarm on landing (ArduPilot DISARM_DELAY, PX4 COM_DISARM_LAND); the mode stays
    this.texts.push({ text: 'Landed, disarmed', severity: SEV.INFO });
    if (Math.hypot(this.pose.x, this.pose.y) <= 3) {
      this.dock.droneInDock = true;
      this.dock.requestClose();
    }
  }

  private failsafe(mode: SimMode, why: string): void {
    if (this.mode === mode && this.phase !== 'mission') return;
    this.texts.push({ text: `${why}: ${mode.toUpperCase()}`, severity: SEV.WARNING });
    this.mode = mode;
    this.flyAwayTo = undefined;
    this.phase = mode === 'rtl' ? 'rtl' : mode === 'land' ? 'land' : 'hold';
  }

  private failsafes(): void {
    if (this.phase === 'rtl' || this.phase === 'land' || this.phase === 'landed') return;
    if (this.battery <= this.af.lowBatteryPct) return this.failsafe('rtl', 'Battery low');
    if (this.windFailsafe && this.windMs > this.af.windLimitMs) return this.failsafe('rtl', 'Wind above limit');
    if (!this.fenceBreached()) return;
    const ap = this.autopilot === 'ardupilot';
    if (ap && this.params.get('FENCE_ENABLE') !== 1) return;
    // ArduPilot FENCE_ACTION: 0 report, 1 RTL (or land), 2 land. PX4 GF_ACTION: 0 none, 1 warn, 2 hold, 3 return, 5 land.
    const action = ap ? this.params.get('FENCE_ACTION') : this.params.get('GF_ACTION');
    const mode: SimMode | undefined = ap ? ({ 1: 'rtl', 2: 'land' } as Record<number, SimMode>)[action] : ({ 2: 'loiter', 3: 'rtl', 5: 'land' } as Record<number, SimMode>)[action];
    if (mode) this.failsafe(mode, 'Fence breach');
  }
}
