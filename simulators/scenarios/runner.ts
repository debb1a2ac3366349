/**
 * Plays a scenario script against a platform: provisions its devices through the HTTP API, connects each as
 * a real MQTT client, publishes the timeline at its (time-compressed) pace, and with `verify` watches the
 * platform until the expected outcome holds or the timeout passes (docs/scenarios.md).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { topics } from '../../firmware-contracts/index.js';
import { PlatformApi, type EventStream } from './platform-api.js';
import type { ScenarioScript, Step } from './types.js';
import { judge, type Observed, type SeenAlert, type SeenViolation, type Verdict } from './verify.js';

export interface RunOptions {
  httpUrl: string;
  mqttUrl: string;
  token: string;
  verify: boolean;
  /** How long verify waits for the expected outcome (default 20 s). */
  timeoutMs?: number;
  /** Once everything holds, how long verify keeps watching for anything unexpected (default 1.5 s: a rules tick and then some). */
  settleMs?: number;
  /** Progress, one line each. */
  out: (line: string) => void;
}

export interface RunResult {
  script: ScenarioScript;
  /** Present with `verify`. */
  verdict?: Verdict;
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** The MQTT payload of a step (raw steps are sent byte for byte), with explicit times resolved against `t0`. */
export function stepPayload(s: Exclude<Step, { type: 'silence' }>, t0: number): { topic: string; payload: string } {
  if (s.type === 'raw') return { topic: s.channel === 'events' ? topics.events(s.device) : topics.telemetry(s.device), payload: s.payload };
  if (s.type === 'event') return { topic: topics.events(s.device), payload: JSON.stringify({ type: s.event, data: s.data ?? {} }) };
  const ts = s.tsOffsetMs === undefined ? {} : { ts: t0 + s.tsOffsetMs };
  return { topic: topics.telemetry(s.device), payload: JSON.stringify({ ...ts, seq: s.seq, metrics: s.metrics }) };
}

function connect(mqttUrl: string, id: string, password: string): Promise<MqttClient> {
  // No reconnects: a device the platform throws out must show up as offline, not quietly come back.
  return mqtt.connectAsync(mqttUrl, { clientId: id, username: id, password, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000 });
}

async function play(script: ScenarioScript, clients: Map<string, MqttClient>, out: (l: string) => void): Promise<number> {
  const t0 = Date.now();
  for (const s of script.steps) {
    await delay(t0 + s.at - Date.now());
    const at = `+${((Date.now() - t0) / 1000).toFixed(2)}s`;
    if (s.type === 'silence') {
      out(`  ${at} ${s.device} goes silent (connected, publishing nothing)`);
      continue;
    }
    const { topic, payload } = stepPayload(s, t0);
    await clients.get(s.device)!.publishAsync(topic, payload, { qos: 1 });
    const note = s.type === 'raw' || s.type === 'telemetry' ? s.note : undefined;
    out(`  ${at} → ${topic} ${payload}${note === undefined ? '' : `   (${note})`}`);
  }
  return t0;
}

async function observe(api: PlatformApi, script: ScenarioScript, since: number, violations: SeenViolation[]): Promise<Observed> {
  const byId = new Map<string, SeenAlert>();
  const lists = await Promise.all([api.alertsSince(since), ...script.devices.map((d) => api.alertsOf(d.id))]);
  for (const a of lists.flat()) byId.set(a.id, a);
  const online: Record<string, boolean> = {};
  for (const e of script.expect) if (e.type === 'online') online[e.device] = (await api.device(e.device)).online;
  return { alerts: [...byId.values()], incidents: await api.incidents(), violations: [...violations], online };
}

/** Polls until the verdict holds (then re-checks after `settleMs` for late extras) or `timeoutMs` passes. */
async function verify(api: PlatformApi, script: ScenarioScript, since: number, violations: SeenViolation[], o: RunOptions): Promise<Verdict> {
  const deadline = Date.now() + (o.timeoutMs ?? 20_000);
  let v = judge(script, await observe(api, script, since, violations));
  let reported = -1;
  while (!v.ok && Date.now() < deadline) {
    const held = v.rows.filter((r) => r.ok).length;
    if (held !== reported) o.out(`  verify: ${held}/${v.rows.length} hold, waiting…`);
    reported = held;
    await delay(250);
    v = judge(script, await observe(api, script, since, violations));
  }
  if (!v.ok) return v;
  await delay(o.settleMs ?? 1_500);
  return judge(script, await observe(api, script, since, violations));
}

/** Runs one scenario end to end; throws when provisioning or connecting fails (nothing to verify then). */
export async function runScenario(script: ScenarioScript, o: RunOptions): Promise<RunResult> {
  const api = new PlatformApi(o.httpUrl, o.token);
  o.out(`scenario ${script.name} (seed ${script.seed}, run ${script.runId}): ${script.description}`);
  const clients = new Map<string, MqttClient>();
  let stream: EventStream | undefined;
  try {
    for (const d of script.devices) {
      const password = await api.provision(d);
      o.out(`  provisioned ${d.id} (${d.kind}${d.tags.length > 1 ? `, ${d.tags.slice(1).join(' ')}` : ''})`);
      clients.set(d.id, await connect(o.mqttUrl, d.id, password));
    }
    const ids = new Set(script.devices.map((d) => d.id));
    const violations: SeenViolation[] = [];
    // Violations exist only as events: listen before the first publish so none is missed.
    if (o.verify) {
      stream = await api.openStream(['violation'], (f) => {
        if (f.event !== 'violation') return;
        const v = JSON.parse(f.data) as SeenViolation;
        if (ids.has(v.deviceId)) violations.push(v);
      });
    }
    o.out(`  playing ${script.steps.length} steps over ${(script.steps.at(-1)!.at / 1000).toFixed(1)} s`);
    const t0 = await play(script, clients, o.out);
    if (!o.verify) return { script };
    // Explicit sample times reach back before t0 (rate windows); the alerts' times follow the samples.
    const earliest = Math.min(0, ...script.steps.map((s) => (s.type === 'telemetry' ? (s.tsOffsetMs ?? 0) : 0)));
    const verdict = await verify(api, script, t0 + earliest - 60_000, violations, o);
    return { script, verdict };
  } finally {
    stream?.close();
    await Promise.all([...clients.values()].map((c) => c.endAsync().catch(() => undefined)));
  }
}
