import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from './config.js';
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

describe('configuration messages', () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
    } catch (e) {
      return ((e as AppError).details as { problems: string[] }).problems;
    }
    throw new Error('expected CONFIG_INVALID');
  };

  it('name the variable, the value and what is allowed', () => {
    expect(problemsOf({ CITYBRAIN_HTTP_PORT: 'abc' })).toEqual(['CITYBRAIN_HTTP_PORT="abc": must be an integer from 0 to 65535']);
    expect(problemsOf({ CITYBRAIN_LOG_LEVEL: 'loud' })).toEqual(['CITYBRAIN_LOG_LEVEL="loud": must be one of fatal, error, warn, info, debug, trace, silent']);
    expect(problemsOf({ CITYBRAIN_AUTO_DISPATCH: 'yellow' })).toEqual(['CITYBRAIN_AUTO_DISPATCH="yellow": must be one of off, red, orange']);
    expect(problemsOf({ CITYBRAIN_MQTT_WS: 'maybe' })).toEqual(['CITYBRAIN_MQTT_WS="maybe": must be on or off (also true/false, yes/no, 1/0)']);
    expect(problemsOf({ CITYBRAIN_DEMO_SPEEDUP: '500' })).toEqual(['CITYBRAIN_DEMO_SPEEDUP="500": must be a number from 1 to 100']);
    expect(problemsOf({ DATABASE_URL: 'mysql://x/y' })).toEqual(['DATABASE_URL="mysql://x/y": must be a URL starting with postgres:// or postgresql://']);
  });

  it('never echo a secret value', () => {
    const [p] = problemsOf({ CITYBRAIN_ADMIN_TOKEN: 'short-secret' });
    expect(p).toBe('CITYBRAIN_ADMIN_TOKEN (value hidden): must be at least 16 characters');
  });

  it('read durations as 500ms, 30s, 5m, 1h, and a bare number as milliseconds', () => {
    expect(loadConfig({ CITYBRAIN_MQTT_CONNECT_TIMEOUT_MS: '30s' }).mqttConnectTimeoutMs).toBe(30_000);
    expect(loadConfig({ CITYBRAIN_MQTT_CONNECT_TIMEOUT_MS: '2m' }).mqttConnectTimeoutMs).toBe(120_000);
    expect(loadConfig({ CITYBRAIN_TELEMETRY_FLUSH_MS: '50' }).telemetryFlushMs).toBe(50);
    expect(loadConfig({ CITYBRAIN_TELEMETRY_FLUSH_MS: '500ms' }).telemetryFlushMs).toBe(500);
    expect(problemsOf({ CITYBRAIN_TELEMETRY_FLUSH_MS: 'soon' })).toEqual([
      'CITYBRAIN_TELEMETRY_FLUSH_MS="soon": must be a duration like 500ms, 30s, 5m or 1h of at least 1ms (a bare number is milliseconds)',
    ]);
  });

  it('describe every setting with what it accepts', () => {
    const text = describeConfig();
    expect(text).toMatch(/CITYBRAIN_LOG_LEVEL\s+Log level \(one of fatal, error, warn, info, debug, trace, silent; default "info"\)/);
    expect(text).toMatch(/CITYBRAIN_MQTT_CONNECT_TIMEOUT_MS\s+.*default 10s\)/);
  });
});
