/**
 * Wires the alert service (rules-engine/service) into the platform: the subject directory over the
 * device registry, the default resource finder, the telemetry history for backtests, and the HTTP ports.
 *
 * Per-device parameters are provisioned as device tags `name=number` (e.g. `depth_m=2.4`,
 * `strain_ue_limit=800`, `interval_ms=5000`) and the gateway as `parent=<device id>`; per-asset or
 * per-district overrides are rules scoped to that asset/district with their own `params` or levels,
 * created through `/api/v1/rules` (docs/rules.md "Per-device and per-asset parameters").
 */
import type { DeviceRegistry } from '../device-registry/index.js';
import type { DeviceFacts } from '../kernel/events.js';
import type { TelemetryStore } from '../device-registry/telemetry/index.js';
import type { AlertsPort, IncidentsPort, RulesPort, SilencesPort } from '../http/index.js';
import type { EventBus } from '../kernel/bus.js';
import type { Clock } from '../kernel/clock.js';
import type { Database } from '../kernel/db/index.js';
import type { Logger } from '../kernel/logger.js';
import { AlertApi, AlertService, AutoDispatch, sensorResourceFinder, type AutoDispatchPolicy, type Subject, type SubjectDirectory } from '../rules-engine/service/index.js';
import { droneDispatcher, droneResourceFinder, type DroneOpsForAlerts } from './alert-dispatch.js';

const PARAM_TAG = /^([A-Za-z][A-Za-z0-9_]{0,62})=(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/;
const PARENT_TAG = /^parent=(.+)$/;

/** A registry device as the rules see it; numeric `name=value` tags are its parameters. */
export function toSubject(d: DeviceFacts): Subject {
  const params: Record<string, number> = {};
  let parent: string | null = null;
  for (const t of d.tags) {
    const p = PARENT_TAG.exec(t);
    if (p) {
      parent = p[1]!;
      continue;
    }
    const m = PARAM_TAG.exec(t);
    if (m) params[m[1]!] = Number(m[2]);
  }
  return { deviceId: d.id, kind: d.kind, district: d.district, asset: d.asset, location: d.location, params, parent };
}

/**
 * Subjects cached in memory (the hot path never waits on the database): all devices at start, a device
 * seen for the first time on its first reading, and a full refresh every `refreshMs` for edits.
 */
export class RegistrySubjects implements SubjectDirectory {
  private readonly cache = new Map<string, Subject>();
  private timer: NodeJS.Timeout | undefined;

  private offChanged: (() => void) | undefined;

  constructor(private readonly registry: DeviceRegistry, private readonly log: Logger, private readonly bus?: EventBus) {}

  async start(refreshMs = 60_000): Promise<void> {
    // Follow registry changes as they happen, so a new device is a cached subject before its first reading.
    this.offChanged = this.bus?.on('deviceChanged', (c) => {
      if (c.device) this.cache.set(c.deviceId, toSubject(c.device));
      else this.cache.delete(c.deviceId);
    });
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((err: unknown) => this.log.warn({ err }, 'subject refresh failed')), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.offChanged?.();
  }

  peek(id: string): Subject | undefined {
    return this.cache.get(id);
  }

  async load(id: string): Promise<Subject | undefined> {
    try {
      const s = toSubject(await this.registry.get(id));
      this.cache.set(id, s);
      return s;
    } catch {
      return undefined;
    }
  }

  all(): Iterable<Subject> {
    return this.cache.values();
  }

  private async refresh(): Promise<void> {
    const seen = new Set<string>();
    for (let offset = 0; ; offset += 5_000) {
      const page = await this.registry.list({ limit: 5_000, offset });
      for (const d of page) {
        seen.add(d.id);
        this.cache.set(d.id, toSubject(d));
      }
      if (page.length < 5_000) break;
    }
    for (const id of this.cache.keys()) if (!seen.has(id)) this.cache.delete(id);
  }
}

export interface AlertsWiring {
  service: AlertService;
  api: AlertApi;
  /** The automatic dispatch policy (CITYBRAIN_AUTO_DISPATCH); stopped before drone-ops closes. */
  autoDispatch: AutoDispatch;
  http: { alerts: AlertsPort; rules: RulesPort; silences: SilencesPort; incidents: IncidentsPort };
  stop(): Promise<void>;
}

export async function startAlerts(opts: {
  database: Database; bus: EventBus; log: Logger; clock: Clock; registry: DeviceRegistry; store: TelemetryStore;
  /** Each evaluation's duration in seconds (app/observability.ts). */
  onEvaluated?: (seconds: number) => void;
  /** Drone-ops: docks as resources and `POST /alerts/{id}/dispatch`; without it dispatch answers 501. */
  droneOps?: DroneOpsForAlerts;
  autoDispatch?: AutoDispatchPolicy;
}): Promise<AlertsWiring> {
  const subjects = new RegistrySubjects(opts.registry, opts.log, opts.bus);
  await subjects.start();
  const log = opts.log.child({ module: 'alert-dispatch' });
  const resources = opts.droneOps
    ? droneResourceFinder(sensorResourceFinder(subjects), opts.droneOps, (err) => log.warn({ err }, 'dock ranking failed'))
    : undefined;
  const service = new AlertService({
    database: opts.database, bus: opts.bus, log: opts.log, clock: opts.clock, subjects, ...(resources ? { resources } : {}),
    ...(opts.onEvaluated ? { onEvaluated: opts.onEvaluated } : {}),
  });
  await service.start();
  const api = new AlertApi(service, subjects, opts.store, opts.droneOps && resources ? { dispatcher: droneDispatcher(opts.droneOps), resources } : {});
  const autoDispatch = new AutoDispatch({ policy: opts.droneOps ? (opts.autoDispatch ?? 'off') : 'off', bus: opts.bus, api, log });
  autoDispatch.start();
  return {
    service,
    api,
    autoDispatch,
    http: httpPorts(api),
    async stop() {
      await autoDispatch.stop();
      subjects.stop();
      await service.stop();
    },
  };
}

function httpPorts(api: AlertApi): AlertsWiring['http'] {
  return {
    alerts: {
      list: async (q) => {
        const page = await api.listAlerts(q);
        return { items: page.items.map((a) => ({ ...a })), total: page.total };
      },
      get: async (id) => ({ ...(await api.getAlert(id)) }),
      act: async (id, action, body) => ({ ...(await api.act(id, action, body)) }),
      kpis: async (q) => ({ ...(await api.kpis(q)) }),
      dispatch: async (id, body) => {
        const r = await api.dispatch(id, body);
        return { ...r, alert: { ...r.alert } };
      },
    },
    rules: {
      list: async () => (await api.listRules()).map((r) => ({ ...r })),
      get: async (id) => ({ ...(await api.getRule(id)) }),
      create: async (input) => ({ ...(await api.createRule(input)) }),
      update: async (id, input) => ({ ...(await api.updateRule(id, input)) }),
      delete: (id) => api.deleteRule(id),
      validate: (input) => api.validateRule(input),
      backtest: async (id, from, to) => ({ ...(await api.backtest(id, from, to)) }),
    },
    silences: {
      list: () => Promise.resolve(api.silences()),
      create: (input) => api.addSilence({ ...input, matchers: input.matchers as Parameters<AlertApi['addSilence']>[0]['matchers'] }),
      delete: (id) => api.deleteSilence(id),
    },
    incidents: { list: (districts) => Promise.resolve(api.incidents(districts)) },
  };
}
