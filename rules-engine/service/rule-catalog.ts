/**
 * Rules as versioned data behind the alert service (issue #3 part 2): validation, create / update
 * (version n+1, history kept) / delete, and seeding the default pack on a fresh store. Each change
 * hands the new enabled set to `onChange`, which rebuilds the engine keeping its state.
 */
import { AppError } from '../../kernel/errors.js';
import { validateRule, type Rule, type RuleValidation } from '../rules.js';
import type { AlertStore, StoredRule } from '../store/alert-store.js';

export interface RuleView extends StoredRule {
  history?: StoredRule[];
}

/** Input rules may omit `version` (the store assigns it) and `enabled` (default true). */
function withDefaults(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  return { enabled: true, ...input, version: 1 };
}

export class RuleCatalog {
  private current: Rule[] = [];

  constructor(
    private readonly store: AlertStore,
    private readonly now: () => number,
    private readonly onChange: (enabled: Rule[]) => void,
  ) {}

  /** Seeds `seed` when no rule was ever stored, then loads the current rules. Returns the enabled ones. */
  async load(seed: () => Rule[]): Promise<Rule[]> {
    if (!(await this.store.hasRuleHistory())) {
      for (const r of seed()) await this.store.putRule(r, this.now());
    }
    this.current = (await this.store.listRules()).map((r) => r.rule);
    return this.enabled();
  }

  enabled(): Rule[] {
    return this.current.filter((r) => r.enabled);
  }

  /** Current version of a rule (undefined when unknown or deleted), from memory. */
  find(id: string): Rule | undefined {
    return this.current.find((r) => r.id === id);
  }

  validate(input: unknown): RuleValidation {
    return validateRule(withDefaults(input));
  }

  list(): Promise<StoredRule[]> {
    return this.store.listRules();
  }

  /** @throws AppError RULE_NOT_FOUND */
  async get(id: string, history = false): Promise<RuleView> {
    const r = await this.store.getRule(id);
    if (!r) throw new AppError('RULE_NOT_FOUND', { details: { id } });
    return history ? { ...r, history: await this.store.ruleHistory(id) } : r;
  }

  /** @throws AppError RULE_INVALID (every problem in details), RULE_EXISTS */
  async create(input: unknown): Promise<Rule> {
    const rule = this.valid(input);
    if (this.find(rule.id)) throw new AppError('RULE_EXISTS', { details: { id: rule.id } });
    return this.write(rule);
  }

  /** A new version of an existing rule. @throws AppError RULE_NOT_FOUND, RULE_INVALID */
  async update(id: string, input: unknown): Promise<Rule> {
    if (!this.find(id)) throw new AppError('RULE_NOT_FOUND', { details: { id } });
    const body = typeof input === 'object' && input !== null ? { ...input, id } : input;
    return this.write(this.valid(body));
  }

  /** @throws AppError RULE_NOT_FOUND */
  async delete(id: string): Promise<void> {
    if (!(await this.store.deleteRule(id, this.now()))) throw new AppError('RULE_NOT_FOUND', { details: { id } });
    this.current = this.current.filter((r) => r.id !== id);
    this.onChange(this.enabled());
  }

  private valid(input: unknown): Rule {
    const v = this.validate(input);
    if (!v.ok) throw new AppError('RULE_INVALID', { details: { errors: v.errors } });
    return v.rule;
  }

  private async write(rule: Rule): Promise<Rule> {
    const stored = await this.store.putRule(rule, this.now());
    this.current = [...this.current.filter((r) => r.id !== stored.id), stored].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.onChange(this.enabled());
    return stored;
  }
}
