import { cidrOverlap } from '../../src/evaluate/rules/cidrOverlap.js';
import { meshRootCaMismatch } from '../../src/evaluate/rules/meshRootCaMismatch.js';
import { policyDrift } from '../../src/evaluate/rules/policyDrift.js';
import { snapshotMissing } from '../../src/evaluate/rules/snapshotMissing.js';
import { unauditedCluster } from '../../src/evaluate/rules/unauditedCluster.js';
import type { IpPool, Snapshot } from '../../src/snapshot/schema.js';
import { application, constraint, fingerprint, run, setSection, snapshotOf, tallyOf } from './fixtures.js';

const pool = (name: string, cidr: string): IpPool => ({
  name,
  cidr,
  apiGroup: 'crd.projectcalico.org',
  ipipMode: 'Never',
  vxlanMode: 'CrossSubnet',
  natOutgoing: true,
  disabled: false,
  blockSize: 26,
});

const networked = (cluster: string, fill: (s: Snapshot) => void, mesh?: string): Snapshot =>
  snapshotOf(cluster, (s) => {
    if (mesh) s.meta.labels = { mesh };
    fill(s);
  });

describe('CIDR-OVERLAP', () => {
  const podRange = (cidr: string) => (s: Snapshot) => s.network.podRanges.push({ cidr, source: 'kubeadm-config' });

  it('reports the pair of connected clusters whose IP pools overlap, naming both ranges, the intersection and the group', () => {
    const a = networked(
      'cluster-a',
      (s) => {
        s.network.ipPools.push(
          pool('default-ipv4-ippool', '10.244.0.0/16'),
          pool('inter-cluster-pool', '10.100.0.0/16'),
        );
        s.network.serviceCIDRs.push({ cidr: '10.96.0.0/16', source: 'servicecidr-api' });
      },
      'corp',
    );
    const b = networked(
      'cluster-b',
      (s) => {
        s.network.ipPools.push(
          pool('default-ipv4-ippool', '10.245.0.0/16'),
          pool('inter-cluster-pool', '10.100.4.0/24'),
        );
        s.network.serviceCIDRs.push({ cidr: '10.97.0.0/16', source: 'servicecidr-api' });
      },
      'corp',
    );
    const evaluation = run(cidrOverlap, [a, b]);
    expect(evaluation.findings).toHaveLength(1);
    const [finding] = evaluation.findings;
    expect(finding).toMatchObject({
      rule: 'CIDR-OVERLAP',
      severity: 'high',
      clusters: ['cluster-a', 'cluster-b'],
      resource: 'IPPool/inter-cluster-pool',
      message:
        'IPPool/inter-cluster-pool 10.100.0.0/16 on cluster-a overlaps IPPool/inter-cluster-pool 10.100.4.0/24 on cluster-b (common range 10.100.4.0/24), both in mesh group "corp" (label mesh=corp)',
    });
    expect(finding?.evidence['intersection']).toBe('10.100.4.0/24');
    expect(finding?.evidence['connections']).toEqual([
      { group: 'mesh/corp', kind: 'mesh', reasons: ['declared by the label mesh=corp'] },
    ]);
    expect(finding?.cluster).toBeUndefined();
    // One check per cluster; both fail on the same finding.
    expect(tallyOf(evaluation, 'CIDR-OVERLAP')).toEqual({ applicable: 2, evaluated: 2, passed: 0 });
  });

  it('keeps the id of an overlap of the same pair and range whatever connects the clusters', () => {
    const declared = run(cidrOverlap, [
      networked('cluster-a', podRange('10.244.0.0/16'), 'corp'),
      networked('cluster-b', podRange('10.244.0.0/16'), 'corp'),
    ]);
    const viaNetwork = run(
      cidrOverlap,
      [networked('cluster-a', podRange('10.244.0.0/16')), networked('cluster-b', podRange('10.244.0.0/16'))],
      {
        fleetClusters: [
          { name: 'cluster-a', labels: { network: 'dc1' } },
          { name: 'cluster-b', labels: { network: 'dc1' } },
        ],
      },
    );
    expect(viaNetwork.findings.map((f) => f.id)).toEqual(declared.findings.map((f) => f.id));
    expect(viaNetwork.findings.map((f) => f.message)).toEqual([
      'PodCIDR/10.244.0.0/16 on cluster-a overlaps PodCIDR/10.244.0.0/16 on cluster-b (common range 10.244.0.0/16), both in network group "dc1" (label network=dc1)',
    ]);
  });

  it('does not report adjacent ranges (10.0.0.0/24 and 10.0.1.0/24)', () => {
    const a = networked('cluster-a', podRange('10.0.0.0/24'), 'corp');
    const b = networked('cluster-b', podRange('10.0.1.0/24'), 'corp');
    const evaluation = run(cidrOverlap, [a, b]);
    expect(evaluation.findings).toEqual([]);
    expect(tallyOf(evaluation, 'CIDR-OVERLAP')).toEqual({ applicable: 2, evaluated: 2, passed: 2 });
  });

  it('finds IPv6 overlaps between node Pod CIDRs and a Service range', () => {
    const a = networked(
      'cluster-a',
      (s) => s.network.nodes.push({ name: 'node-1', podCIDRs: ['10.1.0.0/24', 'fd00:10:0:1::/64'] }),
      'corp',
    );
    const b = networked(
      'cluster-b',
      (s) => s.network.serviceCIDRs.push({ cidr: 'fd00:10::/48', source: 'kubeadm-config' }),
      'corp',
    );
    const evaluation = run(cidrOverlap, [a, b]);
    expect(evaluation.findings.map((f) => [f.resource, f.message])).toEqual([
      [
        'Node/node-1 <> ServiceCIDR/fd00:10::/48',
        'Node/node-1 fd00:10:0:1::/64 on cluster-a overlaps ServiceCIDR/fd00:10::/48 on cluster-b (common range fd00:10:0:1::/64), both in mesh group "corp" (label mesh=corp)',
      ],
    ]);
    expect(evaluation.findings[0]?.evidence['family']).toBe('ipv6');
  });

  it('reports node Pod CIDRs through the cluster range that contains them, once', () => {
    const a = networked(
      'cluster-a',
      (s) => {
        s.network.podRanges.push({ cidr: '10.244.0.0/16', source: 'kubeadm-config' });
        s.network.nodes.push(
          { name: 'node-1', podCIDRs: ['10.244.1.0/24'] },
          { name: 'node-2', podCIDRs: ['10.244.2.0/24'] },
        );
      },
      'corp',
    );
    const b = networked(
      'cluster-b',
      (s) => s.network.podRanges.push({ cidr: '10.244.0.0/16', source: 'flannel' }),
      'corp',
    );
    expect(run(cidrOverlap, [a, b]).findings.map((f) => f.resource)).toEqual(['PodCIDR/10.244.0.0/16']);
  });

  it('compares no clusters that share no group: unlabelled ones with the same default Pod range, or of different meshes', () => {
    const unlabelled = run(cidrOverlap, [
      networked('shop', podRange('10.244.0.0/16')),
      networked('lab', podRange('10.244.0.0/16')),
    ]);
    const otherMeshes = run(cidrOverlap, [
      networked('cluster-a', podRange('10.244.0.0/16'), 'east'),
      networked('cluster-b', podRange('10.244.0.0/16'), 'west'),
    ]);
    for (const evaluation of [unlabelled, otherMeshes]) {
      expect(evaluation.findings).toEqual([]);
      // Not compared: no check at all, so neither a pass nor a gap in coverage.
      expect(evaluation.tallies.filter((t) => t.rule === 'CIDR-OVERLAP')).toEqual([]);
    }
  });

  it('compares clusters joined by an Istio remote secret, saying where it was found', () => {
    const shop = networked('shop', (s) => {
      podRange('10.244.0.0/16')(s);
      s.federation.istioRemoteClusters.push('lab');
      s.federation.istioRemotes = [
        { secret: 'istio-remote-secret-lab', name: 'lab', server: 'https://lab.example.test:6443' },
      ];
    });
    const lab = networked('lab', podRange('10.244.0.0/16'));
    expect(run(cidrOverlap, [shop, lab]).findings.map((f) => [f.severity, f.message])).toEqual([
      [
        'high',
        'PodCIDR/10.244.0.0/16 on lab overlaps PodCIDR/10.244.0.0/16 on shop (common range 10.244.0.0/16), both in mesh group "lab+shop" (Istio remote secret istio-system/istio-remote-secret-lab on shop)',
      ],
    ]);
  });

  it('compares a manager with each cluster it manages at medium severity, and not those clusters with each other', () => {
    const host = networked('host', (s) => {
      podRange('10.244.0.0/16')(s);
      s.gitops.clusters.push(
        { name: 'cluster-a', server: 'https://cluster-a.example.test:6443' },
        { name: 'cluster-b', server: 'https://cluster-b.example.test:6443' },
      );
    });
    const a = networked('cluster-a', (s) => s.network.ipPools.push(pool('shared', '192.168.0.0/16')));
    const b = networked('cluster-b', (s) => {
      podRange('10.244.128.0/17')(s);
      s.network.ipPools.push(pool('shared', '192.168.0.0/16'));
    });
    const evaluation = run(cidrOverlap, [host, a, b]);
    expect(evaluation.findings.map((f) => [f.severity, f.clusters, f.message])).toEqual([
      [
        'medium',
        ['cluster-b', 'host'],
        'PodCIDR/10.244.128.0/17 on cluster-b overlaps PodCIDR/10.244.0.0/16 on host (common range 10.244.128.0/17), host manages cluster-b (Argo CD cluster "cluster-b" on host)',
      ],
    ]);
    expect(evaluation.findings[0]?.evidence['connections']).toEqual([
      {
        group: 'managed/host',
        kind: 'managed',
        reasons: [
          'Argo CD cluster "cluster-b" on host names the API server https://cluster-b.example.test:6443 of cluster-b',
        ],
      },
    ]);
    expect(evaluation.tallies.filter((t) => t.rule === 'CIDR-OVERLAP').map((t) => [t.cluster, t.passed])).toEqual([
      ['cluster-a', 1],
      ['cluster-b', 0],
      ['host', 0],
    ]);
  });

  it('uses the fleet file labels for groups over the labels a snapshot carries', () => {
    const a = networked('cluster-a', podRange('10.244.0.0/16'), 'east');
    const b = networked('cluster-b', podRange('10.244.0.0/16'), 'west');
    const fleetClusters = [
      { name: 'cluster-a', labels: { mesh: 'one' } },
      { name: 'cluster-b', labels: { mesh: 'one' } },
    ];
    expect(run(cidrOverlap, [a, b], { fleetClusters }).findings.map((f) => f.severity)).toEqual(['high']);
  });

  it('does not evaluate a connected cluster whose network sections were not collected (and no overlap was seen)', () => {
    const a = networked('cluster-a', podRange('10.0.0.0/16'));
    const b = networked('cluster-b', (s) => setSection(s, 'nodes', 'forbidden', 'nodes is forbidden'));
    const evaluation = run(cidrOverlap, [a, b], {
      fleetClusters: ['cluster-a', 'cluster-b', 'cluster-c', 'cluster-d'].map((name) => ({
        name,
        labels: name === 'cluster-d' ? ({} as Record<string, string>) : { mesh: 'corp' },
      })),
    });
    // cluster-c is connected but has no snapshot; cluster-d, missing too, is compared with none.
    expect(evaluation.tallies.filter((t) => t.rule === 'CIDR-OVERLAP')).toEqual([
      { rule: 'CIDR-OVERLAP', cluster: 'cluster-a', applicable: 1, evaluated: 1, passed: 1 },
      { rule: 'CIDR-OVERLAP', cluster: 'cluster-b', applicable: 1, evaluated: 0, passed: 0 },
      { rule: 'CIDR-OVERLAP', cluster: 'cluster-c', applicable: 1, evaluated: 0, passed: 0 },
    ]);
  });
});

