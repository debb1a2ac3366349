// Whether dist/ (npm run build) is at least as new as every source file it was compiled from. Shared by
// bin/citybrain.js (run dist/ only when fresh) and scripts/build.js (which writes the stamp).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Written last by the build: the compiled folders, with the build's start time as the file's mtime. */
export const STAMP = join(ROOT, 'dist', '.build-stamp.json');

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
  let dirs;
  try {
    stamp = statSync(STAMP).mtimeMs;
    dirs = JSON.parse(readFileSync(STAMP, 'utf8')).dirs;
  } catch {
    return false;
  }
  if (!Array.isArray(dirs) || dirs.length === 0) return false;
  try {
    return dirs.every((d) => newestUnder(join(ROOT, d), stamp) <= stamp);
  } catch {
    return false;
  }
}
