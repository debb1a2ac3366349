/** Scheduler lag metrics, for either JobScheduler adapter (the in-process one in the unit run, BullMQ on Redis in the integration run). */
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobScheduler, SchedulerOptions } from '../drone-ops/scheduler/index.js';
import { EventBus } from '../kernel/bus.js';
import { droneOpsMetrics } from './drone-ops-metrics.js';

export function describeSchedulerLag(adapter: string, make: (opts: SchedulerOptions) => JobScheduler): void {
  describe(`scheduler lag metrics: ${adapter}`, () => {
    let scheduler: JobScheduler | undefined;
    afterEach(async () => {
      await scheduler?.close();
    });

    it('observes how late each timed job fires, and counts the ones too late to run', async () => {
      const registry = new Registry();
      scheduler = make({ lateAfterMs: 30_000 });
      const ran: string[] = [];
      scheduler.process('patrol', async (job) => {
        ran.push(job.id);
      });
      droneOpsMetrics(registry).watch(scheduler, new EventBus(), adapter);
      await scheduler.start();
      const now = Date.now();
      await scheduler.schedule({ id: 'soon', kind: 'patrol', runAt: now + 20, payload: {} });
      await scheduler.schedule({ id: 'now', kind: 'patrol', payload: {} });
      await scheduler.schedule({ id: 'stale', kind: 'patrol', runAt: now - 60_000, payload: {} });
      await vi.waitFor(() => expect([...ran].sort()).toEqual(['now', 'soon']), { timeout: 20_000 });
      await vi.waitFor(async () => expect(await registry.getSingleMetricAsString('citybrain_scheduler_late_total')).toMatch(new RegExp(`\\{kind="patrol",scheduler="${adapter}"\\} 1`)), { timeout: 20_000 });
      // Only the timed job that ran has a lateness; an immediate one has no scheduled time.
      const lag = await registry.getSingleMetricAsString('citybrain_scheduler_lag_seconds');
      expect(lag).toContain(`citybrain_scheduler_lag_seconds_count{kind="patrol",scheduler="${adapter}"} 1`);
      expect(lag).toContain(`citybrain_scheduler_lag_seconds_bucket{le="60",kind="patrol",scheduler="${adapter}"} 1`);
    });
  });
}
