/**
 * The PROXY protocol (HAProxy's "proxy-protocol.txt", versions 1 and 2): a TCP load balancer in front of
 * the broker writes one header before the client's bytes, naming the client's address. Without it every
 * device behind the balancer has the balancer's address, and the per-address limits (pending sockets, failed
 * CONNECTs, bans) would treat the whole fleet as one client. Opt-in (`CITYBRAIN_MQTT_PROXY_PROTOCOL=on`) and
 * only from trusted sources (`CITYBRAIN_MQTT_PROXY_TRUSTED`): the spec says a receiver must not guess whether
 * a header is present, and a header from anyone else would let a device choose its own address.
 */
import { BlockList, isIPv4, isIPv6, type Socket } from 'node:net';
import { AppError } from '../kernel/errors.js';

/** What a complete header says. `address` is absent for LOCAL (v2) and UNKNOWN (v1): use the socket's own. */
export type ProxyHeader = { address?: string; rest: Buffer };
export type ProxyParse = { state: 'more' } | ({ state: 'done' } & ProxyHeader) | { state: 'invalid'; why: string };

const V1_PREFIX = Buffer.from('PROXY ');
/** "PROXY UNKNOWN" + two IPv6 addresses, two ports and CRLF: 107 bytes at most (spec §2.1). */
const V1_MAX = 107;
const V2_SIG = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** Addresses plus the TLVs HAProxy may append (unique id, TLS details); far more is not a balancer. */
const V2_MAX_BODY = 2048;
const MORE: ProxyParse = { state: 'more' };

/** Parses the header at the start of `buf` (all bytes received so far). */
export function parseProxyHeader(buf: Buffer): ProxyParse {
  const n = Math.min(buf.length, V2_SIG.length);
  if (n > 0 && buf.subarray(0, n).equals(V2_SIG.subarray(0, n))) return buf.length < 16 ? MORE : parseV2(buf);
  const m = Math.min(buf.length, V1_PREFIX.length);
  if (!buf.subarray(0, m).equals(V1_PREFIX.subarray(0, m))) return { state: 'invalid', why: 'no PROXY header' };
  const end = buf.indexOf('\r\n');
  if (end < 0) return buf.length >= V1_MAX ? { state: 'invalid', why: 'v1 header longer than 107 bytes' } : MORE;
  if (end + 2 > V1_MAX) return { state: 'invalid', why: 'v1 header longer than 107 bytes' };
  return parseV1(buf.toString('latin1', V1_PREFIX.length, end), buf.subarray(end + 2));
}

/** `TCP4|TCP6 <src> <dst> <sport> <dport>` or `UNKNOWN …` (spec §2.1). */
function parseV1(line: string, rest: Buffer): ProxyParse {
  const parts = line.split(' ');
  if (parts[0] === 'UNKNOWN') return { state: 'done', rest };
  if (parts.length !== 5) return { state: 'invalid', why: 'v1 header needs protocol, two addresses and two ports' };
  const [proto, src, dst, sport, dport] = parts as [string, string, string, string, string];
  const isIp = proto === 'TCP4' ? isIPv4 : proto === 'TCP6' ? isIPv6 : undefined;
  if (!isIp) return { state: 'invalid', why: `v1 protocol ${proto.slice(0, 16)}` };
  if (!isIp(src) || !isIp(dst)) return { state: 'invalid', why: `v1 address is not ${proto}` };
  if (!isPort(sport) || !isPort(dport)) return { state: 'invalid', why: 'v1 port out of range' };
  return { state: 'done', address: proto === 'TCP6' ? canonicalIPv6(src) : src, rest };
}

const isPort = (s: string): boolean => /^(0|[1-9]\d{0,4})$/.test(s) && Number(s) <= 65535;

