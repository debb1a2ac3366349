/**
 * The five automatics for one alert (domain.md): the response level and impact area come with the alert;
 * here the plan gives the response scope, matching gives the nearest resources, and `dispatch` sends the
 * whole task set in one click. Replacement (a decline, a missed accept deadline) goes to the next nearest
 * unit of the same type that has not had this alert yet; the supervisor comes next in the chain.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { Localized } from '../kernel/i18n.js';
import type { Logger } from '../kernel/logger.js';
import type { TaskDesk, Person } from './desk.js';
import { desksToNotify, notifyNames, type DeskTarget } from './desks.js';
import { escalatedInstructions } from './plan-instructions.js';
import { escalatedTitle } from './plan-titles.js';
import { propose, rankUnits, texts, type ProposedTask, type TravelTime } from './matching.js';
import { planFor } from './plans.js';
import { orgNames, resourceNames } from './resources.js';
import type { AlertFacts, AlertsForResponse, DroneInspection, UnitNotifier } from './ports.js';
import type { ResponseStore } from './store.js';
import { ENDED_WITHOUT_RESULT, TERMINAL } from './task-machine.js';
import type { Plan, Resource, Task, UnitType } from './types.js';

export const SYSTEM: Person = { id: 'system', name: 'system' };

export interface ResponseScope {
  /** Organisations in charge: the units' own and those the plan notifies. */
  organisations: string[];
  /** The same, each in every language (a unit's `org_zh`, a registered desk's Chinese name), in the same order. */
  organisationNames: Localized[];
  /** Districts in charge: the alert's and those its impact area touches. */
  districts: string[];
  notify: Plan['notify'];
  /** The registered duty desks those names reach (each is sent the dispatch). */
  desks: Array<{ id: string; name: string; names: Localized; level: 'city' | 'district' }>;
}

/** Districts in charge: the alert's and those its impact area touches. */
export const scopeDistricts = (a: AlertFacts): string[] => [...new Set([...(a.district ? [a.district] : []), ...a.impactDistricts])].sort();

export interface AlertResponse {
  alertId: string;
  level: string;
  plan: { id: string; version: number } | null;
  scope: ResponseScope;
  proposal: ProposedTask[];
  tasks: Task[];
  /** Whether the plan sends a drone inspection with the tasks (null: it does not). */
  drone: { planned: true } | null;
}

export interface DroneOutcome {
  ok: boolean;
  missionId?: string;
  dockId?: string;
  etaS?: number;
  code?: string;
  message?: string;
}

export class Dispatcher {
  constructor(private readonly deps: {
    store: ResponseStore; desk: TaskDesk; clock: Clock; log: Logger; travel: TravelTime; alerts: AlertsForResponse;
    notifier: UnitNotifier; drone?: DroneInspection; plans: () => Promise<Plan[]>;
  }) {}

  /** @throws ALERT_NOT_FOUND */
  async alert(id: string): Promise<AlertFacts> {
    const a = await this.deps.alerts.get(id);
    if (!a) throw new AppError('ALERT_NOT_FOUND', { details: { id } });
    return a;
  }

  /** The registered duty desks a plan's `notify` reaches when `districts` are in charge (the scope shows them, dispatch tells them). */
  async desks(notify: Plan['notify'], districts: readonly string[]): Promise<DeskTarget[]> {
    return desksToNotify(notify, districts, await this.deps.store.listResources({ kind: 'desk' }));
  }

  /** Level, plan, scope, the proposal for what is still missing, and the tasks already out. */
  async response(a: AlertFacts): Promise<AlertResponse> {
    const plan = planFor(await this.deps.plans(), a);
    const tasks = await this.deps.store.listTasks({ alertId: a.id, limit: 500 });
    const proposal = plan && a.location ? await this.proposal(plan, a, tasks) : [];
    const units = await this.units();
    // Organisations in charge: the units' own (proposed, or with a task under way), then those the plan notifies.
    const orgs = new Map<string, Localized>();
    const unitOrg = (id: string | null) => {
      const u = units.find((x) => x.id === id);
      const names = u ? orgNames(u) : null;
      if (names && !orgs.has(names.en)) orgs.set(names.en, names);
    };
    for (const p of proposal) unitOrg(p.unitId);
    for (const t of tasks) if (!TERMINAL.has(t.state)) unitOrg(t.unitId);
    const districts = scopeDistricts(a);
    const notify = plan?.notify ?? { city: [], district: [] };
    const deskList = await this.deps.store.listResources({ kind: 'desk' });
    for (const o of [...notify.city, ...notify.district]) if (!orgs.has(o)) orgs.set(o, notifyNames(o, deskList));
    const desks = desksToNotify(notify, districts, deskList).map((d) => ({ id: d.desk.id, name: d.desk.name, names: resourceNames(d.desk), level: d.level }));
    return {
      alertId: a.id, level: a.level, plan: plan ? { id: plan.id, version: plan.version } : null, drone: plan?.drone ? { planned: true } : null, tasks, proposal,
      scope: { organisations: [...orgs.keys()], organisationNames: [...orgs.values()], districts, notify, desks },
    };
  }

