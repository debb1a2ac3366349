/**
 * The low-rate channels: status (retained), events, commands and command replies (architecture.md "MQTT").
 * Same rules as telemetry: violations are values; any violation means the message is not accepted.
 */
import { compiledContract } from './kinds.js';
import {
  isPlainObject, parseObject, resolveTimestamp, typeName, unknownKeys, violation,
  type DecodeOptions, type Violation,
} from './payload.js';
import { checkValue } from './telemetry.js';

export interface DeviceStatus {
  online: boolean;
  fw?: string;
  /** Every other field the device sent (battery, signal, ip...), passed on unchecked. */
  extra: Record<string, unknown>;
}

export interface DecodedEvent {
  ts: number;
  type: string;
  data: Record<string, unknown>;
}

export interface CommandReply {
  ok: boolean;
  message?: string;
  data?: Record<string, unknown>;
}

/** devices/{id}/status: `{"online": boolean, "fw"?: string, ...}`; extra fields are allowed. */
export function decodeStatus(
  payload: Uint8Array | string,
  opts: DecodeOptions,
): { status?: DeviceStatus; violations: Violation[] } {
  const parsed = parseObject(payload, opts);
  if (!parsed.ok) return { violations: [parsed.violation] };
  const obj = parsed.value;
  const violations: Violation[] = [];
  const online = obj['online'];
  if (online === undefined) violations.push(violation('BAD_SHAPE', 'online is missing', 'online'));
  else if (typeof online !== 'boolean') violations.push(violation('WRONG_TYPE', `online must be boolean, got ${typeName(online)}`, 'online'));
  const fw = obj['fw'];
  if (fw !== undefined && typeof fw !== 'string') violations.push(violation('WRONG_TYPE', `fw must be a string, got ${typeName(fw)}`, 'fw'));
  if (violations.length > 0) return { violations };
  const extra: Record<string, unknown> = {};
  for (const key in obj) if (key !== 'online' && key !== 'fw') extra[key] = obj[key];
  const status: DeviceStatus = { online: online as boolean, extra };
  if (fw !== undefined) status.fw = fw as string;
  return { status, violations };
}

const EVENT_KEYS: ReadonlySet<string> = new Set(['ts', 'type', 'data']);

/** devices/{id}/events: `{"ts"?, "type": string, "data"?: object}`, type from the kind's event list. */
export function decodeEvent(
  kind: string,
  payload: Uint8Array | string,
  opts: DecodeOptions,
): { event?: DecodedEvent; violations: Violation[] } {
  const compiled = compiledContract(kind);
  if (compiled === undefined) return { violations: [violation('UNKNOWN_KIND', `unknown device kind ${JSON.stringify(kind)}`)] };
  const parsed = parseObject(payload, opts);
  if (!parsed.ok) return { violations: [parsed.violation] };
  const obj = parsed.value;
  const violations: Violation[] = [];
  unknownKeys(obj, EVENT_KEYS, '', violations);
  const ts = resolveTimestamp(obj['ts'], opts, '');
  if (typeof ts !== 'number') violations.push(ts);
  const type = obj['type'];
  if (type === undefined) violations.push(violation('BAD_SHAPE', 'type is missing', 'type'));
  else if (typeof type !== 'string') violations.push(violation('WRONG_TYPE', `type must be a string, got ${typeName(type)}`, 'type'));
  else if (!compiled.events.has(type)) {
    violations.push(violation('UNKNOWN_EVENT', `${kind} has no event ${JSON.stringify(type)}`, 'type'));
  }
  const data = obj['data'];
  if (data !== undefined && !isPlainObject(data)) {
    violations.push(violation('WRONG_TYPE', `data must be an object, got ${typeName(data)}`, 'data'));
  }
  if (violations.length > 0 || typeof ts !== 'number') return { violations };
  return { event: { ts, type: type as string, data: (data as Record<string, unknown> | undefined) ?? {} }, violations };
}

const REPLY_KEYS: ReadonlySet<string> = new Set(['ok', 'message', 'data']);

/** devices/{id}/commands/{name}/reply: `{"ok": boolean, "message"?: string, "data"?: object}`. */
export function decodeCommandReply(
  payload: Uint8Array | string,
  opts: DecodeOptions,
): { reply?: CommandReply; violations: Violation[] } {
  const parsed = parseObject(payload, opts);
  if (!parsed.ok) return { violations: [parsed.violation] };
  const obj = parsed.value;
  const violations: Violation[] = [];
  unknownKeys(obj, REPLY_KEYS, '', violations);
  const ok = obj['ok'];
  if (ok === undefined) violations.push(violation('BAD_SHAPE', 'ok is missing', 'ok'));
  else if (typeof ok !== 'boolean') violations.push(violation('WRONG_TYPE', `ok must be boolean, got ${typeName(ok)}`, 'ok'));
  const message = obj['message'];
  if (message !== undefined && typeof message !== 'string') {
    violations.push(violation('WRONG_TYPE', `message must be a string, got ${typeName(message)}`, 'message'));
  }
  const data = obj['data'];
  if (data !== undefined && !isPlainObject(data)) {
    violations.push(violation('WRONG_TYPE', `data must be an object, got ${typeName(data)}`, 'data'));
  }
  if (violations.length > 0) return { violations };
  const reply: CommandReply = { ok: ok as boolean };
  if (message !== undefined) reply.message = message as string;
  if (data !== undefined) reply.data = data as Record<string, unknown>;
  return { reply, violations };
}

/**
 * Check a command the platform is about to send. `params` may be undefined or null (no parameters) or an
 * object; unknown or missing parameters are BAD_SHAPE (path `params.<name>`). Empty result = valid.
 */
export function validateCommand(kind: string, name: string, params: unknown): Violation[] {
  const compiled = compiledContract(kind);
  if (compiled === undefined) return [violation('UNKNOWN_KIND', `unknown device kind ${JSON.stringify(kind)}`)];
  const spec = compiled.commands.get(name);
  if (spec === undefined) return [violation('UNKNOWN_COMMAND', `${kind} has no command ${JSON.stringify(name)}`)];
  if (params !== undefined && params !== null && !isPlainObject(params)) {
    return [violation('NOT_AN_OBJECT', `params must be an object, got ${typeName(params)}`, 'params')];
  }
  const given: Record<string, unknown> = params ?? {};
  const out: Violation[] = [];
  for (const key in given) {
    const p = Object.hasOwn(spec.params, key) ? spec.params[key] : undefined;
    if (p === undefined) {
      out.push(violation('BAD_SHAPE', `${name} has no parameter ${JSON.stringify(key)}`, `params.${key}`));
      continue;
    }
    const problem = checkValue(given[key], p);
    if (problem !== undefined) out.push(violation(problem[0], problem[1], `params.${key}`));
  }
  for (const [key, p] of Object.entries(spec.params)) {
    if (p.required && !Object.hasOwn(given, key)) {
      out.push(violation('BAD_SHAPE', `${name} requires parameter ${key}`, `params.${key}`));
    }
  }
  return out;
}
