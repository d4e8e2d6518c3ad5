import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { CoreV1Api } from '@kubernetes/client-node';
import { createCertificate } from '../../src/simulator/certificates.js';
import { startSimulatedFleet } from '../../src/simulator/fleet.js';
import { generateCertificateObjects } from '../../src/simulator/generatedCertificates.js';
import { kubeConfigFor, namespace } from './fixtures.js';

const NOW = new Date('2026-11-25T09:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

function pemBlocks(text: string): X509Certificate[] {
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (pem) => new X509Certificate(pem),
  );
}

function decode(value: unknown): string {
  return Buffer.from(String(value), 'base64').toString('utf8');
}

function dataOf(object: Record<string, unknown> | undefined): Record<string, string> {
  return (object?.['data'] ?? {}) as Record<string, string>;
}

function validTo(certificate: X509Certificate): number {
  return Date.parse(certificate.validTo);
}

describe('createCertificate', () => {
  it('issues a leaf signed by a CA, with SANs, dates and a positive serial', async () => {
    const ca = await createCertificate({
      subject: 'CN=Test Root, O=Example',
      isCA: true,
      notBefore: NOW,
      notAfter: new Date(NOW.getTime() + 10 * DAY),
    });
    const leaf = await createCertificate({
      subject: 'CN=api.example.com',
      dnsNames: ['api.example.com'],
      ipAddresses: ['127.0.0.1'],
      issuer: ca,
      notBefore: NOW,
      notAfter: new Date(NOW.getTime() + 5 * DAY),
      serialNumber: '0a1b2c',
    });
    const [root] = pemBlocks(ca.certPem);
    const [cert] = pemBlocks(leaf.certPem);
    expect(root?.ca).toBe(true);
    expect(cert?.ca).toBe(false);
    expect(cert?.subject).toBe('CN=api.example.com');
    expect(cert?.issuer).toBe('CN=Test Root\nO=Example');
    expect(cert?.subjectAltName).toBe('DNS:api.example.com, IP Address:127.0.0.1');
    expect(cert?.serialNumber).toBe('0A1B2C');
    expect(cert && root && cert.checkIssued(root) && cert.verify(root.publicKey)).toBe(true);
    expect(cert && validTo(cert)).toBe(NOW.getTime() + 5 * DAY);
    expect(leaf.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });
});

describe('the certificates: section of simulator.yaml', () => {
  it('generates TLS Secrets with leaf + intermediate chain, CA ConfigMaps and Istio cacerts relative to now', async () => {
    const objects = await generateCertificateObjects(
      {
        authorities: [
          { id: 'root', subject: 'CN=Corp Root, O=Example' },
          { id: 'issuing', subject: 'CN=Corp Issuing, O=Example', issuer: 'root', validDays: 1000 },
          { id: 'mesh-root', subject: 'CN=Mesh Root' },
          { id: 'mesh-int', subject: 'CN=Mesh Intermediate', issuer: 'mesh-root' },
        ],
        secrets: [
          {
            namespace: 'payments',
            name: 'api-tls',
            subject: 'CN=api.payments.example',
            dnsNames: ['api.payments.example'],
            issuer: 'issuing',
            notBeforeDays: -85,
            notAfterDays: 5,
          },
          { namespace: 'web', name: 'self', subject: 'CN=self.example', notAfterDays: -3 },
        ],
        configMaps: [
          {
            namespace: 'istio-system',
            name: 'istio-ca-root-cert',
            key: 'root-cert.pem',
            authorities: ['mesh-root', 'root'],
          },
        ],
        istioCacerts: { authority: 'mesh-int', root: 'mesh-root' },
      },
      NOW,
      'test',
    );
    expect(
      objects.map((o) => [o['kind'], (o['metadata'] as { namespace: string; name: string }).name, o['type']]),
    ).toEqual([
      ['Secret', 'api-tls', 'kubernetes.io/tls'],
      ['Secret', 'self', 'kubernetes.io/tls'],
      ['ConfigMap', 'istio-ca-root-cert', undefined],
      ['Secret', 'cacerts', 'Opaque'],
    ]);

    const apiData = dataOf(objects[0]);
    const [leaf, intermediate, ...rest] = pemBlocks(decode(apiData['tls.crt']));
    const [root] = pemBlocks(decode(apiData['ca.crt']));
    expect(rest).toEqual([]);
    expect([leaf?.subject, leaf?.issuer]).toEqual(['CN=api.payments.example', 'CN=Corp Issuing\nO=Example']);
    expect([intermediate?.subject, intermediate?.issuer]).toEqual([
      'CN=Corp Issuing\nO=Example',
      'CN=Corp Root\nO=Example',
    ]);
    expect(root?.subject).toBe('CN=Corp Root\nO=Example');
    expect(leaf && intermediate && leaf.verify(intermediate.publicKey)).toBe(true);
    expect(intermediate && root && intermediate.verify(root.publicKey)).toBe(true);
    expect(leaf && validTo(leaf)).toBe(NOW.getTime() + 5 * DAY);
    expect(leaf && Date.parse(leaf.validFrom)).toBe(NOW.getTime() - 85 * DAY);
    expect(decode(apiData['tls.key'])).toMatch(/^-----BEGIN PRIVATE KEY-----/);

    const selfData = dataOf(objects[1]);
    const [self] = pemBlocks(decode(selfData['tls.crt']));
    expect(self?.subject).toBe(self?.issuer);
    expect(self && validTo(self)).toBe(NOW.getTime() - 3 * DAY);

    const roots = pemBlocks(dataOf(objects[2])['root-cert.pem'] ?? '');
    expect(roots.map((c) => c.subject)).toEqual(['CN=Mesh Root', 'CN=Corp Root\nO=Example']);

    const cacerts = dataOf(objects[3]);
    expect(pemBlocks(decode(cacerts['ca-cert.pem'])).map((c) => c.subject)).toEqual(['CN=Mesh Intermediate']);
    expect(pemBlocks(decode(cacerts['root-cert.pem'])).map((c) => c.subject)).toEqual(['CN=Mesh Root']);
    expect(pemBlocks(decode(cacerts['cert-chain.pem'])).map((c) => c.subject)).toEqual([
      'CN=Mesh Intermediate',
      'CN=Mesh Root',
    ]);
    expect(decode(cacerts['ca-key.pem'])).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('refuses an issuer that names no earlier authority, naming the key', async () => {
    await expect(
      generateCertificateObjects(
        { secrets: [{ namespace: 'a', name: 'b', subject: 'CN=b', issuer: 'missing' }] },
        NOW,
        'cluster x',
      ),
    ).rejects.toThrow(
      'cluster x: certificates.secrets.0.issuer: unknown authority "missing" (define it earlier under certificates.authorities)',
    );
  });

  it('serves the generated objects and a serving certificate valid for servingCertValidDays', async () => {
    // Near the wall clock (X.509 keeps whole seconds): TLS checks the serving certificate against it.
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const fleet = await startSimulatedFleet(
      [
        {
          name: 'certs',
          objects: [namespace('payments')],
          config: {
            servingCertValidDays: 12,
            certificates: {
              secrets: [{ namespace: 'payments', name: 'api-tls', subject: 'CN=api', notAfterDays: 20 }],
            },
          },
        },
      ],
      { now },
    );
    try {
      const cluster = fleet.clusters[0]!;
      const secrets = await kubeConfigFor(cluster)
        .makeApiClient(CoreV1Api)
        .listSecretForAllNamespaces({ fieldSelector: 'type=kubernetes.io/tls' });
      expect(secrets.items.map((s) => s.metadata?.name)).toEqual(['api-tls']);
      const served = await new Promise<X509Certificate>((resolve, reject) => {
        const socket = connect(
          { host: '127.0.0.1', port: Number(new URL(cluster.server).port), ca: cluster.caPem },
          () => {
            const peer = socket.getPeerX509Certificate();
            socket.end();
            if (peer) resolve(peer);
            else reject(new Error('no peer certificate'));
          },
        );
        socket.on('error', reject);
      });
      expect(validTo(served)).toBe(now.getTime() + 12 * DAY);
      expect(served.toString()).toBe(new X509Certificate(cluster.servingCertPem).toString());
      expect(served.subjectAltName).toContain('IP Address:127.0.0.1');
    } finally {
      await fleet.stop();
    }
  });

  it('keeps TLS working when the injected now is long past, stretching only an already expired serving certificate', async () => {
    const longAgo = new Date(Date.now() - 400 * DAY);
    const fleet = await startSimulatedFleet(
      [{ name: 'past', objects: [namespace('a')], config: { servingCertValidDays: 30 } }],
      {
        now: longAgo,
      },
    );
    try {
      const list = await kubeConfigFor(fleet.clusters[0]!).makeApiClient(CoreV1Api).listNamespace();
      expect(list.items.map((n) => n.metadata?.name)).toEqual(['a']);
      expect(validTo(new X509Certificate(fleet.clusters[0]!.servingCertPem))).toBeGreaterThan(Date.now());
    } finally {
      await fleet.stop();
    }
  });
});
