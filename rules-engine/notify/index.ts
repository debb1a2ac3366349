/**
 * Notifications (issue #3 "Integrations"): the SSE stream hub, signed webhooks with a durable outbox,
 * and the MQTT platform namespace for read-only integration clients. Routes bus events only; no rules.
 */
export { StreamHub, STREAM_EVENT_TYPES, type StreamEventType, type StreamFilter, type StreamHubOptions, type StreamSink } from './stream-hub.js';
export { WebhookDispatcher, type WebhookDispatcherOptions, type WebhookCreate, type ReceiverView, type Outcome } from './webhook-dispatcher.js';
export { WebhookStore, type Receiver, type DeliveryRow, type DeliveryStatus } from './webhook-store.js';
export { IntegrationStore, INTEGRATION_USERNAME_PREFIX, type Integration } from './integrations.js';
export { startMqttNotifier, type PlatformPublisher, type MqttNotifierOptions } from './mqtt-publisher.js';
export { notifyMigrations } from './migrations.js';
export { DEFAULT_RETRY, type RetryPolicy } from './delivery-policy.js';
export { signPayload, verifySignature, SIGNATURE_HEADER, TIMESTAMP_HEADER, EVENT_HEADER, DELIVERY_HEADER } from './signing.js';
export { SEVERITIES, severityRank, alertDistrict, platformTopics, type NoticeFilter } from './routing.js';
