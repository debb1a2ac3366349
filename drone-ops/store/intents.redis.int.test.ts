import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../test/servers/redis.js';
import type { Intent } from '../deconfliction.js';
import { PRIORITY } from '../deconfliction.js';
import { DEFAULT_DRONE_TYPE } from '../service/registry.js';
import { makeHarness, type Harness } from '../service/testing.js';
import { ll, squareM } from '../testing/fixtures.js';
import { describeIntentRegistry } from './intents.conformance.js';
import { RedisIntentRegistry } from './intents.redis.js';

let redis: RedisServer;
let n = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

// The port's conformance suite against real Redis: each test its own key prefix; a "restart" is a new
// registry (new connection) on the same prefix.
describeIntentRegistry('RedisIntentRegistry on real Redis', () => {
  const prefix = `conf${n++}`;
  const made = [new RedisIntentRegistry({ url: redis.url, prefix })];
  return Promise.resolve({
    registry: made[0] as RedisIntentRegistry,
    reopen: () => {
      const r = new RedisIntentRegistry({ url: redis.url, prefix });
      made.push(r);
      return Promise.resolve(r);
    },
    async close() {
      for (const r of made) await r.close();
    },
  });
});

const T = Date.now() + 3_600_000;
const intent = (id: string, x: number, priority: number = PRIORITY.patrol): Intent => ({
  id,
  owner: id,
  priority,
  volumes: [{ footprint: squareM(x, 0, 200), floorM: 0, ceilingM: 100, startMs: T, endMs: T + 600_000 }],
});

describe('RedisIntentRegistry: atomic check-and-commit across processes', () => {
  it('two registries on one Redis racing for the same airspace: exactly one wins, every round', async () => {
    const prefix = `race${n++}`;
    const a = new RedisIntentRegistry({ url: redis.url, prefix });
    const b = new RedisIntentRegistry({ url: redis.url, prefix });
    try {
      for (let round = 0; round < 25; round++) {
        // each round its own patch of sky, 1 km apart, so rounds do not see each other
        const x = round * 1000;
        const [ra, rb] = await Promise.all([a.checkAndCommit(intent(`a${round}`, x), Date.now()), b.checkAndCommit(intent(`b${round}`, x + 100), Date.now())]);
        expect([ra.ok, rb.ok].filter(Boolean)).toHaveLength(1);
        const loser = ra.ok ? rb : ra;
        if (loser.ok) throw new Error('unreachable');
        expect(loser.conflictsWith.map((c) => c.id)).toEqual([ra.ok ? `a${round}` : `b${round}`]);
        expect(loser.nextFreeSlot).toBe(T + 600_000);
      }
      expect(await a.list(Date.now())).toHaveLength(25);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('pre-empts a lower priority across processes, removes, and ignores expired intents', async () => {
    const prefix = `pre${n++}`;
    const a = new RedisIntentRegistry({ url: redis.url, prefix });
    const b = new RedisIntentRegistry({ url: redis.url, prefix });
    try {
      expect(await a.checkAndCommit(intent('patrol', 0), Date.now())).toEqual({ ok: true, preempted: [] });
      const r = await b.checkAndCommit(intent('emergency', 50, PRIORITY.emergency), Date.now());
      expect(r).toMatchObject({ ok: true, preempted: [{ id: 'patrol' }] });
      expect((await a.list(Date.now())).map((i) => i.id)).toEqual(['emergency']);
      // after its end the intent no longer blocks
      expect((await a.checkAndCommit(intent('later', 0), T + 600_000)).ok).toBe(true);
      expect(await b.remove('later')).toBe(true);
      expect(await b.remove('later')).toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('two services on one Redis scheduling the same airspace: one mission scheduled, the other refused naming it', async () => {
    const prefix = `svc${n++}`;
    const hs: Harness[] = [];
    try {
      for (let i = 0; i < 2; i++) hs.push(await makeHarness({ intents: new RedisIntentRegistry({ url: redis.url, prefix }) }));
      const [h1, h2] = hs as [Harness, Harness];
      for (const [h, id, y] of [[h1, 'dA', 0], [h2, 'dB', 150]] as const) {
        await h.service.registerDock({ id, location: ll(0, y) });
        await h.service.registerDrone({ id: `${id}-u`, typeId: DEFAULT_DRONE_TYPE.id, dockId: id });
      }
      const line = { type: 'LineString' as const, coordinates: [ll(100, 50), ll(900, 50)].map((p) => [p.lon, p.lat]) };
      const pattern = { kind: 'corridor' as const, line, widthM: 40, spacingM: 20, altM: 60 };
      const [r1, r2] = await Promise.all([h1.service.planAndSchedule({ dockId: 'dA', pattern }, { at: T }), h2.service.planAndSchedule({ dockId: 'dB', pattern }, { at: T })]);
      expect([r1.ok, r2.ok].filter(Boolean)).toHaveLength(1);
      const [win, lose] = r1.ok ? [r1, r2] : [r2, r1];
      if (!win.ok || lose.ok || lose.reason !== 'conflict') throw new Error('expected one winner and one conflict');
      expect(lose.conflictsWith[0]?.missionId).toBe(win.missions[0]?.id);
    } finally {
      for (const h of hs) await h.close();
    }
  });
});
