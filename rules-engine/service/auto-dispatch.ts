/**
 * The automatic dispatch policy (issue #4 "From an alert … or the automatic policy for red/orange
 * alerts"; domain.md "dispatch the task with one click" made zero clicks): when an alert opens, or is
 * upgraded, into the policy's range, a drone is sent once per alert. A refusal or failure is recorded on
 * the alert as a system comment (audit `commented`) and logged — never thrown into the bus.
 * Silenced or inhibited alerts are not announced on the bus, so planned works never launch drones.
 */
import type { EventBus } from '../../kernel/bus.js';
import { AppError } from '../../kernel/errors.js';
import type { AlertNotice } from '../../kernel/events.js';
import type { Logger } from '../../kernel/logger.js';
import { severityRank } from '../severity.js';
import type { AlertActionInput, AlertApi } from './alert-api.js';

/** `off`; `red` (level I only); `orange` (orange and red, levels I–II). */
export type AutoDispatchPolicy = 'off' | 'red' | 'orange';

export const AUTO_DISPATCH_POLICIES: readonly AutoDispatchPolicy[] = ['off', 'red', 'orange'];

/** Pure: whether this notice should send a drone under `policy` (the once-per-alert memory is the caller's). */
export function wantsAutoDispatch(policy: AutoDispatchPolicy, notice: AlertNotice): boolean {
  if (policy === 'off') return false;
  if (notice.action !== 'opened' && notice.action !== 'upgraded') return false;
  const a = notice.alert;
  if (a.status !== 'open' && a.status !== 'acknowledged') return false;
  if (a.dispatchedAt !== undefined && a.dispatchedAt !== null) return false;
  return severityRank(a.severity) >= severityRank(policy);
}

export interface AutoDispatchOptions {
  policy: AutoDispatchPolicy;
  bus: EventBus;
  api: Pick<AlertApi, 'dispatch' | 'act'>;
  log: Logger;
}

/** The actor recorded in the audit trail for automatic steps (lifecycle.ts uses `system` too). */
const ACTOR = 'system';

export class AutoDispatch {
  /** Alerts already tried (whatever the outcome): at most one automatic dispatch per alert. */
  private readonly tried = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private offs: Array<() => void> = [];

  constructor(private readonly o: AutoDispatchOptions) {}

  start(): void {
    if (this.o.policy === 'off') return;
    const on = (n: AlertNotice): void => this.consider(n);
    this.offs = [
      this.o.bus.on('alertRaised', on),
      this.o.bus.on('alertChanged', on),
    ];
  }

  /** Stops listening and waits for dispatches under way. */
  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    await this.idle();
  }

  /** Resolves when no automatic dispatch is under way. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private consider(n: AlertNotice): void {
    if (n.alert.status === 'closed') {
      this.tried.delete(n.alert.id);
      return;
    }
    if (this.tried.has(n.alert.id) || !wantsAutoDispatch(this.o.policy, n)) return;
    this.tried.add(n.alert.id);
    const p = this.run(n.alert.id).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private async run(alertId: string): Promise<void> {
    const log = this.o.log;
    try {
      const r = await this.o.api.dispatch(alertId, { by: ACTOR, note: `automatic dispatch (policy ${this.o.policy})` });
      log.info({ alertId, missionId: r.mission.id, dockId: r.dockId, etaS: Math.round(r.etaS) }, 'automatic dispatch');
    } catch (err) {
      const why = err instanceof AppError ? `${err.code}: ${err.message}` : (err as Error).message;
      log.warn({ err, alertId }, 'automatic dispatch failed');
      const comment: AlertActionInput = { by: ACTOR, text: `automatic dispatch failed — ${why}` };
      try {
        await this.o.api.act(alertId, 'comment', comment);
      } catch (e) {
        log.warn({ err: e, alertId }, 'recording the failed automatic dispatch');
      }
    }
  }
}
