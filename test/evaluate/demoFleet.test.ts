import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { periodContaining } from '../../src/core/period.js';
import { type Evaluation, evaluateFleet } from '../../src/evaluate/evaluate.js';
import { loadLatestSnapshots } from '../../src/evaluate/loadPeriod.js';
import { loadFleetFile } from '../../src/fleet/fleetFile.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { reportFleetOf } from '../../src/report/reportFleet.js';
import type { RunningFleet } from '../../src/simulator/fleet.js';
import { captureOutput } from '../ledger/storeFixtures.js';

describe('evaluation of the demo fleet (examples/fleet), end to end', () => {
  let fleet: RunningFleet | undefined;
  let dir: string;
  let evaluation: Evaluation;

  beforeAll(async () => {
    const { loadFleetDirectory, startSimulatedFleet } = await import('../../src/simulator/fleet.js');
    const { main } = await import('../../src/cli/main.js');
    // Real certificates are generated relative to this instant; the evaluation uses the same one.
    const now = new Date();
    fleet = await startSimulatedFleet(await loadFleetDirectory('examples/fleet', { now }), { now });
    dir = await mkdtemp(join(tmpdir(), 'fleetledger-demo-evaluate-'));
    const { result } = await captureOutput(() =>
      main(['snapshot', '--kubeconfig', fleet!.kubeconfigPath, '--store', dir, '--now', now.toISOString()]),
    );
    // 3: the host is partial (its applicationsets are forbidden on purpose).
    expect(result).toBe(3);
    const at = DateTime.fromJSDate(now, { zone: 'utc' });
    const loaded = await loadLatestSnapshots(new DirectoryLedgerStore(dir), periodContaining(at));
    expect(loaded.gaps).toEqual([]);
    // Labels and aliases from the demo's fleet file, as `evaluate --fleet examples/fleet.yaml` takes them.
    const { clusters } = reportFleetOf(loadFleetFile('examples/fleet.yaml', { checkAccess: false }));
    evaluation = evaluateFleet(
      loaded.snapshots.map((s) => s.snapshot),
      { now: at, fleetClusters: clusters.map((c) => ({ ...c, labels: { ...c.labels } })) },
    );
  });

  afterAll(async () => {
    await fleet?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('connects cluster-a and cluster-b as mesh corp, and the host to both as their manager', () => {
    expect(
      evaluation.connectivity.groups.map((g) => [g.id, g.members.map((m) => [m.cluster, m.reasons.length])]),
    ).toEqual([
      [
        'mesh/corp',
        [
          // The label, and the remote secret in each cluster naming the other's API server.
          ['cluster-a', 3],
          ['cluster-b', 3],
        ],
      ],
      [
        'managed/host',
        [
          // A KubeFedCluster and an Argo CD cluster Secret for each member, matched by the aliases.
          ['host', 4],
          ['cluster-a', 2],
          ['cluster-b', 2],
        ],
      ],
    ]);
    expect(evaluation.connectivity.unconnected).toEqual([]);
  });

  it('finds the overlap of inter-cluster-pool between cluster-a and cluster-b, and none with the host', () => {
    const overlaps = evaluation.findings.filter((f) => f.rule === 'CIDR-OVERLAP');
    expect(overlaps.map((f) => [f.severity, f.clusters, f.resource, f.evidence['intersection']])).toEqual([
      ['high', ['cluster-a', 'cluster-b'], 'IPPool/inter-cluster-pool', '192.168.0.0/16'],
    ]);
    // The host was compared with each member (and passed).
    expect(evaluation.tallies.filter((t) => t.rule === 'CIDR-OVERLAP').map((t) => [t.cluster, t.passed])).toEqual([
      ['cluster-a', 0],
      ['cluster-b', 0],
      ['host', 1],
    ]);
  });

  it('finds that cluster-a and cluster-b share no Istio root', () => {
    const mismatch = evaluation.findings.filter((f) => f.rule === 'MESH-ROOT-CA-MISMATCH');
    expect(
      mismatch.map((f) => [f.severity, f.clusters, f.resource, f.message.replace(/\[[0-9a-f]{16}\]/g, '[…]')]),
    ).toEqual([
      [
        'critical',
        ['cluster-a', 'cluster-b'],
        'Mesh/corp',
        'the Istio clusters of mesh group "corp" (label mesh=corp; 2 Istio remote secrets) share no root certificate: cluster-a […], cluster-b […]',
      ],
    ]);
  });

  it('finds the constraint drift, the forbidden section and no cluster outside the fleet', () => {
    const of = (rule: string) => evaluation.findings.filter((f) => f.rule === rule).map((f) => f.resource);
    expect(of('POLICY-DRIFT')).toEqual(['K8sDisallowHostPath/disallow-host-path']);
    expect(of('SECTION-NOT-COLLECTED')).toEqual(['Section/argocdApplicationSets']);
    expect(of('UNAUDITED-CLUSTER')).toEqual([]);
    expect(evaluation.scores.fleet.coverage).toBe(1);
  });

  it('finds namespace hygiene gaps in the tenant namespaces only, none in the platform namespaces', () => {
    const hygiene = ['QUOTA-MISSING', 'LIMITRANGE-MISSING', 'NETPOL-NO-DEFAULT-DENY', 'MTLS-NOT-STRICT'];
    const found = evaluation.findings
      .filter((f) => hygiene.includes(f.rule))
      .map((f) => `${f.cluster} ${f.resource} ${f.rule}`)
      .sort();
    expect(found).toEqual([
      'cluster-a Namespace/batch-jobs LIMITRANGE-MISSING',
      'cluster-a Namespace/batch-jobs MTLS-NOT-STRICT',
      'cluster-a Namespace/batch-jobs NETPOL-NO-DEFAULT-DENY',
      'cluster-a Namespace/batch-jobs QUOTA-MISSING',
      'cluster-a Namespace/monitoring LIMITRANGE-MISSING',
      'cluster-a Namespace/monitoring MTLS-NOT-STRICT',
      'cluster-a Namespace/monitoring NETPOL-NO-DEFAULT-DENY',
      'cluster-a Namespace/monitoring QUOTA-MISSING',
      'cluster-a Namespace/web MTLS-NOT-STRICT',
      'cluster-a Namespace/web NETPOL-NO-DEFAULT-DENY',
      'cluster-b Namespace/monitoring LIMITRANGE-MISSING',
      'cluster-b Namespace/monitoring MTLS-NOT-STRICT',
      'cluster-b Namespace/monitoring NETPOL-NO-DEFAULT-DENY',
      'cluster-b Namespace/monitoring QUOTA-MISSING',
      'cluster-b Namespace/reporting LIMITRANGE-MISSING',
      'cluster-b Namespace/reporting MTLS-NOT-STRICT',
      'cluster-b Namespace/reporting NETPOL-NO-DEFAULT-DENY',
    ]);
  });

  it('shows each seed pitfall rule firing on one cluster and passing on another', () => {
    const outcome = (rule: string) =>
      evaluation.tallies
        .filter((t) => t.rule === rule && t.applicable > 0)
        .map((t) => [t.cluster, t.applicable, t.passed])
        .sort();
    // host: monitoring-stack unreconciled for 25 min (3 of 4 pass); cluster-b: its one Application passes.
    expect(outcome('ARGO-RECONCILE-STALE')).toEqual([
      ['cluster-b', 1, 1],
      ['host', 4, 3],
    ]);
    // cluster-a audits from an unfilled cache; cluster-b lists from the API server; the host runs no Gatekeeper.
    expect(outcome('GATEKEEPER-ADMISSION-RISK')).toEqual([
      ['cluster-a', 1, 0],
      ['cluster-b', 1, 1],
    ]);
    expect(
      evaluation.findings
        .filter((f) => f.rule === 'ARGO-RECONCILE-STALE' || f.rule === 'GATEKEEPER-ADMISSION-RISK')
        .map((f) => `${f.cluster} ${f.resource} ${f.rule}`),
    ).toEqual([
      'host Application/argocd/monitoring-stack ARGO-RECONCILE-STALE',
      'cluster-a Cluster/cluster-a GATEKEEPER-ADMISSION-RISK',
    ]);
  });
});
