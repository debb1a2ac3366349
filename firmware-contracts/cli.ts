/**
 * `citybrain contracts ...`: list, show, export JSON Schema, check a payload. All I/O goes through `io`,
 * so tests drive it without a process or a file system. Exit codes: 0 ok, 1 violations, 2 usage error.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEVICE_KINDS, getContract, isDeviceKind, type KindContract } from './kinds.js';
import { decodeCommandReply, decodeEvent, decodeStatus } from './messages.js';
import { DEFAULT_MAX_AGE_MS, type Violation } from './payload.js';
import { exportJsonSchemas } from './schemas.js';
import { decodeTelemetry } from './telemetry.js';

export interface ContractsCliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  readFile: (p: string) => Promise<string>;
  /** Must create missing parent directories. */
  writeFile: (p: string, s: string) => Promise<void>;
}

const HELP: Record<string, string> = {
  main: `Usage: citybrain contracts <command> [options]

Commands:
  list                     Device kinds, contract versions and reporting intervals
  show <kind>              Metrics (unit, type, range, required), events and commands of a kind
  export [--out DIR] [--kind K]
                           JSON Schema (2020-12): one <key>.schema.json per schema in DIR, or all as
                           one JSON object on stdout
  check <file.json> --kind K [--channel telemetry|status|events|command-reply] [--now TIME]
                           Validate a payload file; exit 0 valid, 1 violations, 2 usage error

Run 'citybrain contracts <command> --help' for details.`,
  list: 'Usage: citybrain contracts list\n\nPrints each device kind with its contract version and expected interval.',
  show: 'Usage: citybrain contracts show <kind>\n\nPrints the metrics table (unit, type, range, required), events,\n' +
    `commands and intervals of one kind. Kinds: ${DEVICE_KINDS.join(', ')}.`,
  export: 'Usage: citybrain contracts export [--out DIR] [--kind K]\n\n' +
    'Without --out, prints every schema as one JSON object keyed like "gas.telemetry".\n' +
    'With --out, writes DIR/<key>.schema.json per schema. --kind limits the export to one kind\n' +
    '(the shared "status" and "command-reply" schemas are always included).',
  check: 'Usage: citybrain contracts check <file.json> --kind K [--channel CHANNEL] [--now TIME]\n\n' +
    'Decodes the file exactly as the broker would and prints OK or each violation (code, path, message).\n' +
    '  --kind     device kind; not needed for the kind-independent status and command-reply channels\n' +
    '  --channel  telemetry (default), status, events or command-reply\n' +
    '  --now      receive time for timestamp checks, epoch ms or ISO-8601 (default: now)\n' +
    'Exit code: 0 valid, 1 violations, 2 usage error.',
};

type Parsed = { positionals: string[]; values: Record<string, string | boolean | undefined> };

