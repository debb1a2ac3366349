import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchPlatform, platformAdminToken, platformHttpUrl, platformMqttUrl } from './platform-env.js';

describe('simulators find the platform through its own environment', () => {
  it('reads CITYBRAIN_HTTP_PORT, CITYBRAIN_MQTT_PORT and the hosts; flags override', () => {
    const env = { CITYBRAIN_HTTP_PORT: '18080', CITYBRAIN_MQTT_PORT: '11883', CITYBRAIN_HTTP_HOST: '0.0.0.0', CITYBRAIN_MQTT_HOST: '10.0.0.5' };
    expect(platformHttpUrl({}, env)).toBe('http://127.0.0.1:18080');
    expect(platformMqttUrl({}, env)).toBe('mqtt://10.0.0.5:11883');
    expect(platformHttpUrl({}, {})).toBe('http://127.0.0.1:8080');
    expect(platformMqttUrl({}, {})).toBe('mqtt://127.0.0.1:1883');
    expect(platformHttpUrl({ http: 'http://h:1' }, env)).toBe('http://h:1');
    expect(platformMqttUrl({ mqtt: 'mqtt://h:2' }, env)).toBe('mqtt://h:2');
  });

  it('takes the admin token from --token, CITYBRAIN_ADMIN_TOKEN or the data dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-env-'));
    expect(platformAdminToken({}, { CITYBRAIN_DATA_DIR: dir })).toBeUndefined();
    writeFileSync(join(dir, 'admin-token'), 'from-file\n');
    expect(platformAdminToken({}, { CITYBRAIN_DATA_DIR: dir })).toBe('from-file');
    expect(platformAdminToken({}, { CITYBRAIN_DATA_DIR: dir, CITYBRAIN_ADMIN_TOKEN: 'from-env' })).toBe('from-env');
    expect(platformAdminToken({ token: 'from-flag' }, { CITYBRAIN_ADMIN_TOKEN: 'from-env' })).toBe('from-flag');
  });

  it('names the URL when the platform cannot be reached', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const url = `http://127.0.0.1:${port}/api/v1/devices`;
    await expect(fetchPlatform(url)).rejects.toThrow(`cannot reach the platform at ${url}: ECONNREFUSED`);
  });
});
