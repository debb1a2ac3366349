import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { createTestPki, type TestPki } from '../servers/certs.js';
import { findBinary, runCommand } from '../servers/child.js';
import { bootPlatform, TOKEN } from './helpers.js';

const curl = findBinary('curl', 'curl');
const pub = findBinary('mosquitto_pub', 'mosquitto-clients');

describe('platform over TLS: HTTPS (curl), MQTTS (mosquitto_pub --cafile), WSS, device certificates', () => {
  let pki: TestPki;
  let p: Platform;
  let dev: { cert: string; key: string };

  beforeAll(async () => {
    pki = createTestPki();
    dev = pki.device('GW-TLS-2');
    p = await bootPlatform(
      { CITYBRAIN_TLS_CERT: pki.serverCert, CITYBRAIN_TLS_KEY: pki.serverKey, CITYBRAIN_TLS_CA: pki.ca, CITYBRAIN_TLS_CRL: pki.crl, CITYBRAIN_TLS_REQUIRED: 'on' },
      { mqttTlsPort: 0 },
    );
  });
  afterAll(async () => {
    await p?.stop();
  });

  const https = (path: string, ...extra: string[]) =>
    runCommand(curl, ['-sS', '--cacert', pki.ca, '-H', `authorization: Bearer ${TOKEN}`, '-w', '\n%{http_code}', ...extra, `${p.http.url}${path}`]);
  const status = (r: { stdout: string }) => Number(r.stdout.trim().split('\n').at(-1));
  const body = (r: { stdout: string }) => JSON.parse(r.stdout.trim().split('\n').slice(0, -1).join('\n')) as Record<string, unknown>;

  it('answers HTTPS to curl --cacert, and nothing in clear on the same port', async () => {
    expect(p.http.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await https('/healthz');
    expect(status(health)).toBe(200);
    const created = await https('/api/v1/devices', '-X', 'POST', '-H', 'content-type: application/json', '--data', JSON.stringify({ id: 'GW-TLS-1', kind: 'gas', location: { lon: 120.38, lat: 36.07 } }));
    expect(status(created)).toBe(201);
    const plain = await runCommand(curl, ['-sS', '-o', '/dev/null', '-w', '%{http_code}', p.http.url.replace('https:', 'http:') + '/healthz']);
    expect(plain.stdout).not.toBe('200');
  });

  it('shows the real schemes and addresses in the banner, and no plain MQTT', () => {
    const banner = p.banner().join('\n');
    expect(p.mqtt.tcpPort).toBeUndefined();
    expect(banner).toContain(`HTTP API      https://127.0.0.1:${p.http.port}`);
    expect(banner).toContain(`mqtts://127.0.0.1:${p.mqtt.tlsPort}`);
    expect(banner).toContain(`wss://127.0.0.1:${p.mqtt.wsPort}`);
    expect(banner).not.toContain('mqtt://');
    expect(banner).toMatch(/TLS required/);
    expect(banner).toMatch(/device certs {2}optional \(CN = device id\)/);
    expect(banner).not.toContain('WARNING');
  });

  it('takes a provisioned device\'s reading from mosquitto_pub --cafile (password), and a device certificate\'s', async () => {
    const created = await https('/api/v1/devices', '-X', 'POST', '-H', 'content-type: application/json', '--data', JSON.stringify({ id: 'GW-TLS-3', kind: 'gas', location: { lon: 120.38, lat: 36.07 } }));
    const password = (body(created).credentials as { password: string }).password;
    const base = ['-h', '127.0.0.1', '-p', String(p.mqtt.tlsPort), '--cafile', pki.ca, '-q', '1', '-V', 'mqttv311'];
    const r = await runCommand(pub, [...base, '-i', 'GW-TLS-3', '-u', 'GW-TLS-3', '-P', password, '-t', 'devices/GW-TLS-3/telemetry', '-m', JSON.stringify({ metrics: { ch4_lel: 9 } })]);
    expect(r).toMatchObject({ code: 0, out: '' });
    const device = body(await https('/api/v1/devices/GW-TLS-3'));
    expect((device.latest as Record<string, { value: number }>).ch4_lel?.value).toBe(9);

    // The certificate's device must exist: CN GW-TLS-2 is not provisioned yet, so the login is refused.
    const unknown = await runCommand(pub, [...base, '--cert', dev.cert, '--key', dev.key, '-i', 'GW-TLS-2', '-t', 'devices/GW-TLS-2/telemetry', '-m', JSON.stringify({ metrics: { ch4_lel: 1 } })]);
    expect(unknown.code).not.toBe(0);
    await https('/api/v1/devices', '-X', 'POST', '-H', 'content-type: application/json', '--data', JSON.stringify({ id: 'GW-TLS-2', kind: 'gas', location: { lon: 120.38, lat: 36.07 } }));
    const byCert = await runCommand(pub, [...base, '--cert', dev.cert, '--key', dev.key, '-i', 'GW-TLS-2', '-t', 'devices/GW-TLS-2/telemetry', '-m', JSON.stringify({ metrics: { ch4_lel: 2 } })]);
    expect(byCert).toMatchObject({ code: 0, out: '' });

    // Revoked in the CRL and reloaded (SIGHUP does the same): the same certificate is refused from now on.
    pki.revoke(dev.cert);
    expect(p.reloadTls()).toBe(true);
    const afterRevoke = await runCommand(pub, [...base, '--cert', dev.cert, '--key', dev.key, '-i', 'GW-TLS-2', '-t', 'devices/GW-TLS-2/telemetry', '-m', JSON.stringify({ metrics: { ch4_lel: 3 } })]);
    expect(afterRevoke.code).not.toBe(0);
    expect(p.broker.stats().connectsRejected.client_certificate_refused).toBeGreaterThanOrEqual(1);
  });
});

describe('platform without TLS on a network address', () => {
  it('prints a loud warning in the banner', async () => {
    const p = await bootPlatform({}, { httpHost: '0.0.0.0', mqttHost: '0.0.0.0' });
    try {
      const banner = p.banner().join('\n');
      expect(banner).toMatch(/WARNING: listening WITHOUT TLS on a network address: HTTP on 0\.0\.0\.0/);
      expect(banner).toContain('plain MQTT on 0.0.0.0');
      expect(banner).toContain('(all interfaces)');
    } finally {
      await p.stop();
    }
  });
});
