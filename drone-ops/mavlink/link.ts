import { common, minimal } from 'node-mavlink';
import type { MavLinkData } from 'node-mavlink';
import { EventBus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import { systemClock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { MissionItem } from '../planner/mission.js';
import { cameraHostOf, MSG_CAMERA_INFORMATION, parseCameraInformation, parseImageCaptured, type CameraInfo } from './camera.js';
import { decodeFrames, encodeFrame } from './codec.js';
import type { Frame } from './codec.js';
import { CMD, commandParams } from './commands.js';
import type { FlightMode } from './commands.js';
import { CommandRunner } from './command-runner.js';
import type { ParamWrite } from './onboard.js';
import { ParamRunner } from './param-runner.js';
import type { VehicleLink, LinkEvents, UploadResult } from './vehicle-link.js';
import { SignatureGuard, SigningClock } from './signing.js';
import { applyTelemetry, healthAt, INITIAL_STATE } from './state.js';
import type { DroneState } from './state.js';
import { openTransport } from './transport.js';
import type { Endpoint, Transport } from './transport.js';
import { UploadSession } from './upload-session.js';
import type { UploadTiming } from './upload.js';

export interface MavlinkLinkOptions {
  endpoint: Endpoint;
  /** The vehicle's system/component id (default 1/1, MAV_COMP_ID_AUTOPILOT1). */
  target?: { sysid: number; compid: number };
  /** Our ids: 255 and MAV_COMP_ID_MISSIONPLANNER (190), as ground stations use. */
  self?: { sysid: number; compid: number };
  clock?: Clock;
  /** GCS HEARTBEAT period (drone-ops.md: 1 Hz). */
  heartbeatMs?: number;
  /** Stale after this long without the vehicle's HEARTBEAT (3.5 s). */
  staleMs?: number;
  /** Lost after the autopilot's failsafe time: ArduPilot 5 s, PX4 10 s unless set here. */
  lostMs?: number;
  connectTimeoutMs?: number;
  upload?: Partial<UploadTiming>;
  /** COMMAND_ACK wait per attempt (0.5 s), re-sends with an incremented confirmation (3), wait after IN_PROGRESS (30 s). */
  command?: { timeoutMs?: number; retries?: number; inProgressMs?: number };
  /** MAVLink 2 signing: 32-byte secret and our link id. Incoming frames must then be signed too. */
  signing?: { key: Buffer; linkId: number };
  /**
   * The autopilot registered for this vehicle: it picks the mode tables and failsafe time, and a HEARTBEAT
   * naming another one makes every upload and command fail with AUTOPILOT_MISMATCH. Absent: trust the HEARTBEAT.
   */
  autopilot?: 'ardupilot' | 'px4';
  /** Messages requested with MAV_CMD_SET_MESSAGE_INTERVAL each time the link comes up (default STREAMS; [] = none). */
  streams?: readonly { msgid: number; intervalUs: number }[];
}

/**
 * What we depend on, asked for explicitly: neither autopilot streams EXTENDED_SYS_STATE (245) on every link
 * unasked (drone-ops.md "What real autopilots do"). GLOBAL_POSITION_INT 5 Hz, SYS_STATUS and
 * EXTENDED_SYS_STATE 1 Hz, BATTERY_STATUS 0.5 Hz, MISSION_CURRENT 1 Hz, HOME_POSITION 0.2 Hz.
 */
export const STREAMS: readonly { msgid: number; intervalUs: number }[] = [
  { msgid: 245, intervalUs: 1_000_000 },
  { msgid: 33, intervalUs: 200_000 },
  { msgid: 1, intervalUs: 1_000_000 },
  { msgid: 147, intervalUs: 2_000_000 },
  { msgid: 42, intervalUs: 1_000_000 },
  { msgid: 242, intervalUs: 5_000_000 },
];

const FAILSAFE_MS = { ardupilot: 5000, px4: 10_000, generic: 5000 } as const;

/** One vehicle over MAVLink 2 (UDP or TCP): heartbeats, liveness, uploads, commands, telemetry. */
export class MavlinkLink implements VehicleLink {
  readonly events = new EventBus<LinkEvents>();
  private current: DroneState = INITIAL_STATE;
  private transport: Transport | undefined;
  private seq = 0;
  private rest: Buffer = Buffer.alloc(0);
  private timers: NodeJS.Timeout[] = [];
  private readonly clock: Clock;
  private readonly target: { sysid: number; compid: number };
  private readonly self: { sysid: number; compid: number };
  private readonly signClock: SigningClock | undefined;
  private readonly guard: SignatureGuard | undefined;
  private readonly commands: CommandRunner;
  private readonly uploads: UploadSession;
  private readonly params: ParamRunner;
  private mismatch_: AppError | undefined;
  private streamsDone: Promise<void> = Promise.resolve();
  private cameraDone: Promise<void> = Promise.resolve();
  private camera_: CameraInfo | null | undefined;
  private readonly reported = { upload: 0, command: 0, param: 0 };
  private expectedMissionId: number | undefined;
  private abortConnect: ((e: AppError) => void) | undefined;
  /** When the periodic health check last ran, and since when this process has been listening without a stall. */
  private lastCheckAt = 0;
  private listeningSince = 0;
  /** Frames seen and dropped, for the bench and for tests. */
  readonly counters = { framesIn: 0, framesOut: 0, crcErrors: 0, rejected: 0, streamRequestsRefused: 0 };

  constructor(private readonly opts: MavlinkLinkOptions) {
    this.clock = opts.clock ?? systemClock;
    this.target = opts.target ?? { sysid: 1, compid: 1 };
    this.self = opts.self ?? { sysid: 255, compid: 190 };
    if (opts.signing) {
      if (opts.signing.key.length !== 32) throw new AppError('CONFIG_INVALID', { message: 'MAVLink signing key must be 32 bytes' });
      this.signClock = new SigningClock(() => this.clock.now());
      this.guard = new SignatureGuard(opts.signing.key);
    }
    const send = (m: MavLinkData): void => this.send(m);
    this.commands = new CommandRunner(this.target, send, opts.command);
    this.uploads = new UploadSession(this.target, send, opts.upload);
    this.params = new ParamRunner(this.target, send, () => this.autopilot);
  }

  /** The registered autopilot, else the one the HEARTBEAT names. */
  get autopilot(): 'ardupilot' | 'px4' | 'generic' {
    return this.opts.autopilot ?? this.current.autopilot;
  }

  /** AUTOPILOT_MISMATCH once a HEARTBEAT named another autopilot than the registered one. */
  get mismatch(): AppError | undefined {
    return this.mismatch_;
  }

  /** Re-sends of uploads, commands and parameter writes so far (lossy link indicator). */
  get retries(): number {
    return this.uploads.resends + this.commands.resends + this.params.resends;
  }

  get camera(): CameraInfo | null | undefined {
    return this.camera_;
  }

  get state(): DroneState {
    return this.current;
  }

  async connect(): Promise<void> {
    this.transport = await openTransport(this.opts.endpoint);
    this.transport.onData((buf) => this.receive(buf));
    const first = this.events.once('health', (h) => h.to === 'ok');
    this.sendHeartbeat();
    const hb = this.opts.heartbeatMs ?? 1000;
    const check = Math.min(hb, (this.opts.staleMs ?? 3500) / 4);
    this.lastCheckAt = this.clock.now();
    this.timers.push(setInterval(() => this.sendHeartbeat(), hb), setInterval(() => {
      this.noteStall();
      this.checkHealth();
      this.reportRetries();
    }, check));
    const timeoutMs = this.opts.connectTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      this.abortConnect = reject;
      timer = setTimeout(() => reject(new AppError('MAVLINK_TIMEOUT', { message: `no HEARTBEAT from the vehicle within ${timeoutMs} ms` })), timeoutMs);
    });
    try {
      await Promise.race([first, timeout]);
    } finally {
      clearTimeout(timer);
      this.abortConnect = undefined;
    }
  }

  uploadMission(items: readonly MissionItem[]): Promise<UploadResult> {
    return this.upload(0, items);
  }
  uploadFence(items: readonly MissionItem[]): Promise<UploadResult> {
    return this.upload(1, items);
  }
  uploadRally(items: readonly MissionItem[]): Promise<UploadResult> {
    return this.upload(2, items);
  }
  arm(): Promise<void> {
    return this.command(CMD.COMPONENT_ARM_DISARM, commandParams.arm(true));
  }
  disarm(): Promise<void> {
    return this.command(CMD.COMPONENT_ARM_DISARM, commandParams.arm(false));
  }
  takeoff(altM: number): Promise<void> {
    return this.command(CMD.NAV_TAKEOFF, commandParams.takeoff(altM));
  }
  startMission(): Promise<void> {
    return this.command(CMD.MISSION_START, commandParams.missionStart());
  }
  land(): Promise<void> {
    return this.command(CMD.NAV_LAND, commandParams.land());
  }
  setMode(mode: FlightMode): Promise<void> {
    return this.command(CMD.DO_SET_MODE, commandParams.setMode(this.autopilot, mode));
  }
  async setParam(w: ParamWrite): Promise<void> {
    this.assertUsable();
    await this.params.set(w);
  }
  requestMessageInterval(msgid: number, intervalUs: number): Promise<void> {
    return this.command(CMD.SET_MESSAGE_INTERVAL, commandParams.messageInterval(msgid, intervalUs));
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const lost = new AppError('MAVLINK_LINK_LOST', { message: 'link closed' });
    this.abortConnect?.(lost);
    this.commands.abortAll(lost);
    this.uploads.abort(lost);
    this.params.abortAll(lost);
    await this.transport?.close();
  }

  private async upload(missionType: number, items: readonly MissionItem[]): Promise<UploadResult> {
    this.assertUsable();
    const result = await this.uploads.run(missionType, items);
    if (missionType === 0 && result.opaqueId !== 0) this.expectedMissionId = result.opaqueId;
    return result;
  }

  private async command(command: number, params: number[]): Promise<void> {
    this.assertUsable();
    await this.commands.run(command, params);
  }

  private assertUsable(): void {
    if (!this.transport) throw new AppError('MAVLINK_LINK_LOST', { message: 'link is not connected' });
    if (this.current.health === 'lost') throw new AppError('MAVLINK_LINK_LOST');
    if (this.mismatch_) throw this.mismatch_;
  }

  /** Settles once the latest round of SET_MESSAGE_INTERVAL requests has been answered or given up. */
  streamsRequested(): Promise<void> {
    return this.streamsDone;
  }

  /** Settles once the latest CAMERA_INFORMATION request has been answered, refused or given up. */
  cameraRequested(): Promise<void> {
    return this.cameraDone;
  }

  /**
   * Camera identification (mavlink.io Camera Protocol v2): MAV_CMD_REQUEST_MESSAGE for CAMERA_INFORMATION,
   * after the streams. The message itself arrives beside the ACK (handle()); a refusal means no camera.
   */
  private async requestCamera(): Promise<void> {
    const answered = this.events.once('camera', () => true);
    try {
      await this.command(CMD.REQUEST_MESSAGE, commandParams.requestMessage(MSG_CAMERA_INFORMATION));
    } catch (err) {
      if (err instanceof AppError && err.code === 'MAVLINK_NACK' && this.camera_ === undefined) {
        this.camera_ = null;
        this.events.emit('camera', { info: null });
      }
      return;
    }
    const timer = new Promise<void>((resolve) => setTimeout(resolve, this.opts.command?.timeoutMs ?? 500).unref());
    await Promise.race([answered, timer]);
  }

  /** SET_MESSAGE_INTERVAL for every stream, one after the other (one command id at a time); refusals are counted. */
  private async requestStreams(): Promise<void> {
    for (const s of this.opts.streams ?? STREAMS) {
      try {
        await this.requestMessageInterval(s.msgid, s.intervalUs);
      } catch {
        this.counters.streamRequestsRefused++;
      }
    }
  }

  /** Frame and send one message (MAVLink 2 only, pitfall 1), signed with the link's own clock (pitfall 3). */
  private send(m: MavLinkData): void {
    const sign = this.opts.signing && this.signClock ? { ...this.opts.signing, timestamp: this.signClock.next() } : undefined;
    const frame = encodeFrame(m, { ...this.self, seq: this.seq, ...(sign ? { sign } : {}) });
    this.seq = (this.seq + 1) & 0xff;
    this.counters.framesOut++;
    this.transport?.send(frame);
  }

  private sendHeartbeat(): void {
    const hb = new minimal.Heartbeat();
    hb.type = 6; // MAV_TYPE_GCS
    hb.autopilot = 8; // MAV_AUTOPILOT_INVALID: not a flight controller
    hb.baseMode = 0 as minimal.MavModeFlag;
    hb.customMode = 0;
    hb.systemStatus = 4; // MAV_STATE_ACTIVE
    hb.mavlinkVersion = 3;
    this.send(hb);
  }

  private receive(buf: Buffer): void {
    const input = this.transport?.datagram || this.rest.length === 0 ? buf : Buffer.concat([this.rest, buf]);
    const { frames, consumed, errors } = decodeFrames(input);
    this.counters.crcErrors += errors;
    if (!this.transport?.datagram) this.rest = Buffer.from(input.subarray(consumed));
    for (const f of frames) this.handle(f);
  }

  private handle(f: Frame): void {
    if (f.sysid !== this.target.sysid || !f.data) return;
    if (this.guard) {
      const verdict = this.guard.check(f, this.clock.now());
      if (verdict !== 'accepted') {
        this.counters.rejected++;
        this.events.emit('rejected', { verdict, msgid: f.msgid });
        return;
      }
    }
    this.counters.framesIn++;
    const m = f.data;
    if (m instanceof common.CommandAck) return this.commands.onAck(m);
    if (m instanceof common.MissionRequestInt || m instanceof common.MissionRequest) return this.uploads.onRequest(m.seq, m.missionType);
    if (m instanceof common.MissionAck) return this.uploads.onAck(m);
    if (m instanceof common.ParamValue) return this.params.onValue(m);
    // A MAVLink camera has its own component id (100…105); the autopilot reports attached cameras itself.
    if (m instanceof common.CameraImageCaptured) {
      const cameraHost = cameraHostOf(this.camera_);
      return void this.events.emit('image', { ...parseImageCaptured(m), linkHost: this.opts.endpoint.host, ...(cameraHost ? { cameraHost } : {}) });
    }
    if (m instanceof common.CameraInformation) {
      this.camera_ = parseCameraInformation(m);
      return void this.events.emit('camera', { info: this.camera_ });
    }
    if (f.compid !== this.target.compid) return;
    this.onTelemetry(m);
  }

  private onTelemetry(m: MavLinkData): void {
    const before = this.current;
    const next = applyTelemetry(before, m, this.clock.now());
    if (next === before) return;
    this.current = next;
    if (m instanceof minimal.Heartbeat) {
      this.checkAutopilot();
      this.checkHealth();
    }
    if (m instanceof common.MissionItemReached) this.events.emit('reached', { seq: m.seq });
    if (m instanceof common.StatusText) this.events.emit('statustext', { severity: m.severity, text: m.text });
    if (m instanceof common.MissionCurrent) this.checkMissionId(m.missionId);
    this.events.emit('state', this.current);
  }

  /** Re-sends since the last report, per kind, as `retry` events (metrics and logs subscribe). */
  private reportRetries(): void {
    const now = { upload: this.uploads.resends, command: this.commands.resends, param: this.params.resends };
    for (const kind of ['upload', 'command', 'param'] as const) {
      const count = now[kind] - this.reported[kind];
      if (count > 0) this.events.emit('retry', { kind, count });
      this.reported[kind] = now[kind];
    }
  }

  private checkAutopilot(): void {
    const registered = this.opts.autopilot;
    const reported = this.current.autopilot;
    if (!registered || reported === registered || this.mismatch_) return;
    this.mismatch_ = new AppError('AUTOPILOT_MISMATCH', { message: `drone registered as ${registered} but its HEARTBEAT reports ${reported}`, details: { registered, reported } });
    this.events.emit('autopilot-mismatch', { registered, reported });
  }

  private checkMissionId(reported: number): void {
    const expected = this.expectedMissionId;
    if (expected !== undefined && reported !== 0 && reported !== expected) this.events.emit('mission-mismatch', { expected, reported });
  }

  /**
   * A periodic check that comes a stale time late means this process stalled (a loaded machine, a long GC
   * pause): what the vehicle sent meanwhile is still unread in the socket. Its silence is then counted from
   * the end of the stall, so the ground does not call a link lost for its own pause.
   */
  private noteStall(): void {
    const now = this.clock.now();
    if (now - this.lastCheckAt > (this.opts.staleMs ?? 3500)) this.listeningSince = now;
    this.lastCheckAt = now;
  }

  private checkHealth(): void {
    const lostMs = this.opts.lostMs ?? FAILSAFE_MS[this.autopilot];
    const heard = this.current.lastHeartbeatMs;
    const judged = heard === undefined ? this.current : { ...this.current, lastHeartbeatMs: Math.max(heard, this.listeningSince) };
    const to = healthAt(judged, this.clock.now(), this.opts.staleMs ?? 3500, lostMs);
    const from = this.current.health;
    if (to === from) return;
    this.current = { ...this.current, health: to };
    if (to === 'lost') {
      const lost = new AppError('MAVLINK_LINK_LOST', { message: `no HEARTBEAT for ${lostMs} ms` });
      this.commands.abortAll(lost);
      this.uploads.abort(lost);
      this.params.abortAll(lost);
    }
    // Each time the vehicle (re)appears it may have rebooted: ask again for what we depend on.
    if (to === 'ok' && from !== 'stale') {
      this.streamsDone = this.requestStreams();
      this.cameraDone = this.streamsDone.then(() => this.requestCamera());
    }
    this.events.emit('health', { from, to });
    this.events.emit('state', this.current);
  }
}
