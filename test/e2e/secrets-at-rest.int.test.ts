/**
 * Secrets at rest, through the platform's start-up (docs/security.md): an OPC UA station password and a
 * MAVLink signing key stored in clear by an earlier version are sealed when the platform starts, and are
 * still usable afterwards; nothing readable is left in the database file.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { HEAT_STATION_MAPPING } from '../../simulators/opcua/index.js';
import { api, bootPlatform, provision } from './helpers.js';

const KEY = 'ab'.repeat(32);
const PASSWORD = 'scada-station-password-in-clear';

describe('secrets at rest across a restart', () => {
  let p: Platform | undefined;
  afterEach(async () => {
    await p?.stop();
    p = undefined;
  });

  it('seals clear rows at start, keeps them usable, and stores nothing readable', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-sealed-'));
    const env = { CITYBRAIN_DATA_DIR: dataDir };
    p = await bootPlatform(env);
    await provision(p, 'HS-0001', 'heat');
    expect((await api(p, 'POST', '/api/v1/opcua/sources', { id: 'hs1', deviceId: 'HS-0001', endpoint: 'opc.tcp://127.0.0.1:9/UA', username: 'scada', password: PASSWORD, mapping: HEAT_STATION_MAPPING, enabled: false })).status).toBe(201);
    expect((await api(p, 'POST', '/api/v1/docks', { id: 'dock-1', location: { lon: 120.38, lat: 36.065 } })).status).toBe(201);
    expect((await api(p, 'POST', '/api/v1/drones', { id: 'uav-1', typeId: 'dock-multirotor', dockId: 'dock-1', link: 'udp://127.0.0.1:9', signingKey: KEY })).status).toBe(201);
    await p.stop();
    p = undefined;

    // What an earlier version left: both secrets in clear.
    const file = join(dataDir, 'citybrain.sqlite');
    const db = new Database(file);
    db.prepare('UPDATE opcua_sources SET password = ? WHERE id = ?').run(PASSWORD, 'hs1');
    const link = JSON.parse((db.prepare("SELECT value FROM drone_settings WHERE key = 'link:uav-1'").get() as { value: string }).value) as Record<string, string>;
    db.prepare("UPDATE drone_settings SET value = ? WHERE key = 'link:uav-1'").run(JSON.stringify({ ...link, signingKey: KEY }));
    db.close();

    p = await bootPlatform(env);
    const check = new Database(file, { readonly: true });
    const stored = (check.prepare('SELECT password FROM opcua_sources WHERE id = ?').get('hs1') as { password: string }).password;
    const storedLink = JSON.parse((check.prepare("SELECT value FROM drone_settings WHERE key = 'link:uav-1'").get() as { value: string }).value) as { signingKey: string };
    check.close();
    expect(stored).toMatch(/^v1\./);
    expect(storedLink.signingKey).toMatch(/^v1\./);
    // Usable: the platform reads both back in clear where it needs them.
    expect((await p.droneOps.service.droneLinks()).find((l) => l.droneId === 'uav-1')?.spec.signingKey).toBe(KEY);
    const drone = await api(p, 'GET', '/api/v1/drones/uav-1');
    expect(drone.status).toBe(200);
    expect(JSON.stringify(drone.body)).not.toContain(KEY);
    const source = await api<Record<string, unknown>>(p, 'GET', '/api/v1/opcua/sources/hs1');
    expect(JSON.stringify(source.body)).not.toContain(PASSWORD);
    await p.stop();
    p = undefined;
    // Nothing readable anywhere in the file (free pages included, after the rewrite).
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from(PASSWORD))).toBe(false);
    expect(bytes.includes(Buffer.from(KEY))).toBe(false);
  });
});
