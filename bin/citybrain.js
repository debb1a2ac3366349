#!/usr/bin/env node
// The `citybrain` command. Sources are TypeScript; tsx compiles them on load, so a clean checkout
// runs after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../app/cli.ts');
const code = await main(process.argv.slice(2));
// A command that returned is done: exit now, even if a client library still holds a socket or a timer
// (a supervisor must learn that a start failed).
process.exit(typeof code === 'number' ? code : 0);
