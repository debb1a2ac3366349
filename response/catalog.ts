/** Resources and plans as the API edits them: validation, versions, bulk import with a row-numbered report. */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../kernel/clock.js';
import { AppError, isAppError } from '../kernel/errors.js';
import { SecretBox } from '../kernel/secrets.js';
import { defaultPlanPack } from './default-plans.js';
import { csvRows, geojsonRows, type ResourceImportReport } from './import.js';
import { validatePlan } from './plans.js';
import { publicResource, toResource, type Sealer } from './resources.js';
import type { ResourceQuery, ResponseStore } from './store.js';
import type { Channel, LonLat, Plan, Resource } from './types.js';

/** Same form as alert webhook secrets: 32 random bytes, prefixed so a leaked one is recognisable. */
const newSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

export class Catalog {
  private plansCache: Plan[] | null = null;

  constructor(private readonly deps: { store: ResponseStore; clock: Clock; sealer: Sealer; districtAt: (l: LonLat) => string | null }) {}

  /** Seeds the default plan pack into a store that has no plans. */
  async start(): Promise<number> {
    if ((await this.deps.store.listPlans()).length > 0) return 0;
    const pack = defaultPlanPack();
    for (const p of pack) await this.deps.store.addPlanVersion({ ...p, steps: p.steps as Plan['steps'], version: 1, updatedAt: this.deps.clock.now(), updatedBy: 'system' });
    return pack.length;
  }

  /** Creates or replaces a resource. Returns it (public view) and the webhook secrets generated now. @throws UNIT_INVALID */
  async putResource(input: unknown, expectId?: string): Promise<{ resource: Resource; secrets: Record<string, string>; created: boolean }> {
    const id = (input as { id?: unknown } | null)?.id;
    if (expectId !== undefined && id !== expectId) throw new AppError('UNIT_INVALID', { message: 'The id in the body must match the path', details: { errors: [{ path: '/id', message: `must be ${expectId}` }] } });
    const previous = typeof id === 'string' ? await this.deps.store.getResource(id) : undefined;
    const { resource, secrets } = toResource(input, { now: this.deps.clock.now(), districtAt: this.deps.districtAt, sealer: this.deps.sealer, newSecret, ...(previous ? { previous } : {}) });
    if (resource.supervisor !== null && resource.supervisor !== resource.id && !(await this.deps.store.getResource(resource.supervisor))) {
      throw new AppError('UNIT_NOT_FOUND', { message: `Unknown supervisor unit ${resource.supervisor}`, details: { id: resource.supervisor } });
    }
    await this.deps.store.putResource(resource);
    return { resource: publicResource(resource), secrets, created: previous === undefined };
  }

  /**
   * Seals unit webhook secrets stored in clear (by an earlier version or written straight into the table),
   * docs/security.md "Secrets at rest". Each row is replaced only if unchanged meanwhile, so two processes
   * starting at once seal every secret once. Returns how many resources it sealed.
   */
  async sealLegacySecrets(): Promise<number> {
    let sealed = 0;
    for (const r of await this.deps.store.webhookResources()) {
      const clear = (c: Channel) => c.type === 'webhook' && c.secret !== undefined && !SecretBox.isSealed(c.secret);
      if (!r.channels.some(clear)) continue;
      const channels = r.channels.map((c) => (c.type === 'webhook' && clear(c) ? { ...c, secret: this.deps.sealer.seal(c.secret!) } : c));
      if (await this.deps.store.replaceResource({ ...r, channels }, r)) sealed++;
    }
    return sealed;
  }

  /** @throws UNIT_NOT_FOUND */
  async resource(id: string): Promise<Resource> {
    const r = await this.deps.store.getResource(id);
    if (!r) throw new AppError('UNIT_NOT_FOUND', { details: { id } });
    return r;
  }

  async resources(q: ResourceQuery): Promise<Resource[]> {
    return (await this.deps.store.listResources(q)).map(publicResource);
  }

