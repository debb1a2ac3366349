/**
 * The MAVLink mission upload protocol (mavlink.io "Mission Protocol"), shared by missions, fences and
 * rally points through `mission_type`: MISSION_COUNT → MISSION_REQUEST_INT(seq) → MISSION_ITEM_INT(seq)
 * … → MISSION_ACK. A pure state machine: each input returns the next state, what to send, how long to
 * wait, and — once — the outcome. The link owns sockets and timers.
 */

export interface UploadTiming {
  /** Wait for the first request after MISSION_COUNT (QGroundControl/MAVSDK: 1500 ms). */
  countTimeoutMs: number;
  /** Wait after each item for the next request or the ACK (QGroundControl: 250 ms per item). */
  itemTimeoutMs: number;
  /** Re-sends of one step before giving up (QGroundControl/MAVSDK: 5). */
  retries: number;
}

export const DEFAULT_UPLOAD_TIMING: UploadTiming = { countTimeoutMs: 1500, itemTimeoutMs: 250, retries: 5 };

export interface UploadState {
  readonly missionType: number;
  readonly count: number;
  /** -1 while MISSION_COUNT is the last thing sent, else the seq of the last item sent. */
  readonly lastSent: number;
  /** Highest seq the vehicle has requested so far (-1: none). */
  readonly highest: number;
  readonly retriesLeft: number;
  readonly finished: boolean;
}

export type UploadSend = { kind: 'count' } | { kind: 'item'; seq: number };

export type UploadOutcome =
  | { ok: true; opaqueId: number; resends: number }
  | { ok: false; reason: 'nack'; result: number }
  | { ok: false; reason: 'timeout'; stage: 'count' | 'item'; seq: number }
  | { ok: false; reason: 'protocol'; detail: string };

export interface UploadStep {
  state: UploadState;
  send?: UploadSend;
  /** Arm (or re-arm) the timeout with this many ms; absent = keep the running timer. */
  waitMs?: number;
  outcome?: UploadOutcome;
}

export class UploadMachine {
  private resends = 0;
  constructor(private readonly timing: UploadTiming = DEFAULT_UPLOAD_TIMING) {}

  start(missionType: number, count: number): UploadStep {
    const state: UploadState = { missionType, count, lastSent: -1, highest: -1, retriesLeft: this.timing.retries, finished: false };
    return { state, send: { kind: 'count' }, waitMs: this.timing.countTimeoutMs };
  }

  /** MISSION_REQUEST_INT (or the deprecated MISSION_REQUEST) for `seq`. */
  onRequest(s: UploadState, seq: number): UploadStep {
    if (s.finished) return { state: s };
    if (seq < 0 || seq >= s.count) return this.fail(s, { ok: false, reason: 'protocol', detail: `request for seq ${seq} of ${s.count}` });
    if (seq > s.highest + 1) return this.fail(s, { ok: false, reason: 'protocol', detail: `request for seq ${seq} skipped ${s.highest + 1}` });
    // A repeated request means our item was lost: re-send it (mavlink.io: "re-send on a repeated request").
    if (seq <= s.highest) this.resends++;
    const state = { ...s, lastSent: seq, highest: Math.max(s.highest, seq), retriesLeft: this.timing.retries };
    return { state, send: { kind: 'item', seq }, waitMs: this.timing.itemTimeoutMs };
  }

  onAck(s: UploadState, result: number, opaqueId: number): UploadStep {
    if (s.finished) return { state: s };
    if (result !== 0) return this.fail(s, { ok: false, reason: 'nack', result });
    if (s.count > 0 && s.highest < s.count - 1) {
      return this.fail(s, { ok: false, reason: 'protocol', detail: `accepted after ${s.highest + 1} of ${s.count} items` });
    }
    return { state: { ...s, finished: true }, outcome: { ok: true, opaqueId, resends: this.resends } };
  }

  onTimeout(s: UploadState): UploadStep {
    if (s.finished) return { state: s };
    if (s.retriesLeft <= 0) {
      const stage = s.lastSent < 0 ? 'count' : 'item';
      return this.fail(s, { ok: false, reason: 'timeout', stage, seq: s.lastSent });
    }
    this.resends++;
    const state = { ...s, retriesLeft: s.retriesLeft - 1 };
    if (s.lastSent < 0) return { state, send: { kind: 'count' }, waitMs: this.timing.countTimeoutMs };
    return { state, send: { kind: 'item', seq: s.lastSent }, waitMs: this.timing.itemTimeoutMs };
  }

  private fail(s: UploadState, outcome: UploadOutcome): UploadStep {
    return { state: { ...s, finished: true }, outcome };
  }
}
