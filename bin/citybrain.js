#!/usr/bin/env node
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
