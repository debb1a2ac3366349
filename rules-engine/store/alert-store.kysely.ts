import { sql, type Kysely } from 'kysely';
import type { Database } from '../../kernel/db/index.js';
import type { AuditEntry, NoteDetail } from '../lifecycle.js';
import type { Silence } from '../policy.js';
import type { Rule } from '../rules.js';
import type { AlertChange, AlertFilter, AlertStore, StoredAlert, StoredRule } from './alert-store.js';

interface AlertsTable {
  id: string;
  rule_id: string;
  subject: string;
  status: string;
  severity: string;
  district: string | null;
  device_id: string | null;
  first_seen_at: number;
  last_seen_at: number;
  data: string;
}

interface AuditTable {
  alert_id: string;
  seq: number;
  at: number;
  actor: string;
  action: string;
  from_state: string | null;
  to_state: string | null;
  note: string | null;
  /** `NoteDetail` as JSON (rules-0003). */
  detail: string | null;
}

interface RuleVersionsTable {
  id: string;
  version: number;
  data: string;
  created_at: number;
}

interface RulesTable {
  id: string;
  version: number;
  enabled: number;
  deleted_at: number | null;
  updated_at: number;
}

interface SilencesTable {
  id: string;
  kind: string;
  matchers: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
}

export interface AlertTables {
  alerts: AlertsTable;
  alert_audit: AuditTable;
  rule_versions: RuleVersionsTable;
  rules: RulesTable;
  silences: SilencesTable;
  rules_engine_snapshot: { id: number; data: string; saved_at: number };
}

type Db = Kysely<AlertTables>;

/** Rows per multi-row INSERT: 10 columns × 500 stays under SQLite's 32,766 bound parameters. */
const CHUNK = 500;

/** The alert service's tables over Kysely: one adapter for SQLite and PostgreSQL (run `rulesMigrations` first). */
export class KyselyAlertStore implements AlertStore {
  private readonly db: Db;
  private lastSeq = 0;

  constructor(database: Database) {
    this.db = database.db as Db;
  }

  /** µs since the epoch, strictly increasing within this writer (< 2^53 until the year 2255). */
  private nextSeq(): number {
    this.lastSeq = Math.max(Date.now() * 1000, this.lastSeq + 1);
    return this.lastSeq;
  }

