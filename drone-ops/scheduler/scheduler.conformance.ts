/**
 * The JobScheduler conformance suite (style.md: one suite per port, run against every adapter).
 * `make` returns a fresh, isolated scheduler (its own key prefix for Redis); the suite closes it.
 * Tests wait on the scheduler's own events, never on blind sleeps; handlers simulate work briefly.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { isAppError } from '../../kernel/errors.js';
import { LATE, NO_HANDLER, RetryLater, type JobScheduler, type SchedulerEvents, type SchedulerOptions } from './scheduler.js';

export type MakeScheduler = (opts?: SchedulerOptions) => Promise<JobScheduler>;

/** Resolves with the next event matching `pred`; rejects after `timeoutMs` naming what it waited for. */
export function nextEvent<K extends keyof SchedulerEvents>(
  s: JobScheduler,
  event: K,
  pred: (e: SchedulerEvents[K]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<SchedulerEvents[K]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error(`no '${String(event)}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = s.on(event, (e) => {
      if (!pred(e)) return;
      clearTimeout(t);
      off();
      resolve(e);
    });
  });
}

/** A promise with its resolver, to hold a handler until the test lets it go. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

const idOf = (id: string) => (e: { id: string }) => e.id === id;

/** Inside a `describe`: `create` makes a scheduler from `make`, and every one made is closed after each test. */
export function schedulerHarness(make: MakeScheduler): (opts?: SchedulerOptions) => Promise<JobScheduler> {
  const open: JobScheduler[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return async (opts?: SchedulerOptions) => {
    const s = await make(opts);
    open.push(s);
    return s;
  };
}

export function describeJobScheduler(name: string, make: MakeScheduler): void {
  describe(`JobScheduler: ${name}`, () => {
    const create = schedulerHarness(make);

    it('runs an immediate job and reports it completed with its result', async () => {
      const s = await create();
      s.process('ping', (job) => Promise.resolve({ echo: job.payload }));
      await s.start();
      const done = nextEvent(s, 'completed', idOf('j1'));
      expect(await s.schedule({ id: 'j1', kind: 'ping', payload: { n: 1 } })).toEqual({ id: 'j1', created: true });
      expect((await done).result).toEqual({ echo: { n: 1 } });
      const info = await s.get('j1');
      expect(info).toMatchObject({ state: 'completed', attempts: 1, kind: 'ping', payload: { n: 1 }, result: { echo: { n: 1 } } });
      expect(await s.get('nope')).toBeUndefined();
    });

    it('holds a timed job until its time, then reports its lateness', async () => {
      const s = await create();
      s.process('patrol', () => Promise.resolve());
      await s.start();
      const runAt = Date.now() + 400;
      const fired = nextEvent(s, 'fired', idOf('t1'));
      await s.schedule({ id: 't1', kind: 'patrol', payload: null, runAt });
      expect((await s.get('t1'))?.state).toBe('delayed');
      const e = await fired;
      expect(e.firedAt).toBeGreaterThanOrEqual(runAt);
      expect(e.latenessMs).toBeLessThan(5_000);
      await waitState(s, 't1', 'completed');
      const info = await s.get('t1');
      expect(info?.runAt).toBe(runAt);
      expect(info?.latenessMs).toBeGreaterThanOrEqual(0);
    });

    it('runs higher priorities first (emergency before patrol)', async () => {
      const s = await create({ concurrency: 1 });
      const order: string[] = [];
      s.process('task', (job) => {
        order.push(job.id);
        return Promise.resolve();
      });
      await s.schedule({ id: 'low', kind: 'task', payload: null, priority: 1 });
      await s.schedule({ id: 'high', kind: 'task', payload: null, priority: 100 });
      await s.schedule({ id: 'mid', kind: 'task', payload: null, priority: 50 });
      const last = nextEvent(s, 'completed', idOf('low'));
      await s.start();
      await last;
      expect(order).toEqual(['high', 'mid', 'low']);
    });

    it('accepts ids with ":" and "%" (the drone-ops service schedules `mission:<id>`, `patrol:<id>`)', async () => {
      const s = await create();
      s.process('ping', () => Promise.resolve('ok'));
      s.process('tick', () => Promise.resolve());
      await s.start();
      const id = 'mission:m-7:%3A';
      const done = nextEvent(s, 'completed', idOf(id));
      expect(await s.schedule({ id, kind: 'ping', payload: null })).toEqual({ id, created: true });
      expect((await done).id).toBe(id);
      expect(await s.get(id)).toMatchObject({ id, state: 'completed' });
      const later = 'mission:m-8';
      await s.schedule({ id: later, kind: 'ping', payload: null, runAt: Date.now() + 60_000 });
      expect(await s.cancel(later)).toBe(true);
      expect(await s.get(later)).toMatchObject({ id: later, state: 'cancelled' });
      const info = await s.scheduleRecurring('patrol:p:1', { everyMs: 60_000 }, { kind: 'tick', payload: null });
      expect(info.id).toBe('patrol:p:1');
      expect((await s.listRecurring()).map((r) => r.id)).toEqual(['patrol:p:1']);
      expect(await s.removeRecurring('patrol:p:1')).toBe(true);
    });

    it('fires a recurring job every N ms, and stops after removeRecurring', async () => {
      const s = await create();
      const seen: string[] = [];
      s.process('tick', (job) => {
        expect(job.recurringId).toBe('r1');
        seen.push(job.id);
        return Promise.resolve();
      });
      await s.start();
      const two = nextEvent(s, 'completed', () => seen.length >= 2);
      const info = await s.scheduleRecurring('r1', { everyMs: 150 }, { kind: 'tick', payload: { dock: 'd1' } });
      expect(info).toMatchObject({ id: 'r1', everyMs: 150 });
      await two;
      expect(new Set(seen).size).toBe(seen.length);
      expect(await s.removeRecurring('r1')).toBe(true);
      expect(await s.removeRecurring('r1')).toBe(false);
      expect(await s.listRecurring()).toEqual([]);
    });

    it('computes cron firings in the time zone (Asia/Shanghai by default) and runs second-level crons', async () => {
      const s = await create();
      s.process('tick', () => Promise.resolve());
      s.process('tick-s', () => Promise.resolve());
      await s.start();
      const now = Date.now();
      await s.scheduleRecurring('sh', { cron: '0 0 9 * * *' }, { kind: 'tick', payload: null });
      await s.scheduleRecurring('utc', { cron: '0 0 9 * * *', tz: 'UTC' }, { kind: 'tick', payload: null });
      const list = await s.listRecurring();
      const sh = list.find((r) => r.id === 'sh');
      const utc = list.find((r) => r.id === 'utc');
      expect(sh).toMatchObject({ cron: '0 0 9 * * *', tz: 'Asia/Shanghai' });
      // 09:00 in Shanghai (UTC+8, no DST) is 01:00 UTC.
      expect(new Date(sh?.nextRunAt ?? 0).getUTCHours()).toBe(1);
      expect(new Date(utc?.nextRunAt ?? 0).getUTCHours()).toBe(9);
      for (const r of [sh, utc]) {
        expect(r?.nextRunAt).toBeGreaterThan(now);
        expect((r?.nextRunAt ?? Infinity) - now).toBeLessThanOrEqual(86_400_000);
      }
      const fired = nextEvent(s, 'completed', (e) => e.kind === 'tick-s');
      await s.scheduleRecurring('every-second', { cron: '* * * * * *', tz: 'Asia/Shanghai' }, { kind: 'tick-s', payload: null });
      await fired;
      await expect(s.scheduleRecurring('bad', { cron: 'not a cron' }, { kind: 'tick', payload: null })).rejects.toSatisfy(
        (e) => isAppError(e) && e.code === 'VALIDATION_FAILED',
      );
      await expect(s.scheduleRecurring('bad', { cron: '* * * * *', tz: 'Mars/Olympus' }, { kind: 'tick', payload: null })).rejects.toSatisfy(
        (e) => isAppError(e) && e.code === 'VALIDATION_FAILED',
      );
    });

    it('retries after RetryLater (dock busy) with its delay, counting attempts', async () => {
      const s = await create();
      s.process('launch', (job) => (job.attempt < 3 ? Promise.reject(new RetryLater('dock busy', 50)) : Promise.resolve('up')));
      await s.start();
      const retries: string[] = [];
      s.on('retrying', (e) => retries.push(e.reason));
      const done = nextEvent(s, 'completed', idOf('rl'));
      await s.schedule({ id: 'rl', kind: 'launch', payload: null, attempts: 5, backoffMs: 60_000 });
      expect((await done).attempts).toBe(3);
      expect(retries).toEqual(['dock busy', 'dock busy']);
      expect(await s.get('rl')).toMatchObject({ state: 'completed', attempts: 3, maxAttempts: 5, lastError: 'dock busy', result: 'up' });
    });

    it('retries a throwing handler with exponential backoff, then fails visibly', async () => {
      const s = await create();
      const starts: number[] = [];
      s.process('flaky', () => {
        starts.push(Date.now());
        return Promise.reject(new Error('boom'));
      });
      await s.start();
      const failed = nextEvent(s, 'failed', idOf('fx'));
      await s.schedule({ id: 'fx', kind: 'flaky', payload: null, attempts: 3, backoffMs: 100 });
      expect(await failed).toMatchObject({ attempts: 3, reason: 'boom' });
      const [a = 0, b = 0, c = 0] = starts;
      expect(starts).toHaveLength(3);
      expect(b - a).toBeGreaterThanOrEqual(95); // 100 · 2^0
      expect(c - b).toBeGreaterThanOrEqual(195); // 100 · 2^1
      expect(await s.get('fx')).toMatchObject({ state: 'failed', attempts: 3, lastError: 'boom' });
    });

    it('never runs two jobs with the same exclusive key at once (per-dock exclusivity)', async () => {
      const s = await create({ concurrency: 4 });
      const spans = new Map<string, { start: number; end: number }>();
      s.process('mission', async (job) => {
        const start = Date.now();
        await delay(150); // the flight
        spans.set(job.id, { start, end: Date.now() });
      });
      await s.start();
      const all = Promise.all(['a', 'b', 'c'].map((id) => nextEvent(s, 'completed', idOf(id))));
      await s.schedule({ id: 'a', kind: 'mission', payload: null, exclusiveKey: 'dock-1' });
      await s.schedule({ id: 'b', kind: 'mission', payload: null, exclusiveKey: 'dock-1' });
      await s.schedule({ id: 'c', kind: 'mission', payload: null, exclusiveKey: 'dock-2' });
      await all;
      const [a, b, c] = ['a', 'b', 'c'].map((id) => spans.get(id) ?? { start: 0, end: 0 }) as [Span, Span, Span];
      expect(a.end <= b.start || b.end <= a.start).toBe(true);
      // another dock is not blocked: c overlapped the first dock-1 mission
      const first = a.start < b.start ? a : b;
      expect(c.start).toBeLessThan(first.end);
    });

    it('cancels a job that has not started; it never fires and its id stays taken', async () => {
      const s = await create();
      const ran: string[] = [];
      s.process('task', (job) => {
        ran.push(job.id);
        return Promise.resolve();
      });
      await s.start();
      const now = Date.now();
      await s.schedule({ id: 'x', kind: 'task', payload: null, runAt: now + 300 });
      expect(await s.cancel('x')).toBe(true);
      expect(await s.cancel('x')).toBe(false);
      expect(await s.cancel('unknown')).toBe(false);
      expect((await s.get('x'))?.state).toBe('cancelled');
      expect(await s.schedule({ id: 'x', kind: 'task', payload: null })).toEqual({ id: 'x', created: false });
      const sentinel = nextEvent(s, 'completed', idOf('after'));
      await s.schedule({ id: 'after', kind: 'task', payload: null, runAt: now + 500 });
      await sentinel;
      expect(ran).toEqual(['after']);
    });

    it('launches a job once when the same id is scheduled twice (no double launch)', async () => {
      const s = await create();
      let runs = 0;
      s.process('dispatch', () => {
        runs += 1;
        return Promise.resolve();
      });
      await s.start();
      const spec = { id: 'dup', kind: 'dispatch', payload: { alert: 'A1' }, runAt: Date.now() + 100 };
      const done = nextEvent(s, 'completed', idOf('dup'));
      const results = await Promise.all([s.schedule(spec), s.schedule(spec)]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      await done;
      expect(await s.schedule(spec)).toEqual({ id: 'dup', created: false });
      const sentinel = nextEvent(s, 'completed', idOf('sentinel'));
      await s.schedule({ id: 'sentinel', kind: 'dispatch', payload: null, runAt: Date.now() + 200 });
      await sentinel;
      expect(runs).toBe(2); // dup once + sentinel
    });

    it('fails a timed job visibly with LATE when it cannot start in time', async () => {
      const s = await create({ lateAfterMs: 300 });
      const ran: string[] = [];
      const hold = gate();
      s.process('mission', async (job) => {
        ran.push(job.id);
        if (job.id === 'holder') await hold.wait;
      });
      await s.start();
      // missed while nobody was running it
      const lateEvt = nextEvent(s, 'late', idOf('stale'));
      const staleFailed = nextEvent(s, 'failed', idOf('stale'));
      await s.schedule({ id: 'stale', kind: 'mission', payload: null, runAt: Date.now() - 5_000 });
      expect((await lateEvt).latenessMs).toBeGreaterThanOrEqual(5_000);
      expect((await staleFailed).reason).toBe(LATE);
      // waiting for a busy dock past its deadline
      const holding = nextEvent(s, 'fired', idOf('holder'));
      await s.schedule({ id: 'holder', kind: 'mission', payload: null, exclusiveKey: 'dock-9' });
      await holding;
      const waitFailed = nextEvent(s, 'failed', idOf('waiter'));
      await s.schedule({ id: 'waiter', kind: 'mission', payload: null, runAt: Date.now(), exclusiveKey: 'dock-9' });
      expect((await waitFailed).reason).toBe(LATE);
      hold.open();
      await waitState(s, 'holder', 'completed');
      expect(ran).toEqual(['holder']);
      expect(await s.get('waiter')).toMatchObject({ state: 'failed', lastError: LATE });
    });

    it('fails a job of a kind without a handler, and rejects invalid specs', async () => {
      const s = await create();
      await s.start();
      const failed = nextEvent(s, 'failed', idOf('orphan'));
      await s.schedule({ id: 'orphan', kind: 'unknown-kind', payload: null, attempts: 1 });
      expect((await failed).reason).toBe(NO_HANDLER);
      await expect(s.schedule({ id: '', kind: 'x', payload: null })).rejects.toSatisfy((e) => isAppError(e) && e.code === 'VALIDATION_FAILED');
      await expect(s.schedule({ id: 'p', kind: 'x', payload: null, priority: 1.5 })).rejects.toSatisfy(
        (e) => isAppError(e) && e.code === 'VALIDATION_FAILED',
      );
    });

    it('close() waits for a running handler', async () => {
      const s = await create();
      const hold = gate();
      let finished = false;
      s.process('slow', async () => {
        await hold.wait;
        finished = true;
      });
      await s.start();
      const fired = nextEvent(s, 'fired', idOf('slow1'));
      await s.schedule({ id: 'slow1', kind: 'slow', payload: null });
      await fired;
      let closed = false;
      const closing = s.close().then(() => (closed = true));
      await delay(50); // give close() the chance to return early if it does not wait
      expect(closed).toBe(false);
      hold.open();
      await closing;
      expect(finished).toBe(true);
    });
  });
}

type Span = { start: number; end: number };

/** Waits until the job reaches `state` (a `completed` event may precede the stored state). */
async function waitState(s: JobScheduler, id: string, state: string): Promise<void> {
  await vi.waitFor(async () => expect((await s.get(id))?.state).toBe(state), { timeout: 10_000, interval: 20 });
}
