/**
 * Name-based UUIDs (RFC 9562 version 5: SHA-1 of a namespace and a name). OSCAL asks for UUIDs
 * everywhere; deriving them from stable inputs (the ledger, the period, a finding id) rather than
 * drawing them at random makes the same report render the same document, byte for byte, and lets
 * the same subject keep its UUID from one report to the next.
 */
import { hash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The RFC 9562 namespace for names that are URLs. */
export const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

// The few namespaces in use, each parsed once: a report with 60,000 findings derives as many UUIDs.
const namespaces = new Map<string, Buffer>();

function namespaceBytes(namespace: string): Buffer {
  let bytes = namespaces.get(namespace);
  if (!bytes) {
    const lower = namespace.toLowerCase();
    if (!UUID.test(lower)) throw new Error(`programmer error: namespace "${namespace}" is not a UUID`);
    bytes = Buffer.from(lower.replaceAll('-', ''), 'hex');
    namespaces.set(namespace, bytes);
  }
  return bytes;
}

/**
 * The version 5 UUID of `name` in `namespace` (itself a UUID).
 *
 * @example
 * uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'); // '2ed6657d-e927-568b-95e1-2665a8aea6a2'
 */
export function uuidV5(namespace: string, name: string): string {
  // One-shot hash() to hex rather than a Hash object and a Buffer per UUID: a large report derives
  // 150,000 of them. The version (5) and the variant (10xx) are set in the hex digits they occupy.
  const hex = hash('sha1', Buffer.concat([namespaceBytes(namespace), Buffer.from(name, 'utf8')]), 'hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
