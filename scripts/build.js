#!/usr/bin/env node
// `npm run build` (also run by `npm ci` / `npm install` through "prepare"): compiles the production code to
// dist/ with tsc (tsconfig.build.json; no type check here — `npm run typecheck` is that step), copies the
// data files the code reads beside it, and stamps dist/ with the build's start time.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { ROOT, STAMP } from '../bin/build-state.js';

const started = new Date();
const dist = join(ROOT, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

/** Non-TypeScript files the code opens at run time (the districts GeoJSON), not fixtures or docs. */
const isAsset = (name) => /\.(geojson)$/.test(name);
function copyAssets(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) copyAssets(p);
    else if (isAsset(e.name)) {
      const to = join(dist, relative(ROOT, p));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(p, to);
    }
  }
}
// The compiled folders are the top-level folders tsc wrote (tsconfig.build.json decides).
const dirs = readdirSync(dist, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
for (const d of dirs) copyAssets(join(ROOT, d));
writeFileSync(STAMP, `${JSON.stringify({ builtAt: started.toISOString(), dirs })}\n`);
utimesSync(STAMP, started, started);
