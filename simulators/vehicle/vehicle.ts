import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { once } from 'node:events';
import { common } from 'node-mavlink';
import type { MavLinkData } from 'node-mavlink';
import { LocalPlane } from '../../drone-ops/index.js';
import type { LonLatAlt } from '../../drone-ops/index.js';
import { mulberry32 } from '../random.js';
import { FlightModel } from './autopilot.js';
import type { SimItem } from './autopilot.js';
import { MissionServer } from './mission-server.js';
import type { ReceivedItem } from './mission-server.js';
import type { Airframe } from './physics.js';
import { battery, heartbeat, home, phaseOfMode, position, status, statusText } from './telemetry.js';
import type { SimAutopilot } from './telemetry.js';
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
  /** Total link loss: nothing in, nothing out. */
  linkDown: boolean;
}

export interface VehicleOptions {
  home: LonLatAlt;
  autopilot?: SimAutopilot;
  sysid?: number;
  /** Simulated seconds per real second. */
  timeScale?: number;
  signingKey?: Buffer;
  faults?: Partial<Faults>;
  seed?: number;
  airframe?: Airframe;
  startBatteryPct?: number;
}

const NO_FAULTS: Faults = { loss: 0, duplicate: 0, ackDelayMs: 0, dropCommands: false, commandNack: {}, missionNack: undefined, linkDown: false };


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

  private constructor(private readonly sock: Socket, readonly opts: VehicleOptions) {
    this.autopilot = opts.autopilot ?? 'ardupilot';
    this.flight = new FlightModel(opts.airframe);
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
    return new SimVehicle(sock, opts);
  }

  get port(): number {
    return this.sock.address().port;
  }

  set windMs(v: number) {
    this.flight.windMs = v;
    this.flight.dock.windMs = v;
  }

  /** Advance `realMs` of wall time (× timeScale of simulated time) and send this tick's telemetry. */
  tick(realMs: number, statusEvery = 5): void {
    const dtS = (realMs * (this.opts.timeScale ?? 1)) / 1000;
    this.simMs += dtS * 1000;
    const notes = this.flight.step(dtS);
    for (const a of notes.acks) this.ack(a.command, a.result);
    for (const seq of notes.reached) {
      const r = new common.MissionItemReached();
      r.seq = seq;
      this.send(r);
    }
    for (const t of notes.texts) this.send(statusText(t, 4));
    this.ticks++;
    this.send(position(this.flight, this.plane, this.opts.home.altM, this.simMs));
    // Status at 1 Hz, and at once on a mode change (as autopilots announce mode changes).
    const changed = this.flight.phase !== this.lastPhase;
    this.lastPhase = this.flight.phase;
    if (this.ticks % statusEvery === 1 || notes.reached.length > 0 || changed) {
      this.send(heartbeat(this.autopilot, this.flight));
      for (const m of status(this.flight, this.missionId)) this.send(m);
    }
    if (this.ticks % (statusEvery * 2) === 1) {
      this.send(battery(this.flight));
      this.send(home(this.plane, this.opts.home.altM));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.missions.close();
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
    if (m instanceof common.MissionCount) {
      this.missions.nack = this.faults.missionNack;
      this.missions.onCount(m);
    } else if (m instanceof common.MissionItemInt) this.missions.onItem(m);
    else if (m instanceof common.CommandLong) this.onCommand(m);
  }

  private onCommand(m: common.CommandLong): void {
    this.counters.commands++;
    if (this.faults.dropCommands) return;
    const forced = this.faults.commandNack[m.command];
    if (forced !== undefined) return this.ack(m.command, forced);
    const p = [m._param1, m._param2, m._param3, m._param4, m._param5, m._param6, m._param7];
    if (m.command === 176) {
      const phase = phaseOfMode(this.autopilot, p[0] ?? 0, p[1] ?? 0, p[2] ?? 0);
      return this.ack(m.command, phase ? this.flight.setPhase(phase) : 3);
    }
    this.ack(m.command, this.flight.command(m.command, p));
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
      return { command: it.command, param1: it.param1, pos: { ...xy, z: it.z }, noPos };
    });
    if (missionType === 0) {
      this.flight.mission = sim;
      this.missionId = opaqueId;
    } else if (missionType === 1) this.flight.fence = sim;
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
