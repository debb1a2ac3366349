/**
 * The response module's service: resources and plans (Catalog), the five automatics for an alert
 * (Dispatcher), tasks and reports (TaskDesk), deadlines that survive a restart (DeadlineWatch), and the
 * alert lifecycle it follows on the bus. Every POST of the API may carry an idempotency key: the phone's
 * offline queue replays with the same key and gets the first answer back, never a second application.
 */
import type { EventBus } from '../kernel/bus.js';
import type { Clock } from '../kernel/clock.js';
import { migrate, type Database } from '../kernel/db/index.js';
import type { AlertNotice } from '../kernel/events.js';
import type { Localized } from '../kernel/i18n.js';
import type { Logger } from '../kernel/logger.js';
import { Catalog } from './catalog.js';
import { DeadlineWatch } from './deadlines.js';
import { TaskDesk, type MediaCheck, type Person, type Viewer } from './desk.js';
import { deskNotice } from './desks.js';
import { Dispatcher, scopeDistricts, SYSTEM, type AlertResponse, type DroneOutcome } from './dispatcher.js';
import { kpiReport, type KpiReport } from './kpis.js';
import { straightLineTravel, type ProposedTask, type TravelTime } from './matching.js';
import { responseMigrations } from './migrations.js';
import { declinedReason, noneFreeReason, overdueReason } from './overdue-messages.js';
import { IdempotentReplies, type Answer } from './replies.js';
import { planFor } from './plans.js';
import type { AlertsForResponse, DroneInspection, UnitNotifier } from './ports.js';
import type { Sealer } from './resources.js';
import type { ResponseStore } from './store.js';
import { KyselyResponseStore } from './store.kysely.js';
import type { TaskAction } from './task-machine.js';
import type { LonLat, Task } from './types.js';
import type { DistrictNames } from './views.js';

export interface ResponseServiceOptions {
  database: Database;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  alerts: AlertsForResponse;
  notifier: UnitNotifier;
  sealer: Sealer;
  districtAt: (l: LonLat) => string | null;
  names: DistrictNames;
  drone?: DroneInspection;
  travel?: TravelTime;
  media?: MediaCheck;
  /** Default: the Kysely adapter over `database`. */
  store?: ResponseStore;
  /** How long a request waits for a concurrent one with the same idempotency key (default 15 s). */
  idempotencyWaitMs?: number;
}

/** How long an idempotency key's answer is kept (the phone's offline queue replays within this). */
const REPLY_TTL_MS = 7 * 24 * 3_600_000;

export class ResponseService {
  readonly store: ResponseStore;
  readonly catalog: Catalog;
  readonly desk: TaskDesk;
  readonly dispatcher: Dispatcher;
  private readonly deadlines: DeadlineWatch;
  private readonly replies: IdempotentReplies;
  private readonly log: Logger;
  private readonly offs: Array<() => void> = [];
  private readonly auto = new Set<Promise<unknown>>();

  constructor(private readonly opts: ResponseServiceOptions) {
    this.log = opts.log.child({ module: 'response' });
    this.store = opts.store ?? new KyselyResponseStore(opts.database);
    this.catalog = new Catalog({ store: this.store, clock: opts.clock, sealer: opts.sealer, districtAt: opts.districtAt });
    this.desk = new TaskDesk({ store: this.store, bus: opts.bus, clock: opts.clock, names: opts.names, ...(opts.media ? { media: opts.media } : {}) });
    this.dispatcher = new Dispatcher({
      store: this.store, desk: this.desk, clock: opts.clock, log: this.log, travel: opts.travel ?? straightLineTravel(), alerts: opts.alerts,
      notifier: opts.notifier, plans: () => this.catalog.plans(), ...(opts.drone ? { drone: opts.drone } : {}),
    });
    this.replies = new IdempotentReplies({ store: this.store, clock: opts.clock, ...(opts.idempotencyWaitMs !== undefined ? { waitMs: opts.idempotencyWaitMs } : {}) });
    this.deadlines = new DeadlineWatch({ clock: opts.clock, log: this.log, reload: (id) => this.store.getTask(id), expired: (t, kind) => this.expired(t, kind) });
    this.desk.onChange((t, prev) => this.afterChange(t, prev));
  }

