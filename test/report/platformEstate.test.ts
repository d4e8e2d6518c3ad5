/**
 * A fleet shaped like a real estate: one cluster carrying the namespaces of the usual platform
 * add-ons (mesh, CNI, certificates, GitOps, admission, federation ...) and two tenant namespaces
 * without quotas, limits or network policies. Snapshotted over HTTPS from a simulated API server
 * and reported through the CLI, as in production.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportDocument } from '../../src/report/schema.js';
import type { RunningFleet } from '../../src/simulator/fleet.js';
import { crd, namespace } from '../collect/fixtures.js';
import { runCliInProcess } from '../support/cli.js';

const NOW = '2026-11-25T09:00:00.000Z';
const LATER = '2026-11-25T10:00:00.000Z';
const PLATFORM: [string, string][] = [
  ['argocd', 'Argo CD'],
  ['calico-system', 'Calico (Tigera operator)'],
  ['cert-manager', 'cert-manager'],
  ['default', 'Kubernetes'],
  ['flux-system', 'Flux'],
  ['gatekeeper-system', 'OPA Gatekeeper'],
  ['ingress-nginx', 'ingress-nginx'],
  ['istio-system', 'Istio'],
  ['kube-federation-system', 'KubeFed'],
  ['kyverno', 'Kyverno'],
  ['tigera-operator', 'Calico (Tigera operator)'],
];
const HYGIENE = ['QUOTA-MISSING', 'LIMITRANGE-MISSING', 'NETPOL-NO-DEFAULT-DENY', 'MTLS-NOT-STRICT'];

describe('a cluster with platform add-ons and two tenants', () => {
  let fleet: RunningFleet | undefined;
  let dir: string;
  let doc: ReportDocument;
  let html: string;

  beforeAll(async () => {
    const { startSimulatedFleet } = await import('../../src/simulator/fleet.js');
    fleet = await startSimulatedFleet(
      [
        {
          name: 'estate',
          objects: [
            ...['kube-system', 'kube-public', 'kube-node-lease', ...PLATFORM.map(([name]) => name)].map((name) =>
              namespace(name),
            ),
            namespace('team-a', { team: 'a' }),
            namespace('team-b', { team: 'b' }),
            // Istio is installed (so MTLS-NOT-STRICT applies), with no PeerAuthentication anywhere.
            crd('security.istio.io', ['v1'], 'PeerAuthentication', 'peerauthentications', 'Namespaced'),
          ],
        },
      ],
      { now: new Date(NOW) },
    );
    dir = await mkdtemp(join(tmpdir(), 'fleetledger-estate-'));
    const store = join(dir, 'ledger');
    const snapshot = await runCliInProcess([
      'snapshot',
      '--kubeconfig',
      fleet.kubeconfigPath,
      '--store',
      store,
      '--now',
      NOW,
    ]);
    expect(snapshot.status).toBe(0);
    // An hour later: the snapshot was collected a moment after NOW.
    const report = await runCliInProcess(['report', '--store', store, '--now', LATER, '--out', join(dir, 'out')]);
    expect(report.status).toBe(0);
    doc = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')) as ReportDocument;
    html = await readFile(join(dir, 'out', 'report.html'), 'utf8');
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gives namespace hygiene findings to the tenant namespaces only', () => {
    const hygiene = doc.findings.filter((f) => HYGIENE.includes(f.rule)).map((f) => `${f.rule} ${f.resource}`);
    expect(hygiene.sort()).toEqual(
      HYGIENE.flatMap((rule) => [`${rule} Namespace/team-a`, `${rule} Namespace/team-b`]).sort(),
    );
  });

  it('lists every namespace it skipped in report.json, with the add-on or glob that matched', () => {
    const skipped = doc.clusters.find((c) => c.name === 'estate')!.skippedNamespaces!;
    expect(skipped.rules).toEqual(HYGIENE);
    expect(skipped.namespaces.map((s) => [s.namespace, s.reason, s.addOn ?? s.pattern])).toEqual(
      [
        ...PLATFORM.map(([name, addOn]) => [name, 'platform', addOn]),
        ['kube-node-lease', 'excluded', 'kube-node-lease'],
        ['kube-public', 'excluded', 'kube-public'],
        ['kube-system', 'excluded', 'kube-system'],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
  });

  it('lists them in the appendix of report.html and counts the tenants in the matrix', () => {
    const appendix = html.split('<section id="appendix">')[1]!;
    expect(appendix).toContain(
      `<tr><td data-label="Cluster">estate</td><td data-label="Platform namespaces">${PLATFORM.map(([name, addOn]) => `<code>${name}</code> <span class="reason">${addOn}</span>`).join(', ')}</td><td data-label="Excluded"><code>kube-node-lease</code>, <code>kube-public</code>, <code>kube-system</code></td></tr>`,
    );
    expect(appendix).not.toContain('<code>team-a</code>');
    // Quotas: QUOTA-MISSING (medium) and LIMITRANGE-MISSING (low) on two namespaces each.
    expect(html).toContain(
      '<span class="cell cell-fail cell-worst-medium" title="quotas: 2 medium, 2 low open"><span class="count">2 medium</span> · <span class="count">2 low</span></span>',
    );
  });
});
