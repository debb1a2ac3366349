/**
 * Drone-ops counters and gauges in the platform's Prometheus registry: patrol firings by outcome,
 * refused missions, the scheduler's availability (a lost or non-durable Redis) and what was rebuilt
 * from the store after Redis came back without it.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { JobScheduler } from '../drone-ops/scheduler/index.js';
import type { PatrolFiring, Reconciled } from '../drone-ops/service/index.js';
import type { EventBus } from '../kernel/bus.js';
import { metricOnce } from '../kernel/metrics.js';

export interface DroneOpsMetrics {
  patrolFired(e: PatrolFiring): void;
  rebuilt(what: Reconciled): void;
  /**
   * Follows the scheduler's availability, how late its timed jobs fire (`adapter`: bullmq or memory) and
   * the bus's refused missions; returns the unsubscribe.
   */
  watch(scheduler: JobScheduler, bus: EventBus, adapter?: string): () => void;
}

export function droneOpsMetrics(registry: Registry): DroneOpsMetrics {
  const firings = metricOnce(registry, 'citybrain_drone_patrol_firings_total', () => new Counter({ name: 'citybrain_drone_patrol_firings_total', help: 'Patrol firings by outcome (scheduled, refused, failed) and reason', labelNames: ['outcome', 'reason'] as const, registers: [registry] }));
  const refused = metricOnce(registry, 'citybrain_drone_missions_refused_total', () => new Counter({ name: 'citybrain_drone_missions_refused_total', help: 'Missions that ended refused (could not be scheduled), by kind', labelNames: ['kind'] as const, registers: [registry] }));
  const up = metricOnce(registry, 'citybrain_drone_scheduler_up', () => new Gauge({ name: 'citybrain_drone_scheduler_up', help: '1 when the job scheduler can take and run jobs; 0 while its Redis is down or not durable', registers: [registry] }));
  const down = metricOnce(registry, 'citybrain_drone_scheduler_unavailable_total', () => new Counter({ name: 'citybrain_drone_scheduler_unavailable_total', help: 'Times the scheduler became unavailable, by code (SCHEDULER_UNAVAILABLE, REDIS_NOT_DURABLE)', labelNames: ['code'] as const, registers: [registry] }));
  const rebuilt = metricOnce(registry, 'citybrain_drone_schedules_rebuilt_total', () => new Counter({ name: 'citybrain_drone_schedules_rebuilt_total', help: 'Schedules, launch jobs and intents rebuilt from the store (or orphans removed), by what', labelNames: ['what'] as const, registers: [registry] }));
  // A timed job fires this long after its runAt: queue wait, a busy event loop, a Redis round trip.
  const lag = metricOnce(registry, 'citybrain_scheduler_lag_seconds', () => new Histogram({ name: 'citybrain_scheduler_lag_seconds', help: 'How late timed jobs fire after their scheduled time, by job kind and scheduler (bullmq, memory)', labelNames: ['kind', 'scheduler'] as const, buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry] }));
  const late = metricOnce(registry, 'citybrain_scheduler_late_total', () => new Counter({ name: 'citybrain_scheduler_late_total', help: 'Timed jobs not started within the late bound (failed LATE), by job kind and scheduler', labelNames: ['kind', 'scheduler'] as const, registers: [registry] }));
  return {
    patrolFired: (e) => {
      // Refusal reasons are a closed set; failure reasons are free text, so only LATE keeps its name.
      const reason = e.outcome === 'failed' ? (e.reason === 'LATE' ? 'LATE' : 'error') : (e.reason ?? '');
      firings.inc({ outcome: e.outcome, reason });
    },
    rebuilt: (what) => {
      for (const [k, ids] of Object.entries(what)) if (ids.length > 0) rebuilt.inc({ what: k }, ids.length);
    },
    watch: (scheduler, bus, adapter = 'memory') => {
      up.set(scheduler.health().ok ? 1 : 0);
      const offs = [
        scheduler.on('fired', (e) => {
          if (e.latenessMs !== undefined) lag.observe({ kind: e.kind, scheduler: adapter }, Math.max(0, e.latenessMs) / 1000);
        }),
        scheduler.on('late', (e) => late.inc({ kind: e.kind, scheduler: adapter })),
        scheduler.on('unavailable', (e) => {
          up.set(0);
          down.inc({ code: e.code });
        }),
        scheduler.on('available', () => up.set(1)),
        bus.on('missionChanged', (c) => {
          if (c.to === 'refused') refused.inc({ kind: c.kind });
        }),
      ];
      return () => offs.forEach((off) => off());
    },
  };
}
