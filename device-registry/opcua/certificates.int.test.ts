/**
 * Station certificates under the operator's control, over real Sign / SignAndEncrypt connections on loopback.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../kernel/bus.js';
import { systemClock } from '../../kernel/clock.js';
import { silentLogger } from '../../kernel/logger.js';
import { HEAT_STATION_MAPPING, HeatStation } from '../../simulators/opcua/index.js';
import { OpcuaCollector } from './collector.js';
import { normalizeSource } from './source.js';

const DEVICE = { id: 'heat-sec', kind: 'heat', district: null, asset: null };
const dir = mkdtempSync(join(tmpdir(), 'cb-opcua-cert-'));
const pkiDir = join(dir, 'client-pki');
let station: HeatStation;
let collector: OpcuaCollector | undefined;

function start(trustOnFirstUse: boolean) {
  const bus = new EventBus();
  let readings = 0;
  bus.on('reading', () => void readings++);
  collector = new OpcuaCollector({
    bus, clock: systemClock, log: silentLogger(), devices: { lookup: (id) => (id === DEVICE.id ? DEVICE : undefined) },
    sink: { write: async () => {} }, pkiDir, trustOnFirstUse, retry: { initialDelayMs: 100, maxDelayMs: 400 },
  });
  return { c: collector, readings: () => readings };
}

const source = () =>
  normalizeSource({ deviceId: DEVICE.id, endpoint: station.endpoint, securityMode: 'Sign', securityPolicy: 'Basic256Sha256', samplingMs: 100, publishingMs: 100, mapping: HEAT_STATION_MAPPING }, 'sec', 1, 1);

beforeAll(async () => {
  station = new HeatStation({ seed: 2, tickMs: 200, pkiDir: join(dir, 'station'), secure: true });
  await station.start({ port: 0 });
}, 60_000);

afterEach(async () => {
  await collector?.stop();
  collector = undefined;
});

afterAll(async () => {
  await station.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('station certificates', () => {
  it('trusts on first use when enabled; a certificate the operator rejects stays rejected, across retries and restarts, and the source says why', async () => {
    const first = start(true);
    await first.c.apply(source());
    await vi.waitFor(() => expect(first.readings()).toBeGreaterThanOrEqual(1), { timeout: 30_000, interval: 50 });
    const [enrolled] = await first.c.certificates();
    expect(enrolled).toMatchObject({ state: 'trusted', decidedBy: 'first-use' });
    expect(enrolled!.subject).toMatch(/CN=/);

    const rejected = await first.c.decide(enrolled!.thumbprint, 'reject');
    expect(rejected).toMatchObject({ state: 'rejected', decidedBy: 'operator' });
    await first.c.apply(source()); // reconnect now: the rejected certificate must not be trusted again
    await vi.waitFor(() => expect(first.c.status('sec')!.attempt).toBeGreaterThanOrEqual(3), { timeout: 30_000, interval: 50 });
    const st = first.c.status('sec')!;
    expect(st.state).toBe('failed');
    expect(st.lastError).toContain(`OPCUA_CERTIFICATE_UNTRUSTED: the station certificate ${enrolled!.thumbprint} was rejected by an operator`);
    expect(st.certificate).toEqual({ thumbprint: enrolled!.thumbprint, trust: 'rejected' });
    expect((await first.c.certificates()).map((c) => c.state)).toEqual(['rejected']);
    expect(existsSync(join(pkiDir, 'trusted', 'certs')) ? readdirSync(join(pkiDir, 'trusted', 'certs')) : []).toEqual([]);
    await first.c.stop();

    // A restart with the same PKI and trust on first use still on: still rejected.
    const again = start(true);
    await again.c.apply(source());
    await vi.waitFor(() => expect(again.c.status('sec')!.attempt).toBeGreaterThanOrEqual(2), { timeout: 30_000, interval: 50 });
    expect(again.readings()).toBe(0);
    expect((await again.c.certificates())[0]).toMatchObject({ thumbprint: enrolled!.thumbprint, state: 'rejected' });

    // The operator changes their mind: trusted, and the source connects without waiting for its backoff.
    await again.c.decide(enrolled!.thumbprint, 'trust');
    await vi.waitFor(() => expect(again.readings()).toBeGreaterThanOrEqual(1), { timeout: 30_000, interval: 50 });
    expect(again.c.status('sec')!).toMatchObject({ state: 'connected', lastError: null, certificate: { trust: 'trusted' } });
  }, 120_000);

  it('refuses to act on an unknown thumbprint', async () => {
    const { c } = start(false);
    await expect(c.decide('00'.repeat(20), 'trust')).rejects.toMatchObject({ code: 'OPCUA_CERTIFICATE_NOT_FOUND' });
  });
});
