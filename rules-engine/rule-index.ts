/**
 * Rule index: rules bucketed by (device kind, metric or event type) and then by their most selective
 * scope field, so a reading only meets rules that can apply to it — cost does not grow with the number
 * of unrelated rules (issue #3: "indexed by kind/metric/scope").
 */
import { AppError } from '../kernel/errors.js';
import { validateRule, type Rule, type RuleError } from './rules.js';

export interface Bucket {
  any: Rule[];
  byDevice: Map<string, Rule[]>;
  byAsset: Map<string, Rule[]>;
  byDistrict: Map<string, Rule[]>;
}

/** kind ('*' for rules without a deviceKind) → metric or event type → bucket. */
export type KeyIndex = Map<string, Map<string, Bucket>>;

export interface RuleIndex {
  byId: Map<string, Rule>;
  metrics: KeyIndex;
  events: KeyIndex;
  deadman: Rule[];
  correlation: Rule[];
  /** kind or '*' → metric → longest look-back any `requireRising` guard needs. */
  guards: Map<string, Map<string, number>>;
}

function bucketFor(idx: KeyIndex, kind: string, key: string): Bucket {
  let byKey = idx.get(kind);
  if (!byKey) idx.set(kind, (byKey = new Map()));
  let b = byKey.get(key);
  if (!b) byKey.set(key, (b = { any: [], byDevice: new Map(), byAsset: new Map(), byDistrict: new Map() }));
  return b;
}

function push(m: Map<string, Rule[]>, k: string, r: Rule): void {
  const l = m.get(k);
  if (l) l.push(r);
  else m.set(k, [r]);
}

function place(idx: KeyIndex, r: Rule, key: string): void {
  const b = bucketFor(idx, r.scope.deviceKind ?? '*', key);
  if (r.scope.deviceId !== undefined) push(b.byDevice, r.scope.deviceId, r);
  else if (r.scope.asset !== undefined) push(b.byAsset, r.scope.asset, r);
  else if (r.scope.district !== undefined) push(b.byDistrict, r.scope.district, r);
  else b.any.push(r);
}

/** Validates and indexes the enabled rules. Invalid or duplicate rules are a configuration error. */
export function buildIndex(rules: readonly Rule[]): RuleIndex {
  const idx: RuleIndex = { byId: new Map(), metrics: new Map(), events: new Map(), deadman: [], correlation: [], guards: new Map() };
  const problems: Array<RuleError & { ruleId: string }> = [];
  for (const input of rules) {
    const v = validateRule(input);
    if (!v.ok) {
      problems.push(...v.errors.map((e) => ({ ruleId: String((input as { id?: unknown }).id), ...e })));
      continue;
    }
    const r = v.rule;
    if (idx.byId.has(r.id)) problems.push({ ruleId: r.id, path: '/id', message: 'duplicate rule id' });
    idx.byId.set(r.id, r);
  }
  if (problems.length) throw new AppError('VALIDATION_FAILED', { message: 'Invalid rules', details: problems });
  for (const r of idx.byId.values()) {
    if (!r.enabled) continue;
    switch (r.kind) {
      case 'threshold':
      case 'rate':
        place(idx.metrics, r, r.metric!);
        break;
      case 'event':
        for (const t of new Set([...Object.keys(r.events ?? {}), ...(r.clearOn ?? [])])) place(idx.events, r, t);
        if (r.requireRising) {
          const k = r.scope.deviceKind ?? '*';
          const g = idx.guards.get(k) ?? new Map<string, number>();
          g.set(r.requireRising.metric, Math.max(g.get(r.requireRising.metric) ?? 0, r.requireRising.windowMs));
          idx.guards.set(k, g);
        }
        break;
      case 'deadman':
        idx.deadman.push(r);
        break;
      case 'correlation':
        idx.correlation.push(r);
        break;
    }
  }
  return idx;
}

/** Calls fn for every rule in the bucket that can apply to this subject (scope's selective field matches). */
export function eachCandidate(b: Bucket, deviceId: string, asset: string | null, district: string | null, fn: (r: Rule) => void): void {
  for (const r of b.any) fn(r);
  const d = b.byDevice.get(deviceId);
  if (d) for (const r of d) fn(r);
  if (asset !== null) {
    const a = b.byAsset.get(asset);
    if (a) for (const r of a) fn(r);
  }
  if (district !== null) {
    const x = b.byDistrict.get(district);
    if (x) for (const r of x) fn(r);
  }
}
