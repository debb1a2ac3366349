#!/usr/bin/env -S node --max-semi-space-size=64
// --max-semi-space-size=64 (MiB, V8's young generation; also in `npm start`): ingest allocates short-lived
// objects that live until their batch is durable; with V8's default 16 MiB many outlived a scavenge and
// were promoted. Measured at ~15k readings/s: GC 20-21 % → 9-10 % of busy time, CPU per reading -10 %
// (docs/benchmarks.md). It can only be set when node starts.
// The `citybrain` command. Runs the compiled JavaScript in dist/ (`npm run build`; `npm ci` builds it through
// "prepare") when it is newer than every source file; otherwise the TypeScript sources through tsx, so an
// edited checkout never runs stale code — it only starts slower (compiled on load).
import { distIsFresh } from './build-state.js';

let main;
if (distIsFresh()) {
  ({ main } = await import('../dist/app/cli.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../app/cli.ts'));
}
const code = await main(process.argv.slice(2));
// A command that returned is done: exit now, even if a client library still holds a socket or a timer
// (a supervisor must learn that a start failed).
process.exit(typeof code === 'number' ? code : 0);
