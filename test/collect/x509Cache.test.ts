/**
 * The CA and root blocks that follow every leaf of a cluster's TLS Secrets are parsed once per
 * process, not once per bundle; what each bundle gets is its own copy, and a block that does not
 * parse stays unreadable when it comes again.
 */
import { certificateParses, parseCertificateBundle } from '../../src/collect/x509.js';
import type { createCertificate as CreateCertificate } from '../../src/simulator/certificates.js';

let createCertificate: typeof CreateCertificate;
beforeAll(async () => {
  ({ createCertificate } = await import('../../src/simulator/certificates.js'));
});

describe('the certificate parse cache', () => {
  it('parses a shared CA block once across bundles and hands each bundle its own metadata', async () => {
    // Prepare: ten leaves issued by one CA, each bundle = leaf + CA (as cert-manager writes tls.crt)
    const validity = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') };
    const ca = await createCertificate({ subject: 'CN=Shared Issuing CA', isCA: true, ...validity });
    const leaves = [];
    for (let i = 0; i < 10; i++) {
      leaves.push(
        await createCertificate({
          subject: `CN=svc-${i}.example`,
          dnsNames: [`svc-${i}.example`],
          issuer: ca,
          ...validity,
        }),
      );
    }
    const before = certificateParses();

    // Act
    const parsed = leaves.map((leaf) => parseCertificateBundle(`${leaf.certPem}${ca.certPem}`));
    const again = parseCertificateBundle(`${leaves[0]!.certPem}${ca.certPem}`);
    parsed[0]!.chain[1]!.sans.push('DNS:changed-by-a-caller');

    // Assess: 10 leaves + the CA once; a bundle seen before costs no parse at all
    expect(certificateParses() - before).toBe(11);
    expect(parsed.map((bundle) => bundle.chain.map((info) => info.subject))).toEqual(
      leaves.map((_, i) => [`CN=svc-${i}.example`, 'CN=Shared Issuing CA']),
    );
    expect(again.chain[1]!.sans).toEqual([]);
    expect(parseCertificateBundle(`${ca.certPem}`).chain[0]!.sans).toEqual([]);
  });

  it('keeps a block that does not parse unreadable each time it comes', () => {
    const garbage = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
    expect([parseCertificateBundle(garbage), parseCertificateBundle(garbage)]).toEqual([
      { chain: [], unreadable: 1 },
      { chain: [], unreadable: 1 },
    ]);
  });
});
