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

/**
 * Parsed blocks by their PEM text: every TLS Secret of a cluster carries the same issuing CA (and
 * often root) after its leaf, and parsing them again in each bundle was 40% of a large cluster's
 * snapshot. Certificates are public data; the cache holds metadata only (null: did not parse) and
 * starts over when full, so a hostile cluster cannot grow it without bound.
 */
const parsedBlocks = new Map<string, X509Info | null>();
const PARSED_BLOCKS_LIMIT = 10_000;
let parses = 0;

/** How many certificate blocks were parsed (not served from the cache) since the process started. */
export function certificateParses(): number {
  return parses;
}

function parseBlock(block: string): X509Info | null {
  const cached = parsedBlocks.get(block);
  if (cached !== undefined) return cached;
  if (parsedBlocks.size >= PARSED_BLOCKS_LIMIT) parsedBlocks.clear();
  parses++;
  let info: X509Info | null;
  try {
    info = x509InfoOf(new X509Certificate(block));
  } catch {
    info = null;
  }
  parsedBlocks.set(block, info);
  return info;
}

/** Metadata of every certificate in a PEM bundle, in file order. */
export function parseCertificateBundle(pem: string): ParsedBundle {
  const chain: X509Info[] = [];
  let unreadable = 0;
  for (const block of splitPemCertificates(pem)) {
    const info = parseBlock(block);
    // A copy: callers own what they get (the cached metadata is shared between bundles).
    if (info) chain.push({ ...info, sans: [...info.sans] });
    else unreadable++;
  }
  return { chain, unreadable };
}

/** Secret and ConfigMap data: base64 for Secrets, plain text for ConfigMaps. */
export function decodeBase64(value: unknown): string {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : '';
}
