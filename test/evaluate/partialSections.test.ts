/**
 * Rules on partly collected snapshots: they decide on what was read whenever it is enough to
 * answer, say "not evaluated" (naming what was not read) only where it is not, and a partial
 * section never makes a check pass that depended on an unread source.
 */
import { findingId } from '../../src/evaluate/findingId.js';
import { certExpired } from '../../src/evaluate/rules/certExpired.js';
import { certExpiring } from '../../src/evaluate/rules/certExpiring.js';
import { cidrOverlap } from '../../src/evaluate/rules/cidrOverlap.js';
import { constraintViolations } from '../../src/evaluate/rules/constraintViolations.js';
import { gatekeeperAbsent } from '../../src/evaluate/rules/gatekeeperAbsent.js';
import { gatekeeperAuditStale } from '../../src/evaluate/rules/gatekeeperAuditStale.js';
import { meshRootCaMismatch } from '../../src/evaluate/rules/meshRootCaMismatch.js';
import { sectionNotCollected } from '../../src/evaluate/rules/sectionNotCollected.js';
import type { SectionName, Snapshot, SourceStatus } from '../../src/snapshot/schema.js';
import { certificate, constraint, fingerprint, run, snapshotOf, tallyOf, tlsSecret } from './fixtures.js';

const rootA = fingerprint('root-a');
const rootB = fingerprint('root-b');
const CONFIGMAPS = 'ConfigMaps istio-ca-root-cert (every namespace)';
const CACERTS_FORBIDDEN =
  'GET /api/v1/namespaces/istio-system/secrets/cacerts: HTTP 403: secrets "cacerts" is forbidden';
const SKIPPED = 'not read: Secret reads are off (fleet file defaults.readSecrets: false, or --no-read-secrets)';

const source = (name: string, state: SourceStatus['state'], message?: string): SourceStatus => ({
  source: name,
  request: `GET ${name}`,
  state,
  ...(message ? { message } : {}),
});

/** Records the section as read from these sources (partial when some were not read). */
function setSources(snapshot: Snapshot, section: SectionName, sources: SourceStatus[]): void {
  const unread = sources.filter((s) => s.state !== 'ok' && s.state !== 'absent');
  const failed = unread.some((s) => s.state === 'forbidden' || s.state === 'error');
  snapshot.meta.sections[section] =
    unread.length === 0
      ? { state: 'ok', sources }
      : unread.length === sources.length
        ? { state: failed ? unread[0]!.state : 'skipped', message: unread[0]!.message ?? '', sources }
        : {
            state: 'partial',
            message: `not read: ${unread.map((s) => `${s.source} (${s.state})`).join(', ')}`,
            sources,
          };
  if (failed) snapshot.meta.status = 'partial';
}

const caSecretsForbidden = (s: Snapshot) =>
  setSources(s, 'istioCa', [
    source(CONFIGMAPS, 'ok'),
    source('Secret istio-system/cacerts', 'forbidden', CACERTS_FORBIDDEN),
    source('Secret istio-system/istio-ca-secret', 'forbidden', 'HTTP 403'),
  ]);

