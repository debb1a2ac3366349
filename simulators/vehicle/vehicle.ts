import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { once } from 'node:events';
import { common, minimal } from 'node-mavlink';
import type { MavLinkData } from 'node-mavlink';
import { LocalPlane } from '../../drone-ops/index.js';
import type { LonLatAlt } from '../../drone-ops/index.js';
import { mulberry32 } from '../random.js';
import { FlightModel, IMAGE_START_CAPTURE } from './autopilot.js';
import { SimCamera } from './camera.js';
import type { SimItem } from './autopilot.js';
import { MissionServer } from './mission-server.js';
import type { ReceivedItem } from './mission-server.js';
import type { Airframe } from './physics.js';
import { modeOfCommand, type SimAutopilot } from './modes.js';
import { battery, extendedSysState, heartbeat, home, position, status, statusText } from './telemetry.js';
import { Framer, ReplayWindow, decodeDatagram } from './wire.js';

/** Faults a test or the bench switches on at any time. */
export interface Faults {
  /** Probability of dropping each datagram, both directions. */
  loss: number;
  /** Probability of sending each outgoing datagram twice. */
  duplicate: number;
  /** Delay every COMMAND_ACK by this many real ms. */
  ackDelayMs: number;
  /** Ignore COMMAND_LONG entirely (no execution, no ACK). */
  dropCommands: boolean;
  /** Answer these commands (by MAV_CMD) with this MAV_RESULT. */
  commandNack: Record<number, number>;
  /** Answer every MISSION_COUNT with this MAV_MISSION_RESULT. */
  missionNack: number | undefined;
  /** Answer fence uploads (mission_type 1) with this MAV_MISSION_RESULT. */
  fenceNack: number | undefined;
  /** A vehicle without EXTENDED_SYS_STATE: SET_MESSAGE_INTERVAL for it is answered UNSUPPORTED. */
  noExtendedSysState: boolean;
  /** Total link loss: nothing in, nothing out. */
  linkDown: boolean;
  /** Report this file_url in CAMERA_IMAGE_CAPTURED instead of the camera's own (a misbehaving camera). */
  cameraUrl?: string;
}

export interface VehicleOptions {
  home: LonLatAlt;
  autopilot?: SimAutopilot;
  sysid?: number;
  /** Simulated seconds per real second. */
  timeScale?: number;
  /**
   * Floor of the lost-link timer in real ms. The timer runs on real time because the ground's 1 Hz
   * HEARTBEAT does not speed up with `timeScale`; the autopilot's timeout (FS_GCS_TIMEOUT 5 s,
   * COM_DL_LOSS_T 10 s) is divided by `timeScale` but never below this (default 1000).
   */
  minLinkLossMs?: number;
  signingKey?: Buffer;
  faults?: Partial<Faults>;
  seed?: number;
  /** Loopback address the camera's HTTP server listens on (default 127.0.0.1, the autopilot's own). */
  cameraHost?: string;
  airframe?: Airframe;
  startBatteryPct?: number;
}

const NO_FAULTS: Faults = { loss: 0, duplicate: 0, ackDelayMs: 0, dropCommands: false, commandNack: {}, missionNack: undefined, fenceNack: undefined, noExtendedSysState: false, linkDown: false };
const MSG_EXTENDED_SYS_STATE = 245;
/** MAV_CMD_REQUEST_MESSAGE and the one message it answers here (camera identification). */
const REQUEST_MESSAGE = 512;
const MSG_CAMERA_INFORMATION = 259;
/**
 * Most real time one tick advances. A host that stalls (a loaded machine, a long GC pause) slows the
 * simulation down instead of jumping the vehicle ahead and timing out its ground link in one step: a
 * real autopilot runs on its own board and does not stall with the process that simulates it.
 */
const MAX_TICK_MS = 250;