  /**
   * One click: creates the tasks (the proposal when none are given), notifies every unit at once, records
   * the alert's `dispatched` step and, when the plan says so, sends a drone.
   * @throws ALERT_NOT_FOUND, ALERT_TRANSITION_INVALID (resolved/closed), NO_RESPONSE_PLAN, UNIT_NOT_FOUND
   */
  async dispatch(alertId: string, given: ProposedTask[] | undefined, by: Person): Promise<{ tasks: Task[]; drone: DroneOutcome | null }> {
    const a = await this.alert(alertId);
    if (a.status === 'resolved' || a.status === 'closed') throw new AppError('ALERT_TRANSITION_INVALID', { message: `A ${a.status} alert gets no new tasks`, details: { id: a.id, status: a.status, action: 'dispatch' } });
    if (!a.location) throw new AppError('ALERT_NO_LOCATION', { details: { id: a.id } });
    const plan = planFor(await this.deps.plans(), a);
    if (!plan && given === undefined) throw new AppError('NO_RESPONSE_PLAN', { details: { id: a.id, kind: a.kind, level: a.level } });
    const existing = await this.deps.store.listTasks({ alertId: a.id, limit: 500 });
    const wanted = given ?? (await this.proposal(plan!, a, existing));
    const busy = new Set(existing.filter((t) => !TERMINAL.has(t.state)).map((t) => t.unitId));
    const now = this.deps.clock.now();
    const created: Task[] = [];
    for (const p of wanted) {
      if (p.unitId === null || busy.has(p.unitId)) continue;
      const unit = await this.deps.store.getResource(p.unitId);
      if (!unit || unit.kind !== 'unit') throw new AppError('UNIT_NOT_FOUND', { message: `Unknown unit ${p.unitId}`, details: { id: p.unitId } });
      busy.add(unit.id);
      created.push(await this.send(this.newTask(a, unit, p, plan ?? null, now, null), by));
    }
    if (created.length > 0) {
      const names = created.map((t) => t.unitName).join(', ');
      await this.deps.alerts.markDispatched(a.id, by.name, `response tasks to ${names}`).catch((err: unknown) => this.deps.log.warn({ err, alertId: a.id }, 'dispatched step not recorded'));
    }
    const drone = plan?.drone && created.length > 0 ? await this.sendDrone(a.id, by) : null;
    return { tasks: created, drone };
  }

  /**
   * Gives a finished-without-result task's work to the next nearest unit of its type (never one that had
   * this alert), or to the unit the operator names. Returns the new task, or null when none is left.
   */
  async replace(old: Task, by: Person, unitId?: string): Promise<Task | null> {
    const a = await this.alert(old.alertId);
    let unit: Resource | undefined;
    if (unitId !== undefined) {
      unit = await this.deps.store.getResource(unitId);
      if (!unit || unit.kind !== 'unit') throw new AppError('UNIT_NOT_FOUND', { message: `Unknown unit ${unitId}`, details: { id: unitId } });
    } else {
      const tried = new Set((await this.deps.store.listTasks({ alertId: a.id, limit: 500 })).map((t) => t.unitId));
      unit = rankUnits(old.unitType as UnitType, { units: await this.units(), kind: a.kind, location: old.location, now: this.deps.clock.now(), load: await this.load(), exclude: tried, travel: this.deps.travel })[0]?.unit;
    }
    if (!unit) return null;
    const plan = old.planId ? await this.deps.store.getPlan(old.planId, old.planVersion ?? undefined) : undefined;
    const step: ProposedTask = { unitId: unit.id, unitName: unit.name, unitNames: resourceNames(unit), unitType: old.unitType as UnitType, ...texts(old), required: old.required, distanceM: null, etaS: null };
    return this.send(this.newTask(a, unit, step, plan ?? null, this.deps.clock.now(), old.id), by);
  }

