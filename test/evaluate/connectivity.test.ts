/**
 * Which clusters are connected, and why: declared by the `mesh` and `network` labels, or
 * discovered from what the clusters show (Istio remote secrets, KubeFed, Argo CD cluster
 * registrations) matched against the fleet's API server addresses. Pure unit tests.
 */
import {
  type ConnectivityCluster,
  connectionReasons,
  describeReasons,
  findConnectivity,
  groupsJoining,
  reasonSummary,
} from '../../src/evaluate/connectivity.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { setSection, snapshotOf } from './fixtures.js';

const cluster = (name: string, labels: Record<string, string> = {}, aliases: string[] = []): ConnectivityCluster => ({
  name,
  labels,
  aliases,
});

/** The groups as [id, [member, reason details]] pairs, for exact comparison. */
const shape = (groups: ReturnType<typeof findConnectivity>['groups']) =>
  groups.map((group) => [
    group.id,
    group.members.map((member) => [member.cluster, member.role, member.reasons.map((r) => r.detail)]),
  ]);

const remoteSecret = (s: Snapshot, secret: string, name: string, server: string | null) => {
  s.federation.istioRemoteClusters.push(name);
  s.federation.istioRemotes = [...(s.federation.istioRemotes ?? []), { secret, name, server }];
};

describe('connectivity: declared groups', () => {
  it('puts unlabelled clusters that show nothing about each other in no group', () => {
    // Prepare
    const snapshots = [snapshotOf('shop'), snapshotOf('lab')];

    // Act
    const connectivity = findConnectivity([cluster('lab'), cluster('shop')], snapshots);

    // Assess
    expect(connectivity.groups).toEqual([]);
    expect(connectivity.unconnected).toEqual(['lab', 'shop']);
  });

  it('groups the clusters sharing a `mesh` label value, and leaves a mesh of one cluster out', () => {
    const clusters = [
      cluster('a', { mesh: 'corp' }),
      cluster('b', { mesh: 'corp', env: 'prod' }),
      cluster('c', { mesh: 'lab' }),
      cluster('d'),
    ];

    const connectivity = findConnectivity(clusters, []);

    expect(shape(connectivity.groups)).toEqual([
      [
        'mesh/corp',
        [
          ['a', 'member', ['declared by the label mesh=corp']],
          ['b', 'member', ['declared by the label mesh=corp']],
        ],
      ],
    ]);
    expect(connectivity.groups[0]).toMatchObject({ kind: 'mesh', name: 'corp' });
    expect(connectivity.groups[0]?.members[0]?.reasons).toEqual([
      { kind: 'declared', label: 'mesh=corp', detail: 'declared by the label mesh=corp' },
    ]);
    expect(connectivity.unconnected).toEqual(['c', 'd']);
  });

  it('groups the clusters sharing a `network` label value, apart from their mesh groups', () => {
    const clusters = [
      cluster('a', { mesh: 'corp', network: 'dc1' }),
      cluster('b', { mesh: 'corp' }),
      cluster('c', { network: 'dc1' }),
    ];

    const connectivity = findConnectivity(clusters, []);

    expect(connectivity.groups.map((g) => [g.id, g.members.map((m) => m.cluster)])).toEqual([
      ['mesh/corp', ['a', 'b']],
      ['network/dc1', ['a', 'c']],
    ]);
    // A network group compares its members; b and c share no group.
    expect(groupsJoining(connectivity, 'a', 'c').map((g) => g.id)).toEqual(['network/dc1']);
    expect(groupsJoining(connectivity, 'b', 'c')).toEqual([]);
  });

  it('ignores an empty label value', () => {
    const connectivity = findConnectivity([cluster('a', { mesh: '' }), cluster('b', { mesh: '' })], []);
    expect(connectivity.groups).toEqual([]);
  });
});

