import { common } from 'node-mavlink';
import type { MavLinkData } from 'node-mavlink';

/** Vehicle side of the mission protocol: asks for items one by one, then ACKs (or NACKs on a fault). */
export interface ReceivedItem {
  seq: number;
  command: number;
  frame: number;
  param1: number;
  param2: number;
  param3: number;
  x: number;
  y: number;
  z: number;
}

interface Receiving {
  missionType: number;
  count: number;
  next: number;
  items: ReceivedItem[];
  timer: NodeJS.Timeout | undefined;
  retries: number;
  requestedAt: number;
}

const MISSION_ACCEPTED = 0;
/** The vehicle re-requests a missing item after this long (real ms), a few times, then gives up. */
const REQUEST_TIMEOUT_MS = 250;
const REQUEST_RETRIES = 5;

export class MissionServer {
  private rx: Receiving | undefined;
  private opaque = 0;
  /** Last completed upload per type, so a re-sent last item is answered with the same ACK. */
  private readonly done = new Map<number, { count: number; opaqueId: number }>();
  /** Fault: answer every MISSION_COUNT with this MAV_MISSION_RESULT instead of requesting items. */
  nack: number | undefined;

  constructor(
    private readonly gcs: { sysid: number; compid: number },
    private readonly send: (m: MavLinkData) => void,
    private readonly commit: (missionType: number, items: ReceivedItem[], opaqueId: number) => void,
  ) {}

  onCount(m: common.MissionCount): void {
    this.stop();
    if (this.nack !== undefined) return this.ack(m.missionType, this.nack, 0);
    if (m.count === 0) return this.finish(m.missionType, []);
    this.rx = { missionType: m.missionType, count: m.count, next: 0, items: [], timer: undefined, retries: REQUEST_RETRIES, requestedAt: 0 };
    this.request();
  }

  onItem(m: common.MissionItemInt): void {
    const rx = this.rx;
    if (!rx || m.missionType !== rx.missionType) {
      const d = this.done.get(m.missionType);
      // Our ACK was lost and the GCS re-sent the last item: ACK again.
      if (d && m.seq === d.count - 1) this.ack(m.missionType, MISSION_ACCEPTED, d.opaqueId);
      return;
    }
    if (m.seq !== rx.next) {
      // The GCS re-sent the item we have: our request for the next one was probably lost, so ask again
      // now — but at most once per 20 ms, or duplicated traffic would keep a re-send echo going.
      if (m.seq === rx.next - 1 && performance.now() - rx.requestedAt >= 20) this.request();
      return;
    }
    rx.items.push({ seq: m.seq, command: m.command, frame: m.frame, param1: m.param1, param2: m.param2, param3: m.param3, x: m.x, y: m.y, z: m.z });
    rx.next++;
    rx.retries = REQUEST_RETRIES;
    if (rx.next === rx.count) return this.finish(rx.missionType, rx.items);
    this.request();
  }

  close(): void {
    this.stop();
  }

  private request(): void {
    const rx = this.rx;
    if (!rx) return;
    const r = new common.MissionRequestInt();
    r.targetSystem = this.gcs.sysid;
    r.targetComponent = this.gcs.compid;
    r.seq = rx.next;
    r.missionType = rx.missionType;
    rx.requestedAt = performance.now();
    this.send(r);
    clearTimeout(rx.timer);
    rx.timer = setTimeout(() => {
      if (rx.retries-- <= 0) return this.stop();
      this.request();
    }, REQUEST_TIMEOUT_MS);
  }

  private finish(missionType: number, items: ReceivedItem[]): void {
    this.stop();
    this.opaque = (this.opaque + 1) >>> 0 || 1;
    this.done.set(missionType, { count: items.length, opaqueId: this.opaque });
    this.commit(missionType, items, this.opaque);
    this.ack(missionType, MISSION_ACCEPTED, this.opaque);
  }

  private ack(missionType: number, type: number, opaqueId: number): void {
    const a = new common.MissionAck();
    a.targetSystem = this.gcs.sysid;
    a.targetComponent = this.gcs.compid;
    a.type = type;
    a.missionType = missionType;
    a.opaqueId = opaqueId;
    this.send(a);
  }

  private stop(): void {
    if (this.rx) clearTimeout(this.rx.timer);
    this.rx = undefined;
  }
}
