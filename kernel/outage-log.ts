/**
 * One log line per state change of a dependency that goes away and comes back (Redis): `down` once with
 * the first error, `back` once with how long it was down and how many errors were folded in. A client
 * that retries every few hundred ms would otherwise write a line per attempt for the whole outage.
 */
import type { Logger } from './logger.js';

export interface OutageLog {
  /** Whether the dependency is down (a failure seen since the last recovery). */
  readonly down: boolean;
  /** A failure: logged only when it starts an outage. */
  failed(err: unknown, op?: string): void;
  /** The dependency answers again: logged only when it ends an outage. */
  recovered(): void;
}

export function outageLog(log: Logger, what: string, now: () => number = Date.now): OutageLog {
  let since: number | undefined;
  let folded = 0;
  return {
    get down() {
      return since !== undefined;
    },
    failed(err, op) {
      if (since !== undefined) {
        folded++;
        return;
      }
      since = now();
      log.warn({ err, op }, `${what} down`);
    },
    recovered() {
      if (since === undefined) return;
      const downMs = now() - since;
      log.warn({ downMs, errors: folded + 1 }, `${what} back after ${(downMs / 1000).toFixed(1)} s`);
      since = undefined;
      folded = 0;
    },
  };
}
