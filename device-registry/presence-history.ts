/**
 * A device's presence timeline: its online/offline changes over a range, as back-to-back intervals
 * (GET /api/v1/devices/{id}/presence, the console's device detail).
 */
import type { PresenceChangeRow } from './device-repository.js';

export interface PresenceInterval {
  online: boolean;
  from: number;
  to: number;
}

/**
 * Intervals covering `[from, to)` from the log (the last change before `from` first, if any). Before a
 * device's first logged change it is offline: devices are created offline and come online by connecting.
 * Nothing is reported before the device existed; repeated states are merged.
 */
export function presenceIntervals(log: readonly PresenceChangeRow[], from: number, to: number, createdAt: number): PresenceInterval[] {
  const start = Math.max(from, createdAt);
  if (start >= to) return [];
  const out: PresenceInterval[] = [];
  let state = false;
  let since = start;
  for (const c of log) {
    if (c.at < start) {
      state = c.online;
      continue;
    }
    if (c.at >= to) break;
    if (c.online === state) continue;
    if (c.at > since) out.push({ online: state, from: since, to: c.at });
    state = c.online;
    since = c.at;
  }
  out.push({ online: state, from: since, to });
  return out;
}
