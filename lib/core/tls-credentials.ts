// The manager's TLS key and certificate: the site's own, or a self-signed pair made at start (no certificate
// authority is needed: the password handshake authenticates both ends, bound to the TLS session).
import { createSecureContext, type SecureContext } from 'node:tls';

export interface ServerTls {
  /** PEM certificate (chain) and private key; both or neither. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** PEM CA: when given, workers must present a client certificate it signed. */
  ca?: string | Buffer;
}

export interface ServerCredentials {
  context: SecureContext;
  /** Whether clients must present a certificate signed by the given CA. */
  requestCert: boolean;
}

export async function serverCredentials(tls: ServerTls): Promise<ServerCredentials> {
  let { cert, key } = tls;
  if ((cert === undefined) !== (key === undefined)) {
    throw new Error(`TLS: expected both a certificate and its key, got only ${cert === undefined ? 'a key' : 'a certificate'}`);
  }
  if (cert === undefined) {
    // Loaded only when needed: certificate generation pulls in an ASN.1 library.
    const { generate } = await import('selfsigned');
    const made = await generate([{ name: 'commonName', value: 'trellis manager' }],
      { keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notAfterDate: new Date(Date.now() + 10 * 365 * 86400_000) });
    cert = made.cert;
    key = made.private;
  }
  try {
    return { context: createSecureContext({ cert, key, ca: tls.ca, minVersion: 'TLSv1.3' }), requestCert: tls.ca !== undefined };
  } catch (err) {
    throw new Error(`TLS: the certificate, key or CA given cannot be used (expected PEM, a key that matches the certificate): ${(err as Error).message}`);
  }
}
