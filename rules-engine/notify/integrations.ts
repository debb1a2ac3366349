/**
 * Integration clients: read-only MQTT subscribers of `platform/#` (issue #3). Passwords are 32 random
 * bytes, stored as a keyed HMAC like device secrets (constraints.md: a slow KDF buys nothing for random
 * secrets and costs 0.8 s a check); the key lives in the data dir, not in the store.
 */
import { generateSecret, hashSecret, matchSecret } from '../../kernel/secrets.js';
import type { Kysely } from 'kysely';
import type { Clock } from '../../kernel/clock.js';
import { isUniqueViolation, type Database } from '../../kernel/db/index.js';
import { AppError } from '../../kernel/errors.js';

export const INTEGRATION_USERNAME_PREFIX = 'integration:';

interface IntegrationRow {
  username: string;
  name: string;
  hash: string;
  /** JSON array of district codes, or null for the whole city. */
  districts: string | null;
  created_at: number;
}

export interface Integration {
  username: string;
  name: string;
  /** Districts whose platform messages the client receives; null = the whole city. */
  districts: string[] | null;
  createdAt: number;
}

const districtList = (s: string | null): string[] | null => (s === null ? null : (JSON.parse(s) as string[]));

export class IntegrationStore {
  private readonly db: Kysely<{ notify_integrations: IntegrationRow }>;

  constructor(
    database: Database,
    private readonly key: Buffer,
    private readonly clock: Clock,
    /** Called after a client is deleted (the broker closes its sessions). */
    private readonly onDelete: (username: string) => void = () => {},
  ) {
    this.db = database.db as Kysely<{ notify_integrations: IntegrationRow }>;
  }

  /** Creates a client; the password is returned once. Throws INTEGRATION_EXISTS. */
  async create(name: string, districts: string[] | null = null): Promise<{ integration: Integration; credentials: { username: string; password: string } }> {
    const username = `${INTEGRATION_USERNAME_PREFIX}${name}`;
    const password = generateSecret();
    const createdAt = this.clock.now();
    try {
      await this.db.insertInto('notify_integrations').values({ username, name, hash: hashSecret(this.key, password), districts: districts === null ? null : JSON.stringify(districts), created_at: createdAt }).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('INTEGRATION_EXISTS', { details: { name } });
      throw err;
    }
    return { integration: { username, name, districts, createdAt }, credentials: { username, password } };
  }

  async list(): Promise<Integration[]> {
    const rows = await this.db.selectFrom('notify_integrations').selectAll().orderBy('name').execute();
    return rows.map((r) => ({ username: r.username, name: r.name, districts: districtList(r.districts), createdAt: r.created_at }));
  }

  /** Throws INTEGRATION_NOT_FOUND. */
  async delete(name: string): Promise<void> {
    const username = `${INTEGRATION_USERNAME_PREFIX}${name}`;
    const r = await this.db.deleteFrom('notify_integrations').where('username', '=', username).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new AppError('INTEGRATION_NOT_FOUND', { details: { name } });
    this.onDelete(username);
  }

  /**
   * The broker's IntegrationDirectory: constant-time compare of the keyed hashes. True for a city-wide
   * client, `{ districts }` for a district-scoped one, false when refused.
   */
  async authenticate(username: string, secret: string): Promise<boolean | { districts: string[] }> {
    const row = await this.db.selectFrom('notify_integrations').select(['hash', 'districts']).where('username', '=', username).executeTakeFirst();
    // An unknown username still costs one HMAC and one comparison, like a wrong secret.
    const ok = matchSecret(this.key, secret, [row?.hash ?? '']) === 0 && row !== undefined;
    const districts = ok ? districtList(row.districts) : null;
    return ok && districts !== null ? { districts } : ok;
  }
}
