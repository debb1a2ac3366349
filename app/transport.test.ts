import { describe, expect, it } from 'vitest';
import { plainTextWarnings } from './transport.js';

describe('the banner\'s plain-text warning', () => {
  it('is loud only only for plain text on a network address', () => {
    const base = { tlsCert: undefined, tlsKey: undefined, tlsCa: undefined, tlsCrl: undefined, tlsRequired: false, tlsClientCerts: 'optional' as const };
    expect(plainTextWarnings({ ...base, httpHost: '127.0.0.1', mqttHost: '127.0.0.1' }, { tcpPort: 1883, wsPort: 8083, wsScheme: 'ws' }, false)).toEqual([]);
    const lines = plainTextWarnings({ ...base, httpHost: '0.0.0.0', mqttHost: '10.0.0.5' }, { tcpPort: 1883, wsPort: 8083, wsScheme: 'ws' }, false).join('\n');
    expect(lines).toContain('WARNING');
    expect(lines).toContain('HTTP on 0.0.0.0');
    expect(lines).toContain('plain MQTT on 10.0.0.5');
    // TLS everywhere and plain MQTT off: nothing to warn about.
    expect(plainTextWarnings({ ...base, httpHost: '0.0.0.0', mqttHost: '0.0.0.0' }, { tlsPort: 8883, wsPort: 8083, wsScheme: 'wss' }, true)).toEqual([]);
  });
});