/** A simulated MAVLink 2 multicopter in a dock, on its own UDP port. Driven by `tick()` (see fleet.ts). */
export class SimVehicle {
  readonly flight: FlightModel;
  readonly faults: Faults;
  readonly autopilot: SimAutopilot;
  readonly counters = { in: 0, out: 0, dropped: 0, rejected: 0, commands: 0 };
  private readonly plane: LocalPlane;
  private readonly framer: Framer;
  private readonly replay = new ReplayWindow();
  private readonly missions: MissionServer;
  private readonly rand: () => number;
  private gcs: RemoteInfo | undefined;
  private ticks = 0;
  private simMs = 0;
  private missionId = 0;
  private lastPhase = '';
  private closed = false;
  /** Real ms the simulation has run (ticks, each at most MAX_TICK_MS): the autopilot's own clock. */
  private ranMs = 0;
  /** `ranMs` at the last GCS HEARTBEAT, and whether this silence already triggered the failsafe. */
  private lastGcsMs: number | undefined;
  private gcsLostFired = false;
  /** EXTENDED_SYS_STATE interval asked for (real ms), and when it was last sent. */
  private extStateEveryMs: number | undefined;
  private extStateAt = 0;
  /** `ranMs` at which a timed cutLink ends. */
  private linkUpAt: number | undefined;

  private constructor(private readonly sock: Socket, readonly opts: VehicleOptions, readonly camera: SimCamera) {
    this.autopilot = opts.autopilot ?? 'ardupilot';
    this.flight = new FlightModel(opts.autopilot ?? 'ardupilot', opts.airframe);
    this.flight.battery = opts.startBatteryPct ?? 100;
    this.faults = { ...NO_FAULTS, ...opts.faults };
    this.plane = new LocalPlane(opts.home);
    this.framer = new Framer(opts.sysid ?? 1, 1, opts.signingKey);
    this.rand = mulberry32(opts.seed ?? 1);
    this.missions = new MissionServer({ sysid: 255, compid: 190 }, (m) => this.send(m), (t, items, id) => this.commit(t, items, id));
    sock.on('message', (buf, rinfo) => this.receive(buf, rinfo));
  }

  static async start(opts: VehicleOptions): Promise<SimVehicle> {
    const sock = createSocket('udp4');
    sock.on('error', () => {}); // ICMP unreachable while the GCS is gone: UDP is fire-and-forget
    sock.bind(0, '127.0.0.1');
    await once(sock, 'listening');
    return new SimVehicle(sock, opts, await SimCamera.start(opts.cameraHost));
  }

  get port(): number {
    return this.sock.address().port;
  }

  set windMs(v: number) {
    this.flight.windMs = v;
    this.flight.dock.windMs = v;
  }

  /**
   * Fault: nothing in or out for `realMs` of the vehicle's own running time (forever when absent;
   * `restoreLink()` ends it), the clock its lost-link timer counts on: a stall of the host cannot turn a
   * short cut into one past the failsafe time.
   */
  cutLink(realMs?: number): void {
    this.faults.linkDown = true;
    this.linkUpAt = realMs === undefined ? undefined : this.ranMs + realMs;
  }

  restoreLink(): void {
    this.linkUpAt = undefined;
    this.faults.linkDown = false;
  }

  /** Fault: fly away toward `to` (lon/lat) at the autopilot's default speed; its fence, if enabled, stops it. */
  flyAway(to: { lon: number; lat: number }): void {
    this.flight.flyAway({ ...this.plane.toXY(to), z: this.flight.pose.z });
  }

