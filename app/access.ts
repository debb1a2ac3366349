/**
 * Wires access/ (people, sessions, personal tokens, audit) into the platform: migrations, the first
 * admin account, session pruning, metrics, and the HTTP port. Called by the composition root.
 */
import { Counter, type Registry } from 'prom-client';
import { AccessService, accessMigrations, KyselyAccessStore, People, type LimiterPolicy } from '../access/index.js';
import type { AccessPort } from '../http/index.js';
import type { Clock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import { migrate, type Database } from '../kernel/db/index.js';
import type { Logger } from '../kernel/logger.js';

export interface AccessWiring {
  service: AccessService;
  people: People;
  http: AccessPort;
  /** The first admin account, when this start created it (the generated password is shown once). */
  bootstrap: { created: boolean; username: string; generatedPassword?: string };
  stop(): void;
}

export async function startAccess(opts: {
  database: Database; clock: Clock; log: Logger; metrics: Registry;
  config: Pick<Config, 'adminPassword' | 'sessionIdleMinutes' | 'sessionMaxHours'>;
  limiter?: LimiterPolicy;
}): Promise<AccessWiring> {
  const log = opts.log.child({ module: 'access' });
  await migrate(opts.database, accessMigrations);
  const store = new KyselyAccessStore(opts.database);
  const refused = new Counter({ name: 'citybrain_login_refused_total', help: 'Sign-ins and credentials refused, by reason (bad_credentials, locked, bad_token)', labelNames: ['reason'], registers: [opts.metrics] });
  const service = new AccessService({
    store, clock: opts.clock, log,
    sessionIdleMs: opts.config.sessionIdleMinutes * 60_000,
    sessionMaxMs: opts.config.sessionMaxHours * 3_600_000,
    ...(opts.limiter ? { limiter: opts.limiter } : {}),
    onLoginRefused: (reason) => refused.inc({ reason }),
  });
  const people = new People(store, opts.clock);
  const bootstrap = await service.bootstrapAdmin(opts.config.adminPassword);
  if (bootstrap.created) log.info({ username: bootstrap.username }, 'administrator account created');
  const timer = setInterval(() => void service.prune().catch((err: unknown) => log.warn({ err }, 'session pruning failed')), 10 * 60_000);
  timer.unref();
  return { service, people, http: accessPort(service, people), bootstrap, stop: () => clearInterval(timer) };
}

export function accessPort(service: AccessService, people: People): AccessPort {
  return {
    fromSession: (c) => service.fromSession(c),
    fromToken: (t) => service.fromToken(t),
    credentialLockedFor: (ip) => service.credentialLockedFor(ip),
    credentialRefused: (ip) => service.credentialRefused(ip),
    decide: (p, perm) => service.decide(p, perm),
    permissionsOf: (p) => service.permissionsOf(p),
    login: (u, pw, ip) => service.login(u, pw, ip),
    logout: (p) => service.logout(p),
    logoutEverywhere: (p) => service.logoutEverywhere(p),
    sessionMaxAgeS: Math.floor(service.maxMs / 1000),
    users: {
      create: (input) => people.create(input),
      list: () => people.list(),
      get: (id) => people.get(id),
      update: (id, change) => people.update(id, change),
      delete: (id) => people.delete(id),
      changeOwnPassword: (p, cur, next) => people.changeOwnPassword(p, cur, next),
    },
    tokens: {
      create: (p, input) => people.createToken(p, input),
      list: (p) => people.listTokens(p),
      revoke: (p, id) => people.revokeToken(p, id),
    },
    audit: { append: (e) => people.audit(e), query: (q) => people.queryAudit(q) },
  };
}
