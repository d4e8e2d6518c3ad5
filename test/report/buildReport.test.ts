import { DateTime } from 'luxon';
import { parsePeriod, shiftPeriod } from '../../src/core/period.js';
import type { Waiver } from '../../src/evaluate/types.js';
import { buildReport } from '../../src/report/buildReport.js';
import type { TrendIndexEntry } from '../../src/report/trendIndex.js';
import type { SnapshotOverrides } from '../support/snapshotFixture.js';
import { allSectionsOk } from '../support/snapshotFixture.js';
import { counts, evaluation, finding, reportOf, score, snapshotAt, storedAs, tallies } from './fixtures.js';

const W47 = '2026-11-18T09:00:00.000Z';
const W48 = '2026-11-25T09:00:00.000Z';

describe('buildReport trend', () => {
  it('sorts findings into new, resolved and persisting by their stable ids', () => {
    // Prepare
    const a = finding('QUOTA-MISSING', 'c1', 'Namespace/a');
    const b = finding('QUOTA-MISSING', 'c1', 'Namespace/b');
    const c = finding('ARGO-OUT-OF-SYNC', 'c1', 'Application/argocd/x', { severity: 'high' });
    const previous = reportOf({
      period: '2026-W47',
      now: W47,
      snapshots: [snapshotAt('c1', W47)],
      evaluation: evaluation([a, b], { c1: score(0.8, 1) }),
    });

    // Act
    const { doc } = reportOf(
      {
        period: '2026-W48',
        now: W48,
        snapshots: [snapshotAt('c1', W48)],
        evaluation: evaluation([b, c], { c1: score(0.8, 1) }),
      },
      [previous.entry],
    );

    // Assess
    expect(doc.previousPeriod).toBe('2026-W47');
    expect(doc.trend.new).toEqual([c.id]);
    expect(doc.trend.resolved).toEqual([a.id]);
    expect(doc.trend.persisting).toEqual([b.id]);
    expect(doc.trend.resolvedFindings).toEqual([
      { id: a.id, rule: 'QUOTA-MISSING', cluster: 'c1', resource: 'Namespace/a' },
    ]);
    expect(doc.findings.map((f) => [f.rule, f.trend])).toEqual([
      ['ARGO-OUT-OF-SYNC', 'new'],
      ['QUOTA-MISSING', 'persisting'],
    ]);
  });

  it('treats every finding as new and first seen this period when there is no previous period', () => {
    const a = finding('QUOTA-MISSING', 'c1', 'Namespace/a');
    const { doc } = reportOf({
      period: '2026-W48',
      now: W48,
      snapshots: [snapshotAt('c1', W48)],
      evaluation: evaluation([a], { c1: score(0.9, 1) }),
    });
    expect(doc.previousPeriod).toBeNull();
    expect(doc.trend).toMatchObject({ new: [a.id], resolved: [], persisting: [], changes: [] });
    // First seen when the snapshot showing it was collected, not at the start of the week.
    expect(doc.findings[0]).toMatchObject({ firstSeen: W48, ageDays: 0, trend: 'new' });
  });

  it('carries firstSeen across three periods and restarts it for a finding that came back', () => {
    // Prepare: b is seen in W40, W44 and W48; d from W44 on; e in W40, gone in W44, back in W48.
    const b = finding('QUOTA-MISSING', 'c1', 'Namespace/b');
    const d = finding('CONSTRAINT-VIOLATIONS', 'c1', 'K8sRequiredLabels/owner');
    const e = finding('LIMITRANGE-MISSING', 'c1', 'Namespace/e');
    const w40 = reportOf({
      period: '2026-W40',
      now: '2026-09-30T09:00:00.000Z',
      snapshots: [snapshotAt('c1', '2026-09-30T09:00:00.000Z')],
      evaluation: evaluation([b, e], { c1: score(0.5, 1) }),
    });
    const w44 = reportOf(
      {
        period: '2026-W44',
        now: '2026-10-28T09:00:00.000Z',
        snapshots: [snapshotAt('c1', '2026-10-28T09:00:00.000Z')],
        evaluation: evaluation([b, d], { c1: score(0.5, 1) }),
      },
      [w40.entry],
    );

    // Act
    const { doc } = reportOf(
      {
        period: '2026-W48',
        now: W48,
        snapshots: [snapshotAt('c1', W48)],
        evaluation: evaluation([b, d, e], { c1: score(0.5, 1) }),
      },
      [w40.entry, w44.entry],
    );

    // Assess
    const byId = new Map(doc.findings.map((f) => [f.id, f]));
    expect(byId.get(b.id)).toMatchObject({ firstSeen: '2026-09-30T09:00:00.000Z', ageDays: 56, trend: 'persisting' });
    expect(byId.get(d.id)).toMatchObject({ firstSeen: '2026-10-28T09:00:00.000Z', ageDays: 28, trend: 'persisting' });
    expect(byId.get(e.id)).toMatchObject({ firstSeen: W48, ageDays: 0, trend: 'new' });
    expect(w44.entry.findings.find((f) => f.id === b.id)?.firstSeen).toBe('2026-09-30T09:00:00.000Z');
  });

  it('gives score deltas per cluster and for the fleet, null for a cluster without a previous score', () => {
    const previous = reportOf({
      period: '2026-W47',
      now: W47,
      snapshots: [snapshotAt('c1', W47)],
      evaluation: evaluation([], { c1: score(0.7, 0.9) }, score(0.6, 0.8)),
    });
    const { doc } = reportOf(
      {
        period: '2026-W48',
        now: W48,
        snapshots: [snapshotAt('c1', W48), snapshotAt('c2', W48)],
        evaluation: evaluation([], { c1: score(0.8, 1), c2: score(0.5, 1) }, score(0.75, 0.9)),
      },
      [previous.entry],
    );
    expect(doc.fleet.delta).toEqual({ compliance: 0.15, coverage: 0.1 });
    expect(doc.clusters.map((c) => [c.name, c.delta])).toEqual([
      ['c1', { compliance: 0.1, coverage: 0.1 }],
      ['c2', { compliance: null, coverage: null }],
    ]);
  });

  it('lists a configured cluster without a snapshot as missing: no compliance, zero coverage, nothing evaluated', () => {
    const doc = buildReport({
      period: parsePeriod('2026-W48'),
      now: DateTime.fromISO(W48, { zone: 'utc' }),
      storeLocation: '/ledger',
      current: [storedAs(snapshotAt('c1', W48))],
      gaps: [],
      evaluation: evaluation(
        [],
        { c1: score(1, 1) },
        score(1, 0.5),
        ['c2'],
        [
          ...tallies('c1'),
          ...tallies('c2', {
            quotas: 'not-evaluated',
            policies: 'not-evaluated',
            network: 'not-evaluated',
            certificates: 'not-evaluated',
            gitops: 'not-evaluated',
          }),
        ],
      ),
      previous: null,
      history: [],
      fleetClusters: [
        { name: 'c1', labels: {} },
        { name: 'c2', labels: { mesh: 'corp' } },
      ],
      waivers: [],
    });
    const missing = doc.clusters.find((c) => c.name === 'c2');
    expect(missing).toMatchObject({
      status: 'missing',
      statusReason: 'no snapshot in 2026-W48',
      compliance: null,
      coverage: 0,
      labels: { mesh: 'corp' },
      snapshotKey: null,
      facts: null,
    });
    expect(Object.values(missing!.areas).map((a) => a.state)).toEqual(Array(5).fill('not-evaluated'));
    expect(doc.fleet.clusters).toEqual({ total: 2, ok: 1, partial: 0, unreachable: 0, missing: 1 });
    expect(doc.evidence.map((e) => e.cluster)).toEqual(['c1']);
  });

  it('does not call the findings of a cluster that became unreachable, or of a section not collected, resolved', () => {
    const quota = finding('QUOTA-MISSING', 'c1', 'Namespace/a');
    const constraint = finding('CONSTRAINT-VIOLATIONS', 'c2', 'K8sRequiredLabels/owner');
    const argo = finding('ARGO-OUT-OF-SYNC', 'c2', 'Application/argocd/web');
    const previous = reportOf({
      period: '2026-W47',
      now: W47,
      snapshots: [snapshotAt('c1', W47), snapshotAt('c2', W47)],
      evaluation: evaluation([quota, constraint, argo], { c1: score(0.5, 1), c2: score(0.5, 1) }),
    });
    const sections = { ...allSectionsOk(), gatekeeper: { state: 'forbidden' as const, message: 'RBAC' } };
    const { doc } = reportOf(
      {
        period: '2026-W48',
        now: W48,
        snapshots: [
          snapshotAt('c1', W48, { meta: { status: 'unreachable', unreachableReason: 'connect ETIMEDOUT' } }),
          snapshotAt('c2', W48, { meta: { status: 'partial', sections } }),
        ],
        evaluation: evaluation(
          [],
          { c1: score(null, 0), c2: score(1, 0.8) },
          score(1, 0.5),
          [],
          [
            ...tallies('c1', {
              quotas: 'not-evaluated',
              policies: 'not-evaluated',
              network: 'not-evaluated',
              certificates: 'not-evaluated',
              gitops: 'not-evaluated',
            }),
            ...tallies('c2', { policies: 'not-evaluated' }),
          ],
        ),
      },
      [previous.entry],
    );
    expect(doc.trend.resolved).toEqual([argo.id]);
    expect(doc.clusters.map((c) => [c.name, c.status, c.statusReason])).toEqual([
      ['c1', 'unreachable', 'could not reach the API server (no answer in time)'],
      ['c2', 'partial', 'cannot list Gatekeeper templates and constraints (forbidden for the reader role)'],
    ]);
    expect(doc.clusters[0]!.facts).toBeNull();
  });

  it('keeps at most 12 points in the series, oldest first, this period last', () => {
    // Prepare: reports for the 14 periods W34..W47, cluster c2 only in the last two.
    const history: TrendIndexEntry[] = [];
    const w48 = parsePeriod('2026-W48');
    for (let back = 14; back >= 1; back -= 1) {
      const period = shiftPeriod(w48, -back);
      const now = period.start.plus({ days: 2 }).toUTC().toISO()!;
      const clusters = back <= 2 ? ['c1', 'c2'] : ['c1'];
      const run = reportOf(
        {
          period: period.id,
          now,
          snapshots: clusters.map((c) => snapshotAt(c, now)),
          evaluation: evaluation(
            [],
            Object.fromEntries(clusters.map((c) => [c, score(1 - back / 100, 1)])),
            score(1 - back / 100, 1),
          ),
        },
        [...history],
      );
      history.push(run.entry);
    }

    // Act
    const { doc } = reportOf(
      {
        period: '2026-W48',
        now: W48,
        snapshots: [snapshotAt('c1', W48), snapshotAt('c2', W48)],
        evaluation: evaluation([], { c1: score(1, 1), c2: score(1, 1) }, score(1, 1, { high: 2 })),
      },
      history,
    );

    // Assess
    expect(doc.trend.series.fleet.map((p) => p.period)).toEqual([
      '2026-W37',
      '2026-W38',
      '2026-W39',
      '2026-W40',
      '2026-W41',
      '2026-W42',
      '2026-W43',
      '2026-W44',
      '2026-W45',
      '2026-W46',
      '2026-W47',
      '2026-W48',
    ]);
    expect(doc.trend.series.fleet[0]).toEqual({ period: '2026-W37', compliance: 0.89, coverage: 1, open: counts() });
    expect(doc.trend.series.fleet.at(-1)).toEqual({
      period: '2026-W48',
      compliance: 1,
      coverage: 1,
      open: counts({ high: 2 }),
    });
    expect(doc.trend.series.clusters['c2']?.map((p) => p.period)).toEqual(['2026-W46', '2026-W47', '2026-W48']);
    expect(doc.trend.series.clusters['c1']).toHaveLength(12);
  });
});

