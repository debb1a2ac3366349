/** A small `--flag value` parser for the sim commands (flags declared up front; unknown ones are errors). */

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

/** `500ms`, `5s`, `2m`, `1h`, or a bare number of seconds → ms. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--${flag} must be a duration like 500ms, 5s, 2m or 1h, got ${text}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Number(m[1]) * unit;
  if (ms <= 0) throw new UsageError(`--${flag} must be positive`);
  return ms;
}