function parse(args: string[], options: Record<string, { type: 'string' | 'boolean' }>): Parsed | string {
  try {
    const r = parseArgs({ args, options: { ...options, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
    return { positionals: r.positionals, values: r.values as Parsed['values'] };
  } catch (e) {
    return (e as Error).message;
  }
}

/** Run `citybrain contracts <argv...>`; resolves to the exit code. */
export async function runContractsCli(argv: string[], io: ContractsCliIo): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
      io.err(HELP['main'] ?? '');
      return 2;
    case '-h':
    case '--help':
    case 'help':
      io.out(HELP['main'] ?? '');
      return 0;
    case 'list':
    case 'show':
    case 'export':
    case 'check': {
      const specs = OPTIONS[cmd];
      const parsed = parse(rest, specs);
      if (typeof parsed === 'string') return usage(io, cmd, parsed);
      if (parsed.values['help'] === true) {
        io.out(HELP[cmd] ?? '');
        return 0;
      }
      return COMMANDS[cmd](parsed, io);
    }
    default:
      return usage(io, 'main', `unknown command '${cmd}'`);
  }
}

function usage(io: ContractsCliIo, cmd: string, problem: string): number {
  io.err(`citybrain contracts: ${problem}\n\n${HELP[cmd] ?? ''}`);
  return 2;
}

const OPTIONS = {
  list: {},
  show: {},
  export: { out: { type: 'string' }, kind: { type: 'string' } },
  check: { kind: { type: 'string' }, channel: { type: 'string' }, now: { type: 'string' } },
} as const satisfies Record<string, Record<string, { type: 'string' | 'boolean' }>>;

const COMMANDS: Record<keyof typeof OPTIONS, (p: Parsed, io: ContractsCliIo) => Promise<number> | number> = {
  list: (p, io) => {
    if (p.positionals.length > 0) return usage(io, 'list', `unexpected argument '${p.positionals[0]}'`);
    const rows = DEVICE_KINDS.map((k) => {
      const c = getContract(k) as KindContract;
      return [k, `v${c.version}`, interval(c), c.description];
    });
    io.out(table(['kind', 'version', 'interval', 'description'], rows));
    return 0;
  },
  show: (p, io) => {
    const kind = p.positionals[0];
    if (p.positionals.length !== 1 || kind === undefined) return usage(io, 'show', 'expected one kind');
    const c = getContract(kind);
    if (c === undefined) return usage(io, 'show', `unknown kind '${kind}' (kinds: ${DEVICE_KINDS.join(', ')})`);
    io.out(showKind(c));
    return 0;
  },
  export: async (p, io) => {
    if (p.positionals.length > 0) return usage(io, 'export', `unexpected argument '${p.positionals[0]}'`);
    const kind = p.values['kind'];
    if (kind !== undefined && !isDeviceKind(kind)) return usage(io, 'export', `unknown kind '${String(kind)}'`);
    const schemas = exportJsonSchemas(kind);
    const out = p.values['out'];
    if (typeof out !== 'string') {
      io.out(JSON.stringify(schemas, null, 2));
      return 0;
    }
    for (const [key, schema] of Object.entries(schemas)) {
      await io.writeFile(join(out, `${key}.schema.json`), JSON.stringify(schema, null, 2) + '\n');
    }
    io.out(`wrote ${Object.keys(schemas).length} schemas to ${out}`);
    return 0;
  },
  check: (p, io) => check(p, io),
};

async function check(p: Parsed, io: ContractsCliIo): Promise<number> {
  const file = p.positionals[0];
  if (p.positionals.length !== 1 || file === undefined) return usage(io, 'check', 'expected one payload file');
  const channel = p.values['channel'] ?? 'telemetry';
  const kind = p.values['kind'];
  if (channel !== 'telemetry' && channel !== 'status' && channel !== 'events' && channel !== 'command-reply') {
    return usage(io, 'check', `unknown channel '${String(channel)}'`);
  }
  const kindFree = channel === 'status' || channel === 'command-reply';
  if (!kindFree && typeof kind !== 'string') return usage(io, 'check', '--kind is required');
  if (typeof kind === 'string' && !isDeviceKind(kind)) return usage(io, 'check', `unknown kind '${kind}'`);
  const now = parseNow(p.values['now']);
  if (now === undefined) return usage(io, 'check', `--now must be epoch ms or ISO-8601`);
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (e) {
    io.err(`citybrain contracts: cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  const opts = { now, maxAgeMs: DEFAULT_MAX_AGE_MS };
  const k = String(kind);
  let violations: Violation[];
  let accepted = '';
  if (channel === 'telemetry') {
    const r = decodeTelemetry(k, text, opts);
    violations = r.violations;
    accepted = `${r.samples.length} sample(s) accepted`;
  } else if (channel === 'events') {
    violations = decodeEvent(k, text, opts).violations;
  } else if (channel === 'status') {
    violations = decodeStatus(text, opts).violations;
  } else {
    violations = decodeCommandReply(text, opts).violations;
  }
  if (violations.length === 0) {
    io.out(accepted === '' ? 'OK' : `OK (${accepted})`);
    return 0;
  }
  for (const v of violations) {
    const where = [v.sampleIndex !== undefined ? `sample ${v.sampleIndex}` : '', v.path ?? ''].filter((s) => s !== '').join(' ');
    io.out(`${v.code}${where === '' ? '' : ` ${where}`}: ${v.message}`);
  }
  if (accepted !== '') io.out(accepted);
  return 1;
}

function parseNow(raw: string | boolean | undefined): number | undefined {
  if (raw === undefined) return Date.now();
  if (typeof raw !== 'string') return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  return Number.isFinite(n) ? n : undefined;
}

function interval(c: KindContract): string {
  const alarm = c.alarmIntervalMs === undefined ? '' : ` (fast mode ${c.alarmIntervalMs / 1000} s)`;
  return `${c.intervalMs / 1000} s${alarm}`;
}

function showKind(c: KindContract): string {
  const metrics = table(['metric', 'unit', 'type', 'range', 'required', 'description'], c.metrics.map((m) => [
    m.name, m.unit, m.type, m.min === undefined ? '' : `${m.min} .. ${m.max}`, m.required ? 'yes' : 'no', m.description,
  ]));
  const events = table(['event', 'description'], c.events.map((e) => [e.type, e.description]));
  const commands = table(['command', 'params', 'description'], c.commands.map((cmd) => [
    cmd.name,
    Object.entries(cmd.params).map(([k, p]) =>
      `${k}${p.required ? '' : '?'}: ${p.type}${p.min === undefined ? '' : ` ${p.min}..${p.max}`}`).join(', '),
    cmd.description,
  ]));
  return [
    `${c.kind} — contract v${c.version}: ${c.description}`,
    `interval: ${interval(c)}; offline after 3× the interval`,
    '', metrics, '', events, '', commands,
  ].join('\n');
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
