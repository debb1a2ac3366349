/**
 * AlertService (issue #3 part 2): wires the pure RuleEngine and lifecycle to the bus and the store.
 * Readings and device events are evaluated in arrival order with the subject's registry data (cached:
 * no database read per reading); signals fold into alerts in memory at once (dedup needs the current
 * alert), then each batch of changes is PERSISTED and only then announced as `alertRaised`/`alertChanged`.
 * A 1 s tick drives deadman, debounce durations and escalation; the engine state is snapshotted every few
 * seconds and on stop, so debounce windows and rate windows survive a restart.
 */
import type { EventBus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import { migrate, type Database } from '../../kernel/db/index.js';
import type { DeviceEvent, PresenceChange, Reading } from '../../kernel/events.js';
import type { Logger } from '../../kernel/logger.js';
import { defaultRulePack } from '../default-pack.js';
import { RuleEngine, type EngineSnapshot } from '../engine.js';
import { impactArea } from '../impact.js';
import { applySignal, type AuditEntry, type SignalOutcome } from '../lifecycle.js';
import { activeSilence, DEFAULT_ESCALATION, escalate, GATEWAY_INHIBITION, isInhibited, matches, type EscalationPolicy, type InhibitRule, type Silence } from '../policy.js';
import type { Rule } from '../rules.js';
import { severityRank } from '../severity.js';
import type { Signal } from '../signal.js';
import { KyselyAlertStore } from '../store/alert-store.kysely.js';
import type { AlertChange, AlertStore, StoredAlert } from '../store/alert-store.js';
import { rulesMigrations } from '../store/migrations.js';
import { AlertWriter } from './alert-writer.js';
import { sensorResourceFinder, subjectInfo, type ResourceFinder, type Subject, type SubjectDirectory } from './ports.js';
import { RuleCatalog } from './rule-catalog.js';

export interface AlertServiceOptions {
  database: Database;
  bus: EventBus;
  log: Logger;
  clock: Clock;
  subjects: SubjectDirectory;
  /** Default: nearest sensors of the same kind, docks unknown (`sensorResourceFinder`). */
  resources?: ResourceFinder;
  /** Default: the Kysely adapter over `database`. */
  store?: AlertStore;
  /** Tick period (deadman, debounce durations, escalation), default 1,000 ms; 0 = no timer (tests call `tick`). */
  tickMs?: number;
  /** Engine snapshot period, default 5,000 ms; 0 = only on stop. */
  snapshotMs?: number;
  escalation?: EscalationPolicy;
  inhibit?: InhibitRule[];
  /** Rules seeded into a fresh store (default: the default pack). */
  seed?: () => Rule[];
  /** Called with each reading's or event's evaluation time in seconds (the platform feeds a histogram). */
  onEvaluated?: (seconds: number) => void;
}

/**
 * Why an alert may not resolve yet (e.g. required response tasks not verified), or null. Asked
 * synchronously on every resolve, automatic or by hand; an operator's override skips it.
 */
export type ResolveGuard = (alertId: string) => string | null;

type Job = { reading: Reading } | { event: DeviceEvent };

const key = (ruleId: string, subject: string): string => `${ruleId}|${subject}`;

export class AlertService {
  readonly store: AlertStore;
  readonly rules: RuleCatalog;
  private engine = new RuleEngine([]);
  private readonly log: Logger;
  /** The current (not closed) alert per (rule, subject): the dedup state, never read from the DB per signal. */
  private readonly live = new Map<string, StoredAlert>();
  private silences: Silence[] = [];
  private readonly writer: AlertWriter;
  private readonly queue: Job[] = [];
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly offs: Array<() => void> = [];
  private lastSnapshotSignals = -1;
  private resolveGuard: ResolveGuard = () => null;

  constructor(private readonly opts: AlertServiceOptions) {
    this.log = opts.log.child({ module: 'alerts' });
    this.store = opts.store ?? new KyselyAlertStore(opts.database);
    this.rules = new RuleCatalog(this.store, () => opts.clock.now(), (enabled) => this.reload(enabled));
    const resources = opts.resources ?? sensorResourceFinder(opts.subjects);
    this.writer = new AlertWriter(this.store, resources, opts.bus, this.log, (a) => this.remember(a));
  }

  get clock(): Clock {
    return this.opts.clock;
  }

  /** Migrates, seeds and loads rules, restores the engine snapshot and live alerts, follows the bus. */
  async start(): Promise<void> {
    await migrate(this.opts.database, rulesMigrations);
    const enabled = await this.rules.load(this.opts.seed ?? defaultRulePack);
    const snap = await this.store.loadSnapshot();
    this.engine = snap ? this.restore(snap.data as EngineSnapshot, enabled) : new RuleEngine(enabled);
    for (const a of await this.store.liveAlerts()) this.live.set(key(a.ruleId, a.subject), a);
    this.silences = await this.store.listSilences();
    const { bus } = this.opts;
    this.offs.push(
      bus.on('reading', (r) => this.enqueue({ reading: r })),
      bus.on('deviceEvent', (e) => this.enqueue({ event: e })),
      bus.on('presence', (p) => this.onPresence(p)),
      bus.on('deviceRevoked', (d) => this.engine.forget(d.deviceId)),
    );
    const tickMs = this.opts.tickMs ?? 1_000;
    if (tickMs > 0) this.timers.push(setInterval(() => void this.tick().catch((err: unknown) => this.log.error({ err }, 'alert tick failed')), tickMs));
    const snapMs = this.opts.snapshotMs ?? 5_000;
    if (snapMs > 0) this.timers.push(setInterval(() => void this.snapshot().catch((err: unknown) => this.log.error({ err }, 'engine snapshot failed')), snapMs));
    this.log.info({ rules: enabled.length, live: this.live.size, restored: snap !== undefined }, 'alert service started');
  }

  /** Stops following the bus, finishes queued work and writes, and saves the engine snapshot. */
  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    for (const t of this.timers.splice(0)) clearInterval(t);
    await this.idle();
    await this.snapshot(true);
  }

  /** Resolves once every queued reading is evaluated and every resulting change is persisted and announced. */
  async idle(): Promise<void> {
    do {
      await this.drained;
      await this.writer.idle();
    } while (this.queue.length > 0 || this.draining || this.writer.busy());
  }

  /** One time step: deadman, debounce durations, event time-outs, escalation. Called every `tickMs`. */
  async tick(): Promise<void> {
    const now = this.opts.clock.now();
    this.apply(this.engine.tick(now), now);
    const open = [...this.live.values()].filter((a) => a.status === 'open' && a.mutedBy === null);
    const { escalated, changes } = escalate(open, now, this.opts.escalation ?? DEFAULT_ESCALATION);
    for (const a of escalated) {
      const next = { ...this.live.get(key(a.ruleId, a.subject))!, escalationLevel: a.escalationLevel, escalatedAt: a.escalatedAt };
      this.live.set(key(a.ruleId, a.subject), next);
      this.writer.push({ alert: next, changes: changes.filter((c) => c.alertId === a.id) }, true);
    }
    this.writer.retryIfFailed();
    await this.writer.idle();
  }

  /** Saves the engine state (skipped when nothing was evaluated since the last save, unless forced). */
  async snapshot(force = false): Promise<void> {
    const c = this.engine.counters;
    const mark = c.readings + c.events + c.signals;
    if (!force && mark === this.lastSnapshotSignals) return;
    this.lastSnapshotSignals = mark;
    await this.store.saveSnapshot(this.engine.snapshot(), this.opts.clock.now());
  }

  /** The live (not closed) alerts, from memory. */
  liveAlerts(): StoredAlert[] {
    return [...this.live.values()];
  }

  liveById(id: string): StoredAlert | undefined {
    for (const a of this.live.values()) if (a.id === id) return a;
    return undefined;
  }

  /** Applies a user transition result (already computed from `liveById`/store): memory, then store, then bus. */
  async commit(change: AlertChange): Promise<StoredAlert> {
    const k = key(change.alert.ruleId, change.alert.subject);
    const cur = this.live.get(k);
    if (change.alert.status === 'closed') {
      if (cur?.id === change.alert.id) this.live.delete(k);
    } else if (!cur || cur.id === change.alert.id) this.live.set(k, change.alert);
    await this.writer.write(change);
    return change.alert;
  }

  /** Installs the resolve guard (the response module: required tasks first). */
  setResolveGuard(guard: ResolveGuard): void {
    this.resolveGuard = guard;
  }

  /** Why the alert may not resolve now, or null. */
  resolveBlocked(alertId: string): string | null {
    return this.resolveGuard(alertId);
  }

  silenceList(): Silence[] {
    return [...this.silences];
  }

  async addSilence(s: Silence): Promise<void> {
    await this.store.addSilence(s);
    this.silences = [...this.silences, s];
  }

  async deleteSilence(id: string): Promise<boolean> {
    const ok = await this.store.deleteSilence(id);
    this.silences = this.silences.filter((s) => s.id !== id);
    return ok;
  }

  /** Rule state survives rule changes: the engine is rebuilt from its own snapshot with the new rules. */
  private reload(enabled: Rule[]): void {
    this.engine = RuleEngine.restore(this.engine.snapshot(), { rules: enabled });
  }

  private restore(snap: EngineSnapshot, rules: Rule[]): RuleEngine {
    // Silence during our own downtime is not the devices' fault: the deadman clock restarts at start-up.
    const now = this.opts.clock.now();
    const devices = snap.devices.map((d) => ({ ...d, lastSeenAt: Math.max(d.lastSeenAt, now) }));
    return RuleEngine.restore({ ...snap, devices }, { rules });
  }

  private enqueue(job: Job): void {
    const id = 'reading' in job ? job.reading.deviceId : job.event.deviceId;
    if (!this.draining && this.queue.length === 0) {
      const s = this.opts.subjects.peek(id);
      if (s) return this.run(job, s);
    }
    this.queue.push(job);
    if (!this.draining) this.drained = this.drain();
  }

  /** Slow path, in order: a job whose subject is not cached yet waits for one registry load. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        const id = 'reading' in job ? job.reading.deviceId : job.event.deviceId;
        let s = this.opts.subjects.peek(id);
        if (!s) {
          try {
            s = await this.opts.subjects.load(id);
          } catch (err) {
            this.log.warn({ err, deviceId: id }, 'subject lookup failed; evaluating without registry data');
          }
        }
        this.run(job, s);
      }
    } finally {
      this.draining = false;
    }
  }

  private run(job: Job, s: Subject | undefined): void {
    const info = s ? subjectInfo(s) : {};
    try {
      const started = performance.now();
      const signals = 'reading' in job ? this.engine.evaluateReading(job.reading, info) : this.engine.evaluateEvent(job.event, info);
      this.opts.onEvaluated?.((performance.now() - started) / 1000);
      if (signals.length > 0) this.apply(signals, this.opts.clock.now());
    } catch (err) {
      // One bad evaluation must not stop the queue (nor reach the bus emitter).
      this.log.error({ err, deviceId: 'reading' in job ? job.reading.deviceId : job.event.deviceId }, 'rule evaluation failed');
    }
  }

  private onPresence(p: PresenceChange): void {
    if (!p.online) {
      if (p.reason === 'revoked') this.engine.forget(p.deviceId);
      return;
    }
    // A connected device is covered by the deadman even before its first reading.
    const s = this.opts.subjects.peek(p.deviceId);
    if (s) this.engine.track({ deviceId: s.deviceId, kind: s.kind, district: s.district, asset: s.asset, lastSeenAt: p.at }, subjectInfo(s));
  }

  /** Folds signals into alerts (memory first, so the next signal dedups against it) and queues the writes. */
  private apply(signals: readonly Signal[], now: number): void {
    for (const s of signals) {
      const k = key(s.ruleId, s.subject);
      const cur = this.live.get(k);
      const out = holdResolution(applySignal(cur, s, now), cur, this.resolveGuard, now);
      if (!out.alert || out.alert === cur) continue;
      let next: StoredAlert = { impact: null, resources: null, mutedBy: null, ...cur, ...out.alert };
      const opened = out.changes.some((c) => c.action === 'opened');
      const upgraded = out.changes.some((c) => c.action === 'upgraded');
      if (opened || upgraded) next = { ...next, impact: this.impact(next), resources: null };
      next.mutedBy = this.muteReason(next, now);
      if (next.status === 'closed') this.live.delete(k);
      else this.live.set(k, next);
      this.writer.push({ alert: next, changes: out.changes }, next.mutedBy === null, opened || upgraded);
    }
  }

  private impact(a: StoredAlert): StoredAlert['impact'] {
    let center = a.labels.location;
    if (!center && a.members.length > 0) {
      const pts = a.members.flatMap((m) => this.opts.subjects.peek(m)?.location ?? []);
      if (pts.length > 0) center = { lon: pts.reduce((x, p) => x + p.lon, 0) / pts.length, lat: pts.reduce((x, p) => x + p.lat, 0) / pts.length };
    }
    return center ? impactArea(a.labels.deviceKind, a.severity, center, this.opts.subjects.all(), a.labels.district) : null;
  }

  /** Silences and inhibition mute notifications, not alerts (docs/rules.md): the alert is still stored. */
  private muteReason(a: StoredAlert, now: number): string | null {
    const s = activeSilence(a, this.silences, now);
    if (s) return s.id;
    const rules = this.opts.inhibit ?? [GATEWAY_INHIBITION];
    if (rules.some((r) => matches(a, r.target)) && isInhibited(a, [...this.live.values()], rules)) return 'inhibited';
    return null;
  }

  /** Stores the resources the writer found, so later in-memory versions keep them. */
  private remember(a: StoredAlert): void {
    const k = key(a.ruleId, a.subject);
    const cur = this.live.get(k);
    if (cur?.id === a.id && severityRank(cur.severity) <= severityRank(a.severity)) this.live.set(k, { ...cur, resources: a.resources });
  }
}

/**
 * A cleared condition resolves the alert unless the guard holds it: then the alert keeps its status with
 * `active: false`, and the history says what it waits for (the response module resolves it later).
 */
function holdResolution(out: SignalOutcome, cur: StoredAlert | undefined, guard: ResolveGuard, now: number): SignalOutcome {
  if (!cur || !out.alert || !out.changes.some((c) => c.action === 'resolved')) return out;
  const why = guard(cur.id);
  if (why === null) return out;
  const held = { ...out.alert, status: cur.status, resolvedAt: cur.resolvedAt, resolvedBy: cur.resolvedBy };
  return { alert: held, changes: [{ alertId: cur.id, at: now, actor: 'system', action: 'commented', note: `condition cleared; resolution waits: ${why}` }], notify: false };
}

export type { AuditEntry };
