/**
 * Operator-facing operations over the AlertService (what `/api/v1/alerts|rules|silences|incidents`
 * call): queries, lifecycle transitions by people, KPIs, incidents, silences, rules and backtests.
 * Errors cross the boundary as AppError codes (docs/errors.md).
 */
import { canonicalAlertId } from '../alert-id.js';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../kernel/errors.js';
import { acknowledge, assign, close, comment, dispatch, record, resolve, type AuditEntry, type NoteDetail, type TimelineEvent, type Transition } from '../lifecycle.js';
import { groupIntoIncidents, kpis, kpiSummary, type Incident, type Silence } from '../policy.js';
import type { AlertFilter, StoredAlert } from '../store/alert-store.js';
import type { AlertService } from './alert-service.js';
import { backtest, type BacktestResult } from './backtest.js';
import type { Dispatcher, HistorySource, ResourceFinder, SubjectDirectory } from './ports.js';
import { severityRank } from '../severity.js';
import type { Rule, RuleValidation } from '../rules.js';

export type AlertAction = 'ack' | 'assign' | 'comment' | 'resolve' | 'close';

export interface AlertActionInput {
  /** Who acts (default `operator`: the API has one admin token, the name is recorded in the audit). */
  by?: string;
  note?: string;
  text?: string;
  assignee?: string;
  unit?: string;
  /** Resolve despite the resolve guard (an operator's override; `note` says why). Not an HTTP field. */
  override?: boolean;
}

export interface SilenceInput {
  kind?: Silence['kind'];
  matchers: Silence['matchers'];
  startsAt?: number;
  endsAt: number;
  createdBy?: string;
  comment?: string;
}

export type AlertDetail = StoredAlert & { audit: AuditEntry[]; kpis: ReturnType<typeof kpis> };

/** What `POST /alerts/{id}/dispatch` answers: the alert after the `dispatched` step and the mission sent. */
export interface AlertDispatch {
  alert: StoredAlert;
  mission: Record<string, unknown>;
  dockId: string;
  etaS: number;
}

export interface AlertApiOptions {
  /** Sends drones (drone-ops, wired in app/); without it `dispatch` answers DRONE_OPS_UNAVAILABLE. */
  dispatcher?: Dispatcher;
  /** When given, an alert's detail shows resources as of now (dock availability changes by the minute). */
  resources?: ResourceFinder;
}

/** Grouping for `GET /incidents`: neighbours within 1 km whose first firing is within 10 min (domain.md must-have 7). */
export const INCIDENT_GROUPING = { radiusM: 1_000, withinMs: 10 * 60_000 };

export class AlertApi {
  constructor(
    private readonly service: AlertService,
    private readonly subjects: SubjectDirectory,
    private readonly history: HistorySource,
    private readonly opts: AlertApiOptions = {},
  ) {}

  listAlerts(q: AlertFilter): Promise<{ items: StoredAlert[]; total: number }> {
    return this.service.store.listAlerts(q);
  }

  /** @throws AppError ALERT_NOT_FOUND */
  async getAlert(id: string): Promise<AlertDetail> {
    const a = await this.alert(id);
    return { ...a, resources: await this.currentResources(a), audit: await this.service.store.auditTrail(a.id), kpis: kpis(a) };
  }

