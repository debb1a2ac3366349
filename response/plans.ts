/**
 * Response plans as versioned data (domain.md "Emergency response": plans say, per event type and level,
 * which organisations respond, what each must do, and how fast). One TypeBox schema is the validator and
 * the type; unit types that do not exist are named in the errors, with the JSON path of each problem.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ALERT_KINDS, LEVELS, UNIT_TYPES, type Plan } from './types.js';

const Names = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 });

export const PlanStepSchema = Type.Object(
  {
    unitType: Type.String({ minLength: 1, maxLength: 64, description: `One of ${UNIT_TYPES.join(', ')}` }),
    count: Type.Integer({ minimum: 1, maximum: 20, description: 'Units of that type to dispatch' }),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    titles: Type.Optional(Type.Object({ 'zh-CN': Type.String({ minLength: 1, maxLength: 200 }), en: Type.String({ minLength: 1, maxLength: 200 }) }, {
      additionalProperties: false, description: 'The title in each language: tasks carry both, the API answers in the Accept-Language one (else `title`)',
    })),
    instructions: Type.String({ maxLength: 4000 }),
    instructionsByLang: Type.Optional(Type.Object({ 'zh-CN': Type.String({ maxLength: 4000 }), en: Type.String({ maxLength: 4000 }) }, {
      additionalProperties: false, description: 'The instructions in each language: tasks carry both, the API answers in the Accept-Language one (else `instructions`)',
    })),
    required: Type.Boolean({ description: 'Must be verified before the alert may resolve' }),
  },
  { additionalProperties: false },
);

/** What a person writes: the plan without version and authorship (the store adds those). */
export const PlanInputSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' }),
    kind: Type.Union(ALERT_KINDS.map((k) => Type.Literal(k)), { description: 'Alert kind (the lifeline kind of the device)' }),
    ruleId: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()], { description: 'Only this rule\'s alerts (wins over the kind\'s plan)' }),
    level: Type.Union(LEVELS.map((l) => Type.Literal(l)), { description: 'Response level I (red) … IV (blue)' }),
    steps: Type.Array(PlanStepSchema, { minItems: 1, maxItems: 20 }),
    acceptWithinMin: Type.Number({ exclusiveMinimum: 0, maximum: 1440 }),
    arriveWithinMin: Type.Number({ exclusiveMinimum: 0, maximum: 2880 }),
    drone: Type.Boolean({ description: 'Send a drone inspection with the tasks' }),
    auto: Type.Boolean({ description: 'Dispatch without an operator\'s click' }),
    notify: Type.Object({ city: Names, district: Names }, { additionalProperties: false }),
    escalation: Type.Array(Type.Union([Type.Literal('next_unit'), Type.Literal('supervisor')]), { maxItems: 5 }),
  },
  { additionalProperties: false },
);
export type PlanInput = Static<typeof PlanInputSchema>;

export interface PlanError {
  path: string;
  message: string;
}

export type PlanValidation = { ok: true; plan: PlanInput } | { ok: false; errors: PlanError[] };

/** Every problem at once: schema errors first, then unknown unit types and impossible deadlines. */
export function validatePlan(input: unknown): PlanValidation {
  const errors: PlanError[] = [];
  for (const e of Value.Errors(PlanInputSchema, input)) errors.push({ path: e.path || '/', message: e.message });
  const steps = (input as { steps?: unknown } | null)?.steps;
  if (Array.isArray(steps)) {
    steps.forEach((s: unknown, i) => {
      const t = (s as { unitType?: unknown } | null)?.unitType;
      if (typeof t === 'string' && !(UNIT_TYPES as readonly string[]).includes(t)) errors.push({ path: `/steps/${i}/unitType`, message: `unknown unit type "${t}" (known: ${UNIT_TYPES.join(', ')})` });
    });
  }
  if (errors.length === 0) {
    const p = input as PlanInput;
    if (p.arriveWithinMin < p.acceptWithinMin) errors.push({ path: '/arriveWithinMin', message: 'must not be shorter than acceptWithinMin' });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, plan: input as PlanInput };
}

/**
 * The plan for an alert: the rule's own plan at that level, else the kind's. `plans` are the current
 * versions.
 */
export function planFor(plans: readonly Plan[], alert: { ruleId: string; kind: string | null; level: string }): Plan | undefined {
  return plans.find((p) => p.ruleId === alert.ruleId && p.level === alert.level) ?? plans.find((p) => p.ruleId === null && p.kind === alert.kind && p.level === alert.level);
}