  /**
   * A task for the unit's supervisor (escalation), timed by the same plan as the late task, or null when it
   * has none — or when the supervisor is already on this alert, or gave up on it (so a chain of supervisors
   * that loops back ends instead of going round).
   */
  async toSupervisor(old: Task, late: 'accept' | 'arrive'): Promise<Task | null> {
    const unit = await this.deps.store.getResource(old.unitId);
    const sup = unit?.supervisor ? await this.deps.store.getResource(unit.supervisor) : undefined;
    if (!sup || sup.id === old.unitId) return null;
    const onAlert = await this.deps.store.listTasks({ alertId: old.alertId, unitId: sup.id, limit: 500 });
    if (onAlert.some((t) => t.state !== 'verified' && t.state !== 'done')) return null;
    const a = await this.alert(old.alertId);
    const plan = old.planId ? await this.deps.store.getPlan(old.planId, old.planVersion ?? undefined) : undefined;
    const instructionsByLang = escalatedInstructions(late, old);
    const step: ProposedTask = {
      unitId: sup.id, unitName: sup.name, unitNames: resourceNames(sup), unitType: (sup.type ?? old.unitType) as UnitType, title: `Escalated: ${old.title}`, titles: escalatedTitle(old.title, old.titles),
      instructions: instructionsByLang.en, instructionsByLang, required: false, distanceM: null, etaS: null,
    };
    return this.send(this.newTask(a, sup, step, plan ?? null, this.deps.clock.now(), old.id), SYSTEM);
  }

  private async proposal(plan: Plan, a: AlertFacts, existing: Task[]): Promise<ProposedTask[]> {
    // A step is covered by the tasks of its type that are under way or have done their work (done,
    // verified); only one that ended without a result (declined, cancelled, reassigned) leaves a gap. An
    // upgrade adds the difference.
    const covering = existing.filter((t) => !ENDED_WITHOUT_RESULT.has(t.state));
    const left = { ...plan, steps: plan.steps.map((s) => ({ ...s, count: Math.max(0, s.count - covering.filter((t) => t.unitType === s.unitType).length) })).filter((s) => s.count > 0) };
    return propose(left, { units: await this.units(), kind: a.kind, location: a.location!, now: this.deps.clock.now(), load: await this.load(), exclude: new Set(existing.map((t) => t.unitId)), travel: this.deps.travel });
  }

  private units(): Promise<Resource[]> {
    return this.deps.store.listResources({ kind: 'unit' });
  }

  /** Open tasks per unit (capacity). */
  private async load(): Promise<Map<string, number>> {
    const m = new Map<string, number>();
    for (const t of await this.deps.store.openTasks()) if (t.state !== 'done') m.set(t.unitId, (m.get(t.unitId) ?? 0) + 1);
    return m;
  }

  private newTask(a: AlertFacts, unit: Resource, p: ProposedTask, plan: Plan | null, now: number, replaces: string | null): Task {
    const acceptMin = plan?.acceptWithinMin ?? 15;
    const arriveMin = plan?.arriveWithinMin ?? 60;
    return {
      id: randomUUID(), alertId: a.id, unitId: unit.id, unitName: unit.name, unitNames: resourceNames(unit), unitType: unit.type ?? p.unitType, ...texts(p),
      state: 'dispatched', required: p.required, planId: plan?.id ?? null, planVersion: plan?.version ?? null,
      acceptBy: now + acceptMin * 60_000, arriveBy: now + arriveMin * 60_000, location: a.location!, district: a.district,
      alert: { id: a.id, kind: a.kind ?? 'other', severity: a.severity, level: a.level, message: a.message, ...(a.messages ? { messages: a.messages } : {}), openedAt: a.openedAt },
      replaces, escalations: 0, createdAt: now, updatedAt: now, acceptedAt: null, arrivedAt: null, doneAt: null, verifiedAt: null,
    };
  }

  private async send(t: Task, by: Person): Promise<Task> {
    await this.deps.desk.create(t, by, t.replaces ? `replaces task ${t.replaces}` : undefined);
    const unit = await this.deps.store.getResource(t.unitId);
    if (unit) this.deps.notifier.notify(unit, 'task.created', t);
    return t;
  }

  private async sendDrone(alertId: string, by: Person): Promise<DroneOutcome> {
    if (!this.deps.drone) return { ok: false, code: 'DRONE_OPS_UNAVAILABLE', message: 'drone-ops is not available' };
    try {
      const r = await this.deps.drone.dispatch(alertId, by.name);
      if (!r.ok) this.deps.log.warn({ alertId, code: r.code }, 'drone inspection refused');
      return r;
    } catch (err) {
      this.deps.log.warn({ err, alertId }, 'drone inspection failed');
      return { ok: false, code: 'INTERNAL', message: (err as Error).message };
    }
  }
}