  /** @throws UNIT_NOT_FOUND */
  async deleteResource(id: string): Promise<void> {
    if (!(await this.deps.store.deleteResource(id))) throw new AppError('UNIT_NOT_FOUND', { details: { id } });
  }

  /** Duty switch (operators set it as crews come and go). @throws UNIT_NOT_FOUND */
  async setDuty(id: string, duty: 'on' | 'off'): Promise<Resource> {
    const r = await this.resource(id);
    const next = { ...r, duty, updatedAt: this.deps.clock.now() };
    await this.deps.store.putResource(next);
    return publicResource(next);
  }

  /** Each row on its own: stored, or reported with its row number and problems. @throws IMPORT_INVALID */
  async importResources(text: string, format: 'csv' | 'geojson'): Promise<ResourceImportReport> {
    const rows = format === 'csv' ? csvRows(text) : geojsonRows(text);
    const report: ResourceImportReport = { total: rows.length, created: 0, updated: 0, failed: 0, errors: [], secrets: {} };
    for (const row of rows) {
      try {
        const r = await this.putResource(row.input);
        if (r.created) report.created++;
        else report.updated++;
        if (Object.keys(r.secrets).length > 0) report.secrets[r.resource.id] = r.secrets;
      } catch (err) {
        if (!isAppError(err)) throw err;
        report.failed++;
        report.errors.push({ row: row.row, ...(row.id ? { id: row.id } : {}), code: err.code, message: err.message });
      }
    }
    return report;
  }

  /**
   * Gives the resources an earlier version loaded from a GeoJSON file (the demo's sample) the Chinese names
   * the file has now: only a resource with no `name_zh` whose name is still the file's (one renamed since
   * is someone's own), and `org_zh` only where the organisation is still the file's. Each row is replaced
   * only if unchanged meanwhile. Returns how many it named.
   */
  async addChineseNames(geojson: string): Promise<number> {
    let named = 0;
    for (const row of geojsonRows(geojson)) {
      const p = row.input as { id?: unknown; name?: unknown; name_zh?: unknown; org?: unknown; org_zh?: unknown };
      if (typeof p.id !== 'string' || typeof p.name_zh !== 'string') continue;
      const r = await this.deps.store.getResource(p.id);
      if (!r || r.name_zh !== undefined || r.name !== p.name) continue;
      const org = r.org !== null && r.org === p.org && typeof p.org_zh === 'string' && r.org_zh === undefined ? { org_zh: p.org_zh } : {};
      if (await this.deps.store.replaceResource({ ...r, name_zh: p.name_zh, ...org }, r)) named++;
    }
    return named;
  }

  async plans(): Promise<Plan[]> {
    this.plansCache ??= await this.deps.store.listPlans();
    return this.plansCache;
  }

  /** @throws PLAN_NOT_FOUND */
  async plan(id: string, withHistory = false): Promise<Plan & { history?: Plan[] }> {
    const p = await this.deps.store.getPlan(id);
    if (!p) throw new AppError('PLAN_NOT_FOUND', { details: { id } });
    return withHistory ? { ...p, history: await this.deps.store.planHistory(id) } : p;
  }

  /** Writes version n+1 (or 1). @throws PLAN_INVALID (every problem, unknown unit types named), PLAN_VERSION_CONFLICT */
  async putPlan(input: unknown, by: string, expectId?: string): Promise<Plan> {
    const v = validatePlan(input);
    if (!v.ok) throw new AppError('PLAN_INVALID', { message: `Plan failed validation: ${v.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, details: { errors: v.errors } });
    if (expectId !== undefined && v.plan.id !== expectId) throw new AppError('PLAN_INVALID', { message: 'The id in the body must match the path', details: { errors: [{ path: '/id', message: `must be ${expectId}` }] } });
    const prev = await this.deps.store.getPlan(v.plan.id);
    const plan: Plan = { ...v.plan, steps: v.plan.steps as Plan['steps'], version: (prev?.version ?? 0) + 1, updatedAt: this.deps.clock.now(), updatedBy: by };
    await this.deps.store.addPlanVersion(plan);
    this.plansCache = null;
    return plan;
  }
}
