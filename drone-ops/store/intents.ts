/**
 * The IntentRegistry port: reserved operational intents (ASTM F3548 / InterUSS model, drone-ops.md
 * "Deconfliction") with one atomic check-and-commit. `LocalIntentRegistry` keeps an IntentBook in
 * this process and persists every change to the DroneOpsStore; `RedisIntentRegistry` makes the check
 * and the commit one optimistic Redis transaction, so processes sharing a Redis cannot both win.
 */
import type { CommitResult, Intent } from '../deconfliction.js';
import { IntentBook } from '../deconfliction.js';
import type { DroneOpsStore, StoredIntent } from './types.js';

export interface IntentRegistry {
  /**
   * One atomic step: commits the intent unless an intent of equal or higher priority conflicts (then
   * refuses naming them, with the next free start); lower-priority conflicts are pre-empted: removed
   * and returned. Committing an id again replaces the intent (re-reservation at launch time).
   */
  checkAndCommit(intent: Intent, now: number): Promise<CommitResult>;
  /** Releases an intent (flight over, mission cancelled); true if it was reserved. */
  remove(id: string): Promise<boolean>;
  /** Active intents (not yet ended at `now`). */
  list(now: number): Promise<Intent[]>;
  /** Releases the connection; committed intents stay in the store. Calling it again is harmless. */
  close(): Promise<void>;
}

export function endOf(intent: Intent): number {
  return Math.max(...intent.volumes.map((v) => v.endMs));
}

export class LocalIntentRegistry implements IntentRegistry {
  private readonly book = new IntentBook();
  private loaded: Promise<void> | undefined;

  constructor(private readonly store: DroneOpsStore) {}

  private load(now: number): Promise<void> {
    this.loaded ??= (async () => {
      for (const i of await this.store.listIntents()) {
        if (i.endMs > now) this.book.put(stripEnd(i));
        else await this.store.deleteIntent(i.id);
      }
    })();
    return this.loaded;
  }

  async checkAndCommit(intent: Intent, now: number): Promise<CommitResult> {
    await this.load(now);
    this.book.prune(now);
    // IntentBook.checkAndCommit is synchronous: nothing in this process can interleave check and commit.
    const r = this.book.checkAndCommit(intent);
    if (r.ok) {
      for (const p of r.preempted) await this.store.deleteIntent(p.id);
      await this.store.saveIntent({ ...intent, endMs: endOf(intent) });
    }
    return r;
  }

  async remove(id: string): Promise<boolean> {
    this.book.remove(id);
    return this.store.deleteIntent(id);
  }

  async list(now: number): Promise<Intent[]> {
    await this.load(now);
    return (await this.store.listIntents()).filter((i) => i.endMs > now).map(stripEnd);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export function stripEnd(i: StoredIntent | Intent): Intent {
  return { id: i.id, priority: i.priority, volumes: i.volumes, ...(i.owner === undefined ? {} : { owner: i.owner }), ...(i.state === undefined ? {} : { state: i.state }) };
}
