/** HTTP metrics in the Prometheus registry the composition root passes in. */
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';
import { metricOnce } from '../kernel/metrics.js';

export const REQUESTS_TOTAL = 'citybrain_http_requests_total';
export const REQUEST_DURATION = 'citybrain_http_request_duration_seconds';

const LABELS = ['method', 'route', 'status'] as const;
type Label = (typeof LABELS)[number];

/** Reuses metrics already in the registry, so two servers on one registry (tests, restarts) do not clash. */
function counter(registry: Registry): Counter<Label> {
  return metricOnce(registry, REQUESTS_TOTAL, () => new Counter({ name: REQUESTS_TOTAL, help: 'HTTP requests by route template and status', labelNames: LABELS, registers: [registry] }));
}

function histogram(registry: Registry): Histogram<Label> {
  return metricOnce(registry, REQUEST_DURATION, () => new Histogram({
    name: REQUEST_DURATION,
    help: 'HTTP request duration by route template and status',
    labelNames: LABELS,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }));
}

export function installHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const total = counter(registry);
  const duration = histogram(registry);
  app.addHook('onResponse', async (req, reply) => {
    // The route template (`/api/v1/devices/:id`), never the raw URL: label cardinality stays bounded.
    // Unmatched URLs (404s, scanners) share one label.
    const route = req.routeOptions.url ?? 'unmatched';
    const labels = { method: req.method, route, status: String(reply.statusCode) };
    total.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
}

export const AUDIT_FAILURES = 'citybrain_audit_write_failures_total';

/** Audit entries the store refused (each one is also logged with the request it belongs to). */
export function auditFailureCounter(registry: Registry): Counter {
  return metricOnce(registry, AUDIT_FAILURES, () => new Counter({ name: AUDIT_FAILURES, help: 'Audit entries that could not be written', registers: [registry] }));
}

export const HTTP_ERRORS = 'citybrain_http_errors_total';

/** Error answers by code (docs/errors.md), so a dashboard tells a bad file from a missing route. */
export function httpErrorCounter(registry: Registry): (code: string) => void {
  const c = metricOnce(registry, HTTP_ERRORS, () => new Counter({ name: HTTP_ERRORS, help: 'HTTP error answers by error code', labelNames: ['code'] as const, registers: [registry] }));
  return (code) => c.inc({ code });
}