  async saveAlerts(items: readonly AlertChange[]): Promise<void> {
    if (items.length === 0) return;
    // The last write of an alert in the batch wins; audit rows keep every entry in order.
    const latest = new Map<string, StoredAlert>();
    for (const it of items) latest.set(it.alert.id, it.alert);
    const rows = [...latest.values()].map(alertRow);
    const audit = items.flatMap((it) => it.changes.map((c) => auditRow(c, this.nextSeq())));
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await trx
          .insertInto('alerts')
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              severity: eb.ref('excluded.severity'),
              district: eb.ref('excluded.district'),
              device_id: eb.ref('excluded.device_id'),
              last_seen_at: eb.ref('excluded.last_seen_at'),
              data: eb.ref('excluded.data'),
            })),
          )
          .execute();
      }
      for (let i = 0; i < audit.length; i += CHUNK) await trx.insertInto('alert_audit').values(audit.slice(i, i + CHUNK)).execute();
    });
  }

  async getAlert(id: string): Promise<StoredAlert | undefined> {
    const row = await this.db.selectFrom('alerts').select('data').where('id', '=', id).executeTakeFirst();
    return row && (JSON.parse(row.data) as StoredAlert);
  }

  async listAlerts(filter: AlertFilter = {}): Promise<{ items: StoredAlert[]; total: number }> {
    let q = this.filtered(filter).select('data').orderBy('first_seen_at', 'desc').orderBy('id');
    const limit = filter.limit ?? 100;
    q = q.limit(limit);
    if (filter.offset) q = q.offset(filter.offset);
    const [rows, count] = await Promise.all([
      q.execute(),
      this.filtered(filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map((r) => JSON.parse(r.data) as StoredAlert), total: Number(count.n) };
  }

  async liveAlerts(): Promise<StoredAlert[]> {
    const rows = await this.db.selectFrom('alerts').select('data').where('status', '!=', 'closed').orderBy('first_seen_at').execute();
    return rows.map((r) => JSON.parse(r.data) as StoredAlert);
  }

  async auditTrail(alertId: string): Promise<AuditEntry[]> {
    const rows = await this.db.selectFrom('alert_audit').selectAll().where('alert_id', '=', alertId).orderBy('seq').execute();
    return rows.map((r) => ({
      alertId: r.alert_id, at: Number(r.at), actor: r.actor, action: r.action as AuditEntry['action'],
      ...(r.from_state === null ? {} : { from: r.from_state }),
      ...(r.to_state === null ? {} : { to: r.to_state }),
      ...(r.note === null ? {} : { note: r.note }),
      ...(r.detail === null || r.detail === undefined ? {} : { detail: JSON.parse(r.detail) as NoteDetail }),
    }));
  }

  async listRules(): Promise<StoredRule[]> {
    const rows = await this.db
      .selectFrom('rules')
      .innerJoin('rule_versions', (j) => j.onRef('rule_versions.id', '=', 'rules.id').onRef('rule_versions.version', '=', 'rules.version'))
      .select(['rule_versions.data', 'rules.updated_at'])
      .where('rules.deleted_at', 'is', null)
      .orderBy('rules.id')
      .execute();
    return rows.map((r) => ({ rule: JSON.parse(r.data) as Rule, updatedAt: Number(r.updated_at) }));
  }

  async getRule(id: string): Promise<StoredRule | undefined> {
    const row = await this.db
      .selectFrom('rules')
      .innerJoin('rule_versions', (j) => j.onRef('rule_versions.id', '=', 'rules.id').onRef('rule_versions.version', '=', 'rules.version'))
      .select(['rule_versions.data', 'rules.updated_at'])
      .where('rules.id', '=', id)
      .where('rules.deleted_at', 'is', null)
      .executeTakeFirst();
    return row && { rule: JSON.parse(row.data) as Rule, updatedAt: Number(row.updated_at) };
  }

  async ruleHistory(id: string): Promise<StoredRule[]> {
    const rows = await this.db.selectFrom('rule_versions').selectAll().where('id', '=', id).orderBy('version').execute();
    return rows.map((r) => ({ rule: JSON.parse(r.data) as Rule, updatedAt: Number(r.created_at) }));
  }

  async putRule(rule: Rule, at: number): Promise<Rule> {
    return this.db.transaction().execute(async (trx) => {
      const cur = await trx.selectFrom('rules').select('version').where('id', '=', rule.id).executeTakeFirst();
      const stored: Rule = { ...rule, version: cur ? Number(cur.version) + 1 : 1 };
      await trx.insertInto('rule_versions').values({ id: rule.id, version: stored.version, data: JSON.stringify(stored), created_at: at }).execute();
      const row = { id: rule.id, version: stored.version, enabled: stored.enabled ? 1 : 0, deleted_at: null, updated_at: at };
      if (cur) await trx.updateTable('rules').set(row).where('id', '=', rule.id).execute();
      else await trx.insertInto('rules').values(row).execute();
      return stored;
    });
  }

  async deleteRule(id: string, at: number): Promise<boolean> {
    const r = await this.db.updateTable('rules').set({ deleted_at: at, updated_at: at }).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async hasRuleHistory(): Promise<boolean> {
    return (await this.db.selectFrom('rule_versions').select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  async addSilence(s: Silence): Promise<void> {
    await this.db
      .insertInto('silences')
      .values({ id: s.id, kind: s.kind, matchers: JSON.stringify(s.matchers), starts_at: s.startsAt, ends_at: s.endsAt, created_by: s.createdBy, comment: s.comment })
      .execute();
  }

  async listSilences(): Promise<Silence[]> {
    const rows = await this.db.selectFrom('silences').selectAll().orderBy('starts_at').orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id, kind: r.kind as Silence['kind'], matchers: JSON.parse(r.matchers) as Silence['matchers'],
      startsAt: Number(r.starts_at), endsAt: Number(r.ends_at), createdBy: r.created_by, comment: r.comment,
    }));
  }

  async deleteSilence(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('silences').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async saveSnapshot(data: unknown, at: number): Promise<void> {
    await this.db
      .insertInto('rules_engine_snapshot')
      .values({ id: 1, data: JSON.stringify(data), saved_at: at })
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ data: eb.ref('excluded.data'), saved_at: eb.ref('excluded.saved_at') })))
      .execute();
  }

  async loadSnapshot(): Promise<{ data: unknown; savedAt: number } | undefined> {
    const row = await this.db.selectFrom('rules_engine_snapshot').selectAll().where('id', '=', 1).executeTakeFirst();
    return row && { data: JSON.parse(row.data) as unknown, savedAt: Number(row.saved_at) };
  }

  private filtered(f: AlertFilter) {
    let q = this.db.selectFrom('alerts');
    if (f.status !== undefined) q = q.where('status', '=', f.status);
    if (f.severity !== undefined) q = q.where('severity', '=', f.severity);
    if (f.district !== undefined) q = q.where('district', '=', f.district);
    if (f.districts !== undefined) q = f.districts.length > 0 ? q.where('district', 'in', [...f.districts]) : q.where(sql<boolean>`1 = 0`);
    if (f.deviceId !== undefined) q = q.where('device_id', '=', f.deviceId);
    if (f.ruleId !== undefined) q = q.where('rule_id', '=', f.ruleId);
    if (f.from !== undefined) q = q.where('last_seen_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('first_seen_at', '<', f.to);
    return q;
  }
}

function alertRow(a: StoredAlert): AlertsTable {
  return {
    id: a.id, rule_id: a.ruleId, subject: a.subject, status: a.status, severity: a.severity, district: a.labels.district,
    device_id: a.labels.deviceId, first_seen_at: a.firstSeenAt, last_seen_at: a.lastSeenAt, data: JSON.stringify(a),
  };
}

function auditRow(c: AuditEntry, seq: number): AuditTable {
  return { alert_id: c.alertId, seq, at: c.at, actor: c.actor, action: c.action, from_state: c.from ?? null, to_state: c.to ?? null, note: c.note ?? null, detail: c.detail ? JSON.stringify(c.detail) : null };
}
