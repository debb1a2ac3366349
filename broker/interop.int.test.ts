import { execFile } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findBinary, runCommand as run } from '../test/servers/child.js';
import { gasDevice, startTestBroker, type TestBroker } from './testing.js';

describe('broker: interoperability with the Mosquitto command-line clients', () => {
  const pub = findBinary('mosquitto_pub', 'mosquitto-clients');
  let tb: TestBroker;
  beforeEach(async () => {
    tb = await startTestBroker([gasDevice('dev1')]);
  });
  afterEach(async () => {
    await tb.close();
  });

  const base = () => ['-h', '127.0.0.1', '-p', String(tb.tcpPort), '-V', 'mqttv311'];

  it('stores a QoS 1 reading published by mosquitto_pub (it exits 0 only after the PUBACK)', async () => {
    const payload = JSON.stringify({ ts: Date.now(), seq: 42, metrics: { ch4_lel: 21.5, temp_c: 18 } });
    const r = await run(pub, [...base(), '-i', 'dev1', '-u', 'dev1', '-P', 'dev1-secret', '-q', '1', '-t', 'devices/dev1/telemetry', '-m', payload]);
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(tb.sink.readings).toHaveLength(1);
    expect(tb.sink.readings[0]).toMatchObject({ deviceId: 'dev1', seq: 42, metrics: { ch4_lel: 21.5, temp_c: 18 } });
  });

  it('sends several lines as several readings (mosquitto_pub -l)', async () => {
    const child = execFile(pub, [...base(), '-i', 'dev1', '-u', 'dev1', '-P', 'dev1-secret', '-q', '1', '-t', 'devices/dev1/telemetry', '-l']);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    for (let i = 0; i < 5; i++) child.stdin?.write(`${JSON.stringify({ seq: i, metrics: { ch4_lel: i } })}\n`);
    child.stdin?.end();
    expect(await exited).toBe(0);
    expect(tb.sink.readings.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses mosquitto_pub with a wrong password (CONNACK 4)', async () => {
    const r = await run(pub, [...base(), '-i', 'dev1', '-u', 'dev1', '-P', 'wrong', '-q', '1', '-t', 'devices/dev1/telemetry', '-m', '{}']);
    expect(r.code).not.toBe(0);
    expect(r.out.toLowerCase()).toContain('bad user name or password');
    expect(tb.sink.readings).toEqual([]);
  });
});