  /** Advance `realMs` of wall time (× timeScale of simulated time) and send this tick's telemetry. */
  tick(realMs: number, statusEvery = 5): void {
    const ran = Math.min(realMs, MAX_TICK_MS);
    this.ranMs += ran;
    if (this.linkUpAt !== undefined && this.ranMs >= this.linkUpAt) this.restoreLink();
    const dtS = (ran * (this.opts.timeScale ?? 1)) / 1000;
    this.simMs += dtS * 1000;
    this.checkGcs();
    const notes = this.flight.step(dtS);
    for (const a of notes.acks) this.ack(a.command, a.result);
    for (const seq of notes.reached) {
      const r = new common.MissionItemReached();
      r.seq = seq;
      this.send(r);
    }
    for (const t of notes.texts) this.send(statusText(t.text, t.severity));
    for (const c of notes.captures) this.takePictures(c.images, c.intervalS);
    this.ticks++;
    this.send(position(this.flight, this.plane, this.opts.home.altM, this.simMs));
    // Status at 1 Hz, and at once on a mode change (as autopilots announce mode changes).
    const changed = this.flight.phase !== this.lastPhase;
    this.lastPhase = this.flight.phase;
    if (this.ticks % statusEvery === 1 || notes.reached.length > 0 || changed) {
      this.send(heartbeat(this.autopilot, this.flight));
      for (const m of status(this.flight, this.missionId)) this.send(m);
    }
    const now = performance.now();
    if (this.extStateEveryMs !== undefined && (now - this.extStateAt >= this.extStateEveryMs || changed)) {
      this.extStateAt = now;
      this.send(extendedSysState(this.flight));
    }
    if (this.ticks % (statusEvery * 2) === 1) {
      this.send(battery(this.flight));
      this.send(home(this.plane, this.opts.home.altM));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.missions.close();
    await this.camera.close();
    this.sock.close();
    await once(this.sock, 'close');
  }

  private receive(buf: Buffer, rinfo: RemoteInfo): void {
    if (this.faults.linkDown || this.rand() < this.faults.loss) {
      this.counters.dropped++;
      return;
    }
    for (const f of decodeDatagram(buf, this.opts.signingKey)) {
      if (this.opts.signingKey && !this.replay.accept(f)) {
        this.counters.rejected++;
        continue;
      }
      this.counters.in++;
      this.gcs = rinfo;
      this.handle(f.msg);
    }
  }

  private handle(m: MavLinkData): void {
    if (m instanceof minimal.Heartbeat) {
      this.lastGcsMs = this.ranMs;
      this.gcsLostFired = false;
    } else if (m instanceof common.MissionCount) {
      this.missions.nack = m.missionType === 1 && this.faults.fenceNack !== undefined ? this.faults.fenceNack : this.faults.missionNack;
      this.missions.onCount(m);
    } else if (m instanceof common.MissionItemInt) this.missions.onItem(m);
    else if (m instanceof common.CommandLong) this.onCommand(m);
    else if (m instanceof common.ParamSet) this.onParamSet(m);
  }

  /** The autopilot's lost-link timer on its own clock (see VehicleOptions.minLinkLossMs and MAX_TICK_MS). */
  private checkGcs(): void {
    if (this.lastGcsMs === undefined || this.gcsLostFired) return;
    const timeoutS = this.autopilot === 'ardupilot' ? this.flight.params.get('FS_GCS_TIMEOUT') : this.flight.params.get('COM_DL_LOSS_T');
    const limitMs = Math.max(this.opts.minLinkLossMs ?? 1000, (timeoutS * 1000) / (this.opts.timeScale ?? 1));
    if (this.ranMs - this.lastGcsMs < limitMs) return;
    this.gcsLostFired = true;
    this.flight.gcsLost();
  }

  private onParamSet(m: common.ParamSet): void {
    const name = m.paramId.replace(/\0+$/, '');
    const stored = this.flight.params.set(name, m.paramValue, m.paramType);
    if (!stored) return; // unknown parameter: real autopilots stay silent
    const v = new common.ParamValue();
    v.paramId = name;
    v.paramValue = stored.value;
    v.paramType = stored.type as common.ParamValue['paramType'];
    v.paramCount = 1;
    v.paramIndex = 65535;
    this.send(v);
  }

  private onCommand(m: common.CommandLong): void {
    this.counters.commands++;
    if (this.faults.dropCommands) return;
    const forced = this.faults.commandNack[m.command];
    if (forced !== undefined) return this.ack(m.command, forced);
    const p = [m._param1, m._param2, m._param3, m._param4, m._param5, m._param6, m._param7];
    if (m.command === 176) {
      const mode = modeOfCommand(this.autopilot, p[0] ?? 0, p[1] ?? 0, p[2] ?? 0);
      this.ack(m.command, mode ? this.flight.setMode(mode) : 3);
    } else if (m.command === 511) this.ack(m.command, this.setInterval(p[0] ?? 0, p[1] ?? 0));
    else if (m.command === REQUEST_MESSAGE && p[0] === MSG_CAMERA_INFORMATION) {
      this.ack(m.command, 0);
      this.send(this.camera.information(this.simMs));
    } else if (m.command === IMAGE_START_CAPTURE) {
      this.ack(m.command, 0);
      this.takePictures(Math.max(1, p[2] ?? 1), p[1] ?? 0);
    }
    else this.ack(m.command, this.flight.command(m.command, p));
    for (const t of this.flight.takeTexts()) this.send(statusText(t.text, t.severity));
  }

  /** MAV_CMD_SET_MESSAGE_INTERVAL: only EXTENDED_SYS_STATE is off until asked; the rest streams by default. */
  private setInterval(msgid: number, intervalUs: number): number {
    if (msgid !== MSG_EXTENDED_SYS_STATE) return 0;
    if (this.faults.noExtendedSysState) return 3; // MAV_RESULT_UNSUPPORTED
    this.extStateEveryMs = intervalUs < 0 ? undefined : intervalUs === 0 ? 1000 : intervalUs / 1000;
    return 0;
  }

  /**
   * Takes pictures where the vehicle is and reports each with CAMERA_IMAGE_CAPTURED (position in degE7,
   * altitudes in mm, time_utc in µs, capture_result 1). Taken `intervalS` of simulated time apart; the
   * position is the one of this step (a hovering vehicle does not move meanwhile).
   */
  private takePictures(images: number, intervalS: number): void {
    const where = this.plane.toLonLat(this.flight.pose);
    for (let i = 0; i < images; i++) {
      const at = Date.now() + Math.round((i * intervalS * 1000) / (this.opts.timeScale ?? 1));
      const shot = this.camera.capture({ lon: where.lon, lat: where.lat, altM: this.flight.pose.z, at });
      const m = new common.CameraImageCaptured();
      m.timeBootMs = Math.round(this.simMs) >>> 0;
      m.timeUtc = BigInt(at) * 1000n;
      m.cameraId = 1;
      m.lat = Math.round(where.lat * 1e7);
      m.lon = Math.round(where.lon * 1e7);
      m.alt = Math.round((this.opts.home.altM + this.flight.pose.z) * 1000);
      m.relativeAlt = Math.round(this.flight.pose.z * 1000);
      m.q = [1, 0, 0, 0];
      m.imageIndex = shot.index;
      m.captureResult = 1 as common.CameraImageCaptured['captureResult'];
      m.fileUrl = this.faults.cameraUrl ?? shot.url;
      this.send(m);
    }
  }

  private ack(command: number, result: number): void {
    const a = new common.CommandAck();
    a.command = command;
    a.result = result;
    a.targetSystem = 255;
    a.targetComponent = 190;
    if (this.faults.ackDelayMs > 0) setTimeout(() => this.send(a), this.faults.ackDelayMs);
    else this.send(a);
  }

  private commit(missionType: number, items: ReceivedItem[], opaqueId: number): void {
    const sim: SimItem[] = items.map((it) => {
      const noPos = it.x === 0 && it.y === 0;
      const xy = noPos ? { x: 0, y: 0 } : this.plane.toXY({ lat: it.x / 1e7, lon: it.y / 1e7 });
      return { command: it.command, param1: it.param1, param2: it.param2, param3: it.param3, pos: { ...xy, z: it.z }, noPos };
    });
    if (missionType === 0) {
      this.flight.mission = sim;
      this.missionId = opaqueId;
    } else if (missionType === 1) this.flight.fence = sim;
    else if (missionType === 2) this.flight.rally = sim;
  }

  private send(m: MavLinkData): void {
    const gcs = this.gcs;
    if (!gcs || this.faults.linkDown || this.closed) return;
    const buf = this.framer.frame(m);
    if (this.rand() < this.faults.loss) {
      this.counters.dropped++;
      return;
    }
    this.counters.out++;
    this.sock.send(buf, gcs.port, gcs.address);
    if (this.rand() < this.faults.duplicate) this.sock.send(buf, gcs.port, gcs.address);
  }
}
