/**
 * What a station's node gives versus what the contract's metric expects (pure): data types, 64-bit
 * integers, engineering units. Used when a source is configured on a live session (mapping checks) and on
 * every data change (value conversion).
 */
import type { MetricSpec } from '../../firmware-contracts/index.js';

/**
 * OPC UA Part 6 §5.1.2 built-in types that carry a number (Boolean 1, SByte 2 … Double 11), and the
 * abstract Number (26), Integer (27), UInteger (28) and Duration (290) of namespace 0.
 */
const NUMERIC_TYPES = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 26, 27, 28, 290]);
const TYPE_NAMES: Record<number, string> = { 1: 'Boolean', 2: 'SByte', 3: 'Byte', 4: 'Int16', 5: 'UInt16', 6: 'Int32', 7: 'UInt32', 8: 'Int64', 9: 'UInt64', 10: 'Float', 11: 'Double', 12: 'String', 13: 'DateTime', 15: 'ByteString', 21: 'LocalizedText' };

/** Why a node of data type `ns=0;i=<id>` (or another namespace) cannot feed `spec`; null when it can. */
export function dataTypeProblem(namespace: number, id: number | string, spec: Pick<MetricSpec, 'name' | 'type'>): string | null {
  const numeric = namespace === 0 && typeof id === 'number' && NUMERIC_TYPES.has(id);
  const boolean = namespace === 0 && id === 1;
  if (spec.type === 'boolean' ? boolean : numeric) return null;
  const name = namespace === 0 && typeof id === 'number' ? (TYPE_NAMES[id] ?? `i=${id}`) : `ns=${namespace};${typeof id === 'number' ? 'i' : 's'}=${id}`;
  return `node has data type ${name}; metric ${spec.name} needs ${spec.type === 'boolean' ? 'a Boolean' : 'a number'}`;
}

/**
 * node-opcua gives Int64 and UInt64 values as `[high, low]` 32-bit words (a JavaScript number holds
 * integers exactly only up to 2^53). Returns the number, or why it cannot be one exactly.
 */
export function fromInt64(dataType: 'Int64' | 'UInt64', value: unknown): { value: number } | { error: string } {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((w) => typeof w === 'number' && Number.isInteger(w))) {
    return { error: `${dataType} value ${JSON.stringify(value)} is not a [high, low] pair` };
  }
  let high = value[0] as number;
  const low = (value[1] as number) >>> 0;
  // Int64 is two's complement: a high word of 2^31 or more (or a negative one) is a negative number.
  if (dataType === 'Int64' && high >= 2 ** 31) high -= 2 ** 32;
  if (dataType === 'UInt64') high >>>= 0;
  const n = high * 2 ** 32 + low;
  if (!Number.isSafeInteger(n)) {
    return { error: `${dataType} value [${value[0] as number}, ${value[1] as number}] is beyond ±${Number.MAX_SAFE_INTEGER} and cannot be stored exactly` };
  }
  return { value: n };
}

/**
 * UNECE Recommendation 20 common codes of the contract units, as EUInformation.unitId carries them
 * (OPC UA Part 8 §5.6.3: the code's characters packed into an Int32, first character highest).
 */
const UNECE: Record<string, string> = {
  '°C': 'CEL', 'MPa': 'MPA', 'kPa': 'KPA', 'm': 'MTR', 'mm': 'MMT', 'm/s': 'MTS', 'm³/h': 'MQH', 'm³/s': 'MQS',
  '%': 'P1', 'dB': '2N', 'mg': 'MGM', '°': 'DD',
};

export function uneceUnitId(code: string): number {
  let id = 0;
  for (const ch of code) id = (id << 8) | ch.charCodeAt(0);
  return id;
}

const plain = (s: string): string => s.replace(/\s+/g, '').replace('³', '3').replace(/^deg/i, '°').toLowerCase();

/**
 * Checks the station's EngineeringUnits against the contract unit of the metric: equal UNECE unitId, or
 * equal display names. Returns the mismatch, or null (also when the station states no unit: nothing to check).
 */
export function unitProblem(contractUnit: string, eu: { unitId: number; displayName: string } | null): string | null {
  if (eu === null) return null;
  const code = UNECE[contractUnit];
  if (code !== undefined && eu.unitId === uneceUnitId(code)) return null;
  if (eu.displayName !== '' && plain(eu.displayName) === plain(contractUnit)) return null;
  const stated = `${eu.displayName || '?'}${eu.unitId > 0 ? ` (UNECE unitId ${eu.unitId})` : ''}`;
  return `station unit ${stated} differs from the contract unit ${contractUnit}${code ? ` (UNECE ${code}, unitId ${uneceUnitId(code)})` : ''}`;
}
