import { randomBytes, webcrypto } from 'node:crypto';
import type { Extension } from '@peculiar/x509';

/**
 * Real X.509 certificates for the simulated fleet (serving certificates, TLS Secrets, mesh CAs).
 * ECDSA P-256 with SHA-256: fast enough to issue hundreds at start-up, accepted by Go (kubectl) and Node.
 */

export interface IssuedCertificate {
  certPem: string;
  /** PKCS#8 PEM private key of the certificate. */
  keyPem: string;
}

export interface CertificateOptions {
  /** Distinguished name, e.g. 'CN=api.payments.example, O=Example'. */
  subject: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  notBefore: Date;
  notAfter: Date;
  isCA?: boolean;
  /** The signing authority; omitted means self-signed. */
  issuer?: IssuedCertificate;
  /** Hexadecimal; random (positive, 16 bytes) when omitted. */
  serialNumber?: string;
}

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

type X509Module = typeof import('@peculiar/x509');
let x509Module: Promise<X509Module> | undefined;

/**
 * @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata
 * polyfill loaded first (https://github.com/microsoft/tsyringe#installation). Both are loaded on
 * first use, in that order: static imports would let jest's ESM linker run x509's CommonJS build first.
 */
function loadX509(): Promise<X509Module> {
  x509Module ??= (async () => {
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return x509Module;
}

function pemBody(pem: string, label: string): Buffer {
  const match = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(pem);
  if (!match?.[1]) throw new Error(`expected a PEM block labelled ${label}`);
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

function toPem(der: ArrayBuffer, label: string): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A positive serial (high bit clear): Go rejects negative serial numbers. */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f || 0x01;
  return bytes.toString('hex');
}

async function importSigningKey(keyPem: string): Promise<webcrypto.CryptoKey> {
  return (await webcrypto.subtle.importKey('pkcs8', pemBody(keyPem, 'PRIVATE KEY'), KEY_ALGORITHM, false, [
    'sign',
  ])) as webcrypto.CryptoKey;
}

/** Issues one certificate with a fresh key pair, signed by `issuer` or by itself. */
export async function createCertificate(options: CertificateOptions): Promise<IssuedCertificate> {
  const {
    AuthorityKeyIdentifierExtension,
    BasicConstraintsExtension,
    ExtendedKeyUsage,
    ExtendedKeyUsageExtension,
    KeyUsageFlags,
    KeyUsagesExtension,
    SubjectAlternativeNameExtension,
    SubjectKeyIdentifierExtension,
    X509Certificate,
    X509CertificateGenerator,
  } = await loadX509();
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const issuerCertificate = options.issuer ? new X509Certificate(options.issuer.certPem) : undefined;
  const signingKey = options.issuer ? await importSigningKey(options.issuer.keyPem) : keys.privateKey;

  const sans = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions: Extension[] = [
    new BasicConstraintsExtension(options.isCA === true, undefined, true),
    new KeyUsagesExtension(
      options.isCA
        ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature
        : KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment,
      true,
    ),
    await SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (!options.isCA) {
    extensions.push(new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth]));
  }
  if (sans.length > 0) extensions.push(new SubjectAlternativeNameExtension(sans));
  if (issuerCertificate) {
    extensions.push(await AuthorityKeyIdentifierExtension.create(issuerCertificate.publicKey));
  }

  const certificate = await X509CertificateGenerator.create({
    serialNumber: options.serialNumber ?? randomSerialNumber(),
    subject: options.subject,
    issuer: issuerCertificate ? issuerCertificate.subject : options.subject,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions,
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: `${certificate.toString('pem')}\n`, keyPem: toPem(pkcs8, 'PRIVATE KEY') };
}
