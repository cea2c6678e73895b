import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import selfsigned from 'selfsigned';

/** A certificate the simulator serves, and the file a client must trust (NODE_EXTRA_CA_CERTS). */
export interface SimulatorCertificate {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

/**
 * Returns the simulator's certificate in `dir`, creating it on first use.
 *
 * @azure/identity refuses an authority that is not https, so the simulator must speak TLS. The
 * certificate is its own trust anchor (CA:true) for localhost and 127.0.0.1, and it is reused
 * across starts because Node reads NODE_EXTRA_CA_CERTS only once, when a process starts.
 */
export function ensureSimulatorCertificate(dir: string): SimulatorCertificate {
  const certFile = join(dir, 'simulator-ca.pem');
  const keyFile = join(dir, 'simulator-key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true });
    const made = selfsigned.generate([{ name: 'commonName', value: 'ChatVault tenant simulator' }], {
      days: 3650,
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    });
    writeFileSync(keyFile, made.private, { mode: 0o600 });
    chmodSync(keyFile, 0o600);
    writeFileSync(certFile, made.cert);
  }
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}
