/**
 * Certificate metadata from PEM text. node:crypto's X509Certificate parses only the first PEM
 * block, so bundles are split first. Only public certificates go in: callers hand over the
 * certificate keys of a Secret (tls.crt, ca.crt, root-cert.pem ...), never a key.
 */
import { X509Certificate } from 'node:crypto';
import type { X509Info } from '../snapshot/schema.js';

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every CERTIFICATE block of a PEM bundle, in file order (other block types are skipped). */
export function splitPemCertificates(pem: string): string[] {
  return pem.match(CERTIFICATE_BLOCK) ?? [];
}

/** 2026-11-25T09:00:00.000Z from Node's `Nov 25 09:00:00 2026 GMT`. */
function isoFromX509Date(text: string): string {
  return new Date(text).toISOString();
}

/** `subject` of X509Certificate is one attribute per line: kept as `CN=x, O=y`. */
function distinguishedName(text: string): string {
  return text
    .split('\n')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(', ');
}

/** `DNS:a.example, IP Address:10.0.0.1` -> ['DNS:a.example', 'IP Address:10.0.0.1'] kept as typed entries. */
function subjectAltNames(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/,\s*/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

export function x509InfoOf(certificate: X509Certificate): X509Info {
  return {
    subject: distinguishedName(certificate.subject),
    issuer: distinguishedName(certificate.issuer),
    sans: subjectAltNames(certificate.subjectAltName),
    serialNumber: certificate.serialNumber.toLowerCase(),
    notBefore: isoFromX509Date(certificate.validFrom),
    notAfter: isoFromX509Date(certificate.validTo),
    fingerprint256: certificate.fingerprint256.replaceAll(':', '').toLowerCase(),
    isCA: certificate.ca,
  };
}

export interface ParsedBundle {
  readonly chain: X509Info[];
  /** Blocks that did not parse as certificates (the bundle is still kept when others did). */
  readonly unreadable: number;
}

/** Metadata of every certificate in a PEM bundle, in file order. */
export function parseCertificateBundle(pem: string): ParsedBundle {
  const chain: X509Info[] = [];
  let unreadable = 0;
  for (const block of splitPemCertificates(pem)) {
    try {
      chain.push(x509InfoOf(new X509Certificate(block)));
    } catch {
      unreadable++;
    }
  }
  return { chain, unreadable };
}

/** Secret and ConfigMap data: base64 for Secrets, plain text for ConfigMaps. */
export function decodeBase64(value: unknown): string {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : '';
}
