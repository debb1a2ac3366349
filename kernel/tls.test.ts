import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { isAppError } from './errors.js';
import { isLoopback } from './tls.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (!isAppError(err)) throw err;
    return (err.details as { problems: string[] }).problems;
  }
}

describe('transport settings', () => {
  it('bind to loopback by default', () => {
    const c = loadConfig({});
    expect([c.httpHost, c.mqttHost]).toEqual(['127.0.0.1', '127.0.0.1']);
    expect([c.metricsAccess, c.docsAccess, c.tlsRequired]).toEqual(['public', 'public', false]);
  });

  it('list every TLS problem at once: half a pair, TLS required without a certificate, unreadable files, CRL without CA', () => {
    expect(problems({ CITYBRAIN_TLS_CERT: '/nonexistent/cert.pem', CITYBRAIN_TLS_CRL: '/nonexistent/crl.pem' })).toEqual([
      'CITYBRAIN_TLS_CERT: cannot read /nonexistent/cert.pem',
      'CITYBRAIN_TLS_CRL: cannot read /nonexistent/crl.pem',
      'CITYBRAIN_TLS_CERT and CITYBRAIN_TLS_KEY: set both or neither',
      'CITYBRAIN_TLS_CRL: needs CITYBRAIN_TLS_CA (the CA whose certificates it revokes)',
    ]);
    expect(problems({ CITYBRAIN_TLS_REQUIRED: 'on' })).toEqual(['CITYBRAIN_TLS_REQUIRED: on needs CITYBRAIN_TLS_CERT and CITYBRAIN_TLS_KEY']);
    expect(problems({ CITYBRAIN_METRICS: 'open' })).toEqual(['CITYBRAIN_METRICS="open": must be one of public, token, off']);
  });

  it('tell loopback addresses from network ones', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', 'example.internal', '128.0.0.1']) expect(isLoopback(h), h).toBe(false);
  });
});
