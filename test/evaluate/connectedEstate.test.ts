/**
 * An estate shaped like a real one: two clusters set up by different teams with kubeadm's
 * defaults (Pod range 10.244.0.0/16, Service range 10.96.0.0/12) and Istio with its own
 * self-made root each, in one fleet file without labels. They are not connected, so they are
 * compared with none: no CIDR-OVERLAP, no MESH-ROOT-CA-MISMATCH. When one of them shows an Istio
 * remote secret naming the other's API server (under the address the mesh knows it by, declared
 * as an alias), they are one mesh and both problems are real.
 *
 * Real parts: simulated HTTPS API servers, the real client, the directory ledger, generateReport.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { snapshotFleet } from '../../src/collect/snapshotFleet.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { parsePeriod } from '../../src/core/period.js';
import { evaluateFleet } from '../../src/evaluate/evaluate.js';
import { loadLatestSnapshots } from '../../src/evaluate/loadPeriod.js';
import { loadFleetFile } from '../../src/fleet/fleetFile.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { type GeneratedReport, generateReport } from '../../src/report/generateReport.js';
import { renderReportHtml } from '../../src/report/html/renderReportHtml.js';
import { reportFleetOf } from '../../src/report/reportFleet.js';
import type { RunningFleet, SimulatedClusterDefinition } from '../../src/simulator/fleet.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { b64 } from '../collect/fixtures.js';

const NOW = DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' });
const LAB_MESH_ADDRESS = 'https://lab.mesh.example.com:6443';

let startSimulatedFleet: (
  clusters: SimulatedClusterDefinition[],
  options?: { now?: Date; kubeconfigPath?: string },
) => Promise<RunningFleet>;

beforeAll(async () => {
  ({ startSimulatedFleet } = await import('../../src/simulator/fleet.js'));
});

/** A kubeadm cluster with its defaults, and Istio with a root of its own (istioctl's self-signed CA). */
function kubeadmClusterWithIstio(name: string, extra: Record<string, unknown>[] = []): SimulatedClusterDefinition {
  return {
    name,
    objects: [
      ...['default', 'kube-system', 'istio-system', 'shop-frontend'].map((ns) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns },
      })),
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: `${name}-control-plane` },
        spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kubeadm-config', namespace: 'kube-system' },
        data: {
          ClusterConfiguration: `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
networking: {dnsDomain: cluster.local, podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12}
`,
        },
      },
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'peerauthentications.security.istio.io' },
        spec: {
          group: 'security.istio.io',
          scope: 'Namespaced',
          names: { plural: 'peerauthentications', singular: 'peerauthentication', kind: 'PeerAuthentication' },
          versions: [{ name: 'v1', served: true, storage: true }],
        },
      },
      ...extra,
    ],
    config: {
      certificates: {
        authorities: [
          { id: 'root', subject: `O=cluster.local, CN=${name} self-signed Istio root`, validDays: 3650 },
          { id: 'intermediate', subject: `CN=${name} Istio intermediate`, issuer: 'root', validDays: 365 },
        ],
        configMaps: [
          { namespace: 'istio-system', name: 'istio-ca-root-cert', key: 'root-cert.pem', authorities: ['root'] },
        ],
        istioCacerts: { authority: 'intermediate', root: 'root' },
      },
    },
  };
}

/** What `istioctl create-remote-secret --name lab` writes into shop: lab's API server as the mesh reaches it. */
const remoteSecretForLab = {
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'Opaque',
  metadata: {
    namespace: 'istio-system',
    name: 'istio-remote-secret-lab',
    labels: { 'istio/multiCluster': 'true' },
    annotations: { 'networking.istio.io/cluster': 'lab' },
  },
  data: {
    lab: b64(`apiVersion: v1
kind: Config
clusters:
- cluster: {certificate-authority-data: ${b64('FAKE-CA')}, server: '${LAB_MESH_ADDRESS}'}
  name: lab
users:
- name: lab
  user: {token: FAKE-istio-reader-token-lab}
contexts:
- context: {cluster: lab, user: lab}
  name: lab
current-context: lab
`),
  },
};

interface Estate {
  report: GeneratedReport;
  snapshots: Snapshot[];
}

