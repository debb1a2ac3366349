/** Managing people (admins) and one's own personal API tokens. */
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { TokenView as KernelTokenView } from '../kernel/people.js';
import { DistrictScope } from '../kernel/scope.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import { isRole, roleAtMost, type Role } from './roles.js';
import type { AccessStore, AuditEntry, AuditQuery, TokenRecord, User, UserRecord } from './store.js';
import { newPersonalToken, randomId } from './tokens.js';

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const DAY = 86_400_000;
export const TOKEN_DEFAULT_DAYS = 90;
export const TOKEN_MAX_DAYS = 365;

export interface UserInput {
  username: string;
  password: string;
  role: string;
  /** District codes; absent or null = the whole city. */
  districts?: string[] | null;
  unit?: string | null;
}

export interface UserChange {
  role?: string;
  districts?: string[] | null;
  unit?: string | null;
  disabled?: boolean;
  password?: string;
}

export interface TokenInput {
  name: string;
  role?: string;
  districts?: string[] | null;
  expiresInDays?: number;
}

export type TokenView = KernelTokenView<Role>;

const publicUser = ({ passwordHash: _omit, ...u }: UserRecord): User => u;
const tokenView = ({ hash: _h, userId: _u, ...t }: TokenRecord): TokenView => t;

function role(s: string): Role {
  if (!isRole(s)) throw new AppError('VALIDATION_FAILED', { message: `Unknown role ${s}`, details: { role: s } });
  return s;
}

function checkUnit(r: Role, unit: string | null): void {
  if (r === 'responder' && unit === null) throw new AppError('VALIDATION_FAILED', { message: 'A responder needs the unit they belong to (`unit`)' });
}

export class People {
  private seq = 0;

  constructor(
    private readonly store: AccessStore,
    private readonly clock: Clock,
  ) {}

  async create(input: UserInput): Promise<User> {
    const username = input.username.toLowerCase();
    if (!USERNAME.test(username)) throw new AppError('VALIDATION_FAILED', { message: 'username: 2–64 of a-z 0-9 . _ - (starting with a letter or digit)' });
    const r = role(input.role);
    const unit = input.unit ?? null;
    checkUnit(r, unit);
    checkPasswordPolicy(input.password, username);
    const at = this.clock.now();
    const rec: UserRecord = { id: randomId('u_'), username, role: r, districts: input.districts ?? null, unit, disabled: false, passwordHash: await hashPassword(input.password), createdAt: at, updatedAt: at };
    await this.store.createUser(rec);
    return publicUser(rec);
  }

  list(): Promise<User[]> {
    return this.store.listUsers();
  }

  async get(id: string): Promise<User> {
    return publicUser(await this.record(id));
  }

  private async record(id: string): Promise<UserRecord> {
    const u = await this.store.getUser(id);
    if (!u) throw new AppError('USER_NOT_FOUND', { details: { id } });
    return u;
  }

  /** A new password, a lower role or a disabled account also ends the person's sessions. */
  async update(id: string, change: UserChange): Promise<User> {
    const before = await this.record(id);
    const r = change.role === undefined ? before.role : role(change.role);
    checkUnit(r, change.unit === undefined ? before.unit : change.unit);
    if (change.password !== undefined) checkPasswordPolicy(change.password, before.username);
    if ((r !== 'admin' || change.disabled === true) && before.role === 'admin') await this.keepOneAdmin(id);
    const after = await this.store.updateUser(id, {
      updatedAt: this.clock.now(),
      ...(change.role !== undefined ? { role: r } : {}),
      ...(change.districts !== undefined ? { districts: change.districts } : {}),
      ...(change.unit !== undefined ? { unit: change.unit } : {}),
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      ...(change.password !== undefined ? { passwordHash: await hashPassword(change.password) } : {}),
    });
    if (!after) throw new AppError('USER_NOT_FOUND', { details: { id } });
    if (change.password !== undefined || change.disabled === true || !roleAtMost(before.role, after.role)) await this.store.deleteUserSessions(id);
    return publicUser(after);
  }

  async delete(id: string): Promise<void> {
    const u = await this.record(id);
    if (u.role === 'admin') await this.keepOneAdmin(id);
    await this.store.deleteUser(id);
  }

  /** The city must keep one enabled admin besides `id`, or nobody could manage people again. */
  private async keepOneAdmin(id: string): Promise<void> {
    const others = (await this.store.listUsers()).filter((u) => u.role === 'admin' && !u.disabled && u.id !== id);
    if (others.length === 0) throw new AppError('VALIDATION_FAILED', { message: 'This is the last enabled admin account' });
  }

  /** The caller changes their own password (the current one is checked); their other sessions end. */
  async changeOwnPassword(p: Principal, current: string, next: string): Promise<void> {
    const u = await this.owner(p);
    if (!(await verifyPassword(u.passwordHash, current))) throw new AppError('LOGIN_FAILED', { message: 'The current password is wrong' });
    checkPasswordPolicy(next, u.username);
    await this.store.updateUser(u.id, { updatedAt: this.clock.now(), passwordHash: await hashPassword(next) });
    await this.store.deleteUserSessions(u.id);
  }

  private async owner(p: Principal): Promise<UserRecord> {
    if (!p.userId) throw new AppError('VALIDATION_FAILED', { message: 'The bootstrap admin token belongs to nobody: sign in as a person for this' });
    return this.record(p.userId);
  }

  /** A personal token: role ≤ the owner's, districts ⊆ the owner's scope. The value is returned once. */
  async createToken(p: Principal, input: TokenInput): Promise<{ token: TokenView; value: string }> {
    const u = await this.owner(p);
    const r = input.role === undefined ? u.role : role(input.role);
    if (!roleAtMost(r, u.role)) throw new AppError('SCOPE_EXCEEDED', { message: `A ${u.role} cannot issue a ${r} token` });
    const districts = input.districts === undefined ? u.districts : input.districts;
    if (!DistrictScope.of(u.districts).covers(districts)) throw new AppError('SCOPE_EXCEEDED', { message: 'The token may only cover districts of your own scope', details: { yours: u.districts } });
    const days = input.expiresInDays ?? TOKEN_DEFAULT_DAYS;
    const at = this.clock.now();
    const t = newPersonalToken();
    const rec: TokenRecord = { id: t.id, userId: u.id, name: input.name, role: r, districts, hash: t.hash, createdAt: at, expiresAt: at + days * DAY, revokedAt: null, lastUsedAt: null };
    await this.store.createToken(rec);
    return { token: tokenView(rec), value: t.value };
  }

  async listTokens(p: Principal): Promise<TokenView[]> {
    if (!p.userId) return []; // the bootstrap token has none
    const u = await this.owner(p);
    return (await this.store.listTokens(u.id)).map(tokenView);
  }

  /** Takes effect at once: every request checks the token against the store. */
  async revokeToken(p: Principal, id: string): Promise<void> {
    if (!p.userId || !(await this.store.revokeToken(p.userId, id, this.clock.now()))) throw new AppError('TOKEN_NOT_FOUND', { details: { id } });
  }

  /** Ids sort by time, then by arrival in this process (several entries share a millisecond). */
  async audit(e: Omit<AuditEntry, 'id'>): Promise<void> {
    this.seq = (this.seq + 1) % 1e9;
    await this.store.appendAudit({ id: `${e.at.toString(36).padStart(10, '0')}-${this.seq.toString(36).padStart(6, '0')}-${randomId('').slice(0, 8)}`, ...e });
  }

  queryAudit(q: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    return this.store.queryAudit(q);
  }
}
