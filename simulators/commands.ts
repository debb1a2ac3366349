/**
 * How a simulated device answers platform commands (docs/contracts.md "Commands and replies") — pure.
 * The broker sends `{"id": correlationId, "params": {...}}` (broker/index.ts `sendCommand`); a bare
 * parameter object (what the contract page shows) is accepted too, so hand-sent commands work.
 */
import { validateCommand, type CommandReply, type DeviceKind } from '../firmware-contracts/index.js';

export interface CommandOutcome {
  reply: CommandReply;
  /** `set_interval`: the new normal reporting interval, seconds. */
  intervalSeconds?: number;
  /** `reboot`: the device restarts (it reports a `reboot` event). */
  reboot?: boolean;
}

function paramsOf(payload: Uint8Array | string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  const p = o['params'];
  if (typeof p === 'object' && p !== null && !Array.isArray(p)) return p as Record<string, unknown>;
  const { id: _id, ...rest } = o;
  return rest;
}

/** The reply and effect of command `name` with `payload` on a healthy device of `kind`. */
export function answerCommand(kind: DeviceKind, name: string, payload: Uint8Array | string): CommandOutcome {
  const params = paramsOf(payload);
  if (params === undefined) return { reply: { ok: false, message: 'command payload is not a JSON object' } };
  const violations = validateCommand(kind, name, params);
  if (violations.length > 0) {
    return { reply: { ok: false, message: violations.map((v) => `${v.code}${v.path ? ` ${v.path}` : ''}`).join('; ') } };
  }
  switch (name) {
    case 'set_interval': {
      const seconds = params['seconds'] as number;
      return { reply: { ok: true, data: { seconds } }, intervalSeconds: seconds };
    }
    case 'reboot':
      return { reply: { ok: true }, reboot: true };
    case 'selftest':
      return { reply: { ok: true, data: { sensor: 'ok', memory: 'ok', simulated: true } } };
    case 'calibrate':
      return { reply: { ok: true, data: { zeroed: params['span_lel'] === undefined } } };
    default:
      // A command the contract gained after this simulator was written: accepted, nothing to do.
      return { reply: { ok: true } };
  }
}
