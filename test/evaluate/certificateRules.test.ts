import { certExpired } from '../../src/evaluate/rules/certExpired.js';
import { certExpiring } from '../../src/evaluate/rules/certExpiring.js';
import { certManagerNotReady } from '../../src/evaluate/rules/certManagerNotReady.js';
import { certificate, run, setSection, snapshotOf, tallyOf, tlsSecret } from './fixtures.js';

// NOW is 2026-11-25T09:00:00Z.
const leafSoon = certificate('CN=api.payments', '2026-11-30T09:00:00.000Z', { serialNumber: '0a' });
const intermediateLater = certificate('CN=Payments Intermediate CA', '2026-12-15T09:00:00.000Z', {
  serialNumber: '0b',
  isCA: true,
});
const rootFar = certificate('CN=Root CA', '2036-01-01T00:00:00.000Z', { serialNumber: '01', isCA: true });
const expired = certificate('CN=old.ledger', '2026-11-20T00:00:00.000Z', { serialNumber: 'ff' });

describe('CERT-EXPIRING', () => {
  it('looks at every certificate of a bundle and names each one expiring; critical within 7 days', () => {
    const cluster = snapshotOf('cluster-a', (s) => {
      s.certificates.bundles.push(tlsSecret('payments', 'api-tls', leafSoon, intermediateLater, rootFar));
    });
    const evaluation = run(certExpiring, [cluster]);
    expect(evaluation.findings.map((f) => [f.severity, f.resource, f.message])).toEqual([
      [
        'critical',
        'Secret/payments/api-tls',
        'Secret/payments/api-tls: tls.crt certificate 1 of 3 (CN=api.payments, serial 0a) expires 2026-11-30T09:00:00.000Z (in 5 days); tls.crt certificate 2 of 3 (CN=Payments Intermediate CA, serial 0b) expires 2026-12-15T09:00:00.000Z (in 20 days)',
      ],
    ]);
  });

  it('is high when the soonest expiry is within 30 days but not 7', () => {
    const cluster = snapshotOf('cluster-a', (s) => {
      s.certificates.bundles.push(tlsSecret('payments', 'api-tls', intermediateLater, rootFar));
    });
    expect(run(certExpiring, [cluster]).findings.map((f) => f.severity)).toEqual(['high']);
  });

  it('covers the Istio CA and the API server serving certificate', () => {
    const cluster = snapshotOf('cluster-a', (s) => {
      s.meta.servingCertificate = leafSoon;
      s.certificates.bundles.push({
        source: 'istio-ca',
        namespace: 'istio-system',
        name: 'cacerts',
        key: 'ca-cert.pem',
        chain: [intermediateLater],
      });
      s.certificates.bundles.push({
        source: 'istio-root',
        namespace: 'payments',
        name: 'istio-ca-root-cert',
        key: 'root-cert.pem',
        chain: [rootFar],
      });
    });
    const evaluation = run(certExpiring, [cluster]);
    expect(evaluation.findings.map((f) => [f.severity, f.resource])).toEqual([
      ['critical', 'APIServer/serving-certificate'],
      ['high', 'Secret/istio-system/cacerts'],
    ]);
    expect(tallyOf(evaluation, 'CERT-EXPIRING')).toEqual({ applicable: 3, evaluated: 3, passed: 1 });
  });

  it('leaves expired certificates to CERT-EXPIRED and vice versa', () => {
    const cluster = snapshotOf('cluster-a', (s) => {
      s.certificates.bundles.push(tlsSecret('ledger', 'old-tls', expired), tlsSecret('payments', 'api-tls', leafSoon));
    });
    const evaluation = run([certExpired, certExpiring], [cluster]);
    expect(evaluation.findings.map((f) => [f.rule, f.severity, f.resource, f.message])).toEqual([
      [
        'CERT-EXPIRED',
        'critical',
        'Secret/ledger/old-tls',
        'Secret/ledger/old-tls: tls.crt certificate (CN=old.ledger, serial ff) expired 2026-11-20T00:00:00.000Z',
      ],
      [
        'CERT-EXPIRING',
        'critical',
        'Secret/payments/api-tls',
        'Secret/payments/api-tls: tls.crt certificate (CN=api.payments, serial 0a) expires 2026-11-30T09:00:00.000Z (in 5 days)',
      ],
    ]);
  });

  it('counts a forbidden certificate section as one not-evaluated check and still judges the others', () => {
    const cluster = snapshotOf('cluster-a', (s) => {
      setSection(s, 'tlsSecrets', 'forbidden', 'secrets is forbidden');
      s.certificates.bundles.push({
        source: 'istio-ca',
        namespace: 'istio-system',
        name: 'cacerts',
        key: 'ca-cert.pem',
        chain: [rootFar],
      });
    });
    const evaluation = run(certExpired, [cluster]);
    expect(tallyOf(evaluation, 'CERT-EXPIRED')).toEqual({ applicable: 2, evaluated: 1, passed: 1 });
  });

  it('judges all data keys of one Secret together, each certificate once', () => {
    const cluster = snapshotOf('cluster-a', (s) => {
      const cacerts = (key: string, ...chain: (typeof rootFar)[]) => ({
        source: 'istio-ca' as const,
        namespace: 'istio-system',
        name: 'cacerts',
        key,
        chain,
      });
      s.certificates.bundles.push(
        cacerts('ca-cert.pem', intermediateLater),
        cacerts('cert-chain.pem', intermediateLater, leafSoon),
        cacerts('root-cert.pem', rootFar),
      );
    });
    const evaluation = run(certExpiring, [cluster]);
    expect(evaluation.findings.map((f) => [f.severity, f.resource, f.message])).toEqual([
      [
        'critical',
        'Secret/istio-system/cacerts',
        'Secret/istio-system/cacerts: ca-cert.pem certificate (CN=Payments Intermediate CA, serial 0b) expires 2026-12-15T09:00:00.000Z (in 20 days); cert-chain.pem certificate 2 of 2 (CN=api.payments, serial 0a) expires 2026-11-30T09:00:00.000Z (in 5 days)',
      ],
    ]);
    expect(tallyOf(evaluation, 'CERT-EXPIRING')).toEqual({ applicable: 1, evaluated: 1, passed: 0 });
  });

  it('uses the configured thresholds', () => {
    const cluster = snapshotOf('cluster-a', (s) => {
      s.certificates.bundles.push(tlsSecret('payments', 'api-tls', intermediateLater));
    });
    const thresholds = {
      quotaNearLimit: 0.9,
      gatekeeperAuditMaxAgeHours: 24,
      certExpiringCriticalDays: 21,
      certExpiringHighDays: 60,
      excludeNamespaces: [],
      disabled: [],
      severity: {},
      waiverMaxTermDays: 365,
    };
    expect(run(certExpiring, [cluster], { thresholds }).findings.map((f) => f.severity)).toEqual(['critical']);
  });
});

describe('CERTMANAGER-NOT-READY', () => {
  it('reports Certificates that are not Ready or have no Ready condition', () => {
    const base = {
      secretName: 'tls',
      dnsNames: ['api.example.test'],
      issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' },
      notAfter: null,
      renewalTime: null,
    };
    const cluster = snapshotOf('cluster-a', (s) => {
      s.certificates.certManager.push(
        { ...base, namespace: 'payments', name: 'api', ready: true, readyReason: 'Ready', readyMessage: 'ok' },
        {
          ...base,
          namespace: 'ledger',
          name: 'web',
          ready: false,
          readyReason: 'DoesNotExist',
          readyMessage: 'Issuing certificate as Secret does not exist',
        },
        { ...base, namespace: 'batch', name: 'jobs', ready: null, readyReason: null, readyMessage: null },
      );
    });
    expect(run(certManagerNotReady, [cluster]).findings.map((f) => [f.resource, f.message])).toEqual([
      ['Certificate/batch/jobs', 'cert-manager Certificate batch/jobs has no Ready condition'],
      [
        'Certificate/ledger/web',
        'cert-manager Certificate ledger/web is not Ready (DoesNotExist: Issuing certificate as Secret does not exist)',
      ],
    ]);
  });
});
