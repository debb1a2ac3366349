import type { EventBus } from '../kernel/bus.js';
import type { PresenceChange, Reading, ViolationRecord } from '../kernel/events.js';
import type { Logger } from '../kernel/logger.js';
import type { Presence } from './device.js';
import type { DeviceRepository, PresenceChangeRow, PresenceUpdate } from './device-repository.js';

/** How long the presence log (a device's online/offline timeline) is kept. */
export const PRESENCE_LOG_DAYS = 30;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Live presence of every known device, kept in memory and persisted in batches: a city sends
 * 10^3–10^4 readings/s (architecture.md), so one DB write per reading is out of the question.
 * Readings only move `lastSeenAt` (an in-flight reading after a disconnect must not flip a device
 * back online); `presence` events set online/fw and, when the state changed, are appended to the presence
 * log (the device's timeline, kept PRESENCE_LOG_DAYS); `violation` events set lastViolation.
 */
export class PresenceTracker {
  private readonly state = new Map<string, Presence>();
  private readonly dirty = new Set<string>();
  private readonly offs: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private log_: PresenceChangeRow[] = [];
  private prunedAt = 0;

  constructor(
    private readonly repo: DeviceRepository,
    private readonly log: Logger,
    private readonly flushMs: number,
  ) {}

  /** Starts following the bus and persisting every `flushMs`. */
  start(bus: EventBus): void {
    this.offs.push(
      bus.on('reading', (r) => this.onReading(r)),
      bus.on('presence', (p) => this.onPresence(p)),
      bus.on('violation', (v) => this.onViolation(v)),
    );
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  /** Stops following the bus and writes what is pending. */
  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Registers a device with its persisted presence (at start, or on create). */
  track(id: string, p: Presence): void {
    this.state.set(id, { online: p.online, lastSeenAt: p.lastSeenAt, fw: p.fw, lastViolation: p.lastViolation });
  }

  forget(id: string): void {
    this.state.delete(id);
    this.dirty.delete(id);
  }

  get(id: string): Presence | undefined {
    return this.state.get(id);
  }

  get pending(): number {
    return this.dirty.size + this.log_.length;
  }

  onReading(r: Reading): void {
    const p = this.state.get(r.deviceId);
    if (!p) return;
    // server receive time: device clocks drift, and "seen" is about us hearing from it
    if (p.lastSeenAt === null || r.receivedAt > p.lastSeenAt) {
      p.lastSeenAt = r.receivedAt;
      this.dirty.add(r.deviceId);
    }
  }

  onPresence(c: PresenceChange): void {
    const p = this.state.get(c.deviceId);
    if (!p) return;
    if (p.online !== c.online) this.log_.push({ deviceId: c.deviceId, online: c.online, at: c.at });
    p.online = c.online;
    if (c.fw !== undefined) p.fw = c.fw;
    if (c.online && (p.lastSeenAt === null || c.at > p.lastSeenAt)) p.lastSeenAt = c.at;
    this.dirty.add(c.deviceId);
  }

  onViolation(v: ViolationRecord): void {
    const p = this.state.get(v.deviceId);
    if (!p) return;
    p.lastViolation = { code: v.code, message: v.message, topic: v.topic, at: v.at, ...(v.path === undefined ? {} : { path: v.path }) };
    this.dirty.add(v.deviceId);
  }

  /** Persists every changed device in one transaction. Flushes run one at a time; a failed batch is retried next time. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    await this.flushLog();
    if (this.dirty.size === 0) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    const updates: PresenceUpdate[] = [];
    for (const id of ids) {
      const p = this.state.get(id);
      if (p) updates.push({ id, ...p });
    }
    try {
      await this.repo.savePresence(updates);
    } catch (err) {
      for (const id of ids) if (this.state.has(id)) this.dirty.add(id);
      this.log.warn({ err, devices: ids.length }, 'presence flush failed; will retry');
    }
  }

  /** Appends the changes seen since the last flush to the presence log, and prunes it now and then. */
  private async flushLog(): Promise<void> {
    const rows = this.log_;
    this.log_ = [];
    try {
      await this.repo.appendPresenceLog(rows);
    } catch (err) {
      this.log_ = [...rows, ...this.log_];
      this.log.warn({ err, changes: rows.length }, 'presence log flush failed; will retry');
    }
    // Apart from the append: a failed prune must not queue rows already written for a second append.
    const now = Date.now();
    if (now - this.prunedAt <= PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    try {
      await this.repo.prunePresenceLog(now - PRESENCE_LOG_DAYS * 86_400_000);
    } catch (err) {
      this.log.warn({ err }, 'presence log prune failed; next try in an hour');
    }
  }
}
