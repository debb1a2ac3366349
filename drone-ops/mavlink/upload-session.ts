import { common } from 'node-mavlink';
import type { MavLinkData } from 'node-mavlink';
import { AppError } from '../../kernel/errors.js';
import type { MissionItem } from '../planner/mission.js';
import type { Target } from './commands.js';
import type { UploadResult } from './vehicle-link.js';
import { DEFAULT_UPLOAD_TIMING, UploadMachine } from './upload.js';
import type { UploadOutcome, UploadState, UploadStep, UploadTiming } from './upload.js';

/** MAV_MISSION_RESULT names (common.xml), for NACK reasons people can read. */
const MISSION_RESULT: Record<number, string> = {
  0: 'ACCEPTED', 1: 'ERROR', 2: 'UNSUPPORTED_FRAME', 3: 'UNSUPPORTED', 4: 'NO_SPACE', 5: 'INVALID',
  6: 'INVALID_PARAM1', 7: 'INVALID_PARAM2', 8: 'INVALID_PARAM3', 9: 'INVALID_PARAM4', 10: 'INVALID_PARAM5_X',
  11: 'INVALID_PARAM6_Y', 12: 'INVALID_PARAM7', 13: 'INVALID_SEQUENCE', 14: 'DENIED', 15: 'OPERATION_CANCELLED',
};

interface Active {
  machine: UploadMachine;
  state: UploadState;
  items: readonly MissionItem[];
  timer: NodeJS.Timeout | undefined;
  resolve: (r: UploadResult) => void;
  reject: (e: AppError) => void;
}

/** Drives the pure UploadMachine with real sends and timers; one upload per link at a time. */
export class UploadSession {
  private active: Active | undefined;
  private readonly timing: UploadTiming;
  /** Items and counts sent again, over every upload of this link. */
  resends = 0;

  constructor(
    private readonly target: Target,
    private readonly send: (m: MavLinkData) => void,
    timing: Partial<UploadTiming> = {},
  ) {
    this.timing = { ...DEFAULT_UPLOAD_TIMING, ...timing };
  }

  run(missionType: number, items: readonly MissionItem[]): Promise<UploadResult> {
    if (this.active) return Promise.reject(new AppError('MAVLINK_BUSY', { message: 'an upload is already running on this link' }));
    return new Promise<UploadResult>((resolve, reject) => {
      const machine = new UploadMachine(this.timing);
      const first = machine.start(missionType, items.length);
      this.active = { machine, state: first.state, items, timer: undefined, resolve, reject };
      this.apply(this.active, first);
    });
  }

  onRequest(seq: number, missionType: number): void {
    const a = this.active;
    if (a && missionType === a.state.missionType) this.apply(a, a.machine.onRequest(a.state, seq));
  }

  onAck(ack: common.MissionAck): void {
    const a = this.active;
    if (a && ack.missionType === a.state.missionType) this.apply(a, a.machine.onAck(a.state, ack.type, ack.opaqueId));
  }

  abort(err: AppError): void {
    const a = this.active;
    if (!a) return;
    clearTimeout(a.timer);
    this.active = undefined;
    a.reject(err);
  }

  private apply(a: Active, step: UploadStep): void {
    a.state = step.state;
    if (step.send) this.send(step.send.kind === 'count' ? this.countMsg(a) : this.itemMsg(a, step.send.seq));
    if (step.waitMs !== undefined) {
      clearTimeout(a.timer);
      a.timer = setTimeout(() => this.apply(a, a.machine.onTimeout(a.state)), step.waitMs);
    }
    if (step.outcome) this.settle(a, step.outcome);
  }

  private settle(a: Active, o: UploadOutcome): void {
    clearTimeout(a.timer);
    this.active = undefined;
    if (o.ok) {
      this.resends += o.resends;
      return a.resolve({ opaqueId: o.opaqueId, resends: o.resends });
    }
    const kind = ['mission', 'fence', 'rally'][a.state.missionType] ?? `type ${a.state.missionType}`;
    switch (o.reason) {
      case 'nack': {
        const reason = MISSION_RESULT[o.result] ?? `MAV_MISSION_RESULT ${o.result}`;
        return a.reject(new AppError('MAVLINK_NACK', { message: `${kind} upload refused: ${reason}`, details: { missionType: a.state.missionType, result: o.result, reason } }));
      }
      case 'timeout':
        return a.reject(new AppError('MAVLINK_TIMEOUT', { message: `${kind} upload timed out waiting after ${o.stage === 'count' ? 'MISSION_COUNT' : `item ${o.seq}`}`, details: { missionType: a.state.missionType, stage: o.stage, seq: o.seq } }));
      case 'protocol':
        return a.reject(new AppError('MAVLINK_NACK', { message: `${kind} upload broke the protocol: ${o.detail}`, details: { missionType: a.state.missionType, reason: o.detail } }));
    }
  }

  private countMsg(a: Active): common.MissionCount {
    const m = new common.MissionCount();
    m.targetSystem = this.target.sysid;
    m.targetComponent = this.target.compid;
    m.count = a.items.length;
    m.missionType = a.state.missionType;
    m.opaqueId = 0;
    return m;
  }

  private itemMsg(a: Active, seq: number): common.MissionItemInt {
    const it = a.items[seq];
    if (!it) throw new AppError('INTERNAL', { message: `no item ${seq}` });
    const m = new common.MissionItemInt();
    m.targetSystem = this.target.sysid;
    m.targetComponent = this.target.compid;
    m.seq = seq;
    m.frame = it.frame;
    m.command = it.command;
    m.current = it.current;
    m.autocontinue = it.autocontinue;
    m.param1 = it.param1;
    m.param2 = it.param2;
    m.param3 = it.param3;
    m.param4 = it.param4;
    m.x = it.x;
    m.y = it.y;
    m.z = it.z;
    m.missionType = a.state.missionType;
    return m;
  }
}
