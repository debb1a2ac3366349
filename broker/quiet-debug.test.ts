import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

describe('mqtt-packet debug loggers', () => {
  it('are silent once the broker module is loaded; other namespaces keep real loggers', async () => {
    await import('./index.js');
    // The `debug` module as mqtt-packet resolves it.
    const fromPacket = createRequire(createRequire(import.meta.url).resolve('mqtt-packet'));
    const createDebug = fromPacket('debug') as (ns: string) => { namespace?: string };
    expect(createDebug('citybrain:test').namespace).toBe('citybrain:test');
    expect(createDebug('mqtt-packet:parser').namespace).toBeUndefined();
  });
});
