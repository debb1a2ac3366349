/**
 * Test certificates made at test time with Debian's `openssl` CLI (nothing private is committed): a CA,
 * a server certificate for 127.0.0.1/localhost, device client certificates (CN = device id) and a CRL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './child.js';

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface TestPki {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  crl: string;
  /** Issues a client certificate with CN = `cn`; returns its files. */
  device(cn: string): { cert: string; key: string };
  /** Revokes a certificate this CA issued and rewrites the CRL file. */
  revoke(certFile: string): void;
  /** Issues a fresh server certificate (new serial) into the same files, replaced by rename. */
  renewServer(cn?: string): void;
}

export function createTestPki(): TestPki {
  const openssl = findBinary('openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'cb-pki-'));
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: 'pipe' });
  const f = (name: string) => join(dir, name);
  writeFileSync(f('ca.cnf'), [
    '[ ca ]', 'default_ca = CA_default', '[ CA_default ]', `database = ${f('index.txt')}`, `new_certs_dir = ${dir}`,
    `certificate = ${f('ca.pem')}`, `private_key = ${f('ca.key')}`, `crlnumber = ${f('crlnumber')}`,
    'default_md = sha256', 'default_crl_days = 30', '',
  ].join('\n'));
  writeFileSync(f('index.txt'), '');
  writeFileSync(f('crlnumber'), '1000\n');
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('req', '-x509', ...EC, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '30', '-subj', '/CN=citybrain-test-ca');
  const issue = (name: string, cn: string, ext?: string) => {
    run('req', '-new', ...EC, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${cn}`);
    run('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '30', '-out', f(`${name}.pem`), ...(ext ? ['-extfile', ext] : []));
    return { cert: f(`${name}.pem`), key: f(`${name}.key`) };
  };
  const gencrl = () => run('ca', '-config', f('ca.cnf'), '-gencrl', '-out', f('crl.pem'));
  issue('server', 'localhost', f('server.ext'));
  gencrl();
  let renewals = 0;
  return {
    dir,
    ca: f('ca.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    crl: f('crl.pem'),
    device: (cn) => issue(`device-${cn}`, cn),
    revoke(certFile) {
      run('ca', '-config', f('ca.cnf'), '-revoke', certFile);
      gencrl();
    },
    renewServer(cn = `renewed-${++renewals}`) {
      const next = issue(`server-next`, cn, f('server.ext'));
      // Key first, then certificate, each by rename: how a certificate manager swaps files.
      renameSync(next.key, f('server.key'));
      renameSync(next.cert, f('server.pem'));
    },
  };
}
