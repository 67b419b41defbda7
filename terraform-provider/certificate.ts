import { webcrypto, X509Certificate } from "node:crypto";

/**
 * The server half of go-plugin's AutoMTLS: a fresh self-signed certificate for `localhost`
 * (the name go-plugin's client verifies), valid from a minute ago for 30 days, usable for
 * server and client authentication and as its own trust anchor, as go-plugin generates its own.
 * The client trusts exactly this certificate (it arrives in the handshake line); the server
 * trusts exactly the client's (PLUGIN_CLIENT_CERT). Generated with @peculiar/x509 (MIT) on
 * Node's WebCrypto.
 */
export interface ServerCertificate {
  certPem: string;
  keyPem: string;
  /** The DER certificate, base64 without padding: the last field of the handshake line. */
  handshakeField: string;
}

export async function serverCertificate(now: Date = new Date()): Promise<ServerCertificate> {
  // @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("reflect-metadata");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const x509 = require("@peculiar/x509") as typeof import("@peculiar/x509");
  (x509.cryptoProvider as unknown as { set(crypto: unknown): void }).set(webcrypto);
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const serial = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
  serial[0] &= 0x7f; // a positive serial number
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString("hex"),
    name: "CN=localhost, O=nhi-governance",
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 30 * 86_400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "localhost" }]),
    ],
  });
  const der = Buffer.from(cert.rawData);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  return {
    certPem: pem("CERTIFICATE", der),
    keyPem: pem("PRIVATE KEY", pkcs8),
    handshakeField: der.toString("base64").replace(/=+$/, ""),
  };
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Whether `text` holds at least one parsable PEM certificate (PLUGIN_CLIENT_CERT). */
export function isCertificatePem(text: string): boolean {
  try {
    new X509Certificate(text);
    return true;
  } catch {
    return false;
  }
}
