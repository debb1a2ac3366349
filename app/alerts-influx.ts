/**
 * Alert lifecycle events as points of the InfluxDB measurement `alerts`, so Grafana can draw them as
 * annotations beside the readings (docs/grafana.md). Written through a TelemetryWriter of their own: the
 * alert path only enqueues (never waits on InfluxDB), and an outage spills the points to disk and replays
 * them, like readings.
 */
import { join } from 'node:path';
import { createInfluxTelemetryStore, TelemetryWriter, type InfluxTelemetryStoreOptions } from '../device-registry/telemetry/index.js';
import type { EventBus } from '../kernel/bus.js';
import type { AlertNotice, Reading } from '../kernel/events.js';
import type { Logger } from '../kernel/logger.js';
import type { Registry } from 'prom-client';

export const ALERTS_MEASUREMENT = 'alerts';

interface NoticeLabels {
  deviceId?: string | null;
  deviceKind?: string | null;
  district?: string | null;
  asset?: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * One point per lifecycle event: tags `kind`, `severity`, `district`, `device`, `event` (the audit action:
 * opened, upgraded, escalated, resolved, closed…); string fields `alert_id`, `message` (English), `level`
 * (response level I–IV), numeric field `escalation`; time = the event time.
 */
export function alertPoint(n: AlertNotice): Reading {
  const a = n.alert;
  const labels = (a.labels ?? {}) as NoticeLabels;
  const level = str(a.responseLevel);
  return {
    deviceId: str(labels.deviceId) ?? a.subject,
    kind: str(labels.deviceKind) ?? str(a.ruleKind) ?? 'unknown',
    district: str(labels.district),
    asset: str(labels.asset),
    ts: n.at,
    receivedAt: n.at,
    metrics: { escalation: typeof a.escalationLevel === 'number' ? a.escalationLevel : 0 },
    tags: { severity: a.severity, event: n.action },
    text: { alert_id: a.id, message: a.message, ...(level ? { level } : {}) },
  };
}

export interface AlertPoints {
  readonly writer: TelemetryWriter;
  close(): Promise<void>;
}

/** Subscribes to the alert events and writes each as a point (spill in `<dataDir>/spill-alerts`). */
export async function startAlertPoints(opts: { influx: InfluxTelemetryStoreOptions; dataDir: string; bus: EventBus; log: Logger; spillMaxBytes: number; metrics?: Registry }): Promise<AlertPoints> {
  const store = await createInfluxTelemetryStore({ ...opts.influx, measurement: ALERTS_MEASUREMENT });
  const log = opts.log.child({ module: 'alerts-influx' });
  const writer = new TelemetryWriter({ store, log, batchSize: 500, flushMs: 1000, flushWhenIdle: true, bufferMax: 10_000, spillDir: join(opts.dataDir, 'spill-alerts'), spillMaxBytes: opts.spillMaxBytes,
    // The telemetry writer's metrics, labelled writer="alerts" (docs/grafana.md, README "Logs and metrics").
    ...(opts.metrics ? { metrics: opts.metrics, metricsLabel: 'alerts' } : {}),
  });
  const write = (n: AlertNotice): void => {
    // Not awaited: the alert path does not wait for InfluxDB; only a full spill loses the point (logged).
    writer.write([alertPoint(n)]).catch((err: unknown) => log.warn({ err, alertId: n.alert.id, event: n.action }, 'alert point not written to InfluxDB'));
  };
  const offs = [opts.bus.on('alertRaised', write), opts.bus.on('alertChanged', write)];
  return {
    writer,
    async close() {
      for (const off of offs) off();
      await writer.close();
      await store.close();
    },
  };
}
