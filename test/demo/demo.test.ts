import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { createMemoryLogger } from '../../src/core/logger.js';
import type { DemoResult } from '../../src/demo/runDemo.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { STORED_REPORT_FILES } from '../support/reportFiles.js';

const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));
const NOW = DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' });

describe('the demo (npm start)', () => {
  let dir: string;
  let result: DemoResult;
  let store: DirectoryLedgerStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleetledger-demo-test-'));
    store = new DirectoryLedgerStore(join(dir, 'ledger'));
    const { runDemo } = await import('../../src/demo/runDemo.js');
    result = await runDemo({
      examplesDir: EXAMPLES,
      store,
      now: NOW,
      out: join(dir, 'out'),
      logger: createMemoryLogger(),
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('snapshots the three demo clusters last week and this week', () => {
    const clusters = (run: DemoResult['lastWeek']) => run.snapshot.clusters.map((c) => [c.cluster, c.status]).sort();
    const expected = [
      ['cluster-a', 'ok'],
      ['cluster-b', 'ok'],
      ['host', 'partial'],
    ];
    expect(clusters(result.lastWeek)).toEqual(expected);
    expect(clusters(result.thisWeek)).toEqual(expected);
    expect(result.lastWeek.report.doc.period).toBe('2026-W47');
    expect(result.thisWeek.report.doc.period).toBe('2026-W48');
  });

  it('finds the overlap of inter-cluster-pool between cluster-a and cluster-b and the mesh root mismatch', () => {
    const findings = result.thisWeek.report.doc.findings;
    const overlap = findings.find((f) => f.rule === 'CIDR-OVERLAP' && f.resource === 'IPPool/inter-cluster-pool');
    expect(overlap?.clusters).toEqual(['cluster-a', 'cluster-b']);
    expect(overlap?.message).toContain('common range 192.168.0.0/16');
    expect(findings.filter((f) => f.rule === 'MESH-ROOT-CA-MISMATCH').map((f) => f.clusters)).toEqual([
      ['cluster-a', 'cluster-b'],
    ]);
  });

  it('shows cluster-a and cluster-b as mesh corp, and the host, in no mesh, discovered managing both', () => {
    const connectivity = result.thisWeek.report.doc.connectivity;
    expect(connectivity?.groups.map((g) => [g.id, g.members.map((m) => m.cluster)])).toEqual([
      ['mesh/corp', ['cluster-a', 'cluster-b']],
      ['managed/host', ['host', 'cluster-a', 'cluster-b']],
    ]);
    const managed = connectivity?.groups[1]?.members.find((m) => m.cluster === 'cluster-a');
    expect(managed?.reasons.map((r) => [r.kind, r.detail])).toEqual([
      [
        'discovered',
        'KubeFedCluster kube-federation-system/cluster-a on host names the API server https://cluster-a.k8s.example.com:6443 of cluster-a',
      ],
      [
        'discovered',
        'Argo CD cluster "cluster-a" on host names the API server https://cluster-a.k8s.example.com:6443 of cluster-a',
      ],
    ]);
  });

  it("shows last week's changes in this week's trend", () => {
    const { doc } = result.thisWeek.report;
    expect(doc.previousPeriod).toBe('2026-W47');
    // Exactly what examples/fleet-last-week/README.md says changed: the API servers keep their certificates.
    expect(doc.trend.changes.map((c) => `${c.cluster} ${c.subject}: ${c.description}`)).toEqual([
      'cluster-a ResourceQuota/payments/default-quota: hard limits changed: requests.cpu 6 -> 8',
      'cluster-a K8sDisallowHostPath/disallow-host-path: enforcement changed from dryrun to deny',
      'cluster-b IPPool/inter-cluster-pool: IP pool added: 192.168.0.0/16 (ipip Always, vxlan Never)',
      'host Application/argocd/payments-api: newly OutOfSync (was Synced)',
    ]);
    const newRules = doc.findings.filter((f) => doc.trend.new.includes(f.id)).map((f) => f.rule);
    expect(newRules).toEqual(expect.arrayContaining(['CIDR-OVERLAP', 'ARGO-OUT-OF-SYNC']));
    expect(doc.trend.series.fleet.map((p) => p.period)).toEqual(['2026-W47', '2026-W48']);
  });

  it('applies the example waivers and flags the expired one', () => {
    const { doc } = result.thisWeek.report;
    expect(doc.findings.filter((f) => f.status === 'waived').map((f) => [f.rule, f.cluster, f.resource])).toEqual(
      expect.arrayContaining([['QUOTA-MISSING', 'cluster-a', 'Namespace/monitoring']]),
    );
    expect(doc.findings.some((f) => f.rule === 'WAIVER-EXPIRED')).toBe(true);
  });

  it('keeps quiet about the platform namespaces, listing them as skipped, and tells the forbidden section in words', () => {
    const { doc } = result.thisWeek.report;
    // 49 findings fewer than with every namespace checked: the hygiene gaps of istio-system,
    // calico-system, cert-manager, gatekeeper-system, argocd, kube-federation-system and default.
    // (41 with ARGO-RECONCILE-STALE on host and GATEKEEPER-ADMISSION-RISK on cluster-a.)
    expect(doc.findings).toHaveLength(41);
    const skipped = (cluster: string) =>
      doc.clusters
        .find((c) => c.name === cluster)
        ?.skippedNamespaces?.namespaces.filter((s) => s.reason === 'platform')
        .map((s) => `${s.namespace} (${s.addOn})`);
    expect(skipped('host')).toEqual(['argocd (Argo CD)', 'default (Kubernetes)', 'kube-federation-system (KubeFed)']);
    expect(skipped('cluster-a')).toEqual([
      'calico-system (Calico (Tigera operator))',
      'cert-manager (cert-manager)',
      'default (Kubernetes)',
      'gatekeeper-system (OPA Gatekeeper)',
      'istio-system (Istio)',
    ]);
    expect(doc.clusters.find((c) => c.name === 'host')?.statusReason).toBe(
      'cannot list ApplicationSets (forbidden for the reader role)',
    );
  });

  it('shows the worst Argo CD reconcile lag of each cluster in the drift section', async () => {
    const { doc } = result.thisWeek.report;
    expect(
      doc.clusters.map((c) => [c.name, c.facts?.reconcileLag?.application, c.facts?.reconcileLag?.lagSeconds]),
    ).toEqual([
      ['cluster-a', undefined, undefined],
      ['cluster-b', 'argocd/reporting-jobs', 120],
      ['host', 'argocd/monitoring-stack', 1500],
    ]);
    const html = await readFile(join(dir, 'out', 'report.html'), 'utf8');
    const drift = html.slice(
      html.indexOf('<section id="drift">'),
      html.indexOf('</section>', html.indexOf('<section id="drift">')),
    );
    expect(drift).toContain('<h3>Reconcile lag</h3>');
    // Over 3 periods of 180 s: flagged.
    expect(drift).toContain(
      '<td data-label="Application"><code>argocd/monitoring-stack</code></td><td data-label="Lag"><span class="flag">25 min</span></td><td data-label="Period">180 s</td>',
    );
    expect(drift).toContain(
      '<td data-label="Application"><code>argocd/reporting-jobs</code></td><td data-label="Lag">2 min</td><td data-label="Period">180 s</td>',
    );
  });

  it('records the example fleet and waivers files it used, with the SHA-256 of their bytes', async () => {
    const sha256 = async (file: string) =>
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
    expect(result.thisWeek.report.doc.configuration).toMatchObject({
      fleetFile: { path: join(EXAMPLES, 'fleet.yaml'), sha256: await sha256(join(EXAMPLES, 'fleet.yaml')) },
      waiversFile: { path: join(EXAMPLES, 'waivers.yaml'), sha256: await sha256(join(EXAMPLES, 'waivers.yaml')) },
    });
  });

  it("writes this week's report files to --out and leaves a ledger that verifies", async () => {
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(STORED_REPORT_FILES);
    const json = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8'));
    expect(json.period).toBe('2026-W48');
    const verified = await verifyLedger(store, {});
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);
  });

  it("writes the week as an OSCAL assessment-results document NIST's schema accepts, one finding per open finding", async () => {
    // Prepare
    const { assessmentResultsProblems } = await import('../../src/report/oscal/assessmentResultsSchema.js');
    const { doc } = result.thisWeek.report;

    // Act
    const document = JSON.parse(await readFile(join(dir, 'out', 'assessment-results.json'), 'utf8'));

    // Assess
    expect(assessmentResultsProblems(document)).toEqual([]);
    const week = document['assessment-results'].results[0];
    const idOf = (f: { props: { name: string; value: string }[] }) =>
      f.props.find((p) => p.name === 'finding-id')?.value;
    expect(week.findings.map(idOf)).toEqual(doc.findings.filter((f) => f.status === 'open').map((f) => f.id));
    // One observation per rule and cluster with checks: every finding rests on one of them.
    expect(week.observations).toHaveLength(doc.checks!.length);
    const overlap = week.findings.find((f: { title: string }) => f.title === 'CIDR-OVERLAP: IPPool/inter-cluster-pool');
    const observed = overlap['related-observations'].map(
      (r: { 'observation-uuid': string }) =>
        week.observations.find((o: { uuid: string }) => o.uuid === r['observation-uuid']).title,
    );
    expect(observed).toEqual(['CIDR-OVERLAP on cluster-a', 'CIDR-OVERLAP on cluster-b']);
  });

  it('keeps the Secret values, private keys and Argo CD cluster credentials of the demo fleet out of the ledger and the report', async () => {
    // Every fake secret value in examples/fleet starts with "FAKE-" (base64 "RkFLRS").
    const texts: string[] = [];
    const { gunzipSync } = await import('node:zlib');
    for (const { key } of await store.list('')) {
      const bytes = Buffer.from(await store.get(key));
      texts.push(key.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8'));
    }
    for (const file of await readdir(join(dir, 'out'))) texts.push(await readFile(join(dir, 'out', file), 'utf8'));
    expect(texts.length).toBeGreaterThan(20);
    const leaks = texts.filter((text) => /FAKE-|RkFLRS|PRIVATE KEY|bearerToken/.test(text));
    expect(leaks).toEqual([]);
  });
});
