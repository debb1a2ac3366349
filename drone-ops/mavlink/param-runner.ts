/**
 * PARAM_SET → PARAM_VALUE (MAVLink parameter protocol): the vehicle answers a write with the stored
 * value; no answer within `timeoutMs` re-sends, `retries` times (QGroundControl does the same), then
 * MAVLINK_TIMEOUT. A PARAM_VALUE with another value than written is a refusal (MAVLINK_NACK).
 * Encoding: ArduPilot takes every value as a float cast (MAV_PARAM_TYPE_REAL32); PX4 stores integers
 * bytewise in the float field (MAV_PROTOCOL_CAPABILITY_PARAM_ENCODE_BYTEWISE) with MAV_PARAM_TYPE_INT32.
 */
import { common } from 'node-mavlink';
import type { MavLinkData } from 'node-mavlink';
import { AppError } from '../../kernel/errors.js';
import type { Autopilot } from './commands.js';
import type { Target } from './commands.js';
import type { ParamWrite } from './onboard.js';

const MAV_PARAM_TYPE = { INT32: 6, REAL32: 9 } as const;

/** The float that carries `w` for this autopilot, and its MAV_PARAM_TYPE. */
export function encodeParam(ap: Autopilot, w: ParamWrite): { value: number; type: number } {
  if (ap !== 'px4' || !w.integer) return { value: w.value, type: MAV_PARAM_TYPE.REAL32 };
  const b = Buffer.alloc(4);
  b.writeInt32LE(Math.round(w.value));
  return { value: b.readFloatLE(0), type: MAV_PARAM_TYPE.INT32 };
}

/** PARAM_VALUE's float back to the number it carries. */
export function decodeParam(value: number, type: number): number {
  if (type !== MAV_PARAM_TYPE.INT32) return value;
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return b.readInt32LE(0);
}

interface Pending {
  write: ParamWrite;
  attempts: number;
  timer: NodeJS.Timeout | undefined;
  resolve: () => void;
  reject: (e: AppError) => void;
}

export class ParamRunner {
  private readonly pending = new Map<string, Pending>();
  /** Re-sends after a lost PARAM_SET or PARAM_VALUE (the link counts them). */
  resends = 0;

  constructor(
    private readonly target: Target,
    private readonly send: (m: MavLinkData) => void,
    private readonly autopilot: () => Autopilot,
    private readonly opts: { timeoutMs: number; retries: number } = { timeoutMs: 500, retries: 3 },
  ) {}

  set(w: ParamWrite): Promise<void> {
    if (this.pending.has(w.name)) return Promise.reject(new AppError('MAVLINK_BUSY', { details: { param: w.name } }));
    return new Promise<void>((resolve, reject) => {
      const p: Pending = { write: w, attempts: 0, timer: undefined, resolve, reject };
      this.pending.set(w.name, p);
      this.attempt(p);
    });
  }

  onValue(m: common.ParamValue): void {
    const name = m.paramId.replace(/\0+$/, '');
    const p = this.pending.get(name);
    if (!p) return;
    this.finish(p);
    const got = decodeParam(m.paramValue, m.paramType);
    // Floats round-trip through float32: compare at its precision.
    if (Math.abs(got - p.write.value) <= 1e-4 * Math.max(1, Math.abs(p.write.value))) return p.resolve();
    p.reject(new AppError('MAVLINK_NACK', { message: `parameter ${name} kept ${got} instead of ${p.write.value}`, details: { param: name, wanted: p.write.value, got } }));
  }

  abortAll(err: AppError): void {
    for (const p of [...this.pending.values()]) {
      this.finish(p);
      p.reject(err);
    }
  }

  private attempt(p: Pending): void {
    const { value, type } = encodeParam(this.autopilot(), p.write);
    const m = new common.ParamSet();
    m.targetSystem = this.target.sysid;
    m.targetComponent = this.target.compid;
    m.paramId = p.write.name;
    m.paramValue = value;
    m.paramType = type as common.ParamSet['paramType'];
    this.send(m);
    p.attempts++;
    p.timer = setTimeout(() => {
      if (p.attempts > this.opts.retries) {
        this.finish(p);
        return p.reject(new AppError('MAVLINK_TIMEOUT', { message: `no PARAM_VALUE for ${p.write.name} after ${p.attempts} attempts`, details: { param: p.write.name, attempts: p.attempts } }));
      }
      this.resends++;
      this.attempt(p);
    }, this.opts.timeoutMs);
  }

  private finish(p: Pending): void {
    clearTimeout(p.timer);
    this.pending.delete(p.write.name);
  }
}
