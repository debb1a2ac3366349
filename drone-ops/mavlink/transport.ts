import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect } from 'node:net';
import type { Socket as TcpSocket } from 'node:net';

/** Byte pipe to one vehicle. `datagram` is true when each chunk holds whole frames (UDP). */
export interface Transport {
  readonly datagram: boolean;
  /** Send one or more whole frames. Drops silently when the pipe is closed (MAVLink is lossy by design). */
  send(buf: Buffer): void;
  /** Register the single receiver of incoming chunks. */
  onData(fn: (buf: Buffer) => void): void;
  close(): Promise<void>;
}

export interface UdpEndpoint {
  kind: 'udp';
  host: string;
  port: number;
  /** Local address to bind (port is always 0: the OS picks). Default 127.0.0.1. */
  bindHost?: string;
}

export interface TcpEndpoint {
  kind: 'tcp';
  host: string;
  port: number;
}

export type Endpoint = UdpEndpoint | TcpEndpoint;

export async function openTransport(ep: Endpoint): Promise<Transport> {
  return ep.kind === 'udp' ? openUdp(ep) : openTcp(ep);
}

async function openUdp(ep: UdpEndpoint): Promise<Transport> {
  const sock: UdpSocket = createSocket('udp4');
  // ICMP port-unreachable (vehicle not up yet) surfaces as a socket error: UDP is lossy, keep going.
  sock.on('error', () => {});
  sock.bind(0, ep.bindHost ?? '127.0.0.1');
  await once(sock, 'listening');
  let closed = false;
  return {
    datagram: true,
    send(buf) {
      if (!closed) sock.send(buf, ep.port, ep.host);
    },
    onData(fn) {
      sock.on('message', (msg) => fn(msg));
    },
    async close() {
      if (closed) return;
      closed = true;
      sock.close();
      await once(sock, 'close');
    },
  };
}

async function openTcp(ep: TcpEndpoint): Promise<Transport> {
  const sock: TcpSocket = connect(ep.port, ep.host);
  sock.setNoDelay(true);
  await once(sock, 'connect');
  // A reset after connect must not crash the process; the heartbeat watchdog reports the loss.
  sock.on('error', () => {});
  return {
    datagram: false,
    send(buf) {
      if (!sock.destroyed) sock.write(buf);
    },
    onData(fn) {
      sock.on('data', fn);
    },
    async close() {
      if (sock.destroyed) return;
      sock.end();
      sock.destroy();
      await once(sock, 'close');
    },
  };
}
