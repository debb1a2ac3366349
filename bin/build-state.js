// Whether dist/ (npm run build) is at least as new as every source file it was compiled from. Shared by
// bin/citybrain.js (run dist/ only when fresh) and scripts/build.js (which writes the stamp).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Folders compiled to dist/ (tsconfig.build.json "include"). */
export const SOURCE_DIRS = ['app', 'kernel', 'http', 'firmware-contracts', 'device-registry', 'broker', 'rules-engine', 'drone-ops', 'simulators'];
/** Written last by the build, with the build's start time as its mtime. */
export const STAMP = join(ROOT, 'dist', '.build-stamp');

const isTest = (name) => /\.test\.ts$/.test(name);

/** Newest mtime (ms) of the files under `dir`, tests excepted; stops early once one is newer than `limit`. */
function newestUnder(dir, limit) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    const t = e.isDirectory() ? newestUnder(p, limit) : isTest(e.name) ? 0 : statSync(p).mtimeMs;
    if (t > newest) newest = t;
    if (newest > limit) break;
  }
  return newest;
}

/** True when dist/ was built after the last change to any source file (a few ms for ~300 files). */
export function distIsFresh() {
  let stamp;
  try {
    stamp = statSync(STAMP).mtimeMs;
  } catch {
    return false;
  }
  return SOURCE_DIRS.every((d) => newestUnder(join(ROOT, d), stamp) <= stamp);
}
