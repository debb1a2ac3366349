/**
 * Rule definitions as data (issue #3 part 1). One TypeBox schema is both the validator and the type;
 * `validateRule` adds the checks a schema cannot express (fields each kind needs, level order, metric
 * and event names that exist in the firmware contract) and reports every problem with its JSON path.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { getContract } from '../firmware-contracts/index.js';
import { SEVERITIES, type Severity } from './severity.js';

const Sev = Type.Union(SEVERITIES.map((s) => Type.Literal(s)), { description: 'blue < yellow < orange < red' });
const Num = (description: string) => Type.Number({ description });
const PositiveMs = (description: string) => Type.Integer({ minimum: 1, description });
const MonthDay = Type.String({ pattern: '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', description: 'MM-DD' });

export const RuleKindSchema = Type.Union(
  [Type.Literal('threshold'), Type.Literal('rate'), Type.Literal('deadman'), Type.Literal('event'), Type.Literal('correlation')],
);

export const ScopeSchema = Type.Object(
  {
    deviceKind: Type.Optional(Type.String({ minLength: 1, description: 'Device kind from the firmware contract' })),
    district: Type.Optional(Type.String({ minLength: 1 })),
    asset: Type.Optional(Type.String({ minLength: 1 })),
    deviceId: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false, description: 'All given fields must match; an empty scope matches every device' },
);

export const LevelsSchema = Type.Object(
  { blue: Type.Optional(Num('blue level')), yellow: Type.Optional(Num('yellow level')), orange: Type.Optional(Num('orange level')), red: Type.Optional(Num('red level')) },
  { additionalProperties: false, description: 'Threshold per severity; with relativeTo, a fraction of that parameter' },
);

export const RuleSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$', description: 'Stable id; dedup key with the subject' }),
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Human name, first words of every message' }),
    name_zh: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Chinese name, in zh-CN messages (default: name)' })),
    version: Type.Integer({ minimum: 1 }),
    enabled: Type.Boolean(),
    kind: RuleKindSchema,
    scope: ScopeSchema,
    description: Type.Optional(Type.String()),
    source: Type.Optional(Type.String({ description: 'Where the numbers come from (standard, design doc)' })),
    metric: Type.Optional(Type.String({ minLength: 1 })),
    minus: Type.Optional(Type.String({ minLength: 1, description: 'Evaluate metric − minus (e.g. supply − return)' })),
    abs: Type.Optional(Type.Boolean({ description: 'Evaluate |value| (strain in tension or compression)' })),
    direction: Type.Optional(Type.Union([Type.Literal('above'), Type.Literal('below')])),
    levels: Type.Optional(LevelsSchema),
    relativeTo: Type.Optional(Type.String({ minLength: 1, description: 'Subject parameter the levels are fractions of' })),
    params: Type.Optional(Type.Record(Type.String(), Type.Number(), { description: 'Defaults for subject parameters' })),
    clear: Type.Optional(
      Type.Object(
        {
          absolute: Type.Optional(Type.Number({ minimum: 0, description: 'Clear this far past the level, metric units' })),
          fraction: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Clear this fraction of the level past it' })),
        },
        { additionalProperties: false },
      ),
    ),
    debounce: Type.Optional(
      Type.Object(
        {
          count: Type.Optional(Type.Integer({ minimum: 1, description: 'N consecutive readings in condition' })),
          forMs: Type.Optional(Type.Integer({ minimum: 0, description: 'Condition held this long' })),
        },
        { additionalProperties: false },
      ),
    ),
    windowMs: Type.Optional(PositiveMs('Rate rules: change measured over this window')),
    season: Type.Optional(
      Type.Object(
        { from: MonthDay, to: MonthDay, utcOffsetMinutes: Type.Integer({ minimum: -720, maximum: 840 }) },
        { additionalProperties: false, description: 'Active only between these dates (wraps the new year)' },
      ),
    ),
    events: Type.Optional(Type.Record(Type.String(), Sev, { description: 'Event type → severity' })),
    clearOn: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Event types that end the episode' })),
    clearAfterMs: Type.Optional(PositiveMs('Event rules: the episode ends after this quiet time')),
    requireRising: Type.Optional(
      Type.Object(
        { metric: Type.String({ minLength: 1 }), windowMs: PositiveMs('Look-back window') },
        { additionalProperties: false, description: 'Only fire while this metric rose over the window' },
      ),
    ),
    severity: Type.Optional(Sev),
    deadmanFactor: Type.Optional(Type.Number({ exclusiveMinimum: 1, description: 'Offline after k × the contract interval' })),
    correlation: Type.Optional(
      Type.Object(
        {
          radiusM: Type.Number({ exclusiveMinimum: 0 }),
          withinMs: PositiveMs('Members fire within this time of each other'),
          minSubjects: Type.Integer({ minimum: 2 }),
          sameAsset: Type.Optional(Type.Boolean({ description: 'Group one asset’s sensors instead of by radius' })),
          sourceRules: Type.Optional(Type.Array(Type.String(), { description: 'Only signals of these rules join' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type Rule = Static<typeof RuleSchema>;
export type RuleKind = Rule['kind'];
export type RuleScope = Static<typeof ScopeSchema>;
export type Levels = Static<typeof LevelsSchema>;

export interface RuleError {
  path: string;
  message: string;
}
export type RuleValidation = { ok: true; rule: Rule } | { ok: false; errors: RuleError[] };

/** Validates untrusted rule data; every problem is listed, never just the first. */
export function validateRule(input: unknown): RuleValidation {
  const errors: RuleError[] = [];
  for (const e of Value.Errors(RuleSchema, input)) errors.push({ path: e.path || '/', message: e.message });
  if (errors.length > 0) return { ok: false, errors: dedupe(errors) };
  const rule = input as Rule;
  semanticErrors(rule, errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rule: structuredClone(rule) };
}

