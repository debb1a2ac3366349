/** The simulated heat station and its CLI command, read by a real OPC UA client. */
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { AttributeIds, OPCUAClient, type ClientSession } from 'node-opcua-client';
import { afterAll, describe, expect, it } from 'vitest';
import { runSimCli } from '../cli.js';
import { heatNodeId, HeatStation } from './heat-station.js';

const pki = mkdtempSync(join(tmpdir(), 'cb-opcua-client-'));
afterAll(() => rmSync(pki, { recursive: true, force: true }));

async function withSession<T>(endpoint: string, fn: (s: ClientSession) => Promise<T>): Promise<T> {
  const client = OPCUAClient.create({
    applicationName: 'citybrain-test',
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0 },
    // A PKI of its own in a temp dir, not node-opcua's default under $HOME.
    clientCertificateManager: new OPCUACertificateManager({ rootFolder: pki }),
  });
  await client.connect(endpoint);
  try {
    const session = await client.createSession();
    try {
      return await fn(session);
    } finally {
      await session.close();
    }
  } finally {
    await client.disconnect();
  }
}

describe('simulated OPC UA heat station', () => {
  it('serves the heat model with units, pins and faults', async () => {
    const station = new HeatStation({ seed: 4, now: () => Date.UTC(2026, 0, 20, 2) }); // a cold January morning
    const endpoint = await station.start({ port: 0 });
    try {
      expect(endpoint).toBe(`opc.tcp://127.0.0.1:${station.port}/UA/HeatStation`);
      await withSession(endpoint, async (s) => {
        const supply = (await s.read({ nodeId: heatNodeId('SupplyTemp'), attributeId: AttributeIds.Value })).value.value as number;
        const ret = (await s.read({ nodeId: heatNodeId('ReturnTemp'), attributeId: AttributeIds.Value })).value.value as number;
        // In season and cold: a weather-compensated supply well above the 50 °C rule, return below it.
        expect(supply).toBeGreaterThan(55);
        expect(supply - ret).toBeGreaterThan(5);
        const units = await s.read({ nodeId: 'ns=1;s=HeatStation.SupplyTemp', attributeId: AttributeIds.Description });
        expect(units.value.value.text).toContain('°C');
        const eu = await s.browse('ns=1;s=HeatStation.SupplyTemp');
        expect(eu.references?.map((r) => r.browseName.name)).toEqual(expect.arrayContaining(['EngineeringUnits', 'EURange']));
        station.setFault('supply_drop');
        expect((await s.read({ nodeId: heatNodeId('SupplyTemp'), attributeId: AttributeIds.Value })).value.value).toBe(40);
        station.pin({ Flow: 123.4 });
        expect((await s.read({ nodeId: heatNodeId('Flow'), attributeId: AttributeIds.Value })).value.value).toBe(123.4);
      });
    } finally {
      await station.stop();
    }
  }, 60_000);

  it('`citybrain sim opcua-station --port 0 --seed 5` serves until aborted', async () => {
    const lines = new EventEmitter();
    const out: string[] = [];
    const ac = new AbortController();
    const run = runSimCli(['opcua-station', '--port', '0', '--seed', '5', '--fault', 'supply_drop'], {
      out: (s) => {
        out.push(s);
        lines.emit('line', s);
      },
      err: (s) => out.push(`ERR ${s}`),
      signal: ac.signal,
    });
    while (!out.some((l) => l.includes('listening at'))) await once(lines, 'line');
    const endpoint = /(opc\.tcp:\/\/\S+)/.exec(out.find((l) => l.includes('listening at'))!)![1]!;
    const v = await withSession(endpoint, async (s) => (await s.read({ nodeId: heatNodeId('SupplyTemp'), attributeId: AttributeIds.Value })).value.value);
    expect(v).toBe(40);
    ac.abort();
    expect(await run).toBe(0);
    expect(out.at(-1)).toBe('stopped');
    expect(await runSimCli(['opcua-station', '--fault', 'melt'], { out: () => {}, err: () => {} })).toBe(2);
  }, 60_000);
});
