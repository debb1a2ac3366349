/**
 * access/: people, roles, district scopes, sessions, personal API tokens, login limits and the audit
 * log (architecture.md). Routes declare the permission they need; this module decides.
 */
export { accessMigrations } from './migrations.js';
export { AccessService, type AccessOptions, type LoginResult } from './service.js';
export { People, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, type TokenInput, type TokenView, type UserChange, type UserInput } from './people.js';
export { bootstrapPrincipal, BOOTSTRAP_NAME, type Principal } from './principal.js';
export { CITY_ONLY, decide, isPermission, isRole, PERMISSIONS, permissionsOf, ROLES, roleAtMost, type Permission, type Role } from './roles.js';
export { KyselyAccessStore } from './store.kysely.js';
export type { AccessStore, AuditEntry, AuditQuery, SessionRecord, TokenRecord, User, UserRecord } from './store.js';
export { DEFAULT_LIMITER_POLICY, LoginLimiter, type LimiterPolicy } from './limiter.js';
export { checkPasswordPolicy, hashPassword, PASSWORD_MIN, verifyPassword } from './passwords.js';
