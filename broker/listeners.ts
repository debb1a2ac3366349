import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { BrokerConfig } from './config.js';

export interface Listeners {
  tcpPort: number;
  wsPort?: number;
  close(): Promise<void>;
}

/** Hands every new connection's byte stream to the broker (which guards and admits it). */
export type Admit = (stream: Duplex, req?: IncomingMessage) => void;

async function listenOn(server: Server | ReturnType<typeof createHttpServer>, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server | ReturnType<typeof createHttpServer>): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** MQTT over TCP, and over WebSocket (`ws` + `createWebSocketStream`) when `mqttWs` is on. */
export async function startListeners(config: BrokerConfig, admit: Admit): Promise<Listeners> {
  const tcp = createTcpServer((socket) => admit(socket));
  const tcpPort = await listenOn(tcp, config.mqttPort, config.mqttHost);
  if (!config.mqttWs) return { tcpPort, close: () => closeServer(tcp) };

  const http = createHttpServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n');
  });
  // ws buffers a whole message before it is handed on, so bound messages here as well; a message may
  // carry a few MQTT packets, each of which the guard still checks against the frame limit.
  const wss = new WebSocketServer({ server: http, maxPayload: config.mqttMaxFrameBytes * 4 });
  wss.on('connection', (ws, req) => {
    // Transport errors (a peer gone mid-frame) end the stream, which the broker sees as a close.
    ws.on('error', () => {});
    const stream = createWebSocketStream(ws);
    admit(stream, req);
  });
  let wsPort: number;
  try {
    wsPort = await listenOn(http, config.mqttWsPort, config.mqttHost);
  } catch (err) {
    await closeServer(tcp);
    throw err;
  }
  return {
    tcpPort,
    wsPort,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await Promise.all([closeServer(tcp), new Promise<void>((r) => wss.close(() => r())), closeServer(http)]);
    },
  };
}
