/**
 * Integration: where Service and Pod ranges come from when a cluster has no ServiceCIDR object,
 * read by the real @kubernetes/client-node over HTTPS from simulated API servers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { snapshotFleet } from '../../src/collect/snapshotFleet.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { fleetFromKubeconfig } from '../../src/fleet/fleetFile.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { readSnapshot } from '../../src/ledger/snapshots.js';
import type { RunningFleet, SimulatedClusterDefinition } from '../../src/simulator/fleet.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { namespace } from './fixtures.js';

let startSimulatedFleet: (clusters: SimulatedClusterDefinition[], options?: { now?: Date }) => Promise<RunningFleet>;
const NOW = DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' });
const running: RunningFleet[] = [];

beforeAll(async () => {
  ({ startSimulatedFleet } = await import('../../src/simulator/fleet.js'));
});

afterAll(async () => {
  await Promise.all(running.map((fleet) => fleet.stop()));
});

/** Snapshots every cluster into a fresh directory ledger and reads them back, by cluster name. */
async function snapshotClusters(clusters: SimulatedClusterDefinition[]): Promise<Map<string, Snapshot>> {
  const simulated = await startSimulatedFleet(clusters, { now: NOW.toJSDate() });
  running.push(simulated);
  const fleet = fleetFromKubeconfig(simulated.kubeconfigPath);
  const store = new DirectoryLedgerStore(mkdtempSync(join(tmpdir(), 'ledger-')));
  const result = await snapshotFleet(
    { ...fleet, defaults: { ...fleet.defaults, requestTimeoutSeconds: 5 } },
    { store, now: NOW, logger: createMemoryLogger() },
  );
  expect(result.counts).toEqual({ ok: clusters.length, partial: 0, unreachable: 0 });
  const snapshots = new Map<string, Snapshot>();
  for (const cluster of result.clusters) {
    const snapshot = await readSnapshot(store, cluster.written!.key);
    snapshots.set(snapshot.meta.cluster, snapshot);
  }
  return snapshots;
}

function configMap(name: string, data: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'kube-system', name }, data };
}

const kubeApiserverPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    namespace: 'kube-system',
    name: 'kube-apiserver-control-plane-1',
    labels: { component: 'kube-apiserver', tier: 'control-plane' },
  },
  spec: {
    containers: [
      {
        name: 'kube-apiserver',
        image: 'registry.k8s.io/kube-apiserver:v1.33.2',
        command: [
          'kube-apiserver',
          '--advertise-address=192.168.10.4',
          '--service-cluster-ip-range=10.96.0.0/12,fd00:10:96::/112',
          '--secure-port=6443',
        ],
      },
    ],
  },
  status: { phase: 'Running' },
};

const kubernetesService = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: 'default', name: 'kubernetes' },
  spec: { clusterIP: '10.100.0.1', clusterIPs: ['10.100.0.1'] },
};

describe('network ranges without a ServiceCIDR object', () => {
  it('reads Service ranges from the kube-apiserver flag and Pod ranges from cilium-config, both families', async () => {
    const snapshots = await snapshotClusters([
      {
        name: 'cilium',
        objects: [
          namespace('kube-system'),
          configMap('cilium-config', {
            ipam: 'cluster-pool',
            'cluster-pool-ipv4-cidr': '10.0.0.0/8',
            'cluster-pool-ipv4-mask-size': '24',
            'cluster-pool-ipv6-cidr': 'fd00:10:0::/104',
          }),
          kubeApiserverPod,
          kubernetesService,
        ],
        config: { kubernetesVersion: 'v1.33.2' },
      },
    ]);

    const network = snapshots.get('cilium')!.network;
    expect(network.serviceCIDRs).toEqual([
      { cidr: '10.96.0.0/12', source: 'apiserver-flag' },
      { cidr: 'fd00:10:96::/112', source: 'apiserver-flag' },
    ]);
    expect(network.podRanges).toEqual([
      { cidr: '10.0.0.0/8', source: 'cilium', detail: 'ipam cluster-pool' },
      { cidr: 'fd00:10:0::/104', source: 'cilium', detail: 'ipam cluster-pool' },
    ]);
  });

  it('reads both Service and Pod ranges from kubeadm-config ahead of the kubernetes Service when there is no ServiceCIDR object, flag or CNI config', async () => {
    const snapshots = await snapshotClusters([
      {
        name: 'kubeadm',
        objects: [
          namespace('kube-system'),
          configMap('kubeadm-config', {
            ClusterConfiguration:
              'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.32.0.0/12,fd00:32::/56\n  serviceSubnet: 10.112.0.0/16\n',
          }),
          kubernetesService,
        ],
        config: { kubernetesVersion: 'v1.33.2' },
      },
    ]);

    const network = snapshots.get('kubeadm')!.network;
    expect(network.serviceCIDRs).toEqual([{ cidr: '10.112.0.0/16', source: 'kubeadm-config' }]);
    expect(network.podRanges).toEqual([
      { cidr: '10.32.0.0/12', source: 'kubeadm-config' },
      { cidr: 'fd00:32::/56', source: 'kubeadm-config' },
    ]);
  });

  it('records only the kubernetes Service address as a /32 when no source names the range', async () => {
    const snapshots = await snapshotClusters([
      { name: 'bare', objects: [kubernetesService], config: { kubernetesVersion: 'v1.33.2' } },
    ]);

    const network = snapshots.get('bare')!.network;
    expect(network.serviceCIDRs).toEqual([{ cidr: '10.100.0.1/32', source: 'kubernetes-service' }]);
    expect(network.podRanges).toEqual([]);
    expect(snapshots.get('bare')!.meta.sections.serviceCidrs.state).toBe('ok');
  });
});