describe('connectivity: discovered from the clusters', () => {
  it('joins two clusters in a mesh group when an Istio remote secret names the other cluster’s API server', () => {
    // Prepare: written differently from the endpoint (case, default port, trailing slash)
    const shop = snapshotOf('shop', (s) => {
      s.meta.endpoint = 'https://shop.example.test';
      remoteSecret(s, 'istio-remote-secret-lab', 'lab', 'https://LAB.example.test:6443/');
    });
    const lab = snapshotOf('lab');

    // Act
    const connectivity = findConnectivity([cluster('lab'), cluster('shop')], [lab, shop]);

    // Assess
    const detail =
      'Istio remote secret istio-system/istio-remote-secret-lab on shop names the API server https://LAB.example.test:6443/ of lab';
    expect(shape(connectivity.groups)).toEqual([
      [
        'mesh/lab+shop',
        [
          ['lab', 'member', [detail]],
          ['shop', 'member', [detail]],
        ],
      ],
    ]);
    expect(connectivity.groups[0]?.members[0]?.reasons).toEqual([
      {
        kind: 'discovered',
        source: 'istio-remote-secret',
        sourceCluster: 'shop',
        object: 'Secret istio-system/istio-remote-secret-lab',
        target: 'lab',
        server: 'https://LAB.example.test:6443/',
        detail,
      },
    ]);
    expect(reasonSummary(connectivity.groups[0]!.members[0]!.reasons[0]!)).toBe(
      'Istio remote secret istio-system/istio-remote-secret-lab on shop',
    );
    expect(connectivity.unconnected).toEqual([]);
  });

  it('matches the API server addresses the fleet file declares as aliases', () => {
    const shop = snapshotOf('shop', (s) =>
      remoteSecret(s, 'istio-remote-secret-lab', 'lab', 'https://lab.mesh.example.com:6443'),
    );
    const lab = snapshotOf('lab', (s) => {
      s.meta.endpoint = 'https://127.0.0.1:40123';
    });

    const connectivity = findConnectivity(
      [cluster('lab', {}, ['https://lab.mesh.example.com:6443']), cluster('shop')],
      [lab, shop],
    );

    expect(connectivity.groups.map((g) => [g.id, g.members.map((m) => m.cluster)])).toEqual([
      ['mesh/lab+shop', ['lab', 'shop']],
    ]);
  });

  it('uses the labels and aliases a snapshot recorded for a cluster it was not given', () => {
    const shop = snapshotOf('shop', (s) =>
      remoteSecret(s, 'istio-remote-secret-lab', 'lab', 'https://lab.mesh.example.com:6443'),
    );
    const lab = snapshotOf('lab', (s) => {
      s.meta.aliases = ['https://lab.mesh.example.com:6443'];
    });

    const connectivity = findConnectivity([], [lab, shop]);

    expect(connectivity.groups.map((g) => g.id)).toEqual(['mesh/lab+shop']);
  });

  it('never matches on bare names: a remote without a readable server, a KubeFedCluster without an endpoint', () => {
    const hub = snapshotOf('hub', (s) => {
      remoteSecret(s, 'istio-remote-secret-lab', 'lab', null);
      s.federation.kubefedInstalled = true;
      s.federation.kubefedClusters.push({
        namespace: 'kube-federation-system',
        name: 'lab',
        apiEndpoint: null,
        ready: 'True',
        offline: false,
        message: null,
      });
      s.gitops.clusters.push({ name: 'lab', server: 'https://somewhere-else.example.test:6443' });
    });

    const connectivity = findConnectivity([cluster('hub'), cluster('lab')], [hub, snapshotOf('lab')]);

    expect(connectivity.groups).toEqual([]);
    expect(connectivity.unconnected).toEqual(['hub', 'lab']);
  });

  it('ignores in-cluster addresses and a cluster naming its own API server', () => {
    const hub = snapshotOf('hub', (s) => {
      s.gitops.clusters.push(
        { name: 'in-cluster', server: 'https://kubernetes.default.svc' },
        { name: 'self', server: 'https://hub.example.test:6443' },
      );
      remoteSecret(s, 'istio-remote-secret-hub', 'hub', 'https://hub.example.test:6443');
    });

    expect(findConnectivity([cluster('hub')], [hub]).groups).toEqual([]);
  });

  it('makes a KubeFed host or Argo CD a manager compared with each cluster it manages, not those with each other', () => {
    // Prepare
    const host = snapshotOf('host', (s) => {
      s.federation.kubefedInstalled = true;
      s.federation.kubefedClusters.push({
        namespace: 'kube-federation-system',
        name: 'cluster-a',
        apiEndpoint: 'https://cluster-a.k8s.example.com:6443',
        ready: 'True',
        offline: false,
        message: null,
      });
      s.gitops.clusters.push(
        { name: 'cluster-a', server: 'https://cluster-a.k8s.example.com:6443' },
        { name: 'cluster-b', server: 'https://cluster-b.example.test:6443' },
      );
    });

    // Act
    const connectivity = findConnectivity(
      [cluster('cluster-a', {}, ['https://cluster-a.k8s.example.com:6443']), cluster('cluster-b'), cluster('host')],
      [host, snapshotOf('cluster-a'), snapshotOf('cluster-b')],
    );

    // Assess
    const kubefed =
      'KubeFedCluster kube-federation-system/cluster-a on host names the API server https://cluster-a.k8s.example.com:6443 of cluster-a';
    const argoA =
      'Argo CD cluster "cluster-a" on host names the API server https://cluster-a.k8s.example.com:6443 of cluster-a';
    const argoB =
      'Argo CD cluster "cluster-b" on host names the API server https://cluster-b.example.test:6443 of cluster-b';
    expect(shape(connectivity.groups)).toEqual([
      [
        'managed/host',
        [
          ['host', 'manager', [kubefed, argoA, argoB]],
          ['cluster-a', 'member', [kubefed, argoA]],
          ['cluster-b', 'member', [argoB]],
        ],
      ],
    ]);
    expect(groupsJoining(connectivity, 'cluster-a', 'host').map((g) => g.id)).toEqual(['managed/host']);
    expect(groupsJoining(connectivity, 'cluster-a', 'cluster-b')).toEqual([]);
  });

  it('joins mesh groups transitively: a label and a remote secret make one group named after the label', () => {
    const b = snapshotOf('b', (s) => remoteSecret(s, 'istio-remote-secret-c', 'c', 'https://c.example.test:6443'));

    const connectivity = findConnectivity(
      [cluster('a', { mesh: 'corp' }), cluster('b', { mesh: 'corp' }), cluster('c')],
      [snapshotOf('a'), b, snapshotOf('c')],
    );

    expect(
      connectivity.groups.map((g) => [g.id, g.members.map((m) => [m.cluster, m.reasons.map(reasonSummary)])]),
    ).toEqual([
      [
        'mesh/corp',
        [
          ['a', ['label mesh=corp']],
          ['b', ['label mesh=corp', 'Istio remote secret istio-system/istio-remote-secret-c on b']],
          ['c', ['Istio remote secret istio-system/istio-remote-secret-c on b']],
        ],
      ],
    ]);
    expect(groupsJoining(connectivity, 'a', 'c').map((g) => g.id)).toEqual(['mesh/corp']);
  });

  it('names a mesh group joining two labels after both', () => {
    const a = snapshotOf('a', (s) => remoteSecret(s, 'istio-remote-secret-b', 'b', 'https://b.example.test:6443'));

    const connectivity = findConnectivity(
      [cluster('a', { mesh: 'east' }), cluster('b', { mesh: 'west' })],
      [a, snapshotOf('b')],
    );

    expect(connectivity.groups.map((g) => g.id)).toEqual(['mesh/east+west']);
  });

  it('links a configured cluster without a snapshot through its aliases', () => {
    const shop = snapshotOf('shop', (s) =>
      remoteSecret(s, 'istio-remote-secret-lab', 'lab', 'https://lab.mesh.example.com:6443'),
    );

    const connectivity = findConnectivity(
      [cluster('lab', {}, ['https://lab.mesh.example.com:6443']), cluster('shop')],
      [shop],
    );

    expect(connectivity.groups.map((g) => g.id)).toEqual(['mesh/lab+shop']);
  });

  it('lists the discovery sources that could not be read, per cluster', () => {
    const refusing = snapshotOf('refusing', (s) => {
      setSection(s, 'istioRemoteSecrets', 'forbidden', 'secrets is forbidden');
      setSection(s, 'kubefed', 'absent');
    });

    const connectivity = findConnectivity(
      [cluster('missing'), cluster('open'), cluster('refusing')],
      [refusing, snapshotOf('open')],
    );

    expect(connectivity.unreadSources).toEqual([
      { cluster: 'missing', sections: ['istioRemoteSecrets', 'kubefed', 'argocdClusters'] },
      { cluster: 'refusing', sections: ['istioRemoteSecrets'] },
    ]);
  });
});

describe('connectivity: reasons in a message', () => {
  it('names up to two reasons, then the labels and how many objects of each kind', () => {
    // Prepare: a multi-primary mesh, declared and shown by a remote secret in each cluster
    const a = snapshotOf('a', (s) => remoteSecret(s, 'istio-remote-secret-b', 'b', 'https://b.example.test:6443'));
    const b = snapshotOf('b', (s) => remoteSecret(s, 'istio-remote-secret-a', 'a', 'https://a.example.test:6443'));
    const connectivity = findConnectivity([cluster('a', { mesh: 'corp' }), cluster('b', { mesh: 'corp' })], [a, b]);
    const [group] = connectivity.groups;

    // Act
    const all = describeReasons(connectionReasons(group!));
    const one = describeReasons(connectionReasons(group!).slice(0, 2));

    // Assess
    expect(all).toBe('label mesh=corp; 2 Istio remote secrets');
    expect(one).toBe('label mesh=corp; Istio remote secret istio-system/istio-remote-secret-b on a');
  });
});