/** Binary: signature, version/command, family/transport, length, addresses, TLVs (spec §2.2). */
function parseV2(buf: Buffer): ProxyParse {
  const verCmd = buf[12]!;
  if (verCmd >> 4 !== 2) return { state: 'invalid', why: `v2 version ${verCmd >> 4}` };
  const cmd = verCmd & 0x0f;
  if (cmd > 1) return { state: 'invalid', why: `v2 command ${cmd}` };
  const len = buf.readUInt16BE(14);
  if (len > V2_MAX_BODY) return { state: 'invalid', why: `v2 header of ${len} bytes` };
  if (buf.length < 16 + len) return MORE;
  const rest = buf.subarray(16 + len);
  // LOCAL: the balancer's own connection (a health check); the socket's address is the right one.
  if (cmd === 0) return { state: 'done', rest };
  const family = buf[13]! >> 4;
  if (family === 1) {
    if (len < 12) return { state: 'invalid', why: 'v2 IPv4 block too short' };
    return { state: 'done', address: [...buf.subarray(16, 20)].join('.'), rest };
  }
  if (family === 2) {
    if (len < 36) return { state: 'invalid', why: 'v2 IPv6 block too short' };
    const groups: string[] = [];
    for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(16 + 2 * i).toString(16));
    return { state: 'done', address: canonicalIPv6(groups.join(':')), rest };
  }
  // UNSPEC or a UNIX socket: no IP to give; the socket's own address stands.
  return { state: 'done', rest };
}

/** One spelling per IPv6 address (RFC 5952, as the WHATWG URL parser writes it): per-address maps key on it. */
function canonicalIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/** Sources allowed to send a header: addresses and CIDR blocks, comma-separated. */
export function trustedSources(list: string): BlockList {
  const block = new BlockList();
  for (const raw of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [address, bits] = raw.split('/') as [string, string | undefined];
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    const prefix = bits === undefined ? undefined : Number(bits);
    if (!type || (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= (type === 'ipv4' ? 32 : 128)))) {
      throw new AppError('CONFIG_INVALID', { message: `CITYBRAIN_MQTT_PROXY_TRUSTED: ${raw} is not an address or CIDR block` });
    }
    if (prefix === undefined) block.addAddress(address, type);
    else block.addSubnet(address, prefix, type);
  }
  return block;
}

/** Whether `address` (as a socket reports it; IPv4-mapped IPv6 included) is in `trusted`. */
export function isTrusted(trusted: BlockList, address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : undefined;
  if (v4 !== undefined) return trusted.check(v4, 'ipv4');
  return trusted.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
}

export interface ProxyReadOptions {
  timeoutMs: number;
  /** The header is read: the socket (paused, the bytes after the header put back) and the client's address. */
  ready(socket: Socket, address: string | undefined): void;
  /** A bad header, or none within the timeout: the socket is destroyed after this. */
  refused(socket: Socket, why: string): void;
}

/** Reads the header off a new socket from a trusted source, then hands the socket on. */
export function readProxyHeader(socket: Socket, opts: ProxyReadOptions): void {
  let got: Buffer = Buffer.alloc(0);
  const finish = (): void => {
    clearTimeout(timer);
    socket.pause();
    socket.removeListener('data', onData);
    socket.removeListener('close', onClose);
  };
  const refuse = (why: string): void => {
    finish();
    opts.refused(socket, why);
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    got = got.length === 0 ? chunk : Buffer.concat([got, chunk]);
    const out = parseProxyHeader(got);
    if (out.state === 'more') return;
    if (out.state === 'invalid') return refuse(out.why);
    finish();
    if (out.rest.length > 0) socket.unshift(out.rest);
    opts.ready(socket, out.address);
  };
  // A balancer's health check may connect and close without a byte: not an error.
  const onClose = (): void => finish();
  const timer = setTimeout(() => refuse('no PROXY header within the connect timeout'), opts.timeoutMs);
  socket.on('data', onData);
  socket.on('close', onClose);
  socket.on('error', ignore);
}

const ignore = (): void => {};
