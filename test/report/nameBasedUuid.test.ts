/**
 * Name-based UUIDs (RFC 9562 version 5) name every part of the OSCAL document: the same name must
 * give the same UUID forever, or a finding changes its UUID from one report to the next.
 */
import { createHash } from 'node:crypto';
import { URL_NAMESPACE, uuidV5 } from '../../src/report/oscal/nameBasedUuid.js';

const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

/** RFC 9562, section 5.5, written out byte by byte. */
function referenceUuidV5(namespace: string, name: string): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}

describe('uuidV5', () => {
  it("gives RFC 9562's example UUID for www.example.com in the DNS namespace", () => {
    expect(uuidV5(DNS_NAMESPACE, 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('agrees with the RFC algorithm for names of every kind, each variant digit included', () => {
    const names = ['', 'a', 'ünïcödé 🔐', 'store\u0000finding\u00002026-W48\u00009adbac40c5591b34'];
    for (let i = 0; i < 200; i++) names.push(`s3://ledger/prefix\u0000finding\u0000${i}`);
    const variants = new Set<string>();
    for (const name of names) {
      const uuid = uuidV5(URL_NAMESPACE, name);
      expect(uuid).toBe(referenceUuidV5(URL_NAMESPACE, name));
      expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      variants.add(uuid[19]!);
    }
    expect([...variants].sort()).toEqual(['8', '9', 'a', 'b']);
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('not-a-uuid', 'x')).toThrow('programmer error: namespace "not-a-uuid" is not a UUID');
  });
});
