import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createDatabase, type Database } from '../kernel/db/index.js';
import { SHINAN, openTestRegistry, type TestRegistry } from './testing.js';

describe('DeviceRegistry on PostgreSQL (two nodes sharing one store)', () => {
  let database: Database;
  let schema: string;
  const open: TestRegistry[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.registry.stop();
    await database.db.schema.dropSchema(schema).cascade().execute();
    await database.close();
  });

  it('imports, authenticates across nodes, rotates, revokes and persists presence', async () => {
    schema = `regsvc_${randomBytes(5).toString('hex')}`;
    database = await createDatabase({ url: inject('postgresUrl'), schema, poolMax: 4 });
    const key = randomBytes(32);
    const a = await openTestRegistry({ database, credentialKey: key });
    const b = await openTestRegistry({ database, credentialKey: key });
    open.push(a, b);

    const lines = ['id,kind,lon,lat,name,asset,tags'];
    for (let i = 0; i < 1_500; i++) lines.push(`pg-${i},gas,${SHINAN.lon},${SHINAN.lat},,,`);
    lines.push('pg-1,gas,120,36,,,');
    const report = await a.registry.importDevices(lines.join('\n'), 'csv');
    expect(report).toMatchObject({ total: 1_501, created: 1_500, failed: 1 });
    expect(await b.registry.count({ kind: 'gas' })).toBe(1_500);

    // node b learns of a device created on node a at its first successful login
    const secret = report.rows[7]!.credentials!.password;
    expect(b.registry.lookup('pg-7')).toBeUndefined();
    expect(await b.registry.authenticate('pg-7', secret)).toEqual({ ok: true, device: { id: 'pg-7', kind: 'gas', district: '370202', asset: null } });
    expect(b.registry.lookup('pg-7')?.district).toBe('370202');

    const rotated = await a.registry.rotateCredentials('pg-7', { overlapMs: 1_000 });
    expect((await b.registry.authenticate('pg-7', rotated.password)).ok).toBe(true);
    await a.registry.revoke('pg-7');
    expect(await b.registry.authenticate('pg-7', rotated.password)).toEqual({ ok: false, reason: 'revoked' });
    expect(await b.registry.authenticate('pg-x', rotated.password)).toEqual({ ok: false, reason: 'unknown_device' });

    a.bus.emit('presence', { deviceId: 'pg-3', online: true, at: a.clock.now(), reason: 'connect', fw: '3.1' });
    await a.registry.flushPresence();
    expect(await b.registry.list({ online: true })).toMatchObject([{ id: 'pg-3', online: true, fw: '3.1' }]);
  });
});
