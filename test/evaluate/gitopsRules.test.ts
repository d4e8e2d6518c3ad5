import { argoAutosyncOff } from '../../src/evaluate/rules/argoAutosyncOff.js';
import { argoDegraded } from '../../src/evaluate/rules/argoDegraded.js';
import { argoOutOfSync } from '../../src/evaluate/rules/argoOutOfSync.js';
import { argoSyncFailed } from '../../src/evaluate/rules/argoSyncFailed.js';
import { ippoolDisabled } from '../../src/evaluate/rules/ippoolDisabled.js';
import { kubefedClusterNotReady } from '../../src/evaluate/rules/kubefedClusterNotReady.js';
import { application, run, setSection, snapshotOf, tallyOf } from './fixtures.js';

const cluster = snapshotOf('cluster-a', (s) => {
  s.gitops.applications.push(
    application('argocd', 'ledger-api', {
      syncStatus: 'OutOfSync',
      health: 'Degraded',
      operation: { phase: 'Failed', message: 'one or more objects failed to apply' },
      automated: { enabled: false, prune: false, selfHeal: false },
      outOfSyncResources: [
        { group: 'apps', kind: 'Deployment', namespace: 'ledger', name: 'api', status: 'OutOfSync' },
        { group: null, kind: 'ConfigMap', namespace: 'ledger', name: 'api-config', status: 'OutOfSync' },
      ],
    }),
    application('argocd', 'payments', { automated: { enabled: true, prune: true, selfHeal: false } }),
    application('argocd', 'web', { syncStatus: 'Unknown', health: 'Unknown', operation: null }),
  );
});

describe('Argo CD rules', () => {
  it('ARGO-OUT-OF-SYNC reports OutOfSync applications and leaves Unknown not evaluated', () => {
    const evaluation = run(argoOutOfSync, [cluster]);
    expect(evaluation.findings.map((f) => [f.resource, f.message])).toEqual([
      ['Application/argocd/ledger-api', 'Application argocd/ledger-api is OutOfSync (2 resources differ from Git)'],
    ]);
    expect(tallyOf(evaluation, 'ARGO-OUT-OF-SYNC')).toEqual({ applicable: 3, evaluated: 2, passed: 1 });
  });

  it('ARGO-DEGRADED reports Degraded applications', () => {
    const evaluation = run(argoDegraded, [cluster]);
    expect(evaluation.findings.map((f) => [f.severity, f.message])).toEqual([
      ['high', 'Application argocd/ledger-api is Degraded'],
    ]);
    expect(tallyOf(evaluation, 'ARGO-DEGRADED')).toEqual({ applicable: 3, evaluated: 2, passed: 1 });
  });

  it('ARGO-SYNC-FAILED reports operations that ended Failed or Error', () => {
    expect(run(argoSyncFailed, [cluster]).findings.map((f) => f.message)).toEqual([
      'the last sync of Application argocd/ledger-api ended Failed: one or more objects failed to apply',
    ]);
  });

  it('ARGO-AUTOSYNC-OFF reports applications without automated sync or without selfHeal', () => {
    expect(run(argoAutosyncOff, [cluster]).findings.map((f) => f.message)).toEqual([
      'Application argocd/ledger-api has no automated sync',
      'Application argocd/payments syncs automatically but without selfHeal: manual changes persist',
    ]);
  });

  it('does not apply where Argo CD is absent', () => {
    const absent = snapshotOf('cluster-b', (s) => setSection(s, 'argocdApplications', 'absent'));
    expect(run([argoOutOfSync, argoDegraded, argoSyncFailed, argoAutosyncOff], [absent]).scores.fleet.applicable).toBe(
      0,
    );
  });
});

describe('KUBEFED-CLUSTER-NOT-READY', () => {
  it('reports member clusters that are not Ready or Offline', () => {
    const host = snapshotOf('cluster-a', (s) => {
      s.federation.kubefedInstalled = true;
      const member = { namespace: 'kube-federation-system', apiEndpoint: 'https://10.0.0.2:6443', message: null };
      s.federation.kubefedClusters.push(
        { ...member, name: 'cluster-b', ready: 'True', offline: false },
        { ...member, name: 'cluster-c', ready: 'False', offline: true, message: 'cluster is offline' },
      );
    });
    expect(run(kubefedClusterNotReady, [host]).findings.map((f) => [f.resource, f.message])).toEqual([
      [
        'KubeFedCluster/kube-federation-system/cluster-c',
        'KubeFed member cluster-c is not ready (Offline: cluster is offline)',
      ],
    ]);
  });
});

describe('IPPOOL-DISABLED', () => {
  it('reports disabled Calico IP pools', () => {
    const pool = {
      apiGroup: 'crd.projectcalico.org' as const,
      ipipMode: 'Never',
      vxlanMode: 'CrossSubnet',
      natOutgoing: true,
      blockSize: 26,
    };
    const withPools = snapshotOf('cluster-a', (s) => {
      s.network.ipPools.push(
        { ...pool, name: 'default-ipv4-ippool', cidr: '10.244.0.0/16', disabled: false },
        { ...pool, name: 'old-pool', cidr: '192.168.0.0/16', disabled: true },
      );
    });
    const evaluation = run(ippoolDisabled, [withPools]);
    expect(evaluation.findings.map((f) => [f.severity, f.resource, f.message])).toEqual([
      ['low', 'IPPool/old-pool', 'IPPool old-pool (192.168.0.0/16) is disabled'],
    ]);
  });
});