  /** Migrates, seeds the default plans, re-arms every open deadline, follows the alert lifecycle. */
  async start(): Promise<void> {
    await migrate(this.opts.database, responseMigrations);
    const sealedSecrets = await this.catalog.sealLegacySecrets();
    if (sealedSecrets > 0) this.log.info({ resources: sealedSecrets }, 'unit webhook secrets stored in clear are now encrypted');
    const seeded = await this.catalog.start();
    const open = await this.desk.start();
    for (const t of open) this.deadlines.arm(t);
    await this.store.pruneReplies(this.opts.clock.now() - REPLY_TTL_MS);
    const follow = (n: AlertNotice) => {
      if (n.action === 'opened' || n.action === 'upgraded' || n.action === 'reopened') this.track(this.onAlert(n.alert.id));
    };
    this.offs.push(this.opts.bus.on('alertRaised', follow), this.opts.bus.on('alertChanged', follow));
    this.log.info({ seededPlans: seeded, openTasks: open.length, deadlines: this.deadlines.armed() }, 'response service started');
  }

  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    await Promise.allSettled([...this.auto]);
    await this.deadlines.stop();
    await this.opts.notifier.idle();
  }

  /** Why the alert may not resolve yet (required tasks open), or null. Synchronous: the lifecycle asks it. */
  resolveBlocker(alertId: string): string | null {
    return this.desk.resolveBlocker(alertId);
  }

  /** The response for an alert: level, plan, scope, proposal, tasks. @throws ALERT_NOT_FOUND */
  async response(alertId: string): Promise<AlertResponse> {
    return this.dispatcher.response(await this.dispatcher.alert(alertId));
  }

  /** One click: the tasks out, every unit notified, and the duty desks the plan names told (in the background). */
  async dispatch(alertId: string, tasks: ProposedTask[] | undefined, by: Person): Promise<{ tasks: Task[]; drone: DroneOutcome | null }> {
    const r = await this.dispatcher.dispatch(alertId, tasks, by);
    if (r.tasks.length > 0) this.track(this.tellDesks(alertId, r.tasks, by));
    return r;
  }

  /** An operator resolves despite open required tasks, with a reason (kept in the alert's history). */
  async overrideResolve(alertId: string, reason: string, by: Person): Promise<void> {
    await this.dispatcher.alert(alertId);
    await this.opts.alerts.resolve(alertId, by.name, `override: ${reason}`);
  }

  act(id: string, action: TaskAction, by: Person, viewer: Viewer, opts: { clientAt?: number; note?: string } = {}): Promise<Task> {
    return this.desk.act(id, action, by, viewer, opts);
  }

  /** Dispatcher's reassignment: the task ends `reassigned`, a new one goes to the named or next nearest unit. */
  async reassign(id: string, unitId: string | undefined, by: Person, viewer: Viewer): Promise<{ task: Task; replacement: Task | null }> {
    const t = await this.desk.visible(id, viewer);
    if (unitId !== undefined) await this.catalog.resource(unitId);
    const task = await this.desk.transition(t, { type: 'reassign', note: unitId ? `to unit ${unitId}` : 'to the next nearest unit' }, by);
    return { task, replacement: await this.dispatcher.replace(t, by, unitId) };
  }

  async kpis(q: { from: number; to: number; districts?: string[] }): Promise<KpiReport> {
    const tasks = await this.store.listTasks({ from: q.from, to: q.to, limit: 100_000, ...(q.districts ? { districts: q.districts } : {}) });
    return kpiReport(tasks, q.from, q.to, this.opts.clock.now());
  }

  /**
   * Runs `fn` once per (caller, key), concurrent requests and other processes included: a replay gets the
   * first answer (status and body, errors included). Without a key it simply runs.
   * @throws IDEMPOTENCY_IN_PROGRESS when the first request with the key is still running after the wait
   */
  once(caller: string, key: string | undefined, fn: () => Promise<Answer>): Promise<Answer> {
    return this.replies.once(caller, key, fn);
  }

  /** An alert opened or was upgraded: a plan that says `auto` dispatches at once; otherwise the proposal waits for a click. */
  private async onAlert(alertId: string): Promise<void> {
    const a = await this.opts.alerts.get(alertId);
    if (!a) return;
    const plan = planFor(await this.catalog.plans(), a);
    if (!plan?.auto) return;
    const r = await this.dispatch(a.id, undefined, SYSTEM);
    this.log.info({ alertId, plan: plan.id, tasks: r.tasks.length }, 'response dispatched automatically by plan');
  }

  /**
   * Tells the duty desks the plan's `notify` names (city desks, and district desks in the districts in
   * charge) through their channels, and records each on the alert's history with how it went.
   */
  private async tellDesks(alertId: string, tasks: Task[], by: Person): Promise<void> {
    const a = await this.dispatcher.alert(alertId);
    const plan = planFor(await this.catalog.plans(), a);
    if (!plan) return;
    const districts = scopeDistricts(a);
    const targets = await this.dispatcher.desks(plan.notify, districts);
    const named = plan.notify.city.length + plan.notify.district.length;
    if (named > 0 && targets.length === 0) this.log.warn({ alertId, plan: plan.id, notify: plan.notify }, 'the plan names duty desks, but none is registered for this alert');
    await Promise.all(targets.map(async ({ desk, level }) => {
      const outcomes = await this.opts.notifier.notifyDesk(desk, deskNotice(a, plan, level, districts, tasks, this.opts.clock.now()));
      const how = outcomes.map((o) => (o.ok ? `${o.channel} delivered` : `${o.channel} failed after ${o.attempts} attempts: ${o.error ?? 'unknown'}`)).join('; ');
      await this.opts.alerts.deskNotified(a.id, by.name, `${desk.name} (${level} desk ${desk.id}): ${how || 'no channel to reach it'}`);
    }));
  }

  private afterChange(t: Task, prev: Task | null): void {
    this.deadlines.arm(t);
    if (prev && prev.state !== t.state) {
      if (t.state === 'declined') this.track(this.replaceOrEscalate(t, declinedReason(t)));
      if (t.state === 'verified') this.track(this.maybeResolve(t.alertId));
      if (t.state === 'cancelled' || t.state === 'reassigned') void this.unitOf(t).then((u) => u && this.opts.notifier.notify(u, 'task.updated', t));
    }
  }

  /** Resolves the alert once its required tasks are verified and its condition has cleared. */
  private async maybeResolve(alertId: string): Promise<void> {
    if (this.desk.resolveBlocker(alertId) !== null) return;
    const a = await this.opts.alerts.get(alertId);
    if (!a || a.active || (a.status !== 'open' && a.status !== 'acknowledged')) return;
    await this.opts.alerts.resolve(alertId, SYSTEM.name, 'required response tasks verified; condition cleared');
  }

  /** A missed deadline: the overdue alert, then the plan's escalation step. */
  private async expired(t: Task, kind: 'accept' | 'arrive'): Promise<void> {
    const why = overdueReason(t, kind);
    this.log.warn({ taskId: t.id, unitId: t.unitId, alertId: t.alertId, deadline: kind }, 'response task overdue');
    await this.opts.alerts.raiseOverdue(t, why).catch((err: unknown) => this.log.error({ err, taskId: t.id }, 'overdue alert not raised'));
    const plan = t.planId ? await this.store.getPlan(t.planId, t.planVersion ?? undefined) : undefined;
    const chain = plan?.escalation ?? ['next_unit', 'supervisor'];
    if (kind === 'accept' && chain[0] === 'next_unit') {
      const ended = await this.desk.transition(t, { type: 'reassign', note: `${why.en}: escalated to the next nearest unit` }, SYSTEM);
      return this.replaceOrEscalate(ended, why);
    }
    const marked: Task = { ...t, escalations: t.escalations + 1, escalated: [...(t.escalated ?? []), kind], updatedAt: this.opts.clock.now() };
    if (await this.desk.save(marked, t) && chain.includes('supervisor')) await this.dispatcher.toSupervisor(t, kind);
  }

  /** `why` in every language, for the overdue alert (the supervisor's task words its own, plan-instructions.ts). */
  private async replaceOrEscalate(t: Task, why: Localized): Promise<void> {
    const next = await this.dispatcher.replace(t, SYSTEM);
    if (next) return;
    this.log.warn({ taskId: t.id, alertId: t.alertId, unitType: t.unitType }, 'no other unit to take the task');
    const sup = await this.dispatcher.toSupervisor(t, 'accept');
    if (!sup) await this.opts.alerts.raiseOverdue(t, noneFreeReason(why, t));
  }

  private unitOf(t: Task) {
    return this.store.getResource(t.unitId);
  }

  private track(p: Promise<unknown>): void {
    const run = p.catch((err: unknown) => this.log.error({ err }, 'response automation failed'));
    this.auto.add(run);
    void run.finally(() => this.auto.delete(run));
  }
}
