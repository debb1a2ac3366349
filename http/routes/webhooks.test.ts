import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../kernel/bus.js';
import { systemClock } from '../../kernel/clock.js';
import { createDatabase, migrate, type Database } from '../../kernel/db/index.js';
import { silentLogger } from '../../kernel/logger.js';
import { IntegrationStore, notifyMigrations, WebhookDispatcher, WebhookStore } from '../../rules-engine/notify/index.js';
import { createHttpServer } from '../index.js';
import { memoryDeps, TEST_TOKEN } from '../test/memory-deps.js';

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };
const dbs: Database[] = [];
afterEach(async () => {
  for (const d of dbs.splice(0)) await d.close();
});

async function server() {
  const database = await createDatabase({ sqliteFile: ':memory:' });
  dbs.push(database);
  await migrate(database, notifyMigrations);
  const webhooks = new WebhookDispatcher({ store: new WebhookStore(database), bus: new EventBus(), clock: systemClock, log: silentLogger(), metrics: new Registry() });
  const integrations = new IntegrationStore(database, Buffer.alloc(32, 7), systemClock);
  const app = createHttpServer({ ...memoryDeps(), webhooks, integrations });
  await app.ready();
  return { app, integrations };
}

describe('/api/v1/webhooks and /api/v1/integrations', () => {
  it('creates a receiver (secret shown once), lists it without the secret, logs and deletes it', async () => {
    const { app } = await server();
    expect((await app.inject({ method: 'GET', url: '/api/v1/webhooks' })).statusCode).toBe(401);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: AUTH, payload: { url: 'ftp://x' } });
    expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const res = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: AUTH, payload: { url: 'http://127.0.0.1:9/h', filter: { minSeverity: 'orange' }, ratePerMinute: 30 } });
    expect(res.statusCode).toBe(201);
    const { webhook, secret } = res.json<{ webhook: { id: string }; secret: string }>();
    expect(secret).toMatch(/^whsec_/);
    expect(webhook).toMatchObject({ ratePerMinute: 30, burst: 30, filter: { minSeverity: 'orange' } });
    const list = await app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: AUTH });
    expect(list.body).not.toContain(secret);
    expect((await app.inject({ method: 'GET', url: `/api/v1/webhooks/${webhook.id}/deliveries`, headers: AUTH })).json()).toEqual({ items: [] });
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${webhook.id}`, headers: AUTH })).statusCode).toBe(204);
    const gone = await app.inject({ method: 'GET', url: `/api/v1/webhooks/${webhook.id}/deliveries`, headers: AUTH });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ error: { code: 'WEBHOOK_NOT_FOUND' } });
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/webhooks', '/api/v1/webhooks/{id}/deliveries', '/api/v1/integrations']));
  });

  it('creates integration clients whose password authenticates only as stored hashes', async () => {
    const { app, integrations } = await server();
    const res = await app.inject({ method: 'POST', url: '/api/v1/integrations', headers: AUTH, payload: { name: 'city-bi' } });
    expect(res.statusCode).toBe(201);
    const { credentials } = res.json<{ credentials: { username: string; password: string } }>();
    expect(credentials.username).toBe('integration:city-bi');
    expect(await integrations.authenticate(credentials.username, credentials.password)).toBe(true);
    expect(await integrations.authenticate(credentials.username, 'nope')).toBe(false);
    expect(await integrations.authenticate('integration:other', credentials.password)).toBe(false);
    expect((await app.inject({ method: 'POST', url: '/api/v1/integrations', headers: AUTH, payload: { name: 'city-bi' } })).json()).toMatchObject({ error: { code: 'INTEGRATION_EXISTS' } });
    expect((await app.inject({ method: 'POST', url: '/api/v1/integrations', headers: AUTH, payload: { name: 'Bad Name' } })).statusCode).toBe(400);
    const list = await app.inject({ method: 'GET', url: '/api/v1/integrations', headers: AUTH });
    expect(list.body).not.toContain(credentials.password);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/integrations/city-bi', headers: AUTH })).statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/integrations/city-bi', headers: AUTH })).json()).toMatchObject({ error: { code: 'INTEGRATION_NOT_FOUND' } });
    expect(await integrations.authenticate(credentials.username, credentials.password)).toBe(false);
  });
});
