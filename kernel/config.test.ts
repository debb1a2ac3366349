import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { AppError } from './errors.js';

describe('loadConfig', () => {
  it('applies defaults and freezes the result', () => {
    const c = loadConfig({});
    expect(c.httpPort).toBe(8080);
    expect(c.mqttPort).toBe(1883);
    expect(c.dataDir).toBe('./data');
    expect(c.influxDb).toBe('citybrain');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads the automatic dispatch policy (off by default) and names a bad value', () => {
    expect(loadConfig({}).autoDispatch).toBe('off');
    expect(loadConfig({ CITYBRAIN_AUTO_DISPATCH: 'orange' }).autoDispatch).toBe('orange');
    expect(() => loadConfig({ CITYBRAIN_AUTO_DISPATCH: 'yellow' })).toThrow(/CITYBRAIN_AUTO_DISPATCH/);
  });

  it('reads environment variables with their types', () => {
    const c = loadConfig({ CITYBRAIN_HTTP_PORT: '9000', CITYBRAIN_MQTT_WS: 'off', INFLUX_URL: 'http://127.0.0.1:8086' });
    expect(c.httpPort).toBe(9000);
    expect(c.mqttWs).toBe(false);
    expect(c.influxUrl).toBe('http://127.0.0.1:8086');
  });

  it('reports every problem at once', () => {
    let err: unknown;
    try {
      loadConfig({ CITYBRAIN_HTTP_PORT: 'eighty', CITYBRAIN_MQTT_PORT: '70000', DATABASE_URL: 'mysql://x', INFLUX_URL: 'not a url', CITYBRAIN_LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    const problems = ((err as AppError).details as { problems: string[] }).problems;
    expect(problems.join('\n')).toMatch(/CITYBRAIN_HTTP_PORT/);
    expect(problems.join('\n')).toMatch(/CITYBRAIN_MQTT_PORT/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(problems.join('\n')).toMatch(/INFLUX_URL/);
    expect(problems.join('\n')).toMatch(/CITYBRAIN_LOG_LEVEL/);
    expect((err as AppError).code).toBe('CONFIG_INVALID');
  });

  it('never echoes a password from a URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2@h/db' })).toThrow(/DATABASE_URL/);
    try {
      loadConfig({ DATABASE_URL: 'mysql://u:hunter2@h/db' });
    } catch (e) {
      expect(String((e as Error).message)).not.toMatch(/hunter2/);
    }
  });
});