/** Serves the clusters, snapshots them with the fleet file and reports the week, as `run` does. */
async function auditEstate(clusters: SimulatedClusterDefinition[], fleetYaml: string): Promise<Estate> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetledger-estate-'));
  const fleet = await startSimulatedFleet(clusters, { now: NOW.toJSDate(), kubeconfigPath: join(dir, 'kubeconfig') });
  try {
    await writeFile(join(dir, 'fleet.yaml'), fleetYaml);
    const fleetFile = loadFleetFile(join(dir, 'fleet.yaml'));
    const store = new DirectoryLedgerStore(join(dir, 'ledger'));
    const logger = createMemoryLogger();
    const run = await snapshotFleet(fleetFile, { store, now: NOW, logger });
    expect(run.counts).toEqual({ ok: 2, partial: 0, unreachable: 0 });
    const report = await generateReport({
      store,
      period: '2026-W48',
      now: NOW.plus({ minutes: 10 }),
      fleet: reportFleetOf(fleetFile),
      logger,
    });
    const loaded = await loadLatestSnapshots(store, parsePeriod(report.doc.period));
    return { report, snapshots: loaded.snapshots.map((s) => s.snapshot) };
  } finally {
    await fleet.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const UNLABELLED_FLEET = `clusters:
  - { name: shop, kubeconfig: { path: ./kubeconfig, context: shop } }
  - { name: lab, kubeconfig: { path: ./kubeconfig, context: lab } }
`;

const ALIASED_FLEET = `clusters:
  - { name: shop, kubeconfig: { path: ./kubeconfig, context: shop } }
  - name: lab
    aliases: ["${LAB_MESH_ADDRESS}"]
    kubeconfig: { path: ./kubeconfig, context: lab }
`;

const findingsOf = (estate: Estate, ...rules: string[]) =>
  estate.report.doc.findings.filter((f) => rules.includes(f.rule));

describe('two unlabelled, unrelated clusters with kubeadm defaults and their own Istio roots', () => {
  let estate: Estate;
  beforeAll(async () => {
    estate = await auditEstate([kubeadmClusterWithIstio('shop'), kubeadmClusterWithIstio('lab')], UNLABELLED_FLEET);
  });

  it('were read with the same Pod range and different Istio roots', () => {
    const [lab, shop] = estate.snapshots;
    expect([lab?.meta.cluster, shop?.meta.cluster]).toEqual(['lab', 'shop']);
    for (const snapshot of [lab!, shop!]) {
      expect(snapshot.network.podRanges.map((r) => r.cidr)).toEqual(['10.244.0.0/16']);
      expect(snapshot.certificates.istioRootFingerprints).toHaveLength(1);
    }
    expect(lab!.certificates.istioRootFingerprints).not.toEqual(shop!.certificates.istioRootFingerprints);
  });

  it('are compared with none: no CIDR-OVERLAP, no MESH-ROOT-CA-MISMATCH, no POLICY-DRIFT', () => {
    expect(findingsOf(estate, 'CIDR-OVERLAP', 'MESH-ROOT-CA-MISMATCH', 'POLICY-DRIFT')).toEqual([]);
  });

  it('are both listed in no group by report.json and report.html', () => {
    expect(estate.report.doc.connectivity).toEqual({ groups: [], unconnected: ['lab', 'shop'], unreadSources: [] });
    const html = renderReportHtml(estate.report.doc);
    expect(html).toContain('<p>No two clusters are connected: none is compared with another.</p>');
    expect(html).toContain('<ul class="unconnected"><li>lab</li><li>shop</li></ul>');
  });
});

describe('the same two clusters, once shop holds an Istio remote secret naming lab’s API server', () => {
  let estate: Estate;
  beforeAll(async () => {
    estate = await auditEstate(
      [kubeadmClusterWithIstio('shop', [remoteSecretForLab]), kubeadmClusterWithIstio('lab')],
      ALIASED_FLEET,
    );
  });

  const why = 'Istio remote secret istio-system/istio-remote-secret-lab on shop';

  it('finds the overlap of their Pod ranges, saying the clusters were discovered to be one mesh', () => {
    expect(findingsOf(estate, 'CIDR-OVERLAP').map((f) => [f.severity, f.clusters, f.resource, f.message])).toEqual([
      [
        'high',
        ['lab', 'shop'],
        'PodCIDR/10.244.0.0/16',
        `PodCIDR/10.244.0.0/16 on lab overlaps PodCIDR/10.244.0.0/16 on shop (common range 10.244.0.0/16), both in mesh group "lab+shop" (${why})`,
      ],
      [
        'high',
        ['lab', 'shop'],
        'ServiceCIDR/10.96.0.0/12',
        `ServiceCIDR/10.96.0.0/12 on lab overlaps ServiceCIDR/10.96.0.0/12 on shop (common range 10.96.0.0/12), both in mesh group "lab+shop" (${why})`,
      ],
    ]);
  });

  it('finds that the mesh has no common root', () => {
    const [mismatch, ...others] = findingsOf(estate, 'MESH-ROOT-CA-MISMATCH');
    expect(others).toEqual([]);
    expect(mismatch).toMatchObject({ severity: 'critical', clusters: ['lab', 'shop'], resource: 'Mesh/lab+shop' });
    expect(mismatch?.message).toMatch(
      new RegExp(
        `^the Istio clusters of mesh group "lab\\+shop" \\(${why}\\) share no root certificate: lab \\[[0-9a-f]{16}\\], shop \\[[0-9a-f]{16}\\]$`,
      ),
    );
  });

  it('shows the group in the report, each member discovered from the remote secret', () => {
    const detail = `${why} names the API server ${LAB_MESH_ADDRESS} of lab`;
    const reason = {
      kind: 'discovered',
      source: 'istio-remote-secret',
      sourceCluster: 'shop',
      object: 'Secret istio-system/istio-remote-secret-lab',
      target: 'lab',
      server: LAB_MESH_ADDRESS,
      detail,
    };
    expect(estate.report.doc.connectivity).toEqual({
      groups: [
        {
          id: 'mesh/lab+shop',
          kind: 'mesh',
          name: 'lab+shop',
          comparedBy: ['CIDR-OVERLAP', 'MESH-ROOT-CA-MISMATCH', 'POLICY-DRIFT'],
          members: [
            { cluster: 'lab', role: 'member', reasons: [reason] },
            { cluster: 'shop', role: 'member', reasons: [reason] },
          ],
        },
      ],
      unconnected: [],
      unreadSources: [],
    });
    expect(renderReportHtml(estate.report.doc)).toContain(
      `<tr><td data-label="Cluster">lab</td><td data-label="Why it is in the group"><ul class="reasons"><li><span class="reason-kind">discovered</span> ${detail}</li></ul></td></tr>`,
    );
  });

  it('connects them the same way without the fleet file: lab’s snapshot recorded its alias', () => {
    const lab = estate.snapshots.find((s) => s.meta.cluster === 'lab');
    expect(lab?.meta.aliases).toEqual([LAB_MESH_ADDRESS]);
    const evaluation = evaluateFleet(estate.snapshots, { now: NOW });
    expect(evaluation.connectivity.groups.map((g) => g.id)).toEqual(['mesh/lab+shop']);
  });
});
