/** AccessStore on the relational store (Kysely: SQLite embedded, PostgreSQL at scale). */
import type { Kysely, Selectable } from 'kysely';
import { isUniqueViolation, type Database } from '../kernel/db/index.js';
import { AppError } from '../kernel/errors.js';
import type { Role } from './roles.js';
import type { AccessStore, AuditEntry, AuditQuery, SessionRecord, TokenRecord, User, UserPatch, UserRecord } from './store.js';

interface UsersTable {
  id: string;
  username: string;
  role: string;
  districts: string | null;
  unit: string | null;
  disabled: number;
  password_hash: string;
  created_at: number;
  updated_at: number;
}
interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
}
interface TokensTable {
  id: string;
  user_id: string;
  name: string;
  role: string;
  districts: string | null;
  hash: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}
interface AuditTable {
  id: string;
  at: number;
  actor: string | null;
  via: string | null;
  user_id: string | null;
  token_id: string | null;
  role: string | null;
  method: string;
  route: string;
  targets: string;
  ip: string | null;
  status: number;
  detail: string | null;
}
interface Tables {
  access_users: UsersTable;
  access_sessions: SessionsTable;
  access_tokens: TokensTable;
  access_audit: AuditTable;
}

const list = (s: string | null): string[] | null => (s === null ? null : (JSON.parse(s) as string[]));
const text = (l: readonly string[] | null): string | null => (l === null ? null : JSON.stringify([...l].sort()));

function toUser(r: Selectable<UsersTable>): UserRecord {
  return {
    id: r.id, username: r.username, role: r.role as Role, districts: list(r.districts), unit: r.unit,
    disabled: Number(r.disabled) === 1, passwordHash: r.password_hash, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

const toSession = (r: Selectable<SessionsTable>): SessionRecord => ({
  idHash: r.id_hash, userId: r.user_id, csrf: r.csrf, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, ip: r.ip,
});

const toToken = (r: Selectable<TokensTable>): TokenRecord => ({
  id: r.id, userId: r.user_id, name: r.name, role: r.role as Role, districts: list(r.districts), hash: r.hash,
  createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at,
});

const toAudit = (r: Selectable<AuditTable>): AuditEntry => ({
  id: r.id, at: r.at, actor: r.actor, via: r.via as AuditEntry['via'], userId: r.user_id, tokenId: r.token_id, role: r.role,
  method: r.method, route: r.route, targets: JSON.parse(r.targets) as Record<string, string>, ip: r.ip, status: Number(r.status),
  detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
});

export class KyselyAccessStore implements AccessStore {
  private readonly db: Kysely<Tables>;

  constructor(database: Database) {
    this.db = database.db as Kysely<Tables>;
  }

  async createUser(u: UserRecord): Promise<void> {
    try {
      await this.db.insertInto('access_users').values({
        id: u.id, username: u.username.toLowerCase(), role: u.role, districts: text(u.districts), unit: u.unit,
        disabled: u.disabled ? 1 : 0, password_hash: u.passwordHash, created_at: u.createdAt, updated_at: u.updatedAt,
      }).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('USER_EXISTS', { details: { username: u.username } });
      throw err;
    }
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom('access_users').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toUser(r);
  }

  async findUserByName(username: string): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom('access_users').selectAll().where('username', '=', username.toLowerCase()).executeTakeFirst();
    return r && toUser(r);
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.db.selectFrom('access_users').selectAll().orderBy('username').execute();
    return rows.map((r) => {
      const { passwordHash: _omit, ...user } = toUser(r);
      return user;
    });
  }

  async updateUser(id: string, p: UserPatch): Promise<UserRecord | undefined> {
    const set: Partial<UsersTable> = { updated_at: p.updatedAt };
    if (p.role !== undefined) set.role = p.role;
    if (p.districts !== undefined) set.districts = text(p.districts);
    if (p.unit !== undefined) set.unit = p.unit;
    if (p.disabled !== undefined) set.disabled = p.disabled ? 1 : 0;
    if (p.passwordHash !== undefined) set.password_hash = p.passwordHash;
    await this.db.updateTable('access_users').set(set).where('id', '=', id).execute();
    return this.getUser(id);
  }

  async deleteUser(id: string): Promise<boolean> {
    // Explicit deletes as well as ON DELETE CASCADE: SQLite enforces it only with foreign_keys on.
    await this.db.deleteFrom('access_sessions').where('user_id', '=', id).execute();
    await this.db.deleteFrom('access_tokens').where('user_id', '=', id).execute();
    const r = await this.db.deleteFrom('access_users').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async countUsers(): Promise<number> {
    const r = await this.db.selectFrom('access_users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.db.insertInto('access_sessions').values({
      id_hash: s.idHash, user_id: s.userId, csrf: s.csrf, created_at: s.createdAt, last_seen_at: s.lastSeenAt, expires_at: s.expiresAt, ip: s.ip,
    }).execute();
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const r = await this.db.selectFrom('access_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return r && toSession(r);
  }

  async touchSession(idHash: string, at: number): Promise<void> {
    await this.db.updateTable('access_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('access_sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteUserSessions(userId: string): Promise<number> {
    const r = await this.db.deleteFrom('access_sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async pruneSessions(now: number, idleBefore: number): Promise<number> {
    const r = await this.db.deleteFrom('access_sessions').where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleBefore)])).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async createToken(t: TokenRecord): Promise<void> {
    await this.db.insertInto('access_tokens').values({
      id: t.id, user_id: t.userId, name: t.name, role: t.role, districts: text(t.districts), hash: t.hash,
      created_at: t.createdAt, expires_at: t.expiresAt, revoked_at: t.revokedAt, last_used_at: t.lastUsedAt,
    }).execute();
  }

  async getToken(id: string): Promise<TokenRecord | undefined> {
    const r = await this.db.selectFrom('access_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toToken(r);
  }

  async listTokens(userId: string): Promise<TokenRecord[]> {
    const rows = await this.db.selectFrom('access_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toToken);
  }

  async revokeToken(userId: string, id: string, at: number): Promise<boolean> {
    const r = await this.db.updateTable('access_tokens').set({ revoked_at: at })
      .where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async touchToken(id: string, at: number): Promise<void> {
    await this.db.updateTable('access_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    await this.db.insertInto('access_audit').values({
      id: e.id, at: e.at, actor: e.actor, via: e.via, user_id: e.userId, token_id: e.tokenId, role: e.role, method: e.method,
      route: e.route, targets: JSON.stringify(e.targets), ip: e.ip, status: e.status, detail: e.detail === null ? null : JSON.stringify(e.detail),
    }).execute();
  }

  async queryAudit(q: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    let sel = this.db.selectFrom('access_audit');
    if (q.actor !== undefined) sel = sel.where('actor', '=', q.actor);
    if (q.route !== undefined) sel = sel.where('route', '=', q.route);
    if (q.method !== undefined) sel = sel.where('method', '=', q.method.toUpperCase());
    if (q.outcome !== undefined) sel = sel.where('status', q.outcome === 'ok' ? '<' : '>=', 400);
    if (q.from !== undefined) sel = sel.where('at', '>=', q.from);
    if (q.to !== undefined) sel = sel.where('at', '<', q.to);
    const [rows, n] = await Promise.all([
      sel.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
      sel.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toAudit), total: Number(n.n) };
  }
}
