/**
 * Module boundaries (architecture.md, style.md) as a test:
 * - no import cycle between source files;
 * - firmware-contracts is a leaf (imports nothing of ours);
 * - a module reaches another only through its index.ts;
 * - the broker never imports the device registry; http/ imports no module folder;
 * - production code never imports simulators/, test/ or bench/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const MODULES = ['firmware-contracts', 'broker', 'device-registry', 'rules-engine', 'drone-ops', 'access', 'response', 'simulators'];
const SOURCE_DIRS = [...MODULES, 'kernel', 'http', 'app'];

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const isTestFile = (f: string) => /\.(int\.)?test\.ts$/.test(f) || /conformance\.ts$/.test(f) || /(^|\/)(testing|test)(\/|\.ts$)/.test(relative(ROOT, f));

/** Relative imports of a file (static and dynamic, type-only included: a type cycle is still a design cycle). */
function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs = [...src.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? '');
  return specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

const top = (f: string) => relative(ROOT, f).split('/')[0]!;

const files = SOURCE_DIRS.flatMap((d) => walk(join(ROOT, d)));
const production = files.filter((f) => !isTestFile(f));
const graph = new Map(production.map((f) => [f, importsOf(f)]));

describe('architecture', () => {
  it('has no import cycle in production code', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((x) => relative(ROOT, x)).join(' → '));
        return;
      }
      state.set(f, 'visiting');
      for (const dep of graph.get(f) ?? []) if (graph.has(dep)) visit(dep, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('keeps firmware-contracts a leaf', () => {
    const bad = production
      .filter((f) => top(f) === 'firmware-contracts')
      .flatMap((f) => importsOf(f).filter((d) => top(d) !== 'firmware-contracts').map((d) => `${relative(ROOT, f)} → ${relative(ROOT, d)}`));
    expect(bad).toEqual([]);
  });

  it('crosses module boundaries only through index.ts', () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const d of importsOf(f)) {
        const [from, to] = [top(f), top(d)];
        if (from === to || !MODULES.includes(to)) continue;
        const rel = relative(join(ROOT, to), d);
        // A module's index.ts, or the index.ts of one of its sub-packages (drone-ops/scheduler/index.ts...);
        // tests may also use another module's test helpers (testing.ts, conformance suites).
        if (rel.endsWith('index.ts') || (isTestFile(f) && isTestFile(d))) continue;
        bad.push(`${relative(ROOT, f)} → ${relative(ROOT, d)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('keeps the broker ignorant of the registry and http/ ignorant of every module', () => {
    const bad = production.flatMap((f) =>
      importsOf(f)
        .filter((d) => (top(f) === 'broker' && top(d) === 'device-registry') || (top(f) === 'http' && MODULES.includes(top(d))))
        .map((d) => `${relative(ROOT, f)} → ${relative(ROOT, d)}`),
    );
    expect(bad).toEqual([]);
  });

  it('never imports simulators, tests or benchmarks from production code', () => {
    // The one exception: the CLI loads simulators/index.ts lazily for `citybrain sim`.
    const allowed = (f: string, d: string) => relative(ROOT, f) === 'app/cli.ts' && relative(ROOT, d) === 'simulators/index.ts';
    const bad = production
      .filter((f) => top(f) !== 'simulators')
      .flatMap((f) => importsOf(f).filter((d) => !allowed(f, d) && (['simulators', 'test', 'bench'].includes(top(d)) || isTestFile(d))).map((d) => `${relative(ROOT, f)} → ${relative(ROOT, d)}`));
    expect(bad).toEqual([]);
  });
});