describe('buildReport clusters and waivers', () => {
  it('fills the areas matrix: fail, pass, not-evaluated for a forbidden section, not-applicable for absent APIs', () => {
    const sections = {
      ...allSectionsOk(),
      tlsSecrets: { state: 'forbidden' as const },
      argocdApplications: { state: 'absent' as const },
      argocdApplicationSets: { state: 'absent' as const },
      argocdClusters: { state: 'absent' as const },
      kubefed: { state: 'absent' as const },
      istioRemoteSecrets: { state: 'absent' as const },
    };
    const waiver: Waiver = {
      rule: 'CONSTRAINT-NOT-ENFORCED',
      cluster: 'c1',
      reason: 'r',
      owner: 'o',
      expires: '2026-12-31',
    };
    const { doc } = reportOf({
      period: '2026-W48',
      now: W48,
      snapshots: [snapshotAt('c1', W48, { meta: { status: 'partial', sections } })],
      evaluation: evaluation(
        [
          finding('QUOTA-MISSING', 'c1', 'Namespace/a', { severity: 'low' }),
          finding('QUOTA-NEAR-LIMIT', 'c1', 'ResourceQuota/a/compute', { severity: 'high' }),
          finding('CONSTRAINT-NOT-ENFORCED', 'c1', 'K8sAllowedRepos/repos', { waiver }),
        ],
        { c1: score(0.5, 0.9) },
        score(0.5, 0.9),
        [],
        tallies('c1', { certificates: 'not-evaluated', gitops: 'not-applicable' }),
      ),
      waivers: [waiver, { ...waiver, rule: 'QUOTA-MISSING', expires: '2026-11-01' }],
    });
    const none = counts();
    expect(doc.clusters[0]!.areas).toEqual({
      quotas: { state: 'fail', open: 2, worstSeverity: 'high', counts: counts({ high: 1, low: 1 }) },
      policies: { state: 'pass', open: 0, worstSeverity: null, counts: none },
      network: { state: 'pass', open: 0, worstSeverity: null, counts: none },
      certificates: {
        state: 'not-evaluated',
        open: 0,
        worstSeverity: null,
        counts: none,
        reason: 'cannot list TLS Secrets (forbidden for the reader role)',
      },
      gitops: { state: 'not-applicable', open: 0, worstSeverity: null, counts: none },
    });
    expect(doc.waivers.map((w) => [w.rule, w.expired, w.matched])).toEqual([
      ['CONSTRAINT-NOT-ENFORCED', false, 1],
      ['QUOTA-MISSING', true, 0],
    ]);
  });

  it('lists every snapshot used as evidence with the hash of its stored bytes', () => {
    const { doc } = reportOf({
      period: '2026-W48',
      now: W48,
      snapshots: [snapshotAt('c2', W48), snapshotAt('c1', W48)],
      evaluation: evaluation([], { c1: score(1, 1), c2: score(1, 1) }),
    });
    expect(doc.evidence).toEqual([
      {
        cluster: 'c1',
        key: `snapshots/cluster=c1/${W48}.json.gz`,
        sha256: 'a'.repeat(64),
        size: 100,
        collectedAt: W48,
      },
      {
        cluster: 'c2',
        key: `snapshots/cluster=c2/${W48}.json.gz`,
        sha256: 'a'.repeat(64),
        size: 100,
        collectedAt: W48,
      },
    ]);
  });
});

