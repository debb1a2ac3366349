/**
 * The peer a city integrator would build: Mosquitto → Node-RED 4.x (the line that runs on Node 20) →
 * InfluxDB 1.6.7 with node-red-contrib-influxdb 0.7, flow `mqtt in → json → function → influxdb batch`.
 * Node-RED is installed on demand into a bench-only folder (.tmp/node-red); it is not a dependency of the
 * platform.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../test/servers/free-port.js';
import { stopChild } from './lib.js';

const PREFIX = resolve('.tmp/node-red');
const PACKAGES = ['node-red@4', 'node-red-contrib-influxdb@0.7'];

/** Installs Node-RED and the InfluxDB nodes into .tmp/node-red unless they are there. */
export function ensureNodeRed(): string {
  const red = join(PREFIX, 'node_modules', 'node-red', 'red.js');
  if (existsSync(red) && existsSync(join(PREFIX, 'node_modules', 'node-red-contrib-influxdb'))) return red;
  mkdirSync(PREFIX, { recursive: true });
  console.log(`  installing ${PACKAGES.join(' ')} into ${PREFIX} (bench only, once)…`);
  execFileSync('npm', ['install', '--prefix', PREFIX, '--no-audit', '--no-fund', '--no-save', ...PACKAGES], { stdio: 'inherit' });
  return red;
}

/**
 * The function node: one point per reading, with the check an integrator writes (numbers only), batched to
 * 1,000 points or 100 ms, whichever comes first.
 */
const FUNCTION = `
const id = msg.topic.split('/')[1];
const p = msg.payload;
if (!p || typeof p.metrics !== 'object') return null;
const fields = {};
for (const k of Object.keys(p.metrics)) if (typeof p.metrics[k] === 'number') fields[k] = p.metrics[k];
const buf = context.get('buf') || [];
buf.push({ measurement: 'telemetry', tags: { device: id, kind: 'water' }, fields, timestamp: typeof p.ts === 'number' ? p.ts : Date.now() });
if (buf.length >= 1000) {
  context.set('buf', []);
  return { payload: buf };
}
context.set('buf', buf);
if (!context.get('timer')) {
  context.set('timer', setTimeout(() => {
    context.set('timer', null);
    const b = context.get('buf');
    context.set('buf', []);
    if (b.length > 0) node.send({ payload: b });
  }, 100));
}
return null;`;

/** Node ids are hex strings that match no property value (Node-RED reads equal strings as references). */
function flows(mqttPort: number, influxPort: number, db: string): unknown[] {
  const [tab, broker, input, json, fn, batch, influx] = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((x) => `c17b${x}00000000f`);
  return [
    { id: tab, type: 'tab', label: 'bench ingest' },
    { id: broker, type: 'mqtt-broker', name: 'mosquitto', broker: '127.0.0.1', port: String(mqttPort), clientid: 'node-red-bench', autoConnect: true, usetls: false, protocolVersion: '4', keepalive: '60', cleansession: true },
    { id: input, type: 'mqtt in', z: tab, name: 'telemetry', topic: 'bench/+/telemetry', qos: '1', datatype: 'utf8', broker, nl: false, rap: false, inputs: 0, wires: [[json]] },
    { id: json, type: 'json', z: tab, property: 'payload', action: 'obj', pretty: false, wires: [[fn]] },
    { id: fn, type: 'function', z: tab, name: 'to points', func: FUNCTION, outputs: 1, wires: [[batch]] },
    { id: batch, type: 'influxdb batch', z: tab, influxdb: influx, precision: 'ms', retentionPolicy: '', name: 'store', wires: [] },
    { id: influx, type: 'influxdb', hostname: '127.0.0.1', port: String(influxPort), protocol: 'http', database: db, name: 'bench influxdb', usetls: false, influxdbVersion: '1.x' },
  ];
}

export interface NodeRed {
  child: ChildProcess;
  /** Node-RED's log so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts Node-RED with the bench flow; resolves once its MQTT input is connected to the broker. */
export async function startNodeRed(mqttPort: number, influxPort: number, db: string): Promise<NodeRed> {
  const red = ensureNodeRed();
  const dir = mkdtempSync(join(tmpdir(), 'cb-node-red-'));
  writeFileSync(join(dir, 'flows.json'), JSON.stringify(flows(mqttPort, influxPort, db)));
  const uiPort = await freePort();
  writeFileSync(
    join(dir, 'settings.js'),
    `module.exports = { flowFile: ${JSON.stringify(join(dir, 'flows.json'))}, uiPort: ${uiPort}, uiHost: '127.0.0.1', credentialSecret: false, logging: { console: { level: 'info', metrics: false, audit: false } } };\n`,
  );
  // userDir is the install folder: Node-RED loads extra nodes (the InfluxDB ones) from userDir/node_modules.
  const child = spawn(process.execPath, [red, '--settings', join(dir, 'settings.js'), '--userDir', PREFIX], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolveReady, reject) => {
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (/Started flows/.test(output) && /Connected to broker/.test(output)) resolveReady();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`node-red exited (${code}):\n${output.slice(-2000)}`)));
    setTimeout(() => reject(new Error(`node-red did not connect within 60 s:\n${output.slice(-2000)}`)), 60_000).unref();
  });
  await ready;
  return {
    child,
    output: () => output,
    stop: () => stopChild(child),
  };
}
