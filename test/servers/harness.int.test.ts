import { describe, expect, it, inject } from 'vitest';
import pg from 'pg';

describe('test servers', () => {
  it('InfluxDB 1.x answers /ping and reports its version', async () => {
    const res = await fetch(`${inject('influxUrl')}/ping`);
    expect(res.status).toBe(204);
    expect(res.headers.get('x-influxdb-version')).toMatch(/^1\./);
  });
  it('PostgreSQL accepts queries', async () => {
    const c = new pg.Client({ connectionString: inject('postgresUrl') });
    await c.connect();
    const r = await c.query('select 1 + 1 as two');
    await c.end();
    expect(r.rows[0].two).toBe(2);
  });
});
