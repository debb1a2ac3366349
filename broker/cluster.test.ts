import { describe, expect, it } from 'vitest';
import { loadConfig } from '../kernel/config.js';

describe('broker cluster configuration', () => {
  it('is off by default and reads CITYBRAIN_MQTT_CLUSTER=on|off', () => {
    expect(loadConfig({}).mqttCluster).toBe(false);
    const shared = {
      REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://db/citybrain', INFLUX_URL: 'http://influx:8086',
      CITYBRAIN_CREDENTIAL_KEY: 'ab'.repeat(32),
    };
    expect(loadConfig({ CITYBRAIN_MQTT_CLUSTER: 'on', ...shared }).mqttCluster).toBe(true);
    expect(loadConfig({ CITYBRAIN_MQTT_CLUSTER: 'off' }).mqttCluster).toBe(false);
  });

  it('refuses the cluster flag without the shared stores, a shared credential key and Redis, listed with the other problems', () => {
    let problems: string[] = [];
    try {
      loadConfig({ CITYBRAIN_MQTT_CLUSTER: 'on', CITYBRAIN_HTTP_PORT: 'x' });
    } catch (err) {
      problems = (err as { details?: { problems?: string[] } }).details?.problems ?? [];
    }
    expect(problems).toHaveLength(4);
    expect(problems.some((p) => p.startsWith('CITYBRAIN_HTTP_PORT'))).toBe(true);
    expect(problems.some((p) => p.startsWith('CITYBRAIN_MQTT_CLUSTER:') && p.includes('REDIS_URL'))).toBe(true);
    expect(problems.some((p) => p.startsWith('CITYBRAIN_MQTT_CLUSTER:') && p.includes('DATABASE_URL and INFLUX_URL'))).toBe(true);
    expect(problems.some((p) => p.startsWith('CITYBRAIN_MQTT_CLUSTER:') && p.includes('CITYBRAIN_CREDENTIAL_KEY'))).toBe(true);
  });

  it('wants the credential key as 64 hex characters', () => {
    expect(() => loadConfig({ CITYBRAIN_CREDENTIAL_KEY: 'short' })).toThrow(/CITYBRAIN_CREDENTIAL_KEY: must be 64 hex/);
    expect(loadConfig({ CITYBRAIN_CREDENTIAL_KEY: 'AB'.repeat(32) }).credentialKey).toBe('AB'.repeat(32));
  });
});
