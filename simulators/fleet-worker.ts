/**
 * Child-process entry of a multi-process fleet (fleet-processes.ts): runs the slice of devices the parent
 * sends, reports counters four times a second, stops on request or when the parent goes away.
 */
import type { FromWorker, ToWorker } from './fleet-processes.js';
import { startLocalFleet, type LocalFleet } from './local-fleet.js';

let fleet: LocalFleet | undefined;
let timer: NodeJS.Timeout | undefined;
let stopping: Promise<void> | undefined;

const send = (m: FromWorker) => {
  if (process.connected) process.send?.(m);
};

function stop(): Promise<void> {
  stopping ??= (async () => {
    clearInterval(timer);
    await fleet?.stop();
    if (fleet) send({ type: 'stopped', counters: { ...fleet.counters } });
    if (process.connected) process.disconnect();
  })();
  return stopping;
}

process.on('message', (m: ToWorker) => {
  if (m.type === 'stop') {
    void stop();
    return;
  }
  if (fleet) return;
  const f = startLocalFleet(m.devices, m.options);
  fleet = f;
  timer = setInterval(() => send({ type: 'counters', counters: { ...f.counters } }), 250);
  void f.ramped.then(() => send({ type: 'ramped' }));
});
// The parent died or let go: close our devices cleanly rather than linger.
process.on('disconnect', () => void stop());
process.on('SIGINT', () => void stop()); // Ctrl-C reaches the whole group: the parent coordinates
