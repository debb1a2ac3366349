/**
 * Every incident scenario played against one in-process platform through `citybrain sim scenario NAME
 * --verify` (the README path), a deliberately wrong expectation that verify must reject, and the live watch
 * printing a violation a bad publish makes.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { bootPlatform, provision, TOKEN } from '../../test/e2e/helpers.js';
import { runSimCli } from '../cli.js';
import { buildScenario, runScenario, scenarioNames, watchViolations } from './index.js';

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

describe('citybrain sim scenario --verify against the platform', () => {
  it('lists the seven scenarios', async () => {
    const t = capture();
    expect(await runSimCli(['scenario', '--list'], t.io)).toBe(0);
    expect(t.out.map((l) => l.split(' ')[0])).toEqual(['gas-leak', 'pipe-burst', 'waterlogging', 'elevator-entrapment', 'bridge-overload', 'device-silent', 'bad-firmware']);
  });

  it.each(scenarioNames())('%s: every expectation holds and nothing else is raised', async (name) => {
    const t = capture();
    const code = await runSimCli(['scenario', name, '--seed', '5', '--verify', '--timeout', '10s', '--http', p.http.url, '--mqtt', mqttUrl], t.io);
    const text = t.out.join('\n');
    expect(t.err, text).toEqual([]);
    expect(code, text).toBe(0);
    expect(text).toMatch(/PASS: \d+ expectations hold/);
    expect(text).toContain('provisioned sc-');
    expect(text).not.toMatch(/^✗/m);
  });

  it('fails verify on a deliberately wrong expectation (the gas leak expected red) and on an unclaimed alert', async () => {
    const script = buildScenario('gas-leak', 9, 'wrong')!;
    const [gas] = script.expect;
    if (gas?.type !== 'alert') throw new Error('gas-leak starts with its alert expectation');
    script.expect = [{ ...gas, severity: 'red' }, { type: 'violation', device: gas.device, code: 'OUT_OF_RANGE' }];
    const lines: string[] = [];
    const r = await runScenario(script, { httpUrl: p.http.url, mqttUrl, token: TOKEN, verify: true, timeoutMs: 2_000, settleMs: 200, out: (l) => lines.push(l) });
    expect(r.verdict?.ok).toBe(false);
    expect(r.verdict?.rows).toEqual([
      { expectation: `alert gas.ch4 on ${gas.device}`, expected: '1 × red, 3 firings', seen: 'orange, 3 firings', ok: false },
      { expectation: `violation OUT_OF_RANGE from ${gas.device}`, expected: '≥ 1', seen: '0', ok: false },
    ]);
    // Dropping the expectation entirely leaves the orange alert unclaimed: "nothing else" fails.
    script.expect = [];
    const again = await runScenario({ ...script, runId: 'wrong2', devices: script.devices.map((d) => ({ ...d, id: `${d.id}-2` })), steps: script.steps.map((s) => ({ ...s, device: `${s.device}-2` })) },
      { httpUrl: p.http.url, mqttUrl, token: TOKEN, verify: true, timeoutMs: 1_000, settleMs: 100, out: () => undefined });
    expect(again.verdict?.rows.some((row) => !row.ok && row.expectation.startsWith('nothing else: gas.ch4'))).toBe(true);
  });

  it('sim watch prints a violation made by a bad publish, one line with time, device, code, path, message', async () => {
    const d = await provision(p, 'watch-fw-1', 'gas');
    const other = await provision(p, 'watch-fw-2', 'gas');
    const stop = new AbortController();
    const lines: string[] = [];
    let opened!: () => void;
    const open = new Promise<void>((r) => (opened = r));
    const watching = watchViolations({ httpUrl: p.http.url, token: TOKEN, kind: 'gas', device: d.id, out: (l) => lines.push(l), signal: stop.signal, onOpen: opened });
    await open;
    for (const x of [other, d]) {
      const c = await mqtt.connectAsync(mqttUrl, { clientId: x.id, username: x.id, password: x.password, reconnectPeriod: 0 });
      await c.publishAsync(`devices/${x.id}/telemetry`, JSON.stringify({ metrics: { ch4_lel: 120 } }), { qos: 1 });
      await c.endAsync();
    }
    await vi.waitFor(() => expect(lines.some((l) => / watch-fw-1 {2}OUT_OF_RANGE {2}metrics\.ch4_lel {2}/.test(l))).toBe(true), { timeout: 5_000 });
    stop.abort();
    expect(await watching).toBe('stopped');
    expect(lines.join('\n')).not.toContain('watch-fw-2');
    expect(lines.find((l) => l.includes('OUT_OF_RANGE'))).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}watch-fw-1 {2}OUT_OF_RANGE {2}metrics\.ch4_lel {2}\S/);
  });
});
