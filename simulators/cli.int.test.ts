/** `citybrain sim sensors` and `citybrain sim device` end to end against an in-process platform. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../app/platform.js';
import { api, bootPlatform, provision, TOKEN } from '../test/e2e/helpers.js';
import { runSimCli } from './cli.js';

let p: Platform;
let mqttUrl: string;
beforeAll(async () => {
  p = await bootPlatform();
  mqttUrl = `mqtt://127.0.0.1:${p.mqtt.tcpPort}`;
});
afterAll(async () => {
  await p?.stop();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), env: { CITYBRAIN_ADMIN_TOKEN: TOKEN } } };
}

interface View {
  online: boolean;
  lastViolation: { code: string } | null;
  latest: Record<string, { value: number | boolean }> | null;
}

describe('citybrain sim (CLI) against an in-process platform', () => {
  it('sim sensors provisions with the token from the environment, prints progress each second and a summary', async () => {
    const t = capture();
    const code = await runSimCli(['sensors', '--devices', '24', '--seed', '11', '--http', p.http.url, '--mqtt', mqttUrl, '--speedup', '60', '--duration', '2500ms'], t.io);
    expect(t.err).toEqual([]);
    expect(code).toBe(0);
    const text = t.out.join('\n');
    expect(text).toContain('provisioned 24/24');
    expect(t.out.filter((l) => /^\[ +\d+s\] connected \d+\/24/.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/connected 24\/24/);
    expect(text).toMatch(/sent [\d,]+, acknowledged [\d,]+, errors 0/);
    await vi.waitFor(async () => expect((await api<{ total: number }>(p, 'GET', '/api/v1/devices?online=true&limit=1')).body.total).toBe(0), { timeout: 10_000 });
  });

  it('sim device publishes fixed --set values, prints what it sends and receives, answers a command', async () => {
    const d = await provision(p, 'cli-gas-1', 'gas');
    const t = capture();
    const stop = new AbortController();
    const run = runSimCli(
      ['device', '--kind', 'gas', '--id', d.id, '--password', d.password, '--mqtt', mqttUrl, '--interval', '100ms', '--set', 'ch4_lel=27'],
      { ...t.io, signal: stop.signal },
    );
    try {
      await vi.waitFor(async () => {
        const v = (await api<View>(p, 'GET', `/api/v1/devices/${d.id}`)).body;
        expect(v.online).toBe(true);
        expect(v.latest?.['ch4_lel']?.value).toBe(27);
        expect(v.lastViolation).toBeNull();
      }, { timeout: 10_000, interval: 100 });
      expect(await p.broker.sendCommand(d.id, 'reboot', {}, { timeoutMs: 5_000 })).toEqual({ ok: true });
    } finally {
      stop.abort();
    }
    expect(await run).toBe(0);
    const text = t.out.join('\n');
    expect(text).toMatch(/→ devices\/cli-gas-1\/telemetry \{"ts":\d+,"seq":\d+,"metrics":\{"ch4_lel":27,/);
    expect(text).toMatch(/← devices\/cli-gas-1\/commands\/reboot \{"id":/);
    expect(text).toContain('→ devices/cli-gas-1/commands/reboot/reply {"ok":true}');
    expect(text).toContain('→ devices/cli-gas-1/status {"online":false');
    await vi.waitFor(async () => expect((await api<View>(p, 'GET', `/api/v1/devices/${d.id}`)).body.online).toBe(false), { timeout: 10_000 });
  });

  it('sim device with a wrong secret exits 1 and says the broker refused it', async () => {
    await provision(p, 'cli-water-1', 'water');
    const t = capture();
    const code = await runSimCli(['device', '--kind', 'water', '--id', 'cli-water-1', '--password', 'wrong', '--mqtt', mqttUrl, '--duration', '5s'], t.io);
    expect(code).toBe(1);
    expect(t.err.join('\n')).toMatch(/could not connect.*(Not authorized|Bad username or password)/i);
  });
});
