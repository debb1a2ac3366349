/**
 * `citybrain sim ...`: the sensor fleet, the virtual device, scenarios, docks, the watch and the OPC UA
 * station. `citybrain sim` (app/cli.ts) calls `runSimCli(argv after "sim", io)`.
 */
import { existsSync } from 'node:fs';
import { DEVICE_KINDS, isDeviceKind } from '../firmware-contracts/index.js';
import { parseDuration, parseFlags, UsageError, type Flags } from './cli-args.js';
import { runFleet, type FleetOptions } from './fleet.js';
import { parseMix } from './placement.js';
import { formatProgress, formatSummary } from './progress.js';
import { parseSet, startVirtualDevice } from './virtual-device.js';
import { DOCKS_HELP, registerDocks, runSimDocks } from './vehicle/docks-cli.js';
import { SCENARIO_HELP, scenarioCommand, WATCH_HELP, watchCommand } from './scenarios/cli.js';
import { OPCUA_STATION_HELP, opcuaStationCommand } from './opcua/cli.js';
import { PLATFORM_FLAGS_HELP, platformAdminToken, platformHttpUrl, platformMqttUrl } from './platform-env.js';

export interface SimCliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Environment for the token and defaults (default process.env). */
  env?: Record<string, string | undefined>;
  /** Aborting it stops a running simulation like Ctrl-C does. */
  signal?: AbortSignal;
}

const HELP = `citybrain sim — simulators for integrators (they use only the platform's HTTP API and MQTT)

Usage: citybrain sim <command> [options]

Commands:
  sensors     A city's sensor fleet: provision, connect, report plausible values (sim sensors --help)
  device      One virtual device of any kind that prints what it sends and receives (sim device --help)
  scenario    A seeded incident scenario, --verify checks the alerts the platform raised (sim scenario --help)
  docks       Simulated MAVLink docks and drones in the four core districts (sim docks --help)
  watch       Live conformance watch: every contract violation devices make (sim watch --help)
  opcua-station  A simulated OPC UA district-heating station (sim opcua-station --help)
`;

const SENSORS_HELP = `citybrain sim sensors — run a simulated sensor fleet against a platform

Usage: citybrain sim sensors [options]

  --devices N          devices to run (default 100)
  --seed N             city seed: placement, weather and every device's signal (default 7)
  --mix gas=30,...     kind weights (default gas=30,water=20,heat=12,drainage=16,elevator=18,bridge=4)
  ${PLATFORM_FLAGS_HELP.http}
  ${PLATFORM_FLAGS_HELP.mqtt}
  ${PLATFORM_FLAGS_HELP.token}
  --credentials FILE   read device credentials from FILE if it exists, else provision and write it there
  --provision          provision through the API even when FILE exists (existing devices get new secrets)
  --speedup X          divide every contract interval by X (default 1: gas 60 s, bridge 10 s, ...)
  --interval DUR       fixed reporting interval for every device instead (e.g. 500ms, 5s)
  --qos 0|1            telemetry QoS (default 1: PUBACK counted, unacknowledged messages resent on reconnect)
  --connect-rate N     new connections per second while ramping up (default 1000)
  --quiet-ramp         no telemetry until every device has connected (a gentler start for big fleets)
  --processes N        split the devices over N child processes (default 1)
  --rain MMH           force rain of MMH mm/h over the city (drainage answers)
  --duration DUR       stop after DUR (default: run until Ctrl-C)
  --quiet              no progress lines, only the summary

Progress is printed every second: connected/target, connections/s, readings/s, sent, acked, errors,
commands. Ctrl-C publishes every device's offline status, disconnects and prints a summary.
`;

const DEVICE_HELP = `citybrain sim device — one virtual device, for testing without hardware

Usage: citybrain sim device --kind KIND --id ID --password SECRET [options]

  --kind KIND          ${DEVICE_KINDS.join(' | ')}
  --id ID              device id (MQTT username and client id)
  --password SECRET    the device secret from provisioning
  ${PLATFORM_FLAGS_HELP.mqtt}
  --interval DUR       reporting interval (default: the kind's contract interval), e.g. 5s
  --set NAME=VALUE     send this value instead of the model's (repeatable), e.g. --set ch4_lel=27
  --seed N             signal seed (default 7)
  --fw VERSION         firmware version in the status message (default sim-1.0.0)
  --duration DUR       stop after DUR (default: run until Ctrl-C)

Prints every message it sends (→) and receives (←); answers reboot, set_interval, selftest, calibrate.
`;

