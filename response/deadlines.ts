/**
 * Accept and arrive deadlines (plans: accept within N min, arrive within M min). Deadlines live in the
 * tasks themselves, so a restart re-arms every open one from the store; one already past fires at once.
 * A missed deadline raises the `response-overdue` alert and takes the plan's next escalation step.
 */
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import { escalatedFor, pendingDeadline } from './task-machine.js';
import type { Task } from './types.js';

/** setTimeout's ceiling (2^31 − 1 ms ≈ 24.8 days): longer waits re-arm when it fires. */
const MAX_DELAY = 2_147_483_647;

export type Expiry = (task: Task, kind: 'accept' | 'arrive') => Promise<void>;

export class DeadlineWatch {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: { clock: Clock; log: Logger; reload: (id: string) => Promise<Task | undefined>; expired: Expiry }) {}

  /**
   * (Re-)arms the task's pending deadline; a task with none, or whose pending one was already escalated, is
   * forgotten. A task escalated for its accept deadline is timed again for arrival once accepted.
   */
  arm(t: Task): void {
    this.clear(t.id);
    const d = pendingDeadline(t);
    if (this.stopped || !d || escalatedFor(t, d.kind)) return;
    const delay = Math.min(Math.max(0, d.at - this.deps.clock.now()), MAX_DELAY);
    const timer = setTimeout(() => this.fire(t.id, d.kind, d.at), delay);
    timer.unref();
    this.timers.set(t.id, timer);
  }

  clear(id: string): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
  }

  armed(): number {
    return this.timers.size;
  }

  /** Stops every timer and waits for expiries under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const id of [...this.timers.keys()]) this.clear(id);
    await Promise.allSettled([...this.running]);
  }

  private fire(id: string, kind: 'accept' | 'arrive', at: number): void {
    this.timers.delete(id);
    const run = (async () => {
      const t = await this.deps.reload(id);
      if (!t) return;
      const d = pendingDeadline(t);
      if (!d || d.kind !== kind || escalatedFor(t, kind)) return;
      // Fired early (the clock moved, or a long wait was capped): wait again.
      if (this.deps.clock.now() < d.at || at !== d.at) return this.arm(t);
      await this.deps.expired(t, kind);
    })().catch((err: unknown) => this.deps.log.error({ err, taskId: id }, 'task deadline handling failed'));
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }
}