function dedupe(errors: RuleError[]): RuleError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.path}\u0000${e.message}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

function need(rule: Rule, field: keyof Rule, errors: RuleError[]): void {
  if (rule[field] === undefined) errors.push({ path: `/${field}`, message: `required for ${rule.kind} rules` });
}

function semanticErrors(rule: Rule, errors: RuleError[]): void {
  switch (rule.kind) {
    case 'threshold':
    case 'rate':
      need(rule, 'metric', errors);
      need(rule, 'levels', errors);
      need(rule, 'direction', errors);
      if (rule.kind === 'rate') need(rule, 'windowMs', errors);
      checkLevels(rule, errors);
      break;
    case 'deadman':
      need(rule, 'severity', errors);
      break;
    case 'event':
      if (!rule.events || Object.keys(rule.events).length === 0) errors.push({ path: '/events', message: 'required for event rules: at least one event type' });
      break;
    case 'correlation':
      need(rule, 'correlation', errors);
      break;
  }
  if (rule.clear?.absolute !== undefined && rule.clear.fraction !== undefined) {
    errors.push({ path: '/clear', message: 'give absolute or fraction, not both' });
  }
  checkContractNames(rule, errors);
}

function checkLevels(rule: Rule, errors: RuleError[]): void {
  if (!rule.levels) return;
  const given = SEVERITIES.filter((s) => rule.levels?.[s] !== undefined);
  if (given.length === 0) errors.push({ path: '/levels', message: 'at least one severity level is required' });
  // Higher severities must be further into the alarm side: larger when 'above', smaller when 'below'.
  for (let i = 1; i < given.length; i++) {
    const lo = rule.levels[given[i - 1] as Severity] as number;
    const hi = rule.levels[given[i] as Severity] as number;
    const ordered = rule.direction === 'below' && rule.kind === 'threshold' ? hi < lo : hi > lo;
    if (!ordered) errors.push({ path: `/levels/${given[i]}`, message: `must be ${rule.direction === 'below' && rule.kind === 'threshold' ? 'below' : 'above'} the ${given[i - 1]} level (${lo})` });
  }
}

function checkContractNames(rule: Rule, errors: RuleError[]): void {
  const kind = rule.scope.deviceKind;
  if (kind === undefined) return;
  const contract = getContract(kind);
  if (!contract) {
    errors.push({ path: '/scope/deviceKind', message: `unknown device kind "${kind}"` });
    return;
  }
  const metrics = new Set(contract.metrics.map((m) => m.name));
  for (const field of ['metric', 'minus'] as const) {
    const m = rule[field];
    if (m !== undefined && !metrics.has(m)) errors.push({ path: `/${field}`, message: `${kind} has no metric "${m}"` });
  }
  if (rule.requireRising && !metrics.has(rule.requireRising.metric)) {
    errors.push({ path: '/requireRising/metric', message: `${kind} has no metric "${rule.requireRising.metric}"` });
  }
  const events = new Set(contract.events.map((e) => e.type));
  for (const t of [...Object.keys(rule.events ?? {}), ...(rule.clearOn ?? [])]) {
    if (!events.has(t)) errors.push({ path: rule.events?.[t] ? `/events/${t}` : '/clearOn', message: `${kind} has no event "${t}"` });
  }
}

/** A rule's scope matches a subject when every field it names is equal. */
export function scopeMatches(scope: RuleScope, s: { kind: string; deviceId: string; district: string | null; asset: string | null }): boolean {
  return (
    (scope.deviceKind === undefined || scope.deviceKind === s.kind) &&
    (scope.deviceId === undefined || scope.deviceId === s.deviceId) &&
    (scope.district === undefined || scope.district === s.district) &&
    (scope.asset === undefined || scope.asset === s.asset)
  );
}