describe('MESH-ROOT-CA-MISMATCH on a cluster whose Istio CA Secrets could not be read', () => {
  const member = (cluster: string, roots: string[], partly: (s: Snapshot) => void = () => {}) =>
    snapshotOf(cluster, (s) => {
      s.meta.labels = { mesh: 'corp' };
      s.policies.istio.installed = true;
      s.certificates.istioRootFingerprints = roots;
      partly(s);
    });

  it('compares the roots of the istio-ca-root-cert ConfigMaps and fails naming both roots', () => {
    // Act
    const evaluation = run(meshRootCaMismatch, [
      member('cluster-a', [rootA]),
      member('cluster-b', [rootB], caSecretsForbidden),
    ]);

    // Assess
    expect(evaluation.findings.map((f) => [f.severity, f.clusters, f.resource, f.message])).toEqual([
      [
        'critical',
        ['cluster-a', 'cluster-b'],
        'Mesh/corp',
        `the Istio clusters of mesh group "corp" (label mesh=corp) share no root certificate: cluster-a [${rootA.slice(0, 16)}], cluster-b [${rootB.slice(0, 16)}]; cluster-b: roots from what could be read (not read: Secret istio-system/cacerts (forbidden), Secret istio-system/istio-ca-secret (forbidden))`,
      ],
    ]);
    expect(evaluation.findings[0]?.evidence).toEqual({
      group: 'corp',
      connections: [{ group: 'mesh/corp', kind: 'mesh', reasons: ['declared by the label mesh=corp'] }],
      rootFingerprints: { 'cluster-a': [rootA], 'cluster-b': [rootB] },
      partlyRead: {
        'cluster-b':
          'not read: Secret istio-system/cacerts (forbidden), Secret istio-system/istio-ca-secret (forbidden)',
      },
    });
    expect(tallyOf(evaluation, 'MESH-ROOT-CA-MISMATCH')).toEqual({ applicable: 1, evaluated: 1, passed: 0 });
  });

  it('passes when the ConfigMap roots are shared', () => {
    const evaluation = run(meshRootCaMismatch, [
      member('cluster-a', [rootA]),
      member('cluster-b', [rootA], caSecretsForbidden),
    ]);
    expect(evaluation.findings).toEqual([]);
    expect(tallyOf(evaluation, 'MESH-ROOT-CA-MISMATCH')).toEqual({ applicable: 1, evaluated: 1, passed: 1 });
  });

  it('does not evaluate a cluster of which no root could be read, naming the sources not read', () => {
    const evaluation = run(meshRootCaMismatch, [
      member('cluster-a', [rootA]),
      member('cluster-b', [], caSecretsForbidden),
    ]);
    expect(evaluation.findings).toEqual([]);
    expect(evaluation.unevaluated).toEqual([
      {
        rule: 'MESH-ROOT-CA-MISMATCH',
        cluster: 'cluster-b',
        subject: 'Cluster/cluster-b',
        status: 'not-evaluated',
        reason:
          'Istio roots not collected: istioCa partial (not read: Secret istio-system/cacerts (forbidden), Secret istio-system/istio-ca-secret (forbidden))',
        unread: [
          { section: 'istioCa', source: 'Secret istio-system/cacerts', state: 'forbidden' },
          { section: 'istioCa', source: 'Secret istio-system/istio-ca-secret', state: 'forbidden' },
        ],
      },
    ]);
  });
});

describe('certificate expiry when the TLS Secrets could not be read', () => {
  const soon = '2026-11-30T00:00:00.000Z'; // 4 days and 15 hours after NOW
  const withCertManager = (fill: (s: Snapshot) => void) =>
    snapshotOf('cluster-a', (s) => {
      s.certificates.certManager.push(
        {
          namespace: 'payments',
          name: 'api',
          secretName: 'api-tls',
          dnsNames: ['api.payments.example'],
          issuerRef: { name: 'corp', kind: 'ClusterIssuer' },
          ready: true,
          readyReason: 'Ready',
          readyMessage: null,
          notAfter: soon,
          renewalTime: null,
        },
        {
          namespace: 'web',
          name: 'old',
          secretName: 'old-tls',
          dnsNames: [],
          issuerRef: null,
          ready: false,
          readyReason: 'Failed',
          readyMessage: 'issuer gone',
          notAfter: '2026-11-01T00:00:00.000Z',
          renewalTime: null,
        },
        {
          namespace: 'web',
          name: 'pending',
          secretName: 'pending-tls',
          dnsNames: [],
          issuerRef: null,
          ready: null,
          readyReason: null,
          readyMessage: null,
          notAfter: null,
          renewalTime: null,
        },
      );
      fill(s);
    });

  it('judges the Secrets cert-manager manages from Certificate status.notAfter, under the Secret name, when TLS Secrets are forbidden', () => {
    // Prepare
    const cluster = withCertManager((s) =>
      setSources(s, 'tlsSecrets', [source('TLS Secrets', 'forbidden', 'GET /api/v1/secrets: HTTP 403')]),
    );

    // Act
    const expiring = run(certExpiring, [cluster]);
    const expired = run(certExpired, [cluster]);

    // Assess
    expect(expiring.findings.map((f) => [f.severity, f.resource, f.message, f.evidence])).toEqual([
      [
        'critical',
        'Secret/payments/api-tls',
        'Secret/payments/api-tls: certificate expires 2026-11-30T00:00:00.000Z (in 4 days, according to cert-manager Certificate payments/api status.notAfter; the Secret itself was not read)',
        { source: 'cert-manager', certificate: 'payments/api', notAfter: soon },
      ],
    ]);
    expect(expired.findings.map((f) => [f.resource, f.message])).toEqual([
      [
        'Secret/web/old-tls',
        'Secret/web/old-tls: certificate expired 2026-11-01T00:00:00.000Z (according to cert-manager Certificate web/old status.notAfter; the Secret itself was not read)',
      ],
    ]);
    // The TLS Secrets cert-manager does not manage are still unknown: one not-evaluated check says so.
    expect(expiring.unevaluated.map((c) => [c.subject, c.reason, c.unread])).toEqual([
      [
        'Section/tlsSecrets',
        'certificates not collected: tlsSecrets forbidden (GET /api/v1/secrets: HTTP 403); the 2 Secret(s) cert-manager manages were judged from Certificate status.notAfter',
        [{ section: 'tlsSecrets', source: 'TLS Secrets', state: 'forbidden' }],
      ],
    ]);
    expect(tallyOf(expiring, 'CERT-EXPIRING')).toEqual({ applicable: 3, evaluated: 2, passed: 1 });
  });

  it('keeps the finding id of the certificate whether its expiry came from the Secret or from cert-manager', () => {
    const fromStatus = run(certExpiring, [
      withCertManager((s) => setSources(s, 'tlsSecrets', [source('TLS Secrets', 'skipped', SKIPPED)])),
    ]);
    const fromSecret = run(certExpiring, [
      withCertManager((s) =>
        s.certificates.bundles.push(tlsSecret('payments', 'api-tls', certificate('CN=api', soon))),
      ),
    ]);

    expect(fromStatus.findings.map((f) => f.id)).toEqual([
      findingId('CERT-EXPIRING', ['cluster-a'], 'Secret/payments/api-tls'),
    ]);
    expect(fromSecret.findings.map((f) => f.id)).toEqual(fromStatus.findings.map((f) => f.id));
  });

  it('does not judge from cert-manager status when the TLS Secrets were read', () => {
    const evaluation = run(certExpiring, [withCertManager(() => {})]);
    expect(evaluation.findings).toEqual([]);
    expect(evaluation.unevaluated).toEqual([]);
  });
});

