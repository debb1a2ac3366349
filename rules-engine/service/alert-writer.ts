/**
 * Persist-then-announce for alert changes. System changes are batched (one transaction per batch, after
 * the current write finishes), user changes are written at once; every write goes through one chain, so
 * the store and the bus see changes in the order they were made. The bus hears a change only after its
 * row is committed (kernel/events.ts AlertNotice).
 */
import type { EventBus } from '../../kernel/bus.js';
import type { Logger } from '../../kernel/logger.js';
import type { ResourceMatch } from '../impact.js';
import type { AlertChange, AlertStore, StoredAlert } from '../store/alert-store.js';
import type { ResourceFinder } from './ports.js';

interface Item {
  change: AlertChange;
  /** Announce on the bus (false while silenced or inhibited). */
  notify: boolean;
  /** Opened or upgraded: look up the nearest resources before storing. */
  findResources: boolean;
}

export class AlertWriter {
  private batch: Item[] = [];
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;
  private failed: Item[] = [];
  /** Latest resources per alert id, applied to every later version of that alert. */
  private readonly found = new Map<string, ResourceMatch>();

  constructor(
    private readonly store: AlertStore,
    private readonly finder: ResourceFinder,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly onResources: (a: StoredAlert) => void,
  ) {}

  push(change: AlertChange, notify: boolean, findResources = false): void {
    this.batch.push({ change, notify, findResources });
    this.schedule();
  }

  /** Writes one change now (after the ones queued before it); rejects when the store fails. */
  write(change: AlertChange): Promise<void> {
    const done = this.chain.then(() => this.persist([{ change, notify: true, findResources: false }]));
    this.chain = done.catch(() => {});
    return done;
  }

  idle(): Promise<void> {
    return this.chain;
  }

  busy(): boolean {
    return this.scheduled || this.batch.length > 0;
  }

  /** Re-queues a batch whose write failed (called from the service tick). */
  retryIfFailed(): void {
    if (this.failed.length === 0) return;
    this.batch.unshift(...this.failed.splice(0));
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.chain = this.chain
      .then(() => new Promise<void>((r) => setImmediate(r)))
      .then(async () => {
        this.scheduled = false;
        const items = this.batch.splice(0);
        try {
          await this.persist(items);
        } catch (err) {
          this.log.error({ err, alerts: items.length }, 'storing alert changes failed; retrying on the next tick');
          this.failed.push(...items);
        }
      });
  }

  private async persist(items: Item[]): Promise<void> {
    if (items.length === 0) return;
    for (const it of items) {
      if (!it.findResources) continue;
      const a = it.change.alert;
      try {
        this.found.set(a.id, await this.finder.find(a, a.impact));
      } catch (err) {
        this.log.warn({ err, alertId: a.id }, 'resource lookup failed');
      }
    }
    const changes = items.map((it) => {
      const r = this.found.get(it.change.alert.id);
      return r ? { ...it.change, alert: { ...it.change.alert, resources: r } } : it.change;
    });
    await this.store.saveAlerts(changes);
    for (const c of changes) {
      if (c.alert.resources) this.onResources(c.alert);
      if (c.alert.status === 'closed') this.found.delete(c.alert.id);
    }
    changes.forEach((c, i) => {
      const first = c.changes[0];
      if (!items[i]!.notify || !first) return;
      const notice = { alert: { ...c.alert }, action: first.action, at: first.at };
      this.bus.emit(first.action === 'opened' ? 'alertRaised' : 'alertChanged', notice);
    });
  }
}
