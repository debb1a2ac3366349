/**
 * TLS material from files (certificate, key, and for device certificates a CA and a CRL), shared by the
 * HTTPS, MQTTS and WSS servers and reloaded in place: `tls.Server.setSecureContext` swaps what new
 * handshakes use while open connections keep theirs, so a renewed certificate needs no restart.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { isIP } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContextOptions, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { AppError } from './errors.js';
import type { Logger } from './logger.js';

export interface TlsFiles {
  cert: string;
  key: string;
  /** CA bundle of device client certificates (mTLS). */
  ca?: string;
  /** Revocation list for those certificates. */
  crl?: string;
}

/** What the banner and logs say about the serving certificate. */
export interface CertificateInfo {
  subject: string;
  validTo: string;
  /** Days until it expires (negative once expired). */
  daysLeft: number;
}

function readMaterial(files: TlsFiles): SecureContextOptions {
  const read = (path: string): Buffer => readFileSync(path);
  const opts: SecureContextOptions = { cert: read(files.cert), key: read(files.key) };
  if (files.ca) opts.ca = read(files.ca);
  if (files.crl) opts.crl = read(files.crl);
  // Throws on a key that does not match the certificate or a malformed PEM: checked before any server uses it.
  createSecureContext(opts);
  return opts;
}

/** Certificate, key, CA and CRL read once and re-read on {@link TlsSource.reload}. */
export class TlsSource {
  private current: SecureContextOptions;
  private readonly servers = new Set<TlsServer>();
  private watching = false;
  private debounce: NodeJS.Timeout | undefined;

  /** Throws AppError CONFIG_INVALID when the files cannot be read or do not form a usable pair. */
  constructor(
    readonly files: TlsFiles,
    private readonly log: Logger,
    private readonly onReload: (outcome: 'ok' | 'failed') => void = () => {},
  ) {
    try {
      this.current = readMaterial(files);
    } catch (err) {
      throw new AppError('CONFIG_INVALID', { message: `TLS: cannot use ${files.cert} / ${files.key}: ${(err as Error).message}`, cause: err });
    }
  }

  /** True when device client certificates are asked for (a CA is configured). */
  get clientCertificates(): boolean {
    return this.files.ca !== undefined;
  }

  /** Options for `tls.createServer` / `https.createServer` (current material). */
  options(): SecureContextOptions {
    return { ...this.current };
  }

  /** The serving certificate's subject and expiry. */
  certificate(): CertificateInfo {
    const x = new X509Certificate(this.current.cert as Buffer);
    const validTo = new Date(x.validTo);
    return { subject: x.subject.replace(/\n/g, ', '), validTo: validTo.toISOString(), daysLeft: Math.floor((validTo.getTime() - Date.now()) / 86_400_000) };
  }

  /** Registers a server for reloads; returns the function that unregisters it. */
  attach(server: TlsServer): () => void {
    this.servers.add(server);
    return () => this.servers.delete(server);
  }

  /**
   * Re-reads the files and swaps every attached server's context. A bad or half-written pair (a key
   * renewed before its certificate) is refused and the servers keep the previous one.
   */
  reload(): boolean {
    let next: SecureContextOptions;
    try {
      next = readMaterial(this.files);
    } catch (err) {
      this.log.error({ err: (err as Error).message, files: this.files }, 'TLS reload failed: keeping the previous certificate');
      this.onReload('failed');
      return false;
    }
    this.current = next;
    for (const s of this.servers) s.setSecureContext(next);
    this.log.info({ ...this.certificate(), servers: this.servers.size }, 'TLS certificate reloaded');
    this.onReload('ok');
    return true;
  }

  /** Polls the files (robust to the rename a certificate renewal does) and reloads after a change. */
  watch(intervalMs = 1_000): void {
    if (this.watching) return;
    this.watching = true;
    for (const f of this.paths()) {
      watchFile(f, { interval: intervalMs, persistent: false }, (cur, prev) => {
        if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size) return;
        // Cert and key are usually written one after the other: reload once both settled.
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => this.reload(), 200);
      });
    }
  }

  close(): void {
    clearTimeout(this.debounce);
    if (this.watching) for (const f of this.paths()) unwatchFile(f);
    this.watching = false;
    this.servers.clear();
  }

  private paths(): string[] {
    return [this.files.cert, this.files.key, this.files.ca, this.files.crl].filter((f): f is string => f !== undefined);
  }
}

/** What a device's client certificate says, read on a TLS socket after its handshake. */
export type PeerCertificate =
  | { presented: false }
  | { presented: true; authorized: true; commonName: string }
  | { presented: true; authorized: false; reason: string };

export function peerCertificate(socket: TLSSocket): PeerCertificate {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return { presented: false };
  if (!socket.authorized) return { presented: true, authorized: false, reason: String(socket.authorizationError ?? 'unverified') };
  const cn = cert.subject?.CN as string | string[] | undefined;
  const commonName = Array.isArray(cn) ? cn[0] : cn;
  if (!commonName) return { presented: true, authorized: false, reason: 'NO_COMMON_NAME' };
  return { presented: true, authorized: true, commonName };
}

/** True for addresses only this machine reaches (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