describe('MESH-ROOT-CA-MISMATCH', () => {
  const rootA = fingerprint('root-a');
  const rootB = fingerprint('root-b');
  const istio = (cluster: string, roots: string[], mesh?: string) =>
    snapshotOf(cluster, (s) => {
      if (mesh) s.meta.labels = { mesh };
      s.policies.istio.installed = true;
      s.certificates.istioRootFingerprints = roots;
    });

  it('reports a mesh group of Istio clusters without a common root, saying why they are one group', () => {
    const evaluation = run(meshRootCaMismatch, [
      istio('cluster-a', [rootA], 'corp'),
      istio('cluster-b', [rootB], 'corp'),
    ]);
    expect(evaluation.findings.map((f) => [f.severity, f.clusters, f.resource, f.message])).toEqual([
      [
        'critical',
        ['cluster-a', 'cluster-b'],
        'Mesh/corp',
        `the Istio clusters of mesh group "corp" (label mesh=corp) share no root certificate: cluster-a [${rootA.slice(0, 16)}], cluster-b [${rootB.slice(0, 16)}]`,
      ],
    ]);
    expect(evaluation.findings[0]?.evidence).toEqual({
      group: 'corp',
      connections: [{ group: 'mesh/corp', kind: 'mesh', reasons: ['declared by the label mesh=corp'] }],
      rootFingerprints: { 'cluster-a': [rootA], 'cluster-b': [rootB] },
    });
  });

  it('does not compare unlabelled Istio clusters with their own roots that show no link to each other', () => {
    const evaluation = run(meshRootCaMismatch, [istio('shop', [rootA]), istio('lab', [rootB])]);
    expect(evaluation.findings).toEqual([]);
    expect(evaluation.scores.fleet.applicable).toBe(0);
  });

  it('compares Istio clusters joined by a remote secret naming the other API server', () => {
    const shop = istio('shop', [rootA]);
    shop.federation.istioRemotes = [
      { secret: 'istio-remote-secret-lab', name: 'lab', server: 'https://lab.example.test:6443' },
    ];
    const evaluation = run(meshRootCaMismatch, [shop, istio('lab', [rootB])]);
    expect(evaluation.findings.map((f) => [f.resource, f.message])).toEqual([
      [
        'Mesh/lab+shop',
        `the Istio clusters of mesh group "lab+shop" (Istio remote secret istio-system/istio-remote-secret-lab on shop) share no root certificate: lab [${rootB.slice(0, 16)}], shop [${rootA.slice(0, 16)}]`,
      ],
    ]);
  });

  it('accepts multi-root bundles that share one root (a rotation in progress)', () => {
    const evaluation = run(meshRootCaMismatch, [
      istio('cluster-a', [rootA, rootB], 'corp'),
      istio('cluster-b', [rootB], 'corp'),
    ]);
    expect(evaluation.findings).toEqual([]);
    expect(tallyOf(evaluation, 'MESH-ROOT-CA-MISMATCH')).toEqual({ applicable: 1, evaluated: 1, passed: 1 });
  });

  it('compares only clusters of the same group, and ignores clusters without Istio', () => {
    const noIstio = snapshotOf('cluster-c', (s) => {
      s.meta.labels = { mesh: 'east' };
      setSection(s, 'istio', 'absent');
    });
    const evaluation = run(meshRootCaMismatch, [
      istio('cluster-a', [rootA], 'east'),
      istio('cluster-b', [rootB], 'west'),
      noIstio,
    ]);
    expect(evaluation.findings).toEqual([]);
    expect(evaluation.scores.fleet.applicable).toBe(0);
  });

  it('does not evaluate an Istio cluster of a mesh group whose istioCa section was not collected, and ignores one in no group', () => {
    const forbidden = (cluster: string, mesh?: string) =>
      snapshotOf(cluster, (s) => {
        if (mesh) s.meta.labels = { mesh };
        s.policies.istio.installed = true;
        setSection(s, 'istioCa', 'forbidden', 'configmaps is forbidden');
      });
    const evaluation = run(meshRootCaMismatch, [
      istio('cluster-a', [rootA], 'corp'),
      forbidden('cluster-b', 'corp'),
      forbidden('lab'),
    ]);
    expect(evaluation.findings).toEqual([]);
    expect(evaluation.tallies.filter((t) => t.rule === 'MESH-ROOT-CA-MISMATCH')).toEqual([
      { rule: 'MESH-ROOT-CA-MISMATCH', cluster: 'cluster-b', applicable: 1, evaluated: 0, passed: 0 },
    ]);
  });
});

