/** The AccessStore port: people, their sessions and personal tokens, and the append-only audit log. */
import type { AuditEntry, AuditQuery, PersonView, TokenView } from '../kernel/people.js';
import type { Role } from './roles.js';

export type { AuditEntry, AuditQuery };

export type User = PersonView<Role>;

export interface UserRecord extends User {
  /** argon2id PHC string. */
  passwordHash: string;
}

export type UserPatch = Partial<Pick<UserRecord, 'role' | 'districts' | 'unit' | 'disabled' | 'passwordHash'>> & { updatedAt: number };

export interface SessionRecord {
  /** SHA-256 (hex) of the cookie value: a leaked table opens no session. */
  idHash: string;
  userId: string;
  /** Synchronizer token the console echoes in `X-CSRF-Token`. */
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
  /** Absolute expiry, whatever the activity. */
  expiresAt: number;
  ip: string | null;
}

export interface TokenRecord extends TokenView<Role> {
  userId: string;
  /** SHA-256 (hex) of the secret part (32 random bytes). */
  hash: string;
}

export interface AccessStore {
  /** Throws USER_EXISTS when the username is taken. */
  createUser(u: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | undefined>;
  /** Usernames compare case-insensitively (stored lower-case). */
  findUserByName(username: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<User[]>;
  /** Returns the updated user, or undefined when there is none. */
  updateUser(id: string, patch: UserPatch): Promise<UserRecord | undefined>;
  /** Removes the user with their sessions and tokens; false when there was none. */
  deleteUser(id: string): Promise<boolean>;
  countUsers(): Promise<number>;

  createSession(s: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | undefined>;
  touchSession(idHash: string, at: number): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  /** Ends every session of a user ("log out everywhere"); returns how many. */
  deleteUserSessions(userId: string): Promise<number>;
  /** Drops sessions past their absolute expiry or idle since before `idleBefore`. */
  pruneSessions(now: number, idleBefore: number): Promise<number>;

  createToken(t: TokenRecord): Promise<void>;
  getToken(id: string): Promise<TokenRecord | undefined>;
  /** A user's tokens, newest first (revoked ones included). */
  listTokens(userId: string): Promise<TokenRecord[]>;
  /** Marks the token revoked; false when the user has no such live token. */
  revokeToken(userId: string, id: string, at: number): Promise<boolean>;
  touchToken(id: string, at: number): Promise<void>;

  /** Appends one entry; entries are never changed or removed through this port. */
  appendAudit(e: AuditEntry): Promise<void>;
  /** Newest first, with the total matching. */
  queryAudit(q: AuditQuery): Promise<{ items: AuditEntry[]; total: number }>;
}