// ---- fact changes ------------------------------------------------------------------------------

const cert = (cn: string, fingerprintDigit: string, notAfter: string) => ({
  subject: `CN=${cn}`,
  issuer: 'CN=ca',
  sans: [cn],
  serialNumber: '01',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter,
  fingerprint256: fingerprintDigit.repeat(64),
  isCA: false,
});
const tlsBundle = (namespace: string, name: string, certificate: ReturnType<typeof cert>) => ({
  source: 'tls-secret' as const,
  namespace,
  name,
  key: 'tls.crt',
  chain: [certificate],
});
const quota = (namespace: string, name: string, hard: Record<string, string>) => ({
  namespace,
  name,
  resources: Object.entries(hard).map(([resource, value]) => ({
    resource,
    hard: value,
    used: null,
    hardValue: null,
    usedValue: null,
  })),
});
const pool = (name: string, cidr: string, vxlanMode = 'Never') => ({
  name,
  apiGroup: 'crd.projectcalico.org' as const,
  cidr,
  ipipMode: 'Always',
  vxlanMode,
  natOutgoing: true,
  disabled: false,
  blockSize: 26,
});
const app = (name: string, syncStatus: string) => ({
  namespace: 'argocd',
  name,
  project: 'default',
  destination: { server: 'https://kubernetes.default.svc', name: null, namespace: name },
  syncStatus,
  revision: 'abc',
  health: 'Healthy',
  operation: null,
  reconciledAt: null,
  automated: { enabled: true, prune: true, selfHeal: true },
  outOfSyncResources: [],
});
const constraint = (kind: string, name: string, enforcementAction: string) => ({
  kind,
  name,
  enforcementAction,
  totalViolations: 0,
  violations: [],
  auditTimestamp: null,
});
const svc = (...cidrs: string[]) => cidrs.map((cidr) => ({ cidr, source: 'servicecidr-api' as const }));

