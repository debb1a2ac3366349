import { connect as tlsConnect } from 'node:tls';
import { connect as netConnect } from 'node:net';
import { once } from 'node:events';
import { copyFileSync, readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../kernel/logger.js';
import { TlsSource } from '../kernel/tls.js';
import { createTestPki, type TestPki } from '../test/servers/certs.js';
import { findBinary, runCommand } from '../test/servers/child.js';
import { freePort } from '../test/servers/free-port.js';
import { gasDevice, gasReading, startTestBroker, type TestBroker } from './testing.js';

const pub = findBinary('mosquitto_pub', 'mosquitto-clients');

/** The serial number of the certificate a TLS server presents now. */
async function servedSerial(port: number, ca: string): Promise<string> {
  const s = tlsConnect({ host: '127.0.0.1', port, ca: [readFileSync(ca)], servername: 'localhost' });
  await once(s, 'secureConnect');
  const serial = s.getPeerCertificate().serialNumber;
  s.destroy();
  return serial;
}

describe('broker: MQTTS, WSS and device certificates (real openssl certificates, real mosquitto_pub)', () => {
  let pki: TestPki;
  let tls: TlsSource;
  let tb: TestBroker;
  let dev3: { cert: string; key: string };
  let revoked: { cert: string; key: string };
  let plainPort: number;

  beforeAll(async () => {
    pki = createTestPki();
    dev3 = pki.device('dev3');
    revoked = pki.device('dev4');
    pki.revoke(revoked.cert);
    tls = new TlsSource({ cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, crl: pki.crl }, silentLogger());
    plainPort = await freePort();
    tb = await startTestBroker(
      [gasDevice('dev1'), gasDevice('dev3'), gasDevice('dev4')],
      { tlsRequired: true, mqttPort: plainPort, mqttAuthFailuresPerAddress: 1_000 },
      silentLogger(),
      { tls },
    );
  });
  afterAll(async () => {
    await tb?.close();
    tls?.close();
  });

  const mqtts = () => ['-h', '127.0.0.1', '-p', String(tb.endpoints.tlsPort), '--cafile', pki.ca, '-V', 'mqttv311', '-q', '1'];

  it('with TLS required, plain MQTT is not listened on at all', async () => {
    expect(tb.endpoints.tcpPort).toBeUndefined();
    expect(tb.endpoints.wsScheme).toBe('wss');
    const s = netConnect(plainPort, '127.0.0.1');
    const [err] = (await once(s, 'error')) as [NodeJS.ErrnoException];
    expect(err.code).toBe('ECONNREFUSED');
    const r = await runCommand(pub, ['-h', '127.0.0.1', '-p', String(plainPort), '-i', 'dev1', '-u', 'dev1', '-P', 'dev1-secret', '-t', 'devices/dev1/telemetry', '-m', gasReading(1)]);
    expect(r.code).not.toBe(0);
  });

  it('stores a QoS 1 reading sent by mosquitto_pub --cafile over MQTTS (password login)', async () => {
    const r = await runCommand(pub, [...mqtts(), '-i', 'dev1', '-u', 'dev1', '-P', 'dev1-secret', '-t', 'devices/dev1/telemetry', '-m', gasReading(7, 1)]);
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(tb.sink.readings.find((x) => x.deviceId === 'dev1')?.metrics).toEqual({ ch4_lel: 7 });
  });

  it('accepts a device certificate (CN = device id) with no password', async () => {
    const r = await runCommand(pub, [...mqtts(), '--cert', dev3.cert, '--key', dev3.key, '-i', 'dev3', '-t', 'devices/dev3/telemetry', '-m', gasReading(3)]);
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(tb.sink.readings.some((x) => x.deviceId === 'dev3')).toBe(true);
    expect(tb.broker.stats().certificateLogins).toBeGreaterThanOrEqual(1);
  });

  it('refuses a certificate used as another device (CONNACK 5), and a revoked certificate before MQTT starts', async () => {
    const other = await runCommand(pub, [...mqtts(), '--cert', dev3.cert, '--key', dev3.key, '-i', 'dev1', '-t', 'devices/dev1/telemetry', '-m', gasReading(1)]);
    expect(other.code).not.toBe(0);
    expect(other.out.toLowerCase()).toContain('not authorised');
    expect(tb.broker.stats().connectsRejected.certificate_mismatch).toBe(1);

    const before = tb.sink.readings.length;
    const r = await runCommand(pub, [...mqtts(), '--cert', revoked.cert, '--key', revoked.key, '-i', 'dev4', '-t', 'devices/dev4/telemetry', '-m', gasReading(4)]);
    expect(r.code).not.toBe(0);
    // Even the right password does not get a revoked certificate's connection in.
    const withPassword = await runCommand(pub, [...mqtts(), '--cert', revoked.cert, '--key', revoked.key, '-i', 'dev4', '-u', 'dev4', '-P', 'dev4-secret', '-t', 'devices/dev4/telemetry', '-m', gasReading(4)]);
    expect(withPassword.code).not.toBe(0);
    expect(tb.sink.readings.length).toBe(before);
    expect(tb.broker.stats().connectsRejected.client_certificate_refused).toBeGreaterThanOrEqual(2);
  });

  it('serves MQTT over WSS, with password and with a device certificate (mqtt.js)', async () => {
    const ca = readFileSync(pki.ca);
    const url = `wss://127.0.0.1:${tb.endpoints.wsPort}`;
    const byPassword = await mqtt.connectAsync(url, { ca, clientId: 'dev1', username: 'dev1', password: 'dev1-secret', reconnectPeriod: 0, servername: 'localhost' });
    await byPassword.publishAsync('devices/dev1/telemetry', gasReading(11), { qos: 1 });
    await byPassword.endAsync();
    const byCert = await mqtt.connectAsync(url, { ca, cert: readFileSync(dev3.cert), key: readFileSync(dev3.key), clientId: 'dev3', reconnectPeriod: 0, servername: 'localhost' });
    await byCert.publishAsync('devices/dev3/telemetry', gasReading(12), { qos: 1 });
    await byCert.endAsync();
    expect(tb.sink.readings.filter((x) => x.metrics.ch4_lel === 11 || x.metrics.ch4_lel === 12)).toHaveLength(2);
  });

  it('serves a renewed certificate without a restart (file watch), and keeps the old one when the new files are bad', async () => {
    const port = tb.endpoints.tlsPort!;
    const first = await servedSerial(port, pki.ca);
    tls.watch(100);
    pki.renewServer();
    await vi.waitFor(async () => expect(await servedSerial(port, pki.ca)).not.toBe(first), { timeout: 15_000, interval: 200 });
    const second = await servedSerial(port, pki.ca);
    // A certificate whose key does not match: refused, the previous one stays in service.
    copyFileSync(dev3.key, pki.serverKey);
    expect(tls.reload()).toBe(false);
    expect(await servedSerial(port, pki.ca)).toBe(second);
    // The same mosquitto_pub still gets through on the renewed certificate.
    const r = await runCommand(pub, [...mqtts(), '-i', 'dev1', '-u', 'dev1', '-P', 'dev1-secret', '-t', 'devices/dev1/telemetry', '-m', gasReading(2)]);
    expect(r.code).toBe(0);
  });
});