describe('the Istio CA Secrets not read, for the certificate rules', () => {
  it('leaves them not evaluated where Istio runs, and asks nothing of a cluster without Istio', () => {
    const istio = snapshotOf('istio', (s) => {
      s.policies.istio.installed = true;
      s.certificates.bundles.push({
        source: 'istio-root',
        namespace: 'istio-system',
        name: 'istio-ca-root-cert',
        key: 'root-cert.pem',
        chain: [certificate('CN=Mesh Root', '2036-01-01T00:00:00.000Z', { isCA: true })],
      });
      caSecretsForbidden(s);
    });
    const plain = snapshotOf('plain', (s) => {
      s.meta.sections.istio = { state: 'absent' };
      caSecretsForbidden(s);
    });

    const evaluation = run(certExpired, [istio, plain]);

    expect(evaluation.unevaluated.map((c) => [c.cluster, c.subject, c.reason])).toEqual([
      [
        'istio',
        'Section/istioCa',
        'certificates partly collected: istioCa partial (not read: Secret istio-system/cacerts (forbidden), Secret istio-system/istio-ca-secret (forbidden))',
      ],
    ]);
    // The root read from the ConfigMaps is judged.
    expect(tallyOf(evaluation, 'CERT-EXPIRED')).toEqual({ applicable: 2, evaluated: 1, passed: 1 });
  });
});

describe('CIDR-OVERLAP on partly collected clusters', () => {
  const withServiceRange = (cluster: string, cidr: string, partly: boolean) =>
    snapshotOf(cluster, (s) => {
      // One network: only connected clusters are compared.
      s.meta.labels = { network: 'corp' };
      s.network.serviceCIDRs.push({ cidr, source: 'kubeadm-config' });
      if (partly) {
        setSources(s, 'serviceCidrs', [
          source('ServiceCIDRs', 'forbidden', 'GET /apis/networking.k8s.io/v1/servicecidrs: HTTP 403'),
          source('ConfigMap kube-system/kubeadm-config', 'ok'),
        ]);
      }
    });

  it('reports an overlap found in what was read, and never passes a cluster whose ranges were read in part', () => {
    const evaluation = run(cidrOverlap, [
      withServiceRange('cluster-a', '10.96.0.0/16', false),
      withServiceRange('cluster-b', '10.96.0.0/16', true),
      withServiceRange('cluster-c', '10.99.0.0/16', true),
    ]);

    expect(evaluation.findings.map((f) => [f.clusters, f.resource])).toEqual([
      [['cluster-a', 'cluster-b'], 'ServiceCIDR/10.96.0.0/16'],
    ]);
    expect(evaluation.tallies.map((t) => [t.cluster, t.applicable, t.evaluated, t.passed])).toEqual([
      ['cluster-a', 1, 1, 0],
      ['cluster-b', 1, 1, 0],
      ['cluster-c', 1, 0, 0],
    ]);
    expect(evaluation.unevaluated.map((c) => [c.subject, c.reason])).toEqual([
      ['Cluster/cluster-c', 'network ranges not collected: serviceCidrs partial (not read: ServiceCIDRs (forbidden))'],
    ]);
  });
});

