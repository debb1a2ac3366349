/**
 * mqtt-packet (aedes's parser and writer) calls its `debug` logger about twenty times per packet. The
 * `debug` package's logger is `function debug(...args)`, so every call allocates an argument array even
 * when its namespace is off: 12 % of all bytes allocated by the platform at ~17k readings/s (sampling
 * heap profile, docs/benchmarks.md). Unless DEBUG turns mqtt-packet's namespaces on, mqtt-packet gets a
 * logger that does nothing and allocates nothing.
 *
 * This module must run before mqtt-packet is first loaded (mqtt-packet creates its loggers at load):
 * broker/index.ts imports it ahead of aedes. Loaded later, it changes nothing.
 */
import { createRequire } from 'node:module';

type CreateDebug = ((namespace: string) => unknown) & { enabled(namespace: string): boolean };

const NAMESPACE = 'mqtt-packet:';
const off = (): void => {};

/** Returns true when mqtt-packet will get the silent logger. */
export function quietMqttPacketDebug(): boolean {
  const require = createRequire(import.meta.url);
  const packetPath = require.resolve('mqtt-packet');
  // Already run with the real loggers. (The ESM loader registers a CommonJS module it links before running it.)
  if (require.cache[packetPath]?.loaded === true) return false;
  // The `debug` module as mqtt-packet resolves it (its own dependency, wherever npm placed it).
  const fromPacket = createRequire(packetPath);
  const debugPath = fromPacket.resolve('debug');
  const createDebug = fromPacket('debug') as CreateDebug;
  const cached = fromPacket.cache[debugPath];
  if (cached === undefined) return false;
  // Everything but a call for an mqtt-packet namespace that is off reaches the real `debug`.
  cached.exports = new Proxy(createDebug, {
    apply: (target, self, args: [string]) => (args[0].startsWith(NAMESPACE) && !target.enabled(args[0]) ? off : Reflect.apply(target, self, args)),
  });
  return true;
}

quietMqttPacketDebug();
