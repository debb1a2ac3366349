#!/usr/bin/env node
// Builds the web console (console/ → console/dist) with Vite when the build is missing or older than
// any of its sources, so `npm start` on a fresh clone serves it without a separate step.
// --force rebuilds regardless; --check only reports (exit 1 when stale).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../console/', import.meta.url));
const dist = join(root, 'dist', 'index.html');
const args = new Set(process.argv.slice(2));
if (args.has('--help')) {
  console.log('usage: node scripts/build-console.mjs [--force] [--check]\n  builds console/dist when missing or older than console/src, index.html, vite.config.ts');
  process.exit(0);
}

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newest(join(path, n))));
}

const sourcesAt = Math.max(newest(join(root, 'src')), newest(join(root, 'index.html')), newest(join(root, 'vite.config.ts')));
const stale = !existsSync(dist) || statSync(dist).mtimeMs < sourcesAt;
if (args.has('--check')) {
  console.log(stale ? 'console: build is stale' : 'console: build is up to date');
  process.exit(stale ? 1 : 0);
}
if (!stale && !args.has('--force')) process.exit(0);

console.log('console: building with Vite (console/dist)…');
const started = Date.now();
const { build } = await import('vite');
await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
console.log(`console: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
