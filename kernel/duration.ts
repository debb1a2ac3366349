/**
 * The one duration syntax of the project: settings, CLI flags and query parameters all read `500ms`,
 * `30s`, `5m`, `1h` (and `1d`). Pure: text in, milliseconds out.
 */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;

/** How a duration is written, for error messages and help text. */
export const DURATION_SYNTAX = 'a duration like 500ms, 30s, 5m or 1h';

/**
 * `500ms`, `30s`, `1.5s`, `5m`, `1h`, `1d` → milliseconds (rounded to whole ms). A bare number is
 * milliseconds only when `bareMs` is set (settings whose names end in `_MS` kept that meaning);
 * otherwise a unit is required, so `--duration 30` cannot silently mean 30 ms or 30 s.
 * Returns undefined for anything else.
 */
export function parseDuration(text: string, opts: { bareMs?: boolean } = {}): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2] as keyof typeof UNIT_MS | undefined;
  if (unit === undefined && !opts.bareMs) return undefined;
  const ms = Math.round(Number(m[1]) * UNIT_MS[unit ?? 'ms']);
  return Number.isFinite(ms) ? ms : undefined;
}

/** 10000 → `10s`, 90000 → `90s`, 300000 → `5m`: the largest unit that divides evenly. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
