/** A small `--flag value` parser for the sim commands (flags declared up front; unknown ones are errors). */
import { DURATION_SYNTAX, parseDuration as parseDurationText } from '../kernel/duration.js';

export type FlagType = 'string' | 'number' | 'boolean' | 'list';
export type Flags = Record<string, string | number | boolean | string[] | undefined>;

export class UsageError extends Error {}

/** Parses `--name value`, `--name=value`, boolean `--name`; `list` flags may repeat. */
export function parseFlags(argv: readonly string[], spec: Readonly<Record<string, FlagType>>): Flags {
  const out: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const type = spec[name];
    if (type === undefined) throw new UsageError(`unknown option --${name}`);
    if (type === 'boolean') {
      out[name] = eq < 0 ? true : a.slice(eq + 1) !== 'false';
      continue;
    }
    const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (type === 'number') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got ${value}`);
      out[name] = n;
    } else if (type === 'list') {
      out[name] = [...((out[name] as string[] | undefined) ?? []), value];
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** `500ms`, `5s`, `2m`, `1h` → ms (kernel/duration.ts, the syntax of every setting); a unit is required. */
export function parseDuration(text: string, flag: string): number {
  const ms = parseDurationText(text);
  if (ms === undefined) {
    const hint = /^\d+(\.\d+)?$/.test(text.trim()) ? ` (add a unit: ${text.trim()}s or ${text.trim()}ms)` : '';
    throw new UsageError(`--${flag} must be ${DURATION_SYNTAX}, got ${text}${hint}`);
  }
  if (ms <= 0) throw new UsageError(`--${flag} must be positive`);
  return ms;
}
