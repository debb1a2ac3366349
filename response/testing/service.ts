/**
 * A ResponseService over a real database for tests: the alert facts it plans from are kept here (the
 * platform's alert lifecycle is not part of the module), notices to units and desks are recorded.
 * Not used by production code.
 */
import { randomBytes } from 'node:crypto';
import { EventBus } from '../../kernel/bus.js';
import { systemClock, type Clock } from '../../kernel/clock.js';
import type { Localized } from '../../kernel/i18n.js';
import { silentLogger } from '../../kernel/logger.js';
import { SecretBox } from '../../kernel/secrets.js';
import type { TestDatabase } from '../../test/servers/databases.js';
import { overdueMessage } from '../overdue-messages.js';
import type { AlertFacts, AlertsForResponse, ChannelOutcome, DeskNotice, TaskEventName, UnitNotifier } from '../ports.js';
import { ResponseService, type ResponseServiceOptions } from '../service.js';
import { T0 } from '../testing.js';
import type { Resource, Task } from '../types.js';

/** The alert side of the port: facts by id, and what the module asked of the lifecycle. */
export class AlertDesk implements AlertsForResponse {
  readonly facts = new Map<string, AlertFacts>();
  readonly resolved: { id: string; by: string; note: string }[] = [];
  readonly overdue: { taskId: string; note: string; messages: Localized }[] = [];
  readonly notes: { id: string; by: string; note: string }[] = [];

  add(id: string, over: Partial<AlertFacts> = {}): AlertFacts {
    const a: AlertFacts = {
      id, ruleId: 'gas-lel', kind: 'gas', severity: 'orange', level: 'II', message: 'CH4 27 %LEL', status: 'open', active: true,
      location: { lon: 120.38, lat: 36.07 }, district: '370202', impactDistricts: [], openedAt: T0, ...over,
    };
    this.facts.set(id, a);
    return a;
  }

  get(id: string): Promise<AlertFacts | undefined> {
    return Promise.resolve(this.facts.get(id));
  }

  resolve(id: string, by: string, note: string): Promise<void> {
    this.resolved.push({ id, by, note });
    const a = this.facts.get(id);
    if (a) this.facts.set(id, { ...a, status: 'resolved' });
    return Promise.resolve();
  }

  markDispatched(): Promise<void> {
    return Promise.resolve();
  }

  raiseOverdue(task: Task, note: Localized): Promise<void> {
    this.overdue.push({ taskId: task.id, note: note.en, messages: overdueMessage(note) });
    return Promise.resolve();
  }

  deskNotified(id: string, by: string, note: string): Promise<void> {
    this.notes.push({ id, by, note });
    return Promise.resolve();
  }
}

/** Records every notice instead of sending it. */
export class RecordingNotifier implements UnitNotifier {
  readonly sent: { unitId: string; event: TaskEventName; taskId: string }[] = [];

  readonly desks: { deskId: string; notice: DeskNotice }[] = [];

  notify(unit: Resource, event: TaskEventName, task: Task): void {
    this.sent.push({ unitId: unit.id, event, taskId: task.id });
  }

  notifyDesk(desk: Resource, notice: DeskNotice): Promise<ChannelOutcome[]> {
    this.desks.push({ deskId: desk.id, notice });
    return Promise.resolve(desk.channels.map((c) => ({ channel: c.type, ok: true, attempts: 1 })));
  }

  idle(): Promise<void> {
    return Promise.resolve();
  }
}

export interface ServiceHarness {
  service: ResponseService;
  alerts: AlertDesk;
  notifier: RecordingNotifier;
  box: SecretBox;
  close(): Promise<void>;
}

/** A started service over a fresh database; `close` stops it and drops the database. */
export async function serviceHarness(fresh: () => Promise<TestDatabase>, over: Partial<ResponseServiceOptions> & { clock?: Clock } = {}): Promise<ServiceHarness> {
  const t = await fresh();
  const alerts = new AlertDesk();
  const notifier = new RecordingNotifier();
  const box = new SecretBox(randomBytes(32), 'unit webhook signing secret');
  const service = new ResponseService({
    database: t.db, bus: new EventBus(), clock: systemClock, log: silentLogger(), alerts, notifier, sealer: box,
    districtAt: () => '370202', names: () => ({ zh: '市南区', en: 'Shinan' }), ...over,
  });
  await service.start();
  return {
    service, alerts, notifier, box,
    close: async () => {
      await service.stop();
      await t.cleanup();
    },
  };
}
