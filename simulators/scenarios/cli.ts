/**
 * `citybrain sim scenario <name> [--seed S] [--verify] [--list]` and `citybrain sim watch [--device ID]
 * [--kind K]` — wired into `runSimCli` (simulators/cli.ts). Exit codes: 0 ok (verify held), 1 failure
 * (verify did not hold, platform unreachable), 2 usage error.
 */
import { randomBytes } from 'node:crypto';
import { DEVICE_KINDS, isDeviceKind } from '../../firmware-contracts/index.js';
import { parseDuration, parseFlags, UsageError, type Flags } from '../cli-args.js';
import { buildScenario, SCENARIOS, scenarioNames } from './index.js';
import { runScenario } from './runner.js';
import { formatVerdict } from './verify.js';
import { watchViolations } from './watch.js';
import { PLATFORM_FLAGS_HELP, platformHttpUrl, platformMqttUrl } from '../platform-env.js';

export interface ScenarioCliIo {
  out: (s: string) => void;
  signal?: AbortSignal;
  /** Where the platform is (CITYBRAIN_HTTP_PORT, CITYBRAIN_MQTT_PORT…; default process.env). */
  env?: Record<string, string | undefined>;
}

/** Resolves the admin token from `--token`, the environment or the data dir (simulators/cli.ts). */
export type TokenSource = (flags: Flags) => string | undefined;

export const SCENARIO_HELP = `citybrain sim scenario — play a seeded incident scenario and check the platform's alerts

Usage: citybrain sim scenario <name> [options]
       citybrain sim scenario --list

  --list               the scenarios, one line each
  --seed N             scenario seed: places, values, timings (default 1); same seed, same script
  --run-id ID          suffix of the device ids (default: random, so every run provisions new devices)
  --verify             after the timeline, wait for the expected alerts / incidents / violations and print
                       expected vs seen; exit 0 only when all hold and nothing else was raised for its devices
  --timeout DUR        how long --verify waits (default 20s)
  ${PLATFORM_FLAGS_HELP.http}
  ${PLATFORM_FLAGS_HELP.mqtt}
  ${PLATFORM_FLAGS_HELP.token}

Scenarios:
${SCENARIOS.map((s) => `  ${s.name.padEnd(20)} ${s.description}`).join('\n')}
`;

export const WATCH_HELP = `citybrain sim watch — live conformance watch: every contract violation devices make

Usage: citybrain sim watch [--device ID | --kind KIND] [options]

  --device ID          only this device
  --kind KIND          only devices of this kind (${DEVICE_KINDS.join(' | ')})
  ${PLATFORM_FLAGS_HELP.http}
  ${PLATFORM_FLAGS_HELP.token}

One line per violation: time, device, code, path, message (docs/contracts.md "Violation codes"); connects and
disconnects as ONLINE / OFFLINE lines. Runs until Ctrl-C.
`;

const str = (f: Flags, k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);

function needToken(f: Flags, token: TokenSource): string {
  const t = token(f);
  if (!t) throw new UsageError('no admin token: pass --token, set CITYBRAIN_ADMIN_TOKEN, or set CITYBRAIN_DATA_DIR (or run from the platform directory: ./data/admin-token)');
  return t;
}

export async function scenarioCommand(argv: string[], io: ScenarioCliIo, token: TokenSource): Promise<number> {
  const [first, ...more] = argv;
  const name = first !== undefined && !first.startsWith('--') ? first : undefined;
  const f = parseFlags(name === undefined ? argv : more, {
    list: 'boolean', seed: 'number', 'run-id': 'string', verify: 'boolean', timeout: 'string', http: 'string', mqtt: 'string', token: 'string',
  });
  if (f['list'] === true) {
    for (const s of SCENARIOS) io.out(`${s.name.padEnd(20)} ${s.description}`);
    return 0;
  }
  if (name === undefined) throw new UsageError(`name a scenario: ${scenarioNames().join(', ')} (or --list)`);
  const seed = typeof f['seed'] === 'number' ? f['seed'] : 1;
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be a non-negative integer');
  const runId = str(f, 'run-id') ?? randomBytes(3).toString('hex');
  if (!/^[A-Za-z0-9_-]{1,24}$/.test(runId)) throw new UsageError('--run-id must be 1–24 letters, digits, _ or -');
  const script = buildScenario(name, seed, runId);
  if (!script) throw new UsageError(`unknown scenario ${name}; one of ${scenarioNames().join(', ')}`);
  const timeout = str(f, 'timeout');
  const result = await runScenario(script, {
    httpUrl: platformHttpUrl(f, io.env ?? process.env),
    mqttUrl: platformMqttUrl(f, io.env ?? process.env),
    token: needToken(f, token),
    verify: f['verify'] === true,
    out: io.out,
    ...(timeout === undefined ? {} : { timeoutMs: parseDuration(timeout, 'timeout') }),
  });
  if (!result.verdict) {
    io.out('timeline played (add --verify to check the outcome)');
    return 0;
  }
  for (const line of formatVerdict(result.verdict)) io.out(line);
  return result.verdict.ok ? 0 : 1;
}

export async function watchCommand(argv: string[], io: ScenarioCliIo, token: TokenSource): Promise<number> {
  const f = parseFlags(argv, { device: 'string', kind: 'string', http: 'string', token: 'string' });
  const kind = str(f, 'kind');
  if (kind !== undefined && !isDeviceKind(kind)) throw new UsageError(`--kind must be one of ${DEVICE_KINDS.join(', ')}`);
  const device = str(f, 'device');
  const stop = new AbortController();
  const onSig = () => stop.abort();
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  io.signal?.addEventListener('abort', onSig, { once: true });
  if (io.signal?.aborted) stop.abort();
  try {
    const why = await watchViolations({
      httpUrl: platformHttpUrl(f, io.env ?? process.env), token: needToken(f, token), out: io.out, signal: stop.signal,
      ...(device === undefined ? {} : { device }), ...(kind === undefined ? {} : { kind }),
    });
    if (why === 'ended') io.out('the platform closed the stream');
    return why === 'stopped' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
    io.signal?.removeEventListener('abort', onSig);
  }
}
