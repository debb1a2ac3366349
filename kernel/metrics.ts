/** Prometheus helpers shared by every module that registers metrics in the platform's registry. */
import type { Registry } from 'prom-client';

/**
 * The metric already registered under `name`, else the one `make` creates (and registers): two servers or
 * services on one registry (tests, restarts) share a metric instead of clashing on its name.
 */
export function metricOnce<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
