import { clusterFacts } from '../../src/report/clusterFacts.js';
import { snapshotAt } from './fixtures.js';

const x509 = (cn: string, digit: string) => ({
  subject: `CN=${cn}`,
  issuer: `CN=${cn}`,
  sans: [],
  serialNumber: '01',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
  fingerprint256: digit.repeat(64),
  isCA: true,
});

describe('clusterFacts', () => {
  it('counts namespaces as the namespace checks see them, leaving out the excluded ones', () => {
    const snapshot = snapshotAt('a', '2026-11-25T08:00:00.000Z', {
      namespaces: ['kube-system', 'ledger', 'web', 'batch'].map((name) => ({ name, labels: {}, phase: 'Active' })),
      quotas: {
        resourceQuotas: [
          { namespace: 'ledger', name: 'q', resources: [] },
          { namespace: 'kube-system', name: 'q', resources: [] },
        ],
        limitRanges: [{ namespace: 'web', name: 'l', limits: [] }],
      },
    });
    snapshot.policies.networkPolicies = [
      {
        namespace: 'ledger',
        policyCount: 1,
        defaultDenyIngress: true,
        defaultDenyEgress: false,
        allowAllIngress: false,
        allowAllEgress: false,
      },
      {
        namespace: 'web',
        policyCount: 1,
        defaultDenyIngress: false,
        defaultDenyEgress: false,
        allowAllIngress: true,
        allowAllEgress: false,
      },
    ];

    expect(clusterFacts(snapshot).namespaces).toEqual({
      total: 3,
      withQuota: 1,
      withLimitRange: 1,
      withDefaultDeny: 1,
    });
    // kube-system is a platform namespace: the tenant-hygiene checks skip it as well.
    expect(clusterFacts(snapshot, { excludeNamespaces: ['batch'] }).namespaces).toEqual({
      total: 2,
      withQuota: 1,
      withLimitRange: 1,
      withDefaultDeny: 1,
    });
    expect(clusterFacts(snapshot, { excludeNamespaces: ['batch'], platformNamespaces: [] }).namespaces).toEqual({
      total: 3,
      withQuota: 2,
      withLimitRange: 1,
      withDefaultDeny: 1,
    });
  });

  it('tracks the first certificate of a bundle, every root of an Istio root bundle, and the API server certificate', () => {
    const snapshot = snapshotAt('a', '2026-11-25T08:00:00.000Z', {
      meta: { servingCertificate: x509('kube-apiserver', 'c') },
      certificates: {
        bundles: [
          {
            source: 'tls-secret',
            namespace: 'web',
            name: 'tls',
            key: 'tls.crt',
            chain: [x509('leaf', '1'), x509('ca', '2')],
          },
          {
            source: 'istio-root',
            namespace: 'web',
            name: 'istio-ca-root-cert',
            key: 'root-cert.pem',
            chain: [x509('old-root', '3'), x509('new-root', '4')],
          },
        ],
        certManager: [],
        istioRootFingerprints: [],
      },
    });

    expect(clusterFacts(snapshot).certificates.map((c) => [c.source, c.name, c.subject])).toEqual([
      ['apiserver', 'kube-apiserver', 'CN=kube-apiserver'],
      ['istio-root', 'istio-ca-root-cert', 'CN=old-root'],
      ['istio-root', 'istio-ca-root-cert', 'CN=new-root'],
      ['tls-secret', 'tls', 'CN=leaf'],
    ]);
  });

  it('collects Pod ranges from nodes and configuration once each, sorted', () => {
    const snapshot = snapshotAt('a', '2026-11-25T08:00:00.000Z', {
      network: {
        nodes: [
          { name: 'n1', podCIDRs: ['10.244.1.0/24', 'fd00:1::/64'] },
          { name: 'n2', podCIDRs: ['10.244.0.0/24'] },
        ],
        serviceCIDRs: [
          { cidr: '10.96.0.0/12', source: 'servicecidr-api' },
          { cidr: '10.96.0.0/12', source: 'kubeadm-config' },
        ],
        podRanges: [{ cidr: '10.244.0.0/16', source: 'kubeadm-config' }],
        ipPools: [],
      },
    });

    const facts = clusterFacts(snapshot);
    expect(facts.podCIDRs).toEqual(['10.244.0.0/16', '10.244.0.0/24', '10.244.1.0/24', 'fd00:1::/64']);
    expect(facts.serviceCIDRs).toEqual(['10.96.0.0/12']);
  });
});
