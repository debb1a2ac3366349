/**
 * Wires notifications (issue #3 "Integrations") into the platform: the SSE hub, the webhook dispatcher
 * with its outbox, integration clients for the broker, and the MQTT platform-namespace publisher.
 * Called by the composition root (app/platform.ts); the only place that joins notify/, broker and http.
 */
import type { Registry } from 'prom-client';
import type { Broker, IntegrationDirectory } from '../broker/index.js';
import type { IntegrationsPort, StreamPort, WebhooksPort } from '../http/index.js';
import type { EventBus } from '../kernel/bus.js';
import type { Clock } from '../kernel/clock.js';
import { SecretBox } from '../kernel/secrets.js';
import { migrate, type Database } from '../kernel/db/index.js';
import type { Logger } from '../kernel/logger.js';
import type { Lang } from '../kernel/i18n.js';
import {
  IntegrationStore,
  notifyMigrations,
  startMqttNotifier,
  StreamHub,
  WebhookDispatcher,
  WebhookStore,
  type RetryPolicy,
} from '../rules-engine/notify/index.js';

export interface NotificationsOptions {
  database: Database;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  metrics: Registry;
  /** The registry's credential key: integration passwords are hashed with it, like device secrets. */
  credentialKey: Buffer;
  /** District of a device, for presence and violation routing. */
  districtOf: (deviceId: string) => string | null;
  /** Language of alert messages where the reader names none: webhooks, and streams without Accept-Language. */
  lang?: Lang;
  stream?: { bufferSize?: number; heartbeatMs?: number; maxBufferedBytes?: number };
  webhooks?: { timeoutMs?: number; retry?: RetryPolicy; concurrency?: number };
}

export interface Notifications {
  /** For `createBroker({ integrations })`: authenticates `integration:` usernames. */
  readonly integrationDirectory: IntegrationDirectory;
  /** For `createHttpServer`: the stream, webhook and integration routes. */
  readonly http: { stream: StreamPort; webhooks: WebhooksPort; integrations: IntegrationsPort };
  readonly hub: StreamHub;
  readonly dispatcher: WebhookDispatcher;
  /** Starts publishing to `platform/...` and lets credential deletion close live integration sessions. */
  attachBroker(broker: Broker): void;
  /** Stops publishing to the broker (before it closes: nothing is published into a closed broker). */
  detachBroker(): void;
  /** Stops the stream, the publisher and the dispatcher (in-flight attempts finish first). */
  stop(): Promise<void>;
}

export async function startNotifications(opts: NotificationsOptions): Promise<Notifications> {
  const log = opts.log.child({ module: 'notify' });
  await migrate(opts.database, notifyMigrations);
  const hub = new StreamHub({ bus: opts.bus, clock: opts.clock, districtOf: opts.districtOf, metrics: opts.metrics, ...(opts.lang ? { lang: opts.lang } : {}), ...opts.stream });
  // Signing secrets encrypted at rest; rows from before encryption are sealed once, here (docs/security.md).
  const webhookStore = new WebhookStore(opts.database, new SecretBox(opts.credentialKey, 'webhook signing secret'));
  const sealed = await webhookStore.sealLegacySecrets();
  if (sealed > 0) log.info({ rows: sealed }, 'webhook signing secrets encrypted at rest');
  const dispatcher = new WebhookDispatcher({
    store: webhookStore,
    bus: opts.bus,
    clock: opts.clock,
    log,
    metrics: opts.metrics,
    ...(opts.lang ? { lang: opts.lang } : {}),
    ...opts.webhooks,
  });
  let broker: Broker | undefined;
  const integrations = new IntegrationStore(opts.database, opts.credentialKey, opts.clock, (username) => broker?.closeIntegration(username));
  let stopMqtt = (): void => {};
  hub.start();
  await dispatcher.start();

  return {
    integrationDirectory: { authenticate: (u, s) => integrations.authenticate(u, s) },
    http: {
      stream: hub,
      webhooks: dispatcher,
      integrations: {
        create: (name, districts) => integrations.create(name, districts ?? null),
        list: () => integrations.list(),
        delete: (name) => integrations.delete(name),
      },
    },
    hub,
    dispatcher,
    attachBroker(b) {
      broker = b;
      stopMqtt = startMqttNotifier({ bus: opts.bus, log, publisher: b, districtOf: opts.districtOf });
    },
    detachBroker() {
      stopMqtt();
      stopMqtt = () => {};
      broker = undefined;
    },
    async stop() {
      stopMqtt();
      hub.stop();
      await dispatcher.stop();
    },
  };
}
