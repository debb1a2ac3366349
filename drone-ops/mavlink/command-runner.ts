import type { common } from 'node-mavlink';
import type { MavLinkData } from 'node-mavlink';
import { AppError } from '../../kernel/errors.js';
import { commandLong } from './commands.js';
import type { Target } from './commands.js';

/** MAV_RESULT (common.xml). */
const MAV_RESULT: Record<number, string> = {
  0: 'ACCEPTED', 1: 'TEMPORARILY_REJECTED', 2: 'DENIED', 3: 'UNSUPPORTED', 4: 'FAILED', 5: 'IN_PROGRESS',
  6: 'CANCELLED', 7: 'COMMAND_LONG_ONLY', 8: 'COMMAND_INT_ONLY', 9: 'COMMAND_UNSUPPORTED_MAV_FRAME',
};
const ACCEPTED = 0;
const IN_PROGRESS = 5;

interface Pending {
  command: number;
  params: number[];
  confirmation: number;
  timer: NodeJS.Timeout | undefined;
  resolve: () => void;
  reject: (e: AppError) => void;
}

/**
 * COMMAND_LONG → COMMAND_ACK with re-sends (MAVLink command protocol): on no ACK within `timeoutMs`
 * the command goes out again with `confirmation` incremented, `retries` times, then MAVLINK_TIMEOUT.
 * IN_PROGRESS stops the re-sends and waits for the final ACK. One command per id at a time.
 */
export class CommandRunner {
  private readonly pending = new Map<number, Pending>();
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly inProgressMs: number;
  /** Commands sent again for a missing COMMAND_ACK. */
  resends = 0;

  constructor(
    private readonly target: Target,
    private readonly send: (m: MavLinkData) => void,
    opts: { timeoutMs?: number; retries?: number; inProgressMs?: number } = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 500;
    this.retries = opts.retries ?? 3;
    this.inProgressMs = opts.inProgressMs ?? 30_000;
  }

  run(command: number, params: number[]): Promise<void> {
    if (this.pending.has(command)) return Promise.reject(new AppError('MAVLINK_BUSY', { details: { command } }));
    return new Promise<void>((resolve, reject) => {
      const p: Pending = { command, params, confirmation: 0, timer: undefined, resolve, reject };
      this.pending.set(command, p);
      this.attempt(p);
    });
  }

  onAck(ack: common.CommandAck): void {
    const p = this.pending.get(ack.command);
    if (!p) return;
    if (ack.result === IN_PROGRESS) {
      // Long-running (e.g. a dock opening its cover before arming): keep waiting, no re-send.
      this.arm(p, this.inProgressMs, () => this.timeout(p));
      return;
    }
    this.finish(p);
    if (ack.result === ACCEPTED) p.resolve();
    else {
      const reason = MAV_RESULT[ack.result] ?? `MAV_RESULT ${ack.result}`;
      p.reject(new AppError('MAVLINK_NACK', { message: `command ${ack.command} refused: ${reason}`, details: { command: ack.command, result: ack.result, reason } }));
    }
  }

  abortAll(err: AppError): void {
    for (const p of [...this.pending.values()]) {
      this.finish(p);
      p.reject(err);
    }
  }

  private attempt(p: Pending): void {
    this.send(commandLong(this.target, p.command, p.params, p.confirmation));
    this.arm(p, this.timeoutMs, () => {
      if (p.confirmation >= this.retries) return this.timeout(p);
      p.confirmation++;
      this.resends++;
      this.attempt(p);
    });
  }

  private timeout(p: Pending): void {
    this.finish(p);
    p.reject(new AppError('MAVLINK_TIMEOUT', { message: `no COMMAND_ACK for command ${p.command} after ${p.confirmation + 1} attempts`, details: { command: p.command, attempts: p.confirmation + 1 } }));
  }

  private arm(p: Pending, ms: number, fn: () => void): void {
    clearTimeout(p.timer);
    p.timer = setTimeout(fn, ms);
  }

  private finish(p: Pending): void {
    clearTimeout(p.timer);
    this.pending.delete(p.command);
  }
}
