import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer, TLSSocket, type Server as TlsServer } from 'node:tls';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { peerCertificate, type TlsSource } from '../kernel/tls.js';
import type { BrokerConfig } from './config.js';
import { isTrusted, readProxyHeader } from './proxy-protocol.js';
import type { BlockList } from 'node:net';

/** Where the broker listens; a listener that is off has no port. */
export interface MqttEndpoints {
  /** Plain MQTT (absent when TLS is required). */
  tcpPort?: number;
  /** MQTT over TLS (present when a certificate is configured). */
  tlsPort?: number;
  /** MQTT over WebSocket: `wss` when a certificate is configured, else `ws`. */
  wsPort?: number;
  wsScheme?: 'ws' | 'wss';
}

export interface Listeners extends MqttEndpoints {
  close(): Promise<void>;
}

/** Who is on the other end of a socket, as far as the transport can tell. */
export interface Peer {
  address: string;
  /** CN of a verified client certificate (CA and CRL checked by OpenSSL during the handshake). */
  certificateId?: string;
}

/** Hands every new connection's byte stream to the broker (which guards and admits it). */
export type Admit = (stream: Duplex, peer: Peer, req?: IncomingMessage) => void;

/** A presented client certificate that failed verification (revoked, expired, unknown CA). */
export type RefuseCertificate = (peer: Peer, reason: string) => void;

/** PROXY protocol on the plain MQTT listener (proxy-protocol.ts). */
export interface ProxyProtocol {
  trusted: BlockList;
  /** A trusted source sent a bad header or none in time. */
  refused(address: string, why: string): void;
}

type AnyServer = Server | ReturnType<typeof createHttpServer>;

async function listenOn(server: AnyServer, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function closeServer(server: AnyServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The peer of a socket, or null when it presented a client certificate that did not verify: with
 * optional client certificates the handshake lets it through (`rejectUnauthorized: false`) so that
 * password devices still connect, and the refusal happens here.
 */
function peerOf(socket: Socket, refuse: RefuseCertificate): Peer | null {
  const peer: Peer = { address: socket.remoteAddress ?? 'unknown' };
  if (!(socket instanceof TLSSocket)) return peer;
  const cert = peerCertificate(socket);
  if (!cert.presented) return peer;
  if (!cert.authorized) {
    refuse(peer, cert.reason);
    socket.destroy();
    return null;
  }
  return { ...peer, certificateId: cert.commonName };
}

/**
 * MQTT over TCP, over TLS (MQTTS), and over WebSocket (`ws` + `createWebSocketStream`, WSS with a
 * certificate). With `tlsRequired` the plain listeners are not opened at all. With `proxy`, a connection to
 * the plain TCP listener from a trusted source starts with a PROXY protocol header, whose address becomes
 * the peer's (the TLS and WebSocket listeners take none).
 */
export async function startListeners(config: BrokerConfig, admit: Admit, refuse: RefuseCertificate, tls?: TlsSource, proxy?: ProxyProtocol): Promise<Listeners> {
  const opened: AnyServer[] = [];
  const detach: (() => void)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const d of detach) d();
    await Promise.all(opened.map(closeServer));
  };
  const tlsOptions = () => ({
    ...tls!.options(),
    // Device certificates (mTLS): asked for when a CA is set; "required" refuses a handshake without one.
    requestCert: tls!.clientCertificates,
    rejectUnauthorized: tls!.clientCertificates && config.tlsClientCerts === 'required',
    handshakeTimeout: config.mqttConnectTimeoutMs,
  });
  const out: MqttEndpoints = {};
  try {
    if (!config.tlsRequired) {
      const tcp = createTcpServer((socket) => {
        if (!proxy || !isTrusted(proxy.trusted, socket.remoteAddress)) return admit(socket, peerOf(socket, refuse)!);
        readProxyHeader(socket, {
          timeoutMs: config.mqttConnectTimeoutMs,
          ready: (s, address) => admit(s, { address: address ?? s.remoteAddress ?? 'unknown' }),
          refused: (s, why) => proxy.refused(s.remoteAddress ?? 'unknown', why),
        });
      });
      opened.push(tcp);
      out.tcpPort = await listenOn(tcp, config.mqttPort, config.mqttHost);
    }
    if (tls) {
      const server = createTlsServer(tlsOptions(), (socket) => {
        const peer = peerOf(socket, refuse);
        if (peer) admit(socket, peer);
      });
      // A failed handshake (wrong CA, required certificate missing, timeout) never reaches the broker.
      server.on('tlsClientError', (err, socket) => refuse({ address: socket.remoteAddress ?? 'unknown' }, (err as NodeJS.ErrnoException).code ?? err.message));
      opened.push(server);
      detach.push(tls.attach(server));
      out.tlsPort = await listenOn(server, config.mqttTlsPort, config.mqttHost);
    }
    if (config.mqttWs && (tls || !config.tlsRequired)) {
      const http = tls ? createHttpsServer(tlsOptions()) : createHttpServer();
      http.on('request', (_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n'));
      if (tls) detach.push(tls.attach(http as unknown as TlsServer));
      opened.push(http);
      // ws buffers a whole message before it is handed on, so bound messages here as well; a message may
      // carry a few MQTT packets, each of which the guard still checks against the frame limit.
      const wss = new WebSocketServer({ server: http, maxPayload: config.mqttMaxFrameBytes * 4 });
      wss.on('connection', (ws, req) => {
        // Transport errors (a peer gone mid-frame) end the stream, which the broker sees as a close.
        ws.on('error', () => {});
        const peer = peerOf(req.socket, refuse);
        if (!peer) return ws.terminate();
        admit(createWebSocketStream(ws), peer, req);
      });
      detach.push(() => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
      });
      out.wsPort = await listenOn(http, config.mqttWsPort, config.mqttHost);
      out.wsScheme = tls ? 'wss' : 'ws';
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  return { ...out, close: closeAll };
}