function c1Week(overrides: {
  quotas: ReturnType<typeof quota>[];
  serviceCIDRs: string[];
  pools: ReturnType<typeof pool>[];
  bundles: ReturnType<typeof tlsBundle>[];
  apps: ReturnType<typeof app>[];
  constraints: ReturnType<typeof constraint>[];
}): SnapshotOverrides {
  return {
    quotas: { resourceQuotas: overrides.quotas, limitRanges: [] },
    network: { nodes: [], serviceCIDRs: svc(...overrides.serviceCIDRs), podRanges: [], ipPools: overrides.pools },
    certificates: { bundles: overrides.bundles, certManager: [], istioRootFingerprints: [] },
    gitops: { installed: true, applications: overrides.apps, applicationSets: [], clusters: [] },
    policies: {
      gatekeeper: { installed: true, apiVersion: 'v1', templates: [], constraints: overrides.constraints },
      kyverno: { installed: false, policies: [], reports: [] },
      networkPolicies: [],
      istio: { installed: false, apiVersion: null, peerAuthentications: [], mtls: [] },
    },
  };
}

describe('buildReport fact changes', () => {
  const before = c1Week({
    quotas: [quota('ledger', 'compute', { 'requests.cpu': '4' }), quota('batch', 'compute', { pods: '10' })],
    serviceCIDRs: ['10.96.0.0/16'],
    pools: [
      pool('default-pool', '10.244.0.0/16'),
      pool('inter-cluster-pool', '10.10.0.0/16'),
      pool('old-pool', '10.20.0.0/16'),
    ],
    bundles: [
      tlsBundle('payments', 'api-tls', cert('api', '1', '2027-06-01T00:00:00.000Z')),
      tlsBundle('web', 'site-tls', cert('site', '3', '2026-12-10T00:00:00.000Z')),
      tlsBundle('shop', 'shop-tls', cert('shop', '4', '2026-12-20T00:00:00.000Z')),
    ],
    apps: [app('api', 'Synced'), app('web', 'OutOfSync'), app('jobs', 'Synced')],
    constraints: [
      constraint('K8sRequiredLabels', 'ns-must-have-owner', 'deny'),
      constraint('K8sAllowedRepos', 'repos', 'dryrun'),
      constraint('K8sBlockNodePort', 'no-nodeport', 'deny'),
    ],
  });
  const after = c1Week({
    quotas: [
      quota('ledger', 'compute', { 'requests.cpu': '8' }),
      quota('ledger', 'storage', { 'requests.storage': '100Gi' }),
    ],
    serviceCIDRs: ['10.96.0.0/16', '10.97.0.0/16'],
    pools: [
      pool('default-pool', '10.244.0.0/16'),
      pool('inter-cluster-pool', '10.10.0.0/16', 'Always'),
      pool('new-pool', '10.30.0.0/16'),
    ],
    bundles: [
      tlsBundle('payments', 'api-tls', cert('api', '2', '2027-09-01T00:00:00.000Z')),
      tlsBundle('web', 'site-tls', cert('site', '3', '2026-12-10T00:00:00.000Z')),
      tlsBundle('shop', 'shop-tls', cert('shop', '4', '2026-12-20T00:00:00.000Z')),
    ],
    apps: [app('api', 'OutOfSync'), app('web', 'Synced'), app('jobs', 'Synced')],
    constraints: [
      constraint('K8sRequiredLabels', 'ns-must-have-owner', 'deny'),
      constraint('K8sAllowedRepos', 'repos', 'deny'),
      constraint('K8sPSPPrivileged', 'no-privileged', 'warn'),
    ],
  });

  function changesBetween(
    w47: Record<string, SnapshotOverrides>,
    w48: Record<string, SnapshotOverrides>,
  ): ReturnType<typeof reportOf>['doc']['trend']['changes'] {
    const scores = (names: string[]) => Object.fromEntries(names.map((n) => [n, score(1, 1)]));
    const previous = reportOf({
      period: '2026-W47',
      now: W47,
      snapshots: Object.entries(w47).map(([name, o]) => snapshotAt(name, W47, o)),
      evaluation: evaluation([], scores(Object.keys(w47))),
    });
    return reportOf(
      {
        period: '2026-W48',
        now: W48,
        snapshots: Object.entries(w48).map(([name, o]) => snapshotAt(name, W48, o)),
        evaluation: evaluation([], scores(Object.keys(w48))),
      },
      [previous.entry],
    ).doc.trend.changes;
  }

  it('reports each kind of change an auditor looks at, and nothing for facts that stayed the same', () => {
    const changes = changesBetween(
      {
        c1: before,
        'c-old': {},
        c2: { network: { nodes: [], serviceCIDRs: svc('10.96.0.0/12'), podRanges: [], ipPools: [] } },
      },
      {
        c1: after,
        'c-new': {},
        c2: { network: { nodes: [], serviceCIDRs: svc('10.100.0.0/16'), podRanges: [], ipPools: [] } },
      },
    );
    expect(changes.map((c) => [c.cluster, c.area, c.change, c.subject, c.description])).toEqual([
      ['c-new', 'fleet', 'added', 'Cluster/c-new', 'cluster added to the fleet'],
      ['c-old', 'fleet', 'removed', 'Cluster/c-old', 'cluster no longer in the fleet'],
      ['c1', 'quotas', 'changed', 'ResourceQuota/ledger/compute', 'hard limits changed: requests.cpu 4 -> 8'],
      ['c1', 'quotas', 'added', 'ResourceQuota/ledger/storage', 'new quota: requests.storage=100Gi'],
      ['c1', 'quotas', 'removed', 'ResourceQuota/batch/compute', 'quota removed (was pods=10)'],
      ['c1', 'policies', 'changed', 'K8sAllowedRepos/repos', 'enforcement changed from dryrun to deny'],
      ['c1', 'policies', 'added', 'K8sPSPPrivileged/no-privileged', 'constraint added (enforcement warn)'],
      ['c1', 'policies', 'removed', 'K8sBlockNodePort/no-nodeport', 'constraint removed (was deny)'],
      ['c1', 'network', 'added', 'ServiceCIDR/10.97.0.0/16', 'Service range 10.97.0.0/16 added'],
      [
        'c1',
        'network',
        'changed',
        'IPPool/inter-cluster-pool',
        'IP pool changed from 10.10.0.0/16 (ipip Always, vxlan Never) to 10.10.0.0/16 (ipip Always, vxlan Always)',
      ],
      ['c1', 'network', 'added', 'IPPool/new-pool', 'IP pool added: 10.30.0.0/16 (ipip Always, vxlan Never)'],
      ['c1', 'network', 'removed', 'IPPool/old-pool', 'IP pool removed: 10.20.0.0/16 (ipip Always, vxlan Never)'],
      [
        'c1',
        'certificates',
        'changed',
        'Secret/payments/api-tls',
        `certificate rotated (tls.crt): fingerprint ${'1'.repeat(16)} -> ${'2'.repeat(16)}`,
      ],
      [
        'c1',
        'certificates',
        'changed',
        'Secret/shop/shop-tls',
        'newly expiring: CN=shop expires on 2026-12-20, in 24 days',
      ],
      ['c1', 'gitops', 'changed', 'Application/argocd/api', 'newly OutOfSync (was Synced)'],
      ['c1', 'gitops', 'changed', 'Application/argocd/web', 'back in sync (was OutOfSync)'],
      ['c2', 'network', 'changed', 'ServiceCIDRs', 'Service ranges changed from 10.96.0.0/12 to 10.100.0.0/16'],
    ]);
  });

  it('does not compare facts whose section was not collected in one of the periods', () => {
    const forbidden = {
      ...allSectionsOk(),
      gatekeeper: { state: 'forbidden' as const },
      tlsSecrets: { state: 'error' as const, message: 'timeout' },
    };
    const afterWithout: SnapshotOverrides = {
      ...after,
      meta: { status: 'partial', sections: forbidden },
      policies: {
        ...after.policies!,
        gatekeeper: { installed: false, apiVersion: null, templates: [], constraints: [] },
      },
      certificates: { bundles: [], certManager: [], istioRootFingerprints: [] },
    };
    const changes = changesBetween({ c1: before }, { c1: afterWithout });
    expect(changes.filter((c) => c.area === 'policies' || c.area === 'certificates')).toEqual([]);
    expect(changes.filter((c) => c.area === 'quotas')).toHaveLength(3);
  });
});
