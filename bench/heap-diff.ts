/**
 * Compares two V8 heap snapshots (`v8.writeHeapSnapshot`): live objects grouped by node type and
 * constructor (or closure) name, and what each group grew by per connection between them. The format is
 * V8's: `snapshot.meta.node_fields` names each node's fields, `nodes` is a flat array of them.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

type Groups = Map<string, { count: number; bytes: number }>;

function groups(path: string): Groups {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const f = s.snapshot.meta.node_fields;
  const width = f.length;
  const [iType, iName, iSize] = [f.indexOf('type'), f.indexOf('name'), f.indexOf('self_size')];
  const types = s.snapshot.meta.node_types[0];
  const out: Groups = new Map();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]!]!;
    // Strings and numbers are grouped by type only: their "name" is their content.
    const name = type === 'object' || type === 'closure' || type === 'native' ? s.strings[s.nodes[i + iName]!]! : '';
    const key = name ? `${type} ${name}` : `(${type})`;
    const g = out.get(key) ?? { count: 0, bytes: 0 };
    g.count++;
    g.bytes += s.nodes[i + iSize]!;
    out.set(key, g);
  }
  return out;
}

/** Prints the `top` groups that grew most between `before` and `after`, per connection. */
export function diffSnapshots(before: string, after: string, connections: number, top: number): void {
  const a = groups(before);
  const b = groups(after);
  const rows = [...b].map(([k, g]) => ({ k, count: (g.count - (a.get(k)?.count ?? 0)) / connections, bytes: (g.bytes - (a.get(k)?.bytes ?? 0)) / connections }));
  rows.sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((t, r) => t + r.bytes, 0);
  console.log(`  heap growth per connection: ${(total / 1024).toFixed(1)} KiB`);
  for (const r of rows.slice(0, top)) console.log(`  ${(r.bytes).toFixed(0).padStart(6)} B  ${r.count.toFixed(2).padStart(6)} objects  ${r.k}`);
}