describe('POLICY-DRIFT', () => {
  const gatekeeper = (cluster: string, mesh: string | null, ...constraints: ReturnType<typeof constraint>[]) =>
    snapshotOf(cluster, (s) => {
      if (mesh) s.meta.labels = { mesh };
      s.policies.gatekeeper.constraints.push(...constraints);
    });

  it('reports a constraint absent or with another enforcement action in some clusters of a mesh group', () => {
    const a = gatekeeper(
      'cluster-a',
      'corp',
      constraint('K8sDisallowHostPath', 'deny-host-path'),
      constraint('K8sAllowedRepos', 'repos'),
    );
    const b = gatekeeper(
      'cluster-b',
      'corp',
      constraint('K8sDisallowHostPath', 'deny-host-path', { enforcementAction: 'dryrun' }),
      constraint('K8sAllowedRepos', 'repos'),
    );
    const c = gatekeeper('cluster-c', 'corp', constraint('K8sAllowedRepos', 'repos'));
    const evaluation = run(policyDrift, [a, b, c]);
    expect(evaluation.findings.map((f) => [f.clusters, f.resource, f.message])).toEqual([
      [
        ['cluster-a', 'cluster-b', 'cluster-c'],
        'K8sDisallowHostPath/deny-host-path',
        'constraint K8sDisallowHostPath/deny-host-path differs across mesh group "corp" (label mesh=corp): deny on cluster-a, dryrun on cluster-b, absent on cluster-c',
      ],
    ]);
    expect(evaluation.findings[0]?.evidence['connections']).toEqual([
      { group: 'mesh/corp', kind: 'mesh', reasons: ['declared by the label mesh=corp'] },
    ]);
    expect(tallyOf(evaluation, 'POLICY-DRIFT')).toEqual({ applicable: 2, evaluated: 2, passed: 1 });
  });

  it('compares no clusters outside a mesh group, even managed by the same Argo CD', () => {
    const hub = gatekeeper('hub', null);
    hub.gitops.clusters.push(
      { name: 'cluster-a', server: 'https://cluster-a.example.test:6443' },
      { name: 'cluster-b', server: 'https://cluster-b.example.test:6443' },
    );
    const a = gatekeeper('cluster-a', null, constraint('K8sDisallowHostPath', 'deny-host-path'));
    const b = gatekeeper('cluster-b', null);
    const evaluation = run(policyDrift, [hub, a, b]);
    expect(evaluation.findings).toEqual([]);
    expect(evaluation.scores.fleet.applicable).toBe(0);
  });

  it('compares only clusters where Gatekeeper was collected', () => {
    const a = gatekeeper('cluster-a', 'corp', constraint('K8sDisallowHostPath', 'deny-host-path'));
    const b = gatekeeper('cluster-b', 'corp', constraint('K8sDisallowHostPath', 'deny-host-path'));
    const forbidden = snapshotOf('cluster-c', (s) => {
      s.meta.labels = { mesh: 'corp' };
      setSection(s, 'gatekeeper', 'forbidden', 'forbidden');
    });
    expect(run(policyDrift, [a, b, forbidden]).findings).toEqual([]);
  });
});

