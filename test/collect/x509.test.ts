import { X509Certificate } from 'node:crypto';
import { parseCertificateBundle, splitPemCertificates } from '../../src/collect/x509.js';
import type { createCertificate as CreateCertificate } from '../../src/simulator/certificates.js';

let createCertificate: typeof CreateCertificate;
beforeAll(async () => {
  ({ createCertificate } = await import('../../src/simulator/certificates.js'));
});

describe('certificate bundles', () => {
  it('reads every certificate of a bundle in file order, with fingerprints as lower-case hex', async () => {
    // Prepare
    const root = await createCertificate({
      subject: 'CN=Example Root, O=Example',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2036-01-01T00:00:00Z'),
      isCA: true,
    });
    const leaf = await createCertificate({
      subject: 'CN=api.payments.example',
      dnsNames: ['api.payments.example'],
      ipAddresses: ['10.0.0.7'],
      notBefore: new Date('2026-11-01T00:00:00Z'),
      notAfter: new Date('2026-11-30T12:00:00Z'),
      issuer: root,
      serialNumber: '0a1b2c',
    });
    const bundle = `${leaf.certPem}\n${leaf.keyPem}\n${root.certPem}`;

    // Act
    const { chain, unreadable } = parseCertificateBundle(bundle);

    // Assess
    expect(splitPemCertificates(bundle)).toHaveLength(2);
    expect(unreadable).toBe(0);
    expect(chain).toEqual([
      {
        subject: 'CN=api.payments.example',
        issuer: 'CN=Example Root, O=Example',
        sans: ['DNS:api.payments.example', 'IP Address:10.0.0.7'],
        serialNumber: '0a1b2c',
        notBefore: '2026-11-01T00:00:00.000Z',
        notAfter: '2026-11-30T12:00:00.000Z',
        fingerprint256: new X509Certificate(leaf.certPem).fingerprint256.replaceAll(':', '').toLowerCase(),
        isCA: false,
      },
      expect.objectContaining({
        subject: 'CN=Example Root, O=Example',
        issuer: 'CN=Example Root, O=Example',
        isCA: true,
      }),
    ]);
  });
});