  /**
   * Sends a drone to the alert (issue #4 "From an alert"): the impact center (else the subject's
   * location), emergency priority for red/orange, then the lifecycle `dispatch` step naming mission and
   * dock (time-to-dispatch KPI). The alert is checked before anything flies.
   * @throws AppError ALERT_NOT_FOUND, ALERT_TRANSITION_INVALID (resolved/closed), ALERT_NO_LOCATION,
   * DRONE_OPS_UNAVAILABLE, or the dispatcher's refusal (DOCK_UNAVAILABLE with each dock's reasons…)
   */
  async dispatch(id: string, input: { by?: string; note?: string } = {}): Promise<AlertDispatch> {
    const a = await this.alert(id);
    const by = input.by ?? 'operator';
    const check = dispatch(a, by, this.service.clock.now(), 'drone');
    if (!check.ok) throw new AppError('ALERT_TRANSITION_INVALID', { message: check.reason, details: { id, status: a.status, action: 'dispatch' } });
    const location = a.impact?.center ?? a.labels.location;
    if (!location) throw new AppError('ALERT_NO_LOCATION', { details: { id, subject: a.subject } });
    if (!this.opts.dispatcher) {
      throw new AppError('DRONE_OPS_UNAVAILABLE', { message: 'Drone dispatch needs drone-ops; send a crew with POST /api/v1/alerts/{id}/assign', details: { id } });
    }
    // domain.md: red (I) and orange (II) are emergencies; blue and yellow get an ordinary inspection.
    const priority = severityRank(a.severity) >= severityRank('orange') ? 'emergency' : 'inspection';
    const r = await this.opts.dispatcher.dispatch({ alertId: a.id, location, priority, by });
    if (!r.ok) throw new AppError(r.code, { message: r.message, details: r.details });
    // The alert may have changed while the flight was planned: the step applies to its current version.
    const cur = await this.alert(id);
    const target = `mission ${r.missionId} from dock ${r.dockId} (ETA ${Math.round(r.etaS)} s)${input.note ? `: ${input.note}` : ''}`;
    const t = dispatch(cur, by, this.service.clock.now(), target);
    if (!t.ok) throw new AppError('ALERT_TRANSITION_INVALID', { message: `${t.reason}; mission ${r.missionId} was already scheduled`, details: { id, status: cur.status, missionId: r.missionId } });
    const alert = await this.service.commit({ alert: { ...cur, ...t.alert }, changes: t.changes });
    return { alert, mission: r.mission, dockId: r.dockId, etaS: r.etaS };
  }

  /** @throws AppError ALERT_NOT_FOUND, ALERT_TRANSITION_INVALID, VALIDATION_FAILED */
  async act(id: string, action: AlertAction, input: AlertActionInput): Promise<StoredAlert> {
    const a = await this.alert(id);
    const by = input.by ?? 'operator';
    const now = this.service.clock.now();
    let t: Transition;
    switch (action) {
      case 'ack': t = acknowledge(a, by, now, input.note); break;
      case 'assign':
        if (!input.assignee) throw new AppError('VALIDATION_FAILED', { message: 'assignee is required', details: { field: 'assignee' } });
        t = assign(a, input.assignee, input.unit ?? null, by, now);
        break;
      case 'comment': t = comment(a, by, input.text ?? input.note ?? '', now); break;
      case 'resolve': {
        const why = input.override ? null : this.service.resolveBlocked(a.id);
        if (why !== null) throw new AppError('ALERT_RESOLVE_BLOCKED', { message: `${why}: verify them, or override with a reason (POST /api/v1/alerts/{id}/response/resolve)`, details: { id, reason: why } });
        t = resolve(a, by, now, input.note);
        break;
      }
      case 'close': t = close(a, by, now); break;
    }
    if (!t.ok) throw new AppError('ALERT_TRANSITION_INVALID', { message: t.reason, details: { id, status: a.status, action } });
    return this.service.commit({ alert: { ...a, ...t.alert }, changes: t.changes });
  }

  /** Adds field evidence (`drone.arrived`, `media.attached`) to the alert's timeline. @throws AppError ALERT_NOT_FOUND */
  async record(id: string, event: TimelineEvent, by: string, note?: string, detail?: NoteDetail): Promise<StoredAlert> {
    const a = await this.alert(id);
    const t = record(a, event, by, this.service.clock.now(), note, detail) as Extract<Transition, { ok: true }>;
    return this.service.commit({ alert: { ...a, ...t.alert }, changes: t.changes });
  }

  /** Time to acknowledge / dispatch / resolve over alerts seen in [from, to) (at most 10,000). */
  async kpis(q: { from?: number; to?: number; districts?: readonly string[] }): Promise<ReturnType<typeof kpiSummary> & { alerts: number }> {
    const { items } = await this.service.store.listAlerts({ ...q, limit: 10_000 });
    return { alerts: items.length, ...kpiSummary(items) };
  }

