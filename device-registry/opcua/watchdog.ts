/**
 * The watchdog of one OPC UA connection (pure: times in, verdicts out). node-opcua repairs a broken
 * connection itself — new secure channel, session reactivated or recreated, subscriptions transferred or
 * recreated, lost notifications republished — and trusts the server to end each step. A server that
 * answers Republish with Good and an empty message instead of Bad_MessageNotAvailable (OPC UA Part 4
 * §5.13.6) keeps that repair asking thousands of times a second, with no data and no end. The watchdog
 * bounds it: the connection is given up and made afresh when
 *
 * - **silence**: no PublishResponse (data or keep-alive) for `silenceMs` — a subscription sends a keep-alive
 *   at least every MaxKeepAliveCount publishing intervals (Part 4 §5.13.1.1), so a healthy one is never
 *   silent that long;
 * - **hot repair**: more than `maxRepairsPerSecond` repair requests (Republish, CreateSession,
 *   ActivateSession, TransferSubscriptions, CreateSubscription, secure-channel repairs) within one second.
 */

export interface WatchdogOptions {
  silenceMs: number;
  maxRepairsPerSecond: number;
}

/** The service requests that belong to node-opcua's repair of a connection. */
export const REPAIR_REQUESTS: ReadonlySet<string> = new Set([
  'RepublishRequest',
  'CreateSessionRequest',
  'ActivateSessionRequest',
  'TransferSubscriptionsRequest',
  'CreateSubscriptionRequest',
]);

export class Watchdog {
  private armed = false;
  private lastActivity = 0;
  private windowStart = 0;
  private repairs = 0;

  constructor(readonly o: WatchdogOptions) {}

  /** Starts watching (the connection is up); the silence clock starts now. */
  arm(now: number): void {
    this.armed = true;
    this.lastActivity = now;
    this.windowStart = now;
    this.repairs = 0;
  }

  disarm(): void {
    this.armed = false;
  }

  get isArmed(): boolean {
    return this.armed;
  }

  /** A PublishResponse came (data or keep-alive). */
  activity(now: number): void {
    this.lastActivity = now;
  }

  /** A repair step was sent; returns the verdict when this one makes the repair run hot. */
  repair(now: number): string | null {
    if (!this.armed) return null;
    if (now - this.windowStart >= 1_000) {
      this.windowStart = now;
      this.repairs = 0;
    }
    this.repairs++;
    if (this.repairs <= this.o.maxRepairsPerSecond) return null;
    return `repair loop running hot: more than ${this.o.maxRepairsPerSecond} repair requests (Republish, CreateSession, …) within 1 s`;
  }

  /** Periodic check; returns the verdict when the connection has been silent too long. */
  check(now: number): string | null {
    if (!this.armed) return null;
    const quiet = now - this.lastActivity;
    if (quiet <= this.o.silenceMs) return null;
    return `no data and no keep-alive for ${Math.round(quiet)} ms (limit ${this.o.silenceMs} ms)`;
  }
}