describe('UNAUDITED-CLUSTER', () => {
  const hub = snapshotOf('cluster-a', (s) => {
    s.gitops.clusters.push(
      { name: 'in-cluster', server: 'https://kubernetes.default.svc' },
      { name: 'cluster-b', server: 'https://cluster-b.example.test:6443/' },
      { name: 'shadow', server: 'https://10.9.9.9:6443' },
    );
    s.gitops.applications.push(
      application('argocd', 'local'),
      application('argocd', 'to-b', { destination: { server: null, name: 'cluster-b', namespace: 'x' } }),
      application('argocd', 'to-shadow', { destination: { server: null, name: 'shadow', namespace: 'x' } }),
      application('argocd', 'to-legacy', {
        destination: { server: 'https://LEGACY.example.test:443/', name: null, namespace: 'x' },
      }),
    );
    s.federation.kubefedInstalled = true;
    s.federation.kubefedClusters.push({
      namespace: 'kube-federation-system',
      name: 'cluster-b-fed',
      apiEndpoint: 'https://cluster-b.example.test:6443',
      ready: 'True',
      offline: false,
      message: null,
    });
  });
  const b = snapshotOf('cluster-b');

  it('reports clusters Argo CD or KubeFed manage that are not in the fleet, matching names and normalised URLs', () => {
    const evaluation = run(unauditedCluster, [hub, b]);
    expect(evaluation.findings.map((f) => [f.cluster, f.resource, f.message])).toEqual([
      [
        'cluster-a',
        'Cluster/https://LEGACY.example.test:443/',
        'cluster-a manages or deploys to cluster "https://LEGACY.example.test:443/", which is not in the fleet: referenced by Application argocd/to-legacy',
      ],
      [
        'cluster-a',
        'Cluster/shadow',
        'cluster-a manages or deploys to cluster "shadow" (https://10.9.9.9:6443), which is not in the fleet: referenced by Argo CD cluster secret shadow, Application argocd/to-shadow',
      ],
    ]);
    // cluster-b (by name and by URL), shadow and legacy; in-cluster is the cluster itself.
    expect(tallyOf(evaluation, 'UNAUDITED-CLUSTER')).toEqual({ applicable: 3, evaluated: 3, passed: 1 });
  });

  it('matches API server URLs whatever their case, default port or trailing slash', () => {
    const argo = snapshotOf('hub', (s) => {
      s.gitops.clusters.push({ name: 'prod-b', server: 'https://API.B.example.test:443/' });
    });
    const target = snapshotOf('cluster-b', (s) => {
      s.meta.endpoint = 'https://api.b.example.test';
    });
    const evaluation = run(unauditedCluster, [argo, target]);
    expect(evaluation.findings).toEqual([]);
    expect(tallyOf(evaluation, 'UNAUDITED-CLUSTER')).toEqual({ applicable: 1, evaluated: 1, passed: 1 });
  });

  it('does not evaluate a source section that was not collected', () => {
    const forbidden = snapshotOf('hub', (s) => setSection(s, 'argocdClusters', 'forbidden', 'secrets is forbidden'));
    expect(tallyOf(run(unauditedCluster, [forbidden]), 'UNAUDITED-CLUSTER')).toEqual({
      applicable: 1,
      evaluated: 0,
      passed: 0,
    });
  });

  it('counts a configured cluster without a snapshot as part of the fleet', () => {
    const evaluation = run(unauditedCluster, [hub, b], {
      fleetClusters: [
        { name: 'cluster-a', labels: {} },
        { name: 'cluster-b', labels: {} },
        { name: 'shadow', labels: {} },
      ],
    });
    expect(evaluation.findings.map((f) => f.resource)).toEqual(['Cluster/https://LEGACY.example.test:443/']);
  });
});

describe('SNAPSHOT-MISSING', () => {
  it('reports configured clusters without a snapshot in the period', () => {
    const evaluation = run(snapshotMissing, [snapshotOf('cluster-a')], {
      fleetClusters: [
        { name: 'cluster-a', labels: {} },
        { name: 'cluster-c', labels: {} },
      ],
    });
    expect(evaluation.missingClusters).toEqual(['cluster-c']);
    expect(evaluation.findings.map((f) => [f.cluster, f.message])).toEqual([
      ['cluster-c', 'cluster-c is in the fleet but has no snapshot in the period'],
    ]);
  });
});