const isHelp = (argv: readonly string[]) => argv.includes('--help') || argv.includes('-h');

/** Resolves on Ctrl-C / SIGTERM, `signal` abort or after `durationMs`. */
function untilStopped(durationMs: number | undefined, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const timer = durationMs === undefined ? undefined : setTimeout(() => done('duration reached'), durationMs);
    const onSig = () => done('interrupted');
    const onAbort = () => done('aborted');
    function done(why: string) {
      clearTimeout(timer);
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
      signal?.removeEventListener('abort', onAbort);
      resolve(why);
    }
    process.once('SIGINT', onSig);
    process.once('SIGTERM', onSig);
    if (signal?.aborted) return done('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function docks(argv: string[], io: SimCliIo): Promise<number> {
  const f = parseFlags(argv, { count: 'number', speedup: 'number', autopilot: 'string', register: 'boolean', http: 'string', token: 'string', prefix: 'string' });
  const count = num(f, 'count') ?? 4;
  if (!Number.isInteger(count) || count < 1 || count > 500) throw new UsageError('--count must be an integer from 1 to 500');
  const speedup = num(f, 'speedup') ?? 1;
  if (speedup < 1 || speedup > 100) throw new UsageError('--speedup must be from 1 to 100');
  const autopilot = str(f, 'autopilot') ?? 'ardupilot';
  if (autopilot !== 'ardupilot' && autopilot !== 'px4') throw new UsageError('--autopilot must be ardupilot or px4');
  const run = await runSimDocks({ count, speedup, autopilot, prefix: str(f, 'prefix') ?? 'sim' });
  io.out(`${run.docks.length} simulated MAVLink docks (${autopilot}, ×${speedup}):`);
  for (const d of run.docks) io.out(`  ${d.dockId.padEnd(24)} district ${d.district}  home ${d.home.lon.toFixed(5)},${d.home.lat.toFixed(5)}  ${d.address}`);
  if (f['register']) {
    const token = adminToken(f, io.env ?? process.env);
    if (!token) {
      await run.close();
      throw new UsageError('--register needs --token, CITYBRAIN_ADMIN_TOKEN or $CITYBRAIN_DATA_DIR/admin-token (./data)');
    }
    const failed = await registerDocks(run, platformHttpUrl(f, io.env ?? process.env), token, autopilot, io.out);
    if (failed > 0) {
      await run.close();
      return 1;
    }
    io.out('registered with the platform: schedule missions on these docks (POST /api/v1/missions)');
  } else {
    io.out('register each with: POST /api/v1/docks {"id","location"} and POST /api/v1/drones {"id","typeId","dockId","link":"<address>"} (or rerun with --register)');
  }
  io.out('Ctrl-C stops them.');
  const why = await untilStopped(undefined, io.signal);
  await run.close();
  io.out(`stopped (${why})`);
  return 0;
}

const adminToken = platformAdminToken;

const str = (f: Flags, k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
const num = (f: Flags, k: string): number | undefined => (typeof f[k] === 'number' ? (f[k] as number) : undefined);

function sensorsOptions(f: Flags, io: SimCliIo): FleetOptions {
  const env = io.env ?? process.env;
  const devices = num(f, 'devices') ?? 100;
  const qos = num(f, 'qos') ?? 1;
  if (!Number.isInteger(devices) || devices < 1) throw new UsageError('--devices must be a positive integer');
  if (qos !== 0 && qos !== 1) throw new UsageError('--qos must be 0 or 1');
  const credentialsFile = str(f, 'credentials');
  const token = adminToken(f, env);
  const interval = str(f, 'interval');
  const mix = str(f, 'mix');
  return {
    httpUrl: platformHttpUrl(f, env),
    mqttUrl: platformMqttUrl(f, env),
    devices,
    seed: num(f, 'seed') ?? 7,
    qos,
    provision: f['provision'] === true || credentialsFile === undefined || !existsSync(credentialsFile),
    connectRate: num(f, 'connect-rate') ?? 1_000,
    processes: num(f, 'processes') ?? 1,
    quietRamp: f['quiet-ramp'] === true,
    ...(num(f, 'speedup') === undefined ? {} : { speedup: num(f, 'speedup')! }),
    ...(interval === undefined ? {} : { intervalMs: parseDuration(interval, 'interval') }),
    ...(mix === undefined ? {} : { mix: parseMix(mix) }),
    ...(num(f, 'rain') === undefined ? {} : { environment: { rainMmH: num(f, 'rain')! } }),
    ...(token === undefined ? {} : { token }),
    ...(credentialsFile === undefined ? {} : { credentialsFile }),
  };
}

async function sensors(argv: string[], io: SimCliIo): Promise<number> {
  const f = parseFlags(argv, {
    devices: 'number', seed: 'number', mix: 'string', http: 'string', mqtt: 'string', token: 'string', credentials: 'string',
    provision: 'boolean', speedup: 'number', interval: 'string', qos: 'number', 'connect-rate': 'number', processes: 'number',
    rain: 'number', duration: 'string', quiet: 'boolean', 'quiet-ramp': 'boolean',
  });
  const o = sensorsOptions(f, io);
  const duration = str(f, 'duration');
  const durationMs = duration === undefined ? undefined : parseDuration(duration, 'duration');
  io.out(o.provision ? `provisioning ${o.devices} devices through ${o.httpUrl}/api/v1/devices/import` : `reading credentials from ${o.credentialsFile}`);
  const fleet = await runFleet({
    ...o,
    onProvision: (done, total) => io.out(`provisioned ${done}/${total}`),
    ...(f['quiet'] === true ? {} : { onProgress: (p) => io.out(formatProgress(p)) }),
  });
  if (o.provision && o.credentialsFile) io.out(`credentials written to ${o.credentialsFile}`);
  io.out(`connecting ${fleet.devices.length} devices to ${o.mqttUrl} at up to ${o.connectRate}/s`);
  const why = await untilStopped(durationMs, io.signal);
  io.out(`${why}: sending offline status and disconnecting ${fleet.devices.length} devices`);
  const summary = await fleet.stop();
  for (const line of formatSummary(summary)) io.out(line);
  return 0;
}

async function device(argv: string[], io: SimCliIo): Promise<number> {
  const f = parseFlags(argv, {
    kind: 'string', id: 'string', password: 'string', mqtt: 'string', interval: 'string', set: 'list', seed: 'number',
    fw: 'string', duration: 'string',
  });
  const kind = str(f, 'kind');
  const id = str(f, 'id');
  const password = str(f, 'password');
  if (!isDeviceKind(kind)) throw new UsageError(`--kind must be one of ${DEVICE_KINDS.join(', ')}`);
  if (!id || !password) throw new UsageError('--id and --password are required');
  const interval = str(f, 'interval');
  const seed = num(f, 'seed');
  const fw = str(f, 'fw');
  const duration = str(f, 'duration');
  const set = parseSet(kind, (f['set'] as string[] | undefined) ?? []);
  const durationMs = duration === undefined ? undefined : parseDuration(duration, 'duration');
  const dev = await startVirtualDevice({
    mqttUrl: platformMqttUrl(f, io.env ?? process.env), id, password, kind, set, out: io.out,
    ...(interval === undefined ? {} : { intervalMs: parseDuration(interval, 'interval') }),
    ...(seed === undefined ? {} : { seed }),
    ...(fw === undefined ? {} : { fw }),
  });
  await untilStopped(durationMs, io.signal);
  await dev.stop();
  return 0;
}

/** `citybrain sim <sensors|device|scenario|watch> [options]`; exit code 0 ok, 1 failure, 2 usage error. */
export async function runSimCli(argv: string[], io: SimCliIo): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return cmd === undefined ? 2 : 0;
      case 'sensors':
        if (isHelp(rest)) return (io.out(SENSORS_HELP), 0);
        return await sensors(rest, io);
      case 'device':
        if (isHelp(rest)) return (io.out(DEVICE_HELP), 0);
        return await device(rest, io);
      case 'scenario':
        if (isHelp(rest)) return (io.out(SCENARIO_HELP), 0);
        return await scenarioCommand(rest, io, (f) => adminToken(f, io.env ?? process.env));
      case 'docks':
        if (isHelp(rest)) return (io.out(DOCKS_HELP), 0);
        return await docks(rest, io);
      case 'watch':
        if (isHelp(rest)) return (io.out(WATCH_HELP), 0);
        return await watchCommand(rest, io, (f) => adminToken(f, io.env ?? process.env));
      case 'opcua-station':
        if (isHelp(rest)) return (io.out(OPCUA_STATION_HELP), 0);
        return await opcuaStationCommand(rest, io);
      default:
        io.err(`unknown sim command ${cmd}\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof RangeError) {
      io.err(`${err.message}\n(citybrain sim ${cmd} --help)`);
      return 2;
    }
    io.err(`sim ${cmd}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
