/**
 * Station certificates under the operator's control (OPC UA Part 2 §8.1 trust lists; Part 4 §6.1.3
 * certificate validation). node-opcua's certificate manager keeps `trusted/certs` and `rejected/`, and with
 * `automaticallyAcceptUnknownCertificate` it trusts *every* certificate it finds untrusted — a rejected one
 * included, since its check cannot tell "rejected" from "never seen" (both are BadCertificateUntrusted):
 * that is how a certificate an operator moved to `rejected/` came back to `trusted/`. So that switch stays
 * off. An unknown certificate lands in `rejected/` as node-opcua does it, and is shown as **pending** until an
 * operator decides; decisions are recorded beside the PKI (`citybrain-trust.json`), so a **rejected**
 * certificate stays rejected. With trust on first use (a setting, for a first enrolment), a certificate
 * never seen before — in neither folder — is trusted when first met; a pending or rejected one is not.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { AppError } from '../../kernel/errors.js';

export type TrustState = 'pending' | 'trusted' | 'rejected';

export interface StationCertificate {
  /** SHA-1 of the DER certificate, lowercase hex (OPC UA's certificate thumbprint). */
  thumbprint: string;
  state: TrustState;
  subject: string;
  issuer: string;
  validFrom: number;
  validTo: number;
  /** When an operator (or trust on first use) decided, epoch ms; null while pending. */
  decidedAt: number | null;
  decidedBy: 'operator' | 'first-use' | null;
}

interface Decision {
  state: 'trusted' | 'rejected';
  at: number;
  by: 'operator' | 'first-use';
}

interface Found {
  der: Buffer;
  x509: X509Certificate;
  folder: 'trusted' | 'rejected';
}

export class StationTrust {
  private readonly file: string;

  constructor(
    private readonly cm: OPCUACertificateManager,
    private readonly o: { trustOnFirstUse: boolean; now: () => number },
  ) {
    this.file = join(cm.rootDir, 'citybrain-trust.json');
    if (o.trustOnFirstUse) this.installFirstUse();
  }

  /** Every station certificate met so far, newest validity first. */
  list(): StationCertificate[] {
    const decisions = this.decisions();
    return [...this.scan().entries()]
      .map(([thumbprint, f]) => describe(thumbprint, f, decisions[thumbprint]))
      .sort((a, b) => b.validFrom - a.validFrom || a.thumbprint.localeCompare(b.thumbprint));
  }

  /** The trust of a certificate (DER), as the list would show it; `unknown` when never met. */
  stateOf(der: Buffer): TrustState | 'unknown' {
    const thumbprint = thumbprintOf(der);
    const f = this.scan().get(thumbprint);
    return f === undefined ? 'unknown' : describe(thumbprint, f, this.decisions()[thumbprint]).state;
  }

  /** Trusts a met certificate (moves it to `trusted/certs`). Throws OPCUA_CERTIFICATE_NOT_FOUND. */
  async trust(thumbprint: string): Promise<StationCertificate> {
    const f = this.find(thumbprint);
    await this.cm.trustCertificate(f.der);
    return this.decide(thumbprint, { state: 'trusted', at: this.o.now(), by: 'operator' }, { ...f, folder: 'trusted' });
  }

  /** Rejects a certificate for good (moves it to `rejected/`; no automatic trust brings it back). */
  async reject(thumbprint: string): Promise<StationCertificate> {
    const f = this.find(thumbprint);
    await this.cm.rejectCertificate(f.der);
    return this.decide(thumbprint, { state: 'rejected', at: this.o.now(), by: 'operator' }, { ...f, folder: 'rejected' });
  }

  private find(thumbprint: string): Found {
    const f = this.scan().get(thumbprint.toLowerCase());
    if (f === undefined) throw new AppError('OPCUA_CERTIFICATE_NOT_FOUND', { message: `no station certificate with thumbprint ${thumbprint}` });
    return f;
  }

  private async decide(thumbprint: string, d: Decision, f: Found): Promise<StationCertificate> {
    const all = { ...this.decisions(), [thumbprint.toLowerCase()]: d };
    await writeFile(this.file, JSON.stringify(all, null, 2), { mode: 0o600 });
    return describe(thumbprint.toLowerCase(), f, d);
  }

  private decisions(): Record<string, Decision> {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, Decision>;
    } catch {
      return {};
    }
  }

  /** Reads both folders (a few files: one certificate per station). */
  private scan(): Map<string, Found> {
    const out = new Map<string, Found>();
    for (const [folder, dir] of [['rejected', this.cm.rejectedFolder], ['trusted', this.cm.trustedFolder]] as const) {
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        const der = readCertificate(join(dir, name));
        if (der !== null) out.set(thumbprintOf(der), { der, x509: new X509Certificate(der), folder });
      }
    }
    return out;
  }

  /**
   * Trust on first use: before node-opcua checks a station certificate, one met for the first time (in
   * neither folder) is trusted and the decision recorded; the check then runs as usual.
   */
  private installFirstUse(): void {
    const cm = this.cm as unknown as { checkCertificate(chain: Buffer | Buffer[]): Promise<unknown> };
    const check = cm.checkCertificate.bind(cm);
    cm.checkCertificate = async (chain: Buffer | Buffer[]) => {
      const top = Array.isArray(chain) ? chain[0] : chain;
      if (top !== undefined && this.stateOf(top) === 'unknown') {
        await this.cm.trustCertificate(top);
        const thumbprint = thumbprintOf(top);
        await this.decide(thumbprint, { state: 'trusted', at: this.o.now(), by: 'first-use' }, { der: top, x509: new X509Certificate(top), folder: 'trusted' });
      }
      return check(chain);
    };
  }
}

export function thumbprintOf(der: Buffer): string {
  return new X509Certificate(der).fingerprint.replace(/:/g, '').toLowerCase();
}

function describe(thumbprint: string, f: Found, d: Decision | undefined): StationCertificate {
  // In rejected/ without an operator's rejection: node-opcua put it there when it first met it — pending.
  const state: TrustState = f.folder === 'trusted' ? 'trusted' : d?.state === 'rejected' ? 'rejected' : 'pending';
  const decided = state === 'pending' ? undefined : d;
  return {
    thumbprint,
    state,
    subject: f.x509.subject.replace(/\n/g, ', '),
    issuer: f.x509.issuer.replace(/\n/g, ', '),
    validFrom: Date.parse(f.x509.validFrom),
    validTo: Date.parse(f.x509.validTo),
    decidedAt: decided?.at ?? null,
    decidedBy: decided?.by ?? null,
  };
}

/** A PEM or DER certificate file as DER; null for anything else (mutex files, CRLs). */
function readCertificate(path: string): Buffer | null {
  try {
    const raw = readFileSync(path);
    const pem = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(raw.toString('latin1'));
    const der = pem ? Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64') : raw;
    new X509Certificate(der);
    return der;
  } catch {
    return null;
  }
}
