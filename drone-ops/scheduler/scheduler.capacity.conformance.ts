/**
 * Capacity part of the JobScheduler conformance suite (run against both adapters): a fleet launches as
 * many jobs at once as it has docks, and an emergency never waits behind patrols — slots are held back
 * for urgent priorities (drone-ops.md "Alert-triggered dispatch ... with a higher priority than patrols").
 */
import { describe, expect, it, vi } from 'vitest';
import { PRIORITY } from './scheduler.js';
import { gate, nextEvent, schedulerHarness, type MakeScheduler } from './scheduler.conformance.js';

export function describeSchedulerCapacity(name: string, make: MakeScheduler): void {
  describe(`JobScheduler capacity: ${name}`, () => {
    const create = schedulerHarness(make);

    it('runs 56 dock jobs at once with the default concurrency (one per dock, none waits for another dock)', async () => {
      const s = await create();
      const hold = gate();
      let running = 0;
      let peak = 0;
      s.process('mission.launch', async () => {
        running += 1;
        peak = Math.max(peak, running);
        await hold.wait;
        running -= 1;
      });
      await s.start();
      for (let i = 0; i < 56; i++) await s.schedule({ id: `launch-${i}`, kind: 'mission.launch', payload: null, priority: PRIORITY.patrol, exclusiveKey: `dock-${i}` });
      await vi.waitFor(() => expect(running).toBe(56), { timeout: 30_000, interval: 50 });
      expect(peak).toBe(56);
      hold.open();
      await vi.waitFor(() => expect(running).toBe(0), { timeout: 30_000, interval: 50 });
    });

    it('keeps urgent slots free: an emergency starts while patrols fill every ordinary slot', async () => {
      const s = await create({ concurrency: 3, urgentSlots: 1 });
      const hold = gate();
      const started: string[] = [];
      let patrolsRunning = 0;
      let patrolPeak = 0;
      s.process('task', async (job) => {
        started.push(job.id);
        if (job.id.startsWith('patrol')) {
          patrolsRunning += 1;
          patrolPeak = Math.max(patrolPeak, patrolsRunning);
          await hold.wait;
          patrolsRunning -= 1;
        }
      });
      await s.start();
      for (let i = 0; i < 5; i++) await s.schedule({ id: `patrol-${i}`, kind: 'task', payload: null, priority: PRIORITY.patrol });
      await vi.waitFor(() => expect(patrolsRunning).toBe(2), { timeout: 10_000, interval: 20 });
      const emergency = nextEvent(s, 'completed', (e) => e.id === 'emergency');
      await s.schedule({ id: 'emergency', kind: 'task', payload: null, priority: PRIORITY.emergency });
      await emergency; // while two patrols still hold their slots and three wait
      expect(started.filter((id) => id.startsWith('patrol'))).toHaveLength(2);
      const last = Promise.all([0, 1, 2, 3, 4].map((i) => nextEvent(s, 'completed', (e) => e.id === `patrol-${i}`, 20_000)));
      hold.open();
      await last;
      expect(patrolPeak).toBe(2);
    });
  });
}
