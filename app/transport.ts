/**
 * Transport wiring of the composition root: the TLS source from config, the loud warning for a public
 * address without TLS, and the banner lines with the addresses and schemes actually served.
 */
import type { Server as TlsServer } from 'node:tls';
import { Counter, type Registry } from 'prom-client';
import type { MqttEndpoints } from '../broker/index.js';
import type { Config } from '../kernel/config.js';
import type { Logger } from '../kernel/logger.js';
import { isLoopback, TlsSource } from '../kernel/tls.js';

type TransportConfig = Pick<Config, 'tlsCert' | 'tlsKey' | 'tlsCa' | 'tlsCrl' | 'httpHost' | 'mqttHost' | 'tlsRequired' | 'tlsClientCerts'>;

/** The TLS source when a certificate is configured, watching its files; undefined otherwise. */
export function tlsFromConfig(config: TransportConfig, log: Logger, metrics: Registry): TlsSource | undefined {
  if (!config.tlsCert || !config.tlsKey) return undefined;
  const reloads = new Counter({ name: 'citybrain_tls_reloads_total', help: 'TLS certificate reloads, by outcome', labelNames: ['outcome'], registers: [metrics] });
  const tls = new TlsSource(
    { cert: config.tlsCert, key: config.tlsKey, ...(config.tlsCa ? { ca: config.tlsCa } : {}), ...(config.tlsCrl ? { crl: config.tlsCrl } : {}) },
    log.child({ module: 'tls' }),
    (outcome) => reloads.inc({ outcome }),
  );
  const cert = tls.certificate();
  if (cert.daysLeft < 14) log.warn(cert, cert.daysLeft < 0 ? 'TLS certificate has EXPIRED' : 'TLS certificate expires soon');
  tls.watch();
  return tls;
}

/** Lets the HTTPS server follow certificate reloads (fastify's `server` is an https.Server then). */
export function attachHttps(tls: TlsSource | undefined, server: unknown): void {
  if (tls) tls.attach(server as TlsServer);
}

const WARNING = '!'.repeat(78);

/** Lines to print (and log) when a non-loopback address serves plain text: tokens and device secrets would cross the network in clear. */
export function plainTextWarnings(config: TransportConfig, mqtt: MqttEndpoints, tls: boolean): string[] {
  const exposed: string[] = [];
  if (!tls && !isLoopback(config.httpHost)) exposed.push(`HTTP on ${config.httpHost} (admin token, sessions)`);
  if (mqtt.tcpPort !== undefined && !isLoopback(config.mqttHost)) exposed.push(`plain MQTT on ${config.mqttHost} (device secrets)`);
  if (mqtt.wsScheme === 'ws' && !isLoopback(config.mqttHost)) exposed.push(`MQTT over plain WebSocket on ${config.mqttHost}`);
  if (exposed.length === 0) return [];
  return [
    WARNING,
    `!! WARNING: listening WITHOUT TLS on a network address: ${exposed.join('; ')}.`,
    '!! Credentials cross the network in clear. Set CITYBRAIN_TLS_CERT and CITYBRAIN_TLS_KEY',
    '!! (and CITYBRAIN_TLS_REQUIRED=on), or bind to 127.0.0.1 behind a TLS proxy. See docs/security.md.',
    WARNING,
  ];
}

/** What a client should dial: the bound address, or loopback when bound to every interface. */
export function dialHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

const everywhere = (host: string): string => (host === '0.0.0.0' || host === '::' ? '   (all interfaces)' : '');

/** Banner lines for the MQTT listeners, with their real schemes. */
export function mqttBannerLines(config: TransportConfig, mqtt: MqttEndpoints, tls: TlsSource | undefined): string[] {
  const h = dialHost(config.mqttHost);
  const parts: string[] = [];
  if (mqtt.tcpPort !== undefined) parts.push(`mqtt://${h}:${mqtt.tcpPort}`);
  if (mqtt.tlsPort !== undefined) parts.push(`mqtts://${h}:${mqtt.tlsPort}`);
  if (mqtt.wsPort !== undefined) parts.push(`${mqtt.wsScheme ?? 'ws'}://${h}:${mqtt.wsPort}`);
  const lines = [`  MQTT          ${parts.join('   ')}${everywhere(config.mqttHost)}${config.tlsRequired ? '   (plain MQTT off: TLS required)' : ''}`];
  if (tls) {
    const c = tls.certificate();
    lines.push(`  TLS           ${c.subject}, valid to ${c.validTo} (${c.daysLeft} days); reloaded on file change or SIGHUP`);
    if (tls.clientCertificates) lines.push(`  device certs  ${config.tlsClientCerts} (CN = device id)${config.tlsCrl ? `, CRL ${config.tlsCrl}` : ''}`);
  }
  return lines;
}

export { everywhere as allInterfacesNote };
