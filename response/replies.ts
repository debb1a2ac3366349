/**
 * Idempotency keys (the `Idempotency-Key` header, IETF draft-ietf-httpapi-idempotency-key-header): the
 * first request with a key reserves it in the store before it acts, so a concurrent second one — the
 * phone's offline queue replaying while the first is still under way, or a retry through another process
 * — never acts again: it waits for the first answer and gets it (status and body, errors included), or is
 * told 409 IDEMPOTENCY_IN_PROGRESS when the first takes too long.
 */
import type { Clock } from '../kernel/clock.js';
import { AppError, isAppError } from '../kernel/errors.js';
import type { ResponseStore } from './store.js';

export interface Answer {
  status: number;
  body: unknown;
}

export interface RepliesOptions {
  store: ResponseStore;
  clock: Clock;
  /** How long a second request waits for the first one's answer (default 15 s). */
  waitMs?: number;
  /** A reservation pending longer than this belongs to a process that died: it is taken over (default 2 min). */
  staleMs?: number;
}

export class IdempotentReplies {
  constructor(private readonly opts: RepliesOptions) {}

  /** Runs `fn` once per (caller, key); without a key it simply runs. @throws IDEMPOTENCY_IN_PROGRESS */
  async once(caller: string, key: string | undefined, fn: () => Promise<Answer>): Promise<Answer> {
    if (!key) return fn();
    const k = `${caller}:${key}`;
    const earlier = await this.reserve(k);
    if (earlier) return earlier;
    let out: Answer;
    try {
      out = await fn();
    } catch (err) {
      if (!isAppError(err)) {
        // Nothing worth replaying (a crash, a lost database): free the key so a retry acts.
        await this.opts.store.releaseReply(k);
        throw err;
      }
      out = { status: err.status, body: err.toJSON() };
    }
    await this.opts.store.completeReply({ key: k, status: out.status, body: out.body, createdAt: this.opts.clock.now() });
    // The stored form (JSON) is what every replay gets: answer the same bytes now.
    const stored = await this.opts.store.getReply(k);
    return stored ? { status: stored.status, body: stored.body } : out;
  }

  /** Null once this call holds the key; the earlier answer when there is one. */
  private async reserve(k: string): Promise<Answer | null> {
    const waitMs = this.opts.waitMs ?? 15_000;
    const deadline = Date.now() + waitMs;
    for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
      const now = this.opts.clock.now();
      const slot = await this.opts.store.reserveReply(k, now, now - (this.opts.staleMs ?? 120_000));
      if (slot.state === 'reserved') return null;
      if (slot.state === 'done') return { status: slot.reply.status, body: slot.reply.body };
      if (Date.now() >= deadline) {
        throw new AppError('IDEMPOTENCY_IN_PROGRESS', { details: { key: k.slice(k.indexOf(':') + 1), waitedMs: waitMs } });
      }
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}
