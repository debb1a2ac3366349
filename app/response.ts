/**
 * Wires the response module into the platform: the alert facts it plans from and the resolve guard it
 * installs in the alert lifecycle, the drone inspection through the alert dispatch, the channels that
 * reach units (signed webhooks, the MQTT platform namespace, the SMS gateway port), and the HTTP port.
 * The `response-overdue` alerts it raises are folded into the lifecycle here, like drone safety alarms.
 */
import type { Registry } from 'prom-client';
import type { DistrictIndex } from '../device-registry/index.js';
import type { ResponsePort } from '../http/index.js';
import type { EventBus } from '../kernel/bus.js';
import type { Clock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import type { Database } from '../kernel/db/index.js';
import type { Logger } from '../kernel/logger.js';
import { SecretBox } from '../kernel/secrets.js';
import { readFile } from 'node:fs/promises';
import type { Localized } from '../kernel/i18n.js';
import { ChannelNotifier, overdueMessage, RESPONSE_SAMPLE_FILE, EmbeddedSmsGateway, HttpSmsGateway, ResponseService, type AlertFacts, type AlertsForResponse, type DroneInspection, type SmsGateway, type TaskPublisher } from '../response/index.js';
import { applySignal, dispatch as dispatchStep, type Signal } from '../rules-engine/index.js';
import type { StoredAlert } from '../rules-engine/store/index.js';
import type { MediaStore } from '../response/index.js';
import { AppError, isAppError } from '../kernel/errors.js';
import type { AlertsWiring } from './alerts.js';
import { responsePort } from './response-http.js';

/** Not a stored rule: the rule id of alerts raised for missed task deadlines. */
export const RESPONSE_OVERDUE_RULE = 'response-overdue';

export interface ResponseWiring {
  service: ResponseService;
  sms: SmsGateway;
  http: ResponsePort;
  /** MQTT task notices start once the broker listens. */
  attachBroker(publisher: TaskPublisher): void;
  stop(): Promise<void>;
}

export function alertFacts(a: StoredAlert): AlertFacts {
  return {
    id: a.id, ruleId: a.ruleId, kind: a.labels.deviceKind, severity: a.severity, level: a.responseLevel, message: a.message, ...(a.messages ? { messages: a.messages } : {}), status: a.status, active: a.active,
    location: a.impact?.center ?? a.labels.location, district: a.labels.district, impactDistricts: a.impact?.districts ?? [], openedAt: a.openedAt,
  };
}

function alertsPort(alerts: AlertsWiring, log: Logger): AlertsForResponse {
  const { service, api } = alerts;
  const current = async (id: string) => service.liveById(id) ?? (await service.store.getAlert(id));
  return {
    get: async (id) => {
      const a = await current(id);
      return a && alertFacts(a);
    },
    resolve: async (id, by, note) => {
      await api.act(id, 'resolve', { by, note, override: true });
    },
    markDispatched: async (id, by, note) => {
      const a = await current(id);
      const t = a && dispatchStep(a, by, service.clock.now(), note);
      if (a && t?.ok) await service.commit({ alert: { ...a, ...t.alert }, changes: t.changes });
    },
    raiseOverdue: async (task, note) => {
      const s = overdueSignal(task.alertId, task.alert.kind, task.district, task.location, overdueMessage(note), service.clock.now(), task.alert.level);
      const cur = (await service.store.liveAlerts()).find((x) => x.ruleId === s.ruleId && x.subject === s.subject);
      const out = applySignal(cur, s, service.clock.now());
      if (!out.alert || out.alert === cur) return;
      await service.commit({ alert: { impact: null, resources: null, mutedBy: null, ...cur, ...out.alert }, changes: out.changes });
      log.warn({ alertId: task.alertId, taskId: task.id }, 'response-overdue alert raised');
    },
    deskNotified: async (id, by, note) => {
      await alerts.api.record(id, 'desk.notified', by, note);
    },
  };
}

/** One overdue alert per original alert (re-fired as more deadlines pass): orange for levels I–II, else yellow. */
export function overdueSignal(alertId: string, kind: string, district: string | null, location: { lon: number; lat: number }, messages: Localized, at: number, level: string): Signal {
  return {
    ruleId: RESPONSE_OVERDUE_RULE, ruleKind: 'event', ruleVersion: 1, subject: `response:${alertId}`, state: 'firing',
    severity: level === 'I' || level === 'II' ? 'orange' : 'yellow', values: { alertId, kind }, message: messages.en, messages, at,
    labels: { deviceId: null, deviceKind: 'response', district, asset: alertId, location, parent: null },
  };
}

/** Every cited picture must be stored (422 MEDIA_NOT_FOUND, response contract); one uploaded for another task is attached to this one too. */
function citedMedia(media: MediaStore) {
  return async (ids: readonly string[], task: { id: string; alertId: string }, by: string): Promise<void> => {
    const attached = new Set((await media.list({ taskId: task.id })).map((m) => m.id));
    for (const id of ids) {
      if (attached.has(id)) continue;
      if (!(await media.get(id))) throw new AppError('MEDIA_NOT_FOUND', { status: 422, message: `No picture ${id} in the media store: upload it first`, details: { id } });
      await media.attach(id, { taskId: task.id, alertId: task.alertId, uploadedBy: by });
    }
  };
}

function droneInspection(alerts: AlertsWiring): DroneInspection {
  return {
    dispatch: async (alertId, by) => {
      try {
        const r = await alerts.api.dispatch(alertId, { by, note: 'inspection with the response plan' });
        return { ok: true, missionId: String(r.mission.id), dockId: r.dockId, etaS: r.etaS };
      } catch (err) {
        if (isAppError(err)) return { ok: false, code: err.code, message: err.message };
        throw err;
      }
    },
  };
}

export async function startResponse(opts: {
  database: Database; bus: EventBus; clock: Clock; log: Logger; metrics: Registry; credentialKey: Buffer; districts: DistrictIndex;
  alerts: AlertsWiring; drones: boolean; config: Pick<Config, 'smsGatewayUrl' | 'smsGatewayToken'> & Partial<Pick<Config, 'lang'>>; notifyRetryMs?: number[];
  /** Demo start: load the sample resources into an empty store. */
  demo?: boolean;
  /** The media store: photos a report cites must be in it (and are attached to the task). */
  media?: MediaStore;
}): Promise<ResponseWiring> {
  const log = opts.log.child({ module: 'response' });
  const box = new SecretBox(opts.credentialKey, 'unit webhook signing secret');
  const sms: SmsGateway = opts.config.smsGatewayUrl
    ? new HttpSmsGateway({ url: opts.config.smsGatewayUrl, ...(opts.config.smsGatewayToken ? { token: opts.config.smsGatewayToken } : {}) })
    : new EmbeddedSmsGateway(log);
  const byId = new Map(opts.districts.list().map((d) => [d.id, { zh: d.name_zh, en: d.name_en }]));
  const names = (code: string) => byId.get(code) ?? null;
  let publisher: TaskPublisher | undefined;
  const notifier = new ChannelNotifier({ log, metrics: opts.metrics, sms, openSecret: (s) => box.open(s), names, publisher: () => publisher, lang: opts.config.lang ?? 'en', ...(opts.notifyRetryMs ? { retryMs: opts.notifyRetryMs } : {}) });
  const service = new ResponseService({
    // The service takes its own child logger (module: 'response'); given `log` its lines carried `module` twice.
    database: opts.database, bus: opts.bus, clock: opts.clock, log: opts.log, alerts: alertsPort(opts.alerts, log), notifier, sealer: box, names,
    districtAt: (l) => opts.districts.locate(l.lon, l.lat)?.id ?? null, ...(opts.drones ? { drone: droneInspection(opts.alerts) } : {}),
    ...(opts.media ? { media: citedMedia(opts.media) } : {}),
  });
  await service.start();
  if (opts.demo && (await service.store.listResources({})).length === 0) {
    const r = await service.catalog.importResources(await readFile(RESPONSE_SAMPLE_FILE, 'utf8'), 'geojson');
    log.info({ created: r.created, failed: r.failed, errors: r.errors }, 'sample response resources loaded (demo)');
  } else if (opts.demo) {
    // Sample units an earlier version loaded, before they had Chinese names.
    const named = await service.catalog.addChineseNames(await readFile(RESPONSE_SAMPLE_FILE, 'utf8'));
    if (named > 0) log.info({ resources: named }, 'sample response resources given their Chinese names (demo)');
  }
  opts.alerts.service.setResolveGuard((id) => service.resolveBlocker(id));
  return {
    service, sms,
    http: responsePort(service, names),
    attachBroker: (p) => {
      publisher = p;
    },
    stop: () => service.stop(),
  };
}

