#!/usr/bin/env node
// The `citybrain` command. Sources are TypeScript; tsx compiles them on load, so a clean checkout
// runs after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../app/cli.ts');
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
