import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeConfig, loadConfig, redactUrl } from '../kernel/config.js';
import { isAppError } from '../kernel/errors.js';
import { runContractsCli } from '../firmware-contracts/index.js';
import type { DemoVehicleFactory } from './demo.js';
import { startupFailure } from './startup-failure.js';

/** Kept equal to package.json's version by app/cli.test.ts (reading the file would cost start-up time). */
export const VERSION = '0.1.0';

const HELP = `citybrain ${VERSION} — urban lifeline monitoring and drone patrols

Usage: npx citybrain <command> [options]      (every command takes --help)

Commands:
  start                  Run the platform (embedded MQTT broker, SQLite stores; real engines when
                         DATABASE_URL / INFLUX_URL / REDIS_URL are set). Ctrl-C stops it gracefully.
  config                 Check the configuration from the environment and print it (secrets redacted)
  version                Print the version
  contracts list         Firmware contracts: kinds and versions
  contracts show KIND    Metrics, units, ranges and reporting interval of a kind
  contracts check FILE   Check a payload against its contract (--kind KIND)
  contracts export       JSON Schema per kind (--out DIR)
  sim sensors            A city's sensor fleet: provision, connect, report plausible values
  sim device             One virtual device that prints what it sends and receives
  sim scenario           A seeded incident scenario; --verify checks the alerts the platform raised
  sim docks              Simulated MAVLink docks and drones in the four core districts (--register)
  sim watch              Live conformance watch: every contract violation devices make
  sim opcua-station      A simulated OPC UA district-heating station

The simulators find the platform through the same environment (CITYBRAIN_HTTP_PORT, CITYBRAIN_MQTT_PORT,
CITYBRAIN_DATA_DIR for the admin token); --http, --mqtt and --token override.

Environment (all optional):
${describeConfig()}
`;

const VERSION_HELP = `Usage: npx citybrain version\n\nPrints the version (${VERSION}).`;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const defaultIo: CliIo = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.out(HELP);
      return cmd === undefined ? 2 : 0;
    case 'version':
    case '--version':
      io.out(rest.includes('--help') || rest.includes('-h') ? VERSION_HELP : VERSION);
      return 0;
    case 'contracts':
      return runContractsCli(rest, {
        out: io.out,
        err: io.err,
        readFile: (p) => readFile(p, 'utf8'),
        writeFile: async (p, s) => {
          await mkdir(dirname(p), { recursive: true });
          await writeFile(p, s);
        },
      });
    case 'sim': {
      // Loaded lazily: production code never imports the simulators (test/architecture.test.ts).
      const { runSimCli } = await import('../simulators/index.js');
      return runSimCli(rest, io);
    }
    case 'config':
      return configCommand(rest, io);
    case 'start':
      return startCommand(rest, io);
    default:
      io.err(`citybrain: unknown command '${cmd}'. Run 'citybrain --help'.`);
      return 2;
  }
}

function configCommand(args: string[], io: CliIo): number {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`Usage: citybrain config\n\nValidates the configuration from the environment, lists every problem,\nand prints the effective settings (secrets redacted). Exit 0 valid, 1 invalid.\n\n${describeConfig()}`);
    return 0;
  }
  try {
    const c = loadConfig();
    const shown: Record<string, unknown> = { ...c };
    for (const k of ['adminToken', 'influxPassword', 'credentialKey']) if (shown[k] !== undefined) shown[k] = '[redacted]';
    for (const k of ['databaseUrl', 'redisUrl', 'influxUrl']) if (typeof shown[k] === 'string') shown[k] = redactUrl(shown[k] as string);
    io.out(JSON.stringify(shown, null, 2));
    return 0;
  } catch (e) {
    io.err(isAppError(e) ? e.message : String(e));
    return 1;
  }
}

/**
 * SIGINT/SIGTERM, listened to from before the platform starts (one during the start stops it as soon as it
 * is up, so a supervisor's signal is never lost in a window before the listener exists); a second signal
 * exits at once.
 */
function stopSignals(io: CliIo): { requested: Promise<string>; received: () => boolean; ownSignals: () => void } {
  let signalled = (_: string): void => {};
  const requested = new Promise<string>((resolve) => (signalled = resolve));
  let received = false;
  const on = (signal: 'SIGINT' | 'SIGTERM') => (): void => {
    if (received) {
      io.err('citybrain: second signal, exiting now');
      process.exit(130);
    }
    received = true;
    io.out(`citybrain: ${signal} received, shutting down (flushing buffers)...`);
    signalled(signal);
  };
  const handlers = { SIGINT: on('SIGINT'), SIGTERM: on('SIGTERM') };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, handlers[sig]);
  return {
    requested,
    received: () => received,
    // A library that exits the process on a signal (node-opcua-pki closes its file watchers and calls
    // process.exit()) would cut the flush short; the platform's stop closes those itself. The CLI owns
    // these signals: other listeners are removed, now and whenever one is added later.
    ownSignals: () => {
      const foreign = (sig: string | symbol, l: unknown): boolean => (sig === 'SIGINT' || sig === 'SIGTERM') && l !== handlers[sig];
      for (const sig of ['SIGINT', 'SIGTERM'] as const) for (const l of process.listeners(sig)) if (foreign(sig, l)) process.off(sig, l);
      process.on('newListener', (sig, l: (...args: unknown[]) => void) => {
        if (foreign(sig, l)) setImmediate(() => process.off(sig, l));
      });
    },
  };
}

async function startCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`Usage: citybrain start\n\nRuns the platform until SIGINT/SIGTERM; SIGHUP reloads the TLS certificate. Configured by environment variables:\n\n${describeConfig()}`);
    return 0;
  }
  if (args.length > 0) {
    io.err(`citybrain start: unexpected argument '${args[0]}'. Run 'citybrain start --help'.`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    io.err(isAppError(e) ? e.message : String(e));
    return 1;
  }
  const signals = stopSignals(io);
  // Loaded here, not at the top: the platform's libraries take seconds to load, `version` or `config` none.
  const [{ createLogger }, { startPlatform }] = await Promise.all([import('../kernel/logger.js'), import('./platform.js')]);
  const log = createLogger({ level: config.logLevel });
  let platform;
  try {
    // Loaded lazily, and only for the demo: production code never imports the simulators.
    const demoVehicles =
      config.demo === 'on'
        ? async (homes: Parameters<DemoVehicleFactory>[0], o: { timeScale: number }) => (await import('../simulators/index.js')).startSimDocks(homes, { ...o, minLinkLossMs: 3000 }) // three heartbeats: see sim docks
        : undefined;
    platform = await startPlatform(config, { log, ...(demoVehicles ? { demoVehicles } : {}) });
  } catch (e) {
    // One line for people and supervisors; the stack only at debug level.
    log.debug({ err: e }, 'startup failed');
    io.err(`citybrain: startup failed: ${startupFailure(e, config)}`);
    return 1;
  }
  signals.ownSignals();
  const started = platform;
  if (!signals.received()) for (const line of started.banner()) io.out(line);
  // SIGHUP re-reads the TLS certificate, key, CA and CRL (they are also watched) without a restart.
  process.on('SIGHUP', () => io.out(`citybrain: SIGHUP: TLS ${started.reloadTls() ? 'certificate reloaded' : 'not reloaded (TLS off or files unusable; see the log)'}`));
  await signals.requested;
  try {
    await started.stop();
  } catch (e) {
    log.error({ err: e }, 'shutdown failed');
  }
  io.out('citybrain: stopped');
  return 0;
}