  /** Live alerts grouped into incidents; with `districts`, only alerts in those districts. */
  incidents(districts?: readonly string[]): Incident[] {
    const live = this.service.liveAlerts();
    return groupIntoIncidents(districts === undefined ? live : live.filter((a) => typeof a.labels.district === 'string' && districts.includes(a.labels.district)), INCIDENT_GROUPING);
  }

  silences(): Silence[] {
    return this.service.silenceList();
  }

  /** @throws AppError VALIDATION_FAILED when the window is empty or no matcher is given */
  async addSilence(input: SilenceInput): Promise<Silence> {
    const startsAt = input.startsAt ?? this.service.clock.now();
    if (input.endsAt <= startsAt) throw new AppError('VALIDATION_FAILED', { message: 'endsAt must be after startsAt', details: { field: 'endsAt' } });
    if (Object.keys(input.matchers).length === 0) {
      throw new AppError('VALIDATION_FAILED', { message: 'a silence needs at least one matcher', details: { field: 'matchers' } });
    }
    const s: Silence = {
      id: randomUUID(), kind: input.kind ?? 'silence', matchers: input.matchers, startsAt, endsAt: input.endsAt,
      createdBy: input.createdBy ?? 'operator', comment: input.comment ?? '',
    };
    await this.service.addSilence(s);
    return s;
  }

  /** @throws AppError SILENCE_NOT_FOUND */
  async deleteSilence(id: string): Promise<void> {
    if (!(await this.service.deleteSilence(id))) throw new AppError('SILENCE_NOT_FOUND', { details: { id } });
  }

  async listRules(): Promise<Array<Rule & { updatedAt: number }>> {
    return (await this.service.rules.list()).map((r) => ({ ...r.rule, updatedAt: r.updatedAt }));
  }

  async getRule(id: string): Promise<Rule & { updatedAt: number; history: Array<Rule & { updatedAt: number }> }> {
    const r = await this.service.rules.get(id, true);
    return { ...r.rule, updatedAt: r.updatedAt, history: (r.history ?? []).map((h) => ({ ...h.rule, updatedAt: h.updatedAt })) };
  }

  createRule(input: unknown): Promise<Rule> {
    return this.service.rules.create(input);
  }

  updateRule(id: string, input: unknown): Promise<Rule> {
    return this.service.rules.update(id, input);
  }

  deleteRule(id: string): Promise<void> {
    return this.service.rules.delete(id);
  }

  validateRule(input: unknown): RuleValidation {
    return this.service.rules.validate(input);
  }

  /** @throws AppError RULE_NOT_FOUND, QUERY_INVALID (empty range) */
  async backtest(id: string, from: number, to: number): Promise<BacktestResult> {
    if (!(to > from)) throw new AppError('QUERY_INVALID', { message: '`to` must be after `from`', details: { from, to } });
    const rule = (await this.service.rules.get(id)).rule;
    const sources = rule.correlation?.sourceRules;
    // A correlation rule needs the device rules that feed it.
    const companions = rule.kind === 'correlation'
      ? this.service.rules.enabled().filter((r) => r.kind !== 'correlation' && (sources === undefined || sources.includes(r.id)))
      : [];
    return backtest(rule, companions, this.subjects.all(), this.history, from, to);
  }

  private async currentResources(a: StoredAlert): Promise<StoredAlert['resources']> {
    if (!this.opts.resources || a.status === 'closed') return a.resources;
    try {
      return await this.opts.resources.find(a, a.impact);
    } catch {
      // The stored snapshot (taken when the alert opened or was upgraded) is the fallback.
      return a.resources;
    }
  }

  /** A former `rule|subject|at` id (old links, other modules' stored references) finds the same alert. */
  private async alert(given: string): Promise<StoredAlert> {
    const id = canonicalAlertId(given);
    const a = this.service.liveById(id) ?? (await this.service.store.getAlert(id));
    if (!a) throw new AppError('ALERT_NOT_FOUND', { details: { id } });
    return a;
  }
}