describe('section gating of a partial section', () => {
  const gatekeeper = snapshotOf('cluster-a', (s) => {
    s.policies.gatekeeper.constraints.push(
      constraint('K8sRequiredLabels', 'must-have-owner', { totalViolations: 3 }),
      constraint('K8sAllowedRepos', 'repos'),
    );
    setSources(s, 'gatekeeper', [
      source('ConstraintTemplates', 'ok'),
      source('K8sDisallowHostPath constraints', 'forbidden', 'HTTP 403'),
      source('K8sRequiredLabels constraints', 'ok'),
      source('K8sAllowedRepos constraints', 'ok'),
    ]);
  });

  it('judges the constraints that were read and adds one not-evaluated check for the kinds that were not', () => {
    const evaluation = run(constraintViolations, [gatekeeper]);

    expect(evaluation.findings.map((f) => f.resource)).toEqual(['K8sRequiredLabels/must-have-owner']);
    expect(tallyOf(evaluation, 'CONSTRAINT-VIOLATIONS')).toEqual({ applicable: 3, evaluated: 2, passed: 1 });
    expect(evaluation.unevaluated.map((c) => [c.subject, c.reason, c.unread])).toEqual([
      [
        'Section/gatekeeper',
        'partly collected: gatekeeper partial (not read: K8sDisallowHostPath constraints (forbidden))',
        [{ section: 'gatekeeper', source: 'K8sDisallowHostPath constraints', state: 'forbidden' }],
      ],
    ]);
  });

  it('answers from what was read when that is enough (Gatekeeper is installed, the audit dated by the constraints read)', () => {
    const evaluation = run([gatekeeperAbsent, gatekeeperAuditStale], [gatekeeper]);
    expect(tallyOf(evaluation, 'GATEKEEPER-ABSENT')).toEqual({ applicable: 1, evaluated: 1, passed: 1 });
    expect(tallyOf(evaluation, 'GATEKEEPER-AUDIT-STALE')).toEqual({ applicable: 1, evaluated: 1, passed: 1 });
  });

  it('does not date the audit when no constraint of a partly collected Gatekeeper could be read', () => {
    const noneRead = snapshotOf('cluster-a', (s) =>
      setSources(s, 'gatekeeper', [
        source('ConstraintTemplates', 'ok'),
        source('K8sDisallowHostPath constraints', 'forbidden', 'HTTP 403'),
      ]),
    );
    const evaluation = run(gatekeeperAuditStale, [noneRead]);
    expect(evaluation.unevaluated.map((c) => [c.subject, c.reason])).toEqual([
      [
        'Cluster/cluster-a',
        'no constraint could be read: gatekeeper partial (not read: K8sDisallowHostPath constraints (forbidden))',
      ],
    ]);
  });
});

describe('SECTION-NOT-COLLECTED with per-source outcomes', () => {
  it('fails a section read in part, passes one whose only unread sources were skipped on purpose, and makes no check for a skipped section', () => {
    const cluster = snapshotOf('cluster-a', (s) => {
      caSecretsForbidden(s);
      setSources(s, 'tlsSecrets', [source('TLS Secrets', 'skipped', SKIPPED)]);
      setSources(s, 'argocdClusters', [source('Argo CD cluster Secrets', 'skipped', SKIPPED)]);
      setSources(s, 'kyverno', [
        source('Kyverno ClusterPolicies', 'ok'),
        source('PolicyReports (wgpolicyk8s.io)', 'skipped', SKIPPED),
      ]);
    });

    const evaluation = run(sectionNotCollected, [cluster]);

    expect(evaluation.findings.map((f) => [f.resource, f.message, f.evidence])).toEqual([
      [
        'Section/istioCa',
        'read Istio CA roots only in part (Secret istio-system/cacerts: forbidden for the reader role; Secret istio-system/istio-ca-secret: forbidden for the reader role)',
        {
          section: 'istioCa',
          state: 'partial',
          message: 'not read: Secret istio-system/cacerts (forbidden), Secret istio-system/istio-ca-secret (forbidden)',
          unreadSources: [
            source('Secret istio-system/cacerts', 'forbidden', CACERTS_FORBIDDEN),
            source('Secret istio-system/istio-ca-secret', 'forbidden', 'HTTP 403'),
          ],
        },
      ],
    ]);
    // 19 sections, two of them skipped: 17 checks, the partial kyverno one passed.
    expect(tallyOf(evaluation, 'SECTION-NOT-COLLECTED')).toEqual({ applicable: 17, evaluated: 17, passed: 16 });
  });
});
